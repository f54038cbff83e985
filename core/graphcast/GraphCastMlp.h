#pragma once

// The MLPs of graphcast's DeepTypedGraphNet (deep_typed_graph_net.py at commit 08cf736): a Haiku
// hk.nets.MLP (Linear → swish → … → Linear, no activation after the last layer), followed by an
// hk.LayerNorm over the feature axis (eps 1e-5, learned scale and offset) everywhere but the
// decoder's output MLP. Rows are nodes or edges, features contiguous (row-major).

#include "graphcast/GraphCastTypes.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

// hk.Linear: y = x · w + b, w stored [in, out] row-major as in the checkpoint.
struct Linear {
    int inputSize = 0;
    int outputSize = 0;
    std::vector<float> weights;
    std::vector<float> bias;
};

// rows × n = (rows × k) · (k × n), optionally added to what c holds (OpenBLAS sgemm, row-major).
void multiplyRows(const float* a, int rows, int k, const float* b, int n, float* c, bool accumulate);

// x · sigmoid(x) in place (jax.nn.swish).
void swishInPlace(float* values, std::int64_t count);

// hk.LayerNorm(axis=-1, create_scale=True, create_offset=True, eps=1e-5) of each row in place:
// scale · (x − mean) / sqrt(var + eps) + offset, var the biased variance (jnp.var).
void layerNormRowsInPlace(float* rows, int rowCount, int width, const float* scale, const float* offset);

class Mlp {
public:
    Mlp() = default;
    // Reads `<scope>_mlp/~/linear_<i>:{w,b}` and, with layerNorm, `<scope>_layer_norm:{scale,offset}`
    // from params (keys without the "params:" prefix). The shapes must have been validated.
    Mlp(const std::map<std::string, Tensor>& params, const std::string& scope, bool layerNorm);

    int inputSize() const { return layers_.front().inputSize; }
    int outputSize() const { return layers_.back().outputSize; }
    int hiddenSize() const { return layers_.front().outputSize; }
    const Linear& firstLayer() const { return layers_.front(); }

    // Floats of scratch that apply() needs for `rows` rows.
    std::int64_t scratchFloats(int rows) const;

    // out (rows × outputSize) = MLP(x (rows × inputSize)).
    void apply(const float* x, int rows, float* out, float* scratch) const;

    // The same, from the first layer's output x · w₀ + b₀ already in firstLayerOutput (rows ×
    // hiddenSize, overwritten): for edges, whose first layer is summed from per-node projections.
    void applyAfterFirstLayer(float* firstLayerOutput, int rows, float* out, float* scratch) const;

    // Multiply–add operations ×2 of the GEMMs of apply() for `rows` rows.
    double flops(std::int64_t rows) const;
    // The same without the first layer, for applyAfterFirstLayer().
    double flopsAfterFirstLayer(std::int64_t rows) const;

private:
    std::vector<Linear> layers_;
    bool layerNorm_ = false;
    std::vector<float> scale_;
    std::vector<float> offset_;
};

}  // namespace spreadcast::graphcast
