#pragma once

#include "MpiTransport.h"

#include "model/ForecastModel.h"

#include <cstdint>

namespace spreadcast::mpi {

// The life of a rank > 0 under mpirun: it waits for rank 0's run spec, prepares the same model,
// checks that its initial state of member 0 hashes as rank 0's does, offers its devices, and then
// serves requests for them — one thread per device, advancing states and computing fields on its
// own workers — until rank 0 shuts it down. It never opens the output file and prints nothing
// but its own problems. Returns rank 0's exit status, to exit with.
int serveController(MpiTransport& transport, int rank);

// XXH3-64 of the serialized initial state of member 0: equal on two ranks when their models are.
std::uint64_t initialStateHash(const ForecastModel& model);

}  // namespace spreadcast::mpi
