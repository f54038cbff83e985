#include "GraphCastTestGraphs.h"
#include "graphcast/GraphCastForcings.h"
#include "graphcast/SolarRadiation.h"
#include "run/InputError.h"

#include <QtTest/QtTest>

#include <chrono>
#include <cmath>
#include <numbers>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

std::int64_t utc(std::chrono::year_month_day date, int hour, int minute = 0)
{
    using namespace std::chrono;
    return duration_cast<seconds>((sys_days{date} + hours{hour} + minutes{minute}).time_since_epoch()).count();
}

// The longitude (degrees, [0, 360)) where the hour angle is zero at the middle of the hour
// ending at unixSeconds: there the hour is centred on local solar noon.
double noonLongitude(std::int64_t unixSeconds)
{
    const OrbitalParameters op = orbitalParameters(j2000Days(static_cast<double>(unixSeconds) - 1800.0));
    const double solarTime = op.rotationalPhase + op.equationOfTimeSeconds / 86400.0;
    const double degrees = -360.0 * solarTime;
    return degrees - 360.0 * std::floor(degrees / 360.0);
}

}  // namespace

class TestSolarRadiation : public QObject {
    Q_OBJECT

private slots:
    void isZeroInPolarNightAndAtMidnight()
    {
        using namespace std::chrono;
        const std::int64_t solstice = utc(2020y / December / 21, 12);
        QCOMPARE(toaIncidentSolarRadiation(solstice, 90.0, 0.0), 0.0);
        QCOMPARE(toaIncidentSolarRadiation(solstice, 75.0, 123.0), 0.0);  // inside the polar night
        const double midnight = noonLongitude(solstice) + 180.0;
        QCOMPARE(toaIncidentSolarRadiation(solstice, 0.0, midnight), 0.0);
        // The summer pole is lit all day: sun 23.4° up, a nearly constant hour of flux.
        const double pole = toaIncidentSolarRadiation(solstice, -90.0, 0.0);
        const double r = orbitalParameters(j2000Days(static_cast<double>(solstice))).solarDistanceAu;
        const double expected =
            totalSolarIrradiance(solstice) * std::sin(23.44 * std::numbers::pi / 180.0) / (r * r) * 3600.0;
        QVERIFY2(std::abs(pole / expected - 1.0) < 2e-3, qPrintable(QString::number(pole / expected)));
    }

    void noonMaximumIsSymmetric()
    {
        using namespace std::chrono;
        const std::int64_t time = utc(2021y / March / 20, 9);
        const double noon = noonLongitude(time);
        const double centre = toaIncidentSolarRadiation(time, 0.0, noon);
        for (double offset : {5.0, 20.0, 60.0, 85.0}) {
            const double east = toaIncidentSolarRadiation(time, 0.0, noon + offset);
            const double west = toaIncidentSolarRadiation(time, 0.0, noon - offset);
            QVERIFY(east < centre);
            // At the equator only the declination's drift within the hour breaks the symmetry,
            // and it enters through cos(declination): far below 1e-6.
            QVERIFY2(std::abs(east - west) < 1e-6 * centre, qPrintable(QString::number((east - west) / centre)));
        }
        // The grid computation agrees with the pointwise one and peaks at the noon longitude.
        const LatLonGrid grid = testing::regularGrid(1.0);
        const std::vector<float> field = toaIncidentSolarRadiation(time, grid);
        const std::size_t equator = 90 * grid.longitudes.size();
        std::size_t peak = equator;
        for (std::size_t j = 0; j < grid.longitudes.size(); ++j) {
            const double pointwise = toaIncidentSolarRadiation(time, 0.0, grid.longitudes[j]);
            QVERIFY(std::abs(field[equator + j] - pointwise) <= 1e-6 * centre);
            if (field[equator + j] > field[peak]) {
                peak = equator + j;
            }
        }
        QVERIFY(std::abs(grid.longitudes[peak - equator] - noon) <= 0.5);
    }

    void dailyMeanFollowsTheAnnualCycleOfTheSolarConstant()
    {
        using namespace std::chrono;
        // Earth–Sun distance: perihelion early January, aphelion early July (0.9833, 1.0167 AU).
        const auto distance = [](std::int64_t t) {
            return orbitalParameters(j2000Days(static_cast<double>(t))).solarDistanceAu;
        };
        QVERIFY(std::abs(distance(utc(2022y / January / 4, 0)) - 0.9833) < 5e-4);
        QVERIFY(std::abs(distance(utc(2022y / July / 4, 0)) - 1.0167) < 5e-4);
        // Declination: ±23.44° at the solstices, 0 at the equinox.
        const auto declination = [](std::int64_t t) {
            return std::asin(orbitalParameters(j2000Days(static_cast<double>(t))).sinDeclination) * 180.0 /
                   std::numbers::pi;
        };
        QVERIFY(std::abs(declination(utc(2022y / June / 21, 9)) - 23.44) < 0.05);
        QVERIFY(std::abs(declination(utc(2022y / December / 21, 15)) + 23.44) < 0.05);
        QVERIFY(std::abs(declination(utc(2022y / March / 20, 16))) < 0.05);
        // Daily mean at the equator on an equinox: TSI / (π r²) (the mean of max(cos h, 0)).
        const std::int64_t day = utc(2022y / March / 20, 0);
        double total = 0.0;
        for (int hour = 1; hour <= 24; ++hour) {
            total += toaIncidentSolarRadiation(day + 3600 * hour, 0.0, 30.0);
        }
        const double r = distance(day + 43200);
        const double expected = totalSolarIrradiance(day) / (std::numbers::pi * r * r);
        QVERIFY2(std::abs(total / 86400.0 / expected - 1.0) < 1e-3,
                 qPrintable(QString::number(total / 86400.0 / expected)));
    }

    void totalSolarIrradianceInterpolatesEra5Years()
    {
        using namespace std::chrono;
        // 2000-07-02 00:00 is 2000.5 (day 183 of a leap year): ERA5's 2000 value, × 0.9965.
        QVERIFY(std::abs(totalSolarIrradiance(utc(2000y / July / 2, 0)) - 0.9965 * 1366.6836) < 1e-9);
        QVERIFY(std::abs(totalSolarIrradiance(utc(1900y / January / 1, 0)) - 0.9965 * 1365.7765) < 1e-9);
        QVERIFY(std::abs(totalSolarIrradiance(utc(2100y / January / 1, 0)) - 0.9965 * 1365.6918) < 1e-9);
    }

    void progressForcingsFollowDataUtils()
    {
        using namespace std::chrono;
        QCOMPARE(yearProgress(0), 0.0f);
        const std::int64_t sixUtc = utc(2022y / January / 1, 6);
        const std::vector<float> progress = dayProgress(sixUtc, {0.0, 90.0, 270.0});
        QCOMPARE(progress[0], 0.25f);
        QCOMPARE(progress[1], 0.5f);
        QCOMPARE(progress[2], 0.0f);
        const std::int64_t year = static_cast<std::int64_t>(365.24219 * 86400.0 * 52.25);
        QVERIFY(std::abs(yearProgress(year) - 0.25f) < 1e-6f);

        const LatLonGrid grid = testing::regularGrid(30.0);
        const Fields forcings =
            computeForcings({"day_progress_sin", "year_progress_cos", "toa_incident_solar_radiation"}, grid, sixUtc);
        const std::vector<float>& daySin = forcings.variables.at("day_progress_sin");
        QCOMPARE(daySin.size(), grid.points());
        QVERIFY(std::abs(daySin[0] - 1.0f) < 1e-6f);              // lon 0°: progress 0.25, sin(π/2)
        QVERIFY(std::abs(daySin[3]) < 1e-6f);                     // lon 90°: progress 0.5, sin(π)
        QCOMPARE(daySin[3 + grid.longitudes.size()], daySin[3]);  // the same on every latitude
        QVERIFY_THROWS_EXCEPTION(InputError, computeForcings({"sea_surface_temperature"}, grid, sixUtc));
    }
};

QTEST_APPLESS_MAIN(TestSolarRadiation)
#include "TestSolarRadiation.moc"
