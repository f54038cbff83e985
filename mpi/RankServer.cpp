#include "RankServer.h"

#include "WireFormat.h"

#include "run/EnsembleRun.h"
#include "run/InputError.h"
#include "run/WorkQueue.h"

#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

namespace spreadcast::mpi {
namespace {

// Answers one request for a device; every failure becomes a fault reply, so that rank 0 moves
// the members elsewhere.
std::vector<std::byte> answer(const ForecastModel& model, DeviceWorker* worker, const std::string& attachProblem,
                              std::span<const std::byte> request)
{
    MessageWriter reply;
    auto fault = [&](const std::string& message) {
        MessageWriter faultReply;
        faultReply.put(ReplyStatus::Fault);
        putMeasures(faultReply, worker != nullptr ? worker->measures() : DeviceMeasures{});
        faultReply.putString(message);
        return faultReply.take();
    };
    if (worker == nullptr) {
        return fault("the device could not start (" + attachProblem + ")");
    }
    try {
        MessageReader reader(request);
        const auto kind = reader.get<RequestKind>();
        if (kind == RequestKind::Advance) {
            const int steps = reader.get<std::int32_t>();
            const int held = reader.get<std::int32_t>();
            std::vector<std::unique_ptr<MemberState>> states(reader.get<std::uint32_t>());
            std::vector<MemberState*> pointers;
            for (auto& state : states) {
                state = model.deserialize(reader.getBytes());
                pointers.push_back(state.get());
            }
            worker->holdMembers(held);
            const std::vector<MemberBlowUp> blowUps = worker->advance(pointers, steps);
            MessageWriter body;
            body.put(static_cast<std::uint32_t>(states.size()));
            for (const auto& state : states) {
                body.putBytes(model.serialize(*state));
            }
            putBlowUps(body, blowUps);
            reply.put(ReplyStatus::Done);
            putMeasures(reply, worker->measures());
            const std::vector<std::byte> content = body.take();
            std::vector<std::byte> bytes = reply.take();
            bytes.insert(bytes.end(), content.begin(), content.end());
            return bytes;
        }
        if (kind == RequestKind::Fields) {
            const GridFields fields = worker->fields(*model.deserialize(reader.getBytes()));
            reply.put(ReplyStatus::Done);
            putMeasures(reply, worker->measures());
            putFields(reply, fields);
            return reply.take();
        }
        return fault("a request of unknown kind " + std::to_string(static_cast<int>(kind)));
    } catch (const std::exception& error) {
        // DeviceFault, a request this build cannot read, memory: the device is lost to the run.
        return fault(error.what());
    }
}

void serveDevice(MpiTransport& transport, Device& device, int index, const ForecastModel& model,
                 const std::atomic<bool>& stop)
{
    std::unique_ptr<DeviceWorker> worker;
    std::string attachProblem;
    try {
        worker = device.attach(model);  // on the thread that drives it
    } catch (const std::exception& error) {
        attachProblem = error.what();
    }
    auto stopped = [&] { return stop.load(); };
    while (auto request = transport.receive(0, requestTag(index), stopped)) {
        if (!transport.send(0, replyTag(index), answer(model, worker.get(), attachProblem, *request), stopped)) {
            break;
        }
    }
}

void printProblem(int rank, const std::string& problem)
{
    std::istringstream lines(problem);
    for (std::string line; std::getline(lines, line);) {
        std::cerr << "spreadcast-cli run (rank " << rank << "): " << line << "\n";
    }
}

}  // namespace

std::uint64_t initialStateHash(const ForecastModel& model)
{
    const std::vector<std::byte> bytes = model.serialize(*model.initialState(0));
    return XXH3_64bits(bytes.data(), bytes.size());
}

int serveController(MpiTransport& transport, int rank)
{
    // Rank 0 decides when a run ends: a Ctrl-C reaches it too, and it shuts this rank down.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);

    std::optional<PreparedModel> prepared;
    std::vector<std::unique_ptr<Device>> devices;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    int status = 1;
    while (true) {
        const std::vector<std::byte> message = *transport.receive(0, controlTag, {});
        ControlKind kind = ControlKind::Shutdown;
        try {
            kind = controlKind(message);
        } catch (const std::invalid_argument& error) {
            printProblem(rank, std::string("rank 0 sent a message this build cannot read: ") + error.what());
            continue;
        }
        if (kind == ControlKind::Shutdown) {
            status = decodeShutdown(message);
            break;
        }
        StartReply reply;
        if (prepared) {
            reply.problem = "this rank serves a run already";
            transport.send(0, startReplyTag, encodeStartReply(reply), {});
            continue;
        }
        try {
            const StartMessage start = decodeStart(message);
            RunSpec spec = runSpecFromJson(nlohmann::json::parse(start.specJson));
            spec.devices = start.devices;
            spec.threads = start.threads;
            prepared = prepareModel(spec);
            const std::uint64_t hash = initialStateHash(*prepared->model);
            if (hash != start.initialStateHash) {
                char text[400];
                std::snprintf(text, sizeof text,
                              "the initial state of member 0 here hashes to %016llx, on rank 0 to %016llx: every "
                              "rank must run the same spreadcast-cli build and read the same initial-condition "
                              "file",
                              static_cast<unsigned long long>(hash),
                              static_cast<unsigned long long>(start.initialStateHash));
                throw InputError(text);
            }
            std::vector<std::string> notes;
            devices =
                makeDevices(parseDeviceSelection(spec.devices), *prepared->model, spec.members, spec.threads, notes);
            for (const auto& device : devices) {
                reply.devices.push_back(
                    {device->name(), device->backend(), device->availableMemoryBytes(), device->preferredBatch()});
            }
        } catch (const std::exception& error) {
            reply.problem = error.what();
            reply.devices.clear();
            devices.clear();
            printProblem(rank, reply.problem);
        }
        transport.send(0, startReplyTag, encodeStartReply(reply), {});
        for (std::size_t d = 0; d < devices.size(); ++d) {
            threads.emplace_back(serveDevice, std::ref(transport), std::ref(*devices[d]), static_cast<int>(d),
                                 std::cref(*prepared->model), std::cref(stop));
        }
    }
    stop = true;
    for (std::thread& thread : threads) {
        thread.join();
    }
    transport.send(0, shutdownAckTag, {}, {});
    // Replies that rank 0 gave up waiting for: it drains them after the acknowledgement.
    transport.settleAbandoned(5.0);
    return status;
}

}  // namespace spreadcast::mpi
