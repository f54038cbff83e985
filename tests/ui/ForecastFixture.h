#pragma once

// Small forecast files written by core's own NetcdfWriter, with fields known in closed form, for
// the tests of reading, products and rendering.

#include "ensemble/EnsembleStatistics.h"
#include "io/NetcdfWriter.h"
#include "model/GridFields.h"
#include "model/ShallowWaterModel.h"
#include "run/RunSpec.h"
#include "spectral/GaussianGrid.h"

#include <cmath>
#include <string>
#include <vector>

namespace spreadcast::fixture {

inline constexpr int members = 3;
inline const std::vector<double> outputTimes{0.0, 43200.0, 86400.0};  // 0, 12, 24 h

// Member m at time index t: height rises northwards, with each member and each time; the
// winds and vorticity change sign across the equator.
// heightShift: metres added to the height per unit of sin(latitude), for a second run that
// differs from the first by a known field.
inline GridFields fields(const GaussianGrid& grid, int t, int m, double heightShift = 0.0)
{
    GridFields f;
    f.variables.resize(shallowWaterOutputCount);
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            const double mu = grid.sinLatitude[j];
            const double lambda = grid.longitudeRadians(i);
            f.variables[outputHeight].push_back(10000.0 + (300.0 + heightShift) * mu + 40.0 * m + 10.0 * t +
                                                20.0 * std::cos(lambda));
            f.variables[outputU].push_back(20.0 * mu * (1.0 + 0.1 * m));
            f.variables[outputV].push_back(5.0 * std::sin(lambda) * (1.0 + 0.2 * t));
            f.variables[outputVorticity].push_back(1e-5 * mu * (m - 1));
        }
    }
    return f;
}

struct Options {
    bool statistics = true;
    std::string storeMembers = "all";
    int truncation = 21;       // the grid: T21 is 32 × 64 points
    double heightShift = 0.0;  // fields()'s
};

inline void write(const std::string& path, Options options = {})
{
    RunSpec spec;
    spec.truncation = options.truncation;
    spec.members = members;
    spec.leadSeconds = outputTimes.back();
    spec.outputIntervalSeconds = 43200.0;
    spec.storeMembers = options.storeMembers;
    spec.outputPath = path;
    const GaussianGrid grid = GaussianGrid::forTruncation(options.truncation);
    NetcdfRunAttributes attributes;
    attributes.statistics = options.statistics;
    attributes.thresholds = {{"height", 10000.0}};
    const OutputSchema schema = shallowWaterOutputSchema(grid);
    NetcdfWriter writer(path, spec, schema, outputTimes, attributes);
    StatisticsAccumulator accumulator(static_cast<int>(outputTimes.size()), members, schema, attributes.thresholds);
    for (int t = 0; t < static_cast<int>(outputTimes.size()); ++t) {
        for (int m = 0; m < members; ++m) {
            const GridFields f = fields(grid, t, m, options.heightShift);
            writer.writeMember(t, m, f);
            for (auto& [time, statistics] : accumulator.add(t, m, f)) {
                if (options.statistics) {
                    writer.writeStatistics(time, statistics);
                }
            }
        }
    }
    writer.finish("complete");
}

}  // namespace spreadcast::fixture
