#include "io/InitialConditionFile.h"

#include "io/NetcdfWriter.h"
#include "model/PhysicalConstants.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>

namespace spreadcast {
namespace {

std::string lowercase(std::string_view text)
{
    std::string result(text);
    for (char& c : result) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return result;
}

std::string trimmed(std::string text)
{
    const auto isSpace = [](unsigned char c) { return std::isspace(c) != 0 || c == '\0'; };
    while (!text.empty() && isSpace(static_cast<unsigned char>(text.back()))) {
        text.pop_back();
    }
    std::size_t first = 0;
    while (first < text.size() && isSpace(static_cast<unsigned char>(text[first]))) {
        ++first;
    }
    return text.substr(first);
}

// Unit spellings differ only in separators and exponent marks: "m s**-1", "m.s-1" and "m s-1"
// all become "ms-1", "m^2 s^-2" and "m**2 s**-2" become "m2s-2".
std::string normalizedUnits(std::string_view units)
{
    std::string result;
    for (char c : lowercase(units)) {
        if (c != ' ' && c != '*' && c != '^' && c != '.' && c != '\t') {
            result += c;
        }
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

// Converts a value to what it is when stored in the variable's own type, so that a double
// attribute such as missing_value = 1e20 matches the float 1e20 in a float variable.
double asStoredType(double value, nc_type type)
{
    return type == NC_FLOAT ? static_cast<double>(static_cast<float>(value)) : value;
}

const std::array<std::string_view, 15> windUnits{
    "ms-1",          "m/s",           "m/sec",           "msec-1",          "meters/second",
    "metres/second", "meter/second",  "metre/second",    "meterssecond-1",  "metressecond-1",
    "metersecond-1", "metresecond-1", "meterspersecond", "metrespersecond", "mps"};

struct Variable {
    int id = 0;
    std::string name;
    nc_type type = NC_NAT;
    std::vector<int> dims;
    std::string standardName;
    std::optional<std::string> units;
};

struct Dimension {
    std::string name;
    std::size_t length = 0;
    bool unlimited = false;
    const Variable* coordinate = nullptr;  // the 1-D variable of the same name, if any
};

enum class Axis { Latitude, Longitude, Time, Level, Other };

class File {
public:
    explicit File(const std::string& path) : path_(path)
    {
        std::error_code error;
        const auto status = std::filesystem::status(path, error);
        if (!std::filesystem::exists(status)) {
            throw InputError("initial-condition file '" + path +
                             "': no such file — check the path, or choose a built-in case");
        }
        if (std::filesystem::is_directory(status)) {
            throw InputError("initial-condition file '" + path +
                             "' is a directory — give the path of a NetCDF file inside it");
        }
        const int opened = nc_open(path.c_str(), NC_NOWRITE, &ncid_);
        if (opened != NC_NOERR) {
            ncid_ = -1;
            if (opened > 0) {  // netCDF-C passes system errors through as errno values
                throw InputError("cannot read initial-condition file '" + path + "': " + nc_strerror(opened) +
                                 " — check that it is readable");
            }
            throw InputError("initial-condition file '" + path +
                             "' is not a NetCDF file (netCDF-C: " + nc_strerror(opened) +
                             ") — give a CF NetCDF file with winds on a regular lat–lon grid; convert GRIB with "
                             "'cdo -f nc copy in.grb out.nc'");
        }
        try {
            inspect();
        } catch (...) {
            nc_close(ncid_);  // the destructor does not run for a constructor that throws
            throw;
        }
    }
    ~File()
    {
        if (ncid_ >= 0) {
            nc_close(ncid_);
        }
    }
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    const std::string& path() const { return path_; }
    std::string fileName() const { return std::filesystem::path(path_).filename().string(); }
    const std::vector<Variable>& variables() const { return variables_; }
    const Dimension& dimension(int id) const { return dimensions_.at(id); }

    void check(int status, const std::string& operation) const
    {
        if (status != NC_NOERR) {
            throw InputError("cannot " + operation + " in initial-condition file '" + path_ +
                             "': " + nc_strerror(status) + " — the file may be damaged; check it with 'ncdump -h'");
        }
    }

private:
    void inspect()
    {
        int nvars = 0;
        check(nc_inq_nvars(ncid_, &nvars), "list the variables");
        std::vector<int> ids(static_cast<std::size_t>(nvars));
        check(nc_inq_varids(ncid_, &nvars, ids.data()), "list the variables");
        for (int id : ids) {
            Variable variable;
            variable.id = id;
            std::array<char, NC_MAX_NAME + 1> name{};
            int ndims = 0;
            check(nc_inq_var(ncid_, id, name.data(), &variable.type, &ndims, nullptr, nullptr), "inspect a variable");
            variable.name = name.data();
            variable.dims.resize(static_cast<std::size_t>(ndims));
            check(nc_inq_vardimid(ncid_, id, variable.dims.data()), "inspect variable '" + variable.name + "'");
            variable.standardName = text(id, "standard_name").value_or("");
            variable.units = text(id, "units");
            variables_.push_back(std::move(variable));
        }
        int ndims = 0;
        check(nc_inq_ndims(ncid_, &ndims), "list the dimensions");
        std::vector<int> dimIds(static_cast<std::size_t>(ndims));
        check(nc_inq_dimids(ncid_, &ndims, dimIds.data(), 0), "list the dimensions");
        std::vector<int> unlimited(static_cast<std::size_t>(ndims));
        int nunlimited = 0;
        check(nc_inq_unlimdims(ncid_, &nunlimited, unlimited.data()), "list the dimensions");
        for (int id : dimIds) {
            Dimension dimension;
            std::array<char, NC_MAX_NAME + 1> name{};
            check(nc_inq_dim(ncid_, id, name.data(), &dimension.length), "inspect a dimension");
            dimension.name = name.data();
            dimension.unlimited =
                std::find(unlimited.begin(), unlimited.begin() + nunlimited, id) != unlimited.begin() + nunlimited;
            for (const Variable& variable : variables_) {
                if (variable.name == dimension.name && variable.dims.size() == 1 && variable.dims[0] == id) {
                    dimension.coordinate = &variable;
                }
            }
            dimensions_.emplace(id, std::move(dimension));
        }
    }

public:
    std::optional<std::string> text(int varid, const char* name) const
    {
        nc_type type = NC_NAT;
        std::size_t length = 0;
        if (nc_inq_att(ncid_, varid, name, &type, &length) != NC_NOERR) {
            return std::nullopt;
        }
        if (type == NC_CHAR) {
            std::string value(length, '\0');
            check(nc_get_att_text(ncid_, varid, name, value.data()), std::string("read attribute '") + name + "'");
            return trimmed(value);
        }
        if (type == NC_STRING && length >= 1) {
            std::vector<char*> values(length, nullptr);
            check(nc_get_att_string(ncid_, varid, name, values.data()), std::string("read attribute '") + name + "'");
            std::string value = values[0] != nullptr ? values[0] : "";
            nc_free_string(length, values.data());
            return trimmed(value);
        }
        return std::nullopt;
    }

    // A numeric attribute's values and its type; nullopt when absent or not numeric.
    std::optional<std::vector<double>> numbers(int varid, const char* name, nc_type* typeOut = nullptr) const
    {
        nc_type type = NC_NAT;
        std::size_t length = 0;
        if (nc_inq_att(ncid_, varid, name, &type, &length) != NC_NOERR || length == 0 || type == NC_CHAR ||
            type == NC_STRING) {
            return std::nullopt;
        }
        std::vector<double> values(length);
        check(nc_get_att_double(ncid_, varid, name, values.data()), std::string("read attribute '") + name + "'");
        if (typeOut != nullptr) {
            *typeOut = type;
        }
        return values;
    }

    std::vector<double> values(const Variable& variable) const
    {
        std::size_t count = 1;
        for (int dim : variable.dims) {
            count *= dimension(dim).length;
        }
        std::vector<double> result(count);
        if (count > 0) {
            check(nc_get_var_double(ncid_, variable.id, result.data()), "read variable '" + variable.name + "'");
        }
        return result;
    }

    std::vector<double> slab(const Variable& variable, const std::vector<std::size_t>& start,
                             const std::vector<std::size_t>& count) const
    {
        std::size_t total = 1;
        for (std::size_t c : count) {
            total *= c;
        }
        std::vector<double> result(total);
        check(nc_get_vara_double(ncid_, variable.id, start.data(), count.data(), result.data()),
              "read variable '" + variable.name + "'");
        return result;
    }

private:
    std::string path_;
    int ncid_ = -1;
    std::vector<Variable> variables_;  // never resized after construction: Dimension points into it
    std::map<int, Dimension> dimensions_;
};

Axis axisOf(const File& file, const Dimension& dimension)
{
    const std::string name = lowercase(dimension.name);
    std::string standardName;
    std::string units;
    std::string axis;
    bool positive = false;
    if (dimension.coordinate != nullptr) {
        standardName = dimension.coordinate->standardName;
        units = normalizedUnits(dimension.coordinate->units.value_or(""));
        axis = lowercase(file.text(dimension.coordinate->id, "axis").value_or(""));
        positive = file.text(dimension.coordinate->id, "positive").has_value();
    }
    if (standardName == "latitude" ||
        contains({"degrees_north", "degree_north", "degrees_n", "degree_n", "degreesn", "degreen"}, units) ||
        (standardName.empty() && contains({"lat", "latitude"}, name))) {
        return Axis::Latitude;
    }
    if (standardName == "longitude" ||
        contains({"degrees_east", "degree_east", "degrees_e", "degree_e", "degreese", "degreee"}, units) ||
        (standardName.empty() && contains({"lon", "long", "longitude"}, name))) {
        return Axis::Longitude;
    }
    if (standardName == "time" || axis == "t" || units.find("since") != std::string::npos ||
        contains({"time", "t", "valid_time", "times"}, name) || dimension.unlimited) {
        return Axis::Time;
    }
    if (axis == "z" || positive ||
        contains({"air_pressure", "height", "altitude", "model_level_number", "atmosphere_sigma_coordinate",
                  "atmosphere_hybrid_sigma_pressure_coordinate", "geopotential_height"},
                 standardName) ||
        contains({"level", "lev", "plev", "pressure", "isobaricinhpa", "height", "depth", "z", "alt", "altitude"},
                 name)) {
        return Axis::Level;
    }
    return Axis::Other;
}

// Proleptic Gregorian day number of a civil date, 1970-01-01 = 0 (H. Hinnant, "chrono-
// compatible low-level date algorithms").
long long daysFromCivil(long long year, long long month, long long day)
{
    year -= month <= 2 ? 1 : 0;
    const long long era = (year >= 0 ? year : year - 399) / 400;
    const long long yearOfEra = year - era * 400;
    const long long dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const long long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

void civilFromDays(long long days, long long& year, long long& month, long long& day)
{
    days += 719468;
    const long long era = (days >= 0 ? days : days - 146096) / 146097;
    const long long dayOfEra = days - era * 146097;
    const long long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const long long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const long long monthIndex = (5 * dayOfYear + 2) / 153;
    day = dayOfYear - (153 * monthIndex + 2) / 5 + 1;
    month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
}

// A CF time value as "YYYY-MM-DD HH:MM:SS", for the Gregorian calendars only: other calendars
// (noleap, 360_day, …) have no honest equivalent in the output's standard calendar.
std::optional<std::string> decodeTime(double value, const std::string& unitsText, const std::string& calendarText)
{
    const std::string calendar = lowercase(calendarText);
    if (!calendar.empty() && !contains({"standard", "gregorian", "proleptic_gregorian"}, calendar)) {
        return std::nullopt;
    }
    const std::string units = lowercase(unitsText);
    const std::size_t since = units.find(" since ");
    if (since == std::string::npos || !std::isfinite(value)) {
        return std::nullopt;
    }
    const std::string unit = trimmed(units.substr(0, since));
    double secondsPerUnit = 0.0;
    if (contains({"s", "sec", "secs", "second", "seconds"}, unit)) {
        secondsPerUnit = 1.0;
    } else if (contains({"min", "mins", "minute", "minutes"}, unit)) {
        secondsPerUnit = 60.0;
    } else if (contains({"h", "hr", "hrs", "hour", "hours"}, unit)) {
        secondsPerUnit = 3600.0;
    } else if (contains({"d", "day", "days"}, unit)) {
        secondsPerUnit = 86400.0;
    } else {
        return std::nullopt;  // months and years have no fixed length
    }
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    double second = 0.0;
    const std::string reference = trimmed(units.substr(since + 7));
    const int fields =
        std::sscanf(reference.c_str(), "%d-%d-%d%*[ t]%d:%d:%lf", &year, &month, &day, &hour, &minute, &second);
    if (fields < 3 || month < 1 || month > 12 || day < 1 || day > 31) {
        return std::nullopt;
    }
    // The "standard" calendar is Julian before 1582-10-15; such old references are not decoded.
    if (calendar != "proleptic_gregorian" && year < 1583) {
        return std::nullopt;
    }
    const double total = static_cast<double>(daysFromCivil(year, month, day)) * 86400.0 + hour * 3600.0 +
                         minute * 60.0 + second + value * secondsPerUnit;
    if (std::abs(total) > 1e13) {
        return std::nullopt;
    }
    const long long seconds = std::llround(total);
    const long long days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
    const long long secondOfDay = seconds - days * 86400;
    long long y = 0;
    long long m = 0;
    long long d = 0;
    civilFromDays(days, y, m, d);
    if (y < 0 || y > 9999) {
        return std::nullopt;
    }
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, m, d, secondOfDay / 3600,
                  secondOfDay / 60 % 60, secondOfDay % 60);
    return std::string(text.data());
}

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

const Variable* findVariable(const File& file, const Role& role)
{
    // Coordinate and scalar variables (a "height" coordinate of 10 m winds, say) are never fields.
    const auto isField = [&](const Variable& variable) { return variable.dims.size() >= 2; };
    for (std::string_view standardName : role.standardNames) {
        for (const Variable& variable : file.variables()) {
            if (isField(variable) && variable.standardName == standardName) {
                return &variable;
            }
        }
    }
    for (std::string_view name : role.names) {
        for (const Variable& variable : file.variables()) {
            if (isField(variable) && lowercase(variable.name) == name) {
                return &variable;
            }
        }
    }
    return nullptr;
}

const Variable& requireVariable(const File& file, const Role& role)
{
    if (const Variable* variable = findVariable(file, role)) {
        return *variable;
    }
    std::vector<std::string> present;
    for (const Variable& variable : file.variables()) {
        present.push_back(variable.name);
    }
    throw InputError("initial-condition file '" + file.path() + "' has no " + std::string(role.description) +
                     ": looked for " + lookedFor(role) +
                     " (the file has: " + (present.empty() ? std::string("no variables") : joined(present)) +
                     ") — add the variable, or set its standard_name attribute, e.g. with 'ncatted -a "
                     "standard_name,NAME,o,c," +
                     std::string(*role.standardNames.begin()) + "'");
}

std::string shapeText(const File& file, const Variable& variable)
{
    std::vector<std::string> dims;
    for (int dim : variable.dims) {
        dims.push_back(file.dimension(dim).name + "=" + std::to_string(file.dimension(dim).length));
    }
    return "(" + joined(dims) + ")";
}

// The sorted coordinates of a variable's latitude–longitude grid and where each sorted point
// sits in the file.
struct SourceGrid {
    std::vector<double> latitudes;  // ascending
    std::vector<std::size_t> latitudeIndex;
    std::vector<double> longitudes;  // ascending in [0, 360), duplicates removed
    std::vector<std::size_t> longitudeIndex;
};

bool sameGrid(const SourceGrid& a, const SourceGrid& b)
{
    const auto close = [](const std::vector<double>& x, const std::vector<double>& y) {
        return x.size() == y.size() &&
               std::equal(x.begin(), x.end(), y.begin(), [](double p, double q) { return std::abs(p - q) < 1e-6; });
    };
    return close(a.latitudes, b.latitudes) && close(a.longitudes, b.longitudes);
}

SourceGrid sourceGrid(const File& file, const Variable& variable, const Dimension& latDim, const Dimension& lonDim,
                      const GaussianGrid& grid)
{
    const auto coordinates = [&](const Dimension& dimension, std::string_view what) {
        if (dimension.coordinate == nullptr) {
            throw InputError("dimension '" + dimension.name + "' of variable '" + variable.name +
                             "' in initial-condition file '" + file.path() + "' has no coordinate variable with the " +
                             std::string(what) + " — add one (CF requires it)");
        }
        std::vector<double> values = file.values(*dimension.coordinate);
        if (values.size() < 2 ||
            !std::all_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); })) {
            throw InputError("coordinate '" + dimension.name + "' in initial-condition file '" + file.path() +
                             "' needs at least two finite " + std::string(what) + " — give a global lat–lon grid");
        }
        return values;
    };
    const std::vector<double> lat = coordinates(latDim, "latitudes");
    const std::vector<double> lon = coordinates(lonDim, "longitudes");

    SourceGrid source;
    const bool ascending = lat[1] > lat[0];
    for (std::size_t k = 1; k < lat.size(); ++k) {
        if (ascending ? lat[k] <= lat[k - 1] : lat[k] >= lat[k - 1]) {
            throw InputError("latitudes '" + latDim.name + "' in initial-condition file '" + file.path() +
                             "' are not monotonic (at index " + std::to_string(k) + ") — give a regular lat–lon grid");
        }
    }
    if (std::abs(lat.front()) > 90.0 + 1e-6 || std::abs(lat.back()) > 90.0 + 1e-6) {
        throw InputError("latitudes '" + latDim.name + "' in initial-condition file '" + file.path() +
                         "' run beyond ±90° — check that the variable holds latitudes in degrees");
    }
    for (std::size_t k = 0; k < lat.size(); ++k) {
        const std::size_t original = ascending ? k : lat.size() - 1 - k;
        source.latitudes.push_back(lat[original]);
        source.latitudeIndex.push_back(original);
    }

    std::vector<std::pair<double, std::size_t>> wrapped;
    for (std::size_t k = 0; k < lon.size(); ++k) {
        wrapped.emplace_back(lon[k] - 360.0 * std::floor(lon[k] / 360.0), k);
    }
    std::stable_sort(wrapped.begin(), wrapped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [longitude, index] : wrapped) {
        // 0° and 360° (or −180° and 180°) are one meridian; keep its first column.
        if (source.longitudes.empty() || longitude - source.longitudes.back() > 1e-6) {
            source.longitudes.push_back(longitude);
            source.longitudeIndex.push_back(index);
        }
    }
    if (source.longitudes.size() > 1 && source.longitudes.front() + 360.0 - source.longitudes.back() < 1e-6) {
        source.longitudes.pop_back();
        source.longitudeIndex.pop_back();
    }

    // Coverage: the widest longitude gap at most about one grid spacing, and latitudes reaching
    // the model's outermost Gaussian latitudes to within a spacing (or 2°).
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
        const auto [lonMin, lonMax] = std::minmax_element(lon.begin(), lon.end());
        throw InputError("variable '" + variable.name + "' in initial-condition file '" + file.path() +
                         "' covers latitudes " + number(source.latitudes.front()) + "°.." +
                         number(source.latitudes.back()) + "° and longitudes " + number(*lonMin) + "°.." +
                         number(*lonMax) + "°, but a global forecast needs the whole globe (latitudes to ±" +
                         number(std::round(modelNorth * 10.0) / 10.0) +
                         "° and all 360° of longitude) — give a global file");
    }
    return source;
}

// One variable's values at the chosen time and level on its own grid, missing values filled,
// sorted to ascending latitude and longitude in [0, 360).
struct SourceField {
    SourceGrid grid;
    std::vector<double> values;  // latitudes.size() × longitudes.size()
    std::string timeText;        // the decoded time or "index N", for the description
    std::string levelText;
    std::optional<std::string> initialTime;
};

std::optional<std::string> timeAt(const File& file, const Variable* coordinate, std::size_t index)
{
    if (coordinate == nullptr) {
        return std::nullopt;
    }
    const std::vector<double> values = file.values(*coordinate);
    if (index >= values.size()) {
        return std::nullopt;
    }
    return decodeTime(values[index], coordinate->units.value_or(""),
                      file.text(coordinate->id, "calendar").value_or(""));
}

// A scalar time coordinate, as files with one time often carry instead of a time dimension.
const Variable* scalarTime(const File& file)
{
    for (const Variable& variable : file.variables()) {
        if (variable.dims.empty() &&
            (variable.standardName == "time" || contains({"time", "valid_time"}, lowercase(variable.name)))) {
            return &variable;
        }
    }
    return nullptr;
}

struct Layout {
    std::optional<std::size_t> latPosition;
    std::optional<std::size_t> lonPosition;
    std::optional<std::size_t> timePosition;
    std::optional<std::size_t> levelPosition;
};

Layout layoutOf(const File& file, const Variable& variable)
{
    Layout layout;
    std::vector<std::size_t> others;
    const auto wrongShape = [&](const std::string& why) {
        return InputError("variable '" + variable.name + "' in initial-condition file '" + file.path() +
                          "' has the wrong shape " + shapeText(file, variable) + ": " + why +
                          " — expected latitude × longitude, optionally with a time and one level dimension, on a "
                          "regular lat–lon grid");
    };
    for (std::size_t p = 0; p < variable.dims.size(); ++p) {
        const Dimension& dimension = file.dimension(variable.dims[p]);
        std::optional<std::size_t>* slot = nullptr;
        switch (axisOf(file, dimension)) {
        case Axis::Latitude: slot = &layout.latPosition; break;
        case Axis::Longitude: slot = &layout.lonPosition; break;
        case Axis::Time: slot = &layout.timePosition; break;
        case Axis::Level:
        case Axis::Other: others.push_back(p); break;
        }
        if (slot != nullptr) {
            if (slot->has_value()) {
                throw wrongShape("two dimensions of one kind ('" + file.dimension(variable.dims[**slot]).name +
                                 "' and '" + dimension.name + "')");
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
        const Dimension& dimension = file.dimension(variable.dims[p]);
        if (dimension.length > 1 || axisOf(file, dimension) == Axis::Level) {
            if (layout.levelPosition && file.dimension(variable.dims[*layout.levelPosition]).length > 1 &&
                dimension.length > 1) {
                throw wrongShape("more than one extra dimension ('" +
                                 file.dimension(variable.dims[*layout.levelPosition]).name + "' and '" +
                                 dimension.name + "')");
            }
            if (!layout.levelPosition || dimension.length > 1) {
                layout.levelPosition = p;
            }
        }
    }
    return layout;
}

std::size_t checkedIndex(const File& file, const Variable& variable, std::optional<std::size_t> position, int index,
                         std::string_view kind, std::string_view option)
{
    if (!position) {
        if (index != 0) {
            throw InputError("variable '" + variable.name + "' in initial-condition file '" + file.path() +
                             "' has no " + std::string(kind) + " dimension, so " + std::string(option) + " " +
                             std::to_string(index) + " is out of range — use " + std::string(option) + " 0");
        }
        return 0;
    }
    const Dimension& dimension = file.dimension(variable.dims[*position]);
    if (index < 0 || static_cast<std::size_t>(index) >= dimension.length) {
        throw InputError(std::string(kind) + " dimension '" + dimension.name + "' of variable '" + variable.name +
                         "' in initial-condition file '" + file.path() + "' has " + std::to_string(dimension.length) +
                         " entries, so " + std::string(option) + " " + std::to_string(index) +
                         " is out of range — choose " + std::string(option) + " from 0 to " +
                         std::to_string(static_cast<long long>(dimension.length) - 1));
    }
    return static_cast<std::size_t>(index);
}

SourceField readField(const File& file, const Variable& variable, int timeIndex, int levelIndex,
                      const GaussianGrid& grid, std::vector<std::string>& notes)
{
    const Layout layout = layoutOf(file, variable);
    SourceField field;
    const Dimension& latDim = file.dimension(variable.dims[*layout.latPosition]);
    const Dimension& lonDim = file.dimension(variable.dims[*layout.lonPosition]);
    field.grid = sourceGrid(file, variable, latDim, lonDim, grid);

    std::vector<std::size_t> start(variable.dims.size(), 0);
    std::vector<std::size_t> count(variable.dims.size(), 1);
    count[*layout.latPosition] = latDim.length;
    count[*layout.lonPosition] = lonDim.length;
    const std::size_t time = checkedIndex(file, variable, layout.timePosition, timeIndex, "time", "--ic-time");
    const std::size_t level = checkedIndex(file, variable, layout.levelPosition, levelIndex, "level", "--ic-level");
    if (layout.timePosition) {
        start[*layout.timePosition] = time;
        const Variable* coordinate = file.dimension(variable.dims[*layout.timePosition]).coordinate;
        field.initialTime = timeAt(file, coordinate, time);
        field.timeText = field.initialTime ? *field.initialTime + " (time index " + std::to_string(time) + ")"
                                           : "time index " + std::to_string(time);
    } else if (const Variable* scalar = scalarTime(file)) {
        field.initialTime = timeAt(file, scalar, 0);
        field.timeText = field.initialTime.value_or("");
    }
    if (layout.levelPosition) {
        start[*layout.levelPosition] = level;
        const Dimension& levelDim = file.dimension(variable.dims[*layout.levelPosition]);
        field.levelText = levelDim.name + " index " + std::to_string(level);
        if (levelDim.coordinate != nullptr) {
            const std::vector<double> levels = file.values(*levelDim.coordinate);
            const std::string units = levelDim.coordinate->units.value_or("");
            field.levelText = "level " + number(levels[level]) + (units.empty() ? "" : " " + units) + " (" +
                              levelDim.name + " index " + std::to_string(level) + ")";
        }
    }
    const std::vector<double> raw = file.slab(variable, start, count);

    // Missing values are recognised on the stored (packed) numbers, as CF defines them; valid_*
    // attributes of the unpacked type describe unpacked values (NUG "Attribute Conventions").
    const double scale = file.numbers(variable.id, "scale_factor").value_or(std::vector<double>{1.0})[0];
    const double offset = file.numbers(variable.id, "add_offset").value_or(std::vector<double>{0.0})[0];
    const bool packed = file.numbers(variable.id, "scale_factor") || file.numbers(variable.id, "add_offset");
    std::vector<double> missing;
    if (auto fill = file.numbers(variable.id, "_FillValue")) {
        missing.push_back(asStoredType((*fill)[0], variable.type));
    } else if (variable.type == NC_FLOAT) {
        missing.push_back(static_cast<double>(NC_FILL_FLOAT));
    } else if (variable.type == NC_DOUBLE) {
        missing.push_back(NC_FILL_DOUBLE);
    } else if (variable.type == NC_SHORT) {
        missing.push_back(NC_FILL_SHORT);
    } else if (variable.type == NC_INT) {
        missing.push_back(NC_FILL_INT);
    }
    if (auto values = file.numbers(variable.id, "missing_value")) {
        for (double value : *values) {
            missing.push_back(asStoredType(value, variable.type));
        }
    }
    double packedMin = -HUGE_VAL;
    double packedMax = HUGE_VAL;
    double unpackedMin = -HUGE_VAL;
    double unpackedMax = HUGE_VAL;
    const auto bound = [&](const char* name, std::size_t which, bool isMax) {
        nc_type type = NC_NAT;
        if (auto values = file.numbers(variable.id, name, &type); values && values->size() > which) {
            const bool unpackedUnits = packed && type != variable.type;
            double& target =
                isMax ? (unpackedUnits ? unpackedMax : packedMax) : (unpackedUnits ? unpackedMin : packedMin);
            target = unpackedUnits ? (*values)[which] : asStoredType((*values)[which], variable.type);
        }
    };
    bound("valid_range", 0, false);
    bound("valid_range", 1, true);
    bound("valid_min", 0, false);
    bound("valid_max", 0, true);

    std::size_t latStride = 1;
    std::size_t lonStride = 1;
    for (std::size_t p = *layout.latPosition + 1; p < count.size(); ++p) {
        latStride *= count[p];
    }
    for (std::size_t p = *layout.lonPosition + 1; p < count.size(); ++p) {
        lonStride *= count[p];
    }
    const std::size_t rows = field.grid.latitudes.size();
    const std::size_t columns = field.grid.longitudes.size();
    field.values.assign(rows * columns, 0.0);
    std::vector<char> valid(rows * columns, 0);
    std::size_t missingCount = 0;
    for (std::size_t j = 0; j < rows; ++j) {
        for (std::size_t i = 0; i < columns; ++i) {
            const double stored =
                raw[field.grid.latitudeIndex[j] * latStride + field.grid.longitudeIndex[i] * lonStride];
            const double value = stored * scale + offset;
            const bool isValid = std::isfinite(stored) && std::isfinite(value) &&
                                 std::find(missing.begin(), missing.end(), stored) == missing.end() &&
                                 stored >= packedMin && stored <= packedMax && value >= unpackedMin &&
                                 value <= unpackedMax;
            field.values[j * columns + i] = value;
            valid[j * columns + i] = isValid ? 1 : 0;
            missingCount += isValid ? 0 : 1;
        }
    }
    if (missingCount == rows * columns) {
        throw InputError("variable '" + variable.name + "' in initial-condition file '" + file.path() +
                         "' has no valid values" + (field.timeText.empty() ? "" : " at " + field.timeText) +
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

void checkWindUnits(const File& file, const Variable& variable, std::vector<std::string>& notes)
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
double heightScale(const File& file, const Variable& variable, std::vector<std::string>& notes, bool& geopotential)
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
    std::lock_guard library(netcdfLibraryMutex());
    const File file(path);
    InitialConditionFile result;

    const Variable& uVariable = requireVariable(file, eastwardWind);
    const Variable& vVariable = requireVariable(file, northwardWind);
    checkWindUnits(file, uVariable, result.notes);
    checkWindUnits(file, vVariable, result.notes);
    const SourceField u = readField(file, uVariable, timeIndex, levelIndex, grid, result.notes);
    const SourceField v = readField(file, vVariable, timeIndex, levelIndex, grid, result.notes);
    if (!sameGrid(u.grid, v.grid)) {
        throw InputError("winds '" + uVariable.name + "' " + shapeText(file, uVariable) + " and '" + vVariable.name +
                         "' " + shapeText(file, vVariable) + " in initial-condition file '" + file.path() +
                         "' have the wrong shape: they lie on different grids — give both wind components on one "
                         "lat–lon grid");
    }
    result.u = regrid(u, grid);
    result.v = regrid(v, grid);
    result.initialTime = u.initialTime.value_or("");

    std::string heightText = "no height (balanced height derived from the winds)";
    if (const Variable* heightVariable = findVariable(file, heightRole)) {
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
        result.notes.push_back("'" + file.fileName() + "' has no " + std::string(heightRole.description) +
                               "; the model derives the height that balances the winds");
    }

    result.description = file.fileName() + ": winds '" + uVariable.name + "', '" + vVariable.name + "', " + heightText;
    if (!u.timeText.empty()) {
        result.description += ", " + u.timeText;
    }
    if (!u.levelText.empty()) {
        result.description += ", " + u.levelText;
    }
    if (result.initialTime.empty()) {
        result.notes.push_back("'" + file.fileName() +
                               "' gives no decodable time for the winds (CF units 'hours since …' in a Gregorian "
                               "calendar); the forecast times count from an undated start");
    }
    return result;
}

std::vector<std::string> listInitialConditionTimes(const std::string& path)
{
    std::lock_guard library(netcdfLibraryMutex());
    const File file(path);
    const Variable& variable = requireVariable(file, eastwardWind);
    const Layout layout = layoutOf(file, variable);
    std::vector<std::string> times;
    if (!layout.timePosition) {
        const std::optional<std::string> time = timeAt(file, scalarTime(file), 0);
        times.push_back(time.value_or("index 0"));
        return times;
    }
    const Dimension& dimension = file.dimension(variable.dims[*layout.timePosition]);
    std::vector<double> values;
    std::string units;
    std::string calendar;
    if (dimension.coordinate != nullptr) {
        values = file.values(*dimension.coordinate);
        units = dimension.coordinate->units.value_or("");
        calendar = file.text(dimension.coordinate->id, "calendar").value_or("");
    }
    for (std::size_t k = 0; k < dimension.length; ++k) {
        std::optional<std::string> time;
        if (k < values.size()) {
            time = decodeTime(values[k], units, calendar);
        }
        times.push_back(time.value_or("index " + std::to_string(k)));
    }
    return times;
}

}  // namespace spreadcast
