#pragma once

// GraphCast's icosahedral meshes, vertex for vertex and face for face as
// google-deepmind/graphcast (commit 08cf736) graphcast/icosahedral_mesh.py builds them, so that
// mesh node i here is graphcast's mesh node i and a checkpoint's weights meet the nodes they were
// trained on. Positions are float32 as graphcast keeps them, with its rounding step by step.

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace spreadcast::graphcast {

// A triangulated unit sphere: faces counter-clockwise seen from outside, indices into vertices.
struct TriangularMesh {
    std::vector<std::array<float, 3>> vertices;
    std::vector<std::array<std::int32_t, 3>> faces;
};

// icosahedral_mesh.get_icosahedron: the regular icosahedron in graphcast's vertex and face order,
// rotated about y so that a face, not an edge, is on top.
TriangularMesh icosahedron();

// icosahedral_mesh._two_split_unit_sphere_triangle_faces: every face into four, the new vertices
// (edge midpoints pushed onto the sphere) appended in the order the faces first meet their edges.
TriangularMesh splitFaces(const TriangularMesh& mesh);

// get_hierarchy_of_triangular_meshes_for_sphere: levels 0…splits; level k's vertices begin with
// level k−1's.
std::vector<TriangularMesh> meshHierarchy(int splits);

// merge_meshes: the finest level's vertices with the faces of every level (the multimesh).
TriangularMesh mergeMeshes(const std::vector<TriangularMesh>& levels);

// faces_to_edges: every face (a, b, c) gives a→b, b→c, c→a. On a closed, consistently oriented
// mesh each edge then appears once in each direction, and no two levels share an edge (a coarse
// edge is halved by the next level), so the multimesh needs no deduplication; graphcast does none.
struct DirectedEdges {
    std::vector<std::int32_t> senders;
    std::vector<std::int32_t> receivers;
};
DirectedEdges facesToEdges(const std::vector<std::array<std::int32_t, 3>>& faces);

// graphcast._get_max_edge_distance: the longest straight (chord) edge of the mesh, computed in
// float32 as numpy does on graphcast's float32 vertices.
float maxEdgeLength(const TriangularMesh& mesh);

}  // namespace spreadcast::graphcast
