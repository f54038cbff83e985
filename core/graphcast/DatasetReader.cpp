#include "graphcast/DatasetReader.h"

#include "graphcast/CfTime.h"
#include "graphcast/NetcdfInput.h"
#include "io/NetcdfWriter.h"
#include "run/InputError.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace spreadcast::graphcast {

namespace {

constexpr const char* role = "dataset";
const std::vector<std::string> atmosphericDimensions = {"batch", "time", "level", "lat", "lon"};
const std::vector<std::string> surfaceDimensions = {"batch", "time", "lat", "lon"};
const std::vector<std::string> staticDimensions = {"lat", "lon"};

enum class VariableKind { Atmospheric, Surface, Static, NotAField };

std::string dimensionsText(const std::vector<std::string>& names)
{
    std::string text = "(";
    for (std::size_t i = 0; i < names.size(); ++i) {
        text += (i == 0 ? "" : ", ") + names[i];
    }
    return text + ")";
}

// The dimensions without a leading "batch", so that files with and without one read alike.
std::vector<std::string> withoutBatch(std::vector<std::string> names)
{
    if (!names.empty() && names.front() == "batch") {
        names.erase(names.begin());
    }
    return names;
}

VariableKind classify(const NetcdfInput& file, const NetcdfVariable& variable)
{
    const std::vector<std::string> names = variable.dimensionNames();
    const bool onGrid = std::find(names.begin(), names.end(), "lat") != names.end() &&
                        std::find(names.begin(), names.end(), "lon") != names.end();
    if (!onGrid) {
        return VariableKind::NotAField;
    }
    const std::vector<std::string> core = withoutBatch(names);
    if (core == withoutBatch(atmosphericDimensions)) {
        return VariableKind::Atmospheric;
    }
    if (core == withoutBatch(surfaceDimensions)) {
        return VariableKind::Surface;
    }
    if (core == staticDimensions) {
        return VariableKind::Static;
    }
    throw InputError("variable '" + variable.name + "' in " + file.describe() + " has dimensions " +
                     dimensionsText(names) + "; expected " + dimensionsText(atmosphericDimensions) +
                     " for an atmospheric variable, " + dimensionsText(surfaceDimensions) +
                     " for a surface variable or forcing, or " + dimensionsText(staticDimensions) +
                     " for a static field (DeepMind's example layout; transpose it with xarray)");
}

const NetcdfVariable& requireCoordinate(const NetcdfInput& file, const std::string& name, const std::string& what)
{
    const NetcdfVariable* variable = file.findVariable(name);
    if (variable == nullptr || !file.isCoordinate(*variable)) {
        throw InputError(file.describe() + " has no coordinate '" + name + "' (" + what +
                         "); expected DeepMind's example layout with dimensions " +
                         dimensionsText(atmosphericDimensions));
    }
    return *variable;
}

bool isStrictlyIncreasing(const std::vector<double>& values)
{
    return std::adjacent_find(values.begin(), values.end(), std::greater_equal<>()) == values.end();
}

// Latitudes ascending from the south, as GraphCast's grid has them; returns whether the file's
// axis runs the other way and has to be flipped.
bool readLatitudes(const NetcdfInput& file, LatLonGrid& grid)
{
    grid.latitudes = file.readValues(requireCoordinate(file, "lat", "latitudes in degrees north"));
    const bool descending = grid.latitudes.size() > 1 && grid.latitudes.front() > grid.latitudes.back();
    if (descending) {
        std::reverse(grid.latitudes.begin(), grid.latitudes.end());
    }
    const bool inRange = std::all_of(grid.latitudes.begin(), grid.latitudes.end(),
                                     [](double latitude) { return latitude >= -90.0 && latitude <= 90.0; });
    if (grid.latitudes.empty() || !inRange || !isStrictlyIncreasing(grid.latitudes)) {
        throw InputError("the latitudes 'lat' of " + file.describe() +
                         " must be monotonic degrees within −90…90 (GraphCast's grid runs from −90 to 90)");
    }
    return descending;
}

void readLongitudes(const NetcdfInput& file, LatLonGrid& grid)
{
    grid.longitudes = file.readValues(requireCoordinate(file, "lon", "longitudes in degrees east"));
    const bool inRange = std::all_of(grid.longitudes.begin(), grid.longitudes.end(),
                                     [](double longitude) { return longitude >= 0.0 && longitude < 360.0; });
    if (grid.longitudes.empty() || !inRange || !isStrictlyIncreasing(grid.longitudes)) {
        throw InputError("the longitudes 'lon' of " + file.describe() +
                         " must increase eastwards within 0…360 (GraphCast's grid starts at 0°); for −180…180 "
                         "data roll it first, e.g. ds.assign_coords(lon=ds.lon % 360).sortby('lon')");
    }
}

std::vector<int> readLevels(const NetcdfInput& file)
{
    if (!file.findDimension("level")) {
        return {};
    }
    std::vector<int> levels;
    for (double level : file.readValues(requireCoordinate(file, "level", "pressure levels in hPa"))) {
        if (!(level >= 1.0 && level <= 2000.0) || level != std::round(level)) {
            throw InputError("the level coordinate of " + file.describe() +
                             " must hold whole pressures in hPa (1…2000), as DeepMind's datasets do");
        }
        levels.push_back(static_cast<int>(level));
    }
    return levels;
}

// The valid times from the `datetime` coordinate (batch, time) or (time); with no such
// coordinate, from a `time` coordinate that is itself absolute ("hours since …").
std::vector<std::int64_t> readValidTimes(const NetcdfInput& file, std::size_t timeCount)
{
    const NetcdfVariable* times = file.findVariable("datetime");
    if (times == nullptr) {
        times = file.findVariable("time");
    }
    const std::string expectation =
        "; expected a 'datetime' coordinate on (batch, time) with units such as 'hours since 2022-01-01' as in "
        "DeepMind's example files";
    if (times == nullptr || withoutBatch(times->dimensionNames()) != std::vector<std::string>{"time"}) {
        throw InputError(file.describe() + " has no valid times" + expectation);
    }
    const std::string where = "variable '" + times->name + "' in " + file.describe();
    try {
        const CfTimeUnits units = parseCfTimeUnits(file.textAttribute(*times, "units").value_or(""));
        requireGregorianCalendar(file.textAttribute(*times, "calendar").value_or(""));
        std::vector<std::int64_t> seconds;
        if (times->holdsIntegers()) {
            const std::vector<long long> values = file.readIntegers(*times);
            for (std::size_t time = 0; time < timeCount; ++time) {
                seconds.push_back(cfTimeToUnixSeconds(values[time], units));
            }
        } else {
            const std::vector<double> values = file.readValues(*times);
            for (std::size_t time = 0; time < timeCount; ++time) {
                seconds.push_back(cfTimeToUnixSeconds(values[time], units));
            }
        }
        return seconds;
    } catch (const std::invalid_argument& error) {
        throw InputError(where + ": " + error.what() + expectation);
    } catch (const std::out_of_range& error) {
        throw InputError(where + ": " + error.what() + "; the file is damaged");
    }
}

std::size_t requireDimensionLength(const NetcdfInput& file, const std::string& name)
{
    const std::optional<NetcdfDimension> dimension = file.findDimension(name);
    if (!dimension || dimension->length == 0) {
        throw InputError(file.describe() + " has no dimension '" + name + "' or it is empty; expected dimensions " +
                         dimensionsText(atmosphericDimensions));
    }
    return dimension->length;
}

// Values of one variable at one time (or of a static field), batch 0, as float, latitude rows
// ascending.
std::vector<float> readField(const NetcdfInput& file, const NetcdfVariable& variable, std::size_t time,
                             bool flipLatitudes)
{
    std::vector<std::size_t> start(variable.dimensions.size(), 0);
    std::vector<std::size_t> count;
    for (std::size_t axis = 0; axis < variable.dimensions.size(); ++axis) {
        const std::string& name = variable.dimensions[axis].name;
        const bool isSingle = name == "batch" || name == "time";
        count.push_back(isSingle ? 1 : variable.dimensions[axis].length);
        if (name == "time") {
            start[axis] = time;
        }
    }
    const std::vector<double> values = file.readValues(variable, start, count);
    const std::size_t rowLength = variable.dimensions.back().length;
    const std::size_t rows = variable.dimensions[variable.dimensions.size() - 2].length;
    const std::size_t slabs = rows * rowLength == 0 ? 0 : values.size() / (rows * rowLength);
    std::vector<float> field(values.size());
    for (std::size_t slab = 0; slab < slabs; ++slab) {
        for (std::size_t row = 0; row < rows; ++row) {
            const std::size_t sourceRow = flipLatitudes ? rows - 1 - row : row;
            const std::size_t source = (slab * rows + sourceRow) * rowLength;
            const std::size_t target = (slab * rows + row) * rowLength;
            for (std::size_t column = 0; column < rowLength; ++column) {
                field[target + column] = static_cast<float>(values[source + column]);
            }
        }
    }
    return field;
}

}  // namespace

Dataset readDataset(const std::string& path)
{
    std::lock_guard library(netcdfLibraryMutex());
    const NetcdfInput file(path, role);
    Dataset dataset;
    const bool flipLatitudes = readLatitudes(file, dataset.grid);
    readLongitudes(file, dataset.grid);
    dataset.levels = readLevels(file);
    const std::size_t timeCount = requireDimensionLength(file, "time");
    dataset.validTimes = readValidTimes(file, timeCount);
    dataset.times.resize(timeCount);
    for (const NetcdfVariable& variable : file.variables()) {
        const VariableKind kind = classify(file, variable);
        if (kind == VariableKind::NotAField) {
            continue;
        }
        if (kind == VariableKind::Static) {
            dataset.statics.variables[variable.name] = readField(file, variable, 0, flipLatitudes);
            continue;
        }
        for (std::size_t time = 0; time < timeCount; ++time) {
            dataset.times[time].variables[variable.name] = readField(file, variable, time, flipLatitudes);
        }
    }
    return dataset;
}

}  // namespace spreadcast::graphcast
