#pragma once

#include <QWidget>

#include <optional>
#include <string>
#include <utility>

class QLineEdit;
class QLabel;

namespace spreadcast {

// A point as people type it: "51.5, -0.1", "51.5 -0.1", "51.5N 0.1W", "51.5° N, 0.1° W" —
// latitude first. (latitude, longitude) in degrees, or nullopt with `problem` saying why.
std::optional<std::pair<double, double>> parseLatLon(const std::string& text, std::string& problem);

// A line to type a point into, for the plume and the EPSgram.
class PointEntry : public QWidget {
    Q_OBJECT

public:
    explicit PointEntry(QWidget* parent = nullptr);
    QLineEdit* edit() const { return edit_; }

signals:
    void pointEntered(double latitude, double longitude);

private:
    void submit();

    QLineEdit* edit_ = nullptr;
    QLabel* problem_ = nullptr;
};

}  // namespace spreadcast
