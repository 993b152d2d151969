// Sesame — files that clients upload (photos, documents) and files the agency attaches to the
// documents it assigns (SECURITY.md rule 19).
//
// A file's type comes from its first bytes, never from its name or from what the client's browser
// claims. The bytes live in a BlobStore (blob_store.hpp) under a generated name; the records below
// keep only the client's file name reduced to a safe display name, for showing, never as a path.
#pragma once

#include "sesame/export.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sesame/model.hpp"

namespace sesame {

// What a client uploads: a photo (JPEG, PNG, HEIC) or a document (PDF, or a photo of a paper
// document: JPEG, PNG, HEIC). Words: "photo", "document".
enum class UploadKind { photo, document };
SESAME_CXX_API std::string_view to_string(UploadKind);
SESAME_CXX_API bool parse(std::string_view, UploadKind& out);

// Bounds of UploadPolicy::max_bytes.
inline constexpr std::int64_t kUploadMaxBytesDefault = 10 * 1024 * 1024;  // 10 MiB
inline constexpr std::int64_t kUploadMaxBytesMin = 1024;                  // 1 KiB
inline constexpr std::int64_t kUploadMaxBytesLimit = 50 * 1024 * 1024;    // 50 MiB
// The longest display name kept of a client's file name, in bytes.
inline constexpr std::size_t kUploadFileNameMax = 200;

// Per portal: which kinds clients may upload, and how large a file may be. Off by default.
struct UploadPolicy {
    Id portal_id = 0;
    bool allow_photos = false;
    bool allow_documents = false;
    std::int64_t max_bytes = kUploadMaxBytesDefault;  // kUploadMaxBytesMin .. kUploadMaxBytesLimit
};

// A file a client uploaded.
struct Upload {
    Id id = 0;
    Id agency_id = 0;
    Id portal_id = 0;
    Id client_id = 0;
    UploadKind kind = UploadKind::photo;
    std::string file_name;     // safe_file_name() of the client's name: for display only
    std::string content_type;  // from the magic bytes: "image/jpeg", "image/png", "image/heic", "application/pdf"
    std::int64_t size = 0;
    std::string sha256;        // 64 lowercase hex digits
    std::string blob_name;     // the BlobStore's generated name
    UnixTime created_at = 0;
};

// The file the agency attached to a document it assigned (one per document; a new one replaces it).
struct DocumentFile {
    Id document_id = 0;
    std::string file_name;
    std::string content_type;
    std::int64_t size = 0;
    std::string sha256;
    std::string blob_name;
    UnixTime created_at = 0;
};

// A file read back, its checksum verified.
struct FileDownload {
    std::vector<std::uint8_t> bytes;
    std::string content_type;
    std::string file_name;
};

// The content type that the first bytes announce: "image/jpeg" (FF D8 FF), "image/png" (the
// 8-byte PNG signature), "image/heic" (ISO BMFF "ftyp" box at offset 4 whose major brand is heic,
// heix, hevc, hevx, heim, heis, mif1 or msf1), "application/pdf" ("%PDF-"). Empty for anything else.
SESAME_CXX_API std::string detect_content_type(std::span<const std::uint8_t> bytes);

// True when a file of that detected content type may be uploaded as that kind.
SESAME_CXX_API bool accepts(UploadKind kind, std::string_view content_type);

// A client's file name made safe to display: the last path component (after '/' or '\'), without
// control characters, quotes ('"', '\'', '`') or angle brackets, invalid UTF-8 dropped, trimmed,
// cut to at most kUploadFileNameMax bytes on a character boundary; "upload" when nothing is left
// (or only dots).
SESAME_CXX_API std::string safe_file_name(std::string_view name);

}  // namespace sesame
