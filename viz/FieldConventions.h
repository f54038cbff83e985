#pragma once

// How forecasters expect to see each field: temperature in °C, geopotential as geopotential
// height in decametres, mean sea-level pressure in hPa, humidity in g/kg, precipitation in mm —
// the units of Metview's and ecCharts' charts, not the SI units the models write. A convention
// is looked up from a variable's CF standard_name and units (so a CF file from elsewhere is shown
// alike), and maps stored values to displayed ones linearly: displayed = stored × scale + offset.

#include "viz/ColourMap.h"
#include "viz/Product.h"

#include <string>
#include <string_view>

namespace spreadcast {

struct FieldConvention {
    std::string label;         // what is shown when it is another quantity ("geopotential height"); else empty
    std::string displayUnits;  // "°C", "dam", "hPa", …; the file's units when nothing converts
    double scale = 1.0;
    double offset = 0.0;
    bool isSigned = false;  // values either side of zero matter alike (winds, vertical velocity)
    ColourMapKind colourMap = ColourMapKind::Viridis;  // of the field's own values (members, mean, quantiles)
    bool contoured = false;  // pressure and geopotential: drawn with contours over the shading

    double display(double stored) const { return stored * scale + offset; }
    double stored(double displayed) const { return (displayed - offset) / scale; }
    // A spread or a difference: the offset cancels.
    double displayDifference(double stored) const { return stored * scale; }
    bool converts() const { return scale != 1.0 || offset != 0.0; }
};

// The convention for a variable with this standard name and these units (either may be empty).
// Unknown variables keep their units, scale 1 and offset 0.
FieldConvention fieldConvention(std::string_view standardName, std::string_view units);

// The one place that chooses a chart's colour map from its field and product: spread amp,
// probabilities dense (zero blank), differences balance centred on zero, the field's own values
// the field's map (cool-warm for a signed field). A person's choice in the GUI overrides it.
ColourMapKind colourMapFor(const FieldConvention& field, Product product);
// The colour map of a difference between two runs.
inline constexpr ColourMapKind differenceColourMap = ColourMapKind::Balance;

}  // namespace spreadcast
