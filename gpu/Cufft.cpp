#include "Cufft.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace spreadcast::gpu {
namespace {

// The sonames of cuFFT 12 (CUDA 13) and 11 (CUDA 12), found the way the loader finds libraries,
// then in the CUDA toolkit's usual places, which are often not on the loader's path.
std::vector<std::string> candidates()
{
    std::vector<std::string> names = {"libcufft.so.12", "libcufft.so.11"};
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

const Cufft& Cufft::instance()
{
    // Never destroyed: plans may outlive static destruction order.
    static const Cufft* cufft = new Cufft();
    return *cufft;
}

Cufft::Cufft() : library_(candidates(), DynamicLibrary::Lifetime::KeepLoaded)
{
    if (!library_.loaded()) {
        unavailableReason_ = "cuFFT (libcufft.so.12 or .11) cannot be loaded; install the CUDA toolkit's cuFFT or set "
                             "CUDA_HOME (" +
                             library_.error() + ")";
        return;
    }
    std::string missing;
    resolve(library_, api_.getVersion, "cufftGetVersion", missing);
    resolve(library_, api_.create, "cufftCreate", missing);
    resolve(library_, api_.makePlanMany, "cufftMakePlanMany", missing);
    resolve(library_, api_.estimate1d, "cufftEstimate1d", missing);
    resolve(library_, api_.setStream, "cufftSetStream", missing);
    resolve(library_, api_.execZ2D, "cufftExecZ2D", missing);
    resolve(library_, api_.execD2Z, "cufftExecD2Z", missing);
    resolve(library_, api_.destroy, "cufftDestroy", missing);
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
