#include "../common/CliRunner.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using spreadcast::testing::CliResult;
using spreadcast::testing::runCli;

namespace {

void writeTextFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

QString globalText(int ncid, const char* name)
{
    size_t length = 0;
    if (nc_inq_attlen(ncid, NC_GLOBAL, name, &length) != NC_NOERR) {
        return {};
    }
    std::string text(length, '\0');
    nc_get_att_text(ncid, NC_GLOBAL, name, text.data());
    return QString::fromStdString(text);
}

}  // namespace

class TestCliRun : public QObject {
    Q_OBJECT

private slots:
    void renderWritesAPngOfAForecastFile()
    {
        QTemporaryDir directory;
        const QString forecast = directory.filePath("forecast.nc");
        const CliResult run = runCli({"run", "-T", "21", "--lead", "12h", "--members", "3", "--out", forecast, "-q"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString png = directory.filePath("spread.png");
        const CliResult render = runCli({"render", forecast, "--field", "height", "--product", "spread", "--time",
                                         "12h", "--width", "320", "--height", "240", "--out", png});
        if (render.err.contains("built without the workstation")) {
            QSKIP("this spreadcast-cli has no VTK scenes (headless build)");
        }
        QVERIFY2(render.exitCode == 0, qPrintable(render.err));
        // The PNG signature, and the size in the IHDR chunk (big-endian width and height).
        QFile file(png);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray header = file.read(24);
        QVERIFY(header.startsWith("\x89PNG\r\n\x1a\n") && header.mid(12, 4) == "IHDR");
        auto bigEndian = [&](int at) {
            return (static_cast<quint8>(header[at]) << 24) | (static_cast<quint8>(header[at + 1]) << 16) |
                   (static_cast<quint8>(header[at + 2]) << 8) | static_cast<quint8>(header[at + 3]);
        };
        QCOMPARE(bigEndian(16), 320);
        QCOMPARE(bigEndian(20), 240);
        QVERIFY(file.size() > 10000);  // a drawn globe, not an empty image
        // A bad field is bad input, named, and writes nothing.
        const QString bad = directory.filePath("bad.png");
        const CliResult wrong = runCli({"render", forecast, "--field", "pressure", "--out", bad});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("pressure"), qPrintable(wrong.err));
        QVERIFY(!QFileInfo::exists(bad));
    }

    void versionAndHelp()
    {
        const CliResult version = runCli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("spreadcast-cli "));
        const CliResult help = runCli({"run", "--help"});
        QCOMPARE(help.exitCode, 0);
        for (const char* option : {"--ic", "--truncation", "--lead", "--output-every", "--members", "--out", "--dt"}) {
            QVERIFY2(help.out.contains(option), option);
        }
    }

    void unperturbedEnsembleWritesACompleteFileOfIdenticalMembers()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath("case2.nc");
        const CliResult result = runCli(
            {"run",    "--ic",        "williamson2",    "--rotation", "45",        "-T",     "21",
             "--lead", "12h",         "--output-every", "6h",         "--members", "2",      "--perturb-vorticity",
             "0",      "--precision", "double",         "--out",      path,        "--quiet"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QCOMPARE(result.out.trimmed(), QFileInfo(path).absoluteFilePath());

        int ncid = -1;
        QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
        QCOMPARE(globalText(ncid, "run_status"), QString("complete"));
        QVERIFY(globalText(ncid, "spreadcast_run_spec").contains("\"truncation\":21"));
        int dim = -1;
        size_t times = 0;
        nc_inq_dimid(ncid, "time", &dim);
        nc_inq_dimlen(ncid, dim, &times);
        QCOMPARE(times, size_t{3});
        int height = -1;
        QCOMPARE(nc_inq_varid(ncid, "height", &height), NC_NOERR);
        // With perturbations off the two members are the same forecast, to the last bit.
        const size_t points = 32 * 64;
        std::vector<double> first(points), second(points);
        const size_t start0[] = {2, 0, 0, 0};
        const size_t start1[] = {2, 1, 0, 0};
        const size_t count[] = {1, 1, 32, 64};
        QCOMPARE(nc_get_vara_double(ncid, height, start0, count, first.data()), NC_NOERR);
        QCOMPARE(nc_get_vara_double(ncid, height, start1, count, second.data()), NC_NOERR);
        nc_close(ncid);
        QVERIFY(std::memcmp(first.data(), second.data(), points * sizeof(double)) == 0);
        double mean = 0.0;
        for (double value : first) {
            mean += value / static_cast<double>(points);
        }
        QVERIFY(mean > 2000.0 && mean < 3200.0);  // W92 case 2: g·h0 = 2.94e4 m² s⁻², h0 ≈ 3 km
    }

    void outputIsBitwiseIdenticalWhateverTheThreadCount()
    {
        // DESIGN.md contracts 3 and 4: the same spec reproduces the same members and statistics,
        // byte for byte, however the members were spread over threads.
        QTemporaryDir directory;
        const std::vector<const char*> names{
            "height",        "u",          "v",          "vorticity",      "height_mean",
            "height_spread", "height_min", "height_max", "vorticity_mean", "probability_height_above_10000"};
        std::vector<std::vector<std::vector<double>>> runs;
        for (const char* threads : {"1", "3"}) {
            const QString path = directory.filePath(QString("threads%1.nc").arg(threads));
            QStringList arguments{"run", "--ic", "galewsky", "-T", "21", "--lead", "1d", "--output-every", "12h"};
            arguments += QStringList{"--members", "3", "--threads", threads, "--precision", "double"};
            arguments += QStringList{"--probability", "height>10000", "--skeb", "1e-10", "--out", path, "--quiet"};
            const CliResult result = runCli(arguments);
            QVERIFY2(result.exitCode == 0, qPrintable(result.err));
            int ncid = -1;
            QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
            std::vector<std::vector<double>> variables;
            for (const char* name : names) {
                int variable = -1;
                QVERIFY2(nc_inq_varid(ncid, name, &variable) == NC_NOERR, name);
                int dimensions = 0;
                nc_inq_varndims(ncid, variable, &dimensions);
                std::vector<double> values((dimensions == 4 ? 3 : 1) * 3 * 32 * 64);
                QCOMPARE(nc_get_var_double(ncid, variable, values.data()), NC_NOERR);
                variables.push_back(std::move(values));
            }
            nc_close(ncid);
            runs.push_back(std::move(variables));
        }
        for (std::size_t k = 0; k < names.size(); ++k) {
            QVERIFY2(std::memcmp(runs[0][k].data(), runs[1][k].data(), runs[0][k].size() * sizeof(double)) == 0,
                     names[k]);
        }
        // The statistics against the stored members, computed here independently (two-pass).
        const std::vector<double>& height = runs[0][0];
        const std::size_t points = 32 * 64;
        for (std::size_t t = 0; t < 3; ++t) {
            for (std::size_t i = 0; i < points; ++i) {
                double x[3];
                for (std::size_t m = 0; m < 3; ++m) {
                    x[m] = height[(t * 3 + m) * points + i];
                }
                const double mean = (x[0] + x[1] + x[2]) / 3.0;
                const double spread = std::sqrt(
                    ((x[0] - mean) * (x[0] - mean) + (x[1] - mean) * (x[1] - mean) + (x[2] - mean) * (x[2] - mean)) /
                    2.0);
                const double probability = ((x[0] > 10000.0) + (x[1] > 10000.0) + (x[2] > 10000.0)) / 3.0;
                QVERIFY(std::abs(runs[0][4][t * points + i] - mean) < 1e-9);
                QVERIFY(std::abs(runs[0][5][t * points + i] - spread) < 1e-8);
                QCOMPARE(runs[0][6][t * points + i], std::min({x[0], x[1], x[2]}));
                QCOMPARE(runs[0][7][t * points + i], std::max({x[0], x[1], x[2]}));
                QCOMPARE(runs[0][9][t * points + i], probability);
            }
        }
    }

    void storedMembersAreChosenAndStatisticsStillCoverAll()
    {
        QTemporaryDir directory;
        const QStringList common{"run", "--ic",      "galewsky", "-T",          "21",     "--lead",
                                 "12h", "--members", "5",        "--precision", "double", "--quiet"};
        std::vector<std::vector<double>> spreads;
        for (const char* store : {"all", "1,3-4", "none"}) {
            const QString path = directory.filePath(QString("store-%1.nc").arg(QString(store).replace(',', '_')));
            const CliResult result = runCli(common + QStringList{"--store-members", store, "--out", path});
            QVERIFY2(result.exitCode == 0, qPrintable(result.err));
            int ncid = -1;
            QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
            int dimension = -1;
            size_t members = 0;
            const bool hasMembers = nc_inq_dimid(ncid, "member", &dimension) == NC_NOERR;
            if (hasMembers) {
                nc_inq_dimlen(ncid, dimension, &members);
            }
            if (QString(store) == "1,3-4") {
                QCOMPARE(members, size_t{3});
                int variable = -1;
                nc_inq_varid(ncid, "member", &variable);
                int numbers[3] = {};
                nc_get_var_int(ncid, variable, numbers);
                QCOMPARE(numbers[0], 1);
                QCOMPARE(numbers[2], 4);
            } else if (QString(store) == "none") {
                QVERIFY(!hasMembers);
                int variable = -1;
                QVERIFY(nc_inq_varid(ncid, "height", &variable) != NC_NOERR);
            }
            int spread = -1;
            QCOMPARE(nc_inq_varid(ncid, "height_spread", &spread), NC_NOERR);
            std::vector<double> values(3 * 32 * 64);
            QCOMPARE(nc_get_var_double(ncid, spread, values.data()), NC_NOERR);
            nc_close(ncid);
            spreads.push_back(std::move(values));
        }
        for (std::size_t k = 1; k < spreads.size(); ++k) {
            QVERIFY(std::memcmp(spreads[0].data(), spreads[k].data(), spreads[0].size() * sizeof(double)) == 0);
        }
    }

    void aFailedDeviceLosesNothingAndChangesNoBit()
    {
        // Worker 0 (which always gets work) fails after 5 steps; its member continues on worker 1
        // from the last output time, and the file ends byte-identical to the run without the fault.
        QTemporaryDir directory;
        std::vector<std::vector<double>> runs;
        for (const char* fault : {"", "device=0,after-steps=5"}) {
            const QString path = directory.filePath(QString("fault%1.nc").arg(runs.size()));
            QStringList arguments{"run", "-T", "21", "--lead", "1d", "--members", "3", "--devices", "cpu:2"};
            arguments += QStringList{"--skeb", "1e-10", "--precision", "double", "--out", path};
            if (*fault) {
                arguments += QStringList{"--inject-fault", fault};
            }
            const CliResult result = runCli(arguments);
            QVERIFY2(result.exitCode == 0, qPrintable(result.err));
            if (*fault) {
                QVERIFY2(result.err.contains("device cpu/0 failed (injected fault after 5 steps)"),
                         qPrintable(result.err));
                QVERIFY(result.err.contains("goes on elsewhere from its checkpoint"));
            }
            int ncid = -1;
            QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
            QCOMPARE(globalText(ncid, "run_status"), QString("complete"));
            std::vector<double> all;
            for (const char* name : {"height", "vorticity", "height_spread"}) {
                int variable = -1;
                QCOMPARE(nc_inq_varid(ncid, name, &variable), NC_NOERR);
                std::vector<double> values(5 * 3 * 32 * 64);
                int dimensions = 0;
                nc_inq_varndims(ncid, variable, &dimensions);
                values.resize(dimensions == 4 ? values.size() : values.size() / 3);
                QCOMPARE(nc_get_var_double(ncid, variable, values.data()), NC_NOERR);
                all.insert(all.end(), values.begin(), values.end());
            }
            nc_close(ncid);
            runs.push_back(std::move(all));
        }
        QVERIFY(std::memcmp(runs[0].data(), runs[1].data(), runs[0].size() * sizeof(double)) == 0);
    }

    void membersWithNoDeviceLeftAreReported()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath("lost.nc");
        const CliResult result = runCli({"run", "-T", "21", "--lead", "12h", "--members", "2", "--devices", "cpu:1",
                                         "--inject-fault", "device=0,after-steps=2", "--out", path});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("member 0: failed on every device"), qPrintable(result.err));
        QVERIFY2(result.err.contains("member 1: no device left to run it"), qPrintable(result.err));
        int ncid = -1;
        QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
        QVERIFY(globalText(ncid, "run_status").startsWith("failed: 0 of 2 members complete"));
        nc_close(ncid);
    }

    void badInputIsRefusedWithAClearMessage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown case") << QStringList{"--ic", "williamson9"}
                                      << "unknown initial condition 'williamson9'";
        QTest::newRow("missing file") << QStringList{"--ic", "/nonexistent/ic.nc"} << "/nonexistent/ic.nc";
        QTest::newRow("lead zero") << QStringList{"--lead", "0h"} << "lead time";
        QTest::newRow("lead too long") << QStringList{"--lead", "61d"} << "out of range";
        QTest::newRow("not a duration") << QStringList{"--lead", "5x"} << "not a duration";
        QTest::newRow("no members") << QStringList{"--members", "0"} << "ensemble size 0";
        QTest::newRow("too many members") << QStringList{"--members", "20000"} << "ensemble size 20000";
        QTest::newRow("truncation") << QStringList{"-T", "500"} << "truncation T500";
        QTest::newRow("time step too long") << QStringList{"-T", "85", "--dt", "3600s"} << "too long for T85";
        QTest::newRow("step not dividing output")
            << QStringList{"-T", "42", "--dt", "700s"} << "does not divide the output interval";
        QTest::newRow("lead not whole outputs")
            << QStringList{"--lead", "1d", "--output-every", "7h"} << "not a whole number of output intervals";
        QTest::newRow("not a number") << QStringList{"--members", "many"} << "members";
        QTest::newRow("bad threshold") << QStringList{"--probability", "pressure>5"}
                                       << "the threshold on 'pressure' names no output variable";
        QTest::newRow("stored member out of range")
            << QStringList{"--members", "4", "--store-members", "2,7"} << "member 7 is not in 0 … 3";
        QTest::newRow("nothing to store") << QStringList{"--store-members", "none"} << "leaves nothing to write";
        QTest::newRow("bad fault") << QStringList{"--inject-fault", "device=one"} << "--inject-fault 'device=one'";
        QTest::newRow("no gpu") << QStringList{"--devices", "gpu:0"} << "no GPU can run this forecast";
        QTest::newRow("unknown devices") << QStringList{"--devices", "tpu"} << "is not a device selection";
        QTest::newRow("bad batch") << QStringList{"--batch-size", "-2"} << "batch size -2";
        QTest::newRow("bad cpu count") << QStringList{"--devices", "cpu:0"} << "cpu:N with N ≥ 1";
        QTest::newRow("unwritable output")
            << QStringList{"--out", "/nonexistent-directory/x.nc"} << "/nonexistent-directory/x.nc";
    }
    void badInputIsRefusedWithAClearMessage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QTemporaryDir directory;
        QStringList all{"run", "-T", "21", "--lead", "6h"};
        all += arguments;
        if (!arguments.contains("--out")) {
            all += QStringList{"--out", directory.filePath("never.nc")};
        }
        const CliResult result = runCli(all);
        QVERIFY2(result.exitCode == 2, qPrintable(QString("exit %1: %2").arg(result.exitCode).arg(result.err)));
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY2(!QFileInfo::exists(directory.filePath("never.nc")), "bad input must not leave an output file");
    }

    void notANetcdfFileIsNamed()
    {
        QTemporaryDir directory;
        const QString text = directory.filePath("notes.nc");
        writeTextFile(text, "this is not NetCDF\n");
        const CliResult result =
            runCli({"run", "--ic", text, "-T", "21", "--lead", "6h", "--out", directory.filePath("out.nc")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(text) && result.err.contains("NetCDF"), qPrintable(result.err));
        QVERIFY(!QFileInfo::exists(directory.filePath("out.nc")));
    }

    void existingOutputIsKeptUnlessForced()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath("kept.nc");
        writeTextFile(path, "precious");
        const CliResult refused = runCli({"run", "-T", "21", "--lead", "6h", "--out", path});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(refused.err.contains("exists already"));
        QCOMPARE(QFileInfo(path).size(), 8);
        const CliResult forced = runCli({"run", "-T", "21", "--lead", "6h", "--out", path, "--force", "--quiet"});
        QVERIFY2(forced.exitCode == 0, qPrintable(forced.err));
    }

    void cancelledRunLeavesAValidFileThatSaysSo()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath("cancelled.nc");
        QProcess process;
        process.start(SPREADCAST_CLI, {"run", "--ic", "galewsky", "-T", "85", "--lead", "30d", "--members", "2",
                                       "--threads", "2", "--out", path});
        QVERIFY(process.waitForStarted());
        // Wait for the file to exist (the run is under way), then ask it to stop as a shell's
        // Ctrl-C or a batch system's SIGTERM would.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 20000);
        QTest::qWait(500);
        process.terminate();
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains("cancelled"), qPrintable(err));
        int ncid = -1;
        QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
        QVERIFY(globalText(ncid, "run_status").startsWith("cancelled: 0 of 2 members complete"));
        int height = -1;
        QCOMPARE(nc_inq_varid(ncid, "height", &height), NC_NOERR);
        // The initial time was written before the signal and is there to read.
        std::vector<float> initial(128 * 256);
        const size_t start[] = {0, 1, 0, 0};
        const size_t count[] = {1, 1, 128, 256};
        QCOMPARE(nc_get_vara_float(ncid, height, start, count, initial.data()), NC_NOERR);
        nc_close(ncid);
        QVERIFY(initial[0] > 9000.0f && initial[0] < 11000.0f);
    }

    void blowUpNamesStepAndFieldAndKeepsAValidFile()
    {
        // W92 case 6 peaks at 100 m/s: at T85 a 900 s step passes the 80 m/s rule of thumb but
        // breaks U·Δt·T/a < 1 (≈ 1.2) in the first step.
        QTemporaryDir directory;
        const QString path = directory.filePath("blowup.nc");
        const CliResult result = runCli({"run", "--ic", "williamson6", "-T", "85", "--dt", "900s", "--lead", "6h",
                                         "--members", "2", "--perturb-vorticity", "0", "--out", path});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("members 0–1: blow-up at step 0 in wind: CFL breach"), qPrintable(result.err));
        int ncid = -1;
        QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
        QVERIFY(globalText(ncid, "run_status").startsWith("failed: 0 of 2 members complete"));
        nc_close(ncid);
    }
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "TestCliRun.moc"
