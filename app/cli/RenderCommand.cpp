#include "Commands.h"

#ifdef SPREADCAST_HAVE_VIZ
#include "viz/MapProjection.h"
#include "viz/Product.h"
#include "viz/RenderCommand.h"
#endif

#include <iostream>
#include <memory>

namespace spreadcast::cli {

void addRenderCommand(CLI::App& app)
{
    CLI::App* render = app.add_subcommand(
        "render", "Render a forecast file's globe as PNG, headless (needs an X server: Xvfb will do)");
    render->footer(
        "Example: spreadcast-cli render run.nc --field height --product spread --time 120h --out "
        "spread.png\nA map: spreadcast-cli render run.nc --product median --projection polar-north "
        "--region europe --size 1600x1200 --out median.png\n"
        "An EPSgram: spreadcast-cli render run.nc --product epsgram --lat 51.5 --lon -0.1 --out epsgram.png\n"
        "Without a display (the globe only): xvfb-run -a spreadcast-cli render …\n"
        "Exit status: 0 written, 1 rendering failed (no X display, driver), 2 bad input.");
    render->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
#ifdef SPREADCAST_HAVE_VIZ
    auto options = std::make_shared<RenderOptions>();
    render->add_option("file", options->file, "A Spreadcast output file, or a CF NetCDF file with lat/lon fields")
        ->required();
    render
        ->add_option("--field", options->field,
                     "height, u, v, vorticity or wind_speed; for a learned model temperature, geopotential, "
                     "wind_speed, 10m_wind_speed, mean_sea_level_pressure, …")
        ->capture_default_str();
    std::string productHelp = productNameList() + ":";
    for (const ProductInfo& info : productTable) {
        productHelp += "\n  " + std::string(info.name) + ": " + std::string(info.description);
    }
    productHelp += "\n  epsgram: quantile boxes of one point against valid date (give --lat and --lon)";
    render->add_option("--product", options->product, productHelp)->capture_default_str();
    render->add_option("--time", options->time, "Lead time, e.g. 120h or 5d, or last")->capture_default_str();
    render->add_option("--member", options->member, "The member for --product member or member-minus-mean")
        ->capture_default_str();
    render->add_option("--level", options->level,
                       "For a field on pressure levels: the level, e.g. 500 (hPa); default the file's first");
    render->add_option("--threshold", options->threshold,
                       "--product probability or probability-below: the threshold, in the units shown (°C, dam, "
                       "hPa, …)");
    render->add_option("--contour", options->contour,
                       "--product spaghetti: the contour drawn for every member, in the units shown");
    render->add_option("--width", options->width, "Image width in pixels")->capture_default_str();
    render->add_option("--height", options->height, "Image height in pixels")->capture_default_str();
    render->add_option("--view-lon", options->longitude, "Longitude the globe is seen from, degrees")
        ->capture_default_str();
    render->add_option("--view-lat", options->latitude, "Latitude the globe is seen from, degrees")
        ->capture_default_str();
    render->add_flag("--limits-from-this-time", options->limitsFromThisTime,
                     "Colour limits from this time only (default: fixed over the whole forecast)");
    render
        ->add_option("--projection", options->projection,
                     "globe, or a flat map: " + mapProjectionNameList() + " (no X display needed)")
        ->capture_default_str();
    render->add_option("--region", options->region, "Zoom preset of a flat map: " + mapRegionNameList())
        ->capture_default_str();
    render->add_option("--size", options->size,
                       "Image size as WIDTHxHEIGHT, e.g. 1600x900 (instead of --width, --height)");
    CLI::Option* wind =
        render
            ->add_option("--wind", options->windGlyph,
                         "Overlay the wind from u and v (the member's for member products, else the mean's) as "
                         "arrows (the default) or barbs (knots: pennant 50, barb 10, half barb 5)")
            ->expected(0, 1)
            ->type_name("[arrows|barbs]");
    render
        ->add_option("--minus", options->minus,
                     "Another forecast file to subtract: this file's product minus the same product of that "
                     "file at the same valid time, level and member (grids and fields must match)")
        ->type_name("FILE");
    render->add_option("--lat", options->pointLatitude, "--product epsgram: latitude of the point, degrees north");
    render->add_option("--lon", options->pointLongitude, "--product epsgram: longitude of the point, degrees east");
    render->add_flag(
        "--animate", options->animate,
        "Every written time into an animated GIF (--out NAME.gif) or an MP4 video (--out NAME.mp4), on the globe or "
        "--projection's map");
    render->add_option("--frame-ms", options->frameMilliseconds, "--animate: milliseconds each time is shown")
        ->capture_default_str();
    render->add_option("-o,--out", options->out, "The PNG to write (a GIF or MP4 with --animate)")->required();
    render->callback([options, wind] {
        options->windArrows = wind->count() > 0;
        if (options->windGlyph.empty()) {
            options->windGlyph = "arrows";  // --wind without a value
        }
        const int code = runRenderCommand(*options, std::cout, std::cerr);
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
#else
    render->allow_extras();
    render->callback([] {
        std::cerr << "spreadcast-cli render: this spreadcast-cli was built without the workstation's VTK scenes "
                     "(SPREADCAST_BUILD_GUI=OFF, e.g. the headless preset); use a full build to render images\n";
        throw CLI::RuntimeError(1);
    });
#endif
}

}  // namespace spreadcast::cli
