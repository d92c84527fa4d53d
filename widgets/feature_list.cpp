#include "widgets/feature_list.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "widgets/chart_view.h"
#include "widgets/cut_editor.h"
#include "widgets/score_histogram_view.h"

namespace imbw {

FeatureList::FeatureList(QWidget* parent)
    : QWidget(parent),
      m_filter(new QLineEdit(this)),
      m_list(new QListView(this)),
      m_model(new QStandardItemModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_derivedName(new QLineEdit(this)),
      m_derivedExpr(new CutEditor(this)),
      m_addDerived(new QPushButton(tr("Add"), this)),
      m_chart(new ChartView(this)) {
  m_filter->setPlaceholderText(tr("Filter features…"));
  m_filter->setClearButtonEnabled(true);
  m_proxy->setSourceModel(m_model);
  m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
  m_list->setModel(m_proxy);
  m_list->setToolTip(tr("Ticked features are the model's inputs; select one to see it per class"));
  m_derivedName->setPlaceholderText(tr("name"));
  m_derivedName->setMaximumWidth(110);
  m_derivedExpr->editor()->setPlaceholderText(tr("e.g. pt_j1 / mjj"));
  // One line, as high as the name field: the dock is short and the list and plot need it.
  m_derivedExpr->editor()->setFixedHeight(m_derivedName->sizeHint().height() + 4);
  m_addDerived->setToolTip(tr("Define a derived feature from an expression over the columns"));
  m_chart->setTitle(tr("Feature distribution (after the cut)"));
  m_chart->setAxisTitles(tr("Feature value"), tr("Fraction"));
  m_chart->setMinimumHeight(200);
  // The classes at the right: their names are short, and a short dock has no room below.
  m_chart->setLegendAlignment(Qt::AlignRight);

  auto* top = new QWidget(this);
  auto* topLayout = new QVBoxLayout(top);
  topLayout->setContentsMargins(0, 0, 0, 0);
  topLayout->addWidget(m_filter);
  topLayout->addWidget(m_list, 1);
  auto* derived = new QHBoxLayout;
  derived->addWidget(new QLabel(tr("Derived:"), top));
  derived->addWidget(m_derivedName);
  derived->addWidget(new QLabel("=", top));
  derived->addWidget(m_derivedExpr, 1);
  derived->addWidget(m_addDerived, 0, Qt::AlignTop);
  topLayout->addLayout(derived);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(m_chart);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);

  connect(m_filter, &QLineEdit::textChanged, this, &FeatureList::setFilter);
  connect(m_model, &QStandardItemModel::itemChanged, this,
          [this] { Q_EMIT checkedFeaturesChanged(checkedFeatures()); });
  connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& idx) {
            if (idx.isValid()) Q_EMIT currentFeatureChanged(idx.data().toString());
          });
  connect(m_addDerived, &QPushButton::clicked, this, [this] {
    const QString name = m_derivedName->text().trimmed();
    if (name.isEmpty()) {
      setDerivedMessage(tr("Give the derived feature a name"));
      return;
    }
    if (!m_derivedExpr->isValid() || m_derivedExpr->text().trimmed().isEmpty()) return;
    Q_EMIT derivedFeatureRequested(name, m_derivedExpr->text().trimmed());
  });
}

void FeatureList::setDerivedMessage(const QString& message) {
  m_derivedName->setToolTip(message);
}

void FeatureList::setFeatures(const QStringList& names, const QStringList& checked) {
  // Items get their check state before they are appended, so no itemChanged fires here.
  const QString current = currentFeature();
  m_model->clear();
  for (const QString& n : names) {
    auto* item = new QStandardItem(n);
    item->setCheckable(true);
    item->setEditable(false);
    item->setCheckState(checked.contains(n) ? Qt::Checked : Qt::Unchecked);
    m_model->appendRow(item);
  }
  if (!current.isEmpty()) setCurrentFeature(current);
}

QStringList FeatureList::checkedFeatures() const {
  QStringList out;
  for (int r = 0; r < m_model->rowCount(); ++r)
    if (m_model->item(r)->checkState() == Qt::Checked) out << m_model->item(r)->text();
  return out;
}

QStringList FeatureList::allFeatures() const {
  QStringList out;
  for (int r = 0; r < m_model->rowCount(); ++r) out << m_model->item(r)->text();
  return out;
}

void FeatureList::setChecked(const QString& name, bool on) {
  const auto items = m_model->findItems(name);
  for (auto* it : items) it->setCheckState(on ? Qt::Checked : Qt::Unchecked);
}

void FeatureList::setFilter(const QString& text) {
  if (m_filter->text() != text) m_filter->setText(text);
  m_proxy->setFilterFixedString(text);
}

int FeatureList::visibleCount() const {
  return m_proxy->rowCount();
}

QString FeatureList::currentFeature() const {
  const QModelIndex idx = m_list->currentIndex();
  return idx.isValid() ? idx.data().toString() : QString();
}

void FeatureList::setCurrentFeature(const QString& name) {
  const auto items = m_model->findItems(name);
  if (items.isEmpty()) return;
  m_list->setCurrentIndex(m_proxy->mapFromSource(items.first()->index()));
}

void FeatureList::setDistribution(const QString& feature,
                                  const QList<ClassScoreHistogram>& perClass) {
  QStringList keep;
  const int n = static_cast<int>(perClass.size());
  int signalIndex = n - 1;
  for (int c = 0; c < n; ++c)
    if (perClass[c].className.contains("signal", Qt::CaseInsensitive)) signalIndex = c;
  for (int c = 0; c < n; ++c) {
    SeriesStyle style;
    style.color = ScoreHistogramView::classColor(c, n, signalIndex);
    const QString key = QString("class%1").arg(c);
    m_chart->setSeries(key, perClass[c].className,
                       histogramStepPoints(perClass[c].edges, perClass[c].test), style);
    keep << key;
  }
  m_chart->retainSeries(keep);
  m_chart->setTitle(tr("%1 per class (fraction per bin, after the cut)").arg(feature));
  m_chart->setAxisTitles(feature, tr("Fraction"));
}

}  // namespace imbw
