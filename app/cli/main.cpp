#include "Commands.h"

#include "Version.h"
#include "spectral/BlasTuning.h"

#include <exception>
#include <iostream>
#include <string>

#ifdef SPREADCAST_HAVE_CUDA
#include "GpuBackend.h"
#endif

namespace {
std::string typedCommandLine;
}

const std::string& spreadcast::cli::commandLine()
{
    return typedCommandLine;
}

int main(int argc, char** argv)
{
    spreadcast::reexecWithTunedBlas(argv);
    for (int i = 0; i < argc; ++i) {
        typedCommandLine += (i ? " " : "") + std::string(i ? argv[i] : "spreadcast-cli");
    }
#ifdef SPREADCAST_HAVE_CUDA
    spreadcast::gpu::registerBackend();
#endif
    CLI::App app{std::string(spreadcast::softwareName) +
                 " — ensemble forecasts with a spectral shallow-water model, headless"};
    app.set_version_flag("--version", std::string("spreadcast-cli ") + spreadcast::softwareVersion);
    app.require_subcommand(1);
    spreadcast::cli::addRunCommand(app);
    spreadcast::cli::addBenchCommand(app);
    spreadcast::cli::addDevicesCommand(app);
    spreadcast::cli::addKeysCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& error) {
        return error.get_exit_code();
    } catch (const CLI::ParseError& error) {
        // Help and --version exit 0; every mistake on the command line is bad input: 2.
        return app.exit(error) == 0 ? 0 : 2;
    } catch (const std::exception& error) {
        std::cerr << "spreadcast-cli: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
