#include "io/ForecastFile.h"

#include "io/NetcdfWriter.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>

namespace spreadcast {
namespace {

constexpr int roleTime = 0;
constexpr int roleMember = 1;
constexpr int roleLatitude = 2;
constexpr int roleLongitude = 3;
constexpr int roleSingleton = 4;

std::string textAttribute(int ncid, int varid, const char* name)
{
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ncid, varid, name, &type, &length) != NC_NOERR || type != NC_CHAR) {
        return {};
    }
    std::string value(length, '\0');
    if (nc_get_att_text(ncid, varid, name, value.data()) != NC_NOERR) {
        return {};
    }
    while (!value.empty() && value.back() == '\0') {
        value.pop_back();
    }
    return value;
}

bool numericAttribute(int ncid, int varid, const char* name, double& value)
{
    std::size_t length = 0;
    nc_type type = NC_NAT;
    if (nc_inq_att(ncid, varid, name, &type, &length) != NC_NOERR || length != 1 || type == NC_CHAR ||
        type == NC_STRING) {
        return false;
    }
    return nc_get_att_double(ncid, varid, name, &value) == NC_NOERR;
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// "<unit> since <date>" → hours per unit and the date; false when the units are not of that form.
bool parseTimeUnits(const std::string& units, double& hoursPerUnit, std::string& origin)
{
    const std::size_t since = lower(units).find(" since ");
    if (since == std::string::npos) {
        return false;
    }
    const std::string unit = lower(units.substr(0, since));
    if (unit == "seconds" || unit == "second" || unit == "s") {
        hoursPerUnit = 1.0 / 3600.0;
    } else if (unit == "minutes" || unit == "minute" || unit == "min") {
        hoursPerUnit = 1.0 / 60.0;
    } else if (unit == "hours" || unit == "hour" || unit == "h") {
        hoursPerUnit = 1.0;
    } else if (unit == "days" || unit == "day" || unit == "d") {
        hoursPerUnit = 24.0;
    } else {
        return false;
    }
    origin = units.substr(since + 7);
    if (origin.size() > 10 && origin[10] == 'T') {
        origin[10] = ' ';
    }
    return true;
}

// probability_<variable>_above_<value>, the value spelt as NetcdfWriter spells it ('m' for a
// minus sign, 'p' for the decimal point, '_' for an exponent's plus sign).
bool parseProbabilityName(const std::string& name, ProbabilityVariable& probability)
{
    static const std::string prefix = "probability_";
    static const std::string above = "_above_";
    const std::size_t at = name.rfind(above);
    if (name.rfind(prefix, 0) != 0 || at == std::string::npos || at <= prefix.size()) {
        return false;
    }
    std::string number;
    for (const char c : name.substr(at + above.size())) {
        number += c == 'm' ? '-' : c == 'p' ? '.' : c == '_' ? '+' : c;
    }
    try {
        std::size_t used = 0;
        probability.threshold = std::stod(number, &used);
        if (used != number.size()) {
            return false;
        }
    } catch (const std::exception&) {
        return false;
    }
    probability.name = name;
    probability.variable = name.substr(prefix.size(), at - prefix.size());
    return true;
}

}  // namespace

void ForecastFile::check(int status, const std::string& what) const
{
    if (status != NC_NOERR) {
        throw InputError("cannot " + what + " in '" + path_ + "': " + nc_strerror(status) +
                         " — is it a complete NetCDF forecast file?");
    }
}

ForecastFile::ForecastFile(std::string path) : path_(std::move(path))
{
    std::error_code error;
    if (!std::filesystem::exists(path_, error)) {
        throw InputError("cannot open forecast '" + path_ + "': no such file");
    }
    if (std::filesystem::is_directory(path_, error)) {
        throw InputError("cannot open forecast '" + path_ + "': it is a folder, not a NetCDF file");
    }
    std::lock_guard library(netcdfLibraryMutex());
    const int opened = nc_open(path_.c_str(), NC_NOWRITE, &ncid_);
    if (opened != NC_NOERR) {
        ncid_ = -1;
        throw InputError("cannot open forecast '" + path_ + "': " + nc_strerror(opened) +
                         " — it is not a NetCDF file, or it is damaged");
    }
    try {
        int dimensionCount = 0;
        int variableCount = 0;
        check(nc_inq(ncid_, &dimensionCount, &variableCount, nullptr, nullptr), "read the file's structure");
        title_ = textAttribute(ncid_, NC_GLOBAL, "title");
        runStatus_ = textAttribute(ncid_, NC_GLOBAL, "run_status");
        spreadcast_ = !textAttribute(ncid_, NC_GLOBAL, "spreadcast_version").empty();

        // Which dimension is which: by the coordinate variable's standard_name, units or axis,
        // or failing that by the usual names.
        std::vector<int> dimensionRole(static_cast<std::size_t>(dimensionCount), -1);
        std::vector<int> coordinateVariable(static_cast<std::size_t>(dimensionCount), -1);
        std::vector<std::size_t> dimensionLength(static_cast<std::size_t>(dimensionCount), 0);
        for (int d = 0; d < dimensionCount; ++d) {
            char name[NC_MAX_NAME + 1] = {};
            check(nc_inq_dim(ncid_, d, name, &dimensionLength[static_cast<std::size_t>(d)]), "read a dimension");
            const std::string dimension = lower(name);
            int varid = -1;
            std::string standardName;
            std::string units;
            std::string axis;
            if (nc_inq_varid(ncid_, name, &varid) == NC_NOERR) {
                int ndims = 0;
                check(nc_inq_varndims(ncid_, varid, &ndims), std::string("read variable '") + name + "'");
                if (ndims == 1) {
                    coordinateVariable[static_cast<std::size_t>(d)] = varid;
                    standardName = textAttribute(ncid_, varid, "standard_name");
                    units = lower(textAttribute(ncid_, varid, "units"));
                    axis = textAttribute(ncid_, varid, "axis");
                }
            }
            int role = -1;
            if (standardName == "latitude" || units == "degrees_north" || units == "degree_north" || axis == "Y" ||
                dimension == "lat" || dimension == "latitude") {
                role = roleLatitude;
            } else if (standardName == "longitude" || units == "degrees_east" || units == "degree_east" ||
                       axis == "X" || dimension == "lon" || dimension == "longitude") {
                role = roleLongitude;
            } else if (standardName == "time" || axis == "T" || dimension == "time") {
                role = roleTime;
            } else if (standardName == "realization" || dimension == "member" || dimension == "realization" ||
                       dimension == "ensemble" || dimension == "number") {
                role = roleMember;
            }
            dimensionRole[static_cast<std::size_t>(d)] = role;
        }

        auto dimensionWith = [&](int role) {
            const auto found = std::find(dimensionRole.begin(), dimensionRole.end(), role);
            return found == dimensionRole.end() ? -1 : static_cast<int>(found - dimensionRole.begin());
        };
        auto readCoordinate = [&](int dimension, const char* what) {
            const int varid = coordinateVariable[static_cast<std::size_t>(dimension)];
            std::vector<double> values(dimensionLength[static_cast<std::size_t>(dimension)]);
            if (varid < 0) {
                throw InputError("'" + path_ + "' has a " + what + " dimension but no " + what +
                                 " coordinate variable: it needs a 1-D variable of the same name");
            }
            check(nc_get_var_double(ncid_, varid, values.data()), std::string("read the ") + what + " coordinate");
            return values;
        };
        const int latitudeDimension = dimensionWith(roleLatitude);
        const int longitudeDimension = dimensionWith(roleLongitude);
        if (latitudeDimension < 0 || longitudeDimension < 0) {
            throw InputError("'" + path_ + "' has no " + (latitudeDimension < 0 ? "latitude" : "longitude") +
                             " dimension (a coordinate 'lat' in degrees_north and 'lon' in degrees_east): it is not "
                             "a forecast on a latitude–longitude grid");
        }
        latitudes_ = readCoordinate(latitudeDimension, "latitude");
        longitudes_ = readCoordinate(longitudeDimension, "longitude");
        if (latitudes_.size() < 2 || longitudes_.size() < 2) {
            throw InputError("'" + path_ + "' has a grid of " + std::to_string(latitudes_.size()) + " × " +
                             std::to_string(longitudes_.size()) + " points: at least 2 × 2 are needed");
        }
        for (const double latitude : latitudes_) {
            if (!std::isfinite(latitude) || std::abs(latitude) > 90.0) {
                throw InputError("'" + path_ + "': latitude " + std::to_string(latitude) +
                                 " is outside −90 … 90 degrees_north");
            }
        }
        for (std::size_t i = 0; i < longitudes_.size(); ++i) {
            if (!std::isfinite(longitudes_[i]) || (i > 0 && !(longitudes_[i] > longitudes_[i - 1]))) {
                throw InputError("'" + path_ + "': longitudes must be finite and increasing (at index " +
                                 std::to_string(i) + ")");
            }
        }

        const int timeDimension = dimensionWith(roleTime);
        if (timeDimension >= 0) {
            const std::vector<double> times = readCoordinate(timeDimension, "time");
            const int varid = coordinateVariable[static_cast<std::size_t>(timeDimension)];
            const std::string units = textAttribute(ncid_, varid, "units");
            double hoursPerUnit = 1.0;
            if (!parseTimeUnits(units, hoursPerUnit, initialTime_)) {
                throw InputError("'" + path_ + "': time units '" + units +
                                 "' are not of the form '<hours|days|minutes|seconds> since <date>'");
            }
            const double first = times.empty() ? 0.0 : times.front();
            for (const double time : times) {
                // A file still being written has fill values in times not reached yet.
                leadHours_.push_back(std::abs(time) < 1e30 ? (time - first) * hoursPerUnit : NAN);
            }
            if (first != 0.0 && !times.empty()) {
                // Lead times count from the first time; say which time that is.
                initialTime_ += " + " + std::to_string(first * hoursPerUnit) + " h";
            }
        }
        if (leadHours_.empty()) {
            leadHours_.push_back(0.0);
        }

        const int memberDimension = dimensionWith(roleMember);
        if (memberDimension >= 0) {
            const std::size_t count = dimensionLength[static_cast<std::size_t>(memberDimension)];
            members_.resize(count);
            const int varid = coordinateVariable[static_cast<std::size_t>(memberDimension)];
            if (varid >= 0) {
                check(nc_get_var_int(ncid_, varid, members_.data()), "read the member coordinate");
            } else {
                for (std::size_t m = 0; m < count; ++m) {
                    members_[m] = static_cast<int>(m);
                }
            }
        }

        for (int varid = 0; varid < variableCount; ++varid) {
            char name[NC_MAX_NAME + 1] = {};
            nc_type type = NC_NAT;
            int ndims = 0;
            std::array<int, NC_MAX_VAR_DIMS> dims{};
            check(nc_inq_var(ncid_, varid, name, &type, &ndims, dims.data(), nullptr), "read a variable");
            if (ndims < 2 || type == NC_CHAR || type == NC_STRING || type > NC_STRING ||
                dims[static_cast<std::size_t>(ndims - 2)] != latitudeDimension ||
                dims[static_cast<std::size_t>(ndims - 1)] != longitudeDimension) {
                continue;
            }
            Layout layout;
            layout.varid = varid;
            ForecastVariable variable;
            variable.name = name;
            bool usable = true;
            for (int k = 0; k < ndims; ++k) {
                const std::size_t d = static_cast<std::size_t>(dims[static_cast<std::size_t>(k)]);
                int role = dimensionRole[d];
                if (k < ndims - 2 && (role == roleLatitude || role == roleLongitude || role < 0)) {
                    role = dimensionLength[d] == 1 ? roleSingleton : -1;
                }
                usable = usable && role >= 0;
                layout.role.push_back(role);
                variable.hasTime = variable.hasTime || role == roleTime;
                variable.hasMember = variable.hasMember || role == roleMember;
            }
            if (!usable) {
                continue;  // e.g. several pressure levels: not a field this reader shows
            }
            variable.longName = textAttribute(ncid_, varid, "long_name");
            variable.units = textAttribute(ncid_, varid, "units");
            variable.standardName = textAttribute(ncid_, varid, "standard_name");
            double value = 0.0;
            if (numericAttribute(ncid_, varid, "scale_factor", value)) {
                layout.packed = true;
                layout.scale = value;
            }
            if (numericAttribute(ncid_, varid, "add_offset", value)) {
                layout.packed = true;
                layout.offset = value;
            }
            if (numericAttribute(ncid_, varid, "_FillValue", value) ||
                numericAttribute(ncid_, varid, "missing_value", value)) {
                layout.hasFill = true;
                layout.fill = value;
            } else if (type == NC_FLOAT || type == NC_DOUBLE) {
                layout.hasFill = true;
                layout.fill = type == NC_FLOAT ? static_cast<double>(NC_FILL_FLOAT) : NC_FILL_DOUBLE;
            }
            ProbabilityVariable probability;
            if (parseProbabilityName(variable.name, probability)) {
                probabilities_.push_back(probability);
            }
            variables_.push_back(std::move(variable));
            layouts_.push_back(std::move(layout));
        }
        if (variables_.empty()) {
            throw InputError("'" + path_ +
                             "' has no field on its latitude–longitude grid: no variable whose last two dimensions "
                             "are (lat, lon)");
        }
    } catch (...) {
        nc_close(ncid_);
        ncid_ = -1;
        throw;
    }
}

ForecastFile::~ForecastFile()
{
    if (ncid_ >= 0) {
        std::lock_guard library(netcdfLibraryMutex());
        nc_close(ncid_);
    }
}

const ForecastVariable* ForecastFile::variable(const std::string& name) const
{
    for (const ForecastVariable& variable : variables_) {
        if (variable.name == name) {
            return &variable;
        }
    }
    return nullptr;
}

const ForecastFile::Layout& ForecastFile::layoutOf(const std::string& name) const
{
    const auto found = std::find_if(variables_.begin(), variables_.end(),
                                    [&](const ForecastVariable& variable) { return variable.name == name; });
    if (found == variables_.end()) {
        throw InputError("'" + path_ + "' has no field '" + name + "' on its latitude–longitude grid");
    }
    return layouts_[static_cast<std::size_t>(found - variables_.begin())];
}

void ForecastFile::clean(std::vector<float>& values, const Layout& layout) const
{
    const float fill = static_cast<float>(layout.fill);
    for (float& value : values) {
        if (layout.hasFill && (value == fill || std::abs(value) >= 9.9e36f)) {
            value = NAN;
        } else if (layout.packed) {
            value = static_cast<float>(value * layout.scale + layout.offset);
        }
    }
}

std::vector<float> ForecastFile::read(const std::string& name, int timeIndex, int memberIndex) const
{
    const Layout& layout = layoutOf(name);
    const ForecastVariable& variable = *this->variable(name);
    if (variable.hasTime && (timeIndex < 0 || timeIndex >= static_cast<int>(leadHours_.size()))) {
        throw InputError("time index " + std::to_string(timeIndex) + " is outside 0 … " +
                         std::to_string(leadHours_.size() - 1) + " in '" + path_ + "'");
    }
    if (variable.hasMember && (memberIndex < 0 || memberIndex >= static_cast<int>(members_.size()))) {
        throw InputError("member index " + std::to_string(memberIndex) + " is outside the " +
                         std::to_string(members_.size()) + " members stored in '" + path_ + "'");
    }
    std::vector<std::size_t> start;
    std::vector<std::size_t> count;
    for (const int role : layout.role) {
        switch (role) {
        case roleTime: start.push_back(static_cast<std::size_t>(timeIndex)), count.push_back(1); break;
        case roleMember: start.push_back(static_cast<std::size_t>(memberIndex)), count.push_back(1); break;
        case roleLatitude: start.push_back(0), count.push_back(latitudes_.size()); break;
        case roleLongitude: start.push_back(0), count.push_back(longitudes_.size()); break;
        default: start.push_back(0), count.push_back(1); break;
        }
    }
    std::vector<float> values(pointCount());
    {
        std::lock_guard library(netcdfLibraryMutex());
        check(nc_get_vara_float(ncid_, layout.varid, start.data(), count.data(), values.data()),
              "read variable '" + name + "'");
    }
    clean(values, layout);
    return values;
}

ForecastFile::PointSeries ForecastFile::readPoint(const std::string& name, int latitudeIndex, int longitudeIndex) const
{
    const Layout& layout = layoutOf(name);
    if (latitudeIndex < 0 || latitudeIndex >= static_cast<int>(latitudes_.size()) || longitudeIndex < 0 ||
        longitudeIndex >= static_cast<int>(longitudes_.size())) {
        throw InputError("grid point (" + std::to_string(latitudeIndex) + ", " + std::to_string(longitudeIndex) +
                         ") is off the grid of '" + path_ + "'");
    }
    const ForecastVariable& variable = *this->variable(name);
    PointSeries series;
    series.times = variable.hasTime ? static_cast<int>(leadHours_.size()) : 1;
    series.memberCount = variable.hasMember ? static_cast<int>(members_.size()) : 1;
    std::vector<std::size_t> start;
    std::vector<std::size_t> count;
    for (const int role : layout.role) {
        switch (role) {
        case roleTime: start.push_back(0), count.push_back(static_cast<std::size_t>(series.times)); break;
        case roleMember: start.push_back(0), count.push_back(static_cast<std::size_t>(series.memberCount)); break;
        case roleLatitude: start.push_back(static_cast<std::size_t>(latitudeIndex)), count.push_back(1); break;
        case roleLongitude: start.push_back(static_cast<std::size_t>(longitudeIndex)), count.push_back(1); break;
        default: start.push_back(0), count.push_back(1); break;
        }
    }
    std::vector<float> raw(static_cast<std::size_t>(series.times) * static_cast<std::size_t>(series.memberCount));
    {
        std::lock_guard library(netcdfLibraryMutex());
        check(nc_get_vara_float(ncid_, layout.varid, start.data(), count.data(), raw.data()),
              "read variable '" + name + "' at one point");
    }
    clean(raw, layout);
    // The file's dimension order may put members before times.
    const auto memberAt = std::find(layout.role.begin(), layout.role.end(), roleMember);
    const auto timeAt = std::find(layout.role.begin(), layout.role.end(), roleTime);
    if (memberAt != layout.role.end() && timeAt != layout.role.end() && memberAt < timeAt) {
        series.values.resize(raw.size());
        for (int t = 0; t < series.times; ++t) {
            for (int m = 0; m < series.memberCount; ++m) {
                series.values[static_cast<std::size_t>(t * series.memberCount + m)] =
                    raw[static_cast<std::size_t>(m * series.times + t)];
            }
        }
    } else {
        series.values = std::move(raw);
    }
    return series;
}

void ForecastFile::exportCopy(const std::string& path, bool statisticsOnly) const
{
    std::error_code error;
    if (std::filesystem::equivalent(path, path_, error)) {
        throw InputError("cannot export '" + path_ + "' onto itself: choose another file");
    }
    std::lock_guard library(netcdfLibraryMutex());
    int out = -1;
    const int created = nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &out);
    if (created != NC_NOERR) {
        const std::filesystem::path folder = std::filesystem::path(path).parent_path();
        if (!folder.empty() && !std::filesystem::is_directory(folder, error)) {
            throw InputError("cannot create '" + path + "': folder '" + folder.string() + "' does not exist");
        }
        throw InputError("cannot create '" + path + "': " + nc_strerror(created) + " — choose a writable file");
    }
    auto write = [&](int status, const std::string& what) {
        if (status != NC_NOERR) {
            throw InputError("cannot " + what + " in '" + path + "': " + nc_strerror(status) +
                             " — check that the disk is not full");
        }
    };
    try {
        int dimensionCount = 0;
        int variableCount = 0;
        int globalAttributes = 0;
        int unlimited = -1;
        check(nc_inq(ncid_, &dimensionCount, &variableCount, &globalAttributes, &unlimited), "read the structure");
        int memberDimension = -1;
        if (statisticsOnly && nc_inq_dimid(ncid_, "member", &memberDimension) != NC_NOERR) {
            memberDimension = -1;
        }
        std::vector<int> dimensionOut(static_cast<std::size_t>(dimensionCount), -1);
        for (int d = 0; d < dimensionCount; ++d) {
            if (d == memberDimension) {
                continue;
            }
            char name[NC_MAX_NAME + 1] = {};
            std::size_t length = 0;
            check(nc_inq_dim(ncid_, d, name, &length), "read a dimension");
            write(nc_def_dim(out, name, d == unlimited ? NC_UNLIMITED : length,
                             &dimensionOut[static_cast<std::size_t>(d)]),
                  std::string("define dimension '") + name + "'");
        }
        for (int a = 0; a < globalAttributes; ++a) {
            char name[NC_MAX_NAME + 1] = {};
            check(nc_inq_attname(ncid_, NC_GLOBAL, a, name), "read a global attribute");
            write(nc_copy_att(ncid_, NC_GLOBAL, name, out, NC_GLOBAL), std::string("copy attribute '") + name + "'");
        }
        std::string history = textAttribute(ncid_, NC_GLOBAL, "history");
        history += std::string(history.empty() ? "" : "\n") + "exported from " + path_ +
                   (statisticsOnly ? " without the members (statistics only)" : "");
        write(nc_put_att_text(out, NC_GLOBAL, "history", history.size(), history.data()), "write attribute 'history'");

        struct Copy {
            int in;
            int out;
            std::vector<int> dims;
            nc_type type;
        };
        std::vector<Copy> copies;
        for (int varid = 0; varid < variableCount; ++varid) {
            char name[NC_MAX_NAME + 1] = {};
            nc_type type = NC_NAT;
            int ndims = 0;
            int attributes = 0;
            std::array<int, NC_MAX_VAR_DIMS> dims{};
            check(nc_inq_var(ncid_, varid, name, &type, &ndims, dims.data(), &attributes), "read a variable");
            const bool usesMembers =
                std::find(dims.begin(), dims.begin() + ndims, memberDimension) != dims.begin() + ndims;
            if (statisticsOnly && (usesMembers || std::string(name) == "checksum")) {
                continue;
            }
            Copy copy{varid, -1, {}, type};
            for (int k = 0; k < ndims; ++k) {
                copy.dims.push_back(dimensionOut[static_cast<std::size_t>(dims[static_cast<std::size_t>(k)])]);
            }
            write(nc_def_var(out, name, type, ndims, copy.dims.data(), &copy.out),
                  std::string("define variable '") + name + "'");
            int storage = NC_CONTIGUOUS;
            std::vector<std::size_t> chunks(static_cast<std::size_t>(std::max(1, ndims)));
            if (ndims > 0 && nc_inq_var_chunking(ncid_, varid, &storage, chunks.data()) == NC_NOERR &&
                storage == NC_CHUNKED) {
                write(nc_def_var_chunking(out, copy.out, NC_CHUNKED, chunks.data()),
                      std::string("set chunking of '") + name + "'");
            }
            int shuffle = 0;
            int deflate = 0;
            int level = 0;
            if (nc_inq_var_deflate(ncid_, varid, &shuffle, &deflate, &level) == NC_NOERR && deflate != 0) {
                write(nc_def_var_deflate(out, copy.out, shuffle, 1, level),
                      std::string("set compression of '") + name + "'");
            }
            for (int a = 0; a < attributes; ++a) {
                char attribute[NC_MAX_NAME + 1] = {};
                check(nc_inq_attname(ncid_, varid, a, attribute), "read an attribute");
                write(nc_copy_att(ncid_, varid, attribute, out, copy.out),
                      std::string("copy attribute '") + attribute + "' of '" + name + "'");
            }
            copies.push_back(std::move(copy));
        }
        write(nc_enddef(out), "finish the definitions");

        // Data slab by slab along the first dimension, so a large variable never sits whole in memory.
        for (const Copy& copy : copies) {
            std::size_t typeSize = 0;
            check(nc_inq_type(ncid_, copy.type, nullptr, &typeSize), "read a variable's type");
            int ndims = 0;
            std::array<int, NC_MAX_VAR_DIMS> dims{};
            check(nc_inq_var(ncid_, copy.in, nullptr, nullptr, &ndims, dims.data(), nullptr), "read a variable");
            std::vector<std::size_t> count(static_cast<std::size_t>(std::max(1, ndims)), 1);
            std::vector<std::size_t> start(count.size(), 0);
            std::size_t slab = 1;
            std::size_t slabs = 1;
            for (int k = 0; k < ndims; ++k) {
                std::size_t length = 0;
                check(nc_inq_dimlen(ncid_, dims[static_cast<std::size_t>(k)], &length), "read a dimension");
                count[static_cast<std::size_t>(k)] = k == 0 ? 1 : length;
                (k == 0 ? slabs : slab) *= length;
            }
            std::vector<unsigned char> buffer(slab * typeSize);
            for (std::size_t first = 0; first < slabs; ++first) {
                start[0] = first;
                check(nc_get_vara(ncid_, copy.in, start.data(), count.data(), buffer.data()), "read a variable");
                const int status = nc_put_vara(out, copy.out, start.data(), count.data(), buffer.data());
                if (copy.type == NC_STRING) {
                    nc_free_string(slab, reinterpret_cast<char**>(buffer.data()));
                }
                write(status, "write a variable");
            }
        }
        write(nc_close(out), "close the file");
    } catch (...) {
        nc_abort(out);
        std::filesystem::remove(path, error);
        throw;
    }
}

}  // namespace spreadcast
