#pragma once

#include "viz/MapScene.h"

#include <QImage>
#include <QWidget>

class QCheckBox;
class QComboBox;

namespace spreadcast {

// The map view beside the globe: the globe's product on a flat map (plate carrée or a polar
// stereographic map) with zoom presets, and whether wind arrows are drawn over it. The map is
// painted into an image (viz/MapScene.h), redrawn when the content, view or size changes.
class MapWidget : public QWidget {
    Q_OBJECT

public:
    explicit MapWidget(QWidget* parent = nullptr);

    MapScene& scene() { return scene_; }
    void showContent(const GlobeContent& content);
    // Chooses the projection and zoom preset, as the combo boxes would.
    void setView(MapProjection projection, const std::string& regionName);
    bool windArrows() const;
    // The map as it is on screen, drawn at any size for export.
    QImage image(QSize size) const { return scene_.render(size); }
    // The image on screen (for tests).
    const QImage& shown() const { return image_; }

    QComboBox* projectionBox() const { return projection_; }
    QComboBox* regionBox() const { return region_; }
    QCheckBox* windBox() const { return wind_; }

signals:
    // A click on the map, at this point of the globe.
    void clicked(double latitude, double longitude);
    // The value under the mouse, for the status bar; empty off the map.
    void readout(const QString& text);
    // The wind arrows were switched on or off: the product must be fetched again.
    void windArrowsChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void viewChanged();
    void redraw();

    MapScene scene_;
    QComboBox* projection_ = nullptr;
    QComboBox* region_ = nullptr;
    QCheckBox* wind_ = nullptr;
    QWidget* canvas_ = nullptr;
    QImage image_;
};

}  // namespace spreadcast
