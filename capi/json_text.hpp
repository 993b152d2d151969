// Internal to capi/: reading the JSON text that crosses the C ABI (a caller's record, a host
// store's or directory's response) into a value, the same way everywhere.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sesame::capi {

// Parses `text` as one JSON value. Refused, with `why` saying so and `out` left alone: text that is
// not JSON, and an object that names one member twice ({"id": 1, "id": 2}), at any depth, which a
// plain parser would settle by keeping the last and so let two readers of one text see two records.
// `why` reads after "the ... ": "is not valid JSON", "names the field \"id\" twice".
bool parse_json(std::string_view text, nlohmann::json& out, std::string& why);

}  // namespace sesame::capi
