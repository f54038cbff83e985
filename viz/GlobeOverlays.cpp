#include "viz/GlobeOverlays.h"

#include "viz/Contours.h"
#include "viz/WindBarbs.h"

#include <vtkCellArray.h>
#include <vtkPoints.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace spreadcast {
namespace {

constexpr double degrees = std::numbers::pi / 180.0;
constexpr double overlayRadius = 1.004;  // above the contours of the spaghetti (1.003)

std::array<double, 3> onSphere(double longitude, double latitude, double radius)
{
    const double lambda = longitude * degrees;
    const double phi = latitude * degrees;
    return {radius * std::cos(phi) * std::cos(lambda), radius * std::cos(phi) * std::sin(lambda),
            radius * std::sin(phi)};
}

// Wind barbs (viz/WindBarbs.h) on a lattice about 24 × 12 round the globe, its columns thinned
// towards the poles so the barbs stay about equally far apart; each staff 0.6 of a lattice step,
// leaving room for the barbs of the next.
template <typename AddLine, typename AddTriangle>
void addWindBarbs(const GlobeContent& content, AddLine& addLine, AddTriangle& addTriangle)
{
    const std::size_t nlat = content.latitudes.size();
    const std::size_t nlon = content.longitudes.size();
    const std::size_t columnStride = std::max<std::size_t>(1, nlon / 24);
    const std::size_t rowStride = std::max<std::size_t>(1, nlat / 12);
    const double staff = 0.6 * 2.0 * std::numbers::pi / static_cast<double>(nlon) * static_cast<double>(columnStride);
    const double knots = knotsPerUnit(content.windUnits).value_or(3600.0 / 1852.0);  // m s-1 unless said
    for (std::size_t j = rowStride / 2; j < nlat; j += rowStride) {
        const double latitude = content.latitudes[j];
        if (std::abs(latitude) > 85.0) {
            continue;  // east and north are undefined at the pole
        }
        const double phi = latitude * degrees;
        const auto stride =
            static_cast<std::size_t>(std::lround(static_cast<double>(columnStride) / std::max(0.1, std::cos(phi))));
        for (std::size_t i = 0; i + stride / 2 < nlon; i += stride) {
            const double u = content.windU[j * nlon + i];
            const double v = content.windV[j * nlon + i];
            if (!std::isfinite(u) || !std::isfinite(v)) {
                continue;
            }
            const double lambda = content.longitudes[i] * degrees;
            const std::array<double, 3> at = onSphere(content.longitudes[i], latitude, overlayRadius);
            const std::array<double, 3> east{-std::sin(lambda), std::cos(lambda), 0.0};
            const std::array<double, 3> north{-std::sin(phi) * std::cos(lambda), -std::sin(phi) * std::sin(lambda),
                                              std::cos(phi)};
            const auto place = [&](double x, double y) {
                std::array<double, 3> point{};
                for (std::size_t k = 0; k < 3; ++k) {
                    point[k] = at[k] + staff * (x * east[k] + y * north[k]);
                }
                return point;
            };
            const WindBarbGlyph glyph = windBarbGlyph(u, v, knots, latitude < 0.0);
            if (glyph.calm) {
                constexpr int sides = 12;
                for (int k = 0; k < sides; ++k) {
                    const double a0 = 2.0 * std::numbers::pi * k / sides;
                    const double a1 = 2.0 * std::numbers::pi * (k + 1) / sides;
                    addLine(place(calmRadius * std::cos(a0), calmRadius * std::sin(a0)),
                            place(calmRadius * std::cos(a1), calmRadius * std::sin(a1)));
                }
                continue;
            }
            for (const auto& line : glyph.lines) {
                addLine(place(line[0], line[1]), place(line[2], line[3]));
            }
            for (const auto& pennant : glyph.pennants) {
                addTriangle(place(pennant[0], pennant[1]), place(pennant[2], pennant[3]),
                            place(pennant[4], pennant[5]));
            }
        }
    }
}

}  // namespace

vtkSmartPointer<vtkPolyData> globeOverlayLines(const GlobeContent& content)
{
    const std::size_t points = content.latitudes.size() * content.longitudes.size();
    const bool contours = !content.lineLevels.empty() && content.lineField.size() == points;
    const bool wind = !content.windU.empty() && content.windU.size() == points && content.windV.size() == points;
    if (!contours && !wind) {
        return nullptr;
    }
    auto vertices = vtkSmartPointer<vtkPoints>::New();
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    auto addLine = [&](const std::array<double, 3>& a, const std::array<double, 3>& b) {
        const vtkIdType ends[2] = {vertices->InsertNextPoint(a.data()), vertices->InsertNextPoint(b.data())};
        lines->InsertNextCell(2, ends);
    };
    auto triangles = vtkSmartPointer<vtkCellArray>::New();
    auto addTriangle = [&](const std::array<double, 3>& a, const std::array<double, 3>& b,
                           const std::array<double, 3>& c) {
        const vtkIdType corners[3] = {vertices->InsertNextPoint(a.data()), vertices->InsertNextPoint(b.data()),
                                      vertices->InsertNextPoint(c.data())};
        triangles->InsertNextCell(3, corners);
    };
    if (contours) {
        for (const double level : content.lineLevels) {
            for (const ContourSegment& segment :
                 contourSegments(content.lineField, content.latitudes, content.longitudes, level)) {
                addLine(onSphere(segment.lon0, segment.lat0, overlayRadius),
                        onSphere(segment.lon1, segment.lat1, overlayRadius));
            }
        }
    }
    if (wind && content.windGlyph == WindGlyph::Barbs) {
        addWindBarbs(content, addLine, addTriangle);
    } else if (wind) {
        const std::size_t nlat = content.latitudes.size();
        const std::size_t nlon = content.longitudes.size();
        const std::size_t columnStride = std::max<std::size_t>(1, nlon / 36);
        const std::size_t rowStride = std::max<std::size_t>(1, nlat / 18);
        const double spacing = 2.0 * std::numbers::pi / static_cast<double>(nlon) * static_cast<double>(columnStride);
        double fastest = 0.0;
        for (std::size_t j = 0; j < nlat; j += rowStride) {
            for (std::size_t i = 0; i < nlon; i += columnStride) {
                const double speed = std::hypot(content.windU[j * nlon + i], content.windV[j * nlon + i]);
                if (std::isfinite(speed)) {
                    fastest = std::max(fastest, speed);
                }
            }
        }
        for (std::size_t j = 0; j < nlat && fastest > 0.0; j += rowStride) {
            const double latitude = content.latitudes[j];
            if (std::abs(latitude) > 85.0) {
                continue;  // east and north are undefined at the pole
            }
            for (std::size_t i = 0; i < nlon; i += columnStride) {
                const double u = content.windU[j * nlon + i];
                const double v = content.windV[j * nlon + i];
                const double speed = std::hypot(u, v);
                if (!std::isfinite(speed) || speed <= 0.0) {
                    continue;
                }
                const double lambda = content.longitudes[i] * degrees;
                const double phi = latitude * degrees;
                const std::array<double, 3> at = onSphere(content.longitudes[i], latitude, overlayRadius);
                const std::array<double, 3> east{-std::sin(lambda), std::cos(lambda), 0.0};
                const std::array<double, 3> north{-std::sin(phi) * std::cos(lambda), -std::sin(phi) * std::sin(lambda),
                                                  std::cos(phi)};
                const double length = 0.9 * spacing * speed / fastest;
                std::array<double, 3> direction{};
                std::array<double, 3> side{};
                for (int k = 0; k < 3; ++k) {
                    direction[static_cast<std::size_t>(k)] =
                        (u * east[static_cast<std::size_t>(k)] + v * north[static_cast<std::size_t>(k)]) / speed;
                    side[static_cast<std::size_t>(k)] =
                        (-v * east[static_cast<std::size_t>(k)] + u * north[static_cast<std::size_t>(k)]) / speed;
                }
                auto offset = [&](double along, double across) {
                    std::array<double, 3> point{};
                    for (std::size_t k = 0; k < 3; ++k) {
                        point[k] = at[k] + along * direction[k] + across * side[k];
                    }
                    return point;
                };
                const std::array<double, 3> head = offset(length / 2.0, 0.0);
                addLine(offset(-length / 2.0, 0.0), head);
                const double barb = length * 0.3;
                addLine(head, offset(length / 2.0 - barb, barb * 0.5));
                addLine(head, offset(length / 2.0 - barb, -barb * 0.5));
            }
        }
    }
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(vertices);
    data->SetLines(lines);
    if (triangles->GetNumberOfCells() > 0) {
        data->SetPolys(triangles);
    }
    return data;
}

}  // namespace spreadcast
