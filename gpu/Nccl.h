#pragma once

#include "DynamicLibrary.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <memory>
#include <string>

// NCCL's types. NCCL itself is loaded at run time, never linked, so that binaries start on
// machines without it; its header is used for the types when the build machine has it, and
// otherwise the same declarations from NCCL's stable ABI (soname libnccl.so.2) stand in.
#if __has_include(<nccl.h>)
#include <nccl.h>
#define SPREADCAST_HAVE_NCCL_HEADER 1
#else
extern "C" {
typedef struct ncclComm* ncclComm_t;
typedef struct {
    char internal[128];
} ncclUniqueId;
typedef enum {
    ncclSuccess = 0,
    ncclUnhandledCudaError = 1,
    ncclSystemError = 2,
    ncclInternalError = 3,
    ncclInvalidArgument = 4,
    ncclInvalidUsage = 5,
    ncclRemoteError = 6,
    ncclInProgress = 7,
    ncclNumResults = 8
} ncclResult_t;
typedef enum { ncclSum = 0, ncclProd = 1, ncclMax = 2, ncclMin = 3, ncclAvg = 4 } ncclRedOp_t;
typedef enum {
    ncclInt8 = 0,
    ncclChar = 0,
    ncclUint8 = 1,
    ncclInt32 = 2,
    ncclInt = 2,
    ncclUint32 = 3,
    ncclInt64 = 4,
    ncclUint64 = 5,
    ncclFloat16 = 6,
    ncclHalf = 6,
    ncclFloat32 = 7,
    ncclFloat = 7,
    ncclFloat64 = 8,
    ncclDouble = 8,
    ncclBfloat16 = 9
} ncclDataType_t;
}
#endif

namespace spreadcast::gpu {

// NCCL loaded at run time from libnccl.so.2: once per process on first use, kept for the life of
// the process. Thread-safe to query; the entry points follow NCCL's own threading rules.
//
// Determinism (DESIGN.md, contract 3): a floating-point ncclAllReduce sums in an order that follows
// placement, so statistics must not use one; gather in member order, or reduce 64-bit fixed point
// (ncclInt64 sums are associative).
class Nccl {
public:
    // The entry points we use, resolved from the library; all set when available().
    struct Api {
        ncclResult_t (*getVersion)(int*) = nullptr;
        const char* (*getErrorString)(ncclResult_t) = nullptr;
        ncclResult_t (*getUniqueId)(ncclUniqueId*) = nullptr;
        ncclResult_t (*commInitRank)(ncclComm_t*, int, ncclUniqueId, int) = nullptr;
        ncclResult_t (*commInitAll)(ncclComm_t*, int, const int*) = nullptr;
        ncclResult_t (*commDestroy)(ncclComm_t) = nullptr;
        ncclResult_t (*commAbort)(ncclComm_t) = nullptr;
        ncclResult_t (*commGetAsyncError)(ncclComm_t, ncclResult_t*) = nullptr;
        ncclResult_t (*commCount)(ncclComm_t, int*) = nullptr;
        ncclResult_t (*commCuDevice)(ncclComm_t, int*) = nullptr;
        ncclResult_t (*commUserRank)(ncclComm_t, int*) = nullptr;
        ncclResult_t (*allReduce)(const void*, void*, std::size_t, ncclDataType_t, ncclRedOp_t, ncclComm_t,
                                  cudaStream_t) = nullptr;
        ncclResult_t (*reduce)(const void*, void*, std::size_t, ncclDataType_t, ncclRedOp_t, int, ncclComm_t,
                               cudaStream_t) = nullptr;
        ncclResult_t (*broadcast)(const void*, void*, std::size_t, ncclDataType_t, int, ncclComm_t,
                                  cudaStream_t) = nullptr;
        ncclResult_t (*allGather)(const void*, void*, std::size_t, ncclDataType_t, ncclComm_t, cudaStream_t) = nullptr;
        ncclResult_t (*reduceScatter)(const void*, void*, std::size_t, ncclDataType_t, ncclRedOp_t, ncclComm_t,
                                      cudaStream_t) = nullptr;
        ncclResult_t (*send)(const void*, std::size_t, ncclDataType_t, int, ncclComm_t, cudaStream_t) = nullptr;
        ncclResult_t (*recv)(void*, std::size_t, ncclDataType_t, int, ncclComm_t, cudaStream_t) = nullptr;
        ncclResult_t (*groupStart)() = nullptr;
        ncclResult_t (*groupEnd)() = nullptr;
    };

    static const Nccl& instance();

    bool available() const { return available_; }
    // Why NCCL cannot be used (not found, too old, …); empty when available.
    const std::string& unavailableReason() const { return unavailableReason_; }
    const std::string& libraryPath() const { return library_.path(); }
    // ncclGetVersion's code (e.g. 22809) and its text ("2.28.9"); 0 and "" when unavailable.
    int versionCode() const { return versionCode_; }
    std::string version() const { return versionCode_ ? versionString(versionCode_) : std::string(); }
    static std::string versionString(int versionCode);

    // The entry points; throws std::runtime_error with unavailableReason() when NCCL is unavailable.
    const Api& api() const;
    // Throws std::runtime_error naming `what` and NCCL's message unless result is ncclSuccess.
    void check(ncclResult_t result, const char* what) const;

    Nccl(const Nccl&) = delete;
    Nccl& operator=(const Nccl&) = delete;

private:
    Nccl();
    ~Nccl();

    DynamicLibrary library_;
    std::unique_ptr<Api> api_;
    bool available_ = false;
    std::string unavailableReason_;
    int versionCode_ = 0;
};

}  // namespace spreadcast::gpu
