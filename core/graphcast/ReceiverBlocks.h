#pragma once

// Sums of edge messages into their receivers in a fixed order. Edges are sorted by receiver, so
// each receiver's edges are one contiguous range; receivers are cut into blocks of whole
// receivers, a block is computed by one thread at a time and sums its edges in edge order. The
// cut depends only on the graph, so a member's bits never depend on the thread count or on which
// thread ran a block, and no sum needs atomics.

#include <cstdint>
#include <span>
#include <vector>

namespace spreadcast::graphcast {

class ReceiverBlocks {
public:
    ReceiverBlocks() = default;
    // receivers: the receiver of each edge, non-decreasing (std::invalid_argument otherwise).
    // A block holds whole receivers and stops at the first receiver that brings it to at least
    // targetEdges edges or to maxReceivers receivers.
    ReceiverBlocks(std::span<const std::int32_t> receivers, int receiverCount, int targetEdges, int maxReceivers);

    int blockCount() const { return static_cast<int>(blockStart_.size()) - 1; }
    int firstReceiver(int block) const { return blockStart_[block]; }
    int receiverCount(int block) const { return blockStart_[block + 1] - blockStart_[block]; }
    std::int64_t firstEdge(int block) const { return edgeOffset_[blockStart_[block]]; }
    int edgeCount(int block) const
    {
        return static_cast<int>(edgeOffset_[blockStart_[block + 1]] - edgeOffset_[blockStart_[block]]);
    }
    int maxEdgesPerBlock() const { return maxEdges_; }
    int maxReceiversPerBlock() const { return maxReceivers_; }

    // receiverSums (receiverCount(block) × width) = Σ over each receiver's edges, in edge order, of
    // blockEdgeRows (edgeCount(block) × width, the block's edges only).
    void sumBlock(int block, const float* blockEdgeRows, int width, float* receiverSums) const;

private:
    std::vector<std::int64_t> edgeOffset_;  // receivers + 1: first edge of each receiver
    std::vector<int> blockStart_;           // blocks + 1: first receiver of each block
    int maxEdges_ = 0;
    int maxReceivers_ = 0;
};

// Σ of edgeRows (edges × width) into receiverCount rows, on `threads` threads: the same bits
// whatever the thread count.
std::vector<float> sumIntoReceivers(std::span<const float> edgeRows, int width, std::span<const std::int32_t> receivers,
                                    int receiverCount, int threads);

}  // namespace spreadcast::graphcast
