#include "ui/GlobeWidget.h"

#include "ui/VtkOpenGLWidget.h"

#include <vtkGenericOpenGLRenderWindow.h>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>

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
        installEventFilter(this);
    }
    setAccessibleName("globe");
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
    if (view_ != nullptr) {
        scene().layout(view_->width(), view_->height());
    } else {
        scene().layout(width(), height());
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
            const RgbImage rgb = offscreen_->render(pixelWidth, pixelHeight);
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
            // A drag across the widget's height turns the globe by about its visible extent.
            const double degreesPerPixel = 120.0 / std::max(1, height()) * scene().camera().distance / 4.6;
            scene().rotate(delta.x() * degreesPerPixel, -delta.y() * degreesPerPixel);
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
