#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace spreadcast {

class Checkpoint;

// A device that can no longer compute (a CUDA error, a lost rank, an injected fault): its work
// goes back to the queue and continues elsewhere from its last checkpoint.
class DeviceFault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A member's forecast, or what is left of it: it continues from `checkpoint` (the state at output
// time nextTime − 1) when there is one, else from its initial state (nextTime 0 or 1).
struct WorkUnit {
    int member = 0;
    int nextTime = 0;
    std::shared_ptr<const Checkpoint> checkpoint;
    int faults = 0;                  // devices it has already failed on
    long long uncommittedSteps = 0;  // steps since the checkpoint, lost if the device fails
    bool speculative = false;        // a second copy of a member that is still running elsewhere
};

// The run's queue of work units, which device workers pull from when they are free, so a faster
// device simply does more. Interrupted units go back to the front; units that finished a lead-time
// segment go to the back. With speculation on, a worker that finds the queue empty while members
// are still running takes a copy of the one furthest behind (a straggler) from its last checkpoint;
// whichever copy finishes first settles the member, and the other stops at its next check.
class WorkQueue {
public:
    explicit WorkQueue(const std::vector<int>& members, bool speculate = false);

    // Up to maxBatch units that are at the same output time (fresh members first in member
    // order); waits while there is nothing to hand out but members are still running, and
    // returns nothing once every member is settled or the queue is closed.
    std::vector<WorkUnit> take(int maxBatch);
    // Records the newest checkpoint of a running member (speculative copies start from it).
    void checkpoint(const WorkUnit& unit);
    // A unit whose device failed: back to the front, unless another copy of it is still running.
    // Returns false when it was dropped because of such a copy.
    bool requeue(WorkUnit unit);
    // A unit that finished a lead-time segment: to the back.
    void postpone(WorkUnit unit);
    // The member has finished or failed for good; its other copies stop. Returns false when
    // another copy had settled it already.
    bool settle(int member);
    // A copy of the member whose device was given up (it stopped answering): the member goes back
    // to the front from its newest checkpoint unless another copy is still running.
    void abandon(int member);
    bool isSettled(int member) const;
    void close();  // hand out nothing more (cancel, or a failure of the output)
    // What is still queued when the workers have stopped (every device lost).
    std::deque<WorkUnit> drain();

private:
    struct InFlight {
        int copies = 0;
        int nextTime = 0;
        std::shared_ptr<const Checkpoint> checkpoint;
        bool speculated = false;
    };
    std::optional<WorkUnit> speculativeCopy();
    // Requeue and postpone: the unit goes back unless the member is settled or another copy of it
    // still runs; returns whether it went back.
    bool putBack(WorkUnit unit, bool front);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<WorkUnit> units_;
    std::map<int, InFlight> inFlight_;
    std::vector<char> settled_;
    int unsettled_ = 0;
    bool speculate_ = false;
    bool closed_ = false;
};

}  // namespace spreadcast
