/* Sesame — the stable C ABI.
 *
 * Conventions (every function below follows them; docs/c-api.md has the details):
 *  1. Names: functions are sesame_<noun>_<verb>, types sesame_<noun>, constants SESAME_*.
 *  2. Every fallible function returns a sesame_status: SESAME_OK (0) or a negative SESAME_E_* code.
 *     The values are frozen; new codes may be added, so keep a default branch when you switch.
 *  3. After a failure, sesame_last_error_message() (thread-local, never NULL) says what was wrong and
 *     what to do; sesame_status_name() gives the code's name. A call that returns SESAME_OK clears
 *     them (message "", no retry time, no reason); the sesame_last_error_*() readers themselves,
 *     sesame_status_name, the version calls and the _free functions leave them as they are.
 *  4. Out-parameters come first, then the handle, then the inputs. Every callback takes its
 *     void *user_data as its FIRST parameter.
 *  5. Handles are opaque: sesame_x_open(&out, ...) makes one, sesame_x_free(p) releases it, and
 *     sesame_x_free(NULL) is a harmless no-op.
 *  6. Strings are UTF-8 and NUL-terminated. Strings the caller passes in are only read during the
 *     call. JSON the library returns comes in a sesame_buf the caller releases with sesame_buf_free.
 *     Fixed-size character arrays in result structs are always NUL-terminated.
 *  7. Options, records and vtables begin with uint32_t struct_size: fill them with their _INIT macro
 *     or _init() function. The library reads and writes only the fields that struct_size covers, so
 *     structs may grow at their end without breaking callers built against an older header.
 *  8. Staff records (agencies, portals, clients, contacts, messages, audit events, ...) cross the ABI
 *     as UTF-8 JSON objects whose schema is in docs/c-api.md. Malformed JSON, a field named twice in
 *     one object or a wrong type is SESAME_E_INVALID_ARGUMENT naming the field, and nothing is
 *     written. A field the record does not have is ignored and named in sesame_last_warnings(), so
 *     that a program written for a later version, whose records have more fields, still works; a
 *     field left out takes its default (create) or keeps its value (update). An update that gives the record's "revision" as read is
 *     compare-and-set: SESAME_E_CONFLICT, nothing written, when the record changed since.
 *  9. Thread-safety: an engine may be used from any number of threads at once; each function says so.
 *     The thread each callback runs on is stated with the callback.
 * 10. Nothing aborts and no exception crosses this ABI: memory exhaustion is SESAME_E_NOMEM, a bug
 *     is SESAME_E_INTERNAL, misuse (NULL handle, bad struct_size) is SESAME_E_INVALID_ARGUMENT.
 *     There is no global initialisation to call.
 */
#ifndef SESAME_H
#define SESAME_H

#include <stddef.h>
#include <stdint.h>

#include "sesame/sesame_export.h"
#include "sesame/sesame_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes ------------------------------------------------------------------------- */

typedef int32_t sesame_status;

#define SESAME_OK 0
#define SESAME_E_INVALID_ARGUMENT (-1)    /* bad input: the message names the field and the bound */
#define SESAME_E_NOT_FOUND (-2)           /* no such object, or not visible to this actor */
#define SESAME_E_ALREADY_EXISTS (-3)      /* a unique key is taken */
#define SESAME_E_PERMISSION_DENIED (-4)   /* the actor lacks the permission the call needs */
#define SESAME_E_AUTH_DISABLED (-5)       /* the portal's Client Authentication is "disabled" */
#define SESAME_E_RATE_LIMITED (-6)        /* see sesame_last_error_retry_after() */
#define SESAME_E_CONTACT_NOT_FOUND (-7)   /* no client of the agency has that phone or email */
#define SESAME_E_CONTACT_INELIGIBLE (-8)  /* opted out, invalid, or client archived */
#define SESAME_E_CHANNEL_UNAVAILABLE (-9) /* no registered agency phone / no agency email */
#define SESAME_E_VERIFY_FAILED (-10)      /* one answer for every failed code */
#define SESAME_E_SESSION_INVALID (-11)    /* no live session for that token */
#define SESAME_E_SELECTION_REQUIRED (-12) /* several clients share the contact: call sesame_session_select */
#define SESAME_E_STORAGE (-13)            /* the store failed */
#define SESAME_E_CORRUPT (-14)            /* the database is damaged or not a Sesame database */
#define SESAME_E_VERSION_MISMATCH (-15)   /* the database was written by a newer Sesame */
#define SESAME_E_CRYPTO (-16)             /* libsodium could not start, or a key is unusable */
#define SESAME_E_CALLBACK (-17)           /* a host callback reported failure */
#define SESAME_E_NOMEM (-18)
#define SESAME_E_INTERNAL (-19)           /* a bug in Sesame: please report it */
#define SESAME_E_FAILED_PRECONDITION (-20) /* the object's state forbids the call */
#define SESAME_E_CONFLICT (-21)           /* the record changed since it was read (its "revision"): read it again */

/* "SESAME_E_RATE_LIMITED"; "SESAME_E_UNKNOWN" for a value not in the table. Static text.
 * Thread-safe. */
SESAME_API const char *sesame_status_name(sesame_status status);

/* The message of the last call on this thread that returned a sesame_status: what went wrong, or ""
 * after SESAME_OK. Never NULL. Valid until the next Sesame call on this thread. Thread-safe
 * (thread-local). */
SESAME_API const char *sesame_last_error_message(void);

/* Seconds until a retry can succeed, after SESAME_E_RATE_LIMITED on this thread; 0 otherwise. */
SESAME_API int64_t sesame_last_error_retry_after(void);

/* Which throttle refused, after SESAME_E_RATE_LIMITED on this thread: "cooldown" (a code was just
 * sent: enter it, or ask again after the retry time), "hourly_quota", "daily_quota", "ip",
 * "locked", "country" (text messages to that country are off; waiting does not help) or
 * "sms_paused"; "" after any other failure. Static text, never NULL. Thread-safe (thread-local).
 * Later versions may add reasons. */
SESAME_API const char *sesame_last_error_reason(void);

/* What the last call on this thread ignored, whether it succeeded or failed: a JSON array of
 * strings, "[]" when nothing ("unknown field \"client.colour\" ignored: ..."). Every call that
 * returns a status starts a new list; at most 32 are kept. Owned by the library, valid until the
 * thread's next call. Thread-safe (thread-local). Check it in development and tests: a misspelled
 * field is ignored, not refused. */
SESAME_API const char *sesame_last_warnings(void);

/* SESAME_VERSION_NUMBER of the library actually loaded, and its version text. Thread-safe. */
SESAME_API int32_t sesame_version_number(void);
SESAME_API const char *sesame_version_string(void);

/* ---- Buffers and sinks -------------------------------------------------------------------- */

/* Bytes the library hands to the caller (UTF-8 JSON, NUL-terminated; size excludes the NUL).
 * Release with sesame_buf_free, which zeroes the struct; freeing a zeroed buf is a no-op. */
typedef struct sesame_buf {
    char *data;
    size_t size;
} sesame_buf;

SESAME_API void sesame_buf_free(sesame_buf *buf);

/* Where a callback writes what it returns (JSON, an error message). Owned by the library and valid
 * only during the callback; the callback never allocates memory for the library. */
typedef struct sesame_sink sesame_sink;

/* Appends bytes. SESAME_E_INVALID_ARGUMENT for a NULL sink or NULL data with size > 0. */
SESAME_API sesame_status sesame_sink_write(sesame_sink *sink, const char *data, size_t size);

/* ---- Plug-in interfaces ------------------------------------------------------------------- */
/* Each vtable is copied by sesame_engine_open. From that call on the engine owns user_data: it
 * calls destroy(user_data) exactly once, when the engine is freed or when the open fails. destroy
 * may be NULL. A callback that fails returns a negative status (SESAME_E_CALLBACK or another code)
 * and may write a message to its error sink; the engine reports SESAME_E_CALLBACK with that message
 * to its caller, records it, and leaves its own state consistent. */

/* Time. Called from any thread that calls into the engine; must be thread-safe. */
typedef struct sesame_clock_vtable {
    uint32_t struct_size;
    void *user_data;
    int64_t (*now)(void *user_data); /* Unix seconds */
    void (*destroy)(void *user_data);
} sesame_clock_vtable;
#define SESAME_CLOCK_VTABLE_INIT {sizeof(sesame_clock_vtable), NULL, NULL, NULL}

#define SESAME_CHANNEL_SMS 0
#define SESAME_CHANNEL_EMAIL 1

typedef struct sesame_outgoing_message {
    uint32_t struct_size;
    int64_t message_id;
    int64_t agency_id;
    int32_t channel; /* SESAME_CHANNEL_* */
    const char *to;
    const char *from;
    const char *subject; /* "" for SMS */
    const char *body;    /* the whole text, code included: never log it */
} sesame_outgoing_message;

#define SESAME_DELIVERY_SENT 0
#define SESAME_DELIVERY_FAILED 1
#define SESAME_DELIVERY_OPTED_OUT 2 /* the provider says the recipient opted out */

/* Delivery of one channel's live messages. send runs on the thread that calls sesame_login_start
 * (when messages are delivered immediately) or sesame_engine_dispatch, one message at a time. It
 * sets *out_outcome to SESAME_DELIVERY_*; on SESAME_DELIVERY_FAILED it may write the reason to
 * `error`. A negative return is treated as a failed delivery with the error text recorded. */
typedef struct sesame_transport_vtable {
    uint32_t struct_size;
    void *user_data;
    sesame_status (*send)(void *user_data, int32_t *out_outcome, const sesame_outgoing_message *message,
                          sesame_sink *error);
    void (*destroy)(void *user_data);
} sesame_transport_vtable;
#define SESAME_TRANSPORT_VTABLE_INIT {sizeof(sesame_transport_vtable), NULL, NULL, NULL}

/* The host's own case system as the source of clients and contacts (and, where given, events,
 * cases and documents). Sesame then keeps only auth state in its store. Every method writes JSON to
 * `out` (schemas in docs/c-store-directory.md) and returns SESAME_OK, SESAME_E_NOT_FOUND, or a failure. Called
 * from any thread that calls into the engine, possibly at once: must be thread-safe.
 * Optional methods may be NULL. */
typedef struct sesame_directory_vtable {
    uint32_t struct_size;
    void *user_data;
    /* Required. A JSON array of {"client": <client>, "contact": <contact>}: every contact of the
     * agency whose normalised value (E.164 or lower-cased email) is `value`, with its client. */
    sesame_status (*find_owners)(void *user_data, sesame_sink *out, sesame_sink *error, int64_t agency_id,
                                 const char *value);
    /* Required. The client's record, or SESAME_E_NOT_FOUND. */
    sesame_status (*get_client)(void *user_data, sesame_sink *out, sesame_sink *error, int64_t agency_id,
                                int64_t client_id);
    /* Required. A JSON array of the client's contacts. */
    sesame_status (*list_contacts)(void *user_data, sesame_sink *out, sesame_sink *error, int64_t agency_id,
                                   int64_t client_id);
    void (*destroy)(void *user_data);
    /* Optional (NULL: the client has none). A JSON array of the client's events, cases or
     * documents, each a record as sesame_event_get / sesame_case_get / sesame_document_get return
     * it, "id", "agency_id" and "client_id" required. Sesame drops rows of any other client and
     * orders events itself. Appended in 0.1: read only when struct_size covers them. */
    sesame_status (*list_events)(void *user_data, sesame_sink *out, sesame_sink *error, int64_t agency_id,
                                 int64_t client_id);
    sesame_status (*list_cases)(void *user_data, sesame_sink *out, sesame_sink *error, int64_t agency_id,
                                int64_t client_id);
    sesame_status (*list_documents)(void *user_data, sesame_sink *out, sesame_sink *error, int64_t agency_id,
                                    int64_t client_id);
} sesame_directory_vtable;
#define SESAME_DIRECTORY_VTABLE_INIT {sizeof(sesame_directory_vtable), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/* All persistence, supplied by the host. One entry point: `method` names a Store operation and
 * `request` is its arguments as a JSON object; the result goes to `out` as JSON. docs/c-store-directory.md lists
 * every method with its request, its result and the atomicity it must guarantee (the store
 * conformance suite checks them). Must be thread-safe. */
typedef struct sesame_store_vtable {
    uint32_t struct_size;
    void *user_data;
    sesame_status (*call)(void *user_data, sesame_sink *out, sesame_sink *error, const char *method,
                          const char *request);
    void (*destroy)(void *user_data);
} sesame_store_vtable;
#define SESAME_STORE_VTABLE_INIT {sizeof(sesame_store_vtable), NULL, NULL, NULL}

/* Receives every audit event (a JSON object) after it is stored, on the thread of the operation
 * that caused it. Must not call back into the engine. */
typedef struct sesame_event_sink_vtable {
    uint32_t struct_size;
    void *user_data;
    void (*on_audit)(void *user_data, const char *event_json);
    void (*destroy)(void *user_data);
} sesame_event_sink_vtable;
#define SESAME_EVENT_SINK_VTABLE_INIT {sizeof(sesame_event_sink_vtable), NULL, NULL, NULL}

/* ---- The engine --------------------------------------------------------------------------- */

typedef struct sesame_engine sesame_engine;

#define SESAME_STORE_SQLITE 0 /* default: one file at sqlite_path */
#define SESAME_STORE_MEMORY 1 /* nothing persists: tests and demos */
#define SESAME_STORE_CUSTOM 2 /* the host's sesame_store_vtable */

typedef struct sesame_engine_options {
    uint32_t struct_size;
    int32_t store_kind;          /* SESAME_STORE_* */
    const char *sqlite_path;     /* SESAME_STORE_SQLITE: created when absent */
    int32_t sqlite_synchronous_full; /* 0: synchronous=NORMAL (default), 1: FULL */
    const uint8_t *master_key;   /* 32 bytes, or NULL and key_file */
    size_t master_key_size;
    const char *key_file;        /* created with mode 0600 when absent */
    const sesame_store_vtable *store;           /* SESAME_STORE_CUSTOM */
    const sesame_clock_vtable *clock;           /* NULL: the system clock */
    const sesame_transport_vtable *sms_transport;   /* NULL: live SMS stays queued */
    const sesame_transport_vtable *email_transport; /* NULL: live email stays queued */
    const sesame_directory_vtable *directory;   /* NULL: the store's own clients and contacts */
    const sesame_event_sink_vtable *event_sink; /* NULL: audit events are only stored */
    int32_t deliver_immediately; /* 1 (default): live messages are sent inside sesame_login_start */
    /* Appended fields: read only when struct_size covers them. */
    const char *blob_dir;        /* folder for uploaded files (created 0700); NULL: uploads are off */
} sesame_engine_options;
#define SESAME_ENGINE_OPTIONS_INIT \
    {sizeof(sesame_engine_options), SESAME_STORE_SQLITE, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL}

SESAME_API void sesame_engine_options_init(sesame_engine_options *options);

/* Opens an engine. Errors: INVALID_ARGUMENT (NULL out or options, bad struct_size, both or neither
 * of master_key and key_file, a key that is not 32 bytes, a vtable without its required methods),
 * STORAGE, CORRUPT, VERSION_MISMATCH (the SQLite file), CRYPTO. On failure *out is NULL and every
 * vtable's destroy has been called. Thread-safe. */
SESAME_API sesame_status sesame_engine_open(sesame_engine **out, const sesame_engine_options *options);

/* Releases the engine and calls each vtable's destroy once. NULL is a no-op. No other call on this
 * engine may be running or follow. */
SESAME_API void sesame_engine_free(sesame_engine *engine);

/* ---- Login and sessions (typed; the calls every portal page makes) ------------------------ */

/* What the host knows of the visitor's request. NULL means unknown. */
typedef struct sesame_request {
    uint32_t struct_size;
    const char *ip;
    const char *user_agent;
} sesame_request;
#define SESAME_REQUEST_INIT {sizeof(sesame_request), NULL, NULL}

typedef struct sesame_login_started {
    uint32_t struct_size;
    char challenge_id[64];
    int32_t channel;             /* SESAME_CHANNEL_* */
    char masked_destination[128]; /* "•••-•••-4567", "a•••@example.org" */
    int64_t expires_at;          /* Unix seconds */
    int64_t resend_after;        /* earliest time a new code can be sent */
} sesame_login_started;
#define SESAME_LOGIN_STARTED_INIT {sizeof(sesame_login_started), {0}, 0, {0}, 0, 0}

/* Sends a one-time code to the phone or email in `identifier`. Errors, in this order:
 * AUTH_DISABLED, RATE_LIMITED, CONTACT_NOT_FOUND, CONTACT_INELIGIBLE, CHANNEL_UNAVAILABLE; also
 * INVALID_ARGUMENT (not a phone or email), NOT_FOUND (portal), STORAGE, CALLBACK. Thread-safe. */
SESAME_API sesame_status sesame_login_start(sesame_login_started *out, sesame_engine *engine, int64_t portal_id,
                                            const char *identifier, const sesame_request *request);

#define SESAME_MAX_CLIENT_IDS 16

typedef struct sesame_login_verified {
    uint32_t struct_size;
    char token[64];      /* the session token, returned once: put it in a cookie, wipe this copy */
    char session_id[64];
    int64_t client_id;   /* 0 when several clients share the contact: the person chooses */
    size_t client_count; /* how many clients the contact belongs to */
    int64_t expires_at;  /* absolute expiry */
    int64_t idle_expires_at;
    char assurance[8];   /* "aal1": one factor, always */
    /* The first min(client_count, SESAME_MAX_CLIENT_IDS) of those clients' ids, ascending; the
     * whole list with display names is sesame_session_choices. */
    int64_t client_ids[SESAME_MAX_CLIENT_IDS];
} sesame_login_verified;
#define SESAME_LOGIN_VERIFIED_INIT {sizeof(sesame_login_verified), {0}, {0}, 0, 0, 0, 0, {0}, {0}}

/* Checks a code. VERIFY_FAILED for every wrong, expired, used, superseded or locked code; also
 * AUTH_DISABLED, RATE_LIMITED, NOT_FOUND (portal), STORAGE. Thread-safe. */
SESAME_API sesame_status sesame_login_verify(sesame_login_verified *out, sesame_engine *engine, int64_t portal_id,
                                             const char *challenge_id, const char *code,
                                             const sesame_request *request);

typedef struct sesame_session_info {
    uint32_t struct_size;
    char session_id[64];
    int64_t portal_id;
    int64_t agency_id;
    int64_t client_id; /* 0 until chosen */
    int64_t created_at;
    int64_t idle_expires_at;
    int64_t absolute_expires_at;
    char assurance[8];
} sesame_session_info;
#define SESAME_SESSION_INFO_INIT {sizeof(sesame_session_info), {0}, 0, 0, 0, 0, 0, 0, {0}}

/* The clients a session may act for, as a JSON array of {"client_id", "display_name"}.
 * SESSION_INVALID for a dead token. Thread-safe. */
SESAME_API sesame_status sesame_session_choices(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                                const char *token);
/* Binds the client the person chose. SESSION_INVALID, FAILED_PRECONDITION (already chosen),
 * NOT_FOUND (not one of the choices). Thread-safe. */
SESAME_API sesame_status sesame_session_select(sesame_session_info *out, sesame_engine *engine, int64_t portal_id,
                                               const char *token, int64_t client_id);
/* The session behind a token. SESSION_INVALID, SELECTION_REQUIRED. Thread-safe. */
SESAME_API sesame_status sesame_session_check(sesame_session_info *out, sesame_engine *engine, int64_t portal_id,
                                              const char *token);
/* Ends the session on the server. SESSION_INVALID when it is not live. Thread-safe. */
SESAME_API sesame_status sesame_session_logout(sesame_engine *engine, int64_t portal_id, const char *token);

/* A portal's public record by slug (JSON). NOT_FOUND. Thread-safe. */
SESAME_API sesame_status sesame_portal_find(sesame_buf *out_json, sesame_engine *engine, const char *slug);

/* Hands up to `limit` queued live messages to their transports; *out_sent counts the sent ones.
 * Thread-safe. */
SESAME_API sesame_status sesame_engine_dispatch(int64_t *out_sent, sesame_engine *engine, size_t limit);
/* Deletes used, expired and superseded challenges, dead sessions and stale counters; returns
 * {"challenges": n, "sessions": n, "counters": n}. Thread-safe. */
SESAME_API sesame_status sesame_engine_sweep(sesame_buf *out_json, sesame_engine *engine);

/* ---- Staff operations (JSON records) ------------------------------------------------------ */

/* A member of agency staff, as the host authenticated them. */
typedef struct sesame_actor {
    uint32_t struct_size;
    const char *id;                  /* recorded in the audit log */
    int64_t agency_id;               /* the actor's agency (ignored for a super admin) */
    const char *const *permissions;  /* "create_portals", "update_clients", "view_messages", ... */
    size_t permission_count;
    int32_t super_admin;             /* non-zero: every agency, every permission */
} sesame_actor;
#define SESAME_ACTOR_INIT {sizeof(sesame_actor), NULL, 0, NULL, 0, 0}

/* Each call below checks the actor's permission (PERMISSION_DENIED), answers NOT_FOUND for objects
 * of an agency the actor may not see, validates the JSON record (INVALID_ARGUMENT naming the field),
 * and returns the stored record as JSON in *out_json. All are thread-safe. */
SESAME_API sesame_status sesame_agency_create(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              const char *agency_json);
SESAME_API sesame_status sesame_agency_update(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              const char *agency_json);
SESAME_API sesame_status sesame_agency_get(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                           int64_t agency_id);
SESAME_API sesame_status sesame_agency_phone_add(sesame_buf *out_json, sesame_engine *engine,
                                                 const sesame_actor *actor, const char *phone_json);
SESAME_API sesame_status sesame_agency_phone_update(sesame_buf *out_json, sesame_engine *engine,
                                                    const sesame_actor *actor, const char *phone_json);
SESAME_API sesame_status sesame_agency_phone_list(sesame_buf *out_json, sesame_engine *engine,
                                                  const sesame_actor *actor, int64_t agency_id);
SESAME_API sesame_status sesame_agency_email_add(sesame_buf *out_json, sesame_engine *engine,
                                                 const sesame_actor *actor, const char *email_json);
SESAME_API sesame_status sesame_agency_email_list(sesame_buf *out_json, sesame_engine *engine,
                                                  const sesame_actor *actor, int64_t agency_id);
SESAME_API sesame_status sesame_template_set(sesame_engine *engine, const sesame_actor *actor,
                                             const char *template_json);

SESAME_API sesame_status sesame_portal_create(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              const char *portal_json);
SESAME_API sesame_status sesame_portal_update(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              const char *portal_json);
SESAME_API sesame_status sesame_portal_get(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                           int64_t portal_id);
SESAME_API sesame_status sesame_portal_list(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                            int64_t agency_id);

SESAME_API sesame_status sesame_client_create(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              const char *client_json);
SESAME_API sesame_status sesame_client_update(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              const char *client_json);
SESAME_API sesame_status sesame_client_get(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                           int64_t client_id);
SESAME_API sesame_status sesame_client_list(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                            int64_t agency_id);
/* Deletes a client that has nothing attached beyond its contacts, with those contacts, in one store
 * transaction (update_clients). FAILED_PRECONDITION, naming what is attached, while it has messages,
 * sessions, events, cases, documents or uploads: archive it instead. Audited. */
SESAME_API sesame_status sesame_client_delete(sesame_engine *engine, const sesame_actor *actor, int64_t client_id);

SESAME_API sesame_status sesame_contact_add(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                            const char *contact_json);
SESAME_API sesame_status sesame_contact_update(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                               const char *contact_json);
SESAME_API sesame_status sesame_contact_list(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                             int64_t client_id);
/* Ends the sessions made with the contact and its client's sessions, then deletes the contact
 * (update_clients). The messages sent to it stay in the client's history. Audited. */
SESAME_API sesame_status sesame_contact_remove(sesame_engine *engine, const sesame_actor *actor, int64_t contact_id);

/* The client's messages, newest first: simulated ones whole, live ones with the code redacted.
 * Needs view_messages. */
SESAME_API sesame_status sesame_message_feed(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                             int64_t client_id, size_t limit);
/* The client's sessions (needs update_clients). */
SESAME_API sesame_status sesame_client_sessions(sesame_buf *out_json, sesame_engine *engine,
                                                const sesame_actor *actor, int64_t client_id);
SESAME_API sesame_status sesame_client_sessions_revoke(int64_t *out_count, sesame_engine *engine,
                                                       const sesame_actor *actor, int64_t client_id);
/* Newest first. A super admin, or view_audit for the actor's own agency. */
SESAME_API sesame_status sesame_audit_log(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                          int64_t agency_id, size_t limit);

/* ---- Content: events, cases and documents assigned to clients ----------------------------- */

/* Staff calls, as above. create takes a record without "id" (Sesame assigns it and created_at);
 * "agency_id" may be left out or 0: it is the client's. Required: "client_id" and "date" (event),
 * "client_id" (case), "client_id" and "name" (document). update takes "id" and the fields to
 * change; "agency_id" and "client_id" cannot change. get takes the row's id, list a client id.
 * Permissions: create_events / update_events, create_cases / update_cases, create_documents /
 * update_documents; get and list need only the agency. INVALID_ARGUMENT names the field: a date
 * not YYYY-MM-DD, a time not HH:MM, text too long, a case_id / event_id of another client. Events
 * are listed by date, time, id; cases and documents by id. All are thread-safe. */
SESAME_API sesame_status sesame_event_create(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                             const char *event_json);
SESAME_API sesame_status sesame_event_update(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                             const char *event_json);
SESAME_API sesame_status sesame_event_get(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                          int64_t event_id);
SESAME_API sesame_status sesame_event_list(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                           int64_t client_id);
/* Deletes an event (update_events). FAILED_PRECONDITION, naming the document, while a document is
 * linked to it: update that document without "event_id" first. Audited. */
SESAME_API sesame_status sesame_event_delete(sesame_engine *engine, const sesame_actor *actor, int64_t event_id);
SESAME_API sesame_status sesame_case_create(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                            const char *case_json);
SESAME_API sesame_status sesame_case_update(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                            const char *case_json);
SESAME_API sesame_status sesame_case_get(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                         int64_t case_id);
SESAME_API sesame_status sesame_case_list(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                          int64_t client_id);
SESAME_API sesame_status sesame_document_create(sesame_buf *out_json, sesame_engine *engine,
                                                const sesame_actor *actor, const char *document_json);
SESAME_API sesame_status sesame_document_update(sesame_buf *out_json, sesame_engine *engine,
                                                const sesame_actor *actor, const char *document_json);
SESAME_API sesame_status sesame_document_get(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                             int64_t document_id);
SESAME_API sesame_status sesame_document_list(sesame_buf *out_json, sesame_engine *engine, const sesame_actor *actor,
                                              int64_t client_id);

/* What the client logged in with `token` may read of their own, as a JSON array, from the
 * directory (the host's, when one is plugged in). The session is checked as sesame_session_check
 * checks it, and counts as activity: SESSION_INVALID, SELECTION_REQUIRED; CALLBACK when the host's
 * directory fails. sesame_client_events lists the events dated from_date ("YYYY-MM-DD", the
 * agency's today; INVALID_ARGUMENT otherwise) or later, by date, time, id. Thread-safe. */
SESAME_API sesame_status sesame_client_events(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                              const char *token, const char *from_date);
SESAME_API sesame_status sesame_client_cases(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                             const char *token);
SESAME_API sesame_status sesame_client_documents(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                                 const char *token);

/* ---- Navigation: sidebar items and gated calendars and forms of a portal ------------------ */

/* Staff calls, as above. create takes a record without "id" (Sesame assigns it and created_at);
 * "agency_id" is always the portal's, whatever is given. Required: "portal_id", "title" and "link"
 * (sidebar item); "portal_id", "kind", "slug" and "title" (gated resource). update takes "id" and
 * the fields to change; "portal_id" cannot change. get takes the row's id, list a portal id; delete
 * removes the row. create, update and delete need update_portals; get and list need only the
 * agency. INVALID_ARGUMENT names the field: a title empty, over 200 bytes or with control
 * characters; a link that is not a path starting with one "/" or an https:// URL (javascript:,
 * data:, "//host" are refused); order outside 0..10000; a slug not [a-z0-9-]{1,63}.
 * ALREADY_EXISTS when the portal has a resource of that kind and slug. Titles are stored verbatim:
 * escape them when rendering HTML. Items are listed by order, then id; resources by kind
 * (calendars first), slug, id. All are thread-safe. */
SESAME_API sesame_status sesame_sidebar_item_create(sesame_buf *out_json, sesame_engine *engine,
                                                    const sesame_actor *actor, const char *item_json);
SESAME_API sesame_status sesame_sidebar_item_update(sesame_buf *out_json, sesame_engine *engine,
                                                    const sesame_actor *actor, const char *item_json);
SESAME_API sesame_status sesame_sidebar_item_get(sesame_buf *out_json, sesame_engine *engine,
                                                 const sesame_actor *actor, int64_t item_id);
SESAME_API sesame_status sesame_sidebar_item_delete(sesame_engine *engine, const sesame_actor *actor, int64_t item_id);
SESAME_API sesame_status sesame_sidebar_item_list(sesame_buf *out_json, sesame_engine *engine,
                                                  const sesame_actor *actor, int64_t portal_id);
SESAME_API sesame_status sesame_gated_resource_create(sesame_buf *out_json, sesame_engine *engine,
                                                      const sesame_actor *actor, const char *resource_json);
SESAME_API sesame_status sesame_gated_resource_update(sesame_buf *out_json, sesame_engine *engine,
                                                      const sesame_actor *actor, const char *resource_json);
SESAME_API sesame_status sesame_gated_resource_get(sesame_buf *out_json, sesame_engine *engine,
                                                   const sesame_actor *actor, int64_t resource_id);
SESAME_API sesame_status sesame_gated_resource_delete(sesame_engine *engine, const sesame_actor *actor,
                                                      int64_t resource_id);
SESAME_API sesame_status sesame_gated_resource_list(sesame_buf *out_json, sesame_engine *engine,
                                                    const sesame_actor *actor, int64_t portal_id);

/* Visitor calls. `token` is the visitor's session token, or NULL when there is none. A visitor
 * "has a session" when the token is a live session of this portal bound to a client (checked as
 * sesame_session_check checks it, counting as activity); a dead, unknown or unbound token is no
 * session, never an error. NOT_FOUND for an unknown portal.
 *
 * sesame_sidebar: the items to show, as a JSON array of sidebar item records: public items always,
 * private ones only to a visitor with a session, and to nobody while the portal's Client
 * Authentication is disabled. Thread-safe. */
SESAME_API sesame_status sesame_sidebar(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                        const char *token);

/* What sesame_can_access answers in *out_access. */
#define SESAME_ACCESS_ALLOWED 0        /* show it */
#define SESAME_ACCESS_LOGIN_REQUIRED 1 /* send the visitor to the login page first */
#define SESAME_ACCESS_UNAVAILABLE 2    /* it needs a login and Client Authentication is disabled */

/* The one check before showing a calendar or form. `kind` is "calendar" or "form"
 * (INVALID_ARGUMENT otherwise). ALLOWED when the resource does not require login or the visitor has
 * a session; UNAVAILABLE when it requires login and the portal's Client Authentication is disabled;
 * LOGIN_REQUIRED otherwise. NOT_FOUND when the portal has no resource of that kind and slug.
 * Thread-safe. */
SESAME_API sesame_status sesame_can_access(int32_t *out_access, sesame_engine *engine, int64_t portal_id,
                                           const char *token, const char *kind, const char *slug);

/* ---- Uploads: photos and documents from clients, files on assigned documents ------------- */

/* Every call that touches a file needs options.blob_dir: without it FAILED_PRECONDITION. A file's
 * type comes from its first bytes (JPEG, PNG, HEIC, PDF), never from its name; the name is kept
 * only as a safe display name. A stored file that was changed or removed on disk is CORRUPT when
 * read. Records are JSON (docs/c-api.md): an upload is {"id", "agency_id", "portal_id",
 * "client_id", "kind", "file_name", "content_type", "size", "sha256", "created_at"}; a policy is
 * {"portal_id", "allow_photos", "allow_documents", "max_bytes"}. A download hands the bytes in
 * *out_bytes and {"content_type", "file_name", "size"} in *out_json; release both with
 * sesame_buf_free. All are thread-safe. */
#define SESAME_UPLOAD_PHOTO 0    /* JPEG, PNG or HEIC */
#define SESAME_UPLOAD_DOCUMENT 1 /* PDF, or a JPEG, PNG or HEIC photo of the paper */

/* A logged-in client uploads `size` bytes. Checked in this order: INVALID_ARGUMENT over 50 MiB;
 * SESSION_INVALID, SELECTION_REQUIRED; INVALID_ARGUMENT over the portal's max_bytes;
 * PERMISSION_DENIED when the portal takes no uploads of that kind; INVALID_ARGUMENT when the bytes
 * are not a type the kind accepts. *out_json: the upload record. */
SESAME_API sesame_status sesame_upload(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                       const char *token, int32_t kind, const char *file_name,
                                       const uint8_t *bytes, size_t size);
/* The client's own uploads, a JSON array by id. */
SESAME_API sesame_status sesame_uploads_list(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                             const char *token);
/* One of the client's own uploads; another client's is NOT_FOUND. */
SESAME_API sesame_status sesame_upload_download(sesame_buf *out_bytes, sesame_buf *out_json, sesame_engine *engine,
                                                int64_t portal_id, const char *token, int64_t upload_id);
/* The file of a document assigned to this client; NOT_FOUND for another client's document or one
 * without a file. */
SESAME_API sesame_status sesame_document_download(sesame_buf *out_bytes, sesame_buf *out_json,
                                                  sesame_engine *engine, int64_t portal_id, const char *token,
                                                  int64_t document_id);

/* Staff. get: agency visibility; the defaults (all off, 10 MiB) when none was set. set:
 * update_portals; policy_json needs "portal_id", the other fields default to the current policy;
 * INVALID_ARGUMENT when max_bytes is outside 1024..52428800. */
SESAME_API sesame_status sesame_upload_policy_get(sesame_buf *out_json, sesame_engine *engine,
                                                  const sesame_actor *actor, int64_t portal_id);
SESAME_API sesame_status sesame_upload_policy_set(sesame_buf *out_json, sesame_engine *engine,
                                                  const sesame_actor *actor, const char *policy_json);
/* update_documents: stores the file of a document (replacing any earlier one); PDF, JPEG, PNG or
 * HEIC up to 50 MiB. *out_json: {"document_id", "file_name", "content_type", "size", "sha256",
 * "created_at"}. */
SESAME_API sesame_status sesame_document_attach(sesame_buf *out_json, sesame_engine *engine,
                                                const sesame_actor *actor, int64_t document_id,
                                                const char *file_name, const uint8_t *bytes, size_t size);
/* Agency visibility: a client's uploads (JSON array by id), and one upload's bytes (audited). */
SESAME_API sesame_status sesame_upload_staff_list(sesame_buf *out_json, sesame_engine *engine,
                                                  const sesame_actor *actor, int64_t client_id);
SESAME_API sesame_status sesame_upload_staff_download(sesame_buf *out_bytes, sesame_buf *out_json,
                                                      sesame_engine *engine, const sesame_actor *actor,
                                                      int64_t upload_id);
/* update_clients: deletes the upload's record and its file. */
SESAME_API sesame_status sesame_upload_delete(sesame_engine *engine, const sesame_actor *actor, int64_t upload_id);

/* ---- Dashboard: the page a logged-in client sees ------------------------------------------- */

/* Staff calls on a portal's dashboard templates, one per language (docs/merge-tags.md for the
 * syntax). A template is the JSON object {"portal_id", "language", "text", "updated_at"}. set
 * stores `text` as the portal's template in `language` (ISO 639-1, two lower-case letters),
 * replacing any, and answers the stored record; the text is checked when saved and an unknown tag
 * or bad syntax is INVALID_ARGUMENT naming its line and column, with nothing written. get answers
 * one template (NOT_FOUND when the portal has none in that language), list all of the portal's by
 * language. set and delete need update_portals and are audited; get and list need only the
 * portal's agency. Another agency's portal is NOT_FOUND. All are thread-safe. */
SESAME_API sesame_status sesame_dashboard_template_set(sesame_buf *out_json, sesame_engine *engine,
                                                       const sesame_actor *actor, int64_t portal_id,
                                                       const char *language, const char *text);
SESAME_API sesame_status sesame_dashboard_template_get(sesame_buf *out_json, sesame_engine *engine,
                                                       const sesame_actor *actor, int64_t portal_id,
                                                       const char *language);
SESAME_API sesame_status sesame_dashboard_template_list(sesame_buf *out_json, sesame_engine *engine,
                                                        const sesame_actor *actor, int64_t portal_id);
SESAME_API sesame_status sesame_dashboard_template_delete(sesame_engine *engine, const sesame_actor *actor,
                                                          int64_t portal_id, const char *language);

/* The dashboard of the client logged in with `token`, as UTF-8 HTML in *out_html, every value
 * escaped. The session is checked as sesame_session_check checks it, and counts as activity:
 * SESSION_INVALID, SELECTION_REQUIRED; CALLBACK when the host's directory fails. The template is
 * the portal's in the client's language, else in the portal's default language, else a built-in
 * one. Thread-safe. */
SESAME_API sesame_status sesame_dashboard_render(sesame_buf *out_html, sesame_engine *engine, int64_t portal_id,
                                                 const char *token);

/* ---- Profile: the portal's profile policy and the client's own profile ------------------- */

/* The profile fields are "first_name", "middle_name", "last_name", "dob", "gender", "language",
 * "client_reference", "type", "group", "status", and the contact kinds "phone" and "email". Each
 * has a policy, "editable", "read_only" or "hidden"; a field staff never set has its default:
 * names, dob, client_reference and gender read_only; language editable; type, group and status
 * hidden; phone and email read_only.
 *
 * Staff calls. sesame_profile_policy_set replaces the portal's whole policy with the JSON object
 * `policy_json` of field -> policy word (a field left out falls back to its default) and needs
 * update_portals; sesame_profile_policy_get needs only the portal's agency. Both answer the
 * effective policy: a JSON object with every profile field. INVALID_ARGUMENT naming the field for
 * a name that is not a profile field or a word that is not a policy (nothing is written);
 * NOT_FOUND for a portal the actor may not see. Thread-safe. */
SESAME_API sesame_status sesame_profile_policy_set(sesame_buf *out_json, sesame_engine *engine,
                                                   const sesame_actor *actor, int64_t portal_id,
                                                   const char *policy_json);
SESAME_API sesame_status sesame_profile_policy_get(sesame_buf *out_json, sesame_engine *engine,
                                                   const sesame_actor *actor, int64_t portal_id);

/* Visitor calls: `token` is checked as sesame_session_check checks it, and counts as activity
 * (SESSION_INVALID, SELECTION_REQUIRED); NOT_FOUND for an unknown portal.
 *
 * sesame_profile_get answers {"client_id": n, "fields": [{"name", "value", "policy"}], "phone":
 * policy or null, "email": policy or null, "contacts": [contact records]}: hidden fields are left
 * out entirely, and contacts are listed only for the kinds that are not hidden (null). Values are
 * stored verbatim: escape them when rendering HTML. Thread-safe. */
SESAME_API sesame_status sesame_profile_get(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                            const char *token);

/* Changes the client's own fields, all or nothing: `changes_json` is a JSON object of field ->
 * new value (a string). PERMISSION_DENIED naming the first field that is read_only or hidden;
 * INVALID_ARGUMENT naming a field that is not a profile field, "phone" or "email" (use
 * sesame_contact_change_request), a value that is not a string, a dob that is not a real
 * YYYY-MM-DD, a language that is not ISO 639-1, text over 200 bytes or with control characters;
 * FAILED_PRECONDITION when the engine's client records come from a host directory. Nothing is
 * written on any refusal. Answers the profile after the change, as sesame_profile_get. Audited by
 * field name, never the values. Thread-safe. */
SESAME_API sesame_status sesame_profile_update(sesame_buf *out_json, sesame_engine *engine, int64_t portal_id,
                                               const char *token, const char *changes_json);

typedef struct sesame_contact_change_started {
    uint32_t struct_size;
    char challenge_id[64];
    int32_t channel;              /* SESAME_CHANNEL_*: where the code went */
    char masked_destination[128]; /* the NEW value, masked: "•••-•••-4567", "a•••@example.org" */
    int64_t expires_at;           /* Unix seconds */
    int64_t resend_after;         /* earliest time another code can be sent to that value */
} sesame_contact_change_started;
#define SESAME_CONTACT_CHANGE_STARTED_INIT {sizeof(sesame_contact_change_started), {0}, 0, {0}, 0, 0}

/* Sends a one-time code to a new phone or email of the logged-in client, as sesame_login_start
 * sends one (same code length, TTL, attempt limit, throttles, templates, simulate feed). `kind` is
 * "phone" or "email"; `value` is read as sesame_login_start reads an identifier;
 * `replaces_contact_id` names the client's contact that gets the new value once confirmed, or 0 to
 * add a contact. PERMISSION_DENIED unless the kind is editable; INVALID_ARGUMENT for a bad kind or
 * value, or a replaced contact of the other kind; ALREADY_EXISTS when the client already has the
 * value; NOT_FOUND when replaces_contact_id is not one of the client's contacts;
 * FAILED_PRECONDITION for a host directory; RATE_LIMITED, CHANNEL_UNAVAILABLE. Thread-safe. */
SESAME_API sesame_status sesame_contact_change_request(sesame_contact_change_started *out, sesame_engine *engine,
                                                       int64_t portal_id, const char *token, const char *kind,
                                                       const char *value, int64_t replaces_contact_id,
                                                       const sesame_request *request);

typedef struct sesame_contact_change_confirmed {
    uint32_t struct_size;
    int64_t contact_id;       /* the contact added, or the one that got the new value */
    int32_t replaced;         /* 1: an existing contact got the new value; 0: a contact was added */
    int64_t sessions_revoked; /* the client's other sessions, ended; the current one stays */
} sesame_contact_change_confirmed;
#define SESAME_CONTACT_CHANGE_CONFIRMED_INIT {sizeof(sesame_contact_change_confirmed), 0, 0, 0}

/* Checks the code of a contact change as sesame_login_verify checks a login code: VERIFY_FAILED
 * for every wrong, expired, used, superseded or locked code, for a login's challenge, and for a
 * challenge another session asked for; a contact change's code never logs anyone in. Then the
 * contact is added or updated and every other session of the client is revoked. Also
 * PERMISSION_DENIED (the kind is no longer editable), ALREADY_EXISTS, RATE_LIMITED. Thread-safe. */
SESAME_API sesame_status sesame_contact_change_confirm(sesame_contact_change_confirmed *out, sesame_engine *engine,
                                                       int64_t portal_id, const char *token,
                                                       const char *challenge_id, const char *code,
                                                       const sesame_request *request);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SESAME_H */
