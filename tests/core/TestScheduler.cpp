#include "run/InputError.h"
#include "run/Scheduler.h"

#include <QtTest/QtTest>

using namespace spreadcast;

class TestScheduler : public QObject {
    Q_OBJECT

    static constexpr long long mib = 1LL << 20;

private slots:
    void aDevicesPreferenceIsCutToItsFreeMemory()
    {
        std::vector<std::string> events;
        // 100 MiB free, 10 MiB of workspace, 20 MiB a member: 4 fit although 64 are preferred.
        const std::vector<int> sizes = planBatchSizes({{"gpu/0", 100 * mib, 64}}, 20 * mib, 10 * mib, 0, 100, events);
        QCOMPARE(sizes, std::vector<int>{4});
        QVERIFY(events.empty());
    }

    void noDeviceTakesMoreThanItsShareUnlessABatchIsAsked()
    {
        std::vector<std::string> events;
        const std::vector<DeviceCapacity> gpus{
            {"gpu/0", 1000 * mib, 64}, {"gpu/1", 1000 * mib, 64}, {"cpu/0", 1000 * mib, 1}};
        QCOMPARE(planBatchSizes(gpus, mib, 0, 0, 10, events), (std::vector<int>{4, 4, 1}));  // ⌈10 / 3⌉
        QCOMPARE(planBatchSizes(gpus, mib, 0, 8, 10, events), (std::vector<int>{8, 8, 8}));
        QVERIFY(events.empty());
    }

    void anAskedBatchThatDoesNotFitIsCutWithANote()
    {
        std::vector<std::string> events;
        const std::vector<int> sizes = planBatchSizes({{"cpu/0", 50 * mib, 1}}, 10 * mib, 0, 8, 8, events);
        QCOMPARE(sizes, std::vector<int>{5});
        QCOMPARE(events.size(), std::size_t{1});
        QVERIFY2(QString::fromStdString(events.front()).contains("cpu/0: batch size 8 does not fit"),
                 events.front().c_str());
    }

    void aDeviceWithoutRoomForOneMemberIsAnInputError()
    {
        std::vector<std::string> events;
        try {
            planBatchSizes({{"gpu/3", 15 * mib, 8}}, 10 * mib, 10 * mib, 0, 4, events);
            QFAIL("a device with 15 MiB took a member of 20 MiB");
        } catch (const InputError& error) {
            const QString message = error.what();
            QVERIFY2(message.contains("gpu/3") && message.contains("15 MiB free") && message.contains("20 MiB"),
                     error.what());
        }
    }

    void eachDeviceTakesUpToItsOwnBatch()
    {
        Scheduler scheduler({0, 1, 2, 3, 4}, false, {3, 1});
        QCOMPARE(scheduler.batchSize(0), 3);
        QCOMPARE(scheduler.take(1).size(), std::size_t{1});
        QCOMPARE(scheduler.take(0).size(), std::size_t{3});
        QCOMPARE(scheduler.take(0).size(), std::size_t{1});  // what is left
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "TestScheduler.moc"
