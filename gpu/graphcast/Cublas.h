#pragma once

// cuBLAS loaded at run time (libcublas.so.13 or .12), never linked, as Cufft.h loads cuFFT:
// spreadcast binaries and the .deb need no CUDA libraries, and the GraphCast GPU executor says
// why it cannot run where cuBLAS is missing. Loaded once per process on first use.

#include "DynamicLibrary.h"

#include <cublas_api.h>

#include <string>

namespace spreadcast::gpu {

class Cublas {
public:
    // The entry points the GraphCast executor uses, with cuBLAS's own signatures.
    struct Api {
        decltype(&::cublasCreate_v2) create = nullptr;
        decltype(&::cublasDestroy_v2) destroy = nullptr;
        decltype(&::cublasSetStream_v2) setStream = nullptr;
        decltype(&::cublasSetMathMode) setMathMode = nullptr;
        decltype(&::cublasGetVersion_v2) getVersion = nullptr;
        // cublas_api.h overloads cublasGemmEx for C++ (a cudaDataType compute type); this is the
        // exported one, with cublasComputeType_t.
        using GemmEx = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                                          const void*, const void*, cudaDataType, int, const void*, cudaDataType, int,
                                          const void*, void*, cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t);
        GemmEx gemmEx = nullptr;
    };

    static const Cublas& instance();

    bool available() const { return available_; }
    // Why cuBLAS cannot be used; empty when available.
    const std::string& unavailableReason() const { return unavailableReason_; }
    const std::string& libraryPath() const { return library_.path(); }
    // The entry points; throws std::runtime_error with unavailableReason() when unavailable.
    const Api& api() const;

    Cublas(const Cublas&) = delete;
    Cublas& operator=(const Cublas&) = delete;

private:
    Cublas();
    ~Cublas() = default;

    DynamicLibrary library_;
    Api api_;
    bool available_ = false;
    std::string unavailableReason_;
};

// "CUBLAS_STATUS_…" for a status code, for messages.
std::string cublasStatusName(cublasStatus_t status);

}  // namespace spreadcast::gpu
