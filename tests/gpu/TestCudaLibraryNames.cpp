// Which sonames the GPU backend tries for a CUDA library, in which order (gpu/DynamicLibrary.h):
// the built version's first, so a machine with two toolkits runs the library of the linked-in runtime.
#include "DynamicLibrary.h"

#include <QtTest>

using namespace spreadcast;

class TestCudaLibraryNames : public QObject {
    Q_OBJECT

private slots:
    void theBuiltVersionComesFirst()
    {
        const std::vector<std::string> expected{"libcufft.so.11", "libcufft.so.12"};
        QVERIFY(gpu::sonamesBuiltVersionFirst("libcufft.so", 11, {12, 11}) == expected);
        const std::vector<std::string> newest{"libcufft.so.12", "libcufft.so.11"};
        QVERIFY(gpu::sonamesBuiltVersionFirst("libcufft.so", 12, {12, 11}) == newest);
    }

    void aBuiltVersionOutsideTheListIsStillTriedFirst()
    {
        const std::vector<std::string> expected{"libcufft.so.13", "libcufft.so.12", "libcufft.so.11"};
        QVERIFY(gpu::sonamesBuiltVersionFirst("libcufft.so", 13, {12, 11}) == expected);
    }
};

QTEST_GUILESS_MAIN(TestCudaLibraryNames)
#include "TestCudaLibraryNames.moc"
