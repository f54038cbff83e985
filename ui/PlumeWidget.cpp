#include "ui/PlumeWidget.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace spreadcast {
namespace {

// The same member colours as the spaghetti (Tableau 10).
const QColor memberColours[] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                                {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

// About five round tick values covering [low, high].
std::vector<double> ticks(double low, double high)
{
    const double raw = (high - low) / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = factor * magnitude;
        if (step >= raw) {
            break;
        }
    }
    std::vector<double> values;
    for (double value = std::ceil(low / step) * step; value <= high + 1e-9 * step; value += step) {
        values.push_back(std::abs(value) < 1e-12 * step ? 0.0 : value);
    }
    return values;
}

}  // namespace

PlumeWidget::PlumeWidget(QWidget* parent) : QWidget(parent)
{
    setMinimumSize(320, 180);
    setObjectName("plume");
}

void PlumeWidget::setPlume(std::optional<Plume> plume)
{
    plume_ = std::move(plume);
    update();
}

QImage PlumeWidget::image(QSize size) const
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    if (plume_) {
        QPainter painter(&image);
        paint(painter, image.rect(), *plume_);
    }
    return image;
}

void PlumeWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (!plume_) {
        painter.setPen(Qt::darkGray);
        painter.drawText(rect(), Qt::AlignCenter, "Click a point on the globe for its plume");
        return;
    }
    paint(painter, rect(), *plume_);
}

void PlumeWidget::paint(QPainter& painter, const QRect& area, const Plume& plume)
{
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics(painter.font());
    const int left = metrics.horizontalAdvance("−0000000") + 12;
    const QRect plot = area.adjusted(left, metrics.height() * 2 + 6, -16, -(metrics.height() * 2 + 10));
    if (plot.width() < 20 || plot.height() < 20 || plume.leadHours.empty()) {
        return;
    }
    double low = INFINITY;
    double high = -INFINITY;
    for (const auto& member : plume.members) {
        for (const float value : member) {
            if (std::isfinite(value)) {
                low = std::min(low, static_cast<double>(value));
                high = std::max(high, static_cast<double>(value));
            }
        }
    }
    double firstHour = INFINITY;
    double lastHour = -INFINITY;
    for (const double hour : plume.leadHours) {
        if (std::isfinite(hour)) {
            firstHour = std::min(firstHour, hour);
            lastHour = std::max(lastHour, hour);
        }
    }
    if (!(low <= high) || !(firstHour <= lastHour)) {
        painter.drawText(plot, Qt::AlignCenter, "No values at this point yet");
        return;
    }
    const double pad = high > low ? 0.05 * (high - low) : std::max(1e-12, std::abs(high) * 0.01);
    low -= pad;
    high += pad;
    if (lastHour == firstHour) {
        lastHour = firstHour + 1.0;
    }
    auto x = [&](double hour) { return plot.left() + (hour - firstHour) / (lastHour - firstHour) * plot.width(); };
    auto y = [&](double value) { return plot.bottom() - (value - low) / (high - low) * plot.height(); };

    painter.setPen(QColor(225, 225, 225));
    const std::vector<double> valueTicks = ticks(low, high);
    for (const double value : valueTicks) {
        painter.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)));
    }
    const std::vector<double> hourTicks = ticks(firstHour, lastHour);
    for (const double hour : hourTicks) {
        painter.drawLine(QPointF(x(hour), plot.top()), QPointF(x(hour), plot.bottom()));
    }

    // The spread band: mean ± one standard deviation.
    QPainterPath band;
    bool started = false;
    for (std::size_t t = 0; t < plume.leadHours.size(); ++t) {
        if (std::isfinite(plume.mean[t]) && std::isfinite(plume.spread[t])) {
            const QPointF point(x(plume.leadHours[t]), y(plume.mean[t] + plume.spread[t]));
            started ? band.lineTo(point) : band.moveTo(point);
            started = true;
        }
    }
    for (std::size_t t = plume.leadHours.size(); t-- > 0;) {
        if (std::isfinite(plume.mean[t]) && std::isfinite(plume.spread[t])) {
            band.lineTo(QPointF(x(plume.leadHours[t]), y(plume.mean[t] - plume.spread[t])));
        }
    }
    painter.fillPath(band, QColor(120, 120, 120, 60));

    auto drawSeries = [&](const std::vector<float>& values, const QPen& pen) {
        QPainterPath path;
        bool open = false;
        for (std::size_t t = 0; t < values.size(); ++t) {
            if (!std::isfinite(values[t]) || !std::isfinite(plume.leadHours[t])) {
                open = false;
                continue;
            }
            const QPointF point(x(plume.leadHours[t]), y(values[t]));
            open ? path.lineTo(point) : path.moveTo(point);
            open = true;
        }
        painter.strokePath(path, pen);
    };
    for (std::size_t m = 0; m < plume.members.size(); ++m) {
        QColor colour = memberColours[m % std::size(memberColours)];
        colour.setAlpha(170);
        drawSeries(plume.members[m], QPen(colour, 1.2));
    }
    drawSeries(plume.mean, QPen(Qt::black, 2.6));

    painter.setPen(Qt::black);
    painter.drawRect(plot);
    for (const double value : valueTicks) {
        const QString text = QString::number(value, 'g', 6);
        painter.drawText(QRectF(area.left(), y(value) - metrics.height() / 2.0, left - 6, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, text);
    }
    for (const double hour : hourTicks) {
        painter.drawText(QRectF(x(hour) - 40, plot.bottom() + 3, 80, metrics.height()), Qt::AlignHCenter,
                         QString::number(hour, 'g', 6));
    }
    painter.drawText(QRect(plot.left(), plot.bottom() + metrics.height() + 4, plot.width(), metrics.height()),
                     Qt::AlignHCenter, "lead time (h)");
    const QString title = QString("%1 (%2) at %3° %4, %5° E — %6 members, mean black, ±1 spread grey")
                              .arg(QString::fromStdString(plume.label), QString::fromStdString(plume.units))
                              .arg(std::abs(plume.latitude), 0, 'f', 1)
                              .arg(plume.latitude >= 0.0 ? "N" : "S")
                              .arg(plume.longitude, 0, 'f', 1)
                              .arg(plume.members.size());
    painter.drawText(QRect(area.left(), area.top() + 4, area.width(), metrics.height() * 2), Qt::AlignCenter, title);
}

}  // namespace spreadcast
