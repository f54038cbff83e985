#include "ui/EpsgramWidget.h"

#include <QPainter>

namespace spreadcast {

EpsgramWidget::EpsgramWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName("epsgram");
    setMinimumSize(240, 120);  // as small as the plume it is tabbed with: small screens (1024 px) keep their layout
}

void EpsgramWidget::setEpsgram(std::optional<Epsgram> epsgram)
{
    epsgram_ = std::move(epsgram);
    update();
}

QImage EpsgramWidget::image(QSize size) const
{
    if (!epsgram_) {
        QImage blank(size, QImage::Format_RGB32);
        blank.fill(Qt::white);
        return blank;
    }
    return epsgramImage(*epsgram_, size);
}

void EpsgramWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (!epsgram_) {
        painter.setPen(Qt::darkGray);
        painter.drawText(rect(), Qt::AlignCenter, "Click a point on the globe or map, or type one, for its EPSgram");
        return;
    }
    paintEpsgram(painter, rect(), *epsgram_);
}

}  // namespace spreadcast
