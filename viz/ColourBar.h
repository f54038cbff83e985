#pragma once

#include "viz/ColourMap.h"
#include "viz/ScreenText.h"

#include <memory>
#include <string>
#include <vector>

class vtkRenderer;

namespace spreadcast {

// Where the colour bar's parts lie, in pixels of the viewport (y from the bottom).
struct ColourBarGeometry {
    PixelBox bar;
    PixelBox labels;    // all tick labels together
    PixelBox title;     // written upwards along the bar's right-hand side
    double left = 0.0;  // the leftmost pixel the colour bar uses
};

// A vertical colour bar drawn at the right of a viewport: the map as a gradient, ticks at round
// values (niceTicks) labelled with the digits their step needs, and the title (quantity and
// units) written upwards beside the labels, so a long title never leaves the viewport or runs
// into a label.
class ColourBar {
public:
    ColourBar();
    ~ColourBar();
    ColourBar(const ColourBar&) = delete;
    ColourBar& operator=(const ColourBar&) = delete;

    void addTo(vtkRenderer* renderer);
    void setVisible(bool visible);
    bool visible() const;
    void show(ColourMapKind kind, const ColourLimits& limits, const std::string& title);
    // Places the bar in a width × height viewport with text of fontSize pixels, between
    // `bottomMargin` and `topMargin` pixels from the viewport's edges.
    void layout(int width, int height, int fontSize, int bottomMargin, int topMargin);

    const ColourBarGeometry& geometry() const;
    const std::vector<std::string>& labels() const;

private:
    struct Actors;
    std::unique_ptr<Actors> actors_;
};

}  // namespace spreadcast
