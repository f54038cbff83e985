#pragma once

#include "viz/GlobeScene.h"

#include <QImage>
#include <QPoint>
#include <QWidget>

#include <memory>

namespace spreadcast {

class VtkOpenGLWidget;

// The globe on screen. With OpenGL it draws through VtkOpenGLWidget; without a usable context
// (remote sessions, QT_QPA_PLATFORM=offscreen) VTK renders offscreen into an image that the
// widget paints. Drag to turn the globe, scroll to zoom.
class GlobeWidget : public QWidget {
    Q_OBJECT

public:
    enum class Backend { OpenGL, OffscreenImage };
    explicit GlobeWidget(Backend backend, QWidget* parent = nullptr);
    ~GlobeWidget() override;

    Backend backend() const { return backend_; }
    GlobeScene& scene();
    // Shows new content and redraws; throws std::invalid_argument like GlobeScene::show.
    void showContent(const GlobeContent& content);
    void setCamera(const GlobeCamera& camera);
    void requestRedraw();
    // Redraws and waits (running the event loop) until the render is done; false on timeout.
    bool redrawNow(int timeoutMilliseconds = 5000);
    double lastRenderMilliseconds() const { return lastRenderMilliseconds_; }

signals:
    // After each render of the scene, with its duration.
    void redrawn(double milliseconds);
    // A click (press and release without dragging) on the globe, at this point of it.
    void clicked(double latitude, double longitude);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void rendered(double milliseconds);

    Backend backend_;
    std::unique_ptr<GlobeScene> scene_;                  // OpenGL
    std::unique_ptr<OffscreenGlobeRenderer> offscreen_;  // OffscreenImage
    VtkOpenGLWidget* view_ = nullptr;
    QImage image_;
    bool imageDirty_ = true;
    QString imageProblem_;
    QPoint dragStart_;
    QPoint pressedAt_;
    bool dragging_ = false;
    double lastRenderMilliseconds_ = 0.0;
};

}  // namespace spreadcast
