#pragma once

#include <QList>
#include <QWidget>

class QLabel;

namespace imbw {

class ChartView;

/// One Tag N' Train step as the view draws it: against the truth, the AUC of each object's
/// classifier and of their combination, and the purity of the signal-like pseudo-labels each
/// object's classifiers learnt from (NaN: not drawn, e.g. for the starting scores).
struct TntStepPoint {
  double auc1 = 0.0, auc2 = 0.0, aucCombined = 0.0;
  double purity1 = 0.0, purity2 = 0.0;
};

/// Tag N' Train's per-step classifiers: AUC and pseudo-label purity against the iteration
/// (0 = the starting scores), on one 0–1 axis. The legend's names are short (it sits right of
/// the plot, so nothing is cut in a narrow dock); a caption under the chart explains them.
class TntStepsView : public QWidget {
  Q_OBJECT
 public:
  explicit TntStepsView(QWidget* parent = nullptr);
  /// steps[0] is the start; an empty list, or `hasTruth` false, shows why there is nothing.
  void setSteps(const QList<TntStepPoint>& steps, bool hasTruth);
  void clear(const QString& why = {});
  ChartView* chartView() const { return m_chart; }
  QLabel* caption() const { return m_caption; }

 private:
  ChartView* m_chart;
  QLabel* m_caption;
};

}  // namespace imbw
