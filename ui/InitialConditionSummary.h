#pragma once

// What a set of GraphCast initial-condition files holds, in a few lines for the run panel: the
// source format of each file, the variables, the pressure levels, the times and the grid.

#include <QString>
#include <QStringList>

namespace spreadcast {

struct InitialConditionSummary {
    QStringList times;  // every valid time, oldest first, "YYYY-MM-DD HH:MM" (UTC) as --ic-time takes it
    QString text;       // e.g. "DeepMind NetCDF · 13 variables + 2 statics: …\nLevels: …\nTimes: …\nGrid: …"
};

// Reads the files as the run will (readInitialConditionSources). Throws InputError with the
// reader's message when a file cannot be read or the files do not go together.
InitialConditionSummary summariseInitialConditions(const QStringList& paths);

}  // namespace spreadcast
