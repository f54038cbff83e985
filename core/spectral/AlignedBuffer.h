#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace spreadcast {

// Allocator with 64-byte alignment, so FFTW's SIMD codelets planned on one buffer may be
// executed on any other buffer of the same layout.
template <class T>
struct AlignedAllocator {
    using value_type = T;
    static constexpr std::align_val_t alignment{64};

    AlignedAllocator() = default;
    template <class U>
    AlignedAllocator(const AlignedAllocator<U>&) noexcept
    {
    }

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, alignment); }

    template <class U>
    bool operator==(const AlignedAllocator<U>&) const noexcept
    {
        return true;
    }
};

template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

}  // namespace spreadcast
