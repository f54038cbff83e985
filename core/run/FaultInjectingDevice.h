#pragma once

#include "device/Device.h"

#include <functional>
#include <memory>
#include <string>

namespace spreadcast {

// A test's way to make a device fail: worker `device` throws a DeviceFault after it has taken
// `afterSteps` steps (--inject-fault device=1,after-steps=30).
// With `hang` the device stops answering instead (the watchdog's case).
struct FaultInjection {
    int device = 0;
    long long afterSteps = 0;
    bool hang = false;
};
// Parses "device=D,after-steps=N[,hang]"; throws InputError naming the text.
FaultInjection parseFaultInjection(const std::string& text);

// A device that behaves as the one it wraps until its worker has taken fault.afterSteps steps,
// then fails: its next advance throws DeviceFault, or with fault.hang blocks until `released`
// says so (the run gave the device up, or stopped) and then throws. The controller sees an
// ordinary device fail; nothing in its step loop knows about injected faults.
class FaultInjectingDevice : public Device {
public:
    FaultInjectingDevice(std::unique_ptr<Device> device, FaultInjection fault, std::function<bool()> released);
    std::string name() const override { return device_->name(); }
    std::string backend() const override { return device_->backend(); }
    long long availableMemoryBytes() const override { return device_->availableMemoryBytes(); }
    int preferredBatch() const override { return device_->preferredBatch(); }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override;

private:
    std::unique_ptr<Device> device_;
    FaultInjection fault_;
    std::function<bool()> released_;
};

}  // namespace spreadcast
