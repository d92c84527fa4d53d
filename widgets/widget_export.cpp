#include "widgets/widget_export.h"

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QTextDocumentFragment>
#include <QWidget>
#include <algorithm>
#include <cmath>

namespace imbw {

QString plainDocumentTitle(const QString& title) {
  if (!title.contains('<')) return title;
  QString text = QTextDocumentFragment::fromHtml(title).toPlainText();
  text.replace(QChar(QChar::LineSeparator), QStringLiteral(" — "));
  text.replace(QChar('\n'), QStringLiteral(" — "));
  return text.simplified();
}

bool writeFigure(const std::function<void(QPainter&)>& draw, QSize size, const QString& path,
                 int dpi, const QString& title, QString* error, QImage* imageOut) {
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
    draw(painter);
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
    // QSvgGenerator writes the title into <title> as it is (Qt 6.4): escaped here, or a '<' or
    // '&' in it makes the file invalid XML.
    generator.setTitle(title.toHtmlEscaped());
    QPainter painter;
    if (!painter.begin(&generator)) return fail(QObject::tr("cannot write %1").arg(path));
    painter.setRenderHint(QPainter::Antialiasing);
    draw(painter);
    painter.end();
    if (QFileInfo(path).size() == 0) return fail(QObject::tr("cannot write %1").arg(path));
    return true;
  }
  if (suffix == "pdf") {
    QPdfWriter writer(path);
    writer.setResolution(96);
    writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setTitle(title);
    QPainter painter;
    if (!painter.begin(&writer)) return fail(QObject::tr("cannot write %1").arg(path));
    painter.setRenderHint(QPainter::Antialiasing);
    const QRect page = painter.viewport();
    painter.scale(double(page.width()) / size.width(), double(page.height()) / size.height());
    draw(painter);
    painter.end();
    return true;
  }
  return fail(QObject::tr("unknown export format '%1' (use .png, .svg or .pdf)").arg(suffix));
}

RecordedPlot recordFigure(const std::function<void(QPainter&)>& draw, QSize size,
                          const QString& title) {
  RecordedPlot plot{QPicture(), size, title};
  QPainter painter(&plot.picture);
  painter.setRenderHint(QPainter::Antialiasing);  // as writeFigure's PNG painter
  draw(painter);
  painter.end();
  return plot;
}

bool writeRecordedPlot(const RecordedPlot& plot, const QString& path, int dpi, QString* error) {
  return writeFigure(
      [&](QPainter& p) {
        // A picture plays scaled by the target's resolution over its own (QPicture keeps
        // sizes in the recording device's units): undone, so a point stays a point.
        const QPaintDevice* target = p.device();
        p.scale(double(plot.picture.logicalDpiX()) / target->logicalDpiX(),
                double(plot.picture.logicalDpiY()) / target->logicalDpiY());
        p.drawPicture(0, 0, plot.picture);
      },
      plot.size, path, dpi, plot.title, error);
}

namespace {

/// The widget at the figure's size on white paper whatever the desktop's palette (exported
/// figures go into documents); its palette comes back afterwards.
struct PaperLayout {
  QWidget& widget;
  QPalette original;
  PaperLayout(QWidget& w, QSize size) : widget(w), original(w.palette()) {
    widget.resize(size);
    QPalette paper = original;
    paper.setColor(QPalette::Base, Qt::white);
    paper.setColor(QPalette::Window, Qt::white);
    paper.setColor(QPalette::Text, Qt::black);
    paper.setColor(QPalette::WindowText, Qt::black);
    widget.setPalette(paper);
  }
  ~PaperLayout() { widget.setPalette(original); }
  void draw(QPainter& p) const { widget.render(&p, QPoint(), QRegion(), QWidget::DrawChildren); }
};

}  // namespace

bool exportWidget(QWidget& widget, const QString& path, QSize size, QString* error, int dpi,
                  QImage* imageOut) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != "png" && suffix != "svg" && suffix != "pdf") {
    if (error)
      *error = QObject::tr("unknown export format '%1' (use .png, .svg or .pdf)").arg(suffix);
    return false;
  }
  const PaperLayout paper(widget, size);
  return writeFigure([&](QPainter& p) { paper.draw(p); }, size, path, dpi, QString(), error,
                     imageOut);
}

RecordedPlot recordWidget(QWidget& widget, QSize size) {
  const PaperLayout paper(widget, size);
  return recordFigure([&](QPainter& p) { paper.draw(p); }, size, QString());
}

}  // namespace imbw
