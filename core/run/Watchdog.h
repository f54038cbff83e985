#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace spreadcast {

// Gives up a device that holds members and has been inside one computation (an advance, a
// fields call) longer than the limit: a hung GPU, a rank that stopped answering. Waiting for the
// output is not computing, so a slow disk does not make healthy devices look hung. Its thread
// sleeps until the earliest moment a device could overrun, not on a poll.
// The slowest a worker may plausibly compute, flops per second: one core of an old or busy
// machine sharing it with other workers (a 2-core machine running 2 GraphCast workers reached
// about 43 GFLOP/s per CPU-second at 0.25°, BENCHMARKS.md), with a margin of about ten.
inline constexpr double slowestWorkerFlopsPerSecond = 5e9;

// How long a device may stay in one computation before it is given up: `configuredSeconds`
// (--watchdog), or longer when the model's work says a healthy device can need more — a
// computation of `steps` steps of `batch` members at slowestWorkerFlopsPerSecond. A 0.25°
// GraphCast step (about 20 TFLOP) is then about 66 minutes, not the 10-minute default that gave
// up healthy workers in the middle of their first step.
double watchdogLimitSeconds(double configuredSeconds, double flopsPerStep, int steps, int batch);

class Watchdog {
public:
    using Clock = std::chrono::steady_clock;
    // Called on the watchdog's thread for a device it gave up, with how long the device was silent
    // and the members of its batch then; they are to go on elsewhere.
    using GiveUp = std::function<void(int device, double silentSeconds, const std::vector<int>& batch)>;

    Watchdog(double limitSeconds, int devices, GiveUp giveUp);
    ~Watchdog();  // stops its thread
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void enterComputation(int device);
    void leaveComputation(int device);
    // The members the device holds now (empty: idle, never given up).
    void holdBatch(int device, std::vector<int> members);
    bool isLost(int device) const;
    // Marks the device lost (it failed by itself); false when it was lost already.
    bool markLost(int device);

private:
    void watch(std::stop_token stop);
    // When the device overruns, if it can; under mutex_.
    std::optional<Clock::time_point> deadline(std::size_t device) const;

    const Clock::duration limit_;
    GiveUp giveUp_;
    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::vector<std::optional<Clock::time_point>> computingSince_;
    std::vector<std::vector<int>> batches_;
    std::vector<char> lost_;
    Clock::time_point nextCheck_ = Clock::time_point::max();  // when the thread wakes next
    bool woken_ = false;                                      // a deadline earlier than nextCheck_ came
    std::jthread thread_;                                     // last: it starts once everything above is in place
};

}  // namespace spreadcast
