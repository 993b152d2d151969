#include "capi/store_adapter.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <initializer_list>
#include <limits>
#include <utility>

#include "capi/content_records.hpp"
#include "capi/json_text.hpp"
#include "capi/records.hpp"
#include "capi/store_codec.hpp"
#include "store/guard.hpp"

namespace sesame::capi {
namespace {

using nlohmann::json;
using store_codec::encode;
using store_detail::guarded;

// One round trip through the host's call(): the response text, or the failure it reported.
Result<std::string> call_host(const Owned& owned, StoreAdapter::CallFn call, std::string_view method,
                              const json& request) {
    if (!call) return Status(Code::callback, fmt::format("store {}: the store vtable has no call()", method));
    const std::string name(method);
    const std::string text = store_codec::dump(request);
    sesame_sink out;
    sesame_sink error;
    const sesame_status status = call(owned.user_data(), &out, &error, name.c_str(), text.c_str());
    if (status != SESAME_OK) return store_codec::callback_failure(method, status, error.data);
    return std::move(out.data);
}

template <class T>
Result<T> invoke(const Owned& owned, StoreAdapter::CallFn call, std::string_view method, const json& request) {
    auto text = call_host(owned, call, method, request);
    if (!text) return text.status();
    return store_codec::read_response<T>(method, *text);
}

Status invoke_status(const Owned& owned, StoreAdapter::CallFn call, std::string_view method, const json& request) {
    auto text = call_host(owned, call, method, request);
    if (!text) return text.status();
    return store_codec::read_empty_response(method, *text);
}

}  // namespace

// Each method builds its request inside `guarded`, so that even an allocation failure while
// encoding comes back as a Status.
#define SESAME_STORE_CALL(T, method, ...) \
    guarded([&]() -> Result<T> { return invoke<T>(owned_, call_, method, json(__VA_ARGS__)); })
#define SESAME_STORE_CALL_STATUS(method, ...) \
    guarded([&]() -> Status { return invoke_status(owned_, call_, method, json(__VA_ARGS__)); })

StoreAdapter::StoreAdapter(const sesame_store_vtable& v) : owned_(v.user_data, v.destroy), call_(v.call) {}

// ---- agencies ---------------------------------------------------------------------------------
Result<Id> StoreAdapter::insert_agency(const Agency& a) {
    return SESAME_STORE_CALL(Id, "insert_agency", {{"agency", encode(a)}});
}
Status StoreAdapter::update_agency(const Agency& a) {
    return SESAME_STORE_CALL_STATUS("update_agency", {{"agency", encode(a)}});
}
Result<Agency> StoreAdapter::get_agency(Id id) { return SESAME_STORE_CALL(Agency, "get_agency", {{"id", id}}); }
Result<std::vector<Agency>> StoreAdapter::list_agencies() {
    return SESAME_STORE_CALL(std::vector<Agency>, "list_agencies", json::object());
}

Result<Id> StoreAdapter::insert_agency_phone(const AgencyPhone& p) {
    return SESAME_STORE_CALL(Id, "insert_agency_phone", {{"phone", encode(p)}});
}
Status StoreAdapter::update_agency_phone(const AgencyPhone& p) {
    return SESAME_STORE_CALL_STATUS("update_agency_phone", {{"phone", encode(p)}});
}
Result<std::vector<AgencyPhone>> StoreAdapter::list_agency_phones(Id agency_id) {
    return SESAME_STORE_CALL(std::vector<AgencyPhone>, "list_agency_phones", {{"agency_id", agency_id}});
}
Result<Id> StoreAdapter::insert_agency_email(const AgencyEmail& e) {
    return SESAME_STORE_CALL(Id, "insert_agency_email", {{"email", encode(e)}});
}
Result<std::vector<AgencyEmail>> StoreAdapter::list_agency_emails(Id agency_id) {
    return SESAME_STORE_CALL(std::vector<AgencyEmail>, "list_agency_emails", {{"agency_id", agency_id}});
}

// ---- portals ----------------------------------------------------------------------------------
Result<Id> StoreAdapter::insert_portal(const Portal& p) {
    return SESAME_STORE_CALL(Id, "insert_portal", {{"portal", encode(p)}});
}
Status StoreAdapter::update_portal(const Portal& p) {
    return SESAME_STORE_CALL_STATUS("update_portal", {{"portal", encode(p)}});
}
Result<Portal> StoreAdapter::get_portal(Id id) { return SESAME_STORE_CALL(Portal, "get_portal", {{"id", id}}); }
Result<Portal> StoreAdapter::find_portal_by_slug(const std::string& slug) {
    return SESAME_STORE_CALL(Portal, "find_portal_by_slug", {{"slug", slug}});
}
Result<std::vector<Portal>> StoreAdapter::list_portals(Id agency_id) {
    return SESAME_STORE_CALL(std::vector<Portal>, "list_portals", {{"agency_id", agency_id}});
}

// ---- clients and contacts ---------------------------------------------------------------------
Result<Id> StoreAdapter::insert_client(const Client& c) {
    return SESAME_STORE_CALL(Id, "insert_client", {{"client", encode(c)}});
}
Status StoreAdapter::update_client(const Client& c) {
    return SESAME_STORE_CALL_STATUS("update_client", {{"client", encode(c)}});
}
Result<Client> StoreAdapter::get_client(Id id) { return SESAME_STORE_CALL(Client, "get_client", {{"id", id}}); }
Result<std::vector<Client>> StoreAdapter::list_clients(Id agency_id) {
    return SESAME_STORE_CALL(std::vector<Client>, "list_clients", {{"agency_id", agency_id}});
}

Result<Id> StoreAdapter::insert_contact(const Contact& c) {
    return SESAME_STORE_CALL(Id, "insert_contact", {{"contact", encode(c)}});
}
Status StoreAdapter::update_contact(const Contact& c) {
    return SESAME_STORE_CALL_STATUS("update_contact", {{"contact", encode(c)}});
}
Result<Contact> StoreAdapter::get_contact(Id id) { return SESAME_STORE_CALL(Contact, "get_contact", {{"id", id}}); }
Status StoreAdapter::delete_client(Id id) { return SESAME_STORE_CALL_STATUS("delete_client", {{"id", id}}); }
Status StoreAdapter::delete_contact(Id id) { return SESAME_STORE_CALL_STATUS("delete_contact", {{"id", id}}); }

Result<std::vector<Contact>> StoreAdapter::list_contacts(Id client_id) {
    return SESAME_STORE_CALL(std::vector<Contact>, "list_contacts", {{"client_id", client_id}});
}
Result<std::vector<Contact>> StoreAdapter::find_contacts(Id agency_id, const std::string& value) {
    return SESAME_STORE_CALL(std::vector<Contact>, "find_contacts", {{"agency_id", agency_id}, {"value", value}});
}

// ---- messages ---------------------------------------------------------------------------------
Result<Id> StoreAdapter::insert_message(const Message& m) {
    return SESAME_STORE_CALL(Id, "insert_message", {{"message", encode(m)}});
}
Status StoreAdapter::update_message(const Message& m) {
    return SESAME_STORE_CALL_STATUS("update_message", {{"message", encode(m)}});
}
Result<Message> StoreAdapter::get_message(Id id) { return SESAME_STORE_CALL(Message, "get_message", {{"id", id}}); }
Result<std::vector<Message>> StoreAdapter::list_messages_to(Id agency_id, const std::vector<std::string>& destinations,
                                                            std::size_t limit) {
    return SESAME_STORE_CALL(std::vector<Message>, "list_messages_to",
                             {{"agency_id", agency_id}, {"destinations", destinations}, {"limit", limit}});
}
Result<std::vector<Message>> StoreAdapter::list_queued_messages(std::size_t limit) {
    return SESAME_STORE_CALL(std::vector<Message>, "list_queued_messages", {{"limit", limit}});
}

// ---- challenges -------------------------------------------------------------------------------
Result<Id> StoreAdapter::begin_challenge(const Challenge& c, const std::optional<Message>& message) {
    return SESAME_STORE_CALL(Id, "begin_challenge",
                             {{"challenge", encode(c)}, {"message", message ? encode(*message) : json(nullptr)}});
}
Result<Challenge> StoreAdapter::get_challenge(const std::string& id) {
    return SESAME_STORE_CALL(Challenge, "get_challenge", {{"id", id}});
}
Result<Challenge> StoreAdapter::register_attempt(const std::string& id) {
    return SESAME_STORE_CALL(Challenge, "register_attempt", {{"id", id}});
}
Result<bool> StoreAdapter::consume_challenge(const std::string& id, UnixTime now) {
    return SESAME_STORE_CALL(bool, "consume_challenge", {{"id", id}, {"now", now}});
}

// ---- sessions ---------------------------------------------------------------------------------
Status StoreAdapter::insert_session(const Session& s) {
    return SESAME_STORE_CALL_STATUS("insert_session", {{"session", encode(s)}});
}
Result<Session> StoreAdapter::find_session(const std::vector<std::uint8_t>& token_hash) {
    return SESAME_STORE_CALL(Session, "find_session", {{"token_hash", store_codec::encode_bytes(token_hash)}});
}
Result<Session> StoreAdapter::get_session(const std::string& id) {
    return SESAME_STORE_CALL(Session, "get_session", {{"id", id}});
}
Status StoreAdapter::touch_session(const std::string& id, UnixTime now, UnixTime idle_expires_at) {
    return SESAME_STORE_CALL_STATUS("touch_session", {{"id", id}, {"now", now}, {"idle_expires_at", idle_expires_at}});
}
Status StoreAdapter::bind_session_client(const std::string& id, Id client_id) {
    return SESAME_STORE_CALL_STATUS("bind_session_client", {{"id", id}, {"client_id", client_id}});
}
Result<std::int64_t> StoreAdapter::revoke_session(const std::string& id, UnixTime now, const std::string& reason) {
    return SESAME_STORE_CALL(std::int64_t, "revoke_session", {{"id", id}, {"now", now}, {"reason", reason}});
}
Result<std::int64_t> StoreAdapter::revoke_client_sessions(Id client_id, UnixTime now, const std::string& reason) {
    return SESAME_STORE_CALL(std::int64_t, "revoke_client_sessions",
                             {{"client_id", client_id}, {"now", now}, {"reason", reason}});
}
Result<std::int64_t> StoreAdapter::revoke_destination_sessions(Id agency_id, const std::string& destination,
                                                               UnixTime now, const std::string& reason) {
    return SESAME_STORE_CALL(std::int64_t, "revoke_destination_sessions",
                             {{"agency_id", agency_id}, {"destination", destination}, {"now", now}, {"reason", reason}});
}
Result<std::int64_t> StoreAdapter::revoke_portal_sessions(Id portal_id, UnixTime now, const std::string& reason) {
    return SESAME_STORE_CALL(std::int64_t, "revoke_portal_sessions",
                             {{"portal_id", portal_id}, {"now", now}, {"reason", reason}});
}
Result<std::vector<Session>> StoreAdapter::list_client_sessions(Id client_id) {
    return SESAME_STORE_CALL(std::vector<Session>, "list_client_sessions", {{"client_id", client_id}});
}

// ---- throttles --------------------------------------------------------------------------------
Result<Counter> StoreAdapter::bump_counter(const std::string& key, UnixTime now, std::int64_t window_seconds) {
    return SESAME_STORE_CALL(Counter, "bump_counter", {{"key", key}, {"now", now}, {"window_seconds", window_seconds}});
}
Result<Counter> StoreAdapter::get_counter(const std::string& key) {
    return SESAME_STORE_CALL(Counter, "get_counter", {{"key", key}});
}
Status StoreAdapter::reset_counter(const std::string& key) {
    return SESAME_STORE_CALL_STATUS("reset_counter", {{"key", key}});
}

// ---- templates and audit ----------------------------------------------------------------------
Status StoreAdapter::put_template(const MessageTemplate& t) {
    return SESAME_STORE_CALL_STATUS("put_template", {{"template", encode(t)}});
}
Result<std::optional<MessageTemplate>> StoreAdapter::get_template(Id agency_id, Channel channel,
                                                                  const std::string& language) {
    return SESAME_STORE_CALL(std::optional<MessageTemplate>, "get_template",
                             {{"agency_id", agency_id}, {"channel", std::string(to_string(channel))}, {"language", language}});
}

Result<Id> StoreAdapter::append_audit(const AuditEvent& e) {
    return SESAME_STORE_CALL(Id, "append_audit", {{"audit_event", encode(e)}});
}
Result<std::vector<AuditEvent>> StoreAdapter::list_audit(Id agency_id, std::size_t limit) {
    return SESAME_STORE_CALL(std::vector<AuditEvent>, "list_audit", {{"agency_id", agency_id}, {"limit", limit}});
}

Result<SweepResult> StoreAdapter::sweep(UnixTime now, UnixTime counter_cutoff) {
    return SESAME_STORE_CALL(SweepResult, "sweep", {{"now", now}, {"counter_cutoff", counter_cutoff}});
}

// ---- content ----------------------------------------------------------------------------------
Result<Id> StoreAdapter::insert_event(const Event& e) {
    return SESAME_STORE_CALL(Id, "insert_event", {{"event", encode(e)}});
}
Status StoreAdapter::update_event(const Event& e) {
    return SESAME_STORE_CALL_STATUS("update_event", {{"event", encode(e)}});
}
Result<Event> StoreAdapter::get_event(Id id) { return SESAME_STORE_CALL(Event, "get_event", {{"id", id}}); }
Status StoreAdapter::delete_event(Id id) { return SESAME_STORE_CALL_STATUS("delete_event", {{"id", id}}); }

Result<std::vector<Event>> StoreAdapter::list_events(Id client_id) {
    return SESAME_STORE_CALL(std::vector<Event>, "list_events", {{"client_id", client_id}});
}
Result<Id> StoreAdapter::insert_case(const Case& c) {
    return SESAME_STORE_CALL(Id, "insert_case", {{"case", encode(c)}});
}
Status StoreAdapter::update_case(const Case& c) {
    return SESAME_STORE_CALL_STATUS("update_case", {{"case", encode(c)}});
}
Result<Case> StoreAdapter::get_case(Id id) { return SESAME_STORE_CALL(Case, "get_case", {{"id", id}}); }
Result<std::vector<Case>> StoreAdapter::list_cases(Id client_id) {
    return SESAME_STORE_CALL(std::vector<Case>, "list_cases", {{"client_id", client_id}});
}
Result<Id> StoreAdapter::insert_document(const Document& d) {
    return SESAME_STORE_CALL(Id, "insert_document", {{"document", encode(d)}});
}
Status StoreAdapter::update_document(const Document& d) {
    return SESAME_STORE_CALL_STATUS("update_document", {{"document", encode(d)}});
}
Result<Document> StoreAdapter::get_document(Id id) {
    return SESAME_STORE_CALL(Document, "get_document", {{"id", id}});
}
Result<std::vector<Document>> StoreAdapter::list_documents(Id client_id) {
    return SESAME_STORE_CALL(std::vector<Document>, "list_documents", {{"client_id", client_id}});
}

// ---- navigation -------------------------------------------------------------------------------
Result<Id> StoreAdapter::insert_sidebar_item(const SidebarItem& item) {
    return SESAME_STORE_CALL(Id, "insert_sidebar_item", {{"sidebar_item", encode(item)}});
}
Status StoreAdapter::update_sidebar_item(const SidebarItem& item) {
    return SESAME_STORE_CALL_STATUS("update_sidebar_item", {{"sidebar_item", encode(item)}});
}
Status StoreAdapter::delete_sidebar_item(Id id) { return SESAME_STORE_CALL_STATUS("delete_sidebar_item", {{"id", id}}); }
Result<SidebarItem> StoreAdapter::get_sidebar_item(Id id) {
    return SESAME_STORE_CALL(SidebarItem, "get_sidebar_item", {{"id", id}});
}
Result<std::vector<SidebarItem>> StoreAdapter::list_sidebar_items(Id portal_id) {
    return SESAME_STORE_CALL(std::vector<SidebarItem>, "list_sidebar_items", {{"portal_id", portal_id}});
}
Result<Id> StoreAdapter::insert_gated_resource(const GatedResource& resource) {
    return SESAME_STORE_CALL(Id, "insert_gated_resource", {{"gated_resource", encode(resource)}});
}
Status StoreAdapter::update_gated_resource(const GatedResource& resource) {
    return SESAME_STORE_CALL_STATUS("update_gated_resource", {{"gated_resource", encode(resource)}});
}
Status StoreAdapter::delete_gated_resource(Id id) {
    return SESAME_STORE_CALL_STATUS("delete_gated_resource", {{"id", id}});
}
Result<GatedResource> StoreAdapter::get_gated_resource(Id id) {
    return SESAME_STORE_CALL(GatedResource, "get_gated_resource", {{"id", id}});
}
Result<GatedResource> StoreAdapter::find_gated_resource(Id portal_id, ResourceKind kind, const std::string& slug) {
    return SESAME_STORE_CALL(GatedResource, "find_gated_resource",
                             {{"portal_id", portal_id}, {"kind", std::string(to_string(kind))}, {"slug", slug}});
}
Result<std::vector<GatedResource>> StoreAdapter::list_gated_resources(Id portal_id) {
    return SESAME_STORE_CALL(std::vector<GatedResource>, "list_gated_resources", {{"portal_id", portal_id}});
}

// ---- uploads ----------------------------------------------------------------------------------
Status StoreAdapter::put_upload_policy(const UploadPolicy& p) {
    return SESAME_STORE_CALL_STATUS("put_upload_policy", {{"policy", encode(p)}});
}
Result<std::optional<UploadPolicy>> StoreAdapter::get_upload_policy(Id portal_id) {
    return SESAME_STORE_CALL(std::optional<UploadPolicy>, "get_upload_policy", {{"portal_id", portal_id}});
}
Result<Id> StoreAdapter::insert_upload(const Upload& u) {
    return SESAME_STORE_CALL(Id, "insert_upload", {{"upload", encode(u)}});
}
Result<Upload> StoreAdapter::get_upload(Id id) { return SESAME_STORE_CALL(Upload, "get_upload", {{"id", id}}); }
Result<std::vector<Upload>> StoreAdapter::list_uploads(Id client_id) {
    return SESAME_STORE_CALL(std::vector<Upload>, "list_uploads", {{"client_id", client_id}});
}
Status StoreAdapter::delete_upload(Id id) { return SESAME_STORE_CALL_STATUS("delete_upload", {{"id", id}}); }
Status StoreAdapter::put_document_file(const DocumentFile& f) {
    return SESAME_STORE_CALL_STATUS("put_document_file", {{"document_file", encode(f)}});
}
Result<std::optional<DocumentFile>> StoreAdapter::get_document_file(Id document_id) {
    return SESAME_STORE_CALL(std::optional<DocumentFile>, "get_document_file", {{"document_id", document_id}});
}

// ---- dashboard --------------------------------------------------------------------------------
Status StoreAdapter::put_dashboard_template(const DashboardTemplate& t) {
    return SESAME_STORE_CALL_STATUS("put_dashboard_template", {{"dashboard_template", encode(t)}});
}
Result<std::optional<DashboardTemplate>> StoreAdapter::get_dashboard_template(Id portal_id, const std::string& language) {
    return SESAME_STORE_CALL(std::optional<DashboardTemplate>, "get_dashboard_template",
                             {{"portal_id", portal_id}, {"language", language}});
}
Status StoreAdapter::delete_dashboard_template(Id portal_id, const std::string& language) {
    return SESAME_STORE_CALL_STATUS("delete_dashboard_template", {{"portal_id", portal_id}, {"language", language}});
}
Result<std::vector<DashboardTemplate>> StoreAdapter::list_dashboard_templates(Id portal_id) {
    return SESAME_STORE_CALL(std::vector<DashboardTemplate>, "list_dashboard_templates", {{"portal_id", portal_id}});
}

// ---- profile ----------------------------------------------------------------------------------
Status StoreAdapter::put_profile_policy(Id portal_id, const std::vector<ProfileFieldRule>& rules) {
    return SESAME_STORE_CALL_STATUS("put_profile_policy", {{"portal_id", portal_id}, {"rules", encode(rules)}});
}
Result<std::vector<ProfileFieldRule>> StoreAdapter::get_profile_policy(Id portal_id) {
    return SESAME_STORE_CALL(std::vector<ProfileFieldRule>, "get_profile_policy", {{"portal_id", portal_id}});
}
Status StoreAdapter::insert_contact_change(const ContactChange& change) {
    return SESAME_STORE_CALL_STATUS("insert_contact_change", {{"contact_change", encode(change)}});
}
Result<ContactChange> StoreAdapter::get_contact_change(const std::string& challenge_id) {
    return SESAME_STORE_CALL(ContactChange, "get_contact_change", {{"challenge_id", challenge_id}});
}

#undef SESAME_STORE_CALL
#undef SESAME_STORE_CALL_STATUS

// ---- the directory ----------------------------------------------------------------------------
namespace {

Status host_garbage(std::string_view method, std::string_view what) {
    return {Code::callback, fmt::format("directory {}: {}", method, what)};
}

// What a directory callback's failure becomes: NOT_FOUND keeps its code, the rest is CALLBACK.
Status directory_failure(std::string_view method, sesame_status status, const std::string& message) {
    if (status == SESAME_E_NOT_FOUND)
        return {Code::not_found,
                message.empty() ? fmt::format("directory {}: not found", method) : store_codec::host_message(message)};
    if (status > 0)
        return host_garbage(method, fmt::format("the callback returned {}, which is not a failure status", status));
    if (message.empty())
        return host_garbage(method, fmt::format("the callback failed with {} and wrote no message",
                                                code_name(static_cast<Code>(status))));
    return host_garbage(method, store_codec::host_message(message));
}

// The fields a host record must carry: records::read defaults the rest, as for a new record.
Status require(const json& j, std::string_view record, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (!j.contains(name)) return {Code::invalid_argument, fmt::format("field \"{}.{}\" is missing", record, name)};
    return {};
}

// records::read leaves ids and creation times to Sesame; a directory's records carry their own.
Status read_integer(const json& j, std::string_view record, const char* name, std::int64_t& out, bool positive) {
    auto it = j.find(name);
    if (it == j.end()) return {};
    const bool fits = it->is_number_integer() &&
                      !(it->is_number_unsigned() &&
                        it->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (!fits || (positive && it->get<std::int64_t>() <= 0))
        return {Code::invalid_argument,
                fmt::format("field \"{}.{}\" must be {}", record, name, positive ? "a positive integer" : "an integer")};
    out = it->get<std::int64_t>();
    return {};
}

Status read_client(const json& j, Client& out) {
    if (!j.is_object()) return {Code::invalid_argument, "a client must be a JSON object"};
    SESAME_TRY(require(j, "client", {"id", "agency_id"}));
    Client c;
    SESAME_TRY(records::read(j, c));
    SESAME_TRY(read_integer(j, "client", "id", c.id, true));
    SESAME_TRY(read_integer(j, "client", "created_at", c.created_at, false));
    out = std::move(c);
    return {};
}

Status read_contact(const json& j, Contact& out) {
    if (!j.is_object()) return {Code::invalid_argument, "a contact must be a JSON object"};
    // The status is required: defaulting it would let an opted-out contact log in.
    SESAME_TRY(require(j, "contact", {"id", "agency_id", "client_id", "kind", "value", "status"}));
    Contact c;
    SESAME_TRY(records::read(j, c));
    SESAME_TRY(read_integer(j, "contact", "id", c.id, true));
    SESAME_TRY(read_integer(j, "contact", "agency_id", c.agency_id, false));
    SESAME_TRY(read_integer(j, "contact", "created_at", c.created_at, false));
    out = std::move(c);
    return {};
}

Result<json> parse(std::string_view method, const std::string& text) {
    if (text.empty()) return host_garbage(method, "the callback wrote no response");
    json j;
    std::string why;
    if (!parse_json(text, j, why)) return host_garbage(method, "the callback wrote a response that " + why);
    return j;
}

template <class F>
Result<std::string> call_directory(std::string_view method, bool present, F&& call) {
    if (!present) return host_garbage(method, "the directory vtable has no such callback");
    sesame_sink out;
    sesame_sink error;
    const sesame_status status = call(&out, &error);
    if (status != SESAME_OK) return directory_failure(method, status, error.data);
    return std::move(out.data);
}

// The client's events, cases or documents from an optional callback; none without one. Which
// client each row belongs to is the engine's check, which drops and records strangers' rows.
template <class T>
Result<std::vector<T>> list_content(std::string_view method, const char* what, DirectoryAdapter::ByClientFn fn,
                                    const Owned& owned, Id agency_id, Id client_id) {
    if (!fn) return std::vector<T>{};
    auto text = call_directory(method, true, [&](sesame_sink* out, sesame_sink* error) {
        return fn(owned.user_data(), out, error, agency_id, client_id);
    });
    if (!text) return text.status();
    auto j = parse(method, *text);
    if (!j) return j.status();
    if (!j->is_array()) return host_garbage(method, fmt::format("the response must be a JSON array of {}s", what));
    std::vector<T> rows;
    rows.reserve(j->size());
    for (std::size_t i = 0; i < j->size(); ++i) {
        T row;
        if (Status s = records::read_listed((*j)[i], row); !s.ok())
            return host_garbage(method, fmt::format("response [{}]: {}", i, s.message()));
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace

DirectoryAdapter::DirectoryAdapter(const sesame_directory_vtable& v)
    : owned_(v.user_data, v.destroy), find_owners_(v.find_owners), get_client_(v.get_client), list_contacts_(v.list_contacts) {
    // Appended callbacks: a vtable filled by an older header ends before them.
    const auto covers = [&](std::size_t offset) { return v.struct_size >= offset + sizeof(ByClientFn); };
    if (covers(offsetof(sesame_directory_vtable, list_events))) list_events_ = v.list_events;
    if (covers(offsetof(sesame_directory_vtable, list_cases))) list_cases_ = v.list_cases;
    if (covers(offsetof(sesame_directory_vtable, list_documents))) list_documents_ = v.list_documents;
}

Result<std::vector<Owner>> DirectoryAdapter::find_owners(Id agency_id, const std::string& value) {
    return guarded([&]() -> Result<std::vector<Owner>> {
        constexpr std::string_view method = "find_owners";
        auto text = call_directory(method, find_owners_ != nullptr, [&](sesame_sink* out, sesame_sink* error) {
            return find_owners_(owned_.user_data(), out, error, agency_id, value.c_str());
        });
        // "Nobody has that contact" is an answer, not a failure.
        if (!text && text.code() == Code::not_found) return std::vector<Owner>{};
        if (!text) return text.status();
        auto j = parse(method, *text);
        if (!j) return j.status();
        if (!j->is_array()) return host_garbage(method, "the response must be a JSON array of {\"client\", \"contact\"}");
        std::vector<Owner> owners;
        owners.reserve(j->size());
        for (std::size_t i = 0; i < j->size(); ++i) {
            const json& pair = (*j)[i];
            const auto at = [&](const Status& s) { return host_garbage(method, fmt::format("response [{}]: {}", i, s.message())); };
            if (!pair.is_object() || pair.size() != 2 || !pair.contains("client") || !pair.contains("contact"))
                return at({Code::invalid_argument, "must be an object with exactly \"client\" and \"contact\""});
            Owner owner;
            if (Status s = read_client(pair["client"], owner.client); !s.ok()) return at(s);
            if (Status s = read_contact(pair["contact"], owner.contact); !s.ok()) return at(s);
            if (owner.contact.client_id != owner.client.id)
                return at({Code::invalid_argument, fmt::format("the contact belongs to client {}, not to client {}",
                                                               owner.contact.client_id, owner.client.id)});
            owners.push_back(std::move(owner));
        }
        return owners;
    });
}

Result<Client> DirectoryAdapter::get_client(Id agency_id, Id client_id) {
    return guarded([&]() -> Result<Client> {
        constexpr std::string_view method = "get_client";
        auto text = call_directory(method, get_client_ != nullptr, [&](sesame_sink* out, sesame_sink* error) {
            return get_client_(owned_.user_data(), out, error, agency_id, client_id);
        });
        if (!text) return text.status();
        auto j = parse(method, *text);
        if (!j) return j.status();
        Client client;
        if (Status s = read_client(*j, client); !s.ok()) return host_garbage(method, "response " + s.message());
        // An answer about another client, or another agency's, must not reach a portal.
        if (client.id != client_id || client.agency_id != agency_id)
            return host_garbage(method, fmt::format("asked for client {} of agency {}, the response is client {} of agency {}",
                                                    client_id, agency_id, client.id, client.agency_id));
        return client;
    });
}

Result<std::vector<Contact>> DirectoryAdapter::list_contacts(Id agency_id, Id client_id) {
    return guarded([&]() -> Result<std::vector<Contact>> {
        constexpr std::string_view method = "list_contacts";
        auto text = call_directory(method, list_contacts_ != nullptr, [&](sesame_sink* out, sesame_sink* error) {
            return list_contacts_(owned_.user_data(), out, error, agency_id, client_id);
        });
        if (!text) return text.status();
        auto j = parse(method, *text);
        if (!j) return j.status();
        if (!j->is_array()) return host_garbage(method, "the response must be a JSON array of contacts");
        std::vector<Contact> contacts;
        contacts.reserve(j->size());
        for (std::size_t i = 0; i < j->size(); ++i) {
            Contact contact;
            if (Status s = read_contact((*j)[i], contact); !s.ok())
                return host_garbage(method, fmt::format("response [{}]: {}", i, s.message()));
            if (contact.client_id != client_id || contact.agency_id != agency_id)
                return host_garbage(method, fmt::format("response [{}]: asked for client {} of agency {}, got a contact of "
                                                        "client {} of agency {}",
                                                        i, client_id, agency_id, contact.client_id, contact.agency_id));
            contacts.push_back(std::move(contact));
        }
        return contacts;
    });
}

Result<std::vector<Event>> DirectoryAdapter::list_events(Id agency_id, Id client_id) {
    return guarded([&] { return list_content<Event>("list_events", "event", list_events_, owned_, agency_id, client_id); });
}

Result<std::vector<Case>> DirectoryAdapter::list_cases(Id agency_id, Id client_id) {
    return guarded([&] { return list_content<Case>("list_cases", "case", list_cases_, owned_, agency_id, client_id); });
}

Result<std::vector<Document>> DirectoryAdapter::list_documents(Id agency_id, Id client_id) {
    return guarded(
        [&] { return list_content<Document>("list_documents", "document", list_documents_, owned_, agency_id, client_id); });
}

}  // namespace sesame::capi
