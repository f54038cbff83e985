#pragma once

// GraphCast's structural node and edge features, as google-deepmind/graphcast (commit 08cf736)
// graphcast/model_utils.py computes them with graphcast.py's settings: add_node_latitude,
// add_node_longitude, add_relative_positions, relative_longitude_local_coordinates and
// relative_latitude_local_coordinates all True, add_node_positions False, no sine–cosine encoding.
//
// graphcast keeps node latitudes and longitudes in float32 and does its trigonometry on them in
// float32 (numpy's own sin and cos, reproduced bit for bit by NumpyTrigonometry), then rotates and
// subtracts in float64 (scipy's rotation matrices). These functions round at the same steps. The
// mesh nodes' latitudes and longitudes come from numpy's float32 arctan2 and arccos, which some
// numpy builds take from Intel's SVML (AVX-512) and others from the C library; here they are
// correctly rounded, so a mesh node's features may differ from graphcast's in the last bits.

#include "graphcast/GraphCastTypes.h"
#include "graphcast/IcosahedralMesh.h"

#include <array>
#include <optional>
#include <vector>

namespace spreadcast::graphcast {

// Node latitudes and longitudes in degrees, float32 as graphcast keeps them.
struct NodeLatLon {
    std::vector<float> latitudes;
    std::vector<float> longitudes;
    std::size_t size() const { return latitudes.size(); }
};

// graphcast._init_mesh_properties: the finest mesh's vertices to latitude and longitude
// (cartesian_to_spherical, spherical_to_lat_lon; longitudes in [0, 360)).
NodeLatLon meshNodeLatLon(const TriangularMesh& mesh);

// graphcast._init_grid_properties: grid node = latIndex · nlon + lonIndex.
NodeLatLon gridNodeLatLon(const LatLonGrid& grid);

// spherical_to_cartesian(lat_lon_deg_to_spherical(lat, lon)) in float32: unit vectors, x towards
// (0° N, 0° E), z to the north pole. For grid nodes this is also
// grid_mesh_connectivity._grid_lat_lon_to_coordinates, the positions the connectivity uses.
std::vector<std::array<float, 3>> nodePositions(const NodeLatLon& nodes);

// Per node: cos(90° − lat) (that is sin lat, 1 at the north pole), cos lon, sin lon.
inline constexpr int nodeFeatureCount = 3;
std::vector<float> nodeSpatialFeatures(const NodeLatLon& nodes);

// Per edge: |d| / s, then d / s (3 values), where d is the sender's position minus the receiver's,
// both rotated into the receiver's local frame (receiver at (1, 0, 0): x up, y east, z north) and s
// is normalization or, when it is not set, the longest |d| of these edges.
inline constexpr int edgeFeatureCount = 4;
void setEdgeSpatialFeatures(Edges& edges, const NodeLatLon& senderNodes, const NodeLatLon& receiverNodes,
                            std::optional<double> normalization = std::nullopt);

}  // namespace spreadcast::graphcast
