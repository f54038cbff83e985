#include "ui/MemberGrid.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spreadcast {
namespace {

QColor statusColour(MemberStatus status)
{
    switch (status) {
    case MemberStatus::Queued: return {220, 220, 220};
    case MemberStatus::Running: return {133, 193, 233};
    case MemberStatus::Done: return {130, 204, 145};
    case MemberStatus::Failed: return {231, 120, 110};
    case MemberStatus::Retried: return {245, 200, 100};
    }
    return {255, 255, 255};
}

}  // namespace

MemberGrid::MemberGrid(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    table_ = new QTableWidget(0, columns);
    table_->setObjectName("memberGrid");
    table_->horizontalHeader()->hide();
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setToolTip("Click a member to show it on the globe");
    table_->setMinimumHeight(72);  // two rows at least: a scroll bar, not a squashed grid, on small screens
    layout->addWidget(table_, 1);
    connect(table_, &QTableWidget::cellClicked, this, [this](int row, int column) {
        const int cell = row * columns + column;
        if (cell < memberCount()) {
            emit memberActivated(memberNumbers_.empty() ? cell : memberNumbers_[static_cast<std::size_t>(cell)]);
        }
    });
    auto* legend = new QLabel(legendText());
    legend->setObjectName("memberLegend");
    legend->setWordWrap(true);
    legend->setTextFormat(Qt::RichText);
    layout->addWidget(legend);
}

QString MemberGrid::legendText() const
{
    QStringList entries;
    for (const MemberStatus status : {MemberStatus::Queued, MemberStatus::Running, MemberStatus::Done,
                                      MemberStatus::Failed, MemberStatus::Retried}) {
        const std::string_view name = memberStatusName(status);
        entries << QString("<span style=\"background-color:%1\">&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;%2")
                       .arg(statusColour(status).name(),
                            QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
    }
    return entries.join(" &nbsp; ");
}

void MemberGrid::clear()
{
    table_->setRowCount(0);
    statuses_.clear();
    devices_.clear();
    memberNumbers_.clear();
}

void MemberGrid::showStoredMembers(const std::vector<int>& members, bool complete)
{
    clear();
    const int count = static_cast<int>(members.size());
    table_->setRowCount((count + columns - 1) / columns);
    for (int cell = 0; cell < count; ++cell) {
        const int member = members[static_cast<std::size_t>(cell)];
        statuses_ << (complete ? QString("done") : QString("stored"));
        devices_ << QString();
        auto* item = new QTableWidgetItem(QString::number(member));
        item->setTextAlignment(Qt::AlignCenter);
        item->setBackground(complete ? statusColour(MemberStatus::Done) : QColor(255, 255, 255));
        item->setForeground(QColor(20, 20, 20));
        item->setToolTip(
            complete ? QString("member %1: done").arg(member)
                     : QString("member %1: stored (the run did not complete: later times may be missing)").arg(member));
        table_->setItem(cell / columns, cell % columns, item);
    }
    memberNumbers_ = members;
    table_->resizeRowsToContents();
}

void MemberGrid::showProgress(const RunProgress& progress)
{
    const int members = static_cast<int>(progress.memberStatuses.size());
    table_->setRowCount((members + columns - 1) / columns);
    statuses_.clear();
    devices_.clear();
    memberNumbers_.clear();
    for (int m = 0; m < members; ++m) {
        const MemberStatus status = progress.memberStatuses[static_cast<std::size_t>(m)];
        const int device = m < static_cast<int>(progress.memberDevice.size())
                               ? progress.memberDevice[static_cast<std::size_t>(m)]
                               : -1;
        const QString deviceName = device >= 0 && device < static_cast<int>(progress.devices.size())
                                       ? QString::fromStdString(progress.devices[static_cast<std::size_t>(device)].name)
                                       : QString();
        const QString statusName =
            QString::fromUtf8(memberStatusName(status).data(), static_cast<qsizetype>(memberStatusName(status).size()));
        statuses_ << statusName;
        devices_ << deviceName;
        QTableWidgetItem* item = table_->item(m / columns, m % columns);
        if (item == nullptr) {
            item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignCenter);
            table_->setItem(m / columns, m % columns, item);
        }
        item->setText(deviceName.isEmpty() ? QString::number(m) : QString("%1 · %2").arg(m).arg(deviceName));
        item->setBackground(statusColour(status));
        item->setForeground(QColor(20, 20, 20));
        item->setToolTip(QString("member %1: %2%3")
                             .arg(m)
                             .arg(statusName)
                             .arg(deviceName.isEmpty() ? QString() : " on " + deviceName));
    }
    for (int m = members; m < table_->rowCount() * columns; ++m) {
        delete table_->takeItem(m / columns, m % columns);
    }
    table_->resizeRowsToContents();
}

int MemberGrid::memberCount() const
{
    return static_cast<int>(statuses_.size());
}

QString MemberGrid::statusOf(int cell) const
{
    return cell >= 0 && cell < statuses_.size() ? statuses_[cell] : QString();
}

QString MemberGrid::deviceOf(int cell) const
{
    return cell >= 0 && cell < devices_.size() ? devices_[cell] : QString();
}

}  // namespace spreadcast
