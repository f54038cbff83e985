#include "graphcast/GraphCastParameters.h"

#include "run/InputError.h"

#include <cmath>
#include <random>
#include <sstream>

namespace spreadcast::graphcast {

namespace {

using Shapes = std::map<std::string, std::vector<std::int64_t>>;

void addMlp(Shapes& shapes, const std::string& scope, const ModelConfig& config, std::int64_t inputSize,
            std::int64_t outputSize, bool layerNorm)
{
    std::int64_t in = inputSize;
    const std::int64_t hidden = config.latentSize;  // graphcast: mlp_hidden_size = latent_size
    for (int layer = 0; layer <= config.hiddenLayers; ++layer) {
        const bool last = layer == config.hiddenLayers;
        const std::int64_t out = last ? outputSize : hidden;
        const std::string key = scope + "_mlp/~/linear_" + std::to_string(layer);
        shapes[key + ":w"] = {in, out};
        shapes[key + ":b"] = {out};
        in = out;
    }
    if (layerNorm) {
        shapes[scope + "_layer_norm:scale"] = {outputSize};
        shapes[scope + "_layer_norm:offset"] = {outputSize};
    }
}

std::string describe(const std::vector<std::int64_t>& shape)
{
    std::ostringstream text;
    text << '[';
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text << (i ? ", " : "") << shape[i];
    }
    text << ']';
    return text.str();
}

}  // namespace

std::string moduleScope(const std::string& network, const std::string& module)
{
    return network + "/~_networks_builder/" + module;
}

Shapes expectedParameterShapes(const ModelConfig& config, const NetworkShape& shape)
{
    const std::int64_t latent = config.latentSize;
    const std::int64_t nodeInput = shape.inputChannels + shape.nodeFeatureSize;
    Shapes shapes;
    // grid2mesh_gnn: embeds grid nodes, mesh nodes (zeros + structure) and grid2mesh edges, one step.
    const std::string g2m = "grid2mesh_gnn";
    addMlp(shapes, moduleScope(g2m, "encoder_nodes_grid_nodes"), config, nodeInput, latent, true);
    addMlp(shapes, moduleScope(g2m, "encoder_nodes_mesh_nodes"), config, nodeInput, latent, true);
    addMlp(shapes, moduleScope(g2m, "encoder_edges_grid2mesh"), config, shape.grid2meshEdgeFeatureSize, latent, true);
    addMlp(shapes, moduleScope(g2m, "processor_edges_0_grid2mesh"), config, 3 * latent, latent, true);
    addMlp(shapes, moduleScope(g2m, "processor_nodes_0_grid_nodes"), config, latent, latent, true);
    addMlp(shapes, moduleScope(g2m, "processor_nodes_0_mesh_nodes"), config, 2 * latent, latent, true);
    // mesh_gnn: embeds the multimesh edges, gnn_msg_steps unshared steps.
    const std::string mesh = "mesh_gnn";
    addMlp(shapes, moduleScope(mesh, "encoder_edges_mesh"), config, shape.meshEdgeFeatureSize, latent, true);
    for (int step = 0; step < config.gnnMsgSteps; ++step) {
        const std::string index = std::to_string(step);
        addMlp(shapes, moduleScope(mesh, "processor_edges_" + index + "_mesh"), config, 3 * latent, latent, true);
        addMlp(shapes, moduleScope(mesh, "processor_nodes_" + index + "_mesh_nodes"), config, 2 * latent, latent, true);
    }
    // mesh2grid_gnn: embeds mesh2grid edges, one step, decodes grid nodes (no layer norm).
    const std::string m2g = "mesh2grid_gnn";
    addMlp(shapes, moduleScope(m2g, "encoder_edges_mesh2grid"), config, shape.mesh2gridEdgeFeatureSize, latent, true);
    addMlp(shapes, moduleScope(m2g, "processor_edges_0_mesh2grid"), config, 3 * latent, latent, true);
    addMlp(shapes, moduleScope(m2g, "processor_nodes_0_grid_nodes"), config, 2 * latent, latent, true);
    addMlp(shapes, moduleScope(m2g, "processor_nodes_0_mesh_nodes"), config, latent, latent, true);
    addMlp(shapes, moduleScope(m2g, "decoder_nodes_grid_nodes"), config, latent, shape.outputChannels, false);
    return shapes;
}

void validateParameters(const Checkpoint& checkpoint, const NetworkShape& shape)
{
    const std::string where = checkpoint.path.empty() ? std::string("the checkpoint") : "checkpoint " + checkpoint.path;
    const Shapes expected = expectedParameterShapes(checkpoint.modelConfig, shape);
    for (const auto& [key, expectedShape] : expected) {
        const auto found = checkpoint.params.find(key);
        if (found == checkpoint.params.end()) {
            throw InputError(where + " has no parameter 'params:" + key + "' (expected shape " +
                             describe(expectedShape) +
                             "); it is not a GraphCast checkpoint of this configuration (latent size " +
                             std::to_string(checkpoint.modelConfig.latentSize) + ", " +
                             std::to_string(checkpoint.modelConfig.gnnMsgSteps) + " message steps)");
        }
        const Tensor& tensor = found->second;
        if (tensor.shape != expectedShape) {
            throw InputError(where + ": parameter 'params:" + key + "' has shape " + describe(tensor.shape) +
                             ", expected " + describe(expectedShape) +
                             " from the model configuration, the task's variables and levels and the graphs");
        }
        if (static_cast<std::int64_t>(tensor.values.size()) != tensor.size()) {
            throw InputError(where + ": parameter 'params:" + key + "' holds " + std::to_string(tensor.values.size()) +
                             " values for shape " + describe(tensor.shape));
        }
    }
    for (const auto& [key, tensor] : checkpoint.params) {
        if (!expected.contains(key)) {
            throw InputError(where + " has a parameter 'params:" + key + "' of shape " + describe(tensor.shape) +
                             " that GraphCast with this configuration does not have (message steps " +
                             std::to_string(checkpoint.modelConfig.gnnMsgSteps) + ", hidden layers " +
                             std::to_string(checkpoint.modelConfig.hiddenLayers) + ")");
        }
    }
}

std::map<std::string, Tensor> randomParameters(const ModelConfig& config, const NetworkShape& shape, std::uint64_t seed)
{
    std::mt19937_64 generator(seed);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    std::map<std::string, Tensor> params;
    for (const auto& [key, tensorShape] : expectedParameterShapes(config, shape)) {
        Tensor tensor;
        tensor.shape = tensorShape;
        tensor.values.resize(static_cast<std::size_t>(tensor.size()));
        const bool isWeight = key.ends_with(":w");
        const bool isScale = key.ends_with(":scale");
        // Uniform on [−a, a] has variance a²/3: a = sqrt(3/fan_in) gives variance 1/fan_in.
        const double amplitude = isWeight ? std::sqrt(3.0 / static_cast<double>(tensorShape[0])) : 0.1;
        for (float& value : tensor.values) {
            value = static_cast<float>((isScale ? 1.0 : 0.0) + amplitude * unit(generator));
        }
        params.emplace(key, std::move(tensor));
    }
    return params;
}

}  // namespace spreadcast::graphcast
