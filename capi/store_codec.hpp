// Internal to capi/: the JSON protocol of the C store vtable (docs/c-store-directory.md).
//
// Every Store method crosses as one call: its C++ name ("insert_agency", "begin_challenge", ...),
// a request object holding its arguments, and a response. Records are objects carrying every field
// of the C++ struct; byte vectors (mac, token_hash, sealed) are base64 strings in the original
// alphabet with padding; an empty optional is null; a scalar result (an id, a count, a bool) is
// {"value": x}; a Status-only method answers nothing or {}.
//
// Both sides are here: the client side used by StoreAdapter (requests out, strict responses in) and
// serve(), which runs a request against any C++ Store, so that the protocol can be tested end to end
// and a host can put a C++ store behind its own vtable.
//
// Reading is strict on both sides, with two exceptions for a host's responses: every field must be
// present with its type (but the fields added after the first release, which a store written
// before them does not send), and a field the record does not have is refused in a request and
// ignored, with a warning (sesame_last_warnings), in a response. Nothing here throws except
// std::bad_alloc.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sesame/sesame.h"
#include "sesame/store.hpp"

namespace sesame::capi::store_codec {

using nlohmann::json;

// Every method of the protocol, in the order of include/sesame/store.hpp.
std::span<const std::string_view> methods();

// ---- records ----------------------------------------------------------------------------------
json encode(const Agency& v);
json encode(const AgencyPhone& v);
json encode(const AgencyEmail& v);
json encode(const Portal& v);
json encode(const Client& v);
json encode(const Contact& v);
json encode(const Message& v);
json encode(const Challenge& v);
json encode(const Session& v);
json encode(const Counter& v);
json encode(const SweepResult& v);
json encode(const MessageTemplate& v);
json encode(const AuditEvent& v);
json encode(const Event& v);
json encode(const Case& v);
json encode(const Document& v);
json encode(const DashboardTemplate& v);
json encode(const UploadPolicy& v);
json encode(const Upload& v);
json encode(const DocumentFile& v);
json encode(const SidebarItem& v);
json encode(const GatedResource& v);
json encode(const ProfileFieldRule& v);
json encode(const ContactChange& v);
json encode(const std::vector<ProfileFieldRule>& v);

// Reads a whole record. On failure `out` is unchanged and the message names the field, prefixed
// with `path` (e.g. "agency." or "[3]."): "field \"agency.name\" must be a string".
Status decode(const json& j, Agency& out, std::string_view path = "");
Status decode(const json& j, AgencyPhone& out, std::string_view path = "");
Status decode(const json& j, AgencyEmail& out, std::string_view path = "");
Status decode(const json& j, Portal& out, std::string_view path = "");
Status decode(const json& j, Client& out, std::string_view path = "");
Status decode(const json& j, Contact& out, std::string_view path = "");
Status decode(const json& j, Message& out, std::string_view path = "");
Status decode(const json& j, Challenge& out, std::string_view path = "");
Status decode(const json& j, Session& out, std::string_view path = "");
Status decode(const json& j, Counter& out, std::string_view path = "");
Status decode(const json& j, SweepResult& out, std::string_view path = "");
Status decode(const json& j, MessageTemplate& out, std::string_view path = "");
Status decode(const json& j, AuditEvent& out, std::string_view path = "");
Status decode(const json& j, Event& out, std::string_view path = "");
Status decode(const json& j, Case& out, std::string_view path = "");
Status decode(const json& j, Document& out, std::string_view path = "");
Status decode(const json& j, DashboardTemplate& out, std::string_view path = "");
Status decode(const json& j, UploadPolicy& out, std::string_view path = "");
Status decode(const json& j, Upload& out, std::string_view path = "");
Status decode(const json& j, DocumentFile& out, std::string_view path = "");
Status decode(const json& j, SidebarItem& out, std::string_view path = "");
Status decode(const json& j, GatedResource& out, std::string_view path = "");
Status decode(const json& j, ProfileFieldRule& out, std::string_view path = "");
Status decode(const json& j, ContactChange& out, std::string_view path = "");

// Base64, original alphabet, padded. decode_bytes is false for anything else.
std::string encode_bytes(const std::vector<std::uint8_t>& bytes);
bool decode_bytes(std::string_view text, std::vector<std::uint8_t>& out);

// JSON text for the wire. Bytes that are not UTF-8 become U+FFFD: JSON cannot carry them.
std::string dump(const json& j);

// A host's message as Sesame keeps it: at most 1 KiB, cut between characters, with each byte that
// is not UTF-8 replaced by U+FFFD, since it ends up in logs, the audit trail and JSON.
std::string host_message(std::string_view message);

// ---- client side ------------------------------------------------------------------------------

// The Status a Store method returns when the host's call() answered `status` (negative) with
// `message` in its error sink. NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION and CONFLICT keep their code,
// since the engine acts on them; every other failure is CALLBACK. The message keeps the host's text
// (through host_message).
Status callback_failure(std::string_view method, sesame_status status, std::string_view message);

// A response as the value a Store method returns. T is one of the records above, a std::vector of
// them, std::optional<MessageTemplate>, std::optional<UploadPolicy>, std::optional<DocumentFile>, Id / std::int64_t (from {"value": n}) or bool (from
// {"value": b}). Empty, malformed or mistyped text is CALLBACK naming the method and the field.
template <class T>
Result<T> read_response(std::string_view method, std::string_view text);

// The response of a method that returns only a Status: nothing, or a JSON object.
Status read_empty_response(std::string_view method, std::string_view text);

// ---- server side ------------------------------------------------------------------------------

// Runs `method` with the arguments in `request` against `store` and returns its response. An
// unknown method, or a request with a missing, mistyped or unknown field, is INVALID_ARGUMENT
// naming it; the store's own failures come back unchanged.
Result<json> serve(Store& store, std::string_view method, const json& request);

}  // namespace sesame::capi::store_codec
