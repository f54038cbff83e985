#include "run/Telemetry.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <utility>

namespace spreadcast {
namespace {

// The hardware's temperature and power from a worker's measures: the latest reading (negative
// when the device cannot tell now) and the highest so far.
void recordHardwareReadings(DeviceTelemetry& device, const DeviceMeasures& measures)
{
    device.temperatureCelsius = measures.temperatureCelsius;
    device.powerWatts = measures.powerWatts;
    device.peakTemperatureCelsius = std::max(device.peakTemperatureCelsius, measures.temperatureCelsius);
    device.peakPowerWatts = std::max(device.peakPowerWatts, measures.powerWatts);
}

}  // namespace

std::string_view memberStatusName(MemberStatus status)
{
    switch (status) {
    case MemberStatus::Queued: return "queued";
    case MemberStatus::Running: return "running";
    case MemberStatus::Done: return "done";
    case MemberStatus::Failed: return "failed";
    case MemberStatus::Retried: return "retried";
    }
    return "unknown";
}

ProcessMemory processMemory()
{
    std::ifstream status("/proc/self/status");
    ProcessMemory memory;
    for (std::string line; std::getline(status, line);) {
        long long kilobytes = 0;
        if (std::sscanf(line.c_str(), "VmRSS: %lld kB", &kilobytes) == 1) {
            memory.residentBytes = kilobytes * 1024;
        } else if (std::sscanf(line.c_str(), "VmHWM: %lld kB", &kilobytes) == 1) {
            memory.peakResidentBytes = kilobytes * 1024;
        }
    }
    return memory;
}

Telemetry::Telemetry(const std::vector<std::unique_ptr<Device>>& devices, const std::vector<int>& batchSizes,
                     int members, const std::vector<int>& finished, const std::vector<MemberFailure>& failed,
                     long long memberStepsTotal, std::vector<std::string> events)
    : workers_(devices.size(), nullptr), lastBusySeconds_(devices.size(), 0.0)
{
    progress_.members = members;
    progress_.memberStepsTotal = memberStepsTotal;
    progress_.events = std::move(events);
    progress_.memberStatuses.assign(static_cast<std::size_t>(members), MemberStatus::Queued);
    progress_.memberDevice.assign(static_cast<std::size_t>(members), -1);
    for (int member : finished) {
        progress_.memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Done;
    }
    for (const MemberFailure& failure : failed) {
        progress_.memberStatuses[static_cast<std::size_t>(failure.member)] = MemberStatus::Failed;
    }
    progress_.membersFailed = static_cast<int>(failed.size());
    membersDone_ = static_cast<int>(finished.size());
    for (std::size_t d = 0; d < devices.size(); ++d) {
        DeviceTelemetry device;
        device.name = devices[d]->name();
        device.backend = devices[d]->backend();
        device.batchSize = batchSizes[d];
        names_.push_back(device.name);
        progress_.devices.push_back(std::move(device));
    }
}

void Telemetry::news()
{
    {
        std::lock_guard lock(wakeMutex_);
        news_ = true;
    }
    wake_.notify_one();
}

void Telemetry::event(std::string text)
{
    {
        std::lock_guard lock(mutex_);
        progress_.events.push_back(std::move(text));
    }
    news();
}

void Telemetry::setMember(int member, MemberStatus status, int device)
{
    {
        std::lock_guard lock(mutex_);
        progress_.memberStatuses[static_cast<std::size_t>(member)] = status;
        progress_.memberDevice[static_cast<std::size_t>(member)] = device;
    }
    news();
}

void Telemetry::memberDone(int member, int device)
{
    ++membersDone_;
    {
        std::lock_guard lock(mutex_);
        progress_.memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Done;
        progress_.memberDevice[static_cast<std::size_t>(member)] = device;
        ++progress_.devices[static_cast<std::size_t>(device)].membersDone;
    }
    news();
}

void Telemetry::memberFailed(int member)
{
    {
        std::lock_guard lock(mutex_);
        progress_.memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Failed;
        ++progress_.membersFailed;
    }
    news();
}

void Telemetry::setBatch(int device, const std::vector<int>& members)
{
    std::lock_guard lock(mutex_);
    DeviceTelemetry& entry = progress_.devices[static_cast<std::size_t>(device)];
    entry.currentMember = members.empty() ? -1 : members.front();
    entry.running = static_cast<int>(members.size());
}

void Telemetry::deviceFailed(int device, const std::string& event)
{
    {
        std::lock_guard lock(mutex_);
        progress_.devices[static_cast<std::size_t>(device)].failed = true;
        progress_.events.push_back(event);
    }
    news();
}

void Telemetry::attachWorker(int device, DeviceWorker* worker)
{
    std::lock_guard lock(mutex_);
    workers_[static_cast<std::size_t>(device)] = worker;
}

void Telemetry::detachWorker(int device)
{
    const auto index = static_cast<std::size_t>(device);
    std::lock_guard lock(mutex_);
    DeviceTelemetry& entry = progress_.devices[index];
    if (workers_[index] != nullptr) {
        const DeviceMeasures measures = workers_[index]->measures();
        entry.peakMemoryBytes = measures.peakMemoryBytes;
        recordHardwareReadings(entry, measures);
    }
    workers_[index] = nullptr;
    entry.running = 0;
    entry.currentMember = -1;
}

void Telemetry::stepsTaken(int device, int steps, int members, int counted)
{
    stepsDone_ += static_cast<long long>(steps) * counted;
    std::lock_guard lock(mutex_);
    progress_.devices[static_cast<std::size_t>(device)].memberSteps +=
        static_cast<long long>(steps) * static_cast<long long>(members);
}

std::vector<std::string> Telemetry::events() const
{
    std::lock_guard lock(mutex_);
    return progress_.events;
}

RunProgress Telemetry::report(const Observer& observer)
{
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    RunProgress progress;
    {
        std::lock_guard lock(mutex_);
        const double interval = std::chrono::duration<double>(now - lastReport_).count();
        lastReport_ = now;
        progress = progress_;
        for (std::size_t d = 0; d < progress.devices.size(); ++d) {
            DeviceTelemetry& device = progress.devices[d];
            device.memberStepsPerSecond = seconds > 0.0 ? static_cast<double>(device.memberSteps) / seconds : 0.0;
            if (workers_[d] == nullptr) {
                device.memoryInUseBytes = 0;
                device.utilization = 0.0;
                continue;
            }
            const DeviceMeasures measures = workers_[d]->measures();
            device.memoryInUseBytes = measures.memoryInUseBytes;
            device.peakMemoryBytes = measures.peakMemoryBytes;
            device.hardwareUtilization = measures.utilizationPercent >= 0.0;
            if (device.hardwareUtilization) {
                device.utilization = std::clamp(measures.utilizationPercent / 100.0, 0.0, 1.0);
            } else {
                device.utilization = interval > 0.0
                                         ? std::clamp((measures.busySeconds - lastBusySeconds_[d]) / interval, 0.0, 1.0)
                                         : 0.0;
            }
            lastBusySeconds_[d] = measures.busySeconds;
            progress_.devices[d].peakMemoryBytes = measures.peakMemoryBytes;
            recordHardwareReadings(progress_.devices[d], measures);
            recordHardwareReadings(device, measures);
        }
    }
    progress.membersDone = membersDone_;
    const ProcessMemory memory = processMemory();
    progress.residentBytes = memory.residentBytes;
    progress.peakResidentBytes = memory.peakResidentBytes;
    progress.memberStepsDone = stepsDone_;
    progress.elapsedSeconds = seconds;
    progress.memberStepsPerSecond = seconds > 0.0 ? static_cast<double>(progress.memberStepsDone) / seconds : 0.0;
    progress.etaSeconds =
        progress.memberStepsPerSecond > 0.0
            ? static_cast<double>(progress.memberStepsTotal - progress.memberStepsDone) / progress.memberStepsPerSecond
            : -1.0;
    if (observer) {
        observer(progress);
    }
    return progress;
}

void Telemetry::reportUntilFinished(const Observer& observer)
{
    for (;;) {
        {
            std::unique_lock lock(wakeMutex_);
            wake_.wait_for(lock, minimumInterval, [this] { return finished_; });
            wake_.wait_for(lock, heartbeat - minimumInterval, [this] { return finished_ || news_; });
            if (finished_) {
                return;
            }
            news_ = false;
        }
        report(observer);
    }
}

void Telemetry::finish()
{
    {
        std::lock_guard lock(wakeMutex_);
        finished_ = true;
    }
    wake_.notify_one();
}

}  // namespace spreadcast
