/* The seed's "Log In as a Test Client", end to end, from plain C99 through sesame.h.
 *
 * The agency stays in simulate mode, so no message leaves the process: as the seed's tip says, the
 * code is read back from the client's message feed, the way staff read it on the client edit
 * screen. Run it with no argument for an in-memory store, or with a path to keep a SQLite database
 * (the master key then goes to PATH.key, created with mode 0600).
 *
 * Exit status: 0 when every step worked, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sesame/sesame.h"

/* Prints one step's outcome; on failure the status name and the library's own explanation. */
static int check(sesame_status status, const char *step) {
    if (status == SESAME_OK) {
        printf("ok    %s\n", step);
        return 1;
    }
    fprintf(stderr, "FAIL  %s: %s: %s\n", step, sesame_status_name(status), sesame_last_error_message());
    return 0;
}

/* The value of the first integer field `name` in a JSON object written by Sesame. Sesame writes
 * compact JSON, and the key is searched with its opening quote, so "id" never matches the end of
 * "agency_id". 0 when absent. */
static int64_t json_int(const char *json, const char *name) {
    char key[64];
    const char *at;
    if (json == NULL || strlen(name) + 4 > sizeof key) return 0;
    sprintf(key, "\"%s\":", name);
    at = strstr(json, key);
    if (at == NULL) return 0;
    return (int64_t)strtoll(at + strlen(key), NULL, 10);
}

/* Copies the string field `name` of the first object in `json` into out (without unescaping:
 * the digits of a code never need it). 0 when absent or too long. */
static int json_text(const char *json, const char *name, char *out, size_t out_size) {
    char key[64];
    const char *at;
    size_t n = 0;
    if (json == NULL || strlen(name) + 5 > sizeof key) return 0;
    sprintf(key, "\"%s\":\"", name);
    at = strstr(json, key);
    if (at == NULL) return 0;
    at += strlen(key);
    while (at[n] != '\0' && at[n] != '"') {
        if (at[n] == '\\' && at[n + 1] != '\0') n++; /* an escaped quote does not end the string */
        n++;
    }
    if (n + 1 > out_size) return 0;
    memcpy(out, at, n);
    out[n] = '\0';
    return 1;
}

/* Finds a run of exactly `digits` decimal digits in text: the code. Shorter runs ("10 minutes")
 * and longer ones are skipped. */
static int find_code(const char *text, int digits, char *out, size_t out_size) {
    const char *p = text;
    while (*p != '\0') {
        if (*p >= '0' && *p <= '9') {
            const char *start = p;
            while (*p >= '0' && *p <= '9') p++;
            if (p - start == digits && (size_t)digits < out_size) {
                memcpy(out, start, (size_t)digits);
                out[digits] = '\0';
                return 1;
            }
        } else {
            p++;
        }
    }
    return 0;
}

/* Secrets are wiped where they were copied; the volatile store keeps the compiler from dropping it. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *b = (volatile unsigned char *)p;
    while (n-- > 0) *b++ = 0;
}

int main(int argc, char **argv) {
    /* Only acceptable because the in-memory store keeps nothing: a real host loads its 32-byte key
     * from a secret store, or names a key_file as the SQLite mode below does. */
    static const uint8_t demo_key[32] = {
        0x5e, 0x5a, 0x4d, 0x45, 0x2d, 0x64, 0x65, 0x6d, 0x6f, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x6f, 0x6e,
        0x6c, 0x79, 0x2d, 0x66, 0x6f, 0x72, 0x2d, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x21, 0x21, 0x21};
    const char *permissions[] = {"create_portals", "update_portals", "create_clients", "update_clients",
                                 "create_contacts", "update_contacts", "view_messages"};
    sesame_engine_options options = SESAME_ENGINE_OPTIONS_INIT;
    sesame_actor admin = SESAME_ACTOR_INIT;
    sesame_request visitor = SESAME_REQUEST_INIT;
    sesame_login_started started = SESAME_LOGIN_STARTED_INIT;
    sesame_login_verified verified = SESAME_LOGIN_VERIFIED_INIT;
    sesame_session_info session = SESAME_SESSION_INFO_INIT;
    sesame_buf buf = {NULL, 0};
    sesame_engine *engine = NULL;
    char key_path[4096];
    char json[512];
    char content[2048];
    char code[16];
    int64_t agency_id = 0, portal_id = 0, client_id = 0;
    sesame_status status;
    int ok = 0;

    printf("Sesame %s (built against %s)\n", sesame_version_string(), SESAME_VERSION_STRING);
    if (sesame_version_number() / 1000000 != SESAME_VERSION_MAJOR) {
        fprintf(stderr, "FAIL  the loaded library is version %s, this program needs %d.x\n", sesame_version_string(),
                SESAME_VERSION_MAJOR);
        return 1;
    }

    if (argc > 1) {
        if (strlen(argv[1]) + 5 > sizeof key_path) {
            fprintf(stderr, "FAIL  the database path is too long\n");
            return 1;
        }
        sprintf(key_path, "%s.key", argv[1]);
        options.store_kind = SESAME_STORE_SQLITE;
        options.sqlite_path = argv[1];
        options.key_file = key_path;
    } else {
        options.store_kind = SESAME_STORE_MEMORY;
        options.master_key = demo_key;
        options.master_key_size = sizeof demo_key;
    }
    if (!check(sesame_engine_open(&engine, &options), "open the engine")) return 1;

    /* A super admin: only a super admin creates agencies and changes their send mode. */
    admin.id = "admin@example.gov";
    admin.permissions = permissions;
    admin.permission_count = sizeof permissions / sizeof permissions[0];
    admin.super_admin = 1;

    /* A new agency starts in staging and simulate mode: nothing is really sent. */
    if (!check(sesame_agency_create(&buf, engine, &admin,
                                    "{\"name\":\"Example County Court\",\"time_zone\":\"America/Chicago\"}"),
               "create the agency"))
        goto done;
    agency_id = json_int(buf.data, "id");
    printf("      agency %lld\n", (long long)agency_id);
    sesame_buf_free(&buf);

    /* Admin > Settings > Agency Phones, with carrier registration complete: SMS codes need it. */
    sprintf(json, "{\"agency_id\":%lld,\"number\":\"+15555550100\",\"registration\":\"complete\"}",
            (long long)agency_id);
    if (!check(sesame_agency_phone_add(&buf, engine, &admin, json), "add the agency phone")) goto done;
    sesame_buf_free(&buf);

    /* Admin > Portals: create the portal, then Edit > Client Authentication = "one-time-password". */
    sprintf(json, "{\"agency_id\":%lld,\"name\":\"Client Portal\",\"slug\":\"client-portal\"}", (long long)agency_id);
    if (!check(sesame_portal_create(&buf, engine, &admin, json), "create the portal")) goto done;
    portal_id = json_int(buf.data, "id");
    sesame_buf_free(&buf);
    sprintf(json, "{\"id\":%lld,\"client_auth\":\"one-time-password\"}", (long long)portal_id);
    if (!check(sesame_portal_update(&buf, engine, &admin, json), "set Client Authentication to one-time-password"))
        goto done;
    sesame_buf_free(&buf);

    /* View Portal: what the host serves at the portal's address. */
    if (!check(sesame_portal_find(&buf, engine, "client-portal"), "find the portal by its slug")) goto done;
    if (!json_text(buf.data, "client_auth", content, sizeof content) || strcmp(content, "one-time-password") != 0) {
        fprintf(stderr, "FAIL  the portal's client_auth is not one-time-password: %s\n", buf.data);
        goto done;
    }
    printf("      portal %lld, client_auth %s\n", (long long)portal_id, content);
    sesame_buf_free(&buf);

    /* Clients > Create Client, with a phone contact. */
    sprintf(json, "{\"agency_id\":%lld,\"client_reference\":\"TEST-1\",\"first_name\":\"Ann\",\"last_name\":\"Lee\"}",
            (long long)agency_id);
    if (!check(sesame_client_create(&buf, engine, &admin, json), "create the test client")) goto done;
    client_id = json_int(buf.data, "id");
    sesame_buf_free(&buf);
    sprintf(json, "{\"client_id\":%lld,\"kind\":\"phone\",\"value\":\"(555) 123-4567\"}", (long long)client_id);
    if (!check(sesame_contact_add(&buf, engine, &admin, json), "add the client's phone")) goto done;
    sesame_buf_free(&buf);

    /* Edit the client: at least one valid contact, no Opted Out badge. */
    if (!check(sesame_contact_list(&buf, engine, &admin, client_id), "list the client's contacts")) goto done;
    if (!json_text(buf.data, "status", content, sizeof content) || strcmp(content, "valid") != 0) {
        fprintf(stderr, "FAIL  the client's contact is not valid: %s\n", buf.data);
        goto done;
    }
    printf("      client %lld has a valid contact\n", (long long)client_id);
    sesame_buf_free(&buf);

    /* The visitor types the phone number and presses Login. */
    visitor.ip = "203.0.113.7";
    visitor.user_agent = "c_login example";
    status = sesame_login_start(&started, engine, portal_id, "(555) 123-4567", &visitor);
    if (!check(status, "start the login with (555) 123-4567")) goto done;
    printf("      a code went by %s to %s; it expires at %lld\n", started.channel == SESAME_CHANNEL_SMS ? "SMS" : "email",
           started.masked_destination, (long long)started.expires_at);

    /* Simulate mode: the code is in the simulated message of the client's feed, newest first. */
    if (!check(sesame_message_feed(&buf, engine, &admin, client_id, 1), "read the client's message feed")) goto done;
    if (!json_text(buf.data, "status", content, sizeof content) || strcmp(content, "simulated") != 0) {
        fprintf(stderr, "FAIL  the newest message is not a simulated one\n");
        goto done;
    }
    if (!json_text(buf.data, "content", content, sizeof content) || !find_code(content, 6, code, sizeof code)) {
        fprintf(stderr, "FAIL  no 6-digit code in the newest message\n");
        goto done;
    }
    wipe(content, sizeof content);
    sesame_buf_free(&buf);
    printf("      found the %d-digit code in the simulated message\n", (int)strlen(code));

    /* The visitor types the code and presses Verify. */
    status = sesame_login_verify(&verified, engine, portal_id, started.challenge_id, code, &visitor);
    wipe(code, sizeof code);
    if (!check(status, "verify the code")) goto done;
    printf("      session %s for client %lld (%s); the token goes in a cookie, never in a log\n", verified.session_id,
           (long long)verified.client_id, verified.assurance);
    if (verified.client_id != client_id) {
        fprintf(stderr, "FAIL  the session is for client %lld, not %lld\n", (long long)verified.client_id,
                (long long)client_id);
        goto done;
    }

    /* The Client Dashboard: every page checks the session behind the cookie. */
    if (!check(sesame_session_check(&session, engine, portal_id, verified.token), "check the session")) goto done;
    printf("      client %lld of agency %lld, idle expiry %lld, absolute expiry %lld\n", (long long)session.client_id,
           (long long)session.agency_id, (long long)session.idle_expires_at, (long long)session.absolute_expires_at);

    if (!check(sesame_session_logout(engine, portal_id, verified.token), "log out")) goto done;

    /* Logout ends the session on the server: the same cookie no longer works. */
    status = sesame_session_check(&session, engine, portal_id, verified.token);
    if (status != SESAME_E_SESSION_INVALID) {
        fprintf(stderr, "FAIL  after logout the session check said %s, not SESAME_E_SESSION_INVALID\n",
                sesame_status_name(status));
        goto done;
    }
    printf("ok    after logout the token is refused: %s\n", sesame_status_name(status));
    ok = 1;

done:
    wipe(verified.token, sizeof verified.token);
    sesame_buf_free(&buf);
    sesame_engine_free(engine);
    printf("%s\n", ok ? "The test client logged in and out." : "The login test failed.");
    return ok ? 0 : 1;
}
