#include "ensemble/EnsembleStatistics.h"

#include "ensemble/EnsembleMoments.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <istream>
#include <limits>
#include <ostream>
#include <stdexcept>

namespace spreadcast {

ExceedanceThreshold parseThreshold(std::string_view text)
{
    const auto separator = text.find('>');
    const std::string_view name = text.substr(0, separator);
    double value = 0.0;
    bool valid = separator != std::string_view::npos && !name.empty() &&
                 std::all_of(name.begin(), name.end(),
                             [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
    if (valid) {
        const std::string_view number = text.substr(separator + 1);
        const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
        valid = !number.empty() && error == std::errc{} && end == number.data() + number.size() && std::isfinite(value);
    }
    if (!valid) {
        throw std::invalid_argument("'" + std::string(text) +
                                    "' is not a threshold: write VARIABLE>VALUE with VARIABLE an output variable of "
                                    "the model, e.g. height>10000 or vorticity>1e-4");
    }
    return {std::string(name), value};
}

std::string probabilityVariableName(const ExceedanceThreshold& threshold)
{
    char number[64];
    std::snprintf(number, sizeof number, "%g", threshold.value);
    std::string name = "probability_" + threshold.variable + "_above_";
    for (const char c : std::string(number)) {
        name += c == '-' ? 'm' : c == '.' ? 'p' : c == '+' ? '_' : c;
    }
    return name;
}

std::vector<std::string> thresholdProblems(const std::vector<ExceedanceThreshold>& thresholds,
                                           const OutputSchema& schema)
{
    std::vector<std::string> problems;
    for (const auto& threshold : thresholds) {
        if (schema.variableIndex(threshold.variable) < 0) {
            std::string known;
            for (const OutputVariable& variable : schema.variables) {
                known += (known.empty() ? "" : ", ") + variable.name;
            }
            problems.push_back("the threshold on '" + threshold.variable +
                               "' names no output variable of this model; it writes " + known);
        }
    }
    return problems;
}

StatisticsAccumulator::StatisticsAccumulator(int times, int members, const OutputSchema& schema,
                                             std::vector<ExceedanceThreshold> thresholds)
    : members_(members), thresholds_(std::move(thresholds)), times_(static_cast<std::size_t>(times))
{
    for (std::size_t k = 0; k < schema.variables.size(); ++k) {
        sizes_.push_back(schema.valueCount(k));
    }
    for (const auto& threshold : thresholds_) {
        const int index = schema.variableIndex(threshold.variable);
        if (index < 0) {
            throw std::invalid_argument("no output variable '" + threshold.variable + "' for a probability");
        }
        thresholdVariable_.push_back(index);
    }
}

void StatisticsAccumulator::fold(TimeAccumulator& accumulator, const GridFields& fields)
{
    const std::size_t variables = sizes_.size();
    if (fields.variables.size() != variables) {
        throw std::invalid_argument("statistics: a member's fields have " + std::to_string(fields.variables.size()) +
                                    " variables, the schema " + std::to_string(variables));
    }
    for (std::size_t k = 0; k < variables; ++k) {
        if (fields.variables[k].size() != sizes_[k]) {
            throw std::invalid_argument("statistics: variable " + std::to_string(k) + " of a member has " +
                                        std::to_string(fields.variables[k].size()) + " values, the schema " +
                                        std::to_string(sizes_[k]));
        }
    }
    if (accumulator.count == 0) {
        accumulator.mean.clear();
        accumulator.m2.clear();
        accumulator.minimum.clear();
        accumulator.maximum.clear();
        for (std::size_t size : sizes_) {
            accumulator.mean.emplace_back(size, 0.0);
            accumulator.m2.emplace_back(size, 0.0);
            accumulator.minimum.emplace_back(size, std::numeric_limits<double>::infinity());
            accumulator.maximum.emplace_back(size, -std::numeric_limits<double>::infinity());
        }
        accumulator.exceedances.clear();
        for (int variable : thresholdVariable_) {
            accumulator.exceedances.emplace_back(sizes_[static_cast<std::size_t>(variable)], 0);
        }
    }
    const double n = ++accumulator.count;
    for (std::size_t k = 0; k < variables; ++k) {
        const AlignedVector<double>& x = fields.variables[k];
        const std::size_t points = sizes_[k];
        double* mean = accumulator.mean[k].data();
        double* m2 = accumulator.m2[k].data();
        double* minimum = accumulator.minimum[k].data();
        double* maximum = accumulator.maximum[k].data();
        for (std::size_t i = 0; i < points; ++i) {
            addToMoments(mean[i], m2[i], x[i], n);
            minimum[i] = std::min(minimum[i], x[i]);
            maximum[i] = std::max(maximum[i], x[i]);
        }
    }
    for (std::size_t t = 0; t < thresholds_.size(); ++t) {
        const AlignedVector<double>& x = fields.variables[static_cast<std::size_t>(thresholdVariable_[t])];
        std::vector<std::uint32_t>& count = accumulator.exceedances[t];
        for (std::size_t i = 0; i < count.size(); ++i) {
            count[i] += x[i] > thresholds_[t].value ? 1u : 0u;
        }
    }
}

EnsembleStatistics StatisticsAccumulator::finish(TimeAccumulator& accumulator)
{
    EnsembleStatistics statistics;
    statistics.members = accumulator.count;
    const double n = accumulator.count;
    statistics.mean = std::move(accumulator.mean);
    statistics.minimum = std::move(accumulator.minimum);
    statistics.maximum = std::move(accumulator.maximum);
    for (auto& m2 : accumulator.m2) {
        for (double& value : m2) {
            value = sampleStandardDeviation(value, n);
        }
        statistics.spread.push_back(std::move(m2));
    }
    for (const auto& count : accumulator.exceedances) {
        AlignedVector<double> probability(count.size());
        for (std::size_t i = 0; i < count.size(); ++i) {
            probability[i] = exceedanceProbability(count[i], n);
        }
        statistics.probability.push_back(std::move(probability));
    }
    accumulator = TimeAccumulator{};
    accumulator.done = true;
    return statistics;
}

void StatisticsAccumulator::advance(int time, Completed& completed)
{
    TimeAccumulator& accumulator = times_[static_cast<std::size_t>(time)];
    while (accumulator.next < members_) {
        const auto early = accumulator.early.find(accumulator.next);
        if (early != accumulator.early.end()) {
            fold(accumulator, early->second);
            accumulator.early.erase(early);
        } else if (!skipped_.contains(accumulator.next)) {
            return;
        }
        ++accumulator.next;
    }
    if (!accumulator.done && accumulator.count > 0) {
        completed.emplace_back(time, finish(accumulator));
    }
}

StatisticsAccumulator::Completed StatisticsAccumulator::add(int time, int member, const GridFields& fields)
{
    if (time < 0 || time >= static_cast<int>(times_.size()) || member < 0 || member >= members_) {
        throw std::invalid_argument("statistics: time " + std::to_string(time) + " or member " +
                                    std::to_string(member) + " out of range");
    }
    std::lock_guard lock(mutex_);
    TimeAccumulator& accumulator = times_[static_cast<std::size_t>(time)];
    Completed completed;
    if (accumulator.done || member < accumulator.next || accumulator.early.contains(member)) {
        throw std::logic_error("statistics: member " + std::to_string(member) + " at time " + std::to_string(time) +
                               " arrived twice");
    }
    if (member == accumulator.next) {
        fold(accumulator, fields);
        ++accumulator.next;
    } else {
        accumulator.early.emplace(member, fields);
    }
    advance(time, completed);
    return completed;
}

StatisticsAccumulator::Completed StatisticsAccumulator::skip(int member)
{
    std::lock_guard lock(mutex_);
    skipped_.insert(member);
    Completed completed;
    for (int time = 0; time < static_cast<int>(times_.size()); ++time) {
        if (!times_[static_cast<std::size_t>(time)].done) {
            advance(time, completed);
        }
    }
    return completed;
}

bool StatisticsAccumulator::includes(int time, int member) const
{
    std::lock_guard lock(mutex_);
    const TimeAccumulator& accumulator = times_.at(static_cast<std::size_t>(time));
    return accumulator.done || member < accumulator.next || accumulator.early.contains(member) ||
           skipped_.contains(member);
}

namespace {

constexpr char snapshotTag[8] = {'S', 'C', 'S', 'T', 'A', 'T', '0', '2'};

template <typename T>
void put(std::ostream& out, const T& value)
{
    out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename Vector>
void putArray(std::ostream& out, const Vector& values)
{
    put(out, static_cast<std::uint64_t>(values.size()));
    out.write(reinterpret_cast<const char*>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(typename Vector::value_type)));
}

template <typename T>
T get(std::istream& in)
{
    T value{};
    if (!in.read(reinterpret_cast<char*>(&value), sizeof value)) {
        throw std::invalid_argument("the statistics snapshot ends early");
    }
    return value;
}

template <typename Vector>
void getArray(std::istream& in, Vector& values, std::size_t expected)
{
    const auto size = get<std::uint64_t>(in);
    if (size != expected) {
        throw std::invalid_argument("the statistics snapshot holds an array of " + std::to_string(size) +
                                    " values where " + std::to_string(expected) + " belong");
    }
    values.resize(expected);
    if (!in.read(reinterpret_cast<char*>(values.data()),
                 static_cast<std::streamsize>(expected * sizeof(typename Vector::value_type)))) {
        throw std::invalid_argument("the statistics snapshot ends early");
    }
}

}  // namespace

void StatisticsAccumulator::save(std::ostream& out) const
{
    std::lock_guard lock(mutex_);
    out.write(snapshotTag, sizeof snapshotTag);
    put(out, static_cast<std::int64_t>(times_.size()));
    put(out, static_cast<std::int64_t>(members_));
    put(out, static_cast<std::uint64_t>(sizes_.size()));
    for (std::size_t size : sizes_) {
        put(out, static_cast<std::uint64_t>(size));
    }
    put(out, static_cast<std::uint64_t>(thresholds_.size()));
    put(out, static_cast<std::uint64_t>(skipped_.size()));
    for (int member : skipped_) {
        put(out, static_cast<std::int64_t>(member));
    }
    for (const TimeAccumulator& accumulator : times_) {
        put(out, static_cast<std::int64_t>(accumulator.done));
        put(out, static_cast<std::int64_t>(accumulator.next));
        put(out, static_cast<std::int64_t>(accumulator.count));
        if (accumulator.count > 0) {
            for (const auto* arrays :
                 {&accumulator.mean, &accumulator.m2, &accumulator.minimum, &accumulator.maximum}) {
                for (const auto& values : *arrays) {
                    putArray(out, values);
                }
            }
            for (const auto& counts : accumulator.exceedances) {
                putArray(out, counts);
            }
        }
        put(out, static_cast<std::uint64_t>(accumulator.early.size()));
        for (const auto& [member, fields] : accumulator.early) {
            put(out, static_cast<std::int64_t>(member));
            for (const auto& values : fields.variables) {
                putArray(out, values);
            }
        }
    }
}

void StatisticsAccumulator::restore(std::istream& in)
{
    char tag[sizeof snapshotTag] = {};
    if (!in.read(tag, sizeof tag) || std::memcmp(tag, snapshotTag, sizeof tag) != 0) {
        throw std::invalid_argument("the file is not a Spreadcast statistics snapshot");
    }
    std::lock_guard lock(mutex_);
    bool sameShape = get<std::int64_t>(in) == static_cast<std::int64_t>(times_.size()) &&
                     get<std::int64_t>(in) == members_ && get<std::uint64_t>(in) == sizes_.size();
    for (std::size_t k = 0; sameShape && k < sizes_.size(); ++k) {
        sameShape = get<std::uint64_t>(in) == sizes_[k];
    }
    if (!sameShape || get<std::uint64_t>(in) != thresholds_.size()) {
        throw std::invalid_argument("the statistics snapshot belongs to a run of another shape (times, members, "
                                    "grid or thresholds differ)");
    }
    const std::size_t variables = sizes_.size();
    std::set<int> skipped;
    for (auto count = get<std::uint64_t>(in); count > 0; --count) {
        skipped.insert(static_cast<int>(get<std::int64_t>(in)));
    }
    std::vector<TimeAccumulator> times(times_.size());
    for (TimeAccumulator& accumulator : times) {
        accumulator.done = get<std::int64_t>(in) != 0;
        accumulator.next = static_cast<int>(get<std::int64_t>(in));
        accumulator.count = static_cast<int>(get<std::int64_t>(in));
        if (accumulator.count > 0) {
            for (auto* arrays : {&accumulator.mean, &accumulator.m2, &accumulator.minimum, &accumulator.maximum}) {
                arrays->resize(variables);
                for (std::size_t k = 0; k < variables; ++k) {
                    getArray(in, (*arrays)[k], sizes_[k]);
                }
            }
            accumulator.exceedances.resize(thresholds_.size());
            for (std::size_t t = 0; t < thresholds_.size(); ++t) {
                getArray(in, accumulator.exceedances[t], sizes_[static_cast<std::size_t>(thresholdVariable_[t])]);
            }
        }
        for (auto count = get<std::uint64_t>(in); count > 0; --count) {
            const int member = static_cast<int>(get<std::int64_t>(in));
            GridFields fields;
            fields.variables.resize(variables);
            for (std::size_t k = 0; k < variables; ++k) {
                getArray(in, fields.variables[k], sizes_[k]);
            }
            accumulator.early.emplace(member, std::move(fields));
        }
    }
    times_ = std::move(times);
    skipped_ = std::move(skipped);
}

}  // namespace spreadcast
