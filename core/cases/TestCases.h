#pragma once

#include "model/InitialFields.h"
#include "spectral/GaussianGrid.h"

#include <string>

namespace spreadcast {

// Williamson et al. (1992), J. Comput. Phys. 102, 211–224 ("W92"), and Galewsky, Scott &
// Polvani (2004), Tellus A 56, 429–440, on a Gaussian grid.

// W92 case 2: steady zonal geostrophic flow, its axis tilted by α (radians). The exact
// solution at every time is the initial state.
InitialFields williamsonCase2(const GaussianGrid& grid, double alpha);
// W92 case 5: zonal flow over an isolated conical mountain.
InitialFields williamsonCase5(const GaussianGrid& grid);
// W92 case 6: Rossby–Haurwitz wave of wavenumber 4.
InitialFields williamsonCase6(const GaussianGrid& grid);
// Galewsky et al.: a balanced mid-latitude jet, with the small height bump that makes it
// roll up when `perturbed`.
InitialFields galewskyJet(const GaussianGrid& grid, bool perturbed);

// The analytic free-surface height of W92 case 2 (the exact solution at all times).
AlignedVector<double> williamsonCase2Height(const GaussianGrid& grid, double alpha);

// A built-in case by its --ic name; throws InputError for an unknown name.
InitialFields builtInCase(const std::string& name, const GaussianGrid& grid, double rotationDegrees,
                          bool galewskyPerturbation);

}  // namespace spreadcast
