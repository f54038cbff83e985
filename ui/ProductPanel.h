#pragma once

#include "viz/ForecastProducts.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace spreadcast {

// The ensemble dock's pickers: field, pressure level (for a field on levels), product, member,
// the probability threshold or spaghetti
// contour the user types, whether colour limits follow the shown time, the colour map and how
// wind is drawn. The field, product, colour map and wind glyph chosen last come back (QSettings).
class ProductPanel : public QWidget {
    Q_OBJECT

public:
    explicit ProductPanel(QWidget* parent = nullptr);
    // Lists what a file offers; keeps the current choice where the file has it too.
    void setProducts(ForecastProducts* products);
    // The request for the current choice (timeIndex left 0); nullopt while the value text is
    // not a number (the panel says so).
    std::optional<ProductRequest> request() const;

    QComboBox* fieldBox() const { return field_; }
    QComboBox* productBox() const { return product_; }
    // The levels of the file (e.g. "500 hPa"), enabled for a field on levels; the level chosen
    // last comes back by its value, so 500 hPa stays 500 hPa from file to file.
    QComboBox* levelBox() const { return level_; }
    QSpinBox* memberBox() const { return member_; }
    QLineEdit* valueEdit() const { return value_; }
    QComboBox* colourMapBox() const { return colourMap_; }
    QComboBox* windGlyphBox() const { return windGlyph_; }  // arrows or barbs

    // A probability threshold as typed: "10", "> 10" or "< 5" (also ≥, ≤, >=, <=); nullopt
    // when it is not a number after the optional comparison.
    struct Threshold {
        double value = 0.0;
        bool below = false;
    };
    static std::optional<Threshold> parseThreshold(const QString& text);

signals:
    void changed();

private:
    void updateProducts();
    void updateLevels();
    int levelIndex() const;
    void updateValueRow();
    void showTypicalValues();
    bool valueIsValid() const;

    ForecastProducts* products_ = nullptr;
    QComboBox* field_ = nullptr;
    QComboBox* product_ = nullptr;
    QComboBox* level_ = nullptr;
    QSpinBox* member_ = nullptr;
    QLabel* valueLabel_ = nullptr;
    QLineEdit* value_ = nullptr;
    QLabel* valueProblem_ = nullptr;
    QCheckBox* limitsFromThisTime_ = nullptr;
    QComboBox* colourMap_ = nullptr;
    QComboBox* windGlyph_ = nullptr;
    bool updating_ = false;
    // The threshold and the contour level keep their own texts: switching product shows each.
    QString thresholdText_;
    QString contourText_;
    bool showingContour_ = false;
};

}  // namespace spreadcast
