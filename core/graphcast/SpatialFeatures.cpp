#include "graphcast/SpatialFeatures.h"

#include "graphcast/NumpyTrigonometry.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace spreadcast::graphcast {
namespace {

// numpy's npy_deg2radf and npy_rad2degf multiply by these float32 constants.
constexpr float pi32 = std::numbers::pi_v<float>;
constexpr float degreesToRadians32 = pi32 / 180.0f;
constexpr float radiansToDegrees32 = 180.0f / pi32;

float cos32(float x)
{
    return numpyCos(x);
}

float sin32(float x)
{
    return numpySin(x);
}

// lat_lon_deg_to_spherical in float32: phi = deg2rad(lon), theta = deg2rad(90 − lat).
struct Spherical {
    float phi;
    float theta;
};

Spherical toSpherical(float latitude, float longitude)
{
    return {longitude * degreesToRadians32, (90.0f - latitude) * degreesToRadians32};
}

// get_rotation_matrices_to_local_coordinates with both rotations: scipy's
// Rotation.from_euler("zy", [−phi, π/2 − theta]), i.e. Ry(π/2 − theta) · Rz(−phi), which takes the
// node to (1, 0, 0). The angles are float32 (the π/2 too, as numpy adds a Python float to a float32
// array); the matrix is float64.
struct LocalFrame {
    double rotation[3][3];

    explicit LocalFrame(Spherical node)
    {
        const double azimuthal = -static_cast<double>(node.phi);
        const double polar = static_cast<double>(-node.theta + static_cast<float>(std::numbers::pi / 2.0));
        const double ca = std::cos(azimuthal);
        const double sa = std::sin(azimuthal);
        const double cb = std::cos(polar);
        const double sb = std::sin(polar);
        const double matrix[3][3] = {{cb * ca, -cb * sa, sb}, {sa, ca, 0.0}, {-sb * ca, sb * sa, cb}};
        std::copy(&matrix[0][0], &matrix[0][0] + 9, &rotation[0][0]);
    }

    // rotate_with_matrices: einsum("...ji,...i->...j"), i.e. rotation · position.
    std::array<double, 3> apply(const std::array<float, 3>& position) const
    {
        std::array<double, 3> rotated{};
        for (int j = 0; j < 3; ++j) {
            for (int i = 0; i < 3; ++i) {
                rotated[j] += rotation[j][i] * static_cast<double>(position[i]);
            }
        }
        return rotated;
    }
};

}  // namespace

NodeLatLon meshNodeLatLon(const TriangularMesh& mesh)
{
    NodeLatLon nodes;
    nodes.latitudes.reserve(mesh.vertices.size());
    nodes.longitudes.reserve(mesh.vertices.size());
    for (const auto& [x, y, z] : mesh.vertices) {
        // cartesian_to_spherical then spherical_to_lat_lon, float32 throughout; np.mod takes the
        // sign of the divisor, so longitudes land in [0, 360).
        const auto phi = static_cast<float>(std::atan2(static_cast<double>(y), static_cast<double>(x)));
        const auto theta = static_cast<float>(std::acos(static_cast<double>(z)));
        float longitude = std::fmod(phi * radiansToDegrees32, 360.0f);
        if (longitude < 0.0f) {
            longitude += 360.0f;
        }
        nodes.latitudes.push_back(90.0f - theta * radiansToDegrees32);
        nodes.longitudes.push_back(longitude);
    }
    return nodes;
}

NodeLatLon gridNodeLatLon(const LatLonGrid& grid)
{
    NodeLatLon nodes;
    nodes.latitudes.reserve(grid.points());
    nodes.longitudes.reserve(grid.points());
    for (const double latitude : grid.latitudes) {
        for (const double longitude : grid.longitudes) {
            nodes.latitudes.push_back(static_cast<float>(latitude));
            nodes.longitudes.push_back(static_cast<float>(longitude));
        }
    }
    return nodes;
}

std::vector<std::array<float, 3>> nodePositions(const NodeLatLon& nodes)
{
    std::vector<std::array<float, 3>> positions;
    positions.reserve(nodes.size());
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const Spherical node = toSpherical(nodes.latitudes[n], nodes.longitudes[n]);
        const float sinTheta = sin32(node.theta);
        positions.push_back({cos32(node.phi) * sinTheta, sin32(node.phi) * sinTheta, cos32(node.theta)});
    }
    return positions;
}

std::vector<float> nodeSpatialFeatures(const NodeLatLon& nodes)
{
    std::vector<float> features;
    features.reserve(nodes.size() * nodeFeatureCount);
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const Spherical node = toSpherical(nodes.latitudes[n], nodes.longitudes[n]);
        features.push_back(cos32(node.theta));
        features.push_back(cos32(node.phi));
        features.push_back(sin32(node.phi));
    }
    return features;
}

void setEdgeSpatialFeatures(Edges& edges, const NodeLatLon& senderNodes, const NodeLatLon& receiverNodes,
                            std::optional<double> normalization)
{
    const std::vector<std::array<float, 3>> senderPositions = nodePositions(senderNodes);
    const std::vector<std::array<float, 3>> receiverPositions = nodePositions(receiverNodes);
    const std::size_t count = edges.count();

    // Edges come sorted by receiver, so each receiver's frame is built once.
    std::vector<std::array<double, 3>> relative(count);
    std::vector<double> distance(count);
    std::int32_t frameNode = -1;
    std::optional<LocalFrame> frame;
    std::array<double, 3> receiverRotated{};
    for (std::size_t e = 0; e < count; ++e) {
        const std::int32_t receiver = edges.receivers[e];
        if (receiver != frameNode) {
            frame.emplace(toSpherical(receiverNodes.latitudes[receiver], receiverNodes.longitudes[receiver]));
            receiverRotated = frame->apply(receiverPositions[receiver]);
            frameNode = receiver;
        }
        const std::array<double, 3> senderRotated = frame->apply(senderPositions[edges.senders[e]]);
        double squared = 0.0;
        for (int k = 0; k < 3; ++k) {
            relative[e][k] = senderRotated[k] - receiverRotated[k];
            squared += relative[e][k] * relative[e][k];
        }
        distance[e] = std::sqrt(squared);
    }

    // model_utils normalises by the longest edge of the set unless a factor is given, so that the
    // relative positions fall in [−1, 1] and the lengths in [0, 1].
    double scale = 0.0;
    if (normalization) {
        scale = *normalization;
    } else if (count > 0) {
        scale = *std::max_element(distance.begin(), distance.end());
    }
    if (count > 0 && !(scale > 0.0 && std::isfinite(scale))) {
        throw std::invalid_argument("edge normalisation factor " + std::to_string(scale) +
                                    " is not a positive number; check mesh2grid_edge_normalization_factor");
    }

    edges.featureSize = edgeFeatureCount;
    edges.features.resize(count * edgeFeatureCount);
    for (std::size_t e = 0; e < count; ++e) {
        float* row = &edges.features[e * edgeFeatureCount];
        row[0] = static_cast<float>(distance[e] / scale);
        for (int k = 0; k < 3; ++k) {
            row[1 + k] = static_cast<float>(relative[e][k] / scale);
        }
    }
}

}  // namespace spreadcast::graphcast
