#include "Commands.h"

#include "Version.h"
#include "io/Hdf5Diagnostics.h"
#include "spectral/BlasTuning.h"

#include <exception>
#include <iostream>
#include <string>

#ifdef SPREADCAST_HAVE_CUDA
#include "GpuBackend.h"
#endif

#ifdef SPREADCAST_HAVE_MPI
#include "MpiRun.h"
#endif

namespace {
std::string typedCommandLine;

// Under mpirun (`run` started MPI): rank 0 hands its exit status to the other ranks, which exit
// with it too, and every rank leaves MPI. Otherwise the status as it is.
int finish(int status)
{
#ifdef SPREADCAST_HAVE_MPI
    return spreadcast::mpi::finish(status);
#else
    return status;
#endif
}

// The ranks after 0 leave command-line mistakes (and help) to rank 0, so they are printed once.
bool quietRank()
{
#ifdef SPREADCAST_HAVE_MPI
    return spreadcast::mpi::launchRank() > 0;
#else
    return false;
#endif
}
}  // namespace

const std::string& spreadcast::cli::commandLine()
{
    return typedCommandLine;
}

int main(int argc, char** argv)
{
    spreadcast::reexecWithTunedBlas(argv);
    // A file HDF5 cannot open is reported in one sentence, not HDF5's error stack on stderr (each
    // worker thread is silenced too, by its first netCDF call).
    spreadcast::silenceHdf5Diagnostics();
    for (int i = 0; i < argc; ++i) {
        typedCommandLine += (i ? " " : "") + std::string(i ? argv[i] : "spreadcast-cli");
    }
#ifdef SPREADCAST_HAVE_CUDA
    spreadcast::gpu::registerBackend();
#endif
    CLI::App app{std::string(spreadcast::softwareName) +
                 " — ensemble forecasts with a spectral shallow-water model, headless"};
#ifdef SPREADCAST_HAVE_MPI
    app.set_version_flag("--version", std::string("spreadcast-cli ") + spreadcast::softwareVersion +
                                          "\nMPI: " + spreadcast::mpi::libraryVersion() +
                                          " (mpirun -np K spreadcast-cli run … runs on the devices of every rank)");
#else
    app.set_version_flag("--version", std::string("spreadcast-cli ") + spreadcast::softwareVersion);
#endif
    app.require_subcommand(1);
    spreadcast::cli::addRunCommand(app);
    spreadcast::cli::addBenchCommand(app);
    spreadcast::cli::addDevicesCommand(app);
    spreadcast::cli::addKeysCommand(app);
    spreadcast::cli::addSelftestCommand(app);
    spreadcast::cli::addRenderCommand(app);
    spreadcast::cli::addGraphCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& error) {
        return finish(error.get_exit_code());
    } catch (const CLI::ParseError& error) {
        // Help and --version exit 0; every mistake on the command line is bad input: 2.
        if (quietRank()) {
            // Rank 0 reports the mistake and exits 2, which ends the job with that status. Were
            // this rank to exit 2 first, mpirun could kill rank 0 before its message got out.
            return 0;
        }
        return app.exit(error) == 0 ? 0 : 2;
    } catch (const std::exception& error) {
        std::cerr << "spreadcast-cli: " << error.what() << '\n';
        return finish(1);
    }
    return finish(0);
}
