// Upload kinds, file type detection from magic bytes, and safe display names.
#include "sesame/uploads.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace sesame {
namespace {

constexpr std::array<std::uint8_t, 8> kPngSignature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr std::array<std::string_view, 8> kHeifBrands{"heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"};

bool starts_with(std::span<const std::uint8_t> bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() && std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

bool heif_brand(std::span<const std::uint8_t> brand) {
    const std::string_view b(reinterpret_cast<const char*>(brand.data()), 4);
    return std::find(kHeifBrands.begin(), kHeifBrands.end(), b) != kHeifBrands.end();
}

// An ISO BMFF file opens with a "ftyp" box: size (4 bytes, big-endian), "ftyp", the major brand,
// a minor version, then compatible brands up to the end of the box. Any HEIF brand among them
// makes the file HEIC/HEIF.
bool is_heif(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 12 || std::memcmp(bytes.data() + 4, "ftyp", 4) != 0) return false;
    if (heif_brand(bytes.subspan(8, 4))) return true;
    const std::size_t box = (std::size_t{bytes[0]} << 24) | (std::size_t{bytes[1]} << 16) | (std::size_t{bytes[2]} << 8) |
                            std::size_t{bytes[3]};
    const std::size_t end = std::min(box, bytes.size());
    for (std::size_t at = 16; at + 4 <= end; at += 4)
        if (heif_brand(bytes.subspan(at, 4))) return true;
    return false;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms, surrogates
// and values past U+10FFFF are not valid).
std::size_t utf8_length(std::string_view s, std::size_t i, char32_t& cp) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n = 0;
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    const char32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool dropped(char32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == '"' || cp == '\'' || cp == '`' ||
           cp == '<' || cp == '>' || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

std::string_view to_string(UploadKind k) { return k == UploadKind::photo ? "photo" : "document"; }

bool parse(std::string_view s, UploadKind& out) {
    if (s == "photo") out = UploadKind::photo;
    else if (s == "document") out = UploadKind::document;
    else return false;
    return true;
}

std::string detect_content_type(std::span<const std::uint8_t> bytes) {
    if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return "image/jpeg";
    if (bytes.size() >= kPngSignature.size() && std::equal(kPngSignature.begin(), kPngSignature.end(), bytes.begin()))
        return "image/png";
    if (is_heif(bytes)) return "image/heic";
    if (starts_with(bytes, "%PDF-")) return "application/pdf";
    return "";
}

bool accepts(UploadKind kind, std::string_view content_type) {
    const bool photo = content_type == "image/jpeg" || content_type == "image/png" || content_type == "image/heic";
    if (kind == UploadKind::photo) return photo;
    return photo || content_type == "application/pdf";
}

std::string safe_file_name(std::string_view name) {
    const auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8_length(name, i, cp);
        if (n == 0) {
            ++i;  // not UTF-8: dropped
            continue;
        }
        if (!dropped(cp)) {
            if (out.size() + n > kUploadFileNameMax) break;
            out.append(name.substr(i, n));
        }
        i += n;
    }
    const auto first = out.find_first_not_of(' ');
    const auto last = out.find_last_not_of(' ');
    out = first == std::string::npos ? std::string() : out.substr(first, last - first + 1);
    if (out.find_first_not_of('.') == std::string::npos) return "upload";
    return out;
}

}  // namespace sesame
