#include "run/Watchdog.h"

#include <algorithm>
#include <utility>

namespace spreadcast {

double watchdogLimitSeconds(double configuredSeconds, double flopsPerStep, int steps, int batch)
{
    const double work = flopsPerStep * std::max(1, steps) * std::max(1, batch);
    return std::max(configuredSeconds, work / slowestWorkerFlopsPerSecond);
}

Watchdog::Watchdog(double limitSeconds, int devices, GiveUp giveUp)
    : limit_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limitSeconds))),
      giveUp_(std::move(giveUp)),
      computingSince_(static_cast<std::size_t>(devices)),
      batches_(static_cast<std::size_t>(devices)),
      lost_(static_cast<std::size_t>(devices), 0),
      thread_([this](std::stop_token stop) { watch(stop); })
{
}

Watchdog::~Watchdog()
{
    thread_.request_stop();  // wakes the wait, which watches the stop token
}

std::optional<Watchdog::Clock::time_point> Watchdog::deadline(std::size_t device) const
{
    if (lost_[device] || batches_[device].empty() || !computingSince_[device]) {
        return std::nullopt;
    }
    return *computingSince_[device] + limit_;
}

void Watchdog::enterComputation(int device)
{
    const auto index = static_cast<std::size_t>(device);
    std::lock_guard lock(mutex_);
    computingSince_[index] = Clock::now();
    // Only a deadline earlier than the thread's next check needs to wake it; a later one is seen then.
    if (const auto due = deadline(index); due && *due < nextCheck_) {
        woken_ = true;
        changed_.notify_one();
    }
}

void Watchdog::leaveComputation(int device)
{
    std::lock_guard lock(mutex_);
    computingSince_[static_cast<std::size_t>(device)].reset();
}

void Watchdog::holdBatch(int device, std::vector<int> members)
{
    const auto index = static_cast<std::size_t>(device);
    std::lock_guard lock(mutex_);
    batches_[index] = std::move(members);
    if (const auto due = deadline(index); due && *due < nextCheck_) {
        woken_ = true;
        changed_.notify_one();
    }
}

bool Watchdog::isLost(int device) const
{
    std::lock_guard lock(mutex_);
    return lost_[static_cast<std::size_t>(device)] != 0;
}

bool Watchdog::markLost(int device)
{
    std::lock_guard lock(mutex_);
    return std::exchange(lost_[static_cast<std::size_t>(device)], 1) == 0;
}

void Watchdog::watch(std::stop_token stop)
{
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        const auto now = Clock::now();
        std::vector<std::pair<int, double>> overrun;
        nextCheck_ = Clock::time_point::max();
        for (std::size_t index = 0; index < lost_.size(); ++index) {
            const auto due = deadline(index);
            if (due && *due < now) {
                lost_[index] = 1;
                overrun.emplace_back(static_cast<int>(index),
                                     std::chrono::duration<double>(now - *computingSince_[index]).count());
            } else if (due) {
                nextCheck_ = std::min(nextCheck_, *due);
            }
        }
        if (!overrun.empty()) {
            std::vector<std::vector<int>> batches;
            for (const auto& [device, silent] : overrun) {
                batches.push_back(batches_[static_cast<std::size_t>(device)]);
            }
            lock.unlock();  // the callback moves members to other devices, which call back in here
            for (std::size_t k = 0; k < overrun.size(); ++k) {
                giveUp_(overrun[k].first, overrun[k].second, batches[k]);
            }
            lock.lock();
            continue;
        }
        woken_ = false;
        if (nextCheck_ == Clock::time_point::max()) {
            changed_.wait(lock, stop, [this] { return woken_; });
        } else {
            // Just past the deadline, so that the device is found over the limit when the wait ends.
            changed_.wait_until(lock, stop, nextCheck_ + std::chrono::milliseconds(1), [this] { return woken_; });
        }
    }
}

}  // namespace spreadcast
