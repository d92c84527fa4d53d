#include "app/gui/weak_supervision_dock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPromise>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/job_runner.h"
#include "app/gui/main_window.h"
#include "app/gui/short_job.h"
#include "app/gui/weak_study_list.h"
#include "core/learn/model.h"
#include "core/util/error.h"
#include "widgets/bump_hunt_view.h"
#include "widgets/cut_editor.h"
#include "widgets/mass_window_histogram.h"
#include "widgets/signal_fraction_view.h"
#include "widgets/tnt_steps_view.h"

namespace imbw {

namespace {

// Polls the job's promise for a cancel and passes the stage text on (QFuture's progress text).
template <typename T>
class PromiseObserver : public FitObserver {
 public:
  explicit PromiseObserver(QPromise<T>& p) : m_promise(p) {}
  bool stopRequested() const override { return m_promise.isCanceled(); }
  void progress(double, std::string_view stage) override {
    if (stage == m_last) return;
    m_last = std::string(stage);
    m_promise.setProgressValueAndText(++m_count, QString::fromUtf8(stage.data(), stage.size()));
  }

 private:
  QPromise<T>& m_promise;
  std::string m_last;
  int m_count = 0;
};

QDoubleSpinBox* spin(double lo, double hi, double value, int decimals, double step,
                     const QString& suffix = {}) {
  auto* s = new QDoubleSpinBox;
  s->setRange(lo, hi);
  s->setDecimals(decimals);
  s->setSingleStep(step);
  s->setValue(value);
  s->setSuffix(suffix);
  return s;
}

nlohmann::json modelSpec(const QString& what, const QString& text) {
  nlohmann::json j;
  try {
    j = text.contains('{') ? nlohmann::json::parse(text.toStdString())
                           : nlohmann::json{{"kind", text.trimmed().toStdString()}};
  } catch (const nlohmann::json::exception& e) {
    throw Error(what.toStdString() + ": not JSON: " + e.what());
  }
  try {
    (void)makeModel(j);  // named errors before any work
  } catch (const Error& e) {
    throw Error(what.toStdString() + ": " + e.what());
  }
  return j;
}

QString percent(double f) {
  return QString::number(100.0 * f, 'g', 3) + " %";
}

}  // namespace

WeakSupervisionDock::WeakSupervisionDock(MainWindow* window, AnalysisSession* session,
                                         JobRunner* jobs)
    : QDockWidget(tr("Weak supervision"), window),
      m_window(window),
      m_session(session),
      m_jobs(jobs) {
  setObjectName("weakSupervisionDock");
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  auto* scroll = new QScrollArea(splitter);
  scroll->setWidget(buildSetup());
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  // Wide enough for the whole form (the studies row and the window's two edges were cut off
  // at the splitter's first share, behind a horizontal scroll bar).
  scroll->setMinimumWidth(std::max(
      380, scroll->widget()->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width()));
  splitter->addWidget(scroll);

  m_tabs = new QTabWidget(splitter);
  auto* bumpPage = new QWidget;
  auto* bumpLayout = new QVBoxLayout(bumpPage);
  auto* effRow = new QHBoxLayout;
  m_efficiency = new QComboBox;
  for (double e : {0.1, 0.01, 0.001}) m_efficiency->addItem(tr("top %1").arg(percent(e)), e);
  m_efficiency->setCurrentIndex(1);
  m_efficiency->setAccessibleName(tr("Score cut efficiency"));
  effRow->addWidget(new QLabel(tr("Cut on the score keeping the")));
  effRow->addWidget(m_efficiency);
  effRow->addWidget(new QLabel(tr("of the events")));
  effRow->addStretch();
  bumpLayout->addLayout(effRow);
  m_bump = new BumpHuntView;
  bumpLayout->addWidget(m_bump, 1);
  m_tabs->addTab(bumpPage, tr("Bump hunt"));
  m_steps = new TntStepsView;
  m_tabs->addTab(m_steps, tr("Tag N' Train steps"));
  connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
    if (m_stepsStale) showSteps();
  });

  auto* scanPage = new QWidget;
  auto* scanLayout = new QVBoxLayout(scanPage);
  auto* scanForm = new QFormLayout;
  m_fractions = new QLineEdit("0.09, 0.01, 0.003, 0.001");
  m_fractions->setToolTip(tr("S/B of the whole sample: the signal class is subsampled to each"));
  m_scanMethods = new QLineEdit("supervised, cwola, autoencoder, tnt");
  m_scanMetric = new QComboBox;
  for (ScanMetric m :
       {ScanMetric::MaxSignificanceImprovement, ScanMetric::Auc, ScanMetric::RejectionAt02})
    m_scanMetric->addItem(scanMetricTitle(m), static_cast<int>(m));
  scanForm->addRow(tr("S/B values"), m_fractions);
  scanForm->addRow(tr("Methods"), m_scanMethods);
  scanForm->addRow(tr("Figure of merit"), m_scanMetric);
  scanLayout->addLayout(scanForm);
  m_scanButton = new QPushButton(tr("Run the scan"));
  m_scanButton->setToolTip(tr("Inject the signal at each S/B and run every method on it"));
  auto* scanRow = new QHBoxLayout;
  scanRow->addWidget(m_scanButton);
  scanRow->addStretch();
  scanLayout->addLayout(scanRow);
  m_scanView = new SignalFractionView;
  scanLayout->addWidget(m_scanView, 1);
  m_scanTab = m_tabs->addTab(scanPage, tr("Signal-fraction scan"));
  splitter->addWidget(m_tabs);
  splitter->setStretchFactor(1, 1);
  setWidget(splitter);

  connect(m_runButton, &QPushButton::clicked, this, &WeakSupervisionDock::run);
  connect(m_scanButton, &QPushButton::clicked, this, &WeakSupervisionDock::runScan);
  connect(m_cancelButton, &QPushButton::clicked, this, &WeakSupervisionDock::cancel);
  connect(m_efficiency, &QComboBox::currentIndexChanged, this, &WeakSupervisionDock::showRun);
  connect(m_scanMetric, &QComboBox::currentIndexChanged, this, &WeakSupervisionDock::showScan);
  connect(m_window, &MainWindow::yieldsUpdated, this, &WeakSupervisionDock::refreshHistogram);
  connect(m_session, &AnalysisSession::projectReplaced, this,
          &WeakSupervisionDock::projectReplaced);
  setBusy(false, tr("Load events, set the window, then Run."));
}

WeakSupervisionDock::~WeakSupervisionDock() = default;

QWidget* WeakSupervisionDock::buildSetup() {
  auto* w = new QWidget;
  auto* layout = new QVBoxLayout(w);
  m_histogram = new MassWindowHistogram;
  m_histogram->setMinimumHeight(190);
  layout->addWidget(m_histogram);

  auto* form = new QFormLayout;
  m_studies = new WeakStudyList(m_session);
  form->addRow(tr("Studies"), m_studies);
  connect(m_studies, &WeakStudyList::chosen, this, &WeakSupervisionDock::showStudy);
  connect(m_studies, &WeakStudyList::message, this, [this](const QString& t) {
    if (!busy()) m_status->setText(t);
  });
  connect(m_studies, &WeakStudyList::removed, this, [this] {
    // The views showed a study that may be gone: show the one now chosen, or nothing.
    if (busy()) return;
    m_lastRun.reset();
    clearBump();
    m_metrics->clear();
    m_steps->clear();
    if (!m_studies->currentId().isEmpty()) showStudy(m_studies->currentId());
  });
  m_method = new QComboBox;
  m_method->addItem(tr("Tag N' Train"), "tnt");
  m_method->addItem(tr("CWoLa hunting"), "cwola");
  m_method->addItem(tr("Autoencoders (TNT's start)"), "autoencoder");
  m_method->setToolTip(tr("None of these reads the truth; it is used only to evaluate"));
  form->addRow(tr("Method"), m_method);
  m_resonance = new QComboBox;
  m_resonance->setEditable(true);
  m_resonance->addItem("mjj");
  form->addRow(tr("Resonance variable"), m_resonance);
  auto* windowRow = new QHBoxLayout;
  m_lo = spin(-1e9, 1e9, 3300.0, 0, 25.0);
  m_hi = spin(-1e9, 1e9, 3700.0, 0, 25.0);
  m_lo->setAccessibleName(tr("Window lower edge"));
  m_hi->setAccessibleName(tr("Window upper edge"));
  windowRow->addWidget(m_lo);
  windowRow->addWidget(new QLabel("–"));
  windowRow->addWidget(m_hi);
  form->addRow(tr("Signal window"), windowRow);
  m_sideband = spin(1.0, 1e9, 400.0, 0, 25.0);
  m_sideband->setToolTip(
      tr("CWoLa's sidebands, this wide on each side of the window; the bump "
         "hunt fits the background there"));
  form->addRow(tr("Sideband width"), m_sideband);
  m_object1 = new QLineEdit("j1_*");
  m_object2 = new QLineEdit("j2_*");
  const QString objTip =
      tr("Comma-separated features; NAME* is every analysis feature starting with NAME");
  m_object1->setToolTip(objTip);
  m_object2->setToolTip(objTip);
  form->addRow(tr("Object 1 features"), m_object1);
  form->addRow(tr("Object 2 features"), m_object2);
  m_top = spin(0.001, 0.999, 0.2, 3, 0.05);
  m_bottom = spin(0.001, 0.999, 0.4, 3, 0.05);
  m_top->setToolTip(
      tr("Tag N' Train: events in the top fraction of the other object's score "
         "are signal-like"));
  m_bottom->setToolTip(tr("Tag N' Train: events in the bottom fraction are background-like"));
  form->addRow(tr("Signal-like tag (top)"), m_top);
  form->addRow(tr("Background-like tag (bottom)"), m_bottom);
  m_tagInWindow = new QCheckBox(tr("Tag only inside the signal window"));
  m_tagInWindow->setObjectName("tagInWindow");
  m_tagInWindow->setChecked(true);
  m_tagInWindow->setToolTip(
      tr("Tag N' Train: tag the events inside the window, where a resonant signal is densest "
         "(the paper's choice); unchecked, every event after the cut is tagged"));
  form->addRow(QString(), m_tagInWindow);
  m_iterations = new QSpinBox;
  m_iterations->setRange(1, 10);
  form->addRow(tr("TNT iterations"), m_iterations);
  m_folds = new QSpinBox;
  m_folds->setRange(2, 20);
  m_folds->setValue(3);
  m_folds->setToolTip(tr("Every event is scored by models that did not see it"));
  form->addRow(tr("Folds"), m_folds);
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1000000);
  m_seed->setValue(1);
  form->addRow(tr("Seed"), m_seed);
  const WeakStudyConfig defaults;
  m_classifier = new QLineEdit(qs(defaults.classifier.dump()));
  m_classifier->setToolTip(
      tr("The classifier of CWoLa, each TNT step and the supervised "
         "reference: a model kind or its JSON"));
  form->addRow(tr("Classifier"), m_classifier);
  m_autoencoder = new QLineEdit(qs(defaults.autoencoder.dump()));
  m_autoencoder->setToolTip(
      tr("Each object's autoencoder (TNT's starting score), trained "
         "outside the window"));
  form->addRow(tr("Autoencoder"), m_autoencoder);
  m_start1 = new CutEditor;
  m_start2 = new CutEditor;
  for (CutEditor* e : {m_start1, m_start2}) {
    e->setToolTip(
        tr("Tag N' Train's starting score of this object as an expression of the loaded "
           "columns (e.g. -j1_tau21); empty for both: the objects' autoencoders"));
    e->setValidator([](const QString& text) -> std::optional<ExpressionProblem> {
      return text.trimmed().isEmpty() ? std::nullopt
                                      : std::optional<ExpressionProblem>(
                                            ExpressionProblem{0, 1, tr("no events are loaded")});
    });
  }
  m_start1->editor()->setAccessibleName(tr("Object 1 starting score"));
  m_start2->editor()->setAccessibleName(tr("Object 2 starting score"));
  m_start1->editor()->setPlaceholderText(tr("e.g. -j1_tau21 (empty: the autoencoder)"));
  m_start2->editor()->setPlaceholderText(tr("e.g. -j2_tau21 (empty: the autoencoder)"));
  form->addRow(tr("Start, object 1"), m_start1);
  form->addRow(tr("Start, object 2"), m_start2);
  m_withSupervised = new QCheckBox(tr("Also train the supervised reference on the same events"));
  m_withSupervised->setChecked(true);
  form->addRow(m_withSupervised);
  layout->addLayout(form);

  auto* buttons = new QHBoxLayout;
  m_runButton = new QPushButton(tr("Run"));
  m_runButton->setToolTip(tr("Train the chosen method on the selected events (in the background)"));
  m_cancelButton = new QPushButton(tr("Cancel"));
  buttons->addWidget(m_runButton);
  buttons->addWidget(m_cancelButton);
  buttons->addStretch();
  layout->addLayout(buttons);
  m_status = new QLabel;
  m_status->setWordWrap(true);
  m_metrics = new QLabel;
  m_metrics->setWordWrap(true);
  m_metrics->setTextFormat(Qt::RichText);
  layout->addWidget(m_status);
  layout->addWidget(m_metrics);
  layout->addStretch();

  // The histogram and the spin boxes are two views of one window.
  connect(m_histogram, &MassWindowHistogram::windowChanged, this, [this](double lo, double hi) {
    const QSignalBlocker a(m_lo), b(m_hi);
    m_lo->setValue(lo);
    m_hi->setValue(hi);
  });
  auto fromSpins = [this] {
    if (m_hi->value() > m_lo->value()) m_histogram->setWindow(m_lo->value(), m_hi->value());
  };
  connect(m_lo, &QDoubleSpinBox::valueChanged, this, fromSpins);
  connect(m_hi, &QDoubleSpinBox::valueChanged, this, fromSpins);
  connect(m_sideband, &QDoubleSpinBox::valueChanged, m_histogram,
          &MassWindowHistogram::setSidebandWidth);
  connect(m_resonance, &QComboBox::currentTextChanged, this,
          &WeakSupervisionDock::refreshHistogram);
  m_histogram->setSidebandWidth(m_sideband->value());
  m_histogram->setWindow(m_lo->value(), m_hi->value());
  return w;
}

QString WeakSupervisionDock::unitOf(const QString& column) const {
  if (!m_session->hasProject()) return {};
  try {
    return projectUnit(m_session->project(), column);
  } catch (const Error&) {
    return {};  // not an object of strings: the project loader's warning names it
  }
}

QString WeakSupervisionDock::resonance() const {
  return m_resonance->currentText().trimmed();
}

std::string WeakSupervisionDock::method() const {
  return m_method->currentData().toString().toStdString();
}

WeakStudyConfig WeakSupervisionDock::config() const {
  WeakStudyConfig c;
  std::vector<std::string> known;
  if (m_session->hasProject()) {
    const Analysis& a = m_session->project().analysis;
    known = a.features;
    for (const auto& d : a.derived)
      if (std::find(known.begin(), known.end(), d.name) == known.end()) known.push_back(d.name);
  }
  c.object1Features = expandFeatureList("object 1", m_object1->text().toStdString(), known);
  c.object2Features = expandFeatureList("object 2", m_object2->text().toStdString(), known);
  c.window = {m_lo->value(), m_hi->value()};
  if (!(c.window.hi > c.window.lo))
    throw Error("the window's upper edge must be above its lower edge");
  c.sidebandWidth = m_sideband->value();
  c.classifier = modelSpec(tr("classifier"), m_classifier->text());
  c.autoencoder = modelSpec(tr("autoencoder"), m_autoencoder->text());
  c.signalTagFraction = m_top->value();
  c.backgroundTagFraction = m_bottom->value();
  if (c.signalTagFraction + c.backgroundTagFraction > 1.0)
    throw Error("the signal-like and background-like tag fractions add up to more than 1");
  c.tagInWindow = m_tagInWindow->isChecked();
  c.iterations = m_iterations->value();
  c.folds = m_folds->value();
  c.seed = static_cast<std::uint64_t>(m_seed->value());
  c.threads = std::max(1, QThread::idealThreadCount());
  return c;
}

WeakInputs WeakSupervisionDock::inputs() const {
  WeakInputs in;
  if (const auto& sel = m_session->selection()) {
    in.data = sel->data;
    in.keep = sel->keep;
  } else {
    in.data = m_session->loaded();
  }
  in.resonance = resonance().toStdString();
  return in;
}

QComboBox* WeakSupervisionDock::studiesBox() const {
  return m_studies->box();
}

QString WeakSupervisionDock::statusText() const {
  return m_status->text();
}

bool WeakSupervisionDock::busy() const {
  return m_runWatcher || m_scanWatcher;
}

void WeakSupervisionDock::setBusy(bool on, const QString& text) {
  m_runButton->setEnabled(!on);
  m_scanButton->setEnabled(!on);
  m_cancelButton->setEnabled(on);
  m_status->setText(text);
}

void WeakSupervisionDock::projectReplaced() {
  cancel();
  m_lastRun.reset();
  m_lastScan.reset();
  m_lastScanStudy.clear();
  clearBump();
  m_scanView->clear();
  m_metrics->clear();
  m_steps->clear();
  m_histogram->setHistogram({}, {});
  refreshStudies({});
  if (!m_studies->currentId().isEmpty()) showStudy(m_studies->currentId());
}

void WeakSupervisionDock::refreshHistogram() {
  WeakInputs in = inputs();
  if (!in.data) return;
  // The resonance variable can be any loaded column.
  {
    const QSignalBlocker b(m_resonance);
    const QString current = m_resonance->currentText();
    m_resonance->clear();
    for (const std::string& n : in.data->table.columnNames) m_resonance->addItem(qs(n));
    m_resonance->setCurrentText(current);
  }
  // The starting scores are expressions of the loaded columns, checked as the cut is.
  const std::vector<std::string> names = in.data->table.columnNames;
  QStringList qnames;
  for (const std::string& n : names) qnames << qs(n);
  for (CutEditor* e : {m_start1, m_start2}) {
    e->setValidator([names](const QString& text) -> std::optional<ExpressionProblem> {
      if (text.trimmed().isEmpty()) return std::nullopt;
      return checkExpression(text, names);
    });
    e->setColumnNames(qnames);
    e->revalidate();
  }
  const int request = ++m_histogramRequest;
  // The histogram follows the selection: a newer cut stops it (its own histogram follows).
  const auto& sel = m_session->selection();
  auto stale = sel ? sel->superseded : std::make_shared<std::atomic<bool>>(false);
  runShort<ResonanceHistogram>(
      this, m_jobs,
      [in = std::move(in), stale] {
        return resonanceHistogram(in, 60, [&stale] { return stale->load(); });
      },
      [this, request, stale](const ResonanceHistogram& h) {
        if (request != m_histogramRequest || stale->load()) return;
        m_histogram->setHistogram(h.edges, h.counts);
        const QString unit = unitOf(resonance());
        m_histogram->setAxisTitle(unit.isEmpty() ? resonance()
                                                 : QString("%1 [%2]").arg(resonance(), unit));
        m_histogram->setWindow(m_lo->value(), m_hi->value());
        if (!h.error.isEmpty()) m_status->setText(h.error);
        Q_EMIT histogramUpdated();
      });
}

// Runs work(observer) on the training pool; on the GUI thread, a cancel or an error goes to
// the status line and a result to done(). The outcome is moved out of the future, not copied
// (it holds the events).
template <typename T, typename Work, typename Done>
void WeakSupervisionDock::startJob(QFutureWatcher<T>*& slot, Work work, Done done) {
  slot = new QFutureWatcher<T>(this);
  auto* watcher = slot;
  connect(watcher, &QFutureWatcherBase::progressTextChanged, this,
          [this](const QString& t) { m_status->setText(t); });
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, &slot, done] {
    slot = nullptr;
    watcher->deleteLater();
    JobRunner::takeOver();
    if (watcher->isCanceled() || watcher->future().resultCount() == 0) {
      setBusy(false, tr("Cancelled."));
      return;
    }
    T out = watcher->future().takeResult();
    if (out.cancelled) {
      setBusy(false, tr("Cancelled."));
    } else if (!out.error.isEmpty()) {
      setBusy(false, out.error);
    } else {
      done(std::move(out));
    }
  });
  watcher->setFuture(m_jobs->startTraining<T>([work](QPromise<T>& promise) {
    PromiseObserver<T> obs(promise);
    promise.addResult(work(&obs));
  }));
}

WeakStudy WeakSupervisionDock::study() const {
  WeakStudy st;
  st.method = method();
  st.resonance = resonance().toStdString();
  st.config = config();
  st.withSupervised = m_withSupervised->isChecked();
  st.efficiencies.clear();
  for (int k = 0; k < m_efficiency->count(); ++k)
    st.efficiencies.push_back(m_efficiency->itemData(k).toDouble());
  if (m_session->hasProject()) st.cut = m_session->project().analysis.cut;
  if (st.method == "tnt") {  // the other methods have no starting score
    st.start1 = m_start1->text().trimmed().toStdString();
    st.start2 = m_start2->text().trimmed().toStdString();
  }
  if (st.usesStartExpressions()) {
    if (st.start1.empty() || st.start2.empty())
      throw Error("give both objects' starting scores, or neither (the autoencoders)");
    for (CutEditor* e : {m_start1, m_start2})
      if (!e->isValid())
        throw Error("object " + std::string(e == m_start1 ? "1" : "2") +
                    "'s starting score: " + e->errorText().toStdString());
  }
  return st;
}

void WeakSupervisionDock::run() {
  if (busy()) return;
  WeakInputs in = inputs();
  if (!in.data) {
    m_status->setText(tr("No events are loaded: open a project first."));
    return;
  }
  WeakStudy st;
  try {
    st = study();
    in.config = st.config;
  } catch (const std::exception& e) {
    m_status->setText(QString::fromUtf8(e.what()));
    return;
  }
  setBusy(true, tr("Starting %1…").arg(weakMethodTitle(st.method)));
  startJob(
      m_runWatcher, [in = std::move(in), st](FitObserver* obs) { return runWeakJob(in, st, obs); },
      [this](WeakRunOutcome out) {
        setBusy(false, tr("%1 done in %2 s on %3 events.")
                           .arg(weakMethodTitle(out.method))
                           .arg(out.seconds, 0, 'f', 1)
                           .arg(out.events.x.rows()));
        keepStudy(out);
        m_lastRun = std::move(out);
        showRun();
        Q_EMIT runFinished();
      });
}

void WeakSupervisionDock::keepStudy(const WeakRunOutcome& out) {
  if (!m_session->hasProject() || !out.result) return;
  WeakStudy st = out.study;
  addStudy(std::move(st),
           QString("%1: %2 [%3, %4]")
               .arg(weakMethodTitle(out.study.method), qs(out.study.resonance))
               .arg(out.study.config.window.lo)
               .arg(out.study.config.window.hi),
           out.result);
}

void WeakSupervisionDock::keepScan(WeakStudy st, const WeakScanOutcome& out) {
  if (!m_session->hasProject() || out.points.empty()) return;
  QStringList methods;
  for (const std::string& m : st.scanMethods) methods << weakMethodTitle(m);
  auto result = std::make_shared<StudyResult>();
  result->scan = out.points;
  for (const ScanPoint& pt : out.points) result->seconds += pt.seconds;
  const QString title = QString("%1: %2").arg(weakMethodTitle(st.method), methods.join(", "));
  m_lastScanStudy = ss(addStudy(std::move(st), title, std::move(result)));
}

QString WeakSupervisionDock::addStudy(WeakStudy st, const QString& title,
                                      std::shared_ptr<const StudyResult> result) {
  Project& p = m_session->project();
  st.id = p.newStudyId();
  st.name = qs(st.id).append(' ').append(title).toStdString();  // "w3 Tag N' Train: mjj [...]"
  st.done = true;
  p.studies.push_back(st);
  m_session->setStudyResult(st.id, std::move(result));  // tells the session it changed
  refreshStudies(qs(st.id));
  return qs(st.id);
}

void WeakSupervisionDock::refreshStudies(const QString& select) {
  m_studies->refresh(select);
}

bool WeakSupervisionDock::showStudy(const QString& id) {
  if (!m_session->hasProject() || busy()) return false;
  const WeakStudy* st = m_session->project().findStudy(id.toStdString());
  if (!st) return false;
  const auto& results = m_session->studyResults();
  const auto it = results.find(st->id);
  if (it == results.end() || !it->second) {
    m_status->setText(tr("%1 has no stored results: Run it again.").arg(qs(st->name)));
    return false;
  }
  // The widgets take the study's settings, so Run repeats it.
  const int m = m_method->findData(qs(st->method));
  if (m >= 0) m_method->setCurrentIndex(m);
  m_resonance->setCurrentText(qs(st->resonance));
  {
    const QSignalBlocker a(m_lo), b(m_hi);
    m_lo->setValue(st->config.window.lo);
    m_hi->setValue(st->config.window.hi);
  }
  m_histogram->setWindow(st->config.window.lo, st->config.window.hi);
  m_sideband->setValue(st->config.sidebandWidth);
  auto join = [](const std::vector<std::string>& v) {
    QStringList l;
    for (const auto& n : v) l << qs(n);
    return l.join(", ");
  };
  m_object1->setText(join(st->config.object1Features));
  m_object2->setText(join(st->config.object2Features));
  m_top->setValue(st->config.signalTagFraction);
  m_bottom->setValue(st->config.backgroundTagFraction);
  m_tagInWindow->setChecked(st->config.tagInWindow);
  m_iterations->setValue(st->config.iterations);
  m_folds->setValue(st->config.folds);
  m_seed->setValue(static_cast<int>(st->config.seed));
  m_classifier->setText(qs(st->config.classifier.dump()));
  m_autoencoder->setText(qs(st->config.autoencoder.dump()));
  m_withSupervised->setChecked(st->withSupervised);
  m_start1->setText(qs(st->start1));
  m_start2->setText(qs(st->start2));
  if (st->isScan()) {
    QStringList fractions;
    for (double f : st->fractions) fractions << QString::number(f, 'g', 6);
    m_fractions->setText(fractions.join(", "));
    QStringList methods;
    for (const std::string& m : st->scanMethods) methods << qs(m);
    m_scanMethods->setText(methods.join(", "));
    m_lastScan = WeakScanOutcome{{}, false, it->second->scan};
    m_lastScanStudy = st->id;
    m_status->setText(tr("%1 (stored in the project).").arg(qs(st->name)));
    m_tabs->setCurrentIndex(m_scanTab);
    showScan();
    return true;
  }
  m_lastRun = storedOutcome(*st, it->second);
  m_status->setText(tr("%1 (stored in the project).").arg(qs(st->name)));
  showRun();
  return true;
}

void WeakSupervisionDock::runScan() {
  if (busy()) return;
  WeakInputs in = inputs();
  if (!in.data) {
    m_status->setText(tr("No events are loaded: open a project first."));
    return;
  }
  std::vector<double> fractions;
  std::vector<std::string> methods;
  try {
    in.config = config();
    for (const QString& t : m_fractions->text().split(',', Qt::SkipEmptyParts)) {
      bool ok = false;
      const double f = t.trimmed().toDouble(&ok);
      if (!ok || !(f > 0.0))
        throw Error("S/B values: '" + t.trimmed().toStdString() + "' is not a positive number");
      fractions.push_back(f);
    }
    if (fractions.empty()) throw Error("S/B values: give at least one");
    for (const QString& t : m_scanMethods->text().split(',', Qt::SkipEmptyParts)) {
      methods.push_back(t.trimmed().toStdString());
      checkWeakMethod(methods.back());
    }
    if (methods.empty()) throw Error("methods: give at least one");
  } catch (const std::exception& e) {
    m_status->setText(QString::fromUtf8(e.what()));
    return;
  }
  WeakStudy st;  // what the project keeps of the scan
  st.method = WeakStudy::kScanMethod;
  st.resonance = resonance().toStdString();
  st.config = in.config;
  st.fractions = fractions;
  st.scanMethods = methods;
  st.withSupervised = false;
  if (m_session->hasProject()) st.cut = m_session->project().analysis.cut;
  setBusy(true, tr("Starting the scan…"));
  m_tabs->setCurrentIndex(m_scanTab);
  startJob(
      m_scanWatcher,
      [in = std::move(in), fractions, methods](FitObserver* obs) {
        return runScanJob(in, fractions, methods, obs);
      },
      [this, st](WeakScanOutcome out) {
        setBusy(false, tr("Scan done: %1 points.").arg(out.points.size()));
        m_lastScanStudy.clear();
        keepScan(st, out);
        m_lastScan = std::move(out);
        showScan();
        Q_EMIT scanFinished();
      });
}

void WeakSupervisionDock::cancel() {
  if (m_runWatcher) m_runWatcher->cancel();
  if (m_scanWatcher) m_scanWatcher->cancel();
}

void WeakSupervisionDock::clearBump() {
  ++m_bumpGeneration;  // a plot still queued by showRun() is not drawn
  m_bump->clear();
}

void WeakSupervisionDock::showRun() {
  if (!m_lastRun) return;
  const WeakRunOutcome& r = *m_lastRun;
  showSteps();
  const int k = m_efficiency->currentIndex();
  if (k >= 0 && k < r.plots.size()) {
    // Built in the next pass of the event loop: building the chart in the same pass as the rest
    // of a run's results, then painting it all, stalled the event loop past 50 ms.
    // A newer plot or a clear() before then wins (the generation).
    QMetaObject::invokeMethod(
        m_bump,
        [this, generation = ++m_bumpGeneration, plot = r.plots[k]]() mutable {
          if (generation != m_bumpGeneration) return;
          plot.unit = unitOf(plot.resonance);
          m_bump->setPlot(plot);
        },
        Qt::QueuedConnection);
  } else {
    clearBump();
    if (!r.plotError.isEmpty()) m_status->setText(r.plotError);
  }
  if (!r.events.hasTruth) {
    m_metrics->setText(tr("No truth in the selected events: only the bump hunt can judge."));
    return;
  }
  auto row = [](const QString& name, const WeakMetrics& m) {
    return QString(
               "<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td>"
               "<td align=right>%4</td></tr>")
        .arg(name)
        .arg(m.auc, 0, 'f', 3)
        .arg(std::isfinite(m.rejectionAt02) ? QString::number(m.rejectionAt02, 'f', 1) : "∞")
        .arg(m.maxSignificanceImprovement, 0, 'f', 2);
  };
  QString html =
      tr("<b>Inside the window, against the truth</b><table cellspacing=6>"
         "<tr><th></th><th>AUC</th><th>1/ε<sub>B</sub>(ε<sub>S</sub>=0.2)</th>"
         "<th>max ε<sub>S</sub>/√ε<sub>B</sub></th></tr>");
  html += row(weakMethodTitle(r.method), r.metrics);
  if (!r.supervised.empty()) html += row(tr("supervised"), r.supervisedMetrics);
  html += "</table>";
  m_metrics->setText(html);
}

void WeakSupervisionDock::showSteps() {
  // Drawn when its tab is on screen: at the end of a run the window draws only what is shown
  // (drawing every view at once stalled the event loop past 50 ms).
  if (m_tabs->currentWidget() != m_steps) {
    m_stepsStale = true;
    return;
  }
  m_stepsStale = false;
  const StudyResult* r = m_lastRun && m_lastRun->result ? m_lastRun->result.get() : nullptr;
  if (!r || r->steps.empty()) {
    m_steps->clear();
    return;
  }
  m_steps->setSteps(tntStepPoints(*r), r->hasTruth());
}

void WeakSupervisionDock::showScan() {
  if (!m_lastScan) return;
  const auto metric = static_cast<ScanMetric>(m_scanMetric->currentData().toInt());
  m_scanView->setCurves(m_scanMetric->currentText(),
                        signalFractionCurves(m_lastScan->points, metric));
}

WeakSupervisionDock* addWeakSupervisionDock(MainWindow* window, AnalysisSession* session,
                                            JobRunner* jobs) {
  auto* dock = new WeakSupervisionDock(window, session, jobs);
  window->addDockWidget(Qt::RightDockWidgetArea, dock);
  dock->setFloating(true);
  dock->resize(1180, 760);
  dock->hide();
  dock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
  return dock;
}

}  // namespace imbw
