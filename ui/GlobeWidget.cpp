#include "ui/GlobeWidget.h"

#include "ui/VtkOpenGLWidget.h"

#include <vtkGenericOpenGLRenderWindow.h>

#include <QAction>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace spreadcast {

GlobeWidget::GlobeWidget(Backend backend, QWidget* parent) : QWidget(parent), backend_(backend)
{
    setMinimumSize(240, 180);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (backend_ == Backend::OpenGL) {
        scene_ = std::make_unique<GlobeScene>();
        view_ = new VtkOpenGLWidget(scene_->renderer(), this);
        scene_->attach(view_->renderWindow());
        view_->onRendered = [this](double milliseconds) { rendered(milliseconds); };
        view_->installEventFilter(this);
        layout->addWidget(view_);
    } else {
        offscreen_ = std::make_unique<OffscreenGlobeRenderer>();
        setAttribute(Qt::WA_OpaquePaintEvent);
        setFocusPolicy(Qt::StrongFocus);
        installEventFilter(this);
    }
    setAccessibleName("globe");
    resetViewAction_ = new QAction("&Reset view (north up)", this);
    resetViewAction_->setObjectName("resetView");
    resetViewAction_->setShortcut(Qt::Key_Home);
    resetViewAction_->setToolTip("The starting view: north up, 30° N over the prime meridian");
    connect(resetViewAction_, &QAction::triggered, this, &GlobeWidget::resetView);
}

void GlobeWidget::resetView()
{
    setCamera(GlobeCamera{});
}

double GlobeWidget::degreesPerPixel() const
{
    // In perspective the globe's middle is nearer the eye than its outline: a surface point at
    // angle α from the centre of the view lies sin α / (d − cos α) · f from the centre on screen,
    // with f = r √(d² − 1) for an outline of r pixels at d globe radii. Near α = 0 a radian is
    // r √(d² − 1) / (d − 1) pixels.
    GlobeScene& shown = const_cast<GlobeWidget*>(this)->scene();
    const double distance = shown.camera().distance;
    const double outline = shown.globeRadiusPixels() / devicePixelRatioF();
    const double pixelsPerRadian = outline * std::sqrt(distance * distance - 1.0) / (distance - 1.0);
    return 180.0 / std::numbers::pi / std::max(1.0, pixelsPerRadian);
}

void GlobeWidget::layoutScene()
{
    const QWidget* surface = view_ != nullptr ? static_cast<QWidget*>(view_) : this;
    const double ratio = devicePixelRatioF();
    scene().layout(static_cast<int>(surface->width() * ratio), static_cast<int>(surface->height() * ratio), ratio);
}

void GlobeWidget::keyPressEvent(QKeyEvent* event)
{
    if (!handleKey(event)) {
        QWidget::keyPressEvent(event);
    }
}

bool GlobeWidget::handleKey(QKeyEvent* event)
{
    constexpr double stepDegrees = 10.0;
    switch (event->key()) {
    case Qt::Key_Left: scene().rotate(stepDegrees, 0.0); break;
    case Qt::Key_Right: scene().rotate(-stepDegrees, 0.0); break;
    // The arrows move the view: Up looks further north, Left further west.
    case Qt::Key_Up: scene().rotate(0.0, -stepDegrees); break;
    case Qt::Key_Down: scene().rotate(0.0, stepDegrees); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: scene().zoom(1.25); break;
    case Qt::Key_Minus: scene().zoom(1.0 / 1.25); break;
    case Qt::Key_Home: resetView(); return true;
    default: return false;
    }
    requestRedraw();
    return true;
}

GlobeWidget::~GlobeWidget()
{
    // The OpenGL view holds the scene's renderers: it goes before the scene does.
    if (scene_) {
        scene_->attach(nullptr);
    }
    delete view_;
    view_ = nullptr;
}

GlobeScene& GlobeWidget::scene()
{
    return scene_ ? *scene_ : offscreen_->scene();
}

void GlobeWidget::showContent(const GlobeContent& content)
{
    scene().show(content);
    requestRedraw();
}

void GlobeWidget::setCamera(const GlobeCamera& camera)
{
    scene().setCamera(camera);
    requestRedraw();
}

void GlobeWidget::requestRedraw()
{
    if (view_ != nullptr) {
        view_->markDirty();
    } else {
        imageDirty_ = true;
        update();
    }
}

bool GlobeWidget::redrawNow(int timeoutMilliseconds)
{
    // A QOpenGLWidget paints when the window's backing store flushes, not inside repaint(): wait
    // for the render to be reported.
    QEventLoop loop;
    bool drawn = false;
    const auto connection = connect(this, &GlobeWidget::redrawn, &loop, [&] {
        drawn = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMilliseconds, &loop, &QEventLoop::quit);
    requestRedraw();
    if (!drawn) {
        loop.exec();
    }
    disconnect(connection);
    return drawn;
}

void GlobeWidget::rendered(double milliseconds)
{
    lastRenderMilliseconds_ = milliseconds;
    emit redrawn(milliseconds);
}

void GlobeWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // In device pixels, so text keeps its size on a scaled screen (QT_SCALE_FACTOR, HiDPI).
    layoutScene();
    if (view_ == nullptr) {
        imageDirty_ = true;
    }
}

void GlobeWidget::paintEvent(QPaintEvent* event)
{
    if (view_ != nullptr) {
        QWidget::paintEvent(event);
        return;
    }
    QPainter painter(this);
    if (imageDirty_) {
        const double ratio = devicePixelRatioF();
        const int pixelWidth = std::max(16, static_cast<int>(width() * ratio));
        const int pixelHeight = std::max(16, static_cast<int>(height() * ratio));
        QElapsedTimer timer;
        timer.start();
        try {
            const RgbImage rgb = offscreen_->render(pixelWidth, pixelHeight, ratio);
            image_ = QImage(rgb.rgb.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888)
                         .mirrored(false, true);
            image_.setDevicePixelRatio(ratio);
            imageProblem_.clear();
        } catch (const std::exception& error) {
            image_ = QImage();
            imageProblem_ = QString::fromStdString(error.what());
        }
        imageDirty_ = false;
        rendered(static_cast<double>(timer.nsecsElapsed()) * 1e-6);
    }
    if (image_.isNull()) {
        painter.fillRect(rect(), QColor(23, 26, 33));
        painter.setPen(Qt::white);
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, imageProblem_);
    } else {
        painter.drawImage(QPoint(0, 0), image_);
    }
}

bool GlobeWidget::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::LeftButton) {
            dragging_ = true;
            dragStart_ = mouse->position().toPoint();
            pressedAt_ = dragStart_;
            return true;
        }
        break;
    }
    case QEvent::MouseMove: {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (dragging_) {
            const QPoint delta = mouse->position().toPoint() - dragStart_;
            dragStart_ = mouse->position().toPoint();
            // The grabbed point follows the mouse: up and down by the globe's radius on screen, and
            // sideways about the polar axis by the radius of the parallel at the centre of the view
            // (bounded near the poles, where that radius goes to nothing).
            const double perPixel = degreesPerPixel();
            const double parallel = std::max(0.25, std::cos(scene().camera().latitude * std::numbers::pi / 180.0));
            scene().rotate(delta.x() * perPixel / parallel, -delta.y() * perPixel);
            requestRedraw();
            return true;
        }
        break;
    }
    case QEvent::MouseButtonRelease: {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (dragging_ && mouse->button() == Qt::LeftButton &&
            (mouse->position().toPoint() - pressedAt_).manhattanLength() <= 3) {
            const QWidget* surface = view_ != nullptr ? static_cast<QWidget*>(view_) : this;
            const double ratio = devicePixelRatioF();
            const QPoint at = mouse->position().toPoint();
            if (const auto point = scene().pick(static_cast<int>(at.x() * ratio), static_cast<int>(at.y() * ratio),
                                                static_cast<int>(surface->width() * ratio),
                                                static_cast<int>(surface->height() * ratio))) {
                emit clicked(point->first, point->second);
            }
        }
        dragging_ = false;
        break;
    }
    case QEvent::Resize:
        // The OpenGL view gets its new size after this widget's resizeEvent: lay the scene out
        // for the size it will be drawn at (text and colour bar are placed in pixels).
        if (watched == view_) {
            layoutScene();
        }
        break;
    case QEvent::KeyPress:
        if (handleKey(static_cast<QKeyEvent*>(event))) {
            return true;
        }
        break;
    case QEvent::Wheel: {
        const auto* wheel = static_cast<QWheelEvent*>(event);
        scene().zoom(std::pow(1.1, wheel->angleDelta().y() / 120.0));
        requestRedraw();
        return true;
    }
    default: break;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace spreadcast
