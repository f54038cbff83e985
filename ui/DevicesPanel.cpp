#include "ui/DevicesPanel.h"

#include "ui/DeviceHistoryPlot.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spreadcast {
namespace {

enum Column { Name, State, Members, Rate, Utilization, Memory, Peak, Temperature, Power, ColumnCount };

void setCell(QTableWidget* table, int row, int column, const QString& text)
{
    QTableWidgetItem* item = table->item(row, column);
    if (item == nullptr) {
        item = new QTableWidgetItem;
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (column != Name && column != State) {
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        }
        table->setItem(row, column, item);
    }
    item->setText(text);
}

// A hardware reading (negative while unknown), e.g. "61 °C", or "–".
QString formatReading(double value, const QString& unit)
{
    return value < 0.0 ? QString("–") : QString("%1 %2").arg(value, 0, 'f', 0).arg(unit);
}

}  // namespace

QString formatBytes(long long bytes)
{
    if (bytes <= 0) {
        return "–";
    }
    const double mebibytes = static_cast<double>(bytes) / (1024.0 * 1024.0);
    return mebibytes >= 1024.0 ? QString("%1 GiB").arg(mebibytes / 1024.0, 0, 'f', 2)
                               : QString("%1 MiB").arg(mebibytes, 0, 'f', 1);
}

DevicesPanel::DevicesPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    table_ = new QTableWidget(0, ColumnCount);
    table_->setObjectName("devicesTable");
    table_->setHorizontalHeaderLabels(
        {"Device", "State", "Done", "Member-steps/s", "Busy", "Worker memory", "Worker peak", "Temperature", "Power"});
    // Per device: what its worker holds for its members; the whole process is in the summary.
    const QString workerMemory = "Memory this device's worker holds for its members (model states, buffers); "
                                 "the process total below also counts the GUI, open files and libraries";
    table_->horizontalHeaderItem(Memory)->setToolTip(workerMemory);
    table_->horizontalHeaderItem(Peak)->setToolTip(workerMemory);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setMinimumHeight(60);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(table_);
    summary_ = new QLabel("No run yet.");
    summary_->setObjectName("devicesSummary");
    summary_->setWordWrap(true);
    layout->addWidget(summary_);
    history_ = new DeviceHistoryPlot;
    layout->addWidget(history_);
}

void DevicesPanel::clear()
{
    table_->setRowCount(0);
    summary_->setText("No run yet.");
    history_->clear();
}

void DevicesPanel::showProgress(const RunProgress& progress)
{
    table_->setRowCount(static_cast<int>(progress.devices.size()));
    for (int row = 0; row < static_cast<int>(progress.devices.size()); ++row) {
        const DeviceTelemetry& device = progress.devices[static_cast<std::size_t>(row)];
        setCell(table_, row, Name, QString::fromStdString(device.name));
        QString state = device.failed ? "failed"
                        : device.currentMember >= 0
                            ? (device.running > 1 ? QString("members %1…%2")
                                                        .arg(device.currentMember)
                                                        .arg(device.currentMember + device.running - 1)
                                                  : QString("member %1").arg(device.currentMember))
                            : "idle";
        setCell(table_, row, State, state);
        setCell(table_, row, Members, QString::number(device.membersDone));
        setCell(table_, row, Rate, QString::number(device.memberStepsPerSecond, 'f', 1));
        setCell(table_, row, Utilization, QString("%1 %").arg(100.0 * device.utilization, 0, 'f', 0));
        setCell(table_, row, Memory, formatBytes(device.memoryInUseBytes));
        setCell(table_, row, Peak, formatBytes(device.peakMemoryBytes));
        setCell(table_, row, Temperature, formatReading(device.temperatureCelsius, "°C"));
        setCell(table_, row, Power, formatReading(device.powerWatts, "W"));
        history_->add(QString::fromStdString(device.name),
                      {progress.elapsedSeconds, device.utilization, static_cast<double>(device.memoryInUseBytes)});
    }
    summary_->setText(
        QString("%1 of %2 members done%3 · %4 member-steps/s · whole process memory (workers, GUI, files) %5 "
                "(peak %6)")
            .arg(progress.membersDone)
            .arg(progress.members)
            .arg(progress.membersFailed > 0 ? QString(", %1 failed").arg(progress.membersFailed) : QString())
            .arg(progress.memberStepsPerSecond, 0, 'f', 1)
            .arg(formatBytes(progress.residentBytes), formatBytes(progress.peakResidentBytes)));
}

}  // namespace spreadcast
