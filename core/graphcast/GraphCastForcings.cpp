#include "graphcast/GraphCastForcings.h"

#include "graphcast/SolarRadiation.h"
#include "run/InputError.h"

#include <cmath>
#include <numbers>

namespace spreadcast::graphcast {

namespace {

constexpr std::int64_t secondsPerDay = 86400;
constexpr double averageDaysPerYear = 365.24219;  // data_utils._AVG_DAY_PER_YEAR

// featurize_progress: sin and cos of progress · 2π, in float32 as numpy computes them for a
// float32 progress.
float progressSin(float progress)
{
    return std::sin(progress * static_cast<float>(2.0 * std::numbers::pi));
}

float progressCos(float progress)
{
    return std::cos(progress * static_cast<float>(2.0 * std::numbers::pi));
}

}  // namespace

float yearProgress(std::int64_t unixSeconds)
{
    const double years = static_cast<double>(unixSeconds) / static_cast<double>(secondsPerDay) / averageDaysPerYear;
    return static_cast<float>(years - std::floor(years));
}

std::vector<float> dayProgress(std::int64_t unixSeconds, const std::vector<double>& longitudesDegrees)
{
    const std::int64_t secondOfDay = ((unixSeconds % secondsPerDay) + secondsPerDay) % secondsPerDay;
    const double greenwich = static_cast<double>(secondOfDay) / static_cast<double>(secondsPerDay);
    std::vector<float> progress;
    progress.reserve(longitudesDegrees.size());
    for (double longitude : longitudesDegrees) {
        const double local = greenwich + longitude * std::numbers::pi / 180.0 / (2.0 * std::numbers::pi);
        progress.push_back(static_cast<float>(local - std::floor(local)));
    }
    return progress;
}

Fields computeForcings(const std::vector<std::string>& names, const LatLonGrid& grid, std::int64_t unixSeconds)
{
    Fields forcings;
    const std::size_t nlon = grid.longitudes.size();
    const std::size_t points = grid.points();
    for (const std::string& name : names) {
        std::vector<float> values(points);
        if (name == "year_progress_sin" || name == "year_progress_cos") {
            const float progress = yearProgress(unixSeconds);
            values.assign(points, name.ends_with("sin") ? progressSin(progress) : progressCos(progress));
        } else if (name == "day_progress_sin" || name == "day_progress_cos") {
            const std::vector<float> progress = dayProgress(unixSeconds, grid.longitudes);
            const bool sine = name.ends_with("sin");
            for (std::size_t point = 0; point < points; ++point) {
                const float local = progress[point % nlon];
                values[point] = sine ? progressSin(local) : progressCos(local);
            }
        } else if (name == "toa_incident_solar_radiation") {
            values = toaIncidentSolarRadiation(unixSeconds, grid);
        } else {
            throw InputError("forcing variable '" + name +
                             "' of the checkpoint's task_config cannot be computed; GraphCast's forcings are "
                             "toa_incident_solar_radiation, year_progress_sin/cos and day_progress_sin/cos");
        }
        forcings.variables.emplace(name, std::move(values));
    }
    return forcings;
}

void addMissingForcings(Fields& fields, const std::vector<std::string>& names, const LatLonGrid& grid,
                        std::int64_t unixSeconds)
{
    std::vector<std::string> missing;
    for (const std::string& name : names) {
        if (!fields.variables.contains(name)) {
            missing.push_back(name);
        }
    }
    for (auto& [name, values] : computeForcings(missing, grid, unixSeconds).variables) {
        fields.variables.emplace(name, std::move(values));
    }
}

}  // namespace spreadcast::graphcast
