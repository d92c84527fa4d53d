#include "app/gui/class_subsample_box.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/gui/main_window.h"
#include "core/project/run_training.h"
#include "core/util/error.h"
#include "widgets/yields_table.h"

namespace imbw {

namespace {
enum Column { ClassColumn, KeepColumn, ValueColumn };
}  // namespace

std::optional<ClassSubsample> projectClassSubsample(const Analysis& analysis) {
  const auto it = analysis.extra.find("classSubsample");
  if (it == analysis.extra.end()) return std::nullopt;
  try {
    ClassSubsample c = ClassSubsample::fromJson(*it);
    if (c.empty()) return std::nullopt;
    return c;
  } catch (const Error& e) {
    throw Error("'" + analysis.name + "': classSubsample: " + e.what());
  }
}

bool takeProjectClassSubsample(RunConfig& config, const Analysis& analysis, QString* why) {
  try {
    resolveClassSubsample(config, analysis);
  } catch (const Error& e) {
    if (why) *why = QString::fromUtf8(e.what());
    return false;
  }
  return true;
}

ClassSubsampleBox::ClassSubsampleBox(MainWindow* window)
    : QGroupBox(tr("Controlled imbalance (events kept per class)"), window), m_window(window) {
  setToolTip(
      tr("Draws the events of each class before any run sees them (every classified "
         "event, before the run's cut), so one study runs at r = 50 %, 5 % or 0.5 %. "
         "New runs take it; a trained run keeps its own (\"Use this configuration\" "
         "brings it back here). Saved with the project."));
  auto* layout = new QVBoxLayout(this);
  m_table = new QTableWidget(0, 3, this);
  m_table->setHorizontalHeaderLabels({tr("class"), tr("keep"), tr("how many")});
  m_table->verticalHeader()->setVisible(false);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  layout->addWidget(m_table);
  m_counts = new QLabel(this);
  m_counts->setWordWrap(true);
  m_counts->setToolTip(
      tr("Events and Σw per class, every classified event (before the cut): "
         "before → after the draw"));
  layout->addWidget(m_counts);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Seed:"), this));
  m_seed = new QSpinBox(this);
  m_seed->setRange(0, 1 << 30);
  m_seed->setValue(1);
  row->addWidget(m_seed);
  m_rescale = new QCheckBox(tr("rescale weights"), this);
  m_rescale->setToolTip(
      tr("Multiply the kept events' weights so each class keeps its yield "
         "(then r by weight does not change; off: the yields shrink with the "
         "draw)"));
  row->addWidget(m_rescale);
  row->addStretch(1);
  layout->addLayout(row);
  connect(m_seed, &QSpinBox::valueChanged, this, [this] { store(); });
  connect(m_rescale, &QCheckBox::toggled, this, [this] { store(); });
  connect(m_window->session(), &AnalysisSession::projectReplaced, this, [this] { reload(); });
  connect(m_window, &MainWindow::analysisLoaded, this, [this] { reload(); });
  // The yields table shows the draw after the cut: recomputed when the cut's yields are.
  connect(m_window, &MainWindow::yieldsUpdated, this, [this] { updateCounts(); });
  reload();
}

void ClassSubsampleBox::reload() {
  m_loading = true;
  const AnalysisSession* s = m_window->session();
  std::optional<ClassSubsample> current;
  QString problem;
  if (s->hasProject()) {
    try {
      current = projectClassSubsample(s->project().analysis);
    } catch (const Error& e) {
      problem = QString::fromUtf8(e.what());
    }
  }
  const std::vector<std::string> classes =
      s->hasProject() ? s->project().analysis.classes : std::vector<std::string>{};
  m_table->setRowCount(static_cast<int>(classes.size()));
  for (int r = 0; r < static_cast<int>(classes.size()); ++r) {
    const std::string& name = classes[static_cast<std::size_t>(r)];
    auto* item = new QTableWidgetItem(QString::fromStdString(name));
    item->setFlags(Qt::ItemIsEnabled);
    m_table->setItem(r, ClassColumn, item);
    auto* keep = new QComboBox(m_table);
    keep->addItems({tr("all"), tr("a fraction"), tr("a number")});
    auto* value = new QDoubleSpinBox(m_table);
    value->setRange(0.0, 1e12);
    value->setDecimals(4);
    value->setValue(1.0);
    if (current)
      for (const auto& [cls, k] : current->classes)
        if (cls == name) {
          keep->setCurrentIndex(k.byCount ? 2 : 1);
          value->setValue(k.byCount ? static_cast<double>(k.count) : k.fraction);
        }
    value->setDecimals(keep->currentIndex() == 2 ? 0 : 4);
    value->setEnabled(keep->currentIndex() != 0);
    m_table->setCellWidget(r, KeepColumn, keep);
    m_table->setCellWidget(r, ValueColumn, value);
    connect(keep, &QComboBox::currentIndexChanged, this, [this, keep, value](int i) {
      value->setEnabled(i != 0);
      value->setDecimals(i == 2 ? 0 : 4);
      if (i == 1 && (value->value() <= 0 || value->value() > 1)) value->setValue(0.5);
      store();
    });
    connect(value, &QDoubleSpinBox::valueChanged, this, [this] { store(); });
  }
  if (current) {
    m_seed->setValue(static_cast<int>(current->seed));
    m_rescale->setChecked(current->rescaleWeights);
  }
  setTitle(problem.isEmpty() ? tr("Controlled imbalance (events kept per class)")
                             : tr("Controlled imbalance: %1").arg(problem));
  m_loading = false;
  updateCounts();
}

void ClassSubsampleBox::store() {
  if (m_loading) return;
  AnalysisSession* s = m_window->session();
  if (!s->hasProject()) return;
  nlohmann::json classes = nlohmann::json::object();
  for (int r = 0; r < m_table->rowCount(); ++r) {
    const auto* keep = qobject_cast<QComboBox*>(m_table->cellWidget(r, KeepColumn));
    const auto* value = qobject_cast<QDoubleSpinBox*>(m_table->cellWidget(r, ValueColumn));
    if (!keep || !value || keep->currentIndex() == 0) continue;
    const std::string name = m_table->item(r, ClassColumn)->text().toStdString();
    if (keep->currentIndex() == 1)
      classes[name] = {{"fraction", value->value()}};
    else
      classes[name] = {{"count", static_cast<std::uint64_t>(value->value())}};
  }
  auto& extra = s->project().analysis.extra;
  if (classes.empty())
    extra.erase("classSubsample");
  else
    extra["classSubsample"] = {{"seed", m_seed->value()},
                               {"rescaleWeights", m_rescale->isChecked()},
                               {"classes", classes}};
  s->edited();
  updateCounts();
}

void ClassSubsampleBox::updateCounts() {
  const AnalysisSession* s = m_window->session();
  const auto loaded = s->loaded();
  std::optional<ClassSubsample> config;
  QString problem;
  try {
    if (s->hasProject()) config = projectClassSubsample(s->project().analysis);
  } catch (const Error& e) {
    problem = QString::fromUtf8(e.what());
  }
  SubsampleResult result;
  if (loaded && config && problem.isEmpty()) {
    // Counting is cheap next to the draw itself; the draw is what training will do.
    try {
      result = subsampleClasses(*config, loaded->table.classNames, loaded->table.classIndex,
                                loaded->table.weight);
    } catch (const Error& e) {
      problem = QString::fromUtf8(e.what());
    }
  }
  showDrawnYields(loaded && problem.isEmpty() ? &result : nullptr);
  QStringList lines;
  if (!problem.isEmpty()) lines << problem;
  if (loaded && !result.before.empty())
    for (std::size_t c = 0; c < result.before.size(); ++c)
      lines << tr("%1: %2 → %3 events (Σw %4 → %5)")
                   .arg(QString::fromStdString(loaded->table.classNames[c]))
                   .arg(result.before[c])
                   .arg(result.after[c])
                   .arg(result.weightBefore[c], 0, 'f', 1)
                   .arg(result.weightAfter[c], 0, 'f', 1);
  else if (problem.isEmpty())
    lines << tr("Every event of every class is kept.");
  m_counts->setText(lines.join(QLatin1Char('\n')));
  // The table shows every class without scrolling (the dock is narrow and short).
  int h = m_table->horizontalHeader()->height() + 2 * m_table->frameWidth();
  for (int r = 0; r < m_table->rowCount(); ++r) h += m_table->rowHeight(r);
  m_table->setFixedHeight(h);
  setToolTip(problem.isEmpty() ? QString() : problem);
  setStyleSheet(problem.isEmpty() ? QString() : QStringLiteral("QGroupBox { color: #b00020 }"));
}

void ClassSubsampleBox::showDrawnYields(const SubsampleResult* result) {
  YieldsTable* yields = m_window->yieldsTable();
  if (!yields) return;
  const auto loaded = m_window->session()->loaded();
  const auto& sel = m_window->session()->selection();
  if (!result || result->before.empty() || !loaded || !sel || sel->data != loaded ||
      sel->keep->size() != loaded->table.size()) {
    yields->setDrawn({}, {});
    return;
  }
  // The draw from every classified event, then the cut: the events a run trains on.
  const EventTable& table = loaded->table;
  QList<DrawnYields> rows(static_cast<qsizetype>(table.classNames.size()));
  for (std::size_t k = 0; k < result->kept.size(); ++k) {
    const std::size_t i = result->kept[k];
    if (!(*sel->keep)[i]) continue;
    DrawnYields& y = rows[table.classIndex[i]];
    y.events += 1;
    y.sumW += result->weight[k];
    y.sumW2 += result->weight[k] * result->weight[k];
  }
  qint64 events = 0;
  double sumW = 0;
  for (const DrawnYields& y : rows) {
    events += y.events;
    sumW += y.sumW;
  }
  ImbalanceRatio r{std::nan(""), std::nan("")};
  if (table.signalClass >= 0 && table.signalClass < rows.size()) {
    const DrawnYields& sig = rows[table.signalClass];
    if (events > 0) r.byCount = static_cast<double>(sig.events) / static_cast<double>(events);
    if (sumW != 0) r.byWeight = sig.sumW / sumW;
  }
  yields->setDrawn(rows, r);
}

void ClassSubsampleBox::setKeep(const QString& className, double fraction, long long count) {
  for (int r = 0; r < m_table->rowCount(); ++r) {
    if (m_table->item(r, ClassColumn)->text() != className) continue;
    auto* keep = qobject_cast<QComboBox*>(m_table->cellWidget(r, KeepColumn));
    auto* value = qobject_cast<QDoubleSpinBox*>(m_table->cellWidget(r, ValueColumn));
    m_loading = true;
    keep->setCurrentIndex(count >= 0 ? 2 : fraction >= 1.0 ? 0 : 1);
    value->setDecimals(count >= 0 ? 0 : 4);
    value->setValue(count >= 0 ? static_cast<double>(count) : fraction);
    value->setEnabled(keep->currentIndex() != 0);
    m_loading = false;
    store();
  }
}

QString ClassSubsampleBox::countsText() const {
  return m_counts->text();
}

void ClassSubsampleBox::setSeed(int seed) {
  m_seed->setValue(seed);
}

void ClassSubsampleBox::takeFromRun(const RunConfig& config) {
  AnalysisSession* s = m_window->session();
  if (!config.classSubsample || !s->hasProject()) return;
  auto& extra = s->project().analysis.extra;
  if (config.classSubsample->empty())
    extra.erase("classSubsample");
  else
    extra["classSubsample"] = config.classSubsample->toJson();
  s->edited();
  reload();
}

void ClassSubsampleBox::setRescaleWeights(bool on) {
  m_rescale->setChecked(on);
}

}  // namespace imbw
