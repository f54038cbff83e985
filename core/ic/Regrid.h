#pragma once

// Regridding of initial conditions on the sphere, from a file's regular latitude–longitude grid
// (latitudes ascending, longitudes 0…360 or −180…180 in any rotation, cell-centred or with pole
// rows) to a checkpoint's LatLonGrid. Both methods are separable on such grids, so a field is
// mapped along longitude first, then along latitude:
// - bilinear in latitude and longitude, longitudes wrapping around; between the outermost source
//   row and a pole the field goes linearly to the pole's value, the zonal mean of that row;
// - first-order conservative (Jones 1999, Mon. Wea. Rev. 127, 2204): a target value is the
//   area-weighted mean of the source cells it overlaps, the area of a cell between latitudes
//   φ1, φ2 and longitudes λ1, λ2 being (sin φ2 − sin φ1)(λ2 − λ1), cell bounds halfway between the
//   axis values and the poles. It keeps the area-weighted global mean.

#include "graphcast/GraphCastTypes.h"

#include <span>
#include <string>
#include <vector>

namespace spreadcast::ic {

enum class RegridMethod {
    Automatic,  // conservative when the source cells are smaller (coarsening), else bilinear
    Bilinear,
    Conservative,
};

// Maps fields from one grid to another; built once per source grid, applied per level.
class Regridder {
public:
    // Throws InputError naming `file` when the source grid cannot be mapped onto the target: an
    // axis that is empty, not strictly monotonic or out of range, or a domain that does not
    // cover the globe.
    Regridder(const graphcast::LatLonGrid& source, const graphcast::LatLonGrid& target, RegridMethod method,
              const std::string& file);

    // The grids hold the same points in the same order: apply() copies.
    bool isIdentity() const { return identity_; }
    RegridMethod method() const { return method_; }
    // For the run log: "from 0.25° (721 × 1440, longitudes −180…179.75) to 1° (181 × 360),
    // first-order conservative (area-weighted)".
    std::string description() const;

    // One field on the source grid (latitude-major, source.points() values) on the target grid.
    std::vector<float> apply(std::span<const float> field) const;

private:
    // One axis' weights: target index t takes Σ weights[k] · source[sources[k]] over
    // k in [offsets[t], offsets[t + 1]).
    struct AxisWeights {
        std::vector<std::size_t> offsets;
        std::vector<std::size_t> sources;
        std::vector<double> weights;
    };

    graphcast::LatLonGrid source_;
    graphcast::LatLonGrid target_;
    RegridMethod method_ = RegridMethod::Bilinear;
    bool identity_ = false;
    double sourceLatitudeSpacing_ = 0.0;   // mean, degrees
    double sourceLongitudeSpacing_ = 0.0;  // degrees
    AxisWeights longitude_;
    AxisWeights latitude_;
    // Bilinear only: the target rows beyond the outermost source row, with the weight of the pole
    // value (the zonal mean of that row) and which end.
    std::vector<double> poleWeight_;
    std::vector<int> poleRow_;  // −1: no pole value, else the source row whose zonal mean it is
    AxisWeights zonalMean_;     // the source columns and their weights in a zonal mean (offsets unused)
};

// Every field of the dataset on the target grid; `note` gets the description for the run log
// (empty when nothing was regridded). The dataset itself when the grids are identical.
graphcast::Dataset regridDataset(graphcast::Dataset dataset, const graphcast::LatLonGrid& target, RegridMethod method,
                                 const std::string& file, std::string& note);

}  // namespace spreadcast::ic
