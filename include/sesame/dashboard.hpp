// Sesame — a portal's dashboard: the page a logged-in client sees, written by staff in the
// merge-tag syntax of docs/merge-tags.md, one template per portal and language.
#pragma once

#include <string>

#include "sesame/model.hpp"

namespace sesame {

struct DashboardTemplate {
    Id portal_id = 0;
    std::string language;  // ISO 639-1, two lower-case letters
    std::string text;      // merge-tag template, checked by parse_merge_template when saved
    UnixTime updated_at = 0;
};

// The page rendered for a client: HTML in which every value is escaped.
struct RenderedDashboard {
    std::string html;
    std::string language;  // the language of the template used
    bool built_in = false; // true when no stored template applied and a built-in one was used
};

}  // namespace sesame
