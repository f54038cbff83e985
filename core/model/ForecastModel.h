#pragma once

#include "model/GridFields.h"
#include "model/OutputSchema.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace spreadcast {

// The state of one ensemble member, opaque to everything but its model.
class MemberState {
public:
    virtual ~MemberState() = default;
    virtual std::unique_ptr<MemberState> clone() const = 0;
    // Takes over the contents of another state of the same model, e.g. one deserialized from the
    // bytes another MPI rank sent back after advancing it. Throws std::invalid_argument for a state
    // of another model.
    virtual void assign(const MemberState& other) = 0;
    std::int64_t step = 0;  // time steps taken since the initial time
};

// Scratch memory of one thread for one model; never shared between threads at once.
class ModelWorkspace {
public:
    virtual ~ModelWorkspace() = default;
};

// A forecast that cannot go on: non-finite values, a CFL breach, a negative depth.
class ModelBlowUp : public std::runtime_error {
public:
    ModelBlowUp(std::int64_t step, std::string field, const std::string& detail)
        : std::runtime_error("blow-up at step " + std::to_string(step) + " in " + field + ": " + detail),
          step_(step),
          field_(std::move(field))
    {
    }
    std::int64_t step() const { return step_; }
    const std::string& field() const { return field_; }

private:
    std::int64_t step_;
    std::string field_;
};

// What the ensemble machinery needs of a forecast model: an initial state per member, a way to
// advance members, and the output fields on the grid. The spectral shallow-water model is one;
// a learned model can be another without touching the runner, the writer or the UI.
class ForecastModel {
public:
    virtual ~ForecastModel() = default;
    // The model's name in the registry ("shallow-water", "graphcast"): batched backends, run specs
    // and output files know a model by it.
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    // The grid, levels and variables of fields(); fixed for the model's lifetime.
    virtual const OutputSchema& outputSchema() const = 0;
    virtual double timeStep() const = 0;
    virtual std::unique_ptr<ModelWorkspace> makeWorkspace() const = 0;
    virtual std::unique_ptr<MemberState> initialState(int member) const = 0;
    // Advances every member of the batch by the same number of steps. A member's result must
    // not depend on the batch it is in. Throws ModelBlowUp naming the step and field.
    virtual void advance(std::span<MemberState* const> members, int steps, ModelWorkspace& workspace) const = 0;
    virtual GridFields fields(const MemberState& member, ModelWorkspace& workspace) const = 0;

    // Memory of one member's state and of one workspace, bytes: batch sizing and telemetry.
    virtual std::size_t stateBytes() const = 0;
    virtual std::size_t workspaceBytes() const = 0;
    // Arithmetic of one member's step, flops; 0 when not known. The watchdog waits at least as
    // long as a slow CPU needs for it before it gives a device up (watchdogLimitSeconds).
    virtual double flopsPerStep() const { return 0.0; }
    // A state as bytes and back, exactly (checkpoints on disk, states sent to other MPI ranks).
    // deserialize throws std::invalid_argument for bytes that are not a state of this model.
    virtual std::vector<std::byte> serialize(const MemberState& member) const = 0;
    virtual std::unique_ptr<MemberState> deserialize(std::span<const std::byte> bytes) const = 0;
};

}  // namespace spreadcast
