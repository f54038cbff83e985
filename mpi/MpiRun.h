#pragma once

#include "device/Device.h"
#include "run/RunSpec.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

// `mpirun -np K spreadcast-cli run …`: rank 0 is the controller of the run and writes the one
// output file; the devices of every other rank are workers of its controller (RemoteDevice), each
// rank serving its own (serveController). Without mpirun none of this runs and MPI is never
// initialised.
namespace spreadcast::mpi {

// Whether mpirun (Open MPI's, or a PMI launcher) started this process, from the environment;
// MPI is not touched.
bool launchedByMpirun();
// This process's rank as the launcher gave it (0 without one), readable before MPI starts: the
// ranks after 0 keep quiet about command-line mistakes that rank 0 reports.
int launchRank();
// The MPI library this build uses, e.g. "Open MPI v4.1.4" (MPI need not be initialised).
std::string libraryVersion();

// Starts MPI (once) with MPI_THREAD_MULTIPLE, or MPI_THREAD_SERIALIZED with every MPI call under
// a mutex, and returns this process's rank. Throws std::runtime_error when MPI offers less.
int initialise();

// On a rank > 0: serves rank 0's run (RankServer.h) until rank 0 shuts this rank down; returns
// rank 0's exit status.
int serveController();

// On rank 0: the devices of the run — rank 0's own (spec.devices) followed by one RemoteDevice per
// device of every other rank, which has prepared the same model by then. A rank that cannot take
// part (its model differs, its devices cannot run the forecast) is an InputError naming the rank;
// one that does not answer within the watchdog time is left out with a note. `cancel` ends the
// waits of the remote devices' workers (they then fail, and the run ends as cancelled).
std::vector<std::unique_ptr<Device>> gatherDevices(const RunSpec& spec, const ForecastModel& model,
                                                   const std::atomic<bool>& cancel, std::vector<std::string>& notes);

// Ends MPI if it was started: rank 0 sends its exit status to the other ranks and waits (up to
// the watchdog time) until they have stopped — a rank that does not stop ends the job with
// MPI_Abort — and every rank finalises. Returns the status to exit with.
int finish(int status);

}  // namespace spreadcast::mpi
