#pragma once

// What code shared by the CPU model and the GPU kernels needs: a marker that makes a function
// __host__ __device__ under nvcc (and nothing under a host compiler, so core includes no CUDA
// header), and a complex number usable in device code.

#if defined(__CUDACC__)
#define SPREADCAST_HOST_DEVICE __host__ __device__
#else
#define SPREADCAST_HOST_DEVICE
#endif

namespace spreadcast {

// std::complex<double>'s layout (two doubles), usable in device code. Its arithmetic is
// componentwise, as std::complex's is for these operations, so results agree bit for bit.
// Aligned to its size so that the GPU loads and stores one in a single 128-bit access (with
// 8-byte alignment nvcc must split it in two); the size, and so every array's layout, is unchanged.
struct alignas(16) Cplx {
    double re;
    double im;
};
static_assert(sizeof(Cplx) == 2 * sizeof(double), "Cplx arrays are read as std::complex<double> and cuFFT's double2");
SPREADCAST_HOST_DEVICE inline Cplx operator+(Cplx a, Cplx b)
{
    return {a.re + b.re, a.im + b.im};
}
SPREADCAST_HOST_DEVICE inline Cplx operator-(Cplx a, Cplx b)
{
    return {a.re - b.re, a.im - b.im};
}
SPREADCAST_HOST_DEVICE inline Cplx operator*(double s, Cplx a)
{
    return {s * a.re, s * a.im};
}
SPREADCAST_HOST_DEVICE inline Cplx operator/(Cplx a, double s)
{
    return {a.re / s, a.im / s};
}
// i·m·a: the λ-derivative of a coefficient of order m.
SPREADCAST_HOST_DEVICE inline Cplx timesIm(double m, Cplx a)
{
    return {-m * a.im, m * a.re};
}

}  // namespace spreadcast
