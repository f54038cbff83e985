#pragma once

#include "viz/Plume.h"

#include <QImage>

#include <array>
#include <string>
#include <vector>

class QPainter;
class QRect;

namespace spreadcast {

// An EPSgram: at one grid point, per lead time a box of the members' quantiles — the minimum,
// 10, 25, 50, 75 and 90 % and the maximum (ensemble/EnsembleQuantiles.h, numpy's linear
// definition) — against valid date.
struct Epsgram {
    std::string field;
    std::string label;
    std::string units;
    double latitude = 0.0;  // of the grid point used
    double longitude = 0.0;
    std::vector<double> leadHours;
    std::vector<std::string> validTimes;  // "YYYY-MM-DD hh:mm", empty where the file has none
    // Per time: min, 10 %, 25 %, 50 %, 75 %, 90 %, max; NaN where no member is written yet.
    std::vector<std::array<double, 7>> boxes;
    std::vector<int> counted;  // members that went into each box
};

// The quantiles the boxes hold, in their order.
inline constexpr std::array<double, 7> epsgramQuantiles{0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0};

// The boxes of a plume's members (the plume's grid point and times).
Epsgram epsgramOf(const Plume& plume, const std::vector<std::string>& validTimes);
// The EPSgram at the grid point nearest (latitude, longitude); throws InputError like plumeAt.
Epsgram epsgramAt(const ForecastProducts& products, const std::string& field, double latitude, double longitude,
                  int levelIndex = 0);

// "7.0° W", "51.5° N": a longitude in −180 … 180 and a latitude as people write them.
std::string formatLatitude(double latitude);
std::string formatLongitude(double longitude);

// Draws the EPSgram into area: quantile boxes per time, valid dates and lead hours below, the
// field and units on the y axis, the point and member count in the title.
void paintEpsgram(QPainter& painter, const QRect& area, const Epsgram& epsgram);
// The EPSgram on white, size pixels; the painting needs a QGuiApplication (fonts).
QImage epsgramImage(const Epsgram& epsgram, QSize size);
// For a spreadsheet: lead hours, valid time, members, and the seven quantiles per time.
std::string epsgramCsv(const Epsgram& epsgram);

}  // namespace spreadcast
