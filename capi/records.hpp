// Internal to capi/: the JSON form of every record that crosses the C ABI (schema: docs/c-api.md).
//
// Reading is strict: a field of the wrong type or a field the record does not have is
// INVALID_ARGUMENT naming it, and the target is left as it was. Reading applies the fields present
// onto `out`, so the same reader serves create (onto a default record) and update (onto the stored
// record: a partial update).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sesame/engine.hpp"

namespace sesame::records {

using nlohmann::json;

// Parses text into a JSON object. INVALID_ARGUMENT for NULL, malformed JSON or a non-object.
Result<json> parse_object(const char* text, std::string_view what);

Status read(const json& j, Agency& out);
Status read(const json& j, AgencyPhone& out);
Status read(const json& j, AgencyEmail& out);
Status read(const json& j, Portal& out);
Status read(const json& j, Client& out);
Status read(const json& j, Contact& out);
Status read(const json& j, MessageTemplate& out);

// The id field of an update record: INVALID_ARGUMENT when absent or not a positive integer.
Result<Id> read_id(const json& j, std::string_view record);

json write(const Agency& v);
json write(const AgencyPhone& v);
json write(const AgencyEmail& v);
json write(const Portal& v);
json write(const Client& v);
json write(const Contact& v);
json write(const Message& v);  // never includes the sealed body
json write(const AuditEvent& v);
json write(const SessionInfo& v);
json write(const ClientChoice& v);
json write(const SweepResult& v);

template <class T>
json write_all(const std::vector<T>& items) {
    json a = json::array();
    for (const auto& item : items) a.push_back(write(item));
    return a;
}

}  // namespace sesame::records

// ---- Requests of the staff calls that are not whole records (used by capi/staff.cpp) ----------
namespace sesame::records {

// {"agency_id", "registration"} of sesame_agency_phone_update; its "id" is read by read_id.
Status read_phone_change(const json& j, AgencyPhone& out);
// {"client_id", "kind", "value"} of sesame_contact_add.
Status read_new_contact(const json& j, Contact& out);
// Every field of a contact record, applied onto the stored contact by sesame_contact_update, so
// that a record read back from sesame_contact_list can be sent again; the caller refuses changes
// to the fields that cannot change (agency_id, client_id, kind).
Status read_contact_change(const json& j, Contact& out);

}  // namespace sesame::records
