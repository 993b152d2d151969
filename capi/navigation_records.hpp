// Internal to capi/: the JSON form of sidebar items and gated resources (schema: docs/c-api.md).
//
// Reading is strict, as in capi/content_records.hpp: a field of the wrong type or a field the
// record does not have is INVALID_ARGUMENT naming it, and the target is left as it was. read()
// applies the fields present onto `out` and skips "id" and "created_at", which Sesame assigns.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "sesame/navigation.hpp"
#include "sesame/status.hpp"

namespace sesame::records {

using nlohmann::json;

Status read(const json& j, SidebarItem& out);
Status read(const json& j, GatedResource& out);

// Every field.
json write(const SidebarItem& v);
json write(const GatedResource& v);
json write(const std::vector<SidebarItem>& v);
json write(const std::vector<GatedResource>& v);

}  // namespace sesame::records
