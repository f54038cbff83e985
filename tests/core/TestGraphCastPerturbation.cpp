#include "../common/CliRunner.h"
#include "../common/NetcdfValues.h"

#include "ensemble/Threefry.h"
#include "graphcast/BalancedPerturbation.h"
#include "graphcast/GraphCastModel.h"
#include "graphcast/NormalizationStatsReader.h"
#include "model/ModelRegistry.h"
#include "run/RunSpec.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

// GraphCast's ensemble members on the tiny synthetic case of tests/graphcast (random weights):
// member 0 is the control, ± pairs, the amplitudes the model hands its perturbation generator,
// and members that do not depend on the ensemble size.
using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

constexpr std::uint64_t seed = 11;
constexpr double scale = 0.5;
constexpr double unitRoundoff = 0x1p-24;  // float32

using spreadcast::testing::readVariable;

const GraphCastState& graphCastState(const std::unique_ptr<MemberState>& state)
{
    return dynamic_cast<const GraphCastState&>(*state);
}

}  // namespace

class TestGraphCastPerturbation : public QObject {
    Q_OBJECT

    QTemporaryDir directory_;

    QString path(const QString& name) const { return directory_.filePath(name); }

    RunSpec spec(double perturbationScale, bool pairs) const
    {
        RunSpec run;
        run.model = "graphcast";
        run.initialCondition = path("dataset.nc").toStdString();
        run.seed = seed;
        run.graphcast.checkpoint = path("checkpoint.npz").toStdString();
        run.graphcast.statistics = path("stats").toStdString();
        run.graphcast.perturbationScale = perturbationScale;
        run.graphcast.perturbationPairs = pairs;
        return run;
    }

    const GraphCastModel& model(const PreparedModel& prepared) const
    {
        return dynamic_cast<const GraphCastModel&>(*prepared.model);
    }

private slots:
    void initTestCase()
    {
        const QString python = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python.isEmpty() || QProcess::execute(python, {"-c", "import numpy, netCDF4"}) != 0) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 (python3-numpy, python3-netcdf4)");
        }
        QVERIFY(directory_.isValid());
        qputenv("XDG_CACHE_HOME", path("cache").toUtf8());  // the graph cache, not the user's
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(python, {SPREADCAST_SOURCE_DIR "/tests/graphcast/make_tiny_case.py", "--out", directory_.path(),
                               "--steps", "1"});
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
    }

    // Member 0 of a perturbed ensemble is the unperturbed run's member 0, at the start and after
    // a step, to the last bit (its state's serialisation).
    void controlMemberIsBitwiseTheUnperturbedRun()
    {
        const PreparedModel perturbed = prepareModel(spec(scale, true));
        const PreparedModel unperturbed = prepareModel(spec(0.0, false));
        auto a = perturbed.model->initialState(0);
        auto b = unperturbed.model->initialState(0);
        QVERIFY(perturbed.model->serialize(*a) == unperturbed.model->serialize(*b));
        auto workspaceA = perturbed.model->makeWorkspace();
        auto workspaceB = unperturbed.model->makeWorkspace();
        MemberState* one[] = {a.get()};
        MemberState* two[] = {b.get()};
        perturbed.model->advance(one, 1, *workspaceA);
        unperturbed.model->advance(two, 1, *workspaceB);
        QVERIFY(perturbed.model->serialize(*a) == unperturbed.model->serialize(*b));
        QVERIFY(perturbed.model->serialize(*perturbed.model->initialState(1)) != perturbed.model->serialize(*a));
    }

    // Members 2k − 1 and 2k are the control plus and minus the same float32 perturbation p. With
    // a = fl(c + p), b = fl(c − p) and |fl(x) − x| ≤ u|x|: |a + b − 2c| ≤ u(|c + p| + |c − p|) ≤
    // u(|a| + |b|)(1 + u). Humidity clipped at 0 is left out where a member hit the clip. Member
    // 2k − 1 is the same with or without pairs.
    void pairsAreOppositeAboutTheControl()
    {
        const PreparedModel paired = prepareModel(spec(scale, true));
        const PreparedModel unpaired = prepareModel(spec(scale, false));
        for (int k = 1; k <= 2; ++k) {
            const auto control = paired.model->initialState(0);
            const auto plus = paired.model->initialState(2 * k - 1);
            const auto minus = paired.model->initialState(2 * k);
            QVERIFY(paired.model->serialize(*plus) ==
                    unpaired.model->serialize(*unpaired.model->initialState(2 * k - 1)));
            QVERIFY(paired.model->serialize(*minus) != unpaired.model->serialize(*unpaired.model->initialState(2 * k)));
            const GraphCastState& c = graphCastState(control);
            const GraphCastState& a = graphCastState(plus);
            const GraphCastState& b = graphCastState(minus);
            std::size_t compared = 0;
            std::size_t moved = 0;
            for (std::size_t t = 0; t <= c.inputs.size(); ++t) {
                const Fields& cf = t < c.inputs.size() ? c.inputs[t] : c.latest;
                const Fields& af = t < c.inputs.size() ? a.inputs[t] : a.latest;
                const Fields& bf = t < c.inputs.size() ? b.inputs[t] : b.latest;
                for (const auto& [name, values] : cf.variables) {
                    const std::vector<float>& av = af.variables.at(name);
                    const std::vector<float>& bv = bf.variables.at(name);
                    for (std::size_t i = 0; i < values.size(); ++i) {
                        if (name == "specific_humidity" && (av[i] == 0.0f || bv[i] == 0.0f)) {
                            continue;
                        }
                        const double sum = static_cast<double>(av[i]) + bv[i] - 2.0 * values[i];
                        const double bound = unitRoundoff * (std::abs(av[i]) + std::abs(bv[i])) * (1.0 + unitRoundoff);
                        QVERIFY2(std::abs(sum) <= bound,
                                 qPrintable(QString("%1[%2]: %3 > %4").arg(name.c_str()).arg(i).arg(sum).arg(bound)));
                        ++compared;
                        moved += av[i] != values[i] ? 1 : 0;
                    }
                }
            }
            QVERIFY(moved > compared / 2);  // the pair is perturbed, not the control twice
        }
    }

    // The model perturbs by scale × diffs_stddev_by_level of the checkpoint's statistics at the
    // task's levels: member 1 − control is the draw of a generator built from the statistics read
    // here, within the rounding of c + p (|fl(c + p) − c − p| ≤ u|fl(c + p)|(1 + u)).
    void membersUseScaleTimesDiffsStddev()
    {
        const PreparedModel prepared = prepareModel(spec(scale, false));
        const GraphCastModel& graphCast = model(prepared);
        const NormalizationStats statistics = readNormalizationStats(path("stats").toStdString());
        const std::vector<int>& levels = graphCast.predictor().task().pressureLevels;
        auto amplitudes = [&](const char* name) {
            std::vector<double> values;
            for (int level : levels) {
                const auto at = std::find(statistics.levels.begin(), statistics.levels.end(), level);
                values.push_back(
                    scale * statistics.diffsStddev.at(name)[static_cast<std::size_t>(at - statistics.levels.begin())]);
            }
            return values;
        };
        const BalancedPerturbation expected(graphCast.predictor().grid(), levels,
                                            {amplitudes("geopotential"), amplitudes("temperature"),
                                             amplitudes("vertical_velocity"), amplitudes("specific_humidity")},
                                            5e5);
        const Fields draw = expected.draw(memberKey(seed, 1));
        const auto controlState = prepared.model->initialState(0);
        const auto memberState = prepared.model->initialState(1);
        const GraphCastState& control = graphCastState(controlState);
        const GraphCastState& member = graphCastState(memberState);
        for (const auto& [name, perturbation] : draw.variables) {
            const std::vector<float>& c = control.inputs.back().variables.at(name);
            const std::vector<float>& m = member.inputs.back().variables.at(name);
            for (std::size_t i = 0; i < c.size(); ++i) {
                if (name == "specific_humidity" && m[i] == 0.0f) {
                    continue;
                }
                const double error = static_cast<double>(m[i]) - c[i] - perturbation[i];
                QVERIFY2(std::abs(error) <= unitRoundoff * std::abs(m[i]) * (1.0 + unitRoundoff),
                         qPrintable(QString("%1[%2]: %3").arg(name.c_str()).arg(i).arg(error)));
            }
        }
        QVERIFY(draw.variables.contains("u_component_of_wind"));
        QVERIFY(draw.variables.contains("mean_sea_level_pressure"));
        for (const auto& [name, values] : member.inputs.back().variables) {
            if (name == "specific_humidity") {
                QVERIFY(*std::min_element(values.begin(), values.end()) >= 0.0f);
            }
        }
        // Precipitation and the forcings stay the control's.
        QCOMPARE(member.latest.variables.at("total_precipitation_6hr"),
                 control.latest.variables.at("total_precipitation_6hr"));
    }

    // Through spreadcast-cli on two workers: members 0–3 of a 4-member run are bitwise those of
    // an 8-member run, at every output time and for every variable.
    void firstMembersDoNotDependOnTheEnsembleSize()
    {
        auto run = [&](int members, const QString& out) {
            return spreadcast::testing::runCli({"run",
                                                "--model",
                                                "graphcast",
                                                "--checkpoint",
                                                path("checkpoint.npz"),
                                                "--stats",
                                                path("stats"),
                                                "--ic",
                                                path("dataset.nc"),
                                                "--lead",
                                                "12h",
                                                "--output-every",
                                                "6h",
                                                "--members",
                                                QString::number(members),
                                                "--devices",
                                                "cpu:2",
                                                "--perturbation-scale",
                                                QString::number(scale),
                                                "--perturbation-pairs",
                                                "--seed",
                                                QString::number(seed),
                                                "--out",
                                                out,
                                                "-q"},
                                               300000);
        };
        const QString four = path("four.nc");
        const QString eight = path("eight.nc");
        const auto first = run(4, four);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const auto second = run(8, eight);
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        for (const char* name : {"geopotential", "temperature", "u_component_of_wind", "specific_humidity",
                                 "mean_sea_level_pressure", "2m_temperature"}) {
            const std::vector<double> small = readVariable(four.toStdString(), name);  // (time, member, …)
            const std::vector<double> large = readVariable(eight.toStdString(), name);
            QVERIFY(!small.empty());
            QCOMPARE(large.size(), 2 * small.size());
            const std::size_t times = 3;
            const std::size_t block = small.size() / times;  // 4 members at one time
            for (std::size_t t = 0; t < times; ++t) {
                QVERIFY2(std::memcmp(small.data() + t * block, large.data() + t * 2 * block, block * sizeof(double)) ==
                             0,
                         name);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestGraphCastPerturbation)
#include "TestGraphCastPerturbation.moc"
