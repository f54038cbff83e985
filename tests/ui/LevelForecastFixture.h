#pragma once

// A learned model's forecast file in NetcdfWriter's layout, small enough to write in a test.

#include <netcdf.h>

#include <cstring>
#include <string>
#include <vector>

namespace spreadcast::fixture {

inline void putText(int ncid, int varid, const char* name, const char* value)
{
    nc_put_att_text(ncid, varid, name, std::strlen(value), value);
}

// A learned model's forecast as NetcdfWriter lays it out: (time, member, level, lat, lon) fields
// on two pressure levels and (time, member, lat, lon) surface fields, 3 members, 2 times, a 2 × 3
// grid. Member m's value at a point is base + step · m, so means and spreads are known exactly.
inline bool writeLevelFile(const std::string& path)
{
    int ncid = 0;
    if (nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &ncid) != NC_NOERR) {
        return false;
    }
    int time = 0;
    int member = 0;
    int level = 0;
    int lat = 0;
    int lon = 0;
    nc_def_dim(ncid, "time", 2, &time);
    nc_def_dim(ncid, "member", 3, &member);
    nc_def_dim(ncid, "level", 2, &level);
    nc_def_dim(ncid, "lat", 2, &lat);
    nc_def_dim(ncid, "lon", 3, &lon);
    int var = 0;
    nc_def_var(ncid, "time", NC_DOUBLE, 1, &time, &var);
    putText(ncid, var, "units", "hours since 2022-01-01 00:00:00");
    const double times[2] = {0.0, 6.0};
    nc_put_var_double(ncid, var, times);
    nc_def_var(ncid, "member", NC_INT, 1, &member, &var);
    putText(ncid, var, "standard_name", "realization");
    const int memberNumbers[3] = {0, 1, 2};
    nc_put_var_int(ncid, var, memberNumbers);
    nc_def_var(ncid, "level", NC_INT, 1, &level, &var);
    putText(ncid, var, "units", "hPa");
    putText(ncid, var, "positive", "down");
    const int levels[2] = {500, 850};
    nc_put_var_int(ncid, var, levels);
    nc_def_var(ncid, "lat", NC_DOUBLE, 1, &lat, &var);
    putText(ncid, var, "units", "degrees_north");
    const double latitudes[2] = {-45.0, 45.0};
    nc_put_var_double(ncid, var, latitudes);
    nc_def_var(ncid, "lon", NC_DOUBLE, 1, &lon, &var);
    putText(ncid, var, "units", "degrees_east");
    const double longitudes[3] = {0.0, 120.0, 240.0};
    nc_put_var_double(ncid, var, longitudes);
    struct Field {
        const char* name;
        const char* standardName;
        const char* units;
        bool onLevels;
        float base;
        float step;
    };
    // Geopotential 5500 gpm at 500 hPa and 1500 gpm at 850 hPa, members 10 gpm apart; T at 850
    // hPa straddles 0 °C.
    const Field fields[] = {
        {"temperature", "air_temperature", "K", true, 272.15f, 1.0f},
        {"geopotential", "geopotential", "m2 s-2", true, 53936.575f, 98.0665f},
        {"u_component_of_wind", "eastward_wind", "m s-1", true, 3.0f, 0.0f},
        {"v_component_of_wind", "northward_wind", "m s-1", true, 4.0f, 0.0f},
        {"10m_u_component_of_wind", "eastward_wind", "m s-1", false, 6.0f, 0.0f},
        {"10m_v_component_of_wind", "northward_wind", "m s-1", false, 8.0f, 0.0f},
        {"mean_sea_level_pressure", "air_pressure_at_mean_sea_level", "Pa", false, 101300.0f, 100.0f},
    };
    for (const Field& field : fields) {
        const int levelDims[5] = {time, member, level, lat, lon};
        const int surfaceDims[4] = {time, member, lat, lon};
        nc_def_var(ncid, field.name, NC_FLOAT, field.onLevels ? 5 : 4, field.onLevels ? levelDims : surfaceDims, &var);
        putText(ncid, var, "standard_name", field.standardName);
        putText(ncid, var, "units", field.units);
        const int levelCount = field.onLevels ? 2 : 1;
        std::vector<float> values;
        for (int t = 0; t < 2; ++t) {
            for (int m = 0; m < 3; ++m) {
                for (int l = 0; l < levelCount; ++l) {
                    // The 850 hPa geopotential is 4000 gpm lower than the 500 hPa one.
                    const float levelShift = std::strcmp(field.name, "geopotential") == 0 && l == 1 ? -39226.6f : 0.0f;
                    values.insert(values.end(), 6, field.base + levelShift + field.step * static_cast<float>(m));
                }
            }
        }
        nc_put_var_float(ncid, var, values.data());
    }
    return nc_close(ncid) == NC_NOERR;
}

}  // namespace spreadcast::fixture
