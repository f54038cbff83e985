#pragma once

#include "spectral/AlignedBuffer.h"
#include "spectral/GaussianGrid.h"

#include <complex>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace spreadcast {

// FFTW's planner (making and destroying plans) is not thread-safe; executing a finished plan is.
// Everything in the process that plans with FFTW holds this.
std::mutex& fftwPlannerMutex();

using Complex = std::complex<double>;
using SpectralCoefficients = AlignedVector<Complex>;
using GridValues = AlignedVector<double>;

class SpectralTransform;

// Scratch memory and FFTW plans for one thread. A workspace is used by one thread at a time;
// every member computed with it goes through transforms of the same shape, so its results
// never depend on which workspace or thread computed it.
class TransformWorkspace {
public:
    TransformWorkspace(const SpectralTransform& transform, int maxFields);
    ~TransformWorkspace();
    TransformWorkspace(const TransformWorkspace&) = delete;
    TransformWorkspace& operator=(const TransformWorkspace&) = delete;

    int maxFields() const { return maxFields_; }

private:
    friend class SpectralTransform;
    struct Plans;
    const Plans& plansFor(int fields);

    const SpectralTransform& transform_;
    int maxFields_;
    AlignedVector<Complex> fourier_;    // [field][latitude][wavenumber 0 … nlon/2]
    AlignedVector<double> planGrid_;    // only for planning: the layout every grid block has
    std::vector<double> coefficients_;  // one order m: [degree][2 × field]
    std::vector<double> symmetric_;     // [north latitude][2 × field]
    std::vector<double> antisymmetric_;
    std::vector<double> hSymmetric_;
    std::vector<double> hAntisymmetric_;
    std::map<int, std::unique_ptr<Plans>> plans_;
};

// Spherical-harmonic transforms for a triangular truncation T on its Gaussian grid.
//
// A field is f(λ, μ) = Σ_m Σ_l f_lm P_lm(μ) e^{imλ}, m = 0…T, l = m…T, with P_lm normalised so
// that ∫₋₁¹ P_lm² dμ = 1; only m ≥ 0 is stored (f_l,−m = conj f_lm). Coefficients of one field
// are contiguous, order by order: index(l, m) = offset(m) + l − m.
//
// H_lm(μ) = (1 − μ²) dP_lm/dμ is the meridional-derivative basis: synthesising with H gives
// (1 − μ²) ∂f/∂μ = cos φ ∂f/∂φ, and analysing with H is the adjoint used for divergence and
// curl. Fourier work goes through FFTW, Legendre work through BLAS (dgemm per order m, split
// into the equatorially symmetric and antisymmetric halves).
//
// A call transforms all the fields of one member at once (one dgemm per order carries every
// field's columns). Members are not stacked into the same dgemm: OpenBLAS picks kernels, and
// with them the order of the floating-point sums, from the matrix shape, so a member's bits
// would depend on how many members shared its call. Members run in parallel on threads instead.
//
// Grid blocks hold several fields contiguously: field f, latitude j (north to south),
// longitude i at [(f · nlat + j) · nlon + i]. They must be 64-byte aligned (GridValues is).
class SpectralTransform {
public:
    explicit SpectralTransform(int truncation);
    ~SpectralTransform();

    int truncation() const { return truncation_; }
    const GaussianGrid& grid() const { return grid_; }
    std::size_t coefficientCount() const { return coefficientCount_; }
    std::size_t pointCount() const { return grid_.pointCount(); }
    std::size_t index(int l, int m) const { return orderOffset_[m] + static_cast<std::size_t>(l - m); }
    SpectralCoefficients makeCoefficients() const { return SpectralCoefficients(coefficientCount_); }
    GridValues makeGrid(int fields = 1) const { return GridValues(pointCount() * fields); }

    // grids[f] = Σ pCoefficients[f] P e^{imλ} + Σ hCoefficients[f] H e^{imλ}; either pointer
    // of a field may be null (that part is zero).
    void synthesize(std::span<const Complex* const> pCoefficients, std::span<const Complex* const> hCoefficients,
                    double* grids, TransformWorkspace& workspace) const;
    // pOut[f]_lm = Σ_j w_j P_lm(μ_j) g_m(μ_j), hOut[f] likewise with H; g_m is the m-th Fourier
    // coefficient of field f. Null outputs are skipped. Gauss quadrature makes analysis
    // the exact inverse of synthesis for band-limited fields.
    void analyze(const double* grids, std::span<Complex* const> pOut, std::span<Complex* const> hOut,
                 TransformWorkspace& workspace) const;

    // Convenience forms for one field.
    void synthesize(const SpectralCoefficients& coefficients, GridValues& grid, TransformWorkspace& workspace) const;
    void analyze(const GridValues& grid, SpectralCoefficients& coefficients, TransformWorkspace& workspace) const;

    // The Legendre tables of order m at the northern latitudes (the southern ones follow by
    // parity), for backends that run the transforms themselves (the GPU model).
    struct OrderTables {
        int evenCount = 0;                             // degrees l = m, m + 2, …
        int oddCount = 0;                              // degrees l = m + 1, m + 3, …
        std::vector<double> pEven, pOdd, hEven, hOdd;  // [north latitude][degree]
    };
    const OrderTables& orderTables(int m) const { return tables_[m]; }
    std::size_t orderOffset(int m) const { return orderOffset_[m]; }

private:
    friend class TransformWorkspace;
    void buildTables();

    int truncation_;
    GaussianGrid grid_;
    std::size_t coefficientCount_ = 0;
    std::vector<std::size_t> orderOffset_;
    std::vector<OrderTables> tables_;
};

// Copies the coefficients with l ≤ target's truncation from a finer truncation (spectral
// truncation is the exact projection onto the coarser space).
SpectralCoefficients truncateCoefficients(const SpectralTransform& from, const SpectralCoefficients& coefficients,
                                          const SpectralTransform& to);

}  // namespace spreadcast
