#include "spectral/SpectralTransform.h"

#include <cblas.h>
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace spreadcast {

std::mutex& fftwPlannerMutex()
{
    static std::mutex mutex;
    return mutex;
}

namespace {

// Values this small only appear as cos^m φ near the poles for large m; flushing them keeps
// subnormals (slow on x86) out of the BLAS kernels without changing any result above 1e-280.
double flushTiny(double value)
{
    return std::abs(value) < 1e-280 ? 0.0 : value;
}

void gemm(CBLAS_TRANSPOSE transposeA, int m, int n, int k, const double* a, int lda, const double* b, double beta,
          double* c)
{
    if (m == 0 || n == 0) {
        return;
    }
    if (k == 0) {
        if (beta == 0.0) {
            std::fill(c, c + static_cast<std::size_t>(m) * n, 0.0);
        }
        return;
    }
    cblas_dgemm(CblasRowMajor, transposeA, CblasNoTrans, m, n, k, 1.0, a, lda, b, n, beta, c, n);
}

}  // namespace

struct TransformWorkspace::Plans {
    fftw_plan toGrid = nullptr;     // complex-to-real, all fields and latitudes
    fftw_plan toFourier = nullptr;  // real-to-complex
    ~Plans()
    {
        std::lock_guard lock(fftwPlannerMutex());
        if (toGrid) {
            fftw_destroy_plan(toGrid);
        }
        if (toFourier) {
            fftw_destroy_plan(toFourier);
        }
    }
};

TransformWorkspace::TransformWorkspace(const SpectralTransform& transform, int maxFields)
    : transform_(transform), maxFields_(maxFields)
{
    if (maxFields < 1) {
        throw std::invalid_argument("a transform workspace needs room for at least one field");
    }
    const GaussianGrid& grid = transform.grid();
    const int half = grid.nlat / 2;
    const int degrees = transform.truncation() + 1;
    fourier_.resize(static_cast<std::size_t>(maxFields) * grid.nlat * (grid.nlon / 2 + 1));
    planGrid_.resize(static_cast<std::size_t>(maxFields) * grid.pointCount());
    coefficients_.resize(static_cast<std::size_t>(degrees) * 2 * maxFields);
    symmetric_.resize(static_cast<std::size_t>(half) * 2 * maxFields);
    antisymmetric_.resize(symmetric_.size());
    hSymmetric_.resize(symmetric_.size());
    hAntisymmetric_.resize(symmetric_.size());
}

TransformWorkspace::~TransformWorkspace() = default;

const TransformWorkspace::Plans& TransformWorkspace::plansFor(int fields)
{
    if (fields < 1 || fields > maxFields_) {
        throw std::invalid_argument("transform of " + std::to_string(fields) + " fields in a workspace sized for " +
                                    std::to_string(maxFields_));
    }
    auto found = plans_.find(fields);
    if (found != plans_.end()) {
        return *found->second;
    }
    const GaussianGrid& grid = transform_.grid();
    const int n = grid.nlon;
    const int rows = fields * grid.nlat;
    const int spectrumLength = n / 2 + 1;
    auto plans = std::make_unique<Plans>();
    {
        // FFTW_ESTIMATE chooses the algorithm from the sizes alone, so the same shapes always
        // run the same arithmetic: a requirement for bitwise reproducible members.
        std::lock_guard lock(fftwPlannerMutex());
        auto* fourier = reinterpret_cast<fftw_complex*>(fourier_.data());
        plans->toGrid = fftw_plan_many_dft_c2r(1, &n, rows, fourier, nullptr, 1, spectrumLength, planGrid_.data(),
                                               nullptr, 1, n, FFTW_ESTIMATE);
        plans->toFourier = fftw_plan_many_dft_r2c(1, &n, rows, planGrid_.data(), nullptr, 1, n, fourier, nullptr, 1,
                                                  spectrumLength, FFTW_ESTIMATE | FFTW_PRESERVE_INPUT);
    }
    if (!plans->toGrid || !plans->toFourier) {
        throw std::runtime_error("FFTW could not plan a transform of length " + std::to_string(n));
    }
    return *plans_.emplace(fields, std::move(plans)).first->second;
}

SpectralTransform::SpectralTransform(int truncation)
    : truncation_(truncation), grid_(GaussianGrid::forTruncation(truncation))
{
    // Parallelism is over members, one thread each; threads inside BLAS would only compete.
    static std::once_flag singleThreadedBlas;
    std::call_once(singleThreadedBlas, [] { openblas_set_num_threads(1); });
    if (truncation < 1) {
        throw std::invalid_argument("truncation must be positive, got " + std::to_string(truncation));
    }
    orderOffset_.resize(truncation + 1);
    std::size_t offset = 0;
    for (int m = 0; m <= truncation; ++m) {
        orderOffset_[m] = offset;
        offset += static_cast<std::size_t>(truncation + 1 - m);
    }
    coefficientCount_ = offset;
    buildTables();
}

SpectralTransform::~SpectralTransform() = default;

void SpectralTransform::buildTables()
{
    const int T = truncation_;
    const int half = grid_.nlat / 2;
    tables_.resize(T + 1);
    for (int m = 0; m <= T; ++m) {
        OrderTables& table = tables_[m];
        const int degrees = T + 1 - m;
        table.evenCount = (degrees + 1) / 2;
        table.oddCount = degrees / 2;
        table.pEven.assign(static_cast<std::size_t>(half) * table.evenCount, 0.0);
        table.hEven.assign(table.pEven.size(), 0.0);
        table.pOdd.assign(static_cast<std::size_t>(half) * table.oddCount, 0.0);
        table.hOdd.assign(table.pOdd.size(), 0.0);
    }

    // ε_lm = √((l² − m²) / (4l² − 1)), the coupling of the normalised recurrence
    // μ P_lm = ε_l+1,m P_l+1,m + ε_lm P_l−1,m (e.g. Durran, Numerical Methods for Fluid Dynamics, §6.4).
    auto epsilon = [](int l, int m) {
        const double ll = static_cast<double>(l) * l;
        const double mm = static_cast<double>(m) * m;
        return std::sqrt((ll - mm) / (4.0 * ll - 1.0));
    };

    std::vector<double> p(T + 3);
    for (int j = 0; j < half; ++j) {
        const double mu = grid_.sinLatitude[j];
        const double cosine = grid_.cosLatitude[j];
        double diagonal = 1.0 / std::sqrt(2.0);  // P_00
        for (int m = 0; m <= T; ++m) {
            if (m > 0) {
                diagonal *= std::sqrt((2.0 * m + 1.0) / (2.0 * m)) * cosine;
            }
            // P_lm for l = m … T + 1 (one degree beyond T for H).
            p[m] = diagonal;
            p[m + 1] = std::sqrt(2.0 * m + 3.0) * mu * diagonal;
            for (int l = m + 2; l <= T + 1; ++l) {
                p[l] = (mu * p[l - 1] - epsilon(l - 1, m) * p[l - 2]) / epsilon(l, m);
            }
            OrderTables& table = tables_[m];
            for (int l = m; l <= T; ++l) {
                // (1 − μ²) dP_lm/dμ = −l ε_l+1,m P_l+1,m + (l + 1) ε_lm P_l−1,m
                const double previous = l > m ? p[l - 1] : 0.0;
                const double h = -l * epsilon(l + 1, m) * p[l + 1] + (l + 1) * epsilon(l, m) * previous;
                const int k = (l - m) / 2;
                if ((l - m) % 2 == 0) {
                    table.pEven[static_cast<std::size_t>(j) * table.evenCount + k] = flushTiny(p[l]);
                    table.hEven[static_cast<std::size_t>(j) * table.evenCount + k] = flushTiny(h);
                } else {
                    table.pOdd[static_cast<std::size_t>(j) * table.oddCount + k] = flushTiny(p[l]);
                    table.hOdd[static_cast<std::size_t>(j) * table.oddCount + k] = flushTiny(h);
                }
            }
        }
    }
}

void SpectralTransform::synthesize(std::span<const Complex* const> pCoefficients,
                                   std::span<const Complex* const> hCoefficients, double* grids,
                                   TransformWorkspace& workspace) const
{
    const int fields = static_cast<int>(pCoefficients.size());
    if (hCoefficients.size() != pCoefficients.size()) {
        throw std::invalid_argument("synthesis needs as many H inputs as P inputs");
    }
    const auto& plans = workspace.plansFor(fields);
    const int half = grid_.nlat / 2;
    const int nlat = grid_.nlat;
    const int spectrumLength = grid_.nlon / 2 + 1;
    const int columns = 2 * fields;

    std::vector<int> hFields;
    for (int f = 0; f < fields; ++f) {
        if (hCoefficients[f]) {
            hFields.push_back(f);
        }
    }
    const int hColumns = 2 * static_cast<int>(hFields.size());

    Complex* fourier = workspace.fourier_.data();
    double* gathered = workspace.coefficients_.data();
    double* symmetric = workspace.symmetric_.data();
    double* antisymmetric = workspace.antisymmetric_.data();
    double* hSymmetric = workspace.hSymmetric_.data();
    double* hAntisymmetric = workspace.hAntisymmetric_.data();

    auto gather = [&](const std::span<const Complex* const> inputs, const std::vector<int>* subset, int m, int parity,
                      int count) {
        const int width = subset ? static_cast<int>(subset->size()) : fields;
        for (int k = 0; k < count; ++k) {
            const std::size_t index = orderOffset_[m] + static_cast<std::size_t>(2 * k + parity);
            for (int c = 0; c < width; ++c) {
                const Complex* input = inputs[subset ? (*subset)[c] : c];
                const Complex value = input ? input[index] : Complex{};
                gathered[(static_cast<std::size_t>(k) * width + c) * 2] = value.real();
                gathered[(static_cast<std::size_t>(k) * width + c) * 2 + 1] = value.imag();
            }
        }
    };

    for (int m = 0; m <= truncation_; ++m) {
        const OrderTables& table = tables_[m];
        gather(pCoefficients, nullptr, m, 0, table.evenCount);
        gemm(CblasNoTrans, half, columns, table.evenCount, table.pEven.data(), table.evenCount, gathered, 0.0,
             symmetric);
        gather(pCoefficients, nullptr, m, 1, table.oddCount);
        gemm(CblasNoTrans, half, columns, table.oddCount, table.pOdd.data(), table.oddCount, gathered, 0.0,
             antisymmetric);
        if (hColumns > 0) {
            // H has the opposite parity of P: even degrees are antisymmetric about the equator.
            gather(hCoefficients, &hFields, m, 1, table.oddCount);
            gemm(CblasNoTrans, half, hColumns, table.oddCount, table.hOdd.data(), table.oddCount, gathered, 0.0,
                 hSymmetric);
            gather(hCoefficients, &hFields, m, 0, table.evenCount);
            gemm(CblasNoTrans, half, hColumns, table.evenCount, table.hEven.data(), table.evenCount, gathered, 0.0,
                 hAntisymmetric);
            for (int j = 0; j < half; ++j) {
                for (std::size_t c = 0; c < hFields.size(); ++c) {
                    for (int part = 0; part < 2; ++part) {
                        const std::size_t target = static_cast<std::size_t>(j) * columns + 2 * hFields[c] + part;
                        const std::size_t source = static_cast<std::size_t>(j) * hColumns + 2 * c + part;
                        symmetric[target] += hSymmetric[source];
                        antisymmetric[target] += hAntisymmetric[source];
                    }
                }
            }
        }
        for (int f = 0; f < fields; ++f) {
            for (int j = 0; j < half; ++j) {
                const std::size_t at = static_cast<std::size_t>(j) * columns + 2 * f;
                const Complex s{symmetric[at], symmetric[at + 1]};
                const Complex a{antisymmetric[at], antisymmetric[at + 1]};
                Complex north = s + a;
                Complex south = s - a;
                if (m == 0) {
                    north.imag(0.0);
                    south.imag(0.0);
                }
                fourier[(static_cast<std::size_t>(f) * nlat + j) * spectrumLength + m] = north;
                fourier[(static_cast<std::size_t>(f) * nlat + (nlat - 1 - j)) * spectrumLength + m] = south;
            }
        }
    }
    for (int row = 0; row < fields * nlat; ++row) {
        std::fill(fourier + static_cast<std::size_t>(row) * spectrumLength + truncation_ + 1,
                  fourier + static_cast<std::size_t>(row + 1) * spectrumLength, Complex{});
    }
    fftw_execute_dft_c2r(plans.toGrid, reinterpret_cast<fftw_complex*>(fourier), grids);
}

void SpectralTransform::analyze(const double* grids, std::span<Complex* const> pOut, std::span<Complex* const> hOut,
                                TransformWorkspace& workspace) const
{
    const int fields = static_cast<int>(pOut.size());
    if (hOut.size() != pOut.size()) {
        throw std::invalid_argument("analysis needs as many H outputs as P outputs");
    }
    const auto& plans = workspace.plansFor(fields);
    const int half = grid_.nlat / 2;
    const int nlat = grid_.nlat;
    const int spectrumLength = grid_.nlon / 2 + 1;

    Complex* fourier = workspace.fourier_.data();
    // FFTW_PRESERVE_INPUT was planned, so the input is only read.
    fftw_execute_dft_r2c(plans.toFourier, const_cast<double*>(grids), reinterpret_cast<fftw_complex*>(fourier));

    std::vector<int> pFields;
    std::vector<int> hFields;
    for (int f = 0; f < fields; ++f) {
        if (pOut[f]) {
            pFields.push_back(f);
        }
        if (hOut[f]) {
            hFields.push_back(f);
        }
    }

    double* gathered = workspace.coefficients_.data();
    double* symmetric = workspace.symmetric_.data();
    double* antisymmetric = workspace.antisymmetric_.data();
    const double normalisation = 1.0 / grid_.nlon;

    // Weighted equatorially symmetric and antisymmetric parts of the m-th Fourier coefficient.
    auto split = [&](const std::vector<int>& subset, int m) {
        const int width = static_cast<int>(subset.size());
        for (int j = 0; j < half; ++j) {
            const double weight = grid_.weights[j] * normalisation;
            for (int c = 0; c < width; ++c) {
                const std::size_t row = static_cast<std::size_t>(subset[c]) * nlat;
                const Complex north = fourier[(row + j) * spectrumLength + m];
                const Complex south = fourier[(row + nlat - 1 - j) * spectrumLength + m];
                const Complex s = weight * (north + south);
                const Complex a = weight * (north - south);
                const std::size_t at = static_cast<std::size_t>(j) * 2 * width + 2 * c;
                symmetric[at] = s.real();
                symmetric[at + 1] = s.imag();
                antisymmetric[at] = a.real();
                antisymmetric[at + 1] = a.imag();
            }
        }
    };
    auto scatter = [&](std::span<Complex* const> outputs, const std::vector<int>& subset, int m, int parity,
                       int count) {
        const int width = static_cast<int>(subset.size());
        for (int k = 0; k < count; ++k) {
            const std::size_t index = orderOffset_[m] + static_cast<std::size_t>(2 * k + parity);
            for (int c = 0; c < width; ++c) {
                const std::size_t at = (static_cast<std::size_t>(k) * width + c) * 2;
                outputs[subset[c]][index] = Complex{gathered[at], m == 0 ? 0.0 : gathered[at + 1]};
            }
        }
    };

    for (int m = 0; m <= truncation_; ++m) {
        const OrderTables& table = tables_[m];
        if (!pFields.empty()) {
            const int columns = 2 * static_cast<int>(pFields.size());
            split(pFields, m);
            gemm(CblasTrans, table.evenCount, columns, half, table.pEven.data(), table.evenCount, symmetric, 0.0,
                 gathered);
            scatter(pOut, pFields, m, 0, table.evenCount);
            gemm(CblasTrans, table.oddCount, columns, half, table.pOdd.data(), table.oddCount, antisymmetric, 0.0,
                 gathered);
            scatter(pOut, pFields, m, 1, table.oddCount);
        }
        if (!hFields.empty()) {
            const int columns = 2 * static_cast<int>(hFields.size());
            split(hFields, m);
            gemm(CblasTrans, table.evenCount, columns, half, table.hEven.data(), table.evenCount, antisymmetric, 0.0,
                 gathered);
            scatter(hOut, hFields, m, 0, table.evenCount);
            gemm(CblasTrans, table.oddCount, columns, half, table.hOdd.data(), table.oddCount, symmetric, 0.0,
                 gathered);
            scatter(hOut, hFields, m, 1, table.oddCount);
        }
    }
}

void SpectralTransform::synthesize(const SpectralCoefficients& coefficients, GridValues& grid,
                                   TransformWorkspace& workspace) const
{
    const Complex* p[] = {coefficients.data()};
    const Complex* h[] = {nullptr};
    grid.resize(pointCount());
    synthesize(p, h, grid.data(), workspace);
}

void SpectralTransform::analyze(const GridValues& grid, SpectralCoefficients& coefficients,
                                TransformWorkspace& workspace) const
{
    coefficients.resize(coefficientCount_);
    Complex* p[] = {coefficients.data()};
    Complex* h[] = {nullptr};
    analyze(grid.data(), p, h, workspace);
}

SpectralCoefficients truncateCoefficients(const SpectralTransform& from, const SpectralCoefficients& coefficients,
                                          const SpectralTransform& to)
{
    SpectralCoefficients result = to.makeCoefficients();
    const int T = std::min(from.truncation(), to.truncation());
    for (int m = 0; m <= T; ++m) {
        for (int l = m; l <= T; ++l) {
            result[to.index(l, m)] = coefficients[from.index(l, m)];
        }
    }
    return result;
}

}  // namespace spreadcast
