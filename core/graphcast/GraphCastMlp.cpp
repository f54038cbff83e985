#include "graphcast/GraphCastMlp.h"

#include <cblas.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace spreadcast::graphcast {

void multiplyRows(const float* a, int rows, int k, const float* b, int n, float* c, bool accumulate)
{
    if (rows == 0 || n == 0) {
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0f, a, k, b, n, accumulate ? 1.0f : 0.0f, c,
                n);
}

namespace {

// e^x for float32 as Cephes' expf computes it (range reduction by ln 2 in two parts, a degree-6
// polynomial, the power of two put into the exponent bits): within 2 units in the last place of
// std::exp, and written without calls or branches so that the swish loop vectorises. The swish
// of the activations costs as much as a tenth of the GEMMs with std::exp.
inline float exponential(float x)
{
    x = std::min(std::max(x, -87.0f), 88.0f);
    constexpr float log2e = 1.44269504088896341f;
    constexpr float roundingShift = 12582912.0f;  // 1.5 · 2²³: adding and removing it rounds to an integer
    const float k = (x * log2e + roundingShift) - roundingShift;
    const float r = (x - k * 0.693359375f) + k * 2.12194440e-4f;  // x − k ln 2, ln 2 in two parts
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const std::int32_t exponentBits = (static_cast<std::int32_t>(k) + 127) << 23;
    return p * std::bit_cast<float>(exponentBits);
}

}  // namespace

void swishInPlace(float* values, std::int64_t count)
{
    for (std::int64_t i = 0; i < count; ++i) {
        const float x = values[i];
        values[i] = x / (1.0f + exponential(-x));
    }
}

void layerNormRowsInPlace(float* rows, int rowCount, int width, const float* scale, const float* offset)
{
    constexpr double epsilon = 1e-5;  // hk.LayerNorm's default
    for (int row = 0; row < rowCount; ++row) {
        float* x = rows + static_cast<std::int64_t>(row) * width;
        double sum = 0.0;
        for (int i = 0; i < width; ++i) {
            sum += x[i];
        }
        const double mean = sum / width;
        double squares = 0.0;
        for (int i = 0; i < width; ++i) {
            const double deviation = x[i] - mean;
            squares += deviation * deviation;
        }
        const float inverse = static_cast<float>(1.0 / std::sqrt(squares / width + epsilon));
        const float meanF = static_cast<float>(mean);
        for (int i = 0; i < width; ++i) {
            x[i] = scale[i] * inverse * (x[i] - meanF) + offset[i];
        }
    }
}

namespace {

Linear readLinear(const std::map<std::string, Tensor>& params, const std::string& key)
{
    const Tensor& w = params.at(key + ":w");
    const Tensor& b = params.at(key + ":b");
    Linear linear;
    linear.inputSize = static_cast<int>(w.shape.at(0));
    linear.outputSize = static_cast<int>(w.shape.at(1));
    linear.weights = w.values;
    linear.bias = b.values;
    return linear;
}

void applyLinear(const Linear& layer, const float* x, int rows, float* out)
{
    for (int row = 0; row < rows; ++row) {
        std::memcpy(out + static_cast<std::int64_t>(row) * layer.outputSize, layer.bias.data(),
                    sizeof(float) * static_cast<std::size_t>(layer.outputSize));
    }
    multiplyRows(x, rows, layer.inputSize, layer.weights.data(), layer.outputSize, out, true);
}

}  // namespace

Mlp::Mlp(const std::map<std::string, Tensor>& params, const std::string& scope, bool layerNorm) : layerNorm_(layerNorm)
{
    for (int index = 0;; ++index) {
        const std::string key = scope + "_mlp/~/linear_" + std::to_string(index);
        if (!params.contains(key + ":w")) {
            break;
        }
        layers_.push_back(readLinear(params, key));
    }
    if (layers_.empty()) {
        throw std::invalid_argument("no layers for MLP " + scope);
    }
    if (layerNorm_) {
        scale_ = params.at(scope + "_layer_norm:scale").values;
        offset_ = params.at(scope + "_layer_norm:offset").values;
    }
}

std::int64_t Mlp::scratchFloats(int rows) const
{
    int widest = 0;
    for (const Linear& layer : layers_) {
        widest = std::max(widest, layer.outputSize);
    }
    return 2 * static_cast<std::int64_t>(rows) * widest;
}

void Mlp::apply(const float* x, int rows, float* out, float* scratch) const
{
    if (layers_.size() == 1) {
        applyLinear(layers_.front(), x, rows, out);
        if (layerNorm_) {
            layerNormRowsInPlace(out, rows, outputSize(), scale_.data(), offset_.data());
        }
        return;
    }
    const std::int64_t half = scratchFloats(rows) / 2;
    applyLinear(layers_.front(), x, rows, scratch + half);
    applyAfterFirstLayer(scratch + half, rows, out, scratch);
}

void Mlp::applyAfterFirstLayer(float* firstLayerOutput, int rows, float* out, float* scratch) const
{
    const std::int64_t half = scratchFloats(rows) / 2;
    float* current = firstLayerOutput;
    for (std::size_t index = 1; index < layers_.size(); ++index) {
        const Linear& previous = layers_[index - 1];
        swishInPlace(current, static_cast<std::int64_t>(rows) * previous.outputSize);
        const bool last = index + 1 == layers_.size();
        float* next = last ? out : (current == scratch ? scratch + half : scratch);
        applyLinear(layers_[index], current, rows, next);
        current = next;
    }
    if (layers_.size() == 1) {
        std::memcpy(out, firstLayerOutput, sizeof(float) * static_cast<std::size_t>(rows) * outputSize());
    }
    if (layerNorm_) {
        layerNormRowsInPlace(out, rows, outputSize(), scale_.data(), offset_.data());
    }
}

double Mlp::flops(std::int64_t rows) const
{
    double total = 0.0;
    for (const Linear& layer : layers_) {
        total += 2.0 * static_cast<double>(rows) * layer.inputSize * layer.outputSize;
    }
    return total;
}

double Mlp::flopsAfterFirstLayer(std::int64_t rows) const
{
    const Linear& first = layers_.front();
    return flops(rows) - 2.0 * static_cast<double>(rows) * first.inputSize * first.outputSize;
}

}  // namespace spreadcast::graphcast
