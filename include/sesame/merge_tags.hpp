// Sesame — dashboard merge tags (the vendor's syntax).
//
// A template is parsed once, when staff save it, so an unknown tag is refused with its position
// instead of leaking raw into a client's page. Rendering never fails: a tag without a value
// renders nothing, and every byte that reaches the page is HTML-escaped.
#pragma once

#include "sesame/export.hpp"
#include "sesame/status.hpp"

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sesame {

struct MergeTagInfo {
    std::string_view name;         // without brackets, e.g. "ClientFirstName"
    std::string_view description;  // one line, used by docs/merge-tags.md
    bool block;                    // expands to an HTML list
};

// Every tag the parser accepts, in documentation order.
SESAME_CXX_API std::span<const MergeTagInfo> merge_tag_table() noexcept;

inline constexpr std::size_t kMaxMergeTemplateBytes = 20000;

struct MergeTemplate {
    struct Piece {
        enum class Kind { text, tag, block } kind = Kind::text;
        std::string text;   // literal text (kind text) or the conditional label, without the %
        std::string tag;    // tag name (kind tag or block)
        bool has_label = false;
    };
    std::vector<Piece> pieces;
};

struct MergeValues {
    // Keyed by tag name ("ClientFirstName"); an absent or empty entry means "no value".
    std::map<std::string, std::string> values;
    // Each item keyed by the event tags ("EventDate", "EventTime", "EventLocation", "EventType",
    // "EventJudge", "CaseNumber").
    std::vector<std::map<std::string, std::string>> upcoming_events;
    // Each item: "name", "type", "due_date".
    std::vector<std::map<std::string, std::string>> documents;
};

SESAME_CXX_API Result<MergeTemplate> parse_merge_template(std::string_view text);
SESAME_CXX_API std::string render(const MergeTemplate& tmpl, const MergeValues& values);

}  // namespace sesame
