#include "ensemble/RandomField.h"
#include "model/ShallowWaterModel.h"
#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <cstring>

using namespace spreadcast;

namespace {

RunSpec galewskySpec(double vorticityPerturbation)
{
    RunSpec spec;
    spec.initialCondition = "galewsky";
    spec.truncation = 42;
    spec.perturbVorticity = vorticityPerturbation;
    spec.perturbLengthScale = 1e6;
    spec.perturbSmoothness = 4.0;
    spec.seed = 2026;
    return spec;
}

// Area-weighted RMS over the sphere of the ensemble standard deviation of the height.
double heightSpread(const GaussianGrid& grid, const std::vector<GridFields>& members)
{
    const double n = static_cast<double>(members.size());
    double sum = 0.0;
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
            double mean = 0.0;
            for (const auto& member : members) {
                mean += member.variables[outputHeight][at] / n;
            }
            double variance = 0.0;
            for (const auto& member : members) {
                variance += (member.variables[outputHeight][at] - mean) * (member.variables[outputHeight][at] - mean) /
                            (n - 1.0);
            }
            sum += grid.weights[j] * variance / (2.0 * grid.nlon);
        }
    }
    return std::sqrt(sum);
}

}  // namespace

class TestEnsembleSpread : public QObject {
    Q_OBJECT

private slots:
    void randomFieldHasTheRequestedStandardDeviation()
    {
        // The expected grid variance is ½ Σ (2l + 1) A_l²; one draw at T85 averages over 3655
        // independent coefficients, so its variance is within a few percent of that.
        const SpectralTransform transform(85);
        TransformWorkspace workspace(transform, 1);
        RandomFieldSpectrum spectrum{2.0, 5e5, 2.0, false};
        GridValues grid;
        transform.synthesize(drawRandomField(transform, {1, 2}, 7, spectrum), grid, workspace);
        double sum = 0.0;
        for (int j = 0; j < transform.grid().nlat; ++j) {
            for (int i = 0; i < transform.grid().nlon; ++i) {
                const double value = grid[static_cast<std::size_t>(j) * transform.grid().nlon + i];
                sum += transform.grid().weights[j] * value * value / (2.0 * transform.grid().nlon);
            }
        }
        qInfo("random field: requested σ 2, drawn %.4f", std::sqrt(sum));
        QVERIFY(std::abs(std::sqrt(sum) - 2.0) < 0.2);
    }

    void spreadGrowsOverTheFirstDays()
    {
        const PreparedModel prepared = prepareModel(galewskySpec(1e-6));
        const auto& model = dynamic_cast<const ShallowWaterModel&>(*prepared.model);
        constexpr int members = 4;
        auto workspace = model.makeWorkspace();
        std::vector<std::unique_ptr<MemberState>> states;
        for (int m = 0; m < members; ++m) {
            states.push_back(model.initialState(m));
        }
        const int stepsPerHalfDay = static_cast<int>(std::lround(43200.0 / model.timeStep()));
        double previous = 0.0;
        double first = 0.0;
        for (int halfDay = 0; halfDay <= 8; ++halfDay) {
            std::vector<GridFields> fields;
            for (auto& state : states) {
                if (halfDay > 0) {
                    MemberState* batch[] = {state.get()};
                    model.advance(batch, stepsPerHalfDay, *workspace);
                }
                fields.push_back(model.fields(*state, *workspace));
            }
            const double spread = heightSpread(model.grid(), fields);
            qInfo("Galewsky T42, 4 members, day %.1f: RMS height spread %.3f m", halfDay / 2.0, spread);
            if (halfDay == 0) {
                first = spread;
                QVERIFY(spread > 0.0);
            } else {
                QVERIFY2(spread > previous, "the spread must grow monotonically over the first four days");
            }
            previous = spread;
        }
        QVERIFY(previous > 2.0 * first);
    }

    void withoutPerturbationsMembersAreIdentical()
    {
        const PreparedModel prepared = prepareModel(galewskySpec(0.0));
        auto a = prepared.model->initialState(0);
        auto b = prepared.model->initialState(5);
        const auto& first = dynamic_cast<const ShallowWaterState&>(*a).current.vorticity;
        const auto& second = dynamic_cast<const ShallowWaterState&>(*b).current.vorticity;
        QVERIFY(std::memcmp(first.data(), second.data(), first.size() * sizeof(Complex)) == 0);
    }

    // Member 0 is the control: with perturbations on, it starts bitwise from the unperturbed
    // state (so a 1-member run is the control forecast); member 1 does not.
    void memberZeroIsTheUnperturbedControl()
    {
        const PreparedModel perturbed = prepareModel(galewskySpec(1e-6));
        const PreparedModel unperturbed = prepareModel(galewskySpec(0.0));
        auto control = perturbed.model->initialState(0);
        auto reference = unperturbed.model->initialState(0);
        QVERIFY(perturbed.model->serialize(*control) == unperturbed.model->serialize(*reference));
        QVERIFY(perturbed.model->serialize(*perturbed.model->initialState(1)) !=
                unperturbed.model->serialize(*reference));
    }

    void memberStartDependsOnlyOnSeedAndIndex()
    {
        // Two models built apart (as two runs, or two workers) give member 3 the same bits;
        // another seed gives it others.
        const PreparedModel one = prepareModel(galewskySpec(1e-6));
        const PreparedModel two = prepareModel(galewskySpec(1e-6));
        RunSpec otherSeed = galewskySpec(1e-6);
        otherSeed.seed = 1;
        const PreparedModel three = prepareModel(otherSeed);
        auto geopotential = [](const PreparedModel& prepared, int member) {
            return dynamic_cast<const ShallowWaterState&>(*prepared.model->initialState(member)).current.geopotential;
        };
        const auto a = geopotential(one, 3);
        const auto b = geopotential(two, 3);
        const auto c = geopotential(three, 3);
        QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(Complex)) == 0);
        QVERIFY(std::memcmp(a.data(), c.data(), a.size() * sizeof(Complex)) != 0);
    }
};

QTEST_APPLESS_MAIN(TestEnsembleSpread)
#include "TestEnsembleSpread.moc"
