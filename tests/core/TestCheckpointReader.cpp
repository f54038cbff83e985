#include "../common/PythonGenerator.h"
#include "graphcast/CheckpointReader.h"
#include "graphcast/NpzArchive.h"
#include "run/InputError.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

// Writes checkpoints as graphcast.checkpoint.dump does: the CheckPoint dataclass flattened into
// one leaf per key (names joined with ':', tuple items ':0', ':1', …, None fields left out) and
// saved with np.savez. Then damaged and unsupported variants, each a file of its own.
const char* const generator = R"(
import dataclasses, io, sys, zipfile
from typing import Any, Optional
import numpy as np

out = sys.argv[1]

@dataclasses.dataclass
class ModelConfig:
    resolution: float
    mesh_size: int
    latent_size: int
    gnn_msg_steps: int
    hidden_layers: int
    radius_query_fraction_edge_length: float
    mesh2grid_edge_normalization_factor: Optional[float] = None

@dataclasses.dataclass
class TaskConfig:
    input_variables: tuple
    target_variables: tuple
    forcing_variables: tuple
    pressure_levels: tuple
    input_duration: str

@dataclasses.dataclass
class CheckPoint:
    params: dict
    model_config: ModelConfig
    task_config: TaskConfig
    description: str
    license: str

def flatten(value, prefix=""):
    if dataclasses.is_dataclass(value):
        items = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
        items = [(name, item) for name, item in items if item is not None]
    elif isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = list(enumerate(value))
    else:
        return {prefix: value}
    flat = {}
    for name, item in items:
        flat.update(flatten(item, f"{prefix}:{name}" if prefix else str(name)))
    return flat

encoder = "grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/"
params = {
    encoder + "linear_0": {"w": (np.arange(12, dtype=np.float32) * 0.5 - 2.0).reshape(3, 4),
                           "b": np.array([0.25, -1.5, 3.0, 1e-7], dtype=np.float32)},
    encoder + "layer_norm": {"scale": np.array([1.0 / 3.0, 2.0], dtype=np.float64),
                             "offset": np.array([0.5, -0.125], dtype=np.float16)},
    "mesh_gnn/~_networks_builder/processor_edges_0_mesh_mlp/~/linear_0": {
        "w": np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4))},
}
inputs = ("2m_temperature", "mean_sea_level_pressure", "10m_v_component_of_wind", "10m_u_component_of_wind",
          "total_precipitation_6hr", "temperature", "geopotential", "u_component_of_wind", "v_component_of_wind",
          "vertical_velocity", "specific_humidity", "toa_incident_solar_radiation", "year_progress_sin",
          "geopotential_at_surface", "land_sea_mask")
checkpoint = CheckPoint(
    params=params,
    model_config=ModelConfig(resolution=10.0, mesh_size=2, latent_size=16, gnn_msg_steps=2, hidden_layers=1,
                             radius_query_fraction_edge_length=0.6),
    task_config=TaskConfig(input_variables=inputs, target_variables=inputs[:11],
                           forcing_variables=("toa_incident_solar_radiation", "year_progress_sin"),
                           pressure_levels=(50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000),
                           input_duration="12h"),
    description="GraphCast test checkpoint \u2014 tiny, random",
    license="CC BY-NC-SA 4.0")
flat = flatten(checkpoint)
bias = "params:" + encoder + "linear_0:b"
flat["unknown_section:something"] = np.array([1, 2, 3])
np.savez(f"{out}/good.npz", **flat)
np.savez_compressed(f"{out}/compressed.npz", **flat)
with_factor = dict(flat)
with_factor["model_config:mesh2grid_edge_normalization_factor"] = np.array(0.6180339887)
np.savez(f"{out}/with-factor.npz", **with_factor)

def variant(name, **changes):
    arrays = {key: value for key, value in flat.items() if key not in changes or changes[key] is not None}
    arrays.update({key: value for key, value in changes.items() if value is not None})
    np.savez(f"{out}/{name}.npz", **arrays)

variant("tuple-arrays", **{f"task_config:pressure_levels:{i}": None for i in range(13)},
        **{"task_config:pressure_levels": np.array([500, 850, 1000], dtype=np.int32),
           "model_config:latent_size": np.array(16.0)})
variant("missing-config", **{"model_config:latent_size": None, "task_config:input_duration": None})
variant("missing-tuple", **{f"task_config:pressure_levels:{i}": None for i in range(13)})
variant("complex", **{bias: np.array([1 + 2j], dtype=np.complex64)})
variant("object", **{bias: np.array([{"a": 1}], dtype=object)})
variant("big-endian", **{bias: np.array([1.0, 2.0], dtype=">f4")})
variant("string-param", **{bias: np.array("oops")})
variant("negative-mesh", **{"model_config:mesh_size": np.array(-3)})
variant("fractional-steps", **{"model_config:gnn_msg_steps": np.array(2.5)})
np.savez(f"{out}/no-params.npz", **{k: v for k, v in flat.items() if not k.startswith("params:")})

good = open(f"{out}/good.npz", "rb").read()
open(f"{out}/truncated.npz", "wb").write(good[: len(good) * 3 // 5])
open(f"{out}/not-zip.npz", "w").write("this is a text file, not a zip archive\n")

def npy_header(header, version=1):
    text = header.encode("latin1")
    preamble = 6 + 2 + (2 if version == 1 else 4)
    text += b" " * ((64 - (preamble + len(text) + 1) % 64) % 64) + b"\n"
    length = len(text).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + length + text

def archive_with(name, entry_bytes):
    arrays = dict(flat)
    arrays.pop(bias)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with zipfile.ZipFile(buffer, "a") as z:
        z.writestr(bias + ".npy", entry_bytes)
    open(f"{out}/{name}.npz", "wb").write(buffer.getvalue())

four_floats = np.zeros(4, dtype="<f4").tobytes()
archive_with("short-data", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (9,), }") + four_floats)
archive_with("long-data", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }") + four_floats)
archive_with("overflow-shape", npy_header(
    "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }") + four_floats)
archive_with("huge-shape", npy_header(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }") + four_floats)
archive_with("garbage-header", npy_header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (4,), }") + four_floats)
archive_with("version-9", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }")[:6] + b"\x09\x00" +
             npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }")[8:] + four_floats)
archive_with("header-past-end", b"\x93NUMPY\x01\x00\xff\x7f{'descr'")
archive_with("version-2", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 2) + four_floats)

# One byte of a stored entry's data changed after its CRC-32 was written.
damaged = bytearray(good)
position = damaged.find(b"\x93NUMPY", damaged.find(b"linear_0:b.npy")) + 130
damaged[position] ^= 0xFF
open(f"{out}/crc.npz", "wb").write(bytes(damaged))

# The central directory's uncompressed size of the bias entry made larger, then smaller.
record = good.find(b"PK\x01\x02")
while good[record + 46 : record + 46 + len(bias) + 4] != (bias + ".npy").encode():
    record = good.find(b"PK\x01\x02", record + 4)
size = int.from_bytes(good[record + 24 : record + 28], "little")
for name, lie in (("size-larger", size + 8), ("size-smaller", size - 8)):
    changed = bytearray(good)
    changed[record + 24 : record + 28] = lie.to_bytes(4, "little")
    open(f"{out}/{name}.npz", "wb").write(bytes(changed))
print("generated")
)";

}  // namespace

class TestCheckpointReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void readsParametersAsFloat32WithTheirShapes();
    void readsModelAndTaskConfig();
    void readsTheOptionalEdgeNormalizationFactor();
    void readsCompressedArchives();
    void readsNpyFormatVersion2();
    void readsTuplesSavedAsOneArray();
    void listsArraysOfAnArchiveInMemory();
    void refusesBadCheckpoints_data();
    void refusesBadCheckpoints();
    void refusesAMissingFile();

private:
    std::string path(const char* name) const { return directory_.filePath(name).toStdString(); }

    QTemporaryDir directory_;
};

void TestCheckpointReader::initTestCase()
{
    QVERIFY(directory_.isValid());
    const spreadcast::testing::GeneratorRun python =
        spreadcast::testing::runPythonGenerator(generator, directory_.path());
    if (python.missingModule) {
        QSKIP("/usr/bin/python3 with numpy is not installed (apt install python3-numpy)");
    }
    QVERIFY2(python.succeeded, qPrintable(python.output));
}

void TestCheckpointReader::readsParametersAsFloat32WithTheirShapes()
{
    const Checkpoint checkpoint = readCheckpoint(path("good.npz"));
    QCOMPARE(checkpoint.path, path("good.npz"));
    QCOMPARE(checkpoint.params.size(), std::size_t{5});
    const std::string encoder = "grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/";

    const Tensor& weights = checkpoint.params.at(encoder + "linear_0:w");
    QCOMPARE(weights.shape, (std::vector<std::int64_t>{3, 4}));
    QCOMPARE(weights.values.size(), std::size_t{12});
    for (std::size_t i = 0; i < 12; ++i) {
        QCOMPARE(weights.values[i], static_cast<float>(i) * 0.5f - 2.0f);  // exact in binary
    }
    const Tensor& bias = checkpoint.params.at(encoder + "linear_0:b");
    QCOMPARE(bias.values, (std::vector<float>{0.25f, -1.5f, 3.0f, 1e-7f}));

    // float64 rounds to the nearest float32; float16 values are exact in float32.
    const Tensor& scale = checkpoint.params.at(encoder + "layer_norm:scale");
    QCOMPARE(scale.values, (std::vector<float>{static_cast<float>(1.0 / 3.0), 2.0f}));
    QCOMPARE(checkpoint.params.at(encoder + "layer_norm:offset").values, (std::vector<float>{0.5f, -0.125f}));

    // Saved in Fortran order, read back in C order: element (i, j, k) = 12 i + 4 j + k.
    const Tensor& fortran = checkpoint.params.at("mesh_gnn/~_networks_builder/processor_edges_0_mesh_mlp/~/linear_0:w");
    QCOMPARE(fortran.shape, (std::vector<std::int64_t>{2, 3, 4}));
    for (std::size_t i = 0; i < 24; ++i) {
        QCOMPARE(fortran.values[i], static_cast<float>(i));
    }
}

void TestCheckpointReader::readsModelAndTaskConfig()
{
    const Checkpoint checkpoint = readCheckpoint(path("good.npz"));
    const ModelConfig& model = checkpoint.modelConfig;
    QCOMPARE(model.resolution, 10.0);
    QCOMPARE(model.meshSize, 2);
    QCOMPARE(model.latentSize, 16);
    QCOMPARE(model.gnnMsgSteps, 2);
    QCOMPARE(model.hiddenLayers, 1);
    QCOMPARE(model.radiusQueryFractionEdgeLength, 0.6);
    QVERIFY(!model.mesh2gridEdgeNormalizationFactor.has_value());

    const TaskConfig& task = checkpoint.taskConfig;
    // Thirteen levels: items :10, :11, :12 sort after :9 as numbers, as checkpoint.load sorts them.
    QCOMPARE(task.pressureLevels, (std::vector<int>{50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000}));
    QCOMPARE(task.inputVariables.size(), std::size_t{15});
    QCOMPARE(task.inputVariables.front(), std::string("2m_temperature"));
    QCOMPARE(task.inputVariables[10], std::string("specific_humidity"));
    QCOMPARE(task.inputVariables.back(), std::string("land_sea_mask"));
    QCOMPARE(task.targetVariables.size(), std::size_t{11});
    QCOMPARE(task.forcingVariables, (std::vector<std::string>{"toa_incident_solar_radiation", "year_progress_sin"}));
    QCOMPARE(task.inputDuration, std::string("12h"));
    QCOMPARE(checkpoint.description, std::string("GraphCast test checkpoint \u2014 tiny, random"));
    QCOMPARE(checkpoint.license, std::string("CC BY-NC-SA 4.0"));
}

void TestCheckpointReader::readsTheOptionalEdgeNormalizationFactor()
{
    const Checkpoint checkpoint = readCheckpoint(path("with-factor.npz"));
    QVERIFY(checkpoint.modelConfig.mesh2gridEdgeNormalizationFactor.has_value());
    QCOMPARE(*checkpoint.modelConfig.mesh2gridEdgeNormalizationFactor, 0.6180339887);
}

void TestCheckpointReader::readsCompressedArchives()
{
    const Checkpoint plain = readCheckpoint(path("good.npz"));
    const Checkpoint compressed = readCheckpoint(path("compressed.npz"));
    QCOMPARE(compressed.params.size(), plain.params.size());
    for (const auto& [name, tensor] : plain.params) {
        QCOMPARE(compressed.params.at(name).shape, tensor.shape);
        QCOMPARE(compressed.params.at(name).values, tensor.values);
    }
    QCOMPARE(compressed.taskConfig.pressureLevels, plain.taskConfig.pressureLevels);
}

void TestCheckpointReader::readsNpyFormatVersion2()
{
    // The bias entry is replaced by a version 2.0 .npy (a 4-byte header length) of four zeros.
    const Checkpoint checkpoint = readCheckpoint(path("version-2.npz"));
    const Tensor& bias =
        checkpoint.params.at("grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/linear_0:b");
    QCOMPARE(bias.shape, (std::vector<std::int64_t>{4}));
    QCOMPARE(bias.values, (std::vector<float>(4, 0.0f)));
}

void TestCheckpointReader::readsTuplesSavedAsOneArray()
{
    // Not what checkpoint.dump writes, but what a person writing a checkpoint by hand might, and
    // an integral float where an integer goes, as Python's int() takes it.
    const Checkpoint checkpoint = readCheckpoint(path("tuple-arrays.npz"));
    QCOMPARE(checkpoint.taskConfig.pressureLevels, (std::vector<int>{500, 850, 1000}));
    QCOMPARE(checkpoint.modelConfig.latentSize, 16);
}

void TestCheckpointReader::listsArraysOfAnArchiveInMemory()
{
    QFile file(directory_.filePath("good.npz"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    std::vector<std::byte> bytes(static_cast<std::size_t>(contents.size()));
    std::memcpy(bytes.data(), contents.data(), bytes.size());
    const NpzArchive archive = NpzArchive::openBuffer(std::move(bytes), "in memory");
    QVERIFY(archive.contains("model_config:mesh_size"));
    QVERIFY(archive.contains("unknown_section:something"));
    QVERIFY(!archive.contains("model_config:mesh_size.npy"));
    const NpyArray meshSize = archive.readArray("model_config:mesh_size");
    QCOMPARE(meshSize.dtype.descr, std::string("<i8"));
    QVERIFY(meshSize.shape.empty());
    QCOMPARE(npyToIntegers(meshSize, "test"), (std::vector<std::int64_t>{2}));
    QCOMPARE(readCheckpoint(archive).modelConfig.latentSize, 16);
}

void TestCheckpointReader::refusesBadCheckpoints_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("expected");  // parts of the message
    const QString entry =
        "entry 'params:grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/linear_0:b.npy'";
    QTest::newRow("truncated") << "truncated.npz" << QStringList{"truncated", "download or save"};
    QTest::newRow("not a zip") << "not-zip.npz" << QStringList{"not a zip archive", "numpy.savez"};
    QTest::newRow("missing config") << "missing-config.npz"
                                    << QStringList{"lacks", "model_config:latent_size", "task_config:input_duration"};
    QTest::newRow("missing tuple") << "missing-tuple.npz" << QStringList{"lacks", "task_config:pressure_levels"};
    QTest::newRow("no parameters") << "no-params.npz" << QStringList{"no parameters"};
    QTest::newRow("complex") << "complex.npz" << QStringList{entry, "'<c8' is not supported"};
    QTest::newRow("object") << "object.npz" << QStringList{entry, "pickled Python objects"};
    QTest::newRow("big-endian") << "big-endian.npz" << QStringList{entry, "big-endian", "'>f4'"};
    QTest::newRow("string parameter") << "string-param.npz" << QStringList{entry, "expected numbers"};
    QTest::newRow("negative mesh size") << "negative-mesh.npz" << QStringList{"model_config:mesh_size", "outside"};
    QTest::newRow("fractional steps") << "fractional-steps.npz"
                                      << QStringList{"model_config:gnn_msg_steps", "must be an integer"};
    QTest::newRow("data shorter than shape") << "short-data.npz" << QStringList{entry, "need more than", "16 bytes"};
    QTest::newRow("data longer than shape") << "long-data.npz" << QStringList{entry, "need 8 bytes", "has 16"};
    QTest::newRow("shape product overflows") << "overflow-shape.npz" << QStringList{entry, "64 bits"};
    QTest::newRow("absurd shape") << "huge-shape.npz" << QStringList{entry, "need more than"};
    QTest::newRow("garbage header") << "garbage-header.npz" << QStringList{entry, "header is malformed"};
    QTest::newRow("unknown version") << "version-9.npz" << QStringList{entry, "version 9.0"};
    QTest::newRow("header past the end") << "header-past-end.npz" << QStringList{entry, "truncated"};
    QTest::newRow("CRC error") << "crc.npz" << QStringList{"entry", "CRC"};
    QTest::newRow("zip size larger") << "size-larger.npz" << QStringList{entry, "inconsistent"};
    QTest::newRow("zip size smaller") << "size-smaller.npz" << QStringList{entry, "its zip header says", "holds more"};
}

void TestCheckpointReader::refusesBadCheckpoints()
{
    QFETCH(QString, file);
    QFETCH(QStringList, expected);
    const std::string filePath = path(file.toUtf8().constData());
    try {
        readCheckpoint(filePath);
        QFAIL("a bad checkpoint was read");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        QVERIFY2(message.contains(QString::fromStdString(filePath)), error.what());
        for (const QString& part : expected) {
            QVERIFY2(message.contains(part), qPrintable("'" + part + "' not in: " + message));
        }
    }
}

void TestCheckpointReader::refusesAMissingFile()
{
    const std::string missing = path("no-such-checkpoint.npz");
    try {
        readCheckpoint(missing);
        QFAIL("a missing checkpoint was read");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        QVERIFY2(message.contains(QString::fromStdString(missing)) && message.contains("cannot be opened"),
                 error.what());
    }
}

QTEST_GUILESS_MAIN(TestCheckpointReader)
#include "TestCheckpointReader.moc"
