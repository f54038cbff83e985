#include "run/MemberPool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace spreadcast {

int workerCount(int requested, int members)
{
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    return std::max(1, std::min(requested > 0 ? requested : cores, members));
}

void runOnWorkers(int workers, const std::function<void(int worker)>& work)
{
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto guarded = [&](int worker) {
        try {
            work(worker);
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure) {
                failure = std::current_exception();
            }
        }
    };
    {
        std::vector<std::jthread> threads;
        for (int worker = 1; worker < workers; ++worker) {
            threads.emplace_back(guarded, worker);
        }
        guarded(0);
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
}

void forEachMember(int members, int workers, const std::function<void(int worker, int member)>& work)
{
    std::atomic<int> next{0};
    runOnWorkers(workers, [&](int worker) {
        for (int member = next++; member < members; member = next++) {
            try {
                work(worker, member);
            } catch (...) {
                next = members;  // the others stop taking members
                throw;
            }
        }
    });
}

}  // namespace spreadcast
