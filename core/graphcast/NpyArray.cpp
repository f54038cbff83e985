#include "graphcast/NpyArray.h"

#include "run/InputError.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <variant>

namespace spreadcast::graphcast {

static_assert(std::endian::native == std::endian::little, "the .npy reader assumes a little-endian host");

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr std::size_t magicSize = 6;
// numpy has 32 dimensions at most (64 since numpy 2); more is a damaged header, not an array.
constexpr std::size_t maximumDimensions = 64;
// numpy refuses headers over 10,000 bytes unless asked; 1 MiB is beyond anything it writes.
constexpr std::size_t maximumHeaderSize = 1 << 20;

[[noreturn]] void fail(const std::string& where, const std::string& problem)
{
    throw InputError(where + ": " + problem);
}

[[noreturn]] void failHeader(const std::string& where, const std::string& problem)
{
    fail(where, "the .npy header is malformed (" + problem +
                    "); the file is damaged or was not written by numpy — download or save it again");
}

std::uint32_t readLittleEndian(const std::vector<std::byte>& bytes, std::size_t offset, std::size_t width)
{
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        value |= static_cast<std::uint32_t>(bytes[offset + i]) << (8 * i);
    }
    return value;
}

// The header dict's text and where the items start.
struct HeaderText {
    std::string text;
    std::size_t dataOffset = 0;
};

HeaderText readHeaderText(const std::vector<std::byte>& bytes, const std::string& where)
{
    if (bytes.size() < magicSize + 2 || std::memcmp(bytes.data(), magic, magicSize) != 0) {
        fail(where, "not a .npy array (no \\x93NUMPY magic string); the file is damaged or not written by numpy");
    }
    const auto major = static_cast<int>(bytes[magicSize]);
    const auto minor = static_cast<int>(bytes[magicSize + 1]);
    if (minor != 0 || major < 1 || major > 3) {
        fail(where, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                        " is not supported (1.0, 2.0 and 3.0 are); save the array with numpy again");
    }
    const std::size_t lengthWidth = major == 1 ? 2 : 4;
    const std::size_t headerStart = magicSize + 2 + lengthWidth;
    if (bytes.size() < headerStart) {
        fail(where, "the .npy file is truncated inside its header; download or save it again");
    }
    const std::size_t headerLength = readLittleEndian(bytes, magicSize + 2, lengthWidth);
    if (headerLength > maximumHeaderSize || headerLength > bytes.size() - headerStart) {
        fail(where, "the .npy header claims " + std::to_string(headerLength) + " bytes but the file has " +
                        std::to_string(bytes.size() - headerStart) +
                        " after the preamble; the file is truncated or damaged — download or save it again");
    }
    HeaderText header;
    header.text.resize(headerLength);
    std::memcpy(header.text.data(), bytes.data() + headerStart, headerLength);
    header.dataOffset = headerStart + headerLength;
    return header;
}

using HeaderValue = std::variant<std::string, bool, std::vector<std::int64_t>>;

// Reads the Python dict literal that numpy writes with repr(), e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. Only strings, True/False and
// tuples of non-negative integers are values; a list (a structured dtype) is refused.
class HeaderDictParser {
public:
    HeaderDictParser(const std::string& text, const std::string& where) : text_(text), where_(where) {}

    std::map<std::string, HeaderValue> parse()
    {
        std::map<std::string, HeaderValue> entries;
        expect('{');
        while (!consume('}')) {
            std::string key = parseString();
            expect(':');
            entries[key] = parseValue(key);
            if (!consume(',')) {
                expect('}');
                break;
            }
        }
        skipSpace();
        if (position_ != text_.size()) {
            failHeader(where_, "text after the closing brace");
        }
        return entries;
    }

private:
    void skipSpace()
    {
        while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' ||
                                            text_[position_] == '\t' || text_[position_] == '\r')) {
            ++position_;
        }
    }
    bool consume(char expected)
    {
        skipSpace();
        if (position_ < text_.size() && text_[position_] == expected) {
            ++position_;
            return true;
        }
        return false;
    }
    void expect(char expected)
    {
        if (!consume(expected)) {
            failHeader(where_, std::string("expected '") + expected + "' at character " + std::to_string(position_));
        }
    }
    std::string parseString()
    {
        skipSpace();
        if (position_ >= text_.size() || (text_[position_] != '\'' && text_[position_] != '"')) {
            failHeader(where_, "expected a quoted string at character " + std::to_string(position_));
        }
        const char quote = text_[position_++];
        const std::size_t end = text_.find(quote, position_);
        if (end == std::string::npos) {
            failHeader(where_, "a string without its closing quote");
        }
        std::string value = text_.substr(position_, end - position_);
        if (value.find('\\') != std::string::npos) {
            failHeader(where_, "an escape sequence in a string");
        }
        position_ = end + 1;
        return value;
    }
    HeaderValue parseValue(const std::string& key)
    {
        skipSpace();
        if (position_ >= text_.size()) {
            failHeader(where_, "no value for '" + key + "'");
        }
        const char first = text_[position_];
        if (first == '\'' || first == '"') {
            return parseString();
        }
        if (first == '(') {
            return parseIntegerTuple();
        }
        if (first == '[') {
            fail(where_, "the array has a structured dtype (a list of fields), which a checkpoint never holds; "
                         "save plain numeric or string arrays");
        }
        if (text_.compare(position_, 4, "True") == 0) {
            position_ += 4;
            return true;
        }
        if (text_.compare(position_, 5, "False") == 0) {
            position_ += 5;
            return false;
        }
        failHeader(where_, "the value of '" + key + "' is neither a string, True/False nor a tuple");
    }
    std::vector<std::int64_t> parseIntegerTuple()
    {
        expect('(');
        std::vector<std::int64_t> values;
        while (!consume(')')) {
            if (values.size() == maximumDimensions) {
                failHeader(where_, "more than " + std::to_string(maximumDimensions) + " dimensions");
            }
            values.push_back(parseNonNegativeInteger());
            if (!consume(',')) {
                expect(')');
                break;
            }
        }
        return values;
    }
    std::int64_t parseNonNegativeInteger()
    {
        skipSpace();
        const std::size_t start = position_;
        std::int64_t value = 0;
        while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
            const int digit = text_[position_] - '0';
            if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
                fail(where_, "a dimension of the array's shape overflows 64 bits; the header is damaged");
            }
            value = value * 10 + digit;
            ++position_;
        }
        if (position_ == start) {
            failHeader(where_,
                       "a shape entry that is not a non-negative integer at character " + std::to_string(start));
        }
        if (position_ < text_.size() && text_[position_] == 'L') {
            ++position_;  // Python 2's long suffix, as old numpy wrote it
        }
        return value;
    }

    const std::string& text_;
    const std::string& where_;
    std::size_t position_ = 0;
};

std::size_t parseItemCount(const std::string& digits, const std::string& descr, const std::string& where)
{
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) {
        fail(where, "dtype '" + descr + "' is not a dtype numpy writes; the header is damaged");
    }
    return static_cast<std::size_t>(std::stoul(digits));
}

NpyDtype dtypeFromDescr(const std::string& descr, const std::string& where)
{
    if (descr.size() < 2) {
        fail(where, "dtype '" + descr + "' is not a dtype numpy writes; the header is damaged");
    }
    const char byteOrder = descr[0];
    const char code = descr[1];
    const std::string size = descr.substr(2);
    if (code == 'O') {
        fail(where, "the array holds pickled Python objects (dtype '" + descr +
                        "'), which are never read because loading them could run code; "
                        "save numeric or string arrays instead");
    }
    if (byteOrder == '>') {
        fail(where, "the array is big-endian (dtype '" + descr +
                        "'), which is not supported; convert it with array.astype(array.dtype.newbyteorder('<')) "
                        "and save it again");
    }
    if (byteOrder != '<' && byteOrder != '|' && byteOrder != '=') {
        fail(where, "dtype '" + descr + "' has no byte order numpy writes; the header is damaged");
    }
    NpyDtype dtype;
    dtype.descr = descr;
    const std::size_t count = parseItemCount(size, descr, where);
    switch (code) {
    case 'f':
        if (count != 2 && count != 4 && count != 8) {
            break;
        }
        dtype.kind = NpyKind::Float;
        dtype.itemSize = count;
        return dtype;
    case 'i':
    case 'u':
        if (count != 1 && count != 2 && count != 4 && count != 8) {
            break;
        }
        dtype.kind = code == 'i' ? NpyKind::SignedInteger : NpyKind::UnsignedInteger;
        dtype.itemSize = count;
        return dtype;
    case 'b':
        if (count != 1) {
            break;
        }
        dtype.kind = NpyKind::Bool;
        dtype.itemSize = 1;
        return dtype;
    case 'U':
    case 'S':
        if (count == 0) {
            break;
        }
        dtype.kind = code == 'U' ? NpyKind::Unicode : NpyKind::Bytes;
        dtype.itemSize = code == 'U' ? count * 4 : count;
        return dtype;
    default: break;
    }
    fail(where, "dtype '" + descr +
                    "' is not supported (supported: float16/32/64, signed and unsigned integers, bool, "
                    "fixed-size unicode and byte strings); convert the array, e.g. to float32, and save it again");
}

// The product of the extents, refusing any that overflows.
std::int64_t countElements(const std::vector<std::int64_t>& shape, const std::string& where)
{
    std::int64_t count = 1;
    for (std::int64_t extent : shape) {
        if (extent != 0 && count > std::numeric_limits<std::int64_t>::max() / extent) {
            fail(where, "the array's shape has more elements than 64 bits can count; the header is damaged");
        }
        count *= extent;
    }
    return count;
}

// The items of a Fortran-order array rearranged into C order: walks the Fortran order with a
// multi-index whose first axis runs fastest and stores each item at its C-order position.
std::vector<std::byte> fortranToCOrder(const std::vector<std::byte>& items, const std::vector<std::int64_t>& shape,
                                       std::size_t itemSize)
{
    std::vector<std::byte> reordered(items.size());
    std::vector<std::int64_t> index(shape.size(), 0);
    const std::size_t count = items.size() / (itemSize == 0 ? 1 : itemSize);
    for (std::size_t fortranPosition = 0; fortranPosition < count; ++fortranPosition) {
        std::size_t cPosition = 0;
        for (std::size_t axis = 0; axis < shape.size(); ++axis) {
            cPosition = cPosition * static_cast<std::size_t>(shape[axis]) + static_cast<std::size_t>(index[axis]);
        }
        std::memcpy(reordered.data() + cPosition * itemSize, items.data() + fortranPosition * itemSize, itemSize);
        for (std::size_t axis = 0; axis < shape.size(); ++axis) {
            if (++index[axis] < shape[axis]) {
                break;
            }
            index[axis] = 0;
        }
    }
    return reordered;
}

template <typename Item>
Item loadItem(const std::byte* item)
{
    Item value;
    std::memcpy(&value, item, sizeof(Item));
    return value;
}

// IEEE 754 binary16 to binary32, exactly.
float halfToFloat(std::uint16_t half)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
    const int exponent = (half >> 10) & 0x1f;
    const std::uint32_t mantissa = half & 0x3ffu;
    if (exponent == 0x1f) {
        return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
    }
    if (exponent == 0) {
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign != 0 ? -magnitude : magnitude;
    }
    return std::bit_cast<float>(sign | (static_cast<std::uint32_t>(exponent + 112) << 23) | (mantissa << 13));
}

// One numeric item as double; integers beyond 2^53 round, as numpy's astype does.
double numericItem(const NpyDtype& dtype, const std::byte* item)
{
    switch (dtype.kind) {
    case NpyKind::Float:
        switch (dtype.itemSize) {
        case 2: return static_cast<double>(halfToFloat(loadItem<std::uint16_t>(item)));
        case 4: return static_cast<double>(loadItem<float>(item));
        default: return loadItem<double>(item);
        }
    case NpyKind::SignedInteger:
        switch (dtype.itemSize) {
        case 1: return static_cast<double>(loadItem<std::int8_t>(item));
        case 2: return static_cast<double>(loadItem<std::int16_t>(item));
        case 4: return static_cast<double>(loadItem<std::int32_t>(item));
        default: return static_cast<double>(loadItem<std::int64_t>(item));
        }
    case NpyKind::UnsignedInteger:
        switch (dtype.itemSize) {
        case 1: return static_cast<double>(loadItem<std::uint8_t>(item));
        case 2: return static_cast<double>(loadItem<std::uint16_t>(item));
        case 4: return static_cast<double>(loadItem<std::uint32_t>(item));
        default: return static_cast<double>(loadItem<std::uint64_t>(item));
        }
    case NpyKind::Bool: return loadItem<std::uint8_t>(item) != 0 ? 1.0 : 0.0;
    default: return 0.0;
    }
}

bool isNumeric(const NpyDtype& dtype)
{
    return dtype.kind != NpyKind::Unicode && dtype.kind != NpyKind::Bytes;
}

void appendUtf8(std::string& text, std::uint32_t codePoint, const std::string& where)
{
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
        fail(where, "a string holds " + std::to_string(codePoint) +
                        ", which is not a Unicode code point; the array is damaged");
    }
    if (codePoint < 0x80) {
        text.push_back(static_cast<char>(codePoint));
    } else if (codePoint < 0x800) {
        text.push_back(static_cast<char>(0xc0 | (codePoint >> 6)));
        text.push_back(static_cast<char>(0x80 | (codePoint & 0x3f)));
    } else if (codePoint < 0x10000) {
        text.push_back(static_cast<char>(0xe0 | (codePoint >> 12)));
        text.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3f)));
        text.push_back(static_cast<char>(0x80 | (codePoint & 0x3f)));
    } else {
        text.push_back(static_cast<char>(0xf0 | (codePoint >> 18)));
        text.push_back(static_cast<char>(0x80 | ((codePoint >> 12) & 0x3f)));
        text.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3f)));
        text.push_back(static_cast<char>(0x80 | (codePoint & 0x3f)));
    }
}

std::string stringItem(const NpyDtype& dtype, const std::byte* item, const std::string& where)
{
    std::string text;
    if (dtype.kind == NpyKind::Bytes) {
        text.assign(reinterpret_cast<const char*>(item), dtype.itemSize);
    } else {
        for (std::size_t unit = 0; unit < dtype.itemSize / 4; ++unit) {
            appendUtf8(text, loadItem<std::uint32_t>(item + 4 * unit), where);
        }
    }
    // numpy pads strings shorter than the dtype with NULs and strips them when reading.
    text.erase(text.find_last_not_of('\0') + 1);
    return text;
}

}  // namespace

std::int64_t NpyArray::elementCount() const
{
    std::int64_t count = 1;
    for (std::int64_t extent : shape) {
        count *= extent;
    }
    return count;
}

NpyArray parseNpy(std::vector<std::byte> bytes, const std::string& where)
{
    const HeaderText header = readHeaderText(bytes, where);
    const std::map<std::string, HeaderValue> entries = HeaderDictParser(header.text, where).parse();
    for (const char* key : {"descr", "fortran_order", "shape"}) {
        if (!entries.contains(key)) {
            failHeader(where, std::string("no '") + key + "' key");
        }
    }
    const auto* descr = std::get_if<std::string>(&entries.at("descr"));
    const auto* fortranOrder = std::get_if<bool>(&entries.at("fortran_order"));
    const auto* shape = std::get_if<std::vector<std::int64_t>>(&entries.at("shape"));
    if (descr == nullptr || fortranOrder == nullptr || shape == nullptr) {
        failHeader(where, "'descr' must be a string, 'fortran_order' True or False and 'shape' a tuple");
    }

    NpyArray array;
    array.dtype = dtypeFromDescr(*descr, where);
    array.shape = *shape;
    const std::int64_t count = countElements(array.shape, where);
    const std::size_t available = bytes.size() - header.dataOffset;
    if (static_cast<std::uint64_t>(count) > available / array.dtype.itemSize) {
        fail(where, "the header's shape and dtype '" + array.dtype.descr + "' need more than the " +
                        std::to_string(available) +
                        " bytes of data the entry has; the file is truncated or damaged — download or save it again");
    }
    const std::size_t needed = static_cast<std::size_t>(count) * array.dtype.itemSize;
    if (needed != available) {
        fail(where, "the header's shape and dtype '" + array.dtype.descr + "' need " + std::to_string(needed) +
                        " bytes of data but the entry has " + std::to_string(available) +
                        "; the file is damaged — download or save it again");
    }
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header.dataOffset));
    array.data = *fortranOrder && array.shape.size() > 1 ? fortranToCOrder(bytes, array.shape, array.dtype.itemSize)
                                                         : std::move(bytes);
    return array;
}

std::vector<double> npyToFloat64(const NpyArray& array, const std::string& where)
{
    if (!isNumeric(array.dtype)) {
        fail(where, "expected numbers but the array holds strings (dtype '" + array.dtype.descr + "')");
    }
    std::vector<double> values(array.data.size() / array.dtype.itemSize);
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = numericItem(array.dtype, array.data.data() + i * array.dtype.itemSize);
    }
    return values;
}

std::vector<float> npyToFloat32(const NpyArray& array, const std::string& where)
{
    if (!isNumeric(array.dtype)) {
        fail(where, "expected numbers but the array holds strings (dtype '" + array.dtype.descr + "')");
    }
    std::vector<float> values(array.data.size() / array.dtype.itemSize);
    const bool isFloat32 = array.dtype.kind == NpyKind::Float && array.dtype.itemSize == 4;
    if (isFloat32) {
        std::memcpy(values.data(), array.data.data(), array.data.size());
        return values;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = static_cast<float>(numericItem(array.dtype, array.data.data() + i * array.dtype.itemSize));
    }
    return values;
}

std::vector<std::int64_t> npyToIntegers(const NpyArray& array, const std::string& where)
{
    const NpyKind kind = array.dtype.kind;
    if (kind != NpyKind::SignedInteger && kind != NpyKind::UnsignedInteger && kind != NpyKind::Bool) {
        fail(where, "expected integers but the array's dtype is '" + array.dtype.descr + "'");
    }
    std::vector<std::int64_t> values(array.data.size() / array.dtype.itemSize);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::byte* item = array.data.data() + i * array.dtype.itemSize;
        if (kind == NpyKind::UnsignedInteger && array.dtype.itemSize == 8) {
            const auto value = loadItem<std::uint64_t>(item);
            if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                fail(where, "the integer " + std::to_string(value) + " is too large");
            }
            values[i] = static_cast<std::int64_t>(value);
        } else if (kind == NpyKind::SignedInteger && array.dtype.itemSize == 8) {
            values[i] = loadItem<std::int64_t>(item);
        } else {
            values[i] = static_cast<std::int64_t>(numericItem(array.dtype, item));
        }
    }
    return values;
}

std::vector<std::string> npyToStrings(const NpyArray& array, const std::string& where)
{
    if (isNumeric(array.dtype)) {
        fail(where, "expected strings but the array's dtype is '" + array.dtype.descr + "'");
    }
    std::vector<std::string> values(array.data.size() / array.dtype.itemSize);
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = stringItem(array.dtype, array.data.data() + i * array.dtype.itemSize, where);
    }
    return values;
}

}  // namespace spreadcast::graphcast
