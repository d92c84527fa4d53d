#include "tools/dijet/dijet_generator.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/resample/random_stream.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

constexpr double kPi = std::numbers::pi;
// Background M_jj density ∝ M^-kPowerLaw above DijetConfig::mjjMin: smoothly falling, like
// the dijet spectrum above a jet-pT trigger (LHCO R&D: pT > 1.2 TeV).
constexpr double kPowerLaw = 6.0;
// QCD jet mass: log-normal, median 60 GeV, ln-width 0.75 (broad, with a tail to ~500 GeV).
constexpr double kQcdMassMedian = 60.0;
constexpr double kQcdMassLnWidth = 0.75;
// N-subjettiness ratios: QCD jets are one-prong-like (τ21 ≈ 0.62), W′ daughters two-prong
// (τ21 ≈ 0.30).
constexpr double kQcdTau21 = 0.62, kQcdTau21Width = 0.13;
constexpr double kQcdTau32 = 0.72, kQcdTau32Width = 0.10;
constexpr double kSignalTau21 = 0.30, kSignalTau21Width = 0.10;
constexpr double kSignalTau32 = 0.75, kSignalTau32Width = 0.10;

enum Column {
  J1Mass,
  J1Pt,
  J1Eta,
  J1Phi,
  J1Tau21,
  J1Tau32,
  J2Mass,
  J2Pt,
  J2Eta,
  J2Phi,
  J2Tau21,
  J2Tau32,
  Mjj,
  NumColumns
};

class Gaussian {
 public:
  explicit Gaussian(std::uint64_t seed) : m_stream(seed, 0x64696a6574ULL) {}
  double uniform() { return m_stream.uniform(); }
  double normal() {  // Box–Muller, both values used
    if (m_hasSpare) {
      m_hasSpare = false;
      return m_spare;
    }
    double u = 0.0;
    do u = m_stream.uniform();
    while (u <= 0.0);
    const double v = m_stream.uniform();
    const double r = std::sqrt(-2.0 * std::log(u));
    m_spare = r * std::sin(2.0 * kPi * v);
    m_hasSpare = true;
    return r * std::cos(2.0 * kPi * v);
  }

 private:
  RandomStream m_stream;
  double m_spare = 0.0;
  bool m_hasSpare = false;
};

struct Jet {
  double mass, pt, eta, phi, tau21, tau32;
};

double clamp01(double v) {
  return std::clamp(v, 0.02, 0.99);
}

double wrapPhi(double phi) {
  while (phi >= kPi) phi -= 2.0 * kPi;
  while (phi < -kPi) phi += 2.0 * kPi;
  return phi;
}

// Back-to-back kinematics of a dijet system of mass mjj: rapidity gap |Δη| from a half-normal
// (width 0.8, below 2.6), boost N(0, 0.6), pT = M_jj / (2 cosh(Δη/2)) (massless approximation)
// with a 3 % imbalance, φ uniform and the second jet opposite within 0.15.
void kinematics(Gaussian& g, double mjj, Jet& a, Jet& b) {
  double deta = 0.0;
  do deta = std::abs(0.8 * g.normal());
  while (deta >= 2.6);
  const double boost = 0.6 * g.normal();
  const double pt = mjj / (2.0 * std::cosh(deta / 2.0));
  const double imbalance = 0.03 * g.normal();
  a.pt = pt * (1.0 + imbalance);
  b.pt = pt * (1.0 - imbalance);
  const bool flip = g.uniform() < 0.5;
  a.eta = boost + (flip ? -deta : deta) / 2.0;
  b.eta = boost - (flip ? -deta : deta) / 2.0;
  a.phi = wrapPhi((2.0 * g.uniform() - 1.0) * kPi);
  b.phi = wrapPhi(a.phi + kPi + 0.15 * g.normal());
}

void store(DijetSample& s, const Jet& j1, const Jet& j2, double mjj, std::int8_t truth) {
  const double v[NumColumns] = {j1.mass, j1.pt,  j1.eta, j1.phi,   j1.tau21, j1.tau32, j2.mass,
                                j2.pt,   j2.eta, j2.phi, j2.tau21, j2.tau32, mjj};
  for (int c = 0; c < NumColumns; ++c) s.columns[c].push_back(static_cast<float>(v[c]));
  s.truth.push_back(truth);
}

void check(herr_t status, const std::string& what, const std::string& path) {
  if (status < 0) throw Error("'" + path + "': cannot write " + what);
}

void writeStringAttribute(hid_t obj, const std::string& name, const std::string& value,
                          const std::string& path) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, std::max<std::size_t>(1, value.size()));
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  const herr_t st = attr < 0 ? -1 : H5Awrite(attr, type, value.c_str());
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  check(st, "attribute '" + name + "'", path);
}

void writeDataset(hid_t group, const std::string& name, hid_t fileType, hid_t memType,
                  const void* data, hsize_t n, const std::string& path) {
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  const hsize_t chunk = std::clamp<hsize_t>(n, 1, 16384);
  H5Pset_chunk(plist, 1, &chunk);
  H5Pset_shuffle(plist);
  H5Pset_deflate(plist, 6);
  const hid_t ds =
      H5Dcreate2(group, name.c_str(), fileType, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  const herr_t st = ds < 0 ? -1 : H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (ds >= 0) H5Dclose(ds);
  H5Pclose(plist);
  H5Sclose(space);
  check(st, "dataset '" + name + "'", path);
}

}  // namespace

const std::vector<std::string>& DijetSample::columnNames() {
  static const std::vector<std::string> names{
      "j1_mass", "j1_pt",  "j1_eta", "j1_phi",   "j1_tau21", "j1_tau32", "j2_mass",
      "j2_pt",   "j2_eta", "j2_phi", "j2_tau21", "j2_tau32", "mjj"};
  return names;
}

const std::vector<float>& DijetSample::column(const std::string& name) const {
  const auto& names = columnNames();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw Error(unknownNameMessage("dijet column", name, names));
  return columns[static_cast<std::size_t>(it - names.begin())];
}

FeatureMatrix DijetSample::featureMatrix(const std::vector<std::string>& names) const {
  FeatureMatrix m;
  m.featureNames = names;
  m.classNames = {"background", "signal"};
  m.signalClass = 1;
  const std::size_t n = size();
  m.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(names.size()));
  for (std::size_t c = 0; c < names.size(); ++c) {
    const std::vector<float>& col = column(names[c]);
    for (std::size_t i = 0; i < n; ++i)
      m.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = col[i];
  }
  m.label.assign(truth.begin(), truth.end());
  m.weight.assign(n, 1.0);
  return m;
}

DijetSample generateDijet(const DijetConfig& cfg) {
  if (!(cfg.signalFraction >= 0.0) || !std::isfinite(cfg.signalFraction))
    throw Error("dijet generator: the signal fraction must be a number >= 0");
  if (!(cfg.backgroundCorrelation >= 0.0 && cfg.backgroundCorrelation < 1.0))
    throw Error("dijet generator: the background correlation must be in [0, 1)");
  if (!(cfg.mjjMin > 0.0)) throw Error("dijet generator: mjjMin must be positive");
  const auto nSignal =
      static_cast<std::size_t>(std::llround(cfg.signalFraction * double(cfg.backgroundEvents)));
  DijetSample s;
  s.columns.assign(NumColumns, {});
  for (auto& c : s.columns) c.reserve(cfg.backgroundEvents + nSignal);
  s.truth.reserve(cfg.backgroundEvents + nSignal);

  Gaussian g(cfg.seed);
  const double rho = cfg.backgroundCorrelation;
  const double rhoC = std::sqrt(1.0 - rho * rho);
  for (std::size_t i = 0; i < cfg.backgroundEvents; ++i) {
    double u = 0.0;
    do u = g.uniform();
    while (u <= 0.0);
    const double mjj = cfg.mjjMin * std::pow(u, -1.0 / (kPowerLaw - 1.0));
    Jet a{}, b{};
    kinematics(g, mjj, a, b);
    // Substructure from standard-normal latents (mass, τ21, τ32); the second jet's latent is
    // ρ·(first) + √(1−ρ²)·(fresh), so ρ is the correlation of the two jets' latents.
    double za[3], zb[3];
    for (int k = 0; k < 3; ++k) za[k] = g.normal();
    for (int k = 0; k < 3; ++k) zb[k] = rho * za[k] + rhoC * g.normal();
    auto fill = [](Jet& j, const double* z) {
      j.mass = std::clamp(kQcdMassMedian * std::exp(kQcdMassLnWidth * z[0]), 5.0, 1500.0);
      // A heavier QCD jet is a little more two-prong-like (τ21 falls with the mass latent).
      j.tau21 = clamp01(kQcdTau21 + kQcdTau21Width * (0.95 * z[1] - 0.3 * z[0]));
      j.tau32 = clamp01(kQcdTau32 + kQcdTau32Width * z[2]);
    };
    fill(a, za);
    fill(b, zb);
    if (b.mass > a.mass) std::swap(a, b);
    store(s, a, b, mjj, 0);
  }
  for (std::size_t i = 0; i < nSignal; ++i) {
    const double mjj = cfg.signalMjj + cfg.signalMjjWidth * g.normal();
    Jet x{}, y{};
    kinematics(g, mjj, x, y);
    x.mass = std::max(5.0, cfg.heavyMass * (1.0 + 0.06 * g.normal()));
    y.mass = std::max(5.0, cfg.lightMass * (1.0 + 0.10 * g.normal()));
    x.tau21 = clamp01(kSignalTau21 + kSignalTau21Width * g.normal());
    y.tau21 = clamp01(kSignalTau21 + kSignalTau21Width * g.normal());
    x.tau32 = clamp01(kSignalTau32 + kSignalTau32Width * g.normal());
    y.tau32 = clamp01(kSignalTau32 + kSignalTau32Width * g.normal());
    if (y.mass > x.mass) std::swap(x, y);
    store(s, x, y, mjj, 1);
  }
  return s;
}

void writeDijetH5(const DijetSample& sample, const DijetConfig& cfg, const std::string& path) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) throw Error("cannot create '" + path + "'");
  struct Closer {
    hid_t f;
    ~Closer() { H5Fclose(f); }
  } closer{file};
  writeStringAttribute(file, "synthetic", "yes", path);
  writeStringAttribute(
      file, "description",
      "SYNTHETIC stand-in for the LHC Olympics 2020 R&D dijet sample, written by "
      "tools/dijet/imbw-gen-dijet of Imbalance Workbench: closed-form distributions, not a "
      "simulation. QCD background: M_jj ~ M^-6 above mjj_min, log-normal jet masses; signal "
      "W' -> X(500 GeV) Y(100 GeV), X,Y -> qq: M_jj ~ N(3500, 150) GeV, two-prong jets (low "
      "tau21). Jet 1 is the heavier jet. truth: 1 signal, 0 background (for evaluation only).",
      path);
  const std::string settings =
      "{\"background_events\": " + std::to_string(cfg.backgroundEvents) +
      ", \"signal_events\": " + std::to_string(sample.size() - cfg.backgroundEvents) +
      ", \"signal_fraction\": " + std::to_string(cfg.signalFraction) +
      ", \"background_correlation\": " + std::to_string(cfg.backgroundCorrelation) +
      ", \"seed\": " + std::to_string(cfg.seed) + ", \"mjj_min\": " + std::to_string(cfg.mjjMin) +
      "}";
  writeStringAttribute(file, "generator_settings", settings, path);
  const hid_t group = H5Gcreate2(file, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (group < 0) throw Error("'" + path + "': cannot create group /events");
  try {
    const auto& names = DijetSample::columnNames();
    for (std::size_t c = 0; c < names.size(); ++c)
      writeDataset(group, names[c], H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, sample.columns[c].data(),
                   sample.size(), path);
    writeDataset(group, "truth", H5T_STD_I8LE, H5T_NATIVE_INT8, sample.truth.data(), sample.size(),
                 path);
  } catch (...) {
    H5Gclose(group);
    throw;
  }
  H5Gclose(group);
}

}  // namespace imbw
