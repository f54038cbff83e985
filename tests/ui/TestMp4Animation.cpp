#include "../common/CliRunner.h"
#include "ForecastFixture.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "viz/AnimationFile.h"
#include "viz/Mp4Animation.h"

#include <QAction>
#include <QApplication>
#include <QColor>
#include <QImage>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QtTest/QtTest>

#if SPREADCAST_HAVE_FFMPEG
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}
#endif

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

using namespace spreadcast;
using namespace spreadcast::testing;

namespace {

// A video read back: its frames as RGB images, the codec and the frame rate it declares.
struct DecodedVideo {
    std::vector<QImage> frames;
    QString codec;
    double framesPerSecond = 0.0;
};

#if SPREADCAST_HAVE_FFMPEG
// Decodes every frame of a video file with libavformat and libavcodec; throws on any error.
DecodedVideo decode(const QString& path)
{
    AVFormatContext* opened = nullptr;
    if (avformat_open_input(&opened, path.toUtf8().constData(), nullptr, nullptr) < 0) {
        throw std::runtime_error("cannot open " + path.toStdString());
    }
    std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> format(
        opened, [](AVFormatContext* context) { avformat_close_input(&context); });
    if (avformat_find_stream_info(format.get(), nullptr) < 0) {
        throw std::runtime_error("no stream information");
    }
    const AVCodec* codec = nullptr;
    const int stream = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (stream < 0 || codec == nullptr) {
        throw std::runtime_error("no video stream");
    }
    std::unique_ptr<AVCodecContext, void (*)(AVCodecContext*)> decoder(
        avcodec_alloc_context3(codec), [](AVCodecContext* context) { avcodec_free_context(&context); });
    avcodec_parameters_to_context(decoder.get(), format->streams[stream]->codecpar);
    if (avcodec_open2(decoder.get(), codec, nullptr) < 0) {
        throw std::runtime_error("cannot open the decoder");
    }
    DecodedVideo video;
    video.codec = QString::fromUtf8(codec->name);
    video.framesPerSecond = av_q2d(format->streams[stream]->avg_frame_rate);
    std::unique_ptr<AVFrame, void (*)(AVFrame*)> frame(av_frame_alloc(), [](AVFrame* f) { av_frame_free(&f); });
    std::unique_ptr<AVPacket, void (*)(AVPacket*)> packet(av_packet_alloc(), [](AVPacket* p) { av_packet_free(&p); });
    std::unique_ptr<AVFrame, void (*)(AVFrame*)> rgb(av_frame_alloc(), [](AVFrame* f) { av_frame_free(&f); });
    auto receive = [&] {
        while (avcodec_receive_frame(decoder.get(), frame.get()) == 0) {
            // Into FFmpeg's padded buffer (swscale writes past a row's end), then into an image.
            av_frame_unref(rgb.get());
            rgb->format = AV_PIX_FMT_RGB24;
            rgb->width = frame->width;
            rgb->height = frame->height;
            if (av_frame_get_buffer(rgb.get(), 0) < 0) {
                throw std::runtime_error("out of memory");
            }
            SwsContext* scale =
                sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), frame->width,
                               frame->height, AV_PIX_FMT_RGB24, SWS_BICUBIC, nullptr, nullptr, nullptr);
            sws_scale(scale, frame->data, frame->linesize, 0, frame->height, rgb->data, rgb->linesize);
            sws_freeContext(scale);
            QImage image(frame->width, frame->height, QImage::Format_RGB888);
            for (int row = 0; row < frame->height; ++row) {
                std::memcpy(image.scanLine(row), rgb->data[0] + static_cast<std::ptrdiff_t>(row) * rgb->linesize[0],
                            static_cast<std::size_t>(frame->width) * 3);
            }
            video.frames.push_back(image);
        }
    };
    while (av_read_frame(format.get(), packet.get()) >= 0) {
        if (packet->stream_index == stream) {
            avcodec_send_packet(decoder.get(), packet.get());
            receive();
        }
        av_packet_unref(packet.get());
    }
    avcodec_send_packet(decoder.get(), nullptr);
    receive();
    return video;
}

// The mean absolute difference of two images over their RGB channels, in 0 … 255 levels.
double meanDifference(const QImage& a, const QImage& b)
{
    const QImage first = a.convertToFormat(QImage::Format_RGB888);
    const QImage second = b.convertToFormat(QImage::Format_RGB888);
    double sum = 0.0;
    for (int y = 0; y < first.height(); ++y) {
        const uchar* p = first.constScanLine(y);
        const uchar* q = second.constScanLine(y);
        for (int x = 0; x < first.width() * 3; ++x) {
            sum += std::abs(int(p[x]) - int(q[x]));
        }
    }
    return sum / (first.width() * first.height() * 3.0);
}

// Pixels whose colour differs by more than coding noise (24 levels in a channel).
int changedPixels(const QImage& a, const QImage& b)
{
    const QImage first = a.convertToFormat(QImage::Format_RGB888);
    const QImage second = b.convertToFormat(QImage::Format_RGB888);
    int changed = 0;
    for (int y = 0; y < first.height(); ++y) {
        const uchar* p = first.constScanLine(y);
        const uchar* q = second.constScanLine(y);
        for (int x = 0; x < first.width(); ++x) {
            bool differs = false;
            for (int c = 0; c < 3; ++c) {
                differs = differs || std::abs(int(p[3 * x + c]) - int(q[3 * x + c])) > 24;
            }
            changed += differs ? 1 : 0;
        }
    }
    return changed;
}

#endif

// A smooth field (a colour ramp, as a colour map draws one) with a bright square at `x`.
QImage frameWithSquareAt(int x, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    for (int row = 0; row < size.height(); ++row) {
        for (int column = 0; column < size.width(); ++column) {
            image.setPixel(column, row, qRgb(40 + column, 60 + row, 140));
        }
    }
    for (int row = 16; row < 32; ++row) {
        for (int column = x; column < x + 16 && column < size.width(); ++column) {
            image.setPixel(column, row, qRgb(255, 255, 255));
        }
    }
    return image;
}

}  // namespace

// The animation as an MP4 video (viz/Mp4Animation): encoded with FFmpeg's libraries and decoded
// back with them, frame by frame — the count, the size, the rate, and that a frame changes where
// the field changes and not elsewhere.
class TestMp4Animation : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;

private slots:
    void initTestCase()
    {
        if (!mp4AnimationAvailable()) {
            QVERIFY(!mp4AnimationUnavailableReason().empty());
            QSKIP("built without FFmpeg's libraries");
        }
#if !SPREADCAST_HAVE_FFMPEG
        QSKIP("the test is built without FFmpeg's libraries to decode with");
#endif
    }

    void framesComeBackInOrderAtTheirRate()
    {
#if SPREADCAST_HAVE_FFMPEG
        const QSize size(96, 64);
        // The square moves, stays for two frames (the field does not change), then moves again.
        const std::vector<int> squareAt{8, 24, 40, 40, 40, 64};
        std::vector<QImage> frames;
        for (const int x : squareAt) {
            frames.push_back(frameWithSquareAt(x, size));
        }
        const QString path = folder_.filePath("square.mp4");
        writeMp4Animation(frames, 250, path.toStdString());
        const DecodedVideo video = decode(path);
        QCOMPARE(video.frames.size(), frames.size());
        QCOMPARE(video.frames.front().size(), size);
        QCOMPARE(video.framesPerSecond, 4.0);  // 250 ms a frame
        const bool h264 = avcodec_find_encoder(AV_CODEC_ID_H264) != nullptr;
        QCOMPARE(video.codec, QString(h264 ? "h264" : "mpeg4"));
        QCOMPARE(QString::fromStdString(mp4EncoderName()).startsWith(h264 ? "H.264" : "MPEG-4"), true);
        // Each frame is the one given, within the loss of 4:2:0 colour and the encoder's
        // quantisation (CRF 20 or q 3: a few levels of 255 on a smooth ramp, more at the square's edges).
        for (std::size_t i = 0; i < frames.size(); ++i) {
            const double error = meanDifference(video.frames[i], frames[i]);
            qInfo("frame %d: mean error %.2f", int(i), error);
            QVERIFY2(error < 4.0, qPrintable(QString("frame %1: mean error %2").arg(i).arg(error)));
        }
        // A 16 × 16 square that moves 16 px or more changes 2 × 256 of 6144 pixels by ~150 levels:
        // ~12 levels on average. Frames of the same field differ by coding noise only.
        for (std::size_t i = 1; i < frames.size(); ++i) {
            const double change = meanDifference(video.frames[i], video.frames[i - 1]);
            qInfo("frames %d, %d: mean change %.2f", int(i - 1), int(i), change);
            if (squareAt[i] != squareAt[i - 1]) {
                QVERIFY2(change > 6.0, qPrintable(QString("frames %1, %2: %3").arg(i - 1).arg(i).arg(change)));
            } else {
                QVERIFY2(change < 1.5, qPrintable(QString("frames %1, %2: %3").arg(i - 1).arg(i).arg(change)));
            }
        }
#endif
    }

    void anOddSizeLosesItsLastRowAndColumn()
    {
#if SPREADCAST_HAVE_FFMPEG
        const QString path = folder_.filePath("odd.mp4");
        writeAnimation({frameWithSquareAt(4, QSize(65, 49)), frameWithSquareAt(30, QSize(65, 49))}, 500,
                       path.toStdString());
        const DecodedVideo video = decode(path);
        QCOMPARE(video.frames.size(), std::size_t(2));
        QCOMPARE(video.frames.front().size(), QSize(64, 48));
#endif
    }

    void badRequestsAreExplained()
    {
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 writeMp4Animation({}, 250, folder_.filePath("none.mp4").toStdString()));
        try {
            writeAnimation({frameWithSquareAt(0, QSize(32, 32))}, 250, folder_.filePath("a.avi").toStdString());
            QFAIL("a .avi name was accepted");
        } catch (const std::exception& error) {
            QVERIFY2(QString(error.what()).contains("NAME.mp4"), error.what());
        }
        const QString missing = folder_.filePath("no/such/folder/a.mp4");
        try {
            writeMp4Animation({frameWithSquareAt(0, QSize(32, 32))}, 250, missing.toStdString());
            QFAIL("a video was written into a missing folder");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).contains(missing), error.what());
        }
    }

    // `spreadcast-cli render --animate --out NAME.mp4`: one frame per written time of a real run.
    void theRenderCommandWritesAVideo()
    {
#if SPREADCAST_HAVE_FFMPEG
        const QString forecast = folder_.filePath("run.nc");
        const CliResult run = runCli({"run", "-T", "21", "--ic", "galewsky", "--lead", "2d", "--output-every", "1d",
                                      "--members", "3", "--out", forecast, "-q"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString video = folder_.filePath("run.mp4");
        const CliResult render =
            runCli({"render", forecast, "--field", "vorticity", "--product", "spread", "--projection", "platecarree",
                    "--size", "200x120", "--animate", "--frame-ms", "500", "--out", video});
        QVERIFY2(render.exitCode == 0, qPrintable(render.err));
        QVERIFY2(render.out.contains("3 frames"), qPrintable(render.out));
        const DecodedVideo decoded = decode(video);
        QCOMPARE(decoded.frames.size(), std::size_t(3));  // 0, 24, 48 h
        QCOMPARE(decoded.frames.front().size(), QSize(200, 120));
        QCOMPARE(decoded.framesPerSecond, 2.0);
        // The vorticity moves between the times: each frame differs from the one before.
        for (std::size_t i = 1; i < decoded.frames.size(); ++i) {
            const int changed = changedPixels(decoded.frames[i], decoded.frames[i - 1]);
            qInfo("frames %d, %d: %d pixels changed", int(i - 1), int(i), changed);
            QVERIFY2(changed > 200, qPrintable(QString("frames %1, %2: %3 pixels").arg(i - 1).arg(i).arg(changed)));
        }
#endif
    }

    // File ▸ Export ▸ Animation (MP4), right after the GIF entry, writes the globe's frames.
    void theWorkstationExportsAVideo()
    {
#if SPREADCAST_HAVE_FFMPEG
        QStandardPaths::setTestModeEnabled(true);
        MainWindow window(GlobeWidget::Backend::OffscreenImage);
        auto* video = window.findChild<QAction*>("exportVideo");
        QVERIFY(video != nullptr);
        QVERIFY(video->isEnabled());
        QVERIFY2(video->toolTip().contains(QString::fromStdString(mp4EncoderName())), qPrintable(video->toolTip()));
        QMenu* exportMenu = nullptr;
        for (QMenu* menu : window.menuBar()->findChildren<QMenu*>()) {
            exportMenu = menu->title() == "&Export" ? menu : exportMenu;
        }
        QVERIFY(exportMenu != nullptr);
        const QList<QAction*> actions = exportMenu->actions();
        const qsizetype at = actions.indexOf(video);
        QVERIFY(at > 0);
        QVERIFY2(actions[at - 1]->text().contains("(GIF)"), qPrintable(actions[at - 1]->text()));

        const QString forecast = folder_.filePath("fixture.nc");
        fixture::write(forecast.toStdString());
        QVERIFY(window.openForecast(forecast));
        const QString path = folder_.filePath("globe.mp4");
        QVERIFY(window.exportAnimation(path, 160, 100));
        const DecodedVideo decoded = decode(path);
        QCOMPARE(decoded.frames.size(), std::size_t(fixture::outputTimes.size()));
        QCOMPARE(decoded.frames.front().size(), QSize(160, 100));
        // The globe is drawn: far from one flat colour.
        QImage background(decoded.frames.front().size(), QImage::Format_RGB888);
        background.fill(decoded.frames.front().pixel(0, 0));
        QVERIFY(changedPixels(decoded.frames.front(), background) > 1000);
#endif
    }
};

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QApplication::setOrganizationName("SpreadcastTests");
    QApplication::setApplicationName("TestMp4Animation");
    TestMp4Animation test;
    return QTest::qExec(&test, argc, argv);
}
#include "TestMp4Animation.moc"
