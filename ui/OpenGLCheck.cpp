#include "ui/OpenGLCheck.h"

#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>

namespace spreadcast {

void setDefaultSurfaceFormat()
{
    QSurfaceFormat format;
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(requiredOpenGLMajor, requiredOpenGLMinor);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    format.setSamples(0);
    format.setRedBufferSize(8);
    format.setGreenBufferSize(8);
    format.setBlueBufferSize(8);
    format.setAlphaBufferSize(8);
    QSurfaceFormat::setDefaultFormat(format);
}

OpenGLReport checkOpenGL()
{
    OpenGLReport report;
    const QString needed = QString("OpenGL %1.%2 core profile").arg(requiredOpenGLMajor).arg(requiredOpenGLMinor);
    QOpenGLContext context;
    context.setFormat(QSurfaceFormat::defaultFormat());
    if (!context.create()) {
        report.message = "No OpenGL context could be created. Spreadcast's globe needs " + needed +
                         "; install the Mesa drivers (libgl1-mesa-dri) or your GPU's driver, or check that the "
                         "X server offers OpenGL (GLX).";
        return report;
    }
    QOffscreenSurface surface;
    surface.setFormat(context.format());
    surface.create();
    const QSurfaceFormat format = context.format();
    report.major = format.majorVersion();
    report.minor = format.minorVersion();
    if (context.makeCurrent(&surface)) {
        const auto* name = reinterpret_cast<const char*>(context.functions()->glGetString(GL_RENDERER));
        report.renderer = name != nullptr ? QString::fromUtf8(name) : QString();
        context.doneCurrent();
    }
    report.sufficient =
        std::make_pair(report.major, report.minor) >= std::make_pair(requiredOpenGLMajor, requiredOpenGLMinor);
    const QString found = QString("OpenGL %1.%2%3")
                              .arg(report.major)
                              .arg(report.minor)
                              .arg(report.renderer.isEmpty() ? QString() : " (" + report.renderer + ")");
    report.message = report.sufficient ? found
                                       : "This machine offers " + found + ", but the globe needs " + needed +
                                             ". Update the graphics driver, or run with software rendering: "
                                             "LIBGL_ALWAYS_SOFTWARE=1 spreadcast (Mesa llvmpipe offers 4.5).";
    return report;
}

}  // namespace spreadcast
