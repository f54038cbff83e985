#pragma once

#include "run/EnsembleRun.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace spreadcast {

class DeviceHistoryPlot;

// The devices dock: per device its state, members done, member-steps per second, utilization
// and memory (current and peak), temperature and power where the hardware reports them (a GPU
// through NVML), the run's totals and the process's memory, and small plots of
// each device's utilization and memory through the run.
class DevicesPanel : public QWidget {
    Q_OBJECT

public:
    explicit DevicesPanel(QWidget* parent = nullptr);
    void showProgress(const RunProgress& progress);
    void clear();
    QTableWidget* table() const { return table_; }
    DeviceHistoryPlot* history() const { return history_; }

private:
    QTableWidget* table_ = nullptr;
    QLabel* summary_ = nullptr;
    DeviceHistoryPlot* history_ = nullptr;
};

QString formatBytes(long long bytes);

}  // namespace spreadcast
