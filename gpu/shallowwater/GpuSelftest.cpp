#include "GpuSelftest.h"

#include "Cufft.h"
#include "GpuBackend.h"
#include "GpuDevice.h"
#include "GpuModel.h"
#include "cases/TestCases.h"
#include "graphcast/GraphCastGpuChecks.h"
#include "io/NetcdfCompare.h"
#include "run/EnsembleRun.h"
#include "run/WorkQueue.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

namespace spreadcast::gpu {
namespace {

std::string scientific(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2e", value);
    return text;
}

double relativeDifference(const double* a, const double* b, std::size_t count)
{
    double difference = 0.0;
    double norm = 0.0;
    for (std::size_t k = 0; k < count; ++k) {
        difference += (a[k] - b[k]) * (a[k] - b[k]);
        norm += b[k] * b[k];
    }
    return norm > 0.0 ? std::sqrt(difference / norm) : std::sqrt(difference);
}

double norm(const SpectralCoefficients& a)
{
    double sum = 0.0;
    for (const Complex& value : a) {
        sum += std::norm(value);
    }
    return std::sqrt(sum);
}

double relativeDifference(const SpectralCoefficients& a, const SpectralCoefficients& b)
{
    return relativeDifference(reinterpret_cast<const double*>(a.data()), reinterpret_cast<const double*>(b.data()),
                              2 * b.size());
}

PreparedModel prepared(const RunSpec& spec)
{
    PreparedModel model = prepareModel(spec);
    if (dynamic_cast<const ShallowWaterModel*>(model.model.get()) == nullptr) {
        throw std::logic_error("the selftest's cases must build the shallow-water model");
    }
    return model;
}

int stepsOf(const ForecastModel& model, double seconds)
{
    return static_cast<int>(std::lround(seconds / model.timeStep()));
}

// Member `member` of a case for a day on the CPU and on the GPU: the largest relative l2
// difference over the prognostic spectral fields and the output fields.
SelftestCheck compareWithCpu(const std::string& name, RunSpec spec, int member, int gpu, std::ostream& log)
{
    spec.members = member + 1;
    spec.leadSeconds = 86400.0;
    spec.outputIntervalSeconds = 86400.0;
    const PreparedModel model = prepared(spec);
    const auto& shallowWater = dynamic_cast<const ShallowWaterModel&>(*model.model);
    const int steps = stepsOf(shallowWater, 86400.0);
    log << "  " << name << ": " << steps << " steps on the CPU and on GPU " << gpu << "\n" << std::flush;

    auto cpu = shallowWater.initialState(member);
    auto workspace = shallowWater.makeWorkspace();
    MemberState* cpuBatch[] = {cpu.get()};
    shallowWater.advance(cpuBatch, steps, *workspace);
    const GridFields cpuFields = shallowWater.fields(*cpu, *workspace);

    auto device = shallowWater.initialState(member);
    GpuModel gpuModel(shallowWater, gpu, 1);
    MemberState* gpuBatch[] = {device.get()};
    const auto blowUps = gpuModel.advance(gpuBatch, steps);
    if (!blowUps.empty()) {
        return {name, false, "the GPU member blew up: " + blowUps.front().message};
    }
    const GridFields gpuFields = gpuModel.fields(gpuBatch).front();

    const auto& a = dynamic_cast<const ShallowWaterState&>(*device);
    const auto& b = dynamic_cast<const ShallowWaterState&>(*cpu);
    double worst = 0.0;
    std::string worstField;
    auto consider = [&](double difference, const std::string& field) {
        if (!(difference <= worst)) {  // NaN counts as worst
            worst = difference;
            worstField = field;
        }
    };
    consider(relativeDifference(a.current.vorticity, b.current.vorticity), "spectral vorticity");
    // Measured against ζ (both s⁻¹): where the flow is non-divergent (W92 case 2) δ is round-off
    // itself, and its own relative difference means nothing.
    SpectralCoefficients divergenceError(b.current.divergence.size());
    for (std::size_t k = 0; k < divergenceError.size(); ++k) {
        divergenceError[k] = a.current.divergence[k] - b.current.divergence[k];
    }
    consider(norm(divergenceError) / norm(b.current.vorticity), "spectral divergence (against |vorticity|)");
    consider(relativeDifference(a.pattern, b.pattern), "forcing pattern");
    consider(relativeDifference(a.current.geopotential, b.current.geopotential), "spectral geopotential");
    const OutputSchema& schema = shallowWater.outputSchema();
    for (std::size_t k = 0; k < schema.variables.size(); ++k) {
        const auto& x = gpuFields.variables[k];
        const auto& y = cpuFields.variables[k];
        consider(relativeDifference(x.data(), y.data(), y.size()), schema.variables[k].name);
    }
    const bool passed = worst <= 1e-10 && a.step == b.step;
    return {name, passed,
            "largest relative l2 difference after a day " + scientific(worst) + " (" + worstField + "), bar 1e-10" +
                (gpuModel.usesGraphs() ? "" : "; steps launched one by one: " + gpuModel.graphFailure())};
}

// The placement checks' ensemble: the Galewsky jet with perturbed starts and SKEB, so members
// differ and the forcing draws at every step; a day, output every 6 h.
RunSpec placementSpec(const SelftestOptions& options)
{
    RunSpec spec;
    spec.initialCondition = "galewsky";
    spec.truncation = options.truncation;
    spec.members = options.members;
    spec.perturbHeight = 5.0;
    spec.skebAmplitude = 1e-10;
    spec.leadSeconds = 86400.0;
    spec.outputIntervalSeconds = 6 * 3600.0;
    return spec;
}

// The Galewsky jet at four times the stable time step with the CFL check off, so that the
// forecast itself breaks (at T42 the depth turns negative at step 16): the CPU and the GPU must
// stop the member at the same step for the same reason (tests/gpu/TestBatchedModel does the
// same with the host twin).
SelftestCheck compareBlowUp(int truncation, int gpu, std::ostream& log)
{
    const std::string name = "a blow-up (4 × the stable time step, no CFL check)";
    ShallowWaterParameters parameters;
    parameters.timeStep = 4.0 * maxStableTimeStep(truncation);
    parameters.courantLimit = 1e30;
    const ShallowWaterModel model(truncation, galewskyJet(GaussianGrid::forTruncation(truncation), true), parameters);
    constexpr int steps = 400;
    log << "  " << name << ": up to " << steps << " steps\n" << std::flush;
    auto cpu = model.initialState(0);
    auto workspace = model.makeWorkspace();
    std::string cpuMessage;
    std::int64_t cpuStep = -1;
    try {
        MemberState* batch[] = {cpu.get()};
        model.advance(batch, steps, *workspace);
    } catch (const ModelBlowUp& blowUp) {
        cpuMessage = blowUp.what();
        cpuStep = blowUp.step();
    }
    if (cpuStep < 0) {
        return {name, false, "the CPU model did not blow up in " + std::to_string(steps) + " steps"};
    }
    auto device = model.initialState(0);
    GpuModel gpuModel(model, gpu, 1);
    MemberState* batch[] = {device.get()};
    const auto blowUps = gpuModel.advance(batch, steps);
    if (blowUps.empty()) {
        return {name, false, "the CPU stopped at step " + std::to_string(cpuStep) + ", the GPU went on"};
    }
    // The reason is the text up to the colon ("blow-up at step N in wind"); the figures after it
    // may differ in their last digits.
    const std::string gpuMessage = blowUps.front().message;
    const bool same = blowUps.front().step == cpuStep && device->step == cpuStep &&
                      gpuMessage.substr(0, gpuMessage.find(':')) == cpuMessage.substr(0, cpuMessage.find(':'));
    return {name, same, "CPU: " + cpuMessage + "; GPU: " + gpuMessage};
}

using MemberBytes = std::vector<std::vector<std::byte>>;

// Every member's state and output fields as bytes.
MemberBytes memberBytes(const ShallowWaterModel& model, const std::vector<std::unique_ptr<MemberState>>& states,
                        GpuModel& gpuModel)
{
    MemberBytes bytes;
    std::vector<MemberState*> pointers;
    for (const auto& state : states) {
        bytes.push_back(model.serialize(*state));
        pointers.push_back(state.get());
    }
    for (const GridFields& fields : gpuModel.fields(pointers)) {
        std::vector<std::byte> all;
        for (const auto& values : fields.variables) {
            const auto* data = reinterpret_cast<const std::byte*>(values.data());
            all.insert(all.end(), data, data + values.size() * sizeof(double));
        }
        bytes.push_back(std::move(all));
    }
    return bytes;
}

std::string compareBytes(const MemberBytes& a, const MemberBytes& b, int members)
{
    int differing = 0;
    for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) {
        differing += a[k] != b[k] ? 1 : 0;
    }
    if (a.size() != b.size()) {
        return "different counts";
    }
    return differing == 0 ? std::string()
                          : std::to_string(differing) + " of " + std::to_string(2 * members) +
                                " member states and field sets differ";
}

std::vector<SelftestCheck> placementChecks(const SelftestOptions& options, int gpu, std::ostream& log)
{
    const RunSpec spec = placementSpec(options);
    const PreparedModel model = prepared(spec);
    const auto& shallowWater = dynamic_cast<const ShallowWaterModel&>(*model.model);
    const int steps = stepsOf(shallowWater, spec.leadSeconds);
    const int members = options.members;
    auto fresh = [&] {
        std::vector<std::unique_ptr<MemberState>> states;
        for (int m = 0; m < members; ++m) {
            states.push_back(shallowWater.initialState(m));
        }
        return states;
    };
    auto runInBatches = [&](int batch, bool useGraphs = true, int stepsPerGraph = defaultStepsPerGraph) {
        GpuModel gpuModel(shallowWater, gpu, batch, useGraphs, stepsPerGraph);
        auto states = fresh();
        for (int first = 0; first < members; first += batch) {
            std::vector<MemberState*> part;
            for (int m = first; m < std::min(members, first + batch); ++m) {
                part.push_back(states[m].get());
            }
            if (!gpuModel.advance(part, steps).empty()) {
                throw GpuError("a member blew up");
            }
        }
        return memberBytes(shallowWater, states, gpuModel);
    };

    std::vector<SelftestCheck> checks;
    log << "  members across batch sizes: " << members << " members, T" << options.truncation << ", " << steps
        << " steps with SKEB\n"
        << std::flush;
    const MemberBytes reference = runInBatches(members);
    // 1 and 7 leave most of one FFT chunk idle, 9 and 24 fill several chunks, partly.
    for (int batch : {1, 7, 9, 24}) {
        const std::string difference = compareBytes(runInBatches(batch), reference, members);
        checks.push_back(
            {"members bitwise: batch " + std::to_string(batch) + " against batch " + std::to_string(members),
             difference.empty(),
             difference.empty() ? "all " + std::to_string(members) + " states and fields identical" : difference});
    }
    // The same steps launched kernel by kernel, and from graphs of 1 and of 5 steps (a call's
    // steps then end in a graph of the rest): the captured graphs must not change a bit.
    for (const auto& [useGraphs, stepsPerGraph] : {std::pair{false, 1}, std::pair{true, 1}, std::pair{true, 5}}) {
        const std::string difference =
            compareBytes(runInBatches(members, useGraphs, stepsPerGraph), reference, members);
        const std::string how =
            useGraphs ? "graphs of " + std::to_string(stepsPerGraph) + (stepsPerGraph == 1 ? " step" : " steps")
                      : "kernels launched one by one";
        checks.push_back(
            {"members bitwise: " + how + " against graphs of " + std::to_string(defaultStepsPerGraph) + " steps",
             difference.empty(), difference.empty() ? "all identical" : difference});
    }

    log << "  members across workers sharing GPU " << gpu << "\n" << std::flush;
    {
        constexpr int workers = 3;
        auto states = fresh();
        std::vector<std::string> errors(workers);
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w) {
            threads.emplace_back([&, w] {
                try {
                    GpuModel gpuModel(shallowWater, gpu, (members + workers - 1) / workers);
                    std::vector<MemberState*> mine;
                    for (int m = w; m < members; m += workers) {
                        mine.push_back(states[m].get());
                    }
                    if (!gpuModel.advance(mine, steps).empty()) {
                        errors[w] = "a member blew up";
                    }
                } catch (const std::exception& error) {
                    errors[w] = error.what();
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        std::string failure;
        for (const auto& error : errors) {
            failure += error.empty() ? "" : (failure.empty() ? "" : "; ") + error;
        }
        if (failure.empty()) {
            GpuModel fieldsModel(shallowWater, gpu, members);
            failure = compareBytes(memberBytes(shallowWater, states, fieldsModel), reference, members);
        }
        checks.push_back({"members bitwise: 3 workers sharing the GPU against one", failure.empty(),
                          failure.empty() ? "all identical" : failure});
    }
    return checks;
}

// Whole runs through the controller; statistics and members must be the same bytes.
std::vector<SelftestCheck> controllerChecks(const SelftestOptions& options, const GpuDescription& gpu,
                                            std::ostream& log)
{
    RunSpec spec = placementSpec(options);
    spec.precision = OutputPrecision::Double;
    spec.thresholds = {{"height", 10000.0}, {"vorticity", 1e-4}};
    const std::filesystem::path folder = options.scratchFolder.empty() ? std::filesystem::temp_directory_path()
                                                                       : std::filesystem::path(options.scratchFolder);

    struct Placement {
        std::string name;
        std::vector<int> batches;  // one worker per entry
        bool fault = false;
    };
    const std::vector<Placement> placements = {
        {"one worker, batch " + std::to_string(options.members), {options.members}},
        {"one worker, batch 7", {7}},
        {"three workers sharing the GPU, batch 8", {8, 8, 8}},
        {"two workers, device 1 fails after 30 steps", {16, 16}, true},
    };
    std::vector<SelftestCheck> checks;
    VariableBytes reference;
    for (std::size_t p = 0; p < placements.size(); ++p) {
        const Placement& placement = placements[p];
        log << "  controller run: " << placement.name << "\n" << std::flush;
        RunSpec run = spec;
        run.outputPath = (folder / ("spreadcast-selftest-" + std::to_string(p) + ".nc")).string();
        EnsembleRun ensemble(run, prepareModel(run));
        std::vector<std::unique_ptr<Device>> devices;
        for (std::size_t w = 0; w < placement.batches.size(); ++w) {
            devices.push_back(makeGpuDevice(gpu, static_cast<int>(w), placement.batches[w]));
        }
        ensemble.useDevices(std::move(devices));
        if (placement.fault) {
            ensemble.injectFault({1, 30, false});
        }
        std::atomic<bool> cancel = false;
        SelftestCheck check{"controller: " + placement.name, false, ""};
        try {
            const RunResult result = ensemble.execute([](const RunProgress&) {}, cancel, "spreadcast-cli selftest");
            if (result.membersCompleted != options.members) {
                check.figure = std::to_string(result.membersCompleted) + " of " + std::to_string(options.members) +
                               " members completed: " + describeFailures(result.failures);
            } else {
                const VariableBytes bytes = variableBytes(run.outputPath);
                if (p == 0) {
                    reference = bytes;
                    check.passed = true;
                    check.figure = "the reference: " + std::to_string(bytes.size()) + " variables";
                } else {
                    const std::string differing = differingVariables(bytes, reference);
                    check.passed = differing.empty();
                    check.figure = differing.empty() ? "every variable, statistics included, identical to the reference"
                                                     : "differing variables: " + differing;
                }
                if (placement.fault) {
                    bool retried = false;
                    for (const auto& event : result.events) {
                        retried = retried || event.find("goes on elsewhere") != std::string::npos;
                    }
                    check.passed = check.passed && retried;
                    check.figure += retried ? "; the failed device's members went on elsewhere"
                                            : "; but no member was moved off the failed device";
                }
            }
        } catch (const std::exception& error) {
            check.figure = error.what();
        }
        std::error_code ignored;
        std::filesystem::remove(run.outputPath, ignored);
        checks.push_back(std::move(check));
    }
    return checks;
}

}  // namespace

bool SelftestReport::passed() const
{
    if (skipped) {
        return false;
    }
    for (const auto& check : checks) {
        if (!check.passed) {
            return false;
        }
    }
    return !checks.empty();
}

SelftestReport runGpuSelftest(const SelftestOptions& options, std::ostream& log)
{
    SelftestReport report;
    const GpuInventory inventory = discoverCudaGpus();
    const GpuDescription* chosen = nullptr;
    for (const auto& gpu : inventory.gpus) {
        if (options.gpu < 0 || gpu.index == options.gpu) {
            chosen = &gpu;
            break;
        }
    }
    if (chosen == nullptr) {
        report.skipped = true;
        report.skipReason = options.gpu < 0 ? "no usable GPU" : "no usable GPU " + std::to_string(options.gpu);
        for (const auto& note : inventory.notes) {
            report.skipReason += "; " + note;
        }
        return report;
    }
    if (!Cufft::instance().available()) {
        report.skipped = true;
        report.skipReason = Cufft::instance().unavailableReason();
        return report;
    }
    std::ostringstream device;
    device << "GPU " << chosen->index << ": " << chosen->name << ", compute capability "
           << chosen->computeCapabilityMajor << '.' << chosen->computeCapabilityMinor << ", "
           << (chosen->totalMemoryBytes >> 20) << " MiB, driver CUDA " << inventory.driverVersion / 1000 << '.'
           << inventory.driverVersion % 1000 / 10;
    report.device = device.str();
    const int gpu = chosen->index;

    auto guarded = [&](const std::string& name, auto&& body) {
        try {
            body();
        } catch (const std::exception& error) {
            report.checks.push_back({name, false, error.what()});
        }
    };
    log << "GPU against CPU, T" << options.accuracyTruncation << ", one day, double precision\n";
    struct Case {
        std::string name;
        std::string initialCondition;
        double rotation;
    };
    for (const Case& c : {Case{"Williamson case 2 (alpha = 45 deg)", "williamson2", 45.0},
                          Case{"Williamson case 6", "williamson6", 0.0}, Case{"Galewsky jet", "galewsky", 0.0}}) {
        guarded(c.name, [&] {
            RunSpec spec;
            spec.initialCondition = c.initialCondition;
            spec.rotationDegrees = c.rotation;
            spec.truncation = options.accuracyTruncation;
            spec.perturbVorticity = 0.0;
            report.checks.push_back(compareWithCpu(c.name, spec, 0, gpu, log));
        });
    }
    // The random draws on the device: a perturbed member with SKEB, whose pattern is drawn from
    // the member's key at every step.
    guarded("Galewsky jet, member 3 perturbed, SKEB", [&] {
        RunSpec spec;
        spec.initialCondition = "galewsky";
        spec.truncation = options.accuracyTruncation;
        spec.perturbHeight = 5.0;
        spec.skebAmplitude = 1e-10;
        report.checks.push_back(compareWithCpu("Galewsky jet, member 3 perturbed, SKEB", spec, 3, gpu, log));
    });
    guarded("a blow-up", [&] { report.checks.push_back(compareBlowUp(options.accuracyTruncation, gpu, log)); });
    log << "Placements\n";
    guarded("members bitwise across batches and workers", [&] {
        for (auto& check : placementChecks(options, gpu, log)) {
            report.checks.push_back(std::move(check));
        }
    });
    guarded("controller runs", [&] {
        for (auto& check : controllerChecks(options, *chosen, log)) {
            report.checks.push_back(std::move(check));
        }
    });
    for (auto& check : graphCastSelftestChecks(gpu, log)) {
        report.checks.push_back(std::move(check));
    }
    return report;
}

}  // namespace spreadcast::gpu
