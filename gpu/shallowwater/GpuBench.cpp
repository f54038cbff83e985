#include "GpuBench.h"

#include "Cufft.h"
#include "GpuBackend.h"
#include "GpuDevice.h"
#include "GpuModel.h"
#include "ModelTables.h"
#include "cases/TestCases.h"
#include "run/RunSpec.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <latch>
#include <map>
#include <memory>
#include <span>
#include <thread>

namespace spreadcast::gpu {
namespace {

using Clock = std::chrono::steady_clock;

// The CPU bench's model: the Galewsky jet at 0.6 of the longest stable step, or at a given step.
std::unique_ptr<ShallowWaterModel> benchModel(int truncation, double timeStep = 0.0)
{
    ShallowWaterParameters parameters;
    parameters.timeStep = timeStep > 0.0 ? timeStep : maxStableTimeStep(truncation) * 0.6;
    return std::make_unique<ShallowWaterModel>(truncation, galewskyJet(GaussianGrid::forTruncation(truncation), true),
                                               parameters);
}

std::vector<std::unique_ptr<MemberState>> states(const ShallowWaterModel& model, int members)
{
    std::vector<std::unique_ptr<MemberState>> result;
    for (int m = 0; m < members; ++m) {
        result.push_back(model.initialState(m));
    }
    return result;
}

std::vector<MemberState*> pointers(const std::vector<std::unique_ptr<MemberState>>& states)
{
    std::vector<MemberState*> result;
    for (const auto& state : states) {
        result.push_back(state.get());
    }
    return result;
}

}  // namespace

bool runGpuBench(const GpuBenchOptions& options, std::ostream& out)
{
    const GpuInventory inventory = discoverCudaGpus();
    const auto chosen = std::find_if(inventory.gpus.begin(), inventory.gpus.end(), [&](const GpuDescription& gpu) {
        return options.gpu < 0 || gpu.index == options.gpu;
    });
    if (chosen == inventory.gpus.end() || !Cufft::instance().available()) {
        out << "no GPU to time:";
        for (const auto& note : inventory.notes) {
            out << ' ' << note << ';';
        }
        out << '\n';
        return false;
    }
    const int gpu = chosen->index;
    const int stepsPerGraph = options.stepsPerGraph > 0 ? options.stepsPerGraph : defaultStepsPerGraph;
    const double copyBandwidth = measureCopyBandwidth(gpu);
    char line[512];
    std::snprintf(line, sizeof line,
                  "GPU %d: %s, compute capability %d.%d, %.1f GiB; measured device copy bandwidth %.0f GB/s "
                  "(read + write); double precision, Galewsky jet; %d steps per CUDA graph launch\n\n",
                  gpu, chosen->name.c_str(), chosen->computeCapabilityMajor, chosen->computeCapabilityMinor,
                  static_cast<double>(chosen->totalMemoryBytes) / (1u << 30), copyBandwidth / 1e9, stepsPerGraph);
    out << line;
    out << "| truncation | grid | backend | members | ms/step (batch) | ms/step/member | member-steps/s | "
           "bandwidth | of copy bandwidth | device memory/member |\n"
        << "|---|---|---|---|---|---|---|---|---|---|\n";
    std::map<std::pair<int, int>, double> msPerStep;  // (truncation, batch) → ms per step of the batch
    for (int truncation : options.truncations) {
        const auto model = benchModel(truncation);
        const double bytesPerMemberStep = compulsoryBytesPerMemberStep(*model);
        for (int batch : options.batches) {
            GpuModel gpuModel(*model, gpu, batch, true, stepsPerGraph);
            auto members = states(*model, batch);
            // A short run sizes the timed one to about options.seconds.
            const double probe = gpuModel.timeSteps(pointers(members), 3, 5);
            const int steps = std::max(10, static_cast<int>(options.seconds * 1000.0 / std::max(probe, 1e-3)));
            members = states(*model, batch);
            const double ms = gpuModel.timeSteps(pointers(members), 3, steps);
            msPerStep[{truncation, batch}] = ms;
            const double bandwidth = bytesPerMemberStep * batch / (ms * 1e-3);
            // Everything the model holds on the device (tables, FFT plans, a whole chunk of slots),
            // per member of the batch.
            const double perMember = static_cast<double>(gpuModel.allocatedBytes()) / batch / (1u << 20);
            std::snprintf(line, sizeof line,
                          "| T%d | %d × %d | cuda | %d | %.3f | %.4f | %.0f | %.0f GB/s | %.2f | %.1f MiB |\n",
                          truncation, model->grid().nlat, model->grid().nlon, batch, ms, ms / batch,
                          1000.0 * batch / ms, bandwidth / 1e9, bandwidth / copyBandwidth, perMember);
            out << line << std::flush;
            if (!gpuModel.usesGraphs()) {
                out << "  (steps launched kernel by kernel: CUDA graph capture failed, " << gpuModel.graphFailure()
                    << ")\n";
            }
        }
    }
    // The goals (H100, double precision), where this run measured what they need.
    out << "\nGoals:\n";
    auto goal = [&](const std::string& what, double value, double limit, const char* unit) {
        std::snprintf(line, sizeof line, "  %s: %.4g %s (goal ≤ %.4g) %s\n", what.c_str(), value, unit, limit,
                      value <= limit ? "met" : "NOT met");
        out << line;
    };
    for (const auto& [truncation, limit] : {std::pair{85, 0.5}, std::pair{170, 2.0}}) {
        if (const auto found = msPerStep.find({truncation, 64}); found != msPerStep.end()) {
            char what[64];
            std::snprintf(what, sizeof what, "T%d × 64 members, ms per step", truncation);
            goal(what, found->second, limit, "ms");
        }
    }
    // Throughput at the batch that gives the most, of those timed.
    double bestRate = 0.0;
    int bestBatch = 0;
    for (const auto& [key, ms] : msPerStep) {
        if (key.first == 85 && 1000.0 * key.second / ms > bestRate) {
            bestRate = 1000.0 * key.second / ms;
            bestBatch = key.second;
        }
    }
    if (bestBatch > 0) {
        std::snprintf(line, sizeof line,
                      "  T85, member-steps/s at the best batch timed (%d): %.4g (goal ≥ 200000) %s\n", bestBatch,
                      bestRate, bestRate >= 200000.0 ? "met" : "NOT met");
        out << line;
    }
    for (int truncation : options.truncations) {
        const auto single = msPerStep.find({truncation, 1});
        const auto batched = msPerStep.find({truncation, 64});
        if (single != msPerStep.end() && batched != msPerStep.end()) {
            char what[80];
            std::snprintf(what, sizeof what, "T%d, a member at batch 64 against one at batch 1", truncation);
            goal(what, batched->second / 64.0 / single->second, 1.0 / 30.0, "of the cost");
        }
    }
    // Where a step's time goes, at the largest batch of each truncation.
    const int profiled =
        options.batches.empty() ? 0 : *std::max_element(options.batches.begin(), options.batches.end());
    for (int truncation : profiled > 0 ? options.truncations : std::vector<int>{}) {
        const auto model = benchModel(truncation);
        GpuModel gpuModel(*model, gpu, profiled, true, stepsPerGraph);
        auto members = states(*model, profiled);
        const auto phases = gpuModel.profileStep(pointers(members));
        double total = 0.0;
        for (const auto& phase : phases) {
            total += phase.second;
        }
        std::snprintf(line, sizeof line, "\nOne step of T%d × %d members, kernels launched one by one: %.3f ms\n\n",
                      truncation, profiled, total);
        out << line << "| phase | ms | share |\n|---|---|---|\n";
        for (const auto& [label, ms] : phases) {
            std::snprintf(line, sizeof line, "| %s | %.3f | %.0f %% |\n", label.c_str(), ms, 100.0 * ms / total);
            out << line;
        }
    }
    if (options.ensembleMembers > 0) {
        // As the controller drives GPU workers: each worker (a thread with its own stream) takes
        // batches as large as fit and runs each to the end of the lead, its states copied out once
        // per output interval (and in once per batch: they stay on the device); several workers on
        // one GPU overlap one batch's copies with another's steps. No output fields, no file. The
        // time step is the one a run takes: the longest stable one that divides the interval.
        RunSpec spec;
        spec.truncation = options.ensembleTruncation;
        spec.outputIntervalSeconds = options.ensembleOutputSeconds;
        spec.leadSeconds = options.ensembleLeadSeconds;
        const auto model = benchModel(options.ensembleTruncation, effectiveTimeStep(spec));
        const int outputs = static_cast<int>(std::lround(options.ensembleLeadSeconds / options.ensembleOutputSeconds));
        const int stepsPerOutput = static_cast<int>(std::lround(options.ensembleOutputSeconds / model->timeStep()));
        const int workers = std::max(1, std::min(options.ensembleWorkers, options.ensembleMembers));
        auto members = states(*model, options.ensembleMembers);
        std::vector<MemberState*> all = pointers(members);
        const int share = (options.ensembleMembers + workers - 1) / workers;
        const int capacity = std::min(share, maximumGpuBatch);
        std::vector<std::string> errors(static_cast<std::size_t>(workers));
        std::vector<std::size_t> blowUps(static_cast<std::size_t>(workers), 0);
        // The timing starts once every worker has set its model up.
        std::latch ready(workers);
        std::latch go(1);
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w) {
            threads.emplace_back([&, w] {
                std::unique_ptr<GpuModel> gpuModel;
                try {
                    gpuModel = std::make_unique<GpuModel>(*model, gpu, capacity, true, stepsPerGraph);
                } catch (const std::exception& error) {
                    errors[static_cast<std::size_t>(w)] = error.what();
                }
                ready.count_down();
                go.wait();
                if (!gpuModel) {
                    return;
                }
                try {
                    const auto mine = std::span(all).subspan(
                        static_cast<std::size_t>(std::min(w * share, options.ensembleMembers)),
                        static_cast<std::size_t>(std::max(0, std::min(share, options.ensembleMembers - w * share))));
                    for (std::size_t first = 0; first < mine.size(); first += static_cast<std::size_t>(capacity)) {
                        const auto batch =
                            mine.subspan(first, std::min(mine.size() - first, static_cast<std::size_t>(capacity)));
                        for (int k = 0; k < outputs; ++k) {
                            blowUps[static_cast<std::size_t>(w)] += gpuModel->advance(batch, stepsPerOutput).size();
                        }
                    }
                } catch (const std::exception& error) {
                    errors[static_cast<std::size_t>(w)] = error.what();
                }
            });
        }
        ready.wait();
        const auto start = Clock::now();
        go.count_down();
        for (auto& thread : threads) {
            thread.join();
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        for (const auto& error : errors) {
            if (!error.empty()) {
                throw GpuError(error);
            }
        }
        std::size_t stopped = 0;
        for (std::size_t count : blowUps) {
            stopped += count;
        }
        std::snprintf(line, sizeof line,
                      "\n%d members, T%d, %.2f days (%d steps of %.0f s; states copied out every %.0f h, in once per "
                      "batch; no output fields), %d workers sharing the GPU, batches of up to %d: %.2f s, %zu "
                      "blow-up reports\n",
                      options.ensembleMembers, options.ensembleTruncation,
                      outputs * stepsPerOutput * model->timeStep() / 86400.0, outputs * stepsPerOutput,
                      model->timeStep(), options.ensembleOutputSeconds / 3600.0, workers, capacity, seconds, stopped);
        out << line;
        if (options.ensembleMembers == 1000 && options.ensembleTruncation == 85 &&
            options.ensembleLeadSeconds == 6 * 86400.0) {
            goal("1000 members × 6 days × T85", seconds, 5.0, "s");
        }
    }
    out << "\nbandwidth: compulsory bytes of the batch's member-steps (each kernel's inputs read and outputs "
           "written once, shared tables left out) over the measured time; a batch below 8 also computes the idle "
           "slots of its FFT chunk, which this leaves out. device memory/member: all the model holds on the "
           "device over the batch. The profiled step runs between cudaProfilerStart and cudaProfilerStop, so "
           "`ncu --profile-from-start off` measures its DRAM traffic alone (scripts/gpu-check.sh).\n";
    return true;
}

}  // namespace spreadcast::gpu
