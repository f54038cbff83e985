#include "ModelTables.h"

#include "ensemble/StochasticForcing.h"
#include "model/PhysicalConstants.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace spreadcast::gpu {
namespace {

const ShallowWaterState& shallowWaterState(const MemberState& member)
{
    const auto* state = dynamic_cast<const ShallowWaterState*>(&member);
    if (state == nullptr) {
        throw std::invalid_argument("the GPU model runs shallow-water states only");
    }
    return *state;
}

}  // namespace

ModelTables::ModelTables(const ShallowWaterModel& model)
{
    const SpectralTransform& transform = model.transform();
    const GaussianGrid& grid = transform.grid();
    const int T = transform.truncation();
    const int half = grid.nlat / 2;
    const std::size_t K = transform.coefficientCount();

    for (int m = 0; m <= T; ++m) {
        const auto& tables = transform.orderTables(m);
        orderOffset.push_back(static_cast<int>(transform.orderOffset(m)));
        evenCount.push_back(tables.evenCount);
        oddCount.push_back(tables.oddCount);
        tableOffset.push_back(static_cast<long long>(half) * orderOffset.back());
        // Analysis layout: as core holds them, [latitude][degree], even then odd.
        pTable.insert(pTable.end(), tables.pEven.begin(), tables.pEven.end());
        pTable.insert(pTable.end(), tables.pOdd.begin(), tables.pOdd.end());
        hTable.insert(hTable.end(), tables.hEven.begin(), tables.hEven.end());
        hTable.insert(hTable.end(), tables.hOdd.begin(), tables.hOdd.end());
        // Synthesis layout: [degree][latitude].
        auto transposed = [half](const std::vector<double>& table, int count, std::vector<double>& out) {
            for (int k = 0; k < count; ++k) {
                for (int j = 0; j < half; ++j) {
                    out.push_back(table[static_cast<std::size_t>(j) * count + k]);
                }
            }
        };
        transposed(tables.pEven, tables.evenCount, pTableT);
        transposed(tables.pOdd, tables.oddCount, pTableT);
        transposed(tables.hEven, tables.evenCount, hTableT);
        transposed(tables.hOdd, tables.oddCount, hTableT);
    }
    order.resize(K);
    degree.resize(K);
    for (int m = 0; m <= T; ++m) {
        for (int l = m; l <= T; ++l) {
            order[transform.index(l, m)] = m;
            degree[transform.index(l, m)] = l;
        }
    }
    laplacian = model.laplacian();
    inverseLaplacian = model.inverseLaplacian();
    vorticityDiffusion = model.hyperdiffusion(0);
    divergenceDiffusion = model.hyperdiffusion(1);
    surfaceGeopotential.resize(K);
    std::memcpy(surfaceGeopotential.data(), model.surfaceGeopotential().data(), K * sizeof(Cplx));
    if (const StochasticForcing* forcing = model.forcing()) {
        forcingIncrement = forcing->increment();
        forcingTendency = forcing->tendencyFactor();
        scalars.forcingPersistence = forcing->persistence();
    }
    cosLatitude = grid.cosLatitude;
    weights = grid.weights;
    coriolis.assign(model.coriolis().begin(), model.coriolis().end());
    surfaceHeight.assign(model.surfaceHeightGrid().begin(), model.surfaceHeightGrid().end());

    const ShallowWaterParameters& parameters = model.parameters();
    scalars.truncation = T;
    scalars.nlat = grid.nlat;
    scalars.nlon = grid.nlon;
    scalars.coefficients = static_cast<int>(K);
    scalars.earthRadius = constants::earthRadius;
    scalars.gravity = constants::gravity;
    scalars.timeStep = parameters.timeStep;
    scalars.meanGeopotential = model.meanGeopotential();
    scalars.robertFilter = parameters.robertFilter;
    scalars.williamsFilter = parameters.williamsFilter;
    scalars.courantLimit = parameters.courantLimit;
    scalars.forcingStream = forcingIncrementStream;
}

ModelView ModelTables::view() const
{
    ModelView view = scalars;
    view.orderOffset = orderOffset.data();
    view.evenCount = evenCount.data();
    view.oddCount = oddCount.data();
    view.tableOffset = tableOffset.data();
    view.pTable = pTable.data();
    view.hTable = hTable.data();
    view.pTableT = pTableT.data();
    view.hTableT = hTableT.data();
    view.order = order.data();
    view.degree = degree.data();
    view.laplacian = laplacian.data();
    view.inverseLaplacian = inverseLaplacian.data();
    view.vorticityDiffusion = vorticityDiffusion.data();
    view.divergenceDiffusion = divergenceDiffusion.data();
    view.surfaceGeopotential = surfaceGeopotential.data();
    view.forcingIncrement = forcingIncrement.empty() ? nullptr : forcingIncrement.data();
    view.forcingTendency = forcingTendency.empty() ? nullptr : forcingTendency.data();
    view.cosLatitude = cosLatitude.data();
    view.weights = weights.data();
    view.coriolis = coriolis.data();
    view.surfaceHeight = surfaceHeight.data();
    return view;
}

int paddedSlots(int members)
{
    return std::max(1, (members + fftChunkMembers - 1) / fftChunkMembers) * fftChunkMembers;
}

void packStates(std::span<MemberState* const> members, const StateBlock& block, bool pattern)
{
    if (static_cast<int>(members.size()) > block.slots) {
        throw std::invalid_argument("a batch of " + std::to_string(members.size()) + " members in " +
                                    std::to_string(block.slots) + " slots");
    }
    const std::size_t K = static_cast<std::size_t>(block.coefficients);
    const std::size_t bytes = K * sizeof(Cplx);
    // Only the chunks that hold members are copied and computed.
    const int used = std::min(block.slots, paddedSlots(static_cast<int>(members.size())));
    for (int slot = 0; slot < used; ++slot) {
        if (slot >= static_cast<int>(members.size())) {
            for (int a = 0; a < stateArrays; ++a) {
                std::memset(block.array(a) + slot * K, 0, bytes);
            }
            block.keys[2 * slot] = block.keys[2 * slot + 1] = 0;
            block.steps[slot] = 0;
            block.health[slot] = MemberHealth{};
            block.health[slot].reason = memberInactive;
            continue;
        }
        const ShallowWaterState& state = shallowWaterState(*members[slot]);
        const auto arrays = state.arrays();
        for (int a = 0; a < stateArrays; ++a) {
            if (a == stateArrays - 1 && !pattern) {
                std::memset(block.array(a) + slot * K, 0, bytes);
                continue;
            }
            if (arrays[a]->size() != K) {
                throw std::invalid_argument("a shallow-water state with " + std::to_string(arrays[a]->size()) +
                                            " coefficients where the GPU model has " + std::to_string(K));
            }
            std::memcpy(block.array(a) + slot * K, arrays[a]->data(), bytes);
        }
        block.keys[2 * slot] = state.key[0];
        block.keys[2 * slot + 1] = state.key[1];
        block.steps[slot] = state.step;
        block.health[slot] = MemberHealth{};
    }
}

void unpackStates(const StateBlock& block, std::span<MemberState* const> members, bool pattern)
{
    const std::size_t K = static_cast<std::size_t>(block.coefficients);
    for (std::size_t slot = 0; slot < members.size(); ++slot) {
        auto& state = dynamic_cast<ShallowWaterState&>(*members[slot]);
        const auto arrays = state.arrays();
        for (int a = 0; a < stateArrays; ++a) {
            if (a == stateArrays - 1 && !pattern) {
                continue;
            }
            arrays[a]->resize(K);
            std::memcpy(static_cast<void*>(arrays[a]->data()), block.array(a) + slot * K, K * sizeof(Cplx));
        }
        state.step = block.steps[slot];
    }
}

void attachStates(BatchView& batch, const StateBlock& block, bool pattern)
{
    batch.slots = block.slots;
    for (int f = 0; f < 3; ++f) {
        batch.previous[f] = block.array(f);
        batch.current[f] = block.array(3 + f);
    }
    batch.pattern = pattern ? block.array(6) : nullptr;
    batch.keys = block.keys;
    batch.steps = block.steps;
    batch.health = block.health;
}

std::uint64_t stateHash(const MemberState& member)
{
    const ShallowWaterState& state = shallowWaterState(member);
    XXH3_state_t* hasher = XXH3_createState();
    XXH3_64bits_reset(hasher);
    for (const SpectralCoefficients* array : state.arrays()) {
        XXH3_64bits_update(hasher, array->data(), array->size() * sizeof(Complex));
    }
    XXH3_64bits_update(hasher, state.key.data(), sizeof state.key);
    XXH3_64bits_update(hasher, &state.step, sizeof state.step);
    const std::uint64_t hash = XXH3_64bits_digest(hasher);
    XXH3_freeState(hasher);
    return hash;
}

bool ResidentBatch::holds(std::span<MemberState* const> members) const
{
    if (members.empty() || members.size() != members_.size()) {
        return false;
    }
    for (std::size_t k = 0; k < members.size(); ++k) {
        if (members[k] != members_[k] || stateHash(*members[k]) != hashes_[k]) {
            return false;
        }
    }
    return true;
}

void ResidentBatch::remember(std::span<MemberState* const> members)
{
    members_.assign(members.begin(), members.end());
    hashes_.clear();
    for (const MemberState* member : members) {
        hashes_.push_back(stateHash(*member));
    }
}

void ResidentBatch::forget()
{
    members_.clear();
    hashes_.clear();
}

std::string blowUpMessage(const MemberHealth& health, const ShallowWaterModel& model)
{
    switch (health.reason) {
    case physics::nonFinite:
    case physics::courantBreach:
    case physics::negativeDepth:
        return model.blowUp(health.step, {health.reason, health.badPoint, health.value}).what();
    default: return "member stopped for an unknown reason " + std::to_string(health.reason);
    }
}

void collectBlowUps(const MemberHealth* health, std::size_t count, std::size_t first, const ShallowWaterModel& model,
                    std::vector<MemberBlowUp>& blowUps)
{
    for (std::size_t k = 0; k < count; ++k) {
        if (health[k].reason != physics::healthy) {
            blowUps.push_back({static_cast<int>(first + k), health[k].step, blowUpMessage(health[k], model)});
        }
    }
}

GridFields slotFields(const double* outputGrids, std::size_t slot, std::size_t points)
{
    static_assert(outputFieldCount == shallowWaterOutputCount, "OutputFields writes every output variable");
    GridFields fields;
    for (std::size_t f = 0; f < shallowWaterOutputCount; ++f) {
        const double* source = outputGrids + (slot * shallowWaterOutputCount + f) * points;
        fields.variables.emplace_back(source, source + points);
    }
    return fields;
}

std::size_t slotStateBytes(const ShallowWaterModel& model)
{
    return stateArrays * model.transform().coefficientCount() * sizeof(Cplx) + 2 * sizeof(std::uint32_t) +
           sizeof(long long) + sizeof(MemberHealth) + sizeof(MemberExtremes);
}

std::size_t slotScratchBytes(const ShallowWaterModel& model)
{
    const GaussianGrid& grid = model.grid();
    const std::size_t points = grid.pointCount();
    const std::size_t fourier =
        physics::productGrid::count * static_cast<std::size_t>(grid.nlat) * (grid.nlon / 2 + 1) * sizeof(Cplx);
    const std::size_t grids =
        (physics::stateGrid::count + physics::productGrid::count + outputFieldCount) * points * sizeof(double);
    return physics::slot::count * model.transform().coefficientCount() * sizeof(Cplx) + fourier + grids;
}

std::size_t slotPinnedBytes(const ShallowWaterModel& model)
{
    return stateArrays * model.transform().coefficientCount() * sizeof(Cplx) + 2 * sizeof(std::uint32_t) +
           sizeof(long long) + sizeof(MemberHealth) + outputFieldCount * model.grid().pointCount() * sizeof(double);
}

double compulsoryBytesPerMemberStep(const ShallowWaterModel& model)
{
    const GaussianGrid& grid = model.grid();
    const double K = static_cast<double>(model.transform().coefficientCount()) * sizeof(Cplx);
    const double point = static_cast<double>(grid.pointCount()) * sizeof(double);
    const double fourier = static_cast<double>(grid.nlat) * (grid.nlon / 2 + 1) * sizeof(Cplx);
    // The wavenumbers the analysis reads, m ≤ T.
    const double analysed = static_cast<double>(grid.nlat) * (model.transform().truncation() + 1) * sizeof(Cplx);
    const double potentials = 2 * K + 4 * K;
    const double synthesis = 6 * K + 4 * fourier;
    const double toGrid = 4 * fourier + 4 * point;
    const double products = 4 * point + 5 * point;  // the blow-up extremes come with them
    const double toFourier = 5 * point + 5 * fourier;
    const double halves = 5 * analysed + 5 * analysed;
    const double analysis = 5 * analysed + 7 * K;
    const double update = (7 + 6 + (model.forcing() ? 1 : 0)) * K + (6 + (model.forcing() ? 1 : 0)) * K;
    return potentials + synthesis + toGrid + products + toFourier + halves + analysis + update;
}

}  // namespace spreadcast::gpu
