#include "graphcast/GraphBuilder.h"

#include "graphcast/GridMeshConnectivity.h"
#include "graphcast/IcosahedralMesh.h"
#include "graphcast/SpatialFeatures.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace spreadcast::graphcast {
namespace {

Edges toEdges(DirectedEdges&& directed)
{
    Edges edges;
    edges.senders = std::move(directed.senders);
    edges.receivers = std::move(directed.receivers);
    return edges;
}

}  // namespace

Graphs buildGraphs(const ModelConfig& config, const LatLonGrid& grid)
{
    if (!(config.radiusQueryFractionEdgeLength > 0.0) || !std::isfinite(config.radiusQueryFractionEdgeLength)) {
        std::ostringstream message;
        message << "radius_query_fraction_edge_length " << config.radiusQueryFractionEdgeLength
                << " is not a positive number (GraphCast uses 0.6)";
        throw std::invalid_argument(message.str());
    }
    if (grid.latitudes.empty() || grid.longitudes.empty()) {
        throw std::invalid_argument("the grid has no points; give it latitudes and longitudes");
    }

    const std::vector<TriangularMesh> levels = meshHierarchy(config.meshSize);
    const TriangularMesh& finest = levels.back();
    const NodeLatLon meshNodes = meshNodeLatLon(finest);
    const NodeLatLon gridNodes = gridNodeLatLon(grid);
    const std::vector<std::array<float, 3>> gridPositions = nodePositions(gridNodes);

    Graphs graphs;
    graphs.gridNodes = static_cast<int>(gridNodes.size());
    graphs.meshNodes = static_cast<int>(meshNodes.size());
    graphs.nodeFeatureSize = nodeFeatureCount;
    graphs.gridNodeFeatures = nodeSpatialFeatures(gridNodes);
    graphs.meshNodeFeatures = nodeSpatialFeatures(meshNodes);

    // _get_max_edge_distance is float32 on float32 vertices; the product with the Python float
    // fraction is float64 (numpy 1.x scalar promotion).
    const double queryRadius = static_cast<double>(maxEdgeLength(finest)) * config.radiusQueryFractionEdgeLength;
    graphs.grid2mesh = toEdges(radiusQueryEdges(gridPositions, finest, queryRadius));
    setEdgeSpatialFeatures(graphs.grid2mesh, gridNodes, meshNodes);

    DirectedEdges multimesh = facesToEdges(mergeMeshes(levels).faces);
    sortByReceiverThenSender(multimesh);
    graphs.mesh = toEdges(std::move(multimesh));
    setEdgeSpatialFeatures(graphs.mesh, meshNodes, meshNodes);

    graphs.mesh2grid = toEdges(containingTriangleEdges(gridPositions, finest));
    setEdgeSpatialFeatures(graphs.mesh2grid, meshNodes, gridNodes, config.mesh2gridEdgeNormalizationFactor);
    return graphs;
}

}  // namespace spreadcast::graphcast
