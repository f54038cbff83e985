#pragma once

// One time step of the spectral shallow-water model (core/model/ShallowWaterModel.cpp) for a
// batch of members, written once for two executors: the CUDA one (GpuModel.cu: every functor is
// a kernel over its index range, cuFFT for the Fourier part) and a host one (HostBatchedModel.h:
// plain loops, FFTW), which the CPU tests compare with the CPU model. The arithmetic of a member
// never depends on the batch: every output element is summed by one thread in a fixed order, no
// reduction crosses members, and the FFTs and Legendre sums run in chunks of a fixed number of
// members (fftChunkMembers). What happens at one point or coefficient is the CPU model's own
// code (core/model/ShallowWaterPhysics.h); here are the batch layout, the Legendre sums and the
// reductions around it.
//
// Plain C++ under a host compiler; under nvcc the functors are __host__ __device__.

#include "ensemble/CounterRandom.h"
#include "model/ShallowWaterPhysics.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace spreadcast::gpu {

namespace physics = shallowwater;

// Members go through the FFTs this many at a time, so a member's transforms run the same plan
// whatever the batch size; batches are padded to a multiple of it.
inline constexpr int fftChunkMembers = 8;

// The output fields of a member, in GridFields order: height, u, v and ζ (OutputFields).
inline constexpr int outputFieldCount = 4;

// Order-preserving maps of doubles onto unsigned integers, for min/max by integer atomics.
SPREADCAST_HOST_DEVICE inline unsigned long long orderedBits(double value)
{
    unsigned long long bits = 0;
#if defined(__CUDA_ARCH__)
    bits = static_cast<unsigned long long>(__double_as_longlong(value));
#else
    __builtin_memcpy(&bits, &value, sizeof bits);
#endif
    return (bits >> 63) ? ~bits : bits | (1ull << 63);
}
SPREADCAST_HOST_DEVICE inline double fromOrderedBits(unsigned long long ordered)
{
    const unsigned long long bits = (ordered >> 63) ? ordered & ~(1ull << 63) : ~ordered;
    double value = 0.0;
#if defined(__CUDA_ARCH__)
    value = __longlong_as_double(static_cast<long long>(bits));
#else
    __builtin_memcpy(&value, &bits, sizeof value);
#endif
    return value;
}
SPREADCAST_HOST_DEVICE inline void atomicMinimum(unsigned long long* target, unsigned long long value)
{
#if defined(__CUDA_ARCH__)
    atomicMin(target, value);
#else
    *target = value < *target ? value : *target;  // the host executor runs one index at a time
#endif
}
SPREADCAST_HOST_DEVICE inline void atomicMaximum(unsigned long long* target, unsigned long long value)
{
#if defined(__CUDA_ARCH__)
    atomicMax(target, value);
#else
    *target = value > *target ? value : *target;
#endif
}

// The model's constants and tables, in the executor's memory. Legendre tables are stored twice:
// as core's SpectralTransform holds them, [order][latitude][degree] (analysis reads along the
// degree), and transposed, [order][degree][latitude] (synthesis reads along the latitude).
struct ModelView {
    int truncation = 0;
    int nlat = 0;
    int nlon = 0;
    int coefficients = 0;              // K = (T + 1)(T + 2)/2 per field
    const int* orderOffset = nullptr;  // [m]: index of (l = m, m)
    const int* evenCount = nullptr;    // [m]
    const int* oddCount = nullptr;     // [m]
    // Order m's tables start at tableOffset[m] = half × orderOffset[m]: its even degrees, then its
    // odd ones (half × (T + 1 − m) values in all).
    const long long* tableOffset = nullptr;
    const double* pTable = nullptr;  // analysis layout
    const double* hTable = nullptr;
    const double* pTableT = nullptr;  // synthesis layout
    const double* hTableT = nullptr;
    const int* order = nullptr;   // [k]: m
    const int* degree = nullptr;  // [k]: l
    const double* laplacian = nullptr;
    const double* inverseLaplacian = nullptr;
    const double* vorticityDiffusion = nullptr;
    const double* divergenceDiffusion = nullptr;
    const Cplx* surfaceGeopotential = nullptr;
    const double* forcingIncrement = nullptr;  // null when the stochastic forcing is off
    const double* forcingTendency = nullptr;
    const double* cosLatitude = nullptr;  // [j]
    const double* weights = nullptr;      // [j]
    const double* coriolis = nullptr;     // [point]
    const double* surfaceHeight = nullptr;
    double earthRadius = 0.0;
    double gravity = 0.0;
    double timeStep = 0.0;
    double meanGeopotential = 0.0;
    double robertFilter = 0.0;
    double williamsFilter = 0.0;
    double courantLimit = 0.0;
    double forcingPersistence = 0.0;
    std::uint32_t forcingStream = 0;

    SPREADCAST_HOST_DEVICE int half() const { return nlat / 2; }
    SPREADCAST_HOST_DEVICE int spectrumLength() const { return nlon / 2 + 1; }
    SPREADCAST_HOST_DEVICE long long points() const { return static_cast<long long>(nlat) * nlon; }
    // Elements of one FFT chunk of members with `fields` fields: Fourier coefficients and grid values.
    long long fourierChunk(int fields) const
    {
        return static_cast<long long>(fftChunkMembers) * fields * nlat * spectrumLength();
    }
    long long gridChunk(int fields) const { return static_cast<long long>(fftChunkMembers) * fields * points(); }
    SPREADCAST_HOST_DEVICE physics::TimeStepping timeStepping() const
    {
        return {timeStep, meanGeopotential, robertFilter, williamsFilter};
    }
    SPREADCAST_HOST_DEVICE physics::BlowUpLimits blowUpLimits() const
    {
        return {timeStep, truncation, earthRadius, courantLimit, meanGeopotential, gravity};
    }
};

// Why a member stopped, a physics::BlowUpReason (or memberInactive for a padding slot), with
// the check's findings; core's ModelBlowUp text is made from it on the host.
struct MemberHealth {
    int reason = physics::healthy;
    int padding = 0;
    long long step = 0;      // the step at which it stopped
    long long badPoint = 0;  // non-finite: field × points + point, the first in memory order
    double value = 0.0;      // Courant: the wind speed; depth: the depth, m
};
inline constexpr int memberInactive = -1;

// Per-step accumulators of the blow-up checks, reset after every check (and when a batch is loaded).
struct MemberExtremes {
    unsigned long long firstBadPoint;
    unsigned long long maxEnergy;  // orderedBits
    unsigned long long minGeopotential;
};
SPREADCAST_HOST_DEVICE inline MemberExtremes clearedExtremes()
{
    return {~0ull, 0ull, ~0ull};
}
// Both sets of extremes in one. Exact, and independent of the order of merging, so how an
// executor groups the points (one at a time on the host, a warp and a block at a time on the GPU)
// never shows in the result.
SPREADCAST_HOST_DEVICE inline MemberExtremes mergedExtremes(const MemberExtremes& a, const MemberExtremes& b)
{
    return {a.firstBadPoint < b.firstBadPoint ? a.firstBadPoint : b.firstBadPoint,
            a.maxEnergy > b.maxEnergy ? a.maxEnergy : b.maxEnergy,
            a.minGeopotential < b.minGeopotential ? a.minGeopotential : b.minGeopotential};
}
// Merges `value` into a member's accumulators (atomically on the GPU).
SPREADCAST_HOST_DEVICE inline void accumulateExtremes(MemberExtremes* target, const MemberExtremes& value)
{
    if (value.firstBadPoint != ~0ull) {
        atomicMinimum(&target->firstBadPoint, value.firstBadPoint);
    }
    atomicMaximum(&target->maxEnergy, value.maxEnergy);
    atomicMinimum(&target->minGeopotential, value.minGeopotential);
}

// The batch in the executor's memory: spectral arrays are [member][coefficient], grids
// [member][field][latitude][longitude], Fourier coefficients [member][field][latitude][m].
struct BatchView {
    int slots = 0;                  // members in the buffers, a multiple of fftChunkMembers
    Cplx* previous[3] = {};         // ζ, δ, Φ' at level n − 1
    Cplx* current[3] = {};          // at level n
    Cplx* pattern = nullptr;        // the forcing's AR(1) pattern, when on
    std::uint32_t* keys = nullptr;  // [member][2]
    long long* steps = nullptr;
    MemberHealth* health = nullptr;
    MemberExtremes* extremes = nullptr;
    Cplx* spectral[physics::slot::count] = {};  // scratch: potentials going in, analysed products coming out
    Cplx* fourier = nullptr;                    // room for physics::productGrid::count fields
    double* stateGrids = nullptr;               // physics::stateGrid order
    double* productGrids = nullptr;             // physics::productGrid order
    double* outputGrids = nullptr;              // height, u, v, ζ (GridFields order)
};

// ψ and χ from ζ and δ, as the synthesis needs them (physics::velocityPotentialTerms). Index:
// member × K + k.
struct VelocityPotentials {
    static constexpr const char* label = "VelocityPotentials";
    ModelView model;
    const Cplx* vorticity;
    const Cplx* divergence;
    Cplx* imChi;
    Cplx* imPsi;
    Cplx* minusPsi;
    Cplx* chi;
    SPREADCAST_HOST_DEVICE void operator()(long long index) const
    {
        const int k = static_cast<int>(index % model.coefficients);
        const physics::VelocityPotentialTerms terms = physics::velocityPotentialTerms(
            model.order[k], model.inverseLaplacian[k], model.earthRadius, vorticity[index], divergence[index]);
        imChi[index] = terms.imChi;
        imPsi[index] = terms.imPsi;
        minusPsi[index] = terms.minusPsi;
        chi[index] = terms.chi;
    }
};

// The state's fields (physics::stateGrid order), each Σ p P e^{imλ} + Σ h H e^{imλ}; either input
// may be null.
struct SynthesisInputs {
    static constexpr int fields = physics::stateGrid::count;
    const Cplx* p[fields] = {};
    const Cplx* h[fields] = {};
};

// Members of a chunk whose sums one synthesis thread keeps. Every field's sums live in registers
// so that one table load serves all fields: 4 fields × (symmetric, antisymmetric) × this many
// members complex sums, 128 registers at 4 (the whole chunk of 8 would take 256, more than a
// thread has). Fixed, so a member's sums never depend on its batch.
inline constexpr int synthesisMembers = 4;
static_assert(fftChunkMembers % synthesisMembers == 0, "a synthesis thread's members lie in one FFT chunk");

// Legendre synthesis into Fourier coefficients: north and south rows of one (northern latitude j,
// wavenumber m) of every field, for synthesisMembers members; wavenumbers above T are zero. A
// table value is loaded once for all fields and members of the thread (the tables are the step's
// largest reads), and each (member, field) sum runs over the degrees in the same order whatever
// its batch: the symmetric part sums P's even degrees, then H's odd ones; the antisymmetric part
// P's odd degrees, then H's even ones. Index, fastest first: j, m, group of members.
struct LegendreSynthesis {
    static constexpr const char* label = "LegendreSynthesis";
    static constexpr int fields = SynthesisInputs::fields;
    // For the GPU: about 170 registers a thread (sm_90, no spills), so a multiprocessor's 64 K
    // registers hold one block of 256 (8 warps) but three of 128 (12 warps).
    static constexpr int blockThreads = 128;
    ModelView model;
    SynthesisInputs inputs;
    Cplx* fourier;
    SPREADCAST_HOST_DEVICE void operator()(long long index) const
    {
        constexpr int members = synthesisMembers;
        const int half = model.half();
        const int length = model.spectrumLength();
        const int j = static_cast<int>(index % half);
        const long long rest = index / half;
        const int m = static_cast<int>(rest % length);
        const long long first = rest / length * members;
        auto row = [&](int s, int f) { return ((first + s) * fields + f) * model.nlat; };
        if (m > model.truncation) {
            for (int f = 0; f < fields; ++f) {
                for (int s = 0; s < members; ++s) {
                    fourier[(row(s, f) + j) * length + m] = Cplx{0.0, 0.0};
                    fourier[(row(s, f) + model.nlat - 1 - j) * length + m] = Cplx{0.0, 0.0};
                }
            }
            return;
        }
        const int even = model.evenCount[m];
        const int odd = model.oddCount[m];
        const long long K = model.coefficients;
        const long long base = first * K + model.orderOffset[m];
        Cplx symmetric[fields][members];
        Cplx antisymmetric[fields][members];
        for (int f = 0; f < fields; ++f) {
            for (int s = 0; s < members; ++s) {
                symmetric[f][s] = Cplx{0.0, 0.0};
                antisymmetric[f][s] = Cplx{0.0, 0.0};
            }
        }
        // Σ over degrees of table × coefficient for every field with that input, into the
        // equatorially symmetric or antisymmetric part; `parity` picks the degrees l = m + parity,
        // m + parity + 2, …
        auto accumulate = [&](const double* table, int count, const Cplx* const* coefficients, int parity,
                              Cplx(*sums)[members]) {
            for (int k = 0; k < count; ++k) {
                const double value = table[static_cast<long long>(k) * half + j];
                for (int f = 0; f < fields; ++f) {
                    if (const Cplx* c = coefficients[f]) {
                        c += base + 2 * k + parity;
                        for (int s = 0; s < members; ++s) {
                            sums[f][s] = sums[f][s] + value * c[s * K];
                        }
                    }
                }
            }
        };
        const double* pEven = model.pTableT + model.tableOffset[m];
        const double* hEven = model.hTableT + model.tableOffset[m];
        const long long oddOffset = static_cast<long long>(even) * half;
        accumulate(pEven, even, inputs.p, 0, symmetric);
        accumulate(pEven + oddOffset, odd, inputs.p, 1, antisymmetric);
        // H has the opposite parity of P: even degrees are antisymmetric about the equator.
        accumulate(hEven + oddOffset, odd, inputs.h, 1, symmetric);
        accumulate(hEven, even, inputs.h, 0, antisymmetric);
        for (int f = 0; f < fields; ++f) {
            for (int s = 0; s < members; ++s) {
                Cplx north = symmetric[f][s] + antisymmetric[f][s];
                Cplx south = symmetric[f][s] - antisymmetric[f][s];
                if (m == 0) {
                    north.im = 0.0;
                    south.im = 0.0;
                }
                fourier[(row(s, f) + j) * length + m] = north;
                fourier[(row(s, f) + model.nlat - 1 - j) * length + m] = south;
            }
        }
    }
};

// The analysed outputs of one grid block: output o is field `source[o]` analysed with P or H.
struct AnalysisOutputs {
    int count = 0;
    int fields = 0;  // fields in the grid block
    int source[physics::analysedProductCount] = {};
    bool useH[physics::analysedProductCount] = {};
    Cplx* out[physics::analysedProductCount] = {};
};

// The analysis' weighted equatorial halves, formed once per (member, field, m ≤ T, northern
// latitude j) rather than once per degree: w_j/nlon · (north + south) replaces the north row's
// coefficient and w_j/nlon · (north − south) the south row's, in place (a thread reads exactly
// what it writes, and the Fourier buffer is scratch until the next synthesis). The same operations
// as forming them inside the degree sum, so the bits are too. Index, fastest first: m, j, field,
// member.
struct AnalysisHalves {
    static constexpr const char* label = "AnalysisHalves";
    ModelView model;
    int fields;  // fields of the grid block
    Cplx* fourier;
    SPREADCAST_HOST_DEVICE void operator()(long long index) const
    {
        const int orders = model.truncation + 1;
        const int half = model.half();
        const int m = static_cast<int>(index % orders);
        long long rest = index / orders;
        const int j = static_cast<int>(rest % half);
        rest /= half;  // member × fields + field
        const long long rows = rest * model.nlat;
        const int length = model.spectrumLength();
        Cplx& north = fourier[(rows + j) * length + m];
        Cplx& south = fourier[(rows + model.nlat - 1 - j) * length + m];
        const double weight = model.weights[j] * (1.0 / model.nlon);
        const Cplx n = north;
        const Cplx s = south;
        north = weight * (n + s);
        south = weight * (n - s);
    }
};

// Legendre analysis of one (output, coefficient) for the members of one chunk:
// Σ_j w_j/nlon · basis_lm(μ_j) · g_m(μ_j), split into equatorially symmetric and antisymmetric
// halves as core's transform does (AnalysisHalves formed them: the symmetric half in the northern
// row, the antisymmetric in the southern); a table value is loaded once for the chunk's members,
// and each member sums over j in the same order whatever its chunk. Index: k fastest, then
// output, then chunk.
struct LegendreAnalysis {
    static constexpr const char* label = "LegendreAnalysis";
    ModelView model;
    AnalysisOutputs outputs;
    const Cplx* fourier;  // after AnalysisHalves
    SPREADCAST_HOST_DEVICE void operator()(long long index) const
    {
        constexpr int members = fftChunkMembers;
        const int k = static_cast<int>(index % model.coefficients);
        long long rest = index / model.coefficients;
        const int o = static_cast<int>(rest % outputs.count);
        const long long first = rest / outputs.count * members;
        const int m = model.order[k];
        const int offset = model.degree[k] - m;
        const int degreeIndex = offset / 2;
        const bool oddDegree = offset % 2 != 0;
        const int half = model.half();
        const int length = model.spectrumLength();
        const int even = model.evenCount[m];
        const int count = oddDegree ? model.oddCount[m] : even;
        const double* table = (outputs.useH[o] ? model.hTable : model.pTable) + model.tableOffset[m] +
                              (oddDegree ? static_cast<long long>(even) * half : 0);
        // P: even degrees are symmetric; H the other way round.
        const bool symmetricPart = oddDegree == outputs.useH[o];
        const long long memberRows = static_cast<long long>(outputs.fields) * model.nlat * length;
        const Cplx* rows = fourier + ((first * outputs.fields + outputs.source[o]) * model.nlat) * length + m;
        // Row j holds latitude j's symmetric half, row nlat − 1 − j its antisymmetric one.
        const long long firstRow = symmetricPart ? 0 : static_cast<long long>(model.nlat - 1) * length;
        const long long rowStep = symmetricPart ? length : -static_cast<long long>(length);
        Cplx sums[members];
        for (int s = 0; s < members; ++s) {
            sums[s] = Cplx{0.0, 0.0};
        }
        for (int j = 0; j < half; ++j) {
            const double value = table[static_cast<long long>(j) * count + degreeIndex];
            const long long at = firstRow + j * rowStep;
            for (int s = 0; s < members; ++s) {
                sums[s] = sums[s] + value * rows[s * memberRows + at];
            }
        }
        for (int s = 0; s < members; ++s) {
            if (m == 0) {
                sums[s].im = 0.0;
            }
            outputs.out[o][(first + s) * model.coefficients + k] = sums[s];
        }
    }
};

// The nonlinear products at one grid point (physics::nonlinearProducts), and the point's share of
// the blow-up checks' extremes, which it returns for the executor to merge into
// extremes[member(index)] (forEachWithExtremes): whether a state value is non-finite (the first in
// field order, as the CPU model searches), E, ignored when not a number as the CPU model's
// std::max ignores it, and Φ' likewise. Index: member × points + point.
struct NonlinearProducts {
    static constexpr const char* label = "NonlinearProducts";
    ModelView model;
    const double* state;
    double* products;
    MemberExtremes* extremes;
    SPREADCAST_HOST_DEVICE long long member(long long index) const { return index / model.points(); }
    SPREADCAST_HOST_DEVICE MemberExtremes operator()(long long index) const
    {
        namespace grid = physics::stateGrid;
        namespace product = physics::productGrid;
        const long long points = model.points();
        const long long member = index / points;
        const long long at = index % points;
        const int j = static_cast<int>(at / model.nlon);
        const double* grids = state + member * grid::count * points;
        const double phi = grids[grid::geopotential * points + at];
        const physics::NonlinearProducts value = physics::nonlinearProducts(
            grids[grid::vorticity * points + at], phi, grids[grid::uCos * points + at], grids[grid::vCos * points + at],
            model.coriolis[at], physics::rowFactors(model.cosLatitude[j], model.earthRadius));
        double* out = products + member * product::count * points;
        out[product::etaU * points + at] = value.etaU;
        out[product::etaV * points + at] = value.etaV;
        out[product::phiU * points + at] = value.phiU;
        out[product::kineticEnergy * points + at] = value.kineticEnergy;
        out[product::phiV * points + at] = value.phiV;

        MemberExtremes seen = clearedExtremes();
        for (int f = 0; f < grid::count; ++f) {
            if (!std::isfinite(grids[f * points + at])) {
                seen.firstBadPoint = static_cast<unsigned long long>(f * points + at);
                break;
            }
        }
        seen.maxEnergy = orderedBits(value.kineticEnergy > 0.0 ? value.kineticEnergy : 0.0);
        seen.minGeopotential = orderedBits(phi < INFINITY ? phi : INFINITY);
        return seen;
    }
};

// The checks of the step (physics::checkBlowUp); a member that fails one stops at this step (its
// state stays as it was before the step). Index: member.
struct BlowUpCheck {
    static constexpr const char* label = "BlowUpCheck";
    ModelView model;
    MemberHealth* health;
    MemberExtremes* extremes;
    const long long* steps;
    SPREADCAST_HOST_DEVICE void operator()(long long member) const
    {
        const MemberExtremes seen = extremes[member];
        extremes[member] = clearedExtremes();
        MemberHealth& h = health[member];
        if (h.reason != physics::healthy) {
            return;
        }
        const long long firstNonFinite = seen.firstBadPoint == ~0ull ? -1 : static_cast<long long>(seen.firstBadPoint);
        const physics::BlowUpVerdict verdict =
            physics::checkBlowUp(firstNonFinite, fromOrderedBits(seen.maxEnergy), fromOrderedBits(seen.minGeopotential),
                                 model.blowUpLimits());
        if (verdict.reason == physics::healthy) {
            return;
        }
        h.reason = verdict.reason;
        h.badPoint = verdict.badPoint;
        h.value = verdict.value;
        h.step = steps[member];
    }
};

// The step of one coefficient of one member (physics::explicitTendencies and
// physics::stepCoefficient: the semi-implicit leapfrog, implicit hyperdiffusion, the RAW filter),
// with the forcing's vorticity tendency and its pattern's next value. Index: member × K + k.
struct SpectralUpdate {
    static constexpr const char* label = "SpectralUpdate";
    ModelView model;
    BatchView batch;
    SPREADCAST_HOST_DEVICE void operator()(long long index) const
    {
        namespace slot = physics::slot;
        const long long member = index / model.coefficients;
        const int k = static_cast<int>(index % model.coefficients);
        if (batch.health[member].reason != physics::healthy) {
            return;
        }
        const physics::AnalysedProducts analysed{
            batch.spectral[slot::pEtaU][index], batch.spectral[slot::pEtaV][index],
            batch.spectral[slot::pPhiU][index], batch.spectral[slot::pKineticEnergy][index],
            batch.spectral[slot::hEtaU][index], batch.spectral[slot::hEtaV][index],
            batch.spectral[slot::hPhiV][index]};
        const physics::CoefficientOperators operators{static_cast<double>(model.order[k]), model.laplacian[k],
                                                      model.vorticityDiffusion[k], model.divergenceDiffusion[k],
                                                      model.surfaceGeopotential[k]};
        const long long step = batch.steps[member];

        physics::Prognostic tendency = physics::explicitTendencies(analysed, operators);
        if (model.forcingIncrement) {
            // StochasticForcing::vorticityTendency and StochasticForcing::advance.
            const Cplx pattern = batch.pattern[index];
            tendency.vorticity = tendency.vorticity + model.forcingTendency[k] * pattern;
            std::uint32_t s0 = 0;
            std::uint32_t s1 = 0;
            threefry2x32Words(batch.keys[2 * member], batch.keys[2 * member + 1], 0u, static_cast<std::uint32_t>(step),
                              s0, s1);
            const Cplx draw =
                gaussianDeviate(s0, s1, model.forcingStream, static_cast<std::uint32_t>(k), model.order[k] == 0);
            batch.pattern[index] =
                autoregressiveStep(model.forcingPersistence, pattern, model.forcingIncrement[k], draw);
        }

        physics::Prognostic previous{batch.previous[0][index], batch.previous[1][index], batch.previous[2][index]};
        physics::Prognostic current{batch.current[0][index], batch.current[1][index], batch.current[2][index]};
        physics::stepCoefficient(model.timeStepping(), step, operators, tendency, previous, current);
        batch.previous[0][index] = previous.vorticity;
        batch.previous[1][index] = previous.divergence;
        batch.previous[2][index] = previous.geopotential;
        batch.current[0][index] = current.vorticity;
        batch.current[1][index] = current.divergence;
        batch.current[2][index] = current.geopotential;
    }
};

// Clears the blow-up checks' accumulators. Index: member.
struct ClearExtremes {
    static constexpr const char* label = "ClearExtremes";
    MemberExtremes* extremes;
    SPREADCAST_HOST_DEVICE void operator()(long long member) const { extremes[member] = clearedExtremes(); }
};

// The step counter of members still going. Index: member.
struct FinishStep {
    static constexpr const char* label = "FinishStep";
    BatchView batch;
    SPREADCAST_HOST_DEVICE void operator()(long long member) const
    {
        if (batch.health[member].reason == physics::healthy) {
            ++batch.steps[member];
        }
    }
};

// Output fields from the synthesised state grids (physics::outputValues), in GridFields order:
// height, u, v and ζ. Index: member × points + point.
struct OutputFields {
    static constexpr const char* label = "OutputFields";
    ModelView model;
    const double* state;
    double* output;
    SPREADCAST_HOST_DEVICE void operator()(long long index) const
    {
        const long long points = model.points();
        const long long member = index / points;
        const long long at = index % points;
        namespace grid = physics::stateGrid;
        const double secant = 1.0 / model.cosLatitude[at / model.nlon];
        const double* grids = state + member * grid::count * points;
        const physics::OutputValues values =
            physics::outputValues(grids[grid::vorticity * points + at], grids[grid::geopotential * points + at],
                                  grids[grid::uCos * points + at], grids[grid::vCos * points + at], secant,
                                  model.meanGeopotential, model.gravity, model.surfaceHeight[at]);
        double* out = output + member * outputFieldCount * points;
        out[at] = values.height;
        out[points + at] = values.u;
        out[2 * points + at] = values.v;
        out[3 * points + at] = values.vorticity;
    }
};

// ζ, Φ', U and V of every slot on the grid (ShallowWaterModel::synthesizeState).
template <class Executor>
void synthesizeState(Executor& executor, const ModelView& model, const BatchView& batch)
{
    namespace slot = physics::slot;
    namespace grid = physics::stateGrid;
    const long long spectral = static_cast<long long>(batch.slots) * model.coefficients;
    executor.forEach(spectral, VelocityPotentials{model, batch.current[0], batch.current[1],
                                                  batch.spectral[slot::imChi], batch.spectral[slot::imPsi],
                                                  batch.spectral[slot::minusPsi], batch.spectral[slot::chi]});
    SynthesisInputs inputs;
    inputs.p[grid::vorticity] = batch.current[0];
    inputs.p[grid::geopotential] = batch.current[2];
    inputs.p[grid::uCos] = batch.spectral[slot::imChi];
    inputs.p[grid::vCos] = batch.spectral[slot::imPsi];
    inputs.h[grid::uCos] = batch.spectral[slot::minusPsi];
    inputs.h[grid::vCos] = batch.spectral[slot::chi];
    const long long chunks = batch.slots / fftChunkMembers;
    executor.forEach(chunks * (fftChunkMembers / synthesisMembers) * model.spectrumLength() * model.half(),
                     LegendreSynthesis{model, inputs, batch.fourier});
    executor.fourierToGrid(grid::count, batch.fourier, batch.stateGrids, batch.slots);
}

// One step of every slot; members whose health is not physics::healthy are left as they are.
template <class Executor>
void stepBatch(Executor& executor, const ModelView& model, const BatchView& batch)
{
    const long long slots = batch.slots;
    synthesizeState(executor, model, batch);
    executor.forEachWithExtremes(slots * model.points(),
                                 NonlinearProducts{model, batch.stateGrids, batch.productGrids, batch.extremes});
    executor.forEach(slots, BlowUpCheck{model, batch.health, batch.extremes, batch.steps});
    executor.gridToFourier(physics::productGrid::count, batch.productGrids, batch.fourier, batch.slots);
    AnalysisOutputs outputs;
    outputs.count = physics::analysedProductCount;
    outputs.fields = physics::productGrid::count;
    for (int o = 0; o < outputs.count; ++o) {
        outputs.source[o] = physics::analysedProducts[o].grid;
        outputs.useH[o] = physics::analysedProducts[o].useH;
        outputs.out[o] = batch.spectral[physics::analysedProducts[o].slot];
    }
    executor.forEach(slots * physics::productGrid::count * model.half() * (model.truncation + 1),
                     AnalysisHalves{model, physics::productGrid::count, batch.fourier});
    executor.forEach(slots / fftChunkMembers * outputs.count * model.coefficients,
                     LegendreAnalysis{model, outputs, batch.fourier});
    executor.forEach(slots * model.coefficients, SpectralUpdate{model, batch});
    executor.forEach(slots, FinishStep{batch});
}

// Output fields of every slot into batch.outputGrids.
template <class Executor>
void outputFields(Executor& executor, const ModelView& model, const BatchView& batch)
{
    synthesizeState(executor, model, batch);
    executor.forEach(static_cast<long long>(batch.slots) * model.points(),
                     OutputFields{model, batch.stateGrids, batch.outputGrids});
}

}  // namespace spreadcast::gpu
