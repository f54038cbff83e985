#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace spreadcast {

// The time slider under the globe, with play/pause through the output times.
class TimeBar : public QWidget {
    Q_OBJECT

public:
    explicit TimeBar(QWidget* parent = nullptr);
    // One label per output time ("T+12 h, valid …"); keeps the index where it still exists.
    void setTimes(const QStringList& labels);
    int timeIndex() const;
    void setTimeIndex(int index);
    bool isPlaying() const;
    void setPlaying(bool playing);
    QSlider* slider() const { return slider_; }
    QToolButton* playButton() const { return play_; }
    // Playing speed: frameMilliseconds per time at 1×; the box offers ¼× … 4×.
    QComboBox* speedBox() const { return speed_; }
    int playIntervalMilliseconds() const;
    static constexpr int frameMilliseconds = 600;
    static constexpr int minimumSliderWidth = 160;

signals:
    void timeChanged(int index);

private:
    void step();

    QSlider* slider_ = nullptr;
    QToolButton* play_ = nullptr;
    QLabel* label_ = nullptr;
    QTimer* timer_ = nullptr;
    QComboBox* speed_ = nullptr;
    QStringList labels_;
};

}  // namespace spreadcast
