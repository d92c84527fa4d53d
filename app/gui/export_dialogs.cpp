// The dialogs of ExportActions: each asks for a file or folder and the choices, then calls the
// export function of export_actions.cpp that the tests also call.

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/gui/core_convert.h"
#include "app/gui/export_actions.h"
#include "app/gui/main_window.h"
#include "core/project/luminosity.h"
#include "core/project/project.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/rich_text.h"

namespace imbw {

namespace {

/// Where an export is offered first: the folder of the last export, else the project's folder
/// (its plots and tables beside it), else the home folder.
QString lastDir(const MainWindow* w) {
  const QString d = QSettings().value("exportDir").toString();
  if (!d.isEmpty()) return d;
  const QString project = w->session()->path();
  return project.isEmpty() ? QDir::homePath() : QFileInfo(project).absolutePath();
}

void rememberDir(const QString& path) {
  const QFileInfo f(path);
  QSettings().setValue("exportDir", f.isDir() ? f.absoluteFilePath() : f.absolutePath());
}

/// A project's name for default file names.
QString baseName(const MainWindow* w) {
  const QString path = w->session()->path();
  return path.isEmpty() ? QStringLiteral("untitled")
                        : QFileInfo(path).completeBaseName().section('.', 0, 0);
}

}  // namespace

void ExportActions::showAllPlotsDialog() {
  QDialog dialog(m_window);
  dialog.setWindowTitle(tr("Export all plots"));
  auto* form = new QFormLayout(&dialog);
  const QStringList runs = exportedRuns();
  form->addRow(new QLabel(
      runs.isEmpty()
          ? tr("No run with results is selected or shown: only the α–γ heat maps are written.")
          : tr("Every view of %n run(s) (the selected runs, or the shown ones when none is "
               "selected) and every α–γ heat map.",
               nullptr, int(runs.size())),
      &dialog));
  auto* folder = new QLineEdit(lastDir(m_window) + "/" + baseName(m_window) + "-plots", &dialog);
  folder->setObjectName("allPlotsFolder");
  auto* browse = new QPushButton(tr("Choose…"), &dialog);
  connect(browse, &QPushButton::clicked, &dialog, [&] {
    const QString d = QFileDialog::getExistingDirectory(&dialog, tr("Folder"), folder->text());
    if (!d.isEmpty()) folder->setText(d);
  });
  auto* folderRow = new QHBoxLayout;
  folderRow->addWidget(folder, 1);
  folderRow->addWidget(browse);
  form->addRow(tr("Folder:"), folderRow);
  auto* formats = new QHBoxLayout;
  QCheckBox* png = new QCheckBox("PNG", &dialog);
  QCheckBox* svg = new QCheckBox("SVG", &dialog);
  QCheckBox* pdf = new QCheckBox("PDF", &dialog);
  png->setChecked(true);
  pdf->setChecked(true);
  for (QCheckBox* b : {png, svg, pdf}) formats->addWidget(b);
  form->addRow(tr("Formats:"), formats);
  auto* width = new QSpinBox(&dialog);
  auto* height = new QSpinBox(&dialog);
  for (QSpinBox* s : {width, height}) {
    s->setRange(200, 4000);
    s->setSuffix(tr(" pt"));
  }
  width->setValue(800);
  height->setValue(600);
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(width);
  sizeRow->addWidget(new QLabel("×", &dialog));
  sizeRow->addWidget(height);
  form->addRow(tr("Size:"), sizeRow);
  auto* dpi = new QSpinBox(&dialog);
  dpi->setRange(72, 1200);
  dpi->setValue(144);
  dpi->setToolTip(tr("PNG pixels per inch: 144 gives twice the points in pixels"));
  form->addRow(tr("PNG resolution (dpi):"), dpi);
  form->addRow(new QLabel(plotLabel().isEmpty()
                              ? tr("No label block (File ▸ Export ▸ Plot label…).")
                              : tr("With the project's label block."),
                          &dialog));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  if (dialog.exec() != QDialog::Accepted) return;
  PlotFileOptions options;
  options.formats.clear();
  if (png->isChecked()) options.formats << "png";
  if (svg->isChecked()) options.formats << "svg";
  if (pdf->isChecked()) options.formats << "pdf";
  if (options.formats.isEmpty()) {
    QMessageBox::warning(m_window, dialog.windowTitle(), tr("Choose at least one format."));
    return;
  }
  options.size = QSize(width->value(), height->value());
  options.dpi = dpi->value();
  QString error;
  const QString dir = folder->text();
  const QString title = dialog.windowTitle();
  if (!exportAllPlots(dir, options, &error)) {
    QMessageBox::warning(m_window, title, error);
    return;
  }
  rememberDir(dir + "/..");
  // The files are written in the background: say where they went, or why not, at the end.
  connect(
      this, &ExportActions::allPlotsDone, this,
      [this, dir, title](const QStringList& written, const QString& why, bool cancelled) {
        if (why.isEmpty())
          report(tr("Wrote %1 plot file(s) to %2").arg(written.size()).arg(dir));
        else if (!cancelled)
          QMessageBox::warning(m_window, title, why);
      },
      Qt::SingleShotConnection);
}

void ExportActions::showRunsTableDialog() {
  QString filter;
  const QString path = QFileDialog::getSaveFileName(
      m_window, tr("Export the runs table"),
      lastDir(m_window) + "/" + baseName(m_window) + "-runs.tex",
      tr("LaTeX table (*.tex);;CSV (*.csv);;TSV (*.tsv);;JSON (*.json);;Markdown (*.md)"), &filter);
  if (path.isEmpty()) return;
  QString error;
  if (!exportRunsTable(path, &error)) {
    QMessageBox::warning(m_window, tr("Export the runs table"), error);
    return;
  }
  rememberDir(path);
}

void ExportActions::showHeatMapDialog() {
  AlphaGammaHeatMap* map = m_window->heatMap();
  if (!map || map->alphas().isEmpty() || map->filledCells() == 0) {
    QMessageBox::information(m_window, tr("Export heat map"),
                             tr("No α–γ scan has results yet (Run a scan in the α–γ scan "
                                "panel first)."));
    return;
  }
  const QString path = QFileDialog::getSaveFileName(
      m_window, tr("Export heat map"),
      lastDir(m_window) + "/" + baseName(m_window) + "-heatmap.pdf",
      tr("PDF document (*.pdf);;PNG image (*.png);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  QString error;
  if (!map->exportTo(path, QSize(800, 600), &error)) {
    QMessageBox::warning(m_window, tr("Export heat map"), error);
    return;
  }
  rememberDir(path);
  report(tr("Wrote the heat map to %1").arg(path));
}

void ExportActions::showLabelDialog() {
  QDialog dialog(m_window);
  dialog.setWindowTitle(tr("Plot label"));
  auto* layout = new QVBoxLayout(&dialog);
  auto* help = new QLabel(
      tr("A label block drawn above every plot and in every exported file, e.g.\n"
         "  ATLAS Simulation Internal\n  √s = 13 TeV, {lumi}\n"
         "The first line is bold; _{…} and ^{…} give sub- and superscripts; {lumi} is the "
         "integrated luminosity the significance uses. It is saved in the project. Empty: no "
         "label."),
      &dialog);
  help->setWordWrap(true);
  layout->addWidget(help);
  auto* text = new QPlainTextEdit(plotLabel(), &dialog);
  text->setObjectName("plotLabelText");
  layout->addWidget(text);
  // {lumi} = the Significance tab's factor × the luminosity the event weights are normalised
  // to: one luminosity for the significance and the label (core/project/luminosity.h).
  ProjectLuminosity lumi = m_window->luminositySetting();
  auto* form = new QFormLayout;
  auto* weights = new QDoubleSpinBox(&dialog);
  weights->setObjectName("weightsLuminosity");
  weights->setRange(0, 1e6);
  weights->setDecimals(3);
  weights->setSuffix(tr(" fb⁻¹"));
  weights->setSpecialValueText(tr("not known"));
  weights->setValue(lumi.weightsInvFb.value_or(0.0));
  weights->setToolTip(
      tr("The integrated luminosity the event weights are normalised to (Σw of a class is its "
         "expected yield there)"));
  form->addRow(tr("Event weights normalised to:"), weights);
  auto* lumiText = new QLabel(&dialog);
  lumiText->setObjectName("lumiPreview");
  lumiText->setWordWrap(true);
  lumiText->setTextFormat(Qt::RichText);
  form->addRow(tr("{lumi}:"), lumiText);
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  auto update = [&] {
    lumi.weightsInvFb =
        weights->value() > 0 ? std::optional<double>(weights->value()) : std::nullopt;
    const bool uses = text->toPlainText().contains(QLatin1String(kLumiPlaceholder));
    const auto integrated = lumi.integratedInvFb();
    QString shown;
    if (integrated)
      shown = richText(qs(luminosityText(*integrated))) +
              tr(" (the Significance tab's luminosity factor %1 × %2 fb<sup>−1</sup>)")
                  .arg(lumi.factor)
                  .arg(*lumi.weightsInvFb);
    else if (uses)
      shown =
          tr("<span style='color:#b00020'>the label writes {lumi}: give the luminosity "
             "the event weights are normalised to</span>");
    else
      shown = tr("not known (give the luminosity the event weights are normalised to)");
    lumiText->setText(shown);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(integrated || !uses);
  };
  connect(text, &QPlainTextEdit::textChanged, &dialog, update);
  connect(weights, &QDoubleSpinBox::valueChanged, &dialog, update);
  update();
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  layout->addWidget(buttons);
  if (dialog.exec() != QDialog::Accepted) return;
  m_window->setLuminositySetting(lumi);
  setPlotLabel(text->toPlainText().trimmed());
}

void ExportActions::showScoresDialog(const QString& id) {
  const ProjectRun* run = m_window->session()->project().findRun(id.toStdString());
  if (!run) return;
  const QString path = QFileDialog::getSaveFileName(
      m_window, tr("Export the held-out scores of '%1'").arg(QString::fromStdString(run->name())),
      lastDir(m_window) + "/" + fileSlug(QString::fromStdString(run->name())) + "-scores.h5",
      tr("HDF5 (*.h5 *.hdf5)"));
  if (path.isEmpty()) return;
  rememberDir(path);
  exportScores(id, path);
}

void ExportActions::showModelDialog(const QString& id) {
  const ProjectRun* run = m_window->session()->project().findRun(id.toStdString());
  const auto stored = m_window->session()->stored(id.toStdString());
  if (!run || !stored) return;
  const auto formats = exportFormats(run->config.modelKind());
  const QString name = QString::fromStdString(run->name());
  if (formats.empty()) {
    QMessageBox::information(
        m_window, tr("Export fold model"),
        tr("'%1' (%2) has no model file to export: its score is an input column.")
            .arg(name, QString::fromStdString(run->config.modelKind())));
    return;
  }
  QDialog dialog(m_window);
  dialog.setWindowTitle(tr("Export the fold model of '%1'").arg(name));
  auto* form = new QFormLayout(&dialog);
  auto* fold = new QComboBox(&dialog);
  fold->addItem(tr("every fold (_fold1, _fold2, … in the name)"), -1);
  for (std::size_t k = 0; k < stored->models.size(); ++k)
    if (!stored->models[k].empty()) fold->addItem(tr("fold %1").arg(k + 1), int(k));
  form->addRow(tr("Fold:"), fold);
  auto* format = new QComboBox(&dialog);
  for (ModelFormat f : formats) {
    const QString label = f == ModelFormat::XgboostJson  ? tr("XGBoost JSON (ROOT RBDT, xgboost)")
                          : f == ModelFormat::XgboostUbj ? tr("XGBoost UBJ")
                                                         : tr("ONNX");
    format->addItem(label, int(f));
  }
  form->addRow(tr("Format:"), format);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  if (dialog.exec() != QDialog::Accepted) return;
  const auto chosen = static_cast<ModelFormat>(format->currentData().toInt());
  const QString suffix = chosen == ModelFormat::XgboostJson  ? "json"
                         : chosen == ModelFormat::XgboostUbj ? "ubj"
                                                             : "onnx";
  const QString path = QFileDialog::getSaveFileName(
      m_window, dialog.windowTitle(), lastDir(m_window) + "/" + fileSlug(name) + "." + suffix,
      tr("Model (*.%1)").arg(suffix));
  if (path.isEmpty()) return;
  rememberDir(path);
  exportModel(id, fold->currentData().toInt(), chosen, path);
}

}  // namespace imbw
