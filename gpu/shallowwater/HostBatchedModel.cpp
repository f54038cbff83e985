#include "HostBatchedModel.h"

#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace spreadcast::gpu {

struct HostExecutor::Plans {
    // Index: fields − 4 (state grids have 4 fields, products 5).
    fftw_plan toGrid[2] = {};
    fftw_plan toFourier[2] = {};
    std::vector<Cplx> fourier;
    std::vector<double> grids;
    ~Plans()
    {
        std::lock_guard lock(fftwPlannerMutex());
        for (fftw_plan plan : {toGrid[0], toGrid[1], toFourier[0], toFourier[1]}) {
            if (plan) {
                fftw_destroy_plan(plan);
            }
        }
    }
};

HostExecutor::HostExecutor(const ModelView& model) : model_(model), plans_(std::make_unique<Plans>())
{
    const int n = model.nlon;
    const int length = model.spectrumLength();
    plans_->fourier.resize(static_cast<std::size_t>(fftChunkMembers) * 5 * model.nlat * length);
    plans_->grids.resize(static_cast<std::size_t>(fftChunkMembers) * 5 * model.points());
    auto* fourier = reinterpret_cast<fftw_complex*>(plans_->fourier.data());
    double* grids = plans_->grids.data();
    // FFTW_ESTIMATE picks the algorithm from the sizes alone, FFTW_UNALIGNED makes it the same at
    // every chunk's offset: every member goes through the same arithmetic.
    std::lock_guard lock(fftwPlannerMutex());
    for (int fields = 4; fields <= 5; ++fields) {
        const int rows = fftChunkMembers * fields * model.nlat;
        plans_->toGrid[fields - 4] = fftw_plan_many_dft_c2r(1, &n, rows, fourier, nullptr, 1, length, grids, nullptr, 1,
                                                            n, FFTW_ESTIMATE | FFTW_UNALIGNED);
        plans_->toFourier[fields - 4] =
            fftw_plan_many_dft_r2c(1, &n, rows, grids, nullptr, 1, n, fourier, nullptr, 1, length,
                                   FFTW_ESTIMATE | FFTW_UNALIGNED | FFTW_PRESERVE_INPUT);
        if (!plans_->toGrid[fields - 4] || !plans_->toFourier[fields - 4]) {
            throw std::runtime_error("FFTW could not plan a transform of length " + std::to_string(n));
        }
    }
}

HostExecutor::~HostExecutor() = default;

void HostExecutor::fourierToGrid(int fields, Cplx* fourier, double* grids, int slots)
{
    const long long fourierChunk = model_.fourierChunk(fields);
    const long long gridChunk = model_.gridChunk(fields);
    for (int chunk = 0; chunk < slots / fftChunkMembers; ++chunk) {
        fftw_execute_dft_c2r(plans_->toGrid[fields - 4],
                             reinterpret_cast<fftw_complex*>(fourier + chunk * fourierChunk),
                             grids + chunk * gridChunk);
    }
}

void HostExecutor::gridToFourier(int fields, const double* grids, Cplx* fourier, int slots)
{
    const long long fourierChunk = model_.fourierChunk(fields);
    const long long gridChunk = model_.gridChunk(fields);
    for (int chunk = 0; chunk < slots / fftChunkMembers; ++chunk) {
        // FFTW_PRESERVE_INPUT was planned, so the input is only read.
        fftw_execute_dft_r2c(plans_->toFourier[fields - 4], const_cast<double*>(grids + chunk * gridChunk),
                             reinterpret_cast<fftw_complex*>(fourier + chunk * fourierChunk));
    }
}

HostBatchedModel::HostBatchedModel(const ShallowWaterModel& model, int capacity)
    : model_(model),
      tables_(model),
      view_(tables_.view()),
      capacity_(paddedSlots(capacity)),
      pattern_(model.forcing() != nullptr),
      executor_(view_)
{
    const std::size_t K = static_cast<std::size_t>(view_.coefficients);
    const std::size_t slots = static_cast<std::size_t>(capacity_);
    stateSpectral_.resize(stateArrays * slots * K);
    keys_.resize(2 * slots);
    steps_.resize(slots);
    health_.resize(slots);
    extremes_.assign(slots, clearedExtremes());
    scratchSpectral_.resize(physics::slot::count * slots * K);
    fourier_.resize(slots * physics::productGrid::count * view_.nlat * view_.spectrumLength());
    stateGrids_.resize(slots * physics::stateGrid::count * view_.points());
    productGrids_.resize(slots * physics::productGrid::count * view_.points());
    outputGrids_.resize(slots * outputFieldCount * view_.points());
    block_ = {capacity_, view_.coefficients, stateSpectral_.data(), keys_.data(), steps_.data(), health_.data()};
    attachStates(batch_, block_, pattern_);
    batch_.extremes = extremes_.data();
    for (int s = 0; s < physics::slot::count; ++s) {
        batch_.spectral[s] = scratchSpectral_.data() + s * slots * K;
    }
    batch_.fourier = fourier_.data();
    batch_.stateGrids = stateGrids_.data();
    batch_.productGrids = productGrids_.data();
    batch_.outputGrids = outputGrids_.data();
}

HostBatchedModel::~HostBatchedModel() = default;

void HostBatchedModel::load(std::span<MemberState* const> members, bool keep)
{
    if (!resident_.holds(members)) {
        resident_.forget();  // until the packing is done
        packStates(members, block_, pattern_);
        if (keep) {
            resident_.remember(members);
        }
    }
    // Only the chunks that hold members are computed, as on the GPU.
    batch_.slots = paddedSlots(static_cast<int>(members.size()));
    executor_.forEach(batch_.slots, ClearExtremes{batch_.extremes});
}

std::vector<MemberBlowUp> HostBatchedModel::advance(std::span<MemberState* const> members, int steps)
{
    std::vector<MemberBlowUp> blowUps;
    for (std::size_t first = 0; first < members.size(); first += static_cast<std::size_t>(capacity_)) {
        const auto part = members.subspan(first, std::min(members.size() - first, static_cast<std::size_t>(capacity_)));
        load(part, false);
        resident_.forget();  // the steps change the buffers
        for (int n = 0; n < steps; ++n) {
            stepBatch(executor_, view_, batch_);
        }
        unpackStates(block_, part, pattern_);
        resident_.remember(part);
        collectBlowUps(health_.data(), part.size(), first, model_, blowUps);
    }
    return blowUps;
}

std::vector<GridFields> HostBatchedModel::fields(std::span<MemberState* const> members)
{
    std::vector<GridFields> result;
    const std::size_t points = static_cast<std::size_t>(view_.points());
    for (std::size_t first = 0; first < members.size(); first += static_cast<std::size_t>(capacity_)) {
        const auto part = members.subspan(first, std::min(members.size() - first, static_cast<std::size_t>(capacity_)));
        load(part, true);
        outputFields(executor_, view_, batch_);
        for (std::size_t k = 0; k < part.size(); ++k) {
            result.push_back(slotFields(outputGrids_.data(), k, points));
        }
    }
    return result;
}

}  // namespace spreadcast::gpu
