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
// lies on the inner side of, or on, the great circles through the face's three edges; of several,
// the one it lies deepest inside). graphcast asks trimesh for the face whose plane triangle is
// nearest; for a point inside a face's cone that is the same face, except within a hair of a shared
// edge or vertex, where the nearest points on both faces coincide and trimesh's float64 rounding
// (BLAS sums, argsort of equal distances) picks one. At 1° with mesh 5 that is 116 of 65,160 grid
// points, each within 1.6e-7 rad (1 m) of a shared edge; reproducing trimesh's rule exactly in C++
// still left 99 of them different, so the geometric choice is kept.
std::vector<std::int32_t> containingFaces(const std::vector<std::array<float, 3>>& gridPositions,
                                          const TriangularMesh& mesh);

// in_mesh_triangle_indices: edges from the three vertices of each grid point's containing face to
// the grid point. Senders: mesh vertices; receivers: grid points; three edges per grid point.
DirectedEdges containingTriangleEdges(const std::vector<std::array<float, 3>>& gridPositions,
                                      const TriangularMesh& mesh);

// Sorts edges by receiver, then sender (a stable order for sums into a receiver).
void sortByReceiverThenSender(DirectedEdges& edges);

}  // namespace spreadcast::graphcast
