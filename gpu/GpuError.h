#pragma once

#include "BatchedWorker.h"

#include <string>

namespace spreadcast::gpu {

// A CUDA or cuFFT error: the device (or this process's context on it) is unusable.
class GpuError : public BackendError {
public:
    explicit GpuError(const std::string& message, bool outOfMemory = false)
        : BackendError(message), outOfMemory_(outOfMemory)
    {
    }
    // The device had too little memory: a smaller batch may fit.
    bool outOfMemory() const { return outOfMemory_; }

private:
    bool outOfMemory_;
};

}  // namespace spreadcast::gpu
