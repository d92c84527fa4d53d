// The α–γ scan dock: the grid to scan, the scan the heat map shows (with the configuration it
// varies and the metric), and the heat map. It reads and writes only the project's scans; the
// runs of a new scan are made by the window (scanRequested).
#include "app/gui/scan_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <cmath>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/run_registry.h"
#include "app/gui/training_job.h"
#include "widgets/alpha_gamma_heat_map.h"

namespace imbw {

namespace {

QList<double> parseList(const QString& text, bool* ok) {
  QList<double> out;
  *ok = true;
  for (const QString& part : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
    bool good = false;
    const double v = part.toDouble(&good);
    if (!good) *ok = false;
    out << v;
  }
  return out;
}

/// The heat map's metric names and the project's metric keys.
const std::pair<const char*, const char*> kScanMetrics[] = {
    {"AP", "ap"}, {"AUC", "auc"}, {"AP/r", "ap_over_r"}};

std::string keyOfMetric(const QString& shown) {
  for (const auto& [name, key] : kScanMetrics)
    if (shown == name) return key;
  return "ap";
}

QString metricName(const std::string& key) {
  for (const auto& [name, k] : kScanMetrics)
    if (key == k) return name;
  return "AP";
}

}  // namespace

ScanPanel::ScanPanel(AnalysisSession* session, RunRegistry* registry, QWidget* parent)
    : QWidget(parent), m_session(session), m_registry(registry) {
  auto* w = this;
  auto* layout = new QHBoxLayout(w);
  auto* form = new QFormLayout;
  m_scanAlphas = new QLineEdit("0.25, 0.5, 0.75", w);
  m_scanAlphas->setToolTip(tr("α values of the grid, comma-separated, each in [0, 1]"));
  m_scanGammas = new QLineEdit("0, 1, 2", w);
  m_scanGammas->setToolTip(tr("γ values of the grid, comma-separated, each ≥ 0"));
  // Wide enough for a typical grid ("0.1, 0.25, 0.5, 0.75, 0.9") without scrolling the text.
  const int listWidth =
      m_scanAlphas->fontMetrics().horizontalAdvance("0.1, 0.25, 0.5, 0.75, 0.93") +
      3 * m_scanAlphas->fontMetrics().averageCharWidth();
  m_scanAlphas->setMinimumWidth(listWidth);
  m_scanGammas->setMinimumWidth(listWidth);
  m_scanMetric = new QComboBox(w);
  for (const auto& [name, key] : kScanMetrics) m_scanMetric->addItem(name);
  form->addRow(tr("α values:"), m_scanAlphas);
  form->addRow(tr("γ values:"), m_scanGammas);
  auto* go = new QPushButton(tr("Run scan"), w);
  go->setToolTip(
      tr("One focal-loss run per (α, γ), with the model, resampling, folds and features as "
         "set in the panels now"));
  auto* onCluster = new QPushButton(tr("Run on cluster…"), w);
  onCluster->setObjectName("scanOnClusterButton");
  onCluster->setToolTip(
      tr("The same scan sent to Slurm as one job array (the project is saved first); the heat "
         "map fills as the cluster's results are collected"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(go);
  buttons->addWidget(onCluster);
  form->addRow(buttons);
  m_scanChoice = new QComboBox(w);
  m_scanChoice->setToolTip(tr("The scan the heat map shows"));
  form->addRow(tr("Show scan:"), m_scanChoice);
  m_scanModel = new QLabel(w);
  m_scanModel->setWordWrap(true);
  m_scanModel->setToolTip(tr("The configuration the shown scan varies α and γ of"));
  form->addRow(tr("Model:"), m_scanModel);
  form->addRow(tr("Metric:"), m_scanMetric);
  m_scanMessage = new QLabel(w);
  m_scanMessage->setWordWrap(true);
  m_scanMessage->setStyleSheet("color: #b00020");
  form->addRow(m_scanMessage);
  layout->addLayout(form);
  m_heatMap = new AlphaGammaHeatMap(w);
  layout->addWidget(m_heatMap, 1);
  const auto grid = [this](QList<double>* a, QList<double>* g) {
    bool okA = false, okG = false;
    *a = parseList(m_scanAlphas->text(), &okA);
    *g = parseList(m_scanGammas->text(), &okG);
    if (!okA || a->isEmpty()) {
      m_scanMessage->setText(tr("α values: give numbers in [0, 1] separated by commas"));
      return false;
    }
    if (!okG || g->isEmpty()) {
      m_scanMessage->setText(tr("γ values: give numbers ≥ 0 separated by commas"));
      return false;
    }
    m_scanMessage->clear();
    return true;
  };
  connect(go, &QPushButton::clicked, this, [this, grid] {
    QList<double> a, g;
    if (grid(&a, &g)) Q_EMIT scanRequested(a, g);
  });
  connect(onCluster, &QPushButton::clicked, this, [this, grid] {
    QList<double> a, g;
    if (grid(&a, &g)) Q_EMIT clusterScanRequested(a, g);
  });
  connect(m_scanChoice, &QComboBox::activated, this,
          [this] { showScan(m_scanChoice->currentData().toString()); });
  connect(m_scanMetric, &QComboBox::activated, this, [this] {
    const QString id = m_scanChoice->currentData().toString();
    for (ScanDefinition& s : m_session->project().scans)
      if (qs(s.id) == id && s.metric != keyOfMetric(m_scanMetric->currentText())) {
        s.metric = keyOfMetric(m_scanMetric->currentText());
        m_session->edited();
      }
    showScan(id);
  });
  connect(m_heatMap, &AlphaGammaHeatMap::runClicked, this, &ScanPanel::runClicked);
}

void ScanPanel::refreshChoice() {
  const QString current = m_scanChoice->currentData().toString();
  QSignalBlocker b(m_scanChoice);
  m_scanChoice->clear();
  for (const ScanDefinition& s : m_session->project().scans)
    m_scanChoice->addItem(tr("%1: %2 × %3, %4")
                              .arg(qs(s.id))
                              .arg(s.alphas.size())
                              .arg(s.gammas.size())
                              .arg(qs(s.base.modelKind())),
                          qs(s.id));
  int index = m_scanChoice->findData(current);
  if (index < 0) index = m_scanChoice->count() - 1;  // the newest scan
  m_scanChoice->setCurrentIndex(index);
  showScan(m_scanChoice->currentData().toString());
}

void ScanPanel::showScan(const QString& scanId) {
  const ScanDefinition* scan = nullptr;
  for (const ScanDefinition& s : m_session->project().scans)
    if (qs(s.id) == scanId) scan = &s;
  {
    QSignalBlocker b(m_scanChoice);
    m_scanChoice->setCurrentIndex(m_scanChoice->findData(scanId));
  }
  if (!scan) {
    m_heatMap->setGrid({}, {}, QString());
    m_scanModel->setText(tr("no scan yet"));
    return;
  }
  m_scanModel->setText(runSummary(scan->base));
  m_scanModel->setToolTip(runDetails(scan->base));
  {
    QSignalBlocker b(m_scanMetric);
    m_scanMetric->setCurrentText(metricName(scan->metric));
  }
  const QList<double> alphas(scan->alphas.begin(), scan->alphas.end());
  const QList<double> gammas(scan->gammas.begin(), scan->gammas.end());
  m_heatMap->setGrid(alphas, gammas, metricName(scan->metric));
  for (const ProjectRun& r : m_session->project().runs) {
    if (!r.scan || qs(r.scan->scanId) != scanId) continue;
    const int a = static_cast<int>(alphas.indexOf(r.scan->alpha));
    const int g = static_cast<int>(gammas.indexOf(r.scan->gamma));
    if (a < 0 || g < 0) continue;
    double v = std::nan("");
    if (r.status == RunStatus::Done)
      if (const auto it = r.aggregate.find(scan->metric); it != r.aggregate.end())
        v = it->second.mean;
    const RunEntry* e = m_registry->find(qs(r.id));
    const bool pending = e && (e->active() || e->clusterWaiting);
    m_heatMap->setCell(a, g, pending || r.status == RunStatus::Done ? qs(r.id) : QString(), v);
  }
}

QString ScanPanel::currentScanId() const {
  return m_scanChoice->currentData().toString();
}

std::string ScanPanel::metricKey() const {
  return ::imbw::keyOfMetric(m_scanMetric->currentText());
}

void ScanPanel::setMessage(const QString& text) {
  m_scanMessage->setText(text);
}

void ScanPanel::setGridText(const QList<double>& alphas, const QList<double>& gammas) {
  auto join = [](const QList<double>& v) {
    QStringList parts;
    for (double x : v) parts << QString::number(x, 'g', 4);
    return parts.join(", ");
  };
  m_scanAlphas->setText(join(alphas));
  m_scanGammas->setText(join(gammas));
}

}  // namespace imbw
