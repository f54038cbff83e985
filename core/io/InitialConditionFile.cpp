#include "io/InitialConditionFile.h"

#include "io/CfReader.h"
#include "model/PhysicalConstants.h"
#include "run/InputError.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace spreadcast {
namespace {

const CfFileKind initialConditionFile{"initial-condition file",
                                      "give a CF NetCDF file with winds on a regular lat–lon grid, or choose a "
                                      "built-in case"};

std::string lowercase(std::string_view text)
{
    std::string result(text);
    for (char& c : result) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return result;
}

bool contains(std::initializer_list<std::string_view> list, std::string_view value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ")
{
    std::string result;
    for (const std::string& item : items) {
        result += (result.empty() ? "" : std::string(separator)) + item;
    }
    return result;
}

std::string number(double value)
{
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", value);
    return text.data();
}

const std::array<std::string_view, 15> windUnits{
    "ms-1",          "m/s",           "m/sec",           "msec-1",          "meters/second",
    "metres/second", "meter/second",  "metre/second",    "meterssecond-1",  "metressecond-1",
    "metersecond-1", "metresecond-1", "meterspersecond", "metrespersecond", "mps"};

// The role a variable plays and how it is found: standard names first, then common names.
struct Role {
    std::string_view description;
    std::vector<std::string_view> standardNames;
    std::vector<std::string_view> names;
};

const Role eastwardWind{"eastward wind",
                        {"eastward_wind"},
                        {"u", "ua", "uwnd", "u10", "uas", "ugrd", "u_wind", "uwind", "u850", "u500", "u250"}};
const Role northwardWind{"northward wind",
                         {"northward_wind"},
                         {"v", "va", "vwnd", "v10", "vas", "vgrd", "v_wind", "vwind", "v850", "v500", "v250"}};
const Role heightRole{"geopotential height or geopotential",
                      {"geopotential_height", "geopotential"},
                      {"z", "zg", "gh", "hgt", "h", "height", "geopotential_height", "phi", "geopotential"}};

std::string lookedFor(const Role& role)
{
    std::vector<std::string> names(role.names.begin(), role.names.end());
    std::vector<std::string> standardNames(role.standardNames.begin(), role.standardNames.end());
    return "a variable with standard_name " + joined(standardNames, " or ") + ", or named " + joined(names);
}

const CfVariable* findVariable(const CfReader& file, const Role& role)
{
    // Coordinate and scalar variables (a "height" coordinate of 10 m winds, say) are never fields.
    const auto isField = [&](const CfVariable& variable) { return variable.dimensions.size() >= 2; };
    for (std::string_view standardName : role.standardNames) {
        for (const CfVariable& variable : file.variables()) {
            if (isField(variable) && variable.standardName == standardName) {
                return &variable;
            }
        }
    }
    for (std::string_view name : role.names) {
        for (const CfVariable& variable : file.variables()) {
            if (isField(variable) && lowercase(variable.name) == name) {
                return &variable;
            }
        }
    }
    return nullptr;
}

const CfVariable& requireVariable(const CfReader& file, const Role& role)
{
    if (const CfVariable* variable = findVariable(file, role)) {
        return *variable;
    }
    std::vector<std::string> present;
    for (const CfVariable& variable : file.variables()) {
        present.push_back(variable.name);
    }
    throw InputError("initial-condition file '" + file.path() + "' has no " + std::string(role.description) +
                     ": looked for " + lookedFor(role) +
                     " (the file has: " + (present.empty() ? std::string("no variables") : joined(present)) +
                     ") — add the variable, or set its standard_name attribute, e.g. with 'ncatted -a "
                     "standard_name,NAME,o,c," +
                     std::string(*role.standardNames.begin()) + "'");
}

bool sameGrid(const CfHorizontalGrid& a, const CfHorizontalGrid& b)
{
    const auto close = [](const std::vector<double>& x, const std::vector<double>& y) {
        return x.size() == y.size() &&
               std::equal(x.begin(), x.end(), y.begin(), [](double p, double q) { return std::abs(p - q) < 1e-6; });
    };
    return close(a.latitudes, b.latitudes) && close(a.longitudes, b.longitudes);
}

// Coverage: the widest longitude gap at most about one grid spacing, and latitudes reaching the
// model's outermost Gaussian latitudes to within a spacing (or 2°).
void checkGlobal(const CfReader& file, const CfVariable& variable, std::size_t lonPosition,
                 const CfHorizontalGrid& source, const GaussianGrid& grid)
{
    std::vector<double> gaps;
    for (std::size_t k = 0; k < source.longitudes.size(); ++k) {
        const double next = k + 1 < source.longitudes.size() ? source.longitudes[k + 1] : source.longitudes[0] + 360.0;
        gaps.push_back(next - source.longitudes[k]);
    }
    std::vector<double> sortedGaps = gaps;
    std::sort(sortedGaps.begin(), sortedGaps.end());
    const double typicalGap = sortedGaps[sortedGaps.size() / 2];
    const bool allLongitudes = source.longitudes.size() >= 2 && sortedGaps.back() <= 1.5 * typicalGap + 1e-6;
    const double northTolerance =
        std::max(2.0, source.latitudes.back() - source.latitudes[source.latitudes.size() - 2]);
    const double southTolerance = std::max(2.0, source.latitudes[1] - source.latitudes[0]);
    const double modelNorth = grid.latitudeDegrees.front();
    const double modelSouth = grid.latitudeDegrees.back();
    const bool allLatitudes = source.latitudes.back() >= modelNorth - northTolerance &&
                              source.latitudes.front() <= modelSouth + southTolerance;
    if (!allLongitudes || !allLatitudes) {
        const std::vector<double> lon = file.values(*file.coordinate(file.dimension(variable, lonPosition)));
        const auto [lonMin, lonMax] = std::minmax_element(lon.begin(), lon.end());
        throw InputError(file.where(variable) + " covers latitudes " + number(source.latitudes.front()) + "°.." +
                         number(source.latitudes.back()) + "° and longitudes " + number(*lonMin) + "°.." +
                         number(*lonMax) + "°, but a global forecast needs the whole globe (latitudes to ±" +
                         number(std::round(modelNorth * 10.0) / 10.0) +
                         "° and all 360° of longitude) — give a global file");
    }
}

// One variable's values at the chosen time and level on its own grid, missing values filled,
// sorted to ascending latitude and longitude in [0, 360).
struct SourceField {
    CfHorizontalGrid grid;
    std::vector<double> values;  // latitudes.size() × longitudes.size()
    std::string timeText;        // the decoded time or "time index N", for the description
    std::string levelText;
    std::optional<std::string> initialTime;
};

// A time coordinate's entry as people read it, and as the initial time of the output: that is in
// the standard calendar, so only a date that names the same day there becomes the initial time.
struct DecodedTime {
    std::string text;  // "2021-03-04 06:00:00", "… in the 360_day calendar", or empty
    std::optional<std::string> initialTime;
};

std::vector<DecodedTime> decodeTimes(const CfReader& file, const CfVariable& coordinate)
{
    const std::vector<double> values = file.values(coordinate);
    std::vector<DecodedTime> times(values.size());
    std::optional<CfTimeUnits> units;
    try {
        units = file.timeUnits(coordinate);
    } catch (const InputError&) {
        return times;  // undecodable units: the times go by index, and a note says so
    }
    for (std::size_t k = 0; k < values.size(); ++k) {
        const std::optional<CfDateTime> date = units->dateTime(values[k]);
        if (!date) {
            continue;
        }
        times[k].text = date->text();
        const bool sameInStandard = units->calendar() == CfCalendar::Standard ||
                                    (units->calendar() == CfCalendar::ProlepticGregorian &&
                                     dayNumber(CfCalendar::Standard, date->year, date->month, date->day) ==
                                         dayNumber(CfCalendar::ProlepticGregorian, date->year, date->month, date->day));
        if (sameInStandard && date->year >= 0 && date->year <= 9999) {
            times[k].initialTime = times[k].text;
        } else {
            times[k].text += " in the " + std::string(calendarName(units->calendar())) + " calendar";
        }
    }
    return times;
}

DecodedTime timeAt(const CfReader& file, const CfVariable* coordinate, std::size_t index)
{
    if (coordinate == nullptr) {
        return {};
    }
    std::vector<DecodedTime> times = decodeTimes(file, *coordinate);
    return index < times.size() ? std::move(times[index]) : DecodedTime{};
}

// A scalar time coordinate, as files with one time often carry instead of a time dimension.
const CfVariable* scalarTime(const CfReader& file)
{
    for (const CfVariable& variable : file.variables()) {
        if (variable.dimensions.empty() &&
            (variable.standardName == "time" || contains({"time", "valid_time"}, lowercase(variable.name)))) {
            return &variable;
        }
    }
    return nullptr;
}

// Where a variable's latitude, longitude, time and (one) level lie among its dimensions.
struct Layout {
    std::optional<std::size_t> latPosition;
    std::optional<std::size_t> lonPosition;
    std::optional<std::size_t> timePosition;
    std::optional<std::size_t> levelPosition;
};

Layout layoutOf(const CfReader& file, const CfVariable& variable)
{
    Layout layout;
    std::vector<std::size_t> others;
    const auto wrongShape = [&](const std::string& why) {
        return InputError(file.where(variable) + " has the wrong shape " + file.shapeText(variable) + ": " + why +
                          " — expected latitude × longitude, optionally with a time and one level dimension, on a "
                          "regular lat–lon grid");
    };
    for (std::size_t p = 0; p < variable.dimensions.size(); ++p) {
        std::optional<std::size_t>* slot = nullptr;
        switch (variable.axes[p]) {
        case CfAxis::Latitude: slot = &layout.latPosition; break;
        case CfAxis::Longitude: slot = &layout.lonPosition; break;
        case CfAxis::Time: slot = &layout.timePosition; break;
        case CfAxis::Level:
        case CfAxis::Member:
        case CfAxis::Other: others.push_back(p); break;
        }
        if (slot != nullptr) {
            if (slot->has_value()) {
                throw wrongShape("two dimensions of one kind ('" + file.dimension(variable, **slot).name + "' and '" +
                                 file.dimension(variable, p).name + "')");
            }
            *slot = p;
        }
    }
    if (!layout.latPosition || !layout.lonPosition) {
        throw wrongShape("no latitude or no longitude dimension");
    }
    // Extra dimensions of size 1 are taken at index 0; a single larger one, or a declared
    // vertical one, is the level.
    for (std::size_t p : others) {
        const CfDimension& dimension = file.dimension(variable, p);
        if (dimension.length > 1 || variable.axes[p] == CfAxis::Level) {
            if (layout.levelPosition && file.dimension(variable, *layout.levelPosition).length > 1 &&
                dimension.length > 1) {
                throw wrongShape("more than one extra dimension ('" +
                                 file.dimension(variable, *layout.levelPosition).name + "' and '" + dimension.name +
                                 "')");
            }
            if (!layout.levelPosition || dimension.length > 1) {
                layout.levelPosition = p;
            }
        }
    }
    return layout;
}

std::size_t checkedIndex(const CfReader& file, const CfVariable& variable, std::optional<std::size_t> position,
                         int index, std::string_view kind, std::string_view option)
{
    if (!position) {
        if (index != 0) {
            throw InputError(file.where(variable) + " has no " + std::string(kind) + " dimension, so " +
                             std::string(option) + " " + std::to_string(index) + " is out of range — use " +
                             std::string(option) + " 0");
        }
        return 0;
    }
    const CfDimension& dimension = file.dimension(variable, *position);
    if (index < 0 || static_cast<std::size_t>(index) >= dimension.length) {
        throw InputError(std::string(kind) + " dimension '" + dimension.name + "' of " + file.where(variable) +
                         " has " + std::to_string(dimension.length) + " entries, so " + std::string(option) + " " +
                         std::to_string(index) + " is out of range — choose " + std::string(option) + " from 0 to " +
                         std::to_string(static_cast<long long>(dimension.length) - 1));
    }
    return static_cast<std::size_t>(index);
}

SourceField readField(const CfReader& file, const CfVariable& variable, int timeIndex, int levelIndex,
                      const GaussianGrid& grid, std::vector<std::string>& notes)
{
    const Layout layout = layoutOf(file, variable);
    SourceField field;
    field.grid = file.horizontalGrid(variable);
    checkGlobal(file, variable, *layout.lonPosition, field.grid, grid);

    // Every dimension but latitude and longitude at one index: the chosen time and level, 0 for
    // the others (all of length 1, as layoutOf made sure).
    CfHyperslab slab(file, variable);
    for (std::size_t p = 0; p < variable.dimensions.size(); ++p) {
        if (p != *layout.latPosition && p != *layout.lonPosition) {
            slab.select(p, 0);
        }
    }
    const std::size_t time = checkedIndex(file, variable, layout.timePosition, timeIndex, "time", "--ic-time");
    const std::size_t level = checkedIndex(file, variable, layout.levelPosition, levelIndex, "level", "--ic-level");
    if (layout.timePosition) {
        slab.select(*layout.timePosition, time);
        const DecodedTime decoded = timeAt(file, file.coordinate(file.dimension(variable, *layout.timePosition)), time);
        field.initialTime = decoded.initialTime;
        field.timeText = decoded.text.empty() ? "time index " + std::to_string(time)
                                              : decoded.text + " (time index " + std::to_string(time) + ")";
    } else if (const CfVariable* scalar = scalarTime(file)) {
        const DecodedTime decoded = timeAt(file, scalar, 0);
        field.initialTime = decoded.initialTime;
        field.timeText = decoded.text;
    }
    if (layout.levelPosition) {
        slab.select(*layout.levelPosition, level);
        const CfDimension& levelDimension = file.dimension(variable, *layout.levelPosition);
        field.levelText = levelDimension.name + " index " + std::to_string(level);
        if (const CfVariable* coordinate = file.coordinate(levelDimension)) {
            const std::vector<double> levels = file.values(*coordinate);
            const std::string units = coordinate->units.value_or("");
            field.levelText = "level " + number(levels[level]) + (units.empty() ? "" : " " + units) + " (" +
                              levelDimension.name + " index " + std::to_string(level) + ")";
        }
    }
    // Unpacked, NaN where missing (fill values, missing_value, outside the valid range).
    const std::vector<double> raw = file.read<double>(variable, slab);

    std::size_t latStride = 1;
    std::size_t lonStride = 1;
    for (std::size_t p = *layout.latPosition + 1; p < slab.count().size(); ++p) {
        latStride *= slab.count()[p];
    }
    for (std::size_t p = *layout.lonPosition + 1; p < slab.count().size(); ++p) {
        lonStride *= slab.count()[p];
    }
    const std::size_t rows = field.grid.latitudes.size();
    const std::size_t columns = field.grid.longitudes.size();
    field.values.assign(rows * columns, 0.0);
    std::vector<char> valid(rows * columns, 0);
    std::size_t missingCount = 0;
    for (std::size_t j = 0; j < rows; ++j) {
        for (std::size_t i = 0; i < columns; ++i) {
            const double value =
                raw[field.grid.latitudeIndex[j] * latStride + field.grid.longitudeIndex[i] * lonStride];
            const bool isValid = std::isfinite(value);
            field.values[j * columns + i] = isValid ? value : 0.0;
            valid[j * columns + i] = isValid ? 1 : 0;
            missingCount += isValid ? 0 : 1;
        }
    }
    if (missingCount == rows * columns) {
        throw InputError(file.where(variable) + " has no valid values" +
                         (field.timeText.empty() ? "" : " at " + field.timeText) +
                         " (all are missing) — choose another --ic-time or --ic-level, or another file");
    }
    if (missingCount > 0) {
        // Each missing point takes the mean of the valid points on its latitude; a row without
        // any takes the nearest row's mean (the rows on both sides at equal distance: their average).
        std::vector<std::optional<double>> rowMean(rows);
        for (std::size_t j = 0; j < rows; ++j) {
            double sum = 0.0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < columns; ++i) {
                if (valid[j * columns + i] != 0) {
                    sum += field.values[j * columns + i];
                    ++n;
                }
            }
            if (n > 0) {
                rowMean[j] = sum / static_cast<double>(n);
            }
        }
        std::size_t emptyRows = 0;
        for (std::size_t j = 0; j < rows; ++j) {
            double fill = 0.0;
            if (rowMean[j]) {
                fill = *rowMean[j];
            } else {
                ++emptyRows;
                for (std::size_t distance = 1; distance < rows; ++distance) {
                    double sum = 0.0;
                    int n = 0;
                    if (j >= distance && rowMean[j - distance]) {
                        sum += *rowMean[j - distance];
                        ++n;
                    }
                    if (j + distance < rows && rowMean[j + distance]) {
                        sum += *rowMean[j + distance];
                        ++n;
                    }
                    if (n > 0) {
                        fill = sum / n;
                        break;
                    }
                }
            }
            for (std::size_t i = 0; i < columns; ++i) {
                if (valid[j * columns + i] == 0) {
                    field.values[j * columns + i] = fill;
                }
            }
        }
        notes.push_back("filled " + std::to_string(missingCount) + " missing values of '" + variable.name + "' in '" +
                        file.fileName() + "' with the mean of the valid values on the same latitude" +
                        (emptyRows > 0 ? " (" + std::to_string(emptyRows) +
                                             " latitude rows without any took the nearest row's mean)"
                                       : std::string()));
    }
    return field;
}

// Bilinear interpolation in longitude and latitude, periodic in longitude and constant beyond
// the outermost data latitudes.
AlignedVector<double> regrid(const SourceField& field, const GaussianGrid& grid)
{
    const std::vector<double>& lat = field.grid.latitudes;
    const std::vector<double>& lon = field.grid.longitudes;
    const std::size_t columns = lon.size();
    std::vector<std::size_t> west(static_cast<std::size_t>(grid.nlon));
    std::vector<std::size_t> east(static_cast<std::size_t>(grid.nlon));
    std::vector<double> eastWeight(static_cast<std::size_t>(grid.nlon));
    for (std::size_t i = 0; i < west.size(); ++i) {
        const double lambda = grid.longitudeDegrees[i] - 360.0 * std::floor(grid.longitudeDegrees[i] / 360.0);
        const auto above = std::upper_bound(lon.begin(), lon.end(), lambda);
        double westLon = 0.0;
        double eastLon = 0.0;
        if (above == lon.begin() || above == lon.end()) {  // in the gap across the wrap
            west[i] = columns - 1;
            east[i] = 0;
            westLon = lon.back() - (above == lon.begin() ? 360.0 : 0.0);
            eastLon = lon.front() + (above == lon.end() ? 360.0 : 0.0);
        } else {
            east[i] = static_cast<std::size_t>(above - lon.begin());
            west[i] = east[i] - 1;
            westLon = lon[west[i]];
            eastLon = lon[east[i]];
        }
        eastWeight[i] = (lambda - westLon) / (eastLon - westLon);
    }
    AlignedVector<double> result(grid.pointCount());
    for (std::size_t j = 0; j < static_cast<std::size_t>(grid.nlat); ++j) {
        const double phi = grid.latitudeDegrees[j];
        std::size_t south = 0;
        std::size_t north = 0;
        double northWeight = 0.0;
        if (phi <= lat.front()) {
            south = north = 0;
        } else if (phi >= lat.back()) {
            south = north = lat.size() - 1;
        } else {
            north = static_cast<std::size_t>(std::upper_bound(lat.begin(), lat.end(), phi) - lat.begin());
            south = north - 1;
            northWeight = (phi - lat[south]) / (lat[north] - lat[south]);
        }
        const double* southRow = field.values.data() + south * columns;
        const double* northRow = field.values.data() + north * columns;
        for (std::size_t i = 0; i < west.size(); ++i) {
            const double w = eastWeight[i];
            const double southValue = (1.0 - w) * southRow[west[i]] + w * southRow[east[i]];
            const double northValue = (1.0 - w) * northRow[west[i]] + w * northRow[east[i]];
            result[j * static_cast<std::size_t>(grid.nlon) + i] =
                (1.0 - northWeight) * southValue + northWeight * northValue;
        }
    }
    return result;
}

void checkWindUnits(const CfReader& file, const CfVariable& variable, std::vector<std::string>& notes)
{
    if (!variable.units || variable.units->empty()) {
        notes.push_back("wind variable '" + variable.name + "' in '" + file.fileName() +
                        "' has no units attribute; assumed m s-1");
        return;
    }
    const std::string units = normalizedUnits(*variable.units);
    if (std::find(windUnits.begin(), windUnits.end(), units) == windUnits.end()) {
        throw InputError("wind variable '" + variable.name + "' in initial-condition file '" + file.path() +
                         "' has units '" + *variable.units +
                         "', but winds must be in m s-1 — convert the file (e.g. knots to m s-1 with "
                         "'cdo mulc,0.514444') and set its units attribute to \"m s-1\"");
    }
}

// Metres per unit of the height variable's values, dividing geopotential by g (Williamson et
// al. 1992 value, as the model uses).
double heightScale(const CfReader& file, const CfVariable& variable, std::vector<std::string>& notes,
                   bool& geopotential)
{
    const bool namedGeopotential =
        variable.standardName == "geopotential" || contains({"phi", "geopotential"}, lowercase(variable.name));
    if (!variable.units || variable.units->empty()) {
        geopotential = namedGeopotential;
        notes.push_back("height variable '" + variable.name + "' in '" + file.fileName() +
                        "' has no units attribute; assumed " + (geopotential ? "m2 s-2 (geopotential)" : "m"));
        return geopotential ? 1.0 / constants::gravity : 1.0;
    }
    const std::string units = normalizedUnits(*variable.units);
    geopotential = contains({"m2s-2", "m2/s2", "m2/s-2", "jkg-1", "j/kg"}, units);
    if (geopotential) {
        return 1.0 / constants::gravity;
    }
    if (contains({"m", "gpm", "meter", "meters", "metre", "metres", "geopotentialmeter", "geopotentialmeters",
                  "geopotentialmetre", "geopotentialmetres", "m(gpm)"},
                 units)) {
        return 1.0;
    }
    if (contains({"dam", "gpdam", "decameter", "decameters", "decametre", "decametres"}, units)) {
        return 10.0;
    }
    if (contains({"km", "kilometer", "kilometers", "kilometre", "kilometres"}, units)) {
        return 1000.0;
    }
    throw InputError("height variable '" + variable.name + "' in initial-condition file '" + file.path() +
                     "' has units '" + *variable.units +
                     "', but geopotential height must be in m (or gpm) and geopotential in m2 s-2 — convert the "
                     "file and set its units attribute");
}

}  // namespace

InitialConditionFile readInitialConditionFile(const std::string& path, int timeIndex, int levelIndex,
                                              const GaussianGrid& grid)
{
    const CfReader file(path, initialConditionFile);
    const std::string fileName = file.fileName();
    InitialConditionFile result;

    const CfVariable& uVariable = requireVariable(file, eastwardWind);
    const CfVariable& vVariable = requireVariable(file, northwardWind);
    checkWindUnits(file, uVariable, result.notes);
    checkWindUnits(file, vVariable, result.notes);
    const SourceField u = readField(file, uVariable, timeIndex, levelIndex, grid, result.notes);
    const SourceField v = readField(file, vVariable, timeIndex, levelIndex, grid, result.notes);
    if (!sameGrid(u.grid, v.grid)) {
        throw InputError("winds '" + uVariable.name + "' " + file.shapeText(uVariable) + " and '" + vVariable.name +
                         "' " + file.shapeText(vVariable) + " in initial-condition file '" + file.path() +
                         "' have the wrong shape: they lie on different grids — give both wind components on one "
                         "lat–lon grid");
    }
    result.u = regrid(u, grid);
    result.v = regrid(v, grid);
    result.initialTime = u.initialTime.value_or("");

    std::string heightText = "no height (balanced height derived from the winds)";
    if (const CfVariable* heightVariable = findVariable(file, heightRole)) {
        bool geopotential = false;
        const double scale = heightScale(file, *heightVariable, result.notes, geopotential);
        const SourceField height = readField(file, *heightVariable, timeIndex, levelIndex, grid, result.notes);
        AlignedVector<double> metres = regrid(height, grid);
        for (double& value : metres) {
            value *= scale;
        }
        result.height = std::move(metres);
        heightText = "height '" + heightVariable->name + "'" + (geopotential ? " (geopotential / g)" : "");
    } else {
        result.notes.push_back("'" + fileName + "' has no " + std::string(heightRole.description) +
                               "; the model derives the height that balances the winds");
    }

    result.description = fileName + ": winds '" + uVariable.name + "', '" + vVariable.name + "', " + heightText;
    if (!u.timeText.empty()) {
        result.description += ", " + u.timeText;
    }
    if (!u.levelText.empty()) {
        result.description += ", " + u.levelText;
    }
    if (result.initialTime.empty()) {
        std::string why = "gives no decodable time for the winds (CF units 'hours since …')";
        if (u.timeText.find(" calendar") != std::string::npos) {
            why = "dates the winds " + u.timeText + ", which the output's standard calendar cannot name";
        }
        result.notes.push_back("'" + fileName + "' " + why + "; the forecast times count from an undated start");
    }
    return result;
}

std::vector<std::string> listInitialConditionTimes(const std::string& path)
{
    const CfReader file(path, initialConditionFile);
    const CfVariable& variable = requireVariable(file, eastwardWind);
    const Layout layout = layoutOf(file, variable);
    std::vector<std::string> times;
    if (!layout.timePosition) {
        const DecodedTime time = timeAt(file, scalarTime(file), 0);
        times.push_back(time.text.empty() ? "index 0" : time.text);
        return times;
    }
    const CfDimension& dimension = file.dimension(variable, *layout.timePosition);
    std::vector<DecodedTime> decoded;
    if (const CfVariable* coordinate = file.coordinate(dimension)) {
        decoded = decodeTimes(file, *coordinate);
    }
    for (std::size_t k = 0; k < dimension.length; ++k) {
        const bool known = k < decoded.size() && !decoded[k].text.empty();
        times.push_back(known ? decoded[k].text : "index " + std::to_string(k));
    }
    return times;
}

}  // namespace spreadcast
