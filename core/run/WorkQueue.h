#pragma once

#include "model/ForecastModel.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

namespace spreadcast {

// A device that can no longer compute (a CUDA error, a lost rank, an injected fault): its work
// goes back to the queue and continues elsewhere from its last checkpoint.
class DeviceFault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A member's forecast, or what is left of it: it continues from `checkpoint` (the state at output
// time nextTime − 1) when there is one.
struct WorkUnit {
    int member = 0;
    int nextTime = 0;
    std::unique_ptr<MemberState> checkpoint;
    int faults = 0;                  // devices it has already failed on
    long long uncommittedSteps = 0;  // steps since the checkpoint, lost if the device fails
};

// The run's queue of work units, which device workers pull from when they are free, so a faster
// device simply does more. Interrupted units go back to the front.
class WorkQueue {
public:
    explicit WorkQueue(int members);

    // The next unit; waits while the queue is empty but units are still out, and returns nothing
    // once every unit is settled or the queue is closed.
    std::optional<WorkUnit> take();
    void requeue(WorkUnit unit);
    void settle();  // a unit that was taken has finished or failed for good
    void close();   // hand out nothing more (cancel, or a failure of the output)
    // What is still queued when the workers have stopped (every device lost).
    std::deque<WorkUnit> drain();

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<WorkUnit> units_;
    int unsettled_ = 0;
    bool closed_ = false;
};

}  // namespace spreadcast
