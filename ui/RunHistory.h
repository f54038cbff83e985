#pragma once

#include "run/RunSpec.h"

#include <QDateTime>
#include <QString>

#include <optional>
#include <vector>

namespace spreadcast {

// One run the workstation knows of: started from it, or a Spreadcast forecast it opened.
struct RunRecord {
    QDateTime started;    // UTC; for an opened file, when it was opened
    QString outputPath;   // absolute
    QString status;       // as the run ended or the file says: "complete", "cancelled: …", "failed: …", "running"
    QByteArray specJson;  // the run's spec as the output file records it (toJson: science only)
    bool openedOnly = false;  // known from opening its file, not started here

    // The spec the JSON describes, with the output path; nullopt when the JSON cannot be read.
    std::optional<RunSpec> spec() const;
    // "complete", "cancelled", "failed", "running" or "interrupted" (the first word of status).
    QString statusWord() const;
};

// The runs of this workstation, newest first, kept across sessions in QSettings (one JSON list
// under settingsKey) and bounded to maxRecords: a run started here is recorded when it starts
// and updated when it ends; a Spreadcast forecast opened here is added (or its status brought up
// to date) when it is opened. One record per output file: a new run over a file replaces its
// record. The list is read from QSettings on every call, so windows of one process agree.
class RunHistory {
public:
    static constexpr int maxRecords = 100;

    explicit RunHistory(QString settingsKey = "runHistory/records");

    std::vector<RunRecord> records() const;
    // A run starting now: status "running".
    void recordStart(const RunSpec& spec, const QDateTime& when);
    // The run that writes outputPath ended with `status` (RunResult::status or "failed: …").
    void recordEnd(const QString& outputPath, const QString& status);
    // A Spreadcast forecast was opened: added when unknown, its status updated otherwise.
    void recordOpened(const QString& outputPath, const QString& status, const QByteArray& specJson,
                      const QDateTime& when);
    void remove(const QString& outputPath);
    void clear();

private:
    void store(const std::vector<RunRecord>& records) const;

    QString settingsKey_;
};

// What a run's status reads as in the list. A record still "running" when this process runs
// nothing there is "interrupted": the program that ran it ended (or crashed) before it did.
QString displayedStatus(const RunRecord& record, bool runningNow);

}  // namespace spreadcast
