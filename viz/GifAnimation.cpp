#include "viz/GifAnimation.h"

#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

namespace spreadcast {
namespace {

struct GifCloser {
    std::string path;
    GifFileType* gif = nullptr;
    ~GifCloser()
    {
        if (gif != nullptr) {
            int error = 0;
            EGifCloseFile(gif, &error);
        }
    }
};

[[noreturn]] void fail(const std::string& path, int error)
{
    throw std::runtime_error("cannot write '" + path + "': " + GifErrorString(error));
}

}  // namespace

void writeGifAnimation(const std::vector<QImage>& frames, int frameMilliseconds, const std::string& path)
{
    if (frames.empty()) {
        throw std::runtime_error("cannot write '" + path + "': no frames to animate");
    }
    const int width = frames.front().width();
    const int height = frames.front().height();
    if (width < 1 || height < 1 || width > 65535 || height > 65535) {
        throw std::runtime_error("cannot write '" + path + "': a GIF frame is 1 … 65535 pixels a side");
    }
    int error = 0;
    GifCloser file{path, EGifOpenFileName(path.c_str(), false, &error)};
    if (file.gif == nullptr) {
        fail(path, error);
    }
    if (EGifPutScreenDesc(file.gif, width, height, 8, 0, nullptr) == GIF_ERROR) {
        fail(path, file.gif->Error);
    }
    // Loop forever: the Netscape application extension, count 0.
    std::array<GifByteType, 11> application{'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    std::array<GifByteType, 3> loop{1, 0, 0};
    if (EGifPutExtensionLeader(file.gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(file.gif, static_cast<int>(application.size()), application.data()) == GIF_ERROR ||
        EGifPutExtensionBlock(file.gif, static_cast<int>(loop.size()), loop.data()) == GIF_ERROR ||
        EGifPutExtensionTrailer(file.gif) == GIF_ERROR) {
        fail(path, file.gif->Error);
    }
    const std::size_t pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    std::vector<GifByteType> red(pixels);
    std::vector<GifByteType> green(pixels);
    std::vector<GifByteType> blue(pixels);
    std::vector<GifByteType> indices(pixels);
    for (const QImage& given : frames) {
        if (given.size() != frames.front().size()) {
            throw std::runtime_error("cannot write '" + path + "': the frames differ in size");
        }
        const QImage frame = given.convertToFormat(QImage::Format_RGB32);
        for (int y = 0; y < height; ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(frame.constScanLine(y));
            for (int x = 0; x < width; ++x) {
                const std::size_t k =
                    static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
                red[k] = static_cast<GifByteType>(qRed(line[x]));
                green[k] = static_cast<GifByteType>(qGreen(line[x]));
                blue[k] = static_cast<GifByteType>(qBlue(line[x]));
            }
        }
        int colours = 256;
        std::unique_ptr<ColorMapObject, void (*)(ColorMapObject*)> map(GifMakeMapObject(256, nullptr),
                                                                       GifFreeMapObject);
        if (!map || GifQuantizeBuffer(static_cast<unsigned>(width), static_cast<unsigned>(height), &colours, red.data(),
                                      green.data(), blue.data(), indices.data(), map->Colors) == GIF_ERROR) {
            throw std::runtime_error("cannot write '" + path + "': the colours of a frame could not be reduced to 256");
        }
        GraphicsControlBlock control{};
        control.DisposalMode = DISPOSE_DO_NOT;
        control.UserInputFlag = false;
        control.DelayTime = std::max(1, (frameMilliseconds + 5) / 10);
        control.TransparentColor = NO_TRANSPARENT_COLOR;
        std::array<GifByteType, 4> extension{};
        EGifGCBToExtension(&control, extension.data());
        if (EGifPutExtension(file.gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(extension.size()), extension.data()) ==
                GIF_ERROR ||
            EGifPutImageDesc(file.gif, 0, 0, width, height, false, map.get()) == GIF_ERROR) {
            fail(path, file.gif->Error);
        }
        for (int y = 0; y < height; ++y) {
            if (EGifPutLine(file.gif, indices.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width),
                            width) == GIF_ERROR) {
                fail(path, file.gif->Error);
            }
        }
    }
    GifFileType* gif = file.gif;
    file.gif = nullptr;
    if (EGifCloseFile(gif, &error) == GIF_ERROR) {
        fail(path, error);
    }
}

}  // namespace spreadcast
