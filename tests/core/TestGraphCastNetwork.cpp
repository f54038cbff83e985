#include "GraphCastTestGraphs.h"
#include "graphcast/GraphCastMlp.h"
#include "graphcast/GraphCastNetwork.h"
#include "graphcast/GraphCastParameters.h"
#include "graphcast/ReceiverBlocks.h"
#include "run/InputError.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

using Matrix = std::vector<double>;  // row-major

// A direct transliteration of DeepTypedGraphNet as graphcast configures it, in double and with
// explicit concatenations ([edge, sender, receiver], [node, Σ messages]), the reference the
// decomposed, precomputing float32 network must agree with.
Matrix referenceMlp(const std::map<std::string, Tensor>& params, const std::string& scope, const Matrix& x, int rows,
                    bool layerNorm)
{
    Matrix current = x;
    int width = static_cast<int>(x.size() / static_cast<std::size_t>(rows));
    for (int layer = 0; params.contains(scope + "_mlp/~/linear_" + std::to_string(layer) + ":w"); ++layer) {
        if (layer > 0) {
            for (double& v : current) {
                v = v / (1.0 + std::exp(-v));
            }
        }
        const Tensor& w = params.at(scope + "_mlp/~/linear_" + std::to_string(layer) + ":w");
        const Tensor& b = params.at(scope + "_mlp/~/linear_" + std::to_string(layer) + ":b");
        const int out = static_cast<int>(w.shape[1]);
        Matrix next(static_cast<std::size_t>(rows) * out);
        for (int r = 0; r < rows; ++r) {
            for (int j = 0; j < out; ++j) {
                double sum = b.values[j];
                for (int i = 0; i < width; ++i) {
                    sum += current[r * width + i] * w.values[i * out + j];
                }
                next[r * out + j] = sum;
            }
        }
        current = std::move(next);
        width = out;
    }
    if (layerNorm) {
        const Tensor& scale = params.at(scope + "_layer_norm:scale");
        const Tensor& offset = params.at(scope + "_layer_norm:offset");
        for (int r = 0; r < rows; ++r) {
            double mean = 0.0, variance = 0.0;
            for (int i = 0; i < width; ++i) {
                mean += current[r * width + i] / width;
            }
            for (int i = 0; i < width; ++i) {
                variance += (current[r * width + i] - mean) * (current[r * width + i] - mean) / width;
            }
            for (int i = 0; i < width; ++i) {
                current[r * width + i] =
                    (current[r * width + i] - mean) / std::sqrt(variance + 1e-5) * scale.values[i] + offset.values[i];
            }
        }
    }
    return current;
}

Matrix concatenateRows(const std::vector<std::pair<const Matrix*, int>>& parts, int rows,
                       const std::vector<const std::vector<std::int32_t>*>& indices)
{
    int width = 0;
    for (const auto& part : parts) {
        width += part.second;
    }
    Matrix out(static_cast<std::size_t>(rows) * width);
    for (int r = 0; r < rows; ++r) {
        int column = 0;
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const int source = indices[p] ? (*indices[p])[r] : r;
            for (int i = 0; i < parts[p].second; ++i) {
                out[r * width + column + i] = (*parts[p].first)[source * parts[p].second + i];
            }
            column += parts[p].second;
        }
    }
    return out;
}

Matrix sumByReceiver(const Matrix& messages, int width, const std::vector<std::int32_t>& receivers, int count)
{
    Matrix sums(static_cast<std::size_t>(count) * width, 0.0);
    for (std::size_t e = 0; e < receivers.size(); ++e) {
        for (int i = 0; i < width; ++i) {
            sums[receivers[e] * width + i] += messages[e * width + i];
        }
    }
    return sums;
}

Matrix toDouble(const std::vector<float>& values)
{
    return Matrix(values.begin(), values.end());
}

Matrix referenceForward(const Checkpoint& checkpoint, const Graphs& graphs, const std::vector<float>& inputs,
                        int channels)
{
    const auto& p = checkpoint.params;
    const int L = checkpoint.modelConfig.latentSize;
    const int G = graphs.gridNodes;
    const int M = graphs.meshNodes;
    const int F = graphs.nodeFeatureSize;
    const Matrix data = toDouble(inputs);
    const Matrix gridFeatures = toDouble(graphs.gridNodeFeatures);
    const Matrix meshFeatures = toDouble(graphs.meshNodeFeatures);
    const Matrix zeros(static_cast<std::size_t>(M) * channels, 0.0);
    auto scope = [](const std::string& net, const std::string& module) { return moduleScope(net, module); };

    const Matrix gridEmbedded =
        referenceMlp(p, scope("grid2mesh_gnn", "encoder_nodes_grid_nodes"),
                     concatenateRows({{&data, channels}, {&gridFeatures, F}}, G, {nullptr, nullptr}), G, true);
    const Matrix meshEmbedded =
        referenceMlp(p, scope("grid2mesh_gnn", "encoder_nodes_mesh_nodes"),
                     concatenateRows({{&zeros, channels}, {&meshFeatures, F}}, M, {nullptr, nullptr}), M, true);
    const int g2mEdges = static_cast<int>(graphs.grid2mesh.count());
    const Matrix g2mEdgeEmbedded = referenceMlp(p, scope("grid2mesh_gnn", "encoder_edges_grid2mesh"),
                                                toDouble(graphs.grid2mesh.features), g2mEdges, true);
    Matrix messages =
        referenceMlp(p, scope("grid2mesh_gnn", "processor_edges_0_grid2mesh"),
                     concatenateRows({{&g2mEdgeEmbedded, L}, {&gridEmbedded, L}, {&meshEmbedded, L}}, g2mEdges,
                                     {nullptr, &graphs.grid2mesh.senders, &graphs.grid2mesh.receivers}),
                     g2mEdges, true);
    Matrix sums = sumByReceiver(messages, L, graphs.grid2mesh.receivers, M);
    Matrix mesh = referenceMlp(p, scope("grid2mesh_gnn", "processor_nodes_0_mesh_nodes"),
                               concatenateRows({{&meshEmbedded, L}, {&sums, L}}, M, {nullptr, nullptr}), M, true);
    for (std::size_t i = 0; i < mesh.size(); ++i) {
        mesh[i] += meshEmbedded[i];
    }
    Matrix grid = referenceMlp(p, scope("grid2mesh_gnn", "processor_nodes_0_grid_nodes"), gridEmbedded, G, true);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        grid[i] += gridEmbedded[i];
    }

    const int meshEdges = static_cast<int>(graphs.mesh.count());
    Matrix edges =
        referenceMlp(p, scope("mesh_gnn", "encoder_edges_mesh"), toDouble(graphs.mesh.features), meshEdges, true);
    for (int step = 0; step < checkpoint.modelConfig.gnnMsgSteps; ++step) {
        const std::string index = std::to_string(step);
        messages = referenceMlp(p, scope("mesh_gnn", "processor_edges_" + index + "_mesh"),
                                concatenateRows({{&edges, L}, {&mesh, L}, {&mesh, L}}, meshEdges,
                                                {nullptr, &graphs.mesh.senders, &graphs.mesh.receivers}),
                                meshEdges, true);
        sums = sumByReceiver(messages, L, graphs.mesh.receivers, M);
        Matrix update = referenceMlp(p, scope("mesh_gnn", "processor_nodes_" + index + "_mesh_nodes"),
                                     concatenateRows({{&mesh, L}, {&sums, L}}, M, {nullptr, nullptr}), M, true);
        for (std::size_t i = 0; i < mesh.size(); ++i) {
            mesh[i] += update[i];
        }
        for (std::size_t i = 0; i < edges.size(); ++i) {
            edges[i] += messages[i];
        }
    }

    const int m2gEdges = static_cast<int>(graphs.mesh2grid.count());
    const Matrix m2gEdgeEmbedded = referenceMlp(p, scope("mesh2grid_gnn", "encoder_edges_mesh2grid"),
                                                toDouble(graphs.mesh2grid.features), m2gEdges, true);
    messages = referenceMlp(p, scope("mesh2grid_gnn", "processor_edges_0_mesh2grid"),
                            concatenateRows({{&m2gEdgeEmbedded, L}, {&mesh, L}, {&grid, L}}, m2gEdges,
                                            {nullptr, &graphs.mesh2grid.senders, &graphs.mesh2grid.receivers}),
                            m2gEdges, true);
    sums = sumByReceiver(messages, L, graphs.mesh2grid.receivers, G);
    Matrix update = referenceMlp(p, scope("mesh2grid_gnn", "processor_nodes_0_grid_nodes"),
                                 concatenateRows({{&grid, L}, {&sums, L}}, G, {nullptr, nullptr}), G, true);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        grid[i] += update[i];
    }
    return referenceMlp(p, scope("mesh2grid_gnn", "decoder_nodes_grid_nodes"), grid, G, false);
}

Checkpoint tinyCheckpoint(int channels, int outputs, int hiddenLayers = 1)
{
    Checkpoint checkpoint;
    checkpoint.modelConfig.latentSize = 8;
    checkpoint.modelConfig.gnnMsgSteps = 2;
    checkpoint.modelConfig.hiddenLayers = hiddenLayers;
    checkpoint.path = "tiny.npz";
    NetworkShape shape;
    shape.inputChannels = channels;
    shape.outputChannels = outputs;
    checkpoint.params = randomParameters(checkpoint.modelConfig, shape, 7);
    return checkpoint;
}

std::vector<float> randomInputs(std::size_t count, std::uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> values(count);
    for (float& v : values) {
        v = normal(random);
    }
    return values;
}

// max |a − b| / max |b| over all values.
double relativeDifference(const std::vector<float>& actual, const Matrix& expected)
{
    double difference = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        difference = std::max(difference, std::abs(actual[i] - expected[i]));
        scale = std::max(scale, std::abs(expected[i]));
    }
    return difference / scale;
}

}  // namespace

class TestGraphCastNetwork : public QObject {
    Q_OBJECT

private slots:
    void mlpMatchesHandComputedValues()
    {
        // x = [1, 2]; w₀ = [[1, −1], [0.5, 2]], b₀ = [0, 1] → [2, 4]; swish → [2σ(2), 4σ(4)];
        // w₁ = identity, b₁ = [0.25, −0.25]; LayerNorm over two values maps them to ±1 (up to eps).
        std::map<std::string, Tensor> params;
        params["m_mlp/~/linear_0:w"] = Tensor{{2, 2}, {1.0f, -1.0f, 0.5f, 2.0f}};
        params["m_mlp/~/linear_0:b"] = Tensor{{2}, {0.0f, 1.0f}};
        params["m_mlp/~/linear_1:w"] = Tensor{{2, 2}, {1.0f, 0.0f, 0.0f, 1.0f}};
        params["m_mlp/~/linear_1:b"] = Tensor{{2}, {0.25f, -0.25f}};
        params["m_layer_norm:scale"] = Tensor{{2}, {2.0f, 1.0f}};
        params["m_layer_norm:offset"] = Tensor{{2}, {0.5f, -0.5f}};
        const float x[2] = {1.0f, 2.0f};
        float out[2];
        std::vector<float> scratch(64);

        const Mlp withoutNorm(params, "m", false);
        withoutNorm.apply(x, 1, out, scratch.data());
        const double h0 = 2.0 / (1.0 + std::exp(-2.0)) + 0.25;
        const double h1 = 4.0 / (1.0 + std::exp(-4.0)) - 0.25;
        QVERIFY(std::abs(out[0] - h0) < 1e-6);
        QVERIFY(std::abs(out[1] - h1) < 1e-6);

        const Mlp withNorm(params, "m", true);
        withNorm.apply(x, 1, out, scratch.data());
        const double half = (h1 - h0) / 2.0;  // deviations from the mean are ∓half
        const double normalised = half / std::sqrt(half * half + 1e-5);
        QVERIFY(std::abs(out[0] - (0.5 - 2.0 * normalised)) < 1e-6);
        QVERIFY(std::abs(out[1] - (-0.5 + normalised)) < 1e-6);
        QCOMPARE(withNorm.flops(10), 2.0 * 10 * (2 * 2 + 2 * 2));
    }

    void swishIsWithinFloatRoundingOfItsDefinition()
    {
        // x · σ(x) = x / (1 + e^−x) in double as the reference; the float32 one may differ by a
        // few units in the last place (its e^x is within 2).
        std::vector<float> x;
        for (double v = -120.0; v <= 120.0; v += 0.0137) {
            x.push_back(static_cast<float>(v));
        }
        std::vector<float> y = x;
        swishInPlace(y.data(), static_cast<std::int64_t>(y.size()));
        double worst = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double exact = x[i] / (1.0 + std::exp(-static_cast<double>(x[i])));
            const double error = std::abs(y[i] - exact);
            worst = std::max(worst, std::abs(exact) > 1e-30 ? error / std::abs(exact) : error);
        }
        QVERIFY2(worst < 4.0 * std::numeric_limits<float>::epsilon(), qPrintable(QString::number(worst)));
    }

    void layerNormUsesTheBiasedVarianceAndEpsilon()
    {
        // Row 1, 2, 3, 4: mean 2.5, biased variance 1.25.
        float row[4] = {1.0f, 2.0f, 3.0f, 4.0f};
        const float scale[4] = {1.0f, 1.0f, 1.0f, 1.0f};
        const float offset[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        layerNormRowsInPlace(row, 1, 4, scale, offset);
        const double inverse = 1.0 / std::sqrt(1.25 + 1e-5);
        QVERIFY(std::abs(row[0] - (-1.5 * inverse)) < 1e-6);
        QVERIFY(std::abs(row[3] - (1.5 * inverse)) < 1e-6);
    }

    void receiverSumsAreTheHandComputedSums()
    {
        // Receivers 0 ← edges 0, 1; 1 ← none; 2 ← edge 2.
        const std::vector<std::int32_t> receivers{0, 0, 2};
        const std::vector<float> messages{1.0f, 10.0f, 2.0f, 20.0f, 3.0f, 30.0f};
        const std::vector<float> sums = sumIntoReceivers(messages, 2, receivers, 3, 2);
        QCOMPARE(sums, (std::vector<float>{3.0f, 30.0f, 0.0f, 0.0f, 3.0f, 30.0f}));
        const std::vector<std::int32_t> unsorted{1, 0};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ReceiverBlocks(unsorted, 2, 4, 4));
    }

    void receiverSumsHaveTheSameBitsOnAnyThreadCount()
    {
        std::mt19937_64 random(3);
        const Edges edges = testing::randomEdges(500, 2000, 0, 12, random);
        const std::vector<float> messages = randomInputs(edges.count() * 16, 5);
        const std::vector<float> one = sumIntoReceivers(messages, 16, edges.receivers, 2000, 1);
        for (int threads : {2, 3, 8}) {
            const std::vector<float> many = sumIntoReceivers(messages, 16, edges.receivers, 2000, threads);
            QVERIFY(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
        }
    }

    void networkMatchesDirectTransliteration_data()
    {
        QTest::addColumn<int>("hiddenLayers");
        QTest::newRow("one hidden layer (graphcast)") << 1;
        QTest::newRow("two hidden layers") << 2;
    }

    void networkMatchesDirectTransliteration()
    {
        QFETCH(int, hiddenLayers);
        const int channels = 5;
        const int outputs = 3;
        const Graphs graphs = testing::randomGraphs(40, 12, 11);
        const Checkpoint checkpoint = tinyCheckpoint(channels, outputs, hiddenLayers);
        const GraphCastNetwork network(checkpoint, graphs, channels, outputs, 2);
        const std::vector<float> inputs = randomInputs(static_cast<std::size_t>(graphs.gridNodes) * channels, 1);
        std::vector<float> result(static_cast<std::size_t>(graphs.gridNodes) * outputs);
        network.forward(inputs, result);
        const Matrix expected = referenceForward(checkpoint, graphs, inputs, channels);
        // float32 against double through ~10 MLPs of width 8: rounding of order 1e-7 per operation.
        const double difference = relativeDifference(result, expected);
        QVERIFY2(difference < 1e-5, qPrintable(QString::number(difference)));
    }

    void forwardHasTheSameBitsOnAnyThreadCount()
    {
        const int channels = 7;
        const int outputs = 4;
        const Graphs graphs = testing::randomGraphs(3000, 700, 13);
        const Checkpoint checkpoint = tinyCheckpoint(channels, outputs);
        GraphCastNetwork network(checkpoint, graphs, channels, outputs, 1);
        const std::vector<float> inputs = randomInputs(static_cast<std::size_t>(graphs.gridNodes) * channels, 2);
        std::vector<float> single(static_cast<std::size_t>(graphs.gridNodes) * outputs);
        network.forward(inputs, single);
        for (int threads : {2, 5}) {
            network.setThreads(threads);
            std::vector<float> many(single.size());
            network.forward(inputs, many);
            QVERIFY(std::memcmp(single.data(), many.data(), single.size() * sizeof(float)) == 0);
        }
    }

    void gemmFlopsCountEveryProductOnce()
    {
        const int C = 5, out = 3, L = 8;
        const Graphs graphs = testing::randomGraphs(40, 12, 19);
        const GraphCastNetwork network(tinyCheckpoint(C, out), graphs, C, out);
        const double G = graphs.gridNodes, M = graphs.meshNodes, F = graphs.nodeFeatureSize;
        const double g2m = static_cast<double>(graphs.grid2mesh.count());
        const double mesh = static_cast<double>(graphs.mesh.count());
        const double m2g = static_cast<double>(graphs.mesh2grid.count());
        const double LL = L * L;
        // grid embedder, grid→mesh sender projection, grid node update; grid→mesh edge MLP after
        // its first layer (whose static part is precomputed), mesh node update; per message step
        // sender and receiver projections, the edge part of the first layer, the second layer and
        // the node update; mesh→grid projections, second edge layer, grid node update, decoder.
        double expected = 2 * G * ((C + F) * L + LL) + 2 * G * LL + 2 * G * 2 * LL;
        expected += 2 * g2m * LL + 2 * M * (2 * LL + LL);
        expected += 2 * (2 * 2 * M * LL + 2 * mesh * LL + 2 * mesh * LL + 2 * M * 3 * LL);
        expected += 2 * M * LL + 2 * G * LL + 2 * m2g * LL + 2 * G * 3 * LL + 2 * G * (LL + L * out);
        QCOMPARE(network.gemmFlopsPerForward(), expected);
    }

    // At 0.25° the static first-layer parts of the grid2mesh and mesh2grid edges (9.0 GiB) are
    // not stored but computed again in chunks of 65,536 edges in every forward pass; with the same
    // GEMMs on the same 512-edge row blocks they must give the stored ones' bits. Both edge sets
    // here span two chunks, one border inside a row block.
    void streamedEdgePartsGiveTheBitsOfStoredOnes()
    {
        const int channels = 5;
        const int outputs = 3;
        Graphs graphs = testing::randomGraphs(40000, 700, 23);  // 120,000 mesh→grid edges
        std::mt19937_64 random(29);
        graphs.grid2mesh = testing::randomEdges(graphs.gridNodes, graphs.meshNodes, 100, 140, random);
        QVERIFY(graphs.grid2mesh.count() > 65536 && graphs.mesh2grid.count() > 65536);
        const Checkpoint checkpoint = tinyCheckpoint(channels, outputs);
        const GraphCastNetwork stored(checkpoint, graphs, channels, outputs, 1, EdgeParts::Stored);
        GraphCastNetwork streamed(checkpoint, graphs, channels, outputs, 1, EdgeParts::Streamed);
        QVERIFY(stored.storesEdgeParts());
        QVERIFY(!streamed.storesEdgeParts());
        QVERIFY(GraphCastNetwork(checkpoint, graphs, channels, outputs).storesEdgeParts());  // far below 1 GiB
        const std::vector<float> inputs = randomInputs(static_cast<std::size_t>(graphs.gridNodes) * channels, 4);
        std::vector<float> expected(static_cast<std::size_t>(graphs.gridNodes) * outputs);
        stored.forward(inputs, expected);
        for (int threads : {1, 3}) {
            streamed.setThreads(threads);
            std::vector<float> result(expected.size());
            streamed.forward(inputs, result);
            QVERIFY(std::memcmp(expected.data(), result.data(), expected.size() * sizeof(float)) == 0);
        }
        // Computing them again costs their embedder and first layer every pass.
        const double L = 8;
        const double g2m = static_cast<double>(graphs.grid2mesh.count());
        const double m2g = static_cast<double>(graphs.mesh2grid.count());
        const double again = 2 * (g2m + m2g) * (4 * L + L * L) + 2 * (g2m + m2g) * L * L;
        QCOMPARE(streamed.gemmFlopsPerForward(), stored.gemmFlopsPerForward() + again);
    }

    void memoryFiguresFollowFromTheSizes()
    {
        const int C = 5, out = 3, threads = 2;
        const std::size_t L = 8;
        const Graphs graphs = testing::randomGraphs(40, 12, 19);
        const Checkpoint checkpoint = tinyCheckpoint(C, out);
        std::size_t parameters = 0;
        for (const auto& entry : checkpoint.params) {
            parameters += static_cast<std::size_t>(entry.second.size());
        }
        const auto G = static_cast<std::size_t>(graphs.gridNodes);
        const auto M = static_cast<std::size_t>(graphs.meshNodes);
        const std::size_t g2m = graphs.grid2mesh.count(), mesh = graphs.mesh.count(), m2g = graphs.mesh2grid.count();
        const GraphCastNetwork stored(checkpoint, graphs, C, out, threads, EdgeParts::Stored);
        const GraphCastNetwork streamed(checkpoint, graphs, C, out, threads, EdgeParts::Streamed);
        // Both: parameters, grid node features, senders and receivers of the three graphs, an
        // edge offset per receiver, the mesh node embeddings and the multimesh edge embeddings.
        const std::size_t common =
            4 * (parameters + 3 * G + M * L + mesh * L) + 4 * 2 * (g2m + mesh + m2g) + 8 * (2 * M + G);
        // Stored: both edge sets' first-layer parts; streamed: their 4 features and the mesh
        // receivers' projection instead.
        QCOMPARE(stored.storedBytes(), common + 4 * (g2m + m2g) * L);
        QCOMPARE(streamed.storedBytes(), common + 4 * (4 * (g2m + m2g) + M * L));
        // A pass: grid latents and one grid projection, mesh latents and two projections,
        // multimesh edge latents; scratch a, b, c, d and a double mlp per thread, each 512 rows
        // (no block here is larger) × 2 latents; streamed, one chunk of 512-edge row blocks.
        const std::size_t pass = 4 * (G * 2 * L + M * 3 * L + mesh * L) + threads * 6 * 512 * (2 * L) * 4;
        QCOMPARE(stored.forwardBytes(), pass);
        const std::size_t rows = (std::max(g2m, m2g) + 511) / 512 * 512;
        QCOMPARE(streamed.forwardBytes(), pass + 4 * rows * L);
    }

    void badParameterShapesAreRefused()
    {
        const Graphs graphs = testing::randomGraphs(20, 6, 17);
        const std::string key = "mesh_gnn/~_networks_builder/processor_edges_1_mesh_mlp/~/linear_0:w";
        Checkpoint wrongShape = tinyCheckpoint(5, 3);
        wrongShape.params[key] = Tensor{{23, 8}, std::vector<float>(23 * 8)};
        try {
            GraphCastNetwork(wrongShape, graphs, 5, 3);
            QFAIL("a parameter of the wrong shape was accepted");
        } catch (const InputError& error) {
            const QString message = error.what();
            QVERIFY2(message.contains(QString::fromStdString(key)), error.what());
            QVERIFY2(message.contains("[23, 8]") && message.contains("[24, 8]"), error.what());
            QVERIFY2(message.contains("tiny.npz"), error.what());
        }

        Checkpoint missing = tinyCheckpoint(5, 3);
        missing.params.erase("mesh2grid_gnn/~_networks_builder/decoder_nodes_grid_nodes_mlp/~/linear_1:b");
        try {
            GraphCastNetwork(missing, graphs, 5, 3);
            QFAIL("a missing parameter was accepted");
        } catch (const InputError& error) {
            QVERIFY2(QString(error.what()).contains("decoder_nodes_grid_nodes_mlp/~/linear_1:b"), error.what());
            QVERIFY2(QString(error.what()).contains("[3]"), error.what());
        }

        // Channels that disagree with the task: the grid embedder's first layer has 5 + 3 rows.
        QVERIFY_THROWS_EXCEPTION(InputError, GraphCastNetwork(tinyCheckpoint(5, 3), graphs, 6, 3));
        // A layer norm where graphcast has none (the decoder) is an unknown parameter.
        Checkpoint extra = tinyCheckpoint(5, 3);
        extra.params["mesh2grid_gnn/~_networks_builder/decoder_nodes_grid_nodes_layer_norm:scale"] =
            Tensor{{3}, {1.0f, 1.0f, 1.0f}};
        QVERIFY_THROWS_EXCEPTION(InputError, GraphCastNetwork(extra, graphs, 5, 3));
    }

    void parameterKeysAreGraphCastsHaikuPaths()
    {
        ModelConfig config;
        config.latentSize = 512;
        config.gnnMsgSteps = 16;
        NetworkShape shape;
        shape.inputChannels = 183;  // GraphCast_small: 186 rows with the 3 structural features
        shape.outputChannels = 83;
        const auto shapes = expectedParameterShapes(config, shape);
        using Shape = std::vector<std::int64_t>;
        QCOMPARE(shapes.at("grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/linear_0:w"),
                 (Shape{186, 512}));
        QCOMPARE(shapes.at("grid2mesh_gnn/~_networks_builder/encoder_nodes_mesh_nodes_mlp/~/linear_0:w"),
                 (Shape{186, 512}));
        QCOMPARE(shapes.at("mesh_gnn/~_networks_builder/processor_edges_15_mesh_mlp/~/linear_0:w"), (Shape{1536, 512}));
        QCOMPARE(shapes.at("mesh_gnn/~_networks_builder/processor_nodes_15_mesh_nodes_layer_norm:offset"),
                 (Shape{512}));
        QCOMPARE(shapes.at("mesh2grid_gnn/~_networks_builder/decoder_nodes_grid_nodes_mlp/~/linear_1:w"),
                 (Shape{512, 83}));
        QVERIFY(!shapes.contains("mesh2grid_gnn/~_networks_builder/decoder_nodes_grid_nodes_layer_norm:scale"));
        // 6 MLPs in grid2mesh, 1 + 2·16 in mesh, 5 in mesh2grid; 4 arrays each, +2 for layer norms
        // (all but the decoder).
        QCOMPARE(shapes.size(), std::size_t((6 + 33 + 5) * 6 - 2));
    }
};

QTEST_APPLESS_MAIN(TestGraphCastNetwork)
#include "TestGraphCastNetwork.moc"
