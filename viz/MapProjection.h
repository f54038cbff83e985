#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace spreadcast {

// The flat maps beside the globe: plate carrée (longitude and latitude as x and y) and the polar
// stereographic projections of either hemisphere (conformal, true at the pole), on a unit sphere.
enum class MapProjection { PlateCarree, PolarNorth, PolarSouth };

struct MapProjectionInfo {
    MapProjection projection;
    std::string_view name;   // as the command line spells it
    std::string_view label;  // for people
};

inline constexpr std::array<MapProjectionInfo, 3> mapProjectionTable{{
    {MapProjection::PlateCarree, "platecarree", "plate carrée"},
    {MapProjection::PolarNorth, "polar-north", "north polar stereographic"},
    {MapProjection::PolarSouth, "polar-south", "south polar stereographic"},
}};

std::optional<MapProjection> parseMapProjection(std::string_view name);
std::string_view mapProjectionName(MapProjection projection);
std::string mapProjectionNameList();  // "platecarree, polar-north or polar-south"

// A zoom preset: a longitude–latitude box the view is fitted to. West may exceed east by going
// through 180° (west 110, east −170 is the Pacific); "global" is the whole projection's domain.
struct MapRegion {
    std::string_view name;  // as the command line spells it
    std::string_view label;
    double west, east, south, north;
};

inline constexpr std::array<MapRegion, 10> mapRegionTable{{
    {"global", "whole globe", -180.0, 180.0, -90.0, 90.0},
    {"europe", "Europe", -25.0, 45.0, 33.0, 72.0},
    {"north-atlantic", "North Atlantic", -80.0, 20.0, 20.0, 70.0},
    {"north-america", "North America", -170.0, -50.0, 12.0, 75.0},
    {"south-america", "South America", -90.0, -30.0, -57.0, 15.0},
    {"africa", "Africa", -20.0, 55.0, -37.0, 38.0},
    {"asia", "Asia", 40.0, 150.0, 0.0, 75.0},
    {"australia", "Australia and New Zealand", 110.0, 180.0, -50.0, -8.0},
    {"arctic", "Arctic", -180.0, 180.0, 60.0, 90.0},
    {"antarctic", "Antarctic", -180.0, 180.0, -90.0, -60.0},
}};

const MapRegion* findMapRegion(std::string_view name);
std::string mapRegionNameList();

// A projection with its central meridian (the meridian pointing down on a north polar map, up on
// a south one, and the centre of a plate carrée).
class MapProjector {
public:
    MapProjector(MapProjection projection, double centralLongitude);
    MapProjection projection() const { return projection_; }
    double centralLongitude() const { return centralLongitude_; }
    // (x, y) with y up; nullopt where the projection does not reach (the far hemisphere's pole
    // region of a polar map).
    std::optional<std::pair<double, double>> forward(double latitude, double longitude) const;
    // (latitude, longitude in −180 … 180) of a projected point; nullopt outside the projection.
    std::optional<std::pair<double, double>> inverse(double x, double y) const;

private:
    MapProjection projection_;
    double centralLongitude_;
};

// The projected box a view shows: the region's outline projected, for a polar map "global" is
// its hemisphere. Also the projector the view uses (central meridian from the region).
struct MapExtent {
    double xMin, xMax, yMin, yMax;
};
MapProjector projectorFor(MapProjection projection, const MapRegion& region);
MapExtent extentOf(const MapProjector& projector, const MapRegion& region);

}  // namespace spreadcast
