#include "graphcast/SolarRadiation.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numbers>

namespace spreadcast::graphcast {

namespace {

constexpr double secondsPerDay = 86400.0;
constexpr double julianYearDays = 365.25;
constexpr double unixEpochJulianDate = 2440587.5;
constexpr double j2000JulianDate = 2451545.0;
constexpr int integrationBins = 360;           // _DEFAULT_NUM_INTEGRATION_BINS
constexpr double integrationSeconds = 3600.0;  // _DEFAULT_INTEGRATION_PERIOD

// era5_tsi_data(): yearly TSI at mid-year 1951.5 … 2034.5, scaled by 0.9965.
constexpr std::array<double, 84> era5Tsi{
    1365.7765, 1365.7676, 1365.6284, 1365.6564, 1365.7773, 1366.3109, 1366.6681, 1366.6328, 1366.3828, 1366.2767,
    1365.9199, 1365.7484, 1365.6963, 1365.6976, 1365.7341, 1365.9178, 1366.1143, 1366.1644, 1366.2476, 1366.2426,
    1365.9580, 1366.0525, 1365.7991, 1365.7271, 1365.5345, 1365.6453, 1365.8331, 1366.2747, 1366.6348, 1366.6482,
    1366.6951, 1366.2859, 1366.1992, 1365.8103, 1365.6416, 1365.6379, 1365.7899, 1366.0826, 1366.6479, 1366.5533,
    1366.4457, 1366.3021, 1366.0286, 1365.7971, 1365.6996, 1365.6121, 1365.7399, 1366.1021, 1366.3851, 1366.6836,
    1366.6022, 1366.6807, 1366.2300, 1366.0480, 1365.8545, 1365.8107, 1365.7240, 1365.6918, 1365.6121, 1365.7399,
    1366.1021, 1366.3851, 1366.6836, 1366.6022, 1366.6807, 1366.2300, 1366.0480, 1365.8545, 1365.8107, 1365.7240,
    1365.6918, 1365.6121, 1365.7399, 1366.1021, 1366.3851, 1366.6836, 1366.6022, 1366.6807, 1366.2300, 1366.0480,
    1365.8545, 1365.8107, 1365.7240, 1365.6918,
};
constexpr double era5TsiScale = 0.9965;
constexpr double era5TsiFirstYear = 1951.5;

// pandas: year + (dayofyear − 1 + day fraction) / (365 or 366).
double fractionalYear(std::int64_t unixSeconds)
{
    using namespace std::chrono;
    const auto seconds = sys_seconds{std::chrono::seconds{unixSeconds}};
    const sys_days day = floor<days>(seconds);
    const year_month_day date{day};
    const sys_days newYear{date.year() / January / 1};
    const double dayFraction = static_cast<double>((seconds - day).count()) / secondsPerDay;
    const double dayOfYear = static_cast<double>((day - newYear).count()) + 1.0;
    const double yearLength = date.year().is_leap() ? 366.0 : 365.0;
    return static_cast<int>(date.year()) + (dayOfYear - 1.0 + dayFraction) / yearLength;
}

}  // namespace

double j2000Days(double unixSeconds)
{
    return unixSeconds / secondsPerDay + unixEpochJulianDate - j2000JulianDate;
}

OrbitalParameters orbitalParameters(double days)
{
    OrbitalParameters op;
    op.theta = days / julianYearDays;
    op.rotationalPhase = days - std::floor(days);  // Python's % 1.0
    const double rel = 1.7535 + 6.283076 * op.theta;
    const double rem = 6.240041 + 6.283020 * op.theta;
    const double rlls = 4.8951 + 6.283076 * op.theta;
    const double rllls = 4.8952 + 6.283320 * op.theta - 0.0075 * std::sin(rel) - 0.0326 * std::cos(rel) -
                         0.0003 * std::sin(2.0 * rel) + 0.0002 * std::cos(2.0 * rel);
    constexpr double obliquity = 0.409093;  // repsm
    op.sinDeclination = std::sin(obliquity) * std::sin(rllls);
    op.cosDeclination = std::sqrt(1.0 - op.sinDeclination * op.sinDeclination);
    const double sinRem = std::sin(rem);
    op.equationOfTimeSeconds = 591.8 * std::sin(2.0 * rlls) - 459.4 * sinRem + 39.5 * sinRem * std::cos(2.0 * rlls) -
                               12.7 * std::sin(4.0 * rlls) - 4.8 * std::sin(2.0 * rem);
    op.solarDistanceAu = 1.0001 - 0.0163 * std::sin(rel) + 0.0037 * std::cos(rel);
    return op;
}

double totalSolarIrradiance(std::int64_t unixSeconds)
{
    const double position = fractionalYear(unixSeconds) - era5TsiFirstYear;
    if (position <= 0.0) {
        return era5TsiScale * era5Tsi.front();
    }
    const auto last = static_cast<double>(era5Tsi.size() - 1);
    if (position >= last) {
        return era5TsiScale * era5Tsi.back();
    }
    const auto index = static_cast<std::size_t>(position);
    const double weight = position - static_cast<double>(index);
    return era5TsiScale * ((1.0 - weight) * era5Tsi[index] + weight * era5Tsi[index + 1]);
}

double instantaneousSolarFlux(double days, double latitudeDegrees, double longitudeDegrees, double tsi)
{
    const OrbitalParameters op = orbitalParameters(days);
    const double latitude = latitudeDegrees * std::numbers::pi / 180.0;
    const double longitude = longitudeDegrees * std::numbers::pi / 180.0;
    const double solarTime = op.rotationalPhase + op.equationOfTimeSeconds / secondsPerDay;
    const double hourAngle = 2.0 * std::numbers::pi * solarTime + longitude;
    const double sinAltitude =
        std::cos(latitude) * op.cosDeclination * std::cos(hourAngle) + std::sin(latitude) * op.sinDeclination;
    const double solarFactor = 1.0 / (op.solarDistanceAu * op.solarDistanceAu);
    return tsi * solarFactor * std::max(sinAltitude, 0.0);
}

std::vector<float> toaIncidentSolarRadiation(std::int64_t unixSeconds, const LatLonGrid& grid)
{
    // The orbit at the 361 quadrature times; per point only the hour angle's longitude differs,
    // cos(A + λ) = cos A cos λ − sin A sin λ.
    constexpr int nodes = integrationBins + 1;
    const double tsi = totalSolarIrradiance(unixSeconds);
    const double end = j2000Days(static_cast<double>(unixSeconds));
    std::array<double, nodes> cosA{}, sinA{}, cosDeclinationFlux{}, sinDeclinationFlux{};
    for (int k = 0; k < nodes; ++k) {
        // pd.timedelta_range(-1h, 0, periods=361) / 1 day
        const double offset = (-integrationSeconds + k * (integrationSeconds / integrationBins)) / secondsPerDay;
        const OrbitalParameters op = orbitalParameters(end + offset);
        const double solarTime = op.rotationalPhase + op.equationOfTimeSeconds / secondsPerDay;
        const double angle = 2.0 * std::numbers::pi * solarTime;
        const double flux = tsi / (op.solarDistanceAu * op.solarDistanceAu);
        cosA[k] = std::cos(angle);
        sinA[k] = std::sin(angle);
        cosDeclinationFlux[k] = flux * op.cosDeclination;
        sinDeclinationFlux[k] = flux * op.sinDeclination;
    }
    const double dx = integrationSeconds / integrationBins;
    const std::size_t nlon = grid.longitudes.size();
    std::vector<double> cosLon(nlon), sinLon(nlon);
    for (std::size_t j = 0; j < nlon; ++j) {
        const double longitude = grid.longitudes[j] * std::numbers::pi / 180.0;
        cosLon[j] = std::cos(longitude);
        sinLon[j] = std::sin(longitude);
    }
    std::vector<float> radiation(grid.points());
    for (std::size_t i = 0; i < grid.latitudes.size(); ++i) {
        const double latitude = grid.latitudes[i] * std::numbers::pi / 180.0;
        const double cosLat = std::cos(latitude);
        const double sinLat = std::sin(latitude);
        for (std::size_t j = 0; j < nlon; ++j) {
            double integral = 0.0;
            for (int k = 0; k < nodes; ++k) {
                const double cosHourAngle = cosA[k] * cosLon[j] - sinA[k] * sinLon[j];
                const double flux =
                    std::max(cosLat * cosDeclinationFlux[k] * cosHourAngle + sinLat * sinDeclinationFlux[k], 0.0);
                integral += (k == 0 || k == nodes - 1) ? 0.5 * flux : flux;
            }
            radiation[i * nlon + j] = static_cast<float>(integral * dx);
        }
    }
    return radiation;
}

double toaIncidentSolarRadiation(std::int64_t unixSeconds, double latitudeDegrees, double longitudeDegrees)
{
    const double tsi = totalSolarIrradiance(unixSeconds);
    const double end = j2000Days(static_cast<double>(unixSeconds));
    const double dx = integrationSeconds / integrationBins;
    double integral = 0.0;
    for (int k = 0; k <= integrationBins; ++k) {
        const double offset = (-integrationSeconds + k * dx) / secondsPerDay;
        const double flux = instantaneousSolarFlux(end + offset, latitudeDegrees, longitudeDegrees, tsi);
        integral += (k == 0 || k == integrationBins) ? 0.5 * flux : flux;
    }
    return integral * dx;
}

}  // namespace spreadcast::graphcast
