#include "multipart.hpp"
#include "text.hpp"

#include <cctype>

namespace portal {

namespace {

// RFC 2046 bchars: DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?" / " "
bool boundary_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// The parameters after the first ';' of a header value: name (lower case) -> value, quoted
// strings unquoted (backslash escapes honoured). False on a malformed one.
bool header_params(std::string_view value, std::vector<std::pair<std::string, std::string>>& out,
                   std::string& first) {
    std::size_t i = value.find(';');
    first = lower(trim(value.substr(0, i)));
    while (i != std::string_view::npos && i < value.size()) {
        ++i;  // past ';'
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
        if (i >= value.size()) break;
        const std::size_t eq = value.find('=', i);
        if (eq == std::string_view::npos) return false;
        const std::string name = lower(trim(value.substr(i, eq - i)));
        if (name.empty()) return false;
        i = eq + 1;
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
        std::string v;
        if (i < value.size() && value[i] == '"') {
            ++i;
            bool closed = false;
            while (i < value.size()) {
                const char c = value[i++];
                if (c == '\\' && i < value.size()) {
                    v += value[i++];
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    v += c;
                }
            }
            if (!closed) return false;
            while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
            if (i < value.size() && value[i] != ';') return false;
        } else {
            const std::size_t end = value.find(';', i);
            v = std::string(trim(value.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
            i = end;
        }
        out.emplace_back(name, std::move(v));
    }
    return true;
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
    std::vector<std::pair<std::string, std::string>> params;
    std::string type;
    if (!header_params(content_type, params, type) || type != "multipart/form-data") return {};
    for (const auto& [name, value] : params) {
        if (name != "boundary") continue;
        if (value.empty() || value.size() > 70 || value.back() == ' ') return {};
        for (const char c : value)
            if (!boundary_char(c)) return {};
        return value;
    }
    return {};
}

namespace {

std::string parse_parts(std::string_view body, std::string_view boundary, std::vector<MultipartPart>& parts,
                        const MultipartLimits& limits) {
    if (boundary.empty()) return "no boundary";
    const std::string delimiter = "--" + std::string(boundary);
    const std::string next_delimiter = "\r\n" + delimiter;

    std::size_t pos = 0;
    if (body.substr(0, delimiter.size()) != delimiter) {
        const std::size_t first = body.find(next_delimiter);  // after a preamble
        if (first == std::string_view::npos) return "the body does not start with the boundary";
        pos = first + 2;
    }
    while (true) {
        pos += delimiter.size();  // at the delimiter
        if (body.substr(pos, 2) == "--") return {};  // the close delimiter: the rest is epilogue
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;  // transport padding
        if (body.substr(pos, 2) != "\r\n") return "a boundary line does not end with CRLF";
        pos += 2;
        if (parts.size() >= limits.max_parts) return "too many parts (at most " + std::to_string(limits.max_parts) + ")";

        const std::size_t header_end = body.find("\r\n\r\n", pos);
        const bool no_headers = body.substr(pos, 2) == "\r\n";
        if (!no_headers && header_end == std::string_view::npos) return "a part's headers do not end";
        const std::size_t block_end = no_headers ? pos : header_end;
        if (block_end - pos > limits.max_part_header_bytes) return "a part's headers are too long";

        MultipartPart part;
        bool disposition = false;
        std::string_view headers = body.substr(pos, block_end - pos);
        while (!headers.empty()) {
            const std::size_t eol = headers.find("\r\n");
            const std::string_view line = headers.substr(0, eol);
            headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0) return "a part header has no name";
            for (const char c : line)
                if (c == '\r' || c == '\n' || c == '\0') return "a part header holds a control character";
            const std::string name = lower(trim(line.substr(0, colon)));
            const std::string_view value = trim(line.substr(colon + 1));
            if (name == "content-disposition") {
                std::vector<std::pair<std::string, std::string>> params;
                std::string kind;
                if (!header_params(value, params, kind) || kind != "form-data")
                    return "a part's Content-Disposition is not form-data";
                disposition = true;
                for (const auto& [pname, pvalue] : params) {
                    if (pname == "name") part.name = pvalue;
                    else if (pname == "filename") part.file_name = pvalue;
                }
            } else if (name == "content-type") {
                part.content_type = std::string(value);
            }
        }
        if (!disposition || part.name.empty()) return "a part has no Content-Disposition name";
        pos = no_headers ? pos + 2 : header_end + 4;

        const std::size_t end = body.find(next_delimiter, pos);
        if (end == std::string_view::npos) return "the body ends before the closing boundary";
        part.body = std::string(body.substr(pos, end - pos));
        parts.push_back(std::move(part));
        pos = end + 2;
    }
}

}  // namespace

std::string parse_multipart(std::string_view body, std::string_view boundary, std::vector<MultipartPart>& parts,
                            const MultipartLimits& limits) {
    parts.clear();
    std::string error = parse_parts(body, boundary, parts, limits);
    if (!error.empty()) parts.clear();  // nothing of a malformed body is used
    return error;
}

}  // namespace portal
