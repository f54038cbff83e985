#include "DynamicLibrary.h"

#include <dlfcn.h>
#include <link.h>

#include <cstdlib>
#include <utility>

namespace spreadcast::gpu {
namespace {

std::string lastLoaderError(const std::string& fallback)
{
    const char* message = dlerror();
    return message ? std::string(message) : fallback;
}

std::string loadedPath(void* handle, const std::string& fallback)
{
    link_map* map = nullptr;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name && map->l_name[0] != '\0')
        return map->l_name;
    return fallback;
}

}  // namespace

DynamicLibrary::DynamicLibrary(const std::vector<std::string>& candidates, Lifetime lifetime)
{
    int flags = RTLD_NOW | RTLD_LOCAL;
    if (lifetime == Lifetime::KeepLoaded)
        flags |= RTLD_NODELETE;
    for (const std::string& candidate : candidates) {
        dlerror();  // clear any stale message
        if (void* handle = dlopen(candidate.c_str(), flags)) {
            handle_ = handle;
            path_ = loadedPath(handle, candidate);
            error_.clear();
            return;
        }
        if (!error_.empty())
            error_ += "; ";
        error_ += lastLoaderError(candidate + ": cannot be loaded");
    }
    if (candidates.empty())
        error_ = "no library name given";
}

DynamicLibrary::~DynamicLibrary()
{
    close();
}

DynamicLibrary::DynamicLibrary(DynamicLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), path_(std::move(other.path_)), error_(std::move(other.error_))
{
}

DynamicLibrary& DynamicLibrary::operator=(DynamicLibrary&& other) noexcept
{
    if (this != &other) {
        close();
        handle_ = std::exchange(other.handle_, nullptr);
        path_ = std::move(other.path_);
        error_ = std::move(other.error_);
    }
    return *this;
}

void* DynamicLibrary::rawSymbol(const char* name) const
{
    if (!handle_)
        return nullptr;
    return dlsym(handle_, name);
}

void DynamicLibrary::close() noexcept
{
    if (handle_)
        dlclose(handle_);
    handle_ = nullptr;
}

std::vector<std::string> cudaLibraryCandidates(const std::vector<std::string>& sonames)
{
    std::vector<std::string> folders;
    for (const char* variable : {"CUDA_HOME", "CUDA_PATH"}) {
        if (const char* value = std::getenv(variable); value && *value) {
            folders.push_back(std::string(value) + "/lib64");
        }
    }
    folders.push_back("/usr/local/cuda/lib64");
    folders.push_back("/usr/local/cuda/targets/x86_64-linux/lib");
    std::vector<std::string> result = sonames;
    for (const std::string& folder : folders) {
        for (const std::string& name : sonames) {
            result.push_back(folder + "/" + name);
        }
    }
    return result;
}

}  // namespace spreadcast::gpu
