#pragma once

#include "ensemble/EnsembleStatistics.h"
#include "ensemble/MemberChecksum.h"
#include "model/GridFields.h"
#include "model/OutputSchema.h"
#include "run/RunSpec.h"

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace spreadcast {

// netCDF-C and the HDF5 library under it are not thread-safe: every netCDF call in the
// process, reading or writing, holds this one mutex.
std::mutex& netcdfLibraryMutex();

// Global attributes that the run spec alone does not say.
struct NetcdfRunAttributes {
    std::string initialCondition;                     // what the initial condition was, for people
    std::string initialTime = "2000-01-01 00:00:00";  // "YYYY-MM-DD HH:MM:SS"; the built-in cases have no date
    std::string perturbations;                        // how the members were perturbed
    std::string history;                              // the command line that made the file
    std::string source;                               // the model, e.g. "spectral shallow-water model T85"
    // Further global attributes the model asks for (e.g. a checkpoint's description and licence).
    std::vector<std::pair<std::string, std::string>> modelAttributes;
    // Ensemble statistics variables (<variable>_mean, _spread, _min, _max on (time, lat, lon))
    // and one probability_<variable>_above_<value> per threshold; off for a single member.
    bool statistics = false;
    std::vector<ExceedanceThreshold> thresholds;
};

// A CF-1.8 ensemble forecast file, written member by member as the members finish, so a crash
// keeps everything that finished. Dimensions (time, member, [level,] lat, lon): time first and
// unlimited, because CDO reads only files whose record dimension leads; the variables, grid and
// levels are the model's OutputSchema.
class NetcdfWriter {
public:
    // Creates (overwriting) a netCDF-4 file with every variable defined and no data yet;
    // run_status says "running" until finish(). Throws InputError when the file cannot be
    // created, std::runtime_error for any other netCDF failure, std::invalid_argument for
    // output times that are empty, not finite or not increasing.
    NetcdfWriter(std::string path, const RunSpec& spec, OutputSchema schema, std::vector<double> outputTimesSeconds,
                 NetcdfRunAttributes attributes = {});
    // Reopens a file this class wrote, for a resumed run (--resume): checks that it holds the same
    // run and grid, takes the members in `finishedMembers` as written (their slabs stay as they
    // are; every other slab is written again), sets run_status back to "running" and adds
    // `history` to the history attribute. Throws InputError naming the file and what to do when
    // it cannot be opened or belongs to another run.
    static std::unique_ptr<NetcdfWriter> reopen(std::string path, const RunSpec& spec, OutputSchema schema,
                                                std::vector<double> outputTimesSeconds,
                                                const std::vector<int>& finishedMembers, const std::string& history);

    // Closes without throwing; a file never finished keeps run_status "running".
    ~NetcdfWriter();
    NetcdfWriter(const NetcdfWriter&) = delete;
    NetcdfWriter& operator=(const NetcdfWriter&) = delete;

    // Writes one member at one output time (and the time coordinate up to that index) with its
    // checksum, variable by variable, then syncs the file to disk. Safe to call from several threads. Returns false for
    // a second copy of a (time, member) with the same checksum, which is dropped; throws
    // DeterminismViolation for one that differs. Throws std::invalid_argument for an index out of
    // range or a field of the wrong size, std::logic_error after finish().
    bool writeMember(int timeIndex, int member, const GridFields& fields);

    // Writes the ensemble statistics of one output time (needs attributes.statistics).
    void writeStatistics(int timeIndex, const EnsembleStatistics& statistics);

    // Records how the run ended ("complete", "cancelled: …", "failed: …") and closes the file.
    void finish(const std::string& status);

    // Whether every (time, member) slab has been written.
    bool isComplete() const;
    const std::string& path() const { return path_; }
    int timeCount() const { return static_cast<int>(outputTimesSeconds_.size()); }
    int memberCount() const { return members_; }
    // The members whose fields the file keeps (RunSpec::storeMembers), ascending.
    const std::vector<int>& storedMembers() const { return stored_; }

private:
    NetcdfWriter() = default;
    // The stored members, their slots and the per-slab bookkeeping (members_ and the output
    // times set first).
    void setMemberLayout(const RunSpec& spec);
    void close() noexcept;
    // The start and count of one slab of a variable: a member's (slot ≥ 0) or a statistic's.
    std::vector<std::size_t> slabStart(int timeIndex, int slot, const OutputVariable& variable) const;
    std::vector<std::size_t> slabCount(bool perMember, const OutputVariable& variable) const;

    std::string path_;
    std::vector<double> outputTimesSeconds_;
    int members_ = 0;
    std::vector<int> stored_;
    std::vector<int> slotOfMember_;  // -1 for a member that is not stored
    OutputSchema schema_;
    int nlat_ = 0;
    int nlon_ = 0;
    bool doublePrecision_ = false;
    int ncid_ = -1;
    int timeVarId_ = -1;
    std::vector<int> dataVarIds_;                       // in schema order
    std::vector<std::array<int, 4>> statisticsVarIds_;  // per output variable: mean, spread, min, max
    std::vector<int> probabilityVarIds_;                // per threshold
    std::vector<ExceedanceThreshold> thresholds_;       // of the probabilities, in their order

    mutable std::mutex mutex_;              // guards the state below
    std::vector<char> written_;             // per (time, stored member)
    std::vector<std::uint64_t> checksums_;  // per (time, member); valid where received_
    std::vector<char> received_;
    int checksumVarId_ = -1;
    int timesWritten_ = 0;  // time coordinate values written so far
    std::size_t slabsWritten_ = 0;
    bool finished_ = false;
};

}  // namespace spreadcast
