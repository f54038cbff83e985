// The readers hold netCDF-C's mutex; NetcdfWriter.cpp defines it in the application, and the
// fuzz targets, which link only the readers, define it here.

#include <mutex>

namespace spreadcast {

std::mutex& netcdfLibraryMutex()
{
    static std::mutex mutex;
    return mutex;
}

}  // namespace spreadcast
