// The GPU backend's registry of batched executors (gpu/BatchedExecutors.h): a model is found by
// its name, a model with no executor is refused with a message naming it, and a model that
// registers one runs on the batched devices without the backend knowing its type.
#include "BatchedExecutors.h"
#include "BatchedWorker.h"
#include "cases/TestCases.h"
#include "model/ShallowWaterModel.h"
#include "run/RunSpec.h"
#include "run/WorkQueue.h"

#include <QtTest>

#include <memory>
#include <string>
#include <vector>

using namespace spreadcast;

namespace {

// The smallest model there is: its state is a step counter. Only its name matters here.
class CountingModel : public ForecastModel {
public:
    explicit CountingModel(std::string name)
        : name_(std::move(name)), schema_(shallowWaterOutputSchema(GaussianGrid::forTruncation(21)))
    {
    }
    std::string name() const override { return name_; }
    std::string description() const override { return "a test model that only counts steps"; }
    const OutputSchema& outputSchema() const override { return schema_; }
    double timeStep() const override { return 60.0; }
    std::unique_ptr<ModelWorkspace> makeWorkspace() const override { return std::make_unique<ModelWorkspace>(); }
    std::unique_ptr<MemberState> initialState(int) const override { return std::make_unique<CountingState>(); }
    void advance(std::span<MemberState* const> members, int steps, ModelWorkspace&) const override
    {
        for (MemberState* member : members) {
            member->step += steps;
        }
    }
    GridFields fields(const MemberState&, ModelWorkspace&) const override { return {}; }
    std::size_t stateBytes() const override { return sizeof(CountingState); }
    std::size_t workspaceBytes() const override { return 0; }
    std::vector<std::byte> serialize(const MemberState&) const override { return {}; }
    std::unique_ptr<MemberState> deserialize(std::span<const std::byte>) const override
    {
        return std::make_unique<CountingState>();
    }

private:
    struct CountingState : MemberState {
        std::unique_ptr<MemberState> clone() const override { return std::make_unique<CountingState>(*this); }
        void assign(const MemberState& other) override { step = other.step; }
    };
    std::string name_;
    OutputSchema schema_;
};

// A batched executor of the counting model that counts its calls.
class CountingBatchedModel : public gpu::BatchedModel {
public:
    explicit CountingBatchedModel(int* calls) : calls_(calls) {}
    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
    {
        ++*calls_;
        for (MemberState* member : members) {
            member->step += steps;
        }
        return {};
    }
    std::vector<GridFields> fields(std::span<MemberState* const> members) override
    {
        return std::vector<GridFields>(members.size());
    }
    long long allocatedBytes() const override { return 0; }
    std::uint64_t hashState(const MemberState& member) const override
    {
        return static_cast<std::uint64_t>(member.step);
    }

private:
    int* calls_;
};

}  // namespace

class TestBatchedExecutors : public QObject {
    Q_OBJECT

private slots:
    void theShallowWaterModelHasAHostExecutor()
    {
        QVERIFY(static_cast<bool>(gpu::hostBatchedFactory(ShallowWaterModel::registryName)));
        // Stepped through the host-batched device, which knows the model only by its name.
        ShallowWaterParameters parameters;
        parameters.timeStep = maxStableTimeStep(21) * 0.5;
        const ShallowWaterModel model(21, galewskyJet(GaussianGrid::forTruncation(21), true), parameters);
        auto worker = gpu::makeHostBatchedDevice(0, 8)->attach(model);
        auto state = model.initialState(0);
        MemberState* members[] = {state.get()};
        QVERIFY(worker->advance(members, 3).empty());
        QCOMPARE(state->step, std::int64_t{3});
    }

    void aModelWithoutExecutorIsRefusedByName()
    {
        const CountingModel model("no-executor-model");
        QVERIFY(!gpu::hostBatchedFactory(model.name()));
        QVERIFY(!gpu::gpuBatchedExecutor(model.name()).has_value());
        const auto device = gpu::makeHostBatchedDevice(0, 8);
        try {
            device->attach(model);
            QFAIL("a model with no batched executor was attached");
        } catch (const DeviceFault& fault) {
            QVERIFY2(std::string(fault.what()).find("'no-executor-model'") != std::string::npos, fault.what());
        }
    }

    void aRegisteredModelRunsOnTheBatchedDevice()
    {
        const CountingModel model("counting-model");
        int calls = 0;
        std::string madeFor;
        int madeCapacity = 0;
        gpu::registerHostBatchedModel(model.name(), [&](const ForecastModel& registered, int capacity) {
            madeFor = registered.name();
            madeCapacity = capacity;
            return std::make_unique<CountingBatchedModel>(&calls);
        });
        auto worker = gpu::makeHostBatchedDevice(1, 4)->attach(model);
        QCOMPARE(madeFor, std::string("counting-model"));
        QCOMPARE(madeCapacity, 4);
        auto first = model.initialState(0);
        auto second = model.initialState(1);
        MemberState* members[] = {first.get(), second.get()};
        QVERIFY(worker->advance(members, 5).empty());
        QCOMPARE(calls, 1);
        QCOMPARE(first->step, std::int64_t{5});
        QCOMPARE(second->step, std::int64_t{5});
    }
};

QTEST_APPLESS_MAIN(TestBatchedExecutors)
#include "TestBatchedExecutors.moc"
