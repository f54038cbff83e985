#pragma once

#include <stdexcept>

namespace spreadcast {

// Something a person or a file got wrong. The message is complete for the person: what is
// wrong, where (file, variable, option) and what to do about it.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace spreadcast
