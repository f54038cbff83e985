#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"
#include "viz/GlobeScene.h"

#include "Version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

#include <cstdio>

using namespace spreadcast;

int main(int argc, char** argv)
{
    setDefaultSurfaceFormat();
    QApplication application(argc, argv);
    QApplication::setApplicationName("spreadcast");
    QApplication::setOrganizationName("Spreadcast");
    QApplication::setApplicationVersion(softwareVersion);

    QCommandLineParser parser;
    parser.setApplicationDescription("Spreadcast ensemble-forecasting workstation");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE.nc", "a forecast file to open at start-up");
    QCommandLineOption software("offscreen-globe",
                                "draw the globe through offscreen rendering instead of an OpenGL widget "
                                "(for remote sessions)");
    parser.addOption(software);
    parser.process(application);
    if (parser.positionalArguments().size() > 1) {
        std::fprintf(stderr, "spreadcast: give at most one forecast file\n");
        return 2;
    }

    // VTK renders through GLX on this platform, offscreen too: without X there is no globe.
    if (const std::string problem = displayProblem(); !problem.empty()) {
        std::fprintf(stderr, "spreadcast: %s\n", problem.c_str());
        return 1;
    }
    const OpenGLReport openGL = checkOpenGL();
    if (!openGL.sufficient) {
        std::fprintf(stderr, "spreadcast: %s\n", qPrintable(openGL.message));
        QMessageBox::critical(nullptr, "Spreadcast cannot draw the globe", openGL.message);
        return 1;
    }
    // QOpenGLWidget crashes Qt 6.4 on the offscreen platform; draw through images there.
    const bool openGLWidget = !parser.isSet(software) && QApplication::platformName() != "offscreen";
    MainWindow window(openGLWidget ? GlobeWidget::Backend::OpenGL : GlobeWidget::Backend::OffscreenImage);
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString path = parser.positionalArguments().front();
        QTimer::singleShot(0, &window, [&window, path] { window.openForecast(path); });
    }
    return QApplication::exec();
}
