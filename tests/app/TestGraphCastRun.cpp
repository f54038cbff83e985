#include "../common/CliRunner.h"
#include "../common/NetcdfValues.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

// spreadcast-cli run --model graphcast end to end: the tiny synthetic checkpoint, statistics and
// dataset of tests/graphcast (written by Debian's numpy at test time), run as ensembles through
// the controller into CF NetCDF on pressure levels, against the independent numpy reference.
namespace {

using spreadcast::testing::CliResult;

// GraphCast runs build their graphs on the first call: more time than the default.
CliResult runCli(const QStringList& arguments)
{
    return spreadcast::testing::runCli(arguments, 300000);
}

using spreadcast::testing::readVariable;

std::string textAttribute(const std::string& path, const char* name)
{
    int ncid = -1;
    std::string text;
    if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) {
        return text;
    }
    std::size_t length = 0;
    if (nc_inq_attlen(ncid, NC_GLOBAL, name, &length) == NC_NOERR) {
        text.resize(length);
        nc_get_att_text(ncid, NC_GLOBAL, name, text.data());
    }
    nc_close(ncid);
    return text;
}

const std::vector<std::string> targets{"2m_temperature",
                                       "mean_sea_level_pressure",
                                       "10m_v_component_of_wind",
                                       "10m_u_component_of_wind",
                                       "total_precipitation_6hr",
                                       "temperature",
                                       "geopotential",
                                       "u_component_of_wind",
                                       "v_component_of_wind",
                                       "vertical_velocity",
                                       "specific_humidity"};

}  // namespace

class TestGraphCastRun : public QObject {
    Q_OBJECT

    static constexpr int steps = 4;
    QTemporaryDir directory_;
    QString python_;

    QString path(const QString& name) const { return directory_.filePath(name); }

    QStringList runArguments(const QString& out, int members) const
    {
        return {"run",
                "--model",
                "graphcast",
                "--checkpoint",
                path("checkpoint.npz"),
                "--stats",
                path("stats"),
                "--ic",
                path("dataset.nc"),
                "--lead",
                "24h",
                "--output-every",
                "6h",
                "--members",
                QString::number(members),
                "--devices",
                "cpu:2",
                "--precision",
                "double",
                "--perturbation-scale",
                "0.1",
                "--out",
                out,
                "-q"};
    }

    // runArguments with these --ic files (and any further options) instead of the dataset.
    QStringList argumentsWithFiles(const QString& out, const QStringList& files, const QStringList& more = {}) const
    {
        QStringList arguments = runArguments(out, 1);
        const auto at = arguments.indexOf("--ic");
        arguments.remove(at, 2);
        for (const QString& file : files) {
            arguments << "--ic" << path(file);
        }
        return arguments + more;
    }

    // A part of the tiny case's dataset (tests/graphcast/cut_dataset.py), values bit for bit.
    void cutDataset(const QString& name, const QStringList& what)
    {
        runPython(QStringList{SPREADCAST_SOURCE_DIR "/tests/graphcast/cut_dataset.py", "--in", path("dataset.nc"),
                              "--out", path(name)} +
                  what);
    }

    // Every output variable of two runs holds the same numbers, bit for bit.
    static void verifySameForecast(const QString& one, const QString& other)
    {
        for (const std::string& name : targets) {
            const std::vector<double> a = readVariable(one.toStdString(), name);
            const std::vector<double> b = readVariable(other.toStdString(), name);
            QVERIFY2(!a.empty() && a.size() == b.size(), name.c_str());
            QVERIFY2(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0,
                     qPrintable(QString("%1 differs between %2 and %3").arg(name.c_str(), one, other)));
        }
    }

    void runPython(const QStringList& arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(python_, arguments);
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
    }

private slots:
    void initTestCase()
    {
        python_ = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python_.isEmpty() || QProcess::execute(python_, {"-c", "import numpy, netCDF4"}) != 0) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 (python3-numpy, python3-netcdf4)");
        }
        QVERIFY(directory_.isValid());
        runPython({SPREADCAST_SOURCE_DIR "/tests/graphcast/make_tiny_case.py", "--out", directory_.path(), "--steps",
                   QString::number(steps)});
    }

    // Member 0, the control, through the whole controller (two CPU workers, the writer) against
    // the numpy reference's rollout of the same inputs. Measure, per variable and step: max |file −
    // reference| ≤ 1e-5 of the reference field's range plus twice its float32 resolution — the C++
    // runs in float32, the reference in float64 from the same float32 data (TestGraphCastAgreement
    // measured 5e-6 of the range at most for the predictor alone).
    void controlMemberMatchesTheNumpyReference()
    {
        const QString out = path("one.nc");
        const CliResult run = runCli(runArguments(out, 1));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const std::string file = out.toStdString();
        const std::string reference = path("reference.nc").toStdString();
        QCOMPARE(readVariable(file, "level"), (std::vector<double>{500.0, 850.0, 1000.0}));
        QCOMPARE(readVariable(file, "time"), (std::vector<double>{0.0, 6.0, 12.0, 18.0, 24.0}));
        for (const std::string& name : targets) {
            const std::vector<double> ours = readVariable(file, name);         // (time, member 1, [level,] lat, lon)
            const std::vector<double> theirs = readVariable(reference, name);  // (batch 1, step, [level,] lat, lon)
            QVERIFY2(!theirs.empty() && ours.size() == theirs.size() / steps * (steps + 1), name.c_str());
            const std::size_t slab = theirs.size() / steps;
            for (int step = 0; step < steps; ++step) {
                const double* expected = theirs.data() + static_cast<std::size_t>(step) * slab;
                const double* actual = ours.data() + static_cast<std::size_t>(step + 1) * slab;
                const auto [low, high] = std::minmax_element(expected, expected + slab);
                const double largest = std::max(std::abs(*low), std::abs(*high));
                const double bound = 1e-5 * (*high - *low) + 2.0 * std::numeric_limits<float>::epsilon() * largest;
                double worst = 0.0;
                for (std::size_t k = 0; k < slab; ++k) {
                    worst = std::max(worst, std::abs(actual[k] - expected[k]));
                }
                QVERIFY2(
                    worst <= bound,
                    qPrintable(QString("%1 step %2: %3 > %4").arg(name.c_str()).arg(step + 1).arg(worst).arg(bound)));
            }
        }
        QVERIFY(textAttribute(file, "graphcast_checkpoint_license").find("CC BY-NC-SA 4.0") != std::string::npos);
        QVERIFY(textAttribute(file, "source").find("GraphCast") != std::string::npos);
    }

    // Eight members on two workers: the first member is bitwise the 1-member run's (the first N
    // members never depend on the ensemble size), the perturbed members differ from the control,
    // and the statistics are on the levels.
    void anEnsembleRunsOnTwoWorkersWithMemberZeroTheControl()
    {
        const QString one = path("one-for-ensemble.nc");
        const QString eight = path("eight.nc");
        QCOMPARE(runCli(runArguments(one, 1)).exitCode, 0);
        const CliResult run = runCli(runArguments(eight, 8));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const std::vector<double> control = readVariable(one.toStdString(), "temperature");
        const std::vector<double> members = readVariable(eight.toStdString(), "temperature");
        const std::size_t slab = control.size() / (steps + 1);  // one member, one time
        QCOMPARE(members.size(), 8 * control.size());
        for (int time = 0; time <= steps; ++time) {
            const double* inEnsemble = members.data() + static_cast<std::size_t>(time) * 8 * slab;
            const double* alone = control.data() + static_cast<std::size_t>(time) * slab;
            QVERIFY(std::memcmp(inEnsemble, alone, slab * sizeof(double)) == 0);
            double difference = 0.0;
            for (std::size_t k = 0; k < slab; ++k) {
                difference = std::max(difference, std::abs(inEnsemble[slab + k] - alone[k]));
            }
            QVERIFY2(difference > 1e-3, "member 1 should differ from the control by its perturbation");
        }
        const std::vector<double> spread = readVariable(eight.toStdString(), "temperature_spread");
        QCOMPARE(spread.size(), control.size());
        QVERIFY(*std::max_element(spread.begin(), spread.end()) > 0.0);
    }

    // The ensemble's file on the globe: temperature's mean on two pressure levels (different
    // images), and a level the file lacks refused with the list of those it has.
    void rendersFieldsOnPressureLevels()
    {
        const QString eight = path("eight.nc");
        const std::vector<double> levels = readVariable(eight.toStdString(), "level");
        QVERIFY(levels.size() >= 2);
        QByteArray images[2];
        for (int k = 0; k < 2; ++k) {
            const QString png = path(QString("level-%1.png").arg(k));
            const CliResult render =
                runCli({"render", eight, "--field", "temperature", "--level", QString::number(levels[k]), "--product",
                        "mean", "--time", "last", "--width", "320", "--height", "240", "--out", png});
            if (render.err.contains("built without the workstation")) {
                QSKIP("this spreadcast-cli has no VTK scenes (headless build)");
            }
            QVERIFY2(render.exitCode == 0, qPrintable(render.err));
            QVERIFY2(render.out.contains(QString("at %1 hPa").arg(levels[k])), qPrintable(render.out));
            QFile file(png);
            QVERIFY(file.open(QIODevice::ReadOnly));
            images[k] = file.readAll();
        }
        QVERIFY(images[0] != images[1]);
        const QString bad = path("no-level.png");
        const CliResult wrong =
            runCli({"render", eight, "--field", "temperature", "--level", "123", "--product", "mean", "--out", bad});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("123") && wrong.err.contains(QString::number(levels[0])), qPrintable(wrong.err));
        QVERIFY(!QFile::exists(bad));
    }

    // The two input times in one file, one file per time (in either order), pressure levels and
    // surface apart, or the statics in a file of their own (--static): the same inputs, so the
    // same forecast, bit for bit.
    void initialConditionsSplitIntoSeveralFilesGiveTheSameForecast()
    {
        cutDataset("inputs.nc", {"--times", "0,1"});
        cutDataset("first.nc", {"--times", "0"});
        cutDataset("second.nc", {"--times", "1"});
        cutDataset("upper.nc",
                   {"--times", "0,1", "--drop-variable", "2m_temperature", "--drop-variable", "mean_sea_level_pressure",
                    "--drop-variable", "10m_u_component_of_wind", "--drop-variable", "10m_v_component_of_wind",
                    "--drop-variable", "total_precipitation_6hr"});
        cutDataset("surface.nc", {"--times", "0,1", "--drop-variable", "temperature", "--drop-variable", "geopotential",
                                  "--drop-variable", "u_component_of_wind", "--drop-variable", "v_component_of_wind",
                                  "--drop-variable", "vertical_velocity", "--drop-variable", "specific_humidity"});
        cutDataset("no-statics.nc", {"--times", "0,1", "--drop-variable", "geopotential_at_surface", "--drop-variable",
                                     "land_sea_mask"});
        cutDataset("statics.nc", {"--times", "0", "--only-statics"});
        const QString whole = path("split-whole.nc");
        CliResult run = runCli(argumentsWithFiles(whole, {"inputs.nc"}));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QList<std::pair<QString, QStringList>> variants{
            {"split-per-time.nc", {"--ic", path("first.nc"), "--ic", path("second.nc")}},
            {"split-reversed.nc", {"--ic", path("second.nc"), "--ic", path("first.nc")}},
            {"split-levels.nc", {"--ic", path("upper.nc"), "--ic", path("surface.nc")}},
            {"split-statics.nc", {"--ic", path("no-statics.nc"), "--static", path("statics.nc")}},
        };
        for (const auto& [name, options] : variants) {
            QStringList arguments = argumentsWithFiles(path(name), {});
            arguments += options;
            run = runCli(arguments);
            QVERIFY2(run.exitCode == 0, qPrintable(name + ": " + run.err));
            verifySameForecast(whole, path(name));
        }
    }

    // --ic-time picks the initial time and the time 6 hours earlier out of a longer file (by date,
    // here its last two of three times; DeepMind's layout would default to the first two): the
    // same forecast as from a file of just those two times.
    void icTimePicksTheInputsFromALongerFile()
    {
        cutDataset("three-times.nc", {"--times", "0,1,2"});
        cutDataset("later-two.nc", {"--times", "1,2"});
        const QString picked = path("picked.nc");
        const QString given = path("given.nc");
        CliResult run = runCli(argumentsWithFiles(picked, {"three-times.nc"}, {"--ic-time", "2022-01-01T12:00Z"}));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        run = runCli(argumentsWithFiles(given, {"later-two.nc"}));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        verifySameForecast(picked, given);
        QCOMPARE(readVariable(picked.toStdString(), "time").front(), 0.0);
        QVERIFY(textAttribute(picked.toStdString(), "spreadcast_run_spec").find("2022-01-01T12:00Z") !=
                std::string::npos);
    }

    // An initial condition at 5° for the 10° checkpoint (the tiny case's fields sampled finer, as
    // 0.25° data for the 1° model) is regridded conservatively, one at 20° bilinearly, and the run
    // log says so.
    void anInitialConditionOnAnotherGridIsRegriddedWithANote_data()
    {
        QTest::addColumn<QString>("resolution");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("how");
        QTest::newRow("finer: conservative") << "5"
                                             << "from 5° (37 × 72"
                                             << "first-order conservative";
        QTest::newRow("coarser: bilinear") << "20"
                                           << "from 20° (10 × 18"
                                           << "bilinear in latitude and longitude";
    }

    void anInitialConditionOnAnotherGridIsRegriddedWithANote()
    {
        QFETCH(QString, resolution);
        QFETCH(QString, from);
        QFETCH(QString, how);
        const QString file = "at-" + resolution + ".nc";
        runPython({SPREADCAST_SOURCE_DIR "/tests/graphcast/make_dataset.py", "--preset", "tiny", "--resolution",
                   resolution, "--steps", "0", "--out", path(file)});
        const QString out = path("regridded-from-" + resolution + ".nc");
        QStringList arguments = argumentsWithFiles(out, {file});
        arguments.removeAll("-q");
        const CliResult run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains("initial condition '" + path(file) + "' regridded " + from) &&
                     run.err.contains("to 10° (19 × 36") && run.err.contains(how),
                 qPrintable(run.err));
        const std::vector<double> temperature = readVariable(out.toStdString(), "temperature");
        QCOMPARE(temperature.size(), std::size_t{(steps + 1) * 3 * 19 * 36});
        QVERIFY(std::all_of(temperature.begin(), temperature.end(), [](double t) { return t > 150.0 && t < 350.0; }));
    }

    void badInputsAreRefusedWithAClearMessageAndNothingWritten_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("message");
        QTest::newRow("no checkpoint") << "no-checkpoint"
                                       << "no GraphCast checkpoint: give --checkpoint";
        QTest::newRow("not a zip") << "not-a-zip"
                                   << "not-a-zip.npz";
        QTest::newRow("truncated") << "truncated"
                                   << "truncated.npz";
        QTest::newRow("missing parameter") << "missing-parameter"
                                           << "encoder_nodes_grid_nodes_mlp/~/linear_0:w";
        QTest::newRow("wrong shape") << "wrong-shape"
                                     << "encoder_nodes_grid_nodes_mlp/~/linear_1:w";
        QTest::newRow("stats lack a variable") << "stats-lack"
                                               << "temperature";
        QTest::newRow("missing level") << "missing-level"
                                       << "at 2022-01-01 00:00 and 2022-01-01 06:00 in '" + path("missing-level.nc") +
                                              "' lack the level 850 hPa";
        QTest::newRow("missing variable") << "missing-variable"
                                          << "no 'specific_humidity' at 2022-01-01 00:00 and 2022-01-01 06:00 in '";
        QTest::newRow("one time") << "one-time"
                                  << "holds a single time (2022-01-01 00:00); GraphCast needs 2 times";
        QTest::newRow("times 12 h apart") << "twelve-hours"
                                          << "has no time 2022-01-01 06:00, 6 hours before the initial time";
        QTest::newRow("statics missing") << "no-statics"
                                         << "no static 'geopotential_at_surface'";
        QTest::newRow("statics file missing") << "statics-file-missing"
                                              << "the statics file";
        QTest::newRow("regional domain") << "regional"
                                         << "regional domain";
        QTest::newRow("ic-time not in the file") << "ic-time-absent"
                                                 << "has no time 2022-01-03 00:00";
        QTest::newRow("ic-time not a time") << "ic-time-garbage"
                                            << "is not a UTC time";
    }

    void badInputsAreRefusedWithAClearMessageAndNothingWritten()
    {
        QFETCH(QString, what);
        QFETCH(QString, message);
        const QString out = path("bad-" + what + ".nc");
        QStringList arguments = runArguments(out, 2);
        const QString makeCheckpoint = SPREADCAST_SOURCE_DIR "/tests/graphcast/make_checkpoint.py";
        const QString key = "params:grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/";
        auto replace = [&](const QString& option, const QString& value) {
            arguments[static_cast<int>(arguments.indexOf(option)) + 1] = value;
        };
        if (what == "no-checkpoint") {
            const auto at = arguments.indexOf("--checkpoint");
            arguments.remove(at, 2);
        } else if (what == "not-a-zip") {
            QFile file(path("not-a-zip.npz"));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("this is no zip archive at all");
            file.close();
            replace("--checkpoint", path("not-a-zip.npz"));
        } else if (what == "truncated") {
            QFile whole(path("checkpoint.npz"));
            QVERIFY(whole.open(QIODevice::ReadOnly));
            QFile cut(path("truncated.npz"));
            QVERIFY(cut.open(QIODevice::WriteOnly));
            cut.write(whole.read(whole.size() / 2));
            cut.close();
            replace("--checkpoint", path("truncated.npz"));
        } else if (what == "missing-parameter") {
            runPython({makeCheckpoint, "--preset", "tiny", "--out", path("missing.npz"), "--drop", key + "linear_0:w"});
            replace("--checkpoint", path("missing.npz"));
        } else if (what == "wrong-shape") {
            runPython(
                {makeCheckpoint, "--preset", "tiny", "--out", path("wrong.npz"), "--wrong-shape", key + "linear_1:w"});
            replace("--checkpoint", path("wrong.npz"));
        } else if (what == "stats-lack") {
            runPython({SPREADCAST_SOURCE_DIR "/tests/graphcast/make_stats.py", "--preset", "tiny", "--out",
                       path("stats-lack"), "--drop-variable", "temperature"});
            replace("--stats", path("stats-lack"));
        } else if (what == "missing-level") {
            runPython({SPREADCAST_SOURCE_DIR "/tests/graphcast/make_dataset.py", "--preset", "tiny", "--steps", "0",
                       "--levels", "500,1000", "--out", path("missing-level.nc")});
            replace("--ic", path("missing-level.nc"));
        } else if (what == "missing-variable") {
            cutDataset("missing-variable.nc", {"--times", "0,1", "--drop-variable", "specific_humidity"});
            replace("--ic", path("missing-variable.nc"));
        } else if (what == "one-time") {
            cutDataset("one-time.nc", {"--times", "0"});
            replace("--ic", path("one-time.nc"));
        } else if (what == "twelve-hours") {
            cutDataset("twelve-hours.nc", {"--times", "0,2"});
            replace("--ic", path("twelve-hours.nc"));
        } else if (what == "no-statics") {
            cutDataset("lacks-statics.nc",
                       {"--drop-variable", "geopotential_at_surface", "--drop-variable", "land_sea_mask"});
            replace("--ic", path("lacks-statics.nc"));
        } else if (what == "statics-file-missing") {
            arguments << "--static" << path("there-is-no-such-file.nc");
        } else if (what == "regional") {
            cutDataset("regional.nc", {"--latitudes", "0,90"});
            replace("--ic", path("regional.nc"));
        } else if (what == "ic-time-absent") {
            arguments << "--ic-time"
                      << "2022-01-03 00:00";
        } else if (what == "ic-time-garbage") {
            arguments << "--ic-time"
                      << "tomorrow morning";
        }
        const CliResult run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestGraphCastRun)
#include "TestGraphCastRun.moc"
