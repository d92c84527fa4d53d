#pragma once

#include <QList>
#include <QString>
#include <QWidget>

class QLabel;

namespace imbw {

class ChartView;

/// What the bump-hunt view draws for one score cut (plain Qt data; built by the window from
/// core/unsup's bumpHunt and fitSidebands).
struct BumpHuntPlot {
  QString resonance = QStringLiteral("M_jj [GeV]");
  QString scoreName;         ///< e.g. "Tag N' Train"
  double efficiency = 0.0;   ///< fraction of all events the cut keeps
  QList<double> edges;       ///< bins + 1
  QList<double> all;         ///< after the cut
  QList<double> signal;      ///< after the cut, by truth (empty without truth)
  QList<double> background;  ///< likewise
  QList<double> reference;   ///< the pre-cut shape scaled to the post-cut total
  QList<double> fit;         ///< the sideband fit over every bin (empty: no fit)
  QString fitError;          ///< why there is no fit
  double windowLo = 0.0, windowHi = 0.0, sidebandWidth = 0.0;
  double observed = 0.0, expected = 0.0, significance = 0.0;
};

/// The resonance variable after a cut on a score: the events that pass (stacked signal on
/// background when the truth is known), the shape before the cut for comparison (so a sculpted
/// background shows as a difference in shape), the background fitted to the sidebands, the
/// window's edges, and the window's local significance above the fit in the title.
class BumpHuntView : public QWidget {
  Q_OBJECT
 public:
  explicit BumpHuntView(QWidget* parent = nullptr);
  void setPlot(const BumpHuntPlot& plot);
  void clear();
  ChartView* chartView() const { return m_chart; }
  /// "Z_local = 3.1σ: 142 events in 3300–3700 GeV, 98.5 expected from the sidebands".
  QString summary() const;

 private:
  ChartView* m_chart;
  QLabel* m_summary;
};

}  // namespace imbw
