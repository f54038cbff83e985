#include "ForecastFixture.h"
#include "viz/RenderCommand.h"

#include <QtGui/QImage>
#include <QtTest/QtTest>

#include <set>
#include <sstream>

using namespace spreadcast;

class TestRenderCommand : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString forecast_;

    int render(RenderOptions options, std::string& message)
    {
        std::ostringstream out;
        std::ostringstream error;
        const int code = runRenderCommand(options, out, error);
        message = code == 0 ? out.str() : error.str();
        return code;
    }

private slots:
    void initTestCase()
    {
        forecast_ = folder_.filePath("forecast.nc");
        fixture::write(forecast_.toStdString());
    }

    void rendersTheSpreadAtALeadTime()
    {
        RenderOptions options;
        options.file = forecast_.toStdString();
        options.product = "spread";
        options.time = "24h";
        options.width = 500;
        options.height = 350;
        options.out = folder_.filePath("spread.png").toStdString();
        std::string message;
        QCOMPARE(render(options, message), 0);
        QVERIFY2(message.find("height — ensemble spread — T+24 h") != std::string::npos, message.c_str());
        const QImage image(QString::fromStdString(options.out));
        QCOMPARE(image.size(), QSize(500, 350));
        std::set<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3) {
                colours.insert(image.pixel(x, y));
            }
        }
        QVERIFY(colours.size() > 50);
    }

    void everyProductRenders()
    {
        for (const char* product : {"member", "mean", "probability", "spaghetti", "stamps"}) {
            RenderOptions options;
            options.file = forecast_.toStdString();
            options.field = "wind_speed";
            options.product = product;
            options.time = "last";
            options.member = 2;
            options.width = 200;
            options.height = 150;
            options.out = folder_.filePath(QString("%1.png").arg(product)).toStdString();
            std::string message;
            QVERIFY2(render(options, message) == 0, message.c_str());
            QCOMPARE(QImage(QString::fromStdString(options.out)).size(), QSize(200, 150));
        }
    }

    void badInputExitsWithTwoAndSaysWhy()
    {
        RenderOptions options;
        options.file = forecast_.toStdString();
        options.out = folder_.filePath("bad.png").toStdString();
        std::string message;

        options.time = "120h";
        QCOMPARE(render(options, message), 2);
        QVERIFY2(message.find("it has 0h, 12h, 24h") != std::string::npos, message.c_str());
        options.time = "12h";

        options.field = "temperature";
        QCOMPARE(render(options, message), 2);
        QVERIFY2(message.find("no field 'temperature'") != std::string::npos, message.c_str());
        options.field = "height";

        options.product = "average";
        QCOMPARE(render(options, message), 2);
        QVERIFY2(message.find("--product 'average'") != std::string::npos, message.c_str());
        options.product = "member";

        options.member = 7;
        QCOMPARE(render(options, message), 2);
        QVERIFY2(message.find("stores members 0 … 2") != std::string::npos, message.c_str());
        options.member = 0;

        options.file = folder_.filePath("missing.nc").toStdString();
        QCOMPARE(render(options, message), 2);
        QVERIFY2(message.find("no such file") != std::string::npos, message.c_str());
        options.file = forecast_.toStdString();

        options.width = 0;
        QCOMPARE(render(options, message), 2);
        options.width = 100;
        options.out = folder_.filePath("none/bad.png").toStdString();
        QCOMPARE(render(options, message), 1);
        QVERIFY2(message.find("does not exist") != std::string::npos, message.c_str());
        QVERIFY(!QFile::exists(folder_.filePath("bad.png")));
    }
};

QTEST_GUILESS_MAIN(TestRenderCommand)
#include "TestRenderCommand.moc"
