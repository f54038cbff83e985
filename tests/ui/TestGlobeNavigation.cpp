#include "spectral/GaussianGrid.h"
#include "ui/GlobeWidget.h"

#include <QAction>
#include <QtTest/QtTest>

#include <cmath>
#include <optional>

using namespace spreadcast;

namespace {

GlobeContent zonalField()
{
    const GaussianGrid grid = GaussianGrid::forTruncation(21);
    GlobeContent content;
    content.latitudes = grid.latitudeDegrees;
    content.longitudes = grid.longitudeDegrees;
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            content.values.push_back(static_cast<float>(10000.0 + 500.0 * grid.sinLatitude[j]));
        }
    }
    content.limits = limitsOf(content.values, false);
    content.colourBarTitle = "height (m)";
    content.title = "height";
    return content;
}

double longitudeDifference(double a, double b)
{
    return std::abs(std::remainder(a - b, 360.0));
}

}  // namespace

class TestGlobeNavigation : public QObject {
    Q_OBJECT

    std::unique_ptr<GlobeWidget> globe_;

    std::optional<std::pair<double, double>> pick(QPoint at) const
    {
        return globe_->scene().pick(at.x(), at.y(), globe_->width(), globe_->height());
    }

    // The disc's centre on screen: halfway between its left and right edges on the middle row.
    QPoint discCentre() const
    {
        const int row = globe_->height() / 2;
        int left = -1;
        int right = -1;
        for (int x = 0; x < globe_->width(); ++x) {
            if (pick({x, row})) {
                left = left < 0 ? x : left;
                right = x;
            }
        }
        return {(left + right) / 2, row};
    }

    void drag(QPoint from, QPoint to)
    {
        QWidget* target = globe_.get();
        QMouseEvent press(QEvent::MouseButtonPress, from, target->mapToGlobal(from), Qt::LeftButton, Qt::LeftButton,
                          Qt::NoModifier);
        QCoreApplication::sendEvent(target, &press);
        constexpr int steps = 10;
        for (int k = 1; k <= steps; ++k) {
            const QPoint at = from + (to - from) * k / steps;
            QMouseEvent move(QEvent::MouseMove, at, target->mapToGlobal(at), Qt::NoButton, Qt::LeftButton,
                             Qt::NoModifier);
            QCoreApplication::sendEvent(target, &move);
        }
        QMouseEvent release(QEvent::MouseButtonRelease, to, target->mapToGlobal(to), Qt::LeftButton, Qt::NoButton,
                            Qt::NoModifier);
        QCoreApplication::sendEvent(target, &release);
    }

private slots:
    void init()
    {
        globe_ = std::make_unique<GlobeWidget>(GlobeWidget::Backend::OffscreenImage);
        globe_->resize(800, 600);
        globe_->show();
        QVERIFY(QTest::qWaitForWindowExposed(globe_.get()));
        globe_->showContent(zonalField());
        globe_->setCamera(GlobeCamera{});
        QVERIFY(globe_->redrawNow());
    }

    void cleanup() { globe_.reset(); }

    // Issue 14, defect 12: vertical drags turned the globe far more, or less, than the mouse moved.
    void verticalDragKeepsTheGrabbedPointUnderTheMouse()
    {
        const QPoint from = discCentre() + QPoint(0, -40);
        const auto grabbed = pick(from);
        QVERIFY(grabbed);
        const QPoint to = from + QPoint(0, 100);
        drag(from, to);
        const auto under = pick(to);
        QVERIFY(under);
        QVERIFY2(std::abs(under->first - grabbed->first) < 1.5 &&
                     longitudeDifference(under->second, grabbed->second) < 1.5,
                 qPrintable(QString("grabbed %1, %2; now under the mouse %3, %4")
                                .arg(grabbed->first)
                                .arg(grabbed->second)
                                .arg(under->first)
                                .arg(under->second)));
    }

    // A horizontal drag turns the globe about its polar axis: the grabbed point follows, the
    // eye's latitude stays and north stays up (no roll).
    void horizontalDragTurnsAboutThePolarAxis()
    {
        const QPoint from = discCentre();
        const auto grabbed = pick(from);
        QVERIFY(grabbed);
        const QPoint to = from + QPoint(60, 0);
        drag(from, to);
        QCOMPARE(globe_->scene().camera().latitude, GlobeCamera{}.latitude);
        const auto under = pick(to);
        QVERIFY(under);
        QVERIFY2(longitudeDifference(under->second, grabbed->second) < 2.0 &&
                     std::abs(under->first - grabbed->first) < 2.0,
                 qPrintable(QString("grabbed %1, %2; now %3, %4")
                                .arg(grabbed->first)
                                .arg(grabbed->second)
                                .arg(under->first)
                                .arg(under->second)));
        // North up: the vertical line through the disc's centre is one meridian.
        const QPoint centre = discCentre();
        const auto above = pick(centre + QPoint(0, -120));
        const auto below = pick(centre + QPoint(0, 120));
        QVERIFY(above && below);
        QVERIFY2(longitudeDifference(above->second, below->second) < 1.0,
                 qPrintable(QString("%1 above, %2 below").arg(above->second).arg(below->second)));
        QVERIFY(above->first > below->first);
    }

    void arrowKeysHomeAndTheResetAction()
    {
        QTest::keyClick(globe_.get(), Qt::Key_Left);
        QCOMPARE(globe_->scene().camera().longitude, -10.0);
        QTest::keyClick(globe_.get(), Qt::Key_Up);
        QCOMPARE(globe_->scene().camera().latitude, 40.0);
        QTest::keyClick(globe_.get(), Qt::Key_Plus);
        QVERIFY(globe_->scene().camera().distance < GlobeCamera{}.distance);
        QTest::keyClick(globe_.get(), Qt::Key_Home);
        QCOMPARE(globe_->scene().camera(), GlobeCamera{});

        QAction* reset = globe_->resetViewAction();
        QCOMPARE(reset->shortcut(), QKeySequence(Qt::Key_Home));
        globe_->setCamera({120.0, -50.0, 3.0});
        reset->trigger();
        QCOMPARE(globe_->scene().camera(), GlobeCamera{});
    }
};

QTEST_MAIN(TestGlobeNavigation)
#include "TestGlobeNavigation.moc"
