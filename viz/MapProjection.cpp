#include "viz/MapProjection.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace spreadcast {
namespace {

constexpr double degrees = std::numbers::pi / 180.0;
// How far past the equator a polar map still projects: further out the stereographic scale
// grows without bound (the far pole is at infinity).
constexpr double polarLimitLatitude = -30.0;

template <typename Table>
std::string nameList(const Table& table)
{
    std::string list;
    for (std::size_t k = 0; k < table.size(); ++k) {
        list += std::string(k == 0 ? "" : k + 1 == table.size() ? " or " : ", ") + std::string(table[k].name);
    }
    return list;
}

}  // namespace

std::optional<MapProjection> parseMapProjection(std::string_view name)
{
    for (const MapProjectionInfo& info : mapProjectionTable) {
        if (info.name == name) {
            return info.projection;
        }
    }
    return std::nullopt;
}

std::string_view mapProjectionName(MapProjection projection)
{
    for (const MapProjectionInfo& info : mapProjectionTable) {
        if (info.projection == projection) {
            return info.name;
        }
    }
    return mapProjectionTable.front().name;
}

std::string mapProjectionNameList()
{
    return nameList(mapProjectionTable);
}

const MapRegion* findMapRegion(std::string_view name)
{
    for (const MapRegion& region : mapRegionTable) {
        if (region.name == name) {
            return &region;
        }
    }
    return nullptr;
}

std::string mapRegionNameList()
{
    return nameList(mapRegionTable);
}

MapProjector::MapProjector(MapProjection projection, double centralLongitude)
    : projection_(projection), centralLongitude_(centralLongitude)
{
}

std::optional<std::pair<double, double>> MapProjector::forward(double latitude, double longitude) const
{
    const double relative = std::remainder(longitude - centralLongitude_, 360.0);  // −180 … 180
    switch (projection_) {
    case MapProjection::PlateCarree: return std::make_pair(relative, latitude);
    case MapProjection::PolarNorth: {
        if (latitude < polarLimitLatitude) {
            return std::nullopt;
        }
        // Stereographic from the south pole onto the plane touching the north pole: r = 2 tan(colatitude / 2).
        const double r = 2.0 * std::tan((90.0 - latitude) * degrees / 2.0);
        return std::make_pair(r * std::sin(relative * degrees), -r * std::cos(relative * degrees));
    }
    case MapProjection::PolarSouth: {
        if (latitude > -polarLimitLatitude) {
            return std::nullopt;
        }
        const double r = 2.0 * std::tan((90.0 + latitude) * degrees / 2.0);
        return std::make_pair(r * std::sin(relative * degrees), r * std::cos(relative * degrees));
    }
    }
    return std::nullopt;
}

std::optional<std::pair<double, double>> MapProjector::inverse(double x, double y) const
{
    double latitude = 0.0;
    double relative = 0.0;
    switch (projection_) {
    case MapProjection::PlateCarree:
        if (std::abs(x) > 180.0 || std::abs(y) > 90.0) {
            return std::nullopt;
        }
        latitude = y;
        relative = x;
        break;
    case MapProjection::PolarNorth:
        latitude = 90.0 - 2.0 * std::atan(std::hypot(x, y) / 2.0) / degrees;
        relative = std::atan2(x, -y) / degrees;
        if (latitude < polarLimitLatitude) {
            return std::nullopt;
        }
        break;
    case MapProjection::PolarSouth:
        latitude = -90.0 + 2.0 * std::atan(std::hypot(x, y) / 2.0) / degrees;
        relative = std::atan2(x, y) / degrees;
        if (latitude > -polarLimitLatitude) {
            return std::nullopt;
        }
        break;
    }
    return std::make_pair(latitude, std::remainder(relative + centralLongitude_, 360.0));
}

MapProjector projectorFor(MapProjection projection, const MapRegion& region)
{
    // The region's middle meridian (through 180° when west > east).
    double east = region.east;
    if (east < region.west) {
        east += 360.0;
    }
    const bool wholeCircle = east - region.west >= 359.999;
    return MapProjector(projection, wholeCircle ? 0.0 : std::remainder((region.west + east) / 2.0, 360.0));
}

MapExtent extentOf(const MapProjector& projector, const MapRegion& region)
{
    double east = region.east;
    if (east < region.west) {
        east += 360.0;
    }
    double south = region.south;
    double north = region.north;
    // A polar map of the whole globe shows its hemisphere.
    if (projector.projection() == MapProjection::PolarNorth) {
        south = std::max(south, region.name == "global" ? 0.0 : -20.0);
    } else if (projector.projection() == MapProjection::PolarSouth) {
        north = std::min(north, region.name == "global" ? 0.0 : 20.0);
    }
    MapExtent extent{INFINITY, -INFINITY, INFINITY, -INFINITY};
    // The outline, finely sampled (parallels are circles on a polar map, so the corners are not enough).
    constexpr int samples = 90;
    auto include = [&](double latitude, double longitude) {
        if (const auto point = projector.forward(latitude, longitude)) {
            extent.xMin = std::min(extent.xMin, point->first);
            extent.xMax = std::max(extent.xMax, point->first);
            extent.yMin = std::min(extent.yMin, point->second);
            extent.yMax = std::max(extent.yMax, point->second);
        }
    };
    for (int k = 0; k <= samples; ++k) {
        const double longitude = region.west + (east - region.west) * k / samples;
        const double latitude = south + (north - south) * k / samples;
        include(south, longitude);
        include(north, longitude);
        include(latitude, region.west);
        include(latitude, east);
    }
    if (projector.projection() == MapProjection::PlateCarree) {
        // The seam is at the far side of the central meridian: the box is exact.
        const double half = (east - region.west) / 2.0;
        extent.xMin = -half;
        extent.xMax = half;
    }
    if (!(extent.xMax > extent.xMin) || !(extent.yMax > extent.yMin)) {
        return {-1.0, 1.0, -1.0, 1.0};
    }
    return extent;
}

}  // namespace spreadcast
