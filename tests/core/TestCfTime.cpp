#include "io/CfTimeUnits.h"

#include <QtTest>

#include <cstdint>
#include <optional>
#include <stdexcept>

using namespace spreadcast;

// CF time values to exact seconds since 1970 (CfTimeUnits::unixSeconds), as GraphCast's inputs
// and forcings need them: every unit xarray writes, integers exact to all 64 bits.
class TestCfTime : public QObject {
    Q_OBJECT

private slots:
    void convertsTheUnitsXarrayWrites_data();
    void convertsTheUnitsXarrayWrites();
    void keepsEverySecondOfLargeNanosecondCounts();
    void roundsSubSecondValuesDown();
    void refusesWhatIsNotADate();
};

void TestCfTime::convertsTheUnitsXarrayWrites_data()
{
    QTest::addColumn<QString>("units");
    QTest::addColumn<qlonglong>("value");
    QTest::addColumn<qlonglong>("seconds");
    // 2022-01-01 00:00 UTC is 18993 days after 1970-01-01: 1640995200 s.
    QTest::newRow("hours") << "hours since 2022-01-01 00:00:00" << 6LL << 1640995200LL + 21600;
    QTest::newRow("date only") << "days since 2022-01-01" << 1LL << 1640995200LL + 86400;
    QTest::newRow("nanoseconds") << "nanoseconds since 2022-01-01" << 43'200'000'000'000LL << 1640995200LL + 43200;
    QTest::newRow("ISO T and Z") << "seconds since 1970-01-01T00:00:00Z" << 1640995200LL << 1640995200LL;
    QTest::newRow("zone offset") << "hours since 2022-01-01 06:00:00+06:00" << 0LL << 1640995200LL;
    QTest::newRow("before the reference") << "minutes since 2022-01-01 00:00" << -60LL << 1640995200LL - 3600;
    // 1900-01-01 is 25567 days before 1970 (17 leap days in 1904 … 1968).
    QTest::newRow("before 1970") << "days since 1900-01-01" << 0LL << -25567LL * 86400;
    // 2000-03-01, after the leap day of a year divisible by 400: 11017 days.
    QTest::newRow("leap century") << "days since 2000-02-28" << 2LL << 11017LL * 86400;
}

void TestCfTime::convertsTheUnitsXarrayWrites()
{
    QFETCH(QString, units);
    QFETCH(qlonglong, value);
    QFETCH(qlonglong, seconds);
    const CfTimeUnits parsed = CfTimeUnits::parse(units.toStdString(), "proleptic_gregorian");
    QCOMPARE(parsed.unixSeconds(static_cast<long long>(value)), std::optional<std::int64_t>(seconds));
    QCOMPARE(parsed.unixSeconds(static_cast<double>(value)), std::optional<std::int64_t>(seconds));
    const CfTimeUnits standard = CfTimeUnits::parse(units.toStdString(), "");
    QCOMPARE(standard.unixSeconds(static_cast<long long>(value)), std::optional<std::int64_t>(seconds));
}

void TestCfTime::keepsEverySecondOfLargeNanosecondCounts()
{
    // 2^62 + 10^9 − 1 ns is not a double: a detour through double would lose the last second.
    const CfTimeUnits nanoseconds = CfTimeUnits::parse("nanoseconds since 1970-01-01", "");
    const long long value = (1LL << 62) + 999'999'999LL;
    QCOMPARE(nanoseconds.unixSeconds(value), std::optional<std::int64_t>(value / 1'000'000'000LL));
    QCOMPARE(nanoseconds.unixSeconds(std::numeric_limits<long long>::min()),
             std::optional<std::int64_t>(std::numeric_limits<long long>::min() / 1'000'000'000LL - 1));
}

void TestCfTime::roundsSubSecondValuesDown()
{
    const CfTimeUnits milliseconds = CfTimeUnits::parse("milliseconds since 1970-01-01", "");
    QCOMPARE(milliseconds.unixSeconds(1999LL), std::optional<std::int64_t>(1));
    QCOMPARE(milliseconds.unixSeconds(-1LL), std::optional<std::int64_t>(-1));
    const CfTimeUnits hours = CfTimeUnits::parse("hours since 2022-01-01", "");
    QCOMPARE(hours.unixSeconds(0.5), std::optional<std::int64_t>(1640995200LL + 1800));
    QCOMPARE(hours.unixSeconds(-0.0001), std::optional<std::int64_t>(1640995200LL - 1));
}

void TestCfTime::refusesWhatIsNotADate()
{
    QVERIFY(!CfTimeUnits::parse("hours", "").unixSeconds(6LL));                         // a duration
    QVERIFY(!CfTimeUnits::parse("days since 2000-01-01", "360_day").unixSeconds(1LL));  // not real dates
    QVERIFY(!CfTimeUnits::parse("days since 2000-01-01", "noleap").unixSeconds(1LL));
    QVERIFY(!CfTimeUnits::parse("days since 1970-01-01", "").unixSeconds(9'000'000'000'000'000'000.0));
    QVERIFY(!CfTimeUnits::parse("days since 1970-01-01", "").unixSeconds(9'000'000'000'000'000'00LL));
    QVERIFY(!CfTimeUnits::parse("hours since 2022-01-01", "").unixSeconds(std::nan("")));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CfTimeUnits::parse("fortnights since 2022-01-01", ""));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CfTimeUnits::parse("hours since 2022-13-01", ""));
}

QTEST_GUILESS_MAIN(TestCfTime)
#include "TestCfTime.moc"
