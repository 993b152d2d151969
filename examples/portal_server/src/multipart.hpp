// multipart/form-data (RFC 7578 over RFC 2046): the boundary from a Content-Type header and the
// parts of a body, with bounded counts and sizes. Strict about CRLF line ends and the closing
// delimiter, so a truncated or malformed body is refused rather than half read.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portal {

struct MultipartPart {
    std::string name;                      // the form field's name (Content-Disposition name=)
    std::optional<std::string> file_name;  // set for a file input (filename=), possibly empty
    std::string content_type;              // the part's Content-Type, "" when absent
    std::string body;                      // the bytes, as sent
};

struct MultipartLimits {
    std::size_t max_parts = 16;
    std::size_t max_part_header_bytes = 4096;  // one part's header block
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted or not), or "" when
// the type is another one or the boundary is missing or not 1..70 characters of RFC 2046's set.
std::string multipart_boundary(std::string_view content_type);

// Parses `body` into `parts`. Returns "" on success, else what is wrong with the body (for the log
// and a 400 page), and `parts` is left empty. A preamble before the first delimiter and an epilogue after the last are
// ignored, as RFC 2046 says.
std::string parse_multipart(std::string_view body, std::string_view boundary, std::vector<MultipartPart>& parts,
                            const MultipartLimits& limits = {});

}  // namespace portal
