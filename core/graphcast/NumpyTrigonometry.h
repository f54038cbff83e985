#pragma once

// numpy's float32 sine and cosine, bit for bit. GraphCast computes the unit vectors of its grid
// points and its node features with np.sin / np.cos on float32 latitudes and longitudes, and
// numpy 1.x evaluates those with its own SIMD polynomial (simd_sincos_f32 in
// numpy/core/src/umath/loops_trigonometric.dispatch.c.src, v1.24: Cody–Waite reduction and
// minimax polynomials with fused multiply–adds, up to 1.49 ulp), on every CPU with FMA (x86 with
// AVX2/AVX-512, ARM with NEON). Grid points that lie within a rounding error of the grid→mesh
// radius join or leave the graph with that last bit, so matching it matches graphcast's edges.

namespace spreadcast::graphcast {

float numpySin(float x);
float numpyCos(float x);

}  // namespace spreadcast::graphcast
