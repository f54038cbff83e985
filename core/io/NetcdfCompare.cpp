#include "io/NetcdfCompare.h"

#include <netcdf.h>

#include <stdexcept>

namespace spreadcast {

VariableBytes variableBytes(const std::string& path)
{
    int ncid = -1;
    if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) {
        throw std::runtime_error("cannot open " + path);
    }
    std::map<std::string, std::vector<unsigned char>> variables;
    int count = 0;
    nc_inq_nvars(ncid, &count);
    for (int varid = 0; varid < count; ++varid) {
        char name[NC_MAX_NAME + 1] = {};
        nc_type type = NC_NAT;
        int dimensionCount = 0;
        int dimensions[NC_MAX_VAR_DIMS] = {};
        nc_inq_var(ncid, varid, name, &type, &dimensionCount, dimensions, nullptr);
        std::size_t values = 1;
        for (int k = 0; k < dimensionCount; ++k) {
            std::size_t length = 0;
            nc_inq_dimlen(ncid, dimensions[k], &length);
            values *= length;
        }
        std::size_t size = 0;
        nc_inq_type(ncid, type, nullptr, &size);
        std::vector<unsigned char> bytes(values * size);
        if (values > 0 && nc_get_var(ncid, varid, bytes.data()) != NC_NOERR) {
            nc_close(ncid);
            throw std::runtime_error("cannot read " + std::string(name) + " of " + path);
        }
        variables[name] = std::move(bytes);
    }
    nc_close(ncid);
    return variables;
}

// The names of the variables whose bytes differ, or that only one of the files has.
std::string differingVariables(const VariableBytes& a, const VariableBytes& b)
{
    std::string names;
    for (const auto& [name, bytes] : a) {
        auto other = b.find(name);
        if (other == b.end() || other->second != bytes) {
            names += (names.empty() ? "" : ", ") + name;
        }
    }
    for (const auto& [name, bytes] : b) {
        if (!a.count(name)) {
            names += (names.empty() ? "" : ", ") + name;
        }
    }
    return names;
}

}  // namespace spreadcast
