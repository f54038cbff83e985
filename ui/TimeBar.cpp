#include "ui/TimeBar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <cmath>

namespace spreadcast {

TimeBar::TimeBar(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    play_ = new QToolButton;
    play_->setObjectName("playButton");
    play_->setCheckable(true);
    play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    play_->setToolTip("Play through the output times (Space)");
    play_->setShortcut(Qt::Key_Space);
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName("timeSlider");
    slider_->setPageStep(1);
    slider_->setTickPosition(QSlider::TicksBelow);
    // On a small screen the label wraps onto two lines rather than squeezing the slider away.
    slider_->setMinimumWidth(minimumSliderWidth);
    label_ = new QLabel;
    label_->setObjectName("timeLabel");
    label_->setWordWrap(true);
    label_->setMinimumWidth(110);  // with the speed box, the central area fits beside the docks at 1024 px
    label_->setMaximumWidth(300);
    layout->addWidget(play_);
    layout->addWidget(slider_, 1);
    layout->addWidget(label_);
    timer_ = new QTimer(this);
    timer_->setInterval(frameMilliseconds);
    connect(timer_, &QTimer::timeout, this, &TimeBar::step);
    speed_ = new QComboBox;
    speed_->setObjectName("playSpeed");
    speed_->setToolTip("How fast ▶ steps through the times");
    for (const double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) {
        speed_->addItem(QString::number(factor) + "×", factor);
    }
    speed_->setCurrentIndex(2);
    layout->insertWidget(1, speed_);
    connect(speed_, &QComboBox::currentIndexChanged, this, [this] { timer_->setInterval(playIntervalMilliseconds()); });
    connect(play_, &QToolButton::toggled, this, &TimeBar::setPlaying);
    connect(slider_, &QSlider::valueChanged, this, [this](int index) {
        label_->setText(index >= 0 && index < labels_.size() ? labels_[index] : QString());
        emit timeChanged(index);
    });
    setTimes({});
}

void TimeBar::setTimes(const QStringList& labels)
{
    labels_ = labels;
    {
        const QSignalBlocker blocker(slider_);
        slider_->setRange(0, std::max(0, static_cast<int>(labels.size()) - 1));
    }
    label_->setText(timeIndex() < labels_.size() ? labels_.value(timeIndex()) : QString());
    setEnabled(!labels.isEmpty());
    if (labels.size() < 2) {
        setPlaying(false);
    }
}

int TimeBar::timeIndex() const
{
    return slider_->value();
}

void TimeBar::setTimeIndex(int index)
{
    slider_->setValue(index);
}

int TimeBar::playIntervalMilliseconds() const
{
    const double factor = speed_->currentData().toDouble();
    return static_cast<int>(std::lround(frameMilliseconds / (factor > 0.0 ? factor : 1.0)));
}

bool TimeBar::isPlaying() const
{
    return timer_->isActive();
}

void TimeBar::setPlaying(bool playing)
{
    if (playing && labels_.size() > 1) {
        if (slider_->value() == slider_->maximum()) {
            slider_->setValue(0);
        }
        timer_->start();
    } else {
        timer_->stop();
    }
    const QSignalBlocker blocker(play_);
    play_->setChecked(timer_->isActive());
    play_->setIcon(style()->standardIcon(timer_->isActive() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void TimeBar::step()
{
    if (slider_->value() >= slider_->maximum()) {
        setPlaying(false);
        return;
    }
    slider_->setValue(slider_->value() + 1);
}

}  // namespace spreadcast
