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
    library_.resolve(api.getVersion, "ncclGetVersion", missing);
    library_.resolve(api.getErrorString, "ncclGetErrorString", missing);
    library_.resolve(api.getUniqueId, "ncclGetUniqueId", missing);
    library_.resolve(api.commInitRank, "ncclCommInitRank", missing);
    library_.resolve(api.commInitAll, "ncclCommInitAll", missing);
    library_.resolve(api.commDestroy, "ncclCommDestroy", missing);
    library_.resolve(api.commAbort, "ncclCommAbort", missing);
    library_.resolve(api.commGetAsyncError, "ncclCommGetAsyncError", missing);
    library_.resolve(api.commCount, "ncclCommCount", missing);
    library_.resolve(api.commCuDevice, "ncclCommCuDevice", missing);
    library_.resolve(api.commUserRank, "ncclCommUserRank", missing);
    library_.resolve(api.allReduce, "ncclAllReduce", missing);
    library_.resolve(api.reduce, "ncclReduce", missing);
    library_.resolve(api.broadcast, "ncclBroadcast", missing);
    library_.resolve(api.allGather, "ncclAllGather", missing);
    library_.resolve(api.reduceScatter, "ncclReduceScatter", missing);
    library_.resolve(api.send, "ncclSend", missing);
    library_.resolve(api.recv, "ncclRecv", missing);
    library_.resolve(api.groupStart, "ncclGroupStart", missing);
    library_.resolve(api.groupEnd, "ncclGroupEnd", missing);

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
