#pragma once

// The per-value arithmetic of the GraphCast GPU executor's kernels (GpuGraphCastNetwork.cu), as
// inline functions that compile for the host too, so that machines without a GPU test them
// against the CPU network's own loops (tests/gpu/TestGraphCastKernels.cpp). Under nvcc they are
// __host__ __device__.

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SPREADCAST_GRAPHCAST_HD __host__ __device__
#else
#define SPREADCAST_GRAPHCAST_HD
#endif

namespace spreadcast::gpu::graphcastkernels {

// jax.nn.swish: x · sigmoid(x), written as on the CPU (swishInPlace).
SPREADCAST_GRAPHCAST_HD inline float swish(float x)
{
    return x / (1.0f + expf(-x));
}

// Value (row, column) of [a, b] (rows of widthA and widthB floats); a null a stands for zeros
// (graphcast's mesh nodes enter with zero data channels).
SPREADCAST_GRAPHCAST_HD inline float concatValue(const float* a, int widthA, const float* b, int widthB, long long row,
                                                 int column)
{
    if (column < widthA) {
        return a ? a[row * widthA + column] : 0.0f;
    }
    return b[row * widthB + (column - widthA)];
}

// One value of an edge's first-layer pre-activation from per-node projections: with accumulate,
// base + (sender + receiver) (the processor's edges: base holds bias + edge·W_e); otherwise
// (base + sender) + receiver (base the static part). Either projection may be absent (null).
// The receiver projection's rows start at receiverBase. The orders are the CPU network's.
SPREADCAST_GRAPHCAST_HD inline float edgeFirstLayer(float base, bool accumulate, const float* senderPart,
                                                    const std::int32_t* senders, const float* receiverPart,
                                                    const std::int32_t* receivers, int receiverBase, long long edge,
                                                    int column, int width)
{
    const float sender = senderPart ? senderPart[static_cast<long long>(senders[edge]) * width + column] : 0.0f;
    const float receiver =
        receiverPart ? receiverPart[static_cast<long long>(receivers[edge] - receiverBase) * width + column] : 0.0f;
    return accumulate ? base + (sender + receiver) : (base + sender) + receiver;
}

// Σ over the receiver's edges, in edge order, of column `column` of the block's edge rows (the
// block starts at edge firstEdge): ReceiverBlocks::sumBlock's order.
SPREADCAST_GRAPHCAST_HD inline float receiverSum(const float* blockEdgeRows, int width, const long long* edgeOffsets,
                                                 int receiver, long long firstEdge, int column)
{
    float sum = 0.0f;
    for (long long edge = edgeOffsets[receiver]; edge < edgeOffsets[receiver + 1]; ++edge) {
        sum += blockEdgeRows[(edge - firstEdge) * width + column];
    }
    return sum;
}

// hk.LayerNorm: 1 / sqrt(var + 1e-5) from the sum of squared deviations (double) of `width` values.
SPREADCAST_GRAPHCAST_HD inline float inverseDeviation(double squares, int width)
{
    return static_cast<float>(1.0 / sqrt(squares / width + 1e-5));
}

SPREADCAST_GRAPHCAST_HD inline float normalized(float x, float mean, float inverse, float scale, float offset)
{
    return scale * inverse * (x - mean) + offset;
}

}  // namespace spreadcast::gpu::graphcastkernels
