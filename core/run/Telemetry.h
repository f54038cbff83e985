#pragma once

#include "device/Device.h"
#include "run/RunProgress.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace spreadcast {

// What a run tells about itself while it runs: each member's status and device, each device's
// telemetry, the events (faults, retries, speculative copies) and the progress in member-steps.
// The device loops record into it from their threads; the controller's thread reports it to an
// observer: at once when something happened (a member finished, a device failed), never more
// often than every `minimumInterval`, and every `heartbeat` between, so rates and memory stay
// fresh. The waits are on a condition variable: a run that ends is reported without delay.
class Telemetry {
public:
    using Clock = std::chrono::steady_clock;
    using Observer = std::function<void(const RunProgress&)>;
    static constexpr std::chrono::milliseconds heartbeat{250};
    static constexpr std::chrono::milliseconds minimumInterval{50};

    // Members already finished or failed (a resumed run) start as such.
    Telemetry(const std::vector<std::unique_ptr<Device>>& devices, const std::vector<int>& batchSizes, int members,
              const std::vector<int>& finished, const std::vector<MemberFailure>& failed, long long memberStepsTotal,
              std::vector<std::string> events);

    void event(std::string text);
    void setMember(int member, MemberStatus status, int device);
    void memberDone(int member, int device);
    void memberFailed(int member);
    // The members a device works on now (empty when it is idle).
    void setBatch(int device, const std::vector<int>& members);
    void deviceFailed(int device, const std::string& event);
    // The worker that the report reads measures from while it runs; null when it stopped.
    void attachWorker(int device, DeviceWorker* worker);
    void detachWorker(int device);
    // Steps the device took for `members` members; `counted` of them count towards the run's
    // progress (speculative copies do not).
    void stepsTaken(int device, int steps, int members, int counted);
    // Steps taken since a checkpoint by a device that failed: they will be taken again.
    void stepsLost(long long memberSteps) { stepsDone_ -= memberSteps; }

    int membersDone() const { return membersDone_; }
    std::vector<std::string> events() const;
    const std::string& deviceName(int device) const { return names_[static_cast<std::size_t>(device)]; }

    // Reports to the observer until finish() is called; on the controller's thread.
    void reportUntilFinished(const Observer& observer);
    void finish();
    // One report now.
    RunProgress report(const Observer& observer);

private:
    void news();  // something worth reporting at once happened

    const Clock::time_point start_ = Clock::now();
    std::vector<std::string> names_;
    mutable std::mutex mutex_;
    RunProgress progress_;  // the record; its rates and memory are filled in by report()
    std::vector<DeviceWorker*> workers_;
    std::vector<double> lastBusySeconds_;
    Clock::time_point lastReport_ = start_;
    std::atomic<long long> stepsDone_{0};
    std::atomic<int> membersDone_{0};

    std::mutex wakeMutex_;
    std::condition_variable wake_;
    bool news_ = false;
    bool finished_ = false;
};

}  // namespace spreadcast
