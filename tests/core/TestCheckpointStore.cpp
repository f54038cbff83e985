#include "run/CheckpointStore.h"
#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

using namespace spreadcast;

namespace fs = std::filesystem;

class TestCheckpointStore : public QObject {
    Q_OBJECT

    PreparedModel prepared_;
    std::unique_ptr<MemberState> state_;  // member 2 after three steps

private slots:
    void initTestCase()
    {
        RunSpec spec;
        spec.truncation = 21;
        spec.members = 4;
        prepared_ = prepareModel(spec);
        state_ = prepared_.model->initialState(2);
        MemberState* members[] = {state_.get()};
        const auto workspace = prepared_.model->makeWorkspace();
        prepared_.model->advance(members, 3, *workspace);
    }

    void smallStatesStayInMemory()
    {
        QTemporaryDir directory;
        const std::string folder = directory.filePath("checkpoints").toStdString();
        CheckpointStore store(*prepared_.model, folder);
        QVERIFY(!store.spills());  // a T21 state is far below the threshold
        const auto checkpoint = store.save(2, *state_);
        QVERIFY(!checkpoint->onDisk());
        QVERIFY(!fs::exists(folder));
        const auto restored = checkpoint->restore();
        QCOMPARE(restored->step, std::int64_t{3});
        QVERIFY(prepared_.model->serialize(*restored) == prepared_.model->serialize(*state_));
    }

    void largeStatesGoToDiskAndTheirFileGoesWithTheLastReference()
    {
        QTemporaryDir directory;
        const std::string folder = directory.filePath("out.nc.resume/checkpoints").toStdString();
        std::string path;
        {
            CheckpointStore store(*prepared_.model, folder, 1);  // every state counts as large
            QVERIFY(store.spills());
            auto checkpoint = store.save(2, *state_);
            QVERIFY(checkpoint->onDisk());
            path = checkpoint->path();
            QVERIFY2(fs::exists(path), path.c_str());
            QCOMPARE(static_cast<std::size_t>(fs::file_size(path)), prepared_.model->serialize(*state_).size());
            const auto restored = checkpoint->restore();
            QCOMPARE(restored->step, std::int64_t{3});
            QVERIFY(prepared_.model->serialize(*restored) == prepared_.model->serialize(*state_));
            // Two copies of one member may save the same time: each gets its own file.
            const auto second = store.save(2, *state_);
            QVERIFY(second->path() != path);
            auto shared = checkpoint;
            checkpoint.reset();
            QVERIFY(fs::exists(path));  // still referenced
            shared.reset();
            QVERIFY(!fs::exists(path));
        }
        QVERIFY(!fs::exists(folder));  // the store removes its empty folder
    }

    void aDamagedCheckpointSaysWhichFile()
    {
        QTemporaryDir directory;
        CheckpointStore store(*prepared_.model, directory.filePath("checkpoints").toStdString(), 1);
        const auto checkpoint = store.save(0, *state_);
        std::ofstream(checkpoint->path(), std::ios::trunc) << "not a state";
        try {
            checkpoint->restore();
            QFAIL("a damaged checkpoint was restored");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).contains(QString::fromStdString(checkpoint->path())), error.what());
        }
        fs::remove(checkpoint->path());
        QVERIFY_EXCEPTION_THROWN(checkpoint->restore(), std::runtime_error);
    }
};

QTEST_GUILESS_MAIN(TestCheckpointStore)
#include "TestCheckpointStore.moc"
