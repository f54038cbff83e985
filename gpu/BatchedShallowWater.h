#pragma once

// One time step of the spectral shallow-water model (core/model/ShallowWaterModel.cpp) for a
// batch of members, written once for two executors: the CUDA one (GpuModel.cu: every functor is
// a kernel over its index range, cuFFT for the Fourier part) and a host one (HostBatchedModel.h:
// plain loops, FFTW), which the CPU tests compare with the CPU model. The arithmetic of a member
// never depends on the batch: every output element is summed by one thread in a fixed order, no
// reduction crosses members, and the FFTs and Legendre sums run in chunks of a fixed number of
// members (fftChunkMembers).
//
// Plain C++ under a host compiler; under nvcc the functors are __host__ __device__.

#include <cmath>
#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define SPREADCAST_HD __host__ __device__
#else
#define SPREADCAST_HD
#endif

namespace spreadcast::gpu {

// Members go through the FFTs this many at a time, so a member's transforms run the same plan
// whatever the batch size; batches are padded to a multiple of it.
inline constexpr int fftChunkMembers = 8;

// std::complex<double>'s layout (two doubles), usable in device code.
struct Cplx {
    double re;
    double im;
};
SPREADCAST_HD inline Cplx operator+(Cplx a, Cplx b)
{
    return {a.re + b.re, a.im + b.im};
}
SPREADCAST_HD inline Cplx operator-(Cplx a, Cplx b)
{
    return {a.re - b.re, a.im - b.im};
}
SPREADCAST_HD inline Cplx operator*(double s, Cplx a)
{
    return {s * a.re, s * a.im};
}
SPREADCAST_HD inline Cplx operator/(Cplx a, double s)
{
    return {a.re / s, a.im / s};
}
// i·m·a: the λ-derivative of a coefficient of order m.
SPREADCAST_HD inline Cplx timesIm(double m, Cplx a)
{
    return {-m * a.im, m * a.re};
}

// Threefry-2x32, 20 rounds: core/ensemble/Threefry.cpp, for device code.
SPREADCAST_HD inline std::uint32_t rotateLeft(std::uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}
SPREADCAST_HD inline void threefry2x32(std::uint32_t k0, std::uint32_t k1, std::uint32_t c0, std::uint32_t c1,
                                       std::uint32_t& out0, std::uint32_t& out1)
{
    const int rotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
    const std::uint32_t schedule[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
    std::uint32_t x0 = c0 + schedule[0];
    std::uint32_t x1 = c1 + schedule[1];
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (std::uint32_t group = 0; group < 5; ++group) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
        for (int r = 0; r < 4; ++r) {
            x0 += x1;
            x1 = rotateLeft(x1, rotations[group % 2][r]);
            x1 ^= x0;
        }
        x0 += schedule[(group + 1) % 3];
        x1 += schedule[(group + 2) % 3] + group + 1;
    }
    out0 = x0;
    out1 = x1;
}

// core/ensemble/RandomField.cpp's gaussianDraw: Box–Muller of threefry2x32(key, (stream, index)).
SPREADCAST_HD inline Cplx gaussianDraw(std::uint32_t k0, std::uint32_t k1, std::uint32_t stream, std::uint32_t index,
                                       bool real)
{
    constexpr double pi = 3.141592653589793238462643383279502884;
    constexpr double sqrt2 = 1.414213562373095048801688724209698079;
    std::uint32_t b0 = 0;
    std::uint32_t b1 = 0;
    threefry2x32(k0, k1, stream, index, b0, b1);
    const double u1 = (b0 + 0.5) / 4294967296.0;
    const double u2 = (b1 + 0.5) / 4294967296.0;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double re = radius * std::cos(2.0 * pi * u2);
    const double im = radius * std::sin(2.0 * pi * u2);
    return real ? Cplx{re, 0.0} : Cplx{re / sqrt2, im / sqrt2};
}

// Order-preserving maps of doubles onto unsigned integers, for min/max by integer atomics.
SPREADCAST_HD inline unsigned long long orderedBits(double value)
{
    unsigned long long bits = 0;
#if defined(__CUDA_ARCH__)
    bits = static_cast<unsigned long long>(__double_as_longlong(value));
#else
    __builtin_memcpy(&bits, &value, sizeof bits);
#endif
    return (bits >> 63) ? ~bits : bits | (1ull << 63);
}
SPREADCAST_HD inline double fromOrderedBits(unsigned long long ordered)
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
SPREADCAST_HD inline void atomicMinimum(unsigned long long* target, unsigned long long value)
{
#if defined(__CUDA_ARCH__)
    atomicMin(target, value);
#else
    *target = value < *target ? value : *target;  // the host executor runs one index at a time
#endif
}
SPREADCAST_HD inline void atomicMaximum(unsigned long long* target, unsigned long long value)
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

    SPREADCAST_HD int half() const { return nlat / 2; }
    SPREADCAST_HD int spectrumLength() const { return nlon / 2 + 1; }
    SPREADCAST_HD long long points() const { return static_cast<long long>(nlat) * nlon; }
    // Elements of one FFT chunk of members with `fields` fields: Fourier coefficients and grid values.
    long long fourierChunk(int fields) const
    {
        return static_cast<long long>(fftChunkMembers) * fields * nlat * spectrumLength();
    }
    long long gridChunk(int fields) const { return static_cast<long long>(fftChunkMembers) * fields * points(); }
};

// Why a member stopped (MemberHealth::reason); core's ModelBlowUp text is made from it on the host.
enum BlowUpReason : int { memberHealthy = 0, memberNonFinite = 1, memberCourant = 2, memberNegativeDepth = 3 };

struct MemberHealth {
    int reason = memberHealthy;  // memberInactive for a padding slot
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
SPREADCAST_HD inline MemberExtremes clearedExtremes()
{
    return {~0ull, 0ull, ~0ull};
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
    Cplx* spectral[11] = {};         // scratch: 4 potentials going in, 7 analysed products coming out
    Cplx* fourier = nullptr;         // room for 5 fields
    double* stateGrids = nullptr;    // ζ, Φ', U, V
    double* productGrids = nullptr;  // A, B, C, E, D (as the CPU model orders them)
    double* outputGrids = nullptr;   // height, u, v, ζ (GridFields order)
};

// ψ and χ from ζ and δ, as the synthesis needs them: im·χ, im·ψ, −ψ and χ (all over a), where
// ψ = ∇⁻²ζ and χ = ∇⁻²δ. Index: member × K + k.
struct VelocityPotentials {
    static constexpr const char* label = "VelocityPotentials";
    ModelView model;
    const Cplx* vorticity;
    const Cplx* divergence;
    Cplx* imChi;
    Cplx* imPsi;
    Cplx* minusPsi;
    Cplx* chi;
    SPREADCAST_HD void operator()(long long index) const
    {
        const int k = static_cast<int>(index % model.coefficients);
        const double toPotential = model.inverseLaplacian[k] / model.earthRadius;
        const Cplx psi = toPotential * vorticity[index];
        const Cplx potential = toPotential * divergence[index];
        imChi[index] = timesIm(model.order[k], potential);
        imPsi[index] = timesIm(model.order[k], psi);
        minusPsi[index] = -1.0 * psi;
        chi[index] = potential;
    }
};

// Up to five fields, each Σ p P e^{imλ} + Σ h H e^{imλ}; either input may be null.
struct SynthesisInputs {
    int fields = 0;
    const Cplx* p[5] = {};
    const Cplx* h[5] = {};
};

// Legendre synthesis into Fourier coefficients: north and south rows of one (field, northern
// latitude j, wavenumber m) for the fftChunkMembers members of one chunk; wavenumbers above T are
// zero. A table value is loaded once for the chunk's members (the tables are the step's largest
// reads), and each member's sums run over the degrees in the same order whatever its chunk.
// Index, fastest first: j, m, field, chunk.
struct LegendreSynthesis {
    static constexpr const char* label = "LegendreSynthesis";
    ModelView model;
    SynthesisInputs inputs;
    Cplx* fourier;
    SPREADCAST_HD void operator()(long long index) const
    {
        constexpr int members = fftChunkMembers;
        const int half = model.half();
        const int length = model.spectrumLength();
        const int j = static_cast<int>(index % half);
        long long rest = index / half;
        const int m = static_cast<int>(rest % length);
        rest /= length;
        const int f = static_cast<int>(rest % inputs.fields);
        const long long first = rest / inputs.fields * members;
        auto row = [&](int s) { return ((first + s) * inputs.fields + f) * model.nlat; };
        if (m > model.truncation) {
            for (int s = 0; s < members; ++s) {
                fourier[(row(s) + j) * length + m] = Cplx{0.0, 0.0};
                fourier[(row(s) + model.nlat - 1 - j) * length + m] = Cplx{0.0, 0.0};
            }
            return;
        }
        const int even = model.evenCount[m];
        const int odd = model.oddCount[m];
        const long long K = model.coefficients;
        const long long base = first * K + model.orderOffset[m];
        Cplx symmetric[members];
        Cplx antisymmetric[members];
        for (int s = 0; s < members; ++s) {
            symmetric[s] = Cplx{0.0, 0.0};
            antisymmetric[s] = Cplx{0.0, 0.0};
        }
        // Σ over degrees of table × coefficient, into the equatorially symmetric or antisymmetric
        // part; `parity` picks the degrees l = m + parity, m + parity + 2, …
        auto accumulate = [&](const double* table, int count, const Cplx* coefficients, int parity, Cplx* sums) {
            for (int k = 0; k < count; ++k) {
                const double value = table[static_cast<long long>(k) * half + j];
                const Cplx* c = coefficients + base + 2 * k + parity;
                for (int s = 0; s < members; ++s) {
                    sums[s] = sums[s] + value * c[s * K];
                }
            }
        };
        const double* pEven = model.pTableT + model.tableOffset[m];
        const double* hEven = model.hTableT + model.tableOffset[m];
        const long long oddOffset = static_cast<long long>(even) * half;
        if (const Cplx* p = inputs.p[f]) {
            accumulate(pEven, even, p, 0, symmetric);
            accumulate(pEven + oddOffset, odd, p, 1, antisymmetric);
        }
        if (const Cplx* h = inputs.h[f]) {
            // H has the opposite parity of P: even degrees are antisymmetric about the equator.
            accumulate(hEven + oddOffset, odd, h, 1, symmetric);
            accumulate(hEven, even, h, 0, antisymmetric);
        }
        for (int s = 0; s < members; ++s) {
            Cplx north = symmetric[s] + antisymmetric[s];
            Cplx south = symmetric[s] - antisymmetric[s];
            if (m == 0) {
                north.im = 0.0;
                south.im = 0.0;
            }
            fourier[(row(s) + j) * length + m] = north;
            fourier[(row(s) + model.nlat - 1 - j) * length + m] = south;
        }
    }
};

// The analysed outputs of one grid block: output o is field `source[o]` analysed with P or H.
struct AnalysisOutputs {
    int count = 0;
    int fields = 0;  // fields in the grid block
    int source[7] = {};
    bool useH[7] = {};
    Cplx* out[7] = {};
};

// Legendre analysis of one (output, coefficient) for the members of one chunk:
// Σ_j w_j/nlon · basis_lm(μ_j) · g_m(μ_j), split into equatorially symmetric and antisymmetric
// halves as core's transform does; a table value is loaded once for the chunk's members, and each
// member sums over j in the same order whatever its chunk. Index: k fastest, then output, then
// chunk.
struct LegendreAnalysis {
    static constexpr const char* label = "LegendreAnalysis";
    ModelView model;
    AnalysisOutputs outputs;
    const Cplx* fourier;
    SPREADCAST_HD void operator()(long long index) const
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
        const double normalisation = 1.0 / model.nlon;
        Cplx sums[members];
        for (int s = 0; s < members; ++s) {
            sums[s] = Cplx{0.0, 0.0};
        }
        for (int j = 0; j < half; ++j) {
            const double value = table[static_cast<long long>(j) * count + degreeIndex];
            const double weight = model.weights[j] * normalisation;
            for (int s = 0; s < members; ++s) {
                const Cplx north = rows[s * memberRows + static_cast<long long>(j) * length];
                const Cplx south = rows[s * memberRows + static_cast<long long>(model.nlat - 1 - j) * length];
                const Cplx part = symmetricPart ? weight * (north + south) : weight * (north - south);
                sums[s] = sums[s] + value * part;
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

// The nonlinear products at one grid point (ShallowWaterModel::step): A = ηU, B = ηV, C = UΦ',
// D = VΦ' over a cos²φ, E = (U² + V²)/(2 cos²φ). Index: member × points + point.
struct NonlinearProducts {
    static constexpr const char* label = "NonlinearProducts";
    ModelView model;
    const double* state;
    double* products;
    SPREADCAST_HD void operator()(long long index) const
    {
        const long long points = model.points();
        const long long member = index / points;
        const long long at = index % points;
        const int j = static_cast<int>(at / model.nlon);
        const double* grids = state + member * 4 * points;
        const double zeta = grids[at];
        const double phi = grids[points + at];
        const double u = grids[2 * points + at];
        const double v = grids[3 * points + at];
        const double cosSquared = model.cosLatitude[j] * model.cosLatitude[j];
        const double weight = 1.0 / (model.earthRadius * cosSquared);
        const double halfSecantSquared = 0.5 / cosSquared;
        const double eta = zeta + model.coriolis[at];
        double* out = products + member * 5 * points;
        out[at] = eta * u * weight;
        out[points + at] = eta * v * weight;
        out[2 * points + at] = u * phi * weight;
        out[3 * points + at] = (u * u + v * v) * halfSecantSquared;
        out[4 * points + at] = v * phi * weight;
    }
};

// The blow-up checks' extremes over one latitude row of one member: the first non-finite value
// (in field order, as the CPU model searches), the largest E and the smallest Φ'. Index:
// member × nlat + j.
struct RowExtremes {
    static constexpr const char* label = "RowExtremes";
    ModelView model;
    const double* state;
    const double* products;
    MemberExtremes* extremes;
    SPREADCAST_HD void operator()(long long index) const
    {
        const long long points = model.points();
        const long long member = index / model.nlat;
        const long long row = (index % model.nlat) * model.nlon;
        const double* grids = state + member * 4 * points;
        const double* energy = products + member * 5 * points + 3 * points;
        unsigned long long bad = ~0ull;
        double maxEnergy = 0.0;
        double minPhi = INFINITY;
        for (int f = 0; f < 4; ++f) {
            for (long long at = row; at < row + model.nlon; ++at) {
                if (!std::isfinite(grids[f * points + at])) {
                    const unsigned long long position = static_cast<unsigned long long>(f * points + at);
                    bad = position < bad ? position : bad;
                    break;
                }
            }
        }
        for (long long at = row; at < row + model.nlon; ++at) {
            maxEnergy = energy[at] > maxEnergy ? energy[at] : maxEnergy;
            minPhi = grids[points + at] < minPhi ? grids[points + at] : minPhi;
        }
        if (bad != ~0ull) {
            atomicMinimum(&extremes[member].firstBadPoint, bad);
        }
        atomicMaximum(&extremes[member].maxEnergy, orderedBits(maxEnergy));
        atomicMinimum(&extremes[member].minGeopotential, orderedBits(minPhi));
    }
};

// The checks of ShallowWaterModel::step, in its order; a member that fails one stops at this
// step (its state stays as it was before the step). Index: member.
struct BlowUpCheck {
    static constexpr const char* label = "BlowUpCheck";
    ModelView model;
    MemberHealth* health;
    MemberExtremes* extremes;
    const long long* steps;
    SPREADCAST_HD void operator()(long long member) const
    {
        const MemberExtremes seen = extremes[member];
        extremes[member] = clearedExtremes();
        MemberHealth& h = health[member];
        if (h.reason != memberHealthy) {
            return;
        }
        const double maxSpeed = std::sqrt(2.0 * fromOrderedBits(seen.maxEnergy));
        const double courant = maxSpeed * model.timeStep * model.truncation / model.earthRadius;
        const double depth = model.meanGeopotential + fromOrderedBits(seen.minGeopotential);
        if (seen.firstBadPoint != ~0ull) {
            h.reason = memberNonFinite;
            h.badPoint = static_cast<long long>(seen.firstBadPoint);
        } else if (courant > model.courantLimit) {
            h.reason = memberCourant;
            h.value = maxSpeed;
        } else if (depth <= 0.0) {
            h.reason = memberNegativeDepth;
            h.value = depth / model.gravity;
        } else {
            return;
        }
        h.step = steps[member];
    }
};

// Tendencies, the semi-implicit leapfrog, implicit hyperdiffusion, the RAW filter and the forcing
// pattern's next value for one coefficient of one member (ShallowWaterModel::step, which holds the
// equations' comments). Index: member × K + k.
struct SpectralUpdate {
    static constexpr const char* label = "SpectralUpdate";
    ModelView model;
    BatchView batch;
    SPREADCAST_HD void operator()(long long index) const
    {
        const long long member = index / model.coefficients;
        const int k = static_cast<int>(index % model.coefficients);
        if (batch.health[member].reason != memberHealthy) {
            return;
        }
        const Cplx pA = batch.spectral[4][index];
        const Cplx pB = batch.spectral[5][index];
        const Cplx pC = batch.spectral[6][index];
        const Cplx pE = batch.spectral[7][index];
        const Cplx hA = batch.spectral[8][index];
        const Cplx hB = batch.spectral[9][index];
        const Cplx hD = batch.spectral[10][index];
        const double m = model.order[k];
        const double laplacian = model.laplacian[k];
        const long long step = batch.steps[member];

        Cplx vorticityTendency = hB - timesIm(m, pA);
        if (model.forcingIncrement) {
            const Cplx pattern = batch.pattern[index];
            vorticityTendency = vorticityTendency + model.forcingTendency[k] * pattern;
            std::uint32_t s0 = 0;
            std::uint32_t s1 = 0;
            threefry2x32(batch.keys[2 * member], batch.keys[2 * member + 1], 0u, static_cast<std::uint32_t>(step), s0,
                         s1);
            const Cplx draw =
                gaussianDraw(s0, s1, model.forcingStream, static_cast<std::uint32_t>(k), model.order[k] == 0);
            batch.pattern[index] = model.forcingPersistence * pattern + model.forcingIncrement[k] * draw;
        }
        const Cplx divergenceTendency = timesIm(m, pB) + hA + laplacian * (pE + model.surfaceGeopotential[k]);
        const Cplx geopotentialTendency = hD - timesIm(m, pC);

        const bool first = step == 0;
        const double tau = first ? model.timeStep : 2.0 * model.timeStep;
        const double halfTau = 0.5 * tau;
        const double meanPhi = model.meanGeopotential;
        Cplx& previousZeta = batch.previous[0][index];
        Cplx& previousDelta = batch.previous[1][index];
        Cplx& previousPhi = batch.previous[2][index];
        Cplx& currentZeta = batch.current[0][index];
        Cplx& currentDelta = batch.current[1][index];
        Cplx& currentPhi = batch.current[2][index];
        const Cplx oldZeta = first ? currentZeta : previousZeta;
        const Cplx oldDelta = first ? currentDelta : previousDelta;
        const Cplx oldPhi = first ? currentPhi : previousPhi;

        const Cplx newZeta = (oldZeta + tau * vorticityTendency) / (1.0 + tau * model.vorticityDiffusion[k]);
        const Cplx phiStar = oldPhi + tau * geopotentialTendency - halfTau * meanPhi * oldDelta;
        Cplx newDelta = (oldDelta + tau * divergenceTendency + halfTau * laplacian * (phiStar + oldPhi)) /
                        (1.0 + halfTau * halfTau * laplacian * meanPhi);
        const Cplx newPhi = phiStar - halfTau * meanPhi * newDelta;
        newDelta = newDelta / (1.0 + tau * model.divergenceDiffusion[k]);

        if (first) {
            previousZeta = currentZeta;
            previousDelta = currentDelta;
            previousPhi = currentPhi;
            currentZeta = newZeta;
            currentDelta = newDelta;
            currentPhi = newPhi;
            return;
        }
        const double nu = model.robertFilter;
        const double alpha = model.williamsFilter;
        auto filter = [nu, alpha](Cplx& older, Cplx& now, Cplx next) {
            const Cplx displacement = 0.5 * nu * (older - 2.0 * now + next);
            older = now + alpha * displacement;
            now = next + (alpha - 1.0) * displacement;
        };
        filter(previousZeta, currentZeta, newZeta);
        filter(previousDelta, currentDelta, newDelta);
        filter(previousPhi, currentPhi, newPhi);
    }
};

// Clears the blow-up checks' accumulators. Index: member.
struct ClearExtremes {
    static constexpr const char* label = "ClearExtremes";
    MemberExtremes* extremes;
    SPREADCAST_HD void operator()(long long member) const { extremes[member] = clearedExtremes(); }
};

// The step counter of members still going. Index: member.
struct FinishStep {
    static constexpr const char* label = "FinishStep";
    BatchView batch;
    SPREADCAST_HD void operator()(long long member) const
    {
        if (batch.health[member].reason == memberHealthy) {
            ++batch.steps[member];
        }
    }
};

// Output fields from the synthesised state grids (ShallowWaterModel::fields): height, u, v and ζ.
// Index: member × points + point.
struct OutputFields {
    static constexpr const char* label = "OutputFields";
    ModelView model;
    const double* state;
    double* output;
    SPREADCAST_HD void operator()(long long index) const
    {
        const long long points = model.points();
        const long long member = index / points;
        const long long at = index % points;
        const double secant = 1.0 / model.cosLatitude[at / model.nlon];
        const double* grids = state + member * 4 * points;
        double* out = output + member * 4 * points;
        out[at] = (model.meanGeopotential + grids[points + at]) / model.gravity + model.surfaceHeight[at];
        out[points + at] = grids[2 * points + at] * secant;
        out[2 * points + at] = grids[3 * points + at] * secant;
        out[3 * points + at] = grids[at];
    }
};

// ζ, Φ', U and V of every slot on the grid (ShallowWaterModel::synthesizeState).
template <class Executor>
void synthesizeState(Executor& executor, const ModelView& model, const BatchView& batch)
{
    const long long spectral = static_cast<long long>(batch.slots) * model.coefficients;
    executor.forEach(spectral, VelocityPotentials{model, batch.current[0], batch.current[1], batch.spectral[0],
                                                  batch.spectral[1], batch.spectral[2], batch.spectral[3]});
    SynthesisInputs inputs;
    inputs.fields = 4;
    inputs.p[0] = batch.current[0];
    inputs.p[1] = batch.current[2];
    inputs.p[2] = batch.spectral[0];
    inputs.p[3] = batch.spectral[1];
    inputs.h[2] = batch.spectral[2];
    inputs.h[3] = batch.spectral[3];
    const long long chunks = batch.slots / fftChunkMembers;
    executor.forEach(chunks * 4 * model.spectrumLength() * model.half(),
                     LegendreSynthesis{model, inputs, batch.fourier});
    executor.fourierToGrid(4, batch.fourier, batch.stateGrids, batch.slots);
}

// One step of every slot; members whose health is not memberHealthy are left as they are.
template <class Executor>
void stepBatch(Executor& executor, const ModelView& model, const BatchView& batch)
{
    const long long slots = batch.slots;
    synthesizeState(executor, model, batch);
    executor.forEach(slots * model.points(), NonlinearProducts{model, batch.stateGrids, batch.productGrids});
    executor.forEach(slots * model.nlat, RowExtremes{model, batch.stateGrids, batch.productGrids, batch.extremes});
    executor.forEach(slots, BlowUpCheck{model, batch.health, batch.extremes, batch.steps});
    executor.gridToFourier(5, batch.productGrids, batch.fourier, batch.slots);
    // pA, pB, pC, pE from A, B, C, E with P; hA, hB, hD from A, B, D with H.
    AnalysisOutputs outputs;
    outputs.count = 7;
    outputs.fields = 5;
    const int sources[7] = {0, 1, 2, 3, 0, 1, 4};
    for (int o = 0; o < 7; ++o) {
        outputs.source[o] = sources[o];
        outputs.useH[o] = o >= 4;
        outputs.out[o] = batch.spectral[4 + o];
    }
    executor.forEach(slots / fftChunkMembers * 7 * model.coefficients, LegendreAnalysis{model, outputs, batch.fourier});
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
