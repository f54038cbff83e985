#include "viz/ColourMap.h"

#include "viz/CmoceanColourMaps.h"

#include <vtkColorTransferFunction.h>
#include <vtkLookupTable.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace spreadcast {
namespace {

// Viridis (van der Walt & Smith, matplotlib 2.0) sampled at nine equally spaced points; linear
// interpolation between them stays within a few 1/255 of the full table.
constexpr std::array<std::array<double, 3>, 9> viridisAnchors{{
    {68, 1, 84},
    {72, 40, 120},
    {62, 73, 137},
    {49, 104, 142},
    {38, 130, 142},
    {31, 158, 137},
    {53, 183, 121},
    {110, 206, 88},
    {253, 231, 37},
}};

template <std::size_t n>
void interpolate(const std::array<std::array<double, 3>, n>& anchors, double t, double rgb[3], double scale)
{
    const double position = t * static_cast<double>(n - 1);
    const std::size_t below = std::min(static_cast<std::size_t>(position), n - 2);
    const double fraction = position - static_cast<double>(below);
    for (std::size_t c = 0; c < 3; ++c) {
        rgb[c] = ((1.0 - fraction) * anchors[below][c] + fraction * anchors[below + 1][c]) / scale;
    }
}

}  // namespace

std::string_view colourMapName(ColourMapKind kind)
{
    switch (kind) {
    case ColourMapKind::Viridis: return "viridis";
    case ColourMapKind::CoolWarm: return "cool-warm";
    case ColourMapKind::Thermal: return "thermal";
    case ColourMapKind::Rain: return "rain";
    case ColourMapKind::Tarn: return "tarn";
    case ColourMapKind::Speed: return "speed";
    case ColourMapKind::Amp: return "amp";
    case ColourMapKind::Dense: return "dense";
    case ColourMapKind::Balance: return "balance";
    }
    return "viridis";
}

std::optional<ColourMapKind> parseColourMap(std::string_view name)
{
    for (const ColourMapKind kind : colourMapKinds) {
        if (colourMapName(kind) == name) {
            return kind;
        }
    }
    return std::nullopt;
}

bool blanksLowestBin(ColourMapKind kind)
{
    return kind == ColourMapKind::Rain || kind == ColourMapKind::Dense;
}

ColourLimits limitsOf(std::span<const float> values, bool symmetric)
{
    double low = INFINITY;
    double high = -INFINITY;
    for (float value : values) {
        if (std::isfinite(value)) {
            low = std::min(low, static_cast<double>(value));
            high = std::max(high, static_cast<double>(value));
        }
    }
    if (!(low <= high)) {
        return symmetric ? ColourLimits{-1.0, 1.0} : ColourLimits{0.0, 1.0};
    }
    if (symmetric) {
        const double extent = std::max(std::abs(low), std::abs(high));
        return extent > 0.0 ? ColourLimits{-extent, extent} : ColourLimits{-1.0, 1.0};
    }
    if (high - low <= 1e-12 * std::max(1.0, std::abs(high))) {
        const double pad = std::max(1.0, std::abs(high) * 0.01);
        return {low - pad, high + pad};
    }
    return {low, high};
}

ColourLimits unite(const ColourLimits& a, const ColourLimits& b)
{
    return {std::min(a.low, b.low), std::max(a.high, b.high)};
}

void colourAt(ColourMapKind kind, double t, double rgb[3])
{
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    switch (kind) {
    case ColourMapKind::Viridis: interpolate(viridisAnchors, t, rgb, 255.0); return;
    case ColourMapKind::Thermal: interpolate(cmocean::thermalAnchors, t, rgb, 1.0); return;
    case ColourMapKind::Rain: interpolate(cmocean::rainAnchors, t, rgb, 1.0); return;
    case ColourMapKind::Tarn: interpolate(cmocean::tarnAnchors, t, rgb, 1.0); return;
    case ColourMapKind::Speed: interpolate(cmocean::speedAnchors, t, rgb, 1.0); return;
    case ColourMapKind::Amp: interpolate(cmocean::ampAnchors, t, rgb, 1.0); return;
    case ColourMapKind::Dense: interpolate(cmocean::denseAnchors, t, rgb, 1.0); return;
    case ColourMapKind::Balance: interpolate(cmocean::balanceAnchors, t, rgb, 1.0); return;
    case ColourMapKind::CoolWarm: break;
    }
    // Moreland's cool–warm diverging map (2009): blue to red through a near-white, interpolated
    // in Msh space by VTK.
    static const vtkSmartPointer<vtkColorTransferFunction> coolWarm = [] {
        auto function = vtkSmartPointer<vtkColorTransferFunction>::New();
        function->SetColorSpaceToDiverging();
        function->AddRGBPoint(0.0, 0.230, 0.299, 0.754);
        function->AddRGBPoint(1.0, 0.706, 0.016, 0.150);
        return function;
    }();
    coolWarm->GetColor(t, rgb);
}

vtkSmartPointer<vtkLookupTable> makeLookupTable(ColourMapKind kind, const ColourLimits& limits)
{
    constexpr int entries = 256;
    auto table = vtkSmartPointer<vtkLookupTable>::New();
    table->SetTableRange(limits.low, limits.high);
    table->SetNumberOfTableValues(entries);
    for (int i = 0; i < entries; ++i) {
        double rgb[3];
        colourAt(kind, static_cast<double>(i) / (entries - 1), rgb);
        table->SetTableValue(i, rgb[0], rgb[1], rgb[2], 1.0);
    }
    if (blanksLowestBin(kind)) {
        table->SetTableValue(0, 1.0, 1.0, 1.0, 1.0);
    }
    // No Build(): it would replace the explicit entries with VTK's default rainbow.
    table->SetNanColor(0.55, 0.55, 0.55, 1.0);
    return table;
}

}  // namespace spreadcast
