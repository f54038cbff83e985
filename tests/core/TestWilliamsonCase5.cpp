#include "cases/TestCases.h"
#include "model/ShallowWaterModel.h"

#include <QtTest/QtTest>

using namespace spreadcast;

class TestWilliamsonCase5 : public QObject {
    Q_OBJECT

private slots:
    void flowOverTheMountainConservesMassAndEnergy()
    {
        // W92 case 5 for its full 15 days at T42. The cone's kink makes the truncated mountain
        // ripple (Gibbs), so energy is checked loosely; mass is exact by construction.
        constexpr int truncation = 42;
        const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
        ShallowWaterParameters parameters;
        parameters.timeStep = 1200.0;
        const ShallowWaterModel model(truncation, williamsonCase5(grid), parameters);
        auto workspace = model.makeWorkspace();
        auto state = model.initialState(0);
        const ShallowWaterIntegrals initial = model.integrals(*state, *workspace);
        MemberState* batch[] = {state.get()};
        model.advance(batch, static_cast<int>(15 * 86400 / parameters.timeStep), *workspace);
        const ShallowWaterIntegrals final = model.integrals(*state, *workspace);
        const GridFields end = model.fields(*state, *workspace);
        const double massChange = std::abs(final.mass - initial.mass) / initial.mass;
        const double energyChange = std::abs(final.energy - initial.energy) / initial.energy;
        double minHeight = 1e30;
        double maxHeight = 0.0;
        for (double value : end.variables[outputHeight]) {
            minHeight = std::min(minHeight, value);
            maxHeight = std::max(maxHeight, value);
        }
        qInfo("W92 case 5, T42, day 15: mass change %.3e, energy change %.3e, free surface %.0f … %.0f m", massChange,
              energyChange, minHeight, maxHeight);
        QVERIFY(massChange < 1e-12);
        QVERIFY(energyChange < 1e-3);
        // W92 Fig. 5 / Jakob-Chien et al. (1995): at day 15 the surface lies between about 5000
        // and 6000 m.
        QVERIFY(minHeight > 4800.0 && maxHeight < 6100.0);
    }
};

QTEST_APPLESS_MAIN(TestWilliamsonCase5)
#include "TestWilliamsonCase5.moc"
