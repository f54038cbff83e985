#pragma once

#include <functional>

namespace spreadcast {

// The number of worker threads for `members` members: `requested` when positive, else one per
// core; never more than there are members.
int workerCount(int requested, int members);

// Runs work(worker) on `workers` threads (worker 0 on the calling thread) and waits for all; the
// first exception that escapes a worker is rethrown here after every thread has finished.
void runOnWorkers(int workers, const std::function<void(int worker)>& work);

// Runs work(worker, member) for every member 0 … members − 1 on `workers` threads, each pulling
// the next member when it is free. work() must not throw; the first exception that escapes it
// stops the remaining members and is rethrown here after every thread has finished.
void forEachMember(int members, int workers, const std::function<void(int worker, int member)>& work);

}  // namespace spreadcast
