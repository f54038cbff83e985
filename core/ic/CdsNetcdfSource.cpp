#include "ic/CdsNetcdfSource.h"

#include "ic/DatasetAssembler.h"
#include "ic/SourceVariables.h"
#include "io/CfReader.h"
#include "io/NetcdfWriter.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <cmath>
#include <mutex>
#include <optional>

namespace spreadcast::ic {

namespace {

const CfFileKind fileKind{"initial-condition file",
                          "give NetCDF from the Copernicus Climate Data Store or in DeepMind's GraphCast layout, or "
                          "GRIB from ECMWF open data or MARS"};

// Seconds since 1970-01-01 00:00 UTC of every valid time.
std::vector<std::int64_t> validTimesOf(const CfReader& reader, const CfDimension& dimension)
{
    const CfVariable* coordinate = reader.coordinate(dimension);
    if (coordinate == nullptr) {
        throw InputError("dimension '" + dimension.name + "' of initial-condition file '" + reader.path() +
                         "' has no coordinate variable with the valid times; the file is incomplete — download "
                         "it again");
    }
    const CfTimeUnits units = reader.timeUnits(*coordinate);
    if (!units.hasReference() ||
        (units.calendar() != CfCalendar::Standard && units.calendar() != CfCalendar::ProlepticGregorian)) {
        throw InputError("time " + reader.where(*coordinate) + " must be dates in the Gregorian calendar (units '" +
                         coordinate->units.value_or("") + "', calendar '" +
                         std::string(calendarName(units.calendar())) + "'), as reanalyses and forecasts use");
    }
    std::vector<std::int64_t> seconds;
    for (const double value : reader.values(*coordinate)) {
        const std::optional<CfDateTime> date = units.dateTime(value);
        const std::optional<std::int64_t> second =
            date && date->year >= 1 && date->year <= 9999
                ? utcSeconds(static_cast<int>(date->year), date->month, date->day, date->hour, date->minute,
                             static_cast<int>(std::floor(date->second)))
                : std::nullopt;
        if (!second) {
            throw InputError("time " + reader.where(*coordinate) + " holds " + std::to_string(value) +
                             ", which is not a date between years 1 and 9999; the file is damaged");
        }
        seconds.push_back(*second);
    }
    return seconds;
}

// The pressure levels in whole hPa.
std::vector<int> levelsOf(const CfReader& reader, const CfDimension& dimension)
{
    const CfVariable* coordinate = reader.coordinate(dimension);
    if (coordinate == nullptr) {
        throw InputError("dimension '" + dimension.name + "' of initial-condition file '" + reader.path() +
                         "' has no coordinate variable with the pressures; the file is incomplete — download it "
                         "again");
    }
    const std::string units = normalizedUnits(coordinate->units.value_or(""));
    double factor = 0;
    if (units == "hpa" || units == "mbar" || units == "millibars" || units == "mb") {
        factor = 1.0;
    } else if (units == "pa") {
        factor = 0.01;
    } else {
        throw InputError("pressure levels " + reader.where(*coordinate) + " have units '" +
                         coordinate->units.value_or("") + "'; expected hPa (as the CDS writes) or Pa");
    }
    std::vector<int> levels;
    for (const double value : reader.values(*coordinate)) {
        const double hectopascals = value * factor;
        if (!(hectopascals >= 1.0 && hectopascals <= 2000.0) || hectopascals != std::round(hectopascals)) {
            throw InputError("pressure levels " + reader.where(*coordinate) + " hold " + std::to_string(value) + " " +
                             coordinate->units.value_or("") +
                             "; the learned models use whole hectopascals from 1 to 2000 hPa");
        }
        levels.push_back(static_cast<int>(hectopascals));
    }
    return levels;
}

// The positions of a variable's dimensions: [time,] [level,] latitude, longitude, in that order.
struct Layout {
    std::optional<std::size_t> time;
    std::optional<std::size_t> level;
};

Layout layoutOf(const CfReader& reader, const CfVariable& variable)
{
    Layout layout;
    const std::size_t rank = variable.dimensions.size();
    std::size_t next = 0;
    if (next < rank && variable.axes[next] == CfAxis::Time) {
        layout.time = next++;
    }
    if (next < rank && variable.axes[next] == CfAxis::Level) {
        layout.level = next++;
    }
    if (rank != next + 2 || variable.axes[next] != CfAxis::Latitude || variable.axes[next + 1] != CfAxis::Longitude) {
        throw InputError(reader.where(variable) + " has dimensions " + reader.shapeText(variable) +
                         "; expected (valid_time, pressure_level, latitude, longitude) or (valid_time, latitude, "
                         "longitude) as the CDS writes them — select one member and transpose with xarray or "
                         "'ncpdq' first");
    }
    return layout;
}

// Values of a slab (latitude × longitude, or levels × latitude × longitude) in the Dataset's
// order: latitudes ascending, longitudes wrapped and ascending, each × factor.
std::vector<float> reorder(const std::vector<double>& values, const CfHorizontalGrid& grid, std::size_t fileLongitudes,
                           std::size_t fileLatitudes, double factor, const std::string& where)
{
    const std::size_t slabSize = fileLatitudes * fileLongitudes;
    const std::size_t slabs = slabSize == 0 ? 0 : values.size() / slabSize;
    const std::size_t columns = grid.longitudes.size();
    std::vector<float> field(slabs * grid.latitudes.size() * columns);
    for (std::size_t slab = 0; slab < slabs; ++slab) {
        for (std::size_t row = 0; row < grid.latitudes.size(); ++row) {
            const std::size_t source = slab * slabSize + grid.latitudeIndex[row] * fileLongitudes;
            const std::size_t target = (slab * grid.latitudes.size() + row) * columns;
            for (std::size_t column = 0; column < columns; ++column) {
                field[target + column] = toDatasetFloat(values[source + grid.longitudeIndex[column]] * factor, where);
            }
        }
    }
    return field;
}

void readVariable(const CfReader& reader, const CfVariable& variable, DatasetAssembler& assembler)
{
    if (cdsVariable(variable.name, true) == nullptr && cdsVariable(variable.name, false) == nullptr) {
        return;  // not a variable the learned models read
    }
    const Layout layout = layoutOf(reader, variable);
    const SourceVariable* source = cdsVariable(variable.name, layout.level.has_value());
    if (source == nullptr) {
        return;
    }
    const std::string where = reader.where(variable);
    const double factor = unitFactor(*source, variable.units.value_or(""), where);
    const CfHorizontalGrid horizontal = reader.horizontalGrid(variable);
    const graphcast::LatLonGrid grid{horizontal.latitudes, horizontal.longitudes};
    const std::size_t rank = variable.dimensions.size();
    const std::size_t fileLatitudes = reader.dimension(variable, rank - 2).length;
    const std::size_t fileLongitudes = reader.dimension(variable, rank - 1).length;
    const std::string name(source->graphcastName);

    if (!layout.time) {
        if (source->shape != VariableShape::Static) {
            throw InputError(where + " has no valid_time dimension " + reader.shapeText(variable) +
                             "; only static fields (lsm, surface z) may come without one");
        }
        assembler.addStaticField(grid, name,
                                 reorder(reader.read<double>(variable, CfHyperslab(reader, variable)), horizontal,
                                         fileLongitudes, fileLatitudes, factor, where),
                                 where);
        return;
    }
    const std::vector<std::int64_t> times = validTimesOf(reader, reader.dimension(variable, *layout.time));
    // ERA5's tp, the only precipitation the CDS delivers on valid_time, accumulates over the hour
    // ending at each valid time; the assembly sums the six hours GraphCast needs.
    const bool hourlyPrecipitation = name == "total_precipitation_6hr";
    std::vector<int> levels;
    if (layout.level) {
        levels = levelsOf(reader, reader.dimension(variable, *layout.level));
    }
    for (std::size_t time = 0; time < times.size(); ++time) {
        CfHyperslab slab(reader, variable);
        slab.select(*layout.time, time);
        std::vector<float> field =
            reorder(reader.read<double>(variable, slab), horizontal, fileLongitudes, fileLatitudes, factor, where);
        const std::string whereAtTime = where + " at " + utcText(times[time]);
        if (hourlyPrecipitation) {
            assembler.addPrecipitation(grid, times[time] - 3600, times[time], std::move(field), whereAtTime);
            continue;
        }
        switch (source->shape) {
        case VariableShape::Static: assembler.addStaticField(grid, name, std::move(field), whereAtTime); break;
        case VariableShape::SingleLevel:
            assembler.addSingleLevelField(grid, times[time], name, std::move(field), whereAtTime);
            break;
        case VariableShape::PressureLevels: {
            const std::size_t points = grid.points();
            for (std::size_t level = 0; level < levels.size(); ++level) {
                const auto first = field.begin() + static_cast<std::ptrdiff_t>(level * points);
                assembler.addLevelField(grid, times[time], name, levels[level],
                                        std::vector<float>(first, first + static_cast<std::ptrdiff_t>(points)),
                                        whereAtTime);
            }
            break;
        }
        }
    }
}

}  // namespace

bool hasCdsDimensions(const std::string& path)
{
    std::lock_guard library(netcdfLibraryMutex());
    int ncid = -1;
    if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) {
        return false;
    }
    int dimension = -1;
    const bool cds = nc_inq_dimid(ncid, "valid_time", &dimension) == NC_NOERR &&
                     nc_inq_dimid(ncid, "latitude", &dimension) == NC_NOERR &&
                     nc_inq_dimid(ncid, "longitude", &dimension) == NC_NOERR;
    nc_close(ncid);
    return cds;
}

graphcast::Dataset readCdsNetcdfSource(const std::string& path, std::vector<PrecipitationAccumulation>* precipitation)
{
    const CfReader reader(path, fileKind);
    DatasetAssembler assembler("initial-condition file '" + path + "'");
    for (const CfVariable& variable : reader.variables()) {
        const bool isCoordinate =
            variable.dimensions.size() == 1 &&
            reader.dimensions()[static_cast<std::size_t>(variable.dimensions[0])].name == variable.name;
        const bool onGrid = variable.position(CfAxis::Latitude) && variable.position(CfAxis::Longitude);
        if (isCoordinate || !onGrid || !variable.isNumeric()) {
            continue;
        }
        readVariable(reader, variable, assembler);
    }
    graphcast::Dataset dataset = assembler.finish();
    if (precipitation != nullptr) {
        *precipitation = assembler.takePrecipitation();
    }
    return dataset;
}

}  // namespace spreadcast::ic
