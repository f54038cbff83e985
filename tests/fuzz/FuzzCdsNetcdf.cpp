// libFuzzer target for the CDS NetCDF initial-condition reader (core/ic/CdsNetcdfSource) and the
// CF reader under it (core/io/CfReader). The input is a recipe from which a CDS-style file is
// written with netCDF-C — dimension lengths, which coordinates exist and their values, units,
// calendar, packing, fill values, variables and their dimension order — so that the readers'
// own checks meet every combination a well-formed file can carry. Raw bytes are not fed to
// nc_open: that fuzzes netCDF-C's header parser, not Spreadcast (a 100-byte classic header makes
// netCDF-C 4.9.0 malloc 7.9 GB from a count in it, which libFuzzer reports as out-of-memory).
// An InputError is the expected answer to bad input; anything else is a finding.

#include "FuzzRecipe.h"
#include "ic/CdsNetcdfSource.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using spreadcast::fuzz::Recipe;

const std::array<const char*, 16> variableNames = {"z",   "t",   "u",   "v",  "w",  "q",      "t2m",    "msl",
                                                   "u10", "v10", "lsm", "tp", "sp", "number", "expver", "d2m"};
const std::array<const char*, 14> unitChoices = {"K",         "m**2 s**-2", "gpm",  "m s**-1", "Pa", "hPa", "Pa s**-1",
                                                 "kg kg**-1", "(0 - 1)",    "degC", "",        "m",  "1",   "furlongs"};
const std::array<const char*, 6> timeUnits = {"seconds since 1970-01-01",
                                              "hours since 1900-01-01 00:00:00",
                                              "days since 2024-01-01",
                                              "months since 2000-01-01",
                                              "hours",
                                              "seconds since 1970-01-01T00:00:00Z"};
const std::array<const char*, 5> calendars = {"proleptic_gregorian", "standard", "360_day", "noleap", ""};
const std::array<const char*, 4> levelUnits = {"hPa", "Pa", "millibars", "m"};

void putText(int ncid, int variable, const char* name, const char* value)
{
    if (*value != '\0') {
        nc_put_att_text(ncid, variable, name, std::strlen(value), value);
    }
}

// A CDS-style file from the recipe; netCDF-C refusing a step only leaves that part out.
void writeFromRecipe(Recipe& recipe, const std::string& path)
{
    int ncid = -1;
    if (nc_create(path.c_str(), NC_CLOBBER | NC_64BIT_OFFSET, &ncid) != NC_NOERR) {
        return;
    }
    const std::array<std::size_t, 4> lengths = {1u + recipe.byte() % 3u, 1u + recipe.byte() % 3u,
                                                1u + recipe.byte() % 6u, 1u + recipe.byte() % 6u};
    const std::array<const char*, 4> names = {"valid_time", "pressure_level", "latitude", "longitude"};
    std::array<int, 4> dimensions{};
    std::array<int, 4> coordinates{-1, -1, -1, -1};
    for (std::size_t d = 0; d < 4; ++d) {
        nc_def_dim(ncid, names[d], lengths[d], &dimensions[d]);
        if (recipe.byte() % 8 != 0) {  // now and then a coordinate is missing
            nc_def_var(ncid, names[d], d == 0 && recipe.byte() % 2 ? NC_INT64 : NC_DOUBLE, 1, &dimensions[d],
                       &coordinates[d]);
        }
    }
    if (coordinates[0] >= 0) {
        putText(ncid, coordinates[0], "units", recipe.pick(timeUnits));
        putText(ncid, coordinates[0], "calendar", recipe.pick(calendars));
    }
    if (coordinates[1] >= 0) {
        putText(ncid, coordinates[1], "units", recipe.pick(levelUnits));
    }
    if (coordinates[2] >= 0) {
        putText(ncid, coordinates[2], "units", "degrees_north");
    }
    if (coordinates[3] >= 0) {
        putText(ncid, coordinates[3], "units", "degrees_east");
    }
    struct Variable {
        int id;
        std::vector<int> dimensionIndices;
        bool packed;
    };
    std::vector<Variable> variables;
    const int variableCount = 1 + recipe.byte() % 4;
    for (int v = 0; v < variableCount; ++v) {
        const std::uint8_t shape = recipe.byte();
        std::vector<int> order;
        switch (shape % 6) {
        case 0: order = {0, 1, 2, 3}; break;
        case 1: order = {0, 2, 3}; break;
        case 2: order = {2, 3}; break;
        case 3: order = {0, 1, 3, 2}; break;
        case 4: order = {1, 0, 2, 3}; break;
        default: order = {0, 3}; break;
        }
        std::vector<int> ids;
        for (const int index : order) {
            ids.push_back(dimensions[static_cast<std::size_t>(index)]);
        }
        const bool packed = recipe.byte() % 3 == 0;
        int id = -1;
        if (nc_def_var(ncid, recipe.pick(variableNames), packed ? NC_SHORT : NC_FLOAT, static_cast<int>(ids.size()),
                       ids.data(), &id) != NC_NOERR) {
            continue;
        }
        putText(ncid, id, "units", recipe.pick(unitChoices));
        if (packed) {
            const double scale = recipe.real();
            const double offset = recipe.real();
            const short fill = static_cast<short>(recipe.byte() * 256 + recipe.byte());
            nc_put_att_double(ncid, id, "scale_factor", NC_DOUBLE, 1, &scale);
            nc_put_att_double(ncid, id, "add_offset", NC_DOUBLE, 1, &offset);
            nc_put_att_short(ncid, id, "_FillValue", NC_SHORT, 1, &fill);
        }
        variables.push_back({id, order, packed});
    }
    nc_enddef(ncid);
    const std::array<std::pair<double, double>, 4> axes = {
        {{1704067200.0, 21600.0}, {1000.0, -150.0}, {90.0, -30.0}, {0.0, 30.0}}};
    for (std::size_t d = 0; d < 4; ++d) {
        if (coordinates[d] < 0) {
            continue;
        }
        std::vector<double> values;
        for (std::size_t k = 0; k < lengths[d]; ++k) {
            values.push_back(recipe.coordinate(axes[d].first, axes[d].second, k));
        }
        nc_put_var_double(ncid, coordinates[d], values.data());
    }
    for (const Variable& variable : variables) {
        std::size_t count = 1;
        for (const int index : variable.dimensionIndices) {
            count *= lengths[static_cast<std::size_t>(index)];
        }
        std::vector<double> values(count);
        for (double& value : values) {
            value = recipe.byte() < 240 ? 250.0 + recipe.byte() : recipe.real();
        }
        if (variable.packed) {
            std::vector<short> stored(count);
            for (std::size_t k = 0; k < count; ++k) {
                stored[k] = static_cast<short>(recipe.byte() * 256 + recipe.byte());
            }
            nc_put_var_short(ncid, variable.id, stored.data());
        } else {
            nc_put_var_double(ncid, variable.id, values.data());
        }
    }
    nc_close(ncid);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const std::string& path = spreadcast::fuzz::inputPath("cds", ".nc");
    Recipe recipe(data, size);
    writeFromRecipe(recipe, path);
    try {
        spreadcast::ic::readCdsNetcdfSource(path);
    } catch (const spreadcast::InputError&) {
    }
    return 0;
}
