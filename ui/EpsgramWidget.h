#pragma once

#include "viz/Epsgram.h"

#include <QWidget>

#include <optional>

namespace spreadcast {

// The EPSgram of the picked point, beside the plume: quantile boxes per lead time against valid
// date (viz/Epsgram.h paints it, for the screen and for export alike).
class EpsgramWidget : public QWidget {
    Q_OBJECT

public:
    explicit EpsgramWidget(QWidget* parent = nullptr);
    void setEpsgram(std::optional<Epsgram> epsgram);
    const std::optional<Epsgram>& epsgram() const { return epsgram_; }
    QImage image(QSize size) const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<Epsgram> epsgram_;
};

}  // namespace spreadcast
