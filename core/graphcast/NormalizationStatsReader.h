#pragma once

// Reads GraphCast's normalisation statistics: the three files DeepMind publishes beside the
// checkpoints (dm_graphcast/stats/): mean_by_level.nc, stddev_by_level.nc (inputs and forcings)
// and diffs_stddev_by_level.nc (residuals of the targets that are also inputs), each an xarray
// dataset whose variables have a `level` dimension (one value per pressure level) or none (one
// value). graphcast/normalization.py applies them.

#include "graphcast/GraphCastTypes.h"

#include <string>

namespace spreadcast::graphcast {

// Throws InputError naming the file when one is missing or unreadable, a variable has other
// dimensions than (level) or (), a value is not finite or a standard deviation not positive, or
// the files disagree about the levels.
NormalizationStats readNormalizationStats(const std::string& directory);

// Checks that the statistics cover a checkpoint's task as graphcast.normalization uses them:
// mean and stddev for every input, forcing and target, diffs_stddev for every target that is also
// an input, and every pressure level of the task for the variables given per level. Throws
// InputError naming the missing variable, its file and the directory.
void checkNormalizationCoversTask(const NormalizationStats& stats, const TaskConfig& task,
                                  const std::string& directory);

}  // namespace spreadcast::graphcast
