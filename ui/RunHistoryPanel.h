#pragma once

#include "run/RunSpec.h"
#include "ui/RunHistory.h"

#include <QWidget>

class QPushButton;
class QTreeWidget;

namespace spreadcast {

// The Run history dock: the runs of RunHistory, newest first — when, model, initial condition,
// members, lead, output file, status ("file missing" for a file that is gone) — with buttons to
// open a run's file, resume an interrupted one, and copy a run's settings back into the run panel.
class RunHistoryPanel : public QWidget {
    Q_OBJECT

public:
    enum Column { Started, Model, InitialCondition, Members, Lead, Output, Status, ColumnCount };

    explicit RunHistoryPanel(QWidget* parent = nullptr);

    RunHistory& history() { return history_; }
    // Reads the history again; `runningOutput` is the file a run of this window writes (empty:
    // none), whose record alone may say "running".
    void refresh(const QString& runningOutput);
    QTreeWidget* list() const { return list_; }
    // The output file of the selected row (empty when none) and selecting the row of a file.
    QString selectedPath() const;
    bool select(const QString& outputPath);

signals:
    void openRequested(const QString& path);
    void resumeRequested(const QString& path);
    void settingsRequested(const spreadcast::RunSpec& spec);

private:
    void updateButtons();
    const RunRecord* selectedRecord() const;

    RunHistory history_;
    std::vector<RunRecord> records_;  // in list order
    QString runningOutput_;
    QTreeWidget* list_ = nullptr;
    QPushButton* open_ = nullptr;
    QPushButton* resume_ = nullptr;
    QPushButton* useSettings_ = nullptr;
    QPushButton* remove_ = nullptr;
};

}  // namespace spreadcast
