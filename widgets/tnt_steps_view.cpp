#include "widgets/tnt_steps_view.h"

#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

TntStepsView::TntStepsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_chart = new ChartView(this);
  // Short names on the right: at the bottom Qt Charts lays the entries out in one row and
  // elides them in a dock of ordinary width; the caption below says what they mean.
  m_chart->setLegendAlignment(Qt::AlignRight);
  layout->addWidget(m_chart, 1);
  m_caption = new QLabel(
      tr("obj. 1, obj. 2: the classifier of each object; both in top X: their combination; "
         "tag purity: the signal share of the signal-like pseudo-labels that object's "
         "classifier learnt from."),
      this);
  m_caption->setObjectName("tntStepsCaption");
  m_caption->setWordWrap(true);
  layout->addWidget(m_caption);
  setToolTip(m_caption->text());
  clear();
}

void TntStepsView::clear(const QString& why) {
  m_chart->clear();
  m_chart->setTitle(why.isEmpty() ? tr("Tag N' Train steps: run Tag N' Train to see them") : why);
}

void TntStepsView::setSteps(const QList<TntStepPoint>& steps, bool hasTruth) {
  if (steps.isEmpty()) {
    clear();
    return;
  }
  if (!hasTruth) {
    clear(tr("Tag N' Train steps: no truth in the selected events to judge them by"));
    return;
  }
  m_chart->clear();
  m_chart->setTitle(tr("Tag N' Train per step (inside the window, against the truth)"));
  m_chart->setAxisTitles(tr("iteration (0 = starting scores)"), tr("AUC, purity"));
  struct Line {
    QString key, legend;
    double TntStepPoint::*field;
    QColor color;
    Qt::PenStyle pen;
  };
  const QList<Line> lines{
      {"auc1", tr("AUC obj. 1"), &TntStepPoint::auc1, QColor(30, 90, 180), Qt::SolidLine},
      {"auc2", tr("AUC obj. 2"), &TntStepPoint::auc2, QColor(20, 140, 60), Qt::SolidLine},
      {"auc", tr("AUC both in top X"), &TntStepPoint::aucCombined, QColor(200, 30, 30),
       Qt::SolidLine},
      {"purity1", tr("tag purity obj. 1"), &TntStepPoint::purity1, QColor(30, 90, 180),
       Qt::DashLine},
      {"purity2", tr("tag purity obj. 2"), &TntStepPoint::purity2, QColor(20, 140, 60),
       Qt::DashLine},
  };
  for (const Line& l : lines) {
    QList<QPointF> pts;
    for (qsizetype k = 0; k < steps.size(); ++k) {
      const double v = steps[k].*(l.field);
      if (std::isfinite(v)) pts.append(QPointF(static_cast<double>(k), v));
    }
    m_chart->setSeries(l.key, l.legend, pts, SeriesStyle{l.color, l.pen, 2.0});
    SeriesStyle dots{l.color, Qt::SolidLine, 2.0, true, 7.0};
    dots.showInLegend = false;
    m_chart->setSeries(l.key + "/points", {}, pts, dots);
  }
  m_chart->setXRange(-0.2, static_cast<double>(steps.size() - 1) + 0.2);
  m_chart->setYRange(0.0, 1.05);
}

}  // namespace imbw
