#pragma once

#include "device/Device.h"
#include "model/GridFields.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace spreadcast::mpi {

// The messages between rank 0's controller and the ranks that serve their devices. Both ends run
// the same build (rank 0 checks that their models agree), so values travel in their in-memory form.

inline constexpr int controlTag = 1;      // rank 0 → rank: start serving a run, or shut down
inline constexpr int startReplyTag = 2;   // rank → rank 0: its devices, or why it cannot serve
inline constexpr int shutdownAckTag = 3;  // rank → rank 0: its devices have stopped
// One pair of tags per device of a rank: requests from rank 0, replies to it.
inline int requestTag(int device)
{
    return 16 + 2 * device;
}
inline int replyTag(int device)
{
    return 17 + 2 * device;
}

class MessageWriter {
public:
    template <typename T>
    void put(const T& value)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        append(&value, sizeof(T));
    }
    void putBytes(std::span<const std::byte> data)
    {
        put(static_cast<std::uint64_t>(data.size()));
        append(data.data(), data.size());
    }
    void putString(const std::string& text) { putBytes(std::as_bytes(std::span(text.data(), text.size()))); }
    std::vector<std::byte> take() { return std::move(bytes_); }

private:
    void append(const void* data, std::size_t size)
    {
        const std::size_t offset = bytes_.size();
        bytes_.resize(offset + size);
        if (size > 0) {
            std::memcpy(bytes_.data() + offset, data, size);
        }
    }
    std::vector<std::byte> bytes_;
};

// Reads what a MessageWriter wrote, in the same order; throws std::invalid_argument when the
// message ends early.
class MessageReader {
public:
    explicit MessageReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
    template <typename T>
    T get()
    {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        std::memcpy(&value, next(sizeof(T)).data(), sizeof(T));
        return value;
    }
    std::span<const std::byte> getBytes() { return next(static_cast<std::size_t>(get<std::uint64_t>())); }
    std::string getString()
    {
        const auto data = getBytes();
        return std::string(reinterpret_cast<const char*>(data.data()), data.size());
    }

private:
    std::span<const std::byte> next(std::size_t size)
    {
        if (size > bytes_.size() - offset_) {
            throw std::invalid_argument("a message from another rank ended early (" + std::to_string(bytes_.size()) +
                                        " bytes)");
        }
        auto part = bytes_.subspan(offset_, size);
        offset_ += size;
        return part;
    }
    std::span<const std::byte> bytes_;
    std::size_t offset_ = 0;
};

enum class ControlKind : std::uint8_t { Start = 1, Shutdown = 2 };

// What a rank needs to serve a run: the spec (its JSON leaves out placement, hence devices and
// threads beside it) and a hash of rank 0's initial state of member 0 to check its own against.
struct StartMessage {
    std::string specJson;
    std::string devices;
    int threads = 0;
    std::uint64_t initialStateHash = 0;
};

struct OfferedDevice {
    std::string name;  // as the rank calls it: "cpu/0"
    std::string backend;
    long long availableMemoryBytes = 0;
    int preferredBatch = 1;
};

struct StartReply {
    std::string problem;  // empty when the rank is ready
    std::vector<OfferedDevice> devices;
};

std::vector<std::byte> encodeStart(const StartMessage& message);
std::vector<std::byte> encodeShutdown(int status);
// The kind of a control message, and its content (read with decodeStart, or the status with
// decodeShutdown).
ControlKind controlKind(std::span<const std::byte> bytes);
StartMessage decodeStart(std::span<const std::byte> bytes);
int decodeShutdown(std::span<const std::byte> bytes);
std::vector<std::byte> encodeStartReply(const StartReply& reply);
StartReply decodeStartReply(std::span<const std::byte> bytes);

enum class RequestKind : std::uint8_t { Advance = 1, Fields = 2 };

// A device's answer to a request: the result, or the DeviceFault it threw; with the worker's
// measures either way, for the controller's telemetry.
enum class ReplyStatus : std::uint8_t { Done = 1, Fault = 2 };

void putMeasures(MessageWriter& writer, const DeviceMeasures& measures);
DeviceMeasures getMeasures(MessageReader& reader);
void putBlowUps(MessageWriter& writer, const std::vector<MemberBlowUp>& blowUps);
std::vector<MemberBlowUp> getBlowUps(MessageReader& reader);
void putFields(MessageWriter& writer, const GridFields& fields);
GridFields getFields(MessageReader& reader);

}  // namespace spreadcast::mpi
