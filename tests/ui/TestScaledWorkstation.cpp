#include "ForecastFixture.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"

#include <QApplication>
#include <QOpenGLWidget>
#include <QScreen>
#include <QtTest/QtTest>

using namespace spreadcast;

// Issue 14, defect 7: with QT_SCALE_FACTOR=1.5 the window opened larger than the screen, and
// the globe's title and colour-bar text kept their unscaled size.
class TestScaledWorkstation : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QCOMPARE(qApp->devicePixelRatio(), 1.5);
    }

    void windowFitsTheScreenAndTextScales()
    {
        const OpenGLReport report = checkOpenGL();
        QVERIFY2(report.sufficient, qPrintable(report.message));
        const QString path = folder_.filePath("forecast.nc");
        fixture::write(path.toStdString());
        MainWindow window(GlobeWidget::Backend::OpenGL);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QRect available = window.screen()->availableGeometry();
        QVERIFY2(available.contains(window.frameGeometry()),
                 qPrintable(QString("window %1×%2 on a screen of %3×%4 (Qt pixels)")
                                .arg(window.frameGeometry().width())
                                .arg(window.frameGeometry().height())
                                .arg(available.width())
                                .arg(available.height())));
        QVERIFY(window.openForecast(path));
        QVERIFY(window.globe()->redrawNow());

        // The scene is laid out in the device pixels it is drawn in: its title is centred on the
        // framebuffer, at a size that is readable at this scale.
        const QImage frame = window.globe()->findChild<QOpenGLWidget*>()->grabFramebuffer();
        const GlobeLayout& layout = window.globe()->scene().currentLayout();
        const double centre = (layout.title.left + layout.title.right) / 2.0;
        QVERIFY2(std::abs(centre - frame.width() / 2.0) <= 2.0,
                 qPrintable(QString("title centred at %1 in a framebuffer %2 wide").arg(centre).arg(frame.width())));
        QVERIFY2(layout.titleFontSize >= 16, qPrintable(QString::number(layout.titleFontSize)));
        const double labelsHeight = layout.colourBar.labels.top - layout.colourBar.labels.bottom;
        QVERIFY2(labelsHeight > 0.4 * frame.height(), qPrintable(QString::number(labelsHeight)));
        const double titleThickness = layout.colourBar.title.right - layout.colourBar.title.left;
        QVERIFY2(titleThickness >= 13.0, qPrintable(QString::number(titleThickness)));
    }
};

int main(int argc, char** argv)
{
    qputenv("QT_SCALE_FACTOR", "1.5");
    QApplication application(argc, argv);
    TestScaledWorkstation test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestScaledWorkstation.moc"
