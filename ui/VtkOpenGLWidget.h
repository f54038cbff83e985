#pragma once

#include <vtkSmartPointer.h>

#include <QOpenGLWidget>

#include <functional>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;

namespace spreadcast {

// A QOpenGLWidget that draws a VTK renderer through a vtkGenericOpenGLRenderWindow, as VTK's own
// QVTKOpenGLNativeWidget does (Debian 12 builds that one for Qt 5 only; see
// shared/notes/qt6-vtk-bridge.md). VTK renders into its own framebuffer in Qt's context; the
// result is blitted into the widget's framebuffer.
class VtkOpenGLWidget : public QOpenGLWidget {
public:
    explicit VtkOpenGLWidget(vtkRenderer* renderer, QWidget* parent = nullptr);
    ~VtkOpenGLWidget() override;

    // Renders again at the next paint.
    void markDirty();
    // Called after each VTK render with its duration in milliseconds.
    std::function<void(double)> onRendered;
    bool isInitialized() const { return initialized_; }
    vtkGenericOpenGLRenderWindow* renderWindow() const { return window_; }

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;

private:
    void cleanup();

    // The current context's aboutToBeDestroyed to cleanup(); cut in the destructor.
    QMetaObject::Connection contextDestroyed_;
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    vtkRenderer* renderer_;
    bool dirty_ = true;
    bool painting_ = false;
    bool initialized_ = false;
};

}  // namespace spreadcast
