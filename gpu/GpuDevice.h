#pragma once

// The CUDA backend as core's Device: one device (and controller thread) per GPU worker, each
// with its own batched model (made by the GPU executor its forecast model registered under its
// name, BatchedExecutors.h), stream and NVML sampler.

#include "device/Device.h"
#include "device/GpuInventory.h"

#include <memory>
#include <string>
#include <vector>

namespace spreadcast::gpu {

// The most members one GPU worker runs at once; more members of a run queue for its next batch.
inline constexpr int maximumGpuBatch = 256;

// The selected GPUs that can run `model` (every usable GPU when `selected` is empty; a GPU listed
// twice gets two workers that share its memory), each with the batch that fits its free memory.
// Says in `notes` why a GPU cannot be used, or that the model has no GPU executor (then there
// is none). Throws InputError for a GPU index that does not exist.
std::vector<std::unique_ptr<Device>> makeGpuDevices(const std::vector<int>& selected, const ForecastModel& model,
                                                    std::vector<std::string>& notes);

// A device of one GPU with an explicit batch and worker name, for the selftest and the bench.
std::unique_ptr<Device> makeGpuDevice(const GpuDescription& gpu, int worker, int batch);

}  // namespace spreadcast::gpu
