#!/usr/bin/env bash
# Installs every Debian package Imbalance Workbench needs to build, test, run and benchmark.
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
#   bash packaging/install-deps.sh          build + run + test dependencies
#   bash packaging/install-deps.sh --bench  also the Python peers used by bench/
#   bash packaging/install-deps.sh --fixtures  also what regenerates the reader's committed
#                                              fixtures (tests/core/data/fixtures/make_fixtures.py)
#   bash packaging/install-deps.sh --fuzz   also clang + libFuzzer and h5py for fuzz/run.sh, and
#                                           LLVM's OpenMP for packaging/tsan.sh (not needed by CI)
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config clang-format git
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
  libeigen3-dev libhdf5-dev hdf5-tools
  libxgboost-dev xgboost          # xgboost: Debian's CMake config needs the library package too
  nlohmann-json3-dev libnanoflann-dev
  xvfb xauth                      # GUI tests and screenshots
  poppler-utils                   # pdftoppm, to look at exported PDF plots
  python3-numpy python3-h5py python3-xgboost python3-onnx  # independent evaluators of exports
  help2man librsvg2-bin           # man page and PNG icons of the package
  appstream desktop-file-utils    # validation of the package's metadata
  slurm-wlm slurmctld slurmd munge  # the one-node cluster of the tests labelled slurm (packaging/slurm/cluster.sh)
)
BENCH_PKGS=(
  python3 python3-numpy python3-h5py python3-sklearn python3-imblearn
  python3-xgboost python3-torch
)
FUZZ_PKGS=(
  clang libclang-rt-14-dev        # libFuzzer runtime and the sanitizers for clang
  libomp-dev                      # LLVM's OpenMP with Archer (TSan-aware), for packaging/tsan.sh
  python3 python3-numpy python3-h5py  # fuzz/make_seeds.sh writes the reader's seed files
)

# The tests read committed files; only regenerating them needs the writing tools.
FIXTURE_PKGS=(
  python3 python3-numpy python3-h5py python3-pandas python3-tables
)

want=("${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--bench" ]]; then want+=("${BENCH_PKGS[@]}"); fi
if [[ "${1:-}" == "--fixtures" ]]; then want+=("${FIXTURE_PKGS[@]}"); fi
if [[ "${1:-}" == "--fuzz" ]]; then want+=("${FUZZ_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"install ok installed"* ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages already installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
