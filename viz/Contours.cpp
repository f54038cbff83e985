#include "viz/Contours.h"

#include <cmath>
#include <stdexcept>

namespace spreadcast {

bool isGlobalLongitude(const std::vector<double>& longitudes)
{
    if (longitudes.size() < 2) {
        return false;
    }
    const double step = (longitudes.back() - longitudes.front()) / static_cast<double>(longitudes.size() - 1);
    return std::abs(longitudes.back() + step - longitudes.front() - 360.0) < 0.5 * std::abs(step);
}

std::vector<ContourSegment> contourSegments(std::span<const float> values, const std::vector<double>& latitudes,
                                            const std::vector<double>& longitudes, double level)
{
    const std::size_t nlat = latitudes.size();
    const std::size_t nlon = longitudes.size();
    if (values.size() != nlat * nlon) {
        throw std::invalid_argument("contourSegments: the field does not fit the grid");
    }
    const bool global = isGlobalLongitude(longitudes);
    const std::size_t columns = global ? nlon : nlon - 1;
    std::vector<ContourSegment> segments;
    if (nlat < 2 || nlon < 2) {
        return segments;
    }
    for (std::size_t j = 0; j + 1 < nlat; ++j) {
        for (std::size_t i = 0; i < columns; ++i) {
            const std::size_t next = (i + 1) % nlon;
            // Corners counter-clockwise from (j, i): values and positions.
            const double v[4] = {values[j * nlon + i], values[j * nlon + next], values[(j + 1) * nlon + next],
                                 values[(j + 1) * nlon + i]};
            if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]) || !std::isfinite(v[3])) {
                continue;
            }
            const int index =
                (v[0] > level ? 1 : 0) | (v[1] > level ? 2 : 0) | (v[2] > level ? 4 : 0) | (v[3] > level ? 8 : 0);
            if (index == 0 || index == 15) {
                continue;
            }
            const double lonNext = next == 0 ? longitudes[0] + 360.0 : longitudes[next];
            const double lon[4] = {longitudes[i], lonNext, lonNext, longitudes[i]};
            const double lat[4] = {latitudes[j], latitudes[j], latitudes[j + 1], latitudes[j + 1]};
            // Where the level cuts edge e (from corner e to corner e + 1).
            auto cut = [&](int e, double& cutLon, double& cutLat) {
                const int a = e;
                const int b = (e + 1) % 4;
                const double t = (level - v[a]) / (v[b] - v[a]);
                cutLon = lon[a] + t * (lon[b] - lon[a]);
                cutLat = lat[a] + t * (lat[b] - lat[a]);
            };
            auto add = [&](int e0, int e1) {
                ContourSegment segment{};
                cut(e0, segment.lon0, segment.lat0);
                cut(e1, segment.lon1, segment.lat1);
                segments.push_back(segment);
            };
            // Edges: 0 bottom (0–1), 1 right (1–2), 2 top (2–3), 3 left (3–0).
            const bool centreAbove = 0.25 * (v[0] + v[1] + v[2] + v[3]) > level;
            switch (index) {
            case 1:
            case 14: add(3, 0); break;
            case 2:
            case 13: add(0, 1); break;
            case 3:
            case 12: add(3, 1); break;
            case 4:
            case 11: add(1, 2); break;
            case 6:
            case 9: add(0, 2); break;
            case 7:
            case 8: add(2, 3); break;
            case 5:  // corners 0 and 2 above: joined through the centre, or apart
                if (centreAbove) {
                    add(3, 2), add(0, 1);
                } else {
                    add(3, 0), add(1, 2);
                }
                break;
            case 10:  // corners 1 and 3 above
                if (centreAbove) {
                    add(0, 3), add(1, 2);
                } else {
                    add(0, 1), add(2, 3);
                }
                break;
            default: break;
            }
        }
    }
    return segments;
}

}  // namespace spreadcast
