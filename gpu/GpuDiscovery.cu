// The one piece of discovery that needs device code: whether this build carries a kernel image
// (SASS, or PTX the driver can compile) for the current device. Kept tiny: CI compiles with 2 cores.
#include <cuda_runtime.h>

namespace spreadcast::gpu {
namespace {

__global__ void kernelImageProbe() {}

}  // namespace

cudaError_t checkKernelImageForCurrentDevice()
{
    cudaFuncAttributes attributes{};
    return cudaFuncGetAttributes(&attributes, kernelImageProbe);
}

}  // namespace spreadcast::gpu
