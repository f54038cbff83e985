#pragma once

// Test data written at test time by a Python script given inline (Debian's numpy and xarray write
// real .npz and NetCDF files in the official layouts), into a directory passed as its argument.

#include <QProcess>
#include <QString>

namespace spreadcast::testing {

struct GeneratorRun {
    bool missingModule = false;  // python3 lacks a module the script imports: the test skips
    bool succeeded = false;      // exit 0 and the script printed "generated"
    QString output;              // stdout and stderr, for the failure message
};

inline GeneratorRun runPythonGenerator(const char* script, const QString& directory)
{
    QProcess python;
    python.start("/usr/bin/python3", {"-c", script, directory});
    const bool finished = python.waitForFinished(120000);
    GeneratorRun run;
    run.output = python.readAllStandardOutput() + python.readAllStandardError();
    run.missingModule = run.output.contains("No module named");
    run.succeeded = finished && python.exitCode() == 0 && run.output.contains("generated");
    return run;
}

}  // namespace spreadcast::testing
