#include "graphcast/NetcdfInput.h"

#include "run/InputError.h"

#include <netcdf.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <limits>

namespace spreadcast::graphcast {

std::vector<std::string> NetcdfVariable::dimensionNames() const
{
    std::vector<std::string> names;
    for (const NetcdfDimension& dimension : dimensions) {
        names.push_back(dimension.name);
    }
    return names;
}

std::size_t NetcdfVariable::size() const
{
    std::size_t count = 1;
    for (const NetcdfDimension& dimension : dimensions) {
        count *= dimension.length;
    }
    return count;
}

bool NetcdfVariable::holdsIntegers() const
{
    return type == NC_BYTE || type == NC_UBYTE || type == NC_SHORT || type == NC_USHORT || type == NC_INT ||
           type == NC_UINT || type == NC_INT64 || type == NC_UINT64;
}

NetcdfInput::NetcdfInput(std::string path, std::string role) : path_(std::move(path)), role_(std::move(role))
{
    std::error_code error;
    const auto status = std::filesystem::status(path_, error);
    if (!std::filesystem::exists(status)) {
        throw InputError(describe() + " does not exist; check the path");
    }
    if (std::filesystem::is_directory(status)) {
        throw InputError(describe() + " is a directory; give the NetCDF file inside it");
    }
    const int opened = nc_open(path_.c_str(), NC_NOWRITE, &ncid_);
    if (opened != NC_NOERR) {
        ncid_ = -1;
        throw InputError(describe() + " cannot be read as NetCDF (netCDF-C: " + nc_strerror(opened) +
                         "); check that it is a readable, complete NetCDF file ('ncdump -h' shows its header)");
    }
    try {
        listVariables();
    } catch (...) {
        nc_close(ncid_);  // the destructor does not run for a constructor that throws
        throw;
    }
}

NetcdfInput::~NetcdfInput()
{
    if (ncid_ >= 0) {
        nc_close(ncid_);
    }
}

std::string NetcdfInput::describe() const
{
    return role_ + " '" + path_ + "'";
}

void NetcdfInput::check(int status, const std::string& operation) const
{
    if (status != NC_NOERR) {
        throw InputError("cannot " + operation + " in " + describe() + " (netCDF-C: " + nc_strerror(status) +
                         "); the file may be damaged — check it with 'ncdump -h'");
    }
}

void NetcdfInput::listVariables()
{
    int count = 0;
    check(nc_inq_nvars(ncid_, &count), "list the variables");
    std::vector<int> ids(static_cast<std::size_t>(count));
    check(nc_inq_varids(ncid_, &count, ids.data()), "list the variables");
    for (int id : ids) {
        NetcdfVariable variable;
        variable.id = id;
        std::array<char, NC_MAX_NAME + 1> name{};
        int dimensionCount = 0;
        check(nc_inq_var(ncid_, id, name.data(), &variable.type, &dimensionCount, nullptr, nullptr),
              "read a variable's header");
        variable.name = name.data();
        std::array<int, NC_MAX_VAR_DIMS> dimensionIds{};
        check(nc_inq_vardimid(ncid_, id, dimensionIds.data()), "read the dimensions of '" + variable.name + "'");
        for (int axis = 0; axis < dimensionCount; ++axis) {
            NetcdfDimension dimension;
            std::array<char, NC_MAX_NAME + 1> dimensionName{};
            check(nc_inq_dim(ncid_, dimensionIds[static_cast<std::size_t>(axis)], dimensionName.data(),
                             &dimension.length),
                  "read the dimensions of '" + variable.name + "'");
            dimension.name = dimensionName.data();
            variable.dimensions.push_back(dimension);
        }
        variables_.push_back(std::move(variable));
    }
}

const NetcdfVariable* NetcdfInput::findVariable(const std::string& name) const
{
    for (const NetcdfVariable& variable : variables_) {
        if (variable.name == name) {
            return &variable;
        }
    }
    return nullptr;
}

std::optional<NetcdfDimension> NetcdfInput::findDimension(const std::string& name) const
{
    int id = -1;
    if (nc_inq_dimid(ncid_, name.c_str(), &id) != NC_NOERR) {
        return std::nullopt;
    }
    NetcdfDimension dimension{name, 0};
    check(nc_inq_dimlen(ncid_, id, &dimension.length), "read the length of dimension '" + name + "'");
    return dimension;
}

bool NetcdfInput::isCoordinate(const NetcdfVariable& variable) const
{
    return variable.dimensions.size() == 1 && variable.dimensions.front().name == variable.name;
}

std::optional<std::string> NetcdfInput::textAttribute(const NetcdfVariable& variable, const std::string& name) const
{
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ncid_, variable.id, name.c_str(), &type, &length) != NC_NOERR || type != NC_CHAR) {
        return std::nullopt;
    }
    std::string text(length, '\0');
    check(nc_get_att_text(ncid_, variable.id, name.c_str(), text.data()),
          "read attribute '" + name + "' of '" + variable.name + "'");
    text.erase(text.find_last_not_of('\0') + 1);
    return text;
}

std::optional<double> NetcdfInput::numberAttribute(const NetcdfVariable& variable, const char* name) const
{
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ncid_, variable.id, name, &type, &length) != NC_NOERR || type == NC_CHAR || type == NC_STRING ||
        length != 1) {
        return std::nullopt;
    }
    double value = 0.0;
    check(nc_get_att_double(ncid_, variable.id, name, &value),
          "read attribute '" + std::string(name) + "' of '" + variable.name + "'");
    return value;
}

std::vector<double> NetcdfInput::readValues(const NetcdfVariable& variable, const std::vector<std::size_t>& start,
                                            const std::vector<std::size_t>& count) const
{
    if (variable.type == NC_CHAR || variable.type == NC_STRING) {
        throw InputError("variable '" + variable.name + "' in " + describe() + " holds text; numbers were expected");
    }
    std::size_t size = variable.size();
    if (!count.empty()) {
        size = 1;
        for (std::size_t extent : count) {
            size *= extent;
        }
    }
    std::vector<double> values(size);
    if (size != 0) {
        check(count.empty() ? nc_get_var_double(ncid_, variable.id, values.data())
                            : nc_get_vara_double(ncid_, variable.id, start.data(), count.data(), values.data()),
              "read variable '" + variable.name + "'");
    }
    // CF §8.1: fill and missing values are compared with the packed values, then unpacked.
    const std::optional<double> fillValue = numberAttribute(variable, "_FillValue");
    const std::optional<double> missingValue = numberAttribute(variable, "missing_value");
    const double scale = numberAttribute(variable, "scale_factor").value_or(1.0);
    const double offset = numberAttribute(variable, "add_offset").value_or(0.0);
    for (double& value : values) {
        if ((fillValue && value == *fillValue) || (missingValue && value == *missingValue)) {
            value = std::numeric_limits<double>::quiet_NaN();
        } else {
            value = value * scale + offset;
        }
    }
    return values;
}

std::vector<long long> NetcdfInput::readIntegers(const NetcdfVariable& variable) const
{
    std::vector<long long> values(variable.size());
    if (!values.empty()) {
        check(nc_get_var_longlong(ncid_, variable.id, values.data()), "read variable '" + variable.name + "'");
    }
    return values;
}

}  // namespace spreadcast::graphcast
