#pragma once

#include "DynamicLibrary.h"

#include <cufft.h>

#include <memory>
#include <string>

namespace spreadcast::gpu {

// cuFFT loaded at run time (libcufft.so from the CUDA toolkit or its redistributable), never
// linked: spreadcast binaries start, and run on the CPU, on machines without it; the GPU backend
// then says why it cannot run. Loaded once per process on first use. Thread-safe to query.
class Cufft {
public:
    // The entry points we use, with cuFFT's own signatures; all set when available().
    struct Api {
        decltype(&::cufftGetVersion) getVersion = nullptr;
        decltype(&::cufftCreate) create = nullptr;
        decltype(&::cufftMakePlanMany) makePlanMany = nullptr;
        decltype(&::cufftEstimate1d) estimate1d = nullptr;
        decltype(&::cufftSetStream) setStream = nullptr;
        decltype(&::cufftExecZ2D) execZ2D = nullptr;
        decltype(&::cufftExecD2Z) execD2Z = nullptr;
        decltype(&::cufftDestroy) destroy = nullptr;
    };

    static const Cufft& instance();

    bool available() const { return available_; }
    // Why cuFFT cannot be used; empty when available.
    const std::string& unavailableReason() const { return unavailableReason_; }
    const std::string& libraryPath() const { return library_.path(); }
    int version() const { return version_; }  // cufftGetVersion, e.g. 12000
    // The entry points; throws std::runtime_error with unavailableReason() when unavailable.
    const Api& api() const;

    Cufft(const Cufft&) = delete;
    Cufft& operator=(const Cufft&) = delete;

private:
    Cufft();
    ~Cufft() = default;

    DynamicLibrary library_;
    Api api_;
    bool available_ = false;
    std::string unavailableReason_;
    int version_ = 0;
};

}  // namespace spreadcast::gpu
