#include "RemoteDevice.h"

#include "run/EnsembleRun.h"
#include "run/WorkQueue.h"

#include <chrono>
#include <mutex>
#include <type_traits>
#include <vector>

namespace spreadcast::mpi {
namespace {

class RemoteWorker : public DeviceWorker {
public:
    RemoteWorker(const ForecastModel& model, RemoteDevice::Link link) : model_(model), link_(link) {}

    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
    {
        MessageWriter request;
        request.put(RequestKind::Advance);
        request.put(static_cast<std::int32_t>(steps));
        request.put(static_cast<std::int32_t>(held_));
        request.put(static_cast<std::uint32_t>(members.size()));
        for (MemberState* member : members) {
            request.putBytes(model_.serialize(*member));
        }
        const std::vector<std::byte> reply = exchange(request.take());
        return readReply(reply, [&](MessageReader& reader) {
            const auto count = reader.get<std::uint32_t>();
            if (count != members.size()) {
                throw std::invalid_argument("rank " + std::to_string(link_.rank) + " sent back " +
                                            std::to_string(count) + " states for a batch of " +
                                            std::to_string(members.size()));
            }
            for (MemberState* member : members) {
                member->assign(*model_.deserialize(reader.getBytes()));
            }
            return getBlowUps(reader);
        });
    }

    GridFields fields(const MemberState& member) override
    {
        MessageWriter request;
        request.put(RequestKind::Fields);
        request.putBytes(model_.serialize(member));
        const std::vector<std::byte> reply = exchange(request.take());
        return readReply(reply, [](MessageReader& reader) { return getFields(reader); });
    }

    // Whole output intervals (the controller never asks for more at once): one message each way
    // per batch and interval.
    int preferredSteps() const override { return link_.preferredSteps; }

    DeviceMeasures measures() const override
    {
        std::lock_guard lock(mutex_);
        return measures_;
    }

    void holdMembers(int count) override { held_ = count; }

private:
    std::string rankName() const { return "rank " + std::to_string(link_.rank); }

    // Sends a request and waits for the answer; a rank that does not answer in time, or a run
    // cancelled meanwhile, is a DeviceFault.
    std::vector<std::byte> exchange(std::vector<std::byte> request)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(link_.watchdogSeconds);
        bool late = false;
        bool cancelled = false;
        auto giveUp = [&] {
            cancelled = link_.cancel != nullptr && *link_.cancel;
            late = std::chrono::steady_clock::now() > deadline;
            return cancelled || late;
        };
        bool sent = false;
        try {
            sent = link_.transport->send(link_.rank, requestTag(link_.device), std::move(request), giveUp);
        } catch (const std::length_error& error) {
            throw DeviceFault(rankName() + ": " + error.what());
        }
        std::optional<std::vector<std::byte>> reply;
        if (sent) {
            reply = link_.transport->receive(link_.rank, replyTag(link_.device), giveUp);
        }
        if (!reply) {
            if (cancelled) {
                throw DeviceFault("the run was cancelled before " + rankName() + " answered");
            }
            throw DeviceFault(rankName() + " did not answer within " + formatDuration(link_.watchdogSeconds) +
                              " (--watchdog)");
        }
        return std::move(*reply);
    }

    template <typename Read>
    std::invoke_result_t<Read, MessageReader&> readReply(const std::vector<std::byte>& bytes, Read read)
    {
        MessageReader reader(bytes);
        try {
            const auto status = reader.get<ReplyStatus>();
            {
                const DeviceMeasures measures = getMeasures(reader);
                std::lock_guard lock(mutex_);
                measures_ = measures;
            }
            if (status == ReplyStatus::Fault) {
                throw DeviceFault(rankName() + ": " + reader.getString());
            }
            return read(reader);
        } catch (const std::invalid_argument& error) {
            // A reply this build cannot read: the rank runs another build or is confused.
            throw DeviceFault(rankName() + " sent a reply that cannot be read: " + error.what());
        }
    }

    const ForecastModel& model_;
    RemoteDevice::Link link_;
    std::atomic<int> held_{0};
    mutable std::mutex mutex_;
    DeviceMeasures measures_;
};

}  // namespace

std::unique_ptr<DeviceWorker> RemoteDevice::attach(const ForecastModel& model)
{
    return std::make_unique<RemoteWorker>(model, link_);
}

}  // namespace spreadcast::mpi
