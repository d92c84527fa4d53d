// Self-check of packaging/tsan.sh's toolchain (clang, -fsanitize=thread, LLVM's libomp with
// Archer): `tsan_selfcheck 0` hands data across an OpenMP region the correct way and must give
// no ThreadSanitizer report (without Archer it gives false ones: TSan cannot see libomp's
// barrier); `tsan_selfcheck 1` adds a planted race (every thread adds to one double) and must
// give one. So a clean run of the project's tests means "no race seen", not "TSan blind".
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  const bool race = argc > 1 && std::atoi(argv[1]) != 0;
  std::vector<double> v(1000, 1.0);
  double sum = 0;
#pragma omp parallel for num_threads(2)
  for (int i = 0; i < 1000; ++i) {
    v[i] *= 2;
    if (race) sum += v[i];
  }
  for (double x : v) sum += x;  // after the region: ordered by its join
  std::printf("%g\n", sum);
  return 0;
}
