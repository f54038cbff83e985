#include "model/ModelRegistry.h"

#include "ensemble/EnsembleStatistics.h"
#include "model/BuiltInModels.h"
#include "run/InputError.h"

namespace spreadcast {

const std::vector<ModelDefinition>& registeredModels()
{
    static const std::vector<ModelDefinition> models{shallowWaterModelDefinition(), graphCastModelDefinition()};
    return models;
}

const ModelDefinition* findModel(std::string_view name)
{
    for (const ModelDefinition& model : registeredModels()) {
        if (model.name == name) {
            return &model;
        }
    }
    return nullptr;
}

std::string modelNameList()
{
    std::string names;
    for (const ModelDefinition& model : registeredModels()) {
        names += (names.empty() ? "" : ", ") + model.name;
    }
    return names;
}

PreparedModel prepareModel(const RunSpec& spec)
{
    const std::vector<std::string> problems = validate(spec);
    if (!problems.empty()) {
        std::string text;
        for (const auto& problem : problems) {
            text += (text.empty() ? "" : "\n") + problem;
        }
        throw InputError(text);
    }
    PreparedModel prepared = findModel(spec.model)->prepare(spec);
    const std::vector<std::string> thresholds = thresholdProblems(spec.thresholds, prepared.model->outputSchema());
    if (!thresholds.empty()) {
        std::string text;
        for (const auto& problem : thresholds) {
            text += (text.empty() ? "" : "\n") + problem + ": give --probability VARIABLE>VALUE with one of them";
        }
        throw InputError(text);
    }
    return prepared;
}

}  // namespace spreadcast
