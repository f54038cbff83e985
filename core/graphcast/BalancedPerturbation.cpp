#include "graphcast/BalancedPerturbation.h"

#include "ensemble/RandomField.h"
#include "model/PhysicalConstants.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <tuple>

namespace spreadcast::graphcast {
namespace {

using constants::earthRadius;
using constants::earthRotationRate;

constexpr double degree = 3.141592653589793238462643383279502884 / 180.0;
constexpr double dryAirGasConstant = 287.05;           // R_d, J kg⁻¹ K⁻¹
constexpr double standardSurfaceTemperature = 288.15;  // K, ICAO standard atmosphere at sea level
// Pole rows: the wind there depends on longitude (each point has its own east), the limit of
// (1/cos φ) × H-expansions; the whole row is evaluated this far from the pole, where
// cos φ ≈ 1.7e-8, so its scalars differ from their pole values by less than 1e-12 relatively.
constexpr double poleOffsetDegrees = 1e-6;

// ε_lm = √((l² − m²) / (4l² − 1)), as in SpectralTransform's recurrence.
double epsilon(int l, int m)
{
    const double ll = static_cast<double>(l) * l;
    const double mm = static_cast<double>(m) * m;
    return std::sqrt((ll - mm) / (4.0 * ll - 1.0));
}

int truncationFor(const LatLonGrid& grid)
{
    const int longitudes = static_cast<int>(grid.longitudes.size());
    return std::clamp((longitudes - 1) / 2, 1, 85);
}

RandomFieldSpectrum unitSpectrum(double lengthScale)
{
    return {1.0, lengthScale, 4.0, false};
}

}  // namespace

struct BalancedPerturbation::Plan {
    fftw_plan rows = nullptr;
    ~Plan()
    {
        if (rows != nullptr) {
            const std::lock_guard lock(fftwPlannerMutex());
            fftw_destroy_plan(rows);
        }
    }
};

BalancedPerturbation::BalancedPerturbation(const LatLonGrid& grid, std::vector<int> levels,
                                           PerturbationAmplitudes amplitudes, double lengthScale)
    : grid_(grid),
      levels_(std::move(levels)),
      amplitudes_(std::move(amplitudes)),
      lengthScale_(lengthScale),
      transform_(truncationFor(grid)),
      plan_(std::make_unique<Plan>())
{
    const std::size_t nlon = grid_.longitudes.size();
    if (nlon < 3 || grid_.latitudes.empty() || levels_.empty()) {
        throw std::invalid_argument("a perturbation needs a grid of at least 3 longitudes and one level");
    }
    for (std::size_t i = 1; i < nlon; ++i) {
        const double step = grid_.longitudes[i] - grid_.longitudes[i - 1];
        if (std::abs(step - 360.0 / static_cast<double>(nlon)) > 1e-9) {
            throw std::invalid_argument("the perturbation's grid must have equally spaced longitudes round the globe");
        }
    }
    for (auto* values : {&amplitudes_.geopotential, &amplitudes_.temperature, &amplitudes_.verticalVelocity,
                         &amplitudes_.specificHumidity}) {
        values->resize(levels_.size(), 0.0);
    }
    lowestLevel_ = static_cast<std::size_t>(std::max_element(levels_.begin(), levels_.end()) - levels_.begin());
    surfaceDensity_ = 100.0 * levels_[lowestLevel_] / (dryAirGasConstant * standardSurfaceTemperature);

    // E|Φ'_nm|² from E|ψ_lm|² = A_l² (independent coefficients, degree T left out), summed as in
    // expectedGridVariance: ½ Σ_n Σ_m E|Φ'_nm|², m ≠ 0 counted twice (±m).
    const int T = transform_.truncation();
    std::vector<double> amplitude = randomFieldAmplitudes(T, unitSpectrum(lengthScale_));
    amplitude[static_cast<std::size_t>(T)] = 0.0;
    double variance = 0.0;
    for (int m = 0; m <= T; ++m) {
        for (int n = std::max(m, 1); n <= T; ++n) {
            double expected = 0.0;
            if (n - 1 >= std::max(m, 1)) {
                const double c = epsilon(n, m) * (n - 1.0) / n;
                expected +=
                    c * c * amplitude[static_cast<std::size_t>(n - 1)] * amplitude[static_cast<std::size_t>(n - 1)];
            }
            if (n + 1 <= T) {
                const double c = epsilon(n + 1, m) * (n + 2.0) / (n + 1.0);
                expected +=
                    c * c * amplitude[static_cast<std::size_t>(n + 1)] * amplitude[static_cast<std::size_t>(n + 1)];
            }
            variance += (m == 0 ? 0.5 : 1.0) * 4.0 * earthRotationRate * earthRotationRate * expected;
        }
    }
    unitGeopotentialDeviation_ = std::sqrt(variance);
    couplings_.resize(static_cast<std::size_t>(T + 1) * static_cast<std::size_t>(T + 2));
    for (int m = 0; m <= T; ++m) {
        for (int l = m; l <= T + 1; ++l) {
            couplings_[static_cast<std::size_t>(m) * static_cast<std::size_t>(T + 2) + static_cast<std::size_t>(l)] =
                epsilon(l, m);
        }
    }

    std::vector<Complex> in(nlon / 2 + 1);
    std::vector<double> out(nlon);
    const std::lock_guard lock(fftwPlannerMutex());
    plan_->rows = fftw_plan_dft_c2r_1d(static_cast<int>(nlon), reinterpret_cast<fftw_complex*>(in.data()), out.data(),
                                       FFTW_ESTIMATE | FFTW_UNALIGNED);
    if (plan_->rows == nullptr) {
        throw std::runtime_error("FFTW could not plan the perturbation's longitude transform");
    }
}

BalancedPerturbation::~BalancedPerturbation() = default;

SpectralCoefficients BalancedPerturbation::balancedGeopotential(const SpectralCoefficients& streamfunction) const
{
    const int T = transform_.truncation();
    SpectralCoefficients geopotential = transform_.makeCoefficients();
    for (int m = 0; m <= T; ++m) {
        for (int n = std::max(m, 1); n <= T; ++n) {
            Complex value = 0.0;
            if (n - 1 >= m) {
                value += epsilon(n, m) * (n - 1.0) / n * streamfunction[transform_.index(n - 1, m)];
            }
            if (n + 1 <= T) {
                value += epsilon(n + 1, m) * (n + 2.0) / (n + 1.0) * streamfunction[transform_.index(n + 1, m)];
            }
            geopotential[transform_.index(n, m)] = 2.0 * earthRotationRate * value;
        }
    }
    return geopotential;
}

void BalancedPerturbation::synthesize(const std::vector<const SpectralCoefficients*>& pFields,
                                      const std::vector<const SpectralCoefficients*>& hFields,
                                      std::vector<std::vector<double>>& out) const
{
    const int T = transform_.truncation();
    const std::size_t nlat = grid_.latitudes.size();
    const std::size_t nlon = grid_.longitudes.size();
    const std::size_t fieldCount = pFields.size() + hFields.size();
    out.assign(fieldCount, std::vector<double>(nlat * nlon));
    std::vector<double> p(static_cast<std::size_t>(T) + 3);
    std::vector<double> h(static_cast<std::size_t>(T) + 2);
    // [field][m] Fourier coefficients of one row.
    std::vector<std::vector<Complex>> fourier(fieldCount, std::vector<Complex>(nlon / 2 + 1));
    const double firstLongitude = grid_.longitudes.front() * degree;
    for (std::size_t j = 0; j < nlat; ++j) {
        double latitude = grid_.latitudes[j];
        if (std::abs(latitude) >= 90.0) {
            latitude = std::copysign(90.0 - poleOffsetDegrees, latitude);
        }
        const double mu = std::sin(latitude * degree);
        const double cosine = std::cos(latitude * degree);
        for (auto& row : fourier) {
            std::fill(row.begin(), row.end(), Complex{});
        }
        double diagonal = 1.0 / std::sqrt(2.0);  // P_00
        for (int m = 0; m <= T; ++m) {
            if (m > 0) {
                diagonal *= std::sqrt((2.0 * m + 1.0) / (2.0 * m)) * cosine;
            }
            p[static_cast<std::size_t>(m)] = diagonal;
            p[static_cast<std::size_t>(m) + 1] = std::sqrt(2.0 * m + 3.0) * mu * diagonal;
            for (int l = m + 2; l <= T + 1; ++l) {
                p[static_cast<std::size_t>(l)] = (mu * p[static_cast<std::size_t>(l - 1)] -
                                                  coupling(l - 1, m) * p[static_cast<std::size_t>(l - 2)]) /
                                                 coupling(l, m);
            }
            // H_lm / (a cos φ) with H_lm = −l ε_l+1,m P_l+1,m + (l + 1) ε_lm P_l−1,m.
            for (int l = m; l <= T; ++l) {
                const double below = l > m ? (l + 1.0) * coupling(l, m) * p[static_cast<std::size_t>(l - 1)] : 0.0;
                h[static_cast<std::size_t>(l)] =
                    (-l * coupling(l + 1, m) * p[static_cast<std::size_t>(l + 1)] + below) / (earthRadius * cosine);
            }
            const Complex shift = std::polar(1.0, m * firstLongitude);
            auto accumulate = [&](const SpectralCoefficients& coefficients, const std::vector<double>& basis,
                                  Complex& target) {
                Complex sum = 0.0;
                const std::size_t offset = transform_.index(m, m);
                for (int l = m; l <= T; ++l) {
                    sum += coefficients[offset + static_cast<std::size_t>(l - m)] * basis[static_cast<std::size_t>(l)];
                }
                target = sum * shift;
            };
            for (std::size_t f = 0; f < pFields.size(); ++f) {
                accumulate(*pFields[f], p, fourier[f][static_cast<std::size_t>(m)]);
            }
            for (std::size_t f = 0; f < hFields.size(); ++f) {
                accumulate(*hFields[f], h, fourier[pFields.size() + f][static_cast<std::size_t>(m)]);
            }
        }
        // c2r: X_0 + 2 Re Σ_m≥1 X_m e^{imλ_i}, the transform's convention (f_l,−m = conj f_lm).
        for (std::size_t f = 0; f < fieldCount; ++f) {
            fftw_execute_dft_c2r(plan_->rows, reinterpret_cast<fftw_complex*>(fourier[f].data()),
                                 out[f].data() + j * nlon);
        }
    }
}

Fields BalancedPerturbation::draw(RandomKey key) const
{
    const std::size_t levels = levels_.size();
    const std::size_t points = grid_.points();
    const int T = transform_.truncation();
    auto anyPositive = [](const std::vector<double>& values) {
        return std::any_of(values.begin(), values.end(), [](double value) { return value > 0.0; });
    };
    Fields fields;
    auto onLevels = [&](const char* name) -> std::vector<float>& {
        return fields.variables.emplace(name, std::vector<float>(levels * points, 0.0f)).first->second;
    };
    auto store = [&](std::vector<float>& target, std::size_t level, const std::vector<double>& values) {
        for (std::size_t i = 0; i < points; ++i) {
            target[level * points + i] = static_cast<float>(values[i]);
        }
    };
    const bool balanced = anyPositive(amplitudes_.geopotential);
    std::vector<float>* geopotential = balanced ? &onLevels("geopotential") : nullptr;
    std::vector<float>* eastward = balanced ? &onLevels("u_component_of_wind") : nullptr;
    std::vector<float>* northward = balanced ? &onLevels("v_component_of_wind") : nullptr;
    struct Independent {
        const std::vector<double>& amplitude;
        std::uint32_t (*stream)(std::size_t);
        std::vector<float>* target;
    };
    std::vector<Independent> independents;
    for (const auto& [name, amplitude, stream] :
         {std::tuple{"temperature", &amplitudes_.temperature, &temperatureStream},
          std::tuple{"vertical_velocity", &amplitudes_.verticalVelocity, &verticalVelocityStream},
          std::tuple{"specific_humidity", &amplitudes_.specificHumidity, &humidityStream}}) {
        if (anyPositive(*amplitude)) {
            independents.push_back({*amplitude, stream, &onLevels(name)});
        }
    }

    // One synthesis per level for all its fields, so the Legendre recurrences run once per row.
    std::vector<std::vector<double>> grids;
    for (std::size_t k = 0; k < levels; ++k) {
        std::vector<SpectralCoefficients> coefficients;
        coefficients.reserve(3 + independents.size());
        std::vector<const SpectralCoefficients*> pFields;
        std::vector<const SpectralCoefficients*> hFields;
        std::vector<std::vector<float>*> pTargets;
        const bool streamfunctionHere = balanced && amplitudes_.geopotential[k] > 0.0;
        if (streamfunctionHere) {
            SpectralCoefficients streamfunction =
                drawRandomField(transform_, key, streamfunctionStream(k), unitSpectrum(lengthScale_));
            const double scale = amplitudes_.geopotential[k] / unitGeopotentialDeviation_;
            SpectralCoefficients minusStreamfunction = transform_.makeCoefficients();
            SpectralCoefficients zonalDerivative = transform_.makeCoefficients();
            for (int m = 0; m <= T; ++m) {
                for (int l = m; l <= T; ++l) {
                    const std::size_t index = transform_.index(l, m);
                    streamfunction[index] = l == T ? Complex{} : scale * streamfunction[index];
                    minusStreamfunction[index] = -streamfunction[index];
                    zonalDerivative[index] = Complex{0.0, static_cast<double>(m)} * streamfunction[index];
                }
            }
            // u = −(1/a) ∂ψ/∂φ = −H(ψ)/(a cos φ); v = (1/(a cos φ)) ∂ψ/∂λ, imψ's P-expansion
            // divided by a cos φ row by row (below).
            coefficients.push_back(balancedGeopotential(streamfunction));
            coefficients.push_back(std::move(zonalDerivative));
            coefficients.push_back(std::move(minusStreamfunction));
            pFields = {&coefficients[0], &coefficients[1]};
            pTargets = {geopotential, nullptr};
            hFields = {&coefficients[2]};
        }
        for (const Independent& field : independents) {
            if (field.amplitude[k] > 0.0) {
                coefficients.push_back(
                    drawRandomField(transform_, key, field.stream(k), {field.amplitude[k], lengthScale_, 4.0, false}));
                pFields.push_back(&coefficients.back());
                pTargets.push_back(field.target);
            }
        }
        if (pFields.empty()) {
            continue;
        }
        synthesize(pFields, hFields, grids);
        for (std::size_t f = 0; f < pTargets.size(); ++f) {
            if (pTargets[f] != nullptr) {
                store(*pTargets[f], k, grids[f]);
            }
        }
        if (streamfunctionHere) {
            store(*eastward, k, grids[pFields.size()]);
            for (std::size_t j = 0; j < grid_.latitudes.size(); ++j) {
                double latitude = grid_.latitudes[j];
                if (std::abs(latitude) >= 90.0) {
                    latitude = std::copysign(90.0 - poleOffsetDegrees, latitude);
                }
                const double radiusCosine = earthRadius * std::cos(latitude * degree);
                const std::size_t row = j * grid_.longitudes.size();
                for (std::size_t i = 0; i < grid_.longitudes.size(); ++i) {
                    (*northward)[k * points + row + i] = static_cast<float>(grids[1][row + i] / radiusCosine);
                }
            }
        }
    }

    auto lowest = [&](const char* name) {
        const std::vector<float>& values = fields.variables.at(name);
        const auto first = values.begin() + static_cast<std::ptrdiff_t>(lowestLevel_ * points);
        return std::vector<float>(first, first + static_cast<std::ptrdiff_t>(points));
    };
    if (fields.variables.contains("temperature")) {
        fields.variables.emplace("2m_temperature", lowest("temperature"));
    }
    if (fields.variables.contains("geopotential")) {
        fields.variables.emplace("10m_u_component_of_wind", lowest("u_component_of_wind"));
        fields.variables.emplace("10m_v_component_of_wind", lowest("v_component_of_wind"));
        std::vector<float> pressure = lowest("geopotential");
        for (float& value : pressure) {
            value = static_cast<float>(surfaceDensity_ * value);
        }
        fields.variables.emplace("mean_sea_level_pressure", std::move(pressure));
    }
    return fields;
}

}  // namespace spreadcast::graphcast
