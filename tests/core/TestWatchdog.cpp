#include "run/Watchdog.h"

#include <QtTest/QtTest>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

using namespace spreadcast;

namespace {

struct GivenUp {
    int device = -1;
    double silentSeconds = 0.0;
    std::vector<int> batch;
};

// Records what the watchdog gave up; the test waits for it.
class Record {
public:
    Watchdog::GiveUp callback()
    {
        return [this](int device, double silent, const std::vector<int>& batch) {
            {
                std::lock_guard lock(mutex_);
                givenUp_.push_back({device, silent, batch});
            }
            changed_.notify_all();
        };
    }
    bool waitFor(std::size_t count, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return givenUp_.size() >= count; });
    }
    std::vector<GivenUp> givenUp()
    {
        std::lock_guard lock(mutex_);
        return givenUp_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<GivenUp> givenUp_;
};

}  // namespace

class TestWatchdog : public QObject {
    Q_OBJECT

private slots:
    // The configured limit is a floor: a model whose step is heavy (0.25° GraphCast, about 20
    // TFLOP) gets the time a slow CPU needs, 2e13 / 5e9 = 4000 s, per step and member of a
    // computation; a model of unknown or light work keeps the configured limit.
    void theLimitGrowsWithTheModelsWork()
    {
        QCOMPARE(watchdogLimitSeconds(600.0, 0.0, 4, 8), 600.0);
        QCOMPARE(watchdogLimitSeconds(600.0, 1e12, 1, 1), 600.0);  // 200 s of work: the floor stays
        QCOMPARE(watchdogLimitSeconds(600.0, 2e13, 1, 1), 4000.0);
        QCOMPARE(watchdogLimitSeconds(600.0, 2e13, 2, 3), 24000.0);
        QCOMPARE(watchdogLimitSeconds(7200.0, 2e13, 1, 1), 7200.0);  // a longer --watchdog wins
        QCOMPARE(watchdogLimitSeconds(600.0, 2e13, 0, 0), 4000.0);   // at least one step of one member
    }

    void aDeviceSilentPastTheLimitIsGivenUpOnceWithItsBatch()
    {
        Record record;
        Watchdog watchdog(0.05, 3, record.callback());
        watchdog.holdBatch(1, {4, 7});
        watchdog.enterComputation(1);
        QVERIFY(record.waitFor(1, std::chrono::seconds(10)));
        const std::vector<GivenUp> givenUp = record.givenUp();
        QCOMPARE(givenUp.size(), std::size_t{1});
        QCOMPARE(givenUp.front().device, 1);
        QCOMPARE(givenUp.front().batch, (std::vector<int>{4, 7}));
        QVERIFY(givenUp.front().silentSeconds >= 0.05);
        QVERIFY(watchdog.isLost(1));
        QVERIFY(!watchdog.isLost(0));
        QVERIFY(!watchdog.markLost(1));                               // lost already
        QVERIFY(!record.waitFor(2, std::chrono::milliseconds(200)));  // and never given up twice
    }

    void idleDevicesAndDevicesBetweenComputationsAreNotGivenUp()
    {
        Record record;
        Watchdog watchdog(0.05, 2, record.callback());
        watchdog.enterComputation(0);  // inside a computation, but holding no members
        watchdog.holdBatch(1, {0});    // holding members, but waiting for the output
        watchdog.enterComputation(1);
        watchdog.leaveComputation(1);
        QVERIFY(!record.waitFor(1, std::chrono::milliseconds(300)));
        QVERIFY(!watchdog.isLost(0));
        QVERIFY(!watchdog.isLost(1));
    }

    void aDeviceThatKeepsSteppingIsNotGivenUp()
    {
        Record record;
        Watchdog watchdog(1.0, 1, record.callback());
        watchdog.holdBatch(0, {0});
        // Many computations, each far inside the limit (even on a loaded machine), for longer
        // than the limit in all.
        for (int k = 0; k < 60; ++k) {
            watchdog.enterComputation(0);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            watchdog.leaveComputation(0);
        }
        QVERIFY(record.givenUp().empty());
        QVERIFY(!watchdog.isLost(0));
    }

    void aDeviceThatFailedByItselfIsNotGivenUpAgain()
    {
        Record record;
        Watchdog watchdog(0.05, 1, record.callback());
        QVERIFY(watchdog.markLost(0));
        watchdog.holdBatch(0, {2});
        watchdog.enterComputation(0);
        QVERIFY(!record.waitFor(1, std::chrono::milliseconds(200)));
    }
};

QTEST_GUILESS_MAIN(TestWatchdog)
#include "TestWatchdog.moc"
