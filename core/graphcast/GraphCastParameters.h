#pragma once

// Every parameter graphcast.GraphCast creates, by its Haiku key and shape, as its checkpoints
// store them (graphcast.py and deep_typed_graph_net.py at commit 08cf736). The network checks a
// checkpoint against this list before it uses a parameter; tests and benchmarks draw random
// parameters of these shapes.

#include "graphcast/GraphCastTypes.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

// The sizes of the network's inputs and outputs that do not follow from ModelConfig alone.
struct NetworkShape {
    int inputChannels = 0;    // stacked data channels per grid node (inputs and target-time forcings)
    int outputChannels = 0;   // stacked target channels per grid node
    int nodeFeatureSize = 3;  // structural node features (cos lat, cos lon, sin lon)
    int grid2meshEdgeFeatureSize = 4;
    int meshEdgeFeatureSize = 4;
    int mesh2gridEdgeFeatureSize = 4;
};

// "<network>/~_networks_builder/<module>", the scope of one MLP (and its layer norm).
std::string moduleScope(const std::string& network, const std::string& module);

// Key (without "params:") → shape, for every parameter of the network.
std::map<std::string, std::vector<std::int64_t>> expectedParameterShapes(const ModelConfig& config,
                                                                         const NetworkShape& shape);

// Throws spreadcast::InputError naming the first missing parameter or the first of a wrong shape
// (key, expected and found shape, the checkpoint's path), and lists unexpected ones.
void validateParameters(const Checkpoint& checkpoint, const NetworkShape& shape);

// Parameters of the expected shapes: weights uniform with the variance of Haiku's default
// initialiser (truncated normal, stddev 1/sqrt(fan_in)), biases and offsets small, scales near 1.
// Deterministic in seed, for tests and benchmarks.
std::map<std::string, Tensor> randomParameters(const ModelConfig& config, const NetworkShape& shape,
                                               std::uint64_t seed);

}  // namespace spreadcast::graphcast
