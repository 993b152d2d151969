// Sesame — the Engine: staff operations, login, verification and sessions.
//
// Thread-safety: an Engine is safe to call from any number of threads at once. Each visitor
// request is one unit of work on the Store (Store::transact, docs/design.md), and no store
// transaction is open while a Transport sends (tests/engine/units_test.cpp counts it). Deliveries
// are serialised by one mutex held across Transport::send, so one message is in flight at a time.
//
// Staff operations take an Actor and check the permission named in their comment; without it they
// return PERMISSION_DENIED. An actor of agency A never sees agency B's objects: they answer
// NOT_FOUND, exactly as if they did not exist. A super admin may act in every agency.
#pragma once

#include "sesame/export.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sesame/blob_store.hpp"
#include "sesame/clock.hpp"
#include "sesame/directory.hpp"
#include "sesame/identifier.hpp"
#include "sesame/model.hpp"
#include "sesame/navigation.hpp"
#include "sesame/profile.hpp"
#include "sesame/random.hpp"
#include "sesame/status.hpp"
#include "sesame/store.hpp"
#include "sesame/transport.hpp"
#include "sesame/uploads.hpp"

namespace sesame {

// A member of agency staff, as the host authenticated them.
struct Actor {
    std::string id;          // the host's staff id, recorded in the audit log
    Id agency_id = 0;        // the agency the actor belongs to (ignored for a super admin)
    std::set<std::string> permissions;  // "create_portals", "update_clients", "view_messages", ...
    bool super_admin = false;
};

// What the host knows of the visitor's HTTP request.
struct RequestInfo {
    std::string ip;
    std::string user_agent;
    // The language of the page the visitor used (ISO 639-1, "es"), or "". When a phone or email
    // belongs to clients of different languages, start_login writes the code's message in this one
    // if one of them speaks it (else in the first client's, as always for a single owner).
    std::string language = {};  // (an initializer, so that {ip, user_agent} stays warning-free)
};

struct EngineOptions {
    std::shared_ptr<Store> store;                 // required
    // Where clients and contacts come from; default: the store's own tables (make_store_directory).
    std::shared_ptr<Directory> directory;
    // The master key: 32 bytes from the host, or a key file (created with mode 0600 when absent).
    // Exactly one of the two. The key never enters the store.
    std::optional<std::vector<std::uint8_t>> master_key;
    std::string key_file;
    // The store keeps a key check value, and Engine::open refuses another key (CRYPTO). true: the
    // key is a new one replacing a lost key (`sesame init` without the old key file): its value
    // replaces the stored one.
    bool replace_key_check = false;
    std::shared_ptr<Clock> clock;                 // default: SystemClock
    std::shared_ptr<RandomSource> random;         // default: libsodium's randombytes_uniform
    std::shared_ptr<Transport> sms_transport;     // live SMS; without it live SMS stays queued
    std::shared_ptr<Transport> email_transport;   // live email; without it live email stays queued
    // true: start_login hands a live message to its transport before returning. false: messages
    // stay queued until the host calls dispatch() (e.g. from a worker thread).
    bool deliver_immediately = true;
    // Receives every audit event after it is stored. Called on the thread of the operation.
    std::function<void(const AuditEvent&)> audit_sink;
    // Receives every audit event the store could not keep (a full disk, a lock held past the
    // timeout), with the store's status, on the thread of the operation. The operation itself
    // keeps its outcome; Engine::audit_failures() counts these events either way. The audit sink
    // above still receives the event (with id 0).
    std::function<void(const AuditEvent&, const Status&)> audit_failure_sink;
    // Where uploaded and attached files live: a BlobStore, or a folder for the filesystem one
    // (make_filesystem_blob_store). At most one of the two; with neither, the upload calls answer
    // FAILED_PRECONDITION.
    std::shared_ptr<BlobStore> blob_store;
    std::string blob_dir;
};

// ---- bulk import ---------------------------------------------------------------------------

// One row of Engine::import_clients: a client and at most one phone and one email, as typed.
struct ClientImportRow {
    Client client;  // id and agency_id are ignored: the import names the agency
    std::optional<std::string> phone;
    std::optional<std::string> email;
};

// What became of one row: the new client's id, or (client_id 0) why nothing of the row was kept
// and, when one field was to blame, which: "phone", "email" or a client field ("first_name",
// "dob", ...); empty for the row as a whole or the store.
struct ClientImportResult {
    Id client_id = 0;
    Status status;
    std::string field;
};

// Rows per store transaction in import_clients.
inline constexpr std::size_t kImportBatchDefault = 1000;
inline constexpr std::size_t kImportBatchMax = 10000;

// ---- login results ------------------------------------------------------------------------

struct LoginStarted {
    std::string challenge_id;
    Channel channel = Channel::sms;
    std::string masked_destination;  // "•••-•••-4567", "a•••@example.org"
    UnixTime expires_at = 0;
    UnixTime resend_after = 0;       // the earliest time another code can be sent
};

struct ClientChoice {
    Id client_id = 0;
    std::string display_name;  // "Ann L." — first name and initial, enough to choose, no more
};

struct LoginVerified {
    std::string token;                 // returned once; Sesame keeps only its hash
    std::string session_id;
    std::vector<ClientChoice> clients; // one, or several to choose from with select_client
    std::optional<Id> client_id;       // set when exactly one client owns the contact
    UnixTime expires_at = 0;           // absolute expiry
    UnixTime idle_expires_at = 0;
    std::string assurance = "aal1";    // one factor: something you have. Never more.
};

struct SessionInfo {
    std::string session_id;
    Id portal_id = 0;
    Id agency_id = 0;
    std::optional<Id> client_id;  // unset: call select_client first (check_session says SELECTION_REQUIRED)
    std::string destination;
    UnixTime created_at = 0;
    UnixTime last_seen_at = 0;
    UnixTime idle_expires_at = 0;
    UnixTime absolute_expires_at = 0;
    std::string assurance = "aal1";
    std::optional<UnixTime> revoked_at;  // staff listings include revoked sessions
    std::string revoke_reason;
};

class SESAME_CXX_API Engine {
public:
    // Opens an engine over a store. INVALID_ARGUMENT: no store, both or neither of master_key and
    // key_file, a key that is not 32 bytes, both blob_store and blob_dir. CRYPTO: libsodium cannot
    // start. STORAGE: the key file cannot be read or created, or blob_dir cannot be created.
    static Result<std::unique_ptr<Engine>> open(EngineOptions options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // ---- agencies (super admin) --------------------------------------------------------------
    Result<Agency> create_agency(const Actor& actor, Agency agency);
    // Super admin only (this includes environment and send_mode); staging never sends live.
    Result<Agency> update_agency(const Actor& actor, const Agency& agency);
    Result<Agency> get_agency(const Actor& actor, Id agency_id);
    // Every agency for a super admin; the actor's own for anyone else.
    Result<std::vector<Agency>> list_agencies(const Actor& actor);
    Result<AgencyPhone> add_agency_phone(const Actor& actor, Id agency_id, const std::string& number,
                                         CarrierRegistration registration);
    Result<AgencyPhone> set_carrier_registration(const Actor& actor, Id agency_id, Id phone_id,
                                                 CarrierRegistration registration);
    Result<std::vector<AgencyPhone>> list_agency_phones(const Actor& actor, Id agency_id);
    Result<AgencyEmail> add_agency_email(const Actor& actor, Id agency_id, const std::string& address,
                                         const std::string& display_name);
    Result<std::vector<AgencyEmail>> list_agency_emails(const Actor& actor, Id agency_id);
    // Overrides a built-in template for the agency (update_portals).
    Status set_message_template(const Actor& actor, const MessageTemplate& t);

    // ---- portals -----------------------------------------------------------------------------
    Result<Portal> create_portal(const Actor& actor, Portal portal);          // create_portals
    // update_portals. Turning Client Authentication off revokes the portal's sessions.
    Result<Portal> update_portal(const Actor& actor, const Portal& portal);
    Result<Portal> get_portal(const Actor& actor, Id portal_id);
    Result<std::vector<Portal>> list_portals(const Actor& actor, Id agency_id);
    // Public, no actor: what a host needs to serve a portal by its slug.
    Result<Portal> find_portal(const std::string& slug);
    // INVALID_ARGUMENT naming the field and its bound, or OK.
    static Status validate_settings(const PortalSettings& s);

    // ---- clients and contacts ----------------------------------------------------------------
    Result<Client> create_client(const Actor& actor, Client client);          // create_clients
    // create_clients, and create_contacts when a row has a contact. Creates many clients of one
    // agency with their contacts, `batch` rows (1..kImportBatchMax) per store transaction. Each row
    // is kept whole or not at all, and a refused row (a field create_client would refuse, a phone
    // or email that is not valid) does not stop the others: its result says why. Results come in
    // row order; `progress(done, total)` is called after each transaction's rows. When the store
    // refuses a write (a constraint, a trigger, a full disk), that transaction is rolled back and
    // its rows are tried again one transaction each: the rows the store takes are kept, the others
    // carry its status. When none of them can be written the import ends there: the rows after
    // carry the failure, and what earlier transactions wrote stays. Each row kept is audited once:
    // "client.create", its detail naming the fields set and each contact (id, kind, masked value).
    // The rows' checks (phone numbers above all) run on worker threads, up to one per hardware
    // thread and at most 8, while the checked rows are written on the caller's thread; an import
    // of at most 128 rows starts none. Every worker has finished when the call returns.
    Result<std::vector<ClientImportResult>> import_clients(
        const Actor& actor, Id agency_id, const std::vector<ClientImportRow>& rows,
        const std::function<void(std::size_t done, std::size_t total)>& progress = {},
        std::size_t batch = kImportBatchDefault);
    // update_clients. Archiving a client revokes its sessions.
    Result<Client> update_client(const Actor& actor, const Client& client);
    Result<Client> get_client(const Actor& actor, Id client_id);
    Result<std::vector<Client>> list_clients(const Actor& actor, Id agency_id);
    // update_clients. Deletes a client that has nothing attached beyond its contacts — one an
    // import created but could not finish — together with its contacts (and any pending contact
    // change), in one store transaction. FAILED_PRECONDITION, naming what is attached, while the
    // client has messages (sent to one of its contacts), sessions, events, cases, documents or
    // uploads: archive such a client instead (update_client with archived = true). Audited
    // "client.delete".
    Status delete_client(const Actor& actor, Id client_id);
    // create_contacts. `value` is a phone in any common format (parsed with the agency's region)
    // or an email; it is stored normalised.
    Result<Contact> add_contact(const Actor& actor, Id client_id, ContactKind kind, const std::string& value);
    // update_contacts. A changed value or status revokes sessions made with the old value.
    Result<Contact> update_contact(const Actor& actor, Id contact_id, const std::string& value,
                                   ContactStatus status);
    Result<std::vector<Contact>> list_contacts(const Actor& actor, Id client_id);
    // update_clients. Ends the sessions made with the contact and the client's sessions (as
    // marking it invalid does), then deletes it. Messages and challenges name the contact by its
    // value, not its id: they stay, so the message history is kept; a pending contact change
    // that would have replaced it is refused when confirmed. Audited "contact.remove".
    Status remove_contact(const Actor& actor, Id contact_id);
    Result<Contact> get_contact(const Actor& actor, Id contact_id);
    // Every contact of the agency (one per owning client) matching what a person typed, read the
    // way start_login reads it. INVALID_ARGUMENT when it is neither a phone nor an email.
    Result<std::vector<Contact>> find_contacts(const Actor& actor, Id agency_id, const std::string& identifier);

    // view_messages: the client's messages, newest first. Simulated messages whole (the seed's test
    // procedure reads the code there); live ones with the code redacted.
    Result<std::vector<Message>> message_feed(const Actor& actor, Id client_id, std::size_t limit = 50);
    // update_clients.
    Result<std::vector<SessionInfo>> client_sessions(const Actor& actor, Id client_id);
    Result<std::int64_t> revoke_client_sessions(const Actor& actor, Id client_id);
    // super admin, or "view_audit" for the actor's own agency.
    Result<std::vector<AuditEvent>> audit_log(const Actor& actor, Id agency_id, std::size_t limit = 100);

    // ---- login -------------------------------------------------------------------------------
    // `identifier`: a phone in any common format or an email. Fails, checked in this order, with
    // AUTH_DISABLED, RATE_LIMITED (retry_after set), CONTACT_NOT_FOUND, CONTACT_INELIGIBLE,
    // CHANNEL_UNAVAILABLE; INVALID_ARGUMENT when it is neither a phone nor an email. A portal in
    // `uniform` mode answers unknown and ineligible contacts with a decoy challenge instead.
    Result<LoginStarted> start_login(Id portal_id, const std::string& identifier, const RequestInfo& request);

    // Checks the code. Every failure (wrong, expired, used, superseded, locked, unknown) is the same
    // VERIFY_FAILED; the audit log keeps the true reason. RATE_LIMITED when the IP is over its limit.
    Result<LoginVerified> verify_login(Id portal_id, const std::string& challenge_id, const std::string& code,
                                       const RequestInfo& request);

    // The clients a session may act for ("Ann E.", "Ben E."): the owners of the contact it was made
    // with. SESSION_INVALID for a dead token.
    Result<std::vector<ClientChoice>> session_choices(Id portal_id, const std::string& token);

    // Binds the client the person chose. NOT_FOUND when the client does not own the session's
    // contact; FAILED_PRECONDITION when a client is already bound.
    Result<SessionInfo> select_client(Id portal_id, const std::string& token, Id client_id);

    // The session behind a token. SESSION_INVALID for unknown, revoked, idle or expired tokens;
    // SELECTION_REQUIRED when the person has not chosen a client yet.
    Result<SessionInfo> check_session(Id portal_id, const std::string& token);
    Status logout(Id portal_id, const std::string& token);

    // ---- content: events, cases and documents assigned to clients (src/portal/content.cpp) ----
    // Staff calls. create_* / update_* need the permission named beside them; get and list need
    // only an agency the actor may see. NOT_FOUND for a row, client, case or event of an agency the
    // actor may not see, as for a missing one. INVALID_ARGUMENT naming the field: a date that is
    // not a real YYYY-MM-DD, a time that is not HH:MM, text over 200 bytes (2000 for description
    // and charges) or with control characters, an empty status (or document name), uploaded_by
    // other than "agency" or "client", an agency_id other than the client's (0 on create: the
    // client's), a case_id / event_id that is not the same client's. An update replaces every
    // field but id and created_at; agency_id and client_id cannot change. Every change is
    // audited, by field name only.
    Result<Event> create_event(const Actor& actor, Event event);              // create_events
    Result<Event> update_event(const Actor& actor, const Event& event);       // update_events
    Result<Event> get_event(const Actor& actor, Id event_id);
    // The client's events by date, time, id.
    Result<std::vector<Event>> list_events(const Actor& actor, Id client_id);
    // update_events. FAILED_PRECONDITION, naming the document, while a document is linked to the
    // event: unlink it first (update_document without event_id). Audited "event.delete".
    Status delete_event(const Actor& actor, Id event_id);
    Result<Case> create_case(const Actor& actor, Case c);                     // create_cases
    Result<Case> update_case(const Actor& actor, const Case& c);              // update_cases
    Result<Case> get_case(const Actor& actor, Id case_id);
    Result<std::vector<Case>> list_cases(const Actor& actor, Id client_id);   // by id
    Result<Document> create_document(const Actor& actor, Document document);  // create_documents
    Result<Document> update_document(const Actor& actor, const Document& document);  // update_documents
    Result<Document> get_document(const Actor& actor, Id document_id);
    Result<std::vector<Document>> list_documents(const Actor& actor, Id client_id);  // by id

    // What a logged-in client may read of their own, from the Directory (a host's directory may
    // answer). The session is checked as check_session checks it, and counts as activity:
    // SESSION_INVALID, SELECTION_REQUIRED. Rows the directory returns for anyone else are dropped.
    // Upcoming events: date >= from_date (YYYY-MM-DD, the agency's "today"; INVALID_ARGUMENT
    // otherwise), by date, time, id.
    Result<std::vector<Event>> client_events(Id portal_id, const std::string& token, const std::string& from_date);
    Result<std::vector<Case>> client_cases(Id portal_id, const std::string& token);
    Result<std::vector<Document>> client_documents(Id portal_id, const std::string& token);
    // The files attached to those documents (one per document that has one, by document id): what a
    // page links for download (download_document reads the bytes).
    Result<std::vector<DocumentFile>> client_document_files(Id portal_id, const std::string& token);
    // How many sessions the store holds for the signed-in client, live or ended, this one
    // included: 1 on the client's first sign-in (a page may greet them).
    Result<std::size_t> client_session_count(Id portal_id, const std::string& token);

    // ---- navigation: sidebar items and gated resources of a portal (src/portal/navigation_ops.cpp)
    // Staff calls. Changes need "update_portals"; get and list need only a portal the actor may see.
    // NOT_FOUND for a portal, item or resource of an agency the actor may not see, as for a
    // missing one. agency_id is always the portal's (what the caller passes is ignored); portal_id
    // cannot change on update (INVALID_ARGUMENT). INVALID_ARGUMENT naming the field for the checks
    // of validate_sidebar_item / validate_gated_resource (navigation.hpp); ALREADY_EXISTS when the
    // portal already has a resource of that kind and slug. Titles are stored verbatim: the host
    // escapes them when it renders HTML. Every change is audited, by field name only.
    Result<SidebarItem> create_sidebar_item(const Actor& actor, SidebarItem item);
    Result<SidebarItem> update_sidebar_item(const Actor& actor, const SidebarItem& item);
    Status delete_sidebar_item(const Actor& actor, Id item_id);
    Result<SidebarItem> get_sidebar_item(const Actor& actor, Id item_id);
    // By order, then id.
    Result<std::vector<SidebarItem>> list_sidebar_items(const Actor& actor, Id portal_id);
    Result<GatedResource> create_gated_resource(const Actor& actor, GatedResource resource);
    Result<GatedResource> update_gated_resource(const Actor& actor, const GatedResource& resource);
    Status delete_gated_resource(const Actor& actor, Id resource_id);
    Result<GatedResource> get_gated_resource(const Actor& actor, Id resource_id);
    // By kind (calendars first), slug, id.
    Result<std::vector<GatedResource>> list_gated_resources(const Actor& actor, Id portal_id);

    // Visitor calls: no actor. A visitor "has a session" when `token` is a live session of this
    // portal bound to a client, checked as check_session checks it (and counting as activity); a
    // missing, unknown, expired, revoked or unbound token just means no session, never an error.
    // NOT_FOUND for an unknown portal.
    //
    // The sidebar: public items always; private items only to a visitor with a session, and to
    // nobody while the portal's Client Authentication is disabled. By order, then id.
    Result<std::vector<SidebarItem>> sidebar(Id portal_id, const std::optional<std::string>& token);
    // The one check a host makes before showing a calendar or form: allowed when it does not
    // require login or the visitor has a session; unavailable when it requires login and Client
    // Authentication is disabled (nobody can log in); login_required otherwise. NOT_FOUND for a
    // resource the portal does not have.
    Result<Access> can_access(Id portal_id, const std::optional<std::string>& token, ResourceKind kind,
                              const std::string& slug);

    // ---- uploads: photos and documents from clients, files on assigned documents ------------
    // (src/portal/uploads.cpp). Every call that touches a file needs a BlobStore (EngineOptions
    // blob_store or blob_dir); without one it is FAILED_PRECONDITION. A file's type comes from its
    // first bytes (detect_content_type), never from its name; the name is kept only as
    // safe_file_name() for display. A stored file whose SHA-256 no longer matches its record, or
    // that is missing, is CORRUPT when read.

    // The portal's policy (the defaults, everything off, when none was set). Agency visibility.
    Result<UploadPolicy> get_upload_policy(const Actor& actor, Id portal_id);
    // update_portals. INVALID_ARGUMENT when max_bytes is outside kUploadMaxBytesMin..Limit. Audited.
    Result<UploadPolicy> set_upload_policy(const Actor& actor, const UploadPolicy& policy);
    // update_documents. Stores `bytes` as the document's file, replacing any earlier one.
    // INVALID_ARGUMENT: larger than kUploadMaxBytesLimit, or not a PDF, JPEG, PNG or HEIC. Audited.
    Result<DocumentFile> attach_document_file(const Actor& actor, Id document_id, const std::string& file_name,
                                              const std::vector<std::uint8_t>& bytes);
    // Agency visibility: the client's uploads by id; one upload's bytes (audited); a document's file
    // (NOT_FOUND when it has none, audited); a document's file record without its bytes (none when
    // it has no file; nothing read, so nothing audited).
    Result<std::vector<Upload>> list_uploads(const Actor& actor, Id client_id);
    Result<FileDownload> download_upload(const Actor& actor, Id upload_id);
    Result<FileDownload> download_document_file(const Actor& actor, Id document_id);
    Result<std::optional<DocumentFile>> document_file(const Actor& actor, Id document_id);
    // update_clients. Deletes the record, then its file. Audited.
    Status delete_upload(const Actor& actor, Id upload_id);

    // A logged-in client's calls; the session is checked as check_session checks it and counts as
    // activity (SESSION_INVALID, SELECTION_REQUIRED).
    // upload: checked in this order: INVALID_ARGUMENT when larger than kUploadMaxBytesLimit (before
    // the session is even read); then the session; INVALID_ARGUMENT when larger than the portal's
    // max_bytes; PERMISSION_DENIED when the portal does not take uploads of that kind;
    // INVALID_ARGUMENT when the bytes are not a type that kind accepts (photo: JPEG, PNG, HEIC;
    // document: PDF or a photo of the paper). The file is written first, then the record; when the
    // record fails, the file is removed. Audited without the file name.
    Result<Upload> upload(Id portal_id, const std::string& token, UploadKind kind, const std::string& file_name,
                          const std::vector<std::uint8_t>& bytes);
    // The client's own uploads, by id.
    Result<std::vector<Upload>> client_uploads(Id portal_id, const std::string& token);
    // One of the client's own uploads; another client's is NOT_FOUND, as a missing one.
    Result<FileDownload> download_upload(Id portal_id, const std::string& token, Id upload_id);
    // The file of a document assigned to this client; NOT_FOUND for another client's document or
    // one without a file.
    Result<FileDownload> download_document(Id portal_id, const std::string& token, Id document_id);

    // ---- dashboard: the page a logged-in client sees (src/portal/dashboard.cpp) ----------------
    // Staff calls. set and delete need update_portals; get and list need only a portal the actor
    // may see. NOT_FOUND for a portal of an agency the actor may not see, as for a missing one.
    // `language` is ISO 639-1 (two lower-case letters), INVALID_ARGUMENT otherwise. set replaces the
    // portal's template in that language; the text is checked by parse_merge_template
    // (docs/merge-tags.md) and an unknown tag or bad syntax is INVALID_ARGUMENT with its line and
    // column; an empty text is refused too. Nothing is written on any failure. set and delete are
    // audited (portal, language and size, never the text).
    Result<DashboardTemplate> set_dashboard_template(const Actor& actor, Id portal_id, const std::string& language,
                                                     const std::string& text);
    // NOT_FOUND when the portal has no template in that language.
    Result<DashboardTemplate> get_dashboard_template(const Actor& actor, Id portal_id, const std::string& language);
    Result<std::vector<DashboardTemplate>> list_dashboard_templates(const Actor& actor, Id portal_id);  // by language
    Status delete_dashboard_template(const Actor& actor, Id portal_id, const std::string& language);  // update_portals

    // The dashboard of the session's client, as HTML in which every value is escaped. The session
    // is checked as check_session checks it, and counts as activity: SESSION_INVALID,
    // SELECTION_REQUIRED. The template is the portal's in the client's language, else the portal's
    // in its settings.default_language, else the built-in one for the client's language, the
    // portal's default language or English, in that order. Events, cases and documents come from
    // the Directory as client_events / client_cases / client_documents read them; upcoming events
    // are those dated today or later in the agency's time zone, cancelled ones left out.
    Result<RenderedDashboard> render_dashboard(Id portal_id, const std::string& token);
    // The built-in template of a language ("en", "es"); empty for a language without one.
    static std::string built_in_dashboard_template(const std::string& language);

    // ---- profile: a portal's profile policy and a client's own profile ------------------------
    // (src/portal/profile_ops.cpp, src/portal/contact_change.cpp; the fields, words and defaults
    // are in profile.hpp.)
    // Staff calls. set needs "update_portals"; get needs only a portal the actor may see; NOT_FOUND
    // for a portal of an agency the actor may not see, as for a missing one. set replaces the
    // portal's whole policy: a field left out falls back to its default. INVALID_ARGUMENT naming
    // the first field that is not a profile field; nothing is written then. Audited by field name.
    // Both answer the portal's effective policy: every profile field, with defaults filled in.
    Result<ProfilePolicy> set_profile_policy(const Actor& actor, Id portal_id, const ProfilePolicy& policy);
    Result<ProfilePolicy> get_profile_policy(const Actor& actor, Id portal_id);

    // Visitor calls: the session is checked as check_session checks it and counts as activity
    // (SESSION_INVALID, SELECTION_REQUIRED); NOT_FOUND for an unknown portal.
    //
    // The client's profile from the Directory: the fields that are not hidden with their policy,
    // and the contacts of the kinds that are not hidden. Values are as stored: the host escapes
    // them when it renders HTML.
    Result<Profile> profile(Id portal_id, const std::string& token);
    // Changes the client's own fields, all or nothing: field name -> new value. PERMISSION_DENIED
    // naming the first field that is read_only or hidden; INVALID_ARGUMENT naming a field that is
    // not a profile field, "phone" or "email" (contacts change with request_contact_change), or a
    // value that fails the checks of update_client (dob a real YYYY-MM-DD, language ISO 639-1,
    // at most 200 bytes, no control characters). FAILED_PRECONDITION when the engine's Directory
    // is a host's: the host's system owns the records. Nothing is written on any refusal.
    // Audited by field name, never the values. Answers the profile after the change.
    Result<Profile> update_profile(Id portal_id, const std::string& token,
                                   const std::map<std::string, std::string>& changes);
    // Sends a one-time code to a new phone or email of the client, through the challenge and
    // message pipeline of start_login (same code, MAC, TTL, attempt limit, throttles, templates,
    // simulate feed). `value` is read as start_login reads it; with `replaces_contact_id` the
    // confirmed value replaces that contact's. PERMISSION_DENIED unless the kind is editable;
    // FAILED_PRECONDITION for a host's Directory; INVALID_ARGUMENT for a value that is not a
    // phone / email, or a replaced contact of the other kind; ALREADY_EXISTS when the client
    // already has that value; NOT_FOUND when replaces_contact_id is not one of the client's
    // contacts; RATE_LIMITED, CHANNEL_UNAVAILABLE as for start_login.
    Result<ContactChangeStarted> request_contact_change(Id portal_id, const std::string& token, ContactKind kind,
                                                        const std::string& value,
                                                        std::optional<Id> replaces_contact_id,
                                                        const RequestInfo& request);
    // Checks the code as verify_login does (one VERIFY_FAILED for every failure, the true reason
    // in the audit log; a login's challenge never confirms a change, nor is a change's code ever a
    // login). Then the contact is added or the replaced one gets the new value, and every other
    // session of the client is revoked; the current one stays. PERMISSION_DENIED when the kind is
    // no longer editable; ALREADY_EXISTS when the value has become one of the client's contacts.
    Result<ContactChangeConfirmed> confirm_contact_change(Id portal_id, const std::string& token,
                                                          const std::string& challenge_id, const std::string& code,
                                                          const RequestInfo& request);

    // ---- outbox and housekeeping -------------------------------------------------------------
    // Hands queued live messages to their transport; returns how many were sent.
    Result<std::int64_t> dispatch(std::size_t limit = 100);
    // Deletes used, expired and superseded challenges, dead sessions and stale counters.
    Result<SweepResult> sweep();

    // Records an event of the host's own (e.g. a failed staff sign-in) like the engine's: stored,
    // handed to the audit sink, reported through audit_failure_sink when it cannot be stored. An
    // empty `at` is now(). Returns the store's status.
    Status record_audit(AuditEvent event);
    // Audit events the store could not keep since the engine opened.
    std::uint64_t audit_failures() const;

    // Runs `body` as one unit of work: the engine calls it makes on this thread are one store
    // transaction (Store::transact; SQLite: one BEGIN IMMEDIATE ... COMMIT, which other threads and
    // processes wait for). For a read-modify-write of staff records, e.g. get_client, change a
    // field, update_client: no other writer's change can land between the read and the write, so
    // none is lost. A body that returns a failure rolls back everything written in it, audit
    // records of refusals included: return OK for a refusal that should stay on record.
    // Login and session calls may run inside, but no message leaves while the unit is open: a code
    // queued inside waits in the outbox for dispatch(). A store that cannot group calls (a host's
    // C store) runs each call on its own, as outside. Returns the body's status, or the store's.
    Status transact(const std::function<Status()>& body);

    Clock& clock();

    // The engine's state: opaque outside the library.
    struct Impl;

private:
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace sesame
