#pragma once

#include <QImage>

#include <string>
#include <vector>

namespace spreadcast {

// The animation formats by file name: "gif" for NAME.gif, "mp4" for NAME.mp4 (any case); empty
// for any other name.
std::string animationFormat(const std::string& path);

// Throws InputError, saying what to do, when `path` names no animation this build can write: a
// name that is neither .gif nor .mp4, or MP4 in a build without FFmpeg's libraries.
void checkAnimationPath(const std::string& path);

// Writes frames as the animation the file name asks for (writeGifAnimation or writeMp4Animation).
// Throws checkAnimationPath's InputError, or std::runtime_error when the file cannot be written.
void writeAnimation(const std::vector<QImage>& frames, int frameMilliseconds, const std::string& path);

}  // namespace spreadcast
