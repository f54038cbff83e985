#include "viz/FieldConventions.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace spreadcast;

// The units forecasters read charts in, from the CF description of what a model wrote.
class TestFieldConventions : public QObject {
    Q_OBJECT

private slots:
    void convertsToTheUnitsOfWeatherCharts_data()
    {
        QTest::addColumn<QString>("standardName");
        QTest::addColumn<QString>("units");
        QTest::addColumn<double>("stored");
        QTest::addColumn<double>("displayed");
        QTest::addColumn<QString>("displayUnits");
        // 0 °C is 273.15 K by definition (SI).
        QTest::newRow("temperature") << "air_temperature"
                                     << "K" << 273.15 << 0.0 << "°C";
        // Z500 of 5,500 gpm: Φ = g₀ · 5500 m = 53,936.575 m² s⁻², i.e. 550 dam.
        QTest::newRow("geopotential") << "geopotential"
                                      << "m**2 s**-2" << 53936.575 << 550.0 << "dam";
        QTest::newRow("pressure") << "air_pressure_at_mean_sea_level"
                                  << "Pa" << 101325.0 << 1013.25 << "hPa";
        QTest::newRow("humidity") << "specific_humidity"
                                  << "kg kg**-1" << 0.012 << 12.0 << "g/kg";
        QTest::newRow("precipitation") << "precipitation_amount"
                                       << "m" << 0.0025 << 2.5 << "mm";
        QTest::newRow("wind keeps its units") << "eastward_wind"
                                              << "m s-1" << -12.5 << -12.5 << "m s-1";
        QTest::newRow("unknown keeps its units") << ""
                                                 << "furlongs" << 3.0 << 3.0 << "furlongs";
        // A variable that is not what its standard name says in these units is left alone.
        QTest::newRow("temperature in °C already") << "air_temperature"
                                                   << "degC" << 15.0 << 15.0 << "degC";
    }

    void convertsToTheUnitsOfWeatherCharts()
    {
        QFETCH(QString, standardName);
        QFETCH(QString, units);
        QFETCH(double, stored);
        QFETCH(double, displayed);
        QFETCH(QString, displayUnits);
        const FieldConvention convention = fieldConvention(standardName.toStdString(), units.toStdString());
        QCOMPARE(QString::fromStdString(convention.displayUnits), displayUnits);
        // One rounding of the multiplication and one of the addition.
        QVERIFY2(std::abs(convention.display(stored) - displayed) <= 4e-16 * std::max(1.0, std::abs(stored)),
                 qPrintable(QString::number(convention.display(stored), 'g', 17)));
        QVERIFY(std::abs(convention.stored(convention.display(stored)) - stored) <= 4e-16 * std::max(1.0, stored));
    }

    void spreadsAndDifferencesDropTheOffset()
    {
        const FieldConvention temperature = fieldConvention("air_temperature", "K");
        QCOMPARE(temperature.displayDifference(2.5), 2.5);  // a spread of 2.5 K is 2.5 °C
        QVERIFY(temperature.converts());
        QVERIFY(!fieldConvention("", "m").converts());
    }

    void windsAndVerticalMotionAreSigned()
    {
        QVERIFY(fieldConvention("northward_wind", "m s-1").isSigned);
        QVERIFY(fieldConvention("lagrangian_tendency_of_air_pressure", "Pa s-1").isSigned);
        QVERIFY(fieldConvention("atmosphere_relative_vorticity", "s-1").isSigned);
        QVERIFY(!fieldConvention("air_temperature", "K").isSigned);
    }
};

QTEST_GUILESS_MAIN(TestFieldConventions)
#include "TestFieldConventions.moc"
