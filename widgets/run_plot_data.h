#pragma once

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <limits>

namespace imbw {

/// Per-class score histograms of one run: test (held-out) and training events, normalised or
/// not as the producer decides, with the Kolmogorov–Smirnov probability train vs test.
struct ClassScoreHistogram {
  QString className;
  QList<double> edges;  ///< bins + 1
  QList<double> test;   ///< one value per bin
  QList<double> train;  ///< one value per bin (may be empty)
  double ksProbability = std::numeric_limits<double>::quiet_NaN();
};

/// Significance against the cut on the score, at the luminosity factor shown.
struct SignificanceCurves {
  QList<QPointF> sOverSqrtB;   ///< (cut, s/√b)
  QList<QPointF> sOverSqrtSB;  ///< (cut, s/√(s+b))
  QList<QPointF> asimov;       ///< (cut, Z_A)
  double bestCut = std::numeric_limits<double>::quiet_NaN();
  double bestZ = std::numeric_limits<double>::quiet_NaN();  ///< Z_A at the best cut
  /// Best cuts of the other two definitions (NaN: the view takes the curve's maximum).
  double bestCutSOverSqrtB = std::numeric_limits<double>::quiet_NaN();
  double bestSOverSqrtB = std::numeric_limits<double>::quiet_NaN();
  double bestCutSOverSqrtSB = std::numeric_limits<double>::quiet_NaN();
  double bestSOverSqrtSB = std::numeric_limits<double>::quiet_NaN();
};

/// Everything the plots show for one run (live snapshot or final result), already in Qt
/// types: the views stay ignorant of the core engine. The GUI builds it from a Snapshot or a
/// RunResult.
struct RunPlotData {
  QString key;    ///< stable id of the run (series keys derive from it)
  QString label;  ///< legend text, e.g. "gbdt focal α=0.25 γ=2"
  QColor color;
  QList<QPointF> roc;  ///< (ε_B, ε_S)
  QList<QPointF> pr;   ///< (recall, precision)
  double ap = std::numeric_limits<double>::quiet_NaN();
  double auc = std::numeric_limits<double>::quiet_NaN();
  double chance = std::numeric_limits<double>::quiet_NaN();  ///< r = signal fraction by weight
  QList<ClassScoreHistogram> histograms;
  QList<QPointF> trainLoss;                             ///< (iteration, loss)
  QList<QPointF> validationLoss;                        ///< (iteration, loss)
  QList<QPointF> validationAp;                          ///< (iteration, AP)
  QString iterationName = QStringLiteral("iteration");  ///< "epoch", "boosting round", "trees"
  SignificanceCurves significance;
};

/// The colour of the n-th run: a fixed qualitative palette so a run keeps its colour in every
/// plot and table.
QColor runColor(int index);

}  // namespace imbw
