#include "ic/SourceVariables.h"

#include "io/CfReader.h"
#include "run/InputError.h"

#include <array>
#include <cmath>
#include <limits>
#include <sstream>

namespace spreadcast::ic {

namespace {

const std::vector<UnitConversion> geopotentialUnits = {
    {"m2 s-2", 1.0}, {"m2/s2", 1.0}, {"gpm", standardGravity}, {"m", standardGravity}};
const std::vector<UnitConversion> temperatureUnits = {{"K", 1.0}};
const std::vector<UnitConversion> windUnits = {{"m s-1", 1.0}, {"m/s", 1.0}};
const std::vector<UnitConversion> verticalVelocityUnits = {{"Pa s-1", 1.0}, {"Pa/s", 1.0}};
const std::vector<UnitConversion> humidityUnits = {{"kg kg-1", 1.0}, {"kg/kg", 1.0}, {"1", 1.0}, {"g kg-1", 1e-3}};
const std::vector<UnitConversion> pressureUnits = {{"Pa", 1.0}, {"hPa", 100.0}, {"mbar", 100.0}, {"millibars", 100.0}};
const std::vector<UnitConversion> precipitationUnits = {{"m", 1.0}, {"mm", 1e-3}, {"kg m-2", 1e-3}};
const std::vector<UnitConversion> fractionUnits = {{"(0 - 1)", 1.0}, {"0-1", 1.0}, {"1", 1.0}, {"fraction", 1.0}};

const SourceVariable geopotential{"geopotential", VariableShape::PressureLevels, "m2 s-2", geopotentialUnits};
const SourceVariable temperature{"temperature", VariableShape::PressureLevels, "K", temperatureUnits};
const SourceVariable uWind{"u_component_of_wind", VariableShape::PressureLevels, "m s-1", windUnits};
const SourceVariable vWind{"v_component_of_wind", VariableShape::PressureLevels, "m s-1", windUnits};
const SourceVariable verticalVelocity{"vertical_velocity", VariableShape::PressureLevels, "Pa s-1",
                                      verticalVelocityUnits};
const SourceVariable specificHumidity{"specific_humidity", VariableShape::PressureLevels, "kg kg-1", humidityUnits};
const SourceVariable temperature2m{"2m_temperature", VariableShape::SingleLevel, "K", temperatureUnits};
const SourceVariable meanSeaLevelPressure{"mean_sea_level_pressure", VariableShape::SingleLevel, "Pa", pressureUnits};
const SourceVariable uWind10m{"10m_u_component_of_wind", VariableShape::SingleLevel, "m s-1", windUnits};
const SourceVariable vWind10m{"10m_v_component_of_wind", VariableShape::SingleLevel, "m s-1", windUnits};
const SourceVariable precipitation6h{"total_precipitation_6hr", VariableShape::SingleLevel, "m", precipitationUnits};
const SourceVariable surfaceGeopotential{"geopotential_at_surface", VariableShape::Static, "m2 s-2", geopotentialUnits};
const SourceVariable landSeaMask{"land_sea_mask", VariableShape::Static, "1 (a fraction 0…1)", fractionUnits};

struct NamedVariable {
    std::string_view name;
    const SourceVariable* variable;
};

// ECMWF's shortNames (ecCodes' parameter database), the same in GRIB 1 and GRIB 2.
const std::array<NamedVariable, 7> gribPressureLevelVariables = {{{"gh", &geopotential},
                                                                  {"z", &geopotential},
                                                                  {"t", &temperature},
                                                                  {"u", &uWind},
                                                                  {"v", &vWind},
                                                                  {"w", &verticalVelocity},
                                                                  {"q", &specificHumidity}}};
const std::array<NamedVariable, 6> gribSingleLevelVariables = {{{"2t", &temperature2m},
                                                                {"msl", &meanSeaLevelPressure},
                                                                {"10u", &uWind10m},
                                                                {"10v", &vWind10m},
                                                                {"tp", &precipitation6h},
                                                                {"lsm", &landSeaMask}}};
// The CDS's NetCDF names (its converter's short names).
const std::array<NamedVariable, 6> cdsPressureLevelVariables = {{{"z", &geopotential},
                                                                 {"t", &temperature},
                                                                 {"u", &uWind},
                                                                 {"v", &vWind},
                                                                 {"w", &verticalVelocity},
                                                                 {"q", &specificHumidity}}};
// tp: ERA5's, accumulated over the hour ending at valid_time (CdsNetcdfSource).
const std::array<NamedVariable, 7> cdsSingleLevelVariables = {{{"t2m", &temperature2m},
                                                               {"msl", &meanSeaLevelPressure},
                                                               {"u10", &uWind10m},
                                                               {"v10", &vWind10m},
                                                               {"tp", &precipitation6h},
                                                               {"lsm", &landSeaMask},
                                                               {"z", &surfaceGeopotential}}};

template <std::size_t N>
const SourceVariable* find(const std::array<NamedVariable, N>& table, std::string_view name)
{
    for (const NamedVariable& entry : table) {
        if (entry.name == name) {
            return entry.variable;
        }
    }
    return nullptr;
}

}  // namespace

const SourceVariable* gribVariable(std::string_view shortName, std::string_view typeOfLevel)
{
    if (typeOfLevel == "isobaricInhPa" || typeOfLevel == "isobaricInPa") {
        return find(gribPressureLevelVariables, shortName);
    }
    if (shortName == "z") {
        return typeOfLevel == "surface" ? &surfaceGeopotential : nullptr;
    }
    return find(gribSingleLevelVariables, shortName);
}

const SourceVariable* cdsVariable(std::string_view name, bool onPressureLevels)
{
    return onPressureLevels ? find(cdsPressureLevelVariables, name) : find(cdsSingleLevelVariables, name);
}

bool isPressureLevelVariable(std::string_view graphcastName)
{
    for (const NamedVariable& entry : cdsPressureLevelVariables) {
        if (entry.variable->graphcastName == graphcastName) {
            return true;
        }
    }
    return false;
}

double unitFactor(const SourceVariable& variable, const std::string& units, const std::string& where)
{
    const std::string normalized = normalizedUnits(units);
    for (const UnitConversion& conversion : variable.accepted) {
        if (normalizedUnits(conversion.units) == normalized) {
            return conversion.factor;
        }
    }
    std::string accepted;
    for (const UnitConversion& conversion : variable.accepted) {
        accepted += (accepted.empty() ? "'" : ", '") + std::string(conversion.units) + "'";
    }
    const std::string found = units.empty() ? "no units" : "units '" + units + "'";
    throw InputError(where + " (" + std::string(variable.graphcastName) + ") has " + found + "; " +
                     std::string(variable.graphcastName) + " must be in " + std::string(variable.siUnits) +
                     " or units Spreadcast converts (" + accepted +
                     "), so it is not read rather than misread: convert the file or fix its units");
}

float toDatasetFloat(double value, const std::string& where)
{
    if (std::abs(value) > std::numeric_limits<float>::max() && !std::isinf(value)) {
        std::ostringstream text;
        text << value;
        throw InputError(where + " holds the value " + text.str() +
                         ", beyond any weather variable's range; the file is damaged");
    }
    return static_cast<float>(value);
}

}  // namespace spreadcast::ic
