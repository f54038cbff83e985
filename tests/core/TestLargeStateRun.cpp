#include "model/ShallowWaterModel.h"
#include "run/CheckpointStore.h"
#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <atomic>
#include <cstring>
#include <fstream>

using namespace spreadcast;

namespace {

constexpr std::size_t gib = std::size_t{1} << 30;

// A member state of `bytes` bytes, every page of it written, so that it counts in the resident
// memory as a learned model's state would.
class LargeState : public MemberState {
public:
    LargeState(std::size_t bytes, int member) : member_(member), data_(bytes, static_cast<unsigned char>(member + 1)) {}
    LargeState(std::span<const std::byte> bytes, int member)
        : member_(member),
          data_(reinterpret_cast<const unsigned char*>(bytes.data()),
                reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size()))
    {
    }
    std::unique_ptr<MemberState> clone() const override { return std::make_unique<LargeState>(*this); }
    void assign(const MemberState& other) override { *this = dynamic_cast<const LargeState&>(other); }

    int member_;
    std::vector<unsigned char> data_;
};

// A model whose states are 1 GiB each and whose step costs next to nothing: what the controller
// does with states this size is all the test measures.
class LargeStateModel : public ForecastModel {
public:
    std::string name() const override { return "large-state-test"; }
    std::string description() const override { return "a test model with 1 GiB states"; }
    const OutputSchema& outputSchema() const override { return schema_; }
    double timeStep() const override { return 600.0; }
    std::unique_ptr<ModelWorkspace> makeWorkspace() const override { return std::make_unique<ModelWorkspace>(); }
    std::unique_ptr<MemberState> initialState(int member) const override
    {
        return std::make_unique<LargeState>(stateBytes(), member);
    }
    void advance(std::span<MemberState* const> members, int steps, ModelWorkspace&) const override
    {
        for (MemberState* member : members) {
            auto& state = static_cast<LargeState&>(*member);
            for (int k = 0; k < steps; ++k) {
                // A byte a step, far apart: the state changes and its result shows the step.
                state.data_[static_cast<std::size_t>(state.step % 1024) * (state.data_.size() / 1024)] += 1;
                ++state.step;
            }
        }
    }
    GridFields fields(const MemberState& member, ModelWorkspace&) const override
    {
        const auto& state = static_cast<const LargeState&>(member);
        double sum = 0.0;
        for (std::size_t k = 0; k < 1024; ++k) {
            sum += state.data_[k * (state.data_.size() / 1024)];
        }
        GridFields fields;
        fields.variables.assign(schema_.variables.size(),
                                AlignedVector<double>(schema_.points(), sum + static_cast<double>(state.step)));
        return fields;
    }
    std::size_t stateBytes() const override { return gib; }
    std::size_t workspaceBytes() const override { return 0; }
    // One pass over the state each way (no zeroing first): the test's time goes on the controller's copies.
    std::vector<std::byte> serialize(const MemberState& member) const override
    {
        ++serialized;
        const auto& state = static_cast<const LargeState&>(member);
        std::vector<std::byte> bytes;
        bytes.reserve(headerBytes + state.data_.size());
        const auto append = [&](const void* data, std::size_t size) {
            const auto* begin = static_cast<const std::byte*>(data);
            bytes.insert(bytes.end(), begin, begin + size);
        };
        append(&state.step, sizeof state.step);
        append(&state.member_, sizeof state.member_);
        append(state.data_.data(), state.data_.size());
        return bytes;
    }
    std::unique_ptr<MemberState> deserialize(std::span<const std::byte> bytes) const override
    {
        ++deserialized;
        if (bytes.size() != headerBytes + stateBytes()) {
            throw std::invalid_argument("not a large-state-test state");
        }
        std::int64_t step = 0;
        int member = 0;
        std::memcpy(&step, bytes.data(), sizeof step);
        std::memcpy(&member, bytes.data() + sizeof step, sizeof member);
        auto state = std::make_unique<LargeState>(bytes.subspan(headerBytes), member);
        state->step = step;
        return state;
    }

    static constexpr std::size_t headerBytes = sizeof(std::int64_t) + sizeof(int);
    mutable std::atomic<int> serialized{0};
    mutable std::atomic<int> deserialized{0};

private:
    OutputSchema schema_ = shallowWaterOutputSchema(GaussianGrid::forTruncation(21));
};

// Resets VmHWM to the current VmRSS (Linux's clear_refs, value 5), so that the peak read after
// the run is the run's own; false where the kernel does not allow it.
bool resetPeakResident()
{
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.close();
    return static_cast<bool>(clear);
}

}  // namespace

class TestLargeStateRun : public QObject {
    Q_OBJECT

private slots:
    // Issue 11, item 3. Four members of 1 GiB on two CPU workers, in lead-time segments of one
    // output interval, so that every member waits in the queue with a checkpoint between its
    // segments. A worker holds at most one member's state plus, for a moment, one more copy of
    // it (the serialized bytes it writes, or the file's bytes it deserializes), so the run's
    // peak is at most 2 workers × 2 × 1 GiB above what the process held before. Keeping the
    // checkpoints in memory would need 4 more GiB (one per waiting member), and a clone of a
    // state beside the previous checkpoint 1 GiB more per worker.
    void peakMemoryOfFourGibibyteMembersOnTwoWorkersIsBounded()
    {
        QTemporaryDir directory;
        RunSpec spec;
        spec.truncation = 21;
        spec.members = 4;
        spec.devices = "cpu:2";
        spec.outputIntervalSeconds = 3600.0;
        spec.leadSeconds = 2 * 3600.0;
        spec.segmentOutputs = 1;
        spec.perturbVorticity = 0.0;
        spec.outputPath = directory.filePath("large.nc").toStdString();
        PreparedModel prepared;
        auto model = std::make_unique<LargeStateModel>();
        const LargeStateModel& large = *model;
        prepared.model = std::move(model);
        prepared.initialCondition = "large-state test model";
        prepared.perturbations = "none";
        EnsembleRun run(spec, std::move(prepared));
        std::vector<CompletedOutputTime> completed;  // the observer runs with the output locked: no race
        run.observeOutputTimes([&](const CompletedOutputTime& time) { completed.push_back(time); });

        const bool reset = resetPeakResident();
        const ProcessMemory before = processMemory();
        QVERIFY2(before.peakResidentBytes > 0, "no /proc/self/status: the test needs Linux");
        std::atomic<bool> cancel{false};
        const RunResult result = run.execute({}, cancel);
        const ProcessMemory after = processMemory();

        QCOMPARE(result.status, std::string("complete"));
        QCOMPARE(completed.size(), std::size_t{3});
        for (std::size_t k = 0; k < completed.size(); ++k) {
            QCOMPARE(completed[k].timeIndex, static_cast<int>(k));
            QCOMPARE(completed[k].members, 4);
        }
        QCOMPARE(large.serialized.load(), 4);    // every member spilled its checkpoint at time 1 …
        QCOMPARE(large.deserialized.load(), 4);  // … and continued from it
        QVERIFY(!QFileInfo::exists(directory.filePath("large.nc.resume")));

        const long long workers = 2;
        const long long slack = 128ll << 20;  // the writer, the statistics of a T21 grid, threads
        const long long bound = (reset ? before.residentBytes : before.peakResidentBytes) +
                                workers * 2 * static_cast<long long>(gib) + slack;
        qInfo("peak resident %lld bytes (%.2f GiB) against a bound of %lld bytes (%.2f GiB); %s",
              after.peakResidentBytes, static_cast<double>(after.peakResidentBytes) / gib, bound,
              static_cast<double>(bound) / gib,
              reset ? "VmHWM reset before the run" : "VmHWM since the process started");
        QVERIFY2(after.peakResidentBytes <= bound, "the controller held more copies of the states than it should");
        // And the run did hold the states: a bound that nothing approaches would prove nothing.
        QVERIFY(after.peakResidentBytes >= before.residentBytes + static_cast<long long>(gib));
    }
};

int main(int argc, char** argv)
{
    // Four gibibytes made, copied, written and read back: seconds on an idle machine, but far
    // more on a loaded CI runner than QtTest's default five minutes allow.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT")) {
        qputenv("QTEST_FUNCTION_TIMEOUT", "1800000");
    }
    QCoreApplication application(argc, argv);
    TestLargeStateRun test;
    return QTest::qExec(&test, argc, argv);
}
#include "TestLargeStateRun.moc"
