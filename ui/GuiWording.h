#pragma once

#include <QString>

#include <string>

namespace spreadcast {

// Core's sentences name the command line's options ("give --members 1 … 10000"), which mean
// nothing in the workstation: each option becomes the name of the Run panel's field that sets it
// ("set “Ensemble size” to 1 … 10000"), and the first letter is capitalised.
QString withoutCommandLineFlags(const std::string& sentence);

}  // namespace spreadcast
