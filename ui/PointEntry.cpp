#include "ui/PointEntry.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace spreadcast {

std::optional<std::pair<double, double>> parseLatLon(const std::string& text, std::string& problem)
{
    // Numbers, each optionally followed by a hemisphere letter; degree signs and commas are spaces.
    std::string cleaned;
    for (std::size_t k = 0; k < text.size(); ++k) {
        if (text.compare(k, 2, "°") == 0) {
            cleaned += ' ';
            ++k;
        } else {
            cleaned += text[k] == ',' || text[k] == ';' ? ' ' : text[k];
        }
    }
    std::vector<std::pair<double, char>> parts;  // value, hemisphere letter or 0
    const char* at = cleaned.c_str();
    while (*at != '\0') {
        if (std::isspace(static_cast<unsigned char>(*at))) {
            ++at;
            continue;
        }
        const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(*at)));
        if ((upper == 'N' || upper == 'S' || upper == 'E' || upper == 'W') && !parts.empty() &&
            parts.back().second == 0) {
            parts.back().second = upper;
            ++at;
            continue;
        }
        char* end = nullptr;
        const double value = std::strtod(at, &end);
        if (end == at || !std::isfinite(value)) {
            problem =
                "'" + text + "' is not a point: type latitude and longitude in degrees, e.g. 51.5, -0.1 or 51.5N 0.1W";
            return std::nullopt;
        }
        parts.emplace_back(value, 0);
        at = end;
    }
    if (parts.size() != 2) {
        problem = "'" + text + "': type two numbers, latitude then longitude, e.g. 51.5, -0.1";
        return std::nullopt;
    }
    auto [latitude, latitudeLetter] = parts[0];
    auto [longitude, longitudeLetter] = parts[1];
    if (latitudeLetter == 'E' || latitudeLetter == 'W' || longitudeLetter == 'N' || longitudeLetter == 'S') {
        problem = "'" + text + "': give the latitude (N/S) first, then the longitude (E/W)";
        return std::nullopt;
    }
    if (latitudeLetter == 'S') {
        latitude = -latitude;
    }
    if (longitudeLetter == 'W') {
        longitude = -longitude;
    }
    if (std::abs(latitude) > 90.0) {
        problem = "latitude " + std::to_string(latitude) + " is outside −90 … 90";
        return std::nullopt;
    }
    return std::make_pair(latitude, std::remainder(longitude, 360.0));
}

PointEntry::PointEntry(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(new QLabel("Point"));
    edit_ = new QLineEdit;
    edit_->setObjectName("pointEntry");
    edit_->setPlaceholderText("51.5N 0.1W");
    edit_->setToolTip("Latitude and longitude of a point for the plume and the EPSgram, e.g. 51.5, -0.1 or 51.5N 0.1W; "
                      "Enter shows them");
    edit_->setMaximumWidth(180);
    layout->addWidget(edit_);
    problem_ = new QLabel;
    problem_->setObjectName("pointProblem");
    problem_->setStyleSheet("color: #b00020");
    layout->addWidget(problem_);
    connect(edit_, &QLineEdit::returnPressed, this, &PointEntry::submit);
    connect(edit_, &QLineEdit::textEdited, problem_, &QLabel::clear);
}

void PointEntry::submit()
{
    std::string problem;
    if (const auto point = parseLatLon(edit_->text().toStdString(), problem)) {
        problem_->clear();
        emit pointEntered(point->first, point->second);
    } else {
        problem_->setText(QString::fromStdString(problem));
    }
}

}  // namespace spreadcast
