#pragma once

// The host memory a run will need beside the model it has already loaded (the model's own arrays
// are resident by then, so the memory still available already excludes them): each worker's
// activations, the states it holds and the fields it hands over, and the aggregator's ensemble
// statistics. A run that would not fit is refused before it starts, instead of being killed by the
// kernel an hour into it.

#include <memory>
#include <string>
#include <vector>

namespace spreadcast {

class Device;
class ForecastModel;
struct RunSpec;

struct HostMemoryEstimate {
    int workers = 0;
    int membersPerWorker = 0;         // held at once by one worker (its batch)
    long long workspaceBytes = 0;     // one CPU worker's activations in a step (ForecastModel::workspaceBytes)
    long long memberBytes = 0;        // one member's state (ForecastModel::stateBytes)
    long long fieldsBytes = 0;        // one member's output fields at one time, as doubles
    long long betweenStepsBytes = 0;  // a checkpoint (one more state) and output fields
    long long perCpuWorkerBytes = 0;  // batch states + the larger of workspace and betweenSteps
    long long perGpuWorkerBytes = 0;  // batch states + betweenSteps (the activations are on the GPU)
    int cpuWorkers = 0;
    int accumulatedTimes = 0;       // output times whose statistics are held at once
    long long statisticsBytes = 0;  // their accumulators and exceedance counts
    long long totalBytes = 0;
};

// cpuWorkers and gpuWorkers: the run's devices by backend.
HostMemoryEstimate estimateHostMemory(const ForecastModel& model, const RunSpec& spec, int cpuWorkers, int gpuWorkers);
HostMemoryEstimate estimateHostMemory(const ForecastModel& model, const RunSpec& spec,
                                      const std::vector<std::unique_ptr<Device>>& devices);

// Throws InputError when estimate.totalBytes exceeds availableBytes, naming both and what to do.
void checkHostMemory(const HostMemoryEstimate& estimate, long long availableBytes, const std::string& modelName);

// "1.25 GiB"
std::string formatGibibytes(long long bytes);

}  // namespace spreadcast
