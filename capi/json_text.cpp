#include "capi/json_text.hpp"

#include <set>
#include <vector>

#include <fmt/format.h>

namespace sesame::capi {

bool parse_json(std::string_view text, nlohmann::json& out, std::string& why) {
    using nlohmann::json;
    // The member names of each object being read, innermost last.
    std::vector<std::set<std::string>> open;
    std::string duplicate;
    bool seen_duplicate = false;
    const json::parser_callback_t watch = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                open.emplace_back();
                break;
            case json::parse_event_t::object_end:
                if (!open.empty()) open.pop_back();
                break;
            case json::parse_event_t::key:
                if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second && !seen_duplicate) {
                    seen_duplicate = true;
                    duplicate = parsed.get<std::string>();
                }
                break;
            default:
                break;
        }
        return true;
    };
    json j = json::parse(text.begin(), text.end(), watch, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        why = "is not valid JSON";
        return false;
    }
    if (seen_duplicate) {
        why = fmt::format("names the field \"{}\" twice in one object: give each field once", duplicate);
        return false;
    }
    out = std::move(j);
    return true;
}

}  // namespace sesame::capi
