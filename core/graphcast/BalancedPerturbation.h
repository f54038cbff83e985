#pragma once

// The initial perturbation of one GraphCast ensemble member, in approximate balance: per pressure
// level a smooth random streamfunction ψ gives the wind (the rotational wind k × ∇ψ) and the
// geopotential by linear balance ∇²Φ' = ∇·(f ∇ψ), solved exactly in spectral space. Away from
// the equator that wind is close to geostrophic for Φ' (Φ' ≈ fψ); near it Φ' goes to zero with f
// while the wind stays non-divergent, so nothing is divided by f. Temperature, vertical velocity
// and specific humidity get independent smooth random fields; the surface fields follow the
// lowest level (2 m temperature its T', 10 m wind its wind, mean-sea-level pressure ρ Φ').
//
// Fields are evaluated exactly at the grid's points (Legendre functions at its latitudes, an FFT
// along its rows), so derivatives of the output are those of the band-limited fields.

#include "ensemble/Threefry.h"
#include "graphcast/GraphCastTypes.h"
#include "spectral/SpectralTransform.h"

#include <memory>
#include <vector>

namespace spreadcast::graphcast {

// Grid-point standard deviations per level (index as the levels given), 0 where a variable is
// not perturbed at a level. The geopotential's sets the streamfunction's amplitude: the winds
// have the amplitude linear balance gives them.
struct PerturbationAmplitudes {
    std::vector<double> geopotential;      // m² s⁻²
    std::vector<double> temperature;       // K
    std::vector<double> verticalVelocity;  // Pa s⁻¹
    std::vector<double> specificHumidity;  // kg kg⁻¹
};

class BalancedPerturbation {
public:
    // levels in hPa; lengthScale L of the Matérn-like spectrum (RandomField.h), m.
    BalancedPerturbation(const LatLonGrid& grid, std::vector<int> levels, PerturbationAmplitudes amplitudes,
                         double lengthScale);
    ~BalancedPerturbation();
    BalancedPerturbation(const BalancedPerturbation&) = delete;
    BalancedPerturbation& operator=(const BalancedPerturbation&) = delete;

    // The perturbation drawn from a member's key: GraphCast's variable names, levels × points
    // (south to north, then west to east) for those on levels. Thread-safe.
    Fields draw(RandomKey key) const;

    // T85, or less where the grid's rows hold fewer than 2T + 1 longitudes (no aliasing).
    int truncation() const { return transform_.truncation(); }
    // The expected grid-point standard deviation of Φ' when ψ has unit amplitude scale.
    double unitGeopotentialDeviation() const { return unitGeopotentialDeviation_; }
    // The density that turns the lowest level's Φ' into a mean-sea-level pressure perturbation:
    // p / (R_d T) at that level's pressure and the standard atmosphere's 288.15 K, kg m⁻³.
    double surfaceDensity() const { return surfaceDensity_; }

    // The random-number streams (counter word 0) of level index k.
    static std::uint32_t streamfunctionStream(std::size_t level) { return 100 + static_cast<std::uint32_t>(level); }
    static std::uint32_t temperatureStream(std::size_t level) { return 200 + static_cast<std::uint32_t>(level); }
    static std::uint32_t verticalVelocityStream(std::size_t level) { return 300 + static_cast<std::uint32_t>(level); }
    static std::uint32_t humidityStream(std::size_t level) { return 400 + static_cast<std::uint32_t>(level); }

    // Linear balance in spectral space: Φ'_n = 2Ω [ε_n (n−1)/n ψ_n−1 + ε_n+1 (n+2)/(n+1) ψ_n+1]
    // (from μ P_n = ε_n+1 P_n+1 + ε_n P_n−1 and (1 − μ²) dP_n/dμ = −n ε_n+1 P_n+1 + (n+1) ε_n P_n−1);
    // ψ must have no degree T, so that Φ' fits the truncation.
    SpectralCoefficients balancedGeopotential(const SpectralCoefficients& streamfunction) const;

private:
    struct Plan;
    // Values at the grid's points of the fields' P-expansions (pFields) and of their
    // H-expansions divided by a cos φ (hFields; the pole rows take the limit).
    void synthesize(const std::vector<const SpectralCoefficients*>& pFields,
                    const std::vector<const SpectralCoefficients*>& hFields,
                    std::vector<std::vector<double>>& out) const;

    // ε_lm for m ≤ T, l ≤ T + 1: the recurrences' square roots, computed once (synthesis uses
    // each of them at every row).
    double coupling(int l, int m) const
    {
        return couplings_[static_cast<std::size_t>(m) * static_cast<std::size_t>(truncation() + 2) +
                          static_cast<std::size_t>(l)];
    }

    LatLonGrid grid_;
    std::vector<int> levels_;
    PerturbationAmplitudes amplitudes_;
    double lengthScale_;
    SpectralTransform transform_;
    std::unique_ptr<Plan> plan_;
    std::vector<double> couplings_;
    double unitGeopotentialDeviation_ = 0.0;
    double surfaceDensity_ = 0.0;
    std::size_t lowestLevel_ = 0;
};

}  // namespace spreadcast::graphcast
