#include "graphcast/ReceiverBlocks.h"

#include "run/MemberPool.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace spreadcast::graphcast {

ReceiverBlocks::ReceiverBlocks(std::span<const std::int32_t> receivers, int receiverCount, int targetEdges,
                               int maxReceivers)
{
    edgeOffset_.assign(static_cast<std::size_t>(receiverCount) + 1, 0);
    for (std::size_t edge = 0; edge < receivers.size(); ++edge) {
        const std::int32_t receiver = receivers[edge];
        if (receiver < 0 || receiver >= receiverCount) {
            throw std::invalid_argument("edge " + std::to_string(edge) + " has receiver " + std::to_string(receiver) +
                                        " outside 0 … " + std::to_string(receiverCount - 1));
        }
        if (edge > 0 && receiver < receivers[edge - 1]) {
            throw std::invalid_argument("edges are not sorted by receiver (edge " + std::to_string(edge) + ")");
        }
        ++edgeOffset_[static_cast<std::size_t>(receiver) + 1];
    }
    for (int receiver = 0; receiver < receiverCount; ++receiver) {
        edgeOffset_[receiver + 1] += edgeOffset_[receiver];
    }
    blockStart_.push_back(0);
    int start = 0;
    while (start < receiverCount) {
        int end = start;
        while (end < receiverCount && end - start < maxReceivers &&
               edgeOffset_[end] - edgeOffset_[start] < targetEdges) {
            ++end;
        }
        blockStart_.push_back(end);
        maxEdges_ = std::max(maxEdges_, static_cast<int>(edgeOffset_[end] - edgeOffset_[start]));
        maxReceivers_ = std::max(maxReceivers_, end - start);
        start = end;
    }
}

void ReceiverBlocks::sumBlock(int block, const float* blockEdgeRows, int width, float* receiverSums) const
{
    const int first = firstReceiver(block);
    const std::int64_t blockEdge = firstEdge(block);
    for (int local = 0; local < receiverCount(block); ++local) {
        float* sum = receiverSums + static_cast<std::int64_t>(local) * width;
        std::memset(sum, 0, sizeof(float) * static_cast<std::size_t>(width));
        for (std::int64_t edge = edgeOffset_[first + local]; edge < edgeOffset_[first + local + 1]; ++edge) {
            const float* row = blockEdgeRows + (edge - blockEdge) * width;
            for (int i = 0; i < width; ++i) {
                sum[i] += row[i];
            }
        }
    }
}

std::vector<float> sumIntoReceivers(std::span<const float> edgeRows, int width, std::span<const std::int32_t> receivers,
                                    int receiverCount, int threads)
{
    const ReceiverBlocks blocks(receivers, receiverCount, 64, 64);
    std::vector<float> sums(static_cast<std::size_t>(receiverCount) * static_cast<std::size_t>(width));
    forEachMember(blocks.blockCount(), std::max(1, threads), [&](int, int block) {
        blocks.sumBlock(block, edgeRows.data() + blocks.firstEdge(block) * width, width,
                        sums.data() + static_cast<std::int64_t>(blocks.firstReceiver(block)) * width);
    });
    return sums;
}

}  // namespace spreadcast::graphcast
