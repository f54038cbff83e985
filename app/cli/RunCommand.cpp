#include "Commands.h"

#include "model/ModelRegistry.h"
#include "run/EnsembleRun.h"
#include "run/InputError.h"
#include "run/RunManifest.h"

#ifdef SPREADCAST_HAVE_MPI
#include "MpiRun.h"
#endif

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace spreadcast::cli {
namespace {

std::atomic<bool> cancelRequested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void requestCancel(int)
{
    cancelRequested = true;
}

struct RunOptions {
    RunSpec spec;
    std::string lead = "6d";
    std::string outputEvery = "6h";
    std::string timeStep;
    std::string precision = "float";
    bool noGalewskyBump = false;
    double perturbLengthKm = 1000.0;
    bool perturbLengthGiven = false;
    std::string skebTime = "6h";
    std::vector<std::string> thresholds;
    std::string watchdog = "10m";
    std::string injectFault;
    bool force = false;
    bool quiet = false;
    bool resume = false;
    std::vector<std::string> initialConditions;     // every --ic (graphcast takes several)
    std::string initialTime;                        // --ic-time: an index, or a date for graphcast
    std::vector<std::string> forecastOptionsGiven;  // options that define the forecast, as given
};

// The options that define the forecast (as opposed to where it runs); --resume takes them from
// the interrupted run instead.
const std::vector<std::string> forecastOptions{"--ic",
                                               "--ic-time",
                                               "--ic-level",
                                               "--static",
                                               "--mean-depth",
                                               "--rotation",
                                               "--no-galewsky-bump",
                                               "--truncation",
                                               "--lead",
                                               "--output-every",
                                               "--dt",
                                               "--members",
                                               "--seed",
                                               "--perturb-vorticity",
                                               "--perturb-height",
                                               "--perturb-length",
                                               "--perturb-smoothness",
                                               "--perturbation-pairs",
                                               "--skeb",
                                               "--skeb-time",
                                               "--skeb-wavenumber",
                                               "--store-members",
                                               "--probability",
                                               "--precision"};

// A hardware reading for people, e.g. "61 °C"; "–" while unknown (negative).
std::string formatReading(double value, const char* unit)
{
    if (value < 0.0) {
        return "–";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.0f %s", value, unit);
    return text;
}

bool hasHardwareReadings(const DeviceTelemetry& device)
{
    return device.hardwareUtilization || device.temperatureCelsius >= 0.0 || device.powerWatts >= 0.0;
}

// The load, temperature and power of the devices that report them (GPUs through NVML): per device
// in a log, where lines may be long; on a terminal, whose one line is redrawn, the hottest device
// and the power of all together. Empty when no device reports them.
std::string describeHardware(const std::vector<DeviceTelemetry>& devices, bool interactive)
{
    std::string text;
    int count = 0;
    int utilizationCount = 0;
    double utilization = 0.0;
    double hottest = -1.0;
    double watts = -1.0;
    for (const DeviceTelemetry& device : devices) {
        if (!hasHardwareReadings(device)) {
            continue;
        }
        ++count;
        if (device.hardwareUtilization) {
            ++utilizationCount;
            utilization += device.utilization;
        }
        hottest = std::max(hottest, device.temperatureCelsius);
        if (device.powerWatts >= 0.0) {
            watts = std::max(watts, 0.0) + device.powerWatts;
        }
        text += "  " + device.name + " " +
                (device.hardwareUtilization ? formatReading(100.0 * device.utilization, "%") : std::string("–")) + " " +
                formatReading(device.temperatureCelsius, "°C") + " " + formatReading(device.powerWatts, "W");
    }
    if (count == 0 || !interactive) {
        return text;
    }
    return "  " + std::string(count == 1 ? "GPU " : "GPUs ") +
           formatReading(utilizationCount > 0 ? 100.0 * utilization / utilizationCount : -1.0, "%") + ", " +
           (count == 1 ? "" : "up to ") + formatReading(hottest, "°C") + ", " + formatReading(watts, "W");
}

void printProgress(const RunProgress& progress, bool interactive)
{
    const double percent = progress.memberStepsTotal > 0 ? 100.0 * static_cast<double>(progress.memberStepsDone) /
                                                               static_cast<double>(progress.memberStepsTotal)
                                                         : 100.0;
    char eta[32] = "…";
    if (progress.etaSeconds >= 0.0) {
        std::snprintf(eta, sizeof eta, "%.0f s", progress.etaSeconds);
    }
    std::fprintf(stderr, "%s%5.1f%%  members %d/%d done%s  %.0f member-steps/s  ETA %s%s%s", interactive ? "\r" : "",
                 percent, progress.membersDone, progress.members,
                 progress.membersFailed ? (", " + std::to_string(progress.membersFailed) + " failed").c_str() : "",
                 progress.memberStepsPerSecond, eta, describeHardware(progress.devices, interactive).c_str(),
                 interactive ? "   " : "\n");
    std::fflush(stderr);
}

// --ic and --ic-time into the spec: the shallow-water model takes one file (the last --ic) and a
// time index; graphcast takes every --ic in order and a time index or the initial time itself.
void applyInitialConditionOptions(RunOptions& options)
{
    RunSpec& spec = options.spec;
    const bool graphcast = spec.model == "graphcast";
    if (!options.initialConditions.empty()) {
        spec.initialCondition = graphcast ? options.initialConditions.front() : options.initialConditions.back();
        if (graphcast) {
            spec.graphcast.initialConditions = options.initialConditions;
        }
    }
    const std::string& time = options.initialTime;
    if (time.empty()) {
        return;
    }
    if (std::all_of(time.begin(), time.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) &&
        time.size() < 9) {
        spec.initialConditionTime = std::stoi(time);
    } else if (graphcast) {
        spec.graphcast.initialTime = time;
    } else {
        throw InputError("--ic-time '" + time + "': give the time index in the initial-condition file (0, 1, …)");
    }
}

int runForecast(RunOptions& options, const std::string& commandLine)
{
#ifdef SPREADCAST_HAVE_MPI
    // Under mpirun the ranks after 0 serve the devices of rank 0's run (mpi/MpiRun.h) and read none
    // of the options here, so that an input error is reported once, by rank 0.
    if (mpi::launchedByMpirun() && mpi::initialise() > 0) {
        return mpi::serveController();
    }
#else
    if (const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE"); ranks != nullptr && std::atoi(ranks) > 1) {
        const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
        if (rank == nullptr || std::atoi(rank) == 0) {
            throw InputError("this spreadcast-cli was built without MPI, so under mpirun each of the " +
                             std::string(ranks) +
                             " ranks would run the whole forecast by itself: rebuild with Open MPI installed "
                             "(libopenmpi-dev; cmake -DSPREADCAST_WITH_MPI=ON), or run without mpirun");
        }
        return 2;
    }
#endif
    RunSpec& spec = options.spec;
    applyInitialConditionOptions(options);
    try {
        spec.leadSeconds = parseDuration(options.lead);
        spec.outputIntervalSeconds = parseDuration(options.outputEvery);
        spec.timeStepSeconds = options.timeStep.empty() ? 0.0 : parseDuration(options.timeStep);
        spec.skebDecorrelation = parseDuration(options.skebTime);
        spec.watchdogSeconds = parseDuration(options.watchdog);
    } catch (const std::invalid_argument& error) {
        throw InputError(error.what());
    }
    spec.precision = options.precision == "double" ? OutputPrecision::Double : OutputPrecision::Float;
    spec.galewskyPerturbation = !options.noGalewskyBump;
    spec.perturbLengthScale = options.perturbLengthKm * 1000.0;
    if (spec.model == "graphcast" && options.perturbLengthGiven) {
        spec.graphcast.perturbationLengthScale = options.perturbLengthKm * 1000.0;
    }
    for (const auto& text : options.thresholds) {
        try {
            spec.thresholds.push_back(parseThreshold(text));
        } catch (const std::invalid_argument& error) {
            throw InputError(std::string("--probability: ") + error.what());
        }
    }
    std::optional<RunManifest> manifest;
    if (options.resume) {
        if (!options.forecastOptionsGiven.empty()) {
            std::string given;
            for (const auto& option : options.forecastOptionsGiven) {
                given += (given.empty() ? "" : ", ") + option;
            }
            throw InputError("--resume continues the forecast recorded beside '" + spec.outputPath + "': leave out " +
                             given +
                             " (only where it runs may change: --devices, --threads, --batch-size, --segment, "
                             "--speculate, --watchdog)");
        }
        if (!std::filesystem::exists(spec.outputPath)) {
            throw InputError("cannot resume '" + spec.outputPath +
                             "': the file does not exist; give the --out of the interrupted run");
        }
        manifest = readRunManifest(spec.outputPath);
        RunSpec resumed = manifest->spec;
        resumed.outputPath = spec.outputPath;
        resumed.threads = spec.threads;
        resumed.devices = spec.devices;
        resumed.batchSize = spec.batchSize;
        resumed.segmentOutputs = spec.segmentOutputs;
        resumed.speculate = spec.speculate;
        resumed.watchdogSeconds = spec.watchdogSeconds;
        spec = resumed;
    } else if (!options.force && std::filesystem::exists(spec.outputPath)) {
        throw InputError("the output file '" + spec.outputPath +
                         "' exists already: choose another --out, add --force to overwrite it, or --resume to "
                         "finish an interrupted run");
    }

    std::optional<FaultInjection> fault;
    if (!options.injectFault.empty()) {
        fault = parseFaultInjection(options.injectFault);
    }

    PreparedModel prepared = prepareModel(spec);
    EnsembleRun run(spec, std::move(prepared));
    if (fault) {
        run.injectFault(*fault);
    }
#ifdef SPREADCAST_HAVE_MPI
    if (mpi::launchedByMpirun()) {
        // Rank 0's devices and then every other rank's, now that those ranks have the same model.
        std::vector<std::string> notes;
        run.useDevices(mpi::gatherDevices(run.spec(), *run.prepared().model, cancelRequested, notes));
        for (const auto& note : notes) {
            std::cerr << "spreadcast-cli: " << note << "\n";
        }
    }
#endif
    if (manifest) {
        if (!options.quiet) {
            std::cerr << "spreadcast-cli: resuming " << spec.outputPath << ": " << manifest->finishedMembers.size()
                      << " of " << spec.members << " member(s) finished, " << manifest->failures.size()
                      << " failed; the others are computed now\n";
        }
        run.resumeFrom(std::move(*manifest));
    }
    if (!options.quiet) {
        std::cerr << "spreadcast-cli: " << run.prepared().model->description() << "\n"
                  << "  " << spec.members << " member(s), lead " << formatDuration(spec.leadSeconds)
                  << ", output every " << formatDuration(spec.outputIntervalSeconds) << " → " << spec.outputPath
                  << "\n";
        for (const auto& note : run.prepared().notes) {
            std::cerr << "  note: " << note << "\n";
        }
        std::cerr << "  perturbations: " << run.prepared().perturbations << "\n";
        if (spec.members == 1 && spec.skebAmplitude > 0.0) {
            std::cerr << "  note: this single member is the control, without initial perturbations but with the "
                         "stochastic forcing of --skeb\n";
        }
    }

    std::signal(SIGINT, requestCancel);
    std::signal(SIGTERM, requestCancel);
    const bool interactive = isatty(STDERR_FILENO) != 0;
    double lastPrinted = -1e9;
    std::size_t eventsPrinted = 0;
    auto observer = [&](const RunProgress& progress) {
        // Faults, retries and speculative copies as they happen, each on its own line.
        for (; eventsPrinted < progress.events.size(); ++eventsPrinted) {
            std::fprintf(stderr, "%sspreadcast-cli: %s\n", interactive ? "\r" : "",
                         progress.events[eventsPrinted].c_str());
        }
        const double interval = interactive ? 0.5 : 10.0;
        if (!options.quiet && progress.elapsedSeconds - lastPrinted >= interval) {
            printProgress(progress, interactive);
            lastPrinted = progress.elapsedSeconds;
        }
    };
    RunProgress last;
    const RunResult result = run.execute(
        [&](const RunProgress& progress) {
            last = progress;
            observer(progress);
        },
        cancelRequested, commandLine);
    if (!options.quiet) {
        if (interactive) {
            std::cerr << "\n";
        }
        std::fprintf(stderr, "spreadcast-cli: %s after %.1f s\n", result.status.c_str(), result.elapsedSeconds);
        for (const DeviceTelemetry& device : last.devices) {
            std::fprintf(stderr,
                         "  %s: %d member(s) done, %.0f member-steps/s, batch %d, peak memory %.1f MiB, "
                         "peak temperature %s, peak power %s%s\n",
                         device.name.c_str(), device.membersDone, device.memberStepsPerSecond, device.batchSize,
                         static_cast<double>(device.peakMemoryBytes) / 1048576.0,
                         formatReading(device.peakTemperatureCelsius, "°C").c_str(),
                         formatReading(device.peakPowerWatts, "W").c_str(), device.failed ? ", failed" : "");
        }
        std::fprintf(stderr, "  memory: peak %.0f MiB resident\n",
                     static_cast<double>(last.peakResidentBytes) / 1048576.0);
    }
    for (std::size_t k = eventsPrinted; k < result.events.size(); ++k) {
        std::cerr << "spreadcast-cli: " << result.events[k] << "\n";
    }
    if (result.cancelled) {
        std::cerr << "spreadcast-cli: cancelled; " << result.outputPath << " holds the " << result.membersCompleted
                  << " finished member(s) (run_status says so)\n";
        return 130;
    }
    if (!result.failures.empty()) {
        if (options.quiet) {
            std::cerr << "spreadcast-cli: " << result.status << "\n";
        }
        std::cerr << "spreadcast-cli: " << result.outputPath << " holds the " << result.membersCompleted
                  << " member(s) that finished; its run_status attribute lists the failures\n";
        return 1;
    }
    std::cout << std::filesystem::absolute(result.outputPath).string() << "\n";
    return 0;
}

}  // namespace

void addRunCommand(CLI::App& app)
{
    auto options = std::make_shared<RunOptions>();
    RunSpec& spec = options->spec;
    CLI::App* run = app.add_subcommand(
        "run", "Run a forecast or an ensemble on this machine's devices (or every MPI rank's) and write it to NetCDF");
    run->footer("Example: spreadcast-cli run --ic galewsky --truncation 85 --lead 6d --output-every 6h "
                "--members 8 --out run.nc\nDurations take a unit: d, h, m or s (a bare number is hours).\n"
                "With 2 or more members the file also holds <variable>_mean, _spread, _min, _max and the "
                "--probability fields at every output time.\n"
                "Exit status: 0 done, 1 a member or the output failed, 2 bad input, 130 cancelled.");
    // A repeated option takes its last value, as shells' aliases and scripts expect.
    run->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    run->add_option("--model", spec.model, "The model: " + modelNameList() + " (docs/MODELS.md)")
        ->capture_default_str();
    run->add_option("--ic", options->initialConditions,
                    "Initial condition: williamson2, williamson5, williamson6, galewsky, or a CF NetCDF file with "
                    "eastward/northward wind and (optionally) geopotential height or geopotential; for graphcast "
                    "one or more files (repeat --ic: one per time, or pressure levels and surface apart) on any "
                    "regular global grid, regridded to the checkpoint's")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->default_str(spec.initialCondition);
    run->add_option("--ic-time", options->initialTime,
                    "Time to start from in the initial-condition files: an index (graphcast: of the newest input "
                    "time), or for graphcast the initial time itself, \"YYYY-MM-DD HH:MM\" or ISO 8601 (default: "
                    "the last two times; DeepMind's example datasets: the first two)")
        ->default_str("0");
    run->add_option("--static", spec.graphcast.staticsFile,
                    "graphcast: file with geopotential_at_surface and land_sea_mask (default: from the --ic files)");
    run->add_option("--checkpoint", spec.graphcast.checkpoint, "graphcast: the checkpoint, DeepMind's .npz");
    run->add_option("--stats", spec.graphcast.statistics,
                    "graphcast: folder with mean_by_level.nc, stddev_by_level.nc, diffs_stddev_by_level.nc");
    run->add_option("--perturbation-scale", spec.graphcast.perturbationScale,
                    "graphcast: members 1… perturbed by this many times diffs_stddev_by_level (0: none)")
        ->capture_default_str();
    run->add_flag("--perturbation-pairs", spec.graphcast.perturbationPairs,
                  "graphcast: members 2k-1 and 2k start from the control plus and minus the same perturbation");
    run->add_option("--ic-level", spec.initialConditionLevel, "Level index in an initial-condition file")
        ->capture_default_str();
    run->add_option("--mean-depth", spec.meanDepth,
                    "Mean layer depth in m when a file has winds but no height (the height is then balanced)")
        ->capture_default_str();
    run->add_option("--rotation", spec.rotationDegrees, "Williamson case 2: tilt α of the flow's axis, degrees")
        ->capture_default_str();
    run->add_flag("--no-galewsky-bump", options->noGalewskyBump,
                  "Galewsky: leave out the height perturbation (the jet then stays steady)");
    run->add_option("-T,--truncation", spec.truncation, "Triangular truncation T (21 … 341; 42 … 341 for forecasts)")
        ->capture_default_str();
    run->add_option("--lead", options->lead, "Lead time, e.g. 6d or 120h")->capture_default_str();
    run->add_option("--output-every", options->outputEvery, "Output interval, e.g. 6h")->capture_default_str();
    run->add_option("--dt", options->timeStep,
                    "Time step, e.g. 600s; default: the longest stable step dividing the output interval");
    run->add_option("-n,--members", spec.members, "Ensemble size (1 … 10000)")->capture_default_str();
    run->add_option("--seed", spec.seed, "Random seed: member m perturbs from fold_in(PRNGKey(seed), m)")
        ->capture_default_str();
    run->add_option("--perturb-vorticity", spec.perturbVorticity,
                    "Initial vorticity perturbation, grid-point standard deviation in s-1, height balanced (0: none)")
        ->capture_default_str();
    run->add_option("--perturb-height", spec.perturbHeight,
                    "Initial height perturbation, grid-point standard deviation in m, unbalanced (0: none)")
        ->capture_default_str();
    run->add_option_function<double>(
        "--perturb-length",
        [options](double km) {
            options->perturbLengthKm = km;
            options->perturbLengthGiven = true;
        },
        "Length scale L of the perturbations, km (shallow water: 1000; graphcast: 500)");
    run->add_option("--perturb-smoothness", spec.perturbSmoothness,
                    "Spectral slope α of the perturbations: amplitude ∝ (l(l+1) + (a/L)²)^(−α/2)")
        ->capture_default_str();
    run->add_option("--skeb", spec.skebAmplitude,
                    "Stochastic backscatter during the forecast: grid-point standard deviation of the vorticity "
                    "forcing, s-2, e.g. 1e-10 (0: off)")
        ->capture_default_str();
    run->add_option("--skeb-time", options->skebTime, "Decorrelation time of the stochastic forcing")
        ->capture_default_str();
    run->add_option("--skeb-wavenumber", spec.skebWavenumber, "Total wavenumber scale of the stochastic forcing")
        ->capture_default_str();
    run->add_option("--store-members", spec.storeMembers,
                    "Members the file keeps: all, none (statistics only), or a list such as 0,5,10-19")
        ->capture_default_str();
    run->add_option("--probability", options->thresholds,
                    "Write the probability that a variable exceeds a value, e.g. height>10000 (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run->add_option("--threads", spec.threads, "CPU workers where --devices gives no count; 0: one per core")
        ->capture_default_str();
    run->add_option("--devices", spec.devices,
                    "Devices to run on: auto (every GPU, else every core), cpu, cpu:N (N CPU workers), gpu, "
                    "gpu:0,2, all")
        ->capture_default_str();
    run->add_option("--batch-size", spec.batchSize,
                    "Members a device runs at once; 0: its preference as its free memory allows")
        ->capture_default_str();
    run->add_option("--segment", spec.segmentOutputs,
                    "Split each member's forecast into work units of this many output intervals, checkpointed "
                    "between them, so any free device can take the next one (0: whole forecasts)")
        ->capture_default_str();
    run->add_flag("--speculate", spec.speculate,
                  "When the queue is empty, idle devices re-run copies of the stragglers; the first copy counts "
                  "and the second must agree bit for bit");
    run->add_option("--watchdog", options->watchdog,
                    "Give up a device that stays inside one computation this long (longer for a model whose "
                    "steps a slow CPU needs longer for, e.g. 0.25° GraphCast); its members go on elsewhere")
        ->capture_default_str();
    run->add_option("--inject-fault", options->injectFault,
                    "Testing: make device D fail after N steps, e.g. device=1,after-steps=30 (or stop answering: "
                    "add ,hang); its work continues on the other devices from the last checkpoint");
    run->add_option("-o,--out", spec.outputPath, "Output NetCDF file")->capture_default_str();
    run->add_option("--precision", options->precision, "Output precision of the fields")
        ->check(CLI::IsMember({"float", "double"}))
        ->capture_default_str();
    run->add_flag("--force", options->force, "Overwrite the output file if it exists");
    run->add_flag("--resume", options->resume,
                  "Finish an interrupted run (killed, cancelled, out of devices) whose --out file and "
                  "<out>.resume folder are there: only unfinished members are computed, and the file ends as an "
                  "uninterrupted run would have written it");
    run->add_flag("-q,--quiet", options->quiet, "Print only errors and the output path");
    run->callback([options, run] {
        for (const auto& name : forecastOptions) {
            if (run->count(name) > 0) {
                options->forecastOptionsGiven.push_back(name);
            }
        }
        int code = 0;
        try {
            code = runForecast(*options, commandLine());
        } catch (const InputError& error) {
            std::istringstream problems(error.what());
            for (std::string line; std::getline(problems, line);) {
                std::cerr << "spreadcast-cli run: " << line << "\n";
            }
            code = 2;
        }
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace spreadcast::cli
