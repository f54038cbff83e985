#include "BatchedWorker.h"

#include "BatchedExecutors.h"
#include "run/WorkQueue.h"

#include <algorithm>
#include <chrono>

namespace spreadcast::gpu {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class HostBatchedDevice : public Device {
public:
    HostBatchedDevice(int index, int batch) : index_(index), batch_(batch) {}
    std::string name() const override { return "host-batched/" + std::to_string(index_); }
    std::string backend() const override { return "host-batched"; }
    long long availableMemoryBytes() const override { return availableHostMemoryBytes(); }
    int preferredBatch() const override { return batch_; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override
    {
        const HostBatchedFactory factory = hostBatchedFactory(model.name());
        if (!factory) {
            throw DeviceFault(name() + ": no batched executor for the model '" + model.name() + "'");
        }
        return std::make_unique<BatchedWorker>(factory(model, batch_), name());
    }

private:
    int index_;
    int batch_;
};

}  // namespace

BatchedWorker::BatchedWorker(std::unique_ptr<BatchedModel> model, std::string label, HardwareReadings readings)
    : model_(std::move(model)), label_(std::move(label)), readings_(std::move(readings))
{
}

std::vector<MemberBlowUp> BatchedWorker::advance(std::span<MemberState* const> members, int steps)
{
    const auto start = Clock::now();
    cache_.clear();
    lastBatch_.clear();
    try {
        auto blowUps = model_->advance(members, steps);
        lastBatch_.assign(members.begin(), members.end());
        addBusy(secondsSince(start));
        return blowUps;
    } catch (const BackendError& error) {
        throw DeviceFault(label_ + ": " + error.what());
    }
}

GridFields BatchedWorker::fields(const MemberState& member)
{
    if (auto found = cache_.find(&member); found != cache_.end()) {
        CachedFields cached = std::move(found->second);
        cache_.erase(found);
        if (cached.hash == model_->hashState(member)) {
            return std::move(cached.fields);
        }
    }
    std::vector<MemberState*> batch;
    if (model_->fieldsByBatch() && std::find(lastBatch_.begin(), lastBatch_.end(), &member) != lastBatch_.end()) {
        batch = lastBatch_;
    } else {
        batch = {const_cast<MemberState*>(&member)};  // only read: the model copies states in
    }
    const auto start = Clock::now();
    std::vector<GridFields> computed;
    try {
        computed = model_->fields(batch);
    } catch (const BackendError& error) {
        throw DeviceFault(label_ + ": " + error.what());
    }
    addBusy(secondsSince(start));
    GridFields result;
    for (std::size_t k = 0; k < batch.size(); ++k) {
        if (batch[k] == &member) {
            result = std::move(computed[k]);
        } else {
            cache_[batch[k]] = {model_->hashState(*batch[k]), std::move(computed[k])};
        }
    }
    // Each member's fields are computed once per step.
    lastBatch_.clear();
    return result;
}

DeviceMeasures BatchedWorker::measures() const
{
    DeviceMeasures measures;
    measures.memoryInUseBytes = model_->allocatedBytes();
    measures.peakMemoryBytes = measures.memoryInUseBytes;
    {
        std::lock_guard lock(mutex_);
        measures.busySeconds = busySeconds_;
    }
    if (readings_) {
        readings_(measures);
    }
    return measures;
}

void BatchedWorker::holdMembers(int count)
{
    if (count == 0) {
        cache_.clear();
        lastBatch_.clear();
    }
}

void BatchedWorker::addBusy(double seconds)
{
    std::lock_guard lock(mutex_);
    busySeconds_ += seconds;
}

std::unique_ptr<Device> makeHostBatchedDevice(int index, int batch)
{
    return std::make_unique<HostBatchedDevice>(index, batch);
}

}  // namespace spreadcast::gpu
