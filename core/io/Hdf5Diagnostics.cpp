#include "io/Hdf5Diagnostics.h"

#if SPREADCAST_HAVE_HDF5
#include <hdf5.h>
#endif

namespace spreadcast {

void silenceHdf5Diagnostics()
{
#if SPREADCAST_HAVE_HDF5
    thread_local const bool silenced = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
    static_cast<void>(silenced);
#endif
}

}  // namespace spreadcast
