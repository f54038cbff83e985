#include "viz/WindBarbs.h"

#include "io/CfReader.h"

#include <cmath>
#include <numbers>

namespace spreadcast {
namespace {

// The international knot is 1852 m per hour.
constexpr double knotsPerMetrePerSecond = 3600.0 / 1852.0;

// Proportions of the glyph, staff length 1, close to matplotlib's defaults (a barb 0.4 of the
// staff, features 0.14 apart) so the glyphs read as forecasters know them.
constexpr double barbLength = 0.42;
constexpr double featureStep = 0.14;
constexpr double pennantBase = 0.16;
// Barbs lean towards the staff's outer end by 20°.
const double barbAcross = std::cos(20.0 * std::numbers::pi / 180.0);
const double barbAlong = std::sin(20.0 * std::numbers::pi / 180.0);

}  // namespace

std::string_view windGlyphName(WindGlyph glyph)
{
    return glyph == WindGlyph::Barbs ? "barbs" : "arrows";
}

std::optional<WindGlyph> parseWindGlyph(std::string_view name)
{
    if (name == "arrows") {
        return WindGlyph::Arrows;
    }
    if (name == "barbs") {
        return WindGlyph::Barbs;
    }
    return std::nullopt;
}

WindBarbCount windBarbCount(double speedKnots)
{
    WindBarbCount count;
    if (!std::isfinite(speedKnots) || speedKnots < 2.5) {
        count.calm = true;
        return count;
    }
    const long rounded = 5 * std::lround(speedKnots / 5.0);
    count.pennants = static_cast<int>(rounded / 50);
    count.fullBarbs = static_cast<int>((rounded % 50) / 10);
    count.halfBarbs = static_cast<int>((rounded % 10) / 5);
    return count;
}

std::optional<double> knotsPerUnit(std::string_view units)
{
    const std::string unit = normalizedUnits(units);
    if (unit == "ms-1" || unit == "m/s" || unit == "meter/second" || unit == "metre/second" ||
        unit == "meters/second" || unit == "metres/second") {
        return knotsPerMetrePerSecond;
    }
    if (unit == "kt" || unit == "kn" || unit == "knot" || unit == "knots") {
        return 1.0;
    }
    if (unit == "kmh-1" || unit == "km/h") {
        return 1.0 / 1.852;
    }
    return std::nullopt;
}

WindBarbGlyph windBarbGlyph(double u, double v, double knotsPerUnit, bool southernHemisphere)
{
    WindBarbGlyph glyph;
    const double speed = std::hypot(u, v);
    glyph.count = windBarbCount(speed * knotsPerUnit);
    if (glyph.count.calm || !(speed > 0.0)) {
        glyph.calm = true;
        glyph.count = WindBarbCount{true, 0, 0, 0};
        return glyph;
    }
    // The staff points to where the wind comes from; the barbs lie clockwise from it in the
    // north and anticlockwise in the south (WindBarbs.h says why).
    const double sx = -u / speed;
    const double sy = -v / speed;
    const double bx = southernHemisphere ? -sy : sy;
    const double by = southernHemisphere ? sx : -sx;
    const auto onStaff = [&](double along) { return std::array<double, 2>{along * sx, along * sy}; };
    const auto barbEnd = [&](double along, double length) {
        return std::array<double, 2>{along * sx + length * (barbAcross * bx + barbAlong * sx),
                                     along * sy + length * (barbAcross * by + barbAlong * sy)};
    };
    glyph.lines.push_back({0.0, 0.0, sx, sy});
    double along = 1.0;
    for (int k = 0; k < glyph.count.pennants; ++k) {
        const auto outer = onStaff(along);
        const auto inner = onStaff(along - pennantBase);
        const auto apex = barbEnd(along, barbLength);
        glyph.pennants.push_back({outer[0], outer[1], inner[0], inner[1], apex[0], apex[1]});
        along -= pennantBase + (k + 1 == glyph.count.pennants ? 0.05 : 0.0);
    }
    for (int k = 0; k < glyph.count.fullBarbs; ++k) {
        const auto from = onStaff(along);
        const auto to = barbEnd(along, barbLength);
        glyph.lines.push_back({from[0], from[1], to[0], to[1]});
        along -= featureStep;
    }
    if (glyph.count.halfBarbs > 0) {
        if (glyph.count.pennants == 0 && glyph.count.fullBarbs == 0) {
            along = 1.0 - featureStep;  // a lone half barb is set in from the end
        }
        const auto from = onStaff(along);
        const auto to = barbEnd(along, barbLength / 2.0);
        glyph.lines.push_back({from[0], from[1], to[0], to[1]});
    }
    return glyph;
}

}  // namespace spreadcast
