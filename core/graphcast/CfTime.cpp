#include "graphcast/CfTime.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace spreadcast::graphcast {

namespace {

constexpr std::int64_t nanosecondsPerSecond = 1'000'000'000;

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text)
{
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::int64_t nanosecondsPerUnit(const std::string& unit)
{
    static const std::pair<const char*, std::int64_t> units[] = {
        {"nanoseconds", 1},
        {"nanosecond", 1},
        {"ns", 1},
        {"microseconds", 1'000},
        {"microsecond", 1'000},
        {"us", 1'000},
        {"milliseconds", 1'000'000},
        {"millisecond", 1'000'000},
        {"ms", 1'000'000},
        {"seconds", nanosecondsPerSecond},
        {"second", nanosecondsPerSecond},
        {"secs", nanosecondsPerSecond},
        {"sec", nanosecondsPerSecond},
        {"s", nanosecondsPerSecond},
        {"minutes", 60 * nanosecondsPerSecond},
        {"minute", 60 * nanosecondsPerSecond},
        {"mins", 60 * nanosecondsPerSecond},
        {"min", 60 * nanosecondsPerSecond},
        {"hours", 3'600 * nanosecondsPerSecond},
        {"hour", 3'600 * nanosecondsPerSecond},
        {"hrs", 3'600 * nanosecondsPerSecond},
        {"hr", 3'600 * nanosecondsPerSecond},
        {"h", 3'600 * nanosecondsPerSecond},
        {"days", 86'400 * nanosecondsPerSecond},
        {"day", 86'400 * nanosecondsPerSecond},
        {"d", 86'400 * nanosecondsPerSecond},
    };
    for (const auto& [name, nanoseconds] : units) {
        if (unit == name) {
            return nanoseconds;
        }
    }
    throw std::invalid_argument("time unit '" + unit +
                                "' is not one of days, hours, minutes, seconds, "
                                "milliseconds, microseconds, nanoseconds");
}

// Reads an unsigned decimal field of 1…`maxDigits` digits at `position`, advancing it.
int readField(const std::string& text, std::size_t& position, std::size_t maxDigits, const std::string& what)
{
    const std::size_t start = position;
    int value = 0;
    while (position < text.size() && position - start < maxDigits &&
           std::isdigit(static_cast<unsigned char>(text[position]))) {
        value = value * 10 + (text[position] - '0');
        ++position;
    }
    if (position == start) {
        throw std::invalid_argument("the reference date '" + text + "' has no " + what);
    }
    return value;
}

void expectCharacter(const std::string& text, std::size_t& position, char expected)
{
    if (position >= text.size() || text[position] != expected) {
        throw std::invalid_argument("the reference date '" + text + "' is not written YYYY-MM-DD[ HH:MM:SS]");
    }
    ++position;
}

// Seconds east of UTC of a zone suffix: "", "Z", "UTC", "+HH:MM", "-HHMM", "+H".
std::int64_t zoneOffsetSeconds(const std::string& text, const std::string& date)
{
    const std::string zone = trim(text);
    if (zone.empty() || zone == "Z" || zone == "UTC" || zone == "utc") {
        return 0;
    }
    if (zone[0] != '+' && zone[0] != '-') {
        throw std::invalid_argument("the reference date '" + date + "' ends in '" + zone + "', not a time zone");
    }
    std::size_t position = 1;
    const int hours = readField(zone, position, 2, "time-zone hours");
    int minutes = 0;
    if (position < zone.size()) {
        if (zone[position] == ':') {
            ++position;
        }
        minutes = readField(zone, position, 2, "time-zone minutes");
    }
    if (position != zone.size() || hours > 14 || minutes > 59) {
        throw std::invalid_argument("the reference date '" + date + "' has a malformed time zone '" + zone + "'");
    }
    const std::int64_t offset = hours * 3'600 + minutes * 60;
    return zone[0] == '-' ? -offset : offset;
}

std::int64_t parseReferenceDate(const std::string& date)
{
    std::size_t position = 0;
    const int year = readField(date, position, 4, "year");
    expectCharacter(date, position, '-');
    const int month = readField(date, position, 2, "month");
    expectCharacter(date, position, '-');
    const int day = readField(date, position, 2, "day");
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (position < date.size() && (date[position] == ' ' || date[position] == 'T') && position + 1 < date.size() &&
        std::isdigit(static_cast<unsigned char>(date[position + 1]))) {
        ++position;
        hour = readField(date, position, 2, "hour");
        expectCharacter(date, position, ':');
        minute = readField(date, position, 2, "minute");
        if (position < date.size() && date[position] == ':') {
            ++position;
            second = readField(date, position, 2, "second");
            if (position < date.size() && date[position] == '.') {  // fractions of the reference second
                ++position;
                while (position < date.size() && std::isdigit(static_cast<unsigned char>(date[position]))) {
                    ++position;
                }
            }
        }
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        throw std::invalid_argument("the reference date '" + date + "' is not a valid date and time");
    }
    const std::int64_t offset = zoneOffsetSeconds(date.substr(position), date);
    return daysFromCivil(year, month, day) * 86'400 + hour * 3'600 + minute * 60 + second - offset;
}

std::int64_t floorDivide(std::int64_t numerator, std::int64_t denominator)
{
    std::int64_t quotient = numerator / denominator;
    if (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) {
        --quotient;
    }
    return quotient;
}

std::int64_t addReference(std::int64_t seconds, const CfTimeUnits& units)
{
    std::int64_t sum = 0;
    if (__builtin_add_overflow(seconds, units.referenceSeconds, &sum)) {
        throw std::out_of_range("the time is beyond what 64-bit seconds hold");
    }
    return sum;
}

}  // namespace

std::int64_t daysFromCivil(std::int64_t year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t yearOfEra = year - era * 400;
    const std::int64_t dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const std::int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146'097 + dayOfEra - 719'468;
}

CfTimeUnits parseCfTimeUnits(const std::string& units)
{
    const std::string text = trim(units);
    const std::size_t since = lowercase(text).find(" since ");
    if (since == std::string::npos) {
        throw std::invalid_argument("time units '" + units + "' are not of the form '<unit> since <date>'");
    }
    CfTimeUnits parsed;
    parsed.nanosecondsPerUnit = nanosecondsPerUnit(lowercase(trim(text.substr(0, since))));
    parsed.referenceSeconds = parseReferenceDate(trim(text.substr(since + 7)));
    return parsed;
}

void requireGregorianCalendar(const std::string& calendar)
{
    const std::string name = lowercase(trim(calendar));
    if (!name.empty() && name != "standard" && name != "gregorian" && name != "proleptic_gregorian") {
        throw std::invalid_argument("calendar '" + calendar +
                                    "' is not supported (only standard, gregorian and proleptic_gregorian are)");
    }
}

std::int64_t cfTimeToUnixSeconds(long long value, const CfTimeUnits& units)
{
    const std::int64_t perUnit = units.nanosecondsPerUnit;
    if (perUnit < nanosecondsPerSecond) {
        return addReference(floorDivide(value, nanosecondsPerSecond / perUnit), units);
    }
    std::int64_t seconds = 0;
    if (__builtin_mul_overflow(static_cast<std::int64_t>(value), perUnit / nanosecondsPerSecond, &seconds)) {
        throw std::out_of_range("the time is beyond what 64-bit seconds hold");
    }
    return addReference(seconds, units);
}

std::int64_t cfTimeToUnixSeconds(double value, const CfTimeUnits& units)
{
    const double seconds = std::floor(value * (static_cast<double>(units.nanosecondsPerUnit) / 1e9));
    if (!(std::abs(seconds) < 9.0e18)) {
        throw std::out_of_range("the time is not finite or beyond what 64-bit seconds hold");
    }
    return addReference(static_cast<std::int64_t>(seconds), units);
}

}  // namespace spreadcast::graphcast
