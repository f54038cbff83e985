#include "viz/MapScene.h"

#include "viz/Coastlines.h"
#include "viz/Contours.h"
#include "viz/Epsgram.h"
#include "viz/NiceTicks.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <array>
#include <cmath>

namespace spreadcast {
namespace {

const QColor background(23, 26, 33);
const QColor missing(128, 128, 128);
const QColor textColour(242, 242, 242);

// The same member colours as the globe's spaghetti (Tableau 10).
const std::array<QColor, 10> memberColours{{{31, 119, 180},
                                            {255, 127, 14},
                                            {44, 160, 44},
                                            {214, 39, 40},
                                            {148, 103, 189},
                                            {140, 86, 75},
                                            {227, 119, 194},
                                            {127, 127, 127},
                                            {188, 189, 34},
                                            {23, 190, 207}}};

// Bilinear interpolation on a latitude–longitude grid, latitudes in either order, longitudes
// increasing and evenly spaced (wrapping when global). Beyond the first and last latitude (the
// polar caps of a Gaussian grid) the nearest row is used.
class GridSampler {
public:
    GridSampler(const std::vector<double>& latitudes, const std::vector<double>& longitudes)
        : latitudes_(latitudes), longitudes_(longitudes), global_(isGlobalLongitude(longitudes))
    {
        descending_ = latitudes.size() > 1 && latitudes.front() > latitudes.back();
        step_ = longitudes.size() > 1 ? longitudes[1] - longitudes[0] : 360.0;
    }

    // Fractional row and column of a point; false off the grid.
    bool locate(double latitude, double longitude, double& row, double& column) const
    {
        const std::size_t nlat = latitudes_.size();
        const std::size_t nlon = longitudes_.size();
        if (nlat < 2 || nlon < 2) {
            return false;
        }
        double offset = longitude - longitudes_.front();
        if (global_) {
            offset = std::fmod(std::fmod(offset, 360.0) + 360.0, 360.0);
        } else {
            offset = std::remainder(offset, 360.0);
            if (offset < -0.5 * step_) {
                offset += 360.0;
            }
        }
        column = offset / step_;
        if (!global_ && (column < -0.5 || column > static_cast<double>(nlon - 1) + 0.5)) {
            return false;
        }
        // Rows: search the ascending view.
        auto at = [&](std::size_t k) { return descending_ ? latitudes_[nlat - 1 - k] : latitudes_[k]; };
        double ascending = 0.0;
        if (latitude <= at(0)) {
            ascending = 0.0;
        } else if (latitude >= at(nlat - 1)) {
            ascending = static_cast<double>(nlat - 1);
        } else {
            std::size_t lo = 0;
            std::size_t hi = nlat - 1;
            while (hi - lo > 1) {
                const std::size_t mid = (lo + hi) / 2;
                (at(mid) <= latitude ? lo : hi) = mid;
            }
            ascending = static_cast<double>(lo) + (latitude - at(lo)) / (at(hi) - at(lo));
        }
        row = descending_ ? static_cast<double>(nlat - 1) - ascending : ascending;
        return true;
    }

    float sample(const std::vector<float>& values, double latitude, double longitude) const
    {
        double row = 0.0;
        double column = 0.0;
        if (!locate(latitude, longitude, row, column)) {
            return NAN;
        }
        const std::size_t nlat = latitudes_.size();
        const std::size_t nlon = longitudes_.size();
        const auto j0 = static_cast<std::size_t>(std::clamp(std::floor(row), 0.0, static_cast<double>(nlat - 1)));
        const std::size_t j1 = std::min(j0 + 1, nlat - 1);
        const double fj = std::clamp(row - static_cast<double>(j0), 0.0, 1.0);
        double i0d = std::floor(column);
        double fi = column - i0d;
        std::size_t i0 = 0;
        std::size_t i1 = 0;
        if (global_) {
            i0 = static_cast<std::size_t>(i0d) % nlon;
            i1 = (i0 + 1) % nlon;
        } else {
            i0d = std::clamp(i0d, 0.0, static_cast<double>(nlon - 1));
            i0 = static_cast<std::size_t>(i0d);
            i1 = std::min(i0 + 1, nlon - 1);
            fi = std::clamp(column - i0d, 0.0, 1.0);
        }
        const float a = values[j0 * nlon + i0];
        const float b = values[j0 * nlon + i1];
        const float c = values[j1 * nlon + i0];
        const float d = values[j1 * nlon + i1];
        if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c) || !std::isfinite(d)) {
            // A missing corner: the nearest point's value (NaN when that one is missing).
            return values[(fj < 0.5 ? j0 : j1) * nlon + (fi < 0.5 ? i0 : i1)];
        }
        return static_cast<float>((1.0 - fj) * ((1.0 - fi) * a + fi * b) + fj * ((1.0 - fi) * c + fi * d));
    }

    bool global() const { return global_; }

private:
    const std::vector<double>& latitudes_;
    const std::vector<double>& longitudes_;
    bool global_;
    bool descending_ = false;
    double step_;
};

// One barb glyph (x east, y north, staff length 1) at a point, east and north the pixel vectors of
// the glyph's unit axes there.
void drawWindBarb(QPainter& painter, const WindBarbGlyph& glyph, QPointF at, QPointF east, QPointF north)
{
    const auto place = [&](double x, double y) { return at + x * east + y * north; };
    if (glyph.calm) {
        const double radius = calmRadius * std::hypot(east.x(), east.y());
        const QBrush brush = painter.brush();
        painter.setBrush(Qt::NoBrush);  // calm is an open circle
        painter.drawEllipse(at, radius, radius);
        painter.setBrush(brush);
        return;
    }
    for (const auto& line : glyph.lines) {
        painter.drawLine(place(line[0], line[1]), place(line[2], line[3]));
    }
    for (const auto& pennant : glyph.pennants) {
        const QPointF corners[3] = {place(pennant[0], pennant[1]), place(pennant[2], pennant[3]),
                                    place(pennant[4], pennant[5])};
        painter.drawPolygon(corners, 3);
    }
}

std::array<QRgb, 256> colourTable(ColourMapKind kind)
{
    std::array<QRgb, 256> table{};
    for (std::size_t k = 0; k < table.size(); ++k) {
        double rgb[3];
        colourAt(kind, static_cast<double>(k) / 255.0, rgb);
        table[k] = qRgb(static_cast<int>(std::lround(rgb[0] * 255.0)), static_cast<int>(std::lround(rgb[1] * 255.0)),
                        static_cast<int>(std::lround(rgb[2] * 255.0)));
    }
    if (blanksLowestBin(kind)) {
        table[0] = qRgb(255, 255, 255);
    }
    return table;
}

int fontPixels(QSizeF size)
{
    return std::clamp(static_cast<int>(std::min(size.height() / 34.0, size.width() / 50.0)), 9, 96);
}

QString formatTick(double value, const ColourLimits& limits)
{
    const double extent = std::max(std::abs(limits.low), std::abs(limits.high));
    if (extent >= 1e6 || extent < 1e-2) {
        return QString::number(value, 'e', 1);
    }
    return QString::number(value, 'g', 6);
}

}  // namespace

MapScene::MapScene()
    : projector_(MapProjection::PlateCarree, 0.0),
      region_(&mapRegionTable.front()),
      extent_(extentOf(projector_, *region_))
{
}

void MapScene::show(const GlobeContent& content)
{
    content_ = content;
}

void MapScene::setView(MapProjection projection, const MapRegion& region)
{
    region_ = &region;
    projector_ = projectorFor(projection, region);
    extent_ = extentOf(projector_, region);
}

std::string MapScene::viewLabel() const
{
    for (const MapProjectionInfo& info : mapProjectionTable) {
        if (info.projection == projector_.projection()) {
            return std::string(info.label) + " — " + std::string(region_->label);
        }
    }
    return std::string(region_->label);
}

QRectF MapScene::mapRect(const QRectF& area) const
{
    // Below the title, left of the colour bar, the extent's aspect ratio kept (plate carrée:
    // one degree of longitude as wide as one of latitude is tall).
    const double title = fontPixels(area.size()) * 2.6;
    const double bar = content_.values.empty() && content_.stampFields.empty() ? 0.0 : area.width() * 0.13;
    const QRectF free(area.left() + 6.0, area.top() + title, area.width() - bar - 12.0, area.height() - title - 6.0);
    const double aspect = (extent_.xMax - extent_.xMin) / (extent_.yMax - extent_.yMin);
    double width = free.width();
    double height = width / aspect;
    if (height > free.height()) {
        height = free.height();
        width = height * aspect;
    }
    return QRectF(free.left() + (free.width() - width) / 2.0, free.top() + (free.height() - height) / 2.0, width,
                  height);
}

std::optional<std::pair<double, double>> MapScene::pick(double x, double y, QSize size) const
{
    const QRectF target = mapRect(QRectF(0.0, 0.0, size.width(), size.height()));
    if (!content_.stampFields.empty() || !target.contains(x, y)) {
        return std::nullopt;
    }
    const double px = extent_.xMin + (x - target.left()) / target.width() * (extent_.xMax - extent_.xMin);
    const double py = extent_.yMax - (y - target.top()) / target.height() * (extent_.yMax - extent_.yMin);
    return projector_.inverse(px, py);
}

QImage MapScene::render(QSize size) const
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(background);
    QPainter painter(&image);
    paint(painter, image.rect());
    return image;
}

namespace {

// The colour bar's title along the bar, read upwards as on the globe, right of the tick labels
// (or against the right edge when they leave no room), its font made smaller until the whole title
// — field, level and units — fits the bar's length.
void paintColourBarTitle(QPainter& painter, const QString& title, double left, double right, double top, double bottom)
{
    if (title.isEmpty()) {
        return;
    }
    QFont font = painter.font();
    QFontMetricsF metrics(font);
    const double length = bottom - top;
    while (metrics.horizontalAdvance(title) > length && font.pixelSize() > 7) {
        font.setPixelSize(font.pixelSize() - 1);
        metrics = QFontMetricsF(font);
    }
    const double thickness = metrics.height();
    const double centreX = left + thickness <= right ? left + thickness / 2.0 : right - thickness / 2.0;
    painter.save();
    painter.setFont(font);
    painter.translate(centreX, (top + bottom) / 2.0);
    painter.rotate(-90.0);
    painter.drawText(QRectF(-length / 2.0, -thickness / 2.0, length, thickness), Qt::AlignCenter, title);
    painter.restore();
}

}  // namespace

void MapScene::paint(QPainter& painter, const QRect& area) const
{
    painter.fillRect(area, background);
    const QRectF whole(area);
    QFont font = painter.font();
    font.setPixelSize(fontPixels(whole.size()));
    painter.setFont(font);
    const QFontMetricsF metrics(font);

    const bool stamps = !content_.stampFields.empty();
    const QRectF target = mapRect(whole);
    if (stamps) {
        // The map area split into as square cells as fit, one small map per member.
        const QRectF free(whole.left() + 6.0, target.top(), whole.width() * 0.87 - 12.0, whole.bottom() - target.top());
        const int count = static_cast<int>(content_.stampFields.size());
        const double aspect = (extent_.xMax - extent_.xMin) / (extent_.yMax - extent_.yMin);
        int bestColumns = 1;
        double bestWidth = 0.0;
        for (int columns = 1; columns <= count; ++columns) {
            const int rows = (count + columns - 1) / columns;
            const double width = std::min(free.width() / columns, free.height() / rows * aspect);
            if (width > bestWidth) {
                bestWidth = width;
                bestColumns = columns;
            }
        }
        const double cellHeight = bestWidth / aspect;
        QFont small = font;
        small.setPixelSize(std::clamp(static_cast<int>(cellHeight / 8.0), 7, 24));
        for (int k = 0; k < count; ++k) {
            const QRectF cell(free.left() + (k % bestColumns) * bestWidth, free.top() + (k / bestColumns) * cellHeight,
                              bestWidth, cellHeight);
            const QRectF inner = cell.adjusted(2.0, 2.0, -2.0, -2.0);
            paintMap(painter, inner, content_.stampFields[static_cast<std::size_t>(k)], false);
            painter.setFont(small);
            painter.setPen(textColour);
            if (static_cast<std::size_t>(k) < content_.stampLabels.size()) {
                painter.drawText(inner.adjusted(4.0, 2.0, -4.0, -2.0), Qt::AlignLeft | Qt::AlignBottom,
                                 QString::fromStdString(content_.stampLabels[static_cast<std::size_t>(k)]));
            }
            painter.setFont(font);
        }
    } else {
        paintMap(painter, target, content_.values, true);
    }

    // Title: the product's, then the view's.
    painter.setPen(textColour);
    const QRectF titleBox(whole.left() + 4.0, whole.top() + 2.0, whole.width() - 8.0, metrics.height() * 2.4);
    painter.drawText(titleBox, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
                     QString::fromStdString(content_.title + (content_.title.empty() ? "" : " · ") + viewLabel()));

    // Colour bar, right of the map.
    if (!content_.values.empty() || stamps) {
        const double barLeft = whole.right() - whole.width() * 0.13 + 6.0;
        const double barWidth = std::max(8.0, whole.width() * 0.025);
        const double top = target.top() + metrics.height() * 2.6;
        const double bottom = std::max(top + 20.0, target.bottom() - metrics.height());
        const std::array<QRgb, 256> table = colourTable(content_.colourMap);
        const int rows = std::max(1, static_cast<int>(bottom - top));
        for (int r = 0; r < rows; ++r) {
            const double t = 1.0 - (r + 0.5) / rows;
            painter.fillRect(QRectF(barLeft, top + r, barWidth, 1.0),
                             QColor(table[static_cast<std::size_t>(std::clamp(t * 255.0, 0.0, 255.0))]));
        }
        painter.setPen(textColour);
        painter.drawRect(QRectF(barLeft, top, barWidth, bottom - top));
        const ColourLimits& limits = content_.limits;
        const double labelsLeft = barLeft + barWidth + 6.0;
        double labelsRight = labelsLeft;
        for (const double tick : niceTicks(limits.low, limits.high)) {
            const double y = bottom - (tick - limits.low) / (limits.high - limits.low) * (bottom - top);
            const QString label = formatTick(tick, limits);
            painter.drawLine(QPointF(barLeft + barWidth, y), QPointF(barLeft + barWidth + 4.0, y));
            painter.drawText(QRectF(labelsLeft, y - metrics.height() / 2.0, whole.right() - barLeft, metrics.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, label);
            labelsRight = std::max(labelsRight, labelsLeft + metrics.horizontalAdvance(label));
        }
        paintColourBarTitle(painter, QString::fromStdString(content_.colourBarTitle), labelsRight + 4.0,
                            whole.right() - 2.0, top, bottom);
    }
}

void MapScene::paintMap(QPainter& painter, const QRectF& target, const std::vector<float>& values,
                        bool decorations) const
{
    if (target.width() < 2.0 || target.height() < 2.0) {
        return;
    }
    const double xScale = target.width() / (extent_.xMax - extent_.xMin);
    const double yScale = target.height() / (extent_.yMax - extent_.yMin);
    auto toPixel = [&](double x, double y) {
        return QPointF(target.left() + (x - extent_.xMin) * xScale, target.top() + (extent_.yMax - y) * yScale);
    };
    auto project = [&](double latitude, double longitude) -> std::optional<QPointF> {
        const auto point = projector_.forward(latitude, longitude);
        if (!point) {
            return std::nullopt;
        }
        return toPixel(point->first, point->second);
    };
    // Two projected points joined by a line unless it would cross the plate carrée seam.
    const double seamJump = 180.0 * xScale;
    auto joinable = [&](const QPointF& a, const QPointF& b) {
        return projector_.projection() != MapProjection::PlateCarree || std::abs(a.x() - b.x()) < seamJump;
    };

    // The field, pixel by pixel.
    const int width = static_cast<int>(std::ceil(target.width()));
    const int height = static_cast<int>(std::ceil(target.height()));
    QImage shading(width, height, QImage::Format_RGB32);
    const GridSampler sampler(content_.latitudes, content_.longitudes);
    const std::array<QRgb, 256> table = colourTable(content_.colourMap);
    const double span = content_.limits.high - content_.limits.low;
    const QRgb ocean = qRgb(140, 158, 178);
    for (int row = 0; row < height; ++row) {
        auto* line = reinterpret_cast<QRgb*>(shading.scanLine(row));
        const double y = extent_.yMax - (row + 0.5) / yScale;
        for (int column = 0; column < width; ++column) {
            const double x = extent_.xMin + (column + 0.5) / xScale;
            const auto point = projector_.inverse(x, y);
            if (!point) {
                line[column] = background.rgb();
                continue;
            }
            if (values.empty()) {
                line[column] = ocean;
                continue;
            }
            const float value = sampler.sample(values, point->first, point->second);
            if (!std::isfinite(value)) {
                line[column] = missing.rgb();
                continue;
            }
            const double t = span > 0.0 ? (value - content_.limits.low) / span : 0.5;
            line[column] = table[static_cast<std::size_t>(std::clamp(t * 255.0 + 0.5, 0.0, 255.0))];
        }
    }
    painter.save();
    painter.setClipRect(target);
    painter.drawImage(QRectF(target.topLeft(), QSizeF(width, height)), shading);
    painter.setRenderHint(QPainter::Antialiasing);

    auto strokeLine = [&](const auto& points, const QPen& pen) {
        QPainterPath path;
        std::optional<QPointF> previous;
        for (const auto& [longitude, latitude] : points) {
            const std::optional<QPointF> here = project(latitude, longitude);
            if (here && previous && joinable(*previous, *here)) {
                path.lineTo(*here);
            } else if (here) {
                path.moveTo(*here);
            }
            previous = here;
        }
        painter.strokePath(path, pen);
    };

    // Graticule: every 30°, every 10° on a regional map.
    if (decorations) {
        const double step = region_->name == "global" ? 30.0 : 10.0;
        const QPen gridPen(QColor(220, 220, 220, 110), 0.8);
        for (double longitude = -180.0; longitude < 180.0; longitude += step) {
            std::vector<std::pair<double, double>> meridian;
            for (double latitude = -90.0; latitude <= 90.0; latitude += 1.0) {
                meridian.emplace_back(longitude, latitude);
            }
            strokeLine(meridian, gridPen);
        }
        for (double latitude = -90.0 + step; latitude < 90.0; latitude += step) {
            std::vector<std::pair<double, double>> parallel;
            for (double longitude = -180.0; longitude <= 180.0; longitude += 1.0) {
                parallel.emplace_back(longitude, latitude);
            }
            strokeLine(parallel, gridPen);
        }
    }

    const QPen coastPen(QColor(13, 13, 13), decorations ? std::max(1.0, target.width() / 900.0) : 0.7);
    for (const auto& coast : sharedCoastlines().coastlines.lines) {
        strokeLine(coast, coastPen);
    }

    if (decorations) {
        // Spaghetti: one contour per member in member colours.
        const double lineWidth = std::max(1.5, target.width() / 600.0);
        // Draws one level's contour; returns where to label it: the `place`-th fraction along the
        // segments inside the map (staggered per level so neighbouring labels do not overlap).
        auto drawContours = [&](const std::vector<float>& field, double level, const QPen& pen, double place) {
            QPainterPath path;
            std::vector<QPointF> inside;
            for (const ContourSegment& segment :
                 contourSegments(field, content_.latitudes, content_.longitudes, level)) {
                const auto a = project(segment.lat0, segment.lon0);
                const auto b = project(segment.lat1, segment.lon1);
                if (a && b && joinable(*a, *b)) {
                    path.moveTo(*a);
                    path.lineTo(*b);
                    if (target.contains(*a)) {
                        inside.push_back(*a);
                    }
                }
            }
            painter.strokePath(path, pen);
            return inside.size() >= 20
                       ? std::optional<QPointF>(
                             inside[static_cast<std::size_t>(place * static_cast<double>(inside.size() - 1))])
                       : std::nullopt;
        };
        for (std::size_t m = 0; m < content_.contourFields.size(); ++m) {
            drawContours(content_.contourFields[m], content_.contourLevel,
                         QPen(memberColours[m % memberColours.size()], lineWidth), 0.5);
        }
        // Overlay contours (the mean over the spread), black, labelled with their level.
        for (std::size_t k = 0; k < content_.lineLevels.size(); ++k) {
            const double level = content_.lineLevels[k];
            const double place = 0.1 + 0.8 * std::fmod(0.37 * static_cast<double>(k), 1.0);
            if (const auto labelAt = drawContours(content_.lineField, level, QPen(Qt::black, lineWidth * 0.8), place)) {
                const QString text = QString::number(level, 'g', 6);
                const QFontMetricsF metrics(painter.font());
                const QRectF box(labelAt->x() - metrics.horizontalAdvance(text) / 2.0 - 2.0,
                                 labelAt->y() - metrics.height() / 2.0, metrics.horizontalAdvance(text) + 4.0,
                                 metrics.height());
                painter.fillRect(box, QColor(255, 255, 255, 200));
                painter.setPen(Qt::black);
                painter.drawText(box, Qt::AlignCenter, text);
            }
        }
        // Wind arrows on a regular pixel lattice, longest arrow one lattice step; or wind barbs
        // (viz/WindBarbs.h) on a sparser one, the staff 0.7 of a step.
        if (!content_.windU.empty() && content_.windU.size() == content_.windV.size()) {
            const bool barbs = content_.windGlyph == WindGlyph::Barbs;
            const double spacing =
                barbs ? std::max(30.0, target.width() / 22.0) : std::max(18.0, target.width() / 32.0);
            struct Arrow {
                QPointF at;
                QPointF direction;  // unit, pixels
                double speed;
                QPointF east;  // unit, pixels
                QPointF north;
                double u;
                double v;
                bool south;
            };
            std::vector<Arrow> arrows;
            double fastest = 0.0;
            for (double py = target.top() + spacing / 2.0; py < target.bottom(); py += spacing) {
                for (double px = target.left() + spacing / 2.0; px < target.right(); px += spacing) {
                    const double x = extent_.xMin + (px - target.left()) / xScale;
                    const double y = extent_.yMax - (py - target.top()) / yScale;
                    const auto point = projector_.inverse(x, y);
                    if (!point) {
                        continue;
                    }
                    const auto [latitude, longitude] = *point;
                    const float u = sampler.sample(content_.windU, latitude, longitude);
                    const float v = sampler.sample(content_.windV, latitude, longitude);
                    const double speed = std::hypot(u, v);
                    if (!std::isfinite(speed) || (speed <= 0.0 && !barbs)) {
                        continue;  // a calm barb is a circle; a calm arrow nothing
                    }
                    // The local east and north directions on the map, from nearby projected points.
                    const double d = 0.05;
                    const auto here = project(latitude, longitude);
                    const auto east = project(latitude, longitude + d);
                    const auto north = project(std::min(latitude + d, 89.99), longitude);
                    if (!here || !east || !north) {
                        continue;
                    }
                    QPointF e = *east - *here;
                    QPointF n = *north - *here;
                    const double eLength = std::hypot(e.x(), e.y());
                    const double nLength = std::hypot(n.x(), n.y());
                    if (eLength <= 0.0 || nLength <= 0.0 || eLength > spacing || nLength > spacing) {
                        continue;
                    }
                    const QPointF direction =
                        speed > 0.0 ? (u * e / eLength + v * n / nLength) / speed : QPointF(1.0, 0.0);
                    arrows.push_back(
                        {QPointF(px, py), direction, speed, e / eLength, n / nLength, u, v, latitude < 0.0});
                    fastest = std::max(fastest, speed);
                }
            }
            const QPen arrowPen(Qt::black, std::max(1.0, spacing / (barbs ? 30.0 : 22.0)));
            auto drawArrow = [&](QPointF centre, QPointF direction, double length) {
                const QPointF tail = centre - direction * length / 2.0;
                const QPointF head = centre + direction * length / 2.0;
                painter.setPen(arrowPen);
                painter.drawLine(tail, head);
                const QPointF side(-direction.y(), direction.x());
                const double barb = std::min(length * 0.35, spacing * 0.25);
                painter.drawLine(head, head - direction * barb + side * barb * 0.5);
                painter.drawLine(head, head - direction * barb - side * barb * 0.5);
            };
            if (barbs) {
                const double knots = knotsPerUnit(content_.windUnits).value_or(3600.0 / 1852.0);
                painter.setPen(arrowPen);
                painter.setBrush(Qt::black);
                for (const Arrow& arrow : arrows) {
                    drawWindBarb(painter, windBarbGlyph(arrow.u, arrow.v, knots, arrow.south), arrow.at,
                                 arrow.east * (0.7 * spacing), arrow.north * (0.7 * spacing));
                }
                painter.setBrush(Qt::NoBrush);
                // The key: barbs count knots.
                const QString text = "barbs in knots: pennant 50, barb 10, half 5";
                const QFontMetricsF metrics(painter.font());
                const QRectF box(target.left() + 4.0, target.bottom() - metrics.height() - 8.0,
                                 metrics.horizontalAdvance(text) + 8.0, metrics.height() + 4.0);
                painter.fillRect(box, QColor(255, 255, 255, 210));
                painter.setPen(Qt::black);
                painter.drawText(box, Qt::AlignCenter, text);
            }
            for (const Arrow& arrow : arrows) {
                if (!barbs) {
                    drawArrow(arrow.at, arrow.direction, 0.9 * spacing * arrow.speed / fastest);
                }
            }
            if (fastest > 0.0 && !barbs) {
                // The key: the longest arrow's speed.
                const QString text =
                    QString("%1 %2").arg(fastest, 0, 'g', 3).arg(QString::fromStdString(content_.windUnits));
                const QFontMetricsF metrics(painter.font());
                const QRectF box(target.left() + 4.0, target.bottom() - metrics.height() - 8.0,
                                 spacing + metrics.horizontalAdvance(text) + 16.0, metrics.height() + 4.0);
                painter.fillRect(box, QColor(255, 255, 255, 210));
                drawArrow(QPointF(box.left() + 4.0 + spacing * 0.45, box.center().y()), QPointF(1.0, 0.0),
                          0.9 * spacing);
                painter.setPen(Qt::black);
                painter.drawText(box.adjusted(spacing + 8.0, 0.0, 0.0, 0.0), Qt::AlignLeft | Qt::AlignVCenter, text);
            }
        }
    }
    painter.restore();
    painter.setPen(QPen(textColour, 1.0));
    painter.drawRect(target);
}

std::optional<GridValue> nearestGridValue(const GlobeContent& content, const std::vector<float>& values,
                                          double latitude, double longitude)
{
    const GridSampler sampler(content.latitudes, content.longitudes);
    double row = 0.0;
    double column = 0.0;
    const std::size_t nlon = content.longitudes.size();
    if (values.empty() || values.size() != content.latitudes.size() * nlon ||
        !sampler.locate(latitude, longitude, row, column)) {
        return std::nullopt;
    }
    const auto j = static_cast<std::size_t>(std::lround(row));
    const long nearestColumn = std::lround(column);
    const std::size_t i = sampler.global()
                              ? static_cast<std::size_t>(nearestColumn) % nlon
                              : static_cast<std::size_t>(std::clamp(nearestColumn, 0L, static_cast<long>(nlon) - 1));
    return GridValue{content.latitudes[j], content.longitudes[i], values[j * nlon + i]};
}

std::string valueReadout(const GlobeContent& content, double latitude, double longitude)
{
    // "height — ensemble mean — T+24 h, valid …": the field and product, without the time.
    std::string what = content.title;
    if (const std::size_t time = what.rfind(" — T+"); time != std::string::npos) {
        what.resize(time);
    }
    const std::string where = formatLatitude(latitude) + ", " + formatLongitude(longitude);
    const auto value = nearestGridValue(content, content.values, latitude, longitude);
    if (!value) {
        return what + " · " + where;
    }
    char number[48];
    if (!std::isfinite(value->value)) {
        std::snprintf(number, sizeof number, "not written yet");
    } else {
        std::snprintf(number, sizeof number, "%.6g", static_cast<double>(value->value));
    }
    return what + " · " + where + " · " + number + (content.units.empty() ? "" : " " + content.units);
}

}  // namespace spreadcast
