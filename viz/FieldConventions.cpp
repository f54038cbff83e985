#include "viz/FieldConventions.h"

#include "io/CfReader.h"

namespace spreadcast {

namespace {

// Standard gravity (WMO; CF's geopotential_height is geopotential / g₀).
constexpr double standardGravity = 9.80665;

}  // namespace

FieldConvention fieldConvention(std::string_view standardName, std::string_view units)
{
    const std::string unit = normalizedUnits(units);
    FieldConvention convention;
    convention.displayUnits = std::string(units);
    using enum ColourMapKind;
    if (standardName == "air_temperature" && unit == "k") {
        convention = {"", "°C", 1.0, -273.15, false, Thermal};
    } else if (standardName == "geopotential" && unit == "m2s-2") {
        convention = {"geopotential height", "dam", 1.0 / (10.0 * standardGravity), 0.0, false, Viridis, true};
    } else if (standardName == "air_pressure_at_mean_sea_level" && unit == "pa") {
        convention = {"", "hPa", 0.01, 0.0, false, Viridis, true};
    } else if (standardName == "specific_humidity" && (unit == "kgkg-1" || unit == "1")) {
        convention = {"", "g/kg", 1000.0, 0.0, false, Tarn};
    } else if (standardName == "precipitation_amount" && unit == "m") {
        convention = {"", "mm", 1000.0, 0.0, false, Rain};
    } else if (standardName == "air_temperature") {
        convention.colourMap = Thermal;
    } else if (standardName == "geopotential_height" || standardName == "geopotential" ||
               standardName == "air_pressure_at_mean_sea_level") {
        convention.contoured = true;
    } else if (standardName == "specific_humidity" || standardName == "relative_humidity") {
        convention.colourMap = Tarn;
    } else if (standardName.find("precipitation") != std::string_view::npos) {
        convention.colourMap = Rain;
    } else if (standardName == "wind_speed") {
        convention.colourMap = Speed;
    } else if (standardName == "lagrangian_tendency_of_air_pressure" && unit == "pas-1") {
        convention = {"", "Pa/s", 1.0, 0.0, true};
    } else if (standardName == "eastward_wind" || standardName == "northward_wind" ||
               standardName.find("vorticity") != std::string_view::npos ||
               standardName.find("divergence") != std::string_view::npos) {
        convention.isSigned = true;
    }
    if (convention.isSigned) {
        convention.colourMap = CoolWarm;
    }
    return convention;
}

ColourMapKind colourMapFor(const FieldConvention& field, Product product)
{
    switch (product) {
    case Product::Spread:
    case Product::MeanAndSpread: return ColourMapKind::Amp;
    case Product::Probability:
    case Product::ProbabilityBelow: return ColourMapKind::Dense;
    case Product::MemberMinusMean: return differenceColourMap;
    default: return field.colourMap;
    }
}

}  // namespace spreadcast
