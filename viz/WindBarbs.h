#pragma once

// Wind barbs as synoptic charts draw them (the WMO station model; NOAA NWS's "station model"
// key; matplotlib's barbs() implement the same): a staff from the point towards where the wind
// comes from, at its outer end a pennant (a filled triangle) for each 50 knots, a full barb for
// each 10 knots and a half barb for 5 knots, the speed rounded to the nearest 5 knots; a circle
// for calm (under 2.5 knots, which rounds to 0). A lone half barb sits one step in from the end
// so that 5 knots is not read as 10 (matplotlib's documentation says the same).
// Side: the barbs point towards lower pressure when the wind is geostrophic. Buys Ballot's law
// puts the low on the left of someone with their back to the wind in the Northern Hemisphere,
// on the right in the Southern: so the barbs lie clockwise from the staff in the north (to the
// right looking out along the staff from the point, e.g. a westerly's barbs point north) and
// anticlockwise in the south — matplotlib draws the northern side by default and basemap flips
// it south of the equator "according to meteorological convention" (basemap r5862, flip_barb).

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace spreadcast {

// How the wind is drawn over a product.
enum class WindGlyph { Arrows, Barbs };
std::string_view windGlyphName(WindGlyph glyph);  // "arrows", "barbs"
std::optional<WindGlyph> parseWindGlyph(std::string_view name);

struct WindBarbCount {
    bool calm = false;  // under 2.5 knots: a circle, no staff
    int pennants = 0;   // 50 knots each
    int fullBarbs = 0;  // 10 knots each
    int halfBarbs = 0;  // 5 knots, 0 or 1
    bool operator==(const WindBarbCount&) const = default;
};

// Pennants and barbs for a speed in knots (non-finite or negative speeds count as calm).
WindBarbCount windBarbCount(double speedKnots);

// Knots per unit of a wind speed written in CF units (m s-1, m/s, knots, kt, km h-1); nullopt
// for units that are not a speed.
std::optional<double> knotsPerUnit(std::string_view units);

// One barb glyph in a local plane with x east and y north, the staff of length 1 starting at the
// origin. Lines are segments; pennants are filled triangles; a calm wind is a circle of
// calmRadius around the origin and nothing else.
struct WindBarbGlyph {
    std::vector<std::array<double, 4>> lines;     // x0, y0, x1, y1
    std::vector<std::array<double, 6>> pennants;  // three corners
    bool calm = false;
    WindBarbCount count;
};
inline constexpr double calmRadius = 0.15;

// The glyph of a wind with eastward and northward components u and v (in any unit), knotsPerUnit
// converting their speed to knots, at a point of the given hemisphere.
WindBarbGlyph windBarbGlyph(double u, double v, double knotsPerUnit, bool southernHemisphere);

}  // namespace spreadcast
