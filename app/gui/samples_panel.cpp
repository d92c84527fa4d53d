// The Samples panel: the samples and how their events get a class (one class, a label column
// with a value → class mapping listed with counts, class expressions), the classes themselves
// (add, rename, remove), the signal class and each sample's weight expression. It reads and
// writes only the analysis's samples, classes, signal class and weights.
#include "app/gui/samples_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/file_probe.h"
#include "app/gui/short_job.h"
#include "core/data/sample_reader.h"
#include "widgets/cut_editor.h"

namespace imbw {

namespace {
/// The distinct values of a sample's label column, as the loader compares them (trailing
/// blanks and NULs of fixed-length strings dropped), with their event counts.
struct LabelValues {
  int generation = 0;
  std::vector<std::pair<std::string, std::size_t>> values;  ///< sorted (numerically if numbers)
  std::size_t distinct = 0;  ///< may exceed values.size() (the list is capped)
  QString error;
};

std::optional<double> labelNumber(const std::string& text) {
  bool ok = false;
  const double v = QString::fromStdString(text).trimmed().toDouble(&ok);
  return ok ? std::optional<double>(v) : std::nullopt;
}

/// The same label value, numerically when both are numbers ("1" and "1.0").
bool sameLabel(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto x = labelNumber(a), y = labelNumber(b);
  return x && y && *x == *y;
}

constexpr std::size_t kMaxLabelValues = 100;  // a label column, not a continuous one

LabelValues readLabelValues(const std::string& path, const ReaderOptions& ro,
                            const std::string& column) {
  LabelValues out;
  if (const ProbeResult p = probeSampleFile(path, ro); !p.safe) {
    out.error = p.message;
    return out;
  }
  try {
    SampleReader reader(path, ro);
    std::map<std::string, std::size_t> counts;
    for (std::string v : reader.readStrings(column)) {
      while (!v.empty() && (v.back() == '\0' || v.back() == ' ')) v.pop_back();
      ++counts[v];
    }
    out.distinct = counts.size();
    out.values.assign(counts.begin(), counts.end());
    const bool numeric = std::all_of(out.values.begin(), out.values.end(), [](const auto& p) {
      return labelNumber(p.first).has_value();
    });
    if (numeric)
      std::sort(out.values.begin(), out.values.end(), [](const auto& a, const auto& b) {
        return *labelNumber(a.first) < *labelNumber(b.first);
      });
    if (out.values.size() > kMaxLabelValues) out.values.resize(kMaxLabelValues);
  } catch (const std::exception& e) {
    out.error = qs(e.what());
  }
  return out;
}

/// Replaces every mention of a class name in the analysis (samples, signal class).
void renameClassEverywhere(Analysis& a, const std::string& from, const std::string& to) {
  for (auto& c : a.classes)
    if (c == from) c = to;
  if (a.signalClass == from) a.signalClass = to;
  for (auto& s : a.samples) {
    if (s.className == from) s.className = to;
    for (auto& e : s.labelMap)
      if (e.className == from) e.className = to;
    for (auto& e : s.classExpressions)
      if (e.className == from) e.className = to;
  }
}

bool classInUse(const Analysis& a, const std::string& name) {
  for (const auto& s : a.samples) {
    if (s.classSource == ClassSource::Fixed && s.className == name) return true;
    if (s.classSource == ClassSource::LabelColumn)
      for (const auto& e : s.labelMap)
        if (e.className == name) return true;
    if (s.classSource == ClassSource::Expressions)
      for (const auto& e : s.classExpressions)
        if (e.className == name) return true;
  }
  return false;
}

}  // namespace

SamplesPanel::SamplesPanel(AnalysisSession* session, JobRunner* jobs, QWidget* parent)
    : QWidget(parent), m_session(session), m_jobs(jobs) {
  auto* w = this;
  auto* layout = new QVBoxLayout(w);
  m_samples = new QTreeWidget(w);
  m_samples->setHeaderLabels({tr("Sample / column"), tr("Class"), tr("Events"), tr("Layout")});
  m_samples->setToolTip(tr("Drop HDF5 files here or use File ▸ Add HDF5 samples"));
  m_samples->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  layout->addWidget(m_samples, 1);

  // The classes: add, rename (double-click), remove; and which one is the signal.
  auto* classRow = new QHBoxLayout;
  m_classList = new QListWidget(w);
  m_classList->setObjectName("classList");
  m_classList->setFlow(QListView::LeftToRight);
  m_classList->setWrapping(true);
  m_classList->setMaximumHeight(m_classList->fontMetrics().height() * 3 + 8);
  m_classList->setToolTip(tr("The classes of the analysis; double-click one to rename it"));
  classRow->addWidget(new QLabel(tr("Classes:"), w));
  classRow->addWidget(m_classList, 1);
  auto* addClassButton = new QPushButton(tr("Add"), w);
  addClassButton->setToolTip(tr("Add a class (e.g. a second background)"));
  auto* removeClassButton = new QPushButton(tr("Remove"), w);
  removeClassButton->setToolTip(tr("Remove the selected class (only when no sample uses it)"));
  classRow->addWidget(addClassButton);
  classRow->addWidget(removeClassButton);
  layout->addLayout(classRow);

  auto* form = new QFormLayout;
  m_signalClass = new QComboBox(w);
  m_signalClass->setToolTip(tr("The class the classifier should find (the rare one)"));
  form->addRow(tr("Signal class:"), m_signalClass);
  m_classSource = new QComboBox(w);
  m_classSource->addItem(tr("One class for the whole sample"), int(ClassSource::Fixed));
  m_classSource->addItem(tr("A label column, value → class"), int(ClassSource::LabelColumn));
  m_classSource->addItem(tr("Class expressions (first match)"), int(ClassSource::Expressions));
  m_classSource->setToolTip(tr("How the events of the selected sample get their class"));
  form->addRow(tr("Class from:"), m_classSource);
  m_fixedClass = new QComboBox(w);
  form->addRow(tr("Class:"), m_fixedClass);
  m_labelColumn = new QComboBox(w);
  m_labelColumn->setToolTip(tr("The column whose values say the class (numbers or strings)"));
  form->addRow(tr("Label column:"), m_labelColumn);
  // The label map and the class expressions come right below the choice they belong to (the
  // weight after them): in a dock of ordinary height the map was below the fold.
  m_labelMapTitle = new QLabel(w);
  form->addRow(m_labelMapTitle);
  m_labelMap = new QTableWidget(0, 3, w);
  m_labelMap->setObjectName("labelMapTable");
  m_labelMap->setHorizontalHeaderLabels({tr("Label value"), tr("Class"), tr("Events")});
  m_labelMap->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  m_labelMap->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  m_labelMap->verticalHeader()->hide();
  m_labelMap->setToolTip(
      tr("The class of the events with each label value (* = any other "
         "value); applied with the button below"));
  form->addRow(m_labelMap);
  m_labelMapTitle->hide();
  m_labelMap->hide();
  m_classExpressions = new QTableWidget(0, 2, w);
  m_classExpressions->setObjectName("classExpressionsTable");
  m_classExpressions->setHorizontalHeaderLabels({tr("Class"), tr("Expression")});
  m_classExpressions->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  m_classExpressions->verticalHeader()->hide();
  m_classExpressions->setToolTip(
      tr("Each event takes the class of the first expression it passes (e.g. a mass window "
         "against its sidebands); events passing none are not used. Type in the last row to "
         "add one."));
  m_classExpressions->hide();
  form->addRow(m_classExpressions);
  m_weightEditor = new CutEditor(w);
  m_weightEditor->editor()->setPlaceholderText(tr("weight expression, e.g. mcWeight*xsec/sumw"));
  m_weightEditor->setToolTip(tr("Per-event weight of the selected sample (default 1)"));
  form->addRow(tr("Weight:"), m_weightEditor);
  layout->addLayout(form);
  auto* apply = new QPushButton(tr("Apply sample settings and reload"), w);
  m_applySamples = apply;
  layout->addWidget(apply);
  m_samplesMessage = new QLabel(w);
  m_samplesMessage->setWordWrap(true);
  m_samplesMessage->setStyleSheet("color: #b00020");
  m_samplesMessage->hide();
  layout->addWidget(m_samplesMessage);

  connect(m_samples, &QTreeWidget::currentItemChanged, this,
          [this] { showSampleDetails(currentSampleIndex()); });
  connect(m_classSource, &QComboBox::activated, this, [this] {
    const auto src = static_cast<ClassSource>(m_classSource->currentData().toInt());
    m_fixedClass->setEnabled(src == ClassSource::Fixed);
    m_labelColumn->setEnabled(src == ClassSource::LabelColumn);
    m_classExpressions->setVisible(src == ClassSource::Expressions);
    const int i = currentSampleIndex();
    if (src == ClassSource::LabelColumn && i >= 0) {
      Sample s = m_session->project().analysis.samples[static_cast<std::size_t>(i)];
      s.classSource = ClassSource::LabelColumn;
      s.labelColumn = ss(m_labelColumn->currentText());
      showLabelMap(s);
    } else {
      m_labelMap->hide();
      m_labelMapTitle->hide();
    }
  });
  connect(m_labelColumn, &QComboBox::activated, this, [this] {
    const int i = currentSampleIndex();
    if (i < 0) return;
    Sample s = m_session->project().analysis.samples[static_cast<std::size_t>(i)];
    s.classSource = ClassSource::LabelColumn;
    if (s.labelColumn != ss(m_labelColumn->currentText())) s.labelMap.clear();
    s.labelColumn = ss(m_labelColumn->currentText());
    showLabelMap(s);
  });
  connect(m_classExpressions, &QTableWidget::cellChanged, this, [this](int row) {
    // Typing into the last (empty) row adds another empty one.
    if (row == m_classExpressions->rowCount() - 1) {
      auto* e = m_classExpressions->item(row, 1);
      if (e && !e->text().trimmed().isEmpty()) m_classExpressions->insertRow(row + 1);
    }
  });
  connect(apply, &QPushButton::clicked, this, &SamplesPanel::applySampleEdits);
  connect(addClassButton, &QPushButton::clicked, this, &SamplesPanel::addClass);
  connect(removeClassButton, &QPushButton::clicked, this, &SamplesPanel::removeClass);
  connect(m_classList, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
    renameClass(m_classList->row(item), item->text().trimmed());
  });
  connect(m_signalClass, &QComboBox::activated, this, [this] {
    if (!m_session->hasProject()) return;
    // Only which class is "signal" changes: relabel without reading the files.
    m_session->setSignalClass(ss(m_signalClass->currentText()));
    Q_EMIT signalClassChanged();
  });
}

int SamplesPanel::currentSampleIndex() const {
  QTreeWidgetItem* it = m_samples->currentItem();
  while (it && it->parent()) it = it->parent();
  if (!it || !m_session->hasProject()) return -1;
  const int i = m_samples->indexOfTopLevelItem(it);
  return i >= 0 && i < static_cast<int>(m_session->project().analysis.samples.size()) ? i : -1;
}

void SamplesPanel::refreshClassLists() {
  const Analysis& a = m_session->project().analysis;
  {
    QSignalBlocker b(m_classList);
    m_classList->clear();
    for (const auto& c : a.classes) {
      auto* item = new QListWidgetItem(qs(c), m_classList);
      item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
  }
  QSignalBlocker b(m_signalClass);
  m_signalClass->clear();
  for (const auto& c : a.classes) m_signalClass->addItem(qs(c));
  m_signalClass->setCurrentText(qs(a.signalClass));
  Q_EMIT classesChanged();
}

void SamplesPanel::addClass() {
  if (!m_session->hasProject()) return;
  Analysis& a = m_session->project().analysis;
  std::string name = "class " + std::to_string(a.classes.size() + 1);
  for (int k = 2; a.classIndex(name) >= 0; ++k)
    name = "class " + std::to_string(a.classes.size() + k);
  a.classes.push_back(name);
  m_session->edited();
  refreshClassLists();
  showSampleDetails(currentSampleIndex());
  // Straight into renaming it.
  m_classList->setCurrentRow(m_classList->count() - 1);
  m_classList->editItem(m_classList->item(m_classList->count() - 1));
}

void SamplesPanel::removeClass() {
  if (!m_session->hasProject()) return;
  Analysis& a = m_session->project().analysis;
  const int row = m_classList->currentRow();
  if (row < 0 || row >= static_cast<int>(a.classes.size())) return;
  const std::string name = a.classes[static_cast<std::size_t>(row)];
  if (classInUse(a, name)) {
    m_samplesMessage->setText(
        tr("Class '%1' is still given to events by a sample: give them another class first.")
            .arg(qs(name)));
    m_samplesMessage->show();
    return;
  }
  if (a.classes.size() <= 2) {
    m_samplesMessage->setText(tr("An analysis needs at least two classes."));
    m_samplesMessage->show();
    return;
  }
  a.classes.erase(a.classes.begin() + row);
  if (a.signalClass == name) a.signalClass = a.classes.back();
  m_session->edited();
  refreshClassLists();
  populate();
  Q_EMIT reloadRequested();
}

void SamplesPanel::renameClass(int row, const QString& text) {
  Analysis& a = m_session->project().analysis;
  if (row < 0 || row >= static_cast<int>(a.classes.size())) return;
  const std::string from = a.classes[static_cast<std::size_t>(row)];
  const std::string to = ss(text);
  if (to == from) return;
  if (to.empty() || a.classIndex(to) >= 0) {
    m_samplesMessage->setText(to.empty() ? tr("A class needs a name.")
                                         : tr("There is already a class '%1'.").arg(text));
    m_samplesMessage->show();
    refreshClassLists();
    return;
  }
  renameClassEverywhere(a, from, to);
  m_samplesMessage->hide();
  m_session->edited();
  refreshClassLists();
  populate();
  Q_EMIT reloadRequested();
}

void SamplesPanel::applySampleEdits() {
  if (!m_session->hasProject()) return;
  if (!m_weightEditor->isValid()) {
    m_samplesMessage->setText(tr("Fix the weight expression first."));
    m_samplesMessage->show();
    return;
  }
  const int i = currentSampleIndex();
  if (i >= 0) {
    Sample& sample = m_session->project().analysis.samples[static_cast<std::size_t>(i)];
    const QString wt = m_weightEditor->text().trimmed();
    sample.weight = wt.isEmpty() ? "1" : ss(wt);
    sample.classSource = static_cast<ClassSource>(m_classSource->currentData().toInt());
    switch (sample.classSource) {
      case ClassSource::Fixed:
        sample.className = ss(m_fixedClass->currentText());
        break;
      case ClassSource::LabelColumn: {
        sample.labelColumn = ss(m_labelColumn->currentText());
        std::vector<LabelMapEntry> map;
        for (int r = 0; r < m_labelMap->rowCount(); ++r) {
          auto* value = m_labelMap->item(r, 0);
          auto* cls = qobject_cast<QComboBox*>(m_labelMap->cellWidget(r, 1));
          // Values still without a class stay out of the mapping (the loader names them).
          if (value && cls && !cls->currentData().toString().isEmpty())
            map.push_back({ss(value->text()), ss(cls->currentData().toString())});
        }
        sample.labelMap = std::move(map);
        break;
      }
      case ClassSource::Expressions: {
        std::vector<ClassExpression> list;
        for (int r = 0; r < m_classExpressions->rowCount(); ++r) {
          auto* cls = qobject_cast<QComboBox*>(m_classExpressions->cellWidget(r, 0));
          auto* expr = m_classExpressions->item(r, 1);
          if (cls && expr && !expr->text().trimmed().isEmpty())
            list.push_back({ss(cls->currentText()), ss(expr->text().trimmed())});
        }
        sample.classExpressions = std::move(list);
        break;
      }
    }
  }
  try {
    m_session->project().analysis.validate();
  } catch (const std::exception& e) {
    m_samplesMessage->setText(qs(e.what()));
    m_samplesMessage->show();
    return;
  }
  m_samplesMessage->hide();
  m_session->edited();
  populate();
  Q_EMIT reloadRequested();
}

void SamplesPanel::showSampleDetails(int i) {
  m_labelMap->hide();
  m_labelMapTitle->hide();
  m_classExpressions->hide();
  if (i < 0) return;
  const Analysis& a = m_session->project().analysis;
  const Sample& s = a.samples[static_cast<std::size_t>(i)];
  std::vector<std::string> cols;
  QStringList labelColumns;
  const auto& info = m_session->sampleInfo();
  if (i < static_cast<int>(info.size())) {
    cols = info[static_cast<std::size_t>(i)].scalarNames();
    for (const ColumnInfo& c : info[static_cast<std::size_t>(i)].columns)
      if (!c.jagged) labelColumns << qs(c.name);
  }
  if (!s.labelColumn.empty() && !labelColumns.contains(qs(s.labelColumn)))
    labelColumns.prepend(qs(s.labelColumn));
  m_weightEditor->setValidator(
      [cols](const QString& t) { return checkExpression(t.isEmpty() ? "1" : t, cols); });
  QStringList names;
  for (const auto& c : cols) names << qs(c);
  m_weightEditor->setColumnNames(names);
  m_weightEditor->setText(qs(s.weight));
  QStringList classes;
  for (const auto& c : a.classes) classes << qs(c);
  m_fixedClass->clear();
  m_fixedClass->addItems(classes);
  m_fixedClass->setCurrentText(qs(s.className));
  m_labelColumn->clear();
  m_labelColumn->addItems(labelColumns);
  // A label column is usually called label/Label/y/target: preselect one for a new choice.
  QString guess = qs(s.labelColumn);
  for (const char* n : {"label", "Label", "y", "target", "class"})
    if (guess.isEmpty() && labelColumns.contains(n)) guess = n;
  m_labelColumn->setCurrentText(guess);
  m_classSource->setCurrentIndex(m_classSource->findData(int(s.classSource)));
  m_fixedClass->setEnabled(s.classSource == ClassSource::Fixed);
  m_labelColumn->setEnabled(s.classSource == ClassSource::LabelColumn);
  if (s.classSource == ClassSource::LabelColumn) showLabelMap(s);
  // Class expressions: one row per entry and an empty one to type a new entry into.
  QSignalBlocker block(m_classExpressions);
  m_classExpressions->setRowCount(0);
  auto addExpressionRow = [this, classes](const QString& cls, const QString& expr) {
    const int r = m_classExpressions->rowCount();
    m_classExpressions->insertRow(r);
    auto* combo = new QComboBox(m_classExpressions);
    combo->addItems(classes);
    combo->setCurrentText(cls);
    m_classExpressions->setCellWidget(r, 0, combo);
    m_classExpressions->setItem(r, 1, new QTableWidgetItem(expr));
  };
  for (const auto& e : s.classExpressions) addExpressionRow(qs(e.className), qs(e.expression));
  addExpressionRow(classes.isEmpty() ? QString() : classes.last(), QString());
  m_classExpressions->setVisible(s.classSource == ClassSource::Expressions);
}

void SamplesPanel::fitLabelMapHeight() {
  // As tall as its rows, up to five (then it scrolls): the samples tree keeps the rest.
  int h = m_labelMap->horizontalHeader()->sizeHint().height() + 2 * m_labelMap->frameWidth();
  const int rows = std::clamp(m_labelMap->rowCount(), 1, 5);
  for (int r = 0; r < rows; ++r)
    h += r < m_labelMap->rowCount() ? m_labelMap->rowHeight(r)
                                    : m_labelMap->verticalHeader()->defaultSectionSize();
  m_labelMap->setFixedHeight(h);
}

void SamplesPanel::showLabelMap(const Sample& s) {
  const int generation = ++m_labelValuesGeneration;
  m_labelMap->setRowCount(0);
  const bool byLabel = s.classSource == ClassSource::LabelColumn;
  m_labelMapTitle->setVisible(byLabel);
  m_labelMap->setVisible(byLabel);
  if (!byLabel) return;
  m_labelMapTitle->setText(tr("Class of each value of label column “%1”:").arg(qs(s.labelColumn)));
  QStringList classes;
  for (const auto& c : m_session->project().analysis.classes) classes << qs(c);
  const bool hasDefault = std::any_of(s.labelMap.begin(), s.labelMap.end(),
                                      [](const LabelMapEntry& e) { return e.value == "*"; });
  // The mapping's entries at once; the values found in the column follow from a background
  // read (the file may be large), unmapped ones with an empty class to choose.
  auto addRow = [this, classes, hasDefault](const QString& value, const QString& cls) {
    const int r = m_labelMap->rowCount();
    m_labelMap->insertRow(r);
    auto* item = new QTableWidgetItem(value);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (value == "*") item->setToolTip(tr("Every value not listed"));
    m_labelMap->setItem(r, 0, item);
    auto* events = new QTableWidgetItem;
    events->setFlags(events->flags() & ~Qt::ItemIsEditable);
    events->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_labelMap->setItem(r, 2, events);
    auto* combo = new QComboBox(m_labelMap);
    if (cls.isEmpty()) {
      // Unmapped: the loader would refuse the value (or give it the "*" class).
      combo->addItem(hasDefault ? tr("(as *)") : tr("— choose a class —"), QString());
      if (!hasDefault) item->setForeground(QColor(0xb0, 0x00, 0x20));
      item->setToolTip(hasDefault ? tr("Not listed: takes the class of *")
                                  : tr("Not listed in the mapping: the sample cannot load "
                                       "until this value has a class"));
    }
    for (const QString& c : classes) combo->addItem(c, c);
    if (!cls.isEmpty() && !classes.contains(cls)) combo->addItem(cls, cls);
    combo->setCurrentIndex(cls.isEmpty() ? 0 : combo->findData(cls));
    m_labelMap->setCellWidget(r, 1, combo);
  };
  for (const auto& e : s.labelMap) addRow(qs(e.value), qs(e.className));
  fitLabelMapHeight();

  const ReaderOptions ro = s.readerOptions();
  runShort<LabelValues>(
      this, m_jobs,
      [path = m_session->project().analysis.resolvedPath(s), ro, col = s.labelColumn, generation] {
        LabelValues v = readLabelValues(path, ro, col);
        v.generation = generation;
        return v;
      },
      [this, map = s.labelMap, addRow](LabelValues v) {
        if (v.generation != m_labelValuesGeneration) return;  // another sample by now
        if (!v.error.isEmpty()) {
          m_labelMapTitle->setToolTip(v.error);
          return;
        }
        std::size_t listed = 0;  // events whose value the mapping names
        for (const auto& [value, count] : v.values) {
          int row = -1;
          for (int r = 0; r < m_labelMap->rowCount() && row < 0; ++r)
            if (sameLabel(ss(m_labelMap->item(r, 0)->text()), value)) row = r;
          if (row < 0) {
            addRow(qs(value), QString());
            row = m_labelMap->rowCount() - 1;
          } else {
            listed += count;
          }
          m_labelMap->item(row, 2)->setText(QString::number(count));
        }
        std::size_t total = 0;
        for (const auto& p : v.values) total += p.second;
        for (int r = 0; r < m_labelMap->rowCount(); ++r) {
          if (m_labelMap->item(r, 0)->text() == "*")
            m_labelMap->item(r, 2)->setText(QString::number(total - listed));
          else if (m_labelMap->item(r, 2)->text().isEmpty())
            m_labelMap->item(r, 2)->setText("0");  // mapped but absent from the file
        }
        if (v.distinct > v.values.size())
          m_labelMapTitle->setText(
              m_labelMapTitle->text() + " " +
              tr("(the first %1 of %2 distinct values)").arg(v.values.size()).arg(v.distinct));
        m_labelMap->resizeColumnToContents(0);
        fitLabelMapHeight();
        Q_EMIT labelValuesListed();
      });
}

void SamplesPanel::populate() {
  m_samples->clear();
  refreshClassLists();
  if (!m_session->hasProject()) return;
  const Analysis& a = m_session->project().analysis;
  const auto& infos = m_session->sampleInfo();
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    const Sample& s = a.samples[i];
    QString cls;
    switch (s.classSource) {
      case ClassSource::Fixed:
        cls = qs(s.className);
        break;
      case ClassSource::LabelColumn: {
        QStringList parts;
        for (const auto& e : s.labelMap) parts << qs(e.value + "→" + e.className);
        cls = tr("by %1: %2").arg(qs(s.labelColumn), parts.join(", "));
        break;
      }
      case ClassSource::Expressions:
        cls = tr("by expression");
        break;
    }
    auto* item = new QTreeWidgetItem(m_samples);
    item->setText(0, qs(s.displayName()));
    item->setToolTip(0, qs(a.resolvedPath(s)) + "\n" + tr("weight: ") + qs(s.weight));
    item->setText(1, cls);
    if (i < infos.size()) {
      const SampleInfo& info = infos[i];
      item->setText(2, QString::number(info.events));
      item->setText(3, qs(layoutName(info.layout)));
      for (const ColumnInfo& c : info.columns) {
        auto* child = new QTreeWidgetItem(item);
        child->setText(0, qs(c.name));
        child->setText(1, qs(c.type) + (c.jagged ? tr(" (jagged)") : QString()));
        child->setText(2, QString::number(c.length));
      }
    }
  }
  m_samples->collapseAll();
  if (m_samples->topLevelItemCount() > 0) m_samples->setCurrentItem(m_samples->topLevelItem(0));
}

void SamplesPanel::selectSample(int i) {
  if (i >= 0 && i < m_samples->topLevelItemCount())
    m_samples->setCurrentItem(m_samples->topLevelItem(i));
}

void SamplesPanel::showProblem(const QString& text) {
  m_samplesMessage->setText(text);
  m_samplesMessage->setVisible(!text.isEmpty());
}

}  // namespace imbw
