#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCache.h"
#include "graphcast/GridMeshConnectivity.h"
#include "graphcast/IcosahedralMesh.h"
#include "graphcast/NumpyTrigonometry.h"
#include "graphcast/SpatialFeatures.h"

#include <QProcess>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <numbers>
#include <set>

using namespace spreadcast::graphcast;

namespace {

// Derived independently by running google-deepmind/graphcast's own code (commit 08cf736:
// icosahedral_mesh.py, grid_mesh_connectivity.radius_query_indices with
// graphcast._get_max_edge_distance × 0.6, scipy 1.10 cKDTree, numpy 1.24 on an AVX-512 CPU) on
// the 1° grid (lat −90…90, lon 0…359, float32 as graphcast casts them). Mesh 5 is
// GraphCast_small's and gives the 101,892 reported for it; 0.25° with mesh 6 (GraphCast,
// GraphCast_operational) gives 1,618,818 with the same edges as here (not rebuilt in this test:
// `spreadcast-cli graph --mesh-size 6 --resolution 0.25` prints it). Mesh 2 and 6 at 1° have grid
// points within a rounding error of the radius, so their counts hold only with numpy's own float32
// sin/cos (NumpyTrigonometry): with correctly rounded ones graphcast's code gives 100,652 and
// 102,791.
constexpr int gridToMeshEdgesAtOneDegree[] = {77574, 95334, 100655, 102054, 102486, 101892, 102792};

// The same run on a 10° grid (19 × 36 points) with mesh 2.
constexpr int gridToMeshEdgesTenDegreesMeshTwo = 1236;

std::vector<std::array<float, 3>> gridPositions(const LatLonGrid& grid)
{
    return nodePositions(gridNodeLatLon(grid));
}

double norm(const float* v)
{
    return std::sqrt(double(v[0]) * v[0] + double(v[1]) * v[1] + double(v[2]) * v[2]);
}

void verifySortedByReceiverThenSender(const Edges& edges)
{
    for (std::size_t e = 1; e < edges.count(); ++e) {
        const auto previous = std::make_pair(edges.receivers[e - 1], edges.senders[e - 1]);
        const auto current = std::make_pair(edges.receivers[e], edges.senders[e]);
        QVERIFY2(previous < current, "edges must be sorted by receiver, then sender, without repeats");
    }
}

void verifyEdgeFeatures(const Edges& edges)
{
    QCOMPARE(edges.featureSize, edgeFeatureCount);
    QCOMPARE(edges.features.size(), edges.count() * edgeFeatureCount);
    float longest = 0.0f;
    for (std::size_t e = 0; e < edges.count(); ++e) {
        const float* row = &edges.features[e * edgeFeatureCount];
        // The length is the displacement's norm, both divided by the same factor, each rounded to
        // float32 once (relative 2⁻²⁴ each, so a few 1e-7 of a value ≤ 1).
        QVERIFY(std::abs(norm(row + 1) - row[0]) < 1e-6);
        longest = std::max(longest, row[0]);
    }
    QCOMPARE(longest, 1.0f);  // normalised by the longest edge of the set
}

}  // namespace

class TestGraphCastGraphs : public QObject {
    Q_OBJECT

    Graphs oneDegree_;
    double oneDegreeSeconds_ = 0.0;

private slots:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        oneDegree_ = buildGraphs(ModelConfig{}, LatLonGrid::regular(1.0));
        oneDegreeSeconds_ = double(timer.nsecsElapsed()) * 1e-9;
        qInfo("1° mesh 5 graphs built in %.2f s", oneDegreeSeconds_);
    }

    void regularGridIsGraphcastsLatLonGrid()
    {
        const LatLonGrid one = LatLonGrid::regular(1.0);
        QCOMPARE(one.latitudes.size(), std::size_t(181));
        QCOMPARE(one.longitudes.size(), std::size_t(360));
        QCOMPARE(one.latitudes.front(), -90.0);
        QCOMPARE(one.latitudes.back(), 90.0);
        QCOMPARE(one.longitudes.back(), 359.0);
        const LatLonGrid quarter = LatLonGrid::regular(0.25);
        QCOMPARE(quarter.points(), std::size_t(1038240));
        QCOMPARE(quarter.latitudes[1], -89.75);
        for (const double bad : {0.0, -1.0, 0.7, 7.0, 200.0, std::numeric_limits<double>::quiet_NaN()}) {
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LatLonGrid::regular(bad));
        }
    }

    void sinAndCosAreNumpysFloat32Ones()
    {
        // np.sin / np.cos of np.deg2rad(np.float32(k)) with numpy 1.24: k = 17, 39, 43, 47, 49, 51°,
        // where numpy's result is not the correctly rounded one.
        struct Golden {
            std::uint32_t x, sine, cosine;
        };
        const Golden golden[] = {{0x3e97e9d8, 0x3e95b1be, 0x3f74d063}, {0x3f2e40f1, 0x3f211b24, 0x3f46f30a},
                                 {0x3f402037, 0x3f2e9771, 0x3f3b39ff}, {0x3f51ff7e, 0x3f3b39ff, 0x3f2e9771},
                                 {0x3f5aef21, 0x3f4134a6, 0x3f27f37c}, {0x3f63dec4, 0x3f46f30a, 0x3f211b24}};
        auto bits = [](float value) {
            std::uint32_t word = 0;
            std::memcpy(&word, &value, sizeof(word));
            return word;
        };
        for (const Golden& g : golden) {
            float x = 0.0f;
            std::memcpy(&x, &g.x, sizeof(x));
            QCOMPARE(bits(numpySin(x)), g.sine);
            QCOMPARE(bits(numpyCos(x)), g.cosine);
        }
        // Elsewhere within 1.5 ulp of the true values (numpy's stated bound), here checked to 2 ulp.
        for (int k = -720; k <= 720; ++k) {
            const float x = float(k) * (std::numbers::pi_v<float> / 180.0f);
            QVERIFY(std::abs(double(numpySin(x)) - std::sin(double(x))) <= 2.4e-7);
            QVERIFY(std::abs(double(numpyCos(x)) - std::cos(double(x))) <= 2.4e-7);
        }
    }

    void meshCountsFollowTheFormulas()
    {
        for (int meshSize = 0; meshSize <= 6; ++meshSize) {
            const std::vector<TriangularMesh> levels = meshHierarchy(meshSize);
            QCOMPARE(int(levels.size()), meshSize + 1);
            const long power = 1L << (2 * meshSize);  // 4^meshSize
            QCOMPARE(long(levels.back().vertices.size()), 10 * power + 2);
            QCOMPARE(long(levels.back().faces.size()), 20 * power);
            long undirected = 0;
            for (int level = 0; level <= meshSize; ++level) {
                undirected += 30L << (2 * level);
                // Each level's vertices begin with the coarser level's, bit for bit.
                QVERIFY(std::equal(levels[level].vertices.begin(), levels[level].vertices.end(),
                                   levels.back().vertices.begin()));
            }
            DirectedEdges multimesh = facesToEdges(mergeMeshes(levels).faces);
            QCOMPARE(long(multimesh.senders.size()), 2 * undirected);
            // Both directions of every edge and no edge twice, without any deduplication.
            std::set<std::pair<std::int32_t, std::int32_t>> edges;
            for (std::size_t e = 0; e < multimesh.senders.size(); ++e) {
                QVERIFY(edges.emplace(multimesh.senders[e], multimesh.receivers[e]).second);
            }
            for (const auto& [sender, receiver] : edges) {
                QVERIFY(edges.count({receiver, sender}) == 1);
            }
            for (const auto& vertex : levels.back().vertices) {
                const double length = norm(vertex.data());
                QVERIFY(std::abs(length - 1.0) < 4e-7);  // unit vectors to float32 rounding
            }
        }
    }

    void meshVerticesAreGraphcastsBitForBit()
    {
        // From icosahedral_mesh.get_hierarchy_of_triangular_meshes_for_sphere(5)[-1].vertices
        // (graphcast at 08cf736, numpy 1.24 with OpenBLAS): node i is graphcast's node i.
        struct Golden {
            int index;
            std::uint32_t bits[3];
        };
        const Golden golden[] = {
            {0, {0x3efb7488, 0x3f59c440, 0x3e40183d}},    {5, {0xbf7b7489, 0x0, 0x3e40183d}},
            {11, {0xbf1b686a, 0x0, 0xbf4b6e79}},          {12, {0x3de1d223, 0x3f4f1bbe, 0x3f13cd3a}},
            {100, {0xbeddc665, 0x3ed9c442, 0xbf4b6e79}},  {2561, {0xbf38c951, 0x3f14face, 0x3ebfc812}},
            {10241, {0xbf3ad50c, 0x3f186087, 0x3eac2c82}}};
        const TriangularMesh finest = meshHierarchy(5).back();
        for (const Golden& vertex : golden) {
            for (int k = 0; k < 3; ++k) {
                std::uint32_t bits = 0;
                std::memcpy(&bits, &finest.vertices[vertex.index][k], sizeof(bits));
                QCOMPARE(bits, vertex.bits[k]);
            }
        }
    }

    void oneDegreeMeshFiveHasGraphcastSmallsCounts()
    {
        QCOMPARE(oneDegree_.meshNodes, 10242);
        QCOMPARE(oneDegree_.mesh.count(), std::size_t(81900));
        QCOMPARE(oneDegree_.gridNodes, 65160);
        QCOMPARE(oneDegree_.grid2mesh.count(), std::size_t(101892));
        QCOMPARE(oneDegree_.mesh2grid.count(), std::size_t(195480));
        QCOMPARE(oneDegree_.nodeFeatureSize, nodeFeatureCount);
        QCOMPARE(oneDegree_.gridNodeFeatures.size(), std::size_t(65160 * 3));
        QCOMPARE(oneDegree_.meshNodeFeatures.size(), std::size_t(10242 * 3));
        for (const Edges* edges : {&oneDegree_.grid2mesh, &oneDegree_.mesh, &oneDegree_.mesh2grid}) {
            verifySortedByReceiverThenSender(*edges);
            verifyEdgeFeatures(*edges);
        }
    }

    void gridToMeshCountsMatchGraphcastAcrossMeshSizes()
    {
        const std::vector<std::array<float, 3>> positions = gridPositions(LatLonGrid::regular(1.0));
        for (int meshSize = 0; meshSize <= 6; ++meshSize) {
            const TriangularMesh finest = meshHierarchy(meshSize).back();
            const double radius = double(maxEdgeLength(finest)) * 0.6;
            const DirectedEdges edges = radiusQueryEdges(positions, finest, radius);
            QCOMPARE(int(edges.senders.size()), gridToMeshEdgesAtOneDegree[meshSize]);
        }
        ModelConfig config;
        config.meshSize = 2;
        QCOMPARE(int(buildGraphs(config, LatLonGrid::regular(10.0)).grid2mesh.count()),
                 gridToMeshEdgesTenDegreesMeshTwo);
    }

    void gridToMeshEdgesAreExactlyThoseWithinTheRadius()
    {
        // Brute force over every pair on a coarse grid, with the radius test cKDTree makes.
        const LatLonGrid grid = LatLonGrid::regular(10.0);
        const std::vector<std::array<float, 3>> positions = gridPositions(grid);
        const TriangularMesh finest = meshHierarchy(3).back();
        const double radius = double(maxEdgeLength(finest)) * 0.6;
        std::vector<std::pair<std::int32_t, std::int32_t>> expected;  // (receiver, sender)
        for (std::size_t m = 0; m < finest.vertices.size(); ++m) {
            for (std::size_t g = 0; g < positions.size(); ++g) {
                double squared = 0.0;
                for (int k = 0; k < 3; ++k) {
                    const double d = double(positions[g][k]) - double(finest.vertices[m][k]);
                    squared += d * d;
                }
                if (squared <= radius * radius) {
                    expected.emplace_back(std::int32_t(m), std::int32_t(g));
                }
            }
        }
        const DirectedEdges edges = radiusQueryEdges(positions, finest, radius);
        QCOMPARE(edges.senders.size(), expected.size());
        for (std::size_t e = 0; e < expected.size(); ++e) {
            QCOMPARE(edges.receivers[e], expected[e].first);
            QCOMPARE(edges.senders[e], expected[e].second);
        }
    }

    void meshToGridSendersFormAFinestFaceContainingTheGridPoint()
    {
        const TriangularMesh finest = meshHierarchy(5).back();
        std::map<std::array<std::int32_t, 3>, std::size_t> faceBySortedVertices;
        for (std::size_t f = 0; f < finest.faces.size(); ++f) {
            std::array<std::int32_t, 3> sorted = finest.faces[f];
            std::sort(sorted.begin(), sorted.end());
            faceBySortedVertices.emplace(sorted, f);
        }
        const std::vector<std::array<float, 3>> positions = gridPositions(LatLonGrid::regular(1.0));
        const Edges& edges = oneDegree_.mesh2grid;
        for (std::size_t g = 0; g < positions.size(); ++g) {
            std::array<std::int32_t, 3> senders{};
            for (int k = 0; k < 3; ++k) {
                QCOMPARE(edges.receivers[3 * g + k], std::int32_t(g));
                senders[k] = edges.senders[3 * g + k];
            }
            const auto found = faceBySortedVertices.find(senders);
            QVERIFY2(found != faceBySortedVertices.end(),
                     "a grid point's three mesh senders must be a finest-level face");
            // Inside the face's cone: on the inner side of the three great circles through its
            // edges, to rounding (a grid point on a shared edge belongs to both faces).
            const std::array<std::int32_t, 3>& face = finest.faces[found->second];
            for (int k = 0; k < 3; ++k) {
                const auto& a = finest.vertices[face[k]];
                const auto& b = finest.vertices[face[(k + 1) % 3]];
                const double n[3] = {double(a[1]) * b[2] - double(a[2]) * b[1],
                                     double(a[2]) * b[0] - double(a[0]) * b[2],
                                     double(a[0]) * b[1] - double(a[1]) * b[0]};
                const double side = (n[0] * positions[g][0] + n[1] * positions[g][1] + n[2] * positions[g][2]) /
                                    std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
                QVERIFY2(side > -1e-12, qPrintable(QString("grid point %1 lies outside its face").arg(g)));
            }
        }
    }

    void nodeFeaturesAreSinLatitudeCosAndSinLongitude()
    {
        // model_utils: cos(90° − lat), cos(lon), sin(lon); e.g. graphcast's mesh node 0 and the
        // grid node at (−90°, 100°).
        const float* mesh0 = &oneDegree_.meshNodeFeatures[0];
        QVERIFY(std::abs(mesh0[0] - 0.18759258f) < 1e-6f);
        QVERIFY(std::abs(mesh0[1] - 0.49999997f) < 1e-6f);
        QVERIFY(std::abs(mesh0[2] - 0.86602545f) < 1e-6f);
        const float* southPole100 = &oneDegree_.gridNodeFeatures[100 * 3];
        QCOMPARE(southPole100[0], -1.0f);
        QVERIFY(std::abs(southPole100[1] - float(std::cos(100.0 * std::numbers::pi / 180.0))) < 1e-7f);
        QVERIFY(std::abs(southPole100[2] - float(std::sin(100.0 * std::numbers::pi / 180.0))) < 1e-7f);
        for (std::size_t n = 0; n < std::size_t(oneDegree_.gridNodes); ++n) {
            const float* row = &oneDegree_.gridNodeFeatures[3 * n];
            QVERIFY(std::abs(double(row[1]) * row[1] + double(row[2]) * row[2] - 1.0) < 3e-7);
        }
    }

    void edgeFeaturesAreInTheReceiversLocalFrame()
    {
        // A receiver on the equator at 0° E: its frame is the global one (x up, y east, z north),
        // so a sender 1° north is at (cos 1° − 1, 0, sin 1°) and one 1° east at (cos 1° − 1, sin 1°, 0).
        NodeLatLon receiver{{0.0f}, {0.0f}};
        NodeLatLon senders{{1.0f, 0.0f}, {0.0f, 1.0f}};
        Edges edges;
        edges.senders = {0, 1};
        edges.receivers = {0, 0};
        setEdgeSpatialFeatures(edges, senders, receiver, 1.0);
        const double oneDegree = std::numbers::pi / 180.0;
        const double expected[2][4] = {{2 * std::sin(oneDegree / 2), std::cos(oneDegree) - 1, 0, std::sin(oneDegree)},
                                       {2 * std::sin(oneDegree / 2), std::cos(oneDegree) - 1, std::sin(oneDegree), 0}};
        // float32 positions of unit vectors: each component within 2⁻²⁴ ≈ 6e-8, twice for a difference.
        for (int e = 0; e < 2; ++e) {
            for (int k = 0; k < 4; ++k) {
                QVERIFY2(std::abs(edges.features[4 * e + k] - expected[e][k]) < 2e-7,
                         qPrintable(QString("edge %1 feature %2: %3").arg(e).arg(k).arg(edges.features[4 * e + k])));
            }
        }

        // The same northward step into a receiver at 40° N, 100° E looks the same in its frame.
        NodeLatLon far{{40.0f}, {100.0f}};
        NodeLatLon north{{41.0f}, {100.0f}};
        Edges moved;
        moved.senders = {0};
        moved.receivers = {0};
        setEdgeSpatialFeatures(moved, north, far, 1.0);
        for (int k = 0; k < 4; ++k) {
            QVERIFY(std::abs(moved.features[k] - expected[0][k]) < 4e-7);
        }

        // In the 1° graph, graphcast's mesh→grid edge from mesh node 3382 (−0.90° N, 0° E) into
        // the grid node at (0°, 0°), normalised by the longest mesh→grid edge, as its
        // model_utils computes it (to 5e-5: graphcast's float32 latitudes and longitudes of mesh
        // nodes come from numpy's float32 atan2/acos, which are up to a few ulp off, measured
        // at ≤ 4e-5 in these features).
        const std::int32_t equatorNode = 90 * 360;
        const Edges& m2g = oneDegree_.mesh2grid;
        const auto first =
            std::lower_bound(m2g.receivers.begin(), m2g.receivers.end(), equatorNode) - m2g.receivers.begin();
        bool found = false;
        for (auto e = first; e < first + 3; ++e) {
            if (m2g.senders[e] == 3382) {
                const float graphcast[4] = {0.3869534f, -0.003041813f, 0.0f, -0.3869415f};
                for (int k = 0; k < 4; ++k) {
                    QVERIFY(std::abs(m2g.features[4 * e + k] - graphcast[k]) < 5e-5f);
                }
                found = true;
            }
        }
        QVERIFY2(found, "the grid node at (0°, 0°) lies on the mesh edge 3382–858 and takes both");

        // graphcast's multimesh edge 1 → 0 (model_utils.get_graph_spatial_features).
        const float graphcastMesh[4] = {0.9999994f, -0.5257308f, 0.4999998f, 0.6881905f};
        QCOMPARE(oneDegree_.mesh.receivers[0], 0);
        QCOMPARE(oneDegree_.mesh.senders[0], 1);
        for (int k = 0; k < 4; ++k) {
            QVERIFY(std::abs(oneDegree_.mesh.features[k] - graphcastMesh[k]) < 5e-5f);
        }
    }

    void meshToGridNormalisationFactorIsUsedWhenSet()
    {
        ModelConfig config;
        config.meshSize = 2;
        const LatLonGrid grid = LatLonGrid::regular(10.0);
        const Graphs byLongest = buildGraphs(config, grid);
        config.mesh2gridEdgeNormalizationFactor = 0.5;
        const Graphs byFactor = buildGraphs(config, grid);
        float longest = 0.0f;
        for (std::size_t e = 0; e < byLongest.mesh2grid.count(); ++e) {
            longest = std::max(longest, byFactor.mesh2grid.features[4 * e]);
        }
        // byLongest divides by the longest length L, byFactor by 0.5: the longest becomes 2L.
        for (std::size_t e = 0; e < byLongest.mesh2grid.count(); ++e) {
            const double rescaled = double(byLongest.mesh2grid.features[4 * e]) * longest;
            QVERIFY(std::abs(rescaled - byFactor.mesh2grid.features[4 * e]) < 1e-6);
        }
        QCOMPARE(byFactor.grid2mesh.features, byLongest.grid2mesh.features);
    }

    void cacheStoresValidatesAndRebuilds()
    {
        QTemporaryDir directory;
        const GraphCache cache(directory.path().toStdString());
        ModelConfig config;
        config.meshSize = 2;
        const LatLonGrid grid = LatLonGrid::regular(10.0);

        const CachedGraphs built = cache.loadOrBuild(config, grid);
        QVERIFY(built.source == CachedGraphs::Source::Built);
        QVERIFY2(built.note.empty(), built.note.c_str());
        QVERIFY(std::filesystem::exists(built.file));

        const CachedGraphs loaded = cache.loadOrBuild(config, grid);
        QVERIFY(loaded.source == CachedGraphs::Source::Cache);
        QCOMPARE(loaded.graphs.grid2mesh.senders, built.graphs.grid2mesh.senders);
        QCOMPARE(loaded.graphs.mesh.features, built.graphs.mesh.features);
        QCOMPARE(loaded.graphs.mesh2grid.receivers, built.graphs.mesh2grid.receivers);
        QCOMPARE(loaded.graphs.gridNodeFeatures, built.graphs.gridNodeFeatures);

        // Another configuration or grid: another file.
        ModelConfig other = config;
        other.radiusQueryFractionEdgeLength = 1.0;
        QVERIFY(cache.fileFor(other, grid) != built.file);
        QVERIFY(cache.fileFor(config, LatLonGrid::regular(5.0)) != built.file);

        // One flipped bit in the middle: the checksum catches it, and the graphs are rebuilt.
        const auto size = std::filesystem::file_size(built.file);
        {
            std::fstream file(built.file, std::ios::in | std::ios::out | std::ios::binary);
            file.seekg(std::streamoff(size / 2));
            char byte = 0;
            file.read(&byte, 1);
            byte = char(byte ^ 0x10);
            file.seekp(std::streamoff(size / 2));
            file.write(&byte, 1);
        }
        const CachedGraphs repaired = cache.loadOrBuild(config, grid);
        QVERIFY(repaired.source == CachedGraphs::Source::Built);
        QVERIFY2(repaired.note.find("checksum") != std::string::npos, repaired.note.c_str());
        QCOMPARE(repaired.graphs.mesh.features, built.graphs.mesh.features);
        QVERIFY(cache.loadOrBuild(config, grid).source == CachedGraphs::Source::Cache);

        // A truncated file is refused too.
        std::filesystem::resize_file(built.file, size - 7);
        const CachedGraphs truncated = cache.loadOrBuild(config, grid);
        QVERIFY(truncated.source == CachedGraphs::Source::Built);
        QVERIFY2(truncated.note.find("truncated") != std::string::npos, truncated.note.c_str());
        QCOMPARE(std::filesystem::file_size(built.file), size);

        // Only the finished file is left behind, no temporary.
        int files = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory.path().toStdString())) {
            ++files;
        }
        QCOMPARE(files, 1);
    }

    void cliPrintsTheSizes()
    {
        QTemporaryDir directory;
        QProcess cli;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("XDG_CACHE_HOME", directory.path());
        cli.setProcessEnvironment(environment);
        cli.start(SPREADCAST_CLI, {"graph", "--mesh-size", "2", "--resolution", "10"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(out.contains("mesh nodes: 162\n"), qPrintable(out));
        QVERIFY(out.contains("multimesh edges: 1260\n"));
        QVERIFY(out.contains("grid nodes: 684\n"));
        QVERIFY(out.contains(QString("grid2mesh edges: %1\n").arg(gridToMeshEdgesTenDegreesMeshTwo)));
        QVERIFY(out.contains("mesh2grid edges: 2052\n"));
        QVERIFY(out.contains("source: built, cached in " + directory.path() + "/spreadcast/graphs/"));

        cli.start(SPREADCAST_CLI, {"graph", "--mesh-size", "2", "--resolution", "10"});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY(QString::fromUtf8(cli.readAllStandardOutput()).contains("source: cache "));

        for (const QStringList& bad :
             {QStringList{"graph", "--resolution", "0.7"}, QStringList{"graph", "--mesh-size", "-1"},
              QStringList{"graph", "--resolution", "zero"}}) {
            cli.start(SPREADCAST_CLI, bad);
            QVERIFY(cli.waitForFinished(60000));
            QCOMPARE(cli.exitCode(), 2);
            QVERIFY(cli.readAllStandardOutput().isEmpty());
            QVERIFY(!cli.readAllStandardError().isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestGraphCastGraphs)
#include "TestGraphCastGraphs.moc"
