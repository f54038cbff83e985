#pragma once

#include <mpi.h>

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace spreadcast::mpi {

// Byte messages between ranks on MPI_COMM_WORLD, from several threads at once: concurrently where
// the library provides MPI_THREAD_MULTIPLE, one call at a time under a mutex where it provides
// only MPI_THREAD_SERIALIZED. Every wait polls (MPI_Improbe, MPI_Test) with short sleeps, so that
// it can give up — at a deadline, on cancel, at shutdown — instead of blocking for ever, and so
// that a waiting thread leaves the cores to the devices.
class MpiTransport {
public:
    // Polled while waiting; true ends the wait.
    using GiveUp = std::function<bool()>;

    explicit MpiTransport(bool serialised) : serialised_(serialised) {}

    // Sends the bytes and waits until MPI is done with them. Returns false when giveUp ended the
    // wait first; the message may still go out, and the transport keeps its bytes until then.
    // Throws std::length_error for a message over MPI's 2 GiB count.
    bool send(int destination, int tag, std::vector<std::byte> bytes, const GiveUp& giveUp);
    // The next message from `source` with `tag`, or nothing when giveUp ended the wait first.
    std::optional<std::vector<std::byte>> receive(int source, int tag, const GiveUp& giveUp);
    // Receives and drops every message from `source` that is waiting now (replies that came after
    // their requester had given up). Returns how many there were.
    int discardWaiting(int source);
    // Waits up to `seconds` for the sends that were given up to complete, then cancels the rest,
    // so that MPI_Finalize finds no communication in flight.
    void settleAbandoned(double seconds);

private:
    // The message from source with tag that is waiting now, received; nothing when none is.
    std::optional<std::vector<std::byte>> takeWaiting(int source, int tag);
    template <typename Call>
    auto locked(Call call)
    {
        if (serialised_) {
            std::lock_guard lock(mutex_);
            return call();
        }
        return call();
    }

    bool serialised_;
    std::mutex mutex_;
    std::mutex abandonedMutex_;
    std::vector<std::pair<MPI_Request, std::vector<std::byte>>> abandoned_;
};

}  // namespace spreadcast::mpi
