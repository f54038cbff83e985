#include "MpiRun.h"

#include "MpiTransport.h"
#include "RankServer.h"
#include "RemoteDevice.h"
#include "WireFormat.h"

#include "run/InputError.h"

#include <mpi.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace spreadcast::mpi {
namespace {

struct Session {
    int rank = 0;
    int size = 1;
    std::unique_ptr<MpiTransport> transport;
    double watchdogSeconds = 600.0;
};

std::unique_ptr<Session>& session()
{
    static std::unique_ptr<Session> current;
    return current;
}

const char* environment(std::initializer_list<const char*> names)
{
    for (const char* name : names) {
        if (const char* value = std::getenv(name)) {
            return value;
        }
    }
    return nullptr;
}

// Waits until `deadline`, or for ever when it is zero.
MpiTransport::GiveUp until(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel = nullptr)
{
    return [deadline, cancel] { return (cancel != nullptr && *cancel) || std::chrono::steady_clock::now() > deadline; };
}

std::chrono::steady_clock::time_point after(double seconds)
{
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

bool launchedByMpirun()
{
    return environment({"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) != nullptr;
}

int launchRank()
{
    const char* rank = environment({"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"});
    return rank != nullptr ? std::atoi(rank) : 0;
}

std::string libraryVersion()
{
    char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int length = 0;
    MPI_Get_library_version(version, &length);
    std::string text(version, static_cast<std::size_t>(length));
    // Open MPI adds the package and date after a comma; the first part names it.
    return text.substr(0, text.find(','));
}

int initialise()
{
    if (session()) {
        return session()->rank;
    }
    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) {
        throw std::runtime_error("MPI did not start (MPI_Init_thread failed)");
    }
    auto current = std::make_unique<Session>();
    MPI_Comm_rank(MPI_COMM_WORLD, &current->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &current->size);
    if (provided < MPI_THREAD_SERIALIZED) {
        MPI_Finalize();
        throw std::runtime_error("the MPI library (" + libraryVersion() + ") offers only thread level " +
                                 std::to_string(provided) +
                                 "; spreadcast-cli needs MPI_THREAD_SERIALIZED or better, as every device has a "
                                 "thread: use an MPI built with thread support (Debian's Open MPI is)");
    }
    current->transport = std::make_unique<MpiTransport>(provided < MPI_THREAD_MULTIPLE);
    session() = std::move(current);
    return session()->rank;
}

int serveController()
{
    return mpi::serveController(*session()->transport, session()->rank);
}

std::vector<std::unique_ptr<Device>> gatherDevices(const RunSpec& spec, const ForecastModel& model,
                                                   const std::atomic<bool>& cancel, std::vector<std::string>& notes)
{
    Session& current = *session();
    current.watchdogSeconds = spec.watchdogSeconds;
    std::vector<std::unique_ptr<Device>> devices =
        makeDevices(parseDeviceSelection(spec.devices), model, spec.members, spec.threads, notes);
    const std::string backend = devices.front()->backend();

    StartMessage start;
    start.specJson = toJson(spec).dump();
    start.devices = spec.devices;
    start.threads = spec.threads;
    start.initialStateHash = initialStateHash(model);
    const auto deadline = after(spec.watchdogSeconds);
    for (int rank = 1; rank < current.size; ++rank) {
        current.transport->send(rank, controlTag, encodeStart(start), until(deadline, &cancel));
    }
    const int stepsPerOutput = static_cast<int>(std::lround(spec.outputIntervalSeconds / model.timeStep()));
    std::vector<std::string> problems;
    for (int rank = 1; rank < current.size; ++rank) {
        const auto message = current.transport->receive(rank, startReplyTag, until(deadline, &cancel));
        if (!message) {
            notes.push_back("rank " + std::to_string(rank) + " did not answer within " +
                            formatDuration(spec.watchdogSeconds) + " (--watchdog); the run goes on without it");
            continue;
        }
        const StartReply reply = decodeStartReply(*message);
        if (!reply.problem.empty()) {
            problems.push_back("rank " + std::to_string(rank) + " cannot take part: " + reply.problem);
            continue;
        }
        for (std::size_t d = 0; d < reply.devices.size(); ++d) {
            const OfferedDevice& offered = reply.devices[d];
            if (offered.backend != backend) {
                problems.push_back("rank " + std::to_string(rank) + " offers " + offered.backend +
                                   " devices and rank 0 " + backend +
                                   " ones; a run never mixes backends, whose results agree only to rounding: "
                                   "choose --devices cpu or --devices gpu");
                break;
            }
            RemoteDevice::Link link{current.transport.get(), rank,   static_cast<int>(d), std::max(1, stepsPerOutput),
                                    spec.watchdogSeconds,    &cancel};
            devices.push_back(std::make_unique<RemoteDevice>(link, offered));
        }
    }
    if (!problems.empty()) {
        std::string text;
        for (const auto& problem : problems) {
            text += text.empty() ? problem : "\n" + problem;
        }
        throw InputError(text);
    }
    return devices;
}

int finish(int status)
{
    if (!session()) {
        return status;
    }
    Session& current = *session();
    if (current.rank == 0) {
        const auto deadline = after(current.watchdogSeconds);
        for (int rank = 1; rank < current.size; ++rank) {
            current.transport->send(rank, controlTag, encodeShutdown(status), until(deadline));
        }
        for (int rank = 1; rank < current.size; ++rank) {
            if (!current.transport->receive(rank, shutdownAckTag, until(deadline))) {
                std::cerr << "spreadcast-cli: rank " << rank << " did not stop within "
                          << formatDuration(current.watchdogSeconds) << "; ending the MPI job\n";
                MPI_Abort(MPI_COMM_WORLD, status);
            }
            // Replies that came after their proxy had given up.
            current.transport->discardWaiting(rank);
        }
    }
    current.transport->settleAbandoned(1.0);
    MPI_Finalize();
    session().reset();
    return status;
}

}  // namespace spreadcast::mpi
