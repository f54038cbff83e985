#include "spectral/SpectralTransform.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

using namespace spreadcast;

namespace {

SpectralCoefficients randomCoefficients(const SpectralTransform& transform, unsigned seed)
{
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal;
    SpectralCoefficients coefficients = transform.makeCoefficients();
    for (int m = 0; m <= transform.truncation(); ++m) {
        for (int l = m; l <= transform.truncation(); ++l) {
            coefficients[transform.index(l, m)] = {normal(engine), m == 0 ? 0.0 : normal(engine)};
        }
    }
    return coefficients;
}

double relativeDifference(const SpectralCoefficients& a, const SpectralCoefficients& b)
{
    double difference = 0.0;
    double norm = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        difference += std::norm(a[k] - b[k]);
        norm += std::norm(b[k]);
    }
    return std::sqrt(difference / norm);
}

}  // namespace

class TestSpectralTransform : public QObject {
    Q_OBJECT

private slots:
    void gaussianWeightsIntegratePolynomialsExactly()
    {
        const GaussianGrid grid = GaussianGrid::withSize(64, 128);
        // Σ w_j μ_j^k = ∫₋₁¹ μ^k dμ for k < 2·nlat.
        for (int k = 0; k < 20; k += 2) {
            double sum = 0.0;
            for (int j = 0; j < grid.nlat; ++j) {
                sum += grid.weights[j] * std::pow(grid.sinLatitude[j], k);
            }
            QVERIFY2(std::abs(sum - 2.0 / (k + 1)) < 1e-14, qPrintable(QString("k = %1: %2").arg(k).arg(sum)));
        }
    }

    void gridSizesFollowTheQuadraticRule_data()
    {
        QTest::addColumn<int>("truncation");
        QTest::addColumn<int>("nlat");
        QTest::addColumn<int>("nlon");
        QTest::newRow("T21") << 21 << 32 << 64;
        QTest::newRow("T42") << 42 << 64 << 128;
        QTest::newRow("T85") << 85 << 128 << 256;
        QTest::newRow("T170") << 170 << 256 << 512;
        QTest::newRow("T213") << 213 << 320 << 640;
        QTest::newRow("T341") << 341 << 512 << 1024;
    }
    void gridSizesFollowTheQuadraticRule()
    {
        QFETCH(int, truncation);
        QFETCH(int, nlat);
        QFETCH(int, nlon);
        const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
        QCOMPARE(grid.nlat, nlat);
        QCOMPARE(grid.nlon, nlon);
    }

    void roundTripSpectralGridSpectral_data()
    {
        QTest::addColumn<int>("truncation");
        QTest::newRow("T21") << 21;
        QTest::newRow("T42") << 42;
        QTest::newRow("T85") << 85;
        QTest::newRow("T170") << 170;
    }
    void roundTripSpectralGridSpectral()
    {
        QFETCH(int, truncation);
        const SpectralTransform transform(truncation);
        TransformWorkspace workspace(transform, 2);
        const SpectralCoefficients original = randomCoefficients(transform, 42);
        GridValues grid;
        transform.synthesize(original, grid, workspace);
        SpectralCoefficients back;
        transform.analyze(grid, back, workspace);
        const double error = relativeDifference(back, original);
        qInfo("T%d spectral → grid → spectral: relative l2 error %.3e", truncation, error);
        QVERIFY(error < 1e-12);
    }

    void roundTripGridSpectralGrid()
    {
        const SpectralTransform transform(85);
        TransformWorkspace workspace(transform, 1);
        GridValues grid;
        transform.synthesize(randomCoefficients(transform, 7), grid, workspace);
        SpectralCoefficients coefficients;
        transform.analyze(grid, coefficients, workspace);
        GridValues back;
        transform.synthesize(coefficients, back, workspace);
        double difference = 0.0;
        double norm = 0.0;
        for (std::size_t i = 0; i < grid.size(); ++i) {
            difference += (back[i] - grid[i]) * (back[i] - grid[i]);
            norm += grid[i] * grid[i];
        }
        QVERIFY(std::sqrt(difference / norm) < 1e-12);
    }

    void knownHarmonicsAndTheirMeridionalDerivatives()
    {
        // Normalised so that ∫₋₁¹ P² dμ = 1:
        //   P_10 = √(3/2) μ,           H_10 = (1 − μ²) √(3/2)
        //   P_11 = (√3/2) cos φ,       H_11 = −(√3/2) μ cos φ
        //   P_20 = √(5/2) (3μ² − 1)/2, H_20 = 3 √(5/2) μ (1 − μ²)
        const SpectralTransform transform(21);
        TransformWorkspace workspace(transform, 2);
        const GaussianGrid& grid = transform.grid();
        struct Harmonic {
            int l, m;
            double (*p)(double mu, double c);
            double (*h)(double mu, double c);
        };
        const Harmonic harmonics[] = {
            {1, 0, [](double mu, double) { return std::sqrt(1.5) * mu; },
             [](double mu, double) { return (1 - mu * mu) * std::sqrt(1.5); }},
            {1, 1, [](double, double c) { return std::sqrt(3.0) / 2 * c; },
             [](double mu, double c) { return -std::sqrt(3.0) / 2 * mu * c; }},
            {2, 0, [](double mu, double) { return std::sqrt(2.5) * (3 * mu * mu - 1) / 2; },
             [](double mu, double) { return 3 * std::sqrt(2.5) * mu * (1 - mu * mu); }},
        };
        for (const Harmonic& harmonic : harmonics) {
            SpectralCoefficients coefficients = transform.makeCoefficients();
            // Stored m > 0 coefficients stand for ±m: f = 2 Re(c e^{imλ}), so c = 1/2 gives cos mλ.
            coefficients[transform.index(harmonic.l, harmonic.m)] = harmonic.m == 0 ? 1.0 : 0.5;
            const Complex* p[] = {coefficients.data(), nullptr};
            const Complex* h[] = {nullptr, coefficients.data()};
            GridValues grids = transform.makeGrid(2);
            transform.synthesize(p, h, grids.data(), workspace);
            double worst = 0.0;
            for (int j = 0; j < grid.nlat; ++j) {
                const double mu = grid.sinLatitude[j];
                const double c = grid.cosLatitude[j];
                for (int i = 0; i < grid.nlon; ++i) {
                    const double wave = std::cos(harmonic.m * grid.longitudeRadians(i));
                    const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
                    worst = std::max(worst, std::abs(grids[at] - harmonic.p(mu, c) * wave));
                    worst = std::max(worst, std::abs(grids[grid.pointCount() + at] - harmonic.h(mu, c) * wave));
                }
            }
            QVERIFY2(worst < 1e-14,
                     qPrintable(QString("l = %1, m = %2: max error %3").arg(harmonic.l).arg(harmonic.m).arg(worst)));
        }
    }

    void meridionalDerivativeAnalysisIsTheAdjointOfSynthesis()
    {
        // Σ_grid w · (H-synthesis of a) · g = Σ_lm a · (H-analysis of g): checks the H tables and
        // the symmetric/antisymmetric split of both directions against each other.
        const SpectralTransform transform(42);
        TransformWorkspace workspace(transform, 1);
        const SpectralCoefficients a = randomCoefficients(transform, 3);
        GridValues g;
        transform.synthesize(randomCoefficients(transform, 4), g, workspace);
        GridValues synthesized = transform.makeGrid();
        const Complex* p[] = {nullptr};
        const Complex* h[] = {a.data()};
        transform.synthesize(p, h, synthesized.data(), workspace);
        SpectralCoefficients analysed = transform.makeCoefficients();
        Complex* pOut[] = {nullptr};
        Complex* hOut[] = {analysed.data()};
        transform.analyze(g.data(), pOut, hOut, workspace);
        const GaussianGrid& grid = transform.grid();
        double gridSide = 0.0;
        for (int j = 0; j < grid.nlat; ++j) {
            for (int i = 0; i < grid.nlon; ++i) {
                const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
                gridSide += grid.weights[j] * synthesized[at] * g[at] / grid.nlon;
            }
        }
        double spectralSide = 0.0;
        for (int m = 0; m <= transform.truncation(); ++m) {
            for (int l = m; l <= transform.truncation(); ++l) {
                const std::size_t k = transform.index(l, m);
                spectralSide += (m == 0 ? 1.0 : 2.0) * (std::conj(a[k]) * analysed[k]).real();
            }
        }
        QVERIFY2(std::abs(gridSide - spectralSide) < 1e-11 * std::abs(gridSide),
                 qPrintable(QString("%1 vs %2").arg(gridSide, 0, 'g', 17).arg(spectralSide, 0, 'g', 17)));
    }

    void workspacesGiveBitwiseIdenticalResults()
    {
        const SpectralTransform transform(42);
        TransformWorkspace first(transform, 1);
        TransformWorkspace second(transform, 5);
        const SpectralCoefficients coefficients = randomCoefficients(transform, 11);
        GridValues a;
        GridValues b;
        transform.synthesize(coefficients, a, first);
        transform.synthesize(coefficients, b, second);
        QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
    }
};

QTEST_APPLESS_MAIN(TestSpectralTransform)
#include "TestSpectralTransform.moc"
