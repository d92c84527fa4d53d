#pragma once

#include <QStringList>
#include <QWidget>

#include "widgets/run_plot_data.h"

class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;

namespace imbw {

class ChartView;
class CutEditor;

/// The feature panel: a filterable, checkable list of columns (checked = used for training),
/// a line to define a derived feature (name = expression), and the selected feature's
/// normalised distribution per class with the cut applied.
class FeatureList : public QWidget {
  Q_OBJECT
 public:
  explicit FeatureList(QWidget* parent = nullptr);
  /// Replaces the list; `checked` are ticked.
  void setFeatures(const QStringList& names, const QStringList& checked);
  QStringList checkedFeatures() const;
  QStringList allFeatures() const;
  void setChecked(const QString& name, bool on);
  void setFilter(const QString& text);
  int visibleCount() const;
  QString currentFeature() const;
  void setCurrentFeature(const QString& name);
  /// Histograms per class of the current feature (edges + values in `test`).
  void setDistribution(const QString& feature, const QList<ClassScoreHistogram>& perClass);
  ChartView* chartView() const { return m_chart; }
  CutEditor* derivedEditor() const { return m_derivedExpr; }
  /// Shown under the derived-feature line (e.g. a duplicate name).
  void setDerivedMessage(const QString& message);

 Q_SIGNALS:
  void checkedFeaturesChanged(const QStringList& names);
  void currentFeatureChanged(const QString& name);
  void derivedFeatureRequested(const QString& name, const QString& expression);

 private:
  QLineEdit* m_filter;
  QListView* m_list;
  QStandardItemModel* m_model;
  QSortFilterProxyModel* m_proxy;
  QLineEdit* m_derivedName;
  CutEditor* m_derivedExpr;
  QPushButton* m_addDerived;
  ChartView* m_chart;
};

}  // namespace imbw
