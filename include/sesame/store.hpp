// Sesame — the Store interface: all persistent state.
//
// A Store must be safe to call from any number of threads at once. Each method is atomic: it
// either applies whole or not at all; transact() groups several calls into one unit of work. The methods marked ATOMIC carry the guarantees that single
// use, attempt counting and supersession rely on; sesame/testing/store_conformance.hpp checks every one of
// them, and every store (memory, SQLite, a host's own) must pass that suite.
//
// Errors: NOT_FOUND for a missing row where the method says so, ALREADY_EXISTS for a unique key,
// STORAGE for I/O, CORRUPT / VERSION_MISMATCH when opening.
//
// Common rules: inserting or updating a portal, agency phone, agency email or client whose agency
// does not exist, or a contact whose client does not exist, is NOT_FOUND. update_* replaces every
// field but the id and the revision. A limit of 0 returns nothing. A session is live while it is not revoked and
// now < idle_expires_at and now < absolute_expires_at. Stores do not check permissions or
// agency isolation: the engine does, before it calls them.
//
// Revisions: agencies, agency phones, portals, clients, contacts, events, cases, documents, sidebar
// items and gated resources carry a revision. insert_* stores revision 1 (whatever the record
// says); each update_* of that record adds 1. update_* is compare-and-set on it: with
// revision != 0 it applies only while the stored revision is that one, and is CONFLICT, changing
// nothing, otherwise (NOT_FOUND still wins for a missing row); with revision 0 it applies over any
// revision. The check and the write are one atomic step.
#pragma once

#include "sesame/export.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sesame/content.hpp"
#include "sesame/dashboard.hpp"
#include "sesame/model.hpp"
#include "sesame/navigation.hpp"
#include "sesame/profile.hpp"
#include "sesame/status.hpp"
#include "sesame/uploads.hpp"

namespace sesame {

// A fixed-window counter, used for throttles and consecutive-failure lockouts.
struct Counter {
    std::int64_t count = 0;
    UnixTime window_start = 0;  // when the current window began
    UnixTime last_at = 0;       // time of the most recent bump
};

// What the sweeper removed.
struct SweepResult {
    std::int64_t challenges = 0;
    std::int64_t sessions = 0;
    std::int64_t counters = 0;
};

class Store {
public:
    virtual ~Store() = default;

    // ---- units of work --------------------------------------------------------------------
    // Runs `body` as one unit of work: every call the body makes to this store on this thread joins
    // one transaction, so that a request's checks and its writes see and leave one consistent state
    // while other threads or processes use the same database (a limit checked and bumped inside one
    // unit holds for all of them together). Returns the body's status, or the store's own when the
    // unit cannot begin or commit.
    //   SQLite: one BEGIN IMMEDIATE ... COMMIT; other writers wait for it; a body that fails (or
    //     throws), or a commit that fails, rolls back everything the body wrote.
    //   Memory: the store's lock is held for the whole body; what the body wrote before it failed
    //     stays (the memory store's own writes fail only when memory runs out).
    // A unit started inside another on the same thread joins the outer one. Inside a unit each
    // store method is still all-or-nothing. The body must not use this store from another thread
    // and wait for it, which would wait forever.
    // The default, for stores that cannot group calls (a host's own C store), runs the body with
    // each call its own transaction: every ATOMIC guarantee below still holds, but limits checked
    // and bumped in separate calls may be passed together by parallel requests.
    virtual Status transact(const std::function<Status()>& body) { return body(); }

    // ---- agencies -------------------------------------------------------------------------
    virtual Result<Id> insert_agency(const Agency& a) = 0;           // ignores a.id
    virtual Status update_agency(const Agency& a) = 0;               // NOT_FOUND if absent
    virtual Result<Agency> get_agency(Id id) = 0;                    // NOT_FOUND
    virtual Result<std::vector<Agency>> list_agencies() = 0;

    virtual Result<Id> insert_agency_phone(const AgencyPhone& p) = 0;  // ALREADY_EXISTS: same number in agency
    virtual Status update_agency_phone(const AgencyPhone& p) = 0;    // NOT_FOUND, ALREADY_EXISTS
    virtual Result<std::vector<AgencyPhone>> list_agency_phones(Id agency_id) = 0;
    virtual Result<Id> insert_agency_email(const AgencyEmail& e) = 0;  // ALREADY_EXISTS: same address in agency
    virtual Result<std::vector<AgencyEmail>> list_agency_emails(Id agency_id) = 0;

    // ---- portals --------------------------------------------------------------------------
    virtual Result<Id> insert_portal(const Portal& p) = 0;            // ALREADY_EXISTS: slug taken
    virtual Status update_portal(const Portal& p) = 0;                // NOT_FOUND, ALREADY_EXISTS
    virtual Result<Portal> get_portal(Id id) = 0;                     // NOT_FOUND
    virtual Result<Portal> find_portal_by_slug(const std::string& slug) = 0;  // NOT_FOUND
    virtual Result<std::vector<Portal>> list_portals(Id agency_id) = 0;

    // ---- clients and contacts -------------------------------------------------------------
    virtual Result<Id> insert_client(const Client& c) = 0;
    virtual Status update_client(const Client& c) = 0;                // NOT_FOUND
    virtual Result<Client> get_client(Id id) = 0;                     // NOT_FOUND
    virtual Result<std::vector<Client>> list_clients(Id agency_id) = 0;  // by id
    // One transaction: deletes the client, its contacts and its pending contact changes.
    // NOT_FOUND for an unknown client; FAILED_PRECONDITION, changing nothing, while an event, case,
    // document or upload still belongs to it. Messages, challenges and sessions name no client row
    // (they carry the contact value, or a bare client id), so the store does not look at them: the
    // engine refuses first when any exist.
    virtual Status delete_client(Id id) = 0;

    // ALREADY_EXISTS when the client already has a contact with that value.
    virtual Result<Id> insert_contact(const Contact& c) = 0;
    virtual Status update_contact(const Contact& c) = 0;              // NOT_FOUND, ALREADY_EXISTS
    virtual Result<Contact> get_contact(Id id) = 0;                   // NOT_FOUND
    virtual Result<std::vector<Contact>> list_contacts(Id client_id) = 0;  // by id
    // NOT_FOUND for an unknown contact. Nothing else refers to a contact row: messages, challenges
    // and sessions carry the contact's value, so the message history stays as it was; a pending
    // contact change that would have replaced it keeps its id and finds it gone when confirmed.
    virtual Status delete_contact(Id id) = 0;
    // Every contact of the agency with that normalised value (one per owning client), by id.
    virtual Result<std::vector<Contact>> find_contacts(Id agency_id, const std::string& value) = 0;

    // ---- messages -------------------------------------------------------------------------
    virtual Result<Id> insert_message(const Message& m) = 0;
    virtual Status update_message(const Message& m) = 0;              // NOT_FOUND
    virtual Result<Message> get_message(Id id) = 0;                   // NOT_FOUND
    // Messages of the agency whose `to` is one of `destinations`, newest first (created_at, then id).
    virtual Result<std::vector<Message>> list_messages_to(Id agency_id,
                                                          const std::vector<std::string>& destinations,
                                                          std::size_t limit) = 0;
    // Outbound messages in status `queued`, oldest first.
    virtual Result<std::vector<Message>> list_queued_messages(std::size_t limit) = 0;

    // ---- challenges -----------------------------------------------------------------------
    // ATOMIC, one transaction: every live challenge (not consumed, not superseded) of
    // (c.portal_id, c.destination) gets superseded_at = c.created_at; `c` is inserted; and, when
    // `message` is given, it is inserted too with challenge_id = c.id. Returns the message id
    // (0 when no message was given).
    virtual Result<Id> begin_challenge(const Challenge& c, const std::optional<Message>& message) = 0;
    virtual Result<Challenge> get_challenge(const std::string& id) = 0;  // NOT_FOUND
    // ATOMIC: attempts += 1 if and only if the challenge exists, is not consumed, not superseded and
    // attempts < max_attempts; returns the challenge as it is after the increment. NOT_FOUND when
    // no row was changed (unknown, used, superseded or out of attempts).
    virtual Result<Challenge> register_attempt(const std::string& id) = 0;
    // ATOMIC: consumed_at = now if and only if not consumed, not superseded and expires_at > now.
    // Returns true for exactly one caller; false for an unknown id.
    virtual Result<bool> consume_challenge(const std::string& id, UnixTime now) = 0;

    // ---- sessions -------------------------------------------------------------------------
    virtual Status insert_session(const Session& s) = 0;              // ALREADY_EXISTS: id or hash
    virtual Result<Session> find_session(const std::vector<std::uint8_t>& token_hash) = 0;  // NOT_FOUND
    virtual Result<Session> get_session(const std::string& id) = 0;  // NOT_FOUND
    // Sets last_seen_at = now and idle_expires_at on a live session. NOT_FOUND if absent or not live.
    virtual Status touch_session(const std::string& id, UnixTime now, UnixTime idle_expires_at) = 0;
    // Binds the client if none is bound yet; FAILED_PRECONDITION when one already is.
    virtual Status bind_session_client(const std::string& id, Id client_id) = 0;
    // Each revoke sets revoked_at/reason on live sessions only and returns how many it changed.
    virtual Result<std::int64_t> revoke_session(const std::string& id, UnixTime now, const std::string& reason) = 0;
    virtual Result<std::int64_t> revoke_client_sessions(Id client_id, UnixTime now, const std::string& reason) = 0;
    virtual Result<std::int64_t> revoke_destination_sessions(Id agency_id, const std::string& destination,
                                                             UnixTime now, const std::string& reason) = 0;
    virtual Result<std::int64_t> revoke_portal_sessions(Id portal_id, UnixTime now, const std::string& reason) = 0;
    // Live and revoked sessions bound to the client, newest first.
    virtual Result<std::vector<Session>> list_client_sessions(Id client_id) = 0;

    // ---- throttles ------------------------------------------------------------------------
    // ATOMIC: if the counter is absent, or window_seconds > 0 and now >= window_start +
    // window_seconds, it restarts at count 1 with window_start = now; otherwise count += 1.
    // last_at = now. Returns the counter after the bump. window_seconds == 0: never restarts.
    virtual Result<Counter> bump_counter(const std::string& key, UnixTime now, std::int64_t window_seconds) = 0;
    // The counter as stored (count 0 when absent). Does not apply window expiry.
    virtual Result<Counter> get_counter(const std::string& key) = 0;
    virtual Status reset_counter(const std::string& key) = 0;

    // ---- templates ------------------------------------------------------------------------
    virtual Status put_template(const MessageTemplate& t) = 0;  // replaces (agency, channel, language)
    virtual Result<std::optional<MessageTemplate>> get_template(Id agency_id, Channel channel,
                                                                const std::string& language) = 0;

    // ---- key check (Engine::open) -----------------------------------------------------------
    // The value by which the engine recognises the database's master key (never the key): the
    // stored one, or nullopt when none is stored yet. A store that keeps none answers
    // FAILED_PRECONDITION (the default, e.g. a host's store through the C ABI): the engine then
    // cannot check the key.
    virtual Result<std::optional<std::string>> get_key_check() {
        return Status(Code::failed_precondition, "this store keeps no key check value");
    }
    // Stores `value` unless a value is already stored (or in place of it with `replace`: a lost
    // key replaced); returns the stored value either way.
    virtual Result<std::string> put_key_check(const std::string& value, bool replace) {
        (void)value;
        (void)replace;
        return Status(Code::failed_precondition, "this store keeps no key check value");
    }

    // ---- audit ----------------------------------------------------------------------------
    virtual Result<Id> append_audit(const AuditEvent& e) = 0;
    // Newest first. agency_id 0 lists every agency.
    virtual Result<std::vector<AuditEvent>> list_audit(Id agency_id, std::size_t limit) = 0;

    // ---- housekeeping ---------------------------------------------------------------------
    // Deletes challenges that are consumed, superseded or expired (expires_at <= now); sessions
    // that are revoked or expired (absolute_expires_at <= now or idle_expires_at <= now); counters
    // whose last_at <= counter_cutoff.
    virtual Result<SweepResult> sweep(UnixTime now, UnixTime counter_cutoff) = 0;

    // ---- content: events, cases and documents of a client ---------------------------------
    // Inserting or updating a row whose client does not exist, or whose case_id / event_id names
    // no stored case / event, is NOT_FOUND. The store does not check that the client, case and
    // event belong together: the engine does. Lists of an unknown client are empty.
    virtual Result<Id> insert_event(const Event& e) = 0;
    virtual Status update_event(const Event& e) = 0;                   // NOT_FOUND
    virtual Result<Event> get_event(Id id) = 0;                        // NOT_FOUND
    // By date, then time ("" before any "HH:MM"), then id; byte order, as the text is stored.
    virtual Result<std::vector<Event>> list_events(Id client_id) = 0;
    // NOT_FOUND for an unknown event; FAILED_PRECONDITION, changing nothing, while a document is
    // linked to it (event_id).
    virtual Status delete_event(Id id) = 0;

    virtual Result<Id> insert_case(const Case& c) = 0;
    virtual Status update_case(const Case& c) = 0;                     // NOT_FOUND
    virtual Result<Case> get_case(Id id) = 0;                          // NOT_FOUND
    virtual Result<std::vector<Case>> list_cases(Id client_id) = 0;    // by id

    virtual Result<Id> insert_document(const Document& d) = 0;
    virtual Status update_document(const Document& d) = 0;             // NOT_FOUND
    virtual Result<Document> get_document(Id id) = 0;                  // NOT_FOUND
    virtual Result<std::vector<Document>> list_documents(Id client_id) = 0;  // by id

    // ---- dashboard: a portal's dashboard templates, one per language --------------------------
    // put replaces the template of the same (portal_id, language); NOT_FOUND when the portal does
    // not exist. The store does not check the language or the template text: the engine does.
    virtual Status put_dashboard_template(const DashboardTemplate& t) = 0;
    virtual Result<std::optional<DashboardTemplate>> get_dashboard_template(Id portal_id,
                                                                            const std::string& language) = 0;
    virtual Status delete_dashboard_template(Id portal_id, const std::string& language) = 0;  // NOT_FOUND
    // By language (byte order); empty for an unknown portal.
    virtual Result<std::vector<DashboardTemplate>> list_dashboard_templates(Id portal_id) = 0;

    // ---- uploads: upload policies, client uploads, files attached to documents -----------
    // Replaces the portal's policy. NOT_FOUND when the portal does not exist.
    virtual Status put_upload_policy(const UploadPolicy& p) = 0;
    // The portal's stored policy; empty when none was ever stored.
    virtual Result<std::optional<UploadPolicy>> get_upload_policy(Id portal_id) = 0;
    // Ignores u.id. NOT_FOUND when the portal or client does not exist; ALREADY_EXISTS when another
    // upload already has that blob_name.
    virtual Result<Id> insert_upload(const Upload& u) = 0;
    virtual Result<Upload> get_upload(Id id) = 0;                      // NOT_FOUND
    virtual Result<std::vector<Upload>> list_uploads(Id client_id) = 0;  // by id
    virtual Status delete_upload(Id id) = 0;                           // NOT_FOUND
    // Replaces the document's file. NOT_FOUND when the document does not exist.
    virtual Status put_document_file(const DocumentFile& f) = 0;
    // The document's file; empty when it has none.
    virtual Result<std::optional<DocumentFile>> get_document_file(Id document_id) = 0;

    // ---- navigation: sidebar items and gated resources of a portal -------------------------
    // Inserting or updating a row whose portal does not exist is NOT_FOUND. The store does not
    // check that agency_id is the portal's: the engine does. Lists of an unknown portal are empty.
    virtual Result<Id> insert_sidebar_item(const SidebarItem& item) = 0;
    virtual Status update_sidebar_item(const SidebarItem& item) = 0;   // NOT_FOUND
    virtual Status delete_sidebar_item(Id id) = 0;                     // NOT_FOUND
    virtual Result<SidebarItem> get_sidebar_item(Id id) = 0;           // NOT_FOUND
    // By order, then id.
    virtual Result<std::vector<SidebarItem>> list_sidebar_items(Id portal_id) = 0;

    // (portal_id, kind, slug) is unique: ALREADY_EXISTS on insert or update.
    virtual Result<Id> insert_gated_resource(const GatedResource& resource) = 0;
    virtual Status update_gated_resource(const GatedResource& resource) = 0;  // NOT_FOUND, ALREADY_EXISTS
    virtual Status delete_gated_resource(Id id) = 0;                          // NOT_FOUND
    virtual Result<GatedResource> get_gated_resource(Id id) = 0;              // NOT_FOUND
    virtual Result<GatedResource> find_gated_resource(Id portal_id, ResourceKind kind,
                                                      const std::string& slug) = 0;  // NOT_FOUND
    // By kind (calendar before form), then slug (byte order), then id.
    virtual Result<std::vector<GatedResource>> list_gated_resources(Id portal_id) = 0;

    // ---- profile: a portal's profile policy and pending contact changes ---------------------
    // The portal's whole policy is replaced: a field the rules leave out is no longer stored (the
    // engine then applies its default). The store keeps the rules as given, one per field name
    // (the last wins when a name repeats); the engine checks the names. NOT_FOUND for a portal
    // that does not exist.
    virtual Status put_profile_policy(Id portal_id, const std::vector<ProfileFieldRule>& rules) = 0;
    // The stored rules by field name (byte order); empty when staff set none. NOT_FOUND (portal).
    virtual Result<std::vector<ProfileFieldRule>> get_profile_policy(Id portal_id) = 0;

    // A pending contact change, keyed by its challenge id: NOT_FOUND when the portal or client does
    // not exist, ALREADY_EXISTS when the challenge id already has one. The store does not check
    // that the challenge exists or that portal, client and session belong together (the engine
    // does). sweep() removes the changes whose challenge it removed, or that have no challenge.
    virtual Status insert_contact_change(const ContactChange& change) = 0;
    virtual Result<ContactChange> get_contact_change(const std::string& challenge_id) = 0;  // NOT_FOUND
};

// The in-memory store, for tests and short-lived demos. Thread-safe (one mutex).
SESAME_CXX_API std::shared_ptr<Store> make_memory_store();

// Options of the embedded SQLite store.
struct SqliteOptions {
    std::string path;                   // database file; created when absent. "" and ":memory:" are
                                        // INVALID_ARGUMENT: use make_memory_store() for that
    std::int32_t busy_timeout_ms = 5000;
    bool synchronous_full = false;      // false: synchronous=NORMAL (WAL; survives a process crash)
};

// The default store: one SQLite file in WAL mode, versioned schema with forward migrations, a
// connection per thread, BEGIN IMMEDIATE for writes. Fails with CORRUPT for a file that is not a
// Sesame database or is damaged, VERSION_MISMATCH for one written by a newer schema, STORAGE when
// the file cannot be opened; the file is not modified in any of these cases.
SESAME_CXX_API Result<std::shared_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

// Reads every page of the database file at `path` (SQLite's quick_check) and judges it as opening
// does, changing nothing; the file may be in use by a running server. OK: a sound Sesame database.
// CORRUPT: damaged, empty, or not a Sesame database (restore it from a backup); VERSION_MISMATCH:
// written by a newer Sesame; STORAGE: it cannot be opened. open_sqlite_store does not read every
// page, so that opening takes the same few milliseconds for any size: run this after a restore,
// and now and then (`sesame check`).
SESAME_CXX_API Status check_sqlite_store(const std::string& path);

// The schema version this build writes.
SESAME_CXX_API int sqlite_schema_version();

}  // namespace sesame
