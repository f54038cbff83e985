#pragma once

// The batched model (BatchedShallowWater.h) run on the host: plain loops for the functors, FFTW
// for the Fourier part. It is the CUDA model's twin, minus the device: the CPU tests compare it
// with the CPU model and across batch sizes, which checks every functor of the GPU step on
// machines without a GPU.

#include "BatchedShallowWater.h"
#include "BatchedWorker.h"
#include "ModelTables.h"
#include "device/Device.h"

#include <memory>
#include <span>
#include <vector>

namespace spreadcast::gpu {

class HostExecutor {
public:
    explicit HostExecutor(const ModelView& model);
    ~HostExecutor();
    HostExecutor(const HostExecutor&) = delete;
    HostExecutor& operator=(const HostExecutor&) = delete;

    template <class Functor>
    void forEach(long long count, const Functor& functor)
    {
        for (long long index = 0; index < count; ++index) {
            functor(index);
        }
    }
    // A functor that returns its index's share of a member's blow-up extremes (NonlinearProducts),
    // merged into functor.extremes[functor.member(index)] one index at a time.
    template <class Functor>
    void forEachWithExtremes(long long count, const Functor& functor)
    {
        for (long long index = 0; index < count; ++index) {
            accumulateExtremes(&functor.extremes[functor.member(index)], functor(index));
        }
    }
    // Complex-to-real (and back) transforms of `fields` fields of the first `slots` slots, a chunk
    // of fftChunkMembers members per plan execution.
    void fourierToGrid(int fields, Cplx* fourier, double* grids, int slots);
    void gridToFourier(int fields, const double* grids, Cplx* fourier, int slots);

private:
    struct Plans;
    ModelView model_;
    std::unique_ptr<Plans> plans_;
};

class HostBatchedModel : public BatchedModel {
public:
    HostBatchedModel(const ShallowWaterModel& model, int capacity);
    ~HostBatchedModel() override;

    int capacity() const { return capacity_; }
    // Advances the members in batches of at most capacity() and says which stopped and why.
    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override;
    // The members' output fields (their states are only read).
    std::vector<GridFields> fields(std::span<MemberState* const> members) override;
    long long allocatedBytes() const override { return 0; }
    std::uint64_t hashState(const MemberState& member) const override { return stateHash(member); }

private:
    // Copies the members in, unless the buffers hold them already; with `keep` they count as held
    // afterwards (not when the caller is about to step them).
    void load(std::span<MemberState* const> members, bool keep);

    const ShallowWaterModel& model_;
    ModelTables tables_;
    ModelView view_;
    int capacity_;
    bool pattern_;
    std::vector<Cplx> stateSpectral_;
    std::vector<std::uint32_t> keys_;
    std::vector<long long> steps_;
    std::vector<MemberHealth> health_;
    std::vector<MemberExtremes> extremes_;
    std::vector<Cplx> scratchSpectral_;
    std::vector<Cplx> fourier_;
    std::vector<double> stateGrids_, productGrids_, outputGrids_;
    StateBlock block_;
    BatchView batch_;
    HostExecutor executor_;
    ResidentBatch resident_;
};

}  // namespace spreadcast::gpu
