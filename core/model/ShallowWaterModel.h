#pragma once

#include "ensemble/InitialPerturbation.h"
#include "ensemble/StochasticForcing.h"
#include "model/ForecastModel.h"
#include "model/InitialFields.h"
#include "model/ShallowWaterPhysics.h"
#include "spectral/SpectralTransform.h"

#include <array>
#include <memory>
#include <optional>

namespace spreadcast {

struct ShallowWaterParameters {
    double timeStep = 900.0;  // s
    // Hyperdiffusion (∇² + 2/a²)⁴, as the e-folding time at the truncation wavenumber; 0 picks
    // SpeedyWeather's defaults, 4 h × 32/T for vorticity and 1 h × 32/T for divergence.
    double vorticityDiffusionTime = 0.0;
    double divergenceDiffusionTime = 0.0;
    // Robert–Asselin–Williams filter (Williams 2009, Mon. Wea. Rev. 137, 2538): strength ν and
    // the share α of the displacement given to the current level; α = 1 is the classic RA filter.
    double robertFilter = 0.05;
    double williamsFilter = 0.53;
    // A step stops the forecast when max|v|·Δt·T/a exceeds this (STSWM's semi-implicit rule).
    double courantLimit = 1.0;
};

// The prognostic variables in spectral space: relative vorticity ζ, divergence δ and the
// departure Φ' of the fluid-depth geopotential Φ = g·h from its global mean Φ̄.
struct PrognosticFields {
    SpectralCoefficients vorticity;
    SpectralCoefficients divergence;
    SpectralCoefficients geopotential;
};

// Leapfrog needs two time levels: n − 1 (previous) and n (current).
class ShallowWaterState : public MemberState {
public:
    std::unique_ptr<MemberState> clone() const override { return std::make_unique<ShallowWaterState>(*this); }
    void assign(const MemberState& other) override;
    PrognosticFields previous;
    PrognosticFields current;
    RandomKey key{};               // fold_in(PRNGKey(seed), member)
    SpectralCoefficients pattern;  // the stochastic forcing's AR(1) pattern; empty when it is off

    // Every spectral array, in the order states are serialized (and batched on a GPU): ζ, δ, Φ'
    // at level n − 1, the same at level n, then the pattern.
    std::array<const SpectralCoefficients*, 7> arrays() const
    {
        return {&previous.vorticity,
                &previous.divergence,
                &previous.geopotential,
                &current.vorticity,
                &current.divergence,
                &current.geopotential,
                &pattern};
    }
    std::array<SpectralCoefficients*, 7> arrays()
    {
        return {&previous.vorticity,
                &previous.divergence,
                &previous.geopotential,
                &current.vorticity,
                &current.divergence,
                &current.geopotential,
                &pattern};
    }
};

// The shallow-water model's output variables: their indices in GridFields::variables and the
// schema that names them (height, u, v, vorticity on the Gaussian grid, no levels).
enum ShallowWaterOutput : std::size_t { outputHeight = 0, outputU = 1, outputV = 2, outputVorticity = 3 };
inline constexpr std::size_t shallowWaterOutputCount = 4;
OutputSchema shallowWaterOutputSchema(const GaussianGrid& grid);

struct ShallowWaterIntegrals {
    double mass = 0.0;    // ∫ h dA, m³
    double energy = 0.0;  // ∫ (½ h|v|² + ½ g h² + g h h_s) dA, m⁵ s⁻² (per unit density)
};

// Global spectral-transform shallow-water model in vorticity–divergence form on a Gaussian grid
// (Hack & Jakob 1992, NCAR/TN-343, "STSWM"): semi-implicit leapfrog for the gravity-wave terms,
// Robert–Asselin–Williams filter, implicit ∇⁸ hyperdiffusion, optional bottom topography.
// Double precision throughout.
//
//   ∂ζ/∂t = −∇·(η v)                         η = ζ + f
//   ∂δ/∂t =  k·∇×(η v) − ∇²(Φ + Φ_s + E)       E = |v|²/2
//   ∂Φ/∂t = −∇·(Φ v)
class ShallowWaterModel : public ForecastModel {
public:
    ShallowWaterModel(int truncation, const InitialFields& initial, const ShallowWaterParameters& parameters,
                      const InitialPerturbation& perturbation = {}, const StochasticForcingSettings& forcing = {});
    ~ShallowWaterModel() override;

    // The model's name in the registries (the batched executors register under it too).
    static constexpr const char* registryName = "shallow-water";
    std::string name() const override { return registryName; }
    std::string description() const override;
    const OutputSchema& outputSchema() const override { return schema_; }
    const GaussianGrid& grid() const { return transform_.grid(); }
    double timeStep() const override { return parameters_.timeStep; }
    std::unique_ptr<ModelWorkspace> makeWorkspace() const override;
    std::unique_ptr<MemberState> initialState(int member) const override;
    void advance(std::span<MemberState* const> members, int steps, ModelWorkspace& workspace) const override;
    GridFields fields(const MemberState& member, ModelWorkspace& workspace) const override;
    std::size_t stateBytes() const override;
    std::size_t workspaceBytes() const override;
    std::vector<std::byte> serialize(const MemberState& member) const override;
    std::unique_ptr<MemberState> deserialize(std::span<const std::byte> bytes) const override;

    const SpectralTransform& transform() const { return transform_; }
    const ShallowWaterParameters& parameters() const { return parameters_; }
    // The model's operators per spectral coefficient and on the grid, for backends that run the
    // same step elsewhere (the GPU model): the order m of each coefficient, the eigenvalue
    // l(l+1)/a² of −∇², −a²/(l(l+1)), the hyperdiffusion rates of ζ (0) and δ (1), Φ_s, the
    // Coriolis parameter and the model's surface height on the grid.
    const std::vector<double>& coefficientOrder() const { return order_; }
    const std::vector<double>& laplacian() const { return laplacian_; }
    const std::vector<double>& inverseLaplacian() const { return inverseLaplacian_; }
    const std::vector<double>& hyperdiffusion(int field) const { return hyperdiffusion_[field]; }
    const SpectralCoefficients& surfaceGeopotential() const { return surfaceGeopotential_; }
    const AlignedVector<double>& coriolis() const { return coriolis_; }
    const AlignedVector<double>& surfaceHeightGrid() const { return surfaceHeightGrid_; }
    const StochasticForcing* forcing() const { return forcing_ ? &*forcing_ : nullptr; }
    double meanGeopotential() const { return meanGeopotential_; }
    const PrognosticFields& initialFields() const { return initial_; }
    ShallowWaterIntegrals integrals(const MemberState& member, ModelWorkspace& workspace) const;
    // The constants of the pointwise physics (ShallowWaterPhysics.h), for every executor.
    shallowwater::TimeStepping timeStepping() const;
    shallowwater::BlowUpLimits blowUpLimits() const;
    // The error for a member that failed a check at `step`, in words (where, how large, what to do).
    ModelBlowUp blowUp(std::int64_t step, const shallowwater::BlowUpVerdict& verdict) const;
    // One step of one member; advance() is this in a loop.
    void step(ShallowWaterState& state, ModelWorkspace& workspace) const;

private:
    class Workspace;
    void initialiseFrom(const InitialFields& initial, Workspace& workspace);
    // Φ + Φ_s in nonlinear balance with the winds of `fields` (l ≥ 1; the mean is left 0):
    // ∇²(Φ + Φ_s) = k·∇×(η v) − ∇²E, the height for which the divergence tendency vanishes.
    SpectralCoefficients balancedGeopotential(const PrognosticFields& fields, Workspace& workspace) const;
    // Synthesises ζ, Φ', U = u cos φ and V = v cos φ of `fields` into the workspace's grid block.
    void synthesizeState(const PrognosticFields& fields, Workspace& workspace) const;

    SpectralTransform transform_;
    OutputSchema schema_;
    ShallowWaterParameters parameters_;
    PrognosticFields initial_;
    double meanGeopotential_ = 0.0;             // Φ̄, m² s⁻²
    SpectralCoefficients surfaceGeopotential_;  // Φ_s = g·h_s
    AlignedVector<double> surfaceHeightGrid_;   // h_s as the model sees it (spectrally truncated)
    AlignedVector<double> coriolis_;            // f on the grid
    std::vector<double> order_;                 // m of each coefficient
    std::vector<double> laplacian_;             // l(l+1)/a², the eigenvalue of −∇²
    std::vector<double> inverseLaplacian_;      // −a²/(l(l+1)), 0 for l = 0
    std::vector<double> hyperdiffusion_[2];     // hyperdiffusion rates for vorticity and divergence, s⁻¹
    InitialPerturbation perturbation_;
    std::optional<StochasticForcing> forcing_;
    SpectralCoefficients balancedInitialGeopotential_;  // balancedGeopotential(initial_), when perturbing
    std::string description_;
};

}  // namespace spreadcast
