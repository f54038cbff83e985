#pragma once

#include "viz/GlobeScene.h"
#include "viz/MapProjection.h"

#include <QImage>
#include <QRectF>

#include <optional>
#include <string>
#include <utility>

class QPainter;
class QRect;

namespace spreadcast {

// The globe's content on a flat map (viz/MapProjection.h), painted with QPainter: the field
// shaded pixel by pixel (each pixel's point found by the inverse projection, its value
// interpolated bilinearly between the four grid points around it, so the shading has no facets
// and no seam), coastlines, a graticule, spaghetti and overlay contours, wind arrows with a key,
// a colour bar and the title. Postage stamps are drawn as small maps side by side. No display is
// needed: the map is painted into an image, for the screen as for an export of any size.
class MapScene {
public:
    MapScene();

    void show(const GlobeContent& content);
    const GlobeContent& content() const { return content_; }
    void setView(MapProjection projection, const MapRegion& region);
    MapProjection projection() const { return projector_.projection(); }
    const MapRegion& region() const { return *region_; }
    // A title line, e.g. "plate carrée — Europe".
    std::string viewLabel() const;

    // Painting text needs a QGuiApplication (fonts).
    QImage render(QSize size) const;
    void paint(QPainter& painter, const QRect& area) const;
    // The point under a pixel of an area of this size, (latitude, longitude); nullopt off the map.
    std::optional<std::pair<double, double>> pick(double x, double y, QSize size) const;
    // Where the map lies in an area: below the title, left of the colour bar, its aspect kept.
    QRectF mapRect(const QRectF& area) const;

private:
    void paintMap(QPainter& painter, const QRectF& target, const std::vector<float>& values, bool decorations) const;

    GlobeContent content_;
    MapProjector projector_;
    const MapRegion* region_;
    MapExtent extent_;
};

// The grid value nearest to a point (the value a readout shows), its grid point and whether the
// point lies on the grid at all.
struct GridValue {
    double latitude = 0.0;  // of the grid point
    double longitude = 0.0;
    float value = 0.0f;
};
std::optional<GridValue> nearestGridValue(const GlobeContent& content, const std::vector<float>& values,
                                          double latitude, double longitude);

// The status bar's readout of a point: "height — ensemble mean · 51.5° N, 0.1° W · 5432.1 m";
// empty when the content has no field there.
std::string valueReadout(const GlobeContent& content, double latitude, double longitude);

}  // namespace spreadcast
