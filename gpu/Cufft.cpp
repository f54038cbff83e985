#include "Cufft.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace spreadcast::gpu {
const Cufft& Cufft::instance()
{
    // Never destroyed: plans may outlive static destruction order.
    static const Cufft* cufft = new Cufft();
    return *cufft;
}

namespace {

// cuFFT 12 (CUDA 13) or 11 (CUDA 12), the one of the CUDA this binary was built with first: a
// machine with both toolkits then runs the cuFFT that matches the linked-in runtime.
std::vector<std::string> cufftSonames()
{
    return sonamesBuiltVersionFirst("libcufft.so", CUFFT_VER_MAJOR, {12, 11});
}

}  // namespace

Cufft::Cufft() : library_(cudaLibraryCandidates(cufftSonames()), DynamicLibrary::Lifetime::KeepLoaded)
{
    if (!library_.loaded()) {
        std::string names;
        for (const std::string& soname : cufftSonames()) {
            names += (names.empty() ? "" : " or ") + soname;
        }
        unavailableReason_ = "cuFFT (" + names +
                             ") cannot be loaded; install the CUDA toolkit's cuFFT or set CUDA_HOME (" +
                             library_.error() + ")";
        return;
    }
    std::string missing;
    library_.resolve(api_.getVersion, "cufftGetVersion", missing);
    library_.resolve(api_.create, "cufftCreate", missing);
    library_.resolve(api_.makePlanMany, "cufftMakePlanMany", missing);
    library_.resolve(api_.estimate1d, "cufftEstimate1d", missing);
    library_.resolve(api_.setStream, "cufftSetStream", missing);
    library_.resolve(api_.execZ2D, "cufftExecZ2D", missing);
    library_.resolve(api_.execD2Z, "cufftExecD2Z", missing);
    library_.resolve(api_.destroy, "cufftDestroy", missing);
    if (!missing.empty()) {
        unavailableReason_ = library_.path() + " lacks " + missing;
        return;
    }
    if (api_.getVersion(&version_) != CUFFT_SUCCESS) {
        unavailableReason_ = library_.path() + " does not tell its version";
        return;
    }
    available_ = true;
}

const Cufft::Api& Cufft::api() const
{
    if (!available_) {
        throw std::runtime_error(unavailableReason_);
    }
    return api_;
}

}  // namespace spreadcast::gpu
