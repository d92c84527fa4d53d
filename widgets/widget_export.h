#pragma once

#include <QSize>
#include <QString>
#include <functional>

class QImage;
class QPainter;
class QWidget;

namespace imbw {

/// Writes what `widget` paints (its paintEvent and children) at `size` (points) to `path`; the
/// format follows the suffix: .png (`dpi` pixels per inch: 144 is twice the points, for print
/// and high-dpi screens), .svg or .pdf.
/// For views that paint themselves (the α–γ heat map); charts use ChartView::exportTo. The
/// widget is resized to `size`. Returns false and fills `error` when the file cannot be
/// written or the suffix is not one of the three.
/// With `image` and a .png path, the figure is drawn into *image and not saved.
bool exportWidget(QWidget& widget, const QString& path, QSize size, QString* error = nullptr,
                  int dpi = 144, QImage* image = nullptr);

/// The same for a figure drawn by `paint` on a `size` (points) page: white paper, antialiased;
/// `title` names an SVG or PDF document. For views that paint a figure of their own size (the
/// bump-hunt view's export grows by its legend).
bool exportPainting(const std::function<void(QPainter&)>& paint, const QString& path, QSize size,
                    QString* error = nullptr, int dpi = 144, QImage* image = nullptr,
                    const QString& title = {});

}  // namespace imbw
