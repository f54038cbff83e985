#include "viz/Plume.h"

#include "run/InputError.h"
#include "viz/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace spreadcast {
namespace {

// The index of the nearest value, longitudes compared round the globe.
int nearest(const std::vector<double>& axis, double value, bool periodic)
{
    int best = 0;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < axis.size(); ++k) {
        double distance = std::abs(axis[k] - value);
        if (periodic) {
            distance = std::abs(std::remainder(axis[k] - value, 360.0));
        }
        if (distance < bestDistance) {
            bestDistance = distance;
            best = static_cast<int>(k);
        }
    }
    return best;
}

}  // namespace

Plume plumeAt(const ForecastProducts& products, const std::string& field, double latitude, double longitude,
              int levelIndex)
{
    const ForecastFile& file = products.file();
    const std::vector<Product> available = products.products(field);
    if (file.members().empty() || available.empty() || available.front() != Product::Member ||
        !products.hasMembers(field)) {
        throw InputError("'" + file.path() + "' keeps no members of '" + field + "': a plume needs them");
    }
    const int j = nearest(file.latitudes(), latitude, false);
    const int i = nearest(file.longitudes(), longitude, true);
    Plume plume;
    plume.field = field;
    const FieldConvention shown = products.convention(field);
    const bool onLevels = products.hasLevels(field);
    if (onLevels && (levelIndex < 0 || levelIndex >= static_cast<int>(file.levels().size()))) {
        throw InputError("level index " + std::to_string(levelIndex) + " is outside the " +
                         std::to_string(file.levels().size()) + " levels of '" + file.path() + "'");
    }
    plume.label = products.label(field);
    if (onLevels) {
        char level[48];
        std::snprintf(level, sizeof level, " at %g %s", file.levels()[static_cast<std::size_t>(levelIndex)],
                      file.levelUnits().c_str());
        plume.label += level;
        while (!plume.label.empty() && plume.label.back() == ' ') {
            plume.label.pop_back();
        }
    }
    plume.units = shown.displayUnits;
    plume.latitude = file.latitudes()[static_cast<std::size_t>(j)];
    plume.longitude = file.longitudes()[static_cast<std::size_t>(i)];
    plume.leadHours = file.leadHours();
    plume.validTimes = file.validTimes();
    plume.validTimes.resize(plume.leadHours.size());
    plume.calendar = file.calendar();
    for (std::size_t t = 0; t < plume.leadHours.size(); ++t) {
        if (plume.leadHours[t] == 0.0 && !plume.validTimes[t].empty()) {
            plume.baseTime = plume.validTimes[t];
        }
    }
    plume.memberNumbers = file.members();

    ForecastFile::PointSeries series = products.pointSeries(field, j, i, onLevels ? levelIndex : 0);
    for (float& value : series.values) {
        value = static_cast<float>(shown.display(value));
    }
    const std::size_t times = static_cast<std::size_t>(series.times);
    const std::size_t members = static_cast<std::size_t>(series.memberCount);
    plume.members.assign(members, std::vector<float>(times));
    plume.mean.assign(times, NAN);
    plume.spread.assign(times, NAN);
    for (std::size_t t = 0; t < times; ++t) {
        double mean = 0.0;
        double m2 = 0.0;
        int count = 0;
        for (std::size_t m = 0; m < members; ++m) {
            const float value = series.values[t * members + m];
            plume.members[m][t] = value;
            if (std::isfinite(value)) {
                ++count;
                const double delta = value - mean;
                mean += delta / count;
                m2 += delta * (value - mean);
            }
        }
        if (count > 0) {
            plume.mean[t] = static_cast<float>(mean);
            plume.spread[t] = count > 1 ? static_cast<float>(std::sqrt(m2 / (count - 1))) : 0.0f;
        }
    }
    // A member that wrote nothing (a cancelled run stops before some start) is not in the plume:
    // the plume's members are those it draws.
    for (std::size_t m = plume.members.size(); m-- > 0;) {
        const std::vector<float>& values = plume.members[m];
        if (std::none_of(values.begin(), values.end(), [](float value) { return std::isfinite(value); })) {
            plume.members.erase(plume.members.begin() + static_cast<std::ptrdiff_t>(m));
            plume.memberNumbers.erase(plume.memberNumbers.begin() + static_cast<std::ptrdiff_t>(m));
        }
    }
    return plume;
}

std::string plumePlace(const Plume& plume)
{
    return formatLatitude(plume.latitude) + ", " + formatLongitude(plume.longitude);
}

std::string plumeCsv(const Plume& plume)
{
    char header[256];
    std::snprintf(header, sizeof header, "# %s (%s) at %s (grid point %.3f N, %.3f E)\n", plume.label.c_str(),
                  plume.units.c_str(), plumePlace(plume).c_str(), plume.latitude, plume.longitude);
    std::string csv(header);
    if (!plume.baseTime.empty()) {
        csv += "# base time " + plume.baseTime + (plume.calendar.empty() ? "" : " (" + plume.calendar + " calendar)") +
               "\n";
    }
    csv += "lead_hours,valid_time,mean,spread";
    for (const int member : plume.memberNumbers) {
        csv.append(",member_").append(std::to_string(member));
    }
    csv += '\n';
    auto number = [](double value) {
        if (!std::isfinite(value)) {
            return std::string();
        }
        char text[32];
        std::snprintf(text, sizeof text, "%.7g", value);
        return std::string(text);
    };
    for (std::size_t t = 0; t < plume.leadHours.size(); ++t) {
        csv.append(number(plume.leadHours[t])).append(1, ',');
        csv.append(t < plume.validTimes.size() ? plume.validTimes[t] : std::string());
        csv.append(1, ',').append(number(plume.mean[t]));
        csv.append(1, ',').append(number(plume.spread[t]));
        for (const auto& member : plume.members) {
            csv.append(1, ',').append(number(member[t]));
        }
        csv.append(1, '\n');
    }
    return csv;
}

}  // namespace spreadcast
