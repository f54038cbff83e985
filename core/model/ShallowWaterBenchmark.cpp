#include "model/ShallowWaterBenchmark.h"

#include "cases/TestCases.h"
#include "model/ShallowWaterModel.h"
#include "run/MemberPool.h"
#include "run/RunSpec.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

namespace spreadcast {

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<ShallowWaterModel> benchModel(int truncation)
{
    ShallowWaterParameters parameters;
    parameters.timeStep = maxStableTimeStep(truncation) * 0.6;
    return std::make_unique<ShallowWaterModel>(truncation, galewskyJet(GaussianGrid::forTruncation(truncation), true),
                                               parameters);
}

double millisecondsPerStep(const ShallowWaterModel& model, double seconds)
{
    auto workspace = model.makeWorkspace();
    auto state = model.initialState(0);
    MemberState* batch[] = {state.get()};
    model.advance(batch, 3, *workspace);
    long steps = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    while (elapsed < seconds || steps < 5) {
        model.advance(batch, 1, *workspace);
        ++steps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return 1000.0 * elapsed / static_cast<double>(steps);
}

ShallowWaterBenchRow row(const ShallowWaterModel& model, int truncation, int members, int threads,
                         double millisecondsPerMemberStep)
{
    ShallowWaterBenchRow result;
    result.truncation = truncation;
    result.nlat = model.grid().nlat;
    result.nlon = model.grid().nlon;
    result.members = members;
    result.threads = threads;
    result.millisecondsPerMemberStep = millisecondsPerMemberStep;
    result.memberStepsPerSecond = 1000.0 / millisecondsPerMemberStep;
    return result;
}

}  // namespace

ShallowWaterBenchRow benchmarkShallowWaterMember(int truncation, double seconds)
{
    const auto model = benchModel(truncation);
    return row(*model, truncation, 1, 1, millisecondsPerStep(*model, seconds));
}

ShallowWaterBenchRow benchmarkShallowWaterEnsemble(int truncation, int members, int threads, double seconds)
{
    const auto model = benchModel(truncation);
    const int workers = workerCount(threads, members);
    std::vector<std::unique_ptr<ModelWorkspace>> workspaces;
    std::vector<std::unique_ptr<MemberState>> states;
    for (int w = 0; w < workers; ++w) {
        workspaces.push_back(model->makeWorkspace());
    }
    for (int m = 0; m < members; ++m) {
        states.push_back(model->initialState(m));
    }
    // Every member takes the same number of steps, sized from a short single-member timing.
    const double single = millisecondsPerStep(*model, 0.2);
    const int steps = std::max(5, static_cast<int>(seconds * 1000.0 * workers / (single * members)));
    const auto start = Clock::now();
    forEachMember(members, workers, [&](int worker, int member) {
        MemberState* batch[] = {states[static_cast<std::size_t>(member)].get()};
        model->advance(batch, steps, *workspaces[static_cast<std::size_t>(worker)]);
    });
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double memberSteps = static_cast<double>(members) * steps;
    return row(*model, truncation, members, workers, 1000.0 * elapsed / memberSteps);
}

}  // namespace spreadcast
