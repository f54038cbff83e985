#pragma once

// Small random graphs in the layout of GraphBuilder's (edges sorted by receiver, then sender) for
// the GraphCast network tests: the network's arithmetic does not depend on the geometry, only on
// who sends to whom.

#include "graphcast/GraphCastTypes.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

namespace spreadcast::graphcast::testing {

inline Edges randomEdges(int senders, int receivers, int perReceiverMin, int perReceiverMax, std::mt19937_64& random,
                         int featureSize = 4)
{
    std::uniform_int_distribution<int> count(perReceiverMin, perReceiverMax);
    std::uniform_int_distribution<int> sender(0, senders - 1);
    std::uniform_real_distribution<float> feature(-1.0f, 1.0f);
    std::vector<std::pair<int, int>> pairs;  // (receiver, sender)
    for (int receiver = 0; receiver < receivers; ++receiver) {
        for (int k = count(random); k > 0; --k) {
            pairs.emplace_back(receiver, sender(random));
        }
    }
    std::sort(pairs.begin(), pairs.end());
    Edges edges;
    edges.featureSize = featureSize;
    for (const auto& [receiver, from] : pairs) {
        edges.senders.push_back(from);
        edges.receivers.push_back(receiver);
        for (int i = 0; i < featureSize; ++i) {
            edges.features.push_back(feature(random));
        }
    }
    return edges;
}

inline Graphs randomGraphs(int gridNodes, int meshNodes, std::uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<float> feature(-1.0f, 1.0f);
    Graphs graphs;
    graphs.gridNodes = gridNodes;
    graphs.meshNodes = meshNodes;
    graphs.nodeFeatureSize = 3;
    for (int i = 0; i < 3 * gridNodes; ++i) {
        graphs.gridNodeFeatures.push_back(feature(random));
    }
    for (int i = 0; i < 3 * meshNodes; ++i) {
        graphs.meshNodeFeatures.push_back(feature(random));
    }
    graphs.grid2mesh = randomEdges(gridNodes, meshNodes, 0, 4, random);
    graphs.mesh = randomEdges(meshNodes, meshNodes, 1, 6, random);
    graphs.mesh2grid = randomEdges(meshNodes, gridNodes, 3, 3, random);
    return graphs;
}

inline LatLonGrid regularGrid(double resolution)
{
    LatLonGrid grid;
    const int nlat = static_cast<int>(180.0 / resolution + 0.5) + 1;
    const int nlon = static_cast<int>(360.0 / resolution + 0.5);
    for (int i = 0; i < nlat; ++i) {
        grid.latitudes.push_back(-90.0 + i * resolution);
    }
    for (int j = 0; j < nlon; ++j) {
        grid.longitudes.push_back(j * resolution);
    }
    return grid;
}

}  // namespace spreadcast::graphcast::testing
