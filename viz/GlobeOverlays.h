#pragma once

#include "viz/GlobeScene.h"

#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

namespace spreadcast {

// The globe's overlays as lines just above its surface: the overlay field's contours at its
// levels (the mean over the spread shaded) and wind arrows from u and v on a thinned grid,
// about 36 × 18 arrows round the globe, the longest one grid step of that lattice, or wind barbs
// (viz/WindBarbs.h, pennants as filled triangles) on a sparser lattice. Null when the content has
// no overlay.
vtkSmartPointer<vtkPolyData> globeOverlayLines(const GlobeContent& content);

}  // namespace spreadcast
