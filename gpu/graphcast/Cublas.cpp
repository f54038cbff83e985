#include "graphcast/Cublas.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace spreadcast::gpu {
const Cublas& Cublas::instance()
{
    // Never destroyed: handles may outlive static destruction order.
    static const Cublas* cublas = new Cublas();
    return *cublas;
}

// cuBLAS 13 (CUDA 13) or 12 (CUDA 12); libcublas needs libcublasLt of the same version, which the
// loader finds next to it (libcublas's RUNPATH is $ORIGIN).
Cublas::Cublas()
    : library_(cudaLibraryCandidates({"libcublas.so.13", "libcublas.so.12"}), DynamicLibrary::Lifetime::KeepLoaded)
{
    if (!library_.loaded()) {
        unavailableReason_ = "cuBLAS (libcublas.so.13 or .12) cannot be loaded; install the CUDA toolkit's cuBLAS "
                             "or set CUDA_HOME (" +
                             library_.error() + ")";
        return;
    }
    std::string missing;
    library_.resolve(api_.create, "cublasCreate_v2", missing);
    library_.resolve(api_.destroy, "cublasDestroy_v2", missing);
    library_.resolve(api_.setStream, "cublasSetStream_v2", missing);
    library_.resolve(api_.setMathMode, "cublasSetMathMode", missing);
    library_.resolve(api_.getVersion, "cublasGetVersion_v2", missing);
    library_.resolve(api_.gemmEx, "cublasGemmEx", missing);
    if (!missing.empty()) {
        unavailableReason_ = library_.path() + " lacks " + missing;
        return;
    }
    available_ = true;
}

const Cublas::Api& Cublas::api() const
{
    if (!available_) {
        throw std::runtime_error(unavailableReason_);
    }
    return api_;
}

std::string cublasStatusName(cublasStatus_t status)
{
    switch (status) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED (out of device memory)";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "cuBLAS status " + std::to_string(static_cast<int>(status));
    }
}

}  // namespace spreadcast::gpu
