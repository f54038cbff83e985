#include "viz/ColourBar.h"

#include "viz/TextFormat.h"

#include <vtkActor2D.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty2D.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace spreadcast {
namespace {

constexpr double textGrey = 0.95;
constexpr int gradientSteps = 256;

void styleText(vtkTextProperty* text, int fontSize)
{
    useReadableFont(text);
    text->ItalicOff();
    text->BoldOff();
    text->ShadowOff();
    text->SetColor(textGrey, textGrey, textGrey);
    text->SetFontSize(fontSize);
}

}  // namespace

struct ColourBar::Actors {
    vtkRenderer* renderer = nullptr;
    vtkNew<vtkActor2D> gradient;
    vtkNew<vtkPolyDataMapper2D> gradientMapper;
    vtkNew<vtkActor2D> lines;
    vtkNew<vtkPolyDataMapper2D> lineMapper;
    vtkNew<vtkTextActor> title;
    std::vector<vtkSmartPointer<vtkTextActor>> labelActors;
    std::vector<double> tickValues;
    std::vector<std::string> labels;
    ColourMapKind kind = ColourMapKind::Viridis;
    ColourLimits limits;
    std::string titleText;
    bool visible = false;
    ColourBarGeometry geometry;
};

ColourBar::ColourBar() : actors_(std::make_unique<Actors>())
{
    Actors& a = *actors_;
    a.gradientMapper->SetScalarModeToUseCellData();
    a.gradientMapper->SetColorModeToDirectScalars();
    a.gradient->SetMapper(a.gradientMapper);
    a.lines->SetMapper(a.lineMapper);
    a.lines->GetProperty()->SetColor(textGrey, textGrey, textGrey);
    a.lines->GetProperty()->SetLineWidth(1.0);
    styleText(a.title->GetTextProperty(), 12);
    a.title->GetTextProperty()->SetJustificationToCentered();
    a.title->GetTextProperty()->SetVerticalJustificationToCentered();
    a.title->GetTextProperty()->SetOrientation(90.0);
    setVisible(false);
}

ColourBar::~ColourBar() = default;

void ColourBar::addTo(vtkRenderer* renderer)
{
    Actors& a = *actors_;
    a.renderer = renderer;
    renderer->AddViewProp(a.gradient);
    renderer->AddViewProp(a.lines);
    renderer->AddViewProp(a.title);
    for (const auto& label : a.labelActors) {
        renderer->AddViewProp(label);
    }
}

void ColourBar::setVisible(bool visible)
{
    Actors& a = *actors_;
    a.visible = visible;
    a.gradient->SetVisibility(visible);
    a.lines->SetVisibility(visible);
    a.title->SetVisibility(visible && !a.titleText.empty());
    for (std::size_t k = 0; k < a.labelActors.size(); ++k) {
        a.labelActors[k]->SetVisibility(visible && k < a.labels.size());
    }
}

bool ColourBar::visible() const
{
    return actors_->visible;
}

void ColourBar::show(ColourMapKind kind, const ColourLimits& limits, const std::string& title)
{
    Actors& a = *actors_;
    a.kind = kind;
    a.limits = limits;
    a.titleText = title;
    a.title->SetInput(title.c_str());
}

void ColourBar::layout(int width, int height, int fontSize, int bottomMargin, int topMargin)
{
    Actors& a = *actors_;
    const int margin = std::max(3, fontSize / 3);
    const int gap = std::max(3, fontSize / 3);
    const int tickLength = std::max(3, fontSize / 3);
    const int barWidth = std::max(10, fontSize);

    // The ticks: as many as fit with two label heights between them.
    vtkNew<vtkTextProperty> labelStyle;
    styleText(labelStyle, fontSize);
    const int labelHeight = std::max(1, measureText(labelStyle, "0.9").height);
    const double barBottom = bottomMargin + labelHeight / 2.0 + 2.0;
    const double barTop = std::max(barBottom + 1.0, height - topMargin - labelHeight / 2.0 - 2.0);
    const int count = std::clamp(static_cast<int>((barTop - barBottom) / (2.5 * labelHeight)), 2, 8);
    a.tickValues = niceTicks(a.limits.low, a.limits.high, count);
    const double step = tickStep(a.tickValues);
    a.labels.clear();
    int labelWidth = 0;
    for (const double value : a.tickValues) {
        a.labels.push_back(formatTick(value, step));
        labelWidth = std::max(labelWidth, measureText(labelStyle, a.labels.back()).width);
    }

    // The title along the bar, smaller when the bar is shorter than the title is long.
    vtkTextProperty* titleStyle = a.title->GetTextProperty();
    int titleSize = fontSize;
    titleStyle->SetFontSize(titleSize);
    TextExtent titleExtent = measureText(titleStyle, a.titleText);
    while (titleExtent.width > barTop - barBottom && titleSize > 6) {
        titleStyle->SetFontSize(--titleSize);
        titleExtent = measureText(titleStyle, a.titleText);
    }
    const int titleThickness = a.titleText.empty() ? 0 : titleExtent.height + gap;

    const double labelsLeft = width - margin - titleThickness - labelWidth;
    const double barRight = labelsLeft - gap - tickLength;
    const double barLeft = barRight - barWidth;
    auto heightOf = [&](double value) {
        const double span = a.limits.high - a.limits.low;
        return barBottom + (span > 0.0 ? (value - a.limits.low) / span : 0.5) * (barTop - barBottom);
    };

    auto points = vtkSmartPointer<vtkPoints>::New();
    auto quads = vtkSmartPointer<vtkCellArray>::New();
    auto colours = vtkSmartPointer<vtkUnsignedCharArray>::New();
    colours->SetNumberOfComponents(3);
    for (int k = 0; k <= gradientSteps; ++k) {
        const double y = barBottom + (barTop - barBottom) * k / gradientSteps;
        points->InsertNextPoint(barLeft, y, 0.0);
        points->InsertNextPoint(barRight, y, 0.0);
    }
    for (int k = 0; k < gradientSteps; ++k) {
        const vtkIdType quad[4] = {2 * k, 2 * k + 1, 2 * k + 3, 2 * k + 2};
        quads->InsertNextCell(4, quad);
        double rgb[3];
        colourAt(a.kind, (k + 0.5) / gradientSteps, rgb);
        const unsigned char bytes[3] = {static_cast<unsigned char>(std::lround(rgb[0] * 255)),
                                        static_cast<unsigned char>(std::lround(rgb[1] * 255)),
                                        static_cast<unsigned char>(std::lround(rgb[2] * 255))};
        colours->InsertNextTypedTuple(bytes);
    }
    auto gradient = vtkSmartPointer<vtkPolyData>::New();
    gradient->SetPoints(points);
    gradient->SetPolys(quads);
    gradient->GetCellData()->SetScalars(colours);
    a.gradientMapper->SetInputData(gradient);

    auto linePoints = vtkSmartPointer<vtkPoints>::New();
    auto lineCells = vtkSmartPointer<vtkCellArray>::New();
    auto addLine = [&](double x0, double y0, double x1, double y1) {
        const vtkIdType ends[2] = {linePoints->InsertNextPoint(x0, y0, 0.0), linePoints->InsertNextPoint(x1, y1, 0.0)};
        lineCells->InsertNextCell(2, ends);
    };
    addLine(barLeft, barBottom, barRight, barBottom);
    addLine(barRight, barBottom, barRight, barTop);
    addLine(barRight, barTop, barLeft, barTop);
    addLine(barLeft, barTop, barLeft, barBottom);

    while (a.labelActors.size() < a.labels.size()) {
        auto label = vtkSmartPointer<vtkTextActor>::New();
        styleText(label->GetTextProperty(), fontSize);
        label->GetTextProperty()->SetJustificationToLeft();
        label->GetTextProperty()->SetVerticalJustificationToCentered();
        if (a.renderer != nullptr) {
            a.renderer->AddViewProp(label);
        }
        a.labelActors.push_back(label);
    }
    PixelBox labelsBox;
    for (std::size_t k = 0; k < a.labels.size(); ++k) {
        const double y = heightOf(a.tickValues[k]);
        addLine(barRight, y, barRight + tickLength, y);
        vtkTextActor* label = a.labelActors[k];
        label->GetTextProperty()->SetFontSize(fontSize);
        label->SetInput(a.labels[k].c_str());
        label->SetPosition(labelsLeft, y);
        const PixelBox box{labelsLeft, y - labelHeight / 2.0, labelsLeft + labelWidth, y + labelHeight / 2.0};
        labelsBox = k == 0 ? box
                           : PixelBox{std::min(labelsBox.left, box.left), std::min(labelsBox.bottom, box.bottom),
                                      std::max(labelsBox.right, box.right), std::max(labelsBox.top, box.top)};
    }
    auto lines = vtkSmartPointer<vtkPolyData>::New();
    lines->SetPoints(linePoints);
    lines->SetLines(lineCells);
    a.lineMapper->SetInputData(lines);

    const double titleCentreX = width - margin - titleExtent.height / 2.0;
    const double titleCentreY = (barBottom + barTop) / 2.0;
    a.title->SetPosition(titleCentreX, titleCentreY);

    a.geometry.bar = {barLeft, barBottom, barRight, barTop};
    a.geometry.labels = labelsBox;
    a.geometry.title = a.titleText.empty()
                           ? PixelBox{}
                           : PixelBox{titleCentreX - titleExtent.height / 2.0, titleCentreY - titleExtent.width / 2.0,
                                      titleCentreX + titleExtent.height / 2.0, titleCentreY + titleExtent.width / 2.0};
    a.geometry.left = barLeft;
    setVisible(a.visible);
}

const ColourBarGeometry& ColourBar::geometry() const
{
    return actors_->geometry;
}

const std::vector<std::string>& ColourBar::labels() const
{
    return actors_->labels;
}

}  // namespace spreadcast
