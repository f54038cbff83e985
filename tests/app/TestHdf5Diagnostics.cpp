#include "../common/CliRunner.h"
#include "io/ForecastFile.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdio>
#include <thread>
#include <unistd.h>

using namespace spreadcast;
using namespace spreadcast::testing;

namespace {

// A small netCDF-4 (HDF5) file, written with netCDF-C.
bool writeNetcdf4(const QString& path)
{
    int ncid = 0;
    int dimension = 0;
    int variable = 0;
    const float values[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    return nc_create(path.toUtf8().constData(), NC_CLOBBER | NC_NETCDF4, &ncid) == NC_NOERR &&
           nc_def_dim(ncid, "x", 4, &dimension) == NC_NOERR &&
           nc_def_var(ncid, "a", NC_FLOAT, 1, &dimension, &variable) == NC_NOERR &&
           nc_put_var_float(ncid, variable, values) == NC_NOERR && nc_close(ncid) == NC_NOERR;
}

// What this process writes on stderr (file descriptor 2, where HDF5 prints) while `work` runs.
template <typename Work>
QString stderrOf(const QString& capturePath, Work work)
{
    std::fflush(stderr);
    const int saved = ::dup(2);
    FILE* capture = std::fopen(capturePath.toUtf8().constData(), "w");
    ::dup2(::fileno(capture), 2);
    work();
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    std::fclose(capture);
    QFile file(capturePath);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString("(not captured)");
}

}  // namespace

// Issue 14, defect 16: a file HDF5 cannot open — truncated, damaged, not NetCDF at all — is
// reported in one clear sentence, and HDF5's own error stacks ("HDF5-DIAG: Error detected in
// HDF5 …") are not printed on stderr, on any thread.
class TestHdf5Diagnostics : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString good_;
    QString truncated_;
    QString notNetcdf_;

private slots:
    void initTestCase()
    {
        good_ = folder_.filePath("good.nc");
        truncated_ = folder_.filePath("truncated.nc");
        notNetcdf_ = folder_.filePath("notes.nc");
        QVERIFY(writeNetcdf4(good_));
        QVERIFY(QFile::copy(good_, truncated_));
        QFile truncated(truncated_);
        QVERIFY(truncated.size() > 1200);
        QVERIFY(truncated.resize(1200));  // the superblock stays; the rest of the file is gone
        QFile notes(notNetcdf_);
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("height,lat,lon\n5400,50,10\n");
    }

    // netCDF-C silences HDF5 only on the thread that first calls it, and HDF5 keeps that per
    // thread: here netCDF starts on a worker (as a run started before any file is opened does in
    // the workstation), then the main thread and another worker open the truncated file.
    void noThreadPrintsHdf5ErrorStacks()
    {
        const QString printed = stderrOf(folder_.filePath("stderr.txt"), [&] {
            std::thread first([&] {
                int ncid = 0;
                if (nc_open(good_.toUtf8().constData(), NC_NOWRITE, &ncid) == NC_NOERR) {
                    nc_close(ncid);
                }
            });
            first.join();
            int refused = 0;
            auto open = [&] {
                try {
                    ForecastFile opened(truncated_.toStdString());
                } catch (const InputError&) {
                    ++refused;
                }
            };
            open();
            std::thread worker(open);
            worker.join();
            QCOMPARE(refused, 2);
        });
        QVERIFY2(!printed.contains("HDF5-DIAG"), qPrintable(printed));
    }

    void theCommandLineSaysWhatIsWrongInOneSentence()
    {
        for (const QString& file : {truncated_, notNetcdf_}) {
            const CliResult run = runCli({"run", "--ic", file, "-T", "21", "--lead", "12h", "--output-every", "6h",
                                          "--out", folder_.filePath("out.nc"), "-q"});
            QVERIFY2(run.exitCode != 0, qPrintable(run.err));
            QVERIFY2(run.err.contains("is not a NetCDF file, or it is damaged") && run.err.contains(file),
                     qPrintable(run.err));
            QVERIFY2(!run.err.contains("HDF5-DIAG"), qPrintable(run.err));
            QCOMPARE(run.err.trimmed().count('\n'), 0);  // one line
        }
    }
};

QTEST_GUILESS_MAIN(TestHdf5Diagnostics)
#include "TestHdf5Diagnostics.moc"
