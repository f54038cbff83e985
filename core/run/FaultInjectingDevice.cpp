#include "run/FaultInjectingDevice.h"

#include "run/InputError.h"
#include "run/WorkQueue.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <utility>

namespace spreadcast {
namespace {

class FaultInjectingWorker : public DeviceWorker {
public:
    FaultInjectingWorker(std::unique_ptr<DeviceWorker> worker, FaultInjection fault,
                         const std::function<bool()>& released)
        : worker_(std::move(worker)), fault_(fault), released_(released)
    {
    }

    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
    {
        if (stepsLeft() == 0) {
            if (fault_.hang) {
                // Stop answering: the controller's watchdog has to notice.
                while (!released_()) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
                throw DeviceFault("stopped answering after " + std::to_string(fault_.afterSteps) + " steps");
            }
            throw DeviceFault("injected fault after " + std::to_string(fault_.afterSteps) + " steps");
        }
        std::vector<MemberBlowUp> blowUps = worker_->advance(members, steps);
        taken_ += steps;
        return blowUps;
    }
    GridFields fields(const MemberState& member) override { return worker_->fields(member); }
    // Never more steps at once than are left before the fault, so that it strikes exactly after
    // fault.afterSteps steps whatever the wrapped device prefers.
    int preferredSteps() const override
    {
        const long long left = stepsLeft();
        const int preferred = worker_->preferredSteps();
        return left > 0 ? static_cast<int>(std::min<long long>(preferred, left)) : preferred;
    }
    DeviceMeasures measures() const override { return worker_->measures(); }
    void holdMembers(int count) override { worker_->holdMembers(count); }

private:
    long long stepsLeft() const { return std::max(0LL, fault_.afterSteps - taken_); }

    std::unique_ptr<DeviceWorker> worker_;
    FaultInjection fault_;
    const std::function<bool()>& released_;
    long long taken_ = 0;
};

}  // namespace

FaultInjection parseFaultInjection(const std::string& text)
{
    FaultInjection fault;
    int matched = 0;
    char tail = 0;
    char mode[8] = {};
    const int fields = std::sscanf(text.c_str(), "device=%d,after-steps=%lld%c%7s%c", &fault.device, &fault.afterSteps,
                                   &tail, mode, &tail);
    if (fault.device >= 0 && fault.afterSteps >= 0 &&
        (fields == 2 || (fields == 4 && text.size() > 5 && text.compare(text.size() - 5, 5, ",hang") == 0))) {
        matched = 1;
        fault.hang = fields == 4;
    }
    if (!matched) {
        throw InputError("--inject-fault '" + text +
                         "' is not a fault: write device=D,after-steps=N (the device fails) or "
                         "device=D,after-steps=N,hang (it stops answering), e.g. device=1,after-steps=30");
    }
    return fault;
}

FaultInjectingDevice::FaultInjectingDevice(std::unique_ptr<Device> device, FaultInjection fault,
                                           std::function<bool()> released)
    : device_(std::move(device)), fault_(fault), released_(std::move(released))
{
}

std::unique_ptr<DeviceWorker> FaultInjectingDevice::attach(const ForecastModel& model)
{
    return std::make_unique<FaultInjectingWorker>(device_->attach(model), fault_, released_);
}

}  // namespace spreadcast
