// The working point tab's "Keep with the run": the chosen cut goes into the project beside the
// run (core/project/kept_working_point.h), so the run's saved models carry it to `apply`.

#include <QLabel>
#include <QPushButton>
#include <cmath>

#include "app/gui/analysis_session.h"
#include "app/gui/insight_panel.h"
#include "app/gui/main_window.h"
#include "core/project/kept_working_point.h"
#include "core/util/error.h"

namespace imbw {

namespace {

/// "tightest cut with ε_S ≥ 0.5", "maximum asimov, luminosity factor 2", ... from the JSON the
/// choice was kept as (an unknown or damaged choice: its raw text).
QString describeChoice(const nlohmann::json& j) {
  try {
    const WorkingPointChoice c = WorkingPointChoice::fromJson(j);
    const QString target = QString::number(c.target, 'g', 4);
    switch (c.criterion) {
      case WorkingPointChoice::Criterion::SignalEfficiency:
        return QObject::tr("tightest cut with ε_S ≥ %1").arg(target);
      case WorkingPointChoice::Criterion::BackgroundEfficiency:
        return QObject::tr("loosest cut with ε_B ≤ %1").arg(target);
      case WorkingPointChoice::Criterion::FixedCut:
        return QObject::tr("a fixed cut");
      default: {
        // The names the tab's Significance box shows.
        const QString z = c.significance == "asimov"          ? QStringLiteral("Asimov Z_A")
                          : c.significance == "s_over_sqrt_b" ? QStringLiteral("s/√b")
                          : c.significance == "s_over_sqrt_s_plus_b"
                              ? QStringLiteral("s/√(s+b)")
                              : QString::fromStdString(c.significance);
        return QObject::tr("maximum %1, luminosity factor %2").arg(z).arg(c.luminosity, 0, 'g', 4);
      }
    }
  } catch (const Error&) {
    return QString::fromStdString(j.dump());
  }
}

}  // namespace

bool InsightPanel::keepWorkingPoint() {
  AnalysisSession* s = m_window->session();
  if (!m_workingPoint || m_wpRun != currentRun() || !s->project().findRun(m_wpRun.toStdString())) {
    reportFailure(QStringLiteral("working point"),
                  tr("choose a working point for this run first (Choose)"));
    return false;
  }
  try {
    ::imbw::keepWorkingPoint(s->project(), m_wpRun.toStdString(),
                             {m_workingPoint->mean.cut, m_wpChoice.toJson()});
  } catch (const Error& e) {
    reportFailure(QStringLiteral("working point"), QString::fromUtf8(e.what()));
    return false;
  }
  s->edited();
  showKeptWorkingPoint();
  return true;
}

void InsightPanel::showKeptWorkingPoint() {
  const AnalysisSession* s = m_window->session();
  const QString id = currentRun();
  if (id.isEmpty() || !s->hasProject()) {
    m_wpKept->clear();
    return;
  }
  try {
    const auto kept = ::imbw::keptWorkingPoint(s->project(), id.toStdString());
    if (!kept)
      m_wpKept->setText(tr("No working point kept with this run."));
    else if (kept->stale)
      m_wpKept->setText(tr("Kept with this run: score ≥ %1 (%2), chosen on earlier results of "
                           "the run; it was trained again since: choose and keep it again.")
                            .arg(kept->cut, 0, 'f', 4)
                            .arg(describeChoice(kept->choice)));
    else
      m_wpKept->setText(tr("Kept with this run: score ≥ %1 (%2). Models saved by "
                           "`imbalance-cli run --save-models` carry it to `apply`.")
                            .arg(kept->cut, 0, 'f', 4)
                            .arg(describeChoice(kept->choice)));
  } catch (const Error& e) {
    m_wpKept->setText(QString::fromUtf8(e.what()));
  }
}

}  // namespace imbw
