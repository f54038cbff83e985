#pragma once

#include "device/GpuInventory.h"

namespace spreadcast::gpu {

// The oldest compute capability Spreadcast runs on: the build has code for sm_80 (A100) and
// sm_90 (H100) only, and its kernels may use what 8.0 brought (bf16, async copies).
inline constexpr int minimumComputeCapabilityMajor = 8;
inline constexpr int minimumComputeCapabilityMinor = 0;

// Registers discoverCudaGpus with core (registerGpuDiscovery). Call once at start-up, before
// anything asks core which devices there are.
void registerBackend();

// The CUDA GPUs this process can run members on, and a note for each GPU skipped or library missing
// (no driver, compute capability too old, NVML or NCCL not found, …). Never throws: a machine without
// a driver or a GPU yields no GPUs and a note saying why. Leaves the calling thread's current device
// as it was; creates the primary context of each usable GPU (needed to read its free memory).
GpuInventory discoverCudaGpus();

}  // namespace spreadcast::gpu
