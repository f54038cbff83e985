#include "ui/VtkOpenGLWidget.h"

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

#include <QElapsedTimer>
#include <QOpenGLContext>
#include <qopengl.h>  // the GL_ constants; not vtk_glew.h, which Qt's OpenGL headers refuse

namespace spreadcast {

VtkOpenGLWidget::VtkOpenGLWidget(vtkRenderer* renderer, QWidget* parent)
    : QOpenGLWidget(parent),
      window_(vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New()),
      interactor_(vtkSmartPointer<vtkGenericRenderWindowInteractor>::New()),
      renderer_(renderer)
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 150);
    window_->AddRenderer(renderer_);
    window_->SetReadyForRendering(false);
    window_->SetFrameBlitModeToNoBlit();
    interactor_->SetRenderWindow(window_);
    interactor_->EnableRenderOff();
    interactor_->Initialize();

    // VTK asks the host to make its context current and whether it is: answer with Qt's context,
    // never QOpenGLWidget::makeCurrent() (it rebinds Qt's framebuffer behind VTK's state cache).
    auto makeCurrent = vtkSmartPointer<vtkCallbackCommand>::New();
    makeCurrent->SetClientData(this);
    makeCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        auto* widget = static_cast<VtkOpenGLWidget*>(self);
        QOpenGLContext* context = widget->context();
        if (context != nullptr && QOpenGLContext::currentContext() != context) {
            context->makeCurrent(context->surface());
        }
    });
    window_->AddObserver(vtkCommand::WindowMakeCurrentEvent, makeCurrent);

    auto isCurrent = vtkSmartPointer<vtkCallbackCommand>::New();
    isCurrent->SetClientData(this);
    isCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void* callData) {
        auto* widget = static_cast<VtkOpenGLWidget*>(self);
        *static_cast<bool*>(callData) =
            widget->context() != nullptr && QOpenGLContext::currentContext() == widget->context();
    });
    window_->AddObserver(vtkCommand::WindowIsCurrentEvent, isCurrent);

    // A render that VTK starts by itself (not from paintGL) only needs the widget repainted.
    auto frame = vtkSmartPointer<vtkCallbackCommand>::New();
    frame->SetClientData(this);
    frame->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        auto* widget = static_cast<VtkOpenGLWidget*>(self);
        if (!widget->painting_) {
            widget->update();
        }
    });
    window_->AddObserver(vtkCommand::WindowFrameEvent, frame);

    auto render = vtkSmartPointer<vtkCallbackCommand>::New();
    render->SetClientData(this);
    render->SetCallback(
        [](vtkObject*, unsigned long, void* self, void*) { static_cast<VtkOpenGLWidget*>(self)->markDirty(); });
    interactor_->AddObserver(vtkCommand::RenderEvent, render);
}

VtkOpenGLWidget::~VtkOpenGLWidget()
{
    // ~QOpenGLWidget destroys the context after this part of the object is gone; its
    // aboutToBeDestroyed must not call cleanup() on what is left.
    disconnect(contextDestroyed_);
    cleanup();
    window_->RemoveRenderer(renderer_);
}

void VtkOpenGLWidget::markDirty()
{
    dirty_ = true;
    update();
}

void VtkOpenGLWidget::initializeGL()
{
    // A widget moved to another window gets a new context; VTK's resources belong to the old one.
    disconnect(contextDestroyed_);
    contextDestroyed_ = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkOpenGLWidget::cleanup);
    window_->SetOwnContext(0);
    window_->SetReadyForRendering(true);
    window_->InitializeFromCurrentContext();
    window_->SetMapped(1);
    initialized_ = true;
    dirty_ = true;
}

void VtkOpenGLWidget::resizeGL(int width, int height)
{
    const double ratio = devicePixelRatioF();
    const int pixelWidth = static_cast<int>(width * ratio);
    const int pixelHeight = static_cast<int>(height * ratio);
    interactor_->UpdateSize(pixelWidth, pixelHeight);
    window_->SetSize(pixelWidth, pixelHeight);
    dirty_ = true;
}

void VtkOpenGLWidget::paintGL()
{
    if (!initialized_) {
        return;
    }
    painting_ = true;
    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    // Qt leaves GL_LESS; VTK expects GL_LEQUAL.
    state->vtkglDepthFunc(GL_LEQUAL);
    if (dirty_) {
        QElapsedTimer timer;
        timer.start();
        window_->Render();
        dirty_ = false;
        if (onRendered) {
            onRendered(static_cast<double>(timer.nsecsElapsed()) * 1e-6);
        }
    }
    const int width = static_cast<int>(this->width() * devicePixelRatioF());
    const int height = static_cast<int>(this->height() * devicePixelRatioF());
    state->PushDrawFramebufferBinding();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    state->vtkglDrawBuffer(GL_COLOR_ATTACHMENT0);
    state->PushReadFramebufferBinding();
    window_->BlitDisplayFramebuffer(0, 0, 0, width, height, 0, 0, width, height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    state->PopReadFramebufferBinding();
    // An opaque result: Mesa would otherwise blend it with whatever is behind the window.
    state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    state->vtkglClearColor(0.0f, 0.0f, 0.0f, 1.0f);
    state->vtkglClear(GL_COLOR_BUFFER_BIT);
    state->vtkglColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    state->PopDrawFramebufferBinding();
    state->Pop();
    painting_ = false;
}

void VtkOpenGLWidget::cleanup()
{
    if (!initialized_) {
        return;
    }
    QOpenGLContext* current = context();
    if (current != nullptr && current->isValid()) {
        current->makeCurrent(current->surface());
    }
    window_->Finalize();
    window_->SetReadyForRendering(false);
    initialized_ = false;
}

}  // namespace spreadcast
