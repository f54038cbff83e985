#include "run/WorkQueue.h"

#include <algorithm>
#include <utility>

namespace spreadcast {

WorkQueue::WorkQueue(const std::vector<int>& members, bool speculate)
    : settled_(members.empty() ? 0 : static_cast<std::size_t>(*std::max_element(members.begin(), members.end())) + 1,
               1),
      unsettled_(static_cast<int>(members.size())),
      speculate_(speculate)
{
    for (int member : members) {
        units_.push_back(WorkUnit{member, 0, nullptr, 0, 0, false});
        settled_[static_cast<std::size_t>(member)] = 0;
    }
}

std::optional<WorkUnit> WorkQueue::speculativeCopy()
{
    if (!speculate_) {
        return std::nullopt;
    }
    // The straggler: the running member furthest behind that has no copy yet.
    auto straggler = inFlight_.end();
    for (auto it = inFlight_.begin(); it != inFlight_.end(); ++it) {
        if (!it->second.speculated && it->second.copies == 1 &&
            (straggler == inFlight_.end() || it->second.nextTime < straggler->second.nextTime)) {
            straggler = it;
        }
    }
    if (straggler == inFlight_.end()) {
        return std::nullopt;
    }
    InFlight& flight = straggler->second;
    flight.speculated = true;
    ++flight.copies;
    return WorkUnit{straggler->first, flight.nextTime, flight.checkpoint, 0, 0, true};
}

std::vector<WorkUnit> WorkQueue::take(int maxBatch)
{
    std::unique_lock lock(mutex_);
    std::vector<WorkUnit> batch;
    changed_.wait(lock, [&] {
        if (closed_ || unsettled_ == 0 || !units_.empty()) {
            return true;
        }
        if (auto copy = speculativeCopy()) {
            batch.push_back(std::move(*copy));
            return true;
        }
        return false;
    });
    if (closed_ || unsettled_ == 0) {
        batch.clear();
        return batch;
    }
    if (!batch.empty()) {
        return batch;
    }
    const int time = units_.front().nextTime;
    while (!units_.empty() && static_cast<int>(batch.size()) < std::max(1, maxBatch) &&
           units_.front().nextTime == time) {
        WorkUnit unit = std::move(units_.front());
        units_.pop_front();
        InFlight& flight = inFlight_[unit.member];
        ++flight.copies;
        flight.nextTime = unit.nextTime;
        flight.checkpoint = unit.checkpoint;
        batch.push_back(std::move(unit));
    }
    return batch;
}

void WorkQueue::checkpoint(const WorkUnit& unit)
{
    std::lock_guard lock(mutex_);
    auto flight = inFlight_.find(unit.member);
    if (flight != inFlight_.end() && unit.nextTime > flight->second.nextTime) {
        flight->second.nextTime = unit.nextTime;
        flight->second.checkpoint = unit.checkpoint;
    }
}

bool WorkQueue::putBack(WorkUnit unit, bool front)
{
    {
        std::lock_guard lock(mutex_);
        if (settled_[static_cast<std::size_t>(unit.member)]) {
            return false;
        }
        auto flight = inFlight_.find(unit.member);
        if (flight != inFlight_.end()) {
            if (--flight->second.copies > 0) {
                return false;  // another copy goes on
            }
            // Continue from the furthest checkpoint any copy reached.
            if (flight->second.nextTime > unit.nextTime) {
                unit.nextTime = flight->second.nextTime;
                unit.checkpoint = flight->second.checkpoint;
            }
            inFlight_.erase(flight);
        }
        unit.speculative = false;
        unit.uncommittedSteps = 0;
        if (front) {
            units_.push_front(std::move(unit));
        } else {
            units_.push_back(std::move(unit));
        }
    }
    changed_.notify_all();
    return true;
}

bool WorkQueue::requeue(WorkUnit unit)
{
    return putBack(std::move(unit), true);
}

void WorkQueue::postpone(WorkUnit unit)
{
    putBack(std::move(unit), false);
}

bool WorkQueue::settle(int member)
{
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        char& settled = settled_[static_cast<std::size_t>(member)];
        if (!settled) {
            settled = 1;
            first = true;
            --unsettled_;
        }
        inFlight_.erase(member);
    }
    changed_.notify_all();
    return first;
}

void WorkQueue::abandon(int member)
{
    {
        std::lock_guard lock(mutex_);
        auto flight = inFlight_.find(member);
        if (settled_[static_cast<std::size_t>(member)] || flight == inFlight_.end() || --flight->second.copies > 0) {
            return;
        }
        units_.push_front(WorkUnit{member, flight->second.nextTime, flight->second.checkpoint, 1, 0, false});
        inFlight_.erase(flight);
    }
    changed_.notify_all();
}

bool WorkQueue::isSettled(int member) const
{
    std::lock_guard lock(mutex_);
    return settled_[static_cast<std::size_t>(member)] != 0;
}

void WorkQueue::close()
{
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
}

std::deque<WorkUnit> WorkQueue::drain()
{
    std::lock_guard lock(mutex_);
    return std::exchange(units_, {});
}

}  // namespace spreadcast
