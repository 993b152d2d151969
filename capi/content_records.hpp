// Internal to capi/: the JSON form of events, cases and documents (schema: docs/c-api.md).
//
// Reading is strict, as in capi/records.hpp: a field of the wrong type or a field the record does
// not have is INVALID_ARGUMENT naming it, and the target is left as it was. read() applies the
// fields present onto `out` and skips "id" and "created_at", which Sesame assigns: it serves create
// (onto a default record) and update (onto the stored one). read_listed() reads a whole record as
// a host's directory returns it, "id", "agency_id" and "client_id" required.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "sesame/content.hpp"
#include "sesame/status.hpp"

namespace sesame::records {

using nlohmann::json;

Status read(const json& j, Event& out);
Status read(const json& j, Case& out);
Status read(const json& j, Document& out);

Status read_listed(const json& j, Event& out);
Status read_listed(const json& j, Case& out);
Status read_listed(const json& j, Document& out);

// Every field; an absent case_id or event_id is null.
json write(const Event& v);
json write(const Case& v);
json write(const Document& v);
json write(const std::vector<Event>& v);
json write(const std::vector<Case>& v);
json write(const std::vector<Document>& v);

}  // namespace sesame::records
