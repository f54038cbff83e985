#include "LevelForecastFixture.h"
#include "viz/ColourMap.h"
#include "viz/FieldConventions.h"
#include "viz/ForecastProducts.h"

#include <vtkLookupTable.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <array>
#include <cmath>

using namespace spreadcast;

namespace {

// Entries of cmocean's published 256-entry tables (cmocean/rgb/<name>-rgb.txt, commit
// 59c35002c3aa), to 4 decimals: entries 0, 64, 128, 191 and 255.
struct PublishedEntry {
    ColourMapKind kind;
    int index;
    std::array<double, 3> rgb;
};
const PublishedEntry published[] = {
    {ColourMapKind::Thermal, 0, {0.0156, 0.1382, 0.2018}},   {ColourMapKind::Thermal, 64, {0.3381, 0.2324, 0.6119}},
    {ColourMapKind::Thermal, 128, {0.6923, 0.3736, 0.5085}}, {ColourMapKind::Thermal, 191, {0.9768, 0.5726, 0.2584}},
    {ColourMapKind::Thermal, 255, {0.9090, 0.9822, 0.3555}}, {ColourMapKind::Rain, 0, {0.9346, 0.9308, 0.9527}},
    {ColourMapKind::Rain, 64, {0.7111, 0.7017, 0.5419}},     {ColourMapKind::Rain, 128, {0.2377, 0.5574, 0.4294}},
    {ColourMapKind::Rain, 191, {0.0773, 0.3445, 0.4025}},    {ColourMapKind::Rain, 255, {0.1316, 0.1040, 0.2213}},
    {ColourMapKind::Tarn, 0, {0.0898, 0.1387, 0.0534}},      {ColourMapKind::Tarn, 64, {0.6641, 0.4656, 0.1922}},
    {ColourMapKind::Tarn, 128, {0.9884, 0.9701, 0.9646}},    {ColourMapKind::Tarn, 191, {0.3422, 0.5732, 0.5235}},
    {ColourMapKind::Tarn, 255, {0.0615, 0.1183, 0.3109}},    {ColourMapKind::Speed, 0, {0.9996, 0.9914, 0.8041}},
    {ColourMapKind::Speed, 64, {0.7895, 0.7302, 0.2687}},    {ColourMapKind::Speed, 128, {0.3734, 0.5713, 0.0477}},
    {ColourMapKind::Speed, 191, {0.0432, 0.3755, 0.1752}},   {ColourMapKind::Speed, 255, {0.0905, 0.1373, 0.0733}},
    {ColourMapKind::Amp, 0, {0.9463, 0.9290, 0.9258}},       {ColourMapKind::Amp, 64, {0.8435, 0.6368, 0.5672}},
    {ColourMapKind::Amp, 128, {0.7514, 0.3457, 0.2308}},     {ColourMapKind::Amp, 191, {0.5628, 0.0644, 0.1597}},
    {ColourMapKind::Amp, 255, {0.2361, 0.0353, 0.0694}},     {ColourMapKind::Dense, 0, {0.9022, 0.9442, 0.9438}},
    {ColourMapKind::Dense, 64, {0.5258, 0.7264, 0.8895}},    {ColourMapKind::Dense, 128, {0.4687, 0.4434, 0.8354}},
    {ColourMapKind::Dense, 191, {0.4349, 0.1818, 0.5231}},   {ColourMapKind::Dense, 255, {0.2130, 0.0559, 0.1422}},
    {ColourMapKind::Balance, 0, {0.0932, 0.1112, 0.2615}},   {ColourMapKind::Balance, 64, {0.2211, 0.5325, 0.7282}},
    {ColourMapKind::Balance, 128, {0.9450, 0.9267, 0.9232}}, {ColourMapKind::Balance, 191, {0.7535, 0.3517, 0.2364}},
    {ColourMapKind::Balance, 255, {0.2361, 0.0353, 0.0694}},
};

}  // namespace

// The colour maps forecasters expect (viz/ColourMap.h, viz/FieldConventions.h): cmocean's maps
// as published, and each field and product given its map in one place.
class TestColourMaps : public QObject {
    Q_OBJECT

private slots:
    void mapsReproduceThePublishedTables()
    {
        for (const PublishedEntry& entry : published) {
            double rgb[3];
            colourAt(entry.kind, entry.index / 255.0, rgb);
            // The ends are anchors (rounded to 4 decimals, and so is the table here); between
            // anchors linear interpolation stays within 0.022 of every table entry (the header
            // says how that was measured), the entries here rounded by 5e-5 more.
            const bool end = entry.index == 0 || entry.index == 255;
            const double tolerance = end ? 1e-4 : 0.022 + 5e-5;
            for (int c = 0; c < 3; ++c) {
                QVERIFY2(std::abs(rgb[c] - entry.rgb[static_cast<std::size_t>(c)]) <= tolerance,
                         qPrintable(QString("%1 entry %2 channel %3: %4, published %5")
                                        .arg(QString::fromUtf8(colourMapName(entry.kind)))
                                        .arg(entry.index)
                                        .arg(c)
                                        .arg(rgb[c])
                                        .arg(entry.rgb[static_cast<std::size_t>(c)])));
            }
        }
    }

    void namesRoundTrip()
    {
        for (const ColourMapKind kind : colourMapKinds) {
            QCOMPARE(parseColourMap(colourMapName(kind)), std::optional<ColourMapKind>(kind));
        }
        QVERIFY(!parseColourMap("jet"));
    }

    void noPrecipitationAndZeroProbabilityAreBlank()
    {
        for (const ColourMapKind kind : {ColourMapKind::Rain, ColourMapKind::Dense}) {
            const auto table = makeLookupTable(kind, {0.0, 1.0});
            double rgb[3];
            table->GetColor(0.0, rgb);
            QCOMPARE(rgb[0] + rgb[1] + rgb[2], 3.0);
            table->GetColor(0.02, rgb);  // the next bins are the map's own
            QVERIFY(rgb[0] + rgb[1] + rgb[2] < 2.9);
        }
        double rgb[3];
        makeLookupTable(ColourMapKind::Thermal, {0.0, 1.0})->GetColor(0.0, rgb);
        QVERIFY(rgb[0] + rgb[1] + rgb[2] < 1.0);  // thermal's dark end
    }

    void eachVariableAndProductGetsItsMap_data()
    {
        QTest::addColumn<QString>("standardName");
        QTest::addColumn<QString>("units");
        QTest::addColumn<int>("product");
        QTest::addColumn<QString>("expected");
        const auto mean = static_cast<int>(Product::Mean);
        QTest::newRow("temperature") << "air_temperature"
                                     << "K" << mean << "thermal";
        QTest::newRow("temperature member") << "air_temperature"
                                            << "K" << static_cast<int>(Product::Member) << "thermal";
        QTest::newRow("precipitation") << "precipitation_amount"
                                       << "m" << mean << "rain";
        QTest::newRow("mslp") << "air_pressure_at_mean_sea_level"
                              << "Pa" << mean << "viridis";
        QTest::newRow("geopotential") << "geopotential"
                                      << "m2 s-2" << mean << "viridis";
        QTest::newRow("humidity") << "specific_humidity"
                                  << "kg kg-1" << mean << "tarn";
        QTest::newRow("wind speed") << "wind_speed"
                                    << "m s-1" << mean << "speed";
        QTest::newRow("u") << "eastward_wind"
                           << "m s-1" << mean << "cool-warm";
        QTest::newRow("spread") << "air_temperature"
                                << "K" << static_cast<int>(Product::Spread) << "amp";
        QTest::newRow("mean and spread") << "geopotential"
                                         << "m2 s-2" << static_cast<int>(Product::MeanAndSpread) << "amp";
        QTest::newRow("probability") << "air_temperature"
                                     << "K" << static_cast<int>(Product::Probability) << "dense";
        QTest::newRow("probability below") << "precipitation_amount"
                                           << "m" << static_cast<int>(Product::ProbabilityBelow) << "dense";
        QTest::newRow("member − mean") << "air_temperature"
                                       << "K" << static_cast<int>(Product::MemberMinusMean) << "balance";
    }

    void eachVariableAndProductGetsItsMap()
    {
        QFETCH(QString, standardName);
        QFETCH(QString, units);
        QFETCH(int, product);
        QFETCH(QString, expected);
        const FieldConvention convention = fieldConvention(standardName.toStdString(), units.toStdString());
        QCOMPARE(QString::fromUtf8(colourMapName(colourMapFor(convention, static_cast<Product>(product)))), expected);
    }

    void forecastProductsUseTheTableAndTheOverride()
    {
        QTemporaryDir folder;
        const std::string path = folder.filePath("levels.nc").toStdString();
        QVERIFY(fixture::writeLevelFile(path));
        ForecastProducts products(std::make_shared<const ForecastFile>(path));
        ProductRequest request;
        request.field = "temperature";
        request.product = Product::Mean;
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Thermal);
        QVERIFY(products.content(request).lineField.empty());
        request.product = Product::Spread;
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Amp);
        request.product = Product::Probability;
        request.threshold = 0.0;
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Dense);
        request.product = Product::MemberMinusMean;
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Balance);
        request.product = Product::Mean;
        request.field = "10m_wind_speed";
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Speed);
        // Pressure and geopotential carry contours of the shown field.
        request.field = "mean_sea_level_pressure";
        const GlobeContent pressure = products.content(request);
        QCOMPARE(pressure.colourMap, ColourMapKind::Viridis);
        QCOMPARE(pressure.lineField, pressure.values);
        // A person's choice wins.
        request.colourMap = ColourMapKind::Thermal;
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Thermal);
    }
};

QTEST_GUILESS_MAIN(TestColourMaps)
#include "TestColourMaps.moc"
