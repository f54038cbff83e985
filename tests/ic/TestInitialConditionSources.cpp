// The initial-condition sources (core/ic): one analysis written three ways — GRIB2 in ECMWF's
// open-data layout (ecCodes' own sample and API), NetCDF as the Copernicus Climate Data Store
// delivers it (netCDF-C), and DeepMind's GraphCast example layout — must read as the same
// Dataset, bit for bit, after the documented conversions (gh × 9.80665 → geopotential; CDS
// latitudes north to south and GRIB rows in any scanning order → ascending; packing undone).
// Then every kind of bad input is refused with an InputError that names what is wrong.
//
// GRIB's simple packing is lossy, so the values are decoded from the written GRIB file once and
// those decoded values are what the NetCDF files hold: every path then starts from the same
// doubles and the comparison can be exact.

#include "ic/InitialConditionSource.h"
#include "run/InputError.h"

#include <eccodes.h>
#include <netcdf.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>

using namespace spreadcast;
using spreadcast::graphcast::Dataset;

namespace {

// A 30° grid: 7 latitudes from 90°N to 90°S (GRIB's and the CDS's order), 12 longitudes from 0°.
constexpr int rows = 7;
constexpr int columns = 12;
constexpr int points = rows * columns;
constexpr long analysisDate = 20240101;
constexpr std::int64_t firstValidTime = 1704067200;  // 2024-01-01 00:00 UTC
const std::vector<long> steps = {0, 6};              // hours: valid at 00 and 06 UTC
const std::vector<long> levels = {500, 850};         // hPa
constexpr int missingRow = 3;                        // 2t is missing at one point (a bitmap)
constexpr int missingColumn = 4;
constexpr double gribMissingValue = 9999.0;
// WMO standard gravity, written out here rather than taken from the reader's constant, so that a
// wrong constant there shows.
constexpr double gravity = 9.80665;

struct GribParameter {
    const char* shortName;
    const char* typeOfLevel;
    bool onLevels;
};
// ECMWF open data's parameters, geopotential as geopotential height (gh).
const std::vector<GribParameter> parameters = {
    {"gh", "isobaricInhPa", true},       {"t", "isobaricInhPa", true}, {"u", "isobaricInhPa", true},
    {"v", "isobaricInhPa", true},        {"w", "isobaricInhPa", true}, {"q", "isobaricInhPa", true},
    {"2t", "heightAboveGround", false},  {"msl", "meanSea", false},    {"10u", "heightAboveGround", false},
    {"10v", "heightAboveGround", false}, {"lsm", "surface", false},    {"z", "surface", false}};

// Values at (row from the north, column from 0°), plausible for each parameter, different per
// level and step so that misplacing any field shows.
double valueOf(const std::string& shortName, long level, long step, int row, int column)
{
    const double r = row;
    const double c = column;
    const double s = static_cast<double>(step);
    const double l = level == 500 ? 0.0 : 1.0;
    if (shortName == "gh")
        return (l == 0 ? 5500.0 : 1500.0) + 10.0 * r + c + s;
    if (shortName == "t")
        return 250.0 + 20.0 * l + r + 0.25 * c + s;
    if (shortName == "u")
        return -20.0 + 3.0 * r + c + l + s;
    if (shortName == "v")
        return 10.0 - c + 2.0 * l - s;
    if (shortName == "w")
        return 0.01 * (r - c) + 0.1 * l;
    if (shortName == "q")
        return 0.001 * (1.0 + r) + 1e-5 * c + 0.002 * l;
    if (shortName == "2t")
        return row == missingRow && column == missingColumn ? gribMissingValue : 280.0 + r + c + s;
    if (shortName == "msl")
        return 100000.0 + 100.0 * r + 10.0 * c + s;
    if (shortName == "10u")
        return 5.0 - r + 0.5 * c;
    if (shortName == "10v")
        return -3.0 + r - s;
    if (shortName == "lsm")
        return (row + column) % 2;
    return 100.0 * r * c;  // z at the surface
}

void check(int status, const char* what)
{
    if (status != CODES_SUCCESS) {
        throw std::runtime_error(std::string(what) + ": " + codes_get_error_message(status));
    }
}

void setString(codes_handle* handle, const char* key, const char* value)
{
    std::size_t length = std::strlen(value);
    check(codes_set_string(handle, key, value, &length), key);
}

// How a GRIB file lays out the grid: ECMWF's (north to south, 0…330°E) or the other way round
// (south to north, −180…150°E), to show the reader maps any scanning order to the same points.
enum class GribLayout { NorthToSouthFromGreenwich, SouthToNorthFromDateLine };

struct GribMessage {
    std::string shortName;
    long level = 0;  // hPa; 0 for a single-level field
    long step = 0;
};

// A GRIB2 message from ecCodes' regular_ll_pl_grib2 sample, simple packing as open data's.
std::vector<char> encode(const GribParameter& parameter, long level, long step, GribLayout layout,
                         const char* sample = "regular_ll_pl_grib2")
{
    codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, sample);
    if (handle == nullptr) {
        throw std::runtime_error(std::string("ecCodes has no sample ") + sample + " (install libeccodes-data)");
    }
    setString(handle, "typeOfLevel", parameter.typeOfLevel);
    setString(handle, "shortName", parameter.shortName);
    if (parameter.onLevels) {
        check(codes_set_long(handle, "level", level), "level");
    }
    check(codes_set_long(handle, "dataDate", analysisDate), "dataDate");
    check(codes_set_long(handle, "dataTime", 0), "dataTime");
    check(codes_set_long(handle, "step", step), "step");
    const bool fromNorth = layout == GribLayout::NorthToSouthFromGreenwich;
    check(codes_set_long(handle, "Ni", columns), "Ni");
    check(codes_set_long(handle, "Nj", rows), "Nj");
    check(codes_set_double(handle, "latitudeOfFirstGridPointInDegrees", fromNorth ? 90.0 : -90.0), "lat1");
    check(codes_set_double(handle, "latitudeOfLastGridPointInDegrees", fromNorth ? -90.0 : 90.0), "lat2");
    check(codes_set_double(handle, "longitudeOfFirstGridPointInDegrees", fromNorth ? 0.0 : -180.0), "lon1");
    check(codes_set_double(handle, "longitudeOfLastGridPointInDegrees", fromNorth ? 330.0 : 150.0), "lon2");
    check(codes_set_double(handle, "iDirectionIncrementInDegrees", 30.0), "di");
    check(codes_set_double(handle, "jDirectionIncrementInDegrees", 30.0), "dj");
    check(codes_set_long(handle, "jScansPositively", fromNorth ? 0 : 1), "jScansPositively");
    check(codes_set_long(handle, "bitsPerValue", 16), "bitsPerValue");
    std::vector<double> values;
    bool missing = false;
    for (int j = 0; j < rows; ++j) {
        const int row = fromNorth ? j : rows - 1 - j;
        for (int i = 0; i < columns; ++i) {
            const int column = fromNorth ? i : (i + columns / 2) % columns;  // −180° is column 6 from 0°
            values.push_back(valueOf(parameter.shortName, level, step, row, column));
            missing = missing || values.back() == gribMissingValue;
        }
    }
    if (missing) {
        check(codes_set_long(handle, "bitmapPresent", 1), "bitmapPresent");
        check(codes_set_double(handle, "missingValue", gribMissingValue), "missingValue");
    }
    check(codes_set_double_array(handle, "values", values.data(), values.size()), "values");
    const void* message = nullptr;
    std::size_t size = 0;
    check(codes_get_message(handle, &message, &size), "message");
    std::vector<char> bytes(static_cast<const char*>(message), static_cast<const char*>(message) + size);
    codes_handle_delete(handle);
    return bytes;
}

struct WrittenGrib {
    std::vector<std::size_t> messageOffsets;
    std::vector<char> bytes;
};

// Every parameter at every step (and level), in an order no reader could rely on: steps and
// levels interleaved from the last.
WrittenGrib writeGrib(const std::string& path, GribLayout layout, const std::vector<long>& stepsToWrite)
{
    WrittenGrib written;
    for (auto step = stepsToWrite.rbegin(); step != stepsToWrite.rend(); ++step) {
        for (auto parameter = parameters.rbegin(); parameter != parameters.rend(); ++parameter) {
            for (long level : parameter->onLevels ? std::vector<long>{850, 500} : std::vector<long>{0}) {
                const std::vector<char> message = encode(*parameter, level, *step, layout);
                written.messageOffsets.push_back(written.bytes.size());
                written.bytes.insert(written.bytes.end(), message.begin(), message.end());
            }
        }
    }
    std::ofstream(path, std::ios::binary)
        .write(written.bytes.data(), static_cast<std::streamsize>(written.bytes.size()));
    return written;
}

// The values of a GRIB file as ecCodes decodes them, by (shortName, level, step), rows from the
// north as written by the NorthToSouthFromGreenwich layout; missing points NaN.
std::map<std::tuple<std::string, long, long>, std::vector<double>> decode(const std::string& path)
{
    std::map<std::tuple<std::string, long, long>, std::vector<double>> decoded;
    std::FILE* file = std::fopen(path.c_str(), "rb");
    int status = 0;
    while (codes_handle* handle = codes_handle_new_from_file(nullptr, file, PRODUCT_GRIB, &status)) {
        char shortName[64] = {};
        std::size_t length = sizeof shortName;
        check(codes_get_string(handle, "shortName", shortName, &length), "shortName");
        char typeOfLevel[64] = {};
        length = sizeof typeOfLevel;
        check(codes_get_string(handle, "typeOfLevel", typeOfLevel, &length), "typeOfLevel");
        long level = 0;
        long step = 0;
        check(codes_get_long(handle, "level", &level), "level");
        check(codes_get_long(handle, "step", &step), "step");
        std::vector<double> values(points);
        std::size_t size = values.size();
        check(codes_get_double_array(handle, "values", values.data(), &size), "values");
        for (double& value : values) {
            value = value == gribMissingValue ? std::nan("") : value;
        }
        const bool onLevels = std::string(typeOfLevel) == "isobaricInhPa";
        decoded[{shortName, onLevels ? level : 0, step}] = values;
        codes_handle_delete(handle);
    }
    std::fclose(file);
    return decoded;
}

void nc(int status)
{
    if (status != NC_NOERR) {
        throw std::runtime_error(nc_strerror(status));
    }
}

void putText(int ncid, int variable, const char* name, const std::string& value)
{
    nc(nc_put_att_text(ncid, variable, name, value.size(), value.c_str()));
}

struct NetcdfVariableSpec {
    std::string name;
    std::string units;
    std::string shortName;  // in the decoded GRIB values
    double factor = 1.0;    // decoded GRIB value × factor = the value written
    bool packed = false;    // as int16 with scale_factor 0.5, add_offset 290, _FillValue −32767
    bool doublePrecision = false;
};

// NetCDF as the new CDS writes it: dimensions (valid_time, [pressure_level,] latitude, longitude),
// latitudes from the north, pressure levels from the bottom, valid_time in seconds since 1970.
void writeCdsNetcdf(const std::string& path, const std::vector<NetcdfVariableSpec>& variables, bool pressureLevels,
                    const std::map<std::tuple<std::string, long, long>, std::vector<double>>& decoded,
                    bool withLatitudeCoordinate = true)
{
    int ncid = -1;
    nc(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid));
    int timeDimension = -1;
    int levelDimension = -1;
    int latitudeDimension = -1;
    int longitudeDimension = -1;
    nc(nc_def_dim(ncid, "valid_time", steps.size(), &timeDimension));
    if (pressureLevels) {
        nc(nc_def_dim(ncid, "pressure_level", levels.size(), &levelDimension));
    }
    nc(nc_def_dim(ncid, "latitude", rows, &latitudeDimension));
    nc(nc_def_dim(ncid, "longitude", columns, &longitudeDimension));
    int timeVariable = -1;
    nc(nc_def_var(ncid, "valid_time", NC_INT64, 1, &timeDimension, &timeVariable));
    putText(ncid, timeVariable, "units", "seconds since 1970-01-01");
    putText(ncid, timeVariable, "calendar", "proleptic_gregorian");
    int levelVariable = -1;
    if (pressureLevels) {
        nc(nc_def_var(ncid, "pressure_level", NC_DOUBLE, 1, &levelDimension, &levelVariable));
        putText(ncid, levelVariable, "units", "hPa");
    }
    int latitudeVariable = -1;
    if (withLatitudeCoordinate) {
        nc(nc_def_var(ncid, "latitude", NC_DOUBLE, 1, &latitudeDimension, &latitudeVariable));
        putText(ncid, latitudeVariable, "units", "degrees_north");
    }
    int longitudeVariable = -1;
    nc(nc_def_var(ncid, "longitude", NC_DOUBLE, 1, &longitudeDimension, &longitudeVariable));
    putText(ncid, longitudeVariable, "units", "degrees_east");
    std::vector<int> dimensions = {timeDimension};
    if (pressureLevels) {
        dimensions.push_back(levelDimension);
    }
    dimensions.push_back(latitudeDimension);
    dimensions.push_back(longitudeDimension);
    std::vector<int> ids;
    for (const NetcdfVariableSpec& spec : variables) {
        int id = -1;
        const nc_type type = spec.packed ? NC_SHORT : spec.doublePrecision ? NC_DOUBLE : NC_FLOAT;
        nc(nc_def_var(ncid, spec.name.c_str(), type, static_cast<int>(dimensions.size()), dimensions.data(), &id));
        putText(ncid, id, "units", spec.units);
        if (spec.packed) {
            const short fill = -32767;
            const double scale = 0.5;
            const double offset = 290.0;
            nc(nc_put_att_short(ncid, id, "_FillValue", NC_SHORT, 1, &fill));
            nc(nc_put_att_double(ncid, id, "scale_factor", NC_DOUBLE, 1, &scale));
            nc(nc_put_att_double(ncid, id, "add_offset", NC_DOUBLE, 1, &offset));
        }
        ids.push_back(id);
    }
    nc(nc_enddef(ncid));
    std::vector<long long> times;
    for (long step : steps) {
        times.push_back(firstValidTime + step * 3600);
    }
    nc(nc_put_var_longlong(ncid, timeVariable, times.data()));
    // Bottom up, as the CDS lists them: the reader sorts levels.
    const std::vector<long> fileLevels(levels.rbegin(), levels.rend());
    if (pressureLevels) {
        const std::vector<double> hectopascals(fileLevels.begin(), fileLevels.end());
        nc(nc_put_var_double(ncid, levelVariable, hectopascals.data()));
    }
    std::vector<double> latitudes;
    for (int row = 0; row < rows; ++row) {
        latitudes.push_back(90.0 - 30.0 * row);
    }
    if (withLatitudeCoordinate) {
        nc(nc_put_var_double(ncid, latitudeVariable, latitudes.data()));
    }
    std::vector<double> longitudes;
    for (int column = 0; column < columns; ++column) {
        longitudes.push_back(30.0 * column);
    }
    nc(nc_put_var_double(ncid, longitudeVariable, longitudes.data()));
    for (std::size_t v = 0; v < variables.size(); ++v) {
        const NetcdfVariableSpec& spec = variables[v];
        std::vector<double> doubles;
        std::vector<float> floats;
        std::vector<short> shorts;
        for (long step : steps) {
            for (long level : pressureLevels ? fileLevels : std::vector<long>{0}) {
                for (const double value : decoded.at({spec.shortName, level, step})) {
                    const double converted = value * spec.factor;
                    doubles.push_back(converted);
                    floats.push_back(spec.doublePrecision ? 0.0f : static_cast<float>(converted));
                    const double stored = std::round((converted - 290.0) / 0.5);
                    if (spec.packed && !std::isnan(value) && stored * 0.5 + 290.0 != converted) {
                        throw std::runtime_error("a decoded value is not a multiple of the packing's 0.5");
                    }
                    shorts.push_back(std::isnan(value) ? short{-32767} : static_cast<short>(stored));
                }
            }
        }
        nc(spec.packed            ? nc_put_var_short(ncid, ids[v], shorts.data())
           : spec.doublePrecision ? nc_put_var_double(ncid, ids[v], doubles.data())
                                  : nc_put_var_float(ncid, ids[v], floats.data()));
    }
    nc(nc_close(ncid));
}

// DeepMind's example layout: (batch, time, level, lat, lon) with lat ascending, a datetime
// coordinate, statics on (lat, lon), graphcast's long names, SI units.
void writeDeepMindNetcdf(const std::string& path,
                         const std::map<std::tuple<std::string, long, long>, std::vector<double>>& decoded)
{
    int ncid = -1;
    nc(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid));
    int batch = -1, time = -1, level = -1, lat = -1, lon = -1;
    nc(nc_def_dim(ncid, "batch", 1, &batch));
    nc(nc_def_dim(ncid, "time", steps.size(), &time));
    nc(nc_def_dim(ncid, "level", levels.size(), &level));
    nc(nc_def_dim(ncid, "lat", rows, &lat));
    nc(nc_def_dim(ncid, "lon", columns, &lon));
    int latVariable = -1, lonVariable = -1, levelVariable = -1, datetimeVariable = -1;
    nc(nc_def_var(ncid, "lat", NC_FLOAT, 1, &lat, &latVariable));
    nc(nc_def_var(ncid, "lon", NC_FLOAT, 1, &lon, &lonVariable));
    nc(nc_def_var(ncid, "level", NC_INT, 1, &level, &levelVariable));
    const int datetimeDimensions[] = {batch, time};
    nc(nc_def_var(ncid, "datetime", NC_INT64, 2, datetimeDimensions, &datetimeVariable));
    putText(ncid, datetimeVariable, "units", "hours since 2024-01-01");
    struct Variable {
        const char* name;
        const char* shortName;
        double factor;
        int kind;  // 0 atmospheric, 1 surface, 2 static
        int id;
    };
    std::vector<Variable> variables = {
        {"geopotential", "gh", gravity, 0, -1},         {"temperature", "t", 1.0, 0, -1},
        {"u_component_of_wind", "u", 1.0, 0, -1},       {"v_component_of_wind", "v", 1.0, 0, -1},
        {"vertical_velocity", "w", 1.0, 0, -1},         {"specific_humidity", "q", 1.0, 0, -1},
        {"2m_temperature", "2t", 1.0, 1, -1},           {"mean_sea_level_pressure", "msl", 1.0, 1, -1},
        {"10m_u_component_of_wind", "10u", 1.0, 1, -1}, {"10m_v_component_of_wind", "10v", 1.0, 1, -1},
        {"land_sea_mask", "lsm", 1.0, 2, -1},           {"geopotential_at_surface", "z", 1.0, 2, -1}};
    for (Variable& variable : variables) {
        const std::vector<std::vector<int>> shapes = {
            {batch, time, level, lat, lon}, {batch, time, lat, lon}, {lat, lon}};
        const std::vector<int>& shape = shapes[static_cast<std::size_t>(variable.kind)];
        nc(nc_def_var(ncid, variable.name, NC_FLOAT, static_cast<int>(shape.size()), shape.data(), &variable.id));
    }
    nc(nc_enddef(ncid));
    std::vector<float> latitudes;
    for (int row = 0; row < rows; ++row) {
        latitudes.push_back(static_cast<float>(-90 + 30 * row));
    }
    std::vector<float> longitudes;
    for (int column = 0; column < columns; ++column) {
        longitudes.push_back(static_cast<float>(30 * column));
    }
    const std::vector<int> hectopascals(levels.begin(), levels.end());
    const std::vector<long long> hours(steps.begin(), steps.end());
    nc(nc_put_var_float(ncid, latVariable, latitudes.data()));
    nc(nc_put_var_float(ncid, lonVariable, longitudes.data()));
    nc(nc_put_var_int(ncid, levelVariable, hectopascals.data()));
    nc(nc_put_var_longlong(ncid, datetimeVariable, hours.data()));
    for (const Variable& variable : variables) {
        std::vector<float> values;
        for (long step : variable.kind == 2 ? std::vector<long>{0} : steps) {
            for (long hectopascal : variable.kind == 0 ? levels : std::vector<long>{0}) {
                const std::vector<double>& field = decoded.at({variable.shortName, hectopascal, step});
                for (int row = rows - 1; row >= 0; --row) {  // latitudes ascending
                    for (int column = 0; column < columns; ++column) {
                        values.push_back(static_cast<float>(field[static_cast<std::size_t>(row * columns + column)] *
                                                            variable.factor));
                    }
                }
            }
        }
        nc(nc_put_var_float(ncid, variable.id, values.data()));
    }
    nc(nc_close(ncid));
}

const std::vector<NetcdfVariableSpec> cdsPressureLevelVariables = {{"z", "m**2 s**-2", "gh", gravity},
                                                                   {"t", "K", "t"},
                                                                   {"u", "m s**-1", "u"},
                                                                   {"v", "m s**-1", "v"},
                                                                   {"w", "Pa s**-1", "w"},
                                                                   {"q", "kg kg**-1", "q"}};
const std::vector<NetcdfVariableSpec> cdsSingleLevelVariables = {
    {"t2m", "K", "2t", 1.0, true}, {"msl", "Pa", "msl"},      {"u10", "m s**-1", "10u"},
    {"v10", "m s**-1", "10v"},     {"lsm", "(0 - 1)", "lsm"}, {"z", "m**2 s**-2", "z"}};

// Equal bit for bit, except that any NaN equals any NaN (a missing value has no one pattern).
bool identical(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (!(std::isnan(a[k]) && std::isnan(b[k])) && std::memcmp(&a[k], &b[k], sizeof(float)) != 0) {
            return false;
        }
    }
    return true;
}

// The first difference between two datasets, or empty.
std::string difference(const Dataset& a, const Dataset& b)
{
    if (a.grid.latitudes != b.grid.latitudes || a.grid.longitudes != b.grid.longitudes)
        return "grids differ";
    if (a.levels != b.levels)
        return "levels differ";
    if (a.validTimes != b.validTimes)
        return "valid times differ";
    if (a.times.size() != b.times.size())
        return "number of times differs";
    const auto compare = [](const graphcast::Fields& x, const graphcast::Fields& y, const std::string& when) {
        if (x.variables.size() != y.variables.size()) {
            return when + ": " + std::to_string(x.variables.size()) + " variables against " +
                   std::to_string(y.variables.size());
        }
        for (const auto& [name, values] : x.variables) {
            const auto other = y.variables.find(name);
            if (other == y.variables.end())
                return when + ": " + name + " missing";
            if (!identical(values, other->second))
                return when + ": " + name + " differs";
        }
        return std::string();
    };
    for (std::size_t time = 0; time < a.times.size(); ++time) {
        if (std::string problem = compare(a.times[time], b.times[time], "time " + std::to_string(time));
            !problem.empty()) {
            return problem;
        }
    }
    return compare(a.statics, b.statics, "statics");
}

}  // namespace

class TestInitialConditionSources : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void recognisesEachFormatByContent();
    void readsTheOpenDataLayout();
    void gribCdsAndDeepMindGiveTheSameDataset();
    void gribInAnyScanningOrderGivesTheSameDataset();
    void mergesOneFilePerTime();
    void convertsHectopascalsToPascals();
    void readsSixHourPrecipitationOnly();
    void readsGrib1();
    void refusesBadInputs_data();
    void refusesBadInputs();

private:
    std::string path(const char* name) const { return directory_.filePath(name).toStdString(); }
    void writeBytes(const char* name, const std::vector<char>& bytes) const
    {
        std::ofstream(path(name), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }

    QTemporaryDir directory_;
    WrittenGrib grib_;
    std::map<std::tuple<std::string, long, long>, std::vector<double>> decoded_;
};

void TestInitialConditionSources::initTestCase()
{
    QVERIFY(directory_.isValid());
    grib_ = writeGrib(path("open-data.grib2"), GribLayout::NorthToSouthFromGreenwich, steps);
    decoded_ = decode(path("open-data.grib2"));
    QCOMPARE(decoded_.size(), std::size_t{2 * (6 * 2 + 6)});
    writeGrib(path("open-data-other-order.grib2"), GribLayout::SouthToNorthFromDateLine, steps);
    writeGrib(path("open-data-00.grib2"), GribLayout::NorthToSouthFromGreenwich, {0});
    writeGrib(path("open-data-06.grib2"), GribLayout::NorthToSouthFromGreenwich, {6});
    writeCdsNetcdf(path("cds-pressure-levels.nc"), cdsPressureLevelVariables, true, decoded_);
    writeCdsNetcdf(path("cds-single-levels.nc"), cdsSingleLevelVariables, false, decoded_);
    writeDeepMindNetcdf(path("deepmind.nc"), decoded_);
}

void TestInitialConditionSources::recognisesEachFormatByContent()
{
    QCOMPARE(ic::detectSourceFormat(path("open-data.grib2")), ic::SourceFormat::Grib);
    QCOMPARE(ic::detectSourceFormat(path("cds-pressure-levels.nc")), ic::SourceFormat::CdsNetcdf);
    QCOMPARE(ic::detectSourceFormat(path("deepmind.nc")), ic::SourceFormat::DeepMindNetcdf);
    // The name says nothing: a GRIB file called .nc is still GRIB.
    writeBytes("grib-named.nc", grib_.bytes);
    QCOMPARE(ic::detectSourceFormat(path("grib-named.nc")), ic::SourceFormat::Grib);
}

void TestInitialConditionSources::readsTheOpenDataLayout()
{
    const Dataset dataset = ic::readInitialConditionSource(path("open-data.grib2"));
    QCOMPARE(dataset.grid.latitudes, (std::vector<double>{-90, -60, -30, 0, 30, 60, 90}));
    QCOMPARE(dataset.grid.longitudes.size(), std::size_t{columns});
    QCOMPARE(dataset.grid.longitudes.back(), 330.0);
    QCOMPARE(dataset.levels, (std::vector<int>{500, 850}));
    QCOMPARE(dataset.validTimes, (std::vector<std::int64_t>{firstValidTime, firstValidTime + 6 * 3600}));
    QCOMPARE(dataset.times[1].variables.size(), std::size_t{10});
    QCOMPARE(dataset.statics.variables.size(), std::size_t{2});
    // gh at 850 hPa, 06 UTC, 60°N (row 1 from the north), 30°E: geopotential = gh × g.
    const std::vector<float>& geopotential = dataset.times[1].variables.at("geopotential");
    const std::size_t point = static_cast<std::size_t>(5 * columns + 1);  // 60°N is row 5 from the south
    const double gh = decoded_.at({"gh", 850, 6})[static_cast<std::size_t>(1 * columns + 1)];
    QCOMPARE(gh, 1500.0 + 10.0 + 1.0 + 6.0);
    QCOMPARE(geopotential[points + point], static_cast<float>(gh * gravity));
    const std::vector<float>& temperature2m = dataset.times[0].variables.at("2m_temperature");
    QVERIFY(std::isnan(temperature2m[static_cast<std::size_t>((rows - 1 - missingRow) * columns + missingColumn)]));
}

void TestInitialConditionSources::gribCdsAndDeepMindGiveTheSameDataset()
{
    const Dataset fromGrib = ic::readInitialConditionSource(path("open-data.grib2"));
    const Dataset fromCds =
        ic::readInitialConditionSources({path("cds-pressure-levels.nc"), path("cds-single-levels.nc")});
    const Dataset fromDeepMind = ic::readInitialConditionSource(path("deepmind.nc"));
    QVERIFY2(difference(fromGrib, fromCds).empty(), difference(fromGrib, fromCds).c_str());
    QVERIFY2(difference(fromGrib, fromDeepMind).empty(), difference(fromGrib, fromDeepMind).c_str());
}

void TestInitialConditionSources::gribInAnyScanningOrderGivesTheSameDataset()
{
    const Dataset expected = ic::readInitialConditionSource(path("open-data.grib2"));
    const Dataset reordered = ic::readInitialConditionSource(path("open-data-other-order.grib2"));
    QVERIFY2(difference(expected, reordered).empty(), difference(expected, reordered).c_str());
}

void TestInitialConditionSources::mergesOneFilePerTime()
{
    const Dataset expected = ic::readInitialConditionSource(path("open-data.grib2"));
    const Dataset merged = ic::readInitialConditionSources({path("open-data-06.grib2"), path("open-data-00.grib2")});
    QVERIFY2(difference(expected, merged).empty(), difference(expected, merged).c_str());
}

void TestInitialConditionSources::convertsHectopascalsToPascals()
{
    std::vector<NetcdfVariableSpec> inHectopascals = cdsSingleLevelVariables;
    inHectopascals[1] = {"msl", "hPa", "msl", 0.01};
    writeCdsNetcdf(path("cds-hpa.nc"), inHectopascals, false, decoded_);
    const Dataset dataset = ic::readInitialConditionSource(path("cds-hpa.nc"));
    const std::vector<float>& pressure = dataset.times[0].variables.at("mean_sea_level_pressure");
    // Stored as float hPa, so within a float's rounding of the value in Pa (ε = 2⁻²³ relative).
    for (int row = 0; row < rows; ++row) {
        for (int column = 0; column < columns; ++column) {
            const double pascals = decoded_.at({"msl", 0, 0})[static_cast<std::size_t>(row * columns + column)];
            const float read = pressure[static_cast<std::size_t>((rows - 1 - row) * columns + column)];
            QVERIFY(std::abs(read - pascals) <= 2.0 * pascals * std::ldexp(1.0, -23));
        }
    }
}

void TestInitialConditionSources::readsSixHourPrecipitationOnly()
{
    // tp accumulated over 0-6 h is GraphCast's total_precipitation_6hr (valid at 06 UTC); over 0-1 h
    // (ERA5's hourly accumulation) it is not and is left out.
    std::vector<char> bytes;
    for (const auto& [start, end] : std::vector<std::pair<long, long>>{{0, 6}, {5, 6}}) {
        codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, "regular_ll_pl_grib2");
        check(codes_set_long(handle, "productDefinitionTemplateNumber", 8), "template 4.8");
        setString(handle, "typeOfLevel", "surface");
        setString(handle, "shortName", "tp");
        check(codes_set_long(handle, "dataDate", analysisDate), "dataDate");
        check(codes_set_long(handle, "dataTime", 0), "dataTime");
        check(codes_set_long(handle, "startStep", start), "startStep");
        check(codes_set_long(handle, "endStep", end), "endStep");
        std::size_t size = 0;
        check(codes_get_size(handle, "values", &size), "size");
        const std::vector<double> values(size, static_cast<double>(end - start) * 0.001);
        check(codes_set_double_array(handle, "values", values.data(), values.size()), "values");
        const void* message = nullptr;
        check(codes_get_message(handle, &message, &size), "message");
        bytes.insert(bytes.end(), static_cast<const char*>(message), static_cast<const char*>(message) + size);
        codes_handle_delete(handle);
    }
    writeBytes("tp.grib2", bytes);
    const Dataset dataset = ic::readInitialConditionSource(path("tp.grib2"));
    QCOMPARE(dataset.validTimes, (std::vector<std::int64_t>{firstValidTime + 6 * 3600}));
    const std::vector<float>& precipitation = dataset.times[0].variables.at("total_precipitation_6hr");
    QCOMPARE(precipitation.front(), 0.006f);
}

void TestInitialConditionSources::readsGrib1()
{
    // ERA5 and older MARS archives are GRIB 1: the same reader, another edition of each key.
    std::vector<char> bytes;
    for (long level : levels) {
        const std::vector<char> message = encode({"t", "isobaricInhPa", true}, level, 6,
                                                 GribLayout::NorthToSouthFromGreenwich, "regular_ll_pl_grib1");
        bytes.insert(bytes.end(), message.begin(), message.end());
    }
    writeBytes("era5.grib1", bytes);
    const Dataset dataset = ic::readInitialConditionSource(path("era5.grib1"));
    QCOMPARE(dataset.levels, (std::vector<int>{500, 850}));
    QCOMPARE(dataset.validTimes, (std::vector<std::int64_t>{firstValidTime + 6 * 3600}));
    const std::vector<float>& temperature = dataset.times[0].variables.at("temperature");
    QCOMPARE(temperature.size(), std::size_t{2 * points});
    for (std::size_t level = 0; level < levels.size(); ++level) {
        // 16-bit simple packing rounds to half a step of at most range / 2¹⁵, i.e. within range / 2¹⁶,
        // and the float a little more.
        const double range =
            valueOf("t", levels[level], 6, rows - 1, columns - 1) - valueOf("t", levels[level], 6, 0, 0);
        for (int row = 0; row < rows; ++row) {
            for (int column = 0; column < columns; ++column) {
                const double written = valueOf("t", levels[level], 6, row, column);
                const float read =
                    temperature[level * points + static_cast<std::size_t>((rows - 1 - row) * columns + column)];
                QVERIFY2(std::abs(read - written) <= range / 65536.0 + written * std::ldexp(1.0, -24),
                         qPrintable(QString("%1 read as %2").arg(written).arg(read)));
            }
        }
    }
}

void TestInitialConditionSources::refusesBadInputs_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("expected");  // parts of the message

    // A wrong unit: 2 m temperature in °F is not read as kelvin.
    std::vector<NetcdfVariableSpec> fahrenheit = cdsSingleLevelVariables;
    fahrenheit[0] = {"t2m", "degF", "2t"};
    writeCdsNetcdf(path("fahrenheit.nc"), fahrenheit, false, decoded_);
    QTest::newRow("wrong unit") << QStringList{"fahrenheit.nc"} << QStringList{"t2m", "degF", "2m_temperature", "K"};

    // A value no float holds (a damaged double-precision file): refused, not converted.
    std::vector<NetcdfVariableSpec> huge = cdsSingleLevelVariables;
    huge[1] = {"msl", "Pa", "msl", 1e295, false, true};
    writeCdsNetcdf(path("huge.nc"), huge, false, decoded_);
    QTest::newRow("value beyond float") << QStringList{"huge.nc"} << QStringList{"msl", "beyond", "damaged"};

    // A corrupt message: the third message's length (section 0, bytes 8–15) made shorter than it
    // is, so that it does not end in "7777".
    const auto withLength = [&](std::size_t message, std::uint64_t length) {
        std::vector<char> bytes = grib_.bytes;
        for (std::size_t k = 0; k < 8; ++k) {
            bytes[grib_.messageOffsets[message] + 15 - k] = static_cast<char>(length >> (8 * k) & 0xffu);
        }
        return bytes;
    };
    writeBytes("corrupt.grib2", withLength(2, 100));
    QTest::newRow("corrupt GRIB message")
        << QStringList{"corrupt.grib2"} << QStringList{"message 3", "corrupt.grib2", "is corrupt"};
    // Lengths the fuzzer found: one shorter than section 0 (ecCodes 2.28 then overflows a buffer)
    // and one of 272 TB (ecCodes would try to allocate it).
    writeBytes("too-short.grib2", withLength(1, 15));
    QTest::newRow("GRIB length shorter than its headers")
        << QStringList{"too-short.grib2"} << QStringList{"message 2", "is corrupt", "declares 15 bytes"};
    writeBytes("too-long.grib2", withLength(0, 0xf7ff0000000000b3u));
    QTest::newRow("GRIB length beyond the file")
        << QStringList{"too-long.grib2"} << QStringList{"message 1", "is truncated", "declares"};

    // A truncated file: the download stopped inside the fifth message.
    const std::vector<char> truncated(grib_.bytes.begin(),
                                      grib_.bytes.begin() + static_cast<std::ptrdiff_t>(grib_.messageOffsets[4] + 50));
    writeBytes("truncated.grib2", truncated);
    QTest::newRow("truncated GRIB file") << QStringList{"truncated.grib2"}
                                         << QStringList{"message 5", "truncated.grib2", "is truncated"};

    // IFS's native reduced Gaussian grid, as MARS delivers it unless asked for a lat-lon grid.
    codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, "reduced_gg_pl_32_grib2");
    setString(handle, "shortName", "t");
    const void* message = nullptr;
    std::size_t size = 0;
    check(codes_get_message(handle, &message, &size), "message");
    writeBytes("reduced-gaussian.grib2",
               std::vector<char>(static_cast<const char*>(message), static_cast<const char*>(message) + size));
    codes_handle_delete(handle);
    QTest::newRow("reduced Gaussian grid")
        << QStringList{"reduced-gaussian.grib2"} << QStringList{"message 1", "reduced_gg", "regular_ll", "remapbil"};

    // A missing coordinate: latitudes without their coordinate variable.
    writeCdsNetcdf(path("no-latitudes.nc"), cdsSingleLevelVariables, false, decoded_, false);
    QTest::newRow("missing coordinate") << QStringList{"no-latitudes.nc"}
                                        << QStringList{"latitude", "no-latitudes.nc", "coordinate"};

    // Files that cannot be merged: the same fields twice, and different grids.
    writeBytes("copy.grib2", grib_.bytes);
    QTest::newRow("duplicated fields") << QStringList{"open-data.grib2", "copy.grib2"}
                                       << QStringList{"given twice", "open-data.grib2", "copy.grib2"};
    // ecCodes' sample as it is: t at 850 hPa on a 2° grid over Europe.
    handle = codes_grib_handle_new_from_samples(nullptr, "regular_ll_pl_grib2");
    setString(handle, "shortName", "t");
    check(codes_get_message(handle, &message, &size), "message");
    writeBytes("other-grid.grib2",
               std::vector<char>(static_cast<const char*>(message), static_cast<const char*>(message) + size));
    codes_handle_delete(handle);
    QTest::newRow("conflicting grids") << QStringList{"open-data.grib2", "other-grid.grib2"}
                                       << QStringList{"grid", "open-data.grib2", "other-grid.grib2"};

    // A file that is none of the formats.
    writeBytes("text.grib2", {'h', 'e', 'l', 'l', 'o', '\n'});
    QTest::newRow("no format") << QStringList{"text.grib2"} << QStringList{"text.grib2"};
}

void TestInitialConditionSources::refusesBadInputs()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, expected);
    std::vector<std::string> paths;
    for (const QString& file : files) {
        paths.push_back(path(qPrintable(file)));
    }
    try {
        ic::readInitialConditionSources(paths);
        QFAIL("no InputError");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        qInfo().noquote() << message;
        for (const QString& part : expected) {
            QVERIFY2(message.contains(part), qPrintable("'" + part + "' not in: " + message));
        }
    }
}

QTEST_GUILESS_MAIN(TestInitialConditionSources)
#include "TestInitialConditionSources.moc"
