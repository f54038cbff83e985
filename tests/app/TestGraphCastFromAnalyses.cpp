#include "../common/AnalysisFiles.h"
#include "../common/CliRunner.h"
#include "../common/NetcdfValues.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

// Issue 13's "done when": one analysis as ECMWF open data's GRIB2 (gh on pressure levels, 2t msl
// 10u 10v, lsm, surface z, tp accumulated from the forecast's start), as the CDS's NetCDF
// (valid_time, pressure_level, latitudes north to south, short names, t t2m msl packed with
// scale_factor/add_offset, ERA5's hourly tp in a file of its own) and in DeepMind's layout gives
// the same 8-member GraphCast forecast, bit for bit, through `spreadcast-cli run --model
// graphcast`; member 0 is the unperturbed control, the others differ.
//
// Bitwise needs the same float inputs from each file. GRIB's 16-bit simple packing is lossy, so
// the NetCDF files are written from the values ecCodes decodes (tests/common/AnalysisFiles.h);
// the CDS's int16 packing is lossy too, so the packed variables are made of values on their
// packing grid (t in quarter kelvin, t2m in half kelvin, msl in whole pascals), which GRIB's
// packing keeps exact (its step is at most 2⁻⁹ K and 2⁻⁶ Pa here) and unpacking gives back
// exactly. Precipitation: hourly amounts are whole multiples of 2⁻¹⁴ m (at most 1 mm), so the
// accumulations from the start (GRIB), their difference, the CDS's six hourly values summed and
// DeepMind's 6-hour sums are all exact in float, and the three derivations agree to the bit.
namespace {

using spreadcast::testing::CliResult;
using spreadcast::testing::readVariable;
using namespace spreadcast::testing;

constexpr int members = 8;
constexpr int leadSteps = 2;                   // 12 h
const std::vector<long> inputSteps = {6, 12};  // hours after 2024-01-01 00 UTC: the two input times

// The names of a file's variables that are not coordinates (dimensions), e.g. the forecast's
// fields and their statistics.
std::vector<std::string> dataVariables(const std::string& path)
{
    std::vector<std::string> names;
    int ncid = -1;
    if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) {
        return names;
    }
    int count = 0;
    nc_inq_nvars(ncid, &count);
    for (int id = 0; id < count; ++id) {
        char name[NC_MAX_NAME + 1] = {};
        int dimension = -1;
        nc_inq_varname(ncid, id, name);
        if (nc_inq_dimid(ncid, name, &dimension) != NC_NOERR) {
            names.emplace_back(name);
        }
    }
    nc_close(ncid);
    return names;
}

// tp accumulated over the hour ending `hour` after midnight, in metres: a whole multiple of 2⁻¹⁴.
double hourlyPrecipitation(long hour, int row, int column)
{
    return static_cast<double>((row + 2 * column + 3 * hour) % 17) / 16384.0;
}

double accumulatedPrecipitation(long from, long to, int row, int column)
{
    double sum = 0.0;
    for (long hour = from + 1; hour <= to; ++hour) {
        sum += hourlyPrecipitation(hour, row, column);
    }
    return sum;
}

// Plausible values on the tiny case's 10° grid (19 × 36, levels 500, 850, 1000 hPa), different per
// variable, level, step and point.
double analysisValue(const std::string& shortName, long level, long step, int row, int column)
{
    const double r = row;
    const double c = column;
    const double s = static_cast<double>(step);
    const double fromPole = std::abs(r - 9.0);  // 0 at the equator
    if (shortName == "gh")
        return (level == 500 ? 5600.0 : level == 850 ? 1500.0 : 110.0) - 20.0 * fromPole + 2.0 * (column % 9) + s;
    if (shortName == "t")
        return (level == 500 ? 250.0 : level == 850 ? 275.0 : 285.0) - 2.0 * fromPole + 0.25 * (column % 8) + 0.25 * s;
    if (shortName == "u")
        return (level == 500 ? 15.0 : 5.0) - fromPole + 0.5 * (column % 5);
    if (shortName == "v")
        return 0.25 * (column % 12) - 1.5 - 0.1 * s;
    if (shortName == "w")
        return 0.01 * (r - 9.0) - 0.002 * (column % 7);
    if (shortName == "q")
        return (level == 500 ? 0.001 : level == 850 ? 0.005 : 0.01) * (1.0 - fromPole / 10.0) + 1e-5 * c;
    if (shortName == "2t")
        return 300.0 - 3.0 * fromPole + (column % 6) + s;
    if (shortName == "msl")
        return 101000.0 + 40.0 * fromPole - 10.0 * (column % 10) + s;
    if (shortName == "10u")
        return 6.0 - fromPole + 0.5 * (column % 3);
    if (shortName == "10v")
        return -2.0 + 0.25 * (column % 9) + 0.5 * s;
    if (shortName == "lsm")
        return (row + column) % 3 == 0 ? 1.0 : 0.0;
    if (shortName == "z")
        return 400.0 * (row % 4) * (column % 3);
    if (shortName == "tp")
        return accumulatedPrecipitation(0, step, row, column);  // open data's: from the forecast's start
    throw std::invalid_argument("no value for " + shortName);
}

SyntheticAnalysis tinyAnalysis()
{
    SyntheticAnalysis analysis;
    analysis.rows = 19;
    analysis.columns = 36;
    analysis.levels = {500, 850, 1000};
    analysis.steps = inputSteps;
    analysis.value = analysisValue;
    return analysis;
}

}  // namespace

class TestGraphCastFromAnalyses : public QObject {
    Q_OBJECT

    QTemporaryDir directory_;
    QString python_;

    QString path(const QString& name) const { return directory_.filePath(name); }
    std::string file(const char* name) const { return path(name).toStdString(); }

    void runPython(const QStringList& arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(python_, arguments);
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
    }

    // A run from these --ic files; what it said on stderr (the run log), or a failed check.
    CliResult run(const QString& out, const QStringList& files, int ensembleSize)
    {
        QStringList arguments{"run",
                              "--model",
                              "graphcast",
                              "--checkpoint",
                              path("checkpoint.npz"),
                              "--stats",
                              path("stats"),
                              "--lead",
                              QString::number(6 * leadSteps) + "h",
                              "--output-every",
                              "6h",
                              "-n",
                              QString::number(ensembleSize),
                              "--devices",
                              "cpu:2",
                              "--perturbation-scale",
                              "0.1",
                              "--out",
                              out};
        for (const QString& name : files) {
            arguments << "--ic" << path(name);
        }
        return spreadcast::testing::runCli(arguments, 300000);
    }

private slots:
    void initTestCase()
    {
        python_ = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python_.isEmpty() || QProcess::execute(python_, {"-c", "import numpy, netCDF4"}) != 0) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 (python3-numpy, python3-netcdf4)");
        }
        QVERIFY(directory_.isValid());
        runPython({SPREADCAST_SOURCE_DIR "/tests/graphcast/make_checkpoint.py", "--preset", "tiny", "--out",
                   path("checkpoint.npz")});
        runPython({SPREADCAST_SOURCE_DIR "/tests/graphcast/make_stats.py", "--preset", "tiny", "--out", path("stats")});

        const SyntheticAnalysis analysis = tinyAnalysis();
        std::vector<GribParameter> parameters = openDataParameters;
        parameters.push_back(openDataPrecipitation);
        writeGrib(file("open-data.grib2"), analysis, GribLayout::NorthToSouthFromGreenwich, analysis.steps, parameters);
        DecodedFields decoded = decodeGrib(file("open-data.grib2"), analysis);
        QCOMPARE(decoded.size(), std::size_t{2 * (6 * 3 + 7)});

        // The precipitation the other formats hold: ERA5's hours 01…12, and DeepMind's 6-hour sums.
        // GRIB's accumulations must have come back exact for the three to agree.
        SyntheticAnalysis hours = analysis;
        hours.steps.clear();
        for (long hour = 1; hour <= inputSteps.back(); ++hour) {
            hours.steps.push_back(hour);
        }
        for (long step : inputSteps) {
            std::vector<double>& sixHours = decoded[{"tp6", 0, step}];
            const std::vector<double>& fromStart = decoded.at({"tp", 0, step});
            for (int row = 0; row < analysis.rows; ++row) {
                for (int column = 0; column < analysis.columns; ++column) {
                    const auto point = static_cast<std::size_t>(row * analysis.columns + column);
                    QVERIFY(fromStart[point] == accumulatedPrecipitation(0, step, row, column));
                    sixHours.push_back(accumulatedPrecipitation(step - 6, step, row, column));
                }
            }
        }
        for (long hour : hours.steps) {
            std::vector<double>& field = decoded[{"tp1", 0, hour}];
            for (int row = 0; row < analysis.rows; ++row) {
                for (int column = 0; column < analysis.columns; ++column) {
                    field.push_back(hourlyPrecipitation(hour, row, column));
                }
            }
        }

        std::vector<NetcdfVariableSpec> pressureLevels = cdsPressureLevelVariables;
        pressureLevels[1] = {"t", "K", "t", 1.0, true, false, 0.25, 250.0};
        std::vector<NetcdfVariableSpec> singleLevels = cdsSingleLevelVariables;
        singleLevels[1] = {"msl", "Pa", "msl", 1.0, true, false, 1.0, 101000.0};
        writeCdsNetcdf(file("cds-pressure-levels.nc"), analysis, pressureLevels, true, decoded);
        writeCdsNetcdf(file("cds-single-levels.nc"), analysis, singleLevels, false, decoded);
        writeCdsNetcdf(file("cds-precipitation.nc"), hours, {{"tp", "m", "tp1"}}, false, decoded);
        hours.steps.erase(std::find(hours.steps.begin(), hours.steps.end(), 9));
        writeCdsNetcdf(file("cds-precipitation-without-09.nc"), hours, {{"tp", "m", "tp1"}}, false, decoded);
        std::vector<DeepMindVariable> variables = deepMindVariables;
        variables.push_back({"total_precipitation_6hr", "tp6", 1.0, DeepMindVariable::Surface});
        writeDeepMindNetcdf(file("deepmind.nc"), analysis, decoded, variables);
    }

    void theThreeFormatsGiveTheSameEnsembleWithAControl()
    {
        const CliResult fromGrib = run(path("from-grib.nc"), {"open-data.grib2"}, members);
        QVERIFY2(fromGrib.exitCode == 0, qPrintable(fromGrib.err));
        const CliResult fromCds = run(
            path("from-cds.nc"), {"cds-pressure-levels.nc", "cds-single-levels.nc", "cds-precipitation.nc"}, members);
        QVERIFY2(fromCds.exitCode == 0, qPrintable(fromCds.err));
        const CliResult fromDeepMind = run(path("from-deepmind.nc"), {"deepmind.nc"}, members);
        QVERIFY2(fromDeepMind.exitCode == 0, qPrintable(fromDeepMind.err));
        const CliResult control = run(path("control.nc"), {"deepmind.nc"}, 1);
        QVERIFY2(control.exitCode == 0, qPrintable(control.err));

        // The run log says how the 6-hour precipitation came about where a file did not hold it.
        QVERIFY2(fromGrib.err.contains("total_precipitation_6hr at 2024-01-01 12:00 (the 6 hours before it) from − tp"),
                 qPrintable(fromGrib.err));
        QVERIFY2(fromCds.err.contains("total_precipitation_6hr at 2024-01-01 06:00 (the 6 hours before it) from the "
                                      "sum of 6 accumulations"),
                 qPrintable(fromCds.err));

        // Every variable of the files (the members' fields on levels and at the surface, and the
        // statistics), the same bit for bit.
        const std::vector<std::string> names = dataVariables(path("from-grib.nc").toStdString());
        QVERIFY(names.size() >= 11);
        for (const std::string& name : names) {
            const std::vector<double> grib = readVariable(path("from-grib.nc").toStdString(), name);
            const std::vector<double> cds = readVariable(path("from-cds.nc").toStdString(), name);
            const std::vector<double> deepMind = readVariable(path("from-deepmind.nc").toStdString(), name);
            QVERIFY2(!grib.empty() && grib.size() == cds.size() && grib.size() == deepMind.size(), name.c_str());
            QVERIFY2(std::memcmp(grib.data(), cds.data(), grib.size() * sizeof(double)) == 0,
                     qPrintable(QString("%1 differs between the GRIB and the CDS forecast").arg(name.c_str())));
            QVERIFY2(std::memcmp(grib.data(), deepMind.data(), grib.size() * sizeof(double)) == 0,
                     qPrintable(QString("%1 differs between the GRIB and DeepMind's forecast").arg(name.c_str())));
        }
        // The members' fields: those the 1-member run has a member's worth of.
        QStringList fields;
        for (const std::string& name : dataVariables(path("control.nc").toStdString())) {
            const std::vector<double> grib = readVariable(path("from-grib.nc").toStdString(), name);
            const std::vector<double> alone = readVariable(path("control.nc").toStdString(), name);
            if (grib.size() != members * alone.size() || alone.size() % (leadSteps + 1) != 0) {
                continue;
            }
            fields << QString::fromStdString(name);
            // Member 0 of the ensemble is the 1-member run, the control, bit for bit, at every
            // time; every other member differs from it once the model has run a step (and
            // temperature, which is perturbed, at the initial time already).
            const std::size_t slab = alone.size() / (leadSteps + 1);
            for (int time = 0; time <= leadSteps; ++time) {
                const double* ensemble = grib.data() + static_cast<std::size_t>(time) * members * slab;
                QVERIFY2(std::memcmp(ensemble, alone.data() + static_cast<std::size_t>(time) * slab,
                                     slab * sizeof(double)) == 0,
                         qPrintable(QString("%1 at time %2: member 0 is not the control").arg(name.c_str()).arg(time)));
                if (time == 0 && name != "temperature") {
                    continue;
                }
                for (int member = 1; member < members; ++member) {
                    const double* perturbed = ensemble + static_cast<std::size_t>(member) * slab;
                    QVERIFY2(std::memcmp(perturbed, ensemble, slab * sizeof(double)) != 0,
                             qPrintable(QString("%1 at time %2: member %3 equals the control")
                                            .arg(name.c_str())
                                            .arg(time)
                                            .arg(member)));
                }
            }
        }
        // GraphCast_small's 11 targets (6 on levels, 5 at the surface) and each member's checksum.
        QVERIFY2(fields.size() == 12 && fields.contains("checksum") && fields.contains("total_precipitation_6hr"),
                 qPrintable(fields.join(", ")));
    }

    // ERA5's hourly tp without the hour ending 09:00: GraphCast_small's input at 12:00 cannot be
    // summed; the run is refused (exit 2) with the hour named, and nothing is written.
    void aMissingHourOfPrecipitationIsNamed()
    {
        const QString out = path("without-09.nc");
        const CliResult refused =
            run(out, {"cds-pressure-levels.nc", "cds-single-levels.nc", "cds-precipitation-without-09.nc"}, 2);
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("no 'total_precipitation_6hr' at 2024-01-01 12:00") &&
                     refused.err.contains("tp for the hour ending 2024-01-01 09:00 UTC") &&
                     !refused.err.contains("10:00 UTC"),
                 qPrintable(refused.err));
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestGraphCastFromAnalyses)
#include "TestGraphCastFromAnalyses.moc"
