#pragma once

#include <QMap>
#include <QWidget>

#include <vector>

namespace spreadcast {

// Small time-series plots of each device's utilization and memory in use during a run, one
// line per device, with the latest values in the legend.
class DeviceHistoryPlot : public QWidget {
    Q_OBJECT

public:
    struct Sample {
        double seconds = 0.0;
        double utilization = 0.0;  // 0 … 1
        double memoryBytes = 0.0;
    };

    explicit DeviceHistoryPlot(QWidget* parent = nullptr);
    void add(const QString& device, const Sample& sample);
    void clear();
    int sampleCount(const QString& device) const { return static_cast<int>(history_.value(device).size()); }
    static constexpr int maxSamples = 600;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QMap<QString, std::vector<Sample>> history_;
    QStringList order_;
};

}  // namespace spreadcast
