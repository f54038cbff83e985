#include "ensemble/MemberChecksum.h"

#include <xxhash.h>

#include <memory>

namespace spreadcast {

std::uint64_t fieldsChecksum(const GridFields& fields)
{
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
    XXH3_64bits_reset(state.get());
    for (const AlignedVector<double>& field : fields.variables) {
        XXH3_64bits_update(state.get(), field.data(), field.size() * sizeof(double));
    }
    return XXH3_64bits_digest(state.get());
}

}  // namespace spreadcast
