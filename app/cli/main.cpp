#include "Commands.h"

#include "Version.h"

#include <exception>
#include <iostream>
#include <string>

#ifdef SPREADCAST_HAVE_CUDA
#include "GpuBackend.h"
#endif

int main(int argc, char** argv)
{
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
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const std::exception& error) {
        std::cerr << "spreadcast-cli: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
