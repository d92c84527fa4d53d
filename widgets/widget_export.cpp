#include "widgets/widget_export.h"

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWidget>
#include <algorithm>
#include <cmath>

namespace imbw {

bool exportPainting(const std::function<void(QPainter&)>& paint, const QString& path, QSize size,
                    QString* error, int dpi, QImage* imageOut, const QString& title) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == "png") {
    const double scale = std::max(dpi, 1) / 72.0;
    QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32);
    image.setDevicePixelRatio(scale);
    image.setDotsPerMeterX(static_cast<int>(std::lround(dpi / 0.0254)));
    image.setDotsPerMeterY(static_cast<int>(std::lround(dpi / 0.0254)));
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    paint(painter);
    painter.end();
    if (imageOut) {
      *imageOut = std::move(image);
      return true;
    }
    if (!image.save(path, "PNG")) return fail(QObject::tr("cannot write %1").arg(path));
    return true;
  }
  if (suffix == "svg") {
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    if (!title.isEmpty()) generator.setTitle(title);
    QPainter painter;
    if (!painter.begin(&generator)) return fail(QObject::tr("cannot write %1").arg(path));
    painter.setRenderHint(QPainter::Antialiasing);
    paint(painter);
    painter.end();
    if (QFileInfo(path).size() == 0) return fail(QObject::tr("cannot write %1").arg(path));
    return true;
  }
  if (suffix != "pdf")
    return fail(QObject::tr("unknown export format '%1' (use .png, .svg or .pdf)").arg(suffix));
  QPdfWriter writer(path);
  writer.setResolution(96);
  writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
  writer.setPageMargins(QMarginsF(0, 0, 0, 0));
  if (!title.isEmpty()) writer.setTitle(title);
  QPainter painter;
  if (!painter.begin(&writer)) return fail(QObject::tr("cannot write %1").arg(path));
  painter.setRenderHint(QPainter::Antialiasing);
  const QRect page = painter.viewport();
  painter.scale(double(page.width()) / size.width(), double(page.height()) / size.height());
  paint(painter);
  painter.end();
  return true;
}

bool exportWidget(QWidget& widget, const QString& path, QSize size, QString* error, int dpi,
                  QImage* imageOut) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != "png" && suffix != "svg" && suffix != "pdf") {
    if (error)
      *error = QObject::tr("unknown export format '%1' (use .png, .svg or .pdf)").arg(suffix);
    return false;
  }
  widget.resize(size);
  // White paper whatever the desktop's palette: exported figures go into documents.
  QPalette paper = widget.palette();
  const QPalette original = paper;
  paper.setColor(QPalette::Base, Qt::white);
  paper.setColor(QPalette::Window, Qt::white);
  paper.setColor(QPalette::Text, Qt::black);
  paper.setColor(QPalette::WindowText, Qt::black);
  widget.setPalette(paper);
  struct Restore {
    QWidget& w;
    QPalette p;
    ~Restore() { w.setPalette(p); }
  } restore{widget, original};
  return exportPainting(
      [&widget](QPainter& painter) {
        widget.render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
      },
      path, size, error, dpi, imageOut);
}

}  // namespace imbw
