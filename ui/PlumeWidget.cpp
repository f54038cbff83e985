#include "ui/PlumeWidget.h"

#include "viz/TextFormat.h"

#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <optional>

namespace spreadcast {
namespace {

// The same member colours as the spaghetti (Tableau 10).
const QColor memberColours[] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                                {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

// The time the globe shows, across the plume.
const QColor currentTimeColour(192, 57, 43);

}  // namespace

PlumeWidget::PlumeWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName("plume");
}

QSize PlumeWidget::sizeHint() const
{
    return {560, 260};
}

QSize PlumeWidget::minimumSizeHint() const
{
    // Small when empty: an empty plume dock should not take room from the globe.
    return plume_ ? QSize(320, 180) : QSize(200, 40);
}

void PlumeWidget::setPlume(std::optional<Plume> plume)
{
    plume_ = std::move(plume);
    updateGeometry();
    update();
}

void PlumeWidget::setCurrentTimeIndex(int index)
{
    currentTimeIndex_ = index;
    update();
}

QImage PlumeWidget::image(QSize size) const
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    if (plume_) {
        QPainter painter(&image);
        paint(painter, image.rect(), *plume_, currentTimeIndex_);
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
    paint(painter, rect(), *plume_, currentTimeIndex_);
}

std::vector<PlumeWidget::TimeTick> PlumeWidget::timeTicks(const Plume& plume, double firstHour, double lastHour)
{
    // The valid time of lead 0 as a date, where the calendar is the everyday one.
    const bool gregorian = plume.calendar.empty() || plume.calendar == "standard" || plume.calendar == "gregorian" ||
                           plume.calendar == "proleptic_gregorian";
    std::optional<QDateTime> start;
    for (std::size_t t = 0; t < plume.leadHours.size() && t < plume.validTimes.size() && gregorian; ++t) {
        const QDateTime valid =
            QDateTime::fromString(QString::fromStdString(plume.validTimes[t]).left(19), "yyyy-MM-dd HH:mm:ss");
        if (valid.isValid() && std::isfinite(plume.leadHours[t])) {
            const QDateTime utc(valid.date(), valid.time(), Qt::UTC);
            start = utc.addSecs(-static_cast<qint64>(std::llround(plume.leadHours[t] * 3600.0)));
            break;
        }
    }
    const double span = lastHour - firstHour;
    // A tick a day, every few days on long forecasts, every 6 h on short ones: at most about 10.
    double step = 24.0;
    for (const double days : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0}) {
        step = 24.0 * days;
        if (span / step <= 10.0) {
            break;
        }
    }
    if (span < 24.0) {
        step = 6.0;
    }
    // The lead hour of the first midnight UTC (or the first whole step of lead without dates).
    double offset = 0.0;
    if (start) {
        const QTime clock = start->time();
        offset = -(clock.hour() + clock.minute() / 60.0);
    }
    std::vector<TimeTick> ticks;
    const double first = offset + std::ceil((firstHour - offset) / step - 1e-9) * step;
    for (double hour = first; hour <= lastHour + 1e-9; hour += step) {
        const QString lead = QString("%1%2 h").arg(hour < 0 ? "−" : "+").arg(std::abs(hour), 0, 'f', 0);
        QString text = lead;
        if (start) {
            const QDateTime valid = start->addSecs(static_cast<qint64>(std::llround(hour * 3600.0)));
            text = QLocale::c().toString(valid, step < 24.0 ? "ddd HH'Z'" : "ddd dd MMM") + "\n" + lead;
        }
        ticks.push_back({hour, text});
    }
    return ticks;
}

QString PlumeWidget::titleText(const Plume& plume)
{
    int drawn = 0;
    for (const auto& member : plume.members) {
        drawn += std::any_of(member.begin(), member.end(), [](float value) { return std::isfinite(value); }) ? 1 : 0;
    }
    QString title = QString("%1 at %2 — %3 members")
                        .arg(QString::fromStdString(plume.label), QString::fromStdString(plumePlace(plume)))
                        .arg(drawn);
    if (!plume.baseTime.empty()) {
        title += QString(", base %1 UTC").arg(QString::fromStdString(plume.baseTime).left(16));
    }
    return title;
}

QString PlumeWidget::valueAxisText(const Plume& plume)
{
    return QString::fromStdString(plume.label) +
           (plume.units.empty() ? QString() : " (" + QString::fromStdString(displayUnits(plume.units)) + ")");
}

QStringList PlumeWidget::legendEntries(const Plume& plume)
{
    QStringList entries;
    const std::size_t colours = std::min(plume.members.size(), std::size(memberColours));
    for (std::size_t c = 0; c < colours; ++c) {
        QStringList members;
        for (std::size_t m = c; m < plume.members.size(); m += std::size(memberColours)) {
            members << QString::number(m < plume.memberNumbers.size() ? plume.memberNumbers[m] : static_cast<int>(m));
        }
        QString text = "member " + members.join(", ");
        if (text.size() > 22) {
            text = text.left(20) + "…";
        }
        entries << text;
    }
    entries << "ensemble mean"
            << "mean ± 1 spread";
    return entries;
}

void PlumeWidget::paint(QPainter& painter, const QRect& area, const Plume& plume, int currentTimeIndex)
{
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics(painter.font());
    const int line = metrics.height();
    const QStringList legend = legendEntries(plume);
    int legendWidth = 0;
    for (const QString& entry : legend) {
        legendWidth = std::max(legendWidth, metrics.horizontalAdvance(entry));
    }
    legendWidth += 34;
    const bool legendFits = area.width() - legendWidth > 260;
    const int left = metrics.horizontalAdvance("−0000000") + line + 14;
    const int right = legendFits ? legendWidth + 12 : 16;
    const QRect plot = area.adjusted(left, line * 2 + 6, -right, -(line * 3 + 10));
    painter.setPen(Qt::black);
    painter.drawText(QRect(area.left(), area.top() + 4, area.width(), line * 2), Qt::AlignCenter, titleText(plume));
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
    const std::vector<double> valueTicks = niceTicks(low, high, std::max(2, plot.height() / (2 * line)));
    for (const double value : valueTicks) {
        painter.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)));
    }
    const std::vector<TimeTick> hourTicks = timeTicks(plume, firstHour, lastHour);
    for (const TimeTick& tick : hourTicks) {
        painter.drawLine(QPointF(x(tick.leadHours), plot.top()), QPointF(x(tick.leadHours), plot.bottom()));
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
    const QColor bandColour(120, 120, 120, 60);
    painter.fillPath(band, bandColour);

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

    // The time the globe shows.
    if (currentTimeIndex >= 0 && currentTimeIndex < static_cast<int>(plume.leadHours.size()) &&
        std::isfinite(plume.leadHours[static_cast<std::size_t>(currentTimeIndex)])) {
        const double at = x(plume.leadHours[static_cast<std::size_t>(currentTimeIndex)]);
        painter.setPen(QPen(currentTimeColour, 2.0, Qt::DashLine));
        painter.drawLine(QPointF(at, plot.top()), QPointF(at, plot.bottom()));
    }

    painter.setPen(Qt::black);
    painter.drawRect(plot);
    const double valueStep = tickStep(valueTicks);
    for (const double value : valueTicks) {
        const QString text = QString::fromStdString(formatTick(value, valueStep));
        painter.drawText(QRectF(area.left() + line, y(value) - line / 2.0, left - line - 6, line),
                         Qt::AlignRight | Qt::AlignVCenter, text);
    }
    for (const TimeTick& tick : hourTicks) {
        painter.drawText(QRectF(x(tick.leadHours) - 60, plot.bottom() + 3, 120, line * 2), Qt::AlignHCenter, tick.text);
    }
    painter.drawText(QRect(plot.left(), plot.bottom() + line * 2 + 6, plot.width(), line), Qt::AlignHCenter,
                     "valid time (UTC) and lead time");
    // The quantity and its units, upwards along the value axis.
    painter.save();
    painter.translate(area.left() + 2, plot.center().y());
    painter.rotate(-90.0);
    painter.drawText(QRect(-plot.height() / 2, 0, plot.height(), line), Qt::AlignCenter, valueAxisText(plume));
    painter.restore();

    if (legendFits) {
        int row = plot.top();
        const int swatchLeft = plot.right() + 12;
        for (int k = 0; k < legend.size(); ++k) {
            const int middle = row + line / 2;
            if (k < legend.size() - 2) {
                painter.setPen(QPen(memberColours[k % static_cast<int>(std::size(memberColours))], 2.0));
                painter.drawLine(swatchLeft, middle, swatchLeft + 24, middle);
            } else if (k == legend.size() - 2) {
                painter.setPen(QPen(Qt::black, 2.6));
                painter.drawLine(swatchLeft, middle, swatchLeft + 24, middle);
            } else {
                painter.fillRect(QRect(swatchLeft, middle - line / 3, 24, 2 * line / 3), bandColour);
            }
            painter.setPen(Qt::black);
            painter.drawText(QRect(swatchLeft + 30, row, legendWidth, line), Qt::AlignLeft | Qt::AlignVCenter,
                             legend[k]);
            row += line + 2;
        }
    }
}

}  // namespace spreadcast
