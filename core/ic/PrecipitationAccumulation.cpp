#include "ic/PrecipitationAccumulation.h"

#include "ic/DatasetAssembler.h"

#include <cstddef>
#include <map>
#include <queue>
#include <set>

namespace spreadcast::ic {

namespace {

constexpr std::int64_t hourSeconds = 3600;

// One step of a path from a window's start to its end: an accumulation, forwards (+) or back (−).
struct Leg {
    std::size_t accumulation = 0;
    bool forwards = true;
};

std::string windowText(const PrecipitationAccumulation& accumulation)
{
    return "tp " + utcText(accumulation.start) + " to " + utcText(accumulation.end);
}

// The legs of a shortest path from start to end (breadth first over the times the windows
// join), or nothing.
std::vector<Leg> shortestPath(const std::vector<PrecipitationAccumulation>& accumulations, std::int64_t start,
                              std::int64_t end)
{
    std::map<std::int64_t, std::vector<std::pair<std::int64_t, Leg>>> neighbours;
    for (std::size_t k = 0; k < accumulations.size(); ++k) {
        const PrecipitationAccumulation& accumulation = accumulations[k];
        if (accumulation.end <= accumulation.start) {
            continue;
        }
        neighbours[accumulation.start].push_back({accumulation.end, {k, true}});
        neighbours[accumulation.end].push_back({accumulation.start, {k, false}});
    }
    std::map<std::int64_t, std::pair<std::int64_t, Leg>> reachedFrom;  // time → (previous time, leg)
    std::queue<std::int64_t> frontier;
    frontier.push(start);
    std::set<std::int64_t> seen{start};
    while (!frontier.empty() && !seen.contains(end)) {
        const std::int64_t time = frontier.front();
        frontier.pop();
        for (const auto& [next, leg] : neighbours[time]) {
            if (seen.insert(next).second) {
                reachedFrom[next] = {time, leg};
                frontier.push(next);
            }
        }
    }
    std::vector<Leg> path;
    if (!seen.contains(end) || start == end) {
        return path;
    }
    for (std::int64_t time = end; time != start; time = reachedFrom.at(time).first) {
        path.insert(path.begin(), reachedFrom.at(time).second);
    }
    return path;
}

std::string missingText(const std::vector<PrecipitationAccumulation>& accumulations, std::int64_t start,
                        std::int64_t end)
{
    // Hours no window inside (start, end] covers: ERA5's hourly accumulations that are not there.
    std::vector<std::int64_t> uncovered;
    for (std::int64_t hour = start + hourSeconds; hour <= end; hour += hourSeconds) {
        bool covered = false;
        for (const PrecipitationAccumulation& accumulation : accumulations) {
            covered = covered || (accumulation.start >= start && accumulation.end <= end && accumulation.start < hour &&
                                  hour <= accumulation.end);
        }
        if (!covered) {
            uncovered.push_back(hour);
        }
    }
    // Windows ending at end that began earlier: the same start's accumulation to `start` completes
    // them (open data's step 0-6 for 0-12).
    std::string partners;
    for (const PrecipitationAccumulation& accumulation : accumulations) {
        if (accumulation.end == end && accumulation.start < start) {
            partners += (partners.empty() ? "" : ", or ") + std::string("tp ") + utcText(accumulation.start) + " to " +
                        utcText(start) + " (to subtract from " + accumulation.where + ")";
        }
    }
    std::string text;
    const bool someCovered = uncovered.size() < static_cast<std::size_t>((end - start) / hourSeconds);
    if (!uncovered.empty() && (someCovered || partners.empty())) {
        text = "tp for the hour" + std::string(uncovered.size() == 1 ? "" : "s") + " ending ";
        for (std::size_t k = 0; k < uncovered.size(); ++k) {
            text += (k == 0 ? "" : k + 1 == uncovered.size() ? " and " : ", ") + utcText(uncovered[k]);
        }
        text += someCovered ? " (the files' tp covers the other hours)" : "";
    }
    if (!partners.empty()) {
        text += (text.empty() ? "" : "; or ") + partners;
    }
    if (text.empty()) {
        text = "any tp accumulation over " + utcText(start) + " to " + utcText(end) +
               " (hourly, as ERA5 gives it, or from a forecast's start to both times, as ECMWF open data gives it)";
    }
    return text;
}

}  // namespace

DerivedPrecipitation precipitationOver(const std::vector<PrecipitationAccumulation>& accumulations, std::int64_t start,
                                       std::int64_t end)
{
    DerivedPrecipitation derived;
    const std::vector<Leg> path = shortestPath(accumulations, start, end);
    if (path.empty()) {
        derived.missing = missingText(accumulations, start, end);
        return derived;
    }
    const std::size_t points = accumulations[path.front().accumulation].values.size();
    std::vector<double> sum(points, 0.0);
    bool allForwards = true;
    for (const Leg& leg : path) {
        const std::vector<float>& values = accumulations[leg.accumulation].values;
        if (values.size() != points) {
            derived.missing = "tp on one grid (" + accumulations[leg.accumulation].where + " has " +
                              std::to_string(values.size()) + " points, others " + std::to_string(points) + ")";
            return derived;
        }
        const double sign = leg.forwards ? 1.0 : -1.0;
        for (std::size_t k = 0; k < points; ++k) {
            sum[k] += sign * static_cast<double>(values[k]);
        }
        allForwards = allForwards && leg.forwards;
    }
    derived.values.reserve(points);
    for (const double value : sum) {
        derived.values.push_back(static_cast<float>(value));
    }
    const PrecipitationAccumulation& first = accumulations[path.front().accumulation];
    if (path.size() == 1) {
        derived.how = windowText(first) + " (" + first.where + ")";
    } else if (allForwards) {
        derived.how = "the sum of " + std::to_string(path.size()) + " accumulations, " + windowText(first) + " … " +
                      windowText(accumulations[path.back().accumulation]) + " (" + first.where + " …)";
    } else {
        for (const Leg& leg : path) {
            const PrecipitationAccumulation& accumulation = accumulations[leg.accumulation];
            derived.how += (derived.how.empty() ? (leg.forwards ? "" : "− ") : (leg.forwards ? " + " : " − ")) +
                           windowText(accumulation) + " (" + accumulation.where + ")";
        }
    }
    return derived;
}

}  // namespace spreadcast::ic
