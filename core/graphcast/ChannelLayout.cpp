#include "graphcast/ChannelLayout.h"

#include "run/InputError.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace spreadcast::graphcast {

namespace {

constexpr std::array<std::string_view, 16> atmosphericVariables{
    "potential_vorticity",
    "specific_rain_water_content",
    "specific_snow_water_content",
    "geopotential",
    "temperature",
    "u_component_of_wind",
    "v_component_of_wind",
    "specific_humidity",
    "vertical_velocity",
    "vorticity",
    "divergence",
    "relative_humidity",
    "ozone_mass_mixing_ratio",
    "specific_cloud_liquid_water_content",
    "specific_cloud_ice_water_content",
    "fraction_of_cloud_cover",
};

std::vector<std::string> sortedNames(std::vector<std::string> names)
{
    std::sort(names.begin(), names.end());  // Python's sorted() on str: by code point, as here on bytes
    return names;
}

}  // namespace

bool isAtmosphericVariable(const std::string& name)
{
    return std::find(atmosphericVariables.begin(), atmosphericVariables.end(), name) != atmosphericVariables.end();
}

bool isStaticVariable(const std::string& name)
{
    return name == "geopotential_at_surface" || name == "land_sea_mask";
}

ChannelLayout::ChannelLayout(const TaskConfig& task, int inputTimes) : inputTimes_(inputTimes)
{
    const int levels = static_cast<int>(task.pressureLevels.size());
    int channel = 0;
    for (const std::string& name : sortedNames(task.inputVariables)) {
        ChannelBlock block{name, isStaticVariable(name) ? 1 : inputTimes, isAtmosphericVariable(name) ? levels : 1,
                           channel};
        channel += block.channels();
        inputBlocks_.push_back(block);
    }
    for (const std::string& name : sortedNames(task.forcingVariables)) {
        ChannelBlock block{name, 1, isAtmosphericVariable(name) ? levels : 1, channel};
        channel += block.channels();
        forcingBlocks_.push_back(block);
    }
    inputChannels_ = channel;
    channel = 0;
    for (const std::string& name : sortedNames(task.targetVariables)) {
        ChannelBlock block{name, 1, isAtmosphericVariable(name) ? levels : 1, channel};
        channel += block.channels();
        outputBlocks_.push_back(block);
    }
    outputChannels_ = channel;
}

std::vector<std::string> ChannelLayout::describeInputChannels(const std::vector<int>& levels) const
{
    std::vector<std::string> lines;
    auto describe = [&](const ChannelBlock& block, const std::string& when) {
        for (int time = 0; time < block.times; ++time) {
            for (int level = 0; level < block.levels; ++level) {
                std::string line = std::to_string(block.channel(time, level)) + ": " + block.variable;
                if (block.times > 1) {
                    line += " t" + std::to_string(time + 1 - block.times);  // t-1, t0: steps before the last input
                } else if (!when.empty()) {
                    line += " " + when;
                }
                if (block.levels > 1) {
                    line += " level " + std::to_string(levels.at(static_cast<std::size_t>(level)));
                }
                lines.push_back(line);
            }
        }
    };
    for (const ChannelBlock& block : inputBlocks_) {
        describe(block, isStaticVariable(block.variable) ? "static" : "");
    }
    for (const ChannelBlock& block : forcingBlocks_) {
        describe(block, "target time");
    }
    return lines;
}

int inputTimesOfTask(const TaskConfig& task)
{
    const std::string& text = task.inputDuration;
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
        ++digits;
    }
    const std::string unit = text.substr(digits);
    long hours = -1;
    if (digits > 0 && digits < 7) {
        const long value = std::stol(text.substr(0, digits));
        if (unit == "h" || unit == "H" || unit == "hours") {
            hours = value;
        } else if (unit == "d" || unit == "D" || unit == "days") {
            hours = 24 * value;
        }
    }
    if (hours <= 0 || hours % 6 != 0) {
        throw InputError("task_config:input_duration '" + text +
                         "' is not a positive multiple of GraphCast's 6-hour step (e.g. \"12h\")");
    }
    return static_cast<int>(hours / 6);
}

}  // namespace spreadcast::graphcast
