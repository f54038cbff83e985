#pragma once

#include "run/EnsembleRun.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace spreadcast {

// The devices dock: per device its state, members done, member-steps per second, utilization
// and memory (current and peak), with the process's memory and the run's totals below.
class DevicesPanel : public QWidget {
    Q_OBJECT

public:
    explicit DevicesPanel(QWidget* parent = nullptr);
    void showProgress(const RunProgress& progress);
    void clear();
    QTableWidget* table() const { return table_; }

private:
    QTableWidget* table_ = nullptr;
    QLabel* summary_ = nullptr;
};

QString formatBytes(long long bytes);

}  // namespace spreadcast
