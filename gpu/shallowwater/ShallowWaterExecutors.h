#pragma once

// The shallow-water model's batched executors, registered under its name (BatchedExecutors.h).

namespace spreadcast::gpu {

// The host twin (HostBatchedModel); every build has it.
void registerShallowWaterHostExecutor();
// The CUDA model (GpuModel), with its footprint; only builds with CUDA define it.
void registerShallowWaterGpuExecutor();

}  // namespace spreadcast::gpu
