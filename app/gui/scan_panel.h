#pragma once

#include <QList>
#include <QWidget>
#include <string>

class QComboBox;
class QLabel;
class QLineEdit;

namespace imbw {

class AlphaGammaHeatMap;
class AnalysisSession;
class RunRegistry;

/// The α–γ scan dock: the grid fields and "Run scan", the choice of the scan the heat map
/// shows with the configuration it varies and its metric, and the heat map (a cell per run,
/// pending cells marked, a click selects the run), and "Run on cluster…" for the grid. It reads and
/// writes only the project's scans (their metric); the window makes a new scan's runs when asked
/// (scanRequested).
class ScanPanel : public QWidget {
  Q_OBJECT
 public:
  ScanPanel(AnalysisSession* session, RunRegistry* registry, QWidget* parent = nullptr);

  /// Lists the project's scans again, keeping the chosen one (else the newest), and shows it.
  void refreshChoice();
  /// Shows one scan (chooses it) on the heat map; an unknown id empties the map.
  void showScan(const QString& scanId);
  QString currentScanId() const;
  /// The project key of the chosen metric ("ap", "auc", "ap_over_r").
  std::string metricKey() const;
  void setMessage(const QString& text);
  /// The fields show this grid.
  void setGridText(const QList<double>& alphas, const QList<double>& gammas);

  AlphaGammaHeatMap* heatMap() const { return m_heatMap; }
  QComboBox* scanBox() const { return m_scanChoice; }

 Q_SIGNALS:
  /// "Run scan" with a grid that parsed.
  void scanRequested(const QList<double>& alphas, const QList<double>& gammas);
  /// "Run on cluster…" with a grid that parsed: the same scan, sent to Slurm as one job array.
  void clusterScanRequested(const QList<double>& alphas, const QList<double>& gammas);
  /// A heat-map cell was clicked.
  void runClicked(const QString& runId);

 private:
  AnalysisSession* m_session;
  RunRegistry* m_registry;
  QLineEdit* m_scanAlphas = nullptr;
  QLineEdit* m_scanGammas = nullptr;
  QComboBox* m_scanMetric = nullptr;
  QComboBox* m_scanChoice = nullptr;
  QLabel* m_scanModel = nullptr;
  AlphaGammaHeatMap* m_heatMap = nullptr;
  QLabel* m_scanMessage = nullptr;
};

}  // namespace imbw
