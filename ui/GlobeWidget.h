#pragma once

#include "viz/GlobeScene.h"

#include <QImage>
#include <QPoint>
#include <QWidget>

#include <memory>

class QAction;
class QKeyEvent;

namespace spreadcast {

class VtkOpenGLWidget;

// The globe on screen. With OpenGL it draws through VtkOpenGLWidget; without a usable context
// (remote sessions, QT_QPA_PLATFORM=offscreen) VTK renders offscreen into an image that the
// widget paints. Drag to turn the globe (the point under the mouse follows it, north stays up),
// scroll or +/- to zoom, arrow keys to turn, Home for the starting view.
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
    // Back to the starting view: north up, 30° N over the prime meridian (Home).
    void resetView();
    // The View menu's "Reset view" with its Home shortcut.
    QAction* resetViewAction() const { return resetViewAction_; }
    // What a drag of one pixel turns the globe by, in degrees of latitude (near the centre of
    // the globe on screen, a grabbed point stays under the mouse).
    double degreesPerPixel() const;
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
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void rendered(double milliseconds);
    void layoutScene();
    bool handleKey(QKeyEvent* event);

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
    QAction* resetViewAction_ = nullptr;
};

}  // namespace spreadcast
