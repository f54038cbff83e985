#pragma once

// One synthetic analysis written the three ways forecasters get one: GRIB2 in ECMWF's open-data
// layout (ecCodes' own sample and API), NetCDF as the Copernicus Climate Data Store delivers it
// (netCDF-C), and DeepMind's GraphCast example layout. The tests of the initial-condition readers
// (tests/ic) and of forecasts from them (tests/app) share these writers.
//
// GRIB's simple packing is lossy, so a test decodes the written GRIB file once (decodeGrib) and
// writes the NetCDF files from those decoded values: every path then starts from the same doubles.

#include <eccodes.h>
#include <netcdf.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace spreadcast::testing {

// WMO standard gravity, written out here rather than taken from the reader's constant, so that a
// wrong constant there shows.
constexpr double standardGravity = 9.80665;

// A global regular grid from 90°N to 90°S (GRIB's and the CDS's order) and from 0° eastwards,
// and the analysis's values on it.
struct SyntheticAnalysis {
    int rows = 0;
    int columns = 0;
    std::vector<long> levels;                // hPa, ascending
    std::vector<long> steps;                 // hours after analysisDate 00 UTC: the valid times
    long analysisDate = 20240101;            // YYYYMMDD
    std::int64_t analysisTime = 1704067200;  // the same 00 UTC, seconds since 1970
    // The value at (row from the north, column from 0°) of a GRIB shortName at a level (0 for a
    // single-level field) and step; tp is accumulated from step 0 to step.
    std::function<double(const std::string& shortName, long level, long step, int row, int column)> value;
    double missingValue = 9999.0;  // a value equal to this is written as missing (a GRIB bitmap)

    int points() const { return rows * columns; }
    double latitude(int row) const { return 90.0 - 180.0 / (rows - 1) * row; }
    double longitude(int column) const { return 360.0 / columns * column; }
    // "hours since 2024-01-01", for DeepMind's datetime coordinate.
    std::string hoursSinceAnalysis() const
    {
        char text[64];
        std::snprintf(text, sizeof text, "hours since %04ld-%02ld-%02ld", analysisDate / 10000,
                      analysisDate / 100 % 100, analysisDate % 100);
        return text;
    }
};

// Decoded values by (GRIB shortName, level in hPa or 0, step in hours), rows from the north.
using DecodedFields = std::map<std::tuple<std::string, long, long>, std::vector<double>>;

struct GribParameter {
    const char* shortName;
    const char* typeOfLevel;
    bool onLevels;
};
// ECMWF open data's parameters, geopotential as geopotential height (gh).
inline const std::vector<GribParameter> openDataParameters = {
    {"gh", "isobaricInhPa", true},       {"t", "isobaricInhPa", true}, {"u", "isobaricInhPa", true},
    {"v", "isobaricInhPa", true},        {"w", "isobaricInhPa", true}, {"q", "isobaricInhPa", true},
    {"2t", "heightAboveGround", false},  {"msl", "meanSea", false},    {"10u", "heightAboveGround", false},
    {"10v", "heightAboveGround", false}, {"lsm", "surface", false},    {"z", "surface", false}};
// Total precipitation as open data gives it: accumulated from the forecast's start (template 4.8).
inline const GribParameter openDataPrecipitation = {"tp", "surface", false};

inline void checkEccodes(int status, const char* what)
{
    if (status != CODES_SUCCESS) {
        throw std::runtime_error(std::string(what) + ": " + codes_get_error_message(status));
    }
}

inline void setGribString(codes_handle* handle, const char* key, const char* value)
{
    std::size_t length = std::strlen(value);
    checkEccodes(codes_set_string(handle, key, value, &length), key);
}

// The bytes of a message.
inline std::vector<char> gribBytes(codes_handle* handle)
{
    const void* message = nullptr;
    std::size_t size = 0;
    checkEccodes(codes_get_message(handle, &message, &size), "message");
    return std::vector<char>(static_cast<const char*>(message), static_cast<const char*>(message) + size);
}

// How a GRIB file lays out the grid: ECMWF's (north to south, from 0°E) or the other way round
// (south to north, from −180°E), to show the reader maps any scanning order to the same points.
enum class GribLayout { NorthToSouthFromGreenwich, SouthToNorthFromDateLine };

// A GRIB2 message from ecCodes' regular_ll_pl_grib2 sample, simple packing as open data's.
inline std::vector<char> encodeGrib(const SyntheticAnalysis& analysis, const GribParameter& parameter, long level,
                                    long step, GribLayout layout, const char* sample = "regular_ll_pl_grib2")
{
    codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, sample);
    if (handle == nullptr) {
        throw std::runtime_error(std::string("ecCodes has no sample ") + sample + " (install libeccodes-data)");
    }
    const bool accumulated = std::string(parameter.shortName) == "tp";
    if (accumulated) {
        checkEccodes(codes_set_long(handle, "productDefinitionTemplateNumber", 8), "template 4.8");
    }
    setGribString(handle, "typeOfLevel", parameter.typeOfLevel);
    setGribString(handle, "shortName", parameter.shortName);
    if (parameter.onLevels) {
        checkEccodes(codes_set_long(handle, "level", level), "level");
    }
    checkEccodes(codes_set_long(handle, "dataDate", analysis.analysisDate), "dataDate");
    checkEccodes(codes_set_long(handle, "dataTime", 0), "dataTime");
    if (accumulated) {
        checkEccodes(codes_set_long(handle, "startStep", 0), "startStep");
        checkEccodes(codes_set_long(handle, "endStep", step), "endStep");
    } else {
        checkEccodes(codes_set_long(handle, "step", step), "step");
    }
    const bool fromNorth = layout == GribLayout::NorthToSouthFromGreenwich;
    const double spacing = 360.0 / analysis.columns;
    checkEccodes(codes_set_long(handle, "Ni", analysis.columns), "Ni");
    checkEccodes(codes_set_long(handle, "Nj", analysis.rows), "Nj");
    checkEccodes(codes_set_double(handle, "latitudeOfFirstGridPointInDegrees", fromNorth ? 90.0 : -90.0), "lat1");
    checkEccodes(codes_set_double(handle, "latitudeOfLastGridPointInDegrees", fromNorth ? -90.0 : 90.0), "lat2");
    checkEccodes(codes_set_double(handle, "longitudeOfFirstGridPointInDegrees", fromNorth ? 0.0 : -180.0), "lon1");
    checkEccodes(codes_set_double(handle, "longitudeOfLastGridPointInDegrees", (fromNorth ? 360.0 : 180.0) - spacing),
                 "lon2");
    checkEccodes(codes_set_double(handle, "iDirectionIncrementInDegrees", spacing), "di");
    checkEccodes(codes_set_double(handle, "jDirectionIncrementInDegrees", 180.0 / (analysis.rows - 1)), "dj");
    checkEccodes(codes_set_long(handle, "jScansPositively", fromNorth ? 0 : 1), "jScansPositively");
    checkEccodes(codes_set_long(handle, "bitsPerValue", 16), "bitsPerValue");
    std::vector<double> values;
    bool missing = false;
    for (int j = 0; j < analysis.rows; ++j) {
        const int row = fromNorth ? j : analysis.rows - 1 - j;
        for (int i = 0; i < analysis.columns; ++i) {
            // −180° is column columns / 2 from 0°.
            const int column = fromNorth ? i : (i + analysis.columns / 2) % analysis.columns;
            values.push_back(analysis.value(parameter.shortName, parameter.onLevels ? level : 0, step, row, column));
            missing = missing || values.back() == analysis.missingValue;
        }
    }
    if (missing) {
        checkEccodes(codes_set_long(handle, "bitmapPresent", 1), "bitmapPresent");
        checkEccodes(codes_set_double(handle, "missingValue", analysis.missingValue), "missingValue");
    }
    checkEccodes(codes_set_double_array(handle, "values", values.data(), values.size()), "values");
    std::vector<char> bytes = gribBytes(handle);
    codes_handle_delete(handle);
    return bytes;
}

struct WrittenGrib {
    std::vector<std::size_t> messageOffsets;
    std::vector<char> bytes;
};

// Every parameter at every step (and level), in an order no reader could rely on: steps and
// levels interleaved from the last.
inline WrittenGrib writeGrib(const std::string& path, const SyntheticAnalysis& analysis, GribLayout layout,
                             const std::vector<long>& stepsToWrite,
                             const std::vector<GribParameter>& parameters = openDataParameters)
{
    WrittenGrib written;
    for (auto step = stepsToWrite.rbegin(); step != stepsToWrite.rend(); ++step) {
        for (auto parameter = parameters.rbegin(); parameter != parameters.rend(); ++parameter) {
            const std::vector<long> messageLevels =
                parameter->onLevels ? std::vector<long>(analysis.levels.rbegin(), analysis.levels.rend())
                                    : std::vector<long>{0};
            for (long level : messageLevels) {
                const std::vector<char> message = encodeGrib(analysis, *parameter, level, *step, layout);
                written.messageOffsets.push_back(written.bytes.size());
                written.bytes.insert(written.bytes.end(), message.begin(), message.end());
            }
        }
    }
    std::ofstream(path, std::ios::binary)
        .write(written.bytes.data(), static_cast<std::streamsize>(written.bytes.size()));
    return written;
}

// The values of a GRIB file written NorthToSouthFromGreenwich as ecCodes decodes them; missing
// points NaN; an accumulation under its end step.
inline DecodedFields decodeGrib(const std::string& path, const SyntheticAnalysis& analysis)
{
    DecodedFields decoded;
    std::FILE* file = std::fopen(path.c_str(), "rb");
    int status = 0;
    while (codes_handle* handle = codes_handle_new_from_file(nullptr, file, PRODUCT_GRIB, &status)) {
        char shortName[64] = {};
        std::size_t length = sizeof shortName;
        checkEccodes(codes_get_string(handle, "shortName", shortName, &length), "shortName");
        char typeOfLevel[64] = {};
        length = sizeof typeOfLevel;
        checkEccodes(codes_get_string(handle, "typeOfLevel", typeOfLevel, &length), "typeOfLevel");
        long level = 0;
        long step = 0;
        checkEccodes(codes_get_long(handle, "level", &level), "level");
        checkEccodes(codes_get_long(handle, "endStep", &step), "endStep");
        std::vector<double> values(static_cast<std::size_t>(analysis.points()));
        std::size_t size = values.size();
        checkEccodes(codes_get_double_array(handle, "values", values.data(), &size), "values");
        for (double& value : values) {
            value = value == analysis.missingValue ? std::nan("") : value;
        }
        const bool onLevels = std::string(typeOfLevel) == "isobaricInhPa";
        decoded[{shortName, onLevels ? level : 0, step}] = values;
        codes_handle_delete(handle);
    }
    std::fclose(file);
    return decoded;
}

inline void checkNetcdf(int status)
{
    if (status != NC_NOERR) {
        throw std::runtime_error(nc_strerror(status));
    }
}

inline void putNetcdfText(int ncid, int variable, const char* name, const std::string& value)
{
    checkNetcdf(nc_put_att_text(ncid, variable, name, value.size(), value.c_str()));
}

struct NetcdfVariableSpec {
    std::string name;
    std::string units;
    std::string shortName;  // in the decoded GRIB values
    double factor = 1.0;    // decoded GRIB value × factor = the value written
    bool packed = false;    // as int16 with scaleFactor, addOffset and _FillValue −32767
    bool doublePrecision = false;
    double scaleFactor = 0.5;
    double addOffset = 290.0;
};

// NetCDF as the new CDS writes it: dimensions (valid_time, [pressure_level,] latitude, longitude),
// latitudes from the north, pressure levels from the bottom, valid_time in seconds since 1970 at
// the analysis's steps. A packed variable must be exact on its packing grid (scale_factor ×
// integer + add_offset), so that unpacking gives the decoded values back bit for bit; a value
// that is not throws.
inline void writeCdsNetcdf(const std::string& path, const SyntheticAnalysis& analysis,
                           const std::vector<NetcdfVariableSpec>& variables, bool pressureLevels,
                           const DecodedFields& decoded, bool withLatitudeCoordinate = true)
{
    int ncid = -1;
    checkNetcdf(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid));
    int timeDimension = -1;
    int levelDimension = -1;
    int latitudeDimension = -1;
    int longitudeDimension = -1;
    checkNetcdf(nc_def_dim(ncid, "valid_time", analysis.steps.size(), &timeDimension));
    if (pressureLevels) {
        checkNetcdf(nc_def_dim(ncid, "pressure_level", analysis.levels.size(), &levelDimension));
    }
    checkNetcdf(nc_def_dim(ncid, "latitude", static_cast<std::size_t>(analysis.rows), &latitudeDimension));
    checkNetcdf(nc_def_dim(ncid, "longitude", static_cast<std::size_t>(analysis.columns), &longitudeDimension));
    int timeVariable = -1;
    checkNetcdf(nc_def_var(ncid, "valid_time", NC_INT64, 1, &timeDimension, &timeVariable));
    putNetcdfText(ncid, timeVariable, "units", "seconds since 1970-01-01");
    putNetcdfText(ncid, timeVariable, "calendar", "proleptic_gregorian");
    int levelVariable = -1;
    if (pressureLevels) {
        checkNetcdf(nc_def_var(ncid, "pressure_level", NC_DOUBLE, 1, &levelDimension, &levelVariable));
        putNetcdfText(ncid, levelVariable, "units", "hPa");
    }
    int latitudeVariable = -1;
    if (withLatitudeCoordinate) {
        checkNetcdf(nc_def_var(ncid, "latitude", NC_DOUBLE, 1, &latitudeDimension, &latitudeVariable));
        putNetcdfText(ncid, latitudeVariable, "units", "degrees_north");
    }
    int longitudeVariable = -1;
    checkNetcdf(nc_def_var(ncid, "longitude", NC_DOUBLE, 1, &longitudeDimension, &longitudeVariable));
    putNetcdfText(ncid, longitudeVariable, "units", "degrees_east");
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
        checkNetcdf(
            nc_def_var(ncid, spec.name.c_str(), type, static_cast<int>(dimensions.size()), dimensions.data(), &id));
        putNetcdfText(ncid, id, "units", spec.units);
        if (spec.packed) {
            const short fill = -32767;
            checkNetcdf(nc_put_att_short(ncid, id, "_FillValue", NC_SHORT, 1, &fill));
            checkNetcdf(nc_put_att_double(ncid, id, "scale_factor", NC_DOUBLE, 1, &spec.scaleFactor));
            checkNetcdf(nc_put_att_double(ncid, id, "add_offset", NC_DOUBLE, 1, &spec.addOffset));
        }
        ids.push_back(id);
    }
    checkNetcdf(nc_enddef(ncid));
    std::vector<long long> times;
    for (long step : analysis.steps) {
        times.push_back(analysis.analysisTime + step * 3600);
    }
    checkNetcdf(nc_put_var_longlong(ncid, timeVariable, times.data()));
    // Bottom up, as the CDS lists them: the reader sorts levels.
    const std::vector<long> fileLevels(analysis.levels.rbegin(), analysis.levels.rend());
    if (pressureLevels) {
        const std::vector<double> hectopascals(fileLevels.begin(), fileLevels.end());
        checkNetcdf(nc_put_var_double(ncid, levelVariable, hectopascals.data()));
    }
    std::vector<double> latitudes;
    for (int row = 0; row < analysis.rows; ++row) {
        latitudes.push_back(analysis.latitude(row));
    }
    if (withLatitudeCoordinate) {
        checkNetcdf(nc_put_var_double(ncid, latitudeVariable, latitudes.data()));
    }
    std::vector<double> longitudes;
    for (int column = 0; column < analysis.columns; ++column) {
        longitudes.push_back(analysis.longitude(column));
    }
    checkNetcdf(nc_put_var_double(ncid, longitudeVariable, longitudes.data()));
    for (std::size_t v = 0; v < variables.size(); ++v) {
        const NetcdfVariableSpec& spec = variables[v];
        std::vector<double> doubles;
        std::vector<float> floats;
        std::vector<short> shorts;
        for (long step : analysis.steps) {
            for (long level : pressureLevels ? fileLevels : std::vector<long>{0}) {
                for (const double value : decoded.at({spec.shortName, level, step})) {
                    const double converted = value * spec.factor;
                    doubles.push_back(converted);
                    floats.push_back(spec.doublePrecision ? 0.0f : static_cast<float>(converted));
                    const double stored = std::round((converted - spec.addOffset) / spec.scaleFactor);
                    if (spec.packed && !std::isnan(value) &&
                        (stored * spec.scaleFactor + spec.addOffset != converted || std::abs(stored) > 32766)) {
                        throw std::runtime_error("a decoded value of " + spec.shortName +
                                                 " is not on the packing's grid");
                    }
                    shorts.push_back(std::isnan(value) ? short{-32767} : static_cast<short>(stored));
                }
            }
        }
        checkNetcdf(spec.packed            ? nc_put_var_short(ncid, ids[v], shorts.data())
                    : spec.doublePrecision ? nc_put_var_double(ncid, ids[v], doubles.data())
                                           : nc_put_var_float(ncid, ids[v], floats.data()));
    }
    checkNetcdf(nc_close(ncid));
}

inline const std::vector<NetcdfVariableSpec> cdsPressureLevelVariables = {{"z", "m**2 s**-2", "gh", standardGravity},
                                                                          {"t", "K", "t"},
                                                                          {"u", "m s**-1", "u"},
                                                                          {"v", "m s**-1", "v"},
                                                                          {"w", "Pa s**-1", "w"},
                                                                          {"q", "kg kg**-1", "q"}};
inline const std::vector<NetcdfVariableSpec> cdsSingleLevelVariables = {
    {"t2m", "K", "2t", 1.0, true}, {"msl", "Pa", "msl"},      {"u10", "m s**-1", "10u"},
    {"v10", "m s**-1", "10v"},     {"lsm", "(0 - 1)", "lsm"}, {"z", "m**2 s**-2", "z"}};

// A variable of DeepMind's layout and where its values come from.
struct DeepMindVariable {
    const char* name;
    const char* shortName;  // in the decoded values
    double factor;
    enum Kind { Atmospheric, Surface, Static } kind;
};
inline const std::vector<DeepMindVariable> deepMindVariables = {
    {"geopotential", "gh", standardGravity, DeepMindVariable::Atmospheric},
    {"temperature", "t", 1.0, DeepMindVariable::Atmospheric},
    {"u_component_of_wind", "u", 1.0, DeepMindVariable::Atmospheric},
    {"v_component_of_wind", "v", 1.0, DeepMindVariable::Atmospheric},
    {"vertical_velocity", "w", 1.0, DeepMindVariable::Atmospheric},
    {"specific_humidity", "q", 1.0, DeepMindVariable::Atmospheric},
    {"2m_temperature", "2t", 1.0, DeepMindVariable::Surface},
    {"mean_sea_level_pressure", "msl", 1.0, DeepMindVariable::Surface},
    {"10m_u_component_of_wind", "10u", 1.0, DeepMindVariable::Surface},
    {"10m_v_component_of_wind", "10v", 1.0, DeepMindVariable::Surface},
    {"land_sea_mask", "lsm", 1.0, DeepMindVariable::Static},
    {"geopotential_at_surface", "z", 1.0, DeepMindVariable::Static}};

// DeepMind's example layout: (batch, time, level, lat, lon) with lat ascending, a datetime
// coordinate, statics on (lat, lon), graphcast's long names, SI units.
inline void writeDeepMindNetcdf(const std::string& path, const SyntheticAnalysis& analysis,
                                const DecodedFields& decoded,
                                const std::vector<DeepMindVariable>& variables = deepMindVariables)
{
    int ncid = -1;
    checkNetcdf(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid));
    int batch = -1, time = -1, level = -1, lat = -1, lon = -1;
    checkNetcdf(nc_def_dim(ncid, "batch", 1, &batch));
    checkNetcdf(nc_def_dim(ncid, "time", analysis.steps.size(), &time));
    checkNetcdf(nc_def_dim(ncid, "level", analysis.levels.size(), &level));
    checkNetcdf(nc_def_dim(ncid, "lat", static_cast<std::size_t>(analysis.rows), &lat));
    checkNetcdf(nc_def_dim(ncid, "lon", static_cast<std::size_t>(analysis.columns), &lon));
    int latVariable = -1, lonVariable = -1, levelVariable = -1, datetimeVariable = -1;
    checkNetcdf(nc_def_var(ncid, "lat", NC_FLOAT, 1, &lat, &latVariable));
    checkNetcdf(nc_def_var(ncid, "lon", NC_FLOAT, 1, &lon, &lonVariable));
    checkNetcdf(nc_def_var(ncid, "level", NC_INT, 1, &level, &levelVariable));
    const int datetimeDimensions[] = {batch, time};
    checkNetcdf(nc_def_var(ncid, "datetime", NC_INT64, 2, datetimeDimensions, &datetimeVariable));
    putNetcdfText(ncid, datetimeVariable, "units", analysis.hoursSinceAnalysis());
    std::vector<int> ids;
    for (const DeepMindVariable& variable : variables) {
        const std::vector<std::vector<int>> shapes = {
            {batch, time, level, lat, lon}, {batch, time, lat, lon}, {lat, lon}};
        const std::vector<int>& shape = shapes[static_cast<std::size_t>(variable.kind)];
        int id = -1;
        checkNetcdf(nc_def_var(ncid, variable.name, NC_FLOAT, static_cast<int>(shape.size()), shape.data(), &id));
        ids.push_back(id);
    }
    checkNetcdf(nc_enddef(ncid));
    std::vector<float> latitudes;
    for (int row = analysis.rows - 1; row >= 0; --row) {
        latitudes.push_back(static_cast<float>(analysis.latitude(row)));
    }
    std::vector<float> longitudes;
    for (int column = 0; column < analysis.columns; ++column) {
        longitudes.push_back(static_cast<float>(analysis.longitude(column)));
    }
    const std::vector<int> hectopascals(analysis.levels.begin(), analysis.levels.end());
    const std::vector<long long> hours(analysis.steps.begin(), analysis.steps.end());
    checkNetcdf(nc_put_var_float(ncid, latVariable, latitudes.data()));
    checkNetcdf(nc_put_var_float(ncid, lonVariable, longitudes.data()));
    checkNetcdf(nc_put_var_int(ncid, levelVariable, hectopascals.data()));
    checkNetcdf(nc_put_var_longlong(ncid, datetimeVariable, hours.data()));
    for (std::size_t v = 0; v < variables.size(); ++v) {
        const DeepMindVariable& variable = variables[v];
        std::vector<float> values;
        for (long step :
             variable.kind == DeepMindVariable::Static ? std::vector<long>{analysis.steps.front()} : analysis.steps) {
            for (long hectopascal :
                 variable.kind == DeepMindVariable::Atmospheric ? analysis.levels : std::vector<long>{0}) {
                const std::vector<double>& field = decoded.at({variable.shortName, hectopascal, step});
                for (int row = analysis.rows - 1; row >= 0; --row) {  // latitudes ascending
                    for (int column = 0; column < analysis.columns; ++column) {
                        values.push_back(static_cast<float>(
                            field[static_cast<std::size_t>(row * analysis.columns + column)] * variable.factor));
                    }
                }
            }
        }
        checkNetcdf(nc_put_var_float(ncid, ids[v], values.data()));
    }
    checkNetcdf(nc_close(ncid));
}

}  // namespace spreadcast::testing
