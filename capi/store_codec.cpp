#include "capi/store_codec.hpp"

#include "capi/json_text.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <concepts>
#include <limits>
#include <map>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace sesame::capi {
void warn(std::string text);  // capi/internal.hpp
}

namespace sesame::capi::store_codec {
namespace {

template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

template <class T, class... U>
constexpr bool one_of = (std::same_as<T, U> || ...);

// The types that cross as JSON objects of named fields.
template <class T>
concept Record = one_of<T, Agency, AgencyPhone, AgencyEmail, PortalSettings, Portal, Client, Contact, Message,
                        Challenge, Session, Counter, SweepResult, MessageTemplate, AuditEvent, Event, Case, Document,
                        SidebarItem, GatedResource, UploadPolicy, Upload, DocumentFile, DashboardTemplate,
                        ProfileFieldRule, ContactChange>;

// ---- the fields of each record, listed once for writing and reading ---------------------------
// The names are those of the C++ members, as in capi/records.cpp.

template <class F, Is<Agency> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("name", v.name);
    f("time_zone", v.time_zone);
    f("environment", v.environment);
    f("send_mode", v.send_mode);
    f("default_region", v.default_region);
    f("sms_countries", v.sms_countries);
    f("sms_per_hour_limit", v.sms_per_hour_limit);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<AgencyPhone> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("number", v.number);
    f("registration", v.registration);
    f.tolerant("revision", v.revision);
}

template <class F, Is<AgencyEmail> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("address", v.address);
    f("display_name", v.display_name);
}

template <class F, Is<PortalSettings> T>
void fields(F& f, T& v) {
    f("code_digits", v.code_digits);
    f("code_ttl_seconds", v.code_ttl_seconds);
    f("max_attempts", v.max_attempts);
    f("contact_failure_limit", v.contact_failure_limit);
    f("resend_cooldown_seconds", v.resend_cooldown_seconds);
    f("sends_per_hour", v.sends_per_hour);
    f("sends_per_day", v.sends_per_day);
    f("ip_starts_limit", v.ip_starts_limit);
    f("ip_starts_window_seconds", v.ip_starts_window_seconds);
    f("ip_verify_limit", v.ip_verify_limit);
    f("ip_verify_window_seconds", v.ip_verify_window_seconds);
    f("session_idle_seconds", v.session_idle_seconds);
    f("session_absolute_seconds", v.session_absolute_seconds);
    f("unknown_contact_response", v.unknown_contact_response);
    f("default_language", v.default_language);
    f("host", v.host);
}

template <class F, Is<Portal> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("name", v.name);
    f("slug", v.slug);
    f("client_auth", v.client_auth);
    f("settings", v.settings);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<Client> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("client_reference", v.client_reference);
    f("first_name", v.first_name);
    f("middle_name", v.middle_name);
    f("last_name", v.last_name);
    f("dob", v.dob);
    f("gender", v.gender);
    f("type", v.type);
    f("group", v.group);
    f("language", v.language);
    f("status", v.status);
    f("archived", v.archived);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<Contact> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("client_id", v.client_id);
    f("kind", v.kind);
    f("value", v.value);
    f("status", v.status);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<Message> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("direction", v.direction);
    f("channel", v.channel);
    f("status", v.status);
    f("to", v.to);
    f("from", v.from);
    f("subject", v.subject);
    f("content", v.content);
    f("sealed", v.sealed);
    f("challenge_id", v.challenge_id);
    f("error", v.error);
    f("created_at", v.created_at);
    f("updated_at", v.updated_at);
}

template <class F, Is<Challenge> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("portal_id", v.portal_id);
    f("channel", v.channel);
    f("destination", v.destination);
    f("mac", v.mac);
    f("attempts", v.attempts);
    f("max_attempts", v.max_attempts);
    f("decoy", v.decoy);
    f("created_at", v.created_at);
    f("expires_at", v.expires_at);
    f("consumed_at", v.consumed_at);
    f("superseded_at", v.superseded_at);
}

template <class F, Is<Session> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("token_hash", v.token_hash);
    f("agency_id", v.agency_id);
    f("portal_id", v.portal_id);
    f("destination", v.destination);
    f("client_id", v.client_id);
    f("assurance", v.assurance);
    f("ip", v.ip);
    f("user_agent", v.user_agent);
    f("created_at", v.created_at);
    f("last_seen_at", v.last_seen_at);
    f("idle_expires_at", v.idle_expires_at);
    f("absolute_expires_at", v.absolute_expires_at);
    f("revoked_at", v.revoked_at);
    f("revoke_reason", v.revoke_reason);
}

template <class F, Is<Counter> T>
void fields(F& f, T& v) {
    f("count", v.count);
    f("window_start", v.window_start);
    f("last_at", v.last_at);
}

template <class F, Is<SweepResult> T>
void fields(F& f, T& v) {
    f("challenges", v.challenges);
    f("sessions", v.sessions);
    f("counters", v.counters);
}

template <class F, Is<MessageTemplate> T>
void fields(F& f, T& v) {
    f("agency_id", v.agency_id);
    f("channel", v.channel);
    f("language", v.language);
    f("subject", v.subject);
    f("body", v.body);
}

template <class F, Is<AuditEvent> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("at", v.at);
    f("actor", v.actor);
    f("action", v.action);
    f("target", v.target);
    f("outcome", v.outcome);
    f("reason", v.reason);
    f("ip", v.ip);
    f("detail", v.detail);
}

template <class F, Is<Event> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("client_id", v.client_id);
    f("case_id", v.case_id);
    f("date", v.date);
    f("time", v.time);
    f("type", v.type);
    f("location", v.location);
    f("judge", v.judge);
    f("case_number", v.case_number);
    f("status", v.status);
    f("description", v.description);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<Case> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("client_id", v.client_id);
    f("case_number", v.case_number);
    f("type", v.type);
    f("charges", v.charges);
    f("status", v.status);
    f("description", v.description);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<Document> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("client_id", v.client_id);
    f("case_id", v.case_id);
    f("event_id", v.event_id);
    f("type", v.type);
    f("name", v.name);
    f("due_date", v.due_date);
    f("uploaded_by", v.uploaded_by);
    f("status", v.status);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<SidebarItem> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("portal_id", v.portal_id);
    f("title", v.title);
    f.tolerant("titles", v.titles);
    f("link", v.link);
    f("order", v.order);
    f("visibility", v.visibility);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<GatedResource> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("portal_id", v.portal_id);
    f("kind", v.kind);
    f("slug", v.slug);
    f("title", v.title);
    f.tolerant("titles", v.titles);
    f("requires_login", v.requires_login);
    f("created_at", v.created_at);
    f.tolerant("revision", v.revision);
}

template <class F, Is<UploadPolicy> T>
void fields(F& f, T& v) {
    f("portal_id", v.portal_id);
    f("allow_photos", v.allow_photos);
    f("allow_documents", v.allow_documents);
    f("max_bytes", v.max_bytes);
}

template <class F, Is<Upload> T>
void fields(F& f, T& v) {
    f("id", v.id);
    f("agency_id", v.agency_id);
    f("portal_id", v.portal_id);
    f("client_id", v.client_id);
    f("kind", v.kind);
    f("file_name", v.file_name);
    f("content_type", v.content_type);
    f("size", v.size);
    f("sha256", v.sha256);
    f("blob_name", v.blob_name);
    f("created_at", v.created_at);
}

template <class F, Is<DocumentFile> T>
void fields(F& f, T& v) {
    f("document_id", v.document_id);
    f("file_name", v.file_name);
    f("content_type", v.content_type);
    f("size", v.size);
    f("sha256", v.sha256);
    f("blob_name", v.blob_name);
    f("created_at", v.created_at);
}

template <class F, Is<DashboardTemplate> T>
void fields(F& f, T& v) {
    f("portal_id", v.portal_id);
    f("language", v.language);
    f("text", v.text);
    f("updated_at", v.updated_at);
}

template <class F, Is<ProfileFieldRule> T>
void fields(F& f, T& v) {
    f("field", v.field);
    f("policy", v.policy);
}

template <class F, Is<ContactChange> T>
void fields(F& f, T& v) {
    f("challenge_id", v.challenge_id);
    f("agency_id", v.agency_id);
    f("portal_id", v.portal_id);
    f("client_id", v.client_id);
    f("session_id", v.session_id);
    f("kind", v.kind);
    f("value", v.value);
    f("replaces_contact_id", v.replaces_contact_id);
    f("created_at", v.created_at);
}

// ---- writing ------------------------------------------------------------------------------

json value_of(std::int64_t v) { return v; }
json value_of(std::int32_t v) { return v; }
json value_of(bool v) { return v; }
json value_of(const std::string& v) { return v; }
json value_of(const std::vector<std::string>& v) { return v; }
json value_of(const std::map<std::string, std::string>& v) { return v; }
json value_of(const std::vector<std::uint8_t>& v) { return encode_bytes(v); }
template <class E>
    requires std::is_enum_v<E>
json value_of(E v) {
    return std::string(to_string(v));
}
template <Record T>
json value_of(const T& v);
template <class T>
json value_of(const std::optional<T>& v) {
    return v ? value_of(*v) : json(nullptr);
}
template <Record T>
json value_of(const std::vector<T>& v) {
    json j = json::array();
    for (const auto& item : v) j.push_back(value_of(item));
    return j;
}

struct Writer {
    json& j;
    template <class T>
    void operator()(const char* name, const T& v) {
        j[name] = value_of(v);
    }
    // A field added after the first release of the vtable: always written.
    template <class T>
    void tolerant(const char* name, const T& v) {
        (*this)(name, v);
    }
};

template <Record T>
json value_of(const T& v) {
    json j = json::object();
    Writer w{j};
    fields(w, v);
    return j;
}

// ---- reading ------------------------------------------------------------------------------

std::string field_named(std::string_view path) { return fmt::format("field \"{}\"", path); }

// Each sets `error` (naming `path`) and leaves `out` alone when `v` is not of the right shape.
void read_value(const json& v, std::int64_t& out, const std::string& path, std::string& error);
void read_value(const json& v, std::int32_t& out, const std::string& path, std::string& error);
void read_value(const json& v, std::size_t& out, const std::string& path, std::string& error);
void read_value(const json& v, bool& out, const std::string& path, std::string& error);
void read_value(const json& v, std::string& out, const std::string& path, std::string& error);
void read_value(const json& v, std::vector<std::string>& out, const std::string& path, std::string& error);
void read_value(const json& v, std::map<std::string, std::string>& out, const std::string& path, std::string& error);
void read_value(const json& v, std::vector<std::uint8_t>& out, const std::string& path, std::string& error);
template <class E>
    requires std::is_enum_v<E>
void read_value(const json& v, E& out, const std::string& path, std::string& error);
template <class T>
void read_value(const json& v, std::optional<T>& out, const std::string& path, std::string& error);
template <Record T>
void read_value(const json& v, T& out, const std::string& path, std::string& error);
template <Record T>
void read_value(const json& v, std::vector<T>& out, const std::string& path, std::string& error);

// Set while a host's response is read (read_response), naming the method.
thread_local bool t_reading_response = false;
thread_local std::string t_response_method;

struct ReadingResponse {
    explicit ReadingResponse(std::string_view method) {
        t_response_method.assign(method);
        t_reading_response = true;
    }
    ~ReadingResponse() { t_reading_response = false; }
    ReadingResponse(const ReadingResponse&) = delete;
    ReadingResponse& operator=(const ReadingResponse&) = delete;
};

// Reads named fields of one object: each must be present (but those marked tolerant), and nothing
// else may be, except in a host's response.
class Reader {
public:
    // `prefix` is put before each field name in messages ("agency.", "[2].", "").
    Reader(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}

    template <class T>
    void operator()(const char* name, T& out) {
        seen_.push_back(name);
        if (!error_.empty()) return;
        auto it = j_.find(name);
        if (it == j_.end()) {
            error_ = field_named(prefix_ + name) + " is missing";
            return;
        }
        read_value(*it, out, prefix_ + name, error_);
    }
    // A field added after the first release of the vtable: a host store written before it does not
    // send it, and the record keeps the field's default (an empty map, revision 0).
    template <class T>
    void tolerant(const char* name, T& out) {
        seen_.push_back(name);
        if (!error_.empty()) return;
        auto it = j_.find(name);
        if (it == j_.end()) return;
        read_value(*it, out, prefix_ + name, error_);
    }

    // The first problem, or "" when the object was read whole. A field the record does not have is
    // a problem in a request (both sides are this library), and in a host's response only a
    // warning (sesame_last_warnings): a store written for a later version may send more.
    std::string finish() {
        if (!error_.empty()) return error_;
        for (const auto& item : j_.items())
            if (std::find(seen_.begin(), seen_.end(), item.key()) == seen_.end()) {
                if (!t_reading_response) return field_named(prefix_ + item.key()) + " is not part of the record";
                capi::warn(fmt::format("store {}: response field \"{}{}\" ignored: it is not part of the record in this "
                                       "version of Sesame",
                                       t_response_method, prefix_, item.key()));
            }
        return {};
    }

private:
    const json& j_;
    std::string prefix_;
    std::vector<std::string_view> seen_;
    std::string error_;
};

void read_value(const json& v, std::int64_t& out, const std::string& path, std::string& error) {
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
        error = field_named(path) + " must be an integer that fits in 64 bits";
        return;
    }
    out = v.get<std::int64_t>();
}

void read_value(const json& v, std::int32_t& out, const std::string& path, std::string& error) {
    std::int64_t wide = 0;
    read_value(v, wide, path, error);
    if (!error.empty()) return;
    if (wide < std::numeric_limits<std::int32_t>::min() || wide > std::numeric_limits<std::int32_t>::max()) {
        error = field_named(path) + " must be an integer that fits in 32 bits";
        return;
    }
    out = static_cast<std::int32_t>(wide);
}

void read_value(const json& v, std::size_t& out, const std::string& path, std::string& error) {
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
        error = field_named(path) + " must be an integer >= 0";
        return;
    }
    const auto wide = v.get<std::uint64_t>();
    if (wide > std::numeric_limits<std::size_t>::max()) {
        error = field_named(path) + " is too large";
        return;
    }
    out = static_cast<std::size_t>(wide);
}

void read_value(const json& v, bool& out, const std::string& path, std::string& error) {
    if (!v.is_boolean()) {
        error = field_named(path) + " must be true or false";
        return;
    }
    out = v.get<bool>();
}

void read_value(const json& v, std::string& out, const std::string& path, std::string& error) {
    if (!v.is_string()) {
        error = field_named(path) + " must be a string";
        return;
    }
    out = v.get<std::string>();
}

void read_value(const json& v, std::vector<std::string>& out, const std::string& path, std::string& error) {
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& item) { return item.is_string(); })) {
        error = field_named(path) + " must be an array of strings";
        return;
    }
    out = v.get<std::vector<std::string>>();
}

void read_value(const json& v, std::map<std::string, std::string>& out, const std::string& path, std::string& error) {
    if (!v.is_object() || !std::all_of(v.begin(), v.end(), [](const json& item) { return item.is_string(); })) {
        error = field_named(path) + " must be an object of strings";
        return;
    }
    out = v.get<std::map<std::string, std::string>>();
}

void read_value(const json& v, std::vector<std::uint8_t>& out, const std::string& path, std::string& error) {
    if (!v.is_string() || !decode_bytes(v.get_ref<const std::string&>(), out))
        error = field_named(path) + " must be a base64 string (original alphabet, padded)";
}

template <class E>
    requires std::is_enum_v<E>
void read_value(const json& v, E& out, const std::string& path, std::string& error) {
    if (!v.is_string() || !parse(v.get_ref<const std::string&>(), out))
        error = field_named(path) + " must be one of the words of docs/c-store-directory.md";
}

template <class T>
void read_value(const json& v, std::optional<T>& out, const std::string& path, std::string& error) {
    if (v.is_null()) {
        out.reset();
        return;
    }
    T value{};
    read_value(v, value, path, error);
    if (error.empty()) out = std::move(value);
}

template <Record T>
void read_value(const json& v, T& out, const std::string& path, std::string& error) {
    if (!v.is_object()) {
        error = field_named(path) + " must be an object";
        return;
    }
    T copy{};
    Reader r(v, path + ".");
    fields(r, copy);
    error = r.finish();
    if (error.empty()) out = std::move(copy);
}

template <Record T>
void read_value(const json& v, std::vector<T>& out, const std::string& path, std::string& error) {
    if (!v.is_array()) {
        error = field_named(path) + " must be an array";
        return;
    }
    std::vector<T> items;
    items.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        T item{};
        read_value(v[i], item, fmt::format("{}[{}]", path, i), error);
        if (!error.empty()) return;
        items.push_back(std::move(item));
    }
    out = std::move(items);
}

template <Record T>
Status decode_record(const json& j, T& out, std::string_view path) {
    std::string error;
    if (!j.is_object()) {
        error = path.empty() ? std::string("the record must be a JSON object") : field_named(path.substr(0, path.size() - 1)) + " must be an object";
    } else {
        T copy{};
        Reader r(j, std::string(path));
        fields(r, copy);
        error = r.finish();
        if (error.empty()) out = std::move(copy);
    }
    if (error.empty()) return {};
    return {Code::invalid_argument, error};
}

// ---- responses ----------------------------------------------------------------------------

Status decode_response(const json& j, std::int64_t& out) {
    if (!j.is_object()) return {Code::invalid_argument, "the response must be an object {\"value\": <integer>}"};
    Reader r(j, "");
    r("value", out);
    if (auto e = r.finish(); !e.empty()) return {Code::invalid_argument, e};
    return {};
}

Status decode_response(const json& j, bool& out) {
    if (!j.is_object()) return {Code::invalid_argument, "the response must be an object {\"value\": true|false}"};
    Reader r(j, "");
    r("value", out);
    if (auto e = r.finish(); !e.empty()) return {Code::invalid_argument, e};
    return {};
}

template <Record T>
Status decode_response(const json& j, T& out) {
    return decode_record(j, out, "");
}

template <Record T>
Status decode_response(const json& j, std::optional<T>& out) {
    if (j.is_null()) {
        out.reset();
        return {};
    }
    T value{};
    SESAME_TRY(decode_record(j, value, ""));
    out = std::move(value);
    return {};
}

template <Record T>
Status decode_response(const json& j, std::vector<T>& out) {
    if (!j.is_array()) return {Code::invalid_argument, "the response must be a JSON array"};
    std::vector<T> items;
    items.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        T item{};
        SESAME_TRY(decode_record(j[i], item, fmt::format("[{}].", i)));
        items.push_back(std::move(item));
    }
    out = std::move(items);
    return {};
}

Status protocol_error(std::string_view method, std::string_view what) {
    return {Code::callback, fmt::format("store {}: {}", method, what)};
}

Result<json> parse_response(std::string_view method, std::string_view text) {
    if (text.empty()) return protocol_error(method, "the store's call() wrote no response");
    json j;
    std::string why;
    if (!parse_json(text, j, why)) return protocol_error(method, "the store's call() wrote a response that " + why);
    return j;
}

// ---- the server side ----------------------------------------------------------------------

inline void take(Reader&) {}
template <class T, class... Rest>
void take(Reader& r, const char* name, T& out, Rest&&... rest) {
    r(name, out);
    take(r, std::forward<Rest>(rest)...);
}

struct Request {
    std::string_view method;
    const json& args;
};

// Reads a request's arguments, given as name, variable, name, variable, ...
template <class... Rest>
Status args(const Request& q, Rest&&... rest) {
    Reader r(q.args, "");
    take(r, std::forward<Rest>(rest)...);
    if (auto e = r.finish(); !e.empty()) return {Code::invalid_argument, fmt::format("store {}: request {}", q.method, e)};
    return {};
}

json reply_body(std::int64_t v) { return {{"value", v}}; }
json reply_body(bool v) { return {{"value", v}}; }
template <Record T>
json reply_body(const T& v) {
    return value_of(v);
}
template <Record T>
json reply_body(const std::optional<T>& v) {
    return v ? value_of(*v) : json(nullptr);
}
template <Record T>
json reply_body(const std::vector<T>& v) {
    json a = json::array();
    for (const auto& item : v) a.push_back(value_of(item));
    return a;
}

template <class T>
Result<json> reply(const Result<T>& r) {
    if (!r) return r.status();
    return reply_body(*r);
}
Result<json> reply(const Status& s) {
    if (!s.ok()) return s;
    return json::object();
}

using Handler = Result<json> (*)(Store&, const Request&);
struct Entry {
    std::string_view name;
    Handler run;
};

// clang-format off
const Entry kEntries[] = {
    // agencies
    {"insert_agency", [](Store& s, const Request& q) -> Result<json> { Agency v; SESAME_TRY(args(q, "agency", v)); return reply(s.insert_agency(v)); }},
    {"update_agency", [](Store& s, const Request& q) -> Result<json> { Agency v; SESAME_TRY(args(q, "agency", v)); return reply(s.update_agency(v)); }},
    {"get_agency", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_agency(id)); }},
    {"list_agencies", [](Store& s, const Request& q) -> Result<json> { SESAME_TRY(args(q)); return reply(s.list_agencies()); }},
    {"insert_agency_phone", [](Store& s, const Request& q) -> Result<json> { AgencyPhone v; SESAME_TRY(args(q, "phone", v)); return reply(s.insert_agency_phone(v)); }},
    {"update_agency_phone", [](Store& s, const Request& q) -> Result<json> { AgencyPhone v; SESAME_TRY(args(q, "phone", v)); return reply(s.update_agency_phone(v)); }},
    {"list_agency_phones", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "agency_id", id)); return reply(s.list_agency_phones(id)); }},
    {"insert_agency_email", [](Store& s, const Request& q) -> Result<json> { AgencyEmail v; SESAME_TRY(args(q, "email", v)); return reply(s.insert_agency_email(v)); }},
    {"list_agency_emails", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "agency_id", id)); return reply(s.list_agency_emails(id)); }},
    // portals
    {"insert_portal", [](Store& s, const Request& q) -> Result<json> { Portal v; SESAME_TRY(args(q, "portal", v)); return reply(s.insert_portal(v)); }},
    {"update_portal", [](Store& s, const Request& q) -> Result<json> { Portal v; SESAME_TRY(args(q, "portal", v)); return reply(s.update_portal(v)); }},
    {"get_portal", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_portal(id)); }},
    {"find_portal_by_slug", [](Store& s, const Request& q) -> Result<json> { std::string slug; SESAME_TRY(args(q, "slug", slug)); return reply(s.find_portal_by_slug(slug)); }},
    {"list_portals", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "agency_id", id)); return reply(s.list_portals(id)); }},
    // clients and contacts
    {"insert_client", [](Store& s, const Request& q) -> Result<json> { Client v; SESAME_TRY(args(q, "client", v)); return reply(s.insert_client(v)); }},
    {"update_client", [](Store& s, const Request& q) -> Result<json> { Client v; SESAME_TRY(args(q, "client", v)); return reply(s.update_client(v)); }},
    {"get_client", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_client(id)); }},
    {"list_clients", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "agency_id", id)); return reply(s.list_clients(id)); }},
    {"delete_client", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.delete_client(id)); }},
    {"insert_contact", [](Store& s, const Request& q) -> Result<json> { Contact v; SESAME_TRY(args(q, "contact", v)); return reply(s.insert_contact(v)); }},
    {"update_contact", [](Store& s, const Request& q) -> Result<json> { Contact v; SESAME_TRY(args(q, "contact", v)); return reply(s.update_contact(v)); }},
    {"get_contact", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_contact(id)); }},
    {"list_contacts", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "client_id", id)); return reply(s.list_contacts(id)); }},
    {"delete_contact", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.delete_contact(id)); }},
    {"find_contacts", [](Store& s, const Request& q) -> Result<json> { Id id = 0; std::string value; SESAME_TRY(args(q, "agency_id", id, "value", value)); return reply(s.find_contacts(id, value)); }},
    // messages
    {"insert_message", [](Store& s, const Request& q) -> Result<json> { Message v; SESAME_TRY(args(q, "message", v)); return reply(s.insert_message(v)); }},
    {"update_message", [](Store& s, const Request& q) -> Result<json> { Message v; SESAME_TRY(args(q, "message", v)); return reply(s.update_message(v)); }},
    {"get_message", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_message(id)); }},
    {"list_messages_to", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::vector<std::string> destinations; std::size_t limit = 0;
        SESAME_TRY(args(q, "agency_id", id, "destinations", destinations, "limit", limit));
        return reply(s.list_messages_to(id, destinations, limit)); }},
    {"list_queued_messages", [](Store& s, const Request& q) -> Result<json> { std::size_t limit = 0; SESAME_TRY(args(q, "limit", limit)); return reply(s.list_queued_messages(limit)); }},
    // challenges
    {"begin_challenge", [](Store& s, const Request& q) -> Result<json> {
        Challenge c; std::optional<Message> m;
        SESAME_TRY(args(q, "challenge", c, "message", m));
        return reply(s.begin_challenge(c, m)); }},
    {"get_challenge", [](Store& s, const Request& q) -> Result<json> { std::string id; SESAME_TRY(args(q, "id", id)); return reply(s.get_challenge(id)); }},
    {"register_attempt", [](Store& s, const Request& q) -> Result<json> { std::string id; SESAME_TRY(args(q, "id", id)); return reply(s.register_attempt(id)); }},
    {"consume_challenge", [](Store& s, const Request& q) -> Result<json> { std::string id; UnixTime now = 0; SESAME_TRY(args(q, "id", id, "now", now)); return reply(s.consume_challenge(id, now)); }},
    // sessions
    {"insert_session", [](Store& s, const Request& q) -> Result<json> { Session v; SESAME_TRY(args(q, "session", v)); return reply(s.insert_session(v)); }},
    {"find_session", [](Store& s, const Request& q) -> Result<json> { std::vector<std::uint8_t> hash; SESAME_TRY(args(q, "token_hash", hash)); return reply(s.find_session(hash)); }},
    {"get_session", [](Store& s, const Request& q) -> Result<json> { std::string id; SESAME_TRY(args(q, "id", id)); return reply(s.get_session(id)); }},
    {"touch_session", [](Store& s, const Request& q) -> Result<json> {
        std::string id; UnixTime now = 0, idle = 0;
        SESAME_TRY(args(q, "id", id, "now", now, "idle_expires_at", idle));
        return reply(s.touch_session(id, now, idle)); }},
    {"bind_session_client", [](Store& s, const Request& q) -> Result<json> { std::string id; Id client = 0; SESAME_TRY(args(q, "id", id, "client_id", client)); return reply(s.bind_session_client(id, client)); }},
    {"revoke_session", [](Store& s, const Request& q) -> Result<json> {
        std::string id, reason; UnixTime now = 0;
        SESAME_TRY(args(q, "id", id, "now", now, "reason", reason));
        return reply(s.revoke_session(id, now, reason)); }},
    {"revoke_client_sessions", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::string reason; UnixTime now = 0;
        SESAME_TRY(args(q, "client_id", id, "now", now, "reason", reason));
        return reply(s.revoke_client_sessions(id, now, reason)); }},
    {"revoke_destination_sessions", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::string destination, reason; UnixTime now = 0;
        SESAME_TRY(args(q, "agency_id", id, "destination", destination, "now", now, "reason", reason));
        return reply(s.revoke_destination_sessions(id, destination, now, reason)); }},
    {"revoke_portal_sessions", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::string reason; UnixTime now = 0;
        SESAME_TRY(args(q, "portal_id", id, "now", now, "reason", reason));
        return reply(s.revoke_portal_sessions(id, now, reason)); }},
    {"list_client_sessions", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "client_id", id)); return reply(s.list_client_sessions(id)); }},
    // throttles
    {"bump_counter", [](Store& s, const Request& q) -> Result<json> {
        std::string key; UnixTime now = 0; std::int64_t window = 0;
        SESAME_TRY(args(q, "key", key, "now", now, "window_seconds", window));
        return reply(s.bump_counter(key, now, window)); }},
    {"get_counter", [](Store& s, const Request& q) -> Result<json> { std::string key; SESAME_TRY(args(q, "key", key)); return reply(s.get_counter(key)); }},
    {"reset_counter", [](Store& s, const Request& q) -> Result<json> { std::string key; SESAME_TRY(args(q, "key", key)); return reply(s.reset_counter(key)); }},
    // templates
    {"put_template", [](Store& s, const Request& q) -> Result<json> { MessageTemplate v; SESAME_TRY(args(q, "template", v)); return reply(s.put_template(v)); }},
    {"get_template", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; Channel channel = Channel::sms; std::string language;
        SESAME_TRY(args(q, "agency_id", id, "channel", channel, "language", language));
        return reply(s.get_template(id, channel, language)); }},
    // audit
    {"append_audit", [](Store& s, const Request& q) -> Result<json> { AuditEvent v; SESAME_TRY(args(q, "audit_event", v)); return reply(s.append_audit(v)); }},
    {"list_audit", [](Store& s, const Request& q) -> Result<json> { Id id = 0; std::size_t limit = 0; SESAME_TRY(args(q, "agency_id", id, "limit", limit)); return reply(s.list_audit(id, limit)); }},
    // housekeeping
    {"sweep", [](Store& s, const Request& q) -> Result<json> { UnixTime now = 0, cutoff = 0; SESAME_TRY(args(q, "now", now, "counter_cutoff", cutoff)); return reply(s.sweep(now, cutoff)); }},
    // content
    {"insert_event", [](Store& s, const Request& q) -> Result<json> { Event v; SESAME_TRY(args(q, "event", v)); return reply(s.insert_event(v)); }},
    {"update_event", [](Store& s, const Request& q) -> Result<json> { Event v; SESAME_TRY(args(q, "event", v)); return reply(s.update_event(v)); }},
    {"get_event", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_event(id)); }},
    {"list_events", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "client_id", id)); return reply(s.list_events(id)); }},
    {"delete_event", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.delete_event(id)); }},
    {"insert_case", [](Store& s, const Request& q) -> Result<json> { Case v; SESAME_TRY(args(q, "case", v)); return reply(s.insert_case(v)); }},
    {"update_case", [](Store& s, const Request& q) -> Result<json> { Case v; SESAME_TRY(args(q, "case", v)); return reply(s.update_case(v)); }},
    {"get_case", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_case(id)); }},
    {"list_cases", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "client_id", id)); return reply(s.list_cases(id)); }},
    {"insert_document", [](Store& s, const Request& q) -> Result<json> { Document v; SESAME_TRY(args(q, "document", v)); return reply(s.insert_document(v)); }},
    {"update_document", [](Store& s, const Request& q) -> Result<json> { Document v; SESAME_TRY(args(q, "document", v)); return reply(s.update_document(v)); }},
    {"get_document", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_document(id)); }},
    {"list_documents", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "client_id", id)); return reply(s.list_documents(id)); }},    // uploads
    {"put_upload_policy", [](Store& s, const Request& q) -> Result<json> { UploadPolicy v; SESAME_TRY(args(q, "policy", v)); return reply(s.put_upload_policy(v)); }},
    {"get_upload_policy", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "portal_id", id)); return reply(s.get_upload_policy(id)); }},
    {"insert_upload", [](Store& s, const Request& q) -> Result<json> { Upload v; SESAME_TRY(args(q, "upload", v)); return reply(s.insert_upload(v)); }},
    {"get_upload", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_upload(id)); }},
    {"list_uploads", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "client_id", id)); return reply(s.list_uploads(id)); }},
    {"delete_upload", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.delete_upload(id)); }},
    {"put_document_file", [](Store& s, const Request& q) -> Result<json> { DocumentFile v; SESAME_TRY(args(q, "document_file", v)); return reply(s.put_document_file(v)); }},
    {"get_document_file", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "document_id", id)); return reply(s.get_document_file(id)); }},
    // navigation
    {"insert_sidebar_item", [](Store& s, const Request& q) -> Result<json> { SidebarItem v; SESAME_TRY(args(q, "sidebar_item", v)); return reply(s.insert_sidebar_item(v)); }},
    {"update_sidebar_item", [](Store& s, const Request& q) -> Result<json> { SidebarItem v; SESAME_TRY(args(q, "sidebar_item", v)); return reply(s.update_sidebar_item(v)); }},
    {"delete_sidebar_item", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.delete_sidebar_item(id)); }},
    {"get_sidebar_item", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_sidebar_item(id)); }},
    {"list_sidebar_items", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "portal_id", id)); return reply(s.list_sidebar_items(id)); }},
    {"insert_gated_resource", [](Store& s, const Request& q) -> Result<json> { GatedResource v; SESAME_TRY(args(q, "gated_resource", v)); return reply(s.insert_gated_resource(v)); }},
    {"update_gated_resource", [](Store& s, const Request& q) -> Result<json> { GatedResource v; SESAME_TRY(args(q, "gated_resource", v)); return reply(s.update_gated_resource(v)); }},
    {"delete_gated_resource", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.delete_gated_resource(id)); }},
    {"get_gated_resource", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "id", id)); return reply(s.get_gated_resource(id)); }},
    {"find_gated_resource", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; ResourceKind kind = ResourceKind::calendar; std::string slug;
        SESAME_TRY(args(q, "portal_id", id, "kind", kind, "slug", slug));
        return reply(s.find_gated_resource(id, kind, slug)); }},
    {"list_gated_resources", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "portal_id", id)); return reply(s.list_gated_resources(id)); }},
    // profile
    {"put_profile_policy", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::vector<ProfileFieldRule> rules;
        SESAME_TRY(args(q, "portal_id", id, "rules", rules));
        return reply(s.put_profile_policy(id, rules)); }},
    {"get_profile_policy", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "portal_id", id)); return reply(s.get_profile_policy(id)); }},
    {"insert_contact_change", [](Store& s, const Request& q) -> Result<json> { ContactChange v; SESAME_TRY(args(q, "contact_change", v)); return reply(s.insert_contact_change(v)); }},
    {"get_contact_change", [](Store& s, const Request& q) -> Result<json> { std::string id; SESAME_TRY(args(q, "challenge_id", id)); return reply(s.get_contact_change(id)); }},
    // dashboard
    {"put_dashboard_template", [](Store& s, const Request& q) -> Result<json> { DashboardTemplate v; SESAME_TRY(args(q, "dashboard_template", v)); return reply(s.put_dashboard_template(v)); }},
    {"get_dashboard_template", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::string language;
        SESAME_TRY(args(q, "portal_id", id, "language", language));
        return reply(s.get_dashboard_template(id, language)); }},
    {"delete_dashboard_template", [](Store& s, const Request& q) -> Result<json> {
        Id id = 0; std::string language;
        SESAME_TRY(args(q, "portal_id", id, "language", language));
        return reply(s.delete_dashboard_template(id, language)); }},
    {"list_dashboard_templates", [](Store& s, const Request& q) -> Result<json> { Id id = 0; SESAME_TRY(args(q, "portal_id", id)); return reply(s.list_dashboard_templates(id)); }},
};
// clang-format on

}  // namespace

std::span<const std::string_view> methods() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> out;
        for (const auto& e : kEntries) out.push_back(e.name);
        return out;
    }();
    return names;
}

json encode(const Agency& v) { return value_of(v); }
json encode(const AgencyPhone& v) { return value_of(v); }
json encode(const AgencyEmail& v) { return value_of(v); }
json encode(const Portal& v) { return value_of(v); }
json encode(const Client& v) { return value_of(v); }
json encode(const Contact& v) { return value_of(v); }
json encode(const Message& v) { return value_of(v); }
json encode(const Challenge& v) { return value_of(v); }
json encode(const Session& v) { return value_of(v); }
json encode(const Counter& v) { return value_of(v); }
json encode(const SweepResult& v) { return value_of(v); }
json encode(const MessageTemplate& v) { return value_of(v); }
json encode(const AuditEvent& v) { return value_of(v); }
json encode(const Event& v) { return value_of(v); }
json encode(const Case& v) { return value_of(v); }
json encode(const Document& v) { return value_of(v); }
json encode(const DashboardTemplate& v) { return value_of(v); }
json encode(const UploadPolicy& v) { return value_of(v); }
json encode(const Upload& v) { return value_of(v); }
json encode(const DocumentFile& v) { return value_of(v); }
json encode(const SidebarItem& v) { return value_of(v); }
json encode(const GatedResource& v) { return value_of(v); }
json encode(const ProfileFieldRule& v) { return value_of(v); }
json encode(const ContactChange& v) { return value_of(v); }
json encode(const std::vector<ProfileFieldRule>& v) { return value_of(v); }

Status decode(const json& j, Agency& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, AgencyPhone& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, AgencyEmail& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Portal& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Client& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Contact& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Message& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Challenge& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Session& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Counter& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, SweepResult& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, MessageTemplate& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, AuditEvent& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Event& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Case& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Document& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, DashboardTemplate& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, UploadPolicy& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, Upload& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, DocumentFile& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, SidebarItem& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, GatedResource& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, ProfileFieldRule& out, std::string_view path) { return decode_record(j, out, path); }
Status decode(const json& j, ContactChange& out, std::string_view path) { return decode_record(j, out, path); }

std::string encode_bytes(const std::vector<std::uint8_t>& bytes) {
    const std::size_t size = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    std::string out(size, '\0');  // size counts the terminating NUL
    sodium_bin2base64(out.data(), size, bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(size - 1);
    return out;
}

bool decode_bytes(std::string_view text, std::vector<std::uint8_t>& out) {
    std::vector<std::uint8_t> bytes(text.size() / 4 * 3 + 3);
    std::size_t size = 0;
    const char* end = nullptr;
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &size, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    if (end != text.data() + text.size()) return false;  // trailing bytes that are not base64
    bytes.resize(size);
    out = std::move(bytes);
    return true;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string host_message(std::string_view message) {
    constexpr std::size_t kMax = 1024;
    std::size_t n = message.size();
    if (n > kMax) {
        n = kMax;
        while (n > 0 && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 sequence
    }
    // Through JSON and back: each byte that is not UTF-8 becomes U+FFFD.
    const std::string quoted = dump(json(std::string(message.substr(0, n))));
    std::string out = json::parse(quoted).get<std::string>();
    if (n < message.size()) out += "...";
    return out;
}

Status callback_failure(std::string_view method, sesame_status status, std::string_view message) {
    switch (status) {
        case SESAME_E_NOT_FOUND:
        case SESAME_E_ALREADY_EXISTS:
        case SESAME_E_FAILED_PRECONDITION:
        case SESAME_E_CONFLICT: {
            const auto code = static_cast<Code>(status);
            if (message.empty()) return {code, fmt::format("store {}: {}", method, code_name(code))};
            return {code, host_message(message)};
        }
        default: break;
    }
    if (status >= 0)
        return protocol_error(method, fmt::format("the store's call() returned {}, which is not a failure status", status));
    if (message.empty())
        return protocol_error(method, fmt::format("the store's call() failed with {} and wrote no message",
                                                  code_name(static_cast<Code>(status))));
    return protocol_error(method, host_message(message));
}

template <class T>
Result<T> read_response(std::string_view method, std::string_view text) {
    auto j = parse_response(method, text);
    if (!j) return j.status();
    ReadingResponse reading(method);
    T out{};
    if (Status s = decode_response(*j, out); !s.ok()) return protocol_error(method, "response " + s.message());
    return out;
}

template Result<Id> read_response<Id>(std::string_view, std::string_view);
template Result<bool> read_response<bool>(std::string_view, std::string_view);
template Result<Agency> read_response<Agency>(std::string_view, std::string_view);
template Result<Portal> read_response<Portal>(std::string_view, std::string_view);
template Result<Client> read_response<Client>(std::string_view, std::string_view);
template Result<Contact> read_response<Contact>(std::string_view, std::string_view);
template Result<Message> read_response<Message>(std::string_view, std::string_view);
template Result<Challenge> read_response<Challenge>(std::string_view, std::string_view);
template Result<Session> read_response<Session>(std::string_view, std::string_view);
template Result<Counter> read_response<Counter>(std::string_view, std::string_view);
template Result<SweepResult> read_response<SweepResult>(std::string_view, std::string_view);
template Result<Event> read_response<Event>(std::string_view, std::string_view);
template Result<Case> read_response<Case>(std::string_view, std::string_view);
template Result<Document> read_response<Document>(std::string_view, std::string_view);
template Result<SidebarItem> read_response<SidebarItem>(std::string_view, std::string_view);
template Result<GatedResource> read_response<GatedResource>(std::string_view, std::string_view);
template Result<ContactChange> read_response<ContactChange>(std::string_view, std::string_view);
template Result<std::optional<MessageTemplate>> read_response<std::optional<MessageTemplate>>(std::string_view,
                                                                                                std::string_view);
template Result<std::vector<Agency>> read_response<std::vector<Agency>>(std::string_view, std::string_view);
template Result<std::vector<AgencyPhone>> read_response<std::vector<AgencyPhone>>(std::string_view, std::string_view);
template Result<std::vector<AgencyEmail>> read_response<std::vector<AgencyEmail>>(std::string_view, std::string_view);
template Result<std::vector<Portal>> read_response<std::vector<Portal>>(std::string_view, std::string_view);
template Result<std::vector<Client>> read_response<std::vector<Client>>(std::string_view, std::string_view);
template Result<std::vector<Contact>> read_response<std::vector<Contact>>(std::string_view, std::string_view);
template Result<std::vector<Message>> read_response<std::vector<Message>>(std::string_view, std::string_view);
template Result<std::vector<Session>> read_response<std::vector<Session>>(std::string_view, std::string_view);
template Result<std::vector<AuditEvent>> read_response<std::vector<AuditEvent>>(std::string_view, std::string_view);
template Result<std::vector<Event>> read_response<std::vector<Event>>(std::string_view, std::string_view);
template Result<std::vector<Case>> read_response<std::vector<Case>>(std::string_view, std::string_view);
template Result<std::vector<Document>> read_response<std::vector<Document>>(std::string_view, std::string_view);
template Result<std::optional<DashboardTemplate>> read_response<std::optional<DashboardTemplate>>(std::string_view,
                                                                                                    std::string_view);
template Result<std::vector<DashboardTemplate>> read_response<std::vector<DashboardTemplate>>(std::string_view,
                                                                                              std::string_view);
template Result<Upload> read_response<Upload>(std::string_view, std::string_view);
template Result<std::vector<Upload>> read_response<std::vector<Upload>>(std::string_view, std::string_view);
template Result<std::optional<UploadPolicy>> read_response<std::optional<UploadPolicy>>(std::string_view,
                                                                                          std::string_view);
template Result<std::optional<DocumentFile>> read_response<std::optional<DocumentFile>>(std::string_view,
                                                                                          std::string_view);
template Result<std::vector<SidebarItem>> read_response<std::vector<SidebarItem>>(std::string_view, std::string_view);
template Result<std::vector<ProfileFieldRule>> read_response<std::vector<ProfileFieldRule>>(std::string_view,
                                                                                              std::string_view);
template Result<std::vector<GatedResource>> read_response<std::vector<GatedResource>>(std::string_view,
                                                                                        std::string_view);

Status read_empty_response(std::string_view method, std::string_view text) {
    if (text.empty()) return {};
    auto j = parse_response(method, text);
    if (!j) return j.status();
    if (!j->is_object()) return protocol_error(method, "the response must be empty or a JSON object");
    return {};
}

Result<json> serve(Store& store, std::string_view method, const json& request) {
    const auto* entry = std::find_if(std::begin(kEntries), std::end(kEntries), [&](const Entry& e) { return e.name == method; });
    if (entry == std::end(kEntries))
        return Status(Code::invalid_argument, fmt::format("unknown store method \"{}\"", method));
    if (!request.is_object())
        return Status(Code::invalid_argument, fmt::format("store {}: the request must be a JSON object", method));
    return entry->run(store, Request{method, request});
}

}  // namespace sesame::capi::store_codec
