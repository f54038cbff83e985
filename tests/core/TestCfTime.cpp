#include "graphcast/CfTime.h"

#include <QtTest>

#include <stdexcept>

using namespace spreadcast::graphcast;

class TestCfTime : public QObject {
    Q_OBJECT

private slots:
    void daysFromCivilMatchesKnownDates();
    void convertsTheUnitsXarrayWrites_data();
    void convertsTheUnitsXarrayWrites();
    void roundsSubSecondValuesDown();
    void refusesMalformedUnitsAndOtherCalendars();
};

void TestCfTime::daysFromCivilMatchesKnownDates()
{
    QCOMPARE(daysFromCivil(1970, 1, 1), std::int64_t{0});
    QCOMPARE(daysFromCivil(2000, 3, 1), std::int64_t{11017});  // after the leap day of a year divisible by 400
    QCOMPARE(daysFromCivil(2022, 1, 1), std::int64_t{18993});  // 1640995200 s / 86400
    QCOMPARE(daysFromCivil(1900, 1, 1), std::int64_t{-25567});
}

void TestCfTime::convertsTheUnitsXarrayWrites_data()
{
    QTest::addColumn<QString>("units");
    QTest::addColumn<qlonglong>("value");
    QTest::addColumn<qlonglong>("seconds");
    QTest::newRow("hours") << "hours since 2022-01-01 00:00:00" << 6LL << 1640995200LL + 21600;
    QTest::newRow("date only") << "days since 2022-01-01" << 1LL << 1640995200LL + 86400;
    QTest::newRow("nanoseconds") << "nanoseconds since 2022-01-01" << 43'200'000'000'000LL << 1640995200LL + 43200;
    QTest::newRow("ISO T and Z") << "seconds since 1970-01-01T00:00:00Z" << 1640995200LL << 1640995200LL;
    QTest::newRow("zone offset") << "hours since 2022-01-01 06:00:00+06:00" << 0LL << 1640995200LL;
    QTest::newRow("before the reference") << "minutes since 2022-01-01 00:00" << -60LL << 1640995200LL - 3600;
}

void TestCfTime::convertsTheUnitsXarrayWrites()
{
    QFETCH(QString, units);
    QFETCH(qlonglong, value);
    QFETCH(qlonglong, seconds);
    const CfTimeUnits parsed = parseCfTimeUnits(units.toStdString());
    QCOMPARE(cfTimeToUnixSeconds(static_cast<long long>(value), parsed), static_cast<std::int64_t>(seconds));
    QCOMPARE(cfTimeToUnixSeconds(static_cast<double>(value), parsed), static_cast<std::int64_t>(seconds));
}

void TestCfTime::roundsSubSecondValuesDown()
{
    const CfTimeUnits milliseconds = parseCfTimeUnits("milliseconds since 1970-01-01");
    QCOMPARE(cfTimeToUnixSeconds(1999LL, milliseconds), std::int64_t{1});
    QCOMPARE(cfTimeToUnixSeconds(-1LL, milliseconds), std::int64_t{-1});
}

void TestCfTime::refusesMalformedUnitsAndOtherCalendars()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseCfTimeUnits("hours"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseCfTimeUnits("fortnights since 2022-01-01"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseCfTimeUnits("hours since 2022-13-01"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseCfTimeUnits("hours since yesterday"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, requireGregorianCalendar("360_day"));
    requireGregorianCalendar("proleptic_gregorian");
    requireGregorianCalendar("");
    QVERIFY_THROWS_EXCEPTION(
        std::out_of_range, cfTimeToUnixSeconds(9'000'000'000'000'000'000LL, parseCfTimeUnits("days since 1970-01-01")));
}

QTEST_GUILESS_MAIN(TestCfTime)
#include "TestCfTime.moc"
