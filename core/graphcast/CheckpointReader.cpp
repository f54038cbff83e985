#include "graphcast/CheckpointReader.h"

#include "run/InputError.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

namespace spreadcast::graphcast {

namespace {

constexpr std::string_view separator = ":";
constexpr std::string_view paramsPrefix = "params:";

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "(";
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        text += (axis == 0 ? "" : ", ") + std::to_string(shape[axis]);
    }
    return text + (shape.size() == 1 ? ",)" : ")");
}

// The index of a flattened tuple item, "task_config:pressure_levels:12" → 12 for the prefix
// "task_config:pressure_levels", or nothing when the key is not such an item.
std::optional<int> tupleItemIndex(const std::string& key, const std::string& prefix)
{
    const std::size_t digitsStart = prefix.size() + separator.size();
    if (key.size() <= digitsStart || key.size() > digitsStart + 9 || !key.starts_with(prefix) ||
        key.compare(prefix.size(), separator.size(), separator) != 0 ||
        key.find_first_not_of("0123456789", digitsStart) != std::string::npos) {
        return std::nullopt;
    }
    return std::stoi(key.substr(digitsStart));
}

// Reads the config leaves of one checkpoint, noting every missing key so that one message can
// name them all.
class ConfigReader {
public:
    explicit ConfigReader(const NpzArchive& archive) : archive_(archive) {}

    const std::vector<std::string>& missing() const { return missing_; }

    std::optional<double> optionalReal(const std::string& key) const
    {
        if (!archive_.contains(key)) {
            return std::nullopt;
        }
        const double value = npyToFloat64(scalar(key), archive_.describeEntry(key)).front();
        if (!std::isfinite(value)) {
            throw InputError(archive_.describeEntry(key) + ": " + key + " is not a finite number");
        }
        return value;
    }
    double real(const std::string& key)
    {
        const std::optional<double> value = optionalReal(key);
        if (!value) {
            missing_.push_back(key);
        }
        return value.value_or(0.0);
    }
    int integer(const std::string& key)
    {
        if (!archive_.contains(key)) {
            missing_.push_back(key);
            return 0;
        }
        return integerItem(scalar(key), 0, key);
    }
    std::string text(const std::string& key)
    {
        if (!archive_.contains(key)) {
            missing_.push_back(key);
            return {};
        }
        return npyToStrings(scalar(key), archive_.describeEntry(key)).front();
    }
    // A tuple field: items "<key>:0", "<key>:1", … in index order, as checkpoint.load sorts
    // them, or one 1-d array "<key>".
    std::vector<std::string> textTuple(const std::string& key)
    {
        std::vector<std::string> values;
        for (const auto& [entryKey, array] : tupleItems(key)) {
            const std::vector<std::string> items = npyToStrings(array, archive_.describeEntry(entryKey));
            values.insert(values.end(), items.begin(), items.end());
        }
        return values;
    }
    std::vector<int> integerTuple(const std::string& key)
    {
        std::vector<int> values;
        for (const auto& [entryKey, array] : tupleItems(key)) {
            for (std::int64_t i = 0; i < array.elementCount(); ++i) {
                values.push_back(integerItem(array, static_cast<std::size_t>(i), entryKey));
            }
        }
        return values;
    }

private:
    NpyArray scalar(const std::string& key) const
    {
        NpyArray array = archive_.readArray(key);
        if (array.elementCount() != 1) {
            throw InputError(archive_.describeEntry(key) + ": " + key + " must be one value but has shape " +
                             shapeText(array.shape) + "; the checkpoint is damaged");
        }
        return array;
    }
    // An integer config value; integral floats are accepted as Python's int() accepts them.
    int integerItem(const NpyArray& array, std::size_t index, const std::string& key) const
    {
        const std::string where = archive_.describeEntry(key);
        double value = 0.0;
        if (array.dtype.kind == NpyKind::Float) {
            value = npyToFloat64(array, where)[index];
        } else {
            const std::int64_t item = npyToIntegers(array, where)[index];
            constexpr std::int64_t exactInDouble = std::int64_t{1} << 53;
            value = item > exactInDouble || item < -exactInDouble ? std::numeric_limits<double>::infinity()
                                                                  : static_cast<double>(item);
        }
        if (!(std::abs(value) <= std::numeric_limits<int>::max()) || value != std::trunc(value)) {
            throw InputError(where + ": " + key + " must be an integer within ±" +
                             std::to_string(std::numeric_limits<int>::max()) + "; the checkpoint is damaged");
        }
        return static_cast<int>(value);
    }
    std::vector<std::pair<std::string, NpyArray>> tupleItems(const std::string& key)
    {
        std::vector<std::pair<int, std::string>> itemKeys;
        for (const std::string& candidate : archive_.keys()) {
            if (const std::optional<int> index = tupleItemIndex(candidate, key)) {
                itemKeys.emplace_back(*index, candidate);
            }
        }
        std::sort(itemKeys.begin(), itemKeys.end());
        std::vector<std::pair<std::string, NpyArray>> items;
        for (const auto& [index, itemKey] : itemKeys) {
            items.emplace_back(itemKey, scalar(itemKey));
        }
        if (items.empty() && archive_.contains(key)) {
            NpyArray array = archive_.readArray(key);
            if (array.shape.size() > 1) {
                throw InputError(archive_.describeEntry(key) + ": " + key + " must be a list but has shape " +
                                 shapeText(array.shape) + "; the checkpoint is damaged");
            }
            items.emplace_back(key, std::move(array));
        }
        if (items.empty()) {
            missing_.push_back(key);
        }
        return items;
    }

    const NpzArchive& archive_;
    std::vector<std::string> missing_;
};

std::map<std::string, Tensor> readParams(const NpzArchive& archive)
{
    std::map<std::string, Tensor> params;
    for (const std::string& key : archive.keys()) {
        if (!key.starts_with(paramsPrefix)) {
            continue;
        }
        const NpyArray array = archive.readArray(key);
        Tensor tensor;
        tensor.shape = array.shape;
        tensor.values = npyToFloat32(array, archive.describeEntry(key));
        params.emplace(key.substr(paramsPrefix.size()), std::move(tensor));
    }
    if (params.empty()) {
        throw InputError(archive.describe() +
                         " holds no parameters (no 'params:…' arrays); is it a GraphCast checkpoint written "
                         "by graphcast.checkpoint.dump?");
    }
    return params;
}

ModelConfig readModelConfig(ConfigReader& config)
{
    ModelConfig model;
    model.resolution = config.real("model_config:resolution");
    model.meshSize = config.integer("model_config:mesh_size");
    model.latentSize = config.integer("model_config:latent_size");
    model.gnnMsgSteps = config.integer("model_config:gnn_msg_steps");
    model.hiddenLayers = config.integer("model_config:hidden_layers");
    model.radiusQueryFractionEdgeLength = config.real("model_config:radius_query_fraction_edge_length");
    model.mesh2gridEdgeNormalizationFactor = config.optionalReal("model_config:mesh2grid_edge_normalization_factor");
    return model;
}

TaskConfig readTaskConfig(ConfigReader& config)
{
    TaskConfig task;
    task.inputVariables = config.textTuple("task_config:input_variables");
    task.targetVariables = config.textTuple("task_config:target_variables");
    task.forcingVariables = config.textTuple("task_config:forcing_variables");
    task.pressureLevels = config.integerTuple("task_config:pressure_levels");
    task.inputDuration = config.text("task_config:input_duration");
    return task;
}

std::string formatNumber(double value)
{
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.10g", value);
    return text.data();
}

void requireInRange(const Checkpoint& checkpoint, const std::string& field, double value, double low, double high)
{
    if (!(value >= low && value <= high)) {
        throw InputError("checkpoint '" + checkpoint.path + "': " + field + " is " + formatNumber(value) +
                         ", outside " + formatNumber(low) + "…" + formatNumber(high) +
                         "; the checkpoint is damaged or not a GraphCast checkpoint");
    }
}

// Bounds far beyond the released models (mesh_size 6, latent 512, 16 steps), so that a damaged
// value is refused here instead of sizing an allocation downstream.
void checkConfigRanges(const Checkpoint& checkpoint)
{
    const ModelConfig& model = checkpoint.modelConfig;
    requireInRange(checkpoint, "model_config:resolution", model.resolution, 1e-3, 90.0);
    requireInRange(checkpoint, "model_config:mesh_size", model.meshSize, 0, 10);
    requireInRange(checkpoint, "model_config:latent_size", model.latentSize, 1, 1 << 16);
    requireInRange(checkpoint, "model_config:gnn_msg_steps", model.gnnMsgSteps, 0, 1024);
    requireInRange(checkpoint, "model_config:hidden_layers", model.hiddenLayers, 0, 64);
    requireInRange(checkpoint, "model_config:radius_query_fraction_edge_length", model.radiusQueryFractionEdgeLength,
                   1e-6, 1e3);
    if (model.mesh2gridEdgeNormalizationFactor) {
        requireInRange(checkpoint, "model_config:mesh2grid_edge_normalization_factor",
                       *model.mesh2gridEdgeNormalizationFactor, 1e-9, 1e9);
    }
    for (int level : checkpoint.taskConfig.pressureLevels) {
        requireInRange(checkpoint, "task_config:pressure_levels", level, 1, 2000);
    }
}

}  // namespace

Checkpoint readCheckpoint(const NpzArchive& archive)
{
    Checkpoint checkpoint;
    checkpoint.path = archive.name();
    checkpoint.params = readParams(archive);
    ConfigReader config(archive);
    checkpoint.modelConfig = readModelConfig(config);
    checkpoint.taskConfig = readTaskConfig(config);
    checkpoint.description = config.text("description");
    checkpoint.license = config.text("license");
    if (!config.missing().empty()) {
        std::string names;
        for (const std::string& key : config.missing()) {
            names += (names.empty() ? "" : ", ") + key;
        }
        throw InputError(archive.describe() + " lacks " + names +
                         "; it is incomplete or was written by another program than graphcast.checkpoint.dump");
    }
    checkConfigRanges(checkpoint);
    return checkpoint;
}

Checkpoint readCheckpoint(const std::string& path)
{
    return readCheckpoint(NpzArchive::openFile(path, "checkpoint"));
}

}  // namespace spreadcast::graphcast
