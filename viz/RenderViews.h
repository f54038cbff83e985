#pragma once

#include "viz/ForecastProducts.h"
#include "viz/GlobeScene.h"
#include "viz/RenderCommand.h"

#include <chrono>
#include <iosfwd>

namespace spreadcast {

// The render command's forecaster views: flat maps (--projection, --region, --size) and the
// EPSgram of a point (--product epsgram --lat --lon). Painted with QPainter, so they need no X
// display; the process gets a QGuiApplication on Qt's offscreen platform for the fonts.

inline constexpr std::string_view epsgramProductName = "epsgram";

// Checks --projection, --region and --size and turns --size into width and height; throws
// InputError saying what is wrong and what is accepted.
void applyViewOptions(RenderOptions& options);
// Writes options.out (PNG) and prints one line; the exit statuses of runRenderCommand.
int renderMap(const RenderOptions& options, const GlobeContent& content, std::chrono::steady_clock::time_point started,
              std::ostream& out, std::ostream& error);
int renderEpsgram(const RenderOptions& options, std::ostream& out, std::ostream& error);
// Every written time of the request's product, on the globe or a map, into an animated GIF or an
// MP4 video, as the name of options.out says.
int renderAnimation(const RenderOptions& options, ForecastProducts& products, ProductRequest request, std::ostream& out,
                    std::ostream& error);

// A QGuiApplication for painting text when the process has none (the command-line tools):
// Qt's offscreen platform, so no display is needed.
void ensureGuiApplication();

}  // namespace spreadcast
