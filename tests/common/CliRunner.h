#pragma once

// Runs the spreadcast-cli this build made (SPREADCAST_CLI) and keeps what it said.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace spreadcast::testing {

struct CliResult {
    int exitCode = -1;  // -1: it crashed or did not finish in time
    QString out;
    QString err;
};

inline CliResult runCli(const QStringList& arguments, int timeoutMilliseconds = 120000)
{
    QProcess process;
    process.start(SPREADCAST_CLI, arguments);
    if (!process.waitForFinished(timeoutMilliseconds)) {
        process.kill();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace spreadcast::testing
