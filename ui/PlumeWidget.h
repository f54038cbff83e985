#pragma once

#include "viz/Plume.h"

#include <QWidget>

#include <optional>

class QPainter;

namespace spreadcast {

// The plume (EPS meteogram) of a clicked point: every member against valid time in member
// colours with a legend, the spread band around the mean, the mean in black, the time the globe
// shows marked. The time axis has a tick at each midnight UTC labelled with its date and lead.
class PlumeWidget : public QWidget {
    Q_OBJECT

public:
    explicit PlumeWidget(QWidget* parent = nullptr);
    void setPlume(std::optional<Plume> plume);
    const std::optional<Plume>& plume() const { return plume_; }
    // The output time the globe shows, drawn as a vertical line; -1 for none.
    void setCurrentTimeIndex(int index);
    int currentTimeIndex() const { return currentTimeIndex_; }
    // The plume drawn into an image of any size, for export.
    QImage image(QSize size) const;
    static void paint(QPainter& painter, const QRect& area, const Plume& plume, int currentTimeIndex = -1);

    // The time axis: a tick per day (or per few days on long forecasts) at 00 UTC, as lead
    // hours, with the text under each, e.g. "Sun 02 Jan\n+24 h".
    struct TimeTick {
        double leadHours = 0.0;
        QString text;
    };
    static std::vector<TimeTick> timeTicks(const Plume& plume, double firstHour, double lastHour);
    // What the plot says, for tests: the title, the y label, the legend's entries.
    static QString titleText(const Plume& plume);
    static QString valueAxisText(const Plume& plume);
    static QStringList legendEntries(const Plume& plume);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<Plume> plume_;
    int currentTimeIndex_ = -1;
};

}  // namespace spreadcast
