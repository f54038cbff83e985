#include "run/WorkQueue.h"

#include <utility>

namespace spreadcast {

WorkQueue::WorkQueue(int members) : unsettled_(members)
{
    for (int member = 0; member < members; ++member) {
        units_.push_back(WorkUnit{member, 0, nullptr, 0});
    }
}

std::optional<WorkUnit> WorkQueue::take()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || unsettled_ == 0 || !units_.empty(); });
    if (closed_ || units_.empty()) {
        return std::nullopt;
    }
    WorkUnit unit = std::move(units_.front());
    units_.pop_front();
    return unit;
}

void WorkQueue::requeue(WorkUnit unit)
{
    {
        std::lock_guard lock(mutex_);
        units_.push_front(std::move(unit));
    }
    changed_.notify_all();
}

void WorkQueue::settle()
{
    {
        std::lock_guard lock(mutex_);
        --unsettled_;
    }
    changed_.notify_all();
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
