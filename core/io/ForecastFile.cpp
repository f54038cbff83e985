#include "io/ForecastFile.h"

#include "io/CfReader.h"
#include "io/NetcdfWriter.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <mutex>

namespace spreadcast {
namespace {

constexpr int roleTime = 0;
constexpr int roleMember = 1;
constexpr int roleLatitude = 2;
constexpr int roleLongitude = 3;
constexpr int roleSingleton = 4;
constexpr int roleLevel = 5;

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

ForecastFile::ForecastFile(std::string path) : path_(std::move(path))
{
    reader_ = std::make_unique<CfReader>(
        path_, CfFileKind{"forecast", "give a forecast file in NetCDF (a Spreadcast output, or CF fields on a "
                                      "latitude–longitude grid)"});
    const CfReader& file = *reader_;
    title_ = file.text(nullptr, "title").value_or("");
    runStatus_ = file.text(nullptr, "run_status").value_or("");
    spreadcast_ = !file.text(nullptr, "spreadcast_version").value_or("").empty();

    const std::vector<CfDimension>& dimensions = file.dimensions();
    auto dimensionWith = [&](CfAxis axis) {
        const auto found = std::find_if(dimensions.begin(), dimensions.end(),
                                        [&](const CfDimension& dimension) { return dimension.axis == axis; });
        return found == dimensions.end() ? -1 : static_cast<int>(found - dimensions.begin());
    };
    auto coordinateOf = [&](int dimension, const char* what) -> const CfVariable& {
        const CfVariable* coordinate = file.coordinate(dimensions[static_cast<std::size_t>(dimension)]);
        if (coordinate == nullptr) {
            throw InputError("'" + path_ + "' has a " + what + " dimension but no " + what +
                             " coordinate variable: it needs a 1-D variable of the same name");
        }
        return *coordinate;
    };
    const int latitudeDimension = dimensionWith(CfAxis::Latitude);
    const int longitudeDimension = dimensionWith(CfAxis::Longitude);
    if (latitudeDimension < 0 || longitudeDimension < 0) {
        throw InputError("'" + path_ + "' has no " + (latitudeDimension < 0 ? "latitude" : "longitude") +
                         " dimension (a coordinate 'lat' in degrees_north and 'lon' in degrees_east): it is not "
                         "a forecast on a latitude–longitude grid");
    }
    latitudes_ = file.values(coordinateOf(latitudeDimension, "latitude"));
    longitudes_ = file.values(coordinateOf(longitudeDimension, "longitude"));
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

    const int timeDimension = dimensionWith(CfAxis::Time);
    if (timeDimension >= 0) {
        const CfVariable& coordinate = coordinateOf(timeDimension, "time");
        const std::vector<double> times = file.values(coordinate);  // NaN for times not written yet
        const CfTimeUnits units = file.timeUnits(coordinate);
        if (units.hasReference()) {
            calendar_ = calendarName(units.calendar());
        }
        // Lead times count from the first time, whatever value the axis starts at.
        const auto first = std::find_if(times.begin(), times.end(), [](double t) { return std::isfinite(t); });
        const double origin = first == times.end() ? NAN : *first;
        for (const double time : times) {
            leadHours_.push_back(units.hours(time - origin));
            validTimes_.push_back(units.text(time).value_or(""));
        }
        if (first != times.end()) {
            initialTime_ = validTimes_[static_cast<std::size_t>(first - times.begin())];
        }
    }
    if (leadHours_.empty()) {
        leadHours_.push_back(0.0);
        validTimes_.emplace_back();
    }

    const int memberDimension = dimensionWith(CfAxis::Member);
    if (memberDimension >= 0) {
        const CfDimension& dimension = dimensions[static_cast<std::size_t>(memberDimension)];
        std::vector<double> numbers(dimension.length, NAN);
        if (const CfVariable* coordinate = file.coordinate(dimension)) {
            numbers = file.values(*coordinate);
        }
        for (std::size_t m = 0; m < numbers.size(); ++m) {
            members_.push_back(std::isfinite(numbers[m]) ? static_cast<int>(std::lround(numbers[m]))
                                                         : static_cast<int>(m));
        }
    }

    const int levelDimension = dimensionWith(CfAxis::Level);
    if (levelDimension >= 0) {
        const CfVariable& coordinate = coordinateOf(levelDimension, "level");
        levels_ = file.values(coordinate);
        levelUnits_ = coordinate.units.value_or("");
    }

    for (const CfVariable& cf : file.variables()) {
        const std::size_t ndims = cf.dimensions.size();
        if (ndims < 2 || !cf.isNumeric() || cf.dimensions[ndims - 2] != latitudeDimension ||
            cf.dimensions[ndims - 1] != longitudeDimension) {
            continue;
        }
        Layout layout;
        layout.variable = &cf;
        ForecastVariable variable;
        variable.name = cf.name;
        bool usable = true;
        for (std::size_t k = 0; k < ndims; ++k) {
            int role = -1;
            switch (cf.axes[k]) {
            case CfAxis::Time: role = roleTime; break;
            case CfAxis::Member: role = roleMember; break;
            case CfAxis::Latitude: role = roleLatitude; break;
            case CfAxis::Longitude: role = roleLongitude; break;
            case CfAxis::Level: role = cf.dimensions[k] == levelDimension ? roleLevel : -1; break;
            default: break;
            }
            if (k < ndims - 2 && (role == roleLatitude || role == roleLongitude || role < 0)) {
                role = file.dimension(cf, k).length == 1 ? roleSingleton : -1;
            }
            usable = usable && role >= 0;
            layout.role.push_back(role);
            variable.hasTime = variable.hasTime || role == roleTime;
            variable.hasMember = variable.hasMember || role == roleMember;
            variable.hasLevel = variable.hasLevel || role == roleLevel;
        }
        if (!usable) {
            continue;  // e.g. a second vertical axis: not a field this reader shows
        }
        variable.longName = cf.longName;
        variable.units = cf.units.value_or("");
        variable.standardName = cf.standardName;
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
}

ForecastFile::~ForecastFile() = default;

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

void ForecastFile::checkLevelIndex(const ForecastVariable& variable, int levelIndex) const
{
    if (variable.hasLevel && (levelIndex < 0 || levelIndex >= static_cast<int>(levels_.size()))) {
        throw InputError("level index " + std::to_string(levelIndex) + " is outside 0 … " +
                         std::to_string(levels_.size() - 1) + " in '" + path_ + "'");
    }
}

std::vector<float> ForecastFile::read(const std::string& name, int timeIndex, int memberIndex, int levelIndex) const
{
    const Layout& layout = layoutOf(name);
    const ForecastVariable& variable = *this->variable(name);
    checkLevelIndex(variable, levelIndex);
    if (variable.hasTime && (timeIndex < 0 || timeIndex >= static_cast<int>(leadHours_.size()))) {
        throw InputError("time index " + std::to_string(timeIndex) + " is outside 0 … " +
                         std::to_string(leadHours_.size() - 1) + " in '" + path_ + "'");
    }
    if (variable.hasMember && (memberIndex < 0 || memberIndex >= static_cast<int>(members_.size()))) {
        throw InputError("member index " + std::to_string(memberIndex) + " is outside the " +
                         std::to_string(members_.size()) + " members stored in '" + path_ + "'");
    }
    CfHyperslab slab(*reader_, *layout.variable);
    for (std::size_t k = 0; k < layout.role.size(); ++k) {
        if (layout.role[k] == roleTime) {
            slab.select(k, static_cast<std::size_t>(timeIndex));
        } else if (layout.role[k] == roleMember) {
            slab.select(k, static_cast<std::size_t>(memberIndex));
        } else if (layout.role[k] == roleLevel) {
            slab.select(k, static_cast<std::size_t>(levelIndex));
        }
    }
    return reader_->read<float>(*layout.variable, slab);
}

ForecastFile::PointSeries ForecastFile::readPoint(const std::string& name, int latitudeIndex, int longitudeIndex,
                                                  int levelIndex) const
{
    const Layout& layout = layoutOf(name);
    if (latitudeIndex < 0 || latitudeIndex >= static_cast<int>(latitudes_.size()) || longitudeIndex < 0 ||
        longitudeIndex >= static_cast<int>(longitudes_.size())) {
        throw InputError("grid point (" + std::to_string(latitudeIndex) + ", " + std::to_string(longitudeIndex) +
                         ") is off the grid of '" + path_ + "'");
    }
    const ForecastVariable& variable = *this->variable(name);
    checkLevelIndex(variable, levelIndex);
    PointSeries series;
    series.times = variable.hasTime ? static_cast<int>(leadHours_.size()) : 1;
    series.memberCount = variable.hasMember ? static_cast<int>(members_.size()) : 1;
    CfHyperslab slab(*reader_, *layout.variable);
    for (std::size_t k = 0; k < layout.role.size(); ++k) {
        if (layout.role[k] == roleLatitude) {
            slab.select(k, static_cast<std::size_t>(latitudeIndex));
        } else if (layout.role[k] == roleLongitude) {
            slab.select(k, static_cast<std::size_t>(longitudeIndex));
        } else if (layout.role[k] == roleLevel) {
            slab.select(k, static_cast<std::size_t>(levelIndex));
        }
    }
    std::vector<float> raw = reader_->read<float>(*layout.variable, slab);
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
    const int source = reader_->ncid();
    std::string history = reader_->text(nullptr, "history").value_or("");
    std::lock_guard library(netcdfLibraryMutex());  // held to the end: raw netCDF calls only from here
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
        reader_->check(nc_inq(source, &dimensionCount, &variableCount, &globalAttributes, &unlimited),
                       "read the structure");
        int memberDimension = -1;
        if (statisticsOnly && nc_inq_dimid(source, "member", &memberDimension) != NC_NOERR) {
            memberDimension = -1;
        }
        std::vector<int> dimensionOut(static_cast<std::size_t>(dimensionCount), -1);
        for (int d = 0; d < dimensionCount; ++d) {
            if (d == memberDimension) {
                continue;
            }
            char name[NC_MAX_NAME + 1] = {};
            std::size_t length = 0;
            reader_->check(nc_inq_dim(source, d, name, &length), "read a dimension");
            write(nc_def_dim(out, name, d == unlimited ? NC_UNLIMITED : length,
                             &dimensionOut[static_cast<std::size_t>(d)]),
                  std::string("define dimension '") + name + "'");
        }
        for (int a = 0; a < globalAttributes; ++a) {
            char name[NC_MAX_NAME + 1] = {};
            reader_->check(nc_inq_attname(source, NC_GLOBAL, a, name), "read a global attribute");
            write(nc_copy_att(source, NC_GLOBAL, name, out, NC_GLOBAL), std::string("copy attribute '") + name + "'");
        }
        // NCO's convention: each line of the history starts with when it happened (UTC).
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
        history += std::string(history.empty() ? "" : "\n") + stamp + ": exported from " + path_ +
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
            reader_->check(nc_inq_var(source, varid, name, &type, &ndims, dims.data(), &attributes), "read a variable");
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
            if (ndims > 0 && nc_inq_var_chunking(source, varid, &storage, chunks.data()) == NC_NOERR &&
                storage == NC_CHUNKED) {
                write(nc_def_var_chunking(out, copy.out, NC_CHUNKED, chunks.data()),
                      std::string("set chunking of '") + name + "'");
            }
            int shuffle = 0;
            int deflate = 0;
            int level = 0;
            // Compressed whatever the source did: level 4 with the shuffle filter costs little
            // time and often halves a forecast's size.
            if (nc_inq_var_deflate(source, varid, &shuffle, &deflate, &level) != NC_NOERR || deflate == 0) {
                shuffle = 1;
                level = 4;
            }
            if (ndims > 0 && type != NC_STRING) {
                write(nc_def_var_deflate(out, copy.out, shuffle, 1, level),
                      std::string("set compression of '") + name + "'");
            }
            for (int a = 0; a < attributes; ++a) {
                char attribute[NC_MAX_NAME + 1] = {};
                reader_->check(nc_inq_attname(source, varid, a, attribute), "read an attribute");
                write(nc_copy_att(source, varid, attribute, out, copy.out),
                      std::string("copy attribute '") + attribute + "' of '" + name + "'");
            }
            copies.push_back(std::move(copy));
        }
        write(nc_enddef(out), "finish the definitions");

        // Data slab by slab along the first dimension, so a large variable never sits whole in memory.
        for (const Copy& copy : copies) {
            std::size_t typeSize = 0;
            reader_->check(nc_inq_type(source, copy.type, nullptr, &typeSize), "read a variable's type");
            int ndims = 0;
            std::array<int, NC_MAX_VAR_DIMS> dims{};
            reader_->check(nc_inq_var(source, copy.in, nullptr, nullptr, &ndims, dims.data(), nullptr),
                           "read a variable");
            std::vector<std::size_t> count(static_cast<std::size_t>(std::max(1, ndims)), 1);
            std::vector<std::size_t> start(count.size(), 0);
            std::size_t slab = 1;
            std::size_t slabs = 1;
            for (int k = 0; k < ndims; ++k) {
                std::size_t length = 0;
                reader_->check(nc_inq_dimlen(source, dims[static_cast<std::size_t>(k)], &length), "read a dimension");
                count[static_cast<std::size_t>(k)] = k == 0 ? 1 : length;
                (k == 0 ? slabs : slab) *= length;
            }
            std::vector<unsigned char> buffer(slab * typeSize);
            for (std::size_t first = 0; first < slabs; ++first) {
                start[0] = first;
                reader_->check(nc_get_vara(source, copy.in, start.data(), count.data(), buffer.data()),
                               "read a variable");
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
