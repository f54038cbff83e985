#include "Nccl.h"

#include <stdexcept>
#include <string>
#include <type_traits>

namespace spreadcast::gpu {
namespace {

#ifdef SPREADCAST_HAVE_NCCL_HEADER
// The table's signatures are NCCL's own.
static_assert(std::is_same_v<decltype(Nccl::Api::getVersion), decltype(&::ncclGetVersion)>);
static_assert(std::is_same_v<decltype(Nccl::Api::getErrorString), decltype(&::ncclGetErrorString)>);
static_assert(std::is_same_v<decltype(Nccl::Api::getUniqueId), decltype(&::ncclGetUniqueId)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commInitRank), decltype(&::ncclCommInitRank)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commInitAll), decltype(&::ncclCommInitAll)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commDestroy), decltype(&::ncclCommDestroy)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commAbort), decltype(&::ncclCommAbort)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commGetAsyncError), decltype(&::ncclCommGetAsyncError)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commCount), decltype(&::ncclCommCount)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commCuDevice), decltype(&::ncclCommCuDevice)>);
static_assert(std::is_same_v<decltype(Nccl::Api::commUserRank), decltype(&::ncclCommUserRank)>);
static_assert(std::is_same_v<decltype(Nccl::Api::allReduce), decltype(&::ncclAllReduce)>);
static_assert(std::is_same_v<decltype(Nccl::Api::reduce), decltype(&::ncclReduce)>);
static_assert(std::is_same_v<decltype(Nccl::Api::broadcast), decltype(&::ncclBroadcast)>);
static_assert(std::is_same_v<decltype(Nccl::Api::allGather), decltype(&::ncclAllGather)>);
static_assert(std::is_same_v<decltype(Nccl::Api::reduceScatter), decltype(&::ncclReduceScatter)>);
static_assert(std::is_same_v<decltype(Nccl::Api::send), decltype(&::ncclSend)>);
static_assert(std::is_same_v<decltype(Nccl::Api::recv), decltype(&::ncclRecv)>);
static_assert(std::is_same_v<decltype(Nccl::Api::groupStart), decltype(&::ncclGroupStart)>);
static_assert(std::is_same_v<decltype(Nccl::Api::groupEnd), decltype(&::ncclGroupEnd)>);
#endif

// NCCL_VERSION_CODE of the oldest NCCL whose API the table above matches (ncclCommGetAsyncError,
// ncclSend/ncclRecv: 2.7).
constexpr int oldestSupportedVersion = 2700;

template <typename Function>
void resolve(const DynamicLibrary& library, Function& function, const char* name, std::string& missing)
{
    function = library.symbol<Function>(name);
    if (!function)
        missing += missing.empty() ? name : std::string(", ") + name;
}

}  // namespace

const Nccl& Nccl::instance()
{
    // Never destroyed and never unloaded: NCCL keeps threads of its own, which must not find their
    // code gone during static destruction.
    static const Nccl* nccl = new Nccl();
    return *nccl;
}

Nccl::Nccl() : library_({"libnccl.so.2"}, DynamicLibrary::Lifetime::KeepLoaded), api_(std::make_unique<Api>())
{
    if (!library_.loaded()) {
        unavailableReason_ = "libnccl.so.2 cannot be loaded from the library path (" + library_.error() + ")";
        return;
    }
    std::string missing;
    Api& api = *api_;
    resolve(library_, api.getVersion, "ncclGetVersion", missing);
    resolve(library_, api.getErrorString, "ncclGetErrorString", missing);
    resolve(library_, api.getUniqueId, "ncclGetUniqueId", missing);
    resolve(library_, api.commInitRank, "ncclCommInitRank", missing);
    resolve(library_, api.commInitAll, "ncclCommInitAll", missing);
    resolve(library_, api.commDestroy, "ncclCommDestroy", missing);
    resolve(library_, api.commAbort, "ncclCommAbort", missing);
    resolve(library_, api.commGetAsyncError, "ncclCommGetAsyncError", missing);
    resolve(library_, api.commCount, "ncclCommCount", missing);
    resolve(library_, api.commCuDevice, "ncclCommCuDevice", missing);
    resolve(library_, api.commUserRank, "ncclCommUserRank", missing);
    resolve(library_, api.allReduce, "ncclAllReduce", missing);
    resolve(library_, api.reduce, "ncclReduce", missing);
    resolve(library_, api.broadcast, "ncclBroadcast", missing);
    resolve(library_, api.allGather, "ncclAllGather", missing);
    resolve(library_, api.reduceScatter, "ncclReduceScatter", missing);
    resolve(library_, api.send, "ncclSend", missing);
    resolve(library_, api.recv, "ncclRecv", missing);
    resolve(library_, api.groupStart, "ncclGroupStart", missing);
    resolve(library_, api.groupEnd, "ncclGroupEnd", missing);

    int code = 0;
    if (api.getVersion && api.getVersion(&code) == ncclSuccess)
        versionCode_ = code;
    if (!missing.empty()) {
        unavailableReason_ = library_.path() + (versionCode_ ? " (NCCL " + version() + ")" : std::string()) +
                             " lacks " + missing + "; NCCL " + versionString(oldestSupportedVersion) +
                             " or newer is needed";
        return;
    }
    if (versionCode_ < oldestSupportedVersion) {
        unavailableReason_ = library_.path() + " is NCCL " + (versionCode_ ? version() : "of unknown version") +
                             "; NCCL " + versionString(oldestSupportedVersion) + " or newer is needed";
        return;
    }
    available_ = true;
}

Nccl::~Nccl() = default;

std::string Nccl::versionString(int versionCode)
{
    // NCCL_VERSION(X,Y,Z): X*1000 + Y*100 + Z up to 2.8, X*10000 + Y*100 + Z from 2.9 on.
    const bool oldScheme = versionCode < 10000;
    const int major = oldScheme ? versionCode / 1000 : versionCode / 10000;
    const int minor = oldScheme ? versionCode % 1000 / 100 : versionCode % 10000 / 100;
    const int patch = versionCode % 100;
    return std::to_string(major) + '.' + std::to_string(minor) + '.' + std::to_string(patch);
}

const Nccl::Api& Nccl::api() const
{
    if (!available_)
        throw std::runtime_error("NCCL is not available: " + unavailableReason_);
    return *api_;
}

void Nccl::check(ncclResult_t result, const char* what) const
{
    if (result == ncclSuccess)
        return;
    std::string message = std::string(what) + " failed: ";
    if (api_->getErrorString) {
        if (const char* text = api_->getErrorString(result))
            message += text;
    }
    message += " (ncclResult_t " + std::to_string(static_cast<int>(result)) + ")";
    throw std::runtime_error(message);
}

}  // namespace spreadcast::gpu
