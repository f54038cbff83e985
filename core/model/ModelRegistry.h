#pragma once

#include "model/ForecastModel.h"
#include "run/RunSpec.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spreadcast {

// A forecast model built from a run spec, with what was learnt while building it.
struct PreparedModel {
    std::unique_ptr<ForecastModel> model;
    std::string initialCondition;  // for people: which case or file, variables, time
    std::string initialTime;       // "YYYY-MM-DD HH:MM:SS"; empty for the built-in cases
    std::string perturbations;     // how the members' starts differ, for people and the output file
    std::vector<std::string> notes;
    // Global attributes the output file carries for this model (a checkpoint's description and
    // licence), and lines the run log shows once.
    std::vector<std::pair<std::string, std::string>> attributes;
};

// A model of the registry: what the controller, the CLI, the GUI and the run spec's JSON know of
// it. Everything model-specific — its settings, its initial conditions, its state, its fields
// and output schema — comes from here; nothing else names a concrete model.
struct ModelDefinition {
    std::string name;     // "shallow-water": --model, the run spec, batched backends
    std::string summary;  // one line for --help and the run panel
    // Problems with this model's settings in the spec, one sentence each (what, the value, what to do).
    std::function<std::vector<std::string>(const RunSpec&)> validate;
    // Builds the model; throws InputError for a problem with its files or settings.
    std::function<PreparedModel(const RunSpec&)> prepare;
    // The model's section of the run spec's JSON, and back (into a spec that has model = name).
    std::function<nlohmann::json(const RunSpec&)> settingsToJson;
    std::function<void(const nlohmann::json&, RunSpec&)> settingsFromJson;
};

// Every model this build has, in the order --help lists them.
const std::vector<ModelDefinition>& registeredModels();
// The model of this name, or nullptr.
const ModelDefinition* findModel(std::string_view name);
// "shallow-water, graphcast": for messages.
std::string modelNameList();

// Validates the spec and builds its model through the registry. Throws InputError (every problem
// of the spec, or of its files) before anything is written.
PreparedModel prepareModel(const RunSpec& spec);

}  // namespace spreadcast
