#include "graphcast/GridMeshConnectivity.h"

#include <nanoflann.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace spreadcast::graphcast {
namespace {

using Point = std::array<double, 3>;

// nanoflann's view of a point set.
struct PointCloud {
    std::vector<Point> points;
    std::size_t kdtree_get_point_count() const { return points.size(); }
    double kdtree_get_pt(std::size_t index, std::size_t dimension) const { return points[index][dimension]; }
    template <class BoundingBox>
    bool kdtree_get_bbox(BoundingBox& /*unused*/) const
    {
        return false;
    }
};

using KdTree =
    nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, PointCloud>, PointCloud, 3, std::uint32_t>;

double squaredDistance(const Point& a, const Point& b)
{
    // As scipy's sqeuclidean_distance_double sums them for three dimensions.
    double sum = 0.0;
    for (int k = 0; k < 3; ++k) {
        const double difference = a[k] - b[k];
        sum += difference * difference;
    }
    return sum;
}

// A nanoflann result set that keeps every point with squared distance ≤ radius², decided by
// squaredDistance itself (nanoflann's own RadiusResultSet keeps < radius² and sums differently).
// The tree searches a hair further so that no point at exactly the radius is pruned away.
class WithinRadius {
public:
    WithinRadius(const Point& query, const PointCloud& cloud, double radius, std::vector<std::uint32_t>& found)
        : query_(query),
          cloud_(cloud),
          radiusSquared_(radius * radius),
          searchRadiusSquared_(radiusSquared_ * (1.0 + 1e-9)),
          found_(found)
    {
    }
    void init() {}
    std::size_t size() const { return found_.size(); }
    bool full() const { return true; }
    double worstDist() const { return searchRadiusSquared_; }
    bool addPoint(double /*treeDistance*/, std::uint32_t index)
    {
        if (squaredDistance(query_, cloud_.points[index]) <= radiusSquared_) {
            found_.push_back(index);
        }
        return true;
    }

private:
    const Point& query_;
    const PointCloud& cloud_;
    double radiusSquared_;
    double searchRadiusSquared_;
    std::vector<std::uint32_t>& found_;
};

Point toDouble(const std::array<float, 3>& v)
{
    return {static_cast<double>(v[0]), static_cast<double>(v[1]), static_cast<double>(v[2])};
}

Point cross(const Point& a, const Point& b)
{
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

double dot(const Point& a, const Point& b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// For a face (a, b, c), counter-clockwise seen from outside, the unit normals of the planes through
// the origin and each edge, pointing into the face: p lies in the face's cone iff p·n ≥ 0 for all
// three, and min(p·n) is how far inside (the sine of the angular distance to the nearest edge).
struct FaceCone {
    Point inwardNormals[3];

    double insideness(const Point& p) const
    {
        return std::min({dot(p, inwardNormals[0]), dot(p, inwardNormals[1]), dot(p, inwardNormals[2])});
    }
};

std::vector<FaceCone> faceCones(const TriangularMesh& mesh)
{
    std::vector<FaceCone> cones;
    cones.reserve(mesh.faces.size());
    for (const auto& face : mesh.faces) {
        FaceCone cone{};
        for (int edge = 0; edge < 3; ++edge) {
            const Point from = toDouble(mesh.vertices[face[edge]]);
            const Point to = toDouble(mesh.vertices[face[(edge + 1) % 3]]);
            Point normal = cross(from, to);
            const double length = std::sqrt(dot(normal, normal));
            for (double& component : normal) {
                component /= length;
            }
            cone.inwardNormals[edge] = normal;
        }
        cones.push_back(cone);
    }
    return cones;
}

}  // namespace

void sortByReceiverThenSender(DirectedEdges& edges)
{
    std::vector<std::uint64_t> keys(edges.senders.size());
    for (std::size_t e = 0; e < keys.size(); ++e) {
        keys[e] = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(edges.receivers[e])) << 32) |
                  static_cast<std::uint32_t>(edges.senders[e]);
    }
    std::sort(keys.begin(), keys.end());
    for (std::size_t e = 0; e < keys.size(); ++e) {
        edges.receivers[e] = static_cast<std::int32_t>(keys[e] >> 32);
        edges.senders[e] = static_cast<std::int32_t>(keys[e] & 0xffffffffu);
    }
}

DirectedEdges radiusQueryEdges(const std::vector<std::array<float, 3>>& gridPositions, const TriangularMesh& mesh,
                               double radius)
{
    PointCloud meshPoints;
    meshPoints.points.reserve(mesh.vertices.size());
    for (const auto& vertex : mesh.vertices) {
        meshPoints.points.push_back(toDouble(vertex));
    }
    const KdTree tree(3, meshPoints, nanoflann::KDTreeSingleIndexAdaptorParams(10));

    DirectedEdges edges;
    std::vector<std::uint32_t> neighbours;
    for (std::size_t g = 0; g < gridPositions.size(); ++g) {
        const Point query = toDouble(gridPositions[g]);
        neighbours.clear();
        WithinRadius result(query, meshPoints, radius, neighbours);
        tree.findNeighbors(result, query.data(), {});
        for (const std::uint32_t m : neighbours) {
            edges.senders.push_back(static_cast<std::int32_t>(g));
            edges.receivers.push_back(static_cast<std::int32_t>(m));
        }
    }
    sortByReceiverThenSender(edges);
    return edges;
}

std::vector<std::int32_t> containingFaces(const std::vector<std::array<float, 3>>& gridPositions,
                                          const TriangularMesh& mesh)
{
    const std::vector<FaceCone> cones = faceCones(mesh);
    PointCloud centroids;
    centroids.points.reserve(mesh.faces.size());
    for (const auto& face : mesh.faces) {
        Point centroid{};
        for (const std::int32_t vertex : face) {
            const Point position = toDouble(mesh.vertices[vertex]);
            for (int k = 0; k < 3; ++k) {
                centroid[k] += position[k];
            }
        }
        const double length = std::sqrt(dot(centroid, centroid));
        for (double& component : centroid) {
            component /= length;
        }
        centroids.points.push_back(centroid);
    }
    const KdTree tree(3, centroids, nanoflann::KDTreeSingleIndexAdaptorParams(10));

    // The containing face is almost always among the few faces whose centroids are nearest; among
    // those, the one the point is deepest inside wins, so a point on a shared edge or vertex gets
    // one of its faces whatever the rounding. Should none contain it (a rounding miss or a badly
    // shaped mesh), every face is tried.
    constexpr std::size_t candidates = 8;
    constexpr double containedTolerance = -1e-12;
    const std::size_t k = std::min(candidates, mesh.faces.size());
    std::vector<std::int32_t> faces(gridPositions.size());
    std::vector<std::uint32_t> nearest(k);
    std::vector<double> nearestDistances(k);
    for (std::size_t g = 0; g < gridPositions.size(); ++g) {
        const Point point = toDouble(gridPositions[g]);
        nanoflann::KNNResultSet<double, std::uint32_t> result(k);
        result.init(nearest.data(), nearestDistances.data());
        tree.findNeighbors(result, point.data(), {});
        std::int32_t best = -1;
        double bestInsideness = -std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < result.size(); ++c) {
            const double insideness = cones[nearest[c]].insideness(point);
            if (insideness > bestInsideness) {
                bestInsideness = insideness;
                best = static_cast<std::int32_t>(nearest[c]);
            }
        }
        if (bestInsideness < containedTolerance) {
            for (std::size_t f = 0; f < cones.size(); ++f) {
                const double insideness = cones[f].insideness(point);
                if (insideness > bestInsideness) {
                    bestInsideness = insideness;
                    best = static_cast<std::int32_t>(f);
                }
            }
        }
        faces[g] = best;
    }
    return faces;
}

DirectedEdges containingTriangleEdges(const std::vector<std::array<float, 3>>& gridPositions,
                                      const TriangularMesh& mesh)
{
    const std::vector<std::int32_t> faces = containingFaces(gridPositions, mesh);
    DirectedEdges edges;
    edges.senders.reserve(faces.size() * 3);
    edges.receivers.reserve(faces.size() * 3);
    for (std::size_t g = 0; g < faces.size(); ++g) {
        std::array<std::int32_t, 3> vertices = mesh.faces[faces[g]];
        std::sort(vertices.begin(), vertices.end());
        for (const std::int32_t vertex : vertices) {
            edges.senders.push_back(vertex);
            edges.receivers.push_back(static_cast<std::int32_t>(g));
        }
    }
    return edges;
}

}  // namespace spreadcast::graphcast
