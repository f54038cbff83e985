#pragma once

#include "model/GridFields.h"
#include "model/OutputSchema.h"

#include <cstdint>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spreadcast {

// "The probability that <variable> exceeds <value>", e.g. height > 10000 m.
struct ExceedanceThreshold {
    std::string variable;  // an output variable of the run's model (height, u, …; temperature on every level)
    double value = 0.0;    // in the variable's units
    bool operator==(const ExceedanceThreshold&) const = default;
};

// Parses "height>10000" (also "vorticity>1e-4"); throws std::invalid_argument with a message
// that names the text and what is expected. Whether the model has the variable is checked
// against its schema (thresholdProblems).
ExceedanceThreshold parseThreshold(std::string_view text);
// The NetCDF variable name of its probability, e.g. probability_height_above_10000.
std::string probabilityVariableName(const ExceedanceThreshold& threshold);
// One sentence per threshold whose variable the schema does not have; empty when all are known.
std::vector<std::string> thresholdProblems(const std::vector<ExceedanceThreshold>& thresholds,
                                           const OutputSchema& schema);

// The ensemble statistics of one output time, per variable of the output schema in its order
// (each the variable's size: levels × lat × lon or lat × lon); probabilities in threshold order,
// each the size of its variable.
struct EnsembleStatistics {
    int members = 0;  // how many members went in (failed members are left out)
    std::vector<AlignedVector<double>> mean, spread, minimum, maximum;  // spread: sample standard deviation
    std::vector<AlignedVector<double>> probability;
};

// Accumulates member fields into statistics, time by time. Members may arrive in any order and
// from any thread; they are folded in member order (Welford's update), with the early ones held
// back until their predecessors arrive, so the statistics are bitwise the same however the
// members were placed — DESIGN.md's contract 3. Memory: one accumulator per output time plus
// the members that arrive ahead of their turn (about one per worker thread).
class StatisticsAccumulator {
public:
    // Throws std::invalid_argument for a threshold on a variable the schema does not have.
    StatisticsAccumulator(int times, int members, const OutputSchema& schema,
                          std::vector<ExceedanceThreshold> thresholds);

    using Completed = std::vector<std::pair<int, EnsembleStatistics>>;
    // Adds member's fields at a time; returns the statistics of each time this completed.
    Completed add(int time, int member, const GridFields& fields);
    // A member that will deliver no more times (it failed): the times it has not reached are
    // completed without it.
    Completed skip(int member);
    // Whether the member's fields at this time are in already (or it was skipped): a second copy
    // of them — a speculative duplicate, a member recomputed after a resume — is not added again.
    bool includes(int time, int member) const;

    // The whole state, exactly, for a run that is resumed later (--resume); restore() throws
    // std::invalid_argument when the bytes are not a snapshot of an accumulator of this shape.
    void save(std::ostream& out) const;
    void restore(std::istream& in);

private:
    struct TimeAccumulator {
        int next = 0;   // the next member to fold in
        int count = 0;  // members folded in
        std::vector<AlignedVector<double>> mean, m2, minimum, maximum;
        std::vector<std::vector<std::uint32_t>> exceedances;
        std::map<int, GridFields> early;
        bool done = false;
    };
    void fold(TimeAccumulator& accumulator, const GridFields& fields);
    void advance(int time, Completed& completed);
    EnsembleStatistics finish(TimeAccumulator& accumulator);

    int members_;
    std::vector<std::size_t> sizes_;  // values per variable
    std::vector<ExceedanceThreshold> thresholds_;
    std::vector<int> thresholdVariable_;
    std::vector<TimeAccumulator> times_;
    std::set<int> skipped_;
    mutable std::mutex mutex_;
};

}  // namespace spreadcast
