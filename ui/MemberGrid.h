#pragma once

#include "run/EnsembleRun.h"

#include <QWidget>

class QTableWidget;

namespace spreadcast {

// One cell per member, coloured by its state (queued, running, done, failed, retried, with a
// legend of the colours) and naming the device that ran it. Clicking a cell asks for that
// member on the globe.
class MemberGrid : public QWidget {
    Q_OBJECT

public:
    explicit MemberGrid(QWidget* parent = nullptr);
    void showProgress(const RunProgress& progress);
    void clear();
    int memberCount() const;
    // "done", "running", … as core's memberStatusName says; empty for an unknown member.
    QString statusOf(int member) const;
    QString deviceOf(int member) const;
    QTableWidget* table() const { return table_; }
    // The legend of the state colours, e.g. "■ queued ■ running …".
    QString legendText() const;

signals:
    // A cell was clicked: show this member (its number in the run).
    void memberActivated(int member);

private:
    QTableWidget* table_ = nullptr;
    QStringList statuses_;
    QStringList devices_;
    static constexpr int columns = 5;
};

}  // namespace spreadcast
