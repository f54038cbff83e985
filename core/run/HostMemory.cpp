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
    // As planBatchSizes counts them: a member in a batch has its state and its checkpoint.
    estimate.memberBytes = 2 * static_cast<long long>(model.stateBytes());
    long long values = 0;
    const OutputSchema& schema = model.outputSchema();
    for (std::size_t k = 0; k < schema.variables.size(); ++k) {
        values += static_cast<long long>(schema.valueCount(k));
    }
    estimate.fieldsBytes = values * static_cast<long long>(sizeof(double));
    const long long heldBytes = estimate.membersPerWorker * estimate.memberBytes + estimate.fieldsBytes;
    estimate.perCpuWorkerBytes = estimate.workspaceBytes + heldBytes;
    estimate.perGpuWorkerBytes = heldBytes;
    if (members > 1) {
        // StatisticsAccumulator: mean, M2, minimum and maximum in double for the time being
        // accumulated, and the statistics of the previous time while they are written.
        long long exceedanceValues = 0;
        for (const ExceedanceThreshold& threshold : spec.thresholds) {
            const int variable = schema.variableIndex(threshold.variable);
            if (variable >= 0) {
                exceedanceValues += static_cast<long long>(schema.valueCount(static_cast<std::size_t>(variable)));
            }
        }
        estimate.statisticsBytes = 2 * (4 * estimate.fieldsBytes + exceedanceValues * 12);
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
                 formatGibibytes(estimate.workspaceBytes) + ", " + std::to_string(estimate.membersPerWorker) +
                 " member state" + (estimate.membersPerWorker > 1 ? "s" : "") + " with checkpoint " +
                 formatGibibytes(estimate.membersPerWorker * estimate.memberBytes) + ", output fields " +
                 formatGibibytes(estimate.fieldsBytes) + ")";
    }
    const int gpuWorkers = estimate.workers - estimate.cpuWorkers;
    if (gpuWorkers > 0) {
        parts += std::string(parts.empty() ? "" : " + ") + std::to_string(gpuWorkers) + " GPU worker" +
                 (gpuWorkers > 1 ? "s" : "") + " × " + formatGibibytes(estimate.perGpuWorkerBytes) +
                 " of member states and fields on the host";
    }
    if (estimate.statisticsBytes > 0) {
        parts += " + ensemble statistics " + formatGibibytes(estimate.statisticsBytes);
    }
    throw InputError("this " + modelName + " run needs about " + formatGibibytes(estimate.totalBytes) +
                     " of host memory beside the loaded model (" + parts + "), but only " +
                     formatGibibytes(availableBytes) +
                     " are available: run fewer workers at once (--devices cpu:1 or --threads 1), hold one "
                     "member per worker (--batch-size 1), or use a coarser model (GraphCast_small at 1° instead "
                     "of 0.25°). Stored members do not count here: they go to the file one field at a time");
}

}  // namespace spreadcast
