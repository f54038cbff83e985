#pragma once

// GraphCast's batched executors, registered under its name ("graphcast", BatchedExecutors.h).

#include "BatchedExecutors.h"
#include "graphcast/GraphCastModel.h"
#include "graphcast/GraphCastPass.h"

#include <cstddef>

namespace spreadcast::gpu {

// The host batched model: GraphCastBatchedModel on the CPU network, bit for bit the CPU backend's
// members (for the controller's tests of batched devices); every build has it.
void registerGraphCastHostExecutor();
// The CUDA executor (GpuGraphCastNetwork, float32), with its footprint; only builds with CUDA
// define it.
void registerGraphCastGpuExecutor();
// The CUDA executor's batched model on CUDA device `device` (float32); throws GpuError. Only
// builds with CUDA define it (the selftest runs it against the host one).
std::unique_ptr<BatchedModel> makeGpuGraphCastBatchedModel(const graphcast::GraphCastModel& model, int device);

// Device memory of the CUDA executor for a model of these sizes (graphCastGpuMemory): the fixed
// part is the parameters, graphs, static parts, one pass's working buffers and the one member's
// inputs and outputs the pass reads and writes; members pass in turn through those, so a slot of a
// batch holds nothing on the device and costs nothing there. The CUDA context and cuBLAS's
// workspace come on top; the tenth of free memory the backend leaves aside covers them.
BatchedFootprint graphCastGpuFootprint(const graphcast::GraphCastModel& model);

// The sizes of the model's network: its config, task channels and graphs.
GraphCastSizes graphCastModelSizes(const graphcast::GraphCastModel& model);

}  // namespace spreadcast::gpu
