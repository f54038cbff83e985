#include "../common/CliRunner.h"
#include "ForecastFixture.h"
#include "run/InputError.h"
#include "viz/ForecastProducts.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <numbers>

using namespace spreadcast;
using namespace spreadcast::testing;

// The difference between two runs (ProductRequest::minus, `render --minus`): values are this
// run's product minus the other's at the same valid time, on a diverging map centred on zero,
// and files that do not match are refused saying what differs.
class TestRunDifference : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::string first_;
    std::string second_;   // first_ with the height raised by 25 m × sin(latitude)
    std::string coarser_;  // another grid

    std::shared_ptr<ForecastProducts> open(const std::string& path)
    {
        return std::make_shared<ForecastProducts>(std::make_shared<const ForecastFile>(path));
    }

private slots:
    void initTestCase()
    {
        first_ = folder_.filePath("first.nc").toStdString();
        second_ = folder_.filePath("second.nc").toStdString();
        coarser_ = folder_.filePath("coarser.nc").toStdString();
        fixture::write(first_);
        fixture::Options shifted;
        shifted.heightShift = 25.0;
        fixture::write(second_, shifted);
        fixture::Options coarser;
        coarser.truncation = 10;
        fixture::write(coarser_, coarser);
    }

    void valuesAreTheHandDifference()
    {
        const auto first = open(first_);
        ProductRequest request;
        request.field = "height";
        request.timeIndex = 2;
        request.minus = open(second_);
        const std::vector<double>& latitudes = first->file().latitudes();
        const std::size_t nlon = first->file().longitudes().size();
        for (const Product product : {Product::Mean, Product::Member}) {
            request.product = product;
            request.memberIndex = 1;
            const GlobeContent content = first->content(request);
            QCOMPARE(content.values.size(), latitudes.size() * nlon);
            // Heights near 10 000 m are stored as floats (ulp 0.001 m): two roundings apart.
            double worst = 0.0;
            for (std::size_t k = 0; k < content.values.size(); ++k) {
                const double expected = -25.0 * std::sin(latitudes[k / nlon] * std::numbers::pi / 180.0);
                worst = std::max(worst, std::abs(content.values[k] - expected));
            }
            QVERIFY2(worst <= 2e-3, qPrintable(QString("largest error %1 m").arg(worst)));
            QCOMPARE(content.colourMap, ColourMapKind::Balance);
            QCOMPARE(content.limits.low, -content.limits.high);
            QVERIFY(std::abs(content.limits.high - 25.0) < 1.0);  // 25 m × the Gaussian grid's largest |sin φ|
            QVERIFY2(QString::fromStdString(content.title).startsWith("first.nc − second.nc: height"),
                     qPrintable(QString::fromStdString(content.title)));
        }
        // The same run minus itself is zero everywhere.
        request.minus = open(first_);
        for (const float value : first->content(request).values) {
            QCOMPARE(value, 0.0f);
        }
    }

    void mismatchedFilesAreRefusedNamingWhatDiffers()
    {
        const auto first = open(first_);
        ProductRequest request;
        request.field = "height";
        request.product = Product::Mean;
        request.minus = open(coarser_);
        try {
            first->content(request);
            QFAIL("a difference across grids was drawn");
        } catch (const InputError& error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains("grids differ") && message.contains("32 × 64") && message.contains("16 × 32"),
                     qPrintable(message));
        }
        request.minus = open(second_);
        request.product = Product::Spaghetti;
        QVERIFY_THROWS_EXCEPTION(InputError, first->content(request));
        request.product = Product::Mean;
        request.field = "no_such_field";
        QVERIFY_THROWS_EXCEPTION(InputError, first->content(request));
    }

    void renderSubtractsAnotherFile()
    {
        const QString out = folder_.filePath("difference.png");
        const QStringList map{"--projection", "platecarree", "--size", "480x270", "--time", "24h"};
        const CliResult good = runCli(QStringList{"render", QString::fromStdString(first_), "--minus",
                                                  QString::fromStdString(second_), "--out", out} +
                                      map);
        QVERIFY2(good.exitCode == 0, qPrintable(good.err));
        QVERIFY2(good.out.contains("first.nc − second.nc"), qPrintable(good.out));
        QCOMPARE(QImage(out).size(), QSize(480, 270));
        const CliResult bad = runCli(QStringList{"render", QString::fromStdString(first_), "--minus",
                                                 QString::fromStdString(coarser_), "--out", out} +
                                     map);
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("grids differ"), qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(TestRunDifference)
#include "TestRunDifference.moc"
