#pragma once

#include "run/EnsembleRun.h"

#include <QWidget>

#include <vector>

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
    // The members a forecast file keeps, by number (a file may keep only some, e.g. 0, 5, 10),
    // "done" when the run that wrote it completed, "stored" otherwise (later times may be missing).
    void showStoredMembers(const std::vector<int>& members, bool complete);
    void clear();
    int memberCount() const;
    // Of the member in cell `cell` (the member's number during a run): "done", "running", … as
    // core's memberStatusName says, or "stored"; empty for an unknown cell.
    QString statusOf(int cell) const;
    QString deviceOf(int cell) const;
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
    std::vector<int> memberNumbers_;  // per cell, for a file's stored members; empty during a run
    static constexpr int columns = 5;
};

}  // namespace spreadcast
