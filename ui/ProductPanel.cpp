#include "ui/ProductPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>

#include <array>
#include <cmath>
#include <utility>

namespace spreadcast {

ProductPanel::ProductPanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    field_ = new QComboBox;
    field_->setObjectName("fieldBox");
    form->addRow("Field", field_);
    level_ = new QComboBox;
    level_->setObjectName("levelBox");
    level_->setToolTip("The pressure level of a field on levels (temperature, geopotential, winds …)");
    form->addRow("Level", level_);
    product_ = new QComboBox;
    product_->setObjectName("productBox");
    form->addRow("Product", product_);
    member_ = new QSpinBox;
    member_->setObjectName("memberBox");
    form->addRow("Member", member_);
    valueLabel_ = new QLabel("Threshold");
    value_ = new QLineEdit;
    value_->setObjectName("valueEdit");
    value_->setToolTip("Threshold: a value (above it), or \"< 5\" for below; contour: a value");
    form->addRow(valueLabel_, value_);
    valueProblem_ = new QLabel;
    valueProblem_->setStyleSheet("color: #c0392b;");
    valueProblem_->hide();
    form->addRow(QString(), valueProblem_);
    limitsFromThisTime_ = new QCheckBox("Colour limits from this time only");
    limitsFromThisTime_->setObjectName("limitsFromThisTime");
    limitsFromThisTime_->setToolTip("Otherwise the colours mean the same values at every time");
    form->addRow(QString(), limitsFromThisTime_);
    colourMap_ = new QComboBox;
    colourMap_->setObjectName("colourMapBox");
    colourMap_->addItem("automatic", "automatic");
    // What each map is for, as the automatic choice uses it (FieldConventions.h).
    const std::array<const char*, colourMapKinds.size()> uses{"pressure, geopotential",
                                                              "signed fields, diverging",
                                                              "temperature",
                                                              "precipitation",
                                                              "humidity",
                                                              "wind speed",
                                                              "spread",
                                                              "probability",
                                                              "differences, diverging"};
    for (std::size_t k = 0; k < colourMapKinds.size(); ++k) {
        const QString name = QString::fromUtf8(colourMapName(colourMapKinds[k]));
        colourMap_->addItem(name + " (" + uses[k] + ")", name);
    }
    colourMap_->setToolTip("Automatic: the map forecasters expect for the field and product — thermal for "
                           "temperature, rain for precipitation, tarn for humidity, speed for wind speed, viridis "
                           "for pressure and geopotential, amp for spread, dense for probability, balance for "
                           "differences, cool-warm for signed fields");
    colourMap_->setCurrentIndex(std::max(0, colourMap_->findData(QSettings().value("view/colourMap").toString())));
    form->addRow("Colour map", colourMap_);
    windGlyph_ = new QComboBox;
    windGlyph_->setObjectName("windGlyphBox");
    windGlyph_->addItem("arrows", "arrows");
    windGlyph_->addItem("barbs (knots)", "barbs");
    windGlyph_->setToolTip("How the wind over the product is drawn (switched on under the map): arrows as long as "
                           "the wind is fast, or barbs — pennant 50 kt, barb 10 kt, half barb 5 kt");
    windGlyph_->setCurrentIndex(std::max(0, windGlyph_->findData(QSettings().value("view/windGlyph").toString())));
    form->addRow("Wind drawn as", windGlyph_);
    connect(windGlyph_, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue("view/windGlyph", windGlyph_->currentData());
        emit changed();
    });
    connect(colourMap_, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue("view/colourMap", colourMap_->currentData());
        emit changed();
    });

    connect(field_, &QComboBox::currentTextChanged, this, [this] {
        if (!updating_) {
            QSettings().setValue("view/field", field_->currentData());
            updateProducts();
            updateLevels();
            showTypicalValues();
            emit changed();
        }
    });
    connect(level_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) {
            QSettings().setValue("view/level", level_->currentData());
            showTypicalValues();
            emit changed();
        }
    });
    connect(product_, &QComboBox::currentIndexChanged, this, [this] {
        updateValueRow();
        if (!updating_) {
            QSettings().setValue("view/product", product_->currentData());
            emit changed();
        }
    });
    connect(member_, &QSpinBox::valueChanged, this, [this] {
        if (!updating_) {
            emit changed();
        }
    });
    connect(value_, &QLineEdit::editingFinished, this, [this] {
        (showingContour_ ? contourText_ : thresholdText_) = value_->text();
        updateValueRow();
        emit changed();
    });
    connect(limitsFromThisTime_, &QCheckBox::toggled, this, &ProductPanel::changed);
    setProducts(nullptr);
}

void ProductPanel::setProducts(ForecastProducts* products)
{
    updating_ = true;
    products_ = products;
    const QString previousField = field_->currentData().toString();
    field_->clear();
    if (products_ != nullptr) {
        for (const std::string& name : products_->fields()) {
            field_->addItem(QString::fromStdString(products_->label(name)), QString::fromStdString(name));
        }
        int keep = field_->findData(previousField);
        if (keep < 0) {
            keep = field_->findData(QSettings().value("view/field").toString());
        }
        field_->setCurrentIndex(keep >= 0 ? keep : 0);
        const int members = static_cast<int>(products_->file().members().size());
        member_->setRange(0, std::max(0, members - 1));
        member_->setSuffix(members > 0 ? QString(" of %1").arg(members) : QString());
    }
    const QVariant previousLevel = level_->currentData();
    level_->clear();
    if (products_ != nullptr) {
        const std::string& units = products_->file().levelUnits();
        for (const double level : products_->file().levels()) {
            level_->addItem(QString::number(level) + (units.empty() ? QString() : " " + QString::fromStdString(units)),
                            level);
        }
        int keep = previousLevel.isValid() ? level_->findData(previousLevel) : -1;
        if (keep < 0) {
            keep = level_->findData(QSettings().value("view/level"));
        }
        if (keep < 0) {
            keep = level_->findData(500.0);  // the forecaster's first chart
        }
        level_->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    updateLevels();
    updateProducts();
    showTypicalValues();
    setEnabled(products_ != nullptr);
    updating_ = false;
}

void ProductPanel::updateProducts()
{
    const bool wasUpdating = updating_;
    updating_ = true;
    const QString previous = product_->currentData().toString();
    product_->clear();
    if (products_ != nullptr && !field_->currentData().toString().isEmpty()) {
        const auto text = [](std::string_view view) {
            return QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
        };
        for (const Product product : products_->products(field_->currentData().toString().toStdString())) {
            const ProductInfo& info = productInfo(product);
            product_->addItem(text(info.label), text(info.name));
            product_->setItemData(product_->count() - 1, text(info.description), Qt::ToolTipRole);
        }
        int keep = product_->findData(previous);
        if (keep < 0) {
            keep = product_->findData(QSettings().value("view/product").toString());
        }
        if (keep < 0) {
            keep = product_->findData(text(productName(Product::Mean)));
        }
        product_->setCurrentIndex(std::max(0, keep));
    }
    updating_ = wasUpdating;
    updateValueRow();
}

std::optional<ProductPanel::Threshold> ProductPanel::parseThreshold(const QString& text)
{
    QString rest = text.trimmed();
    Threshold threshold;
    for (const auto& [prefix, below] :
         {std::pair<QString, bool>{">=", false}, {"<=", true}, {"≥", false}, {"≤", true}, {">", false}, {"<", true}}) {
        if (rest.startsWith(prefix)) {
            threshold.below = below;
            rest = rest.mid(prefix.size()).trimmed();
            break;
        }
    }
    bool ok = false;
    threshold.value = rest.toDouble(&ok);
    if (!ok || !std::isfinite(threshold.value)) {
        return std::nullopt;
    }
    return threshold;
}

void ProductPanel::updateLevels()
{
    const bool onLevels = products_ != nullptr && !field_->currentData().toString().isEmpty() &&
                          products_->hasLevels(field_->currentData().toString().toStdString());
    level_->setEnabled(onLevels && level_->count() > 0);
    // A file without levels (the shallow-water model's) shows no Level row at all.
    if (auto* form = qobject_cast<QFormLayout*>(layout())) {
        form->setRowVisible(level_, level_->count() > 0);
    }
}

int ProductPanel::levelIndex() const
{
    return level_->isEnabled() ? std::max(0, level_->currentIndex()) : 0;
}

void ProductPanel::showTypicalValues()
{
    thresholdText_.clear();
    contourText_.clear();
    if (products_ != nullptr && !field_->currentData().toString().isEmpty()) {
        const std::string field = field_->currentData().toString().toStdString();
        thresholdText_ = QString::number(products_->typicalThreshold(field, levelIndex()));
        contourText_ = QString::number(products_->typicalValue(field, levelIndex()));
    }
    value_->setText(showingContour_ ? contourText_ : thresholdText_);
    updateValueRow();
}

bool ProductPanel::valueIsValid() const
{
    if (showingContour_) {
        bool ok = false;
        const double value = value_->text().trimmed().toDouble(&ok);
        return ok && std::isfinite(value);
    }
    return parseThreshold(value_->text()).has_value();
}

void ProductPanel::updateValueRow()
{
    const std::optional<Product> product = parseProduct(product_->currentData().toString().toStdString());
    const ProductInput input = product ? productInfo(*product).input : ProductInput::None;
    const bool needsValue = input == ProductInput::Threshold || input == ProductInput::ContourLevel;
    const bool contour = input == ProductInput::ContourLevel;
    if (contour != showingContour_) {
        (showingContour_ ? contourText_ : thresholdText_) = value_->text();
        showingContour_ = contour;
        value_->setText(showingContour_ ? contourText_ : thresholdText_);
    }
    valueLabel_->setText(contour ? "Contour" : "Threshold");
    value_->setEnabled(needsValue);
    member_->setEnabled(input == ProductInput::Member && products_ != nullptr && !products_->file().members().empty());
    const bool ok = valueIsValid();
    valueProblem_->setText(
        ok ? QString()
        : contour
            ? QString("'%1' is not a number").arg(value_->text())
            : QString("'%1' is not a threshold: give a number, or < or > and a number, e.g. < 5").arg(value_->text()));
    valueProblem_->setVisible(!ok && needsValue);
}

std::optional<ProductRequest> ProductPanel::request() const
{
    if (products_ == nullptr || field_->currentIndex() < 0 || product_->currentIndex() < 0) {
        return std::nullopt;
    }
    ProductRequest request;
    request.field = field_->currentData().toString().toStdString();
    const auto product = parseProduct(product_->currentData().toString().toStdString());
    if (!product) {
        return std::nullopt;
    }
    request.product = *product;
    request.memberIndex = member_->value();
    request.levelIndex = levelIndex();
    const ProductInput input = productInfo(request.product).input;
    if (input == ProductInput::Threshold) {
        const std::optional<Threshold> threshold = parseThreshold(value_->text());
        if (!threshold) {
            return std::nullopt;
        }
        request.threshold = threshold->value;
        request.below = threshold->below;
    } else if (input == ProductInput::ContourLevel) {
        bool ok = false;
        request.contourLevel = value_->text().trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(request.contourLevel)) {
            return std::nullopt;
        }
    }
    request.limitsFromThisTime = limitsFromThisTime_->isChecked();
    request.colourMap = parseColourMap(colourMap_->currentData().toString().toStdString());
    request.windGlyph = parseWindGlyph(windGlyph_->currentData().toString().toStdString()).value_or(WindGlyph::Arrows);
    return request;
}

}  // namespace spreadcast
