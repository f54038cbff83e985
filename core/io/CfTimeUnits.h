#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace spreadcast {

// The calendars of CF 1.8 §4.4.1. Standard is the mixed Julian/Gregorian calendar (Julian up
// to 1582-10-04, Gregorian from the next day, 1582-10-15); the others hold for every year.
enum class CfCalendar { Standard, ProlepticGregorian, Julian, NoLeap, AllLeap, Day360 };

// The calendar attribute's value (case-insensitive; "gregorian" is Standard, "365_day" NoLeap,
// "366_day" AllLeap; an empty attribute means Standard, as CF says); nullopt for "none" and
// anything else.
std::optional<CfCalendar> parseCfCalendar(std::string_view attribute);
std::string_view calendarName(CfCalendar calendar);  // "standard", "noleap", "360_day", …

// A date and time of day in some calendar.
struct CfDateTime {
    long long year = 0;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    double second = 0.0;
    // "YYYY-MM-DD HH:MM:SS", seconds rounded down (a time decodeTime made is already whole).
    std::string text() const;
};

// Day number of a date in a calendar (consecutive days are consecutive numbers; the origin is
// the calendar's own), and back. dayNumber returns nullopt for a date the calendar lacks
// (2001-02-29 in Gregorian, 1582-10-10 in Standard, 2000-02-31 in all but none).
std::optional<long long> dayNumber(CfCalendar calendar, long long year, int month, int day);
CfDateTime dateOfDayNumber(CfCalendar calendar, long long number);

// CF time units, "<unit> since <reference>" (CF 1.8 §4.4: seconds, minutes, hours, days and
// their abbreviations; the reference "YYYY-MM-DD[ hh:mm[:ss[.f]]][ zone]", a 'T' before the
// time allowed, the zone "Z", "UTC" or "±hh[:mm]"), or a bare duration unit ("hours") for an
// axis of lead times without a date, as xarray writes time deltas.
class CfTimeUnits {
public:
    // Throws std::invalid_argument saying what is wrong (months and years are refused: they have
    // no fixed length, CF 1.8 §4.4).
    static CfTimeUnits parse(std::string_view units, std::string_view calendarAttribute);

    double secondsPerUnit() const { return secondsPerUnit_; }
    bool hasReference() const { return reference_.has_value(); }
    CfCalendar calendar() const { return calendar_; }
    // Hours after the reference (or after zero, for a bare duration) of a value in these units.
    double hours(double value) const { return value * secondsPerUnit_ / 3600.0; }
    // The date and time, to the nearest second, of a value in these units, in the calendar;
    // nullopt without a reference, for a value that is not finite, or one beyond year ±1e9.
    std::optional<CfDateTime> dateTime(double value) const;
    // dateTime's text, or nullopt.
    std::optional<std::string> text(double value) const;
    // Seconds since 1970-01-01 00:00 UTC of a value in these units, rounded down to whole seconds
    // and exact for every integer value (no detour through double): what GraphCast's forcings and
    // the learned models' inputs need. nullopt without a reference, in calendars other than
    // standard and proleptic_gregorian (whose dates are not real dates), for a value that is not
    // finite, or for a result beyond 64 bits.
    std::optional<std::int64_t> unixSeconds(long long value) const;
    std::optional<std::int64_t> unixSeconds(double value) const;

private:
    std::optional<std::pair<std::int64_t, std::int64_t>> referenceFromEpoch() const;

    double secondsPerUnit_ = 1.0;
    std::int64_t nanosecondsPerUnit_ = 1'000'000'000;
    std::optional<CfDateTime> reference_;  // in UTC
    long long referenceDay_ = 0;           // dayNumber of the reference date
    double referenceSecond_ = 0.0;         // of its day
    CfCalendar calendar_ = CfCalendar::Standard;
};

}  // namespace spreadcast
