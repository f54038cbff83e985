#pragma once

// GraphCast's three graphs for a model configuration and a grid: grid→mesh, the multimesh and
// mesh→grid, with their structural features, as graphcast.GraphCast builds them in
// _init_mesh_properties, _init_grid_properties, _init_grid2mesh_graph, _init_mesh_graph and
// _init_mesh2grid_graph (google-deepmind/graphcast, commit 08cf736, graphcast/graphcast.py).
//
// Mesh node i is graphcast's mesh node i and grid node latIndex · nlon + lonIndex is graphcast's
// grid node. Edges are sorted by receiver, then sender, so that a sum into a receiver always adds
// its terms in the same order; graphcast lists edges in another order, which changes only the
// order of those sums. Building takes about 0.3 s of CPU at 1° (mesh 5) and 7 s at 0.25° (mesh 6);
// GraphCache keeps them.

#include "graphcast/GraphCastTypes.h"

namespace spreadcast::graphcast {

// Throws std::invalid_argument for a negative mesh size or a radius fraction that is not positive.
Graphs buildGraphs(const ModelConfig& config, const LatLonGrid& grid);

}  // namespace spreadcast::graphcast
