#include "Version.h"
#include "io/NetcdfWriter.h"
#include "model/ShallowWaterModel.h"
#include "run/InputError.h"

#include <netcdf.h>
#include <nlohmann/json.hpp>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <numbers>
#include <thread>

using namespace spreadcast;

namespace {

constexpr int truncation = 21;
constexpr int members = 2;
const std::vector<double> outputTimes{0.0, 6 * 3600.0, 12 * 3600.0};

RunSpec sampleSpec(OutputPrecision precision, int memberCount = members)
{
    RunSpec spec;
    spec.initialCondition = "galewsky";
    spec.truncation = truncation;
    spec.members = memberCount;
    spec.leadSeconds = outputTimes.back();
    spec.outputIntervalSeconds = 6 * 3600.0;
    spec.seed = 0xFEDCBA9876543210ULL;  // beyond 2^53: only a string attribute keeps it exact
    spec.precision = precision;
    return spec;
}

// Smooth fields whose values differ per member and time and carry full mantissas, so a lost
// bit or a swapped slab shows.
GridFields analyticFields(const GaussianGrid& grid, int timeIndex, int member)
{
    GridFields fields;
    fields.variables.resize(shallowWaterOutputCount);
    for (int j = 0; j < grid.nlat; ++j) {
        const double phi = grid.latitudeDegrees[j] * std::numbers::pi / 180.0;
        for (int i = 0; i < grid.nlon; ++i) {
            const double lambda = grid.longitudeRadians(i);
            fields.variables[outputHeight].push_back(10000.0 + 100.0 * member + 10.0 * timeIndex +
                                                     500.0 * std::sin(phi) * std::cos(lambda));
            fields.variables[outputU].push_back(10.0 * std::cos(phi) + member + 0.1 * timeIndex +
                                                std::numbers::sqrt2 * 1e-3);
            fields.variables[outputV].push_back(std::cos(phi) * std::sin(2.0 * lambda) * (1.0 + member) -
                                                0.01 * timeIndex);
            fields.variables[outputVorticity].push_back(1e-5 * std::sin(phi) * (1.0 + member + timeIndex) +
                                                        1e-9 * std::cos(lambda));
        }
    }
    return fields;
}

class ReadFile {
public:
    explicit ReadFile(const QString& path) { status = nc_open(path.toStdString().c_str(), NC_NOWRITE, &ncid); }
    ~ReadFile()
    {
        if (status == NC_NOERR) {
            nc_close(ncid);
        }
    }
    ReadFile(const ReadFile&) = delete;
    ReadFile& operator=(const ReadFile&) = delete;

    int varid(const char* name) const
    {
        int id = -1;
        return nc_inq_varid(ncid, name, &id) == NC_NOERR ? id : -1;
    }
    std::string text(int variable, const char* name) const
    {
        std::size_t length = 0;
        if (nc_inq_attlen(ncid, variable, name, &length) != NC_NOERR) {
            return "<missing>";
        }
        std::string value(length, '\0');
        nc_get_att_text(ncid, variable, name, value.data());
        return value;
    }

    int ncid = -1;
    int status = NC_NOERR;
};

void writeSampleFile(const QString& path, OutputPrecision precision, bool finish)
{
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    NetcdfWriter writer(path.toStdString(), sampleSpec(precision), shallowWaterOutputSchema(grid), outputTimes,
                        {"Galewsky et al. (2004) jet",
                         "2000-01-01 00:00:00",
                         "height bump",
                         "spreadcast-cli run",
                         "spectral shallow-water model T21",
                         {},
                         false,
                         {}});
    for (int t = static_cast<int>(outputTimes.size()) - 1; t >= 0; --t) {  // out of order, as members finish
        for (int m = 0; m < members; ++m) {
            writer.writeMember(t, m, analyticFields(grid, t, m));
        }
    }
    if (finish) {
        writer.finish("complete");
    }
}

}  // namespace

class TestNetcdfWriter : public QObject {
    Q_OBJECT

private slots:
    void roundTripKeepsValuesDimensionsAndAttributes_data();
    void roundTripKeepsValuesDimensionsAndAttributes();
    void fileReadsRunningUntilFinished();
    void destroyedWithoutFinishLeavesRunning();
    void concurrentWritesAllLand();
    void outOfRangeIndicesAndWrongSizesThrow();
    void unwritablePathNamesFileReasonAndOption();
    void opensInXarrayWithDecodedTime();
    void opensInCdoWithoutWarnings();

private:
    QTemporaryDir directory_;
};

void TestNetcdfWriter::roundTripKeepsValuesDimensionsAndAttributes_data()
{
    QTest::addColumn<bool>("doublePrecision");
    QTest::newRow("float") << false;
    QTest::newRow("double") << true;
}

void TestNetcdfWriter::roundTripKeepsValuesDimensionsAndAttributes()
{
    QFETCH(bool, doublePrecision);
    const OutputPrecision precision = doublePrecision ? OutputPrecision::Double : OutputPrecision::Float;
    const QString path = directory_.filePath(doublePrecision ? "double.nc" : "float.nc");
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    QCOMPARE(grid.nlat, 32);
    QCOMPARE(grid.nlon, 64);
    writeSampleFile(path, precision, true);

    const ReadFile file(path);
    QCOMPARE(file.status, NC_NOERR);
    int format = 0;
    nc_inq_format(file.ncid, &format);
    QCOMPARE(format, NC_FORMAT_NETCDF4);

    for (const OutputVariable& variable : shallowWaterOutputSchema(grid).variables) {
        const std::string name(variable.name);
        const int varid = file.varid(name.c_str());
        QVERIFY2(varid >= 0, name.c_str());
        nc_type type = NC_NAT;
        int ndims = 0;
        std::array<int, NC_MAX_VAR_DIMS> dims{};
        nc_inq_var(file.ncid, varid, nullptr, &type, &ndims, dims.data(), nullptr);
        QCOMPARE(type, doublePrecision ? NC_DOUBLE : NC_FLOAT);
        QCOMPARE(ndims, 4);
        const std::array<const char*, 4> expectedDims{"time", "member", "lat", "lon"};
        const std::array<std::size_t, 4> expectedLengths{outputTimes.size(), members, 32, 64};
        for (int d = 0; d < 4; ++d) {
            std::array<char, NC_MAX_NAME + 1> dimName{};
            std::size_t length = 0;
            nc_inq_dim(file.ncid, dims[d], dimName.data(), &length);
            QCOMPARE(std::string(dimName.data()), std::string(expectedDims[d]));
            QCOMPARE(length, expectedLengths[d]);
        }
        int storage = 0;
        std::array<std::size_t, 4> chunks{};
        nc_inq_var_chunking(file.ncid, varid, &storage, chunks.data());
        QCOMPARE(storage, NC_CHUNKED);
        QCOMPARE(chunks, (std::array<std::size_t, 4>{1, 1, 32, 64}));
        int shuffle = 0;
        int deflate = 0;
        int level = 0;
        nc_inq_var_deflate(file.ncid, varid, &shuffle, &deflate, &level);
        QCOMPARE(shuffle, 1);
        QCOMPARE(deflate, 1);
        QCOMPARE(level, 1);
        QCOMPARE(file.text(varid, "units"), std::string(variable.units));
        QCOMPARE(file.text(varid, "standard_name"), std::string(variable.standardName));
        QCOMPARE(file.text(varid, "long_name"), std::string(variable.longName));
        std::size_t fillLength = 0;
        QCOMPARE(nc_inq_attlen(file.ncid, varid, "_FillValue", &fillLength), NC_NOERR);

        for (std::size_t t = 0; t < outputTimes.size(); ++t) {
            for (std::size_t m = 0; m < members; ++m) {
                const GridFields expected = analyticFields(grid, static_cast<int>(t), static_cast<int>(m));
                const AlignedVector<double>& exact =
                    expected.variables[static_cast<std::size_t>(shallowWaterOutputSchema(grid).variableIndex(name))];
                const std::array<std::size_t, 4> start{t, m, 0, 0};
                const std::array<std::size_t, 4> count{1, 1, 32, 64};
                if (doublePrecision) {
                    std::vector<double> stored(exact.size());
                    QCOMPARE(nc_get_vara_double(file.ncid, varid, start.data(), count.data(), stored.data()), NC_NOERR);
                    QVERIFY2(std::memcmp(stored.data(), exact.data(), exact.size() * sizeof(double)) == 0,
                             name.c_str());
                } else {
                    std::vector<float> stored(exact.size());
                    QCOMPARE(nc_get_vara_float(file.ncid, varid, start.data(), count.data(), stored.data()), NC_NOERR);
                    for (std::size_t k = 0; k < exact.size(); ++k) {
                        // Rounding to float costs at most 2⁻²⁴ ≈ 6e-8 relative.
                        QVERIFY2(std::abs(static_cast<double>(stored[k]) - exact[k]) <= 1e-7 * std::abs(exact[k]),
                                 qPrintable(QString("%1[%2,%3,%4]").arg(name.c_str()).arg(t).arg(m).arg(k)));
                    }
                }
            }
        }
    }

    const int timeVar = file.varid("time");
    std::vector<double> hours(outputTimes.size());
    nc_get_var_double(file.ncid, timeVar, hours.data());
    QCOMPARE(hours, (std::vector<double>{0.0, 6.0, 12.0}));
    QCOMPARE(file.text(timeVar, "units"), std::string("hours since 2000-01-01 00:00:00"));
    QCOMPARE(file.text(timeVar, "calendar"), std::string("standard"));
    QCOMPARE(file.text(timeVar, "axis"), std::string("T"));
    const int memberVar = file.varid("member");
    std::vector<int> memberNumbers(members);
    nc_get_var_int(file.ncid, memberVar, memberNumbers.data());
    QCOMPARE(memberNumbers, (std::vector<int>{0, 1}));
    QCOMPARE(file.text(memberVar, "standard_name"), std::string("realization"));
    const int latVar = file.varid("lat");
    std::vector<double> latitudes(32);
    nc_get_var_double(file.ncid, latVar, latitudes.data());
    QCOMPARE(latitudes, grid.latitudeDegrees);
    QCOMPARE(file.text(latVar, "units"), std::string("degrees_north"));
    QCOMPARE(file.text(file.varid("lon"), "units"), std::string("degrees_east"));

    QCOMPARE(file.text(NC_GLOBAL, "Conventions"), std::string("CF-1.8"));
    QCOMPARE(file.text(NC_GLOBAL, "run_status"), std::string("complete"));
    QCOMPARE(file.text(NC_GLOBAL, "seed"), std::string("18364758544493064720"));
    QCOMPARE(file.text(NC_GLOBAL, "spreadcast_version"), std::string(softwareVersion));
    QVERIFY(file.text(NC_GLOBAL, "source").find("T21") != std::string::npos);
    QVERIFY(file.text(NC_GLOBAL, "history").find("spreadcast-cli run") != std::string::npos);
    QCOMPARE(file.text(NC_GLOBAL, "initial_condition"), std::string("Galewsky et al. (2004) jet"));
    QCOMPARE(file.text(NC_GLOBAL, "perturbations"), std::string("height bump"));
    const nlohmann::json recorded = nlohmann::json::parse(file.text(NC_GLOBAL, "spreadcast_run_spec"));
    const RunSpec spec = sampleSpec(precision);
    QCOMPARE(toJson(runSpecFromJson(recorded)), toJson(spec));
    QCOMPARE(runSpecFromJson(recorded).seed, spec.seed);
}

void TestNetcdfWriter::fileReadsRunningUntilFinished()
{
    const QString path = directory_.filePath("inflight.nc");
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    NetcdfWriter writer(path.toStdString(), sampleSpec(OutputPrecision::Float), shallowWaterOutputSchema(grid),
                        outputTimes);
    writer.writeMember(1, 0, analyticFields(grid, 1, 0));
    QVERIFY(!writer.isComplete());
    {
        // What a crash would leave: the synced slab and run_status "running".
        std::lock_guard library(netcdfLibraryMutex());
        const ReadFile file(path);
        QCOMPARE(file.status, NC_NOERR);
        QCOMPARE(file.text(NC_GLOBAL, "run_status"), std::string("running"));
        std::vector<double> hours(2);
        const std::size_t start = 0;
        const std::size_t count = 2;
        QCOMPARE(nc_get_vara_double(file.ncid, file.varid("time"), &start, &count, hours.data()), NC_NOERR);
        QCOMPARE(hours, (std::vector<double>{0.0, 6.0}));
    }
    for (int t = 0; t < 3; ++t) {
        for (int m = 0; m < members; ++m) {
            writer.writeMember(t, m, analyticFields(grid, t, m));
        }
    }
    QVERIFY(writer.isComplete());
    writer.finish("cancelled: by the user");
    QVERIFY_THROWS_EXCEPTION(std::logic_error, writer.writeMember(0, 0, analyticFields(grid, 0, 0)));
    const ReadFile file(path);
    QCOMPARE(file.text(NC_GLOBAL, "run_status"), std::string("cancelled: by the user"));
}

void TestNetcdfWriter::destroyedWithoutFinishLeavesRunning()
{
    const QString path = directory_.filePath("unfinished.nc");
    writeSampleFile(path, OutputPrecision::Float, false);
    const ReadFile file(path);
    QCOMPARE(file.status, NC_NOERR);
    QCOMPARE(file.text(NC_GLOBAL, "run_status"), std::string("running"));
    std::vector<float> u(32 * 64);
    const std::array<std::size_t, 4> start{2, 1, 0, 0};
    const std::array<std::size_t, 4> count{1, 1, 32, 64};
    QCOMPARE(nc_get_vara_float(file.ncid, file.varid("u"), start.data(), count.data(), u.data()), NC_NOERR);
    QCOMPARE(static_cast<double>(u[0]),
             static_cast<double>(static_cast<float>(
                 analyticFields(GaussianGrid::forTruncation(truncation), 2, 1).variables[outputU][0])));
}

void TestNetcdfWriter::concurrentWritesAllLand()
{
    const QString path = directory_.filePath("threads.nc");
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    constexpr int manyMembers = 8;
    NetcdfWriter writer(path.toStdString(), sampleSpec(OutputPrecision::Double, manyMembers),
                        shallowWaterOutputSchema(grid), outputTimes);
    std::vector<std::thread> workers;
    for (int worker = 0; worker < 4; ++worker) {
        workers.emplace_back([&, worker] {
            for (int m = worker; m < manyMembers; m += 4) {
                for (int t = 0; t < 3; ++t) {
                    writer.writeMember(t, m, analyticFields(grid, t, m));
                }
            }
        });
    }
    for (std::thread& thread : workers) {
        thread.join();
    }
    QVERIFY(writer.isComplete());
    writer.finish("complete");

    const ReadFile file(path);
    for (int m = 0; m < manyMembers; ++m) {
        std::vector<double> height(32 * 64);
        const std::array<std::size_t, 4> start{2, static_cast<std::size_t>(m), 0, 0};
        const std::array<std::size_t, 4> count{1, 1, 32, 64};
        nc_get_vara_double(file.ncid, file.varid("height"), start.data(), count.data(), height.data());
        const AlignedVector<double> expected = analyticFields(grid, 2, m).variables[outputHeight];
        QVERIFY(std::equal(height.begin(), height.end(), expected.begin()));
    }
}

void TestNetcdfWriter::outOfRangeIndicesAndWrongSizesThrow()
{
    const QString path = directory_.filePath("ranges.nc");
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    NetcdfWriter writer(path.toStdString(), sampleSpec(OutputPrecision::Float), shallowWaterOutputSchema(grid),
                        outputTimes);
    const GridFields fields = analyticFields(grid, 0, 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writer.writeMember(-1, 0, fields));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writer.writeMember(3, 0, fields));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writer.writeMember(0, -1, fields));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writer.writeMember(0, members, fields));
    GridFields truncated = fields;
    truncated.variables[outputVorticity].pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writer.writeMember(0, 0, truncated));
    QVERIFY(!writer.isComplete());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             NetcdfWriter(directory_.filePath("no-times.nc").toStdString(),
                                          sampleSpec(OutputPrecision::Float), shallowWaterOutputSchema(grid), {}));
}

void TestNetcdfWriter::unwritablePathNamesFileReasonAndOption()
{
    const std::string path = directory_.filePath("no-such-folder/out.nc").toStdString();
    try {
        NetcdfWriter writer(path, sampleSpec(OutputPrecision::Float),
                            shallowWaterOutputSchema(GaussianGrid::forTruncation(truncation)), outputTimes);
        QFAIL("creating a file in a missing folder succeeded");
    } catch (const InputError& error) {
        const std::string message = error.what();
        QVERIFY2(message.find("cannot create '" + path + "'") != std::string::npos, error.what());
        QVERIFY2(message.find("does not exist") != std::string::npos, error.what());
        QVERIFY2(message.find("--out") != std::string::npos, error.what());
    }
}

void TestNetcdfWriter::opensInXarrayWithDecodedTime()
{
    const QString python = "/usr/bin/python3";
    QProcess probe;
    probe.start(python, {"-c", "import xarray"});
    if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0) {
        QSKIP("/usr/bin/python3 with xarray is not installed (apt install python3-xarray)");
    }
    const QString path = directory_.filePath("xarray.nc");
    writeSampleFile(path, OutputPrecision::Float, true);
    const QString script = R"(
import sys
import numpy as np
import xarray as xr
with xr.open_dataset(sys.argv[1]) as ds:
    for name in ("height", "u", "v", "vorticity"):
        assert ds[name].dims == ("time", "member", "lat", "lon"), (name, ds[name].dims)
    assert dict(ds.sizes) == {"time": 3, "member": 2, "lat": 32, "lon": 64}, dict(ds.sizes)
    assert np.issubdtype(ds["time"].dtype, np.datetime64), ds["time"].dtype
    assert str(ds["time"].values[2])[:19] == "2000-01-01T12:00:00", ds["time"].values
    assert list(ds["member"].values) == [0, 1]
    assert not bool(ds["u"].isnull().any())
    assert ds.attrs["run_status"] == "complete"
print("xarray ok")
)";
    QProcess process;
    process.start(python, {"-c", script, path});
    QVERIFY(process.waitForFinished(60000));
    const QString output = process.readAllStandardOutput() + process.readAllStandardError();
    QVERIFY2(process.exitCode() == 0 && output.contains("xarray ok"), qPrintable(output));
}

void TestNetcdfWriter::opensInCdoWithoutWarnings()
{
    const QString cdo = QStandardPaths::findExecutable("cdo");
    if (cdo.isEmpty()) {
        QSKIP("cdo is not installed (apt install cdo)");
    }
    const QString path = directory_.filePath("cdo.nc");
    writeSampleFile(path, OutputPrecision::Float, true);
    QProcess process;
    process.start(cdo, {"-s", "sinfon", path});
    QVERIFY(process.waitForFinished(60000));
    const QString errors = process.readAllStandardError();
    const QString output = process.readAllStandardOutput();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, qPrintable(errors));
    QVERIFY2(!errors.contains("Warning", Qt::CaseInsensitive) && !errors.contains("Error", Qt::CaseInsensitive),
             qPrintable(errors));
    QVERIFY2(output.contains("height") && output.contains("vorticity"), qPrintable(output));
}

QTEST_APPLESS_MAIN(TestNetcdfWriter)
#include "TestNetcdfWriter.moc"
