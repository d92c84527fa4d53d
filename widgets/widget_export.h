#pragma once

#include <QPicture>
#include <QSize>
#include <QString>
#include <functional>

class QImage;
class QPainter;
class QWidget;

namespace imbw {

/// A chart's title (rich text: "<br>", "<sub>", spans) as the one line of plain text a file's
/// title metadata holds: "Score distributions per class: gbdt — solid: … ". GUI thread.
QString plainDocumentTitle(const QString& title);

/// Writes a figure of `size` points, drawn by `draw` in points, to `path`; the format follows
/// the suffix: .png (`dpi` pixels per inch, said in its header: 144 is twice the points, for
/// print and high-dpi screens), .svg or .pdf (titled `title`, plain text: plainDocumentTitle).
/// White paper under the drawing.
/// Returns false and fills `error` when the file cannot be written or the suffix is not one of
/// the three. With `image` and a .png path, the figure is drawn into *image and not saved.
/// Safe on any thread when `draw` is (QPainter on QImage, QSvgGenerator and QPdfWriter are).
bool writeFigure(const std::function<void(QPainter&)>& draw, QSize size, const QString& path,
                 int dpi, const QString& title, QString* error = nullptr, QImage* image = nullptr);

/// A figure recorded on the GUI thread, to be written on any thread: the drawing commands of a
/// chart or widget laid out as exported (in points) and its size. Recording costs a traversal
/// of the drawing; rasterising a PNG at print resolution and encoding PNG, SVG and PDF — the
/// slow part — happen in writeRecordedPlot, which a window runs on a worker so that it keeps
/// answering (File ▸ Export ▸ All plots).
struct RecordedPlot {
  QPicture picture;
  QSize size;
  QString title;
};
/// Records what `draw` paints (in points) at `size`.
RecordedPlot recordFigure(const std::function<void(QPainter&)>& draw, QSize size,
                          const QString& title);
/// writeFigure of a recorded figure: the same file as drawing it there directly.
bool writeRecordedPlot(const RecordedPlot& plot, const QString& path, int dpi,
                       QString* error = nullptr);

/// Writes what `widget` paints (its paintEvent and children) at `size` (points) to `path`, as
/// writeFigure does. For views that paint themselves (the α–γ heat map); charts use
/// ChartView::exportTo. The widget is resized to `size` and painted on white paper.
bool exportWidget(QWidget& widget, const QString& path, QSize size, QString* error = nullptr,
                  int dpi = 144, QImage* image = nullptr);
/// The same figure recorded for writeRecordedPlot.
RecordedPlot recordWidget(QWidget& widget, QSize size);

}  // namespace imbw
