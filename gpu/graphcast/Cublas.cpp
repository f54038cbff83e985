#include "graphcast/Cublas.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace spreadcast::gpu {
namespace {

// The sonames of cuBLAS 13 (CUDA 13) and 12 (CUDA 12), found the way the loader finds them, then
// in the CUDA toolkit's usual places. libcublas needs libcublasLt of the same version, which the
// loader finds next to it (libcublas's RUNPATH is $ORIGIN).
std::vector<std::string> candidates()
{
    const std::vector<std::string> names = {"libcublas.so.13", "libcublas.so.12"};
    std::vector<std::string> folders;
    for (const char* variable : {"CUDA_HOME", "CUDA_PATH"}) {
        if (const char* value = std::getenv(variable); value && *value) {
            folders.push_back(std::string(value) + "/lib64");
        }
    }
    folders.push_back("/usr/local/cuda/lib64");
    folders.push_back("/usr/local/cuda/targets/x86_64-linux/lib");
    std::vector<std::string> result = names;
    for (const std::string& folder : folders) {
        for (const std::string& name : names) {
            result.push_back(folder + "/" + name);
        }
    }
    return result;
}

template <typename Function>
void resolve(const DynamicLibrary& library, Function& function, const char* name, std::string& missing)
{
    function = library.symbol<Function>(name);
    if (!function) {
        missing += missing.empty() ? name : std::string(", ") + name;
    }
}

}  // namespace

const Cublas& Cublas::instance()
{
    // Never destroyed: handles may outlive static destruction order.
    static const Cublas* cublas = new Cublas();
    return *cublas;
}

Cublas::Cublas() : library_(candidates(), DynamicLibrary::Lifetime::KeepLoaded)
{
    if (!library_.loaded()) {
        unavailableReason_ = "cuBLAS (libcublas.so.13 or .12) cannot be loaded; install the CUDA toolkit's cuBLAS "
                             "or set CUDA_HOME (" +
                             library_.error() + ")";
        return;
    }
    std::string missing;
    resolve(library_, api_.create, "cublasCreate_v2", missing);
    resolve(library_, api_.destroy, "cublasDestroy_v2", missing);
    resolve(library_, api_.setStream, "cublasSetStream_v2", missing);
    resolve(library_, api_.setMathMode, "cublasSetMathMode", missing);
    resolve(library_, api_.getVersion, "cublasGetVersion_v2", missing);
    resolve(library_, api_.gemmEx, "cublasGemmEx", missing);
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
