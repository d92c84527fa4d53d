#pragma once

#include <QWidget>

#include "core/analysis/analysis.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace imbw {

class AnalysisSession;
class CutEditor;
class JobRunner;

/// The Samples dock: the samples of the project with their columns; for the selected sample
/// how its events get a class (one class, a label column with a value → class mapping whose
/// values are listed with their counts, or class expressions) and its weight expression
/// (checked as typed); the classes (add, rename by double-click, remove) and the signal class.
/// It reads and writes only the analysis's samples, classes, signal class and weights; what
/// needs the events again is asked for with reloadRequested().
class SamplesPanel : public QWidget {
  Q_OBJECT
 public:
  SamplesPanel(AnalysisSession* session, JobRunner* jobs, QWidget* parent = nullptr);

  /// Lists the project's samples again (after a load, a new project, an added file).
  void populate();
  void refreshClassLists();
  /// The selected sample (−1: none).
  int currentSampleIndex() const;
  void selectSample(int index);
  /// A problem to show under the panel (empty: hide it).
  void showProblem(const QString& text);

  QTableWidget* labelMapTable() const { return m_labelMap; }
  QPushButton* applyButton() const { return m_applySamples; }
  QListWidget* classList() const { return m_classList; }
  QComboBox* classSourceBox() const { return m_classSource; }
  QComboBox* fixedClassBox() const { return m_fixedClass; }
  QComboBox* labelColumnBox() const { return m_labelColumn; }
  QComboBox* signalClassBox() const { return m_signalClass; }
  CutEditor* weightEditor() const { return m_weightEditor; }

 Q_SIGNALS:
  /// Samples, classes or weights changed in a way the loaded events no longer reflect.
  void reloadRequested();
  /// Only the signal class changed (the events relabel without reading the files).
  void signalClassChanged();
  /// The list of classes was shown again (added, renamed, removed, or another project).
  void classesChanged();
  /// The label map has the distinct values of the selected sample's label column.
  void labelValuesListed();

 private:
  void showSampleDetails(int index);
  void showLabelMap(const Sample& s);
  void fitLabelMapHeight();
  void applySampleEdits();
  void addClass();
  void removeClass();
  void renameClass(int row, const QString& name);

  AnalysisSession* m_session;
  JobRunner* m_jobs;
  int m_labelValuesGeneration = 0;
  QTreeWidget* m_samples = nullptr;
  QListWidget* m_classList = nullptr;
  QComboBox* m_signalClass = nullptr;
  QComboBox* m_classSource = nullptr;
  QComboBox* m_fixedClass = nullptr;
  QComboBox* m_labelColumn = nullptr;
  QTableWidget* m_classExpressions = nullptr;
  CutEditor* m_weightEditor = nullptr;
  QLabel* m_samplesMessage = nullptr;
  QTableWidget* m_labelMap = nullptr;
  QLabel* m_labelMapTitle = nullptr;
  QPushButton* m_applySamples = nullptr;
};

}  // namespace imbw
