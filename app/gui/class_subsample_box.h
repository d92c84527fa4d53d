#pragma once

#include <QGroupBox>
#include <optional>

#include "core/analysis/analysis.h"
#include "core/learn/run_config.h"
#include "core/resample/class_subsample.h"

class QCheckBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace imbw {

class MainWindow;

/// The project's controlled imbalance (the analysis key "classSubsample", which `imbalance-cli
/// run` applies too), or none. Throws imbw::Error naming the key when it is malformed.
std::optional<ClassSubsample> projectClassSubsample(const Analysis& analysis);

/// Before a run is trained in the window: a run without a controlled imbalance of its own takes
/// the project's (as trainProjectRun does), stored in its configuration as trained. False (with
/// the reason in `why`) when the project's is malformed.
bool takeProjectClassSubsample(RunConfig& config, const Analysis& analysis, QString* why);

/// "Controlled imbalance" in the Imbalance and loss panel: per class, keep every event, a
/// fraction or a number of them (a seeded draw from every classified event, before each run's
/// cut, as `imbalance-cli run` draws it), with or without rescaling the kept events' weights;
/// the events and Σw before → after are shown per class. Edits go to the project at once (saved
/// with it): the value new runs take (each run keeps its own, RunConfig::classSubsample).
class ClassSubsampleBox : public QGroupBox {
  Q_OBJECT
 public:
  explicit ClassSubsampleBox(MainWindow* window);

  /// Sets class `name` to keep a fraction (count < 0) or a count of its events; "all" with
  /// fraction 1 and count < 0. For tests and scripts; the table shows it.
  void setKeep(const QString& className, double fraction, long long count = -1);
  void setSeed(int seed);
  void setRescaleWeights(bool on);
  QTableWidget* table() const { return m_table; }
  /// Per class "events before → after (Σw before → after)", one line each.
  QString countsText() const;
  /// "Use this configuration": the box (and the project's value) set to the run's own
  /// controlled imbalance; unchanged for a run that has none of its own.
  void takeFromRun(const RunConfig& config);

 private:
  void reload();
  void store();
  void updateCounts();
  /// The main yields table's "drawn, cut" columns (hidden when `result` is null: no draw).
  void showDrawnYields(const SubsampleResult* result);

  MainWindow* m_window;
  QTableWidget* m_table;
  QSpinBox* m_seed;
  QCheckBox* m_rescale;
  QLabel* m_counts;
  bool m_loading = false;
};

}  // namespace imbw
