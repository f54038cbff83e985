#include "ensemble/MemberChecksum.h"
#include "io/NetcdfWriter.h"
#include "model/ShallowWaterModel.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <cmath>

using namespace spreadcast;

namespace {

GridFields constantFields(const GaussianGrid& grid, double value)
{
    GridFields fields;
    fields.variables.assign(shallowWaterOutputCount, AlignedVector<double>(grid.pointCount(), value));
    return fields;
}

}  // namespace

class TestMemberChecksum : public QObject {
    Q_OBJECT

private slots:
    void checksumSeesEveryBit()
    {
        const GaussianGrid grid = GaussianGrid::forTruncation(21);
        GridFields fields = constantFields(grid, 1.0);
        const std::uint64_t original = fieldsChecksum(fields);
        QCOMPARE(fieldsChecksum(fields), original);
        fields.variables[outputVorticity][100] = std::nextafter(1.0, 2.0);  // one ulp in the last variable
        QVERIFY(fieldsChecksum(fields) != original);
    }

    void writerKeepsOneCopyAndReportsCopiesThatDiffer()
    {
        QTemporaryDir directory;
        const std::string path = directory.filePath("dedupe.nc").toStdString();
        const GaussianGrid grid = GaussianGrid::forTruncation(21);
        RunSpec spec;
        spec.truncation = 21;
        spec.members = 2;
        spec.outputPath = path;
        const GridFields first = constantFields(grid, 3.0);
        {
            NetcdfWriter writer(path, spec, shallowWaterOutputSchema(grid), {0.0, 3600.0});
            QVERIFY(writer.writeMember(0, 1, first));
            QVERIFY(!writer.writeMember(0, 1, first));  // a retried copy, identical: dropped
            QVERIFY_THROWS_EXCEPTION(DeterminismViolation, writer.writeMember(0, 1, constantFields(grid, 3.5)));
            writer.finish("complete");
        }
        int ncid = -1;
        QCOMPARE(nc_open(path.c_str(), NC_NOWRITE, &ncid), NC_NOERR);
        int variable = -1;
        QCOMPARE(nc_inq_varid(ncid, "checksum", &variable), NC_NOERR);
        const std::size_t start[] = {0, 1};
        const std::size_t count[] = {1, 1};
        unsigned long long stored = 0;
        QCOMPARE(nc_get_vara_ulonglong(ncid, variable, start, count, &stored), NC_NOERR);
        nc_close(ncid);
        QCOMPARE(static_cast<std::uint64_t>(stored), fieldsChecksum(first));
    }
};

QTEST_APPLESS_MAIN(TestMemberChecksum)
#include "TestMemberChecksum.moc"
