#pragma once

// The data of every variable of a NetCDF file as raw bytes, for checks that compare outputs byte
// for byte (DESIGN.md, contract 4): the tests and `spreadcast-cli selftest`. Attributes (history,
// the command line) are left out.

#include <map>
#include <string>
#include <vector>

namespace spreadcast {

using VariableBytes = std::map<std::string, std::vector<unsigned char>>;

// Throws std::runtime_error naming the file when it cannot be read.
VariableBytes variableBytes(const std::string& path);

// The names of the variables whose bytes differ, or that only one of the files has; empty when none.
std::string differingVariables(const VariableBytes& a, const VariableBytes& b);

}  // namespace spreadcast
