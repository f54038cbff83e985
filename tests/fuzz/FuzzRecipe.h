#pragma once

// What the structure-aware fuzz targets share: the recipe that turns libFuzzer's bytes into the
// choices of a file to write, and the path of that file (one per process, so that parallel
// fuzzing jobs do not write over each other's input).

#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

namespace spreadcast::fuzz {

// Reads the recipe's bytes in order; zeros once they run out.
class Recipe {
public:
    Recipe(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return offset_ < size_ ? data_[offset_++] : 0; }
    std::int32_t integer()
    {
        std::uint32_t value = 0;
        for (int k = 0; k < 4; ++k) {
            value = value << 8 | byte();
        }
        return static_cast<std::int32_t>(value);
    }
    // Any bit pattern, NaNs and infinities included.
    double real()
    {
        std::uint64_t bits = 0;
        for (int k = 0; k < 8; ++k) {
            bits = bits << 8 | byte();
        }
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    // Mostly a plausible number (a small integer step from a base), sometimes any bit pattern.
    double coordinate(double base, double step, std::size_t index)
    {
        const std::uint8_t choice = byte();
        return choice < 200 ? base + step * static_cast<double>(index) : choice < 230 ? real() : choice - 215.0;
    }
    template <std::size_t N>
    const char* pick(const std::array<const char*, N>& choices)
    {
        return choices[byte() % N];
    }
    bool done() const { return offset_ >= size_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t offset_ = 0;
};

// The file this process writes each input to, e.g. /tmp/spreadcast-fuzz-grib-1234.grib.
inline const std::string& inputPath(const char* name, const char* suffix)
{
    static const std::string path = (std::filesystem::temp_directory_path() /
                                     ("spreadcast-fuzz-" + std::string(name) + "-" + std::to_string(getpid()) + suffix))
                                        .string();
    return path;
}

}  // namespace spreadcast::fuzz
