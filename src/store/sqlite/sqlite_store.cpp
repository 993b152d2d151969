// The SQLite store: one file in WAL mode, a connection per thread, every write in BEGIN IMMEDIATE,
// and the atomic operations of the Store contract as single SQL statements (SECURITY.md rule 5).
#include "store/sqlite/sqlite_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/guard.hpp"
#include "store/revision.hpp"

namespace sesame {
namespace sqlite {
namespace {

// ---- connections ----------------------------------------------------------------------------
//
// Each store owns every connection it opened, in a Registry shared with the threads that use them.
// A thread finds its connection in a thread_local list keyed by the store's generation number, which
// is never reused, so a new store at the address of a dead one cannot pick up a stale connection.
// When a thread ends, it hands its connections back to the registries that are still alive; when a
// store is destroyed, its registry closes whatever connections remain.

struct Registry {
    std::mutex mu;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> open;
};

struct ThreadConnections {
    struct Entry {
        std::uint64_t generation;
        std::weak_ptr<Registry> registry;
        Connection* connection;
    };
    std::vector<Entry> entries;

    ~ThreadConnections() {
        for (Entry& e : entries) {
            auto registry = e.registry.lock();
            if (!registry) continue;
            std::unique_ptr<Connection> mine;
            {
                std::lock_guard lock(registry->mu);
                auto it = registry->open.find(e.connection);
                if (it == registry->open.end()) continue;
                mine = std::move(it->second);
                registry->open.erase(it);
            }
            // Closed outside the lock: the last close of a WAL database checkpoints.
        }
    }
};

thread_local ThreadConnections t_connections;
std::atomic<std::uint64_t> g_generation{0};

// ---- rows -----------------------------------------------------------------------------------

std::string join_countries(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += ',';
        out += s;
    }
    return out;
}

std::vector<std::string> split_countries(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        std::size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        out.push_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`: one cached statement serves
// any number of destinations.
std::string json_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& s : items) {
        if (out.size() > 1) out += ',';
        out += '"';
        for (const char ch : s) {
            const auto u = static_cast<unsigned char>(ch);
            if (ch == '"' || ch == '\\') {
                out += '\\';
                out += ch;
            } else if (u < 0x20) {
                out += fmt::format("\\u{:04x}", u);
            } else {
                out += ch;
            }
        }
        out += '"';
    }
    out += ']';
    return out;
}

std::int64_t limit_of(std::size_t limit) {
    return limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
               ? std::numeric_limits<std::int64_t>::max()
               : static_cast<std::int64_t>(limit);
}

#define AGENCY_COLS "id, name, time_zone, environment, send_mode, default_region, sms_countries, sms_per_hour_limit, created_at"
#define AGENCY_SET \
    "name = ?1, time_zone = ?2, environment = ?3, send_mode = ?4, default_region = ?5, sms_countries = ?6, " \
    "sms_per_hour_limit = ?7, created_at = ?8"

void bind_agency(Stmt& st, const Agency& a) {
    st.bind(1, a.name).bind(2, a.time_zone).bind(3, to_string(a.environment)).bind(4, to_string(a.send_mode));
    st.bind(5, a.default_region).bind(6, join_countries(a.sms_countries)).bind(7, std::int64_t{a.sms_per_hour_limit});
    st.bind(8, a.created_at);
}

Agency read_agency(const Stmt& st) {
    Agency a;
    a.id = st.i64(0);
    a.name = st.text(1);
    a.time_zone = st.text(2);
    a.environment = st.word<Environment>(3);
    a.send_mode = st.word<SendMode>(4);
    a.default_region = st.text(5);
    a.sms_countries = split_countries(st.text(6));
    a.sms_per_hour_limit = st.i32(7);
    a.created_at = st.i64(8);
    a.revision = st.i64(9);
    return a;
}

#define PHONE_COLS "id, agency_id, number, registration"
AgencyPhone read_phone(const Stmt& st) {
    AgencyPhone v{st.i64(0), st.i64(1), st.text(2), st.word<CarrierRegistration>(3)};
    v.revision = st.i64(4);
    return v;
}

#define EMAIL_COLS "id, agency_id, address, display_name"
AgencyEmail read_email(const Stmt& st) { return {st.i64(0), st.i64(1), st.text(2), st.text(3)}; }

#define PORTAL_COLS                                                                                                \
    "id, agency_id, name, slug, client_auth, code_digits, code_ttl_seconds, max_attempts, contact_failure_limit, " \
    "resend_cooldown_seconds, sends_per_hour, sends_per_day, ip_starts_limit, ip_starts_window_seconds, "          \
    "ip_verify_limit, ip_verify_window_seconds, session_idle_seconds, session_absolute_seconds, "                  \
    "unknown_contact_response, default_language, host, created_at"
#define PORTAL_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21"
#define PORTAL_SET                                                                                                   \
    "agency_id = ?1, name = ?2, slug = ?3, client_auth = ?4, code_digits = ?5, code_ttl_seconds = ?6, "              \
    "max_attempts = ?7, contact_failure_limit = ?8, resend_cooldown_seconds = ?9, sends_per_hour = ?10, "            \
    "sends_per_day = ?11, ip_starts_limit = ?12, ip_starts_window_seconds = ?13, ip_verify_limit = ?14, "            \
    "ip_verify_window_seconds = ?15, session_idle_seconds = ?16, session_absolute_seconds = ?17, "                   \
    "unknown_contact_response = ?18, default_language = ?19, host = ?20, created_at = ?21"

void bind_portal(Stmt& st, const Portal& p) {
    const PortalSettings& s = p.settings;
    st.bind(1, p.agency_id).bind(2, p.name).bind(3, p.slug).bind(4, to_string(p.client_auth));
    const std::int32_t ints[] = {s.code_digits,           s.code_ttl_seconds,         s.max_attempts,
                                 s.contact_failure_limit, s.resend_cooldown_seconds,  s.sends_per_hour,
                                 s.sends_per_day,         s.ip_starts_limit,          s.ip_starts_window_seconds,
                                 s.ip_verify_limit,       s.ip_verify_window_seconds, s.session_idle_seconds,
                                 s.session_absolute_seconds};
    int i = 5;
    for (const std::int32_t v : ints) st.bind(i++, std::int64_t{v});
    st.bind(18, to_string(s.unknown_contact_response)).bind(19, s.default_language).bind(20, s.host);
    st.bind(21, p.created_at);
}

Portal read_portal(const Stmt& st) {
    Portal p;
    p.id = st.i64(0);
    p.agency_id = st.i64(1);
    p.name = st.text(2);
    p.slug = st.text(3);
    p.client_auth = st.word<ClientAuth>(4);
    PortalSettings& s = p.settings;
    std::int32_t* ints[] = {&s.code_digits,           &s.code_ttl_seconds,         &s.max_attempts,
                            &s.contact_failure_limit, &s.resend_cooldown_seconds,  &s.sends_per_hour,
                            &s.sends_per_day,         &s.ip_starts_limit,          &s.ip_starts_window_seconds,
                            &s.ip_verify_limit,       &s.ip_verify_window_seconds, &s.session_idle_seconds,
                            &s.session_absolute_seconds};
    int col = 5;
    for (std::int32_t* v : ints) *v = st.i32(col++);
    s.unknown_contact_response = st.word<UnknownContactResponse>(18);
    s.default_language = st.text(19);
    s.host = st.text(20);
    p.created_at = st.i64(21);
    p.revision = st.i64(22);
    return p;
}

#define CLIENT_COLS                                                                                              \
    "id, agency_id, client_reference, first_name, middle_name, last_name, dob, gender, type, client_group, " \
    "language, status, archived, created_at"
#define CLIENT_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13"
#define CLIENT_SET                                                                                               \
    "agency_id = ?1, client_reference = ?2, first_name = ?3, middle_name = ?4, last_name = ?5, dob = ?6, "      \
    "gender = ?7, type = ?8, client_group = ?9, language = ?10, status = ?11, archived = ?12, created_at = ?13"

void bind_client(Stmt& st, const Client& c) {
    st.bind(1, c.agency_id).bind(2, c.client_reference).bind(3, c.first_name).bind(4, c.middle_name);
    st.bind(5, c.last_name).bind(6, c.dob).bind(7, c.gender).bind(8, c.type).bind(9, c.group);
    st.bind(10, c.language).bind(11, c.status).bind(12, std::int64_t{c.archived ? 1 : 0}).bind(13, c.created_at);
}

Client read_client(const Stmt& st) {
    Client c;
    c.id = st.i64(0);
    c.agency_id = st.i64(1);
    c.client_reference = st.text(2);
    c.first_name = st.text(3);
    c.middle_name = st.text(4);
    c.last_name = st.text(5);
    c.dob = st.text(6);
    c.gender = st.text(7);
    c.type = st.text(8);
    c.group = st.text(9);
    c.language = st.text(10);
    c.status = st.text(11);
    c.archived = st.i64(12) != 0;
    c.created_at = st.i64(13);
    c.revision = st.i64(14);
    return c;
}

#define CONTACT_COLS "id, agency_id, client_id, kind, value, status, created_at"
#define CONTACT_SET "agency_id = ?1, client_id = ?2, kind = ?3, value = ?4, status = ?5, created_at = ?6"

void bind_contact(Stmt& st, const Contact& c) {
    st.bind(1, c.agency_id).bind(2, c.client_id).bind(3, to_string(c.kind)).bind(4, c.value);
    st.bind(5, to_string(c.status)).bind(6, c.created_at);
}

Contact read_contact(const Stmt& st) {
    Contact v{st.i64(0), st.i64(1), st.i64(2), st.word<ContactKind>(3), st.text(4), st.word<ContactStatus>(5), st.i64(6)};
    v.revision = st.i64(7);
    return v;
}

#define MESSAGE_COLS                                                                                             \
    "id, agency_id, direction, channel, status, recipient, sender, subject, content, sealed, challenge_id, " \
    "error, created_at, updated_at"
#define MESSAGE_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13"
#define MESSAGE_SET                                                                                              \
    "agency_id = ?1, direction = ?2, channel = ?3, status = ?4, recipient = ?5, sender = ?6, subject = ?7, " \
    "content = ?8, sealed = ?9, challenge_id = ?10, error = ?11, created_at = ?12, updated_at = ?13"

void bind_message(Stmt& st, const Message& m) {
    st.bind(1, m.agency_id).bind(2, to_string(m.direction)).bind(3, to_string(m.channel));
    st.bind(4, to_string(m.status)).bind(5, m.to).bind(6, m.from).bind(7, m.subject).bind(8, m.content);
    st.bind_blob(9, m.sealed).bind(10, m.challenge_id).bind(11, m.error).bind(12, m.created_at);
    st.bind(13, m.updated_at);
}

Message read_message(const Stmt& st) {
    Message m;
    m.id = st.i64(0);
    m.agency_id = st.i64(1);
    m.direction = st.word<Direction>(2);
    m.channel = st.word<Channel>(3);
    m.status = st.word<MessageStatus>(4);
    m.to = st.text(5);
    m.from = st.text(6);
    m.subject = st.text(7);
    m.content = st.text(8);
    m.sealed = st.blob(9);
    m.challenge_id = st.text(10);
    m.error = st.text(11);
    m.created_at = st.i64(12);
    m.updated_at = st.i64(13);
    return m;
}

#define CHALLENGE_COLS                                                                                    \
    "id, agency_id, portal_id, channel, destination, mac, attempts, max_attempts, decoy, created_at, " \
    "expires_at, consumed_at, superseded_at"

void bind_challenge(Stmt& st, const Challenge& c) {
    st.bind(1, c.id).bind(2, c.agency_id).bind(3, c.portal_id).bind(4, to_string(c.channel)).bind(5, c.destination);
    st.bind_blob(6, c.mac).bind(7, std::int64_t{c.attempts}).bind(8, std::int64_t{c.max_attempts});
    st.bind(9, std::int64_t{c.decoy ? 1 : 0}).bind(10, c.created_at).bind(11, c.expires_at);
    st.bind(12, c.consumed_at).bind(13, c.superseded_at);
}

Challenge read_challenge(const Stmt& st) {
    Challenge c;
    c.id = st.text(0);
    c.agency_id = st.i64(1);
    c.portal_id = st.i64(2);
    c.channel = st.word<Channel>(3);
    c.destination = st.text(4);
    c.mac = st.blob(5);
    c.attempts = st.i32(6);
    c.max_attempts = st.i32(7);
    c.decoy = st.i64(8) != 0;
    c.created_at = st.i64(9);
    c.expires_at = st.i64(10);
    c.consumed_at = st.opt_i64(11);
    c.superseded_at = st.opt_i64(12);
    return c;
}

#define SESSION_COLS                                                                                          \
    "id, token_hash, agency_id, portal_id, destination, client_id, assurance, ip, user_agent, created_at, " \
    "last_seen_at, idle_expires_at, absolute_expires_at, revoked_at, revoke_reason"

void bind_session(Stmt& st, const Session& s) {
    st.bind(1, s.id).bind_blob(2, s.token_hash).bind(3, s.agency_id).bind(4, s.portal_id).bind(5, s.destination);
    st.bind(6, s.client_id).bind(7, s.assurance).bind(8, s.ip).bind(9, s.user_agent).bind(10, s.created_at);
    st.bind(11, s.last_seen_at).bind(12, s.idle_expires_at).bind(13, s.absolute_expires_at).bind(14, s.revoked_at);
    st.bind(15, s.revoke_reason);
}

Session read_session(const Stmt& st) {
    Session s;
    s.id = st.text(0);
    s.token_hash = st.blob(1);
    s.agency_id = st.i64(2);
    s.portal_id = st.i64(3);
    s.destination = st.text(4);
    s.client_id = st.opt_i64(5);
    s.assurance = st.text(6);
    s.ip = st.text(7);
    s.user_agent = st.text(8);
    s.created_at = st.i64(9);
    s.last_seen_at = st.i64(10);
    s.idle_expires_at = st.i64(11);
    s.absolute_expires_at = st.i64(12);
    s.revoked_at = st.opt_i64(13);
    s.revoke_reason = st.text(14);
    return s;
}

// Revocations touch only sessions that could still be used at ?1: not revoked, not expired.
#define LIVE_AT_1 " AND revoked_at IS NULL AND idle_expires_at > ?1 AND absolute_expires_at > ?1"

#define AUDIT_COLS "id, agency_id, at, actor, action, target, outcome, reason, ip, detail"

AuditEvent read_audit(const Stmt& st) {
    return {st.i64(0),  st.i64(1),  st.i64(2),  st.text(3), st.text(4),
            st.text(5), st.text(6), st.text(7), st.text(8), st.text(9)};
}

Counter read_counter(const Stmt& st) { return {st.i64(0), st.i64(1), st.i64(2)}; }

#define EVENT_COLS                                                                                          \
    "id, agency_id, client_id, case_id, event_date, event_time, type, location, judge, case_number, status, " \
    "description, created_at"
#define EVENT_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12"
#define EVENT_SET                                                                                             \
    "agency_id = ?1, client_id = ?2, case_id = ?3, event_date = ?4, event_time = ?5, type = ?6, location = ?7, " \
    "judge = ?8, case_number = ?9, status = ?10, description = ?11, created_at = ?12"

void bind_event(Stmt& st, const Event& e) {
    st.bind(1, e.agency_id).bind(2, e.client_id).bind(3, e.case_id).bind(4, e.date).bind(5, e.time);
    st.bind(6, e.type).bind(7, e.location).bind(8, e.judge).bind(9, e.case_number).bind(10, e.status);
    st.bind(11, e.description).bind(12, e.created_at);
}

Event read_event(const Stmt& st) {
    Event e;
    e.id = st.i64(0);
    e.agency_id = st.i64(1);
    e.client_id = st.i64(2);
    e.case_id = st.opt_i64(3);
    e.date = st.text(4);
    e.time = st.text(5);
    e.type = st.text(6);
    e.location = st.text(7);
    e.judge = st.text(8);
    e.case_number = st.text(9);
    e.status = st.text(10);
    e.description = st.text(11);
    e.created_at = st.i64(12);
    e.revision = st.i64(13);
    return e;
}

#define CASE_COLS "id, agency_id, client_id, case_number, type, charges, status, description, created_at"
#define CASE_SET                                                                                              \
    "agency_id = ?1, client_id = ?2, case_number = ?3, type = ?4, charges = ?5, status = ?6, description = ?7, " \
    "created_at = ?8"

void bind_case(Stmt& st, const Case& c) {
    st.bind(1, c.agency_id).bind(2, c.client_id).bind(3, c.case_number).bind(4, c.type).bind(5, c.charges);
    st.bind(6, c.status).bind(7, c.description).bind(8, c.created_at);
}

Case read_case(const Stmt& st) {
    Case c;
    c.id = st.i64(0);
    c.agency_id = st.i64(1);
    c.client_id = st.i64(2);
    c.case_number = st.text(3);
    c.type = st.text(4);
    c.charges = st.text(5);
    c.status = st.text(6);
    c.description = st.text(7);
    c.created_at = st.i64(8);
    c.revision = st.i64(9);
    return c;
}

#define DOCUMENT_COLS \
    "id, agency_id, client_id, case_id, event_id, type, name, due_date, uploaded_by, status, created_at"
#define DOCUMENT_SET                                                                                          \
    "agency_id = ?1, client_id = ?2, case_id = ?3, event_id = ?4, type = ?5, name = ?6, due_date = ?7, "       \
    "uploaded_by = ?8, status = ?9, created_at = ?10"

void bind_document(Stmt& st, const Document& d) {
    st.bind(1, d.agency_id).bind(2, d.client_id).bind(3, d.case_id).bind(4, d.event_id).bind(5, d.type);
    st.bind(6, d.name).bind(7, d.due_date).bind(8, d.uploaded_by).bind(9, d.status).bind(10, d.created_at);
}

Document read_document(const Stmt& st) {
    Document d;
    d.id = st.i64(0);
    d.agency_id = st.i64(1);
    d.client_id = st.i64(2);
    d.case_id = st.opt_i64(3);
    d.event_id = st.opt_i64(4);
    d.type = st.text(5);
    d.name = st.text(6);
    d.due_date = st.text(7);
    d.uploaded_by = st.text(8);
    d.status = st.text(9);
    d.created_at = st.i64(10);
    d.revision = st.i64(11);
    return d;
}

// Titles per language as a JSON object ({"es": "..."}). A cell that is not such an object (written
// by hand) reads as no titles rather than failing the whole list. The engine refuses titles that are
// not UTF-8; one reaching the store anyway is written with U+FFFD rather than throwing.
std::string titles_json(const Titles& titles) {
    return nlohmann::json(titles).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Titles read_titles(const std::string& text) {
    Titles out;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return out;
    for (const auto& [language, title] : j.items())
        if (title.is_string()) out.emplace(language, title.get<std::string>());
    return out;
}

#define SIDEBAR_COLS "id, agency_id, portal_id, title, link, item_order, visibility, created_at, titles"
#define SIDEBAR_SET \
    "agency_id = ?1, portal_id = ?2, title = ?3, link = ?4, item_order = ?5, visibility = ?6, created_at = ?7, " \
    "titles = ?8"

void bind_sidebar_item(Stmt& st, const SidebarItem& i) {
    st.bind(1, i.agency_id).bind(2, i.portal_id).bind(3, i.title).bind(4, i.link).bind(5, std::int64_t{i.order});
    st.bind(6, to_string(i.visibility)).bind(7, i.created_at).bind(8, titles_json(i.titles));
}

SidebarItem read_sidebar_item(const Stmt& st) {
    SidebarItem i;
    i.id = st.i64(0);
    i.agency_id = st.i64(1);
    i.portal_id = st.i64(2);
    i.title = st.text(3);
    i.link = st.text(4);
    i.order = st.i32(5);
    i.visibility = st.word<Visibility>(6);
    i.created_at = st.i64(7);
    i.titles = read_titles(st.text(8));
    i.revision = st.i64(9);
    return i;
}

#define RESOURCE_COLS "id, agency_id, portal_id, kind, slug, title, requires_login, created_at, titles"
#define RESOURCE_SET \
    "agency_id = ?1, portal_id = ?2, kind = ?3, slug = ?4, title = ?5, requires_login = ?6, created_at = ?7, " \
    "titles = ?8"

void bind_gated_resource(Stmt& st, const GatedResource& r) {
    st.bind(1, r.agency_id).bind(2, r.portal_id).bind(3, to_string(r.kind)).bind(4, r.slug).bind(5, r.title);
    st.bind(6, std::int64_t{r.requires_login ? 1 : 0}).bind(7, r.created_at).bind(8, titles_json(r.titles));
}

GatedResource read_gated_resource(const Stmt& st) {
    GatedResource r;
    r.id = st.i64(0);
    r.agency_id = st.i64(1);
    r.portal_id = st.i64(2);
    r.kind = st.word<ResourceKind>(3);
    r.slug = st.text(4);
    r.title = st.text(5);
    r.requires_login = st.i64(6) != 0;
    r.created_at = st.i64(7);
    r.titles = read_titles(st.text(8));
    r.revision = st.i64(9);
    return r;
}

#define UPLOAD_COLS \
    "id, agency_id, portal_id, client_id, kind, file_name, content_type, size, sha256, blob_name, created_at"

void bind_upload(Stmt& st, const Upload& u) {
    st.bind(1, u.agency_id).bind(2, u.portal_id).bind(3, u.client_id).bind(4, to_string(u.kind)).bind(5, u.file_name);
    st.bind(6, u.content_type).bind(7, u.size).bind(8, u.sha256).bind(9, u.blob_name).bind(10, u.created_at);
}

Upload read_upload(const Stmt& st) {
    Upload u;
    u.id = st.i64(0);
    u.agency_id = st.i64(1);
    u.portal_id = st.i64(2);
    u.client_id = st.i64(3);
    parse(st.text(4), u.kind);
    u.file_name = st.text(5);
    u.content_type = st.text(6);
    u.size = st.i64(7);
    u.sha256 = st.text(8);
    u.blob_name = st.text(9);
    u.created_at = st.i64(10);
    return u;
}

#define DOCUMENT_FILE_COLS "document_id, file_name, content_type, size, sha256, blob_name, created_at"

DocumentFile read_document_file(const Stmt& st) {
    DocumentFile f;
    f.document_id = st.i64(0);
    f.file_name = st.text(1);
    f.content_type = st.text(2);
    f.size = st.i64(3);
    f.sha256 = st.text(4);
    f.blob_name = st.text(5);
    f.created_at = st.i64(6);
    return f;
}

UploadPolicy read_upload_policy(const Stmt& st) {
    UploadPolicy p;
    p.portal_id = st.i64(0);
    p.allow_photos = st.i64(1) != 0;
    p.allow_documents = st.i64(2) != 0;
    p.max_bytes = st.i64(3);
    return p;
}

DashboardTemplate read_dashboard(const Stmt& st) {
    DashboardTemplate t;
    t.portal_id = st.i64(0);
    t.language = st.text(1);
    t.text = st.text(2);
    t.updated_at = st.i64(3);
    return t;
}

// What a SELECT reads of a record that carries a revision: its columns, then the revision.
#define AGENCY_READ AGENCY_COLS ", revision"
#define PHONE_READ PHONE_COLS ", revision"
#define PORTAL_READ PORTAL_COLS ", revision"
#define CLIENT_READ CLIENT_COLS ", revision"
#define CONTACT_READ CONTACT_COLS ", revision"
#define EVENT_READ EVENT_COLS ", revision"
#define CASE_READ CASE_COLS ", revision"
#define DOCUMENT_READ DOCUMENT_COLS ", revision"
#define SIDEBAR_READ SIDEBAR_COLS ", revision"
#define RESOURCE_READ RESOURCE_COLS ", revision"

#define CHANGE_COLS \
    "challenge_id, agency_id, portal_id, client_id, session_id, kind, value, replaces_contact_id, created_at"

ContactChange read_contact_change(const Stmt& st) {
    ContactChange c;
    c.challenge_id = st.text(0);
    c.agency_id = st.i64(1);
    c.portal_id = st.i64(2);
    c.client_id = st.i64(3);
    c.session_id = st.text(4);
    c.kind = st.word<ContactKind>(5);
    c.value = st.text(6);
    c.replaces_contact_id = st.opt_i64(7);
    c.created_at = st.i64(8);
    return c;
}

// Every row the statement yields.
template <class Read>
auto all_rows(Stmt& st, Read read) -> Result<std::vector<decltype(read(st))>> {
    std::vector<decltype(read(st))> out;
    for (;;) {
        auto row = st.step();
        if (!row) return row.status();
        if (!*row) return out;
        out.push_back(read(st));
    }
}

// The one row the statement yields, or NOT_FOUND naming `what`.
template <class Read>
auto one_row(Stmt& st, Read read, const char* what) -> Result<decltype(read(st))> {
    auto row = st.step();
    if (!row) return row.status();
    if (!*row) return Status(Code::not_found, std::string("no such ") + what);
    auto value = read(st);
    SESAME_TRY(st.run());
    return value;
}

// The settings SQLite keeps per connection rather than in the file.
Status configure(Connection& c, const SqliteOptions& o) {
    SESAME_TRY(c.exec(o.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                      "setting synchronous"));
    SESAME_TRY(c.exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
    // Swept challenges and sessions, and sealed bodies erased once sent, are overwritten with zeros
    // rather than left in free pages (SECURITY.md rule 9).
    return c.exec("PRAGMA secure_delete = ON", "enabling secure delete");
}

// ---- the store ------------------------------------------------------------------------------

class SqliteStore final : public Store {
public:
    explicit SqliteStore(SqliteOptions options)
        : options_(std::move(options)), generation_(++g_generation), registry_(std::make_shared<Registry>()) {}

    // ---- agencies -------------------------------------------------------------------------
    Result<Id> insert_agency(const Agency& a) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO agencies (" AGENCY_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          [&](Stmt& st) { bind_agency(st, a); }, "adding an agency");
        });
    }

    Status update_agency(const Agency& a) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE agencies SET " AGENCY_SET ", revision = revision + 1 WHERE id = ?9 AND (?10 = 0 OR revision = ?10)",
                          [&](Stmt& st) { bind_agency(st, a); st.bind(9, a.id).bind(10, a.revision); }, "SELECT revision FROM agencies WHERE id = ?1", a.id, a.revision, "agency");
        });
    }

    Result<Agency> get_agency(Id id) override {
        return read([&](Connection& c) -> Result<Agency> {
            auto st = Stmt::prepare(c, "SELECT " AGENCY_READ " FROM agencies WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_agency, "agency");
        });
    }

    Result<std::vector<Agency>> list_agencies() override {
        return read([&](Connection& c) -> Result<std::vector<Agency>> {
            auto st = Stmt::prepare(c, "SELECT " AGENCY_READ " FROM agencies ORDER BY id");
            if (!st) return st.status();
            return all_rows(*st, read_agency);
        });
    }

    Result<Id> insert_agency_phone(const AgencyPhone& p) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO agency_phones (" PHONE_COLS ") VALUES (NULL, ?1, ?2, ?3)",
                          [&](Stmt& st) { st.bind(1, p.agency_id).bind(2, p.number).bind(3, to_string(p.registration)); },
                          "adding an agency phone");
        });
    }

    Status update_agency_phone(const AgencyPhone& p) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE agency_phones SET agency_id = ?1, number = ?2, registration = ?3, revision = revision + 1 WHERE id = ?4 AND (?5 = 0 OR revision = ?5)",
                          [&](Stmt& st) {
                              st.bind(1, p.agency_id).bind(2, p.number).bind(3, to_string(p.registration)).bind(4, p.id).bind(5, p.revision);
                          }, "SELECT revision FROM agency_phones WHERE id = ?1", p.id, p.revision, "agency phone");
        });
    }

    Result<std::vector<AgencyPhone>> list_agency_phones(Id agency_id) override {
        return read([&](Connection& c) -> Result<std::vector<AgencyPhone>> {
            auto st = Stmt::prepare(c, "SELECT " PHONE_READ " FROM agency_phones WHERE agency_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id), read_phone);
        });
    }

    Result<Id> insert_agency_email(const AgencyEmail& e) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO agency_emails (" EMAIL_COLS ") VALUES (NULL, ?1, ?2, ?3)",
                          [&](Stmt& st) { st.bind(1, e.agency_id).bind(2, e.address).bind(3, e.display_name); },
                          "adding an agency email");
        });
    }

    Result<std::vector<AgencyEmail>> list_agency_emails(Id agency_id) override {
        return read([&](Connection& c) -> Result<std::vector<AgencyEmail>> {
            auto st = Stmt::prepare(c, "SELECT " EMAIL_COLS " FROM agency_emails WHERE agency_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id), read_email);
        });
    }

    // ---- portals --------------------------------------------------------------------------
    Result<Id> insert_portal(const Portal& p) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO portals (" PORTAL_COLS ") VALUES (NULL, " PORTAL_VALUES ")",
                          [&](Stmt& st) { bind_portal(st, p); }, "adding a portal");
        });
    }

    Status update_portal(const Portal& p) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE portals SET " PORTAL_SET ", revision = revision + 1 WHERE id = ?22 AND (?23 = 0 OR revision = ?23)",
                          [&](Stmt& st) { bind_portal(st, p); st.bind(22, p.id).bind(23, p.revision); }, "SELECT revision FROM portals WHERE id = ?1", p.id, p.revision, "portal");
        });
    }

    Result<Portal> get_portal(Id id) override {
        return read([&](Connection& c) -> Result<Portal> {
            auto st = Stmt::prepare(c, "SELECT " PORTAL_READ " FROM portals WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_portal, "portal");
        });
    }

    Result<Portal> find_portal_by_slug(const std::string& slug) override {
        return read([&](Connection& c) -> Result<Portal> {
            auto st = Stmt::prepare(c, "SELECT " PORTAL_READ " FROM portals WHERE slug = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, slug), read_portal, "portal");
        });
    }

    Result<std::vector<Portal>> list_portals(Id agency_id) override {
        return read([&](Connection& c) -> Result<std::vector<Portal>> {
            auto st = Stmt::prepare(c, "SELECT " PORTAL_READ " FROM portals WHERE agency_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id), read_portal);
        });
    }

    // ---- clients and contacts -------------------------------------------------------------
    Result<Id> insert_client(const Client& cl) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO clients (" CLIENT_COLS ") VALUES (NULL, " CLIENT_VALUES ")",
                          [&](Stmt& st) { bind_client(st, cl); }, "adding a client");
        });
    }

    Status update_client(const Client& cl) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE clients SET " CLIENT_SET ", revision = revision + 1 WHERE id = ?14 AND (?15 = 0 OR revision = ?15)",
                          [&](Stmt& st) { bind_client(st, cl); st.bind(14, cl.id).bind(15, cl.revision); }, "SELECT revision FROM clients WHERE id = ?1", cl.id, cl.revision, "client");
        });
    }

    Result<Client> get_client(Id id) override {
        return read([&](Connection& c) -> Result<Client> {
            auto st = Stmt::prepare(c, "SELECT " CLIENT_READ " FROM clients WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_client, "client");
        });
    }

    Result<std::vector<Client>> list_clients(Id agency_id) override {
        return read([&](Connection& c) -> Result<std::vector<Client>> {
            auto st = Stmt::prepare(c, "SELECT " CLIENT_READ " FROM clients WHERE agency_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id), read_client);
        });
    }

    Result<Id> insert_contact(const Contact& ct) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO contacts (" CONTACT_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6)",
                          [&](Stmt& st) { bind_contact(st, ct); }, "adding a contact");
        });
    }

    Status update_contact(const Contact& ct) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE contacts SET " CONTACT_SET ", revision = revision + 1 WHERE id = ?7 AND (?8 = 0 OR revision = ?8)",
                          [&](Stmt& st) { bind_contact(st, ct); st.bind(7, ct.id).bind(8, ct.revision); }, "SELECT revision FROM contacts WHERE id = ?1", ct.id, ct.revision, "contact");
        });
    }

    Status delete_contact(Id id) override {
        return write([&](Connection& c) -> Status {
            return update(c, "DELETE FROM contacts WHERE id = ?1", [&](Stmt& st) { st.bind(1, id); }, "contact");
        });
    }

    Status delete_client(Id id) override {
        return write([&](Connection& c) -> Status {
            auto exists = Stmt::prepare(c, "SELECT 1 FROM clients WHERE id = ?1");
            if (!exists) return exists.status();
            auto found = exists->bind(1, id).step();
            if (!found) return found.status();
            if (!*found) return Status(Code::not_found, "no such client");
            auto owned = Stmt::prepare(c, "SELECT EXISTS (SELECT 1 FROM events WHERE client_id = ?1) OR EXISTS (SELECT 1 "
                                          "FROM cases WHERE client_id = ?1) OR EXISTS (SELECT 1 FROM documents WHERE "
                                          "client_id = ?1) OR EXISTS (SELECT 1 FROM uploads WHERE client_id = ?1)");
            if (!owned) return owned.status();
            auto row = owned->bind(1, id).step();
            if (!row) return row.status();
            if (*row && owned->i64(0) != 0)
                return Status(Code::failed_precondition,
                              "the client still has events, cases, documents or uploads: they must go first");
            for (const char* sql : {"DELETE FROM contacts WHERE client_id = ?1",
                                    "DELETE FROM contact_changes WHERE client_id = ?1", "DELETE FROM clients WHERE id = ?1"}) {
                auto st = Stmt::prepare(c, sql);
                if (!st) return st.status();
                SESAME_TRY(st->bind(1, id).run());
            }
            return {};
        });
    }

    Result<Contact> get_contact(Id id) override {
        return read([&](Connection& c) -> Result<Contact> {
            auto st = Stmt::prepare(c, "SELECT " CONTACT_READ " FROM contacts WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_contact, "contact");
        });
    }

    Result<std::vector<Contact>> list_contacts(Id client_id) override {
        return read([&](Connection& c) -> Result<std::vector<Contact>> {
            auto st = Stmt::prepare(c, "SELECT " CONTACT_READ " FROM contacts WHERE client_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, client_id), read_contact);
        });
    }

    Result<std::vector<Contact>> find_contacts(Id agency_id, const std::string& value) override {
        return read([&](Connection& c) -> Result<std::vector<Contact>> {
            auto st = Stmt::prepare(
                c, "SELECT " CONTACT_READ " FROM contacts WHERE agency_id = ?1 AND value = ?2 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id).bind(2, value), read_contact);
        });
    }

    // ---- messages -------------------------------------------------------------------------
    Result<Id> insert_message(const Message& m) override {
        return write([&](Connection& c) -> Result<Id> { return add_message(c, m); });
    }

    Status update_message(const Message& m) override {
        return write([&](Connection& c) -> Status {
            return update(c, "UPDATE messages SET " MESSAGE_SET " WHERE id = ?14",
                          [&](Stmt& st) { bind_message(st, m); st.bind(14, m.id); }, "message");
        });
    }

    Result<Message> get_message(Id id) override {
        return read([&](Connection& c) -> Result<Message> {
            auto st = Stmt::prepare(c, "SELECT " MESSAGE_COLS " FROM messages WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_message, "message");
        });
    }

    Result<std::vector<Message>> list_messages_to(Id agency_id, const std::vector<std::string>& destinations,
                                                  std::size_t limit) override {
        return read([&](Connection& c) -> Result<std::vector<Message>> {
            if (destinations.empty() || limit == 0) return std::vector<Message>{};
            auto st = Stmt::prepare(c, "SELECT " MESSAGE_COLS " FROM messages WHERE agency_id = ?1 AND recipient IN "
                                       "(SELECT value FROM json_each(?2)) ORDER BY created_at DESC, id DESC LIMIT ?3");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id).bind(2, json_array(destinations)).bind(3, limit_of(limit)),
                            read_message);
        });
    }

    Result<std::vector<Message>> list_queued_messages(std::size_t limit) override {
        return read([&](Connection& c) -> Result<std::vector<Message>> {
            auto st = Stmt::prepare(c, "SELECT " MESSAGE_COLS " FROM messages WHERE status = 'queued' AND direction = "
                                       "'outbound' ORDER BY created_at, id LIMIT ?1");
            if (!st) return st.status();
            return all_rows(st->bind(1, limit_of(limit)), read_message);
        });
    }

    // ---- challenges -----------------------------------------------------------------------
    Result<Id> begin_challenge(const Challenge& ch, const std::optional<Message>& message) override {
        return write([&](Connection& c) -> Result<Id> {
            auto supersede = Stmt::prepare(c, "UPDATE challenges SET superseded_at = ?3 WHERE portal_id = ?1 AND "
                                              "destination = ?2 AND consumed_at IS NULL AND superseded_at IS NULL");
            if (!supersede) return supersede.status();
            SESAME_TRY(supersede->bind(1, ch.portal_id).bind(2, ch.destination).bind(3, ch.created_at).run());

            auto add = Stmt::prepare(c, "INSERT INTO challenges (" CHALLENGE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                        "?7, ?8, ?9, ?10, ?11, ?12, ?13)");
            if (!add) return add.status();
            bind_challenge(*add, ch);
            SESAME_TRY(add->run());

            if (!message) return Id{0};
            Message m = *message;
            m.challenge_id = ch.id;
            return add_message(c, m);
        });
    }

    Result<Challenge> get_challenge(const std::string& id) override {
        return read([&](Connection& c) -> Result<Challenge> {
            auto st = Stmt::prepare(c, "SELECT " CHALLENGE_COLS " FROM challenges WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_challenge, "challenge");
        });
    }

    Result<Challenge> register_attempt(const std::string& id) override {
        return write([&](Connection& c) -> Result<Challenge> {
            // The cap is checked by the same statement that counts the attempt (SECURITY.md rule 5).
            auto st = Stmt::prepare(c, "UPDATE challenges SET attempts = attempts + 1 WHERE id = ?1 AND consumed_at IS "
                                       "NULL AND superseded_at IS NULL AND attempts < max_attempts RETURNING " CHALLENGE_COLS);
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_challenge, "challenge open to another attempt");
        });
    }

    Result<bool> consume_challenge(const std::string& id, UnixTime now) override {
        return write([&](Connection& c) -> Result<bool> {
            auto st = Stmt::prepare(c, "UPDATE challenges SET consumed_at = ?2 WHERE id = ?1 AND consumed_at IS NULL "
                                       "AND superseded_at IS NULL AND expires_at > ?2");
            if (!st) return st.status();
            SESAME_TRY(st->bind(1, id).bind(2, now).run());
            return st->changes() == 1;
        });
    }

    // ---- sessions -------------------------------------------------------------------------
    Status insert_session(const Session& s) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "INSERT INTO sessions (" SESSION_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                       "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
            if (!st) return st.status();
            bind_session(*st, s);
            return st->run();
        });
    }

    Result<Session> find_session(const std::vector<std::uint8_t>& token_hash) override {
        return read([&](Connection& c) -> Result<Session> {
            auto st = Stmt::prepare(c, "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?1");
            if (!st) return st.status();
            return one_row(st->bind_blob(1, token_hash), read_session, "session");
        });
    }

    Result<Session> get_session(const std::string& id) override {
        return read([&](Connection& c) -> Result<Session> {
            auto st = Stmt::prepare(c, "SELECT " SESSION_COLS " FROM sessions WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_session, "session");
        });
    }

    Status touch_session(const std::string& id, UnixTime now, UnixTime idle_expires_at) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "UPDATE sessions SET last_seen_at = ?2, idle_expires_at = ?3 WHERE id = ?1 AND "
                                       "revoked_at IS NULL AND idle_expires_at > ?2 AND absolute_expires_at > ?2");
            if (!st) return st.status();
            SESAME_TRY(st->bind(1, id).bind(2, now).bind(3, idle_expires_at).run());
            if (st->changes() == 0) return Status(Code::not_found, "no such live session");
            return {};
        });
    }

    Status bind_session_client(const std::string& id, Id client_id) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "UPDATE sessions SET client_id = ?2 WHERE id = ?1 AND client_id IS NULL");
            if (!st) return st.status();
            SESAME_TRY(st->bind(1, id).bind(2, client_id).run());
            if (st->changes() == 1) return {};
            auto exists = Stmt::prepare(c, "SELECT 1 FROM sessions WHERE id = ?1");
            if (!exists) return exists.status();
            auto row = exists->bind(1, id).step();
            if (!row) return row.status();
            if (!*row) return Status(Code::not_found, "no such session");
            return Status(Code::failed_precondition, "the session already acts for a client");
        });
    }

    // A session is revoked only while it could still be used: not revoked, not expired.
    Result<std::int64_t> revoke_session(const std::string& id, UnixTime now, const std::string& reason) override {
        return revoke("UPDATE sessions SET revoked_at = ?1, revoke_reason = ?2 WHERE id = ?3" LIVE_AT_1,
                      [&](Stmt& st) { st.bind(3, id); }, now, reason);
    }

    Result<std::int64_t> revoke_client_sessions(Id client_id, UnixTime now, const std::string& reason) override {
        return revoke("UPDATE sessions SET revoked_at = ?1, revoke_reason = ?2 WHERE client_id = ?3" LIVE_AT_1,
                      [&](Stmt& st) { st.bind(3, client_id); }, now, reason);
    }

    Result<std::int64_t> revoke_destination_sessions(Id agency_id, const std::string& destination, UnixTime now,
                                                     const std::string& reason) override {
        return revoke(
            "UPDATE sessions SET revoked_at = ?1, revoke_reason = ?2 WHERE agency_id = ?3 AND destination = ?4" LIVE_AT_1,
            [&](Stmt& st) { st.bind(3, agency_id).bind(4, destination); }, now, reason);
    }

    Result<std::int64_t> revoke_portal_sessions(Id portal_id, UnixTime now, const std::string& reason) override {
        return revoke("UPDATE sessions SET revoked_at = ?1, revoke_reason = ?2 WHERE portal_id = ?3" LIVE_AT_1,
                      [&](Stmt& st) { st.bind(3, portal_id); }, now, reason);
    }

    Result<std::vector<Session>> list_client_sessions(Id client_id) override {
        return read([&](Connection& c) -> Result<std::vector<Session>> {
            auto st = Stmt::prepare(
                c, "SELECT " SESSION_COLS " FROM sessions WHERE client_id = ?1 ORDER BY created_at DESC, rowid DESC");
            if (!st) return st.status();
            return all_rows(st->bind(1, client_id), read_session);
        });
    }

    // ---- throttles ------------------------------------------------------------------------
    Result<Counter> bump_counter(const std::string& key, UnixTime now, std::int64_t window_seconds) override {
        return write([&](Connection& c) -> Result<Counter> {
            // In an upsert's SET every column reference reads the row as it was, so both CASEs see
            // the old window_start.
            auto st = Stmt::prepare(c, R"sql(
                INSERT INTO counters (key, count, window_start, last_at) VALUES (?1, 1, ?2, ?2)
                ON CONFLICT (key) DO UPDATE SET
                    count = CASE WHEN ?3 > 0 AND ?2 >= counters.window_start + ?3 THEN 1 ELSE counters.count + 1 END,
                    window_start = CASE WHEN ?3 > 0 AND ?2 >= counters.window_start + ?3 THEN ?2
                                        ELSE counters.window_start END,
                    last_at = ?2
                RETURNING count, window_start, last_at)sql");
            if (!st) return st.status();
            return one_row(st->bind(1, key).bind(2, now).bind(3, window_seconds), read_counter, "counter");
        });
    }

    Result<Counter> get_counter(const std::string& key) override {
        return read([&](Connection& c) -> Result<Counter> {
            auto st = Stmt::prepare(c, "SELECT count, window_start, last_at FROM counters WHERE key = ?1");
            if (!st) return st.status();
            auto r = one_row(st->bind(1, key), read_counter, "counter");
            if (!r && r.code() == Code::not_found) return Counter{};
            return r;
        });
    }

    Status reset_counter(const std::string& key) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "DELETE FROM counters WHERE key = ?1");
            if (!st) return st.status();
            return st->bind(1, key).run();
        });
    }

    // ---- key check: a row of sesame_meta ---------------------------------------------------
    Result<std::optional<std::string>> get_key_check() override {
        return read([&](Connection& c) -> Result<std::optional<std::string>> {
            auto st = Stmt::prepare(c, "SELECT value FROM sesame_meta WHERE key = 'key_check'");
            if (!st) return st.status();
            auto row = st->step();
            if (!row) return row.status();
            if (!*row) return std::optional<std::string>{};
            return std::optional<std::string>(st->text(0));
        });
    }

    Result<std::string> put_key_check(const std::string& value, bool replace) override {
        return write([&](Connection& c) -> Result<std::string> {
            auto put = Stmt::prepare(c, replace ? "INSERT OR REPLACE INTO sesame_meta (key, value) VALUES ('key_check', ?1)"
                                                : "INSERT OR IGNORE INTO sesame_meta (key, value) VALUES ('key_check', ?1)");
            if (!put) return put.status();
            SESAME_TRY(put->bind(1, value).run());
            auto st = Stmt::prepare(c, "SELECT value FROM sesame_meta WHERE key = 'key_check'");
            if (!st) return st.status();
            auto row = st->step();
            if (!row) return row.status();
            if (!*row) return Status(Code::internal, "the key check value was not stored");
            return st->text(0);
        });
    }

    // ---- templates ------------------------------------------------------------------------
    Status put_template(const MessageTemplate& t) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "INSERT INTO templates (agency_id, channel, language, subject, body) VALUES (?1, "
                                       "?2, ?3, ?4, ?5) ON CONFLICT (agency_id, channel, language) DO UPDATE SET "
                                       "subject = excluded.subject, body = excluded.body");
            if (!st) return st.status();
            return st->bind(1, t.agency_id).bind(2, to_string(t.channel)).bind(3, t.language).bind(4, t.subject)
                .bind(5, t.body)
                .run();
        });
    }

    Result<std::optional<MessageTemplate>> get_template(Id agency_id, Channel channel,
                                                        const std::string& language) override {
        return read([&](Connection& c) -> Result<std::optional<MessageTemplate>> {
            auto st = Stmt::prepare(c, "SELECT agency_id, channel, language, subject, body FROM templates WHERE "
                                       "agency_id = ?1 AND channel = ?2 AND language = ?3");
            if (!st) return st.status();
            auto r = one_row(st->bind(1, agency_id).bind(2, to_string(channel)).bind(3, language),
                             [](const Stmt& s) {
                                 return MessageTemplate{s.i64(0), s.word<Channel>(1), s.text(2), s.text(3), s.text(4)};
                             },
                             "template");
            if (r) return std::optional<MessageTemplate>(std::move(*r));
            if (r.code() == Code::not_found) return std::optional<MessageTemplate>{};
            return r.status();
        });
    }

    // ---- audit ----------------------------------------------------------------------------
    Result<Id> append_audit(const AuditEvent& e) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO audit (" AUDIT_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                          [&](Stmt& st) {
                              st.bind(1, e.agency_id).bind(2, e.at).bind(3, e.actor).bind(4, e.action).bind(5, e.target);
                              st.bind(6, e.outcome).bind(7, e.reason).bind(8, e.ip).bind(9, e.detail);
                          },
                          "appending to the audit log");
        });
    }

    Result<std::vector<AuditEvent>> list_audit(Id agency_id, std::size_t limit) override {
        return read([&](Connection& c) -> Result<std::vector<AuditEvent>> {
            if (agency_id == 0) {
                auto st = Stmt::prepare(c, "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC LIMIT ?1");
                if (!st) return st.status();
                return all_rows(st->bind(1, limit_of(limit)), read_audit);
            }
            auto st = Stmt::prepare(c, "SELECT " AUDIT_COLS " FROM audit WHERE agency_id = ?1 ORDER BY id DESC LIMIT ?2");
            if (!st) return st.status();
            return all_rows(st->bind(1, agency_id).bind(2, limit_of(limit)), read_audit);
        });
    }

    // ---- housekeeping ---------------------------------------------------------------------
    Result<SweepResult> sweep(UnixTime now, UnixTime counter_cutoff) override {
        return write([&](Connection& c) -> Result<SweepResult> {
            SweepResult r;
            auto challenges = Stmt::prepare(c, "DELETE FROM challenges WHERE consumed_at IS NOT NULL OR superseded_at "
                                               "IS NOT NULL OR expires_at <= ?1");
            if (!challenges) return challenges.status();
            SESAME_TRY(challenges->bind(1, now).run());
            r.challenges = challenges->changes();

            auto sessions = Stmt::prepare(c, "DELETE FROM sessions WHERE revoked_at IS NOT NULL OR absolute_expires_at "
                                             "<= ?1 OR idle_expires_at <= ?1");
            if (!sessions) return sessions.status();
            SESAME_TRY(sessions->bind(1, now).run());
            r.sessions = sessions->changes();

            auto counters = Stmt::prepare(c, "DELETE FROM counters WHERE last_at <= ?1");
            if (!counters) return counters.status();
            SESAME_TRY(counters->bind(1, counter_cutoff).run());
            r.counters = counters->changes();

            auto changes = Stmt::prepare(c, "DELETE FROM contact_changes WHERE challenge_id NOT IN "
                                            "(SELECT id FROM challenges)");
            if (!changes) return changes.status();
            SESAME_TRY(changes->run());
            return r;
        });
    }

    // ---- content: events, cases and documents ---------------------------------------------
    Result<Id> insert_event(const Event& e) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO events (" EVENT_COLS ") VALUES (NULL, " EVENT_VALUES ")",
                          [&](Stmt& st) { bind_event(st, e); }, "adding an event");
        });
    }

    Status update_event(const Event& e) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE events SET " EVENT_SET ", revision = revision + 1 WHERE id = ?13 AND (?14 = 0 OR revision = ?14)",
                          [&](Stmt& st) { bind_event(st, e); st.bind(13, e.id).bind(14, e.revision); }, "SELECT revision FROM events WHERE id = ?1", e.id, e.revision, "event");
        });
    }

    Result<Event> get_event(Id id) override {
        return read([&](Connection& c) -> Result<Event> {
            auto st = Stmt::prepare(c, "SELECT " EVENT_READ " FROM events WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_event, "event");
        });
    }

    Result<std::vector<Event>> list_events(Id client_id) override {
        return read([&](Connection& c) -> Result<std::vector<Event>> {
            auto st = Stmt::prepare(c, "SELECT " EVENT_READ " FROM events WHERE client_id = ?1 "
                                       "ORDER BY event_date, event_time, id");
            if (!st) return st.status();
            return all_rows(st->bind(1, client_id), read_event);
        });
    }

    Status delete_event(Id id) override {
        return write([&](Connection& c) -> Status {
            auto linked = Stmt::prepare(c, "SELECT id FROM documents WHERE event_id = ?1 ORDER BY id LIMIT 1");
            if (!linked) return linked.status();
            auto row = linked->bind(1, id).step();
            if (!row) return row.status();
            if (*row)
                return Status(Code::failed_precondition,
                              "document " + std::to_string(linked->i64(0)) + " is linked to the event: unlink it first");
            return update(c, "DELETE FROM events WHERE id = ?1", [&](Stmt& st) { st.bind(1, id); }, "event");
        });
    }

    Result<Id> insert_case(const Case& cs) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO cases (" CASE_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          [&](Stmt& st) { bind_case(st, cs); }, "adding a case");
        });
    }

    Status update_case(const Case& cs) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE cases SET " CASE_SET ", revision = revision + 1 WHERE id = ?9 AND (?10 = 0 OR revision = ?10)",
                          [&](Stmt& st) { bind_case(st, cs); st.bind(9, cs.id).bind(10, cs.revision); }, "SELECT revision FROM cases WHERE id = ?1", cs.id, cs.revision, "case");
        });
    }

    Result<Case> get_case(Id id) override {
        return read([&](Connection& c) -> Result<Case> {
            auto st = Stmt::prepare(c, "SELECT " CASE_READ " FROM cases WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_case, "case");
        });
    }

    Result<std::vector<Case>> list_cases(Id client_id) override {
        return read([&](Connection& c) -> Result<std::vector<Case>> {
            auto st = Stmt::prepare(c, "SELECT " CASE_READ " FROM cases WHERE client_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, client_id), read_case);
        });
    }

    Result<Id> insert_document(const Document& d) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO documents (" DOCUMENT_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                             "?9, ?10)",
                          [&](Stmt& st) { bind_document(st, d); }, "adding a document");
        });
    }

    Status update_document(const Document& d) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE documents SET " DOCUMENT_SET ", revision = revision + 1 WHERE id = ?11 AND (?12 = 0 OR revision = ?12)",
                          [&](Stmt& st) { bind_document(st, d); st.bind(11, d.id).bind(12, d.revision); }, "SELECT revision FROM documents WHERE id = ?1", d.id, d.revision, "document");
        });
    }

    Result<Document> get_document(Id id) override {
        return read([&](Connection& c) -> Result<Document> {
            auto st = Stmt::prepare(c, "SELECT " DOCUMENT_READ " FROM documents WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_document, "document");
        });
    }

    Result<std::vector<Document>> list_documents(Id client_id) override {
        return read([&](Connection& c) -> Result<std::vector<Document>> {
            auto st = Stmt::prepare(c, "SELECT " DOCUMENT_READ " FROM documents WHERE client_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, client_id), read_document);
        });
    }

    // ---- navigation: sidebar items and gated resources --------------------------------------
    Result<Id> insert_sidebar_item(const SidebarItem& item) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO sidebar_items (" SIDEBAR_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          [&](Stmt& st) { bind_sidebar_item(st, item); }, "adding a sidebar item");
        });
    }

    Status update_sidebar_item(const SidebarItem& item) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE sidebar_items SET " SIDEBAR_SET ", revision = revision + 1 WHERE id = ?9 AND (?10 = 0 OR revision = ?10)",
                          [&](Stmt& st) { bind_sidebar_item(st, item); st.bind(9, item.id).bind(10, item.revision); }, "SELECT revision FROM sidebar_items WHERE id = ?1", item.id, item.revision, "sidebar item");
        });
    }

    Status delete_sidebar_item(Id id) override {
        return write([&](Connection& c) -> Status {
            return update(c, "DELETE FROM sidebar_items WHERE id = ?1", [&](Stmt& st) { st.bind(1, id); },
                          "sidebar item");
        });
    }

    Result<SidebarItem> get_sidebar_item(Id id) override {
        return read([&](Connection& c) -> Result<SidebarItem> {
            auto st = Stmt::prepare(c, "SELECT " SIDEBAR_READ " FROM sidebar_items WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_sidebar_item, "sidebar item");
        });
    }

    Result<std::vector<SidebarItem>> list_sidebar_items(Id portal_id) override {
        return read([&](Connection& c) -> Result<std::vector<SidebarItem>> {
            auto st = Stmt::prepare(c, "SELECT " SIDEBAR_READ " FROM sidebar_items WHERE portal_id = ?1 "
                                       "ORDER BY item_order, id");
            if (!st) return st.status();
            return all_rows(st->bind(1, portal_id), read_sidebar_item);
        });
    }

    Result<Id> insert_gated_resource(const GatedResource& resource) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO gated_resources (" RESOURCE_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          [&](Stmt& st) { bind_gated_resource(st, resource); }, "adding a gated resource");
        });
    }

    Status update_gated_resource(const GatedResource& resource) override {
        return write([&](Connection& c) -> Status {
            return revised(c, "UPDATE gated_resources SET " RESOURCE_SET ", revision = revision + 1 WHERE id = ?9 AND (?10 = 0 OR revision = ?10)",
                          [&](Stmt& st) { bind_gated_resource(st, resource); st.bind(9, resource.id).bind(10, resource.revision); }, "SELECT revision FROM gated_resources WHERE id = ?1", resource.id, resource.revision, "gated resource");
        });
    }

    Status delete_gated_resource(Id id) override {
        return write([&](Connection& c) -> Status {
            return update(c, "DELETE FROM gated_resources WHERE id = ?1", [&](Stmt& st) { st.bind(1, id); },
                          "gated resource");
        });
    }

    Result<GatedResource> get_gated_resource(Id id) override {
        return read([&](Connection& c) -> Result<GatedResource> {
            auto st = Stmt::prepare(c, "SELECT " RESOURCE_READ " FROM gated_resources WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_gated_resource, "gated resource");
        });
    }

    Result<GatedResource> find_gated_resource(Id portal_id, ResourceKind kind, const std::string& slug) override {
        return read([&](Connection& c) -> Result<GatedResource> {
            auto st = Stmt::prepare(c, "SELECT " RESOURCE_READ " FROM gated_resources "
                                       "WHERE portal_id = ?1 AND kind = ?2 AND slug = ?3");
            if (!st) return st.status();
            st->bind(1, portal_id).bind(2, to_string(kind)).bind(3, slug);
            return one_row(*st, read_gated_resource, "gated resource");
        });
    }

    Result<std::vector<GatedResource>> list_gated_resources(Id portal_id) override {
        return read([&](Connection& c) -> Result<std::vector<GatedResource>> {
            auto st = Stmt::prepare(c, "SELECT " RESOURCE_READ " FROM gated_resources WHERE portal_id = ?1 "
                                       "ORDER BY kind, slug, id");
            if (!st) return st.status();
            return all_rows(st->bind(1, portal_id), read_gated_resource);
        });
    }

    // ---- uploads ---------------------------------------------------------------------------
    Status put_upload_policy(const UploadPolicy& p) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "INSERT INTO upload_policies (portal_id, allow_photos, allow_documents, max_bytes) "
                                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (portal_id) DO UPDATE SET "
                                       "allow_photos = excluded.allow_photos, allow_documents = excluded.allow_documents, "
                                       "max_bytes = excluded.max_bytes");
            if (!st) return st.status();
            Status s = st->bind(1, p.portal_id)
                           .bind(2, std::int64_t{p.allow_photos})
                           .bind(3, std::int64_t{p.allow_documents})
                           .bind(4, p.max_bytes)
                           .run();
            if (s.code() == Code::not_found) return Status(Code::not_found, "no such portal");
            return s;
        });
    }

    Result<std::optional<UploadPolicy>> get_upload_policy(Id portal_id) override {
        return read([&](Connection& c) -> Result<std::optional<UploadPolicy>> {
            auto st = Stmt::prepare(c, "SELECT portal_id, allow_photos, allow_documents, max_bytes FROM upload_policies "
                                       "WHERE portal_id = ?1");
            if (!st) return st.status();
            auto row = one_row(st->bind(1, portal_id), read_upload_policy, "upload policy");
            if (!row) return row.code() == Code::not_found ? std::optional<UploadPolicy>() : Result<std::optional<UploadPolicy>>(row.status());
            return std::optional<UploadPolicy>(*row);
        });
    }

    Result<Id> insert_upload(const Upload& u) override {
        return write([&](Connection& c) -> Result<Id> {
            return insert(c, "INSERT INTO uploads (" UPLOAD_COLS ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                          [&](Stmt& st) { bind_upload(st, u); }, "adding an upload");
        });
    }

    Result<Upload> get_upload(Id id) override {
        return read([&](Connection& c) -> Result<Upload> {
            auto st = Stmt::prepare(c, "SELECT " UPLOAD_COLS " FROM uploads WHERE id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, id), read_upload, "upload");
        });
    }

    Result<std::vector<Upload>> list_uploads(Id client_id) override {
        return read([&](Connection& c) -> Result<std::vector<Upload>> {
            auto st = Stmt::prepare(c, "SELECT " UPLOAD_COLS " FROM uploads WHERE client_id = ?1 ORDER BY id");
            if (!st) return st.status();
            return all_rows(st->bind(1, client_id), read_upload);
        });
    }

    Status delete_upload(Id id) override {
        return write([&](Connection& c) -> Status {
            return update(c, "DELETE FROM uploads WHERE id = ?1", [&](Stmt& st) { st.bind(1, id); }, "upload");
        });
    }

    Status put_document_file(const DocumentFile& f) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "INSERT INTO document_files (" DOCUMENT_FILE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                       "?7) ON CONFLICT (document_id) DO UPDATE SET file_name = excluded.file_name, "
                                       "content_type = excluded.content_type, size = excluded.size, sha256 = "
                                       "excluded.sha256, blob_name = excluded.blob_name, created_at = excluded.created_at");
            if (!st) return st.status();
            Status s = st->bind(1, f.document_id)
                           .bind(2, f.file_name)
                           .bind(3, f.content_type)
                           .bind(4, f.size)
                           .bind(5, f.sha256)
                           .bind(6, f.blob_name)
                           .bind(7, f.created_at)
                           .run();
            if (s.code() == Code::not_found) return Status(Code::not_found, "no such document");
            return s;
        });
    }

    Result<std::optional<DocumentFile>> get_document_file(Id document_id) override {
        return read([&](Connection& c) -> Result<std::optional<DocumentFile>> {
            auto st = Stmt::prepare(c, "SELECT " DOCUMENT_FILE_COLS " FROM document_files WHERE document_id = ?1");
            if (!st) return st.status();
            auto row = one_row(st->bind(1, document_id), read_document_file, "document file");
            if (!row) return row.code() == Code::not_found ? std::optional<DocumentFile>() : Result<std::optional<DocumentFile>>(row.status());
            return std::optional<DocumentFile>(*row);
        });
    }

    // ---- dashboard ------------------------------------------------------------------------
    Status put_dashboard_template(const DashboardTemplate& t) override {
        return write([&](Connection& c) -> Status {
            auto portal = Stmt::prepare(c, "SELECT 1 FROM portals WHERE id = ?1");
            if (!portal) return portal.status();
            auto found = portal->bind(1, t.portal_id).step();
            if (!found) return found.status();
            if (!*found) return Status(Code::not_found, "no such portal");
            auto st = Stmt::prepare(c, "INSERT INTO dashboard_templates (portal_id, language, body, updated_at) "
                                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (portal_id, language) DO UPDATE SET "
                                       "body = excluded.body, updated_at = excluded.updated_at");
            if (!st) return st.status();
            return st->bind(1, t.portal_id).bind(2, t.language).bind(3, t.text).bind(4, t.updated_at).run();
        });
    }

    Result<std::optional<DashboardTemplate>> get_dashboard_template(Id portal_id, const std::string& language) override {
        return read([&](Connection& c) -> Result<std::optional<DashboardTemplate>> {
            auto st = Stmt::prepare(c, "SELECT portal_id, language, body, updated_at FROM dashboard_templates WHERE "
                                       "portal_id = ?1 AND language = ?2");
            if (!st) return st.status();
            auto r = one_row(st->bind(1, portal_id).bind(2, language), read_dashboard, "dashboard template");
            if (r) return std::optional<DashboardTemplate>(std::move(*r));
            if (r.code() == Code::not_found) return std::optional<DashboardTemplate>{};
            return r.status();
        });
    }

    Status delete_dashboard_template(Id portal_id, const std::string& language) override {
        return write([&](Connection& c) -> Status {
            auto st = Stmt::prepare(c, "DELETE FROM dashboard_templates WHERE portal_id = ?1 AND language = ?2");
            if (!st) return st.status();
            SESAME_TRY(st->bind(1, portal_id).bind(2, language).run());
            if (st->changes() == 0) return Status(Code::not_found, "no such dashboard template");
            return {};
        });
    }

    Result<std::vector<DashboardTemplate>> list_dashboard_templates(Id portal_id) override {
        return read([&](Connection& c) -> Result<std::vector<DashboardTemplate>> {
            auto st = Stmt::prepare(c, "SELECT portal_id, language, body, updated_at FROM dashboard_templates WHERE "
                                       "portal_id = ?1 ORDER BY language");
            if (!st) return st.status();
            return all_rows(st->bind(1, portal_id), read_dashboard);
        });
    }

    // ---- profile: policy rules and pending contact changes ------------------------------------
    Status put_profile_policy(Id portal_id, const std::vector<ProfileFieldRule>& rules) override {
        return write([&](Connection& c) -> Status {
            SESAME_TRY(portal_exists(c, portal_id));
            auto clear = Stmt::prepare(c, "DELETE FROM profile_policies WHERE portal_id = ?1");
            if (!clear) return clear.status();
            SESAME_TRY(clear->bind(1, portal_id).run());
            for (const auto& r : rules) {
                auto st = Stmt::prepare(c, "INSERT OR REPLACE INTO profile_policies (portal_id, field, policy) "
                                           "VALUES (?1, ?2, ?3)");
                if (!st) return st.status();
                SESAME_TRY(st->bind(1, portal_id).bind(2, r.field).bind(3, to_string(r.policy)).run());
            }
            return {};
        });
    }

    Result<std::vector<ProfileFieldRule>> get_profile_policy(Id portal_id) override {
        return read([&](Connection& c) -> Result<std::vector<ProfileFieldRule>> {
            SESAME_TRY(portal_exists(c, portal_id));
            auto st = Stmt::prepare(c, "SELECT field, policy FROM profile_policies WHERE portal_id = ?1 "
                                       "ORDER BY field");
            if (!st) return st.status();
            return all_rows(st->bind(1, portal_id), [](const Stmt& row) {
                return ProfileFieldRule{row.text(0), row.word<FieldPolicy>(1)};
            });
        });
    }

    Status insert_contact_change(const ContactChange& ch) override {
        return write([&](Connection& c) -> Status {
            auto id = insert(c, "INSERT INTO contact_changes (" CHANGE_COLS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                             [&](Stmt& st) {
                                 st.bind(1, ch.challenge_id).bind(2, ch.agency_id).bind(3, ch.portal_id);
                                 st.bind(4, ch.client_id).bind(5, ch.session_id).bind(6, to_string(ch.kind));
                                 st.bind(7, ch.value).bind(8, ch.replaces_contact_id).bind(9, ch.created_at);
                             },
                             "adding a contact change");
            return id.status();
        });
    }

    Result<ContactChange> get_contact_change(const std::string& challenge_id) override {
        return read([&](Connection& c) -> Result<ContactChange> {
            auto st = Stmt::prepare(c, "SELECT " CHANGE_COLS " FROM contact_changes WHERE challenge_id = ?1");
            if (!st) return st.status();
            return one_row(st->bind(1, challenge_id), read_contact_change, "contact change");
        });
    }

    Result<std::string> pragma(const std::string& name) {
        return read([&](Connection& c) -> Result<std::string> {
            if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || ch == '_'; }))
                return Status(Code::invalid_argument, "not a pragma name: " + name);
            const std::string sql = "PRAGMA " + name;
            sqlite3_stmt* raw = nullptr;
            int rc = sqlite3_prepare_v2(c.db(), sql.c_str(), -1, &raw, nullptr);
            std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
            if (rc != SQLITE_OK) return error(c.db(), rc, "reading a pragma");
            rc = sqlite3_step(raw);
            if (rc == SQLITE_DONE) return std::string();
            if (rc != SQLITE_ROW) return error(c.db(), rc, "reading a pragma");
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
            return std::string(text ? text : "");
        });
    }

    Status transact(const std::function<Status()>& body) override {
        return boundary([&]() -> Status {
            auto c = connection();
            if (!c) return c.status();
            Connection& conn = **c;
            if (conn.in_unit) return body();  // joins the unit already open on this thread
            struct Leave {
                Connection& conn;
                ~Leave() { conn.in_unit = false; }
            } leave{conn};
            return in_transaction(conn, [&]() -> Status {
                conn.in_unit = true;
                return body();
            });
        });
    }

    std::int64_t write_transactions() const { return write_transactions_.load(std::memory_order_relaxed); }

    std::size_t connection_count() {
        std::lock_guard lock(registry_->mu);
        return registry_->open.size();
    }

private:
    // This thread's connection to the store's file, opened on first use.
    Result<Connection*> connection() {
        auto& entries = t_connections.entries;
        for (const auto& e : entries)
            if (e.generation == generation_) return e.connection;
        std::erase_if(entries, [](const ThreadConnections::Entry& e) { return e.registry.expired(); });
        entries.reserve(entries.size() + 1);  // so that recording the entry below cannot fail

        auto opened = open_connection(options_.path, false, options_.busy_timeout_ms);
        if (!opened) return opened.status();
        SESAME_TRY(configure(**opened, options_));
        Connection* raw = opened->get();
        {
            std::lock_guard lock(registry_->mu);
            registry_->open.emplace(raw, std::move(*opened));
        }
        entries.push_back({generation_, registry_, raw});
        return raw;
    }

    template <class F>
    auto read(F&& body) noexcept -> decltype(body(std::declval<Connection&>())) {
        using R = decltype(body(std::declval<Connection&>()));
        return boundary([&]() -> R {
            auto c = connection();
            if (!c) return c.status();
            return body(**c);
        });
    }

    // Runs `body` in BEGIN IMMEDIATE ... COMMIT; any failure (or exception) rolls the whole call back.
    // Inside a unit of work (transact) the call joins the unit's transaction, within a savepoint so
    // that it still applies whole or not at all.
    template <class F>
    auto write(F&& body) noexcept -> decltype(body(std::declval<Connection&>())) {
        using R = decltype(body(std::declval<Connection&>()));
        return boundary([&]() -> R {
            auto c = connection();
            if (!c) return c.status();
            Connection& conn = **c;
            if (conn.in_unit) return in_savepoint(conn, [&] { return body(conn); });
            return in_transaction(conn, [&] { return body(conn); });
        });
    }

    // BEGIN IMMEDIATE, body, COMMIT (counted in write_transactions_); ROLLBACK when the body fails,
    // throws or the commit fails.
    template <class F>
    auto in_transaction(Connection& conn, F&& body) -> decltype(body()) {
        using R = decltype(body());
        auto begin = Stmt::prepare(conn, "BEGIN IMMEDIATE");
        if (!begin) return begin.status();
        SESAME_TRY(begin->run());
        struct Rollback {
            sqlite3* db;
            bool armed = true;
            ~Rollback() {
                if (armed && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            }
        } rollback{conn.db()};
        R result = body();
        if (!result.ok()) return result;
        auto commit = Stmt::prepare(conn, "COMMIT");
        if (!commit) return commit.status();
        SESAME_TRY(commit->run());
        rollback.armed = false;
        write_transactions_.fetch_add(1, std::memory_order_relaxed);
        return result;
    }

    // SAVEPOINT, body, RELEASE; ROLLBACK TO the savepoint when the body fails or throws, leaving
    // the enclosing transaction as it was before the call.
    template <class F>
    static auto in_savepoint(Connection& conn, F&& body) -> decltype(body()) {
        using R = decltype(body());
        auto save = Stmt::prepare(conn, "SAVEPOINT store_call");
        if (!save) return save.status();
        SESAME_TRY(save->run());
        struct Undo {
            sqlite3* db;
            bool armed = true;
            ~Undo() {
                if (armed && !sqlite3_get_autocommit(db))
                    sqlite3_exec(db, "ROLLBACK TO store_call; RELEASE store_call", nullptr, nullptr, nullptr);
            }
        } undo{conn.db()};
        R result = body();
        if (!result.ok()) return result;
        auto release = Stmt::prepare(conn, "RELEASE store_call");
        if (!release) return release.status();
        SESAME_TRY(release->run());
        undo.armed = false;
        return result;
    }

    template <class F>
    static auto boundary(F&& body) noexcept -> decltype(body()) {
        using R = decltype(body());
        return store_detail::guarded([&]() -> R {
            try {
                return body();
            } catch (const BadColumn& e) {
                return Status(Code::corrupt, std::string("the database holds a value this build cannot read: ") +
                                                 e.what() + ": restore it from a backup");
            }
        });
    }

    template <class Bind>
    static Result<Id> insert(Connection& c, const char* sql, Bind bind, const char* doing) {
        auto st = Stmt::prepare(c, sql);
        if (!st) return st.status();
        bind(*st);
        Status s = st->run();
        if (!s.ok()) return Status(s.code(), std::string(doing) + ": " + s.message());
        return static_cast<Id>(sqlite3_last_insert_rowid(c.db()));
    }

    template <class Bind>
    static Status update(Connection& c, const char* sql, Bind bind, const char* what) {
        auto st = Stmt::prepare(c, sql);
        if (!st) return st.status();
        bind(*st);
        SESAME_TRY(st->run());
        if (st->changes() == 0) return Status(Code::not_found, std::string("no such ") + what);
        return {};
    }

    // An update that is compare-and-set on the record's revision (include/sesame/store.hpp): `sql`
    // changes the row only while its revision is the one bound (or 0 is bound) and adds 1 to it.
    // When no row changed, `probe` (the revision of the row with id ?1) tells NOT_FOUND from
    // CONFLICT; both are read inside the same write transaction.
    template <class Bind>
    static Status revised(Connection& c, const char* sql, Bind bind, const char* probe, Id id, std::int64_t revision,
                          const char* what) {
        auto st = Stmt::prepare(c, sql);
        if (!st) return st.status();
        bind(*st);
        SESAME_TRY(st->run());
        if (st->changes() > 0) return {};
        auto now = Stmt::prepare(c, probe);
        if (!now) return now.status();
        auto row = now->bind(1, id).step();
        if (!row) return row.status();
        if (!*row) return Status(Code::not_found, std::string("no such ") + what);
        return store_detail::revision_conflict(what, id, now->i64(0), revision);
    }

    // NOT_FOUND unless the portal exists.
    static Status portal_exists(Connection& c, Id portal_id) {
        auto st = Stmt::prepare(c, "SELECT 1 FROM portals WHERE id = ?1");
        if (!st) return st.status();
        auto row = st->bind(1, portal_id).step();
        if (!row) return row.status();
        if (!*row) return Status(Code::not_found, "no such portal");
        return st->run();
    }

    static Result<Id> add_message(Connection& c, const Message& m) {
        return insert(c, "INSERT INTO messages (" MESSAGE_COLS ") VALUES (NULL, " MESSAGE_VALUES ")",
                      [&](Stmt& st) { bind_message(st, m); }, "adding a message");
    }

    template <class Bind>
    Result<std::int64_t> revoke(const char* sql, Bind bind, UnixTime now, const std::string& reason) {
        return write([&](Connection& c) -> Result<std::int64_t> {
            auto st = Stmt::prepare(c, sql);
            if (!st) return st.status();
            st->bind(1, now).bind(2, reason);
            bind(*st);
            SESAME_TRY(st->run());
            return st->changes();
        });
    }

    const SqliteOptions options_;
    const std::uint64_t generation_;
    const std::shared_ptr<Registry> registry_;
    std::atomic<std::int64_t> write_transactions_{0};
};

}  // namespace

Result<std::shared_ptr<Store>> open_store(const SqliteOptions& options, std::span<const Migration> steps) {
    return store_detail::guarded([&]() -> Result<std::shared_ptr<Store>> {
        if (options.path.empty() || options.path == ":memory:" || options.path.rfind("file:", 0) == 0)
            return Status(Code::invalid_argument,
                          "SqliteOptions.path must name a database file (use make_memory_store() for a store in memory)");
        if (options.busy_timeout_ms < 0)
            return Status(Code::invalid_argument, "SqliteOptions.busy_timeout_ms must be 0 or more");
        // A write-protected file: SQLite would open it read-only, and every write would fail later.
        // The mode bits count, not only access(2): a super-user may write anyway, against the
        // owner's intent. Checked before the file is opened, so that nothing is changed.
        struct stat info {};
        if (::stat(options.path.c_str(), &info) == 0 &&
            ((info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(options.path.c_str(), W_OK) != 0))
            return Status(Code::storage, fmt::format("{} is write-protected: Sesame writes to its database (codes, "
                                                     "sessions, the audit log); make it writable by this user, e.g. "
                                                     "chmod u+w {}",
                                                     options.path, options.path));
        auto first = open_connection(options.path, true, options.busy_timeout_ms);
        if (!first) return first.status();
        if (sqlite3_db_readonly((*first)->db(), "main") == 1)
            return Status(Code::storage, fmt::format("{} can only be opened read-only: make the file and its folder "
                                                     "writable by this user",
                                                     options.path));
        // Nothing else may touch the file before prepare_database has judged it: even a pragma
        // such as synchronous reads the schema. This connection only checks and migrates.
        SESAME_TRY(prepare_database(**first, steps, options.path));
        return std::shared_ptr<Store>(std::make_shared<SqliteStore>(options));
    });
}

Result<std::string> read_pragma(Store& store, const std::string& name) {
    auto* s = dynamic_cast<SqliteStore*>(&store);
    if (!s) return Status(Code::invalid_argument, "not a SQLite store");
    return s->pragma(name);
}

Result<std::size_t> open_connections(Store& store) {
    auto* s = dynamic_cast<SqliteStore*>(&store);
    if (!s) return Status(Code::invalid_argument, "not a SQLite store");
    return store_detail::guarded([&]() -> Result<std::size_t> { return s->connection_count(); });
}

Status check_store(const std::string& path) {
    return store_detail::guarded([&]() -> Status {
        if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0)
            return Status(Code::invalid_argument, "the path must name a database file");
        sqlite3* db = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        Connection conn(db);  // closes it, also when opening failed
        if (rc != SQLITE_OK)
            return Status(Code::storage, fmt::format("cannot open {} to check it: {}", path,
                                                     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
        sqlite3_extended_result_codes(db, 1);
        return check_database(conn, migrations(), path);
    });
}

Result<std::int64_t> write_transactions(Store& store) {
    auto* s = dynamic_cast<SqliteStore*>(&store);
    if (!s) return Status(Code::invalid_argument, "not a SQLite store");
    return s->write_transactions();
}

}  // namespace sqlite

Result<std::shared_ptr<Store>> open_sqlite_store(const SqliteOptions& options) {
    return sqlite::open_store(options, sqlite::migrations());
}

Status check_sqlite_store(const std::string& path) { return sqlite::check_store(path); }

int sqlite_schema_version() { return static_cast<int>(sqlite::migrations().size()); }

}  // namespace sesame
