#include "run/DeviceLoop.h"

#include "ensemble/MemberChecksum.h"
#include "run/Aggregator.h"
#include "run/CheckpointStore.h"
#include "run/RunSpec.h"
#include "run/Scheduler.h"
#include "run/Telemetry.h"
#include "run/Watchdog.h"

#include <algorithm>
#include <utility>

namespace spreadcast {

void RunParts::failMember(int member, const std::string& reason)
{
    if (!scheduler.queue().settle(member)) {
        return;  // another copy of it finished first
    }
    telemetry.memberFailed(member);
    aggregator.memberFailed(member, reason);
}

DeviceLoop::DeviceLoop(int device, Device& hardware, RunParts& parts)
    : device_(device), hardware_(hardware), parts_(parts)
{
}

void DeviceLoop::run()
{
    std::unique_ptr<DeviceWorker> worker;
    try {
        worker = hardware_.attach(parts_.model);
    } catch (const DeviceFault& fault) {
        lose(std::string("could not start (") + fault.what() + ")");
        return;
    }
    parts_.telemetry.attachWorker(device_, worker.get());
    try {
        for (std::vector<WorkUnit> units = parts_.scheduler.take(device_); !units.empty();
             units = parts_.scheduler.take(device_)) {
            const BatchEnd end = runBatch(*worker, std::move(units));
            showBatch({});
            worker->holdMembers(0);  // the batch's states are gone; the peak stays
            if (end == BatchEnd::Stopped) {
                parts_.scheduler.queue().close();
                break;
            }
            if (end == BatchEnd::Lost) {
                break;
            }
        }
    } catch (...) {
        parts_.stop = true;  // the output itself failed: the other devices stop at their next step
        parts_.scheduler.queue().close();
        parts_.telemetry.detachWorker(device_);
        throw;
    }
    parts_.telemetry.detachWorker(device_);
}

void DeviceLoop::showBatch(const std::vector<int>& members)
{
    parts_.telemetry.setBatch(device_, members);
    parts_.watchdog.holdBatch(device_, members);
}

void DeviceLoop::start(Batch& batch)
{
    std::vector<int> members;
    for (WorkUnit& unit : batch.units) {
        // No checkpoint: the unit is at time 0 or 1, and its state at time 0 is the initial one.
        batch.states.push_back(unit.checkpoint ? unit.checkpoint->restore() : parts_.model.initialState(unit.member));
        members.push_back(unit.member);
        if (unit.speculative) {
            parts_.telemetry.event("member " + std::to_string(unit.member) + ": a speculative copy starts on " +
                                   hardware_.name() + " from time index " +
                                   std::to_string(std::max(0, unit.nextTime - 1)));
        } else {
            parts_.telemetry.setMember(unit.member, MemberStatus::Running, device_);
        }
    }
    showBatch(members);
    for (std::size_t k = 0; k < batch.units.size(); ++k) {
        batch.active.push_back(k);
    }
}

DeviceLoop::BatchEnd DeviceLoop::runBatch(DeviceWorker& worker, std::vector<WorkUnit> units)
{
    Batch batch;
    batch.units = std::move(units);
    worker.holdMembers(static_cast<int>(batch.units.size()));
    try {
        start(batch);
        const RunShape& shape = parts_.shape;
        int firstTime = batch.units.front().nextTime;
        if (firstTime == 0) {
            output(worker, batch, 0);
            firstTime = 1;
        }
        const int lastTime =
            shape.segmentOutputs > 0 ? std::min(shape.timeCount, firstTime + shape.segmentOutputs) : shape.timeCount;
        for (int k = firstTime; k < lastTime && !batch.active.empty(); ++k) {
            for (int remaining = shape.stepsPerOutput; remaining > 0 && !batch.active.empty();) {
                if (parts_.stopping()) {
                    return BatchEnd::Stopped;
                }
                if (parts_.watchdog.isLost(device_)) {
                    return BatchEnd::Lost;  // the watchdog gave it up; its members went elsewhere
                }
                remaining -= advance(worker, batch, remaining);
            }
            output(worker, batch, k);
        }
        endSegment(batch);
    } catch (const DeviceFault& fault) {
        if (parts_.watchdog.isLost(device_)) {
            return BatchEnd::Lost;  // the watchdog gave it up already and sent its members elsewhere
        }
        if (parts_.stopping()) {
            return BatchEnd::Stopped;  // no more work is handed out: nothing to move elsewhere
        }
        lose(std::string("failed (") + fault.what() + ")");
        reclaim(batch, fault.what());
        return BatchEnd::Lost;
    }
    return BatchEnd::Finished;
}

int DeviceLoop::advance(DeviceWorker& worker, Batch& batch, int steps)
{
    const int chunk = std::min(steps, std::max(1, worker.preferredSteps()));
    std::vector<MemberState*> pointers;
    for (std::size_t index : batch.active) {
        pointers.push_back(batch.states[index].get());
    }
    parts_.watchdog.enterComputation(device_);
    const std::vector<MemberBlowUp> blowUps = worker.advance(pointers, chunk);
    parts_.watchdog.leaveComputation(device_);
    for (auto it = blowUps.rbegin(); it != blowUps.rend(); ++it) {
        // The model itself failed: every device would compute the same, so no retry.
        const auto position = batch.active.begin() + it->index;
        parts_.failMember(batch.units[*position].member,
                          it->message + " (lead " +
                              formatDuration(static_cast<double>(it->step) * parts_.model.timeStep()) + ")");
        batch.states[*position].reset();
        batch.active.erase(position);
    }
    int counted = 0;
    for (std::size_t index : batch.active) {
        batch.units[index].uncommittedSteps += chunk;
        counted += batch.units[index].speculative ? 0 : 1;
    }
    parts_.telemetry.stepsTaken(device_, chunk, static_cast<int>(pointers.size()), counted);
    return chunk;
}

void DeviceLoop::output(DeviceWorker& worker, Batch& batch, int time)
{
    WorkQueue& queue = parts_.scheduler.queue();
    for (std::size_t a = 0; a < batch.active.size();) {
        const std::size_t index = batch.active[a];
        WorkUnit& unit = batch.units[index];
        const MemberState& state = *batch.states[index];
        bool written = false;
        if (!queue.isSettled(unit.member)) {  // else the other copy won
            parts_.watchdog.enterComputation(device_);
            const GridFields fields = worker.fields(state);
            parts_.watchdog.leaveComputation(device_);
            try {
                parts_.aggregator.write(time, unit.member, fields);
                written = true;
            } catch (const DeterminismViolation& violation) {
                parts_.failMember(unit.member, violation.what());
            }
        }
        if (!written) {
            batch.states[index].reset();
            batch.active.erase(batch.active.begin() + static_cast<std::ptrdiff_t>(a));
            continue;
        }
        unit.nextTime = time + 1;
        unit.uncommittedSteps = 0;
        // One checkpoint per unit, none where it would be of no use: the state at time 0 is the
        // initial state, which can be made again, and after the last time the member is done.
        if (unit.nextTime < parts_.shape.timeCount) {
            unit.checkpoint = time == 0 ? nullptr : parts_.checkpoints.save(unit.member, state);
            queue.checkpoint(unit);
        }
        ++a;
    }
}

void DeviceLoop::endSegment(Batch& batch)
{
    WorkQueue& queue = parts_.scheduler.queue();
    for (std::size_t index : batch.active) {
        WorkUnit& unit = batch.units[index];
        batch.states[index].reset();
        if (unit.nextTime < parts_.shape.timeCount) {
            parts_.telemetry.setMember(unit.member, MemberStatus::Queued, device_);
            queue.postpone(std::move(unit));  // the next lead-time segment, on whichever device is free
        } else if (queue.settle(unit.member)) {
            parts_.telemetry.memberDone(unit.member, device_);
            parts_.aggregator.memberFinished(unit.member);
        }
    }
}

void DeviceLoop::reclaim(Batch& batch, const std::string& why)
{
    for (std::size_t index : batch.active) {
        WorkUnit& unit = batch.units[index];
        if (!unit.speculative) {
            parts_.telemetry.stepsLost(std::exchange(unit.uncommittedSteps, 0));  // they will be taken again
        }
        ++unit.faults;
        const int member = unit.member;
        const int nextTime = unit.nextTime;
        if (unit.faults >= parts_.shape.deviceCount) {
            parts_.failMember(member, "failed on every device (last: " + why + ")");
        } else if (parts_.scheduler.queue().requeue(std::move(unit))) {
            parts_.telemetry.setMember(member, MemberStatus::Retried, device_);
            parts_.telemetry.event("member " + std::to_string(member) + " goes on elsewhere " +
                                   (nextTime == 0
                                        ? std::string("from the start")
                                        : "from its checkpoint at time index " + std::to_string(nextTime - 1)));
        }
    }
}

void DeviceLoop::lose(const std::string& why)
{
    parts_.watchdog.markLost(device_);
    parts_.telemetry.deviceFailed(device_, "device " + hardware_.name() + " " + why + " and takes no more work");
}

}  // namespace spreadcast
