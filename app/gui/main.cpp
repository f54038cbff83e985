#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"
#include "ui/ProductPanel.h"
#include "ui/RunOutputFile.h"
#include "ui/RunPanel.h"
#include "ui/TimeBar.h"
#include "viz/GlobeScene.h"
#include "viz/Product.h"

#include "Version.h"
#include "io/Hdf5Diagnostics.h"
#include "spectral/BlasTuning.h"

#ifdef SPREADCAST_HAVE_CUDA
#include "GpuBackend.h"
#endif

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

using namespace spreadcast;

namespace {

// Each view change as a person makes it (picker or slider), computed and drawn before the clock
// stops; the figures go to BENCHMARKS.md.
int runViewBenchmark(MainWindow& window)
{
    if (window.products() == nullptr) {
        std::fprintf(stderr, "spreadcast: no forecast open: %s\n", qPrintable(window.lastError()));
        return 1;
    }
    QComboBox* products = window.productPanel()->productBox();
    TimeBar* time = window.timeBar();
    const int times = time->slider()->maximum() + 1;
    std::printf("%s: %zu members, %d times, %zu × %zu grid, globe %d × %d pixels\n",
                window.products()->file().path().c_str(), window.products()->file().members().size(), times,
                window.products()->file().latitudes().size(), window.products()->file().longitudes().size(),
                window.globe()->width(), window.globe()->height());
    auto timed = [&](const std::function<void()>& change) {
        QElapsedTimer timer;
        timer.start();
        change();
        window.globe()->redrawNow();
        return static_cast<double>(timer.nsecsElapsed()) * 1e-6;
    };
    for (const ProductInfo& info : productTable) {
        const QString name = QString::fromUtf8(info.name.data(), static_cast<qsizetype>(info.name.size()));
        const int index = products->findData(name);
        if (index < 0) {
            continue;
        }
        const double switchMs = timed([&] { products->setCurrentIndex(index); });
        double worst = 0.0;
        double sum = 0.0;
        for (int t = 1; t < times; ++t) {
            const double ms = timed([&] { time->setTimeIndex(t); });
            worst = std::max(worst, ms);
            sum += ms;
        }
        std::printf("%-12s switch to it %7.1f ms; step time: mean %6.1f ms, worst %6.1f ms (render alone %.1f ms)\n",
                    qPrintable(name), switchMs, times > 1 ? sum / (times - 1) : 0.0, worst,
                    window.globe()->lastRenderMilliseconds());
        time->setTimeIndex(0);
    }
    return window.lastError().isEmpty() ? 0 : 1;
}

// The program's command line, described once for the window and for --help / --version, which
// are answered without a display.
struct CommandLine {
    QCommandLineParser parser;
    QCommandLineOption software{"offscreen-globe",
                                "draw the globe through offscreen rendering instead of an OpenGL widget "
                                "(for remote sessions)"};
    QCommandLineOption screenshot{"screenshot",
                                  "save the window as a PNG once it is shown (and the file opened), then quit; "
                                  "for the documentation's pictures",
                                  "PATH"};
    QCommandLineOption benchmark{"benchmark",
                                 "time switching product and time on the forecast file (each change computed and "
                                 "drawn), print the figures and quit"};
    QCommandLineOption field{"field", "the field to show first (height, u, v, vorticity, wind_speed, …)", "NAME"};
    QCommandLineOption product{"product",
                               QString::fromStdString("the product to show first (" + productNameList() + ")"), "NAME"};
    QCommandLineOption level{"level", "the pressure level to show first, e.g. 500 (for a field on levels)", "HPA"};
    QCommandLineOption time{"time-index", "the output time to show first, counted from 0", "N"};
    QCommandLineOption plume{"plume", "show the plume of this point once the file is open", "LAT,LON"};
    QCommandLineOption startRun{"start-run", "press Run at start-up (the run panel holds the last run's settings)"};
    QCommandLineOption delay{"screenshot-delay", "milliseconds before --screenshot grabs the window (default 1500)",
                             "MS", "1500"};

    CommandLine()
    {
        parser.setApplicationDescription("Spreadcast ensemble-forecasting workstation");
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument("FILE.nc", "a forecast file to open at start-up");
        for (const QCommandLineOption* option :
             {&software, &screenshot, &benchmark, &field, &level, &product, &time, &plume, &startRun, &delay}) {
            parser.addOption(*option);
        }
    }
};

void nameApplication()
{
    QCoreApplication::setApplicationName("spreadcast");
    QCoreApplication::setOrganizationName("Spreadcast");
    QCoreApplication::setApplicationVersion(softwareVersion);
}

}  // namespace

int main(int argc, char** argv)
{
    // OpenBLAS's fastest kernels for this CPU, as spreadcast-cli does: runs from the GUI use them too.
    spreadcast::reexecWithTunedBlas(argv);
    // Before any netCDF call: a forecast shown here must not stop another program resuming it.
    spreadcast::leaveFilesUnlocked();
    // A file HDF5 cannot open is reported in one sentence, not HDF5's error stack on stderr.
    spreadcast::silenceHdf5Diagnostics();
    QElapsedTimer sinceStart;
    sinceStart.start();
    // VTK renders through GLX on this platform, offscreen too: without X there is no globe. Said
    // before QApplication, which would abort on its own without a display.
    const bool helpOnly = std::any_of(argv + 1, argv + argc, [](const char* argument) {
        return std::strcmp(argument, "--help") == 0 || std::strcmp(argument, "-h") == 0 ||
               std::strcmp(argument, "--help-all") == 0 || std::strcmp(argument, "-?") == 0 ||
               std::strcmp(argument, "--version") == 0 || std::strcmp(argument, "-v") == 0;
    });
    if (helpOnly) {
        // QApplication would need a display (the xcb platform aborts without one); the help and
        // the version need none. process() prints them and exits with 0.
        QCoreApplication application(argc, argv);
        nameApplication();
        CommandLine commandLine;
        commandLine.parser.process(application);
        return 0;
    }
    if (const std::string problem = displayProblem(); !problem.empty()) {
        std::fprintf(stderr, "spreadcast: %s\n", problem.c_str());
        return 1;
    }
#ifdef SPREADCAST_HAVE_CUDA
    spreadcast::gpu::registerBackend();  // before the run panel lists the devices
#endif
    setDefaultSurfaceFormat();
    QApplication application(argc, argv);
    nameApplication();

    CommandLine commandLine;
    QCommandLineParser& parser = commandLine.parser;
    const QCommandLineOption& software = commandLine.software;
    const QCommandLineOption& screenshot = commandLine.screenshot;
    const QCommandLineOption& benchmark = commandLine.benchmark;
    const QCommandLineOption& field = commandLine.field;
    const QCommandLineOption& level = commandLine.level;
    const QCommandLineOption& product = commandLine.product;
    const QCommandLineOption& time = commandLine.time;
    const QCommandLineOption& plume = commandLine.plume;
    const QCommandLineOption& startRun = commandLine.startRun;
    const QCommandLineOption& delay = commandLine.delay;
    parser.process(application);
    if (parser.positionalArguments().size() > 1) {
        std::fprintf(stderr, "spreadcast: give at most one forecast file\n");
        return 2;
    }

    const OpenGLReport openGL = checkOpenGL();
    if (!openGL.sufficient) {
        std::fprintf(stderr, "spreadcast: %s\n", qPrintable(openGL.message));
        // A dialog too, for people who started it from a menu; not when a script drives it.
        if (!parser.isSet(screenshot) && !parser.isSet(benchmark)) {
            QMessageBox::critical(nullptr, "Spreadcast cannot draw the globe", openGL.message);
        }
        return 1;
    }
    // QOpenGLWidget crashes Qt 6.4 on the offscreen platform; draw through images there.
    const bool openGLWidget = !parser.isSet(software) && QApplication::platformName() != "offscreen";
    MainWindow window(openGLWidget ? GlobeWidget::Backend::OpenGL : GlobeWidget::Backend::OffscreenImage);
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString path = parser.positionalArguments().front();
        const QString fieldName = parser.value(field);
        const QString levelText = parser.value(level);
        const QString productName = parser.value(product);
        const int timeIndex = parser.value(time).toInt();
        QTimer::singleShot(0, &window, [&window, path, fieldName, levelText, productName, timeIndex] {
            if (!window.openForecast(path)) {
                return;
            }
            if (!fieldName.isEmpty()) {
                QComboBox* box = window.productPanel()->fieldBox();
                if (box->findData(fieldName) < 0) {
                    std::fprintf(stderr, "spreadcast: the file has no field '%s'\n", qPrintable(fieldName));
                }
                box->setCurrentIndex(std::max(0, box->findData(fieldName)));
            }
            if (!levelText.isEmpty()) {
                QComboBox* box = window.productPanel()->levelBox();
                const int index = box->findData(levelText.toDouble());
                if (index < 0) {
                    std::fprintf(stderr, "spreadcast: the file has no level %s\n", qPrintable(levelText));
                } else {
                    box->setCurrentIndex(index);
                }
            }
            if (!productName.isEmpty()) {
                QComboBox* box = window.productPanel()->productBox();
                if (box->findData(productName) < 0) {
                    std::fprintf(stderr, "spreadcast: no product '%s' for this field\n", qPrintable(productName));
                }
                box->setCurrentIndex(std::max(0, box->findData(productName)));
            }
            window.timeBar()->setTimeIndex(timeIndex);
        });
    }
    if (parser.isSet(plume)) {
        const QStringList point = parser.value(plume).split(',');
        bool latitudeOk = false;
        bool longitudeOk = false;
        const double latitude = point.value(0).toDouble(&latitudeOk);
        const double longitude = point.value(1).toDouble(&longitudeOk);
        if (point.size() != 2 || !latitudeOk || !longitudeOk || std::abs(latitude) > 90.0) {
            std::fprintf(stderr, "spreadcast: --plume '%s': give LAT,LON in degrees, e.g. 45,10\n",
                         qPrintable(parser.value(plume)));
            return 2;
        }
        QTimer::singleShot(0, &window, [&window, latitude, longitude] { window.showPlumeAt(latitude, longitude); });
    }
    if (parser.isSet(startRun)) {
        QTimer::singleShot(0, &window, [&window] {
            auto* run = window.runPanel()->findChild<QPushButton*>("runButton");
            if (run == nullptr || !run->isEnabled()) {
                std::fprintf(stderr, "spreadcast: --start-run: the run panel's settings cannot run: %s\n",
                             qPrintable(window.runPanel()->problems().join(' ')));
                return;
            }
            run->click();
        });
    }
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        QTimer::singleShot(0, &window, [&sinceStart] {
            std::printf("spreadcast: window shown %.0f ms after main() began\n",
                        static_cast<double>(sinceStart.elapsed()));
        });
        // Long enough for the globe's first frames, or for a run to be under way.
        const int milliseconds = std::max(0, parser.value(delay).toInt());
        QTimer::singleShot(milliseconds, &window, [&window, path] {
            const bool saved = window.grab().save(path);
            std::printf("spreadcast: %s %s\n", saved ? "saved" : "could not save", qPrintable(path));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    if (parser.isSet(benchmark)) {
        if (parser.positionalArguments().isEmpty()) {
            std::fprintf(stderr, "spreadcast: --benchmark needs a forecast file\n");
            return 2;
        }
        QTimer::singleShot(500, &window, [&window] { QApplication::exit(runViewBenchmark(window)); });
    }
    return QApplication::exec();
}
