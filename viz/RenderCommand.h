#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace spreadcast {

// `spreadcast-cli render FILE --field height --product spread --time 120h --out spread.png`:
// the globe of one product at one time of a forecast file, rendered offscreen.
struct RenderOptions {
    std::string file;
    std::string field = "height";
    std::string product = "mean";     // a name of productTable (viz/Product.h)
    std::string time = "0h";          // a lead time as "120h", "5d", … or "last"
    int member = 0;                   // the member number, for a product whose input is Member
    std::optional<double> level;      // a level of the file (hPa) for a field on levels; default the first
    std::optional<double> threshold;  // input Threshold, display units: default the field's typical value
    std::optional<double> contour;    // input ContourLevel, display units: default the field's typical value
    int width = 1200;
    int height = 900;
    double longitude = 0.0;  // where the eye looks from
    double latitude = 30.0;
    bool limitsFromThisTime = false;
    std::string out;
    // The forecaster's views (viz/RenderViews.cpp): a flat map instead of the globe, a zoom
    // preset, wind arrows over the product, and the point of an EPSgram (--product epsgram).
    std::string projection = "globe";  // globe, or a name of mapProjectionTable
    std::string region = "global";     // a name of mapRegionTable
    std::string size;                  // "WIDTHxHEIGHT", instead of width and height
    bool windArrows = false;           // the wind over the product …
    std::string windGlyph = "arrows";  // … as "arrows" or "barbs"
    std::string minus;                 // another forecast file to subtract (a difference between runs)
    std::optional<double> pointLatitude;
    std::optional<double> pointLongitude;
    bool animate = false;  // every written time into an animated GIF or an MP4 video
    int frameMilliseconds = 500;
};

class ForecastFile;
class ForecastProducts;

// The position of --level among the file's levels for field; 0 when no level is given. Throws
// InputError for a field without levels or a level the file lacks, listing those it has.
int findLevel(const ForecastFile& file, const ForecastProducts& products, const std::string& field,
              std::optional<double> level);

// Renders as the options say and writes the PNG. Returns 0 on success, 2 for bad input (the
// file, a field or time it lacks, bad options; the message says which) and 1 when rendering
// fails (no X display, a driver problem), with one line on `error` either way.
int runRenderCommand(const RenderOptions& options, std::ostream& out, std::ostream& error);

}  // namespace spreadcast
