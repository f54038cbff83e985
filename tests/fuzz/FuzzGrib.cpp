// libFuzzer target for the GRIB initial-condition reader (core/ic/GribSource). The first byte
// chooses what the rest is: 0 a GRIB file as it is (the seeds are ecCodes' samples), 1 a recipe
// applied to ecCodes' regular_ll sample — shortName, level type, grid size, corner points,
// scanning flags, dates, values — so that the reader's own geometry, units and assembly code
// meets every combination a valid message can carry, not only what survives ecCodes' parser.
// An InputError is the expected answer to bad input; anything else (a crash, a sanitizer report,
// another exception, a leak, an allocation beyond the RSS limit) is a finding.

#include "FuzzRecipe.h"
#include "ic/GribSource.h"
#include "run/InputError.h"

#include <eccodes.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using spreadcast::fuzz::Recipe;

const std::array<const char*, 16> shortNames = {"gh",  "z",   "t",   "u",  "v",   "w", "q",  "2t",
                                                "msl", "10u", "10v", "tp", "lsm", "r", "sp", "2d"};
const std::array<const char*, 6> levelTypes = {"isobaricInhPa",     "isobaricInPa", "surface",
                                               "heightAboveGround", "meanSea",      "hybrid"};

void setString(codes_handle* handle, const char* key, const char* value)
{
    std::size_t length = std::strlen(value);
    codes_set_string(handle, key, value, &length);
}

// A message from the recipe, or nothing when ecCodes refuses the keys (not the reader's concern).
std::vector<char> messageFrom(Recipe& recipe)
{
    codes_handle* handle =
        codes_grib_handle_new_from_samples(nullptr, recipe.byte() % 2 ? "regular_ll_pl_grib2" : "regular_ll_pl_grib1");
    if (handle == nullptr) {
        return {};
    }
    setString(handle, "typeOfLevel", levelTypes[recipe.byte() % levelTypes.size()]);
    setString(handle, "shortName", shortNames[recipe.byte() % shortNames.size()]);
    codes_set_long(handle, "level", recipe.integer() % 200000);
    codes_set_long(handle, "dataDate", 19000101 + recipe.integer() % 2000000);
    codes_set_long(handle, "dataTime", recipe.byte() % 24 * 100);
    codes_set_long(handle, "step", recipe.byte());
    const long ni = 1 + recipe.byte() % 40;
    const long nj = 1 + recipe.byte() % 40;
    codes_set_long(handle, "Ni", ni);
    codes_set_long(handle, "Nj", nj);
    codes_set_double(handle, "latitudeOfFirstGridPointInDegrees", recipe.integer() % 200000 / 1000.0);
    codes_set_double(handle, "latitudeOfLastGridPointInDegrees", recipe.integer() % 200000 / 1000.0);
    codes_set_double(handle, "longitudeOfFirstGridPointInDegrees", recipe.integer() % 400000 / 1000.0);
    codes_set_double(handle, "longitudeOfLastGridPointInDegrees", recipe.integer() % 400000 / 1000.0);
    codes_set_long(handle, "iScansNegatively", recipe.byte() % 2);
    codes_set_long(handle, "jScansPositively", recipe.byte() % 2);
    codes_set_long(handle, "jPointsAreConsecutive", recipe.byte() % 2);
    const bool bitmap = recipe.byte() % 4 == 0;
    std::vector<double> values(static_cast<std::size_t>(ni * nj));
    for (double& value : values) {
        value = recipe.real();
        if (!std::isfinite(value) || std::abs(value) > 1e30) {
            value = bitmap ? 9999.0 : 0.0;
        }
    }
    if (bitmap) {
        codes_set_long(handle, "bitmapPresent", 1);
        codes_set_double(handle, "missingValue", 9999.0);
    }
    codes_set_double_array(handle, "values", values.data(), values.size());
    const void* message = nullptr;
    std::size_t size = 0;
    std::vector<char> bytes;
    if (codes_get_message(handle, &message, &size) == CODES_SUCCESS) {
        bytes.assign(static_cast<const char*>(message), static_cast<const char*>(message) + size);
    }
    codes_handle_delete(handle);
    return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const std::string& path = spreadcast::fuzz::inputPath("grib", ".grib");
    std::vector<char> file;
    if (data[0] % 2 == 0) {
        file.assign(reinterpret_cast<const char*>(data + 1), reinterpret_cast<const char*>(data + size));
    } else {
        Recipe recipe(data + 1, size - 1);
        for (int message = 0; message < 4 && !recipe.done(); ++message) {
            const std::vector<char> bytes = messageFrom(recipe);
            file.insert(file.end(), bytes.begin(), bytes.end());
        }
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(file.data(), static_cast<std::streamsize>(file.size()));
    try {
        spreadcast::ic::readGribSource(path);
    } catch (const spreadcast::InputError&) {
    }
    return 0;
}
