#pragma once

// Host-side preparation of the batched model (BatchedShallowWater.h): the model's tables as flat
// arrays, and members' states packed into the batch layout and back. Plain C++: the CUDA model
// copies these arrays to its device, the host executor uses them where they are.

#include "BatchedShallowWater.h"
#include "device/Device.h"
#include "model/ShallowWaterModel.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace spreadcast::gpu {

// The tables of one ShallowWaterModel, flattened; view() points into them.
struct ModelTables {
    explicit ModelTables(const ShallowWaterModel& model);

    std::vector<int> orderOffset, evenCount, oddCount, order, degree;
    std::vector<long long> tableOffset;
    std::vector<double> pTable, hTable, pTableT, hTableT;
    std::vector<double> laplacian, inverseLaplacian, vorticityDiffusion, divergenceDiffusion;
    std::vector<Cplx> surfaceGeopotential;
    std::vector<double> forcingIncrement, forcingTendency;  // empty when the forcing is off
    std::vector<double> cosLatitude, weights, coriolis, surfaceHeight;
    ModelView scalars;  // the scalars; its pointers are null

    // The scalars with every pointer into these vectors.
    ModelView view() const;
};

// Spectral arrays of a state block, in ShallowWaterState::arrays() order.
inline constexpr int stateArrays = 7;
static_assert(std::tuple_size_v<decltype(std::declval<ShallowWaterState&>().arrays())> == stateArrays);

// Where one batch's states live: a block of stateArrays × slots × K coefficients, plus the keys,
// step counters and health of every slot. The same layout on the host (staging) and the device.
struct StateBlock {
    int slots = 0;
    int coefficients = 0;
    Cplx* spectral = nullptr;  // [array][slot][k]
    std::uint32_t* keys = nullptr;
    long long* steps = nullptr;
    MemberHealth* health = nullptr;

    std::size_t spectralCount() const { return static_cast<std::size_t>(stateArrays) * slots * coefficients; }
    Cplx* array(int a) const { return spectral + static_cast<std::size_t>(a) * slots * coefficients; }
};

// Slots rounded up to whole FFT chunks.
int paddedSlots(int members);

// Copies the members' states into slots 0 … n − 1 of the block and marks the other slots of their
// last FFT chunk inactive (their coefficients are zeroed, so they stay finite). Throws std::invalid_argument for a
// state of another model or truncation.
void packStates(std::span<MemberState* const> members, const StateBlock& block, bool pattern);
// Copies slots 0 … n − 1 back into the members (coefficients and step counters).
void unpackStates(const StateBlock& block, std::span<MemberState* const> members, bool pattern);

// Points a batch view's state arrays into a state block.
void attachStates(BatchView& batch, const StateBlock& block, bool pattern);

// A hash of everything packStates copies of a state (spectral arrays, key, step): XXH3-64.
std::uint64_t stateHash(const MemberState& member);

// Which members the batch buffers hold, as they were when last copied in or out: a call with the
// very same members, none changed since, needs no copy in (the controller calls advance on the
// same states, output interval after output interval).
class ResidentBatch {
public:
    bool holds(std::span<MemberState* const> members) const;
    void remember(std::span<MemberState* const> members);
    void forget();

private:
    std::vector<const MemberState*> members_;
    std::vector<std::uint64_t> hashes_;
};

// ModelBlowUp's message for a member that stopped (the CPU model's words).
std::string blowUpMessage(const MemberHealth& health, const ShallowWaterModel& model);

// The members among the first `count` slots that stopped, as blow-ups whose index is the slot
// plus `first` (the slot's place in the caller's batch).
void collectBlowUps(const MemberHealth* health, std::size_t count, std::size_t first, const ShallowWaterModel& model,
                    std::vector<MemberBlowUp>& blowUps);

// The output fields of one slot of an output-grid block ([slot][field][point], GridFields order).
GridFields slotFields(const double* outputGrids, std::size_t slot, std::size_t points);

// Bytes of one slot in the batch buffers beyond its state block (scratch spectral arrays, Fourier
// coefficients, grids), and of the state block's slot.
std::size_t slotScratchBytes(const ShallowWaterModel& model);
std::size_t slotStateBytes(const ShallowWaterModel& model);
// Bytes of one slot in the GPU model's pinned host staging: its state block and output fields.
std::size_t slotPinnedBytes(const ShallowWaterModel& model);

// Bytes a step of one member must move through device memory at least: each kernel's inputs
// read once and its outputs written once, the tables (shared by the batch) left out. The
// numerator of `bench`'s achieved-bandwidth figure.
double compulsoryBytesPerMemberStep(const ShallowWaterModel& model);

}  // namespace spreadcast::gpu
