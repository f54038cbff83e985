#include "model/ShallowWaterModel.h"

#include "model/PhysicalConstants.h"
#include "model/ShallowWaterPhysics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace spreadcast {

using constants::earthRadius;
using constants::earthRotationRate;
using constants::gravity;

namespace physics = shallowwater;

namespace {

// The largest block a transform handles: the nonlinear products.
constexpr int gridFieldCount = physics::productGrid::count;

Cplx toCplx(Complex value)
{
    return {value.real(), value.imag()};
}

Complex toComplex(Cplx value)
{
    return {value.re, value.im};
}

std::string formatNumber(double value, int digits = 4)
{
    std::ostringstream text;
    text.precision(digits);
    text << value;
    return text.str();
}

}  // namespace

class ShallowWaterModel::Workspace : public ModelWorkspace {
public:
    explicit Workspace(const SpectralTransform& transform)
        : transforms(transform, gridFieldCount),
          stateGrids(transform.makeGrid(physics::stateGrid::count)),
          productGrids(transform.makeGrid(gridFieldCount))
    {
        for (auto& coefficients : spectral) {
            coefficients = transform.makeCoefficients();
        }
    }

    TransformWorkspace transforms;
    GridValues stateGrids;    // physics::stateGrid order
    GridValues productGrids;  // physics::productGrid order
    // Spectral scratch: velocity potentials going in, analysed products coming out (physics::slot).
    std::array<SpectralCoefficients, physics::slot::count> spectral;
};

OutputSchema shallowWaterOutputSchema(const GaussianGrid& grid)
{
    OutputSchema schema;
    schema.latitudes = grid.latitudeDegrees;
    schema.longitudes = grid.longitudeDegrees;
    schema.gridDescription = "Gaussian latitudes, north to south";
    schema.variables = {
        {"height", "geopotential_height", "height of the free surface above sea level", "m"},
        {"u", "eastward_wind", "eastward wind", "m s-1"},
        {"v", "northward_wind", "northward wind", "m s-1"},
        {"vorticity", "atmosphere_relative_vorticity", "relative vorticity", "s-1"},
    };
    return schema;
}

ShallowWaterModel::ShallowWaterModel(int truncation, const InitialFields& initial,
                                     const ShallowWaterParameters& parameters, const InitialPerturbation& perturbation,
                                     const StochasticForcingSettings& forcing)
    : transform_(truncation),
      schema_(shallowWaterOutputSchema(transform_.grid())),
      parameters_(parameters),
      perturbation_(perturbation)
{
    if (forcing.active()) {
        forcing_.emplace(transform_, forcing, parameters_.timeStep);
    }
    if (!(parameters_.timeStep > 0.0)) {
        throw std::invalid_argument("the time step must be positive");
    }
    const int T = truncation;
    const double scale = 32.0 / T;
    const double diffusionTime[2] = {
        parameters_.vorticityDiffusionTime > 0.0 ? parameters_.vorticityDiffusionTime : 4.0 * 3600.0 * scale,
        parameters_.divergenceDiffusionTime > 0.0 ? parameters_.divergenceDiffusionTime : 1.0 * 3600.0 * scale,
    };
    const std::size_t count = transform_.coefficientCount();
    order_.resize(count);
    laplacian_.resize(count);
    inverseLaplacian_.resize(count);
    hyperdiffusion_[0].resize(count);
    hyperdiffusion_[1].resize(count);
    // The operator is (∇² + 2/a²)⁴ rather than ∇⁸: it leaves l = 1, solid-body rotation, alone,
    // as viscosity on a rotating sphere must (it keeps the angular momentum of W92 case 2 exact).
    const double largest = static_cast<double>(T) * (T + 1) - 2.0;
    for (int m = 0; m <= T; ++m) {
        for (int l = m; l <= T; ++l) {
            const std::size_t k = transform_.index(l, m);
            const double eigenvalue = static_cast<double>(l) * (l + 1);
            order_[k] = m;
            laplacian_[k] = eigenvalue / (earthRadius * earthRadius);
            inverseLaplacian_[k] = l == 0 ? 0.0 : -earthRadius * earthRadius / eigenvalue;
            const double relative = l == 0 ? 0.0 : std::pow((eigenvalue - 2.0) / largest, 4);
            hyperdiffusion_[0][k] = relative / diffusionTime[0];
            hyperdiffusion_[1][k] = relative / diffusionTime[1];
        }
    }

    const GaussianGrid& grid = transform_.grid();
    coriolis_.resize(grid.pointCount());
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            const double lambda = grid.longitudeRadians(i);
            coriolis_[static_cast<std::size_t>(j) * grid.nlon + i] =
                2.0 * earthRotationRate *
                (-std::cos(lambda) * grid.cosLatitude[j] * std::sin(initial.coriolisTilt) +
                 grid.sinLatitude[j] * std::cos(initial.coriolisTilt));
        }
    }

    Workspace workspace(transform_);
    initialiseFrom(initial, workspace);
    if (perturbation_.vorticity.standardDeviation > 0.0) {
        balancedInitialGeopotential_ = balancedGeopotential(initial_, workspace);
    }
    description_ = "spectral shallow-water model T" + std::to_string(T) + " (" + std::to_string(grid.nlat) + " × " +
                   std::to_string(grid.nlon) + " Gaussian grid, Δt = " + formatNumber(parameters_.timeStep) + " s)" +
                   (initial.description.empty() ? "" : ", " + initial.description);
}

ShallowWaterModel::~ShallowWaterModel() = default;

std::string ShallowWaterModel::description() const
{
    return description_;
}

std::unique_ptr<ModelWorkspace> ShallowWaterModel::makeWorkspace() const
{
    return std::make_unique<Workspace>(transform_);
}

void ShallowWaterModel::initialiseFrom(const InitialFields& initial, Workspace& workspace)
{
    const GaussianGrid& grid = transform_.grid();
    const std::size_t points = grid.pointCount();
    auto checkSize = [&](const AlignedVector<double>& field, const char* name, bool optional) {
        if ((optional && field.empty()) || field.size() == points) {
            return;
        }
        throw std::invalid_argument(std::string("initial field '") + name + "' has " + std::to_string(field.size()) +
                                    " points, the grid " + std::to_string(points));
    };
    checkSize(initial.u, "u", false);
    checkSize(initial.v, "v", false);
    checkSize(initial.surfaceHeight, "surface height", true);
    checkSize(initial.heightPerturbation, "height perturbation", true);
    if (initial.height) {
        checkSize(*initial.height, "height", false);
    }

    initial_.vorticity = transform_.makeCoefficients();
    initial_.divergence = transform_.makeCoefficients();
    initial_.geopotential = transform_.makeCoefficients();
    surfaceGeopotential_ = transform_.makeCoefficients();

    // ζ = k·∇×v and δ = ∇·v from the grid winds: analyse u/(a cos φ) and v/(a cos φ), i.e.
    // U, V over a(1 − μ²), with P and H (the divergence and curl forms, see step()).
    double* products = workspace.productGrids.data();
    for (int j = 0; j < grid.nlat; ++j) {
        const double factor = 1.0 / (earthRadius * grid.cosLatitude[j]);
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
            products[at] = initial.u[at] * factor;
            products[points + at] = initial.v[at] * factor;
        }
    }
    auto& s = workspace.spectral;
    {
        Complex* pOut[] = {s[0].data(), s[1].data()};
        Complex* hOut[] = {s[2].data(), s[3].data()};
        transform_.analyze(products, pOut, hOut, workspace.transforms);
    }
    for (std::size_t k = 0; k < transform_.coefficientCount(); ++k) {
        const Complex im{0.0, order_[k]};
        initial_.vorticity[k] = im * s[1][k] + s[2][k];
        initial_.divergence[k] = im * s[0][k] - s[3][k];
    }

    if (!initial.surfaceHeight.empty()) {
        GridValues surface(initial.surfaceHeight.begin(), initial.surfaceHeight.end());
        for (double& value : surface) {
            value *= gravity;
        }
        transform_.analyze(surface, surfaceGeopotential_, workspace.transforms);
    }
    transform_.synthesize(surfaceGeopotential_, surfaceHeightGrid_, workspace.transforms);
    for (double& value : surfaceHeightGrid_) {
        value /= gravity;
    }

    const std::size_t mean = transform_.index(0, 0);
    if (initial.height) {
        GridValues depth(points);
        for (std::size_t at = 0; at < points; ++at) {
            depth[at] =
                gravity * ((*initial.height)[at] - (initial.surfaceHeight.empty() ? 0.0 : initial.surfaceHeight[at]));
        }
        transform_.analyze(depth, initial_.geopotential, workspace.transforms);
        // P_00 = 1/√2, so the global mean of a field is its (0, 0) coefficient over √2.
        meanGeopotential_ = initial_.geopotential[mean].real() / std::numbers::sqrt2;
        initial_.geopotential[mean] = 0.0;
    } else {
        if (!(initial.meanDepth > 0.0)) {
            throw std::invalid_argument("deriving a balanced height needs a positive mean depth");
        }
        meanGeopotential_ = gravity * initial.meanDepth;
        const SpectralCoefficients total = balancedGeopotential(initial_, workspace);
        for (std::size_t k = 0; k < transform_.coefficientCount(); ++k) {
            if (laplacian_[k] != 0.0) {
                initial_.geopotential[k] = total[k] - surfaceGeopotential_[k];
            }
        }
    }
    if (!initial.heightPerturbation.empty()) {
        GridValues perturbation(initial.heightPerturbation.begin(), initial.heightPerturbation.end());
        for (double& value : perturbation) {
            value *= gravity;
        }
        SpectralCoefficients coefficients;
        transform_.analyze(perturbation, coefficients, workspace.transforms);
        for (std::size_t k = 0; k < coefficients.size(); ++k) {
            initial_.geopotential[k] += coefficients[k];
        }
    }
    if (!(meanGeopotential_ > 0.0)) {
        throw std::invalid_argument("the initial fluid depth has a global mean of " +
                                    formatNumber(meanGeopotential_ / gravity) +
                                    " m; a shallow-water layer needs a positive depth");
    }
}

SpectralCoefficients ShallowWaterModel::balancedGeopotential(const PrognosticFields& fields, Workspace& workspace) const
{
    // From the winds as the model represents them, so the balance is the model's own: for a
    // zonal flow this is the gradient-wind balance, and the state is a discrete steady state.
    const GaussianGrid& grid = transform_.grid();
    const std::size_t points = grid.pointCount();
    synthesizeState(fields, workspace);
    const double* state = workspace.stateGrids.data();
    double* products = workspace.productGrids.data();
    for (int j = 0; j < grid.nlat; ++j) {
        const double cosSquared = grid.cosLatitude[j] * grid.cosLatitude[j];
        const double weight = 1.0 / (earthRadius * cosSquared);
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
            const double eta = state[at] + coriolis_[at];
            const double U = state[2 * points + at];
            const double V = state[3 * points + at];
            products[at] = eta * U * weight;
            products[points + at] = eta * V * weight;
            products[2 * points + at] = (U * U + V * V) / (2.0 * cosSquared);
        }
    }
    auto& s = workspace.spectral;
    Complex* pOut[] = {nullptr, s[0].data(), s[1].data()};
    Complex* hOut[] = {s[2].data(), nullptr, nullptr};
    transform_.analyze(products, pOut, hOut, workspace.transforms);
    SpectralCoefficients total = transform_.makeCoefficients();
    for (std::size_t k = 0; k < transform_.coefficientCount(); ++k) {
        if (laplacian_[k] != 0.0) {
            const Complex im{0.0, order_[k]};
            total[k] = -(im * s[0][k] + s[2][k]) / laplacian_[k] - s[1][k];
        }
    }
    return total;
}

std::unique_ptr<MemberState> ShallowWaterModel::initialState(int member) const
{
    auto state = std::make_unique<ShallowWaterState>();
    state->current = initial_;
    const RandomKey key = memberKey(perturbation_.seed, static_cast<std::uint32_t>(member));
    state->key = key;
    if (forcing_) {
        state->pattern = forcing_->initialPattern(key);
    }
    // Member 0 is the unperturbed control (ECMWF ENS's convention), so a 1-member run is the
    // control forecast and members 1… are the perturbed ones whatever the ensemble size.
    if (perturbation_.active() && member > 0) {
        PrognosticFields& fields = state->current;
        if (perturbation_.vorticity.standardDeviation > 0.0) {
            const SpectralCoefficients vorticity =
                drawRandomField(transform_, key, vorticityPerturbationStream, perturbation_.vorticity);
            for (std::size_t k = 0; k < vorticity.size(); ++k) {
                fields.vorticity[k] += vorticity[k];
            }
            // Keep the start balanced: the height moves with the balance of the new winds.
            Workspace workspace(transform_);
            const SpectralCoefficients balanced = balancedGeopotential(fields, workspace);
            for (std::size_t k = 0; k < balanced.size(); ++k) {
                fields.geopotential[k] += balanced[k] - balancedInitialGeopotential_[k];
            }
        }
        if (perturbation_.height.standardDeviation > 0.0) {
            const SpectralCoefficients height =
                drawRandomField(transform_, key, heightPerturbationStream, perturbation_.height);
            for (std::size_t k = 0; k < height.size(); ++k) {
                fields.geopotential[k] += gravity * height[k];
            }
        }
    }
    state->previous = state->current;
    state->step = 0;
    return state;
}

void ShallowWaterModel::synthesizeState(const PrognosticFields& fields, Workspace& workspace) const
{
    // U = (1/a)[∂χ/∂λ − (1 − μ²)∂ψ/∂μ], V = (1/a)[∂ψ/∂λ + (1 − μ²)∂χ/∂μ] with ψ = ∇⁻²ζ, χ = ∇⁻²δ.
    auto& s = workspace.spectral;
    SpectralCoefficients& imChi = s[physics::slot::imChi];
    SpectralCoefficients& imPsi = s[physics::slot::imPsi];
    SpectralCoefficients& minusPsi = s[physics::slot::minusPsi];
    SpectralCoefficients& chi = s[physics::slot::chi];
    for (std::size_t k = 0; k < transform_.coefficientCount(); ++k) {
        const physics::VelocityPotentialTerms terms = physics::velocityPotentialTerms(
            order_[k], inverseLaplacian_[k], earthRadius, toCplx(fields.vorticity[k]), toCplx(fields.divergence[k]));
        imChi[k] = toComplex(terms.imChi);
        imPsi[k] = toComplex(terms.imPsi);
        minusPsi[k] = toComplex(terms.minusPsi);
        chi[k] = toComplex(terms.chi);
    }
    const Complex* p[] = {fields.vorticity.data(), fields.geopotential.data(), imChi.data(), imPsi.data()};
    const Complex* h[] = {nullptr, nullptr, minusPsi.data(), chi.data()};
    transform_.synthesize(p, h, workspace.stateGrids.data(), workspace.transforms);
}

physics::TimeStepping ShallowWaterModel::timeStepping() const
{
    return {parameters_.timeStep, meanGeopotential_, parameters_.robertFilter, parameters_.williamsFilter};
}

physics::BlowUpLimits ShallowWaterModel::blowUpLimits() const
{
    return {.timeStep = parameters_.timeStep,
            .truncation = transform_.truncation(),
            .earthRadius = earthRadius,
            .courantLimit = parameters_.courantLimit,
            .meanGeopotential = meanGeopotential_,
            .gravity = gravity};
}

ModelBlowUp ShallowWaterModel::blowUp(std::int64_t step, const physics::BlowUpVerdict& verdict) const
{
    const GaussianGrid& grid = transform_.grid();
    switch (verdict.reason) {
    case physics::nonFinite: {
        const char* names[physics::stateGrid::count] = {"relative vorticity", "geopotential", "eastward wind",
                                                        "northward wind"};
        const long long points = static_cast<long long>(grid.pointCount());
        const long long field = std::clamp(verdict.badPoint / points, 0LL, physics::stateGrid::count - 1LL);
        const auto at = static_cast<std::size_t>(verdict.badPoint % points);
        return ModelBlowUp(step, names[field],
                           "non-finite value at latitude " + formatNumber(grid.latitudeDegrees[at / grid.nlon]) +
                               "°, longitude " + formatNumber(grid.longitudeDegrees[at % grid.nlon]) + "°");
    }
    case physics::courantBreach:
        return ModelBlowUp(step, "wind",
                           "CFL breach: wind speed " + formatNumber(verdict.value) + " m/s gives U·Δt·T/a = " +
                               formatNumber(physics::courantNumber(verdict.value, blowUpLimits()), 6) + " > " +
                               formatNumber(parameters_.courantLimit) + "; use a shorter time step");
    case physics::negativeDepth:
        return ModelBlowUp(step, "geopotential",
                           "the fluid depth became negative (" + formatNumber(verdict.value) + " m)");
    default: return ModelBlowUp(step, "state", "stopped for an unknown reason " + std::to_string(verdict.reason));
    }
}

void ShallowWaterModel::advance(std::span<MemberState* const> members, int steps, ModelWorkspace& workspace) const
{
    for (MemberState* member : members) {
        auto& state = dynamic_cast<ShallowWaterState&>(*member);
        for (int n = 0; n < steps; ++n) {
            step(state, workspace);
        }
    }
}

void ShallowWaterModel::step(ShallowWaterState& state, ModelWorkspace& baseWorkspace) const
{
    auto& workspace = dynamic_cast<Workspace&>(baseWorkspace);
    const GaussianGrid& grid = transform_.grid();
    const std::size_t points = grid.pointCount();
    synthesizeState(state.current, workspace);

    // The nonlinear products, and the extremes the blow-up checks need.
    const double* grids = workspace.stateGrids.data();
    const double* zeta = grids + physics::stateGrid::vorticity * points;
    const double* phi = grids + physics::stateGrid::geopotential * points;
    const double* U = grids + physics::stateGrid::uCos * points;
    const double* V = grids + physics::stateGrid::vCos * points;
    double* products = workspace.productGrids.data();
    double* etaU = products + physics::productGrid::etaU * points;
    double* etaV = products + physics::productGrid::etaV * points;
    double* phiU = products + physics::productGrid::phiU * points;
    double* kineticEnergy = products + physics::productGrid::kineticEnergy * points;
    double* phiV = products + physics::productGrid::phiV * points;
    double checksum = 0.0;
    double maxEnergy = 0.0;
    double minPhi = std::numeric_limits<double>::infinity();
    for (int j = 0; j < grid.nlat; ++j) {
        const physics::RowFactors row = physics::rowFactors(grid.cosLatitude[j], earthRadius);
        const std::size_t first = static_cast<std::size_t>(j) * grid.nlon;
        for (std::size_t at = first; at < first + grid.nlon; ++at) {
            const physics::NonlinearProducts product =
                physics::nonlinearProducts(zeta[at], phi[at], U[at], V[at], coriolis_[at], row);
            etaU[at] = product.etaU;
            etaV[at] = product.etaV;
            phiU[at] = product.phiU;
            kineticEnergy[at] = product.kineticEnergy;
            phiV[at] = product.phiV;
            checksum += zeta[at] + phi[at] + U[at] + V[at];
            maxEnergy = std::max(maxEnergy, product.kineticEnergy);
            minPhi = std::min(minPhi, phi[at]);
        }
    }
    long long firstNonFinite = -1;
    if (!std::isfinite(checksum)) {
        // The first in memory order, as the batched step finds it.
        const double* end = grids + physics::stateGrid::count * points;
        const auto bad = std::find_if(grids, end, [](double x) { return !std::isfinite(x); });
        firstNonFinite = bad == end ? -1 : static_cast<long long>(bad - grids);
    }
    const physics::BlowUpVerdict verdict = physics::checkBlowUp(firstNonFinite, maxEnergy, minPhi, blowUpLimits());
    if (verdict.reason != physics::healthy) {
        throw blowUp(state.step, verdict);
    }

    auto& s = workspace.spectral;
    {
        Complex* pOut[gridFieldCount] = {};
        Complex* hOut[gridFieldCount] = {};
        for (const physics::AnalysedProduct& analysed : physics::analysedProducts) {
            (analysed.useH ? hOut : pOut)[analysed.grid] = s[analysed.slot].data();
        }
        transform_.analyze(products, pOut, hOut, workspace.transforms);
    }

    const physics::TimeStepping stepping = timeStepping();
    PrognosticFields& previous = state.previous;
    PrognosticFields& current = state.current;
    for (std::size_t k = 0; k < transform_.coefficientCount(); ++k) {
        const physics::CoefficientOperators operators{order_[k], laplacian_[k], hyperdiffusion_[0][k],
                                                      hyperdiffusion_[1][k], toCplx(surfaceGeopotential_[k])};
        const physics::AnalysedProducts analysed{
            toCplx(s[physics::slot::pEtaU][k]), toCplx(s[physics::slot::pEtaV][k]),
            toCplx(s[physics::slot::pPhiU][k]), toCplx(s[physics::slot::pKineticEnergy][k]),
            toCplx(s[physics::slot::hEtaU][k]), toCplx(s[physics::slot::hEtaV][k]),
            toCplx(s[physics::slot::hPhiV][k])};
        physics::Prognostic tendency = physics::explicitTendencies(analysed, operators);
        if (forcing_) {
            tendency.vorticity = tendency.vorticity + toCplx(forcing_->vorticityTendency(k, state.pattern[k]));
        }
        physics::Prognostic older{toCplx(previous.vorticity[k]), toCplx(previous.divergence[k]),
                                  toCplx(previous.geopotential[k])};
        physics::Prognostic now{toCplx(current.vorticity[k]), toCplx(current.divergence[k]),
                                toCplx(current.geopotential[k])};
        physics::stepCoefficient(stepping, state.step, operators, tendency, older, now);
        previous.vorticity[k] = toComplex(older.vorticity);
        previous.divergence[k] = toComplex(older.divergence);
        previous.geopotential[k] = toComplex(older.geopotential);
        current.vorticity[k] = toComplex(now.vorticity);
        current.divergence[k] = toComplex(now.divergence);
        current.geopotential[k] = toComplex(now.geopotential);
    }
    if (forcing_) {
        forcing_->advance(state.pattern, state.key, state.step);
    }
    ++state.step;
}

GridFields ShallowWaterModel::fields(const MemberState& member, ModelWorkspace& baseWorkspace) const
{
    auto& workspace = dynamic_cast<Workspace&>(baseWorkspace);
    const auto& state = dynamic_cast<const ShallowWaterState&>(member);
    synthesizeState(state.current, workspace);
    const GaussianGrid& grid = transform_.grid();
    const std::size_t points = grid.pointCount();
    const double* grids = workspace.stateGrids.data();
    const double* zeta = grids + physics::stateGrid::vorticity * points;
    const double* phi = grids + physics::stateGrid::geopotential * points;
    const double* U = grids + physics::stateGrid::uCos * points;
    const double* V = grids + physics::stateGrid::vCos * points;
    GridFields out;
    out.variables.assign(schema_.variables.size(), AlignedVector<double>(points));
    AlignedVector<double>& height = out.variables[outputHeight];
    AlignedVector<double>& u = out.variables[outputU];
    AlignedVector<double>& v = out.variables[outputV];
    AlignedVector<double>& vorticity = out.variables[outputVorticity];
    for (int j = 0; j < grid.nlat; ++j) {
        const double secant = 1.0 / grid.cosLatitude[j];
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
            const physics::OutputValues values = physics::outputValues(
                zeta[at], phi[at], U[at], V[at], secant, meanGeopotential_, gravity, surfaceHeightGrid_[at]);
            height[at] = values.height;
            u[at] = values.u;
            v[at] = values.v;
            vorticity[at] = values.vorticity;
        }
    }
    return out;
}

ShallowWaterIntegrals ShallowWaterModel::integrals(const MemberState& member, ModelWorkspace& workspace) const
{
    const GridFields state = fields(member, workspace);
    const GaussianGrid& grid = transform_.grid();
    // Gauss quadrature in μ, the trapezoidal rule in λ: dA = a² dλ dμ.
    const double cell = earthRadius * earthRadius * 2.0 * std::numbers::pi / grid.nlon;
    ShallowWaterIntegrals result;
    for (int j = 0; j < grid.nlat; ++j) {
        double mass = 0.0;
        double energy = 0.0;
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
            const double surface = surfaceHeightGrid_[at];
            const double depth = state.variables[outputHeight][at] - surface;
            const double u = state.variables[outputU][at];
            const double v = state.variables[outputV][at];
            const double speedSquared = u * u + v * v;
            mass += depth;
            energy += 0.5 * depth * speedSquared + 0.5 * gravity * depth * depth + gravity * depth * surface;
        }
        result.mass += grid.weights[j] * cell * mass;
        result.energy += grid.weights[j] * cell * energy;
    }
    return result;
}

}  // namespace spreadcast

namespace spreadcast {
namespace {

// Serialized states start with this tag and a layout version.
constexpr char stateTag[8] = {'S', 'C', 'S', 'W', 'S', 'T', '0', '1'};

}  // namespace

void ShallowWaterState::assign(const MemberState& other)
{
    const auto* state = dynamic_cast<const ShallowWaterState*>(&other);
    if (state == nullptr) {
        throw std::invalid_argument("a shallow-water state cannot take over the state of another model");
    }
    *this = *state;
}

std::size_t ShallowWaterModel::stateBytes() const
{
    const std::size_t fields = forcing_ ? 7 : 6;  // two time levels of ζ, δ, Φ', and the forcing pattern
    return fields * transform_.coefficientCount() * sizeof(Complex) + sizeof(ShallowWaterState);
}

std::size_t ShallowWaterModel::workspaceBytes() const
{
    // Fourier coefficients and grids of the transform workspace, the state and product grids, the
    // spectral scratch, and the output fields the workspace produces.
    const std::size_t points = transform_.grid().pointCount();
    const std::size_t grids =
        2 * gridFieldCount + physics::stateGrid::count + gridFieldCount + schema_.variables.size();
    return grids * points * sizeof(double) + physics::slot::count * transform_.coefficientCount() * sizeof(Complex);
}

std::vector<std::byte> ShallowWaterModel::serialize(const MemberState& member) const
{
    const auto& state = dynamic_cast<const ShallowWaterState&>(member);
    const std::size_t count = transform_.coefficientCount();
    const auto arrays = state.arrays();
    const std::uint64_t header[] = {static_cast<std::uint64_t>(state.step), state.key[0], state.key[1], count,
                                    state.pattern.empty() ? 0u : 1u};
    std::vector<std::byte> bytes(sizeof stateTag + sizeof header);
    std::memcpy(bytes.data(), stateTag, sizeof stateTag);
    std::memcpy(bytes.data() + sizeof stateTag, header, sizeof header);
    for (const SpectralCoefficients* array : arrays) {
        if (array->empty() && array == &state.pattern) {
            continue;
        }
        if (array->size() != count) {
            throw std::logic_error("a shallow-water state with the wrong number of coefficients");
        }
        const auto* data = reinterpret_cast<const std::byte*>(array->data());
        bytes.insert(bytes.end(), data, data + count * sizeof(Complex));
    }
    return bytes;
}

std::unique_ptr<MemberState> ShallowWaterModel::deserialize(std::span<const std::byte> bytes) const
{
    std::uint64_t header[5];
    if (bytes.size() < sizeof stateTag + sizeof header || std::memcmp(bytes.data(), stateTag, sizeof stateTag) != 0) {
        throw std::invalid_argument("the bytes are not a shallow-water model state (tag or length wrong)");
    }
    std::memcpy(header, bytes.data() + sizeof stateTag, sizeof header);
    const std::size_t count = transform_.coefficientCount();
    const bool pattern = header[4] != 0;
    const std::size_t arrays = pattern ? 7 : 6;
    if (header[3] != count || bytes.size() != sizeof stateTag + sizeof header + arrays * count * sizeof(Complex)) {
        throw std::invalid_argument("the state was saved at another truncation (" + std::to_string(header[3]) +
                                    " coefficients; this model has " + std::to_string(count) + ")");
    }
    if (pattern != forcing_.has_value()) {
        throw std::invalid_argument("the state was saved with the stochastic forcing " +
                                    std::string(pattern ? "on" : "off") + ", this model has it " +
                                    (forcing_ ? "on" : "off"));
    }
    auto state = std::make_unique<ShallowWaterState>();
    state->step = static_cast<std::int64_t>(header[0]);
    state->key = {static_cast<std::uint32_t>(header[1]), static_cast<std::uint32_t>(header[2])};
    const auto targets = state->arrays();
    const std::byte* data = bytes.data() + sizeof stateTag + sizeof header;
    for (std::size_t k = 0; k < arrays; ++k) {
        targets[k]->resize(count);
        std::memcpy(targets[k]->data(), data + k * count * sizeof(Complex), count * sizeof(Complex));
    }
    return state;
}

}  // namespace spreadcast
