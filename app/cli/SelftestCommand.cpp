// `spreadcast-cli selftest`: the GPU model against the CPU model and across placements. Exits 0
// when every check passes, 1 when one fails, and 77 (CTest's "skipped") without a GPU.
#include "Commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "shallowwater/GpuSelftest.h"

namespace spreadcast::cli {
namespace {

constexpr int skippedStatus = 77;

int runSelftest(const gpu::SelftestOptions& options)
{
    if (options.members < 8 || options.members > 256) {
        std::cerr << "spreadcast-cli selftest: --members must be 8 … 256, got " << options.members << "\n";
        return 2;
    }
#ifdef SPREADCAST_HAVE_CUDA
    gpu::SelftestReport report = gpu::runGpuSelftest(options, std::cout);
    if (report.skipped) {
        std::cout << "selftest skipped: " << report.skipReason << "\n";
        return skippedStatus;
    }
    std::cout << "\n" << report.device << "\n\n| check | result | measured |\n|---|---|---|\n";
    for (const auto& check : report.checks) {
        std::cout << "| " << check.name << " | " << (check.passed ? "pass" : "FAIL") << " | " << check.figure << " |\n";
    }
    const bool passed = report.passed();
    std::cout << "\nselftest " << (passed ? "passed" : "FAILED") << "\n";
    return passed ? 0 : 1;
#else
    std::cout << "selftest skipped: this spreadcast-cli was built without the CUDA backend\n";
    return skippedStatus;
#endif
}

}  // namespace

void addSelftestCommand(CLI::App& app)
{
    CLI::App* selftest = app.add_subcommand(
        "selftest", "Check the GPU model on this machine's GPU: against the CPU model (Williamson cases 2 and 6, "
                    "the Galewsky jet, a day, relative l2 ≤ 1e-10) and bitwise across batch sizes, workers sharing "
                    "a GPU and controller runs. Exits 77 when there is no GPU");
    auto options = std::make_shared<gpu::SelftestOptions>();
    selftest->add_option("--gpu", options->gpu, "CUDA device index; -1: the first usable GPU")->capture_default_str();
    selftest
        ->add_option("--accuracy-truncation", options->accuracyTruncation,
                     "Truncation of the GPU-against-CPU comparisons")
        ->capture_default_str()
        ->check(CLI::Range(21, 341));
    selftest->add_option("--truncation", options->truncation, "Truncation of the placement comparisons")
        ->capture_default_str()
        ->check(CLI::Range(21, 341));
    selftest->add_option("--members", options->members, "Members of the placement comparisons (8 … 256)")
        ->capture_default_str();
    selftest->add_option("--scratch", options->scratchFolder,
                         "Folder for the controller runs' files (removed afterwards); default: the temporary folder");
    selftest->callback([options] {
        const int code = runSelftest(*options);
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace spreadcast::cli
