#include "ui/DeviceHistoryPlot.h"

#include "ui/DevicesPanel.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace spreadcast {
namespace {

const QColor deviceColours[] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                                {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

}  // namespace

DeviceHistoryPlot::DeviceHistoryPlot(QWidget* parent) : QWidget(parent)
{
    setObjectName("deviceHistory");
    setMinimumHeight(80);
}

void DeviceHistoryPlot::add(const QString& device, const Sample& sample)
{
    if (!history_.contains(device)) {
        order_ << device;
    }
    std::vector<Sample>& samples = history_[device];
    samples.push_back(sample);
    if (samples.size() > static_cast<std::size_t>(maxSamples)) {
        samples.erase(samples.begin());
    }
    update();
}

void DeviceHistoryPlot::clear()
{
    history_.clear();
    order_.clear();
    update();
}

void DeviceHistoryPlot::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().base());
    const QFontMetrics metrics(painter.font());
    if (order_.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, "Device load and memory appear here during a run");
        return;
    }
    double first = INFINITY;
    double last = -INFINITY;
    double memoryTop = 1.0;
    for (const auto& samples : history_) {
        for (const Sample& sample : samples) {
            first = std::min(first, sample.seconds);
            last = std::max(last, sample.seconds);
            memoryTop = std::max(memoryTop, sample.memoryBytes);
        }
    }
    if (last <= first) {
        last = first + 1.0;
    }
    const int legendHeight = metrics.height() + 4;
    const int gap = 6;
    const QRect area = rect().adjusted(4, 4, -4, -legendHeight - 4);
    const int half = (area.height() - gap) / 2;
    const QRect busy(area.left(), area.top(), area.width(), half);
    const QRect memory(area.left(), area.top() + half + gap, area.width(), half);
    auto plot = [&](const QRect& box, const QString& title, auto value, double top) {
        painter.setPen(palette().color(QPalette::Mid));
        painter.drawRect(box);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(box.adjusted(4, 2, -4, -2), Qt::AlignLeft | Qt::AlignTop, title);
        for (int d = 0; d < order_.size(); ++d) {
            const std::vector<Sample>& samples = history_[order_[d]];
            QPainterPath path;
            for (std::size_t k = 0; k < samples.size(); ++k) {
                const QPointF point(box.left() + (samples[k].seconds - first) / (last - first) * box.width(),
                                    box.bottom() - std::clamp(value(samples[k]) / top, 0.0, 1.0) * box.height());
                k == 0 ? path.moveTo(point) : path.lineTo(point);
            }
            painter.strokePath(path, QPen(deviceColours[d % static_cast<int>(std::size(deviceColours))], 1.5));
        }
    };
    plot(
        busy, "busy (0–100 %)", [](const Sample& s) { return s.utilization; }, 1.0);
    plot(
        memory, "memory in use (top " + formatBytes(static_cast<long long>(memoryTop)) + ")",
        [](const Sample& s) { return s.memoryBytes; }, memoryTop);
    int x = area.left();
    for (int d = 0; d < order_.size(); ++d) {
        const Sample& latest = history_[order_[d]].back();
        const QString text = QString("%1 %2 %, %3")
                                 .arg(order_[d])
                                 .arg(100.0 * latest.utilization, 0, 'f', 0)
                                 .arg(formatBytes(static_cast<long long>(latest.memoryBytes)));
        painter.fillRect(QRect(x, rect().bottom() - legendHeight + 6, 10, 10),
                         deviceColours[d % static_cast<int>(std::size(deviceColours))]);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QPoint(x + 14, rect().bottom() - 4), text);
        x += 14 + metrics.horizontalAdvance(text) + 12;
    }
}

}  // namespace spreadcast
