#include "Commands.h"

#include "Version.h"
#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCastBenchmark.h"
#include "model/ShallowWaterBenchmark.h"
#include "run/RunSpec.h"
#include "spectral/BlasTuning.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "shallowwater/GpuBench.h"
#ifdef SPREADCAST_HAVE_CUDA
#include "GpuError.h"
#include "graphcast/GraphCastGpuChecks.h"
#endif

namespace spreadcast::cli {
namespace {

struct BenchOptions {
    std::vector<int> truncations{42, 85, 170};
    int ensembleTruncation = 85;
    int ensembleMembers = 8;
    int threads = 0;
    double seconds = 2.0;
    std::string backend = "auto";  // cpu, gpu, or auto: the CPU rows, and the GPU rows where there is a GPU
    gpu::GpuBenchOptions gpu;
    std::string model = "shallow-water";
    int graphcastSteps = 1;                         // 6-hour steps of the GraphCast CPU row
    int graphcastPasses = 20;                       // forward passes of each GraphCast GPU row
    std::vector<double> graphcastResolutions{1.0};  // degrees of the GraphCast GPU rows: 1, 0.25
};

std::string cpuModel();

// GraphCast_small at 1° (random weights of the right scale; a step costs the same whatever the
// values): the CPU step and its GEMM rate against OpenBLAS's sgemm peak in the same process, then
// the GPU's forward pass in float32 and bf16 where there is a GPU.
int runGraphCastBench(const BenchOptions& options)
{
    using namespace graphcast;
    const int threads =
        options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::cout << "Spreadcast " << softwareVersion << " GraphCast benchmark: GraphCast_small configuration (1°, mesh "
              << "2to5, latent 512, 16 message steps, 13 levels), random weights\n";
    if (options.backend != "gpu") {
        const ModelConfig config = graphcastSmallModelConfig();
        const LatLonGrid grid = LatLonGrid::regular(config.resolution);
        const Graphs graphs = buildGraphs(config, grid);
        const Checkpoint checkpoint = randomCheckpoint(config, graphcastTask13(), graphs, 0);
        const GraphCastCpuBenchmark result =
            benchmarkGraphCastCpu(checkpoint, graphs, grid, threads, options.graphcastSteps);
        std::printf("\n| backend | threads | ms per 6-h step | CPU-s per step | GEMM GFLOP per step | GFLOP/s | sgemm "
                    "peak GFLOP/s | of peak | of peak per CPU-s |\n|---|---|---|---|---|---|---|---|---|\n");
        std::printf("| cpu (%s) | %d | %.0f | %.1f | %.0f | %.1f | %.1f | %.0f %% | %.0f %% |\n", cpuModel().c_str(),
                    result.threads, result.millisecondsPerStep, result.cpuSecondsPerStep, result.gemmGflopPerStep,
                    result.achievedGflops, result.sgemmPeakGflops, 100.0 * result.fractionOfPeak(),
                    100.0 * result.cpuFractionOfPeak());
        std::printf("setup (parameters, static parts of the network): %.1f s\n", result.setupSeconds);
    }
    if (options.backend == "cpu") {
        return 0;
    }
#ifdef SPREADCAST_HAVE_CUDA
    try {
        std::vector<gpu::GraphCastGpuBenchRow> rows;
        for (double resolution : options.graphcastResolutions) {
            for (auto& row :
                 gpu::benchmarkGraphCastGpu(options.gpu.gpu, options.graphcastPasses, std::cout, resolution)) {
                rows.push_back(std::move(row));
            }
        }
        // Allocated: the executor's own cudaMalloc total; peak: the device's memory in use at its
        // highest less before (cudaMemGetInfo), cuBLAS's workspace and the context's growth included.
        std::printf("\n| backend | configuration | precision | ms per forward pass | TFLOP/s | allocated | peak device "
                    "memory |\n|---|---|---|---|---|---|---|\n");
        for (const auto& row : rows) {
            const char* precision = row.precision == gpu::GraphCastPrecision::Float32 ? "float32" : "bf16";
            std::printf("| gpu | %s | %s | %.2f | %.1f | %.2f GiB | %.2f GiB |\n", row.configuration.c_str(), precision,
                        row.millisecondsPerForward, row.achievedTflops,
                        static_cast<double>(row.allocatedBytes) / (1 << 30),
                        static_cast<double>(row.peakDeviceBytes) / (1 << 30));
        }
    } catch (const gpu::GpuError& error) {
        std::cerr << "spreadcast-cli bench: " << error.what() << "\n";
        return 1;
    }
    return 0;
#else
    if (options.backend == "gpu") {
        std::cerr << "spreadcast-cli bench: --backend gpu: this spreadcast-cli was built without the CUDA backend\n";
        return 1;
    }
    return 0;
#endif
}

std::string cpuModel()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    }
    return "unknown CPU";
}

int runGpuRows(const BenchOptions& options, bool required)
{
#ifdef SPREADCAST_HAVE_CUDA
    std::cout << "\nSpreadcast " << softwareVersion << " GPU benchmark\n";
    try {
        if (!gpu::runGpuBench(options.gpu, std::cout)) {
            return required ? 1 : 0;
        }
    } catch (const gpu::GpuError& error) {
        std::cerr << "spreadcast-cli bench: " << error.what() << "\n";
        return 1;
    }
    return 0;
#else
    static_cast<void>(options);
    if (required) {
        std::cerr << "spreadcast-cli bench: --backend gpu: this spreadcast-cli was built without the CUDA backend\n";
        return 1;
    }
    return 0;
#endif
}

int runCpuRows(const BenchOptions& options);

int runBench(const BenchOptions& options)
{
    if (options.backend != "cpu" && options.backend != "gpu" && options.backend != "auto") {
        std::cerr << "spreadcast-cli bench: --backend must be cpu, gpu or auto, got '" << options.backend << "'\n";
        return 2;
    }
    if (options.model == "graphcast") {
        return runGraphCastBench(options);
    }
    if (options.model != "shallow-water") {
        std::cerr << "spreadcast-cli bench: --model must be shallow-water or graphcast, got '" << options.model
                  << "'\n";
        return 2;
    }
    if (options.backend != "gpu") {
        if (const int code = runCpuRows(options); code != 0) {
            return code;
        }
    }
    if (options.backend != "cpu") {
        return runGpuRows(options, options.backend == "gpu");
    }
    return 0;
}

int runCpuRows(const BenchOptions& options)
{
    for (int truncation : options.truncations) {
        if (truncation < minTruncation || truncation > maxTruncation) {
            std::cerr << "spreadcast-cli bench: truncation T" << truncation << " is out of range: give "
                      << minTruncation << " … " << maxTruncation << "\n";
            return 2;
        }
    }
    if (options.ensembleMembers < 1 || options.ensembleMembers > 1000 || options.threads < 0 ||
        !(options.seconds > 0.0)) {
        std::cerr << "spreadcast-cli bench: --members must be 1 … 1000, --threads ≥ 0, --seconds > 0\n";
        return 2;
    }
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    std::cout << "Spreadcast " << softwareVersion << " CPU benchmark: " << cpuModel() << ", " << cores
              << " hardware threads, OpenBLAS " << blasCoreName() << " kernels, double precision, Galewsky jet\n\n";
    std::cout << "| truncation | grid | backend | members | threads | ms/step/member | member-steps/s |\n"
              << "|---|---|---|---|---|---|---|\n";
    const auto printRow = [](const ShallowWaterBenchRow& row) {
        std::printf("| T%d | %d × %d | cpu | %d | %d | %.3f | %.1f |\n", row.truncation, row.nlat, row.nlon,
                    row.members, row.threads, row.millisecondsPerMemberStep, row.memberStepsPerSecond);
        std::fflush(stdout);
    };
    for (int truncation : options.truncations) {
        printRow(benchmarkShallowWaterMember(truncation, options.seconds));
    }
    printRow(benchmarkShallowWaterEnsemble(options.ensembleTruncation, options.ensembleMembers, options.threads,
                                           options.seconds));
    std::cout << "\nms/step/member of the ensemble row is wall time per member-step with all threads busy.\n";
    return 0;
}

}  // namespace

void addBenchCommand(CLI::App& app)
{
    auto options = std::make_shared<BenchOptions>();
    CLI::App* bench = app.add_subcommand("bench", "Time the model: ms per step per member on one core, and the "
                                                  "throughput of an ensemble on all cores");
    bench->add_option("--truncations", options->truncations, "Truncations to time on one core")
        ->delimiter(',')
        ->capture_default_str();
    bench->add_option("--ensemble-truncation", options->ensembleTruncation, "Truncation of the ensemble row")
        ->capture_default_str();
    bench->add_option("--members", options->ensembleMembers, "Members of the ensemble row")->capture_default_str();
    bench->add_option("--threads", options->threads, "Threads of the ensemble row; 0: one per core")
        ->capture_default_str();
    bench->add_option("--seconds", options->seconds, "Time to spend on each row")->capture_default_str();
    bench->add_option("--model", options->model, "shallow-water, or graphcast (GraphCast_small at 1°, random weights)")
        ->capture_default_str();
    bench->add_option("--graphcast-steps", options->graphcastSteps, "6-hour steps of the GraphCast CPU row")
        ->capture_default_str();
    bench->add_option("--graphcast-passes", options->graphcastPasses, "Forward passes of each GraphCast GPU row")
        ->capture_default_str();
    bench
        ->add_option("--graphcast-resolutions", options->graphcastResolutions,
                     "Resolutions of the GraphCast GPU rows, degrees: 1 (mesh 2to5), 0.25 (mesh 2to6)")
        ->delimiter(',')
        ->check(CLI::IsMember({1.0, 0.25}))
        ->capture_default_str();
    bench
        ->add_option("--backend", options->backend,
                     "cpu, gpu, or auto: the CPU rows, then the GPU rows where a GPU is usable")
        ->capture_default_str();
    bench->add_option("--gpu", options->gpu.gpu, "CUDA device of the GPU rows; -1: the first usable")
        ->capture_default_str();
    bench->add_option("--gpu-truncations", options->gpu.truncations, "Truncations of the GPU rows")
        ->delimiter(',')
        ->capture_default_str();
    bench->add_option("--gpu-batches", options->gpu.batches, "Batch sizes (members stepped together) of the GPU rows")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    bench->add_option("--gpu-seconds", options->gpu.seconds, "Time to spend on each GPU row")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    bench
        ->add_option("--gpu-graph-steps", options->gpu.stepsPerGraph,
                     "Steps captured in each CUDA graph launch of the GPU rows; 0: the model's default")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000));
    bench
        ->add_option("--gpu-ensemble", options->gpu.ensembleMembers,
                     "Members of the GPU's large-ensemble row (6 days at T85); 0 leaves it out")
        ->capture_default_str()
        ->check(CLI::Range(0, 10000));
    bench
        ->add_option("--gpu-ensemble-workers", options->gpu.ensembleWorkers,
                     "Workers sharing the GPU in the large-ensemble row")
        ->capture_default_str()
        ->check(CLI::Range(1, 16));
    bench->callback([options] {
        const int code = runBench(*options);
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace spreadcast::cli
