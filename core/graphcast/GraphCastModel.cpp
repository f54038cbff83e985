#include "graphcast/GraphCastModel.h"

#include "ensemble/Threefry.h"
#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphCastForcings.h"
#include "run/InputError.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>

namespace spreadcast::graphcast {
namespace {

class EmptyWorkspace : public ModelWorkspace {};

// Serialized states start with this tag and a layout version.
constexpr char stateTag[8] = {'S', 'C', 'G', 'C', 'S', 'T', '0', '1'};

struct CfName {
    const char* standardName;
    const char* units;
};

const std::map<std::string, CfName>& cfNames()
{
    static const std::map<std::string, CfName> names{
        {"temperature", {"air_temperature", "K"}},
        {"geopotential", {"geopotential", "m2 s-2"}},
        {"u_component_of_wind", {"eastward_wind", "m s-1"}},
        {"v_component_of_wind", {"northward_wind", "m s-1"}},
        {"vertical_velocity", {"lagrangian_tendency_of_air_pressure", "Pa s-1"}},
        {"specific_humidity", {"specific_humidity", "kg kg-1"}},
        {"2m_temperature", {"air_temperature", "K"}},
        {"mean_sea_level_pressure", {"air_pressure_at_mean_sea_level", "Pa"}},
        {"10m_u_component_of_wind", {"eastward_wind", "m s-1"}},
        {"10m_v_component_of_wind", {"northward_wind", "m s-1"}},
        {"total_precipitation_6hr", {"precipitation_amount", "m"}},
        {"toa_incident_solar_radiation", {"toa_incoming_shortwave_flux", "J m-2"}},
    };
    return names;
}

void putBytes(std::vector<std::byte>& out, const void* data, std::size_t size)
{
    const auto* bytes = static_cast<const std::byte*>(data);
    out.insert(out.end(), bytes, bytes + size);
}

template <typename T>
void put(std::vector<std::byte>& out, T value)
{
    putBytes(out, &value, sizeof value);
}

void putFields(std::vector<std::byte>& out, const Fields& fields)
{
    put<std::uint64_t>(out, fields.variables.size());
    for (const auto& [name, values] : fields.variables) {
        put<std::uint64_t>(out, name.size());
        putBytes(out, name.data(), name.size());
        put<std::uint64_t>(out, values.size());
        putBytes(out, values.data(), values.size() * sizeof(float));
    }
}

class Reader {
public:
    explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
    template <typename T>
    T get()
    {
        T value{};
        std::memcpy(&value, take(sizeof value), sizeof value);
        return value;
    }
    Fields fields(std::size_t maxValues)
    {
        Fields result;
        const auto count = get<std::uint64_t>();
        for (std::uint64_t k = 0; k < count; ++k) {
            const auto length = get<std::uint64_t>();
            const char* name = reinterpret_cast<const char*>(take(length));
            const auto size = get<std::uint64_t>();
            if (size > maxValues) {
                throw std::invalid_argument("a GraphCast state holds a field larger than its grid");
            }
            std::vector<float> values(size);
            std::memcpy(values.data(), take(size * sizeof(float)), size * sizeof(float));
            result.variables.emplace(std::string(name, length), std::move(values));
        }
        return result;
    }
    bool done() const { return offset_ == bytes_.size(); }

private:
    const std::byte* take(std::size_t size)
    {
        if (size > bytes_.size() - offset_) {
            throw std::invalid_argument("a GraphCast state ends early");
        }
        const std::byte* at = bytes_.data() + offset_;
        offset_ += size;
        return at;
    }
    std::span<const std::byte> bytes_;
    std::size_t offset_ = 0;
};

std::size_t fieldsBytes(const Fields& fields)
{
    std::size_t bytes = 0;
    for (const auto& [name, values] : fields.variables) {
        bytes += name.size() + values.size() * sizeof(float) + 16;
    }
    return bytes;
}

}  // namespace

std::string formatTime(std::int64_t unixSeconds)
{
    const std::time_t time = static_cast<std::time_t>(unixSeconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    return text;
}

OutputVariable graphCastOutputVariable(const std::string& name, bool onLevels)
{
    const auto found = cfNames().find(name);
    OutputVariable variable{name, "", name, "1", onLevels};
    if (found != cfNames().end()) {
        variable.standardName = found->second.standardName;
        variable.units = found->second.units;
    }
    std::replace(variable.longName.begin(), variable.longName.end(), '_', ' ');
    return variable;
}

void GraphCastState::assign(const MemberState& other)
{
    const auto* state = dynamic_cast<const GraphCastState*>(&other);
    if (state == nullptr) {
        throw std::invalid_argument("a GraphCast state cannot take over the state of another model");
    }
    *this = *state;
}

GraphCastModel::GraphCastModel(GraphCastSetup setup)
    : statistics_(std::move(setup.statistics)), perturbation_(setup.perturbation)
{
    const Checkpoint& checkpoint = setup.checkpoint;
    const Dataset& dataset = setup.dataset;
    const TaskConfig& task = checkpoint.taskConfig;
    const LatLonGrid grid = LatLonGrid::regular(checkpoint.modelConfig.resolution);
    if (dataset.grid.latitudes.size() != grid.latitudes.size() ||
        dataset.grid.longitudes.size() != grid.longitudes.size()) {
        throw InputError("the initial condition is on a " + std::to_string(dataset.grid.latitudes.size()) + " × " +
                         std::to_string(dataset.grid.longitudes.size()) + " grid, the checkpoint '" + checkpoint.path +
                         "' on " + std::to_string(grid.latitudes.size()) + " × " +
                         std::to_string(grid.longitudes.size()) + " (" +
                         std::to_string(checkpoint.modelConfig.resolution) +
                         "°): give an initial condition at the checkpoint's resolution");
    }
    predictor_ = std::make_unique<GraphCastPredictor>(checkpoint, setup.graphs, statistics_, grid, 1);
    const int inputTimes = predictor_->inputTimes();
    const int last = setup.lastInputIndex;
    if (last < inputTimes - 1 || last >= static_cast<int>(dataset.times.size())) {
        throw InputError("the initial condition has " + std::to_string(dataset.times.size()) +
                         " times; GraphCast needs " + std::to_string(inputTimes) +
                         " input times ending at the initial time (index " + std::to_string(last) +
                         "): give --ic-time with an index from " + std::to_string(inputTimes - 1) + " to " +
                         std::to_string(static_cast<int>(dataset.times.size()) - 1));
    }
    for (int t = last - inputTimes + 1; t < last; ++t) {
        const std::int64_t gap =
            dataset.validTimes[static_cast<std::size_t>(t + 1)] - dataset.validTimes[static_cast<std::size_t>(t)];
        if (gap != GraphCastPredictor::stepSeconds) {
            throw InputError("the initial condition's input times " + formatTime(dataset.validTimes[t]) + " and " +
                             formatTime(dataset.validTimes[t + 1]) +
                             " are not 6 hours apart, as GraphCast's inputs must be");
        }
    }
    const std::size_t points = grid.points();
    // data_utils.extract_inputs_targets_forcings: the task's levels, derived forcings recomputed.
    InitialState start = initialStateFromDataset(dataset, task, inputTimes, last - inputTimes + 1);
    control_.inputs = std::move(start.inputs);
    control_.validTime = start.lastInputTime;
    statics_ = std::move(start.statics);
    const Fields initial =
        fieldsOnLevels(dataset.times[static_cast<std::size_t>(last)], dataset.levels, task.pressureLevels, points);
    for (const std::string& name : task.targetVariables) {
        const auto found = initial.variables.find(name);
        if (found == initial.variables.end()) {
            throw InputError("the initial condition has no '" + name + "' at its initial time " +
                             formatTime(control_.validTime) + ", a variable of the output: give a file that has it");
        }
        control_.latest.variables.emplace(name, found->second);
    }
    schema_.latitudes = grid.latitudes;
    schema_.longitudes = grid.longitudes;
    schema_.gridDescription = "regular latitude-longitude grid, south to north (GraphCast's)";
    schema_.levels.assign(task.pressureLevels.begin(), task.pressureLevels.end());
    for (const std::string& name : task.targetVariables) {
        schema_.variables.push_back(graphCastOutputVariable(name, isAtmosphericVariable(name)));
    }
    if (perturbation_.scale > 0.0) {
        generator_ = std::make_unique<const BalancedPerturbation>(grid, task.pressureLevels, perturbationAmplitudes(),
                                                                  perturbation_.lengthScale);
    }
    const ModelConfig& config = checkpoint.modelConfig;
    dataset_ = std::make_unique<const Dataset>(std::move(setup.dataset));
    forcings_ = datasetForcings(*dataset_, task);
    char text[256];
    std::snprintf(text, sizeof text, "GraphCast %g° (mesh 2to%d, latent %d, %d message steps, %zu levels)",
                  config.resolution, config.meshSize, config.latentSize, config.gnnMsgSteps,
                  task.pressureLevels.size());
    description_ = text;
    // A step at its largest: one forward pass of the network (its activations and scratch) with
    // the stacked inputs and the outputs around it.
    workspaceBytes_ =
        predictor_->network().forwardBytes() +
        points *
            static_cast<std::size_t>(predictor_->layout().inputChannels() + predictor_->layout().outputChannels()) *
            sizeof(float);
    checkpoint_ = std::make_shared<const Checkpoint>(std::move(setup.checkpoint));
    graphs_ = std::make_shared<const Graphs>(std::move(setup.graphs));
}

std::unique_ptr<ModelWorkspace> GraphCastModel::makeWorkspace() const
{
    return std::make_unique<EmptyWorkspace>();
}

std::unique_ptr<MemberState> GraphCastModel::initialState(int member) const
{
    auto state = std::make_unique<GraphCastState>(control_);
    if (member > 0 && generator_) {
        perturb(*state, member);
    }
    return state;
}

PerturbationAmplitudes GraphCastModel::perturbationAmplitudes() const
{
    // scale × diffs_stddev_by_level at the task's levels; a variable that is not an input and a
    // target, or has no statistics at a level, stays unperturbed there.
    const TaskConfig& task = predictor_->task();
    auto perLevel = [&](const std::string& name) {
        std::vector<double> amplitudes(task.pressureLevels.size(), 0.0);
        const auto found = statistics_.diffsStddev.find(name);
        const auto& inputs = control_.inputs.back().variables;
        if (found == statistics_.diffsStddev.end() || !inputs.contains(name) ||
            !control_.latest.variables.contains(name)) {
            return amplitudes;
        }
        for (std::size_t l = 0; l < task.pressureLevels.size(); ++l) {
            const auto at = std::find(statistics_.levels.begin(), statistics_.levels.end(), task.pressureLevels[l]);
            const auto index = static_cast<std::size_t>(at - statistics_.levels.begin());
            if (index < found->second.size()) {
                amplitudes[l] = perturbation_.scale * found->second[index];
            }
        }
        return amplitudes;
    };
    return {perLevel("geopotential"), perLevel("temperature"), perLevel("vertical_velocity"),
            perLevel("specific_humidity")};
}

void GraphCastModel::perturb(GraphCastState& state, int member) const
{
    // Pairs: members 2k − 1 and 2k share the draw of member 2k − 1 with opposite signs, so member
    // 2k − 1 is the same with or without pairs.
    const bool negative = perturbation_.pairs && member % 2 == 0;
    const int drawn = negative ? member - 1 : member;
    const Fields perturbation = generator_->draw(memberKey(perturbation_.seed, static_cast<std::uint32_t>(drawn)));
    auto apply = [&](Fields& fields) {
        for (const auto& [name, values] : perturbation.variables) {
            const auto found = fields.variables.find(name);
            if (found == fields.variables.end() || found->second.size() != values.size()) {
                continue;
            }
            std::vector<float>& target = found->second;
            const bool nonNegative = name == "specific_humidity";
            for (std::size_t i = 0; i < values.size(); ++i) {
                const float value = negative ? target[i] - values[i] : target[i] + values[i];
                target[i] = nonNegative ? std::max(value, 0.0f) : value;
            }
        }
    };
    for (Fields& input : state.inputs) {
        apply(input);
    }
    apply(state.latest);
}

GraphCastModel::PreparedStep GraphCastModel::prepareStep(const GraphCastState& state) const
{
    PreparedStep prepared;
    prepared.targetForcings = forcings_(state.validTime + GraphCastPredictor::stepSeconds);
    prepared.networkInputs.resize(predictor_->grid().points() *
                                  static_cast<std::size_t>(predictor_->layout().inputChannels()));
    predictor_->stackInputs(state.inputs, statics_, prepared.targetForcings, prepared.networkInputs);
    return prepared;
}

void GraphCastModel::step(GraphCastState& state) const
{
    const PreparedStep prepared = prepareStep(state);
    std::vector<float> outputs(predictor_->grid().points() *
                               static_cast<std::size_t>(predictor_->layout().outputChannels()));
    predictor_->network().forward(prepared.networkInputs, outputs);
    finishStep(state, prepared, outputs);
}

void GraphCastModel::finishStep(GraphCastState& state, const PreparedStep& prepared,
                                std::span<const float> networkOutputs) const
{
    const std::int64_t validTime = state.validTime + GraphCastPredictor::stepSeconds;
    const Fields& targetForcings = prepared.targetForcings;
    Fields prediction = predictor_->targetsFromOutputs(networkOutputs, state.inputs.back());
    for (const auto& [name, values] : prediction.variables) {
        for (float value : values) {
            if (!std::isfinite(value)) {
                throw ModelBlowUp(state.step + 1, name, "a non-finite value in GraphCast's prediction");
            }
        }
    }
    // autoregressive.Predictor._update_inputs: the newest input is the prediction and the
    // forcings of its time; the oldest drops out.
    Fields next;
    for (const std::string& name : predictor_->timeDependentInputs()) {
        const Fields& source = prediction.variables.contains(name) ? prediction : targetForcings;
        next.variables.emplace(name, source.variables.at(name));
    }
    state.inputs.erase(state.inputs.begin());
    state.inputs.push_back(std::move(next));
    state.latest = std::move(prediction);
    state.validTime = validTime;
    ++state.step;
}

void GraphCastModel::advance(std::span<MemberState* const> members, int steps, ModelWorkspace&) const
{
    for (MemberState* member : members) {
        auto& state = dynamic_cast<GraphCastState&>(*member);
        for (int k = 0; k < steps; ++k) {
            step(state);
        }
    }
}

GridFields GraphCastModel::fields(const MemberState& member, ModelWorkspace&) const
{
    const auto& state = dynamic_cast<const GraphCastState&>(member);
    GridFields out;
    for (std::size_t k = 0; k < schema_.variables.size(); ++k) {
        const std::vector<float>& values = state.latest.variables.at(schema_.variables[k].name);
        out.variables.emplace_back(values.begin(), values.end());
    }
    return out;
}

std::size_t GraphCastModel::stateBytes() const
{
    std::size_t bytes = sizeof(GraphCastState) + fieldsBytes(control_.latest);
    for (const Fields& input : control_.inputs) {
        bytes += fieldsBytes(input);
    }
    return bytes;
}

std::size_t GraphCastModel::workspaceBytes() const
{
    return workspaceBytes_;
}

double GraphCastModel::flopsPerStep() const
{
    return predictor_->network().gemmFlopsPerForward();
}

std::vector<std::byte> GraphCastModel::serialize(const MemberState& member) const
{
    const auto& state = dynamic_cast<const GraphCastState&>(member);
    std::vector<std::byte> bytes;
    bytes.reserve(stateBytes() + 64);
    putBytes(bytes, stateTag, sizeof stateTag);
    put<std::int64_t>(bytes, state.step);
    put<std::int64_t>(bytes, state.validTime);
    put<std::uint64_t>(bytes, state.inputs.size());
    for (const Fields& input : state.inputs) {
        putFields(bytes, input);
    }
    putFields(bytes, state.latest);
    return bytes;
}

std::unique_ptr<MemberState> GraphCastModel::deserialize(std::span<const std::byte> bytes) const
{
    if (bytes.size() < sizeof stateTag || std::memcmp(bytes.data(), stateTag, sizeof stateTag) != 0) {
        throw std::invalid_argument("the bytes are not a GraphCast state");
    }
    Reader reader(bytes.subspan(sizeof stateTag));
    auto state = std::make_unique<GraphCastState>();
    state->step = reader.get<std::int64_t>();
    state->validTime = reader.get<std::int64_t>();
    const auto inputs = reader.get<std::uint64_t>();
    if (inputs != control_.inputs.size()) {
        throw std::invalid_argument("the GraphCast state has " + std::to_string(inputs) + " input times, the model " +
                                    std::to_string(control_.inputs.size()));
    }
    const std::size_t maxValues = predictor_->grid().points() * std::max<std::size_t>(1, schema_.levels.size());
    for (std::uint64_t t = 0; t < inputs; ++t) {
        state->inputs.push_back(reader.fields(maxValues));
    }
    state->latest = reader.fields(maxValues);
    if (!reader.done()) {
        throw std::invalid_argument("the GraphCast state has bytes after its end");
    }
    return state;
}

}  // namespace spreadcast::graphcast
