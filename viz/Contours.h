#pragma once

#include <span>
#include <vector>

namespace spreadcast {

// A piece of a contour line between two points given as (longitude, latitude) in degrees.
struct ContourSegment {
    double lon0, lat0, lon1, lat1;
};

// The level's contour of a field on a latitude–longitude grid (latitudes × longitudes, row by
// row) by marching squares, edges cut by linear interpolation, a saddle resolved by the cell's
// mean. Cells with a missing (NaN) corner are skipped. A global grid wraps in longitude. About
// ten times faster than a vtkContourFilter on the sphere mesh, which matters for spaghetti: one
// contour per member, fifty members per redraw.
std::vector<ContourSegment> contourSegments(std::span<const float> values, const std::vector<double>& latitudes,
                                            const std::vector<double>& longitudes, double level);

// Whether longitudes (increasing, evenly spaced) go once round the globe.
bool isGlobalLongitude(const std::vector<double>& longitudes);

}  // namespace spreadcast
