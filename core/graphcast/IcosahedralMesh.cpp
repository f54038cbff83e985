#include "graphcast/IcosahedralMesh.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>

namespace spreadcast::graphcast {
namespace {

using Vertex = std::array<float, 3>;

// np.linalg.norm of a float32 3-vector is sqrt(x.dot(x)), and numpy's dot is BLAS sdot, which in
// OpenBLAS (what numpy ships and Debian's links) adds the float products in double. Doing the same
// keeps the vertices bit-identical to graphcast's.
float norm(const Vertex& v)
{
    const double squaredNorm =
        static_cast<double>(v[0] * v[0]) + static_cast<double>(v[1] * v[1]) + static_cast<double>(v[2] * v[2]);
    return std::sqrt(static_cast<float>(squaredNorm));
}

// _ChildVerticesBuilder: one midpoint vertex per undirected edge, keyed by the sorted pair.
class ChildVertices {
public:
    explicit ChildVertices(const std::vector<Vertex>& parents) : parents_(parents), all_(parents) {}

    std::int32_t midpoint(std::int32_t a, std::int32_t b)
    {
        const auto key = std::minmax(a, b);
        const auto found = index_.find(key);
        if (found != index_.end()) {
            return found->second;
        }
        // mean(0) of two float32 rows, then /= its float32 norm, as numpy rounds them.
        Vertex child{};
        for (int k = 0; k < 3; ++k) {
            child[k] = (parents_[a][k] + parents_[b][k]) / 2.0f;
        }
        const float length = norm(child);
        for (float& component : child) {
            component /= length;
        }
        const auto index = static_cast<std::int32_t>(all_.size());
        all_.push_back(child);
        index_.emplace(key, index);
        return index;
    }

    std::vector<Vertex> takeAll() { return std::move(all_); }

private:
    const std::vector<Vertex>& parents_;
    std::vector<Vertex> all_;
    std::map<std::pair<std::int32_t, std::int32_t>, std::int32_t> index_;
};

}  // namespace

TriangularMesh icosahedron()
{
    const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
    // np.array(…, dtype=float32) /= np.linalg.norm([1, phi]): numpy 1.x casts the float64 scalar
    // to float32 and divides in float32.
    const auto scale = static_cast<float>(std::sqrt(1.0 + phi * phi));
    std::vector<Vertex> vertices;
    for (const double c1 : {1.0, -1.0}) {
        for (const double c2 : {phi, -phi}) {
            vertices.push_back({static_cast<float>(c1), static_cast<float>(c2), 0.0f});
            vertices.push_back({0.0f, static_cast<float>(c1), static_cast<float>(c2)});
            vertices.push_back({static_cast<float>(c2), 0.0f, static_cast<float>(c1)});
        }
    }
    for (Vertex& vertex : vertices) {
        for (float& component : vertex) {
            component /= scale;
        }
    }

    // Rotate about y by half the supplement of the dihedral angle, so that a face is on top:
    // scipy's Rotation.from_euler("y", angle).as_matrix() (built from the quaternion
    // (0, sin(angle/2), 0, cos(angle/2))), applied as vertices · matrix in float64, then float32.
    const double angleBetweenFaces = 2.0 * std::asin(phi / std::sqrt(3.0));
    const double rotationAngle = (std::numbers::pi - angleBetweenFaces) / 2.0;
    const double qy = std::sin(rotationAngle / 2.0);
    const double qw = std::cos(rotationAngle / 2.0);
    const double y2 = qy * qy;
    const double w2 = qw * qw;
    const double yw = qy * qw;
    const double matrix[3][3] = {{-y2 + w2, 0.0, 2.0 * yw}, {0.0, y2 + w2, 0.0}, {-2.0 * yw, 0.0, -y2 + w2}};
    for (Vertex& vertex : vertices) {
        const Vertex original = vertex;
        for (int j = 0; j < 3; ++j) {
            double rotated = 0.0;
            for (int i = 0; i < 3; ++i) {
                rotated += static_cast<double>(original[i]) * matrix[i][j];
            }
            vertex[j] = static_cast<float>(rotated);
        }
    }

    // graphcast's faces, each checked by hand to be counter-clockwise seen from outside.
    std::vector<std::array<std::int32_t, 3>> faces = {{0, 1, 2},   {0, 6, 1},   {8, 0, 2},  {8, 4, 0},  {3, 8, 2},
                                                      {3, 2, 7},   {7, 2, 1},   {0, 4, 6},  {4, 11, 6}, {6, 11, 5},
                                                      {1, 5, 7},   {4, 10, 11}, {4, 8, 10}, {10, 8, 3}, {10, 3, 9},
                                                      {11, 10, 9}, {11, 9, 5},  {5, 9, 7},  {9, 3, 7},  {1, 6, 5}};
    return {std::move(vertices), std::move(faces)};
}

TriangularMesh splitFaces(const TriangularMesh& mesh)
{
    ChildVertices children(mesh.vertices);
    std::vector<std::array<std::int32_t, 3>> faces;
    faces.reserve(mesh.faces.size() * 4);
    for (const auto& [ind1, ind2, ind3] : mesh.faces) {
        const std::int32_t ind12 = children.midpoint(ind1, ind2);
        const std::int32_t ind23 = children.midpoint(ind2, ind3);
        const std::int32_t ind31 = children.midpoint(ind3, ind1);
        faces.push_back({ind1, ind12, ind31});
        faces.push_back({ind12, ind2, ind23});
        faces.push_back({ind31, ind23, ind3});
        faces.push_back({ind12, ind23, ind31});
    }
    return {children.takeAll(), std::move(faces)};
}

std::vector<TriangularMesh> meshHierarchy(int splits)
{
    if (splits < 0) {
        throw std::invalid_argument("mesh size " + std::to_string(splits) + " is negative; use 0 or more refinements");
    }
    std::vector<TriangularMesh> levels{icosahedron()};
    for (int level = 1; level <= splits; ++level) {
        levels.push_back(splitFaces(levels.back()));
    }
    return levels;
}

TriangularMesh mergeMeshes(const std::vector<TriangularMesh>& levels)
{
    if (levels.empty()) {
        throw std::invalid_argument("mergeMeshes needs at least one mesh");
    }
    TriangularMesh merged{levels.back().vertices, {}};
    for (const TriangularMesh& level : levels) {
        merged.faces.insert(merged.faces.end(), level.faces.begin(), level.faces.end());
    }
    return merged;
}

DirectedEdges facesToEdges(const std::vector<std::array<std::int32_t, 3>>& faces)
{
    // np.concatenate([faces[:, 0], faces[:, 1], faces[:, 2]]) → [faces[:, 1], faces[:, 2], faces[:, 0]].
    DirectedEdges edges;
    edges.senders.reserve(faces.size() * 3);
    edges.receivers.reserve(faces.size() * 3);
    for (int corner = 0; corner < 3; ++corner) {
        for (const auto& face : faces) {
            edges.senders.push_back(face[corner]);
            edges.receivers.push_back(face[(corner + 1) % 3]);
        }
    }
    return edges;
}

float maxEdgeLength(const TriangularMesh& mesh)
{
    // np.linalg.norm(…, axis=-1) on float32 rows: squares summed in float32, then sqrt.
    const DirectedEdges edges = facesToEdges(mesh.faces);
    float longest = 0.0f;
    for (std::size_t e = 0; e < edges.senders.size(); ++e) {
        const Vertex& a = mesh.vertices[edges.senders[e]];
        const Vertex& b = mesh.vertices[edges.receivers[e]];
        float squared = 0.0f;
        for (int k = 0; k < 3; ++k) {
            const float difference = a[k] - b[k];
            squared += difference * difference;
        }
        longest = std::max(longest, std::sqrt(squared));
    }
    return longest;
}

}  // namespace spreadcast::graphcast
