// GraphCast's total_precipitation_6hr from the accumulations files hold (core/ic/
// PrecipitationAccumulation, InitialConditionAssembly): ERA5's hourly tp summed, open data's tp from
// the forecast's start differenced, a 6-hour window taken as it is; what is missing named by the
// hour; and a checkpoint that does not take precipitation as input (GraphCast_operational) not
// stopped by its absence.

#include "../common/AnalysisFiles.h"
#include "ic/DatasetAssembler.h"
#include "ic/InitialConditionAssembly.h"
#include "ic/PrecipitationAccumulation.h"
#include "run/InputError.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace spreadcast;
using spreadcast::ic::PrecipitationAccumulation;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t midnight = 1704067200;  // 2024-01-01 00:00 UTC
const double floatEpsilon = std::numeric_limits<float>::epsilon();

// Hourly accumulations in metres at three points, hours 1…12 after midnight: decimals no float
// holds exactly, so the test sees the rounding it allows for.
double hourly(int hourIndex, int point)
{
    return 0.0001 * (1 + (hourIndex * 7 + point * 3) % 11) + (point == 2 ? 0.0123 : 0.0);
}

PrecipitationAccumulation window(std::int64_t start, std::int64_t end, std::vector<float> values, std::string where)
{
    return {start, end, std::move(values), std::move(where)};
}

std::vector<PrecipitationAccumulation> era5Hours(int first, int last, int skipped = -1)
{
    std::vector<PrecipitationAccumulation> hours;
    for (int h = first; h <= last; ++h) {
        if (h == skipped) {
            continue;
        }
        std::vector<float> values;
        for (int point = 0; point < 3; ++point) {
            values.push_back(static_cast<float>(hourly(h, point)));
        }
        hours.push_back(window(midnight + (h - 1) * hour, midnight + h * hour, values, "hour " + std::to_string(h)));
    }
    return hours;
}

}  // namespace

class TestPrecipitationAccumulation : public QObject {
    Q_OBJECT

private slots:
    // Six hours 07…12 summed: against the hand sum in double of the decimals. Each hourly value
    // is the float nearest its decimal (within ε/2 of it, relative), and the double sum of six
    // floats is rounded to float once (ε/2 of the sum): so |derived − exact| ≤ ε/2 · (Σ|h| + |Σh|).
    void sumsSixHourlyAccumulations()
    {
        const ic::DerivedPrecipitation derived =
            ic::precipitationOver(era5Hours(1, 12), midnight + 6 * hour, midnight + 12 * hour);
        QCOMPARE(derived.values.size(), std::size_t{3});
        for (int point = 0; point < 3; ++point) {
            double exact = 0.0;
            double magnitude = 0.0;
            for (int h = 7; h <= 12; ++h) {
                exact += hourly(h, point);
                magnitude += std::abs(hourly(h, point));
            }
            const double bound = floatEpsilon / 2 * (magnitude + std::abs(exact));
            QVERIFY2(std::abs(derived.values[static_cast<std::size_t>(point)] - exact) <= bound,
                     qPrintable(QString("point %1: %2 against %3").arg(point).arg(derived.values[point]).arg(exact)));
        }
        // Hand sums: point 0 is 0.0001 × (1 + (7h mod 11)) for h = 7…12: 6, 2, 9, 5, 1, 8 → 31.
        QVERIFY(std::abs(derived.values[0] - 0.0031) <= floatEpsilon / 2 * (0.0031 + 0.0031));
        QVERIFY(derived.how.find("the sum of 6 accumulations") != std::string::npos);
        QVERIFY(derived.missing.empty());
    }

    // Open data's tp from the forecast's start: 0-12 minus 0-6, exact here (multiples of 2⁻¹⁶ m).
    void differencesAccumulationsFromOneStart()
    {
        const float sixHours = 37.0f / 65536.0f;
        const float twelveHours = 100.0f / 65536.0f;
        const std::vector<PrecipitationAccumulation> steps = {
            window(midnight, midnight + 12 * hour, {twelveHours, 0.0f, std::nanf("")}, "step 0-12"),
            window(midnight, midnight + 6 * hour, {sixHours, 0.0f, 0.0f}, "step 0-6")};
        const ic::DerivedPrecipitation derived =
            ic::precipitationOver(steps, midnight + 6 * hour, midnight + 12 * hour);
        QCOMPARE(derived.values.size(), std::size_t{3});
        QCOMPARE(derived.values[0], 63.0f / 65536.0f);
        QCOMPARE(derived.values[1], 0.0f);
        QVERIFY(std::isnan(derived.values[2]));  // missing stays missing
        QVERIFY2(derived.how.find("− tp") == 0 && derived.how.find("step 0-6") != std::string::npos &&
                     derived.how.find("+ tp") != std::string::npos,
                 derived.how.c_str());
        // The window 0-6 itself, as it is.
        const ic::DerivedPrecipitation first = ic::precipitationOver(steps, midnight, midnight + 6 * hour);
        QCOMPARE(first.values[0], sixHours);
    }

    // A 6-hour window given as it is wins over six hours that also cover it.
    void takesASixHourWindowAsItIs()
    {
        std::vector<PrecipitationAccumulation> accumulations = era5Hours(1, 12);
        accumulations.push_back(window(midnight + 6 * hour, midnight + 12 * hour, {1.0f, 2.0f, 3.0f}, "the window"));
        const ic::DerivedPrecipitation derived =
            ic::precipitationOver(accumulations, midnight + 6 * hour, midnight + 12 * hour);
        QCOMPARE(derived.values, (std::vector<float>{1.0f, 2.0f, 3.0f}));
        QVERIFY(derived.how.find("the window") != std::string::npos);
    }

    void namesTheMissingHours()
    {
        const ic::DerivedPrecipitation derived =
            ic::precipitationOver(era5Hours(1, 12, 9), midnight + 6 * hour, midnight + 12 * hour);
        QVERIFY(derived.values.empty());
        QVERIFY2(derived.missing.find("hour ending 2024-01-01 09:00") != std::string::npos &&
                     derived.missing.find("10:00") == std::string::npos,
                 derived.missing.c_str());
        const ic::DerivedPrecipitation onlyTwelve = ic::precipitationOver(
            {window(midnight, midnight + 12 * hour, {1.0f}, "step 0-12")}, midnight + 6 * hour, midnight + 12 * hour);
        QVERIFY(onlyTwelve.values.empty());
        QVERIFY2(onlyTwelve.missing.find("tp 2024-01-01 00:00 UTC to 2024-01-01 06:00 UTC") != std::string::npos &&
                     onlyTwelve.missing.find("step 0-12") != std::string::npos,
                 onlyTwelve.missing.c_str());
    }

    // Through the assembly: a CDS file of hourly tp beside the fields gives total_precipitation_6hr
    // at both input times with a note; an hour missing is an error that names it; a checkpoint
    // that only predicts precipitation (GraphCast_operational's task) runs without any.
    void assemblesPrecipitationOrNamesTheMissingHours()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const auto path = [&](const char* name) { return directory.filePath(name).toStdString(); };
        testing::SyntheticAnalysis analysis;
        analysis.rows = 7;
        analysis.columns = 12;
        analysis.levels = {500, 850};
        analysis.steps = {6, 12};
        analysis.value = [](const std::string& shortName, long level, long step, int row, int column) {
            if (shortName == "tp") {
                return 0.0001 * static_cast<double>(1 + (row + column + step) % 5);  // hourly, in the CDS file
            }
            if (shortName == "lsm" || shortName == "z") {
                return static_cast<double>((row + column) % 2);  // statics: the same at every step
            }
            return 100.0 + static_cast<double>(level + step + row + column);
        };
        testing::writeGrib(path("fields.grib2"), analysis, testing::GribLayout::NorthToSouthFromGreenwich,
                           analysis.steps);
        testing::DecodedFields hours;
        testing::SyntheticAnalysis hourly = analysis;
        hourly.steps.clear();
        for (long h = 1; h <= 12; ++h) {
            if (h != 9) {
                hourly.steps.push_back(h);
            }
            std::vector<double> field;
            for (int row = 0; row < analysis.rows; ++row) {
                for (int column = 0; column < analysis.columns; ++column) {
                    field.push_back(analysis.value("tp", 0, h, row, column));
                }
            }
            hours[{"tp", 0, h}] = field;
        }
        testing::writeCdsNetcdf(path("tp-without-09.nc"), hourly, {{"tp", "m", "tp"}}, false, hours);
        hourly.steps = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        testing::writeCdsNetcdf(path("tp.nc"), hourly, {{"tp", "m", "tp"}}, false, hours);

        graphcast::TaskConfig task;
        task.inputVariables = {"2m_temperature",          "temperature",
                               "total_precipitation_6hr", "toa_incident_solar_radiation",
                               "land_sea_mask",           "geopotential_at_surface"};
        task.targetVariables = {"2m_temperature", "temperature", "total_precipitation_6hr"};
        task.forcingVariables = {"toa_incident_solar_radiation"};
        task.pressureLevels = {500, 850};
        const graphcast::LatLonGrid grid = graphcast::LatLonGrid::regular(30.0);

        ic::InitialConditionRequest request;
        request.files = {path("fields.grib2"), path("tp.nc")};
        const ic::AssembledInitialCondition assembled = ic::assembleInitialCondition(request, task, grid, 2);
        const std::vector<float>& atTwelve = assembled.dataset.times[1].variables.at("total_precipitation_6hr");
        // Row 0 (90°N) is the last row of the ascending grid; hours 7…12 at row 0, column 0:
        // 0.0001 × (1 + h mod 5) = 3, 4, 5, 1, 2, 3 → 0.0018.
        const float northPole = atTwelve[static_cast<std::size_t>(6 * analysis.columns)];
        QVERIFY2(std::abs(northPole - 0.0018) <= floatEpsilon / 2 * (2 * 0.0018),
                 qPrintable(QString::number(northPole)));
        bool noted = false;
        for (const std::string& note : assembled.notes) {
            noted = noted || note.find("total_precipitation_6hr at 2024-01-01 12:00 (the 6 hours before it) from "
                                       "the sum of 6") != std::string::npos;
        }
        QVERIFY(noted);

        request.files = {path("fields.grib2"), path("tp-without-09.nc")};
        try {
            ic::assembleInitialCondition(request, task, grid, 2);
            QFAIL("no InputError for a missing hour");
        } catch (const InputError& error) {
            const std::string message = error.what();
            QVERIFY2(message.find("'total_precipitation_6hr' at 2024-01-01 12:00") != std::string::npos &&
                         message.find("hour ending 2024-01-01 09:00 UTC") != std::string::npos,
                     message.c_str());
        }

        // GraphCast_operational's task: precipitation is a target, not an input.
        task.inputVariables.erase(task.inputVariables.begin() + 2);
        request.files = {path("fields.grib2")};
        const ic::AssembledInitialCondition operational = ic::assembleInitialCondition(request, task, grid, 2);
        const std::vector<float>& leadZero = operational.dataset.times[1].variables.at("total_precipitation_6hr");
        QVERIFY(std::all_of(leadZero.begin(), leadZero.end(), [](float value) { return std::isnan(value); }));
        QVERIFY(!operational.dataset.times[0].variables.contains("total_precipitation_6hr"));
    }
};

QTEST_GUILESS_MAIN(TestPrecipitationAccumulation)
#include "TestPrecipitationAccumulation.moc"
