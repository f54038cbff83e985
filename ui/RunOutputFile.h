#pragma once

#include <QString>

class QWidget;

namespace spreadcast {

class ForecastFile;

// The questions and checks about a run's output file that the workstation asks before and after a
// run: never overwrite a file without asking, and offer to continue a run that was interrupted.

// Asks (modal, a box named "overwriteQuestion") whether the existing file at `path` may be
// replaced; `onScreen` says it is the forecast shown now. True when the file does not exist or
// the person chose Overwrite; No is the default button.
bool confirmOverwrite(QWidget* parent, const QString& path, bool onScreen);

// Whether `file` is a run that did not complete (cancelled, out of devices, or the program
// ended while it ran) and left what `spreadcast-cli run --resume` needs beside it.
bool canResume(const ForecastFile& file);

// HDF5 (1.10 and later) locks a file for as long as a process has it open, and a reader's
// shared lock stops every writer: with a forecast shown in the workstation, `spreadcast-cli run
// --resume` of it failed with "NetCDF: HDF error". HDF5 reads HDF5_USE_FILE_LOCKING once, when
// the library starts, and netCDF-C offers no per-file choice, so the workstation turns locking
// off for its whole process before its first netCDF call (unless the person set the variable).
// The cost: a file the workstation writes is not locked against another program either.
void leaveFilesUnlocked();

// Same absolute file.
bool samePath(const QString& first, const QString& second);

}  // namespace spreadcast
