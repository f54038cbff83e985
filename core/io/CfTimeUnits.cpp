#include "io/CfTimeUnits.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace spreadcast {
namespace {

constexpr int secondsPerDay = 86400;

long long floorDivide(long long numerator, long long denominator)
{
    const long long quotient = numerator / denominator;
    return quotient * denominator > numerator ? quotient - 1 : quotient;
}

std::string lowercase(std::string_view text)
{
    std::string result(text);
    for (char& c : result) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return result;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.front())) != 0 || text.front() == '\0')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())) != 0 || text.back() == '\0')) {
        text.remove_suffix(1);
    }
    return text;
}

bool isLeapGregorian(long long year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool isLeapJulian(long long year)
{
    return floorDivide(year, 4) * 4 == year;
}

int monthLength(CfCalendar calendar, long long year, int month)
{
    static constexpr std::array<int, 12> common{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (calendar == CfCalendar::Day360) {
        return 30;
    }
    if (month != 2) {
        return common[static_cast<std::size_t>(month - 1)];
    }
    switch (calendar) {
    case CfCalendar::NoLeap: return 28;
    case CfCalendar::AllLeap: return 29;
    case CfCalendar::Julian: return isLeapJulian(year) ? 29 : 28;
    case CfCalendar::ProlepticGregorian: return isLeapGregorian(year) ? 29 : 28;
    case CfCalendar::Standard: return (year > 1582 ? isLeapGregorian(year) : isLeapJulian(year)) ? 29 : 28;
    case CfCalendar::Day360: break;
    }
    return 28;
}

// Day of a year that starts on 1 March (so a leap day ends it): 0 … 365 (H. Hinnant,
// "chrono-compatible low-level date algorithms", days_from_civil).
long long dayOfMarchYear(int month, int day)
{
    return (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
}

// Julian Day Numbers (JDN 0 = Julian 4713 BC January 1 = proleptic Gregorian 4714 BC November 24).
constexpr long long julianDayOfUnixEpoch = 2440588;        // Gregorian 1970-01-01
constexpr long long julianDayOfGregorianReform = 2299161;  // Gregorian 1582-10-15
constexpr long long julianCalendarOffset = 1721118;        // JDN of Julian 0000-03-01 (March-based year 0)

long long gregorianJulianDay(long long year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const long long era = floorDivide(year, 400);
    const long long yearOfEra = year - era * 400;
    const long long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfMarchYear(month, day);
    return era * 146097 + dayOfEra - 719468 + julianDayOfUnixEpoch;
}

long long julianJulianDay(long long year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const long long era = floorDivide(year, 4);
    const long long yearOfEra = year - era * 4;
    return era * 1461 + yearOfEra * 365 + dayOfMarchYear(month, day) + julianCalendarOffset;
}

// Month and day of a day of a March-based year, and whether that puts it in the next civil year.
void monthAndDay(long long dayOfYear, CfDateTime& date)
{
    const long long monthIndex = (5 * dayOfYear + 2) / 153;
    date.day = static_cast<int>(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    date.month = static_cast<int>(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
}

CfDateTime gregorianDate(long long julianDay)
{
    const long long days = julianDay - julianDayOfUnixEpoch + 719468;
    const long long era = floorDivide(days, 146097);
    const long long dayOfEra = days - era * 146097;
    const long long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    CfDateTime date;
    monthAndDay(dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100), date);
    date.year = yearOfEra + era * 400 + (date.month <= 2 ? 1 : 0);
    return date;
}

CfDateTime julianDate(long long julianDay)
{
    const long long days = julianDay - julianCalendarOffset;
    const long long era = floorDivide(days, 1461);
    const long long dayOfEra = days - era * 1461;
    const long long yearOfEra = std::min<long long>(dayOfEra / 365, 3);  // the leap year's last day is 1460
    CfDateTime date;
    monthAndDay(dayOfEra - yearOfEra * 365, date);
    date.year = era * 4 + yearOfEra + (date.month <= 2 ? 1 : 0);
    return date;
}

// Days before each month in a year of fixed length.
constexpr std::array<int, 13> daysBeforeMonthNoLeap{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
constexpr std::array<int, 13> daysBeforeMonthAllLeap{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366};

CfDateTime fixedYearDate(long long number, const std::array<int, 13>& daysBeforeMonth)
{
    const int yearLength = daysBeforeMonth[12];
    CfDateTime date;
    date.year = floorDivide(number, yearLength);
    const long long dayOfYear = number - date.year * yearLength;
    date.month = 1;
    while (daysBeforeMonth[static_cast<std::size_t>(date.month)] <= dayOfYear) {
        ++date.month;
    }
    date.day = static_cast<int>(dayOfYear - daysBeforeMonth[static_cast<std::size_t>(date.month - 1)] + 1);
    return date;
}

// A whole number at text[at…], optionally signed; advances at. False when there is none.
bool readInteger(std::string_view text, std::size_t& at, long long& value, bool allowSign)
{
    bool negative = false;
    std::size_t k = at;
    if (allowSign && k < text.size() && (text[k] == '-' || text[k] == '+')) {
        negative = text[k] == '-';
        ++k;
    }
    const std::size_t digits = k;
    value = 0;
    while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k])) != 0 && k - digits < 12) {
        value = value * 10 + (text[k] - '0');
        ++k;
    }
    if (k == digits) {
        return false;
    }
    value = negative ? -value : value;
    at = k;
    return true;
}

bool readSeconds(std::string_view text, std::size_t& at, double& value)
{
    long long whole = 0;
    if (!readInteger(text, at, whole, false)) {
        return false;
    }
    value = static_cast<double>(whole);
    if (at < text.size() && text[at] == '.') {
        double scale = 0.1;
        for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0; ++at) {
            value += scale * (text[at] - '0');
            scale /= 10.0;
        }
    }
    return true;
}

// "YYYY-MM-DD[( |T)hh[:mm[:ss[.f]]]][ ][Z|UTC|±hh[[:]mm]]" → the date and time, and the zone's
// offset east of UTC in seconds.
CfDateTime parseReference(std::string_view text, double& zoneSeconds)
{
    const auto fail = [&](const std::string& why) {
        return std::invalid_argument("reference time '" + std::string(text) + "' " + why +
                                     ": expected YYYY-MM-DD hh:mm:ss, e.g. 'hours since 2021-03-04 00:00:00'");
    };
    CfDateTime date;
    std::size_t at = 0;
    long long month = 0;
    long long day = 0;
    if (!readInteger(text, at, date.year, true) || at >= text.size() || text[at++] != '-' ||
        !readInteger(text, at, month, false) || at >= text.size() || text[at++] != '-' ||
        !readInteger(text, at, day, false)) {
        throw fail("is not a date");
    }
    date.month = static_cast<int>(month);
    date.day = static_cast<int>(day);
    if (at < text.size() && (text[at] == 'T' || text[at] == 't' || text[at] == ' ')) {
        std::size_t k = at + 1;
        while (k < text.size() && text[k] == ' ') {
            ++k;
        }
        long long hour = 0;
        if (readInteger(text, k, hour, false)) {
            at = k;
            date.hour = static_cast<int>(hour);
            long long minute = 0;
            if (at < text.size() && text[at] == ':') {
                ++at;
                if (!readInteger(text, at, minute, false)) {
                    throw fail("has no minutes after the hour's ':'");
                }
                date.minute = static_cast<int>(minute);
                if (at < text.size() && text[at] == ':') {
                    ++at;
                    if (!readSeconds(text, at, date.second)) {
                        throw fail("has no seconds after the minutes' ':'");
                    }
                }
            }
        }
    }
    if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31 || date.hour > 24 || date.minute > 59 ||
        date.second >= 61.0) {
        throw fail("is out of range");
    }
    std::string zone = lowercase(trimmed(text.substr(at)));
    zoneSeconds = 0.0;
    if (!zone.empty() && zone != "z" && zone != "utc" && zone != "gmt") {
        std::size_t k = 0;
        long long hours = 0;
        long long minutes = 0;
        if (zone[0] != '+' && zone[0] != '-') {
            throw fail("ends in '" + zone + "', which is not a time zone");
        }
        const std::size_t signAt = k;
        ++k;
        const std::size_t digitsAt = k;
        if (!readInteger(zone, k, hours, false)) {
            throw fail("has a time zone without hours");
        }
        if (k - digitsAt == 4) {  // "+0530"
            minutes = hours % 100;
            hours /= 100;
        } else if (k < zone.size() && zone[k] == ':') {
            ++k;
            if (!readInteger(zone, k, minutes, false)) {
                throw fail("has a time zone without minutes after ':'");
            }
        }
        if (k != zone.size() || hours > 14 || minutes > 59) {
            throw fail("has a time zone that is not ±hh:mm");
        }
        zoneSeconds = (zone[signAt] == '-' ? -1.0 : 1.0) * static_cast<double>(hours * 3600 + minutes * 60);
    }
    return date;
}

}  // namespace

std::optional<CfCalendar> parseCfCalendar(std::string_view attribute)
{
    const std::string name = lowercase(trimmed(attribute));
    if (name.empty() || name == "standard" || name == "gregorian") {
        return CfCalendar::Standard;
    }
    if (name == "proleptic_gregorian") {
        return CfCalendar::ProlepticGregorian;
    }
    if (name == "julian") {
        return CfCalendar::Julian;
    }
    if (name == "noleap" || name == "365_day") {
        return CfCalendar::NoLeap;
    }
    if (name == "all_leap" || name == "366_day") {
        return CfCalendar::AllLeap;
    }
    if (name == "360_day") {
        return CfCalendar::Day360;
    }
    return std::nullopt;
}

std::string_view calendarName(CfCalendar calendar)
{
    switch (calendar) {
    case CfCalendar::Standard: return "standard";
    case CfCalendar::ProlepticGregorian: return "proleptic_gregorian";
    case CfCalendar::Julian: return "julian";
    case CfCalendar::NoLeap: return "noleap";
    case CfCalendar::AllLeap: return "all_leap";
    case CfCalendar::Day360: return "360_day";
    }
    return "standard";
}

std::string CfDateTime::text() const
{
    std::array<char, 64> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04lld-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute,
                  static_cast<int>(std::floor(second)));
    return buffer.data();
}

std::optional<long long> dayNumber(CfCalendar calendar, long long year, int month, int day)
{
    if (month < 1 || month > 12 || day < 1 || day > monthLength(calendar, year, month)) {
        return std::nullopt;
    }
    switch (calendar) {
    case CfCalendar::ProlepticGregorian: return gregorianJulianDay(year, month, day);
    case CfCalendar::Julian: return julianJulianDay(year, month, day);
    case CfCalendar::Standard: {
        const long long gregorian = gregorianJulianDay(year, month, day);
        if (gregorian >= julianDayOfGregorianReform) {
            return gregorian;
        }
        const long long julian = julianJulianDay(year, month, day);
        if (julian < julianDayOfGregorianReform) {
            return julian;
        }
        return std::nullopt;  // 1582-10-05 … 1582-10-14: the days the reform left out
    }
    case CfCalendar::NoLeap: return year * 365 + daysBeforeMonthNoLeap[static_cast<std::size_t>(month - 1)] + day - 1;
    case CfCalendar::AllLeap: return year * 366 + daysBeforeMonthAllLeap[static_cast<std::size_t>(month - 1)] + day - 1;
    case CfCalendar::Day360: return year * 360 + (month - 1) * 30 + day - 1;
    }
    return std::nullopt;
}

CfDateTime dateOfDayNumber(CfCalendar calendar, long long number)
{
    switch (calendar) {
    case CfCalendar::ProlepticGregorian: return gregorianDate(number);
    case CfCalendar::Julian: return julianDate(number);
    case CfCalendar::Standard: return number >= julianDayOfGregorianReform ? gregorianDate(number) : julianDate(number);
    case CfCalendar::NoLeap: return fixedYearDate(number, daysBeforeMonthNoLeap);
    case CfCalendar::AllLeap: return fixedYearDate(number, daysBeforeMonthAllLeap);
    case CfCalendar::Day360: {
        CfDateTime date;
        date.year = floorDivide(number, 360);
        const long long dayOfYear = number - date.year * 360;
        date.month = static_cast<int>(dayOfYear / 30 + 1);
        date.day = static_cast<int>(dayOfYear % 30 + 1);
        return date;
    }
    }
    return {};
}

CfTimeUnits CfTimeUnits::parse(std::string_view unitsText, std::string_view calendarAttribute)
{
    const std::string_view original = trimmed(unitsText);
    const std::string units = lowercase(original);
    const std::size_t since = units.find(" since ");
    const std::string unit(trimmed(std::string_view(units).substr(0, since)));
    CfTimeUnits result;
    if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds") {
        result.secondsPerUnit_ = 1.0;
        result.nanosecondsPerUnit_ = 1'000'000'000;
    } else if (unit == "ms" || unit == "msec" || unit == "millisecond" || unit == "milliseconds") {
        result.secondsPerUnit_ = 1e-3;
        result.nanosecondsPerUnit_ = 1'000'000;
    } else if (unit == "us" || unit == "microsecond" || unit == "microseconds") {
        result.secondsPerUnit_ = 1e-6;
        result.nanosecondsPerUnit_ = 1'000;
    } else if (unit == "ns" || unit == "nanosecond" || unit == "nanoseconds") {
        result.secondsPerUnit_ = 1e-9;
        result.nanosecondsPerUnit_ = 1;
    } else if (unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes") {
        result.secondsPerUnit_ = 60.0;
        result.nanosecondsPerUnit_ = 60'000'000'000;
    } else if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hour" || unit == "hours") {
        result.secondsPerUnit_ = 3600.0;
        result.nanosecondsPerUnit_ = 3'600'000'000'000;
    } else if (unit == "d" || unit == "day" || unit == "days") {
        result.secondsPerUnit_ = secondsPerDay;
        result.nanosecondsPerUnit_ = 86'400'000'000'000;
    } else if (unit == "month" || unit == "months" || unit == "year" || unit == "years" || unit == "yr" ||
               unit == "common_year" || unit == "common_years") {
        throw std::invalid_argument("time units '" + std::string(original) +
                                    "' count months or years, which have no fixed length (CF 1.8 §4.4) — use days, "
                                    "hours, minutes or seconds");
    } else {
        throw std::invalid_argument("units '" + std::string(original) +
                                    "' are not time units: expected '<days|hours|minutes|seconds> since <date>'");
    }
    const std::optional<CfCalendar> calendar = parseCfCalendar(calendarAttribute);
    if (!calendar) {
        throw std::invalid_argument("calendar '" + std::string(trimmed(calendarAttribute)) +
                                    "' is not one of CF 1.8's: standard (gregorian), proleptic_gregorian, julian, "
                                    "noleap (365_day), all_leap (366_day), 360_day");
    }
    result.calendar_ = *calendar;
    if (since == std::string::npos) {
        return result;
    }
    double zoneSeconds = 0.0;
    const CfDateTime reference = parseReference(trimmed(original.substr(since + 7)), zoneSeconds);
    const std::optional<long long> day = dayNumber(result.calendar_, reference.year, reference.month, reference.day);
    if (!day) {
        throw std::invalid_argument("reference date " + reference.text().substr(0, 10) + " of '" +
                                    std::string(original) + "' does not exist in the " +
                                    std::string(calendarName(result.calendar_)) + " calendar");
    }
    // UTC = local time − the zone's offset east of UTC.
    const double second = reference.hour * 3600.0 + reference.minute * 60.0 + reference.second - zoneSeconds;
    const long long dayShift = static_cast<long long>(std::floor(second / secondsPerDay));
    result.referenceDay_ = *day + dayShift;
    result.referenceSecond_ = second - static_cast<double>(dayShift) * secondsPerDay;
    result.reference_ = reference;
    return result;
}

std::optional<CfDateTime> CfTimeUnits::dateTime(double value) const
{
    const double offset = value * secondsPerUnit_;
    // A billion years of seconds: far beyond any forecast, and well inside long long.
    if (!reference_ || !std::isfinite(offset) || std::abs(offset) > 3.2e16) {
        return std::nullopt;
    }
    const long long seconds = std::llround(referenceSecond_ + offset);
    const long long days = floorDivide(seconds, secondsPerDay);
    const long long secondOfDay = seconds - days * secondsPerDay;
    CfDateTime date = dateOfDayNumber(calendar_, referenceDay_ + days);
    date.hour = static_cast<int>(secondOfDay / 3600);
    date.minute = static_cast<int>(secondOfDay / 60 % 60);
    date.second = static_cast<double>(secondOfDay % 60);
    return date;
}

std::optional<std::string> CfTimeUnits::text(double value) const
{
    const std::optional<CfDateTime> date = dateTime(value);
    return date ? std::optional<std::string>(date->text()) : std::nullopt;
}

namespace {

constexpr std::int64_t nanosecondsPerSecond = 1'000'000'000;

std::int64_t floorDivide64(std::int64_t numerator, std::int64_t denominator)
{
    const std::int64_t quotient = numerator / denominator;
    return (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) ? quotient - 1 : quotient;
}

}  // namespace

// Seconds (rounded down) and the nanoseconds after them from 1970-01-01 00:00 UTC to the
// reference, for the Gregorian calendars.
std::optional<std::pair<std::int64_t, std::int64_t>> CfTimeUnits::referenceFromEpoch() const
{
    if (!reference_ || (calendar_ != CfCalendar::Standard && calendar_ != CfCalendar::ProlepticGregorian)) {
        return std::nullopt;
    }
    const long long epochDay = *dayNumber(calendar_, 1970, 1, 1);
    const long long nanosecondOfDay = std::llround(referenceSecond_ * 1e9);  // < 86400 · 10⁹ < 2⁶³
    const std::int64_t seconds =
        (referenceDay_ - epochDay) * 86'400 + floorDivide64(nanosecondOfDay, nanosecondsPerSecond);
    return std::pair{seconds,
                     nanosecondOfDay - floorDivide64(nanosecondOfDay, nanosecondsPerSecond) * nanosecondsPerSecond};
}

std::optional<std::int64_t> CfTimeUnits::unixSeconds(long long value) const
{
    const auto reference = referenceFromEpoch();
    if (!reference) {
        return std::nullopt;
    }
    // value · nanosecondsPerUnit_ as whole seconds plus nanoseconds, without overflowing 64 bits:
    // units of a second or longer are whole seconds, shorter ones divide a second evenly.
    std::int64_t seconds = 0;
    std::int64_t nanoseconds = 0;
    if (nanosecondsPerUnit_ >= nanosecondsPerSecond) {
        if (__builtin_mul_overflow(static_cast<std::int64_t>(value), nanosecondsPerUnit_ / nanosecondsPerSecond,
                                   &seconds)) {
            return std::nullopt;
        }
    } else {
        const std::int64_t unitsPerSecond = nanosecondsPerSecond / nanosecondsPerUnit_;
        seconds = value / unitsPerSecond;
        std::int64_t remainder = value % unitsPerSecond;
        if (remainder < 0) {
            seconds -= 1;
            remainder += unitsPerSecond;
        }
        nanoseconds = remainder * nanosecondsPerUnit_;
    }
    nanoseconds += reference->second;  // both in [0, 10⁹)
    std::int64_t total = 0;
    if (__builtin_add_overflow(seconds, reference->first, &total) ||
        __builtin_add_overflow(total, nanoseconds / nanosecondsPerSecond, &total)) {
        return std::nullopt;
    }
    return total;
}

std::optional<std::int64_t> CfTimeUnits::unixSeconds(double value) const
{
    if (!std::isfinite(value)) {
        return std::nullopt;
    }
    // Whole values within 2^63 go the exact way; fractions of a unit through long double (64-bit
    // mantissa: a tenth of a nanosecond at today's dates), rounded down to the second.
    if (value == std::floor(value) && std::abs(value) < 9.2e18) {
        return unixSeconds(static_cast<long long>(value));
    }
    const auto reference = referenceFromEpoch();
    if (!reference) {
        return std::nullopt;
    }
    const long double seconds =
        std::floor(static_cast<long double>(reference->first) + static_cast<long double>(reference->second) / 1e9L +
                   static_cast<long double>(value) * static_cast<long double>(nanosecondsPerUnit_) / 1e9L);
    if (!(std::abs(seconds) < 9.2e18L)) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(seconds);
}

}  // namespace spreadcast
