#pragma once

#include <vtkSmartPointer.h>

#include <array>
#include <optional>
#include <span>
#include <string_view>

class vtkLookupTable;

namespace spreadcast {

// Sequential maps show magnitudes, diverging maps signed values around a near-white zero. Which
// field and product gets which map: viz/ProductColours.h. Viridis (geopotential, pressure and
// fields without a map of their own) and cool-warm (signed fields: u, v, vorticity); from cmocean
// (viz/CmoceanColourMaps.h): thermal (temperature), rain (precipitation), tarn (humidity, dry
// brown to moist green), speed (wind speed), amp (spread), dense (probability) and balance
// (differences).
enum class ColourMapKind { Viridis, CoolWarm, Thermal, Rain, Tarn, Speed, Amp, Dense, Balance };
inline constexpr std::array<ColourMapKind, 9> colourMapKinds{
    ColourMapKind::Viridis, ColourMapKind::CoolWarm, ColourMapKind::Thermal, ColourMapKind::Rain,   ColourMapKind::Tarn,
    ColourMapKind::Speed,   ColourMapKind::Amp,      ColourMapKind::Dense,   ColourMapKind::Balance};
std::string_view colourMapName(ColourMapKind kind);  // "viridis", "cool-warm", "thermal", …
std::optional<ColourMapKind> parseColourMap(std::string_view name);
// Rain and dense start with a white bin: no precipitation and a zero probability stay blank,
// so the eye goes to where something happens.
bool blanksLowestBin(ColourMapKind kind);

struct ColourLimits {
    double low = 0.0;
    double high = 1.0;
    bool operator==(const ColourLimits&) const = default;
};

// The limits that show every finite value: [min, max], or ±max|value| when symmetric (signed
// fields keep zero in the middle of a diverging map). A constant or empty field gets a range
// around its value that still draws.
ColourLimits limitsOf(std::span<const float> values, bool symmetric);
// The union of two limits.
ColourLimits unite(const ColourLimits& a, const ColourLimits& b);

// A 256-entry lookup table over the limits; NaN (a missing value) draws grey; the lowest entry is
// white for a map that blanksLowestBin.
vtkSmartPointer<vtkLookupTable> makeLookupTable(ColourMapKind kind, const ColourLimits& limits);

// The map's colour at t ∈ [0, 1] as RGB in [0, 1].
void colourAt(ColourMapKind kind, double t, double rgb[3]);

}  // namespace spreadcast
