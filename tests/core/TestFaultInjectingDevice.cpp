#include "run/EnsembleRun.h"
#include "run/FaultInjectingDevice.h"
#include "run/InputError.h"
#include "run/WorkQueue.h"

#include <QtTest/QtTest>

#include <future>

using namespace spreadcast;

namespace {

// A device whose worker asks for many steps at once, as a GPU or a remote rank does.
class ManyStepsDevice : public Device {
public:
    std::string name() const override { return "many/0"; }
    std::string backend() const override { return "cpu"; }
    long long availableMemoryBytes() const override { return 1LL << 30; }
    int preferredBatch() const override { return 4; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override
    {
        class Worker : public DeviceWorker {
        public:
            explicit Worker(std::unique_ptr<DeviceWorker> cpu) : cpu_(std::move(cpu)) {}
            std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
            {
                return cpu_->advance(members, steps);
            }
            GridFields fields(const MemberState& member) override { return cpu_->fields(member); }
            int preferredSteps() const override { return 10; }
            DeviceMeasures measures() const override { return cpu_->measures(); }
            void holdMembers(int count) override { cpu_->holdMembers(count); }

        private:
            std::unique_ptr<DeviceWorker> cpu_;
        };
        return std::make_unique<Worker>(makeCpuDevices(1).front()->attach(model));
    }
};

}  // namespace

class TestFaultInjectingDevice : public QObject {
    Q_OBJECT

    PreparedModel prepared_;

private slots:
    void initTestCase()
    {
        RunSpec spec;
        spec.truncation = 21;
        prepared_ = prepareModel(spec);
    }

    void parsesFaultsAndRefusesWhatIsNotOne()
    {
        const FaultInjection fault = parseFaultInjection("device=1,after-steps=30");
        QCOMPARE(fault.device, 1);
        QCOMPARE(fault.afterSteps, 30LL);
        QVERIFY(!fault.hang);
        QVERIFY(parseFaultInjection("device=0,after-steps=0,hang").hang);
        for (const char* text :
             {"", "device=1", "device=-1,after-steps=3", "device=1,after-steps=3,sleep", "after-steps=3,device=1"}) {
            try {
                parseFaultInjection(text);
                QFAIL(qPrintable(QString("'%1' was taken for a fault").arg(text)));
            } catch (const InputError& error) {
                QVERIFY2(QString(error.what()).contains("device=D,after-steps=N"), error.what());
            }
        }
    }

    void theDeviceFailsExactlyAfterItsSteps()
    {
        FaultInjectingDevice device(std::make_unique<ManyStepsDevice>(), {0, 25, false}, [] { return true; });
        QCOMPARE(device.name(), std::string("many/0"));
        QCOMPARE(device.preferredBatch(), 4);
        auto worker = device.attach(*prepared_.model);
        auto state = prepared_.model->initialState(0);
        MemberState* members[] = {state.get()};
        long long taken = 0;
        try {
            for (;;) {
                const int steps = worker->preferredSteps();
                QVERIFY(steps <= 10);
                worker->advance(members, steps);
                taken += steps;
            }
        } catch (const DeviceFault& fault) {
            QVERIFY2(QString(fault.what()).contains("after 25 steps"), fault.what());
        }
        QCOMPARE(taken, 25LL);  // 10, 10, then the 5 left
        QCOMPARE(state->step, std::int64_t{25});
    }

    void aHungDeviceAnswersOnlyWhenReleased()
    {
        std::atomic<bool> released{false};
        FaultInjectingDevice device(std::make_unique<ManyStepsDevice>(), {0, 0, true}, [&] { return released.load(); });
        auto worker = device.attach(*prepared_.model);
        auto state = prepared_.model->initialState(0);
        MemberState* members[] = {state.get()};
        auto call = std::async(std::launch::async, [&] { worker->advance(members, 1); });
        QCOMPARE(call.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
        released = true;
        QCOMPARE(call.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        QVERIFY_EXCEPTION_THROWN(call.get(), DeviceFault);
        QCOMPARE(state->step, std::int64_t{0});
    }
};

QTEST_GUILESS_MAIN(TestFaultInjectingDevice)
#include "TestFaultInjectingDevice.moc"
