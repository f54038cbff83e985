#include "graphcast/CheckpointReader.h"
#include "graphcast/DatasetReader.h"
#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCastInitialState.h"
#include "graphcast/GraphCastPredictor.h"
#include "graphcast/NormalizationStatsReader.h"
#include "graphcast/NpzArchive.h"

#include <QtTest/QtTest>

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

// The graphs the numpy reference used (tests/graphcast/reference.py --dump-graphs), edges sorted
// by receiver then sender as GraphBuilder sorts them, so that the check isolates the network and
// the predictor from the graph construction.
Edges referenceEdges(const NpzArchive& archive, const std::string& name)
{
    const auto senders = npyToIntegers(archive.readArray(name + "_senders"), name);
    const auto receivers = npyToIntegers(archive.readArray(name + "_receivers"), name);
    const NpyArray featureArray = archive.readArray(name + "_edge_features");
    const std::vector<float> features = npyToFloat32(featureArray, name);
    const auto featureSize = static_cast<int>(featureArray.shape.at(1));
    std::vector<std::size_t> order(senders.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::pair(receivers[a], senders[a]) < std::pair(receivers[b], senders[b]);
    });
    Edges edges;
    edges.featureSize = featureSize;
    for (std::size_t edge : order) {
        edges.senders.push_back(static_cast<std::int32_t>(senders[edge]));
        edges.receivers.push_back(static_cast<std::int32_t>(receivers[edge]));
        edges.features.insert(edges.features.end(), features.begin() + static_cast<std::ptrdiff_t>(edge) * featureSize,
                              features.begin() + static_cast<std::ptrdiff_t>(edge + 1) * featureSize);
    }
    return edges;
}

Graphs referenceGraphs(const std::string& path)
{
    const NpzArchive archive = NpzArchive::openFile(path, "graphs");
    Graphs graphs;
    graphs.nodeFeatureSize = 3;
    graphs.gridNodeFeatures = npyToFloat32(archive.readArray("grid_node_features"), path);
    graphs.meshNodeFeatures = npyToFloat32(archive.readArray("mesh_node_features"), path);
    graphs.gridNodes = static_cast<int>(graphs.gridNodeFeatures.size() / 3);
    graphs.meshNodes = static_cast<int>(graphs.meshNodeFeatures.size() / 3);
    graphs.grid2mesh = referenceEdges(archive, "grid2mesh");
    graphs.mesh = referenceEdges(archive, "mesh");
    graphs.mesh2grid = referenceEdges(archive, "mesh2grid");
    return graphs;
}

std::vector<float> readNetcdfFloats(int file, const char* name, std::size_t count)
{
    int variable = 0;
    if (nc_inq_varid(file, name, &variable) != NC_NOERR) {
        return {};
    }
    std::vector<float> values(count);
    if (nc_get_var_float(file, variable, values.data()) != NC_NOERR) {
        return {};
    }
    return values;
}

}  // namespace

class TestGraphCastAgreement : public QObject {
    Q_OBJECT

    QTemporaryDir directory_;
    static constexpr int steps = 4;

    std::string path(const char* name) const { return directory_.filePath(name).toStdString(); }

    // The CPU predictor's rollout of the tiny case on graphs, inputs and forcings as graphcast's
    // data_utils makes them (initialStateFromDataset, datasetForcings).
    std::vector<Fields> rollout(const Graphs& graphs, int stepCount) const
    {
        const Checkpoint checkpoint = readCheckpoint(path("checkpoint.npz"));
        const NormalizationStats stats = readNormalizationStats(path("stats"));
        const Dataset dataset = readDataset(path("dataset.nc"));
        const GraphCastPredictor predictor(checkpoint, graphs, stats, dataset.grid);
        const InitialState start = initialStateFromDataset(dataset, checkpoint.taskConfig, predictor.inputTimes());
        std::vector<Fields> predictions;
        predictor.rollout(
            start.inputs, start.statics, start.lastInputTime, stepCount,
            [&](int, std::int64_t, const Fields& prediction) {
                predictions.push_back(prediction);
                return true;
            },
            datasetForcings(dataset, checkpoint.taskConfig));
        return predictions;
    }

private slots:
    void initTestCase()
    {
        // The reference and its generators need Debian's python3 with numpy and netCDF4.
        const QString python = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python.isEmpty() || QProcess::execute(python, {"-c", "import numpy, netCDF4"}) != 0) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 (python3-numpy, python3-netcdf4)");
        }
        QVERIFY(directory_.isValid());
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(python, {QStringLiteral(SPREADCAST_SOURCE_DIR "/tests/graphcast/make_tiny_case.py"), "--out",
                               directory_.path(), "--steps", QString::number(steps)});
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
    }

    // The tiny synthetic case (10° grid, mesh 2to2, latent 16, 2 message steps, levels 500, 850,
    // 1000) rolled out 4 steps by the CPU predictor against the numpy reference, which computes
    // in float64 from the same float32 inputs, weights and graphs. Measure: per variable and
    // step, max |C++ − reference| over all points and levels must stay within 1e-5 of the range
    // (max − min) of the reference field, plus the field's float32 storage resolution. Measured:
    // 5e-6 of the range at most (mean sea level pressure, float32 resolution), 1.5e-6 elsewhere.
    void cpuRolloutMatchesNumpyReference()
    {
        const Checkpoint checkpoint = readCheckpoint(path("checkpoint.npz"));
        const TaskConfig& task = checkpoint.taskConfig;
        const std::vector<Fields> predictions = rollout(referenceGraphs(path("graphs.npz")), steps);
        QCOMPARE(static_cast<int>(predictions.size()), steps);

        int file = 0;
        QCOMPARE(nc_open(path("reference.nc").c_str(), NC_NOWRITE, &file), NC_NOERR);
        const std::vector<float> referenceLevels = readNetcdfFloats(file, "level", task.pressureLevels.size());
        for (std::size_t level = 0; level < task.pressureLevels.size(); ++level) {
            QCOMPARE(static_cast<int>(referenceLevels[level]), task.pressureLevels[level]);
        }
        double worst = 0.0;
        for (const std::string& name : task.targetVariables) {
            const std::size_t perStep = predictions.front().variables.at(name).size();
            const std::vector<float> reference = readNetcdfFloats(file, name.c_str(), perStep * steps);
            QVERIFY2(!reference.empty(), name.c_str());
            for (int step = 0; step < steps; ++step) {
                const std::vector<float>& actual = predictions[static_cast<std::size_t>(step)].variables.at(name);
                const float* expected = reference.data() + static_cast<std::size_t>(step) * perStep;
                const auto [low, high] = std::minmax_element(expected, expected + perStep);
                double difference = 0.0;
                double largest = 0.0;
                for (std::size_t i = 0; i < perStep; ++i) {
                    difference = std::max(difference, std::abs(static_cast<double>(actual[i]) - expected[i]));
                    largest = std::max(largest, std::abs(static_cast<double>(expected[i])));
                }
                const double range = static_cast<double>(*high) - *low;
                const double relative = difference / range;
                worst = std::max(worst, relative);
                // Both sides store the fields in float32: two units in the last place of the
                // largest value are below what either can represent (mean sea level pressure,
                // ~1e5 Pa over a synthetic range of ~2e3 Pa, sits at 4e-6 of its range by that alone).
                const double storage = 2.0 * std::numeric_limits<float>::epsilon() * largest;
                QVERIFY2(difference <= 1e-5 * range + storage, qPrintable(QString("%1 step %2: %3 of the field's range")
                                                                              .arg(QString::fromStdString(name))
                                                                              .arg(step + 1)
                                                                              .arg(relative)));
            }
        }
        nc_close(file);
        qInfo("largest difference: %.3g of a field's range", worst);
    }

    // The same first step on GraphBuilder's graphs: equal to the reference's at every grid node
    // whose three mesh→grid senders both graphs agree on. They may differ at a grid node on an
    // edge of the containing mesh triangles, a tie that the reference, graphcast's trimesh and
    // GraphBuilder may break differently (graphs.npz lists those the reference found).
    void graphBuilderGraphsGiveTheSameStep()
    {
        const Checkpoint checkpoint = readCheckpoint(path("checkpoint.npz"));
        const Dataset dataset = readDataset(path("dataset.nc"));
        const Graphs built = buildGraphs(checkpoint.modelConfig, dataset.grid);
        const Graphs reference = referenceGraphs(path("graphs.npz"));
        QCOMPARE(built.grid2mesh.senders, reference.grid2mesh.senders);
        QCOMPARE(built.grid2mesh.receivers, reference.grid2mesh.receivers);
        QCOMPARE(built.mesh.senders, reference.mesh.senders);
        QCOMPARE(built.mesh.receivers, reference.mesh.receivers);
        QCOMPARE(built.mesh2grid.receivers, reference.mesh2grid.receivers);
        std::vector<std::int64_t> tied;
        for (std::size_t edge = 0; edge < built.mesh2grid.count(); ++edge) {
            if (built.mesh2grid.senders[edge] != reference.mesh2grid.senders[edge]) {
                tied.push_back(built.mesh2grid.receivers[edge]);
            }
        }
        QVERIFY(tied.size() <= 2 * 7);  // a handful of the 684 grid nodes at most
        if (!tied.empty()) {
            qInfo("%zu mesh→grid edges differ from the reference's graphs (ties), first at grid node %lld", tied.size(),
                  static_cast<long long>(tied.front()));
        }
        const Fields fromBuilt = rollout(built, 1).front();
        const Fields fromReference = rollout(reference, 1).front();
        const std::size_t points = dataset.grid.points();
        for (const auto& [name, values] : fromReference.variables) {
            const std::vector<float>& other = fromBuilt.variables.at(name);
            const auto [low, high] = std::minmax_element(values.begin(), values.end());
            for (std::size_t i = 0; i < values.size(); ++i) {
                const auto node = static_cast<std::int64_t>(i % points);
                if (std::find(tied.begin(), tied.end(), node) != tied.end()) {
                    continue;
                }
                // Features computed independently in float32 differ in the last bits.
                QVERIFY2(std::abs(values[i] - other[i]) <=
                             1e-5 * (*high - *low) + 2.0f * std::numeric_limits<float>::epsilon() * std::abs(values[i]),
                         qPrintable(QString("%1 at %2").arg(QString::fromStdString(name)).arg(i)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestGraphCastAgreement)
#include "TestGraphCastAgreement.moc"
