// The GPU model's step (gpu/shallowwater/BatchedShallowWater.h) run by its host twin: it must compute what the
// CPU model computes, to rounding, and give every member the same bits whatever batch it is in.
#include "cases/TestCases.h"
#include "model/ShallowWaterModel.h"
#include "run/RunSpec.h"
#include "shallowwater/HostBatchedModel.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

using namespace spreadcast;

namespace {

// Galewsky jet with initial vorticity and height perturbations and SKEB, so that every term of
// the step (forcing draws included) is exercised and members differ.
std::unique_ptr<ShallowWaterModel> perturbedJet(int truncation, bool forcing = true)
{
    ShallowWaterParameters parameters;
    parameters.timeStep = maxStableTimeStep(truncation) * 0.6;
    InitialPerturbation perturbation;
    perturbation.seed = 20261127;
    perturbation.vorticity.standardDeviation = 2e-6;
    perturbation.vorticity.laplacian = true;
    perturbation.height.standardDeviation = 5.0;
    StochasticForcingSettings skeb;
    skeb.vorticityTendency = forcing ? 1e-10 : 0.0;
    return std::make_unique<ShallowWaterModel>(truncation, galewskyJet(GaussianGrid::forTruncation(truncation), true),
                                               parameters, perturbation, skeb);
}

std::vector<std::unique_ptr<MemberState>> initialStates(const ShallowWaterModel& model, int members)
{
    std::vector<std::unique_ptr<MemberState>> states;
    for (int m = 0; m < members; ++m) {
        states.push_back(model.initialState(m));
    }
    return states;
}

std::vector<MemberState*> pointers(const std::vector<std::unique_ptr<MemberState>>& states)
{
    std::vector<MemberState*> result;
    for (const auto& state : states) {
        result.push_back(state.get());
    }
    return result;
}

// ‖a − b‖₂ / ‖b‖₂ over the coefficients.
double relativeDifference(const SpectralCoefficients& a, const SpectralCoefficients& b)
{
    double difference = 0.0;
    double norm = 0.0;
    for (std::size_t k = 0; k < b.size(); ++k) {
        difference += std::norm(a[k] - b[k]);
        norm += std::norm(b[k]);
    }
    return std::sqrt(difference / norm);
}

double relativeDifference(const AlignedVector<double>& a, const AlignedVector<double>& b)
{
    double difference = 0.0;
    double norm = 0.0;
    for (std::size_t k = 0; k < b.size(); ++k) {
        difference += (a[k] - b[k]) * (a[k] - b[k]);
        norm += b[k] * b[k];
    }
    return std::sqrt(difference / norm);
}

}  // namespace

class TestBatchedModel : public QObject {
    Q_OBJECT

private slots:
    void matchesTheCpuModelToRounding()
    {
        // 48 steps at T42: the two differ only in the order of the Legendre sums (a loop against
        // OpenBLAS's dgemm), so they agree to rounding grown over 48 steps. Measured: 3e-16 for ζ
        // and Φ', 8e-14 for the small δ; the bar of 1e-12 leaves room for other BLAS kernels.
        const auto model = perturbedJet(42);
        const int members = 3;
        const int steps = 48;
        auto cpuStates = initialStates(*model, members);
        auto batchedStates = initialStates(*model, members);
        auto workspace = model->makeWorkspace();
        model->advance(pointers(cpuStates), steps, *workspace);
        gpu::HostBatchedModel batched(*model, members);
        const auto blowUps = batched.advance(pointers(batchedStates), steps);
        QVERIFY(blowUps.empty());
        for (int m = 0; m < members; ++m) {
            const auto& cpu = dynamic_cast<const ShallowWaterState&>(*cpuStates[m]);
            const auto& gpu = dynamic_cast<const ShallowWaterState&>(*batchedStates[m]);
            QCOMPARE(gpu.step, cpu.step);
            const std::pair<const SpectralCoefficients*, const SpectralCoefficients*> pairs[] = {
                {&gpu.current.vorticity, &cpu.current.vorticity},
                {&gpu.current.divergence, &cpu.current.divergence},
                {&gpu.current.geopotential, &cpu.current.geopotential},
                {&gpu.previous.vorticity, &cpu.previous.vorticity},
                {&gpu.pattern, &cpu.pattern}};
            for (const auto& [a, b] : pairs) {
                const double difference = relativeDifference(*a, *b);
                QVERIFY2(difference < 1e-12,
                         qPrintable(QString("member %1: relative difference %2").arg(m).arg(difference)));
            }
            // Members do differ, so agreeing is not an accident of identical members.
            if (m > 0) {
                QVERIFY(relativeDifference(
                            gpu.current.vorticity,
                            dynamic_cast<const ShallowWaterState&>(*batchedStates[0]).current.vorticity) > 1e-6);
            }
        }
        // The output fields too.
        const std::vector<MemberState*> last{batchedStates.back().get()};
        const GridFields fields = batched.fields(last).front();
        const GridFields expected = model->fields(*cpuStates.back(), *workspace);
        for (std::size_t k = 0; k < expected.variables.size(); ++k) {
            const double difference = relativeDifference(fields.variables[k], expected.variables[k]);
            const std::string& name = model->outputSchema().variables[k].name;
            QVERIFY2(difference < 1e-12, qPrintable(QString("%1: %2").arg(name.c_str()).arg(difference)));
        }
    }

    void membersAreBitwiseTheSameInEveryBatch()
    {
        const auto model = perturbedJet(21);
        const int members = 11;
        const int steps = 12;
        std::vector<std::vector<std::vector<std::byte>>> results;
        for (int batch : {1, 3, 8, 11}) {
            gpu::HostBatchedModel batched(*model, batch);
            auto states = initialStates(*model, members);
            std::vector<MemberState*> all = pointers(states);
            // Also in pieces that do not line up with the batch: members 0–4, then 5–10.
            QVERIFY(batched.advance(std::span(all).first(5), steps).empty());
            QVERIFY(batched.advance(std::span(all).subspan(5), steps).empty());
            QVERIFY(batched.advance(std::span(all).subspan(5), steps).empty());
            QVERIFY(batched.advance(std::span(all).first(5), steps).empty());
            std::vector<std::vector<std::byte>> bytes;
            for (const auto& state : states) {
                bytes.push_back(model->serialize(*state));
            }
            for (const GridFields& fields : batched.fields(all)) {
                const AlignedVector<double>& height = fields.variables[outputHeight];
                const auto* data = reinterpret_cast<const std::byte*>(height.data());
                bytes.emplace_back(data, data + height.size() * sizeof(double));
            }
            results.push_back(std::move(bytes));
        }
        for (std::size_t r = 1; r < results.size(); ++r) {
            QCOMPARE(results[r].size(), results[0].size());
            for (std::size_t k = 0; k < results[0].size(); ++k) {
                QVERIFY2(results[r][k] == results[0][k],
                         qPrintable(QString("batch layout %1, item %2 differs").arg(r).arg(k)));
            }
        }
    }

    void aStateChangedBetweenCallsIsCopiedInAgain()
    {
        // The batch stays in the model's buffers between calls; a state that changed meanwhile
        // (a checkpoint restored into it, say) must not be stepped from the stale copy.
        const auto model = perturbedJet(21);
        gpu::HostBatchedModel batched(*model, 4);
        auto states = initialStates(*model, 4);
        std::vector<MemberState*> all = pointers(states);
        QVERIFY(batched.advance(all, 3).empty());
        auto checkpoint = states[2]->clone();
        QVERIFY(batched.advance(all, 3).empty());  // the same states: no copy needed
        states[2]->assign(*checkpoint);            // member 2 goes back to step 3
        QVERIFY(batched.advance(all, 3).empty());

        auto expected = checkpoint->clone();
        gpu::HostBatchedModel fresh(*model, 4);
        MemberState* one[] = {expected.get()};
        QVERIFY(fresh.advance(one, 3).empty());
        QCOMPARE(states[2]->step, std::int64_t{6});
        QVERIFY(model->serialize(*states[2]) == model->serialize(*expected));
    }

    void aBlowUpStopsOnlyThatMemberWithTheCpuModelsMessage()
    {
        const auto model = perturbedJet(21, false);
        auto cpuStates = initialStates(*model, 3);
        auto batchedStates = initialStates(*model, 3);
        for (auto* states : {&cpuStates, &batchedStates}) {
            // A non-finite coefficient in member 1, and a wind far past the CFL limit in member 2.
            dynamic_cast<ShallowWaterState&>(*(*states)[1]).current.geopotential[5] =
                std::numeric_limits<double>::quiet_NaN();
            dynamic_cast<ShallowWaterState&>(*(*states)[2]).current.vorticity[model->transform().index(1, 0)] *= 40.0;
        }
        auto workspace = model->makeWorkspace();
        std::vector<std::string> cpuMessages;
        for (int m = 0; m < 3; ++m) {
            try {
                MemberState* one[] = {cpuStates[m].get()};
                model->advance(one, 4, *workspace);
                cpuMessages.emplace_back();
            } catch (const ModelBlowUp& blowUp) {
                cpuMessages.emplace_back(blowUp.what());
            }
        }
        QVERIFY(cpuMessages[0].empty());
        QVERIFY(!cpuMessages[1].empty());
        QVERIFY(!cpuMessages[2].empty());

        gpu::HostBatchedModel batched(*model, 3);
        const auto blowUps = batched.advance(pointers(batchedStates), 4);
        QCOMPARE(blowUps.size(), std::size_t{2});
        QCOMPARE(blowUps[0].index, 1);
        QCOMPARE(blowUps[0].message, cpuMessages[1]);
        QCOMPARE(blowUps[1].index, 2);
        QCOMPARE(blowUps[1].message, cpuMessages[2]);
        QCOMPARE(blowUps[1].step, batchedStates[2]->step);
        // The healthy member went on.
        QCOMPARE(batchedStates[0]->step, std::int64_t{4});
        QVERIFY(relativeDifference(dynamic_cast<const ShallowWaterState&>(*batchedStates[0]).current.vorticity,
                                   dynamic_cast<const ShallowWaterState&>(*cpuStates[0]).current.vorticity) < 1e-12);
    }

    void aTooLongTimeStepStopsAtTheSameStepAsOnTheCpu()
    {
        // What `spreadcast-cli selftest` does on the GPU: the jet at 4 × the stable step, with the
        // CFL check off, so the forecast itself breaks after a while.
        ShallowWaterParameters parameters;
        parameters.timeStep = 4.0 * maxStableTimeStep(42);
        parameters.courantLimit = 1e30;
        const ShallowWaterModel model(42, galewskyJet(GaussianGrid::forTruncation(42), true), parameters);
        auto cpu = model.initialState(0);
        auto workspace = model.makeWorkspace();
        std::string cpuMessage;
        try {
            MemberState* one[] = {cpu.get()};
            model.advance(one, 400, *workspace);
        } catch (const ModelBlowUp& blowUp) {
            cpuMessage = blowUp.what();
        }
        QVERIFY2(!cpuMessage.empty(), "the CPU model did not blow up");
        auto batchedState = model.initialState(0);
        gpu::HostBatchedModel batched(model, 1);
        MemberState* one[] = {batchedState.get()};
        const auto blowUps = batched.advance(one, 400);
        QCOMPARE(blowUps.size(), std::size_t{1});
        QCOMPARE(blowUps.front().message, cpuMessage);
        QCOMPARE(batchedState->step, cpu->step);
        QVERIFY2(cpuMessage.find("negative") != std::string::npos, cpuMessage.c_str());  // not the CFL check
    }
};

QTEST_APPLESS_MAIN(TestBatchedModel)
#include "TestBatchedModel.moc"
