#include "run/HostMemory.h"

#include "device/Device.h"
#include "model/ForecastModel.h"
#include "run/InputError.h"
#include "run/RunSpec.h"

#include <algorithm>
#include <cstdio>

namespace spreadcast {

HostMemoryEstimate estimateHostMemory(const ForecastModel& model, const RunSpec& spec, int cpuWorkers, int gpuWorkers)
{
    HostMemoryEstimate estimate;
    estimate.cpuWorkers = cpuWorkers;
    estimate.workers = cpuWorkers + gpuWorkers;
    const int members = std::max(1, spec.members);
    const int share = (members + std::max(1, estimate.workers) - 1) / std::max(1, estimate.workers);
    // A CPU device prefers one member at a time (Device.cpp); a requested batch is held whole.
    estimate.membersPerWorker = std::max(1, std::min(share, spec.batchSize > 0 ? spec.batchSize : 1));
    estimate.workspaceBytes = static_cast<long long>(model.workspaceBytes());
    estimate.memberBytes = static_cast<long long>(model.stateBytes());
    long long values = 0;
    const OutputSchema& schema = model.outputSchema();
    for (std::size_t k = 0; k < schema.variables.size(); ++k) {
        values += static_cast<long long>(schema.valueCount(k));
    }
    estimate.fieldsBytes = values * static_cast<long long>(sizeof(double));
    // A worker at its largest: during a step its activations beside its batch's states; between
    // steps one more copy of a member's state (its checkpoint, written or read) and the member's
    // output fields. The two do not overlap.
    const long long batchBytes = estimate.membersPerWorker * estimate.memberBytes;
    estimate.betweenStepsBytes = estimate.memberBytes + estimate.fieldsBytes;
    estimate.perCpuWorkerBytes = batchBytes + std::max(estimate.workspaceBytes, estimate.betweenStepsBytes);
    estimate.perGpuWorkerBytes = batchBytes + estimate.betweenStepsBytes;
    if (members > 1) {
        // StatisticsAccumulator: mean, M2, minimum and maximum in double per output time that
        // some members have reached and others not. Members that all run at once keep one such
        // time beside the steps (the faster members' next time); members that wait for a worker
        // keep the time being finished and written as well.
        estimate.accumulatedTimes = members > estimate.workers ? 2 : 1;
        long long exceedanceValues = 0;
        for (const ExceedanceThreshold& threshold : spec.thresholds) {
            const int variable = schema.variableIndex(threshold.variable);
            if (variable >= 0) {
                exceedanceValues += static_cast<long long>(schema.valueCount(static_cast<std::size_t>(variable)));
            }
        }
        // An exceedance count (4 bytes) per value while accumulating, a probability (8) once finished.
        estimate.statisticsBytes = estimate.accumulatedTimes * (4 * estimate.fieldsBytes + exceedanceValues * 12);
    }
    estimate.totalBytes =
        cpuWorkers * estimate.perCpuWorkerBytes + gpuWorkers * estimate.perGpuWorkerBytes + estimate.statisticsBytes;
    return estimate;
}

HostMemoryEstimate estimateHostMemory(const ForecastModel& model, const RunSpec& spec,
                                      const std::vector<std::unique_ptr<Device>>& devices)
{
    const auto cpu = std::count_if(devices.begin(), devices.end(),
                                   [](const std::unique_ptr<Device>& device) { return device->backend() == "cpu"; });
    return estimateHostMemory(model, spec, static_cast<int>(cpu),
                              static_cast<int>(devices.size()) - static_cast<int>(cpu));
}

std::string formatGibibytes(long long bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return text;
}

void checkHostMemory(const HostMemoryEstimate& estimate, long long availableBytes, const std::string& modelName)
{
    if (estimate.totalBytes <= availableBytes) {
        return;
    }
    std::string parts;
    if (estimate.cpuWorkers > 0) {
        parts += std::to_string(estimate.cpuWorkers) + " CPU worker" + (estimate.cpuWorkers > 1 ? "s" : "") + " × " +
                 formatGibibytes(estimate.perCpuWorkerBytes) + " (activations " +
                 formatGibibytes(estimate.workspaceBytes) + " or between steps a checkpoint and output fields " +
                 formatGibibytes(estimate.betweenStepsBytes) + ", beside " + std::to_string(estimate.membersPerWorker) +
                 " member state" + (estimate.membersPerWorker > 1 ? "s " : " ") +
                 formatGibibytes(estimate.membersPerWorker * estimate.memberBytes) + ")";
    }
    const int gpuWorkers = estimate.workers - estimate.cpuWorkers;
    if (gpuWorkers > 0) {
        parts += std::string(parts.empty() ? "" : " + ") + std::to_string(gpuWorkers) + " GPU worker" +
                 (gpuWorkers > 1 ? "s" : "") + " × " + formatGibibytes(estimate.perGpuWorkerBytes) +
                 " of member states and fields on the host";
    }
    if (estimate.statisticsBytes > 0) {
        parts += " + ensemble statistics of " + std::to_string(estimate.accumulatedTimes) + " output time" +
                 (estimate.accumulatedTimes > 1 ? "s " : " ") + formatGibibytes(estimate.statisticsBytes);
    }
    throw InputError("this " + modelName + " run needs about " + formatGibibytes(estimate.totalBytes) +
                     " of host memory beside the loaded model (" + parts + "), but only " +
                     formatGibibytes(availableBytes) +
                     " are available: run fewer workers at once (--devices cpu:1 or --threads 1), hold one "
                     "member per worker (--batch-size 1), or use a coarser model (GraphCast_small at 1° instead "
                     "of 0.25°). Stored members do not count here: they go to the file one field at a time");
}

}  // namespace spreadcast
