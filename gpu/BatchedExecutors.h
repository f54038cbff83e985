#pragma once

// The batched executors of each model, by the model's name (ForecastModel::name()): how to build
// a BatchedModel that steps many members at once, on the host (the host twin, in every build) and
// on a CUDA GPU (in builds with CUDA), and how much device memory a batch takes. The generic parts
// of the GPU backend (GpuDevice, BatchedWorker) only look models up here; each model's own folder
// (gpu/shallowwater/, …) registers its executors.

#include "BatchedWorker.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace spreadcast::gpu {

// What one batch slot and the model's fixed tables take in device memory, and what a slot takes
// in pinned (page-locked) host memory, bytes.
struct BatchedFootprint {
    std::size_t fixedBytes = 0;    // tables, FFT plans' work areas, a network's weights and buffers
    std::size_t perSlotBytes = 0;  // a member's state, scratch, Fourier coefficients and grids;
                                   // 0 where members pass in turn through the fixed buffers
    // The host staging the states and output fields travel through: locked for the model's
    // lifetime, so it is taken from the host memory the scheduler shares out.
    std::size_t pinnedPerSlotBytes = 0;
};

// A batched model on the host with room for `capacity` members.
using HostBatchedFactory = std::function<std::unique_ptr<BatchedModel>(const ForecastModel& model, int capacity)>;

struct GpuBatchedExecutor {
    // A batched model on CUDA device `device` with room for `capacity` members; throws GpuError.
    std::function<std::unique_ptr<BatchedModel>(const ForecastModel& model, int device, int capacity)> make;
    std::function<BatchedFootprint(const ForecastModel& model)> footprint;
    // Batches are sized in multiples of this many members (the executor pads to it anyway).
    int batchGranularity = 1;
    // Why the executor cannot run here (a CUDA library it loads is missing); empty when it can.
    std::function<std::string()> unavailableReason;
};

// Registers (or replaces) a model's executor. Thread-safe.
void registerHostBatchedModel(const std::string& modelName, HostBatchedFactory factory);
void registerGpuBatchedModel(const std::string& modelName, GpuBatchedExecutor executor);

// The model's executors; empty (no value) when none is registered for that name. The host
// executors of the models this build has are registered on first use.
HostBatchedFactory hostBatchedFactory(const std::string& modelName);
std::optional<GpuBatchedExecutor> gpuBatchedExecutor(const std::string& modelName);

}  // namespace spreadcast::gpu
