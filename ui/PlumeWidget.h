#pragma once

#include "viz/Plume.h"

#include <QWidget>

#include <optional>

class QPainter;

namespace spreadcast {

// The plume (EPS meteogram) of a clicked point: every member against lead time in member
// colours, the spread band around the mean, the mean in black.
class PlumeWidget : public QWidget {
    Q_OBJECT

public:
    explicit PlumeWidget(QWidget* parent = nullptr);
    void setPlume(std::optional<Plume> plume);
    const std::optional<Plume>& plume() const { return plume_; }
    // The plume drawn into an image of any size, for export.
    QImage image(QSize size) const;
    static void paint(QPainter& painter, const QRect& area, const Plume& plume);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<Plume> plume_;
};

}  // namespace spreadcast
