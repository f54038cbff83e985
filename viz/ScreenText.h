#pragma once

#include <string>

class vtkTextProperty;

namespace spreadcast {

// A rectangle of a viewport in pixels, x from the left, y from the bottom (VTK's way).
struct PixelBox {
    double left = 0.0;
    double bottom = 0.0;
    double right = 0.0;
    double top = 0.0;
    bool empty() const { return right <= left || top <= bottom; }
    bool intersects(const PixelBox& other) const
    {
        return !empty() && !other.empty() && left < other.right && other.left < right && bottom < other.top &&
               other.bottom < top;
    }
    bool inside(double width, double height) const
    {
        return left >= 0.0 && bottom >= 0.0 && right <= width && top <= height;
    }
};

// The size in pixels that text takes at its property's font (rotation left out), measured by
// VTK's own text renderer at the 72 dpi of its render windows.
struct TextExtent {
    int width = 0;
    int height = 0;
};
TextExtent measureText(vtkTextProperty* property, const std::string& text);

// DejaVu Sans where it is installed: VTK's built-in Arial has no superscripts (m s⁻¹) or degree
// signs at small sizes.
void useReadableFont(vtkTextProperty* property);

}  // namespace spreadcast
