#include "viz/Mp4Animation.h"

#include <stdexcept>

#if SPREADCAST_HAVE_FFMPEG
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cstddef>
#include <cstring>
#include <memory>
#endif

namespace spreadcast {

#if SPREADCAST_HAVE_FFMPEG
constexpr bool builtWithFfmpeg = true;
#else
constexpr bool builtWithFfmpeg = false;
#endif

#if SPREADCAST_HAVE_FFMPEG
namespace {

std::string ffmpegMessage(int code)
{
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

const AVCodec* videoEncoder()
{
    if (const AVCodec* h264 = avcodec_find_encoder(AV_CODEC_ID_H264)) {
        return h264;
    }
    return avcodec_find_encoder(AV_CODEC_ID_MPEG4);
}

struct FormatContextDeleter {
    void operator()(AVFormatContext* context) const
    {
        if (context->pb != nullptr) {
            avio_closep(&context->pb);
        }
        avformat_free_context(context);
    }
};
struct CodecContextDeleter {
    void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameDeleter {
    void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
    void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct ScaleDeleter {
    void operator()(SwsContext* context) const { sws_freeContext(context); }
};

// One MP4 being written: the muxer, the encoder and the RGB → YUV 4:2:0 converter.
class Mp4Writer {
public:
    Mp4Writer(const std::string& path, int width, int height, int frameMilliseconds) : path_(path)
    {
        AVFormatContext* format = nullptr;
        check(avformat_alloc_output_context2(&format, nullptr, "mp4", path.c_str()), "cannot set up an MP4 file");
        format_.reset(format);
        const AVCodec* codec = videoEncoder();
        if (codec == nullptr) {
            fail("this FFmpeg has neither an H.264 nor an MPEG-4 encoder");
        }
        stream_ = avformat_new_stream(format_.get(), nullptr);
        codec_.reset(avcodec_alloc_context3(codec));
        frame_.reset(av_frame_alloc());
        packet_.reset(av_packet_alloc());
        if (stream_ == nullptr || !codec_ || !frame_ || !packet_) {
            fail("out of memory");
        }
        codec_->width = width;
        codec_->height = height;
        codec_->pix_fmt = AV_PIX_FMT_YUV420P;
        // One tick per frame: the frame rate is 1000 / frameMilliseconds.
        av_reduce(&codec_->time_base.num, &codec_->time_base.den, frameMilliseconds, 1000, 1 << 30);
        codec_->framerate = AVRational{codec_->time_base.den, codec_->time_base.num};
        codec_->gop_size = 12;
        if (codec->id == AV_CODEC_ID_H264) {
            // Constant quality; colour maps and text stay sharp at a modest size.
            av_opt_set(codec_->priv_data, "crf", "20", 0);
            av_opt_set(codec_->priv_data, "preset", "medium", 0);
        } else {
            codec_->flags |= AV_CODEC_FLAG_QSCALE;
            codec_->global_quality = FF_QP2LAMBDA * 3;
        }
        if ((format_->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
            codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        }
        check(avcodec_open2(codec_.get(), codec, nullptr), "cannot open the video encoder");
        check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()), "cannot set up the video stream");
        stream_->time_base = codec_->time_base;
        stream_->avg_frame_rate = codec_->framerate;
        check(avio_open(&format_->pb, path.c_str(), AVIO_FLAG_WRITE), "cannot create the file");
        check(avformat_write_header(format_.get(), nullptr), "cannot write the MP4 header");

        frame_->format = codec_->pix_fmt;
        frame_->width = width;
        frame_->height = height;
        check(av_frame_get_buffer(frame_.get(), 0), "out of memory for a frame");
        rgbFrame_.reset(av_frame_alloc());
        if (!rgbFrame_) {
            fail("out of memory");
        }
        rgbFrame_->format = AV_PIX_FMT_RGB24;
        rgbFrame_->width = width;
        rgbFrame_->height = height;
        check(av_frame_get_buffer(rgbFrame_.get(), 0), "out of memory for a frame");
        scale_.reset(sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P, SWS_BICUBIC,
                                    nullptr, nullptr, nullptr));
        if (!scale_) {
            fail("cannot convert RGB frames to YUV");
        }
    }

    void add(const QImage& image)
    {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
        // Into FFmpeg's own padded buffer first: swscale's vector code reads past a row's end. The
        // top-left width × height of the image: an odd side's last row or column is left out.
        check(av_frame_make_writable(rgbFrame_.get()), "out of memory for a frame");
        for (int row = 0; row < codec_->height; ++row) {
            std::memcpy(rgbFrame_->data[0] + static_cast<std::ptrdiff_t>(row) * rgbFrame_->linesize[0],
                        rgb.constScanLine(row), static_cast<std::size_t>(codec_->width) * 3);
        }
        check(av_frame_make_writable(frame_.get()), "out of memory for a frame");
        sws_scale(scale_.get(), rgbFrame_->data, rgbFrame_->linesize, 0, codec_->height, frame_->data,
                  frame_->linesize);
        frame_->pts = frames_++;
        encode(frame_.get());
    }

    void finish()
    {
        encode(nullptr);  // drains the encoder's delayed frames
        check(av_write_trailer(format_.get()), "cannot finish the MP4 file");
        check(avio_closep(&format_->pb), "cannot close the file");
    }

private:
    void encode(const AVFrame* frame)
    {
        check(avcodec_send_frame(codec_.get(), frame), "cannot encode a frame");
        for (;;) {
            const int received = avcodec_receive_packet(codec_.get(), packet_.get());
            if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) {
                return;
            }
            check(received, "cannot encode a frame");
            av_packet_rescale_ts(packet_.get(), codec_->time_base, stream_->time_base);
            packet_->stream_index = stream_->index;
            check(av_interleaved_write_frame(format_.get(), packet_.get()), "cannot write a frame");
        }
    }

    void check(int code, const char* what) const
    {
        if (code < 0) {
            fail(std::string(what) + " (" + ffmpegMessage(code) + ")");
        }
    }
    [[noreturn]] void fail(const std::string& why) const
    {
        throw std::runtime_error("cannot write the video '" + path_ + "': " + why);
    }

    std::string path_;
    std::unique_ptr<AVFormatContext, FormatContextDeleter> format_;
    std::unique_ptr<AVCodecContext, CodecContextDeleter> codec_;
    std::unique_ptr<AVFrame, FrameDeleter> frame_;
    std::unique_ptr<AVFrame, FrameDeleter> rgbFrame_;
    std::unique_ptr<AVPacket, PacketDeleter> packet_;
    std::unique_ptr<SwsContext, ScaleDeleter> scale_;
    AVStream* stream_ = nullptr;  // owned by format_
    int64_t frames_ = 0;
};

}  // namespace
#endif

bool mp4AnimationAvailable()
{
    return builtWithFfmpeg;
}

std::string mp4AnimationUnavailableReason()
{
    if (mp4AnimationAvailable()) {
        return {};
    }
    return "this Spreadcast was built without FFmpeg's libraries (libavformat, libavcodec, libswscale): install "
           "libavformat-dev, libavcodec-dev and libswscale-dev and build again, or export a GIF";
}

std::string mp4EncoderName()
{
#if SPREADCAST_HAVE_FFMPEG
    const AVCodec* codec = videoEncoder();
    if (codec == nullptr) {
        return "none";
    }
    return codec->id == AV_CODEC_ID_H264 ? "H.264 (" + std::string(codec->name) + ")" : "MPEG-4 part 2";
#else
    return "none";
#endif
}

void writeMp4Animation(const std::vector<QImage>& frames, int frameMilliseconds, const std::string& path)
{
    if (frames.empty()) {
        throw std::runtime_error("cannot write the video '" + path + "': no frames (nothing written yet?)");
    }
    if (frameMilliseconds < 1) {
        throw std::runtime_error("cannot write the video '" + path + "': a frame must last at least 1 ms");
    }
#if SPREADCAST_HAVE_FFMPEG
    const int width = frames.front().width() / 2 * 2;
    const int height = frames.front().height() / 2 * 2;
    if (width < 2 || height < 2) {
        throw std::runtime_error("cannot write the video '" + path + "': frames of 2 × 2 pixels at least are needed");
    }
    for (const QImage& frame : frames) {
        if (frame.size() != frames.front().size()) {
            throw std::runtime_error("cannot write the video '" + path + "': the frames differ in size");
        }
    }
    av_log_set_level(AV_LOG_ERROR);  // not the encoder's settings and statistics on stderr
    Mp4Writer writer(path, width, height, frameMilliseconds);
    for (const QImage& frame : frames) {
        writer.add(frame);
    }
    writer.finish();
#else
    throw std::runtime_error("cannot write the video '" + path + "': " + mp4AnimationUnavailableReason());
#endif
}

}  // namespace spreadcast
