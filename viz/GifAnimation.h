#pragma once

#include <QImage>

#include <string>
#include <vector>

namespace spreadcast {

// Writes frames (all the same size) as an animated GIF that loops forever, each frame shown for
// frameMilliseconds (GIF counts in hundredths of a second, so it is rounded to 10 ms). Each frame
// gets its own 256-colour table (giflib's median-cut quantiser), which keeps smooth colour maps
// smooth. Throws std::runtime_error naming the file and giflib's reason when it cannot be written.
void writeGifAnimation(const std::vector<QImage>& frames, int frameMilliseconds, const std::string& path);

}  // namespace spreadcast
