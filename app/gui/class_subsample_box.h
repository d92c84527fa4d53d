#pragma once

#include <QGroupBox>
#include <optional>

#include "core/analysis/analysis.h"
#include "core/insight/class_subsample.h"

class QCheckBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace imbw {

class MainWindow;

/// The project's controlled imbalance (the analysis key "classSubsample", which `imbalance-cli
/// run` applies too), or none. Throws imbw::Error naming the key when it is malformed.
std::optional<ClassSubsample> projectClassSubsample(const Analysis& analysis);

/// "Controlled imbalance" in the Imbalance and loss panel: per class, keep every event, a
/// fraction or a number of them (a seeded draw from every classified event, before each run's
/// cut, as `imbalance-cli run` draws it), with or without rescaling the kept events' weights;
/// the events and Σw before → after are shown per class. Edits go to the project at once (saved
/// with it) and apply to the runs trained from then on.
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

 private:
  void reload();
  void store();
  void updateCounts();

  MainWindow* m_window;
  QTableWidget* m_table;
  QSpinBox* m_seed;
  QCheckBox* m_rescale;
  QLabel* m_counts;
  bool m_loading = false;
};

}  // namespace imbw
