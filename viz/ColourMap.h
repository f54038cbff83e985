#pragma once

#include <vtkSmartPointer.h>

#include <span>
#include <string_view>

class vtkLookupTable;

namespace spreadcast {

// Sequential maps show magnitudes (height, wind speed, spread, probability); the diverging map
// shows signed fields (u, v, vorticity) around a white zero.
enum class ColourMapKind { Viridis, CoolWarm };
std::string_view colourMapName(ColourMapKind kind);

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

// A 256-entry lookup table over the limits; NaN (a missing value) draws grey.
vtkSmartPointer<vtkLookupTable> makeLookupTable(ColourMapKind kind, const ColourLimits& limits);

// The map's colour at t ∈ [0, 1] as RGB in [0, 1].
void colourAt(ColourMapKind kind, double t, double rgb[3]);

}  // namespace spreadcast
