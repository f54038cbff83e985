#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace spreadcast::cli {

// Each subcommand lives in its own file and adds itself to the application; its callback
// returns through CLI::RuntimeError(code) so that main() owns the exit path.
void addRunCommand(CLI::App& app);
void addBenchCommand(CLI::App& app);
void addDevicesCommand(CLI::App& app);
void addGraphCommand(CLI::App& app);
void addKeysCommand(CLI::App& app);
void addRenderCommand(CLI::App& app);
void addSelftestCommand(CLI::App& app);

// The command line as typed, for the history attribute of output files.
const std::string& commandLine();

}  // namespace spreadcast::cli
