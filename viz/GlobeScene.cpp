#include "viz/GlobeScene.h"

#include "viz/Coastlines.h"
#include "viz/Contours.h"
#include "viz/GlobeOverlays.h"
#include "viz/TextFormat.h"

#include <X11/Xlib.h>
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkLookupTable.h>
#include <vtkMatrix4x4.h>
#include <vtkPNGWriter.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <thread>

namespace spreadcast {
namespace {

constexpr double degrees = std::numbers::pi / 180.0;
// Layers above the surface, in globe radii, so lines are never hidden inside it.
constexpr double graticuleRadius = 1.001;
constexpr double coastlineRadius = 1.002;
constexpr double contourRadius = 1.003;

void toCartesian(double longitude, double latitude, double radius, double xyz[3])
{
    const double lambda = longitude * degrees;
    const double phi = latitude * degrees;
    xyz[0] = radius * std::cos(phi) * std::cos(lambda);
    xyz[1] = radius * std::cos(phi) * std::sin(lambda);
    xyz[2] = radius * std::sin(phi);
}

// Tableau 10: distinct colours for spaghetti members (repeating beyond ten).
constexpr std::array<std::array<unsigned char, 3>, 10> memberColours{{
    {31, 119, 180},
    {255, 127, 14},
    {44, 160, 44},
    {214, 39, 40},
    {148, 103, 189},
    {140, 86, 75},
    {227, 119, 194},
    {127, 127, 127},
    {188, 189, 34},
    {23, 190, 207},
}};

vtkSmartPointer<vtkPolyData> polylines(const std::vector<std::vector<std::pair<double, double>>>& lines, double radius)
{
    auto points = vtkSmartPointer<vtkPoints>::New();
    auto cells = vtkSmartPointer<vtkCellArray>::New();
    for (const auto& line : lines) {
        cells->InsertNextCell(static_cast<int>(line.size()));
        for (const auto& [lon, lat] : line) {
            double xyz[3];
            toCartesian(lon, lat, radius, xyz);
            cells->InsertCellPoint(points->InsertNextPoint(xyz));
        }
    }
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(points);
    data->SetLines(cells);
    return data;
}

vtkSmartPointer<vtkPolyData> graticule()
{
    std::vector<std::vector<std::pair<double, double>>> lines;
    for (int lon = -180; lon < 180; lon += 30) {
        std::vector<std::pair<double, double>> meridian;
        for (int lat = -80; lat <= 80; lat += 2) {
            meridian.emplace_back(lon, lat);
        }
        lines.push_back(std::move(meridian));
    }
    for (int lat = -60; lat <= 60; lat += 30) {
        std::vector<std::pair<double, double>> parallel;
        for (int lon = -180; lon <= 180; lon += 2) {
            parallel.emplace_back(lon, lat);
        }
        lines.push_back(std::move(parallel));
    }
    return polylines(lines, graticuleRadius);
}

// The coastlines, every `step`-th point of each line (and its last); lines shorter than `step`
// points are left out. Postage stamps take a coarse copy: they are small and there are many.
vtkSmartPointer<vtkPolyData> coastlinePolylines(std::size_t step = 1)
{
    const Coastlines& coastlines = sharedCoastlines().coastlines;
    std::vector<std::vector<std::pair<double, double>>> lines;
    lines.reserve(coastlines.lines.size());
    for (const auto& line : coastlines.lines) {
        if (line.size() < std::max<std::size_t>(2, step)) {
            continue;
        }
        std::vector<std::pair<double, double>> kept;
        for (std::size_t k = 0; k < line.size(); k += step) {
            kept.emplace_back(line[k]);
        }
        if ((line.size() - 1) % step != 0) {
            kept.emplace_back(line.back());
        }
        lines.push_back(std::move(kept));
    }
    return polylines(lines, coastlineRadius);
}

// The widest angular diagonal of a grid cell, radians (small-angle: √(Δφ² + (Δλ cos φ)²) with
// the cell's equatorward latitude), for keeping the ball below the flat cells.
double widestCellDiagonal(const std::vector<double>& latitudes, const std::vector<double>& longitudes)
{
    constexpr double radians = 3.14159265358979323846 / 180.0;
    double widestLongitude = 0.0;
    for (std::size_t i = 0; i + 1 < longitudes.size(); ++i) {
        widestLongitude = std::max(widestLongitude, std::abs(longitudes[i + 1] - longitudes[i]));
    }
    if (longitudes.size() > 1) {  // the wrap-around cell of a global grid
        widestLongitude = std::max(widestLongitude, std::abs(360.0 - std::abs(longitudes.back() - longitudes.front())));
    }
    widestLongitude = std::min(widestLongitude, 180.0);
    double widest = 0.0;
    for (std::size_t j = 0; j + 1 < latitudes.size(); ++j) {
        const double rows = std::abs(latitudes[j + 1] - latitudes[j]);
        const double equatorward = std::min(std::abs(latitudes[j]), std::abs(latitudes[j + 1]));
        const double across = widestLongitude * std::cos(equatorward * radians);
        widest = std::max(widest, std::hypot(rows, across));
    }
    return widest * radians;
}

bool sameGrid(const GlobeContent& a, const GlobeContent& b)
{
    return a.latitudes == b.latitudes && a.longitudes == b.longitudes;
}

}  // namespace

// The surface mesh of one grid: one point per grid point, plus a point at each pole that the
// grid does not reach (Gaussian latitudes stop short of the poles), so the globe has no holes.
struct GlobeMesh {
    vtkSmartPointer<vtkPolyData> surface;  // radius 1
    vtkIdType gridPoints = 0;
    vtkIdType northPole = -1;  // the extra points, -1 when absent
    vtkIdType southPole = -1;
    int northRow = 0;  // the grid row nearest each pole
    int southRow = 0;

    // `global`: the longitudes go round the globe (a thinned global grid is global even where its
    // last gap is narrower than the others), so the mesh closes across the 0°/360° seam.
    static GlobeMesh build(const std::vector<double>& latitudes, const std::vector<double>& longitudes, bool global)
    {
        const int nlat = static_cast<int>(latitudes.size());
        const int nlon = static_cast<int>(longitudes.size());
        if (nlat < 2 || nlon < 2) {
            throw std::invalid_argument("the globe needs a grid of at least 2 × 2 points");
        }
        GlobeMesh mesh;
        mesh.gridPoints = static_cast<vtkIdType>(nlat) * nlon;
        const bool northFirst = latitudes.front() > latitudes.back();
        mesh.northRow = northFirst ? 0 : nlat - 1;
        mesh.southRow = northFirst ? nlat - 1 : 0;
        auto points = vtkSmartPointer<vtkPoints>::New();
        points->SetNumberOfPoints(mesh.gridPoints + 2);
        // On the unit sphere a point's normal is its position: smooth (not faceted) shading.
        auto normals = vtkSmartPointer<vtkFloatArray>::New();
        normals->SetName("normals");
        normals->SetNumberOfComponents(3);
        normals->SetNumberOfTuples(mesh.gridPoints + 2);
        for (int j = 0; j < nlat; ++j) {
            for (int i = 0; i < nlon; ++i) {
                double xyz[3];
                toCartesian(longitudes[i], latitudes[j], 1.0, xyz);
                const vtkIdType id = static_cast<vtkIdType>(j) * nlon + i;
                points->SetPoint(id, xyz);
                normals->SetTuple(id, xyz);
            }
        }
        auto cells = vtkSmartPointer<vtkCellArray>::New();
        // Every cell wound counter-clockwise seen from outside: with normals given, VTK lights a
        // cell's back face with the normal turned inwards (a dark, flat globe otherwise).
        auto insertOutward = [&](auto ids) {
            double a[3];
            double b[3];
            double c[3];
            points->GetPoint(ids[0], a);
            points->GetPoint(ids[1], b);
            points->GetPoint(ids[2], c);
            const double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
            const double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
            const double outward = (u[1] * v[2] - u[2] * v[1]) * a[0] + (u[2] * v[0] - u[0] * v[2]) * a[1] +
                                   (u[0] * v[1] - u[1] * v[0]) * a[2];
            if (outward < 0.0) {
                std::reverse(ids.begin(), ids.end());
            }
            cells->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
        };
        const int columns = global ? nlon : nlon - 1;
        for (int j = 0; j + 1 < nlat; ++j) {
            for (int i = 0; i < columns; ++i) {
                const int next = (i + 1) % nlon;
                std::array<vtkIdType, 4> quad{
                    static_cast<vtkIdType>(j) * nlon + i, static_cast<vtkIdType>(j) * nlon + next,
                    static_cast<vtkIdType>(j + 1) * nlon + next, static_cast<vtkIdType>(j + 1) * nlon + i};
                insertOutward(quad);
            }
        }
        vtkIdType next = mesh.gridPoints;
        const double northLatitude = latitudes[static_cast<std::size_t>(mesh.northRow)];
        const double southLatitude = latitudes[static_cast<std::size_t>(mesh.southRow)];
        auto addCap = [&](int row, double z, vtkIdType& pole) {
            pole = next++;
            points->SetPoint(pole, 0.0, 0.0, z);
            normals->SetTuple3(pole, 0.0, 0.0, z);
            for (int i = 0; i < nlon; ++i) {
                const std::array<vtkIdType, 3> triangle{pole, static_cast<vtkIdType>(row) * nlon + i,
                                                        static_cast<vtkIdType>(row) * nlon + (i + 1) % nlon};
                insertOutward(triangle);
            }
        };
        if (global && northLatitude < 89.999 && northLatitude > 60.0) {
            addCap(mesh.northRow, 1.0, mesh.northPole);
        }
        if (global && southLatitude > -89.999 && southLatitude < -60.0) {
            addCap(mesh.southRow, -1.0, mesh.southPole);
        }
        points->SetNumberOfPoints(next);
        normals->SetNumberOfTuples(next);
        mesh.surface = vtkSmartPointer<vtkPolyData>::New();
        mesh.surface->SetPoints(points);
        mesh.surface->SetPolys(cells);
        mesh.surface->GetPointData()->SetNormals(normals);
        return mesh;
    }

    // Grid values plus the pole points' values (the mean of the row nearest each pole).
    vtkSmartPointer<vtkFloatArray> scalars(const std::vector<float>& values, int nlon) const
    {
        auto array = vtkSmartPointer<vtkFloatArray>::New();
        array->SetName("values");
        array->SetNumberOfTuples(surface->GetNumberOfPoints());
        for (vtkIdType k = 0; k < gridPoints; ++k) {
            array->SetValue(k, values[static_cast<std::size_t>(k)]);
        }
        auto rowMean = [&](int row) {
            double sum = 0.0;
            int count = 0;
            for (int i = 0; i < nlon; ++i) {
                const float value = values[static_cast<std::size_t>(row) * nlon + i];
                if (std::isfinite(value)) {
                    sum += value;
                    ++count;
                }
            }
            return count > 0 ? static_cast<float>(sum / count) : NAN;
        };
        if (northPole >= 0) {
            array->SetValue(northPole, rowMean(northRow));
        }
        if (southPole >= 0) {
            array->SetValue(southPole, rowMean(southRow));
        }
        return array;
    }
};

// One postage stamp: a small globe in its own renderer, sharing the coastlines.
struct GlobeStamp {
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkActor> surface;
    vtkNew<vtkPolyDataMapper> mapper;
    vtkNew<vtkActor> coastlines;
    vtkNew<vtkTextActor> label;
    vtkSmartPointer<vtkPolyData> data;
};

struct GlobeScene::Pipeline {
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkActor> ball;
    vtkNew<vtkActor> surface;
    vtkNew<vtkPolyDataMapper> surfaceMapper;
    vtkNew<vtkActor> graticule;
    vtkNew<vtkActor> coastlines;
    vtkNew<vtkActor> contours;
    vtkNew<vtkPolyDataMapper> contourMapper;
    ColourBar colourBar;
    vtkNew<vtkTextActor> title;
    vtkNew<vtkActor> marker;
    std::optional<std::pair<double, double>> markerPoint;
    vtkNew<vtkActor> meanContour;
    vtkNew<vtkPolyDataMapper> meanContourMapper;
    std::vector<vtkSmartPointer<vtkTextActor>> legendEntries;
    GlobeLayout layout;
    double pixelRatio = 1.0;
    double viewAngle = 30.0;
    double windowCentreX = 0.12;
    double windowCentreY = -0.03;
    vtkNew<vtkActor> overlays;  // mean contours, wind arrows (viz/GlobeOverlays.h)
    vtkNew<vtkPolyDataMapper> overlayMapper;
    GlobeContent content;
    GlobeMesh mesh;
    bool hasMesh = false;
    vtkRenderWindow* window = nullptr;
    std::vector<std::unique_ptr<GlobeStamp>> stamps;
    GlobeMesh stampMesh;  // the grid thinned to about 64 longitudes: stamps are small
    vtkSmartPointer<vtkPolyDataMapper> stampCoastlines;
    std::vector<double> stampLatitudes;
    std::vector<double> stampLongitudes;
    std::size_t stampStride = 1;
    int width = 800;
    int height = 600;
};

GlobeScene::GlobeScene() : pipeline_(std::make_unique<Pipeline>())
{
    Pipeline& p = *pipeline_;
    p.renderer->SetBackground(0.09, 0.10, 0.13);

    p.surfaceMapper->SetScalarModeToUsePointData();
    p.surfaceMapper->InterpolateScalarsBeforeMappingOn();
    p.surfaceMapper->UseLookupTableScalarRangeOn();
    p.surface->SetMapper(p.surfaceMapper);
    p.surface->GetProperty()->SetAmbient(0.35);
    p.surface->GetProperty()->SetDiffuse(0.7);
    p.surface->VisibilityOff();
    p.renderer->AddActor(p.surface);

    // An ocean-coloured ball under everything, so the globe is solid before any field is shown.
    vtkNew<vtkSphereSource> ball;
    ball->SetRadius(0.998);
    ball->SetThetaResolution(96);
    ball->SetPhiResolution(48);
    vtkNew<vtkPolyDataMapper> ballMapper;
    ballMapper->SetInputConnection(ball->GetOutputPort());
    p.ball->SetMapper(ballMapper);
    p.ball->GetProperty()->SetColor(0.55, 0.62, 0.70);
    p.ball->GetProperty()->SetAmbient(0.35);
    p.renderer->AddActor(p.ball);

    vtkNew<vtkPolyDataMapper> graticuleMapper;
    graticuleMapper->SetInputData(graticule());
    p.graticule->SetMapper(graticuleMapper);
    p.graticule->GetProperty()->SetColor(0.85, 0.85, 0.85);
    p.graticule->GetProperty()->SetOpacity(0.45);
    p.graticule->GetProperty()->LightingOff();
    p.renderer->AddActor(p.graticule);

    vtkNew<vtkPolyDataMapper> coastlineMapper;
    coastlineMapper->SetInputData(coastlinePolylines());
    p.coastlines->SetMapper(coastlineMapper);
    p.coastlines->GetProperty()->SetColor(0.05, 0.05, 0.05);
    p.coastlines->GetProperty()->SetLineWidth(1.5);
    p.coastlines->GetProperty()->LightingOff();
    p.renderer->AddActor(p.coastlines);

    p.contourMapper->SetScalarModeToUseCellData();
    p.contourMapper->SetColorModeToDirectScalars();
    p.contours->SetMapper(p.contourMapper);
    p.contours->GetProperty()->SetLineWidth(2.0);
    p.contours->GetProperty()->LightingOff();
    p.contours->VisibilityOff();
    p.renderer->AddActor(p.contours);

    p.meanContour->SetMapper(p.meanContourMapper);
    p.meanContour->GetProperty()->SetColor(0.0, 0.0, 0.0);
    p.meanContour->GetProperty()->SetLineWidth(4.0);
    p.meanContour->GetProperty()->LightingOff();
    p.meanContour->VisibilityOff();
    p.renderer->AddActor(p.meanContour);

    p.overlays->SetMapper(p.overlayMapper);
    p.overlays->GetProperty()->SetColor(0.0, 0.0, 0.0);
    p.overlays->GetProperty()->SetLineWidth(1.5);
    p.overlays->GetProperty()->LightingOff();
    p.overlays->VisibilityOff();
    p.renderer->AddActor(p.overlays);

    p.marker->GetProperty()->SetColor(1.0, 0.15, 0.55);
    p.marker->GetProperty()->SetLineWidth(3.0);
    p.marker->GetProperty()->LightingOff();
    p.marker->VisibilityOff();
    p.renderer->AddActor(p.marker);

    p.colourBar.addTo(p.renderer);

    useReadableFont(p.title->GetTextProperty());
    p.title->GetTextProperty()->SetJustificationToCentered();
    p.title->GetTextProperty()->SetVerticalJustificationToTop();
    p.title->GetTextProperty()->SetColor(0.95, 0.95, 0.95);
    p.title->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    p.title->SetPosition(0.5, 0.97);
    p.renderer->AddViewProp(p.title);

    setCamera(camera_);
    layout(800, 600);
}

GlobeScene::~GlobeScene()
{
    attach(nullptr);
}

vtkRenderer* GlobeScene::renderer() const
{
    return pipeline_->renderer;
}

void GlobeScene::attach(vtkRenderWindow* window)
{
    Pipeline& p = *pipeline_;
    if (p.window != nullptr) {
        for (const auto& stamp : p.stamps) {
            p.window->RemoveRenderer(stamp->renderer);
        }
    }
    p.window = window;
    if (p.window != nullptr) {
        for (const auto& stamp : p.stamps) {
            p.window->AddRenderer(stamp->renderer);
        }
    }
}

const GlobeContent& GlobeScene::content() const
{
    return pipeline_->content;
}

void GlobeScene::show(const GlobeContent& content)
{
    Pipeline& p = *pipeline_;
    const std::size_t points = content.latitudes.size() * content.longitudes.size();
    if (!content.values.empty() && content.values.size() != points) {
        throw std::invalid_argument("the field has " + std::to_string(content.values.size()) + " values, the grid " +
                                    std::to_string(points) + " points");
    }
    for (const auto& field : content.contourFields) {
        if (field.size() != points) {
            throw std::invalid_argument("a contour field has " + std::to_string(field.size()) + " values, the grid " +
                                        std::to_string(points) + " points");
        }
    }
    if (!p.hasMesh || !sameGrid(p.content, content)) {
        p.mesh = GlobeMesh::build(content.latitudes, content.longitudes, isGlobalLongitude(content.longitudes));
        p.hasMesh = true;
        p.surfaceMapper->SetInputData(p.mesh.surface);
        // The field's cells are flat: on a coarse grid (GraphCast's tests run at 10°) a cell's
        // middle sinks below the ball and the ball shows through. Keep the ball under the lowest
        // cell centre: cos of half the widest cell's diagonal.
        p.ball->SetScale(
            std::min(1.0, std::cos(0.5 * widestCellDiagonal(content.latitudes, content.longitudes)) / 0.998 * 0.999));
    }
    const int nlon = static_cast<int>(content.longitudes.size());

    p.surface->VisibilityOn();
    if (content.values.empty()) {
        p.mesh.surface->GetPointData()->SetScalars(nullptr);
        p.surfaceMapper->ScalarVisibilityOff();
        p.surface->GetProperty()->SetColor(0.80, 0.80, 0.78);
        p.colourBar.setVisible(false);
    } else {
        p.mesh.surface->GetPointData()->SetScalars(p.mesh.scalars(content.values, nlon));
        auto table = makeLookupTable(content.colourMap, content.limits);
        p.surfaceMapper->SetLookupTable(table);
        p.surfaceMapper->ScalarVisibilityOn();
        p.colourBar.show(content.colourMap, content.limits, content.colourBarTitle);
        p.colourBar.setVisible(true);
    }
    p.mesh.surface->Modified();

    if (content.meanContourField.size() == points && !content.contourFields.empty()) {
        std::vector<std::vector<std::pair<double, double>>> lines;
        for (const ContourSegment& segment :
             contourSegments(content.meanContourField, content.latitudes, content.longitudes, content.contourLevel)) {
            lines.push_back({{segment.lon0, segment.lat0}, {segment.lon1, segment.lat1}});
        }
        p.meanContourMapper->SetInputData(polylines(lines, contourRadius + 0.0005));
        p.meanContour->VisibilityOn();
    } else {
        p.meanContour->VisibilityOff();
    }
    if (content.contourFields.empty()) {
        p.contours->VisibilityOff();
    } else {
        auto ends = vtkSmartPointer<vtkPoints>::New();
        auto lines = vtkSmartPointer<vtkCellArray>::New();
        auto colours = vtkSmartPointer<vtkUnsignedCharArray>::New();
        colours->SetName("member colour");
        colours->SetNumberOfComponents(3);
        for (std::size_t m = 0; m < content.contourFields.size(); ++m) {
            const auto& colour = memberColours[m % memberColours.size()];
            for (const ContourSegment& segment : contourSegments(content.contourFields[m], content.latitudes,
                                                                 content.longitudes, content.contourLevel)) {
                double xyz[3];
                toCartesian(segment.lon0, segment.lat0, contourRadius, xyz);
                const vtkIdType first = ends->InsertNextPoint(xyz);
                toCartesian(segment.lon1, segment.lat1, contourRadius, xyz);
                const vtkIdType second = ends->InsertNextPoint(xyz);
                const vtkIdType line[2] = {first, second};
                lines->InsertNextCell(2, line);
                colours->InsertNextTypedTuple(colour.data());
            }
        }
        auto merged = vtkSmartPointer<vtkPolyData>::New();
        merged->SetPoints(ends);
        merged->SetLines(lines);
        merged->GetCellData()->SetScalars(colours);
        p.contourMapper->SetInputData(merged);
        p.contours->VisibilityOn();
    }

    if (const vtkSmartPointer<vtkPolyData> overlayLines = globeOverlayLines(content)) {
        p.overlayMapper->SetInputData(overlayLines);
        p.overlays->VisibilityOn();
    } else {
        p.overlays->VisibilityOff();
    }

    // Postage stamps replace the big globe.
    const bool stamps = !content.stampFields.empty();
    for (vtkActor* actor : {p.ball.Get(), p.graticule.Get(), p.coastlines.Get()}) {
        actor->SetVisibility(!stamps);
    }
    if (stamps) {
        for (const auto& field : content.stampFields) {
            if (field.size() != points) {
                throw std::invalid_argument("a stamp field has " + std::to_string(field.size()) + " values, the grid " +
                                            std::to_string(points) + " points");
            }
        }
        p.surface->VisibilityOff();
        p.contours->VisibilityOff();
        p.meanContour->VisibilityOff();
        p.overlays->VisibilityOff();
        auto table = makeLookupTable(content.colourMap, content.limits);
        p.colourBar.show(content.colourMap, content.limits, content.colourBarTitle);
        p.colourBar.setVisible(true);
        const std::size_t stride = std::max<std::size_t>(1, content.longitudes.size() / 48);
        if (p.stampLatitudes.empty() || !sameGrid(p.content, content) || stride != p.stampStride) {
            p.stampStride = stride;
            p.stampLatitudes.clear();
            p.stampLongitudes.clear();
            for (std::size_t j = 0; j < content.latitudes.size(); j += stride) {
                p.stampLatitudes.push_back(content.latitudes[j]);
            }
            for (std::size_t i = 0; i < content.longitudes.size(); i += stride) {
                p.stampLongitudes.push_back(content.longitudes[i]);
            }
            p.stampMesh = GlobeMesh::build(p.stampLatitudes, p.stampLongitudes, isGlobalLongitude(content.longitudes));
        }
        while (p.stamps.size() < content.stampFields.size()) {
            auto stamp = std::make_unique<GlobeStamp>();
            stamp->renderer->SetBackground(p.renderer->GetBackground());
            stamp->mapper->SetScalarModeToUsePointData();
            stamp->mapper->InterpolateScalarsBeforeMappingOn();
            stamp->mapper->UseLookupTableScalarRangeOn();
            stamp->surface->SetMapper(stamp->mapper);
            stamp->surface->GetProperty()->SetAmbient(0.35);
            stamp->surface->GetProperty()->SetDiffuse(0.7);
            stamp->renderer->AddActor(stamp->surface);
            if (!p.stampCoastlines) {
                p.stampCoastlines = vtkSmartPointer<vtkPolyDataMapper>::New();
                p.stampCoastlines->SetInputData(coastlinePolylines(8));
            }
            stamp->coastlines->SetMapper(p.stampCoastlines);
            stamp->coastlines->SetProperty(p.coastlines->GetProperty());
            stamp->renderer->AddActor(stamp->coastlines);
            useReadableFont(stamp->label->GetTextProperty());
            stamp->label->GetTextProperty()->SetColor(0.95, 0.95, 0.95);
            stamp->label->GetTextProperty()->SetVerticalJustificationToTop();
            stamp->label->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
            stamp->label->SetPosition(0.03, 0.97);
            stamp->renderer->AddViewProp(stamp->label);
            if (p.window != nullptr) {
                p.window->AddRenderer(stamp->renderer);
            }
            p.stamps.push_back(std::move(stamp));
        }
        const int stampColumns = static_cast<int>(p.stampLongitudes.size());
        for (std::size_t k = 0; k < p.stamps.size(); ++k) {
            GlobeStamp& stamp = *p.stamps[k];
            const bool used = k < content.stampFields.size();
            stamp.renderer->SetDraw(used);
            if (!used) {
                continue;
            }
            std::vector<float> thinned;
            thinned.reserve(p.stampLatitudes.size() * p.stampLongitudes.size());
            for (std::size_t j = 0; j < content.latitudes.size(); j += stride) {
                for (std::size_t i = 0; i < content.longitudes.size(); i += stride) {
                    thinned.push_back(content.stampFields[k][j * content.longitudes.size() + i]);
                }
            }
            stamp.data = vtkSmartPointer<vtkPolyData>::New();
            stamp.data->ShallowCopy(p.stampMesh.surface);
            stamp.data->GetPointData()->SetScalars(p.stampMesh.scalars(thinned, stampColumns));
            stamp.mapper->SetInputData(stamp.data);
            stamp.mapper->SetLookupTable(table);
            stamp.label->SetInput(k < content.stampLabels.size() ? content.stampLabels[k].c_str() : "");
        }
    } else {
        for (const auto& stamp : p.stamps) {
            stamp->renderer->SetDraw(false);
        }
    }

    p.marker->SetVisibility(p.markerPoint.has_value() && !stamps);
    p.content = content;
    layout(p.width, p.height, p.pixelRatio);
}

void GlobeScene::layoutStamps()
{
    Pipeline& p = *pipeline_;
    p.layout.stamps.clear();
    const int count = static_cast<int>(p.content.stampFields.size());
    if (count == 0) {
        return;
    }
    // The area left of the colour bar and below the title, in as square cells as fit; each globe
    // fills 90 % of its cell's shorter side, so neighbours never touch and none is cut.
    const double width = p.width;
    const double height = p.height;
    const double gap = std::max(2.0, 0.005 * width);
    const double left = gap;
    const double right = std::max(left + 16.0, (p.colourBar.visible() ? p.layout.colourBar.left : width) - 2.0 * gap);
    const double bottom = gap;
    const double top = std::max(bottom + 16.0, p.layout.title.empty() ? height - gap : p.layout.title.bottom - gap);
    const double areaWidth = right - left;
    const double areaHeight = top - bottom;
    int bestColumns = 1;
    double bestSide = 0.0;
    for (int columns = 1; columns <= count; ++columns) {
        const int rows = (count + columns - 1) / columns;
        const double side = std::min(areaWidth / columns, areaHeight / rows);
        if (side > bestSide) {
            bestSide = side;
            bestColumns = columns;
        }
    }
    const int rows = (count + bestColumns - 1) / bestColumns;
    const double cellWidth = areaWidth / bestColumns;
    const double cellHeight = areaHeight / rows;
    const double eyeDistance = 3.9;
    const double silhouette = 1.0 / std::sqrt(eyeDistance * eyeDistance - 1.0);  // tan of the globe's half-angle
    const double diameter = 0.9 * std::min(cellWidth, cellHeight);
    const double viewAngle = 2.0 * std::atan(silhouette * cellHeight / diameter) / degrees;
    const int fontSize = std::clamp(static_cast<int>(bestSide / 9.0), 7, static_cast<int>(24 * p.pixelRatio));
    for (int k = 0; k < count; ++k) {
        const int row = k / bestColumns;
        const int column = k % bestColumns;
        const double x0 = left + column * cellWidth;
        const double y1 = top - row * cellHeight;
        GlobeStamp& stamp = *p.stamps[static_cast<std::size_t>(k)];
        stamp.renderer->SetViewport(x0 / width, (y1 - cellHeight) / height, (x0 + cellWidth) / width, y1 / height);
        stamp.renderer->GetActiveCamera()->SetViewAngle(viewAngle);
        stamp.label->GetTextProperty()->SetFontSize(fontSize);
        p.layout.stamps.push_back({x0, y1 - cellHeight, x0 + cellWidth, y1});
    }
}

void GlobeScene::layoutLegend(int fontSize)
{
    Pipeline& p = *pipeline_;
    p.layout.legend = {};
    const auto& fields = p.content.contourFields;
    const bool shown = !fields.empty() && p.content.stampFields.empty();
    // One line per colour in use: the members drawn in it, then the mean.
    std::vector<std::pair<std::string, std::array<double, 3>>> lines;
    if (shown) {
        const std::size_t colours = std::min(fields.size(), memberColours.size());
        for (std::size_t c = 0; c < colours; ++c) {
            std::string members;
            for (std::size_t m = c; m < fields.size(); m += memberColours.size()) {
                const std::string name =
                    m < p.content.contourLabels.size() ? p.content.contourLabels[m] : std::to_string(m);
                members += (members.empty() ? "" : ", ") + name;
            }
            if (members.size() > 24) {
                members = members.substr(0, 22) + "…";
            }
            const auto& colour = memberColours[c];
            lines.push_back({"━ member " + members, {colour[0] / 255.0, colour[1] / 255.0, colour[2] / 255.0}});
        }
        if (p.meanContour->GetVisibility()) {
            lines.push_back({"▬ ensemble mean (black)", {0.95, 0.95, 0.95}});
        }
    }
    while (p.legendEntries.size() < lines.size()) {
        auto entry = vtkSmartPointer<vtkTextActor>::New();
        useReadableFont(entry->GetTextProperty());
        entry->GetTextProperty()->SetVerticalJustificationToTop();
        p.renderer->AddViewProp(entry);
        p.legendEntries.push_back(entry);
    }
    const double margin = std::max(3, fontSize / 2);
    double widest = 0.0;
    for (std::size_t k = 0; k < lines.size(); ++k) {
        p.legendEntries[k]->GetTextProperty()->SetFontSize(fontSize);
        widest = std::max(
            widest, static_cast<double>(measureText(p.legendEntries[k]->GetTextProperty(), lines[k].first).width));
    }
    const double lineHeight = fontSize * 1.3;
    const double left = p.width - margin - widest;
    const double top = (p.layout.title.empty() ? p.height : p.layout.title.bottom) - margin;
    for (std::size_t k = 0; k < p.legendEntries.size(); ++k) {
        vtkTextActor* entry = p.legendEntries[k];
        entry->SetVisibility(k < lines.size());
        if (k < lines.size()) {
            entry->SetInput(lines[k].first.c_str());
            entry->GetTextProperty()->SetColor(lines[k].second.data());
            entry->SetPosition(left, top - static_cast<double>(k) * lineHeight);
        }
    }
    if (!lines.empty()) {
        p.layout.legend = {left, top - static_cast<double>(lines.size()) * lineHeight, left + widest, top};
    }
}

void GlobeScene::frameCamera()
{
    Pipeline& p = *pipeline_;
    vtkCamera* view = p.renderer->GetActiveCamera();
    view->SetUseHorizontalViewAngle(false);
    view->SetViewAngle(p.viewAngle);
    view->SetWindowCenter(p.windowCentreX, p.windowCentreY);
    p.renderer->ResetCameraClippingRange();
}

void GlobeScene::setCamera(const GlobeCamera& camera)
{
    camera_ = camera;
    camera_.latitude = std::clamp(camera_.latitude, -89.0, 89.0);
    camera_.longitude = std::remainder(camera_.longitude, 360.0);
    camera_.distance = std::clamp(camera_.distance, 1.4, 12.0);
    vtkCamera* view = pipeline_->renderer->GetActiveCamera();
    double eye[3];
    toCartesian(camera_.longitude, camera_.latitude, camera_.distance, eye);
    view->SetFocalPoint(0.0, 0.0, 0.0);
    view->SetPosition(eye);
    // North up: the view-up is the polar axis, never rolled.
    view->SetViewUp(0.0, 0.0, 1.0);
    frameCamera();
    // Each stamp looks at the globe from the same direction, filling its cell.
    for (const auto& stamp : pipeline_->stamps) {
        vtkCamera* small = stamp->renderer->GetActiveCamera();
        toCartesian(camera_.longitude, camera_.latitude, 3.9, eye);
        small->SetFocalPoint(0.0, 0.0, 0.0);
        small->SetPosition(eye);
        small->SetViewUp(0.0, 0.0, 1.0);
        stamp->renderer->ResetCameraClippingRange();
    }
}

void GlobeScene::rotate(double longitudeDegrees, double latitudeDegrees)
{
    GlobeCamera camera = camera_;
    camera.longitude -= longitudeDegrees;
    camera.latitude -= latitudeDegrees;
    setCamera(camera);
}

void GlobeScene::zoom(double factor)
{
    if (factor > 0.0 && std::isfinite(factor)) {
        GlobeCamera camera = camera_;
        camera.distance /= factor;
        setCamera(camera);
    }
}

double GlobeScene::globeRadiusPixels() const
{
    const double silhouette = 1.0 / std::sqrt(camera_.distance * camera_.distance - 1.0);
    return pipeline_->height / 2.0 * silhouette / std::tan(pipeline_->viewAngle * degrees / 2.0);
}

void GlobeScene::setMarker(std::optional<std::pair<double, double>> latitudeLongitude)
{
    Pipeline& p = *pipeline_;
    p.markerPoint = latitudeLongitude;
    if (latitudeLongitude) {
        // A ring of 2° radius about the point, drawn on the sphere.
        const auto [latitude, longitude] = *latitudeLongitude;
        double centre[3];
        toCartesian(longitude, latitude, 1.0, centre);
        double east[3] = {-std::sin(longitude * degrees), std::cos(longitude * degrees), 0.0};
        double north[3] = {centre[1] * east[2] - centre[2] * east[1], centre[2] * east[0] - centre[0] * east[2],
                           centre[0] * east[1] - centre[1] * east[0]};
        auto points = vtkSmartPointer<vtkPoints>::New();
        auto cells = vtkSmartPointer<vtkCellArray>::New();
        constexpr int segments = 48;
        const double radius = 2.0 * degrees;
        cells->InsertNextCell(segments + 1);
        for (int k = 0; k <= segments; ++k) {
            const double angle = 2.0 * std::numbers::pi * k / segments;
            double xyz[3];
            for (int c = 0; c < 3; ++c) {
                xyz[c] = std::cos(radius) * centre[c] +
                         std::sin(radius) * (std::cos(angle) * east[c] + std::sin(angle) * north[c]);
                xyz[c] *= contourRadius + 0.001;
            }
            cells->InsertCellPoint(points->InsertNextPoint(xyz));
        }
        auto ring = vtkSmartPointer<vtkPolyData>::New();
        ring->SetPoints(points);
        ring->SetLines(cells);
        vtkNew<vtkPolyDataMapper> mapper;
        mapper->SetInputData(ring);
        p.marker->SetMapper(mapper);
    }
    p.marker->SetVisibility(latitudeLongitude.has_value() && p.content.stampFields.empty());
}

const std::optional<std::pair<double, double>>& GlobeScene::marker() const
{
    return pipeline_->markerPoint;
}

const GlobeLayout& GlobeScene::currentLayout() const
{
    return pipeline_->layout;
}

const std::vector<std::string>& GlobeScene::colourBarLabels() const
{
    return pipeline_->colourBar.labels();
}

void GlobeScene::layout(int width, int height, double pixelRatio)
{
    Pipeline& p = *pipeline_;
    p.width = std::max(1, width);
    p.height = std::max(1, height);
    p.pixelRatio = std::isfinite(pixelRatio) && pixelRatio > 0.0 ? pixelRatio : 1.0;
    const int readable = static_cast<int>(std::lround(11.0 * p.pixelRatio));
    const int titleSize =
        std::clamp(std::min(p.height / 32, p.width / 48), readable, static_cast<int>(96 * p.pixelRatio));
    const int textSize = std::max(static_cast<int>(std::lround(9.0 * p.pixelRatio)), titleSize * 3 / 4);
    const double margin = std::max(2.0, titleSize / 3.0);

    // The title: on one line if it fits the width, else broken after a dash, else smaller.
    vtkTextProperty* titleStyle = p.title->GetTextProperty();
    std::string title = p.content.title;
    int size = titleSize;
    titleStyle->SetFontSize(size);
    TextExtent extent = measureText(titleStyle, title);
    const double available = p.width - 2.0 * margin;
    if (extent.width > available) {
        const std::size_t middle = title.size() / 2;
        std::size_t best = std::string::npos;
        for (std::size_t at = title.find(" — "); at != std::string::npos; at = title.find(" — ", at + 1)) {
            if (best == std::string::npos || std::abs(static_cast<double>(at) - static_cast<double>(middle)) <
                                                 std::abs(static_cast<double>(best) - static_cast<double>(middle))) {
                best = at;
            }
        }
        if (best != std::string::npos) {
            title = title.substr(0, best) + "\n" + title.substr(best + std::string(" — ").size());
            extent = measureText(titleStyle, title);
        }
    }
    while (extent.width > available && size > 7) {
        titleStyle->SetFontSize(--size);
        extent = measureText(titleStyle, title);
    }
    p.title->SetInput(title.c_str());
    p.title->GetPositionCoordinate()->SetCoordinateSystemToViewport();
    p.title->SetPosition(p.width / 2.0, p.height - margin);
    p.layout.titleFontSize = size;
    p.layout.title = title.empty() ? PixelBox{}
                                   : PixelBox{p.width / 2.0 - extent.width / 2.0, p.height - margin - extent.height,
                                              p.width / 2.0 + extent.width / 2.0, p.height - margin};
    const double titleBand = title.empty() ? 0.0 : extent.height + 2.0 * margin;

    p.colourBar.layout(p.width, p.height, textSize, static_cast<int>(margin), static_cast<int>(titleBand));
    p.layout.colourBar = p.colourBar.visible() ? p.colourBar.geometry() : ColourBarGeometry{};
    layoutLegend(textSize);
    layoutStamps();

    // The globe in the space left of the colour bar (or legend) and below the title, at 92 % of
    // it at the default distance.
    const double right = p.colourBar.visible()      ? p.layout.colourBar.left - margin
                         : !p.layout.legend.empty() ? p.layout.legend.left - margin
                                                    : static_cast<double>(p.width);
    const double spaceWidth = std::max(16.0, right);
    const double spaceHeight = std::max(16.0, p.height - titleBand);
    const double defaultDistance = GlobeCamera{}.distance;
    const double silhouette = 1.0 / std::sqrt(defaultDistance * defaultDistance - 1.0);
    const double radius = 0.46 * std::min(spaceWidth, spaceHeight);
    p.viewAngle = std::clamp(2.0 * std::atan(silhouette * p.height / 2.0 / radius) / degrees, 5.0, 150.0);
    p.windowCentreX = 1.0 - spaceWidth / p.width;
    p.windowCentreY = titleBand / p.height;
    frameCamera();
    setCamera(camera_);
}

std::optional<std::pair<double, double>> GlobeScene::pick(int x, int y, int width, int height) const
{
    if (width < 1 || height < 1 || x < 0 || y < 0 || x >= width || y >= height ||
        !pipeline_->content.stampFields.empty()) {
        return std::nullopt;
    }
    // The ray from the eye through the pixel, from the camera's own projection.
    vtkCamera* view = pipeline_->renderer->GetActiveCamera();
    const double aspect = static_cast<double>(width) / height;
    vtkMatrix4x4* transform = view->GetCompositeProjectionTransformMatrix(aspect, -1.0, 1.0);
    vtkNew<vtkMatrix4x4> inverse;
    vtkMatrix4x4::Invert(transform, inverse);
    const double ndcX = 2.0 * (x + 0.5) / width - 1.0;
    const double ndcY = 1.0 - 2.0 * (y + 0.5) / height;
    double nearPoint[4] = {ndcX, ndcY, -1.0, 1.0};
    double farPoint[4] = {ndcX, ndcY, 1.0, 1.0};
    inverse->MultiplyPoint(nearPoint, nearPoint);
    inverse->MultiplyPoint(farPoint, farPoint);
    double origin[3];
    double direction[3];
    for (int k = 0; k < 3; ++k) {
        origin[k] = nearPoint[k] / nearPoint[3];
        direction[k] = farPoint[k] / farPoint[3] - origin[k];
    }
    // |origin + s·direction| = 1, the nearer root.
    const double a = direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2];
    const double b = 2.0 * (origin[0] * direction[0] + origin[1] * direction[1] + origin[2] * direction[2]);
    const double c = origin[0] * origin[0] + origin[1] * origin[1] + origin[2] * origin[2] - 1.0;
    const double discriminant = b * b - 4.0 * a * c;
    if (a <= 0.0 || discriminant < 0.0) {
        return std::nullopt;
    }
    const double s = (-b - std::sqrt(discriminant)) / (2.0 * a);
    const double point[3] = {origin[0] + s * direction[0], origin[1] + s * direction[1], origin[2] + s * direction[2]};
    const double latitude = std::asin(std::clamp(point[2], -1.0, 1.0)) / degrees;
    double longitude = std::atan2(point[1], point[0]) / degrees;
    if (longitude < 0.0) {
        longitude += 360.0;
    }
    return std::make_pair(latitude, longitude);
}

std::string GlobeScene::coastlineProblem() const
{
    return sharedCoastlines().error;
}

namespace {

// One X connection for every offscreen render of the process, opened with retries: a busy Xvfb
// now and then refuses a connection (EAGAIN, ECONNRESET), and VTK aborts the whole process when
// its own XOpenDisplay fails. Kept open until the process ends.
Display* sharedDisplay(std::string& problem)
{
    static std::mutex mutex;
    static Display* display = nullptr;
    std::lock_guard lock(mutex);
    if (display != nullptr) {
        return display;
    }
    const char* name = std::getenv("DISPLAY");
    for (int attempt = 0; attempt < 20 && display == nullptr; ++attempt) {
        display = XOpenDisplay(nullptr);
        if (display == nullptr) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10 * (attempt + 1)));
        }
    }
    if (display == nullptr) {
        problem = std::string("cannot open X display '") + (name != nullptr ? name : "") +
                  "' — start it, or run under xvfb-run";
    }
    return display;
}

}  // namespace

std::string displayProblem()
{
    const char* display = std::getenv("DISPLAY");
    if (display == nullptr || *display == '\0') {
        return "no X display: VTK on this system renders through GLX, offscreen too — run under xvfb-run "
               "(xvfb-run -a -s \"-screen 0 1920x1080x24\" COMMAND) or set DISPLAY";
    }
    std::string problem;
    sharedDisplay(problem);
    return problem;
}

struct OffscreenGlobeRenderer::Window {
    vtkNew<vtkRenderWindow> window;
    bool hasDisplay = false;
};

OffscreenGlobeRenderer::OffscreenGlobeRenderer() : window_(std::make_unique<Window>())
{
    window_->window->SetOffScreenRendering(1);
    window_->window->SetMultiSamples(0);
    window_->window->AddRenderer(scene_.renderer());
    scene_.attach(window_->window);
}

OffscreenGlobeRenderer::~OffscreenGlobeRenderer()
{
    scene_.attach(nullptr);
    window_->window->RemoveRenderer(scene_.renderer());
    window_->window->Finalize();
}

RgbImage OffscreenGlobeRenderer::render(int width, int height, double pixelRatio)
{
    if (width < 16 || height < 16 || width > maxImageSide || height > maxImageSide) {
        throw std::runtime_error("image size " + std::to_string(width) + " × " + std::to_string(height) +
                                 " is out of range: give 16 … " + std::to_string(maxImageSide) + " pixels a side");
    }
    if (const std::string problem = displayProblem(); !problem.empty()) {
        throw std::runtime_error("cannot render the globe: " + problem);
    }
    if (!window_->hasDisplay) {
        std::string problem;
        window_->window->SetDisplayId(sharedDisplay(problem));
        window_->hasDisplay = true;
    }
    window_->window->SetSize(width, height);
    scene_.layout(width, height, pixelRatio);
    window_->window->Render();
    vtkNew<vtkWindowToImageFilter> grab;
    grab->SetInput(window_->window);
    grab->SetInputBufferTypeToRGB();
    grab->ReadFrontBufferOff();
    grab->ShouldRerenderOff();
    grab->Update();
    vtkImageData* image = grab->GetOutput();
    int dimensions[3];
    image->GetDimensions(dimensions);
    if (dimensions[0] != width || dimensions[1] != height) {
        throw std::runtime_error("the offscreen window gave a " + std::to_string(dimensions[0]) + " × " +
                                 std::to_string(dimensions[1]) + " image instead of " + std::to_string(width) + " × " +
                                 std::to_string(height) + " (is the OpenGL driver able to render offscreen?)");
    }
    RgbImage result;
    result.width = width;
    result.height = height;
    const auto* bytes = static_cast<const unsigned char*>(image->GetScalarPointer());
    result.rgb.assign(bytes, bytes + static_cast<std::size_t>(width) * height * 3);
    return result;
}

void OffscreenGlobeRenderer::writePng(int width, int height, const std::string& path)
{
    // Render first: a failed render leaves no empty file behind.
    const RgbImage image = render(width, height);
    {
        std::ofstream probe(path, std::ios::binary | std::ios::trunc);
        if (!probe) {
            const std::filesystem::path folder = std::filesystem::path(path).parent_path();
            std::error_code error;
            if (!folder.empty() && !std::filesystem::is_directory(folder, error)) {
                throw std::runtime_error("cannot write '" + path + "': folder '" + folder.string() +
                                         "' does not exist — create it or choose another file");
            }
            throw std::runtime_error("cannot write '" + path +
                                     "': permission denied or not a file — choose "
                                     "another file");
        }
    }
    vtkNew<vtkImageData> data;
    data->SetDimensions(image.width, image.height, 1);
    data->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    std::copy(image.rgb.begin(), image.rgb.end(), static_cast<unsigned char*>(data->GetScalarPointer()));
    vtkNew<vtkPNGWriter> writer;
    writer->SetFileName(path.c_str());
    writer->SetInputData(data);
    writer->Write();
    if (writer->GetErrorCode() != 0) {
        throw std::runtime_error("cannot write '" + path + "': the PNG writer failed (is the disk full?)");
    }
}

}  // namespace spreadcast
