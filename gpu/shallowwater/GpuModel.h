#pragma once

// The shallow-water model on one CUDA GPU, batched over members: the step of
// BatchedShallowWater.h with every functor a kernel, cuFFT for the Fourier part, and steps
// captured once as CUDA graphs (stepsPerGraph steps each) and replayed, so a call of advance()
// queues all its steps without a host round trip. States travel through pinned host buffers once
// per call.

#include "BatchedExecutors.h"
#include "BatchedWorker.h"
#include "GpuError.h"
#include "device/Device.h"
#include "model/ShallowWaterModel.h"

#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace spreadcast::gpu {

// What one batch slot and the model's fixed tables take in device memory, and a slot's pinned
// host staging, bytes.
BatchedFootprint gpuFootprint(const ShallowWaterModel& model);

// Steps captured in one CUDA graph: a launch of the graph queues them all, so the host's launch
// cost (a few µs a graph, more than a small step's kernels at small batches) is paid once per
// this many steps. A call's steps are whole graphs plus one graph of the rest, so outputs fall on
// the steps asked for whatever this is.
inline constexpr int defaultStepsPerGraph = 8;

class GpuModel : public BatchedModel {
public:
    // Allocates room for `capacity` members (rounded up to whole FFT chunks) on `device`; throws
    // GpuError naming the device and CUDA's error when that fails. Steps are replayed from CUDA
    // graphs of `stepsPerGraph` steps (at least 1) unless `useGraphs` is false.
    GpuModel(const ShallowWaterModel& model, int device, int capacity, bool useGraphs = true,
             int stepsPerGraph = defaultStepsPerGraph);
    ~GpuModel() override;
    GpuModel(const GpuModel&) = delete;
    GpuModel& operator=(const GpuModel&) = delete;

    int capacity() const;
    int device() const;
    long long allocatedBytes() const override;
    bool usesGraphs() const;
    int stepsPerGraph() const;
    // Why a step could not be captured as a CUDA graph (its kernels are then launched one by
    // one); empty while graphs work.
    const std::string& graphFailure() const;

    // Advances the members by `steps` in batches of at most capacity(); a member that blows up
    // stops at that step and is reported, the others go on. Throws GpuError.
    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override;
    // The output fields of the members, computed on the device. Throws GpuError.
    std::vector<GridFields> fields(std::span<MemberState* const> members) override;
    std::uint64_t hashState(const MemberState& member) const override;

    // For `spreadcast-cli bench`: loads the members (at most capacity()), runs `warmup` steps (at
    // least one, which captures the graph), then times `steps` steps with CUDA events; returns
    // milliseconds per step of the whole batch. The states are not copied back into the members;
    // throws GpuError when one of them blew up meanwhile.
    double timeSteps(std::span<MemberState* const> members, int warmup, int steps);

    // For `bench`: one step of the members (at most capacity()), each kernel and FFT timed with
    // events (launched one by one, not from the graph); milliseconds per phase, in step order.
    // The step is the CUDA profiler's range (cudaProfilerStart … Stop), for ncu's DRAM figures.
    std::vector<std::pair<std::string, double>> profileStep(std::span<MemberState* const> members);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Device-to-device copy bandwidth of `device`, bytes per second (a 256 MiB cudaMemcpy, read and
// write counted): the roofline's memory ceiling for `bench`. Throws GpuError.
double measureCopyBandwidth(int device);

}  // namespace spreadcast::gpu
