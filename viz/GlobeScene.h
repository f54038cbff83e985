#pragma once

#include "viz/ColourBar.h"
#include "viz/ColourMap.h"
#include "viz/ScreenText.h"
#include "viz/WindBarbs.h"

#include <vtkSmartPointer.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

class vtkRenderWindow;
class vtkRenderer;

namespace spreadcast {

// What the globe shows: a field on a latitude–longitude grid (any latitude order; longitudes
// increasing, global or not) coloured through a map, and/or one contour of each of several
// fields (spaghetti), with a title and a colour bar naming the quantity and its units.
struct GlobeContent {
    std::vector<double> latitudes;   // degrees
    std::vector<double> longitudes;  // degrees
    std::vector<float> values;       // latitudes × longitudes, row by row; empty: a plain globe
    ColourMapKind colourMap = ColourMapKind::Viridis;
    ColourLimits limits;
    std::string colourBarTitle;  // e.g. "height spread (m)"
    std::string title;
    std::vector<std::vector<float>> contourFields;  // spaghetti: each drawn at contourLevel in its own colour
    std::vector<std::string> contourLabels;         // one per contour field, for the legend, e.g. "7"
    std::vector<float> meanContourField;            // drawn at contourLevel as a thick black line; may be empty
    double contourLevel = 0.0;
    // Postage stamps: each field on a small globe of its own, side by side, coloured through the
    // map and limits above; `values` is then left out.
    std::vector<std::vector<float>> stampFields;
    std::vector<std::string> stampLabels;  // one per stamp, e.g. "member 7"
    // Overlays (viz/MapScene.h draws them too): one field's contours at several levels, in black
    // with labels (the mean over the spread shaded), and wind arrows from u and v on the grid.
    std::vector<float> lineField;
    std::vector<double> lineLevels;
    std::vector<float> windU;  // both empty, or both the grid's size
    std::vector<float> windV;
    std::string windUnits;
    WindGlyph windGlyph = WindGlyph::Arrows;  // arrows scaled by speed, or barbs in knots
    std::string units;                        // of values, for a value readout; empty for probabilities
};

// Where the eye is: above a point of the globe at a distance in globe radii.
struct GlobeCamera {
    double longitude = 0.0;  // degrees east
    double latitude = 30.0;  // degrees north
    double distance = 4.6;   // globe radii from the centre
    bool operator==(const GlobeCamera&) const = default;
};

// Where the scene's text lies after layout(), in pixels of its viewport (y from the bottom), and
// the radius of the globe on screen.
struct GlobeLayout {
    PixelBox title;
    int titleFontSize = 0;
    ColourBarGeometry colourBar;   // empty boxes when no colour bar is shown
    PixelBox legend;               // spaghetti's member legend, empty otherwise
    std::vector<PixelBox> stamps;  // each stamp's cell
};

// A VTK scene of the globe without a window: the globe surface, a graticule, coastlines (when
// the GSHHG file can be read), contours, a colour bar and a title. Hosts (a Qt widget, an
// offscreen window) add renderer() to their render window and call layout() before rendering.
class GlobeScene {
public:
    GlobeScene();
    ~GlobeScene();
    GlobeScene(const GlobeScene&) = delete;
    GlobeScene& operator=(const GlobeScene&) = delete;

    vtkRenderer* renderer() const;
    // The host's render window: postage stamps are renderers of their own, which the scene adds
    // to it and removes again (attach(nullptr) before the window goes).
    void attach(vtkRenderWindow* window);
    // Throws std::invalid_argument when the grid and the values disagree.
    void show(const GlobeContent& content);
    const GlobeContent& content() const;

    void setCamera(const GlobeCamera& camera);
    const GlobeCamera& camera() const { return camera_; }
    // Turns the globe under the eye (degrees) and moves the eye closer (factor > 1) or away.
    void rotate(double longitudeDegrees, double latitudeDegrees);
    void zoom(double factor);
    // The radius of the globe on screen in pixels, in a window of the given size (as laid out).
    double globeRadiusPixels() const;

    // A ring around one point of the globe (the point whose plume is shown); nullopt removes it.
    void setMarker(std::optional<std::pair<double, double>> latitudeLongitude);
    const std::optional<std::pair<double, double>>& marker() const;

    // The point of the globe under a pixel of a window of the given size (x from the left, y from
    // the top), as (latitude, longitude) in degrees; nullopt off the globe and for stamps.
    std::optional<std::pair<double, double>> pick(int x, int y, int width, int height) const;

    // Font sizes follow the window height so an export at any size looks alike, and never fall
    // below a readable size times pixelRatio (a screen's device pixels per Qt pixel).
    void layout(int width, int height, double pixelRatio = 1.0);
    const GlobeLayout& currentLayout() const;
    // The colour bar's tick labels as shown, e.g. "0", "2e-05", "4e-05".
    const std::vector<std::string>& colourBarLabels() const;

    // Empty when the coastlines are drawn; otherwise why not.
    std::string coastlineProblem() const;

private:
    struct Pipeline;
    void layoutStamps();
    void layoutLegend(int fontSize);
    void frameCamera();
    std::unique_ptr<Pipeline> pipeline_;
    GlobeCamera camera_;
};

// An RGB image, rows bottom to top as OpenGL reads them.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<unsigned char> rgb;
};

// Empty when an X display can be opened (Debian's VTK renders through GLX only, offscreen
// too); otherwise a sentence saying what to do.
std::string displayProblem();

// Renders a scene offscreen, independent of any window on screen. Throws std::runtime_error
// when there is no X display or the size is unusable.
class OffscreenGlobeRenderer {
public:
    OffscreenGlobeRenderer();
    ~OffscreenGlobeRenderer();
    OffscreenGlobeRenderer(const OffscreenGlobeRenderer&) = delete;
    OffscreenGlobeRenderer& operator=(const OffscreenGlobeRenderer&) = delete;

    GlobeScene& scene() { return scene_; }
    // pixelRatio: as GlobeScene::layout takes it (an on-screen image of a scaled screen).
    RgbImage render(int width, int height, double pixelRatio = 1.0);
    // Writes a PNG; throws std::runtime_error naming the file when it cannot be written.
    void writePng(int width, int height, const std::string& path);

private:
    struct Window;
    GlobeScene scene_;
    std::unique_ptr<Window> window_;
};

inline constexpr int maxImageSide = 8192;

}  // namespace spreadcast
