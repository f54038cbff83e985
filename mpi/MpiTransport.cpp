#include "MpiTransport.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <stdexcept>
#include <string>
#include <thread>

namespace spreadcast::mpi {
namespace {

// Sleeps between polls, from tens of microseconds (a quick reply) up to 2 ms (a long step).
class Backoff {
public:
    void wait()
    {
        std::this_thread::sleep_for(delay_);
        delay_ = std::min(delay_ * 2, std::chrono::microseconds(2000));
    }

private:
    std::chrono::microseconds delay_{20};
};

}  // namespace

bool MpiTransport::send(int destination, int tag, std::vector<std::byte> bytes, const GiveUp& giveUp)
{
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::length_error("a message of " + std::to_string(bytes.size() >> 20) +
                                " MiB is over MPI's 2 GiB limit; use smaller batches (--batch-size)");
    }
    MPI_Request request = MPI_REQUEST_NULL;
    locked([&] {
        return MPI_Isend(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, destination, tag, MPI_COMM_WORLD,
                         &request);
    });
    for (Backoff backoff;; backoff.wait()) {
        int done = 0;
        locked([&] { return MPI_Test(&request, &done, MPI_STATUS_IGNORE); });
        if (done) {
            return true;
        }
        if (giveUp && giveUp()) {
            std::lock_guard lock(abandonedMutex_);
            abandoned_.emplace_back(request, std::move(bytes));
            return false;
        }
    }
}

std::optional<std::vector<std::byte>> MpiTransport::takeWaiting(int source, int tag)
{
    std::optional<std::vector<std::byte>> message;
    locked([&] {
        int found = 0;
        MPI_Message handle = MPI_MESSAGE_NULL;
        MPI_Status status;
        MPI_Improbe(source, tag, MPI_COMM_WORLD, &found, &handle, &status);
        if (found) {
            int count = 0;
            MPI_Get_count(&status, MPI_BYTE, &count);
            message.emplace(static_cast<std::size_t>(count));
            MPI_Mrecv(message->data(), count, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
        }
        return found;
    });
    return message;
}

std::optional<std::vector<std::byte>> MpiTransport::receive(int source, int tag, const GiveUp& giveUp)
{
    for (Backoff backoff;; backoff.wait()) {
        if (auto message = takeWaiting(source, tag)) {
            return message;
        }
        if (giveUp && giveUp()) {
            return std::nullopt;
        }
    }
}

int MpiTransport::discardWaiting(int source)
{
    int discarded = 0;
    while (takeWaiting(source, MPI_ANY_TAG)) {
        ++discarded;
    }
    return discarded;
}

void MpiTransport::settleAbandoned(double seconds)
{
    std::lock_guard lock(abandonedMutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (Backoff backoff; !abandoned_.empty() && std::chrono::steady_clock::now() < deadline; backoff.wait()) {
        std::erase_if(abandoned_, [&](auto& entry) {
            int done = 0;
            locked([&] { return MPI_Test(&entry.first, &done, MPI_STATUS_IGNORE); });
            return done != 0;
        });
    }
    for (auto& [request, bytes] : abandoned_) {
        locked([&] {
            MPI_Cancel(&request);
            return MPI_Request_free(&request);
        });
    }
    abandoned_.clear();
}

}  // namespace spreadcast::mpi
