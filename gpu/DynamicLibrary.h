#pragma once

#include <string>
#include <vector>

namespace spreadcast::gpu {

// A shared library opened at run time (dlopen), for the libraries a binary must start without:
// NCCL and NVML. Move-only; closes the library when destroyed unless it was opened to stay.
class DynamicLibrary {
public:
    enum class Lifetime { CloseOnDestruction, KeepLoaded };

    DynamicLibrary() = default;
    // Tries each candidate in order (a soname, searched the way the loader searches, or a path)
    // and keeps the first that loads. Never throws: check loaded(), and error() says why not.
    explicit DynamicLibrary(const std::vector<std::string>& candidates,
                            Lifetime lifetime = Lifetime::CloseOnDestruction);
    ~DynamicLibrary();

    DynamicLibrary(const DynamicLibrary&) = delete;
    DynamicLibrary& operator=(const DynamicLibrary&) = delete;
    DynamicLibrary(DynamicLibrary&& other) noexcept;
    DynamicLibrary& operator=(DynamicLibrary&& other) noexcept;

    bool loaded() const { return handle_ != nullptr; }
    // The loader's message for each candidate that failed; empty when one loaded.
    const std::string& error() const { return error_; }
    // The file that was loaded (resolved by the loader), or the candidate's name if unknown.
    const std::string& path() const { return path_; }

    // The address of an exported symbol, or nullptr when the library lacks it.
    void* rawSymbol(const char* name) const;
    template <typename Function>
    Function symbol(const char* name) const
    {
        return reinterpret_cast<Function>(rawSymbol(name));
    }
    // Sets function to the symbol, or adds its name to the comma-separated list `missing`.
    template <typename Function>
    void resolve(Function& function, const char* name, std::string& missing) const
    {
        function = symbol<Function>(name);
        if (!function) {
            missing += missing.empty() ? name : std::string(", ") + name;
        }
    }

private:
    void close() noexcept;

    void* handle_ = nullptr;
    std::string path_;
    std::string error_;
};

// A CUDA library's sonames, `stem`.<major>: the major version of the headers this binary was
// built with first (their ABI, and the toolkit whose runtime is linked in), then the other
// `majors` it also works with, in their order.
inline std::vector<std::string> sonamesBuiltVersionFirst(const std::string& stem, int builtMajor,
                                                         const std::vector<int>& majors)
{
    std::vector<std::string> sonames{stem + "." + std::to_string(builtMajor)};
    for (int major : majors) {
        if (major != builtMajor) {
            sonames.push_back(stem + "." + std::to_string(major));
        }
    }
    return sonames;
}

// Candidates for a CUDA toolkit library: its sonames as the loader finds them, then in
// $CUDA_HOME/lib64, $CUDA_PATH/lib64 and the toolkit's usual places, which are often not on the
// loader's path.
std::vector<std::string> cudaLibraryCandidates(const std::vector<std::string>& sonames);

}  // namespace spreadcast::gpu
