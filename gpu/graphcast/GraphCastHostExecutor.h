#pragma once

// The host twin of the GraphCast GPU executor: the executor and storage of GraphCastPass.h on the
// CPU, each operation the loop of the kernel's arithmetic (GraphCastKernels.h) and each GEMM an
// sgemm (graphcast::multiplyRows) — with bf16 operands rounded as the GPU rounds them. It runs the
// GPU's sequence of operations where there is no GPU, for tests; it is not a fast executor.

#include "graphcast/GraphCastKernels.h"
#include "graphcast/GraphCastMlp.h"
#include "graphcast/GraphCastPass.h"

#include <cmath>
#include <cstdint>
#include <list>
#include <vector>

namespace spreadcast::gpu {

class GraphCastHostStorage {
public:
    template <class T>
    T* allocate(std::size_t count, const char*)
    {
        const std::size_t bytes = std::max<std::size_t>(1, count) * sizeof(T);
        blocks_.emplace_back(bytes);
        allocatedBytes_ += bytes;
        return reinterpret_cast<T*>(blocks_.back().data());
    }
    template <class T>
    T* upload(const std::vector<T>& values, const char* what)
    {
        T* pointer = allocate<T>(values.size(), what);
        std::copy(values.begin(), values.end(), pointer);
        return pointer;
    }
    void release(const void* pointer)
    {
        blocks_.remove_if([&](const Block& block) {
            if (block.data() != pointer) {
                return false;
            }
            allocatedBytes_ -= block.bytes;
            return true;
        });
    }
    // What is allocated now, as the GPU storage would hold it.
    std::size_t allocatedBytes() const { return allocatedBytes_; }

private:
    // Storage of 16-byte alignment for every element type.
    struct Block {
        explicit Block(std::size_t size) : bytes(size), storage((size + 15) / 16) {}
        void* data() { return storage.data(); }
        const void* data() const { return storage.data(); }
        struct alignas(16) Chunk {
            unsigned char bytes[16];
        };
        std::size_t bytes;
        std::vector<Chunk> storage;
    };
    std::list<Block> blocks_;
    std::size_t allocatedBytes_ = 0;
};

class GraphCastHostExecutor {
public:
    void fillRows(float* out, const float* row, int width, long long rows)
    {
        for (long long i = 0; i < rows * width; ++i) {
            out[i] = row[i % width];
        }
    }
    void add(float* out, const float* a, const float* b, long long count)
    {
        for (long long i = 0; i < count; ++i) {
            out[i] = a[i] + b[i];
        }
    }
    void concat(float* out, const float* a, int widthA, const float* b, int widthB, long long rows)
    {
        const int width = widthA + widthB;
        for (long long i = 0; i < rows * width; ++i) {
            out[i] = graphcastkernels::concatValue(a, widthA, b, widthB, i / width, static_cast<int>(i % width));
        }
    }
    void gatherAdd(float* pre, int width, long long edges, bool accumulate, const float* fixed, const float* senderRows,
                   const std::int32_t* senders, const float* receiverRows, const std::int32_t* receivers,
                   int receiverBase)
    {
        for (long long i = 0; i < edges * width; ++i) {
            pre[i] = graphcastkernels::edgeFirstLayer(accumulate ? pre[i] : fixed[i], accumulate, senderRows, senders,
                                                      receiverRows, receivers, receiverBase, i / width,
                                                      static_cast<int>(i % width), width);
        }
    }
    void segmentSum(const long long* offsets, int firstReceiver, int receivers, long long firstEdge,
                    const float* blockEdgeRows, int width, float* out)
    {
        for (long long i = 0; i < static_cast<long long>(receivers) * width; ++i) {
            out[i] = graphcastkernels::receiverSum(blockEdgeRows, width, offsets,
                                                   firstReceiver + static_cast<int>(i / width), firstEdge,
                                                   static_cast<int>(i % width));
        }
    }
    void swish(float* values, long long count)
    {
        for (long long i = 0; i < count; ++i) {
            values[i] = graphcastkernels::swish(values[i]);
        }
    }
    // The kernel's warp: 32 lanes of strided partial sums in double, then the shuffle tree.
    void layerNorm(float* rows, int rowCount, int width, const float* scale, const float* offset)
    {
        for (long long r = 0; r < rowCount; ++r) {
            float* x = rows + r * width;
            const double mean = warpSum(x, width, 0.0, false) / width;
            const double squares = warpSum(x, width, mean, true);
            const float inverse = graphcastkernels::inverseDeviation(squares, width);
            const auto meanF = static_cast<float>(mean);
            for (int i = 0; i < width; ++i) {
                x[i] = graphcastkernels::normalized(x[i], meanF, inverse, scale[i], offset[i]);
            }
        }
    }
    void copy(float* target, const float* source, long long count) { std::copy(source, source + count, target); }
    void synchronize() {}
    void gemm(const float* a, int rows, int k, const float* w, const std::uint16_t* wHalf, int n, float* c,
              bool accumulate, GraphCastPrecision precision)
    {
        if (precision == GraphCastPrecision::Float32) {
            graphcast::multiplyRows(a, rows, k, w, n, c, accumulate);
            return;
        }
        std::vector<float> aRounded(static_cast<std::size_t>(rows) * static_cast<std::size_t>(k));
        for (std::size_t i = 0; i < aRounded.size(); ++i) {
            aRounded[i] = bfloat16Value(bfloat16Bits(a[i]));
        }
        std::vector<float> wRounded(static_cast<std::size_t>(k) * static_cast<std::size_t>(n));
        for (std::size_t i = 0; i < wRounded.size(); ++i) {
            wRounded[i] = bfloat16Value(wHalf[i]);
        }
        graphcast::multiplyRows(aRounded.data(), rows, k, wRounded.data(), n, c, accumulate);
    }

private:
    static double warpSum(const float* x, int width, double mean, bool squared)
    {
        double lanes[32];
        for (int lane = 0; lane < 32; ++lane) {
            double sum = 0.0;
            for (int i = lane; i < width; i += 32) {
                const double value = squared ? (x[i] - mean) * (x[i] - mean) : x[i];
                sum += value;
            }
            lanes[lane] = sum;
        }
        for (int shift = 16; shift > 0; shift /= 2) {
            double next[32];
            for (int lane = 0; lane < 32; ++lane) {
                next[lane] = lanes[lane] + lanes[lane ^ shift];
            }
            std::copy(next, next + 32, lanes);
        }
        return lanes[0];
    }
};

}  // namespace spreadcast::gpu
