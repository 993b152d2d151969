#include "sesame/merge_tags.hpp"

#include <array>
#include <cstdint>

namespace sesame {
namespace {

constexpr std::array<MergeTagInfo, 19> kTags{{
    {"ClientFirstName", "The client's first name.", false},
    {"ClientLastName", "The client's last name.", false},
    {"ClientName", "The client's full name (first, middle, last).", false},
    {"ClientReference", "The agency's reference for the client (client_reference).", false},
    {"ClientLanguage", "The client's language, ISO 639-1 (e.g. es).", false},
    {"EventDate", "Date of the client's next upcoming event.", false},
    {"EventTime", "Time of the client's next upcoming event.", false},
    {"EventLocation", "Location of the client's next upcoming event.", false},
    {"EventType", "Type of the client's next upcoming event (hearing, appointment).", false},
    {"EventJudge", "Judge of the client's next upcoming event.", false},
    {"CaseNumber", "Case number of the client's case.", false},
    {"CaseType", "Type of the client's case.", false},
    {"CaseStatus", "Status of the client's case.", false},
    {"AgencyName", "The agency's name.", false},
    {"PortalName", "The portal's name.", false},
    {"PortalLink", "The portal's address.", false},
    {"DateToday", "Today's date in the agency's time zone.", false},
    {"UpcomingEvents", "List of the client's upcoming events; empty when there are none.", true},
    {"AssignedDocuments", "List of the documents assigned to the client; empty when there are none.", true},
}};

const MergeTagInfo* find_tag(std::string_view name) {
    for (const auto& t : kTags)
        if (t.name == name) return &t;
    return nullptr;
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        std::uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
        else return false;
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
        i += n + 1;
    }
    return true;
}

struct Pos {
    std::size_t line = 1, column = 1;
};

// Columns count code points, so a position matches what an editor shows.
Pos position_of(std::string_view text, std::size_t offset) {
    Pos p;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') { ++p.line; p.column = 1; }
        else if ((c & 0xC0) != 0x80) ++p.column;
    }
    return p;
}

Status error_at(std::string_view text, std::size_t offset, std::string what) {
    Pos p = position_of(text, offset);
    return Status(Code::invalid_argument, what + " at line " + std::to_string(p.line) + ", column " +
                                              std::to_string(p.column));
}

void escape_into(std::string& out, std::string_view s) {
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
}

std::string_view lookup(const std::map<std::string, std::string>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? std::string_view{} : std::string_view{it->second};
}

// A message text naming the tag, cut so an attacker-sized name cannot bloat the error.
std::string shown_name(std::string_view name) {
    if (name.size() > 64) return std::string(name.substr(0, 64)) + "...";
    return std::string(name);
}

void list_items(std::string& out, const std::vector<std::map<std::string, std::string>>& items,
                std::initializer_list<const char*> keys) {
    if (items.empty()) return;
    out += "<ul>";
    for (const auto& item : items) {
        out += "<li>";
        bool first = true;
        for (const char* k : keys) {
            auto v = lookup(item, k);
            if (v.empty()) continue;
            if (!first) out += " \xC2\xB7 ";  // middle dot between fields
            escape_into(out, v);
            first = false;
        }
        out += "</li>";
    }
    out += "</ul>";
}

}  // namespace

std::span<const MergeTagInfo> merge_tag_table() noexcept { return kTags; }

Result<MergeTemplate> parse_merge_template(std::string_view text) {
    if (text.size() > kMaxMergeTemplateBytes)
        return Status(Code::invalid_argument, "merge template is " + std::to_string(text.size()) +
                                                  " bytes; the limit is " +
                                                  std::to_string(kMaxMergeTemplateBytes));
    if (!valid_utf8(text)) return Status(Code::invalid_argument, "merge template is not valid UTF-8");

    MergeTemplate out;
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == ']') return error_at(text, i, "unbalanced ']'");
        if (c != '[') { literal += c; ++i; continue; }
        std::size_t open = i;
        std::size_t close = text.find_first_of("[]", open + 1);
        if (close == std::string_view::npos || text[close] != ']')
            return error_at(text, open, "unbalanced '['");
        std::string_view body = text.substr(open + 1, close - open - 1);
        MergeTemplate::Piece piece;
        std::string_view name = body;
        if (!body.empty() && body.front() == '%') {
            std::size_t end = body.find('%', 1);
            if (end == std::string_view::npos) return error_at(text, open, "unbalanced '%'");
            piece.text = std::string(body.substr(1, end - 1));
            piece.has_label = true;
            name = body.substr(end + 1);
            while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        }
        if (name.find('%') != std::string_view::npos) return error_at(text, open, "unbalanced '%'");
        const MergeTagInfo* info = find_tag(name);
        if (info == nullptr)
            return error_at(text, open, "unknown merge tag [" + shown_name(name) + "]");
        if (info->block && piece.has_label)
            return error_at(text, open, "block [" + std::string(name) + "] cannot take a label");
        if (!literal.empty()) {
            MergeTemplate::Piece t;
            t.text = std::move(literal);
            out.pieces.push_back(std::move(t));
            literal.clear();
        }
        piece.kind = info->block ? MergeTemplate::Piece::Kind::block : MergeTemplate::Piece::Kind::tag;
        piece.tag = std::string(name);
        out.pieces.push_back(std::move(piece));
        i = close + 1;
    }
    if (!literal.empty()) {
        MergeTemplate::Piece t;
        t.text = std::move(literal);
        out.pieces.push_back(std::move(t));
    }
    return out;
}

std::string render(const MergeTemplate& tmpl, const MergeValues& values) {
    using Kind = MergeTemplate::Piece::Kind;
    std::string out;
    for (const auto& p : tmpl.pieces) {
        switch (p.kind) {
            case Kind::text: escape_into(out, p.text); break;
            case Kind::tag: {
                auto v = lookup(values.values, p.tag);
                if (v.empty()) break;
                if (p.has_label) {
                    escape_into(out, p.text);
                    out += ' ';
                }
                escape_into(out, v);
                break;
            }
            case Kind::block:
                if (p.tag == "UpcomingEvents")
                    list_items(out, values.upcoming_events,
                               {"EventDate", "EventTime", "EventType", "EventLocation", "EventJudge", "CaseNumber"});
                else
                    list_items(out, values.documents, {"name", "type", "due_date"});
                break;
        }
    }
    return out;
}

}  // namespace sesame
