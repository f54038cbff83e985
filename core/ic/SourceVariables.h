#pragma once

// The variables an initial-condition source can hold, by the names GRIB (ecCodes' shortName) and
// the Copernicus Climate Data Store's NetCDF give them, with graphcast's long name, where the
// variable lives (pressure levels, a single level, or a static field) and the units its values
// may come in. Both source readers look variables up here, so a name or a unit conversion is
// decided once.

#include <string>
#include <string_view>
#include <vector>

namespace spreadcast::ic {

// Standard gravity (WMO), the factor between geopotential height (gpm) and geopotential.
constexpr double standardGravity = 9.80665;

enum class VariableShape { PressureLevels, SingleLevel, Static };

// Units a value may come in ("hPa"; compared as normalizedUnits spells them, so "m**2 s**-2"
// matches "m2 s-2") and the factor that turns it into graphcast's SI unit.
struct UnitConversion {
    std::string_view units;
    double factor;
};

struct SourceVariable {
    std::string_view graphcastName;  // "geopotential"
    VariableShape shape;
    std::string_view siUnits;  // how messages spell the unit the model wants: "m2 s-2"
    std::vector<UnitConversion> accepted;
};

// The variable a GRIB message holds, from its shortName and level type (ecCodes' typeOfLevel);
// nullptr for anything the learned models do not read (other parameters, model levels). `z` is
// geopotential on pressure levels and geopotential_at_surface at the surface; `gh` (geopotential
// height) becomes geopotential.
const SourceVariable* gribVariable(std::string_view shortName, std::string_view typeOfLevel);

// The variable of a CDS NetCDF file, from its name and whether it has a pressure-level
// dimension; nullptr for anything else. `z` without levels is geopotential_at_surface.
const SourceVariable* cdsVariable(std::string_view name, bool onPressureLevels);

// Whether graphcast's variable of that name lives on pressure levels (temperature, geopotential,
// the winds, vertical velocity, specific humidity).
bool isPressureLevelVariable(std::string_view graphcastName);

// The factor from units to variable's SI unit. Throws InputError naming where (e.g. "message 4 in
// 'a.grib2'"), the units found and those accepted, for units that cannot be converted or none.
double unitFactor(const SourceVariable& variable, const std::string& units, const std::string& where);

// A value × factor as the float the Dataset holds; NaN stays NaN (missing). Throws InputError
// naming where for a finite value beyond float's range (converting it would be undefined, and
// no weather variable comes near 3.4e38 in SI units: the file is damaged).
float toDatasetFloat(double value, const std::string& where);

}  // namespace spreadcast::ic
