#pragma once

#include <QImage>

#include <string>
#include <vector>

namespace spreadcast {

// Whether this build writes MP4: it does when CMake found libavformat, libavcodec, libavutil and
// libswscale (FFmpeg's libraries, Debian's libavformat-dev, libavcodec-dev, libswscale-dev).
bool mp4AnimationAvailable();
// Why not, for a menu's tooltip and the render command; empty when it can.
std::string mp4AnimationUnavailableReason();
// The encoder a video gets: "H.264 (libx264)" where FFmpeg has it, else "MPEG-4 part 2".
std::string mp4EncoderName();

// Writes frames (all the same size) as an MP4 video, each frame shown for frameMilliseconds:
// H.264 where the FFmpeg libraries have an H.264 encoder, MPEG-4 part 2 otherwise, 4:2:0 colour.
// 4:2:0 works in 2 × 2 blocks, so an odd width or height loses its last column or row. Throws
// std::runtime_error naming the file and FFmpeg's reason when it cannot be written (and always
// where mp4AnimationAvailable() is false).
void writeMp4Animation(const std::vector<QImage>& frames, int frameMilliseconds, const std::string& path);

}  // namespace spreadcast
