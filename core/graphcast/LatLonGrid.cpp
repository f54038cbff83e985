#include "graphcast/GraphCastTypes.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace spreadcast::graphcast {

LatLonGrid LatLonGrid::regular(double resolutionDegrees)
{
    // Steps that divide 180° (and so 360°) into a whole number of intervals, to a part in 10⁹ so
    // that decimal inputs such as 0.25 or 1.40625 are accepted.
    const double latitudeSteps = 180.0 / resolutionDegrees;
    const double roundedSteps = std::round(latitudeSteps);
    if (!(resolutionDegrees > 0.0) || !std::isfinite(latitudeSteps) || roundedSteps < 1.0 ||
        std::abs(latitudeSteps - roundedSteps) > 1e-9 * roundedSteps) {
        std::ostringstream message;
        message << "grid resolution " << resolutionDegrees
                << "° does not divide 180° into whole steps; use e.g. 0.25 or 1 (GraphCast's grids)";
        throw std::invalid_argument(message.str());
    }
    // 0.05° is already 26 million points, far beyond GraphCast's finest (0.25°).
    if (roundedSteps > 3600.0) {
        std::ostringstream message;
        message << "grid resolution " << resolutionDegrees << "° is finer than the 0.05° supported";
        throw std::invalid_argument(message.str());
    }
    const auto latitudeCount = static_cast<std::size_t>(roundedSteps) + 1;
    const std::size_t longitudeCount = 2 * (latitudeCount - 1);
    const double step = 180.0 / roundedSteps;
    LatLonGrid grid;
    grid.latitudes.reserve(latitudeCount);
    for (std::size_t i = 0; i < latitudeCount; ++i) {
        grid.latitudes.push_back(i + 1 == latitudeCount ? 90.0 : -90.0 + static_cast<double>(i) * step);
    }
    grid.longitudes.reserve(longitudeCount);
    for (std::size_t j = 0; j < longitudeCount; ++j) {
        grid.longitudes.push_back(static_cast<double>(j) * step);
    }
    return grid;
}

}  // namespace spreadcast::graphcast
