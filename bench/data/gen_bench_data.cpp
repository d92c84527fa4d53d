// Writes the deterministic benchmark sample of issue 2: 10,000,000 events × 20 float32 columns
// x00..x19 in /events (one contiguous 1-D dataset per column, as h5py writes by default).
// Values: x_k = (sum of four uniforms in [-0.5, 0.5)) * (1 + k / 10), a bell shape from a fixed
// splitmix64 stream, so every run writes the same bytes.
//
// Usage: bench_data_gen OUT.h5 [events]

#include <hdf5.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double uniform(std::uint64_t& state) {
  return double(splitmix64(state) >> 11) * 0x1.0p-53 - 0.5;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.h5 [events]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const hsize_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000000ULL;
  const int columns = 20;
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) {
    std::fprintf(stderr, "cannot create %s\n", path.c_str());
    return 1;
  }
  hid_t group = H5Gcreate2(file, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<float> values(events);
  for (int k = 0; k < columns; ++k) {
    std::uint64_t state = 0x1234567ULL + std::uint64_t(k) * 1000003ULL;
    const double scale = 1.0 + k / 10.0;
    for (hsize_t i = 0; i < events; ++i) {
      const double s = uniform(state) + uniform(state) + uniform(state) + uniform(state);
      values[i] = float(s * scale);
    }
    char name[8];
    std::snprintf(name, sizeof name, "x%02d", k);
    hid_t space = H5Screate_simple(1, &events, nullptr);
    hid_t ds =
        H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const herr_t st = H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(ds);
    H5Sclose(space);
    if (st < 0) {
      std::fprintf(stderr, "write failed for %s\n", name);
      return 1;
    }
  }
  H5Gclose(group);
  H5Fclose(file);
  std::printf("wrote %s: %llu events x %d float32 columns\n", path.c_str(),
              static_cast<unsigned long long>(events), columns);
  return 0;
}
