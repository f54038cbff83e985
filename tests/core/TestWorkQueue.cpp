#include "run/WorkQueue.h"

#include <QtTest/QtTest>

#include <chrono>
#include <future>
#include <thread>

using namespace spreadcast;

namespace {

std::vector<int> membersOf(const std::vector<WorkUnit>& units)
{
    std::vector<int> members;
    for (const WorkUnit& unit : units) {
        members.push_back(unit.member);
    }
    return members;
}

}  // namespace

class TestWorkQueue : public QObject {
    Q_OBJECT

private slots:
    void freshMembersGoOutInOrderInBatches()
    {
        WorkQueue queue({0, 1, 2, 3, 4});
        QCOMPARE(membersOf(queue.take(2)), (std::vector<int>{0, 1}));
        QCOMPARE(membersOf(queue.take(0)), (std::vector<int>{2}));  // at least one
        QCOMPARE(membersOf(queue.take(8)), (std::vector<int>{3, 4}));
    }

    void aBatchHoldsUnitsOfOneOutputTimeOnly()
    {
        WorkQueue queue({0, 1, 2});
        std::vector<WorkUnit> first = queue.take(1);
        first.front().nextTime = 3;
        queue.postpone(std::move(first.front()));  // to the back, at time 3
        QCOMPARE(membersOf(queue.take(8)), (std::vector<int>{1, 2}));
        const std::vector<WorkUnit> later = queue.take(8);
        QCOMPARE(membersOf(later), (std::vector<int>{0}));
        QCOMPARE(later.front().nextTime, 3);
    }

    void aFailedDevicesUnitGoesToTheFrontFromItsCheckpoint()
    {
        WorkQueue queue({0, 1, 2});
        WorkUnit unit = queue.take(1).front();
        unit.nextTime = 2;
        unit.uncommittedSteps = 17;
        unit.faults = 1;
        QVERIFY(queue.requeue(std::move(unit)));
        const std::vector<WorkUnit> again = queue.take(1);
        QCOMPARE(membersOf(again), (std::vector<int>{0}));
        QCOMPARE(again.front().nextTime, 2);
        QCOMPARE(again.front().uncommittedSteps, 0LL);
        QCOMPARE(again.front().faults, 1);
    }

    void takeReturnsNothingOnceEveryMemberIsSettled()
    {
        WorkQueue queue({0, 1});
        const std::vector<WorkUnit> units = queue.take(2);
        QVERIFY(queue.settle(0));
        QVERIFY(!queue.settle(0));  // settled once only
        QVERIFY(queue.isSettled(0));
        QVERIFY(!queue.isSettled(1));
        QVERIFY(queue.settle(1));
        QVERIFY(queue.take(1).empty());
    }

    void takeWaitsWhileMembersRunAndWakesWhenOneComesBack()
    {
        WorkQueue queue({0});
        WorkUnit unit = queue.take(1).front();
        auto waiting = std::async(std::launch::async, [&] { return queue.take(1); });
        QCOMPARE(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
        unit.nextTime = 1;
        queue.postpone(std::move(unit));
        QCOMPARE(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        QCOMPARE(membersOf(waiting.get()), (std::vector<int>{0}));
    }

    void closeReleasesEveryWaitingWorker()
    {
        WorkQueue queue({0});
        const std::vector<WorkUnit> running = queue.take(1);
        auto waiting = std::async(std::launch::async, [&] { return queue.take(1); });
        queue.close();
        QCOMPARE(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        QVERIFY(waiting.get().empty());
    }

    void anIdleWorkerTakesACopyOfTheStragglerWithSpeculation()
    {
        WorkQueue queue({0, 1}, true);
        WorkUnit ahead = queue.take(1).front();
        WorkUnit behind = queue.take(1).front();
        ahead.nextTime = 3;
        queue.checkpoint(ahead);
        behind.nextTime = 1;
        queue.checkpoint(behind);
        const std::vector<WorkUnit> copy = queue.take(4);
        QCOMPARE(membersOf(copy), (std::vector<int>{1}));  // the one furthest behind
        QVERIFY(copy.front().speculative);
        QCOMPARE(copy.front().nextTime, 1);
        // The original fails: it is dropped, since the copy goes on.
        QVERIFY(!queue.requeue(std::move(behind)));
        QVERIFY(queue.settle(1));
    }

    void withoutSpeculationAnIdleWorkerWaits()
    {
        WorkQueue queue({0}, false);
        const std::vector<WorkUnit> running = queue.take(1);
        auto waiting = std::async(std::launch::async, [&] { return queue.take(1); });
        QCOMPARE(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
        queue.settle(0);
        QCOMPARE(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        QVERIFY(waiting.get().empty());
    }

    void anAbandonedMemberGoesBackFromItsNewestCheckpoint()
    {
        WorkQueue queue({0, 1});
        WorkUnit unit = queue.take(1).front();
        unit.nextTime = 4;
        queue.checkpoint(unit);
        queue.abandon(0);
        const std::vector<WorkUnit> again = queue.take(1);
        QCOMPARE(membersOf(again), (std::vector<int>{0}));  // at the front, before member 1
        QCOMPARE(again.front().nextTime, 4);
        QCOMPARE(again.front().faults, 1);
        queue.abandon(1);  // not in flight: it stays where it is
        queue.settle(0);
        queue.abandon(0);  // settled: nothing goes back
        QCOMPARE(membersOf(queue.take(4)), (std::vector<int>{1}));
    }

    void drainReturnsWhatIsStillQueued()
    {
        WorkQueue queue({3, 5, 8});
        const std::vector<WorkUnit> running = queue.take(1);
        const std::deque<WorkUnit> left = queue.drain();
        QCOMPARE(membersOf({left.begin(), left.end()}), (std::vector<int>{5, 8}));
        QVERIFY(queue.drain().empty());
    }
};

QTEST_GUILESS_MAIN(TestWorkQueue)
#include "TestWorkQueue.moc"
