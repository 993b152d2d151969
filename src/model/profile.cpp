// The words and defaults of a portal's profile policy (include/sesame/profile.hpp).
#include "sesame/profile.hpp"

#include <algorithm>

namespace sesame {

std::string_view to_string(FieldPolicy p) {
    switch (p) {
        case FieldPolicy::editable: return "editable";
        case FieldPolicy::read_only: return "read_only";
        case FieldPolicy::hidden: return "hidden";
    }
    return "hidden";
}

bool parse(std::string_view t, FieldPolicy& out) {
    if (t == "editable") out = FieldPolicy::editable;
    else if (t == "read_only") out = FieldPolicy::read_only;
    else if (t == "hidden") out = FieldPolicy::hidden;
    else return false;
    return true;
}

const std::vector<std::string>& profile_fields() {
    static const std::vector<std::string> fields = {
        "first_name", "middle_name", "last_name", "dob",    "gender", "language",
        "client_reference", "type",  "group",     "status", "phone",  "email",
    };
    return fields;
}

bool is_profile_field(std::string_view field) {
    const auto& all = profile_fields();
    return std::find(all.begin(), all.end(), field) != all.end();
}

FieldPolicy default_field_policy(std::string_view field) {
    if (field == "language") return FieldPolicy::editable;
    if (field == "type" || field == "group" || field == "status") return FieldPolicy::hidden;
    if (is_profile_field(field)) return FieldPolicy::read_only;
    return FieldPolicy::hidden;
}

}  // namespace sesame
