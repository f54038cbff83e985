#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace spreadcast {

class CfReader;
struct CfVariable;

// A field variable of a forecast file: its last two dimensions are latitude and longitude, with
// optional time, member and vertical (level) dimensions before them.
struct ForecastVariable {
    std::string name;
    std::string longName;
    std::string units;
    std::string standardName;
    bool hasTime = false;
    bool hasMember = false;
    bool hasLevel = false;  // on the file's levels(): one field per level
};

// An exceedance-probability variable of a Spreadcast file: probability_<variable>_above_<value>.
struct ProbabilityVariable {
    std::string name;
    std::string variable;
    double threshold = 0.0;
};

// Reads a forecast for inspection: a Spreadcast output file (dimensions time, member, lat, lon;
// members, statistics and probabilities as NetcdfWriter writes them) or a plain CF NetCDF file
// with fields on a latitude–longitude grid, read through CfReader (axes, packing, missing values,
// time units and calendars). Every problem of the file is an InputError that names the file,
// the variable and what was expected. Safe to use from one thread at a time; every netCDF call
// holds netcdfLibraryMutex().
class ForecastFile {
public:
    explicit ForecastFile(std::string path);
    ~ForecastFile();
    ForecastFile(const ForecastFile&) = delete;
    ForecastFile& operator=(const ForecastFile&) = delete;

    const std::string& path() const { return path_; }
    const std::vector<double>& latitudes() const { return latitudes_; }    // degrees, file order
    const std::vector<double>& longitudes() const { return longitudes_; }  // degrees, increasing
    std::size_t pointCount() const { return latitudes_.size() * longitudes_.size(); }
    // Lead times in hours after the first time; one 0 when the file has no time dimension; NaN
    // for a time not written yet.
    const std::vector<double>& leadHours() const { return leadHours_; }
    // The valid time of each entry of leadHours(), "YYYY-MM-DD HH:MM:SS" in the file's calendar,
    // decoded from the time coordinate's units and calendar; empty where there is no date (a time
    // not written yet, lead times without a reference date, no time dimension).
    const std::vector<std::string>& validTimes() const { return validTimes_; }
    const std::string& calendar() const { return calendar_; }        // "standard", "noleap", …; empty without dates
    const std::string& initialTime() const { return initialTime_; }  // the first valid time, or empty
    // The member numbers the file stores, in file order; empty when it stores none.
    const std::vector<int>& members() const { return members_; }
    const std::string& title() const { return title_; }
    const std::string& runStatus() const { return runStatus_; }  // empty for other files
    bool isSpreadcastFile() const { return spreadcast_; }

    // The vertical coordinate's values (pressure levels in hPa in a Spreadcast file of a learned
    // model), in file order, and its units; empty for a file without one.
    const std::vector<double>& levels() const { return levels_; }
    const std::string& levelUnits() const { return levelUnits_; }

    const std::vector<ForecastVariable>& variables() const { return variables_; }
    const ForecastVariable* variable(const std::string& name) const;
    const std::vector<ProbabilityVariable>& probabilities() const { return probabilities_; }

    // One field, latitudes × longitudes row by row; missing values (_FillValue, a time not yet
    // written) are NaN. memberIndex is a position in members(), ignored for variables without
    // a member dimension; levelIndex a position in levels(), ignored for variables without
    // levels. Throws InputError for an unknown variable or an index out of range.
    std::vector<float> read(const std::string& name, int timeIndex, int memberIndex = 0, int levelIndex = 0) const;

    // One grid point's values at every time and member: values[time * memberCount + member]
    // (memberCount 1 for a variable without members), NaN where missing. Throws InputError for
    // an unknown variable or a point off the grid.
    struct PointSeries {
        int times = 0;
        int memberCount = 0;
        std::vector<float> values;
    };
    PointSeries readPoint(const std::string& name, int latitudeIndex, int longitudeIndex, int levelIndex = 0) const;

    // Writes a copy of the file (every variable, attribute, chunking and compression), or with
    // statisticsOnly one without the members: no member dimension, no member fields, no
    // checksums. A line is added to the history attribute. Throws InputError naming the file
    // when it cannot be written.
    void exportCopy(const std::string& path, bool statisticsOnly) const;

private:
    struct Layout {
        const CfVariable* variable = nullptr;
        std::vector<int> role;  // per dimension: 0 time, 1 member, 2 lat, 3 lon, 4 a length-1 extra, 5 level
    };
    const Layout& layoutOf(const std::string& name) const;
    void checkLevelIndex(const ForecastVariable& variable, int levelIndex) const;

    std::string path_;
    std::unique_ptr<CfReader> reader_;
    std::vector<double> latitudes_;
    std::vector<double> longitudes_;
    std::vector<double> leadHours_;
    std::vector<std::string> validTimes_;
    std::string calendar_;
    std::string initialTime_;
    std::vector<int> members_;
    std::vector<double> levels_;
    std::string levelUnits_;
    std::string title_;
    std::string runStatus_;
    bool spreadcast_ = false;
    std::vector<ForecastVariable> variables_;
    std::vector<ProbabilityVariable> probabilities_;

    std::vector<Layout> layouts_;  // in variables_ order
};

}  // namespace spreadcast
