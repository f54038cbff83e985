#include "viz/Epsgram.h"

#include "ensemble/EnsembleQuantiles.h"
#include "run/InputError.h"
#include "viz/NiceTicks.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spreadcast {

std::string formatLatitude(double latitude)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f° %s", std::abs(latitude), latitude >= 0.0 ? "N" : "S");
    return text;
}

std::string formatLongitude(double longitude)
{
    const double east = std::remainder(longitude, 360.0);  // −180 … 180
    char text[32];
    std::snprintf(text, sizeof text, "%.1f° %s", std::abs(east), east >= 0.0 ? "E" : "W");
    return text;
}

Epsgram epsgramOf(const Plume& plume, const std::vector<std::string>& validTimes)
{
    Epsgram epsgram;
    epsgram.field = plume.field;
    epsgram.label = plume.label;
    epsgram.units = plume.units;
    epsgram.latitude = plume.latitude;
    epsgram.longitude = plume.longitude;
    epsgram.leadHours = plume.leadHours;
    for (std::size_t t = 0; t < plume.leadHours.size(); ++t) {
        const std::string valid = t < validTimes.size() ? validTimes[t] : std::string();
        epsgram.validTimes.push_back(valid.substr(0, std::min<std::size_t>(valid.size(), 16)));
        std::vector<double> values;
        for (const auto& member : plume.members) {
            values.push_back(t < member.size() ? member[t] : NAN);
        }
        const std::vector<double> result = quantiles(values, epsgramQuantiles);
        std::array<double, 7> box{};
        std::copy(result.begin(), result.end(), box.begin());
        epsgram.boxes.push_back(box);
        epsgram.counted.push_back(static_cast<int>(
            std::count_if(values.begin(), values.end(), [](double value) { return std::isfinite(value); })));
    }
    return epsgram;
}

Epsgram epsgramAt(const ForecastProducts& products, const std::string& field, double latitude, double longitude,
                  int levelIndex)
{
    return epsgramOf(plumeAt(products, field, latitude, longitude, levelIndex), products.file().validTimes());
}

void paintEpsgram(QPainter& painter, const QRect& area, const Epsgram& epsgram)
{
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics(painter.font());
    const int line = metrics.height();
    const int left = metrics.horizontalAdvance("−0000000") + line + 14;
    const QRect plot = area.adjusted(left, line * 2 + 8, -16, -(line * 3 + 12));
    const QString title =
        QString("EPSgram of %1 at %2, %3 — min, 10/25/50/75/90 %, max of %4 members")
            .arg(QString::fromStdString(epsgram.label), QString::fromStdString(formatLatitude(epsgram.latitude)),
                 QString::fromStdString(formatLongitude(epsgram.longitude)))
            .arg(epsgram.counted.empty() ? 0 : *std::max_element(epsgram.counted.begin(), epsgram.counted.end()));
    painter.setPen(Qt::black);
    painter.drawText(QRect(area.left(), area.top() + 4, area.width(), line * 2), Qt::AlignCenter, title);
    if (plot.width() < 20 || plot.height() < 20) {
        return;
    }
    double low = INFINITY;
    double high = -INFINITY;
    std::vector<std::size_t> drawn;
    for (std::size_t t = 0; t < epsgram.boxes.size(); ++t) {
        if (std::isfinite(epsgram.boxes[t][0]) && std::isfinite(epsgram.leadHours[t])) {
            low = std::min(low, epsgram.boxes[t][0]);
            high = std::max(high, epsgram.boxes[t][6]);
            drawn.push_back(t);
        }
    }
    if (drawn.empty()) {
        painter.drawText(plot, Qt::AlignCenter, "No values at this point yet");
        return;
    }
    const double pad = high > low ? 0.05 * (high - low) : std::max(1e-12, std::abs(high) * 0.01);
    low -= pad;
    high += pad;
    // One slot per time, equally wide: an EPSgram compares times, not hours.
    const double slot = static_cast<double>(plot.width()) / static_cast<double>(drawn.size());
    auto x = [&](std::size_t k) { return plot.left() + (static_cast<double>(k) + 0.5) * slot; };
    auto y = [&](double value) { return plot.bottom() - (value - low) / (high - low) * plot.height(); };

    const std::vector<double> valueTicks = niceTicks(low, high);
    painter.setPen(QColor(225, 225, 225));
    for (const double value : valueTicks) {
        painter.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)));
    }
    const double half = std::clamp(slot * 0.32, 1.5, 24.0);
    const QColor outer(166, 206, 227);
    const QColor inner(31, 120, 180);
    for (std::size_t k = 0; k < drawn.size(); ++k) {
        const std::array<double, 7>& box = epsgram.boxes[drawn[k]];
        const double centre = x(k);
        painter.setPen(QPen(Qt::black, 1.0));
        painter.drawLine(QPointF(centre, y(box[0])), QPointF(centre, y(box[6])));  // min … max
        painter.drawLine(QPointF(centre - half * 0.5, y(box[0])), QPointF(centre + half * 0.5, y(box[0])));
        painter.drawLine(QPointF(centre - half * 0.5, y(box[6])), QPointF(centre + half * 0.5, y(box[6])));
        painter.setPen(QPen(Qt::black, 0.8));
        painter.setBrush(outer);  // 10 … 90 %
        painter.drawRect(QRectF(QPointF(centre - half * 0.6, y(box[5])), QPointF(centre + half * 0.6, y(box[1]))));
        painter.setBrush(inner);  // 25 … 75 %
        painter.drawRect(QRectF(QPointF(centre - half, y(box[4])), QPointF(centre + half, y(box[2]))));
        painter.setPen(QPen(Qt::white, 2.0));  // median
        painter.drawLine(QPointF(centre - half, y(box[3])), QPointF(centre + half, y(box[3])));
    }
    painter.setBrush(Qt::NoBrush);
    painter.setPen(Qt::black);
    painter.drawRect(plot);
    for (const double value : valueTicks) {
        painter.drawText(QRectF(area.left() + line, y(value) - line / 2.0, left - line - 6, line),
                         Qt::AlignRight | Qt::AlignVCenter, QString::number(value, 'g', 6));
    }
    // The y label, turned.
    painter.save();
    painter.translate(area.left() + line * 0.5 + 2, plot.center().y());
    painter.rotate(-90.0);
    const QString yLabel = QString::fromStdString(epsgram.label) +
                           (epsgram.units.empty() ? QString() : " (" + QString::fromStdString(epsgram.units) + ")");
    painter.drawText(QRectF(-plot.height() / 2.0, -line / 2.0, plot.height(), line), Qt::AlignCenter, yLabel);
    painter.restore();
    // Valid date (MM-DD) and hour below each box, thinned to what fits.
    const int labelWidth = metrics.horizontalAdvance("00-00 00h") + 8;
    const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(labelWidth / slot)));
    for (std::size_t k = 0; k < drawn.size(); k += every) {
        const std::size_t t = drawn[k];
        const std::string& valid = epsgram.validTimes[t];
        const QString date = valid.size() >= 16
                                 ? QString::fromStdString(valid.substr(5, 5) + " " + valid.substr(11, 2) + "h")
                                 : QString();
        const QString lead = "T+" + QString::number(epsgram.leadHours[t], 'g', 6);
        painter.drawText(QRectF(x(k) - labelWidth / 2.0, plot.bottom() + 3, labelWidth, line), Qt::AlignHCenter, date);
        painter.drawText(QRectF(x(k) - labelWidth / 2.0, plot.bottom() + 3 + line, labelWidth, line), Qt::AlignHCenter,
                         lead);
    }
    const std::string& first = epsgram.validTimes[drawn.front()];
    painter.drawText(
        QRect(plot.left(), plot.bottom() + line * 2 + 6, plot.width(), line), Qt::AlignHCenter,
        first.size() >= 4
            ? QString("valid date (%1, UTC) and lead time (h)").arg(QString::fromStdString(first.substr(0, 4)))
            : QString("lead time (h)"));
}

QImage epsgramImage(const Epsgram& epsgram, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    paintEpsgram(painter, image.rect(), epsgram);
    return image;
}

std::string epsgramCsv(const Epsgram& epsgram)
{
    std::string text = "lead_hours,valid_time,members,min,p10,p25,median,p75,p90,max\n";
    char number[40];
    for (std::size_t t = 0; t < epsgram.boxes.size(); ++t) {
        std::snprintf(number, sizeof number, "%g", epsgram.leadHours[t]);
        text += std::string(number) + "," + epsgram.validTimes[t] + "," + std::to_string(epsgram.counted[t]);
        for (const double value : epsgram.boxes[t]) {
            std::snprintf(number, sizeof number, ",%.9g", value);
            text += number;
        }
        text += "\n";
    }
    return text;
}

}  // namespace spreadcast
