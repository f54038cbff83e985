#include "graphcast/DatasetReader.h"

#include "io/CfReader.h"
#include "io/NetcdfWriter.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace spreadcast::graphcast {

namespace {

const CfFileKind datasetKind{"dataset", "give a dataset in DeepMind's GraphCast example layout "
                                        "(source-era5_date-2022-01-01_res-1.0_levels-13_steps-01.nc)"};
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

std::vector<std::string> dimensionNames(const CfReader& file, const CfVariable& variable)
{
    std::vector<std::string> names;
    for (std::size_t position = 0; position < variable.dimensions.size(); ++position) {
        names.push_back(file.dimension(variable, position).name);
    }
    return names;
}

std::string describe(const CfReader& file)
{
    return "dataset '" + file.path() + "'";
}

VariableKind classify(const CfReader& file, const CfVariable& variable)
{
    const std::vector<std::string> names = dimensionNames(file, variable);
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
    throw InputError("variable '" + variable.name + "' in " + describe(file) + " has dimensions " +
                     dimensionsText(names) + "; expected " + dimensionsText(atmosphericDimensions) +
                     " for an atmospheric variable, " + dimensionsText(surfaceDimensions) +
                     " for a surface variable or forcing, or " + dimensionsText(staticDimensions) +
                     " for a static field (DeepMind's example layout; transpose it with xarray)");
}

const CfVariable& requireCoordinate(const CfReader& file, const std::string& name, const std::string& what)
{
    const CfVariable* variable = file.variable(name);
    const bool isCoordinate =
        variable != nullptr && variable->dimensions.size() == 1 && file.dimension(*variable, 0).name == name;
    if (!isCoordinate) {
        throw InputError(describe(file) + " has no coordinate '" + name + "' (" + what +
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
bool readLatitudes(const CfReader& file, LatLonGrid& grid)
{
    grid.latitudes = file.values(requireCoordinate(file, "lat", "latitudes in degrees north"));
    const bool descending = grid.latitudes.size() > 1 && grid.latitudes.front() > grid.latitudes.back();
    if (descending) {
        std::reverse(grid.latitudes.begin(), grid.latitudes.end());
    }
    const bool inRange = std::all_of(grid.latitudes.begin(), grid.latitudes.end(),
                                     [](double latitude) { return latitude >= -90.0 && latitude <= 90.0; });
    if (grid.latitudes.empty() || !inRange || !isStrictlyIncreasing(grid.latitudes)) {
        throw InputError("the latitudes 'lat' of " + describe(file) +
                         " must be monotonic degrees within −90…90 (GraphCast's grid runs from −90 to 90)");
    }
    return descending;
}

void readLongitudes(const CfReader& file, LatLonGrid& grid)
{
    grid.longitudes = file.values(requireCoordinate(file, "lon", "longitudes in degrees east"));
    const bool inRange = std::all_of(grid.longitudes.begin(), grid.longitudes.end(),
                                     [](double longitude) { return longitude >= 0.0 && longitude < 360.0; });
    if (grid.longitudes.empty() || !inRange || !isStrictlyIncreasing(grid.longitudes)) {
        throw InputError("the longitudes 'lon' of " + describe(file) +
                         " must increase eastwards within 0…360 (GraphCast's grid starts at 0°); for −180…180 "
                         "data roll it first, e.g. ds.assign_coords(lon=ds.lon % 360).sortby('lon')");
    }
}

const CfDimension* findDimension(const CfReader& file, const std::string& name)
{
    for (const CfDimension& dimension : file.dimensions()) {
        if (dimension.name == name) {
            return &dimension;
        }
    }
    return nullptr;
}

std::vector<int> readLevels(const CfReader& file)
{
    if (findDimension(file, "level") == nullptr) {
        return {};
    }
    std::vector<int> levels;
    for (double level : file.values(requireCoordinate(file, "level", "pressure levels in hPa"))) {
        if (!(level >= 1.0 && level <= 2000.0) || level != std::round(level)) {
            throw InputError("the level coordinate of " + describe(file) +
                             " must hold whole pressures in hPa (1…2000), as DeepMind's datasets do");
        }
        levels.push_back(static_cast<int>(level));
    }
    return levels;
}

// A time coordinate's values as stored: integer times (xarray writes int64 nanoseconds or hours)
// are read as integers, so that none of their 64 bits is lost on the way to seconds.
std::vector<std::int64_t> unixSeconds(const CfReader& file, const CfVariable& times, const CfTimeUnits& units,
                                      std::size_t timeCount, const std::string& where)
{
    std::vector<std::int64_t> seconds;
    const bool integral = times.type == NC_BYTE || times.type == NC_SHORT || times.type == NC_INT ||
                          times.type == NC_INT64 || times.type == NC_UBYTE || times.type == NC_USHORT ||
                          times.type == NC_UINT;
    std::vector<long long> integers;
    std::vector<double> reals;
    if (integral && !times.packing.packed) {
        integers.resize(times.dimensions.size() == 1 ? timeCount : file.dimension(times, 0).length * timeCount);
        std::lock_guard library(netcdfLibraryMutex());
        file.check(nc_get_var_longlong(file.ncid(), times.id, integers.data()), "read variable '" + times.name + "'");
    } else {
        reals = file.values(times);
    }
    for (std::size_t time = 0; time < timeCount; ++time) {
        const std::optional<std::int64_t> value =
            integral && !times.packing.packed ? units.unixSeconds(integers[time]) : units.unixSeconds(reals[time]);
        if (!value) {
            throw InputError(where + ": time " + std::to_string(time) +
                             " is missing, or not a date in the Gregorian calendar; the file is damaged");
        }
        seconds.push_back(*value);
    }
    return seconds;
}

// The valid times from the `datetime` coordinate (batch, time) or (time); with no such
// coordinate, from a `time` coordinate that is itself absolute ("hours since …").
std::vector<std::int64_t> readValidTimes(const CfReader& file, std::size_t timeCount)
{
    const CfVariable* times = file.variable("datetime");
    if (times == nullptr) {
        times = file.variable("time");
    }
    const std::string expectation =
        "; expected a 'datetime' coordinate on (batch, time) with units such as 'hours since 2022-01-01' as in "
        "DeepMind's example files";
    if (times == nullptr || withoutBatch(dimensionNames(file, *times)) != std::vector<std::string>{"time"}) {
        throw InputError(describe(file) + " has no valid times" + expectation);
    }
    const std::string where = "variable '" + times->name + "' in " + describe(file);
    const CfTimeUnits units = [&] {
        try {
            return CfTimeUnits::parse(file.text(times, "units").value_or(""),
                                      file.text(times, "calendar").value_or(""));
        } catch (const std::invalid_argument& error) {
            throw InputError(where + ": " + error.what() + expectation);
        }
    }();
    if (!units.hasReference()) {
        throw InputError(where + " holds durations ('" + file.text(times, "units").value_or("") +
                         "'), not dates 'since' a reference" + expectation);
    }
    if (units.calendar() != CfCalendar::Standard && units.calendar() != CfCalendar::ProlepticGregorian) {
        throw InputError(where + " is in the " + std::string(calendarName(units.calendar())) +
                         " calendar; GraphCast's forcings need real dates (standard or proleptic_gregorian)");
    }
    return unixSeconds(file, *times, units, timeCount, where);
}

std::size_t requireDimensionLength(const CfReader& file, const std::string& name)
{
    const CfDimension* dimension = findDimension(file, name);
    if (dimension == nullptr || dimension->length == 0) {
        throw InputError(describe(file) + " has no dimension '" + name + "' or it is empty; expected dimensions " +
                         dimensionsText(atmosphericDimensions));
    }
    return dimension->length;
}

// Values of one variable at one time (or of a static field), batch 0, as float, latitude rows
// ascending.
std::vector<float> readField(const CfReader& file, const CfVariable& variable, std::size_t time, bool flipLatitudes)
{
    CfHyperslab slab(file, variable);
    for (std::size_t position = 0; position < variable.dimensions.size(); ++position) {
        const std::string& name = file.dimension(variable, position).name;
        if (name == "batch") {
            slab.select(position, 0);
        } else if (name == "time") {
            slab.select(position, time);
        }
    }
    const std::vector<float> values = file.read<float>(variable, slab);
    const std::size_t rowLength = file.dimension(variable, variable.dimensions.size() - 1).length;
    const std::size_t rows = file.dimension(variable, variable.dimensions.size() - 2).length;
    if (!flipLatitudes) {
        return values;
    }
    const std::size_t slabs = rows * rowLength == 0 ? 0 : values.size() / (rows * rowLength);
    std::vector<float> field(values.size());
    for (std::size_t level = 0; level < slabs; ++level) {
        for (std::size_t row = 0; row < rows; ++row) {
            const auto source =
                values.begin() + static_cast<std::ptrdiff_t>((level * rows + rows - 1 - row) * rowLength);
            std::copy(source, source + static_cast<std::ptrdiff_t>(rowLength),
                      field.begin() + static_cast<std::ptrdiff_t>((level * rows + row) * rowLength));
        }
    }
    return field;
}

}  // namespace

Dataset readDataset(const std::string& path)
{
    const CfReader file(path, datasetKind);
    Dataset dataset;
    const bool flipLatitudes = readLatitudes(file, dataset.grid);
    readLongitudes(file, dataset.grid);
    dataset.levels = readLevels(file);
    const std::size_t timeCount = requireDimensionLength(file, "time");
    dataset.validTimes = readValidTimes(file, timeCount);
    dataset.times.resize(timeCount);
    for (const CfVariable& variable : file.variables()) {
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
