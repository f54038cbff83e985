#include "device/Device.h"

#include "device/GpuInventory.h"
#include "run/InputError.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

namespace spreadcast {
namespace {

using Clock = std::chrono::steady_clock;

class CpuWorker : public DeviceWorker {
public:
    explicit CpuWorker(const ForecastModel& model)
        : model_(model), workspace_(model.makeWorkspace()), fixedBytes_(static_cast<long long>(model.workspaceBytes()))
    {
        holdMembers(0);
    }

    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
    {
        const auto start = Clock::now();
        std::vector<MemberBlowUp> blowUps;
        // One member after another: on a CPU core a batch gains nothing from being stepped
        // together, and this keeps each member's arithmetic the same in every batch.
        for (std::size_t k = 0; k < members.size(); ++k) {
            MemberState* one[] = {members[k]};
            try {
                model_.advance(one, steps, *workspace_);
            } catch (const ModelBlowUp& blowUp) {
                blowUps.push_back({static_cast<int>(k), blowUp.step(), blowUp.what()});
            }
        }
        addBusy(start);
        return blowUps;
    }

    GridFields fields(const MemberState& member) override
    {
        const auto start = Clock::now();
        GridFields result = model_.fields(member, *workspace_);
        addBusy(start);
        return result;
    }

    DeviceMeasures measures() const override
    {
        std::lock_guard lock(mutex_);
        DeviceMeasures measures;
        measures.memoryInUseBytes = inUse_;
        measures.peakMemoryBytes = peak_;
        measures.busySeconds = busySeconds_;
        return measures;
    }

    void holdMembers(int count) override
    {
        std::lock_guard lock(mutex_);
        // A member in a batch has its state and its checkpoint.
        inUse_ = fixedBytes_ + 2LL * count * static_cast<long long>(model_.stateBytes());
        peak_ = std::max(peak_, inUse_);
    }

private:
    void addBusy(Clock::time_point start)
    {
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        std::lock_guard lock(mutex_);
        busySeconds_ += seconds;
    }

    const ForecastModel& model_;
    std::unique_ptr<ModelWorkspace> workspace_;
    long long fixedBytes_;
    mutable std::mutex mutex_;
    long long inUse_ = 0;
    long long peak_ = 0;
    double busySeconds_ = 0.0;
};

class CpuDevice : public Device {
public:
    CpuDevice(int index, int workers) : index_(index), workers_(workers) {}
    std::string name() const override { return "cpu/" + std::to_string(index_); }
    std::string backend() const override { return "cpu"; }
    long long availableMemoryBytes() const override { return availableHostMemoryBytes() / workers_; }
    int preferredBatch() const override { return 1; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override
    {
        return std::make_unique<CpuWorker>(model);
    }

private:
    int index_;
    int workers_;
};

std::mutex providerMutex;
GpuDeviceProvider& registeredProvider()
{
    static GpuDeviceProvider provider;
    return provider;
}

int coreCount()
{
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

int parseCount(const std::string& text, const std::string& whole)
{
    std::size_t used = 0;
    int value = -1;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || value < 0) {
        throw InputError("--devices '" + whole + "': '" + text +
                         "' is not a count or GPU index; write auto, cpu, cpu:N, gpu, gpu:0,2 or all");
    }
    return value;
}

}  // namespace

std::vector<std::unique_ptr<Device>> makeCpuDevices(int workers)
{
    std::vector<std::unique_ptr<Device>> devices;
    for (int w = 0; w < workers; ++w) {
        devices.push_back(std::make_unique<CpuDevice>(w, workers));
    }
    return devices;
}

DeviceSelection parseDeviceSelection(const std::string& text)
{
    DeviceSelection selection;
    if (text.empty() || text == "auto") {
        selection.automatic = true;
    } else if (text == "all") {
        selection.cpu = selection.gpu = true;
    } else if (text == "cpu") {
        selection.cpu = true;
    } else if (text.rfind("cpu:", 0) == 0) {
        selection.cpu = true;
        selection.cpuWorkers = parseCount(text.substr(4), text);
        if (selection.cpuWorkers < 1) {
            throw InputError("--devices '" + text + "': give cpu:N with N ≥ 1 workers");
        }
    } else if (text == "gpu") {
        selection.gpu = true;
    } else if (text.rfind("gpu:", 0) == 0) {
        selection.gpu = true;
        std::stringstream list(text.substr(4));
        for (std::string item; std::getline(list, item, ',');) {
            // A GPU named twice gets two workers, which share its memory (gpu:0,0).
            selection.gpus.push_back(parseCount(item, text));
        }
        if (selection.gpus.empty()) {
            throw InputError("--devices '" + text + "': list GPU indices after gpu:, e.g. gpu:0,2");
        }
    } else {
        throw InputError("--devices '" + text +
                         "' is not a device selection; write auto (every GPU, else every "
                         "core), cpu, cpu:N, gpu, gpu:0,2 or all");
    }
    return selection;
}

void registerGpuDeviceProvider(GpuDeviceProvider provider)
{
    std::lock_guard lock(providerMutex);
    registeredProvider() = std::move(provider);
}

std::vector<std::unique_ptr<Device>> makeDevices(const DeviceSelection& selection, const ForecastModel& model,
                                                 int members, int threads, std::vector<std::string>& notes)
{
    std::vector<std::unique_ptr<Device>> devices;
    if (selection.gpu || selection.automatic) {
        GpuDeviceProvider provider;
        {
            std::lock_guard lock(providerMutex);
            provider = registeredProvider();
        }
        std::vector<std::string> gpuNotes;
        bool gpusPresent = false;  // GPUs that this run cannot use are worth a note, no GPU at all is not
        if (provider) {
            devices = provider(selection.gpus, model, gpuNotes);
            gpusPresent = !devices.empty() || !gpuNotes.empty();
        } else {
            const GpuInventory inventory = discoverGpus();
            gpuNotes = inventory.notes;
            gpusPresent = !inventory.gpus.empty();
            if (gpusPresent) {
                gpuNotes.insert(gpuNotes.begin(), std::to_string(inventory.gpus.size()) +
                                                      " GPU(s) found, but this build has no GPU forecast model yet");
            } else if (gpuNotes.empty()) {
                gpuNotes.push_back("no GPU found");
            }
        }
        if (devices.empty() && selection.gpu && !selection.cpu) {
            std::string why;
            for (const auto& note : gpuNotes) {
                why += (why.empty() ? "" : "; ") + note;
            }
            throw InputError("--devices gpu: no GPU can run this forecast (" + why +
                             "); use --devices cpu, or see `spreadcast-cli devices`");
        }
        if (!devices.empty()) {
            // GPUs left out of a run that has others: say which and why.
            notes.insert(notes.end(), gpuNotes.begin(), gpuNotes.end());
        }
        if (devices.empty() && selection.automatic && gpusPresent) {
            notes.push_back("no GPU in use (" + gpuNotes.front() + "): members run on CPU workers");
        }
        // A run never mixes backends: with GPUs at hand, "all" adds no CPU workers.
        if (!devices.empty() && selection.cpu) {
            notes.push_back("the CPU is not used beside the GPUs: a run never mixes backends, whose results "
                            "agree only to rounding");
        }
    }
    if (devices.empty()) {
        const int requested = selection.cpuWorkers > 0 ? selection.cpuWorkers : threads > 0 ? threads : coreCount();
        devices = makeCpuDevices(std::max(1, std::min(requested, std::max(1, members))));
    }
    return devices;
}

long long availableHostMemoryBytes()
{
    long long available = std::numeric_limits<long long>::max();
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);) {
        long long kilobytes = 0;
        if (std::sscanf(line.c_str(), "MemAvailable: %lld kB", &kilobytes) == 1) {
            available = kilobytes * 1024;
        }
    }
    // A container's limit (cgroup v2), less what the cgroup uses already.
    std::ifstream limitFile("/sys/fs/cgroup/memory.max");
    std::ifstream usageFile("/sys/fs/cgroup/memory.current");
    long long limit = 0;
    long long usage = 0;
    if (limitFile >> limit && usageFile >> usage && limit > usage) {
        available = std::min(available, limit - usage);
    }
    return available;
}

}  // namespace spreadcast
