#include "ui/MapWidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>

namespace spreadcast {

MapWidget::MapWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName("mapView");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    projection_ = new QComboBox;
    projection_->setObjectName("mapProjection");
    for (const MapProjectionInfo& info : mapProjectionTable) {
        projection_->addItem(QString::fromUtf8(info.label.data(), static_cast<qsizetype>(info.label.size())),
                             QString::fromUtf8(info.name.data(), static_cast<qsizetype>(info.name.size())));
    }
    region_ = new QComboBox;
    region_->setObjectName("mapRegion");
    for (const MapRegion& region : mapRegionTable) {
        region_->addItem(QString::fromUtf8(region.label.data(), static_cast<qsizetype>(region.label.size())),
                         QString::fromUtf8(region.name.data(), static_cast<qsizetype>(region.name.size())));
    }
    wind_ = new QCheckBox("Wind arrows");
    wind_->setObjectName("mapWind");
    wind_->setToolTip("Arrows of u and v over the product (also on the globe): the member's wind for member "
                      "products, otherwise the ensemble mean wind");
    controls->addWidget(projection_);
    controls->addWidget(region_);
    controls->addWidget(wind_);
    controls->addStretch(1);
    layout->addLayout(controls);
    canvas_ = new QWidget;
    canvas_->setObjectName("mapCanvas");
    canvas_->setMinimumSize(240, 160);
    canvas_->setMouseTracking(true);
    canvas_->installEventFilter(this);
    layout->addWidget(canvas_, 1);
    connect(projection_, &QComboBox::currentIndexChanged, this, &MapWidget::viewChanged);
    connect(region_, &QComboBox::currentIndexChanged, this, &MapWidget::viewChanged);
    connect(wind_, &QCheckBox::toggled, this, &MapWidget::windArrowsChanged);
}

void MapWidget::showContent(const GlobeContent& content)
{
    scene_.show(content);
    redraw();
}

void MapWidget::setView(MapProjection projection, const std::string& regionName)
{
    projection_->setCurrentIndex(projection_->findData(QString::fromUtf8(mapProjectionName(projection).data())));
    region_->setCurrentIndex(region_->findData(QString::fromStdString(regionName)));
    viewChanged();
}

bool MapWidget::windArrows() const
{
    return wind_->isChecked();
}

void MapWidget::viewChanged()
{
    const std::optional<MapProjection> projection =
        parseMapProjection(projection_->currentData().toString().toStdString());
    const MapRegion* region = findMapRegion(region_->currentData().toString().toStdString());
    if (projection && region != nullptr) {
        scene_.setView(*projection, *region);
        redraw();
    }
}

void MapWidget::redraw()
{
    const qreal ratio = devicePixelRatioF();
    const QSize size = canvas_->size() * ratio;
    if (size.width() < 16 || size.height() < 16) {
        return;
    }
    image_ = scene_.render(size);
    image_.setDevicePixelRatio(ratio);
    canvas_->update();
}

bool MapWidget::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != canvas_) {
        return QWidget::eventFilter(watched, event);
    }
    const qreal ratio = devicePixelRatioF();
    const QSize size = canvas_->size() * ratio;
    switch (event->type()) {
    case QEvent::Paint: {
        QPainter painter(canvas_);
        if (image_.isNull()) {
            painter.fillRect(canvas_->rect(), QColor(23, 26, 33));
        } else {
            painter.drawImage(QPointF(0.0, 0.0), image_);
        }
        return true;
    }
    case QEvent::Resize: redraw(); break;
    case QEvent::MouseMove: {
        const QPointF at = static_cast<QMouseEvent*>(event)->position() * ratio;
        const auto point = scene_.pick(at.x(), at.y(), size);
        emit readout(point ? QString::fromStdString(valueReadout(scene_.content(), point->first, point->second))
                           : QString());
        break;
    }
    case QEvent::Leave: emit readout(QString()); break;
    case QEvent::MouseButtonRelease: {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::LeftButton) {
            const QPointF at = mouse->position() * ratio;
            if (const auto point = scene_.pick(at.x(), at.y(), size)) {
                emit clicked(point->first, point->second);
            }
        }
        break;
    }
    default: break;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace spreadcast
