#pragma once

// One whole variable of a NetCDF file as doubles, for tests that check numbers in an output.

#include <netcdf.h>

#include <string>
#include <vector>

namespace spreadcast::testing {

// Every value of the variable in file order; empty when the file or the variable is not there.
inline std::vector<double> readVariable(const std::string& path, const std::string& name)
{
    int ncid = -1;
    if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) {
        return {};
    }
    std::vector<double> values;
    int varid = -1;
    if (nc_inq_varid(ncid, name.c_str(), &varid) == NC_NOERR) {
        int dims = 0;
        nc_inq_varndims(ncid, varid, &dims);
        std::vector<int> ids(static_cast<std::size_t>(dims));
        nc_inq_vardimid(ncid, varid, ids.data());
        std::size_t count = 1;
        for (int id : ids) {
            std::size_t length = 0;
            nc_inq_dimlen(ncid, id, &length);
            count *= length;
        }
        values.resize(count);
        nc_get_var_double(ncid, varid, values.data());
    }
    nc_close(ncid);
    return values;
}

}  // namespace spreadcast::testing
