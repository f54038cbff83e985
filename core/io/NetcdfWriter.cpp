#include "io/NetcdfWriter.h"

#include "Version.h"
#include "io/Hdf5Diagnostics.h"
#include "run/InputError.h"

#include <netcdf.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace spreadcast {
namespace {

// A failed netCDF call as a sentence: what was being done, to which file, the library's reason
// and, where one helps, what to do.
void check(int status, const std::string& path, const std::string& operation, const std::string& advice = {})
{
    if (status != NC_NOERR) {
        std::string message = "cannot " + operation + " in '" + path + "': " + nc_strerror(status);
        if (!advice.empty()) {
            message += " — " + advice;
        }
        throw std::runtime_error(message);
    }
}

void putText(int ncid, int varid, const char* name, std::string_view value, const std::string& path)
{
    check(nc_put_att_text(ncid, varid, name, value.size(), value.data()), path,
          std::string("write attribute '") + name + "'");
}

bool isTimestamp(const std::string& text)
{
    static constexpr std::string_view pattern = "dddd-dd-dd dd:dd:dd";
    if (text.size() != pattern.size()) {
        return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
        if (pattern[i] == 'd' ? !digit : text[i] != pattern[i]) {
            return false;
        }
    }
    return true;
}

// CF asks every line of history to start with the time it was written.
std::string historyLine(const std::string& command)
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 32> stamp{};
    std::strftime(stamp.data(), stamp.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(stamp.data()) + ": " +
           (command.empty() ? std::string("created by ") + softwareName + " " + softwareVersion : command);
}

constexpr const char* advice = "check that the disk is not full and that no other program holds the file";

}  // namespace

std::mutex& netcdfLibraryMutex()
{
    static std::mutex mutex;
    silenceHdf5Diagnostics();  // before this thread's first netCDF call; once per thread
    return mutex;
}

NetcdfWriter::NetcdfWriter(std::string path, const RunSpec& spec, OutputSchema schema,
                           std::vector<double> outputTimesSeconds, NetcdfRunAttributes attributes)
    : path_(std::move(path)),
      outputTimesSeconds_(std::move(outputTimesSeconds)),
      members_(spec.members),
      schema_(std::move(schema)),
      nlat_(static_cast<int>(schema_.latitudes.size())),
      nlon_(static_cast<int>(schema_.longitudes.size())),
      doublePrecision_(spec.precision == OutputPrecision::Double)
{
    if (outputTimesSeconds_.empty()) {
        throw std::invalid_argument("NetcdfWriter for '" + path_ + "' needs at least one output time");
    }
    for (std::size_t t = 0; t < outputTimesSeconds_.size(); ++t) {
        if (!std::isfinite(outputTimesSeconds_[t]) || (t > 0 && outputTimesSeconds_[t] <= outputTimesSeconds_[t - 1])) {
            throw std::invalid_argument("NetcdfWriter for '" + path_ + "': output times must be finite and increasing");
        }
    }
    if (members_ < 1 || nlat_ < 1 || nlon_ < 1 || schema_.variables.empty()) {
        throw std::invalid_argument("NetcdfWriter for '" + path_ +
                                    "' needs at least one member, a grid and at least one variable");
    }
    if (attributes.initialTime.empty()) {
        attributes.initialTime = NetcdfRunAttributes{}.initialTime;
    }
    if (!isTimestamp(attributes.initialTime)) {
        throw std::invalid_argument("NetcdfWriter for '" + path_ + "': initial time '" + attributes.initialTime +
                                    "' is not of the form YYYY-MM-DD HH:MM:SS");
    }
    setMemberLayout(spec);

    std::lock_guard library(netcdfLibraryMutex());
    const int created = nc_create(path_.c_str(), NC_CLOBBER | NC_NETCDF4, &ncid_);
    if (created != NC_NOERR) {
        ncid_ = -1;
        // HDF5 reports a missing folder as "Permission denied"; say what is really wrong.
        const std::filesystem::path folder = std::filesystem::path(path_).parent_path();
        std::error_code error;
        if (!folder.empty() && !std::filesystem::is_directory(folder, error)) {
            throw InputError("cannot create '" + path_ + "': folder '" + folder.string() +
                             "' does not exist — create it or choose another --out path");
        }
        throw InputError("cannot create '" + path_ + "': " + nc_strerror(created) + " — choose a writable --out path");
    }
    try {
        const auto& p = path_;
        int timeDim = 0;
        int memberDim = 0;
        int levelDim = 0;
        int latDim = 0;
        int lonDim = 0;
        const bool hasLevels = !schema_.levels.empty();
        check(nc_def_dim(ncid_, "time", NC_UNLIMITED, &timeDim), p, "define dimension 'time'");
        // A file that keeps no members (statistics only) has no member dimension: netCDF reads a
        // dimension of length 0 as unlimited.
        const bool keepsMembers = !stored_.empty();
        if (keepsMembers) {
            check(nc_def_dim(ncid_, "member", stored_.size(), &memberDim), p, "define dimension 'member'");
        }
        if (hasLevels) {
            check(nc_def_dim(ncid_, "level", schema_.levels.size(), &levelDim), p, "define dimension 'level'");
        }
        check(nc_def_dim(ncid_, "lat", static_cast<std::size_t>(nlat_), &latDim), p, "define dimension 'lat'");
        check(nc_def_dim(ncid_, "lon", static_cast<std::size_t>(nlon_), &lonDim), p, "define dimension 'lon'");

        check(nc_def_var(ncid_, "time", NC_DOUBLE, 1, &timeDim, &timeVarId_), p, "define variable 'time'");
        putText(ncid_, timeVarId_, "standard_name", "time", p);
        putText(ncid_, timeVarId_, "long_name", "forecast time", p);
        putText(ncid_, timeVarId_, "units", "hours since " + attributes.initialTime, p);
        putText(ncid_, timeVarId_, "calendar", "standard", p);
        putText(ncid_, timeVarId_, "axis", "T", p);

        int memberVar = 0;
        if (keepsMembers) {
            check(nc_def_var(ncid_, "member", NC_INT, 1, &memberDim, &memberVar), p, "define variable 'member'");
            putText(ncid_, memberVar, "standard_name", "realization", p);
            putText(ncid_, memberVar, "long_name", "ensemble member", p);
            // Unidata's Common Data Model (Panoply, THREDDS) recognises the ensemble axis by this.
            putText(ncid_, memberVar, "_CoordinateAxisType", "Ensemble", p);
        }

        int levelVar = 0;
        if (hasLevels) {
            check(nc_def_var(ncid_, "level", NC_DOUBLE, 1, &levelDim, &levelVar), p, "define variable 'level'");
            putText(ncid_, levelVar, "standard_name", "air_pressure", p);
            putText(ncid_, levelVar, "long_name", "pressure level", p);
            putText(ncid_, levelVar, "units", "hPa", p);
            putText(ncid_, levelVar, "positive", "down", p);
            putText(ncid_, levelVar, "axis", "Z", p);
        }

        int latVar = 0;
        check(nc_def_var(ncid_, "lat", NC_DOUBLE, 1, &latDim, &latVar), p, "define variable 'lat'");
        putText(ncid_, latVar, "standard_name", "latitude", p);
        putText(ncid_, latVar, "long_name", "latitude", p);
        putText(ncid_, latVar, "units", "degrees_north", p);
        putText(ncid_, latVar, "axis", "Y", p);
        if (!schema_.gridDescription.empty()) {
            putText(ncid_, latVar, "comment", schema_.gridDescription, p);
        }

        int lonVar = 0;
        check(nc_def_var(ncid_, "lon", NC_DOUBLE, 1, &lonDim, &lonVar), p, "define variable 'lon'");
        putText(ncid_, lonVar, "standard_name", "longitude", p);
        putText(ncid_, lonVar, "long_name", "longitude", p);
        putText(ncid_, lonVar, "units", "degrees_east", p);
        putText(ncid_, lonVar, "axis", "X", p);

        // (time, member, [level,] lat, lon), one chunk per member, time and level: a member's slab is
        // written and read whole, one level at a time.
        auto dimensions = [&](const OutputVariable& variable, bool perMember) {
            std::vector<int> ids{timeDim};
            if (perMember) {
                ids.push_back(memberDim);
            }
            if (variable.onLevels) {
                ids.push_back(levelDim);
            }
            ids.push_back(latDim);
            ids.push_back(lonDim);
            return ids;
        };
        auto chunking = [&](const std::vector<int>& ids) {
            std::vector<std::size_t> sizes(ids.size(), 1);
            sizes[sizes.size() - 2] = static_cast<std::size_t>(nlat_);
            sizes[sizes.size() - 1] = static_cast<std::size_t>(nlon_);
            return sizes;
        };
        const nc_type type = doublePrecision_ ? NC_DOUBLE : NC_FLOAT;
        const float floatFill = NC_FILL_FLOAT;
        const double doubleFill = NC_FILL_DOUBLE;
        if (keepsMembers) {
            const std::array<int, 2> checksumDims{timeDim, memberDim};
            check(nc_def_var(ncid_, "checksum", NC_UINT64, 2, checksumDims.data(), &checksumVarId_), p,
                  "define variable 'checksum'");
            putText(ncid_, checksumVarId_, "long_name",
                    "XXH3-64 of the member's double-precision output variables, in the file's order, at this time", p);
        }
        for (const OutputVariable& variable : schema_.variables) {
            if (!keepsMembers) {
                break;
            }
            const std::string name(variable.name);
            int varid = 0;
            const std::vector<int> dims = dimensions(variable, true);
            const std::vector<std::size_t> chunks = chunking(dims);
            check(nc_def_var(ncid_, name.c_str(), type, static_cast<int>(dims.size()), dims.data(), &varid), p,
                  "define variable '" + name + "'");
            check(nc_def_var_chunking(ncid_, varid, NC_CHUNKED, chunks.data()), p, "set chunking of '" + name + "'");
            check(nc_def_var_deflate(ncid_, varid, NC_SHUFFLE, 1, 1), p, "set compression of '" + name + "'");
            check(nc_def_var_fill(ncid_, varid, NC_FILL,
                                  doublePrecision_ ? static_cast<const void*>(&doubleFill)
                                                   : static_cast<const void*>(&floatFill)),
                  p, "set _FillValue of '" + name + "'");
            if (!variable.standardName.empty()) {
                putText(ncid_, varid, "standard_name", variable.standardName, p);
            }
            putText(ncid_, varid, "long_name", variable.longName, p);
            putText(ncid_, varid, "units", variable.units, p);
            dataVarIds_.push_back(varid);
        }

        // Statistics over the members, CF cell_methods naming the reduction over realization.
        auto defineField = [&](const std::string& name, nc_type fieldType, const OutputVariable& of) {
            int varid = 0;
            const std::vector<int> fieldDims = dimensions(of, false);
            const std::vector<std::size_t> fieldChunks = chunking(fieldDims);
            check(nc_def_var(ncid_, name.c_str(), fieldType, static_cast<int>(fieldDims.size()), fieldDims.data(),
                             &varid),
                  p, "define variable '" + name + "'");
            check(nc_def_var_chunking(ncid_, varid, NC_CHUNKED, fieldChunks.data()), p,
                  "set chunking of '" + name + "'");
            check(nc_def_var_deflate(ncid_, varid, NC_SHUFFLE, 1, 1), p, "set compression of '" + name + "'");
            // Said in the file, so that a reader (xarray, CF tools, the viewer) sees the slabs a
            // cancelled or running forecast has not written as missing rather than as 9.97e36.
            check(nc_def_var_fill(ncid_, varid, NC_FILL,
                                  fieldType == NC_DOUBLE ? static_cast<const void*>(&doubleFill)
                                                         : static_cast<const void*>(&floatFill)),
                  p, "set _FillValue of '" + name + "'");
            return varid;
        };
        if (attributes.statistics) {
            struct Reduction {
                const char* suffix;
                const char* method;
                const char* description;
            };
            constexpr std::array<Reduction, 4> reductions{
                {{"mean", "mean", "ensemble mean of"},
                 {"spread", "standard_deviation", "ensemble spread (sample standard deviation) of"},
                 {"min", "minimum", "ensemble minimum of"},
                 {"max", "maximum", "ensemble maximum of"}}};
            for (const OutputVariable& variable : schema_.variables) {
                std::array<int, 4> ids{};
                for (std::size_t r = 0; r < reductions.size(); ++r) {
                    const std::string name = std::string(variable.name) + "_" + reductions[r].suffix;
                    ids[r] = defineField(name, type, variable);
                    if (r != 1 && !variable.standardName.empty()) {
                        putText(ncid_, ids[r], "standard_name", variable.standardName, p);
                    }
                    putText(ncid_, ids[r], "long_name",
                            std::string(reductions[r].description) + " " + std::string(variable.longName), p);
                    putText(ncid_, ids[r], "units", variable.units, p);
                    putText(ncid_, ids[r], "cell_methods", std::string("realization: ") + reductions[r].method, p);
                }
                statisticsVarIds_.push_back(ids);
            }
            for (const ExceedanceThreshold& threshold : attributes.thresholds) {
                const int index = schema_.variableIndex(threshold.variable);
                if (index < 0) {
                    throw std::invalid_argument("NetcdfWriter: no output variable '" + threshold.variable +
                                                "' for a probability");
                }
                const OutputVariable& variable = schema_.variables[static_cast<std::size_t>(index)];
                const std::string name = probabilityVariableName(threshold);
                const int varid = defineField(name, type, variable);
                const std::string units = variable.units;
                char value[64];
                std::snprintf(value, sizeof value, "%g", threshold.value);
                putText(ncid_, varid, "long_name",
                        "probability that " + threshold.variable + " exceeds " + value + " " + units +
                            " (fraction of members)",
                        p);
                putText(ncid_, varid, "units", "1", p);
                putText(ncid_, varid, "cell_methods", "realization: mean", p);
                probabilityVarIds_.push_back(varid);
                thresholds_.push_back(threshold);
            }
        }

        const std::string description =
            attributes.initialCondition.empty() ? spec.initialCondition : attributes.initialCondition;
        putText(ncid_, NC_GLOBAL, "Conventions", "CF-1.8", p);
        putText(ncid_, NC_GLOBAL, "title", "Spreadcast ensemble forecast from " + description, p);
        putText(ncid_, NC_GLOBAL, "source",
                std::string(softwareName) + " " + softwareVersion +
                    (attributes.source.empty() ? std::string() : ", " + attributes.source),
                p);
        putText(ncid_, NC_GLOBAL, "history", historyLine(attributes.history), p);
        putText(ncid_, NC_GLOBAL, "spreadcast_version", softwareVersion, p);
        putText(ncid_, NC_GLOBAL, "spreadcast_run_spec", toJson(spec).dump(), p);
        // A string: a 64-bit seed does not survive the double that many readers turn numbers into.
        putText(ncid_, NC_GLOBAL, "seed", std::to_string(spec.seed), p);
        putText(ncid_, NC_GLOBAL, "initial_condition", description, p);
        putText(ncid_, NC_GLOBAL, "perturbations", attributes.perturbations.empty() ? "none" : attributes.perturbations,
                p);
        for (const auto& [name, value] : attributes.modelAttributes) {
            putText(ncid_, NC_GLOBAL, name.c_str(), value, p);
        }
        putText(ncid_, NC_GLOBAL, "run_status", "running", p);
        check(nc_enddef(ncid_), p, "finish the definitions", advice);

        if (keepsMembers) {
            check(nc_put_var_int(ncid_, memberVar, stored_.data()), p, "write variable 'member'", advice);
        }
        if (hasLevels) {
            check(nc_put_var_double(ncid_, levelVar, schema_.levels.data()), p, "write variable 'level'", advice);
        }
        check(nc_put_var_double(ncid_, latVar, schema_.latitudes.data()), p, "write variable 'lat'", advice);
        check(nc_put_var_double(ncid_, lonVar, schema_.longitudes.data()), p, "write variable 'lon'", advice);
        check(nc_sync(ncid_), p, "flush the file", advice);
    } catch (...) {
        nc_abort(ncid_);  // a half-defined new file is deleted rather than left behind
        ncid_ = -1;
        throw;
    }
}

std::unique_ptr<NetcdfWriter> NetcdfWriter::reopen(std::string path, const RunSpec& spec, OutputSchema schema,
                                                   std::vector<double> outputTimesSeconds,
                                                   const std::vector<int>& finishedMembers, const std::string& history)
{
    std::unique_ptr<NetcdfWriter> writer(new NetcdfWriter);
    NetcdfWriter& w = *writer;
    w.path_ = std::move(path);
    w.outputTimesSeconds_ = std::move(outputTimesSeconds);
    w.members_ = spec.members;
    w.schema_ = std::move(schema);
    w.nlat_ = static_cast<int>(w.schema_.latitudes.size());
    w.nlon_ = static_cast<int>(w.schema_.longitudes.size());
    w.doublePrecision_ = spec.precision == OutputPrecision::Double;
    w.setMemberLayout(spec);
    const std::size_t times = w.outputTimesSeconds_.size();
    const std::string& p = w.path_;
    const std::string resumeAdvice = "the file cannot be resumed; start the run again with --force";

    std::lock_guard library(netcdfLibraryMutex());
    const int opened = nc_open(p.c_str(), NC_WRITE, &w.ncid_);
    if (opened != NC_NOERR) {
        w.ncid_ = -1;
        throw InputError("cannot reopen '" + p + "' to resume it: " + nc_strerror(opened) + " — " + resumeAdvice);
    }
    auto varid = [&](const std::string& name) {
        int id = -1;
        if (nc_inq_varid(w.ncid_, name.c_str(), &id) != NC_NOERR) {
            throw InputError("'" + p + "' has no variable '" + name + "', so it is not the output of this run — " +
                             resumeAdvice);
        }
        return id;
    };
    std::size_t length = 0;
    std::string recorded;
    if (nc_inq_attlen(w.ncid_, NC_GLOBAL, "spreadcast_run_spec", &length) == NC_NOERR) {
        recorded.resize(length);
        nc_get_att_text(w.ncid_, NC_GLOBAL, "spreadcast_run_spec", recorded.data());
    }
    if (recorded != toJson(spec).dump()) {
        nc_close(w.ncid_);
        w.ncid_ = -1;
        throw InputError("'" + p + "' was written by another run (its spreadcast_run_spec differs) — " + resumeAdvice);
    }
    try {
        w.timeVarId_ = varid("time");
        if (!w.stored_.empty()) {
            w.checksumVarId_ = varid("checksum");
            for (const OutputVariable& variable : w.schema_.variables) {
                w.dataVarIds_.push_back(varid(variable.name));
            }
        }
        if (spec.members > 1) {
            for (const OutputVariable& variable : w.schema_.variables) {
                const std::string& name = variable.name;
                w.statisticsVarIds_.push_back(
                    {varid(name + "_mean"), varid(name + "_spread"), varid(name + "_min"), varid(name + "_max")});
            }
            for (const ExceedanceThreshold& threshold : spec.thresholds) {
                w.probabilityVarIds_.push_back(varid(probabilityVariableName(threshold)));
                w.thresholds_.push_back(threshold);
            }
        }
        int timeDim = -1;
        nc_inq_vardimid(w.ncid_, w.timeVarId_, &timeDim);
        std::size_t timesInFile = 0;
        nc_inq_dimlen(w.ncid_, timeDim, &timesInFile);
        w.timesWritten_ = static_cast<int>(std::min(timesInFile, times));
        std::vector<unsigned long long> checksums(times * w.stored_.size(), 0);
        if (!w.stored_.empty() && timesInFile > 0) {
            const std::array<std::size_t, 2> start{0, 0};
            const std::array<std::size_t, 2> count{static_cast<std::size_t>(w.timesWritten_), w.stored_.size()};
            check(nc_get_vara_ulonglong(w.ncid_, w.checksumVarId_, start.data(), count.data(), checksums.data()), p,
                  "read variable 'checksum'");
        }
        for (int member : finishedMembers) {
            const int slot = w.slotOfMember_.at(static_cast<std::size_t>(member));
            for (std::size_t t = 0; t < times; ++t) {
                const std::size_t received =
                    t * static_cast<std::size_t>(w.members_) + static_cast<std::size_t>(member);
                w.received_[received] = 1;
                if (slot >= 0) {
                    w.checksums_[received] = checksums[t * w.stored_.size() + static_cast<std::size_t>(slot)];
                    w.written_[t * w.stored_.size() + static_cast<std::size_t>(slot)] = 1;
                    ++w.slabsWritten_;
                }
            }
        }
        std::string previous;
        if (nc_inq_attlen(w.ncid_, NC_GLOBAL, "history", &length) == NC_NOERR) {
            previous.resize(length);
            nc_get_att_text(w.ncid_, NC_GLOBAL, "history", previous.data());
        }
        check(nc_redef(w.ncid_), p, "reopen the definitions", advice);
        putText(w.ncid_, NC_GLOBAL, "history", historyLine(history) + (previous.empty() ? "" : "\n" + previous), p);
        putText(w.ncid_, NC_GLOBAL, "run_status", "running", p);
        check(nc_enddef(w.ncid_), p, "finish the definitions", advice);
        check(nc_sync(w.ncid_), p, "flush the file", advice);
    } catch (...) {
        nc_close(w.ncid_);
        w.ncid_ = -1;
        throw;
    }
    return writer;
}

void NetcdfWriter::setMemberLayout(const RunSpec& spec)
{
    stored_ = spreadcast::storedMembers(spec);
    slotOfMember_.assign(static_cast<std::size_t>(members_), -1);
    for (std::size_t slot = 0; slot < stored_.size(); ++slot) {
        slotOfMember_[static_cast<std::size_t>(stored_[slot])] = static_cast<int>(slot);
    }
    written_.assign(outputTimesSeconds_.size() * stored_.size(), 0);
    checksums_.assign(outputTimesSeconds_.size() * static_cast<std::size_t>(members_), 0);
    received_.assign(checksums_.size(), 0);
}

NetcdfWriter::~NetcdfWriter()
{
    close();
}

void NetcdfWriter::close() noexcept
{
    std::lock_guard state(mutex_);
    if (ncid_ >= 0) {
        std::lock_guard library(netcdfLibraryMutex());
        nc_close(ncid_);
        ncid_ = -1;
    }
}

bool NetcdfWriter::writeMember(int timeIndex, int member, const GridFields& fields)
{
    if (timeIndex < 0 || timeIndex >= timeCount()) {
        throw std::invalid_argument("NetcdfWriter: time index " + std::to_string(timeIndex) + " is outside 0.." +
                                    std::to_string(timeCount() - 1) + " for '" + path_ + "'");
    }
    if (member < 0 || member >= members_) {
        throw std::invalid_argument("NetcdfWriter: member " + std::to_string(member) + " is outside 0.." +
                                    std::to_string(members_ - 1) + " for '" + path_ + "'");
    }
    if (fields.variables.size() != schema_.variables.size()) {
        throw std::invalid_argument("NetcdfWriter: a member's fields have " + std::to_string(fields.variables.size()) +
                                    " variables, the file " + std::to_string(schema_.variables.size()) + ", for '" +
                                    path_ + "'");
    }
    for (std::size_t k = 0; k < schema_.variables.size(); ++k) {
        if (fields.variables[k].size() != schema_.valueCount(k)) {
            throw std::invalid_argument("NetcdfWriter: field '" + schema_.variables[k].name + "' has " +
                                        std::to_string(fields.variables[k].size()) + " values, the grid " +
                                        std::to_string(schema_.valueCount(k)) + ", for '" + path_ + "'");
        }
    }
    // Hashing happens before any lock, so threads work in parallel.
    const std::uint64_t checksum = fieldsChecksum(fields);
    const int slot = slotOfMember_[static_cast<std::size_t>(member)];

    std::lock_guard state(mutex_);
    if (finished_ || ncid_ < 0) {
        throw std::logic_error("NetcdfWriter: writeMember after finish for '" + path_ + "'");
    }
    const std::string where = " at time index " + std::to_string(timeIndex) + ", member " + std::to_string(member);
    const std::size_t received =
        static_cast<std::size_t>(timeIndex) * static_cast<std::size_t>(members_) + static_cast<std::size_t>(member);
    if (received_[received]) {
        if (checksums_[received] != checksum) {
            char text[160];
            std::snprintf(text, sizeof text,
                          "determinism violation: two copies of member %d at time index %d differ "
                          "(checksums %016llx and %016llx)",
                          member, timeIndex, static_cast<unsigned long long>(checksums_[received]),
                          static_cast<unsigned long long>(checksum));
            throw DeterminismViolation(text);
        }
        return false;  // the same result again (a retried or speculative copy): one copy is kept
    }
    received_[received] = 1;
    checksums_[received] = checksum;
    std::lock_guard library(netcdfLibraryMutex());
    // Every time value up to this one, so the coordinate never holds fill values between
    // written times when members finish out of order.
    if (timesWritten_ <= timeIndex) {
        const std::size_t start = static_cast<std::size_t>(timesWritten_);
        const std::size_t count = static_cast<std::size_t>(timeIndex - timesWritten_ + 1);
        std::vector<double> hours(count);
        for (std::size_t k = 0; k < count; ++k) {
            hours[k] = outputTimesSeconds_[start + k] / 3600.0;
        }
        check(nc_put_vara_double(ncid_, timeVarId_, &start, &count, hours.data()), path_,
              "write variable 'time'" + where, advice);
        timesWritten_ = timeIndex + 1;
    }
    if (slot < 0) {
        return true;  // a member the file does not keep: only its statistics are written
    }
    // Variable by variable, narrowed one at a time: a large state is never copied whole.
    for (std::size_t k = 0; k < schema_.variables.size(); ++k) {
        const std::vector<std::size_t> start = slabStart(timeIndex, slot, schema_.variables[k]);
        const std::vector<std::size_t> count = slabCount(true, schema_.variables[k]);
        const AlignedVector<double>& field = fields.variables[k];
        int status = NC_NOERR;
        if (doublePrecision_) {
            status = nc_put_vara_double(ncid_, dataVarIds_[k], start.data(), count.data(), field.data());
        } else {
            const std::vector<float> narrowed(field.begin(), field.end());
            status = nc_put_vara_float(ncid_, dataVarIds_[k], start.data(), count.data(), narrowed.data());
        }
        check(status, path_, "write variable '" + schema_.variables[k].name + "'" + where, advice);
    }
    const std::array<std::size_t, 2> checksumStart{static_cast<std::size_t>(timeIndex), static_cast<std::size_t>(slot)};
    const std::array<std::size_t, 2> checksumCount{1, 1};
    const unsigned long long value = checksum;
    check(nc_put_vara_ulonglong(ncid_, checksumVarId_, checksumStart.data(), checksumCount.data(), &value), path_,
          "write variable 'checksum'" + where, advice);
    check(nc_sync(ncid_), path_, "flush the file" + where, advice);

    char& slab = written_[static_cast<std::size_t>(timeIndex) * stored_.size() + static_cast<std::size_t>(slot)];
    if (slab == 0) {
        slab = 1;
        ++slabsWritten_;
    }
    return true;
}

void NetcdfWriter::writeStatistics(int timeIndex, const EnsembleStatistics& statistics)
{
    if (timeIndex < 0 || timeIndex >= timeCount()) {
        throw std::invalid_argument("NetcdfWriter: statistics time index " + std::to_string(timeIndex) +
                                    " is outside 0.." + std::to_string(timeCount() - 1) + " for '" + path_ + "'");
    }
    if (statisticsVarIds_.empty() || statistics.mean.size() != schema_.variables.size() ||
        statistics.probability.size() != probabilityVarIds_.size()) {
        throw std::invalid_argument("NetcdfWriter: statistics do not match the variables defined in '" + path_ + "'");
    }
    struct StatisticsField {
        int varid;
        const AlignedVector<double>* values;
        const OutputVariable* variable;
    };
    std::vector<StatisticsField> fields;
    for (std::size_t k = 0; k < schema_.variables.size(); ++k) {
        const OutputVariable* variable = &schema_.variables[k];
        fields.push_back({statisticsVarIds_[k][0], &statistics.mean[k], variable});
        fields.push_back({statisticsVarIds_[k][1], &statistics.spread[k], variable});
        fields.push_back({statisticsVarIds_[k][2], &statistics.minimum[k], variable});
        fields.push_back({statisticsVarIds_[k][3], &statistics.maximum[k], variable});
    }
    for (std::size_t t = 0; t < probabilityVarIds_.size(); ++t) {
        const int index = schema_.variableIndex(thresholds_[t].variable);
        fields.push_back(
            {probabilityVarIds_[t], &statistics.probability[t], &schema_.variables[static_cast<std::size_t>(index)]});
    }
    for (const StatisticsField& field : fields) {
        const std::size_t expected = schema_.levelCount(*field.variable) * schema_.points();
        if (field.values->size() != expected) {
            throw std::invalid_argument("NetcdfWriter: a statistics field of '" + field.variable->name + "' has " +
                                        std::to_string(field.values->size()) + " values, the grid " +
                                        std::to_string(expected));
        }
    }

    std::lock_guard state(mutex_);
    if (finished_ || ncid_ < 0) {
        throw std::logic_error("NetcdfWriter: writeStatistics after finish for '" + path_ + "'");
    }
    std::lock_guard library(netcdfLibraryMutex());
    const std::string where = " at time index " + std::to_string(timeIndex);
    for (const StatisticsField& field : fields) {
        const std::vector<std::size_t> start = slabStart(timeIndex, -1, *field.variable);
        const std::vector<std::size_t> count = slabCount(false, *field.variable);
        int status = NC_NOERR;
        if (doublePrecision_) {
            status = nc_put_vara_double(ncid_, field.varid, start.data(), count.data(), field.values->data());
        } else {
            const std::vector<float> narrowed(field.values->begin(), field.values->end());
            status = nc_put_vara_float(ncid_, field.varid, start.data(), count.data(), narrowed.data());
        }
        check(status, path_, "write the statistics" + where, advice);
    }
    check(nc_sync(ncid_), path_, "flush the file" + where, advice);
}

std::vector<std::size_t> NetcdfWriter::slabStart(int timeIndex, int slot, const OutputVariable& variable) const
{
    std::vector<std::size_t> start{static_cast<std::size_t>(timeIndex)};
    if (slot >= 0) {
        start.push_back(static_cast<std::size_t>(slot));
    }
    if (variable.onLevels) {
        start.push_back(0);
    }
    start.push_back(0);
    start.push_back(0);
    return start;
}

std::vector<std::size_t> NetcdfWriter::slabCount(bool perMember, const OutputVariable& variable) const
{
    std::vector<std::size_t> count{1};
    if (perMember) {
        count.push_back(1);
    }
    if (variable.onLevels) {
        count.push_back(schema_.levels.size());
    }
    count.push_back(static_cast<std::size_t>(nlat_));
    count.push_back(static_cast<std::size_t>(nlon_));
    return count;
}

void NetcdfWriter::finish(const std::string& status)
{
    std::lock_guard state(mutex_);
    if (finished_ || ncid_ < 0) {
        throw std::logic_error("NetcdfWriter: finish called twice for '" + path_ + "'");
    }
    finished_ = true;
    std::lock_guard library(netcdfLibraryMutex());
    const int written = nc_put_att_text(ncid_, NC_GLOBAL, "run_status", status.size(), status.data());
    const int closed = nc_close(ncid_);
    ncid_ = -1;
    check(written, path_, "write attribute 'run_status'", advice);
    check(closed, path_, "close the file", advice);
}

bool NetcdfWriter::isComplete() const
{
    std::lock_guard state(mutex_);
    return slabsWritten_ == written_.size();
}

}  // namespace spreadcast
