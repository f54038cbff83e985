#include "viz/ScreenText.h"

#include <vtkNew.h>
#include <vtkStdString.h>
#include <vtkTextProperty.h>
#include <vtkTextRenderer.h>

#include <filesystem>

namespace spreadcast {

TextExtent measureText(vtkTextProperty* property, const std::string& text)
{
    if (text.empty()) {
        return {};
    }
    vtkTextRenderer* renderer = vtkTextRenderer::GetInstance();
    vtkNew<vtkTextProperty> upright;
    upright->ShallowCopy(property);
    upright->SetOrientation(0.0);
    int box[4] = {0, 0, 0, 0};
    if (renderer == nullptr || !renderer->GetBoundingBox(upright.Get(), vtkStdString(text), box, 72)) {
        // Without FreeType: a generous estimate, so layouts still leave room.
        const int size = property->GetFontSize();
        return {static_cast<int>(text.size()) * size * 6 / 10, size * 12 / 10};
    }
    return {box[1] - box[0] + 1, box[3] - box[2] + 1};
}

void useReadableFont(vtkTextProperty* property)
{
    static const std::string font = [] {
        for (const char* candidate :
             {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/TTF/DejaVuSans.ttf"}) {
            std::error_code error;
            if (std::filesystem::is_regular_file(candidate, error)) {
                return std::string(candidate);
            }
        }
        return std::string();
    }();
    if (!font.empty()) {
        property->SetFontFamily(VTK_FONT_FILE);
        property->SetFontFile(font.c_str());
    }
}

}  // namespace spreadcast
