#include "io/CfReader.h"

#include "io/NetcdfWriter.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <mutex>
#include <stdexcept>

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

bool contains(std::initializer_list<std::string_view> list, std::string_view value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string number(double value)
{
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", value);
    return text.data();
}

// A value as the variable's own type holds it, so that a double attribute such as
// missing_value = 1e20 matches the float 1e20 stored in a float variable.
double asStoredType(double value, nc_type type)
{
    return type == NC_FLOAT ? static_cast<double>(static_cast<float>(value)) : value;
}

// The default fill value of a type (NUG "Fill Values"); none for bytes, whose every value is data.
std::optional<double> defaultFill(nc_type type)
{
    switch (type) {
    case NC_FLOAT: return static_cast<double>(NC_FILL_FLOAT);
    case NC_DOUBLE: return NC_FILL_DOUBLE;
    case NC_SHORT: return NC_FILL_SHORT;
    case NC_USHORT: return NC_FILL_USHORT;
    case NC_INT: return NC_FILL_INT;
    case NC_UINT: return NC_FILL_UINT;
    case NC_INT64: return static_cast<double>(NC_FILL_INT64);
    case NC_UINT64: return static_cast<double>(NC_FILL_UINT64);
    default: return std::nullopt;
    }
}

int getSlab(int ncid, int varid, const std::size_t* start, const std::size_t* count, double* values)
{
    return nc_get_vara_double(ncid, varid, start, count, values);
}

int getSlab(int ncid, int varid, const std::size_t* start, const std::size_t* count, float* values)
{
    return nc_get_vara_float(ncid, varid, start, count, values);
}

}  // namespace

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

std::string_view axisName(CfAxis axis)
{
    switch (axis) {
    case CfAxis::Latitude: return "latitude";
    case CfAxis::Longitude: return "longitude";
    case CfAxis::Time: return "time";
    case CfAxis::Level: return "level";
    case CfAxis::Member: return "member";
    case CfAxis::Other: return "other";
    }
    return "other";
}

bool CfVariable::isNumeric() const
{
    return type != NC_CHAR && type != NC_STRING && type >= NC_BYTE && type <= NC_UINT64;
}

std::optional<std::size_t> CfVariable::position(CfAxis axis) const
{
    const auto found = std::find(axes.begin(), axes.end(), axis);
    return found == axes.end() ? std::nullopt : std::optional<std::size_t>(found - axes.begin());
}

CfHyperslab::CfHyperslab(const CfReader& reader, const CfVariable& variable)
    : reader_(reader), variable_(variable), start_(variable.dimensions.size(), 0)
{
    for (std::size_t p = 0; p < variable.dimensions.size(); ++p) {
        count_.push_back(reader.dimension(variable, p).length);
    }
}

CfHyperslab& CfHyperslab::select(CfAxis axis, std::size_t index)
{
    const std::optional<std::size_t> position = variable_.position(axis);
    if (!position) {
        throw InputError(reader_.where(variable_) + " has no " + std::string(axisName(axis)) + " dimension " +
                         reader_.shapeText(variable_) + " — give a file whose variable has one");
    }
    return select(*position, index, 1);
}

CfHyperslab& CfHyperslab::select(std::size_t position, std::size_t first, std::size_t count)
{
    if (position >= start_.size()) {
        throw std::out_of_range("CfHyperslab::select: variable '" + variable_.name + "' has no dimension " +
                                std::to_string(position));
    }
    const CfDimension& dimension = reader_.dimension(variable_, position);
    if (first + count > dimension.length || first + count < first) {
        throw InputError(std::string(axisName(variable_.axes[position])) + " dimension '" + dimension.name + "' of " +
                         reader_.where(variable_) + " has " + std::to_string(dimension.length) + " entries, so " +
                         std::to_string(first) + (count == 1 ? "" : " … " + std::to_string(first + count - 1)) +
                         " is out of range — choose from 0 to " +
                         std::to_string(static_cast<long long>(dimension.length) - 1));
    }
    start_[position] = first;
    count_[position] = count;
    return *this;
}

std::size_t CfHyperslab::valueCount() const
{
    std::size_t total = 1;
    for (std::size_t c : count_) {
        total *= c;
    }
    return total;
}

CfReader::CfReader(std::string path, CfFileKind kind) : path_(std::move(path)), kind_(std::move(kind))
{
    std::error_code error;
    const auto status = std::filesystem::status(path_, error);
    if (!std::filesystem::exists(status)) {
        throw InputError(kind_.name + " '" + path_ + "': no such file — check the path, or " + kind_.advice);
    }
    if (std::filesystem::is_directory(status)) {
        throw InputError(kind_.name + " '" + path_ +
                         "' is a folder, not a NetCDF file — give the path of a NetCDF file inside it");
    }
    std::lock_guard library(netcdfLibraryMutex());
    const int opened = nc_open(path_.c_str(), NC_NOWRITE, &ncid_);
    if (opened != NC_NOERR) {
        ncid_ = -1;
        // netCDF-C passes system errors through as errno values; a truncated header is EINVAL.
        if (opened == EACCES || opened == EPERM) {
            throw InputError("cannot read " + kind_.name + " '" + path_ + "': " + nc_strerror(opened) +
                             " — check that it is readable");
        }
        throw InputError(kind_.name + " '" + path_ +
                         "' is not a NetCDF file, or it is damaged (netCDF-C: " + nc_strerror(opened) + ") — " +
                         kind_.advice + "; convert GRIB with 'cdo -f nc copy in.grb out.nc'");
    }
    try {
        inspect();
    } catch (...) {
        nc_close(ncid_);  // the destructor does not run for a constructor that throws
        throw;
    }
}

CfReader::~CfReader()
{
    if (ncid_ >= 0) {
        std::lock_guard library(netcdfLibraryMutex());
        nc_close(ncid_);
    }
}

void CfReader::check(int status, const std::string& operation) const
{
    if (status != NC_NOERR) {
        throw InputError("cannot " + operation + " in " + kind_.name + " '" + path_ + "': " + nc_strerror(status) +
                         " — the file may be damaged or incomplete; check it with 'ncdump -h'");
    }
}

std::string CfReader::fileName() const
{
    return std::filesystem::path(path_).filename().string();
}

// Runs inside the constructor, which holds netcdfLibraryMutex: so raw netCDF calls only, never
// the public attribute helpers (they take the mutex themselves).
void CfReader::inspect()
{
    int ndims = 0;
    check(nc_inq_ndims(ncid_, &ndims), "list the dimensions");
    std::vector<int> dimensionIds(static_cast<std::size_t>(ndims));
    check(nc_inq_dimids(ncid_, &ndims, dimensionIds.data(), 0), "list the dimensions");
    std::vector<int> unlimited(static_cast<std::size_t>(std::max(ndims, 1)));
    int unlimitedCount = 0;
    check(nc_inq_unlimdims(ncid_, &unlimitedCount, unlimited.data()), "list the dimensions");
    const auto positionOfDimension = [&](int id) {
        return static_cast<int>(std::find(dimensionIds.begin(), dimensionIds.end(), id) - dimensionIds.begin());
    };
    for (int id : dimensionIds) {
        CfDimension dimension;
        std::array<char, NC_MAX_NAME + 1> name{};
        check(nc_inq_dim(ncid_, id, name.data(), &dimension.length), "inspect a dimension");
        dimension.name = name.data();
        dimension.unlimited =
            std::find(unlimited.begin(), unlimited.begin() + unlimitedCount, id) != unlimited.begin() + unlimitedCount;
        dimensions_.push_back(std::move(dimension));
    }

    int nvars = 0;
    check(nc_inq_nvars(ncid_, &nvars), "list the variables");
    std::vector<int> variableIds(static_cast<std::size_t>(nvars));
    check(nc_inq_varids(ncid_, &nvars, variableIds.data()), "list the variables");
    const auto rawText = [&](int varid, const char* attribute) {
        return attributeText(varid, attribute).value_or(std::string());
    };
    std::vector<std::string> axisAttributes;
    std::vector<bool> hasPositive;
    for (int id : variableIds) {
        CfVariable variable;
        variable.id = id;
        std::array<char, NC_MAX_NAME + 1> name{};
        int variableDims = 0;
        nc_type type = NC_NAT;
        check(nc_inq_var(ncid_, id, name.data(), &type, &variableDims, nullptr, nullptr), "inspect a variable");
        variable.name = name.data();
        variable.type = type;
        std::vector<int> ids(static_cast<std::size_t>(variableDims));
        check(nc_inq_vardimid(ncid_, id, ids.data()), "inspect variable '" + variable.name + "'");
        for (int dimensionId : ids) {
            variable.dimensions.push_back(positionOfDimension(dimensionId));
        }
        variable.standardName = rawText(id, "standard_name");
        variable.longName = rawText(id, "long_name");
        nc_type unitsType = NC_NAT;
        if (nc_inq_atttype(ncid_, id, "units", &unitsType) == NC_NOERR &&
            (unitsType == NC_CHAR || unitsType == NC_STRING)) {
            variable.units = rawText(id, "units");
        }
        axisAttributes.push_back(lowercase(rawText(id, "axis")));
        hasPositive.push_back(nc_inq_atttype(ncid_, id, "positive", &unitsType) == NC_NOERR);
        variables_.push_back(std::move(variable));
    }

    for (std::size_t d = 0; d < dimensions_.size(); ++d) {
        for (std::size_t v = 0; v < variables_.size(); ++v) {
            const CfVariable& variable = variables_[v];
            if (variable.name == dimensions_[d].name && variable.dimensions.size() == 1 &&
                variable.dimensions[0] == static_cast<int>(d)) {
                dimensions_[d].coordinate = static_cast<int>(v);
            }
        }
    }
    for (CfDimension& dimension : dimensions_) {
        std::string axis;
        bool positive = false;
        if (dimension.coordinate >= 0) {
            axis = axisAttributes[static_cast<std::size_t>(dimension.coordinate)];
            positive = hasPositive[static_cast<std::size_t>(dimension.coordinate)];
        }
        dimension.axis = axisOf(dimension);
        // The axis and positive attributes only matter where the names and units are silent.
        if (dimension.axis == CfAxis::Other && (axis == "z" || positive)) {
            dimension.axis = CfAxis::Level;
        }
        if (dimension.axis == CfAxis::Other && axis == "t") {
            dimension.axis = CfAxis::Time;
        }
        if (dimension.axis == CfAxis::Other && (axis == "y" || axis == "x")) {
            const CfVariable& coordinate = variables_[static_cast<std::size_t>(dimension.coordinate)];
            // Projected and rotated-pole grids have X and Y axes too; only plain ones are latitude–longitude.
            if (coordinate.standardName.empty()) {
                dimension.axis = axis == "y" ? CfAxis::Latitude : CfAxis::Longitude;
            }
        }
    }
    for (CfVariable& variable : variables_) {
        for (int d : variable.dimensions) {
            variable.axes.push_back(dimensions_[static_cast<std::size_t>(d)].axis);
        }
    }
    for (CfVariable& variable : variables_) {
        if (variable.isNumeric()) {
            variable.packing = packingOf(variable);
        }
    }
}

CfAxis CfReader::axisOf(const CfDimension& dimension) const
{
    const std::string name = lowercase(dimension.name);
    std::string standardName;
    std::string units;
    if (dimension.coordinate >= 0) {
        const CfVariable& coordinate = variables_[static_cast<std::size_t>(dimension.coordinate)];
        standardName = coordinate.standardName;
        units = normalizedUnits(coordinate.units.value_or(""));
    }
    if (standardName == "latitude" ||
        contains({"degrees_north", "degree_north", "degrees_n", "degree_n", "degreesn", "degreen"}, units) ||
        (standardName.empty() && contains({"lat", "latitude"}, name))) {
        return CfAxis::Latitude;
    }
    if (standardName == "longitude" ||
        contains({"degrees_east", "degree_east", "degrees_e", "degree_e", "degreese", "degreee"}, units) ||
        (standardName.empty() && contains({"lon", "long", "longitude"}, name))) {
        return CfAxis::Longitude;
    }
    if (standardName == "time" || units.find("since") != std::string::npos ||
        contains({"time", "t", "valid_time", "times"}, name) || dimension.unlimited) {
        return CfAxis::Time;
    }
    if (standardName == "realization" || contains({"member", "members", "realization", "ensemble", "number"}, name)) {
        return CfAxis::Member;
    }
    if (contains({"air_pressure", "height", "altitude", "model_level_number", "atmosphere_sigma_coordinate",
                  "atmosphere_hybrid_sigma_pressure_coordinate", "geopotential_height"},
                 standardName) ||
        contains({"level", "lev", "plev", "pressure", "pressure_level", "isobaricinhpa", "height", "depth", "z", "alt",
                  "altitude"},
                 name)) {
        return CfAxis::Level;
    }
    return CfAxis::Other;
}

CfPacking CfReader::packingOf(const CfVariable& variable) const
{
    const auto attribute = [&](const char* name, nc_type* typeOut) -> std::optional<std::vector<double>> {
        nc_type type = NC_NAT;
        std::size_t length = 0;
        if (nc_inq_att(ncid_, variable.id, name, &type, &length) != NC_NOERR || length == 0 || type == NC_CHAR ||
            type == NC_STRING) {
            return std::nullopt;
        }
        std::vector<double> values(length);
        check(nc_get_att_double(ncid_, variable.id, name, values.data()),
              "read attribute '" + std::string(name) + "' of '" + variable.name + "'");
        if (typeOut != nullptr) {
            *typeOut = type;
        }
        return values;
    };
    const nc_type type = variable.type;
    CfPacking packing;
    if (const auto scale = attribute("scale_factor", nullptr)) {
        packing.packed = true;
        packing.scale = (*scale)[0];
    }
    if (const auto offset = attribute("add_offset", nullptr)) {
        packing.packed = true;
        packing.offset = (*offset)[0];
    }
    if (const auto fill = attribute("_FillValue", nullptr)) {
        packing.missing.push_back(asStoredType((*fill)[0], type));
    } else if (const std::optional<double> fallback = defaultFill(type)) {
        packing.missing.push_back(*fallback);
    }
    if (const auto values = attribute("missing_value", nullptr)) {
        for (double value : *values) {
            packing.missing.push_back(asStoredType(value, type));
        }
    }
    const auto bound = [&](const char* name, std::size_t which, bool isMax) {
        nc_type boundType = NC_NAT;
        if (const auto values = attribute(name, &boundType); values && values->size() > which) {
            const bool unpackedUnits = packing.packed && boundType != type;
            double& target = isMax ? (unpackedUnits ? packing.unpackedMax : packing.storedMax)
                                   : (unpackedUnits ? packing.unpackedMin : packing.storedMin);
            target = unpackedUnits ? (*values)[which] : asStoredType((*values)[which], type);
        }
    };
    bound("valid_range", 0, false);
    bound("valid_range", 1, true);
    bound("valid_min", 0, false);
    bound("valid_max", 0, true);
    return packing;
}

const CfVariable* CfReader::variable(std::string_view name) const
{
    for (const CfVariable& variable : variables_) {
        if (variable.name == name) {
            return &variable;
        }
    }
    return nullptr;
}

const CfDimension& CfReader::dimension(const CfVariable& variable, std::size_t position) const
{
    return dimensions_.at(static_cast<std::size_t>(variable.dimensions.at(position)));
}

const CfVariable* CfReader::coordinate(const CfDimension& dimension) const
{
    return dimension.coordinate < 0 ? nullptr : &variables_[static_cast<std::size_t>(dimension.coordinate)];
}

std::string CfReader::shapeText(const CfVariable& variable) const
{
    std::string text;
    for (std::size_t p = 0; p < variable.dimensions.size(); ++p) {
        const CfDimension& d = dimension(variable, p);
        text += (text.empty() ? "" : ", ") + d.name + "=" + std::to_string(d.length);
    }
    return "(" + text + ")";
}

std::string CfReader::where(const CfVariable& variable) const
{
    return "variable '" + variable.name + "' in " + kind_.name + " '" + path_ + "'";
}

std::optional<std::string> CfReader::text(const CfVariable* variable, const char* attribute) const
{
    std::lock_guard library(netcdfLibraryMutex());
    return attributeText(variable == nullptr ? NC_GLOBAL : variable->id, attribute);
}

std::optional<std::string> CfReader::attributeText(int varid, const char* attribute) const
{
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ncid_, varid, attribute, &type, &length) != NC_NOERR) {
        return std::nullopt;
    }
    if (type == NC_CHAR) {
        std::string value(length, '\0');
        check(nc_get_att_text(ncid_, varid, attribute, value.data()),
              std::string("read attribute '") + attribute + "'");
        return trimmed(value);
    }
    if (type == NC_STRING && length >= 1) {
        std::vector<char*> values(length, nullptr);
        check(nc_get_att_string(ncid_, varid, attribute, values.data()),
              std::string("read attribute '") + attribute + "'");
        std::string value = values[0] != nullptr ? values[0] : "";
        nc_free_string(length, values.data());
        return trimmed(value);
    }
    return std::nullopt;
}

std::optional<std::vector<double>> CfReader::numbers(const CfVariable* variable, const char* attribute) const
{
    const int varid = variable == nullptr ? NC_GLOBAL : variable->id;
    std::lock_guard library(netcdfLibraryMutex());
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ncid_, varid, attribute, &type, &length) != NC_NOERR || length == 0 || type == NC_CHAR ||
        type == NC_STRING) {
        return std::nullopt;
    }
    std::vector<double> values(length);
    check(nc_get_att_double(ncid_, varid, attribute, values.data()), std::string("read attribute '") + attribute + "'");
    return values;
}

template <typename T>
std::vector<T> CfReader::read(const CfVariable& variable, const CfHyperslab& slab) const
{
    if (!variable.isNumeric()) {
        throw InputError(where(variable) + " holds text, not numbers — choose a numeric variable");
    }
    std::vector<T> values(slab.valueCount());
    if (!values.empty()) {
        std::lock_guard library(netcdfLibraryMutex());
        check(getSlab(ncid_, variable.id, slab.start().data(), slab.count().data(), values.data()),
              "read variable '" + variable.name + "'");
    }
    // Missing values are recognised on the stored numbers, as CF defines them; valid_* bounds of
    // the unpacked type describe unpacked values (NUG "Attribute Conventions").
    const CfPacking& packing = variable.packing;
    std::vector<T> missing;
    for (double value : packing.missing) {
        missing.push_back(static_cast<T>(value));
    }
    const bool bounded = packing.storedMin > -HUGE_VAL || packing.storedMax < HUGE_VAL ||
                         packing.unpackedMin > -HUGE_VAL || packing.unpackedMax < HUGE_VAL;
    for (T& value : values) {
        const double stored = static_cast<double>(value);
        const double unpacked = packing.packed ? stored * packing.scale + packing.offset : stored;
        bool valid = std::isfinite(unpacked) && std::find(missing.begin(), missing.end(), value) == missing.end();
        if (valid && bounded) {
            valid = stored >= packing.storedMin && stored <= packing.storedMax && unpacked >= packing.unpackedMin &&
                    unpacked <= packing.unpackedMax;
        }
        value = valid ? static_cast<T>(unpacked) : static_cast<T>(NAN);
    }
    return values;
}

template std::vector<float> CfReader::read<float>(const CfVariable&, const CfHyperslab&) const;
template std::vector<double> CfReader::read<double>(const CfVariable&, const CfHyperslab&) const;

std::vector<double> CfReader::values(const CfVariable& variable) const
{
    return read<double>(variable, CfHyperslab(*this, variable));
}

CfTimeUnits CfReader::timeUnits(const CfVariable& variable) const
{
    const std::string units = variable.units.value_or("");
    try {
        return CfTimeUnits::parse(units, text(&variable, "calendar").value_or(""));
    } catch (const std::invalid_argument& problem) {
        throw InputError("time " + where(variable) + ": " + problem.what() + " (CF 1.8 §4.4)");
    }
}

CfHorizontalGrid CfReader::horizontalGrid(const CfVariable& variable) const
{
    const auto coordinates = [&](CfAxis axis, std::string_view what) {
        const std::optional<std::size_t> position = variable.position(axis);
        if (!position) {
            throw InputError(where(variable) + " has no " + std::string(axisName(axis)) + " dimension " +
                             shapeText(variable) + " — expected latitude × longitude on a regular lat–lon grid");
        }
        const CfDimension& d = dimension(variable, *position);
        const CfVariable* values = coordinate(d);
        if (values == nullptr) {
            throw InputError("dimension '" + d.name + "' of " + where(variable) +
                             " has no coordinate variable with the " + std::string(what) +
                             " — add one (CF requires it)");
        }
        std::vector<double> result = this->values(*values);
        if (result.size() < 2 ||
            !std::all_of(result.begin(), result.end(), [](double x) { return std::isfinite(x); })) {
            throw InputError("coordinate '" + d.name + "' in " + kind_.name + " '" + path_ +
                             "' needs at least two finite " + std::string(what) + " — give a lat–lon grid");
        }
        return std::pair(d.name, result);
    };
    const auto [latitudeName, lat] = coordinates(CfAxis::Latitude, "latitudes");
    const auto [longitudeName, lon] = coordinates(CfAxis::Longitude, "longitudes");

    CfHorizontalGrid grid;
    grid.latitudesDescending = lat[1] < lat[0];
    for (std::size_t k = 1; k < lat.size(); ++k) {
        if (grid.latitudesDescending ? lat[k] >= lat[k - 1] : lat[k] <= lat[k - 1]) {
            throw InputError("latitudes '" + latitudeName + "' in " + kind_.name + " '" + path_ +
                             "' are not monotonic (at index " + std::to_string(k) + ") — give a regular lat–lon grid");
        }
    }
    if (std::abs(lat.front()) > 90.0 + 1e-6 || std::abs(lat.back()) > 90.0 + 1e-6) {
        throw InputError("latitudes '" + latitudeName + "' in " + kind_.name + " '" + path_ + "' run to " +
                         number(std::abs(lat.front()) > 90.0 ? lat.front() : lat.back()) +
                         "°, beyond ±90° — check that the variable holds latitudes in degrees");
    }
    for (std::size_t k = 0; k < lat.size(); ++k) {
        const std::size_t original = grid.latitudesDescending ? lat.size() - 1 - k : k;
        grid.latitudes.push_back(lat[original]);
        grid.latitudeIndex.push_back(original);
    }

    std::vector<std::pair<double, std::size_t>> wrapped;
    for (std::size_t k = 0; k < lon.size(); ++k) {
        wrapped.emplace_back(lon[k] - 360.0 * std::floor(lon[k] / 360.0), k);
    }
    std::stable_sort(wrapped.begin(), wrapped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [longitude, index] : wrapped) {
        // 0° and 360° (or −180° and 180°) are one meridian; keep its first column.
        if (grid.longitudes.empty() || longitude - grid.longitudes.back() > 1e-6) {
            grid.longitudes.push_back(longitude);
            grid.longitudeIndex.push_back(index);
        }
    }
    if (grid.longitudes.size() > 1 && grid.longitudes.front() + 360.0 - grid.longitudes.back() < 1e-6) {
        grid.longitudes.pop_back();
        grid.longitudeIndex.pop_back();
    }
    return grid;
}

}  // namespace spreadcast
