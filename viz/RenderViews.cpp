#include "viz/RenderViews.h"

#include "viz/RenderCommand.h"

#include "run/InputError.h"
#include "viz/AnimationFile.h"
#include "viz/Epsgram.h"
#include "viz/ForecastProducts.h"
#include "viz/MapScene.h"

#include <QGuiApplication>
#include <QImageWriter>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>

namespace spreadcast {
namespace {

// Writes an image as PNG; throws std::runtime_error naming the file and, where it can, why.
void writeImage(const QImage& image, const std::string& path)
{
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::error_code ignored;
    if (!folder.empty() && !std::filesystem::is_directory(folder, ignored)) {
        throw std::runtime_error("cannot write '" + path + "': folder '" + folder.string() +
                                 "' does not exist — create it or choose another file");
    }
    QImageWriter writer(QString::fromStdString(path), "png");
    if (!writer.write(image)) {
        throw std::runtime_error("cannot write '" + path + "': " + writer.errorString().toStdString());
    }
}

std::string timing(const RenderOptions& options, std::chrono::steady_clock::time_point started)
{
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char text[64];
    std::snprintf(text, sizeof text, " (%d × %d, %.2f s)", options.width, options.height, seconds);
    return text;
}

QImage imageOf(const RgbImage& image)
{
    QImage result(image.width, image.height, QImage::Format_RGB888);
    const std::size_t row = static_cast<std::size_t>(image.width) * 3;
    for (int y = 0; y < image.height; ++y) {
        // OpenGL's rows run bottom to top.
        std::copy_n(image.rgb.data() + static_cast<std::size_t>(image.height - 1 - y) * row, row, result.scanLine(y));
    }
    return result;
}

}  // namespace

void ensureGuiApplication()
{
    if (QCoreApplication::instance() != nullptr) {
        return;
    }
    static int argc = 3;
    static char name[] = "spreadcast-cli";
    static char platformFlag[] = "-platform";
    static char platform[] = "offscreen";
    static char* argv[] = {name, platformFlag, platform, nullptr};
    static QGuiApplication application(argc, argv);
}

void applyViewOptions(RenderOptions& options)
{
    if (options.animate) {
        checkAnimationPath(options.out);  // NAME.gif or NAME.mp4
        if (options.frameMilliseconds < 10 || options.frameMilliseconds > 60000) {
            throw InputError("--frame-ms " + std::to_string(options.frameMilliseconds) + " is outside 10 … 60000");
        }
        if (options.product == epsgramProductName) {
            throw InputError("--animate animates a map or the globe through the times; an EPSgram already shows them");
        }
    }
    if (options.projection != "globe" && !parseMapProjection(options.projection)) {
        throw InputError("--projection '" + options.projection + "' is not globe, " + mapProjectionNameList());
    }
    if (findMapRegion(options.region) == nullptr) {
        throw InputError("--region '" + options.region + "' is not one of " + mapRegionNameList());
    }
    if (options.region != "global" && options.projection == "globe") {
        throw InputError("--region " + options.region +
                         " zooms a flat map: give --projection platecarree, polar-north or polar-south too");
    }
    if (!options.size.empty()) {
        int width = 0;
        int height = 0;
        char rest = 0;
        if (std::sscanf(options.size.c_str(), "%dx%d%c", &width, &height, &rest) != 2) {
            throw InputError("--size '" + options.size + "' is not WIDTHxHEIGHT, e.g. 1600x900");
        }
        options.width = width;
        options.height = height;
    }
    if (options.width < 16 || options.height < 16 || options.width > maxImageSide || options.height > maxImageSide) {
        throw InputError("image size " + std::to_string(options.width) + " × " + std::to_string(options.height) +
                         " is out of range: give --size (or --width and --height) 16 … " +
                         std::to_string(maxImageSide) + " pixels a side");
    }
}

int renderMap(const RenderOptions& options, const GlobeContent& content, std::chrono::steady_clock::time_point started,
              std::ostream& out, std::ostream& error)
{
    try {
        ensureGuiApplication();
        MapScene scene;
        scene.setView(*parseMapProjection(options.projection), *findMapRegion(options.region));
        scene.show(content);
        writeImage(scene.render(QSize(options.width, options.height)), options.out);
        out << "wrote " << options.out << ": " << content.title << " · " << scene.viewLabel()
            << timing(options, started) << "\n";
    } catch (const std::exception& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 1;
    }
    return 0;
}

int renderAnimation(const RenderOptions& options, ForecastProducts& products, ProductRequest request, std::ostream& out,
                    std::ostream& error)
{
    const auto started = std::chrono::steady_clock::now();
    std::vector<QImage> frames;
    try {
        ensureGuiApplication();
        const std::vector<double>& leads = products.file().leadHours();
        std::unique_ptr<OffscreenGlobeRenderer> globe;
        MapScene map;
        if (options.projection == "globe") {
            globe = std::make_unique<OffscreenGlobeRenderer>();
            globe->scene().setCamera({options.longitude, options.latitude, GlobeCamera{}.distance});
        } else {
            map.setView(*parseMapProjection(options.projection), *findMapRegion(options.region));
        }
        for (int t = 0; t < static_cast<int>(leads.size()); ++t) {
            if (!std::isfinite(leads[static_cast<std::size_t>(t)])) {
                continue;  // not written yet
            }
            request.timeIndex = t;
            const GlobeContent content = products.content(request);
            if (globe) {
                globe->scene().show(content);
                frames.push_back(imageOf(globe->render(options.width, options.height)));
            } else {
                map.show(content);
                frames.push_back(map.render(QSize(options.width, options.height)));
            }
        }
        writeAnimation(frames, options.frameMilliseconds, options.out);
    } catch (const InputError& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 2;
    } catch (const std::exception& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 1;
    }
    out << "wrote " << options.out << ": " << frames.size() << " frames of " << products.label(request.field) << ", "
        << productName(request.product) << timing(options, started) << "\n";
    return 0;
}

int renderEpsgram(const RenderOptions& options, std::ostream& out, std::ostream& error)
{
    const auto started = std::chrono::steady_clock::now();
    Epsgram epsgram;
    try {
        if (options.out.empty()) {
            throw InputError("no output image: give --out FILE.png");
        }
        if (!options.pointLatitude || !options.pointLongitude) {
            throw InputError(
                "--product epsgram needs the point: give --lat and --lon in degrees (e.g. --lat 51.5 --lon "
                "-0.1)");
        }
        if (!std::isfinite(*options.pointLatitude) || std::abs(*options.pointLatitude) > 90.0 ||
            !std::isfinite(*options.pointLongitude)) {
            throw InputError("--lat must be within −90 … 90 and --lon a finite number of degrees");
        }
        if (options.projection != "globe") {
            throw InputError("--projection does not apply to --product epsgram (an EPSgram is a chart of one point)");
        }
        auto file = std::make_shared<const ForecastFile>(options.file);
        const ForecastProducts products(file);
        epsgram = epsgramAt(products, options.field, *options.pointLatitude, *options.pointLongitude,
                            findLevel(*file, products, options.field, options.level));
    } catch (const InputError& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 2;
    }
    try {
        ensureGuiApplication();
        writeImage(epsgramImage(epsgram, QSize(options.width, options.height)), options.out);
    } catch (const std::exception& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 1;
    }
    out << "wrote " << options.out << ": EPSgram of " << epsgram.label << " at " << formatLatitude(epsgram.latitude)
        << ", " << formatLongitude(epsgram.longitude) << timing(options, started) << "\n";
    return 0;
}

}  // namespace spreadcast
