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

void forEachMember(int members, int workers, const std::function<void(int worker, int member)>& work)
{
    std::atomic<int> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto loop = [&](int worker) {
        for (int member = next++; member < members; member = next++) {
            try {
                work(worker, member);
            } catch (...) {
                std::lock_guard lock(failureMutex);
                if (!failure) {
                    failure = std::current_exception();
                }
                next = members;
                return;
            }
        }
    };
    std::vector<std::jthread> threads;
    for (int worker = 1; worker < workers; ++worker) {
        threads.emplace_back(loop, worker);
    }
    loop(0);
    threads.clear();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

}  // namespace spreadcast
