#include "viz/AnimationFile.h"

#include "run/InputError.h"
#include "viz/GifAnimation.h"
#include "viz/Mp4Animation.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace spreadcast {

std::string animationFormat(const std::string& path)
{
    std::string suffix = std::filesystem::path(path).extension().string();
    std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return suffix == ".gif" ? "gif" : suffix == ".mp4" ? "mp4" : "";
}

void checkAnimationPath(const std::string& path)
{
    const std::string format = animationFormat(path);
    if (format.empty()) {
        throw InputError("cannot tell the animation format of '" + path +
                         "': name the file NAME.gif (animated GIF) or NAME.mp4 (video)");
    }
    if (format == "mp4" && !mp4AnimationAvailable()) {
        throw InputError("cannot write '" + path + "': " + mp4AnimationUnavailableReason());
    }
}

void writeAnimation(const std::vector<QImage>& frames, int frameMilliseconds, const std::string& path)
{
    checkAnimationPath(path);
    if (animationFormat(path) == "mp4") {
        writeMp4Animation(frames, frameMilliseconds, path);
    } else {
        writeGifAnimation(frames, frameMilliseconds, path);
    }
}

}  // namespace spreadcast
