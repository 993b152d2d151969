// File type detection from magic bytes, upload kinds, and safe display names.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sesame/uploads.hpp"

using namespace sesame;

namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<std::uint8_t> ftyp(std::string_view major, std::string_view compatible = "") {
    std::string box;
    const std::size_t size = 16 + compatible.size();
    box += static_cast<char>(0);
    box += static_cast<char>(0);
    box += static_cast<char>(0);
    box += static_cast<char>(size);
    box += "ftyp";
    box += major;
    box += std::string("\0\0\0\0", 4);
    box += compatible;
    box += "....mdat";
    return bytes(box);
}

}  // namespace

TEST_CASE("detect_content_type: each accepted type by its magic bytes") {
    CHECK(detect_content_type(bytes("\xFF\xD8\xFF\xE0rest of a jpeg")) == "image/jpeg");
    CHECK(detect_content_type(bytes("\xFF\xD8\xFF")) == "image/jpeg");
    CHECK(detect_content_type(bytes("\x89PNG\r\n\x1A\n....IHDR")) == "image/png");
    CHECK(detect_content_type(bytes("%PDF-1.7\n%")) == "application/pdf");
    for (const char* brand : {"heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"}) {
        CAPTURE(brand);
        CHECK(detect_content_type(ftyp(brand)) == "image/heic");
    }
    // A HEIF brand among the compatible brands counts too.
    CHECK(detect_content_type(ftyp("abcd", "isommif1")) == "image/heic");
}

TEST_CASE("detect_content_type: everything else is refused") {
    CHECK(detect_content_type({}).empty());
    CHECK(detect_content_type(bytes("\xFF\xD8")).empty());            // too short for JPEG
    CHECK(detect_content_type(bytes("\x89PNG\r\n\x1A")).empty());     // 7 of 8 signature bytes
    CHECK(detect_content_type(bytes("%PDF")).empty());
    CHECK(detect_content_type(bytes(" %PDF-1.4")).empty());           // not at offset 0
    CHECK(detect_content_type(bytes("\x7F" "ELF\x02\x01\x01")).empty());
    CHECK(detect_content_type(bytes("<html><body>%PDF-</body></html>")).empty());
    CHECK(detect_content_type(bytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")).empty());
    CHECK(detect_content_type(bytes("PK\x03\x04zip")).empty());
    CHECK(detect_content_type(bytes("GIF89a")).empty());
    CHECK(detect_content_type(ftyp("isom", "mp41avc1")).empty());     // an MP4 video
    CHECK(detect_content_type(ftyp("qt  ")).empty());
}

TEST_CASE("accepts: photos are images, documents are PDFs or photos of paper") {
    for (const char* t : {"image/jpeg", "image/png", "image/heic"}) {
        CHECK(accepts(UploadKind::photo, t));
        CHECK(accepts(UploadKind::document, t));
    }
    CHECK_FALSE(accepts(UploadKind::photo, "application/pdf"));
    CHECK(accepts(UploadKind::document, "application/pdf"));
    CHECK_FALSE(accepts(UploadKind::photo, ""));
    CHECK_FALSE(accepts(UploadKind::document, ""));
    CHECK_FALSE(accepts(UploadKind::document, "text/html"));
}

TEST_CASE("upload kinds: words round-trip, unknown words leave the value alone") {
    UploadKind k = UploadKind::photo;
    CHECK(to_string(UploadKind::photo) == "photo");
    CHECK(to_string(UploadKind::document) == "document");
    CHECK(parse("document", k));
    CHECK(k == UploadKind::document);
    CHECK_FALSE(parse("Photo", k));
    CHECK_FALSE(parse("", k));
    CHECK(k == UploadKind::document);
}

TEST_CASE("safe_file_name: the last component, without control characters or quotes") {
    CHECK(safe_file_name("scan.pdf") == "scan.pdf");
    CHECK(safe_file_name("../../etc/passwd") == "passwd");
    CHECK(safe_file_name("C:\\x\\y.pdf") == "y.pdf");
    CHECK(safe_file_name("a\nb.pdf") == "ab.pdf");
    CHECK(safe_file_name("<script>.pdf") == "script.pdf");
    CHECK(safe_file_name("say \"hi\" 'there' `now`.jpg") == "say hi there now.jpg");
    CHECK(safe_file_name(std::string("a\0b.pdf", 7)) == "ab.pdf");
    CHECK(safe_file_name("\x1b[31mred.png") == "[31mred.png");
    CHECK(safe_file_name("caf\xC3\xA9.pdf") == "caf\xC3\xA9.pdf");
    CHECK(safe_file_name("bad\xC3(.pdf") == "bad(.pdf");        // a broken UTF-8 sequence is dropped
    CHECK(safe_file_name("\xC2\x85x.pdf") == "x.pdf");          // C1 control (NEL)
    CHECK(safe_file_name("  padded.pdf  ") == "padded.pdf");
}

TEST_CASE("safe_file_name: 'upload' when nothing is left, at most 200 bytes on a character boundary") {
    CHECK(safe_file_name("") == "upload");
    CHECK(safe_file_name("dir/") == "upload");
    CHECK(safe_file_name("..") == "upload");
    CHECK(safe_file_name("a/..") == "upload");
    CHECK(safe_file_name("\"\n'") == "upload");
    CHECK(safe_file_name(std::string(500, 'x')).size() == kUploadFileNameMax);
    // 199 ASCII bytes then a 2-byte character: the character does not fit and is left out whole.
    const std::string name = std::string(199, 'x') + "\xC3\xA9\xC3\xA9";
    CHECK(safe_file_name(name) == std::string(199, 'x'));
}
