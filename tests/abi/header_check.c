/* Compiled, never run, by the c_header_c99 test: as C99 and as C++17, both with -pedantic -Werror
 * -Wall -Wextra. -Wextra includes -Wmissing-field-initializers, so every _INIT macro must name
 * every field of its struct. */
#include "sesame/sesame.h"

/* Every public type, initialised the way the header tells a host to. */
sesame_status header_check(void);

sesame_status header_check(void) {
    sesame_engine_options options = SESAME_ENGINE_OPTIONS_INIT;
    sesame_clock_vtable clock = SESAME_CLOCK_VTABLE_INIT;
    sesame_transport_vtable transport = SESAME_TRANSPORT_VTABLE_INIT;
    sesame_directory_vtable directory = SESAME_DIRECTORY_VTABLE_INIT;
    sesame_store_vtable store = SESAME_STORE_VTABLE_INIT;
    sesame_event_sink_vtable sink = SESAME_EVENT_SINK_VTABLE_INIT;
    sesame_request request = SESAME_REQUEST_INIT;
    sesame_login_started started = SESAME_LOGIN_STARTED_INIT;
    sesame_login_verified verified = SESAME_LOGIN_VERIFIED_INIT;
    sesame_session_info session = SESAME_SESSION_INFO_INIT;
    sesame_actor actor = SESAME_ACTOR_INIT;
    sesame_buf buf = {NULL, 0};
    sesame_status (*open_engine)(sesame_engine **, const sesame_engine_options *) = sesame_engine_open;
    int32_t number = SESAME_VERSION_NUMBER;

    options.clock = &clock;
    options.sms_transport = &transport;
    options.directory = &directory;
    options.store = &store;
    options.event_sink = &sink;
    (void)request;
    (void)started;
    (void)verified;
    (void)session;
    (void)actor;
    (void)buf;
    (void)open_engine;
    (void)options;
    return number == sesame_version_number() ? SESAME_OK : SESAME_E_VERSION_MISMATCH;
}
