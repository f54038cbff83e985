#pragma once

// Which grid points talk to which mesh nodes, as google-deepmind/graphcast (commit 08cf736)
// graphcast/grid_mesh_connectivity.py decides it. Both functions take the grid points' unit vectors
// (nodePositions of gridNodeLatLon, i.e. _grid_lat_lon_to_coordinates) and return edges sorted by
// receiver, then sender. graphcast lists them grid point by grid point instead; only the order of
// the terms of each receiver's sum differs.

#include "graphcast/IcosahedralMesh.h"

#include <array>
#include <cstdint>
#include <vector>

namespace spreadcast::graphcast {

// radius_query_indices: an edge grid point → mesh vertex wherever their straight-line distance is
// ≤ radius (scipy's cKDTree.query_ball_point, which compares the squared distance, summed over
// x, y, z in float64, with radius²). Senders: grid points; receivers: mesh vertices.
DirectedEdges radiusQueryEdges(const std::vector<std::array<float, 3>>& gridPositions, const TriangularMesh& mesh,
                               double radius);

// For every grid point, the index of a face of mesh that contains it (central projection: the point
// lies on the inner side of, or on, the great circles through the face's three edges). graphcast
// asks trimesh for the face nearest to the point; for a point inside a face's cone that face's
// plane triangle is the nearest, so the two agree except where a point lies on an edge or vertex
// shared by several faces, where either answer is a containing face.
std::vector<std::int32_t> containingFaces(const std::vector<std::array<float, 3>>& gridPositions,
                                          const TriangularMesh& mesh);

// in_mesh_triangle_indices: edges from the three vertices of each grid point's containing face to
// the grid point. Senders: mesh vertices; receivers: grid points; three edges per grid point.
DirectedEdges containingTriangleEdges(const std::vector<std::array<float, 3>>& gridPositions,
                                      const TriangularMesh& mesh);

// Sorts edges by receiver, then sender (a stable order for sums into a receiver).
void sortByReceiverThenSender(DirectedEdges& edges);

}  // namespace spreadcast::graphcast
