#pragma once

#include <QString>

namespace spreadcast {

// VTK 9's OpenGL2 backend needs an OpenGL 3.2 core context.
inline constexpr int requiredOpenGLMajor = 3;
inline constexpr int requiredOpenGLMinor = 2;

// Before QApplication: OpenGL 3.2 core, depth 24, stencil 8, no multisampling (what VTK expects).
void setDefaultSurfaceFormat();

struct OpenGLReport {
    bool sufficient = false;
    int major = 0;
    int minor = 0;
    QString renderer;  // e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    QString message;   // for people: what was found and what is needed
};

// Creates a context with the default format on an offscreen surface and reports its version.
OpenGLReport checkOpenGL();

}  // namespace spreadcast
