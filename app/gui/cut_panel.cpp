// The Cuts dock: the cut expression and the live yields.
#include "app/gui/cut_panel.h"

#include <QLabel>
#include <QVBoxLayout>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/short_job.h"
#include "core/analysis/yields.h"
#include "widgets/cut_editor.h"
#include "widgets/yields_table.h"

namespace imbw {

namespace {

struct YieldsOutcome {
  int generation = 0;
  std::shared_ptr<const LoadedAnalysis> data;
  std::optional<Yields> before, after;
  EventMask keep;
  QString error;
  bool stopped = false;  ///< a newer cut (or closing the window) stopped it
};

}  // namespace

CutPanel::CutPanel(AnalysisSession* session, JobRunner* jobs, QWidget* parent)
    : QWidget(parent), m_session(session), m_jobs(jobs) {
  m_debounce.setSingleShot(true);
  m_debounce.setInterval(150);
  connect(&m_debounce, &QTimer::timeout, this, &CutPanel::computeYields);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Cut (events kept where true):"), this));
  m_editor = new CutEditor(this);
  layout->addWidget(m_editor);
  m_yields = new YieldsTable(this);
  layout->addWidget(m_yields, 1);
  m_message = new QLabel(this);
  m_message->setWordWrap(true);
  m_message->setStyleSheet("color: #b00020");
  m_message->hide();
  layout->addWidget(m_message);
  connect(m_editor, &CutEditor::expressionEdited, this, [this](const QString& text, bool valid) {
    if (!m_session->hasProject() || !valid) {
      m_debounce.stop();
      return;
    }
    m_session->project().analysis.cut = ss(text.trimmed());
    m_session->edited();
    if (!m_session->loaded()) return;
    m_yields->setStale(true);
    m_debounce.start();
  });
}

void CutPanel::showProject() {
  m_debounce.stop();
  m_message->hide();
  m_yields->setYields({}, {}, {});
  // The editor follows the project here; only the user's typing writes the project.
  QSignalBlocker b(m_editor);
  m_editor->setValidator({});
  m_editor->setText(qs(m_session->project().analysis.cut));
}

void CutPanel::eventsLoaded(const std::vector<std::string>& names) {
  QStringList qnames;
  for (const auto& n : names) qnames << qs(n);
  {
    QSignalBlocker b(m_editor);  // the editor follows the project; typing writes it
    m_editor->setValidator([names](const QString& text) -> std::optional<ExpressionProblem> {
      if (text.trimmed().isEmpty()) return std::nullopt;
      return checkExpression(text, names);
    });
    m_editor->setColumnNames(qnames);
    m_editor->setText(qs(m_session->project().analysis.cut));
  }
  m_debounce.stop();  // the text came from the project, not from typing: compute at once
  computeYields();
}

bool CutPanel::isValid() const {
  return m_editor->isValid();
}

QString CutPanel::errorText() const {
  return m_editor->errorText();
}

QString CutPanel::cutText() const {
  return m_editor->text().trimmed();
}

bool CutPanel::yieldsPending() const {
  const auto& sel = m_session->selection();
  return m_debounce.isActive() || !sel || sel->data != m_session->loaded();
}

void CutPanel::computeYields() {
  const auto loaded = m_session->loaded();
  if (!loaded || !m_editor->isValid()) return;
  const int generation = ++m_generation;
  m_yields->setStale(true);
  // The previous cut's computation, and the histograms following the selection on screen,
  // give the worker up to this one.
  if (m_stop) m_stop->store(true, std::memory_order_relaxed);
  m_stop = std::make_shared<std::atomic<bool>>(false);
  m_session->supersedeSelection();
  runShort<YieldsOutcome>(
      this, m_jobs,
      [loaded, cut = ss(m_editor->text().trimmed()), generation,
       stop = std::shared_ptr<const std::atomic<bool>>(m_stop)] {
        YieldsOutcome o;
        o.generation = generation;
        o.data = loaded;
        const auto stopped = [&stop] {
          return stop->load(std::memory_order_relaxed) || currentJobCancelled();
        };
        try {
          auto keep = std::make_shared<const std::vector<std::uint8_t>>(
              selectEvents(loaded->table, cut, stopped));
          if (stopped()) throw SelectionCancelled();
          o.before = ::imbw::computeYields(loaded->table);
          o.after = ::imbw::computeYields(loaded->table, *keep);
          o.keep = std::move(keep);
        } catch (const SelectionCancelled&) {
          o.stopped = true;
        } catch (const std::exception& e) {
          o.error = qs(e.what());
        }
        return o;
      },
      [this](YieldsOutcome o) {
        // A newer cut is on its way, or the events were reloaded meanwhile.
        if (o.stopped || o.generation != m_generation || o.data != m_session->loaded()) return;
        if (!o.error.isEmpty()) {
          m_message->setText(o.error);
          m_message->show();
          return;
        }
        m_yields->setYields(toClassYields(*o.before, *o.after),
                            {o.before->ratioByCount(), o.before->ratioByWeight()},
                            {o.after->ratioByCount(), o.after->ratioByWeight()});
        const QString empty = emptyClassMessage(*o.after);
        m_message->setText(empty);
        m_message->setVisible(!empty.isEmpty());
        Selection selection;
        selection.data = o.data;
        selection.keep = std::move(o.keep);
        selection.before = *o.before;
        selection.after = *o.after;
        m_session->setSelection(std::move(selection));
        Q_EMIT yieldsUpdated();
      });
}

}  // namespace imbw
