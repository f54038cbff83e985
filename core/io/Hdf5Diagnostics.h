#pragma once

namespace spreadcast {

// HDF5 prints its error stack ("HDF5-DIAG: Error detected in HDF5 …", a dozen lines) on stderr
// whenever a call under netCDF fails — a truncated or corrupt file, a file another process has
// locked — although netCDF returns the error and Spreadcast reports it in one clear sentence.
// netCDF-C turns the printing off, but only for the thread that first initialised it: HDF5's
// thread-safe build keeps that setting per thread, so every other thread (the run's workers,
// the GUI's run thread) printed. This turns it off for the calling thread, once per thread;
// netcdfLibraryMutex() calls it, so every thread that uses netCDF is silenced before its first
// call. A no-op in a build without HDF5's headers.
void silenceHdf5Diagnostics();

}  // namespace spreadcast
