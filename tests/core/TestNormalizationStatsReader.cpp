#include "../common/PythonGenerator.h"
#include "graphcast/NormalizationStatsReader.h"
#include "run/InputError.h"

#include <QTemporaryDir>
#include <QtTest>

#include <string>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

// Statistics in the layout of DeepMind's dm_graphcast/stats/ files, written by xarray: variables
// on (level) or scalar, a level coordinate. One directory per case.
const char* const generator = R"(
import os, sys
import numpy as np
import xarray as xr

out = sys.argv[1]
levels = np.array([50, 500, 850, 1000], dtype=np.int32)

def stats(scale, levels=levels, **extra):
    variables = {
        "temperature": ("level", np.array([210.0, 250.0, 275.0, 285.0])[: len(levels)] * scale),
        "geopotential": ("level", np.array([2e5, 5.5e4, 1.4e4, 700.0])[: len(levels)] * scale),
        "2m_temperature": ((), 280.0 * scale),
        "year_progress_sin": ((), 0.5 * scale),
    }
    variables.update(extra)
    return xr.Dataset(variables, coords={"level": levels})

def write(case, mean, stddev, diffs):
    os.makedirs(f"{out}/{case}", exist_ok=True)
    for name, dataset in (("mean", mean), ("stddev", stddev), ("diffs_stddev", diffs)):
        if dataset is not None:
            dataset.to_netcdf(f"{out}/{case}/{name}_by_level.nc")

write("good", stats(1.0), stats(0.1), stats(0.01))
write("missing-file", stats(1.0), stats(0.1), None)
write("bad-dims", stats(1.0, lat_field=(("level", "lat"), np.ones((4, 2)))), stats(0.1), stats(0.01))
write("other-levels", stats(1.0), stats(0.1), stats(0.01, levels=levels[:3]))
write("zero-stddev", stats(1.0), stats(0.1, **{"2m_temperature": ((), 0.0)}), stats(0.01))
print("generated")
)";

TaskConfig sampleTask()
{
    TaskConfig task;
    task.inputVariables = {"2m_temperature", "temperature", "geopotential", "year_progress_sin"};
    task.targetVariables = {"2m_temperature", "temperature", "geopotential"};
    task.forcingVariables = {"year_progress_sin"};
    task.pressureLevels = {500, 1000};
    task.inputDuration = "12h";
    return task;
}

void expectInputError(const std::function<void()>& read, const QStringList& expected)
{
    try {
        read();
        QFAIL("bad statistics were accepted");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        for (const QString& part : expected) {
            QVERIFY2(message.contains(part), qPrintable("'" + part + "' not in: " + message));
        }
    }
}

}  // namespace

class TestNormalizationStatsReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void readsPerLevelAndScalarValues();
    void acceptsStatisticsCoveringTheTask();
    void namesWhatTheTaskMisses();
    void refusesBadFiles();

private:
    std::string path(const char* name) const { return directory_.filePath(name).toStdString(); }

    QTemporaryDir directory_;
};

void TestNormalizationStatsReader::initTestCase()
{
    QVERIFY(directory_.isValid());
    const spreadcast::testing::GeneratorRun python =
        spreadcast::testing::runPythonGenerator(generator, directory_.path());
    if (python.missingModule) {
        QSKIP("/usr/bin/python3 with numpy and xarray is not installed (apt install python3-xarray python3-netcdf4)");
    }
    QVERIFY2(python.succeeded, qPrintable(python.output));
}

void TestNormalizationStatsReader::readsPerLevelAndScalarValues()
{
    const NormalizationStats stats = readNormalizationStats(path("good"));
    QCOMPARE(stats.levels, (std::vector<int>{50, 500, 850, 1000}));
    QCOMPARE(stats.mean.size(), std::size_t{4});
    QCOMPARE(stats.mean.at("temperature"), (std::vector<double>{210.0, 250.0, 275.0, 285.0}));
    QCOMPARE(stats.mean.at("2m_temperature"), (std::vector<double>{280.0}));
    QCOMPARE(stats.stddev.at("geopotential"), (std::vector<double>{2e5 * 0.1, 5.5e4 * 0.1, 1.4e4 * 0.1, 700.0 * 0.1}));
    QCOMPARE(stats.diffsStddev.at("year_progress_sin"), (std::vector<double>{0.5 * 0.01}));
}

void TestNormalizationStatsReader::acceptsStatisticsCoveringTheTask()
{
    checkNormalizationCoversTask(readNormalizationStats(path("good")), sampleTask(), path("good"));
}

void TestNormalizationStatsReader::namesWhatTheTaskMisses()
{
    const NormalizationStats stats = readNormalizationStats(path("good"));
    TaskConfig withPrecipitation = sampleTask();
    withPrecipitation.targetVariables.push_back("total_precipitation_6hr");  // a target that is no input
    expectInputError([&] { checkNormalizationCoversTask(stats, withPrecipitation, path("good")); },
                     {"'total_precipitation_6hr'", "mean_by_level.nc"});
    TaskConfig otherLevel = sampleTask();
    otherLevel.pressureLevels.push_back(925);
    expectInputError([&] { checkNormalizationCoversTask(stats, otherLevel, path("good")); },
                     {"925 hPa", "'temperature'"});
}

void TestNormalizationStatsReader::refusesBadFiles()
{
    expectInputError([&] { readNormalizationStats(path("no-such-directory")); },
                     {QString::fromStdString(path("no-such-directory/mean_by_level.nc")), "no such file"});
    expectInputError([&] { readNormalizationStats(path("missing-file")); },
                     {"diffs_stddev_by_level.nc", "no such file"});
    expectInputError([&] { readNormalizationStats(path("bad-dims")); },
                     {"'lat_field'", "mean_by_level.nc", "(level) or none"});
    expectInputError([&] { readNormalizationStats(path("other-levels")); },
                     {"diffs_stddev_by_level.nc", "other pressure levels"});
    expectInputError([&] { readNormalizationStats(path("zero-stddev")); },
                     {"'2m_temperature'", "stddev_by_level.nc", "positive"});
}

QTEST_GUILESS_MAIN(TestNormalizationStatsReader)
#include "TestNormalizationStatsReader.moc"
