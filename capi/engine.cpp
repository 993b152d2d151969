// The engine handle and the typed hot path: login, verify, sessions.
#include <algorithm>
#include <cstddef>
#include <cstring>

#include <sodium.h>

#include "capi/adapters.hpp"
#include "capi/records.hpp"
#include "capi/store_adapter.hpp"

using sesame::capi::fail;
using sesame::capi::guard;

namespace {

// The sizes of the first version of each struct, frozen: the end of its last first-version field.
// A caller built against that header passes this size; newer fields are read only when
// struct_size covers them. These numbers never change when a struct grows.
#define SESAME_V1_SIZE(T, last) (offsetof(T, last) + sizeof(static_cast<T*>(nullptr)->last))
constexpr std::size_t kOptionsV1 = SESAME_V1_SIZE(sesame_engine_options, deliver_immediately);
constexpr std::size_t kRequestV1 = SESAME_V1_SIZE(sesame_request, user_agent);
constexpr std::size_t kStartedV1 = SESAME_V1_SIZE(sesame_login_started, resend_after);
constexpr std::size_t kVerifiedV1 = SESAME_V1_SIZE(sesame_login_verified, client_ids);
constexpr std::size_t kSessionV1 = SESAME_V1_SIZE(sesame_session_info, assurance);

template <class V>
constexpr std::size_t vtable_v1_size();
template <>
constexpr std::size_t vtable_v1_size<sesame_clock_vtable>() { return SESAME_V1_SIZE(sesame_clock_vtable, destroy); }
template <>
constexpr std::size_t vtable_v1_size<sesame_transport_vtable>() { return SESAME_V1_SIZE(sesame_transport_vtable, destroy); }
template <>
constexpr std::size_t vtable_v1_size<sesame_store_vtable>() { return SESAME_V1_SIZE(sesame_store_vtable, destroy); }
// list_events, list_cases and list_documents came after destroy.
template <>
constexpr std::size_t vtable_v1_size<sesame_directory_vtable>() { return SESAME_V1_SIZE(sesame_directory_vtable, destroy); }
template <>
constexpr std::size_t vtable_v1_size<sesame_event_sink_vtable>() { return SESAME_V1_SIZE(sesame_event_sink_vtable, destroy); }

// A vtable as this build knows it. Every caller's struct has the first-version fields (even one
// whose struct_size is wrong: its destroy still runs once); fields added later are read only when
// struct_size covers them, and are NULL otherwise, so an older caller's struct is never read past
// its end.
template <class V>
V copy_vtable(const V& v) {
    V copy;
    std::memset(&copy, 0, sizeof copy);
    const std::size_t known = std::max<std::size_t>(v.struct_size, vtable_v1_size<V>());
    std::memcpy(&copy, &v, std::min(known, sizeof copy));
    copy.struct_size = static_cast<uint32_t>(sizeof copy);
    return copy;
}

sesame::RequestInfo request_of(const sesame_request* r) {
    sesame::RequestInfo info;
    if (r) {
        if (r->ip) info.ip = r->ip;
        if (r->user_agent) info.user_agent = r->user_agent;
    }
    return info;
}

sesame_status bad(const char* message) { return fail(SESAME_E_INVALID_ARGUMENT, message); }

// Takes ownership of every vtable's user_data the moment open is called, so that each destroy runs
// exactly once whatever happens next.
struct Plugins {
    std::shared_ptr<sesame::Clock> clock;
    std::shared_ptr<sesame::Transport> sms, email;
    std::shared_ptr<sesame::Store> store;
    std::shared_ptr<sesame::capi::Owned> event_sink;
    void (*on_audit)(void*, const char*) = nullptr;
    std::shared_ptr<sesame::Directory> directory;
};

template <class V>
bool vtable_ok(const V* v) {
    return v == nullptr || v->struct_size >= vtable_v1_size<V>();
}

void fill_session(sesame_session_info* out, const sesame::SessionInfo& s) {
    sesame::capi::copy_text(out->session_id, s.session_id);
    out->portal_id = s.portal_id;
    out->agency_id = s.agency_id;
    out->client_id = s.client_id.value_or(0);
    out->created_at = s.created_at;
    out->idle_expires_at = s.idle_expires_at;
    out->absolute_expires_at = s.absolute_expires_at;
    sesame::capi::copy_text(out->assurance, s.assurance);
}

}  // namespace

extern "C" {

void sesame_engine_options_init(sesame_engine_options* options) {
    if (!options) return;
    const sesame_engine_options defaults = SESAME_ENGINE_OPTIONS_INIT;
    *options = defaults;
}

sesame_status sesame_engine_open(sesame_engine** out, const sesame_engine_options* o) {
    return guard([&]() -> sesame_status {
        if (out) *out = nullptr;
        if (!o || o->struct_size < kOptionsV1) return bad("sesame_engine_open: options is NULL or its struct_size is too small: use SESAME_ENGINE_OPTIONS_INIT");

        // Ownership first: from here on each destroy runs exactly once, when `plugins` goes away
        // (on failure) or with the engine (on success).
        Plugins plugins;
        const bool vtables_ok = vtable_ok(o->clock) && vtable_ok(o->sms_transport) && vtable_ok(o->email_transport) &&
                                vtable_ok(o->store) && vtable_ok(o->directory) && vtable_ok(o->event_sink);
        std::string missing;
        if (o->clock) {
            if (!o->clock->now) missing = "clock.now";
            plugins.clock = std::make_shared<sesame::capi::ClockAdapter>(copy_vtable(*o->clock));
        }
        if (o->sms_transport) {
            if (!o->sms_transport->send) missing = "sms_transport.send";
            plugins.sms = std::make_shared<sesame::capi::TransportAdapter>(copy_vtable(*o->sms_transport));
        }
        if (o->email_transport) {
            if (!o->email_transport->send) missing = "email_transport.send";
            plugins.email = std::make_shared<sesame::capi::TransportAdapter>(copy_vtable(*o->email_transport));
        }
        if (o->store) {
            if (!o->store->call) missing = "store.call";
            plugins.store = std::make_shared<sesame::capi::StoreAdapter>(copy_vtable(*o->store));
        }
        if (o->directory) {
            if (!o->directory->find_owners || !o->directory->get_client || !o->directory->list_contacts)
                missing = "directory.find_owners, get_client and list_contacts";
            plugins.directory = std::make_shared<sesame::capi::DirectoryAdapter>(copy_vtable(*o->directory));
        }
        if (o->event_sink) {
            plugins.event_sink = std::make_shared<sesame::capi::Owned>(o->event_sink->user_data, o->event_sink->destroy);
            plugins.on_audit = o->event_sink->on_audit;
        }
        if (!out) return bad("sesame_engine_open: out is NULL");
        if (!vtables_ok) return bad("sesame_engine_open: a vtable's struct_size is too small: use its _INIT macro");
        if (!missing.empty()) return fail(SESAME_E_INVALID_ARGUMENT, "sesame_engine_open: the required callback " + missing + " is NULL");

        sesame::EngineOptions options;
        switch (o->store_kind) {
            case SESAME_STORE_SQLITE: {
                if (!o->sqlite_path || !*o->sqlite_path) return bad("sesame_engine_open: sqlite_path is required for SESAME_STORE_SQLITE");
                sesame::SqliteOptions so;
                so.path = o->sqlite_path;
                so.synchronous_full = o->sqlite_synchronous_full != 0;
                auto store = sesame::open_sqlite_store(so);
                if (!store) return fail(store.status());
                options.store = *store;
                break;
            }
            case SESAME_STORE_MEMORY: options.store = sesame::make_memory_store(); break;
            case SESAME_STORE_CUSTOM:
                if (!plugins.store) return bad("sesame_engine_open: SESAME_STORE_CUSTOM needs options.store");
                options.store = plugins.store;
                break;
            default: return bad("sesame_engine_open: store_kind must be SESAME_STORE_SQLITE, _MEMORY or _CUSTOM");
        }
        if (o->master_key) options.master_key = std::vector<std::uint8_t>(o->master_key, o->master_key + o->master_key_size);
        if (o->key_file) options.key_file = o->key_file;
        options.clock = plugins.clock;
        options.sms_transport = plugins.sms;
        options.email_transport = plugins.email;
        options.directory = plugins.directory;
        options.deliver_immediately = o->deliver_immediately != 0;
        // Fields appended after the first version: read only when the caller's struct has them.
        if (o->struct_size >= offsetof(sesame_engine_options, blob_dir) + sizeof o->blob_dir && o->blob_dir)
            options.blob_dir = o->blob_dir;
        if (plugins.event_sink && plugins.on_audit) {
            auto owner = plugins.event_sink;
            auto on_audit = plugins.on_audit;
            options.audit_sink = [owner, on_audit](const sesame::AuditEvent& e) {
                // Replace, not throw, on bytes that are not UTF-8: a host directory may hand them over.
                const auto text = sesame::records::write(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                on_audit(owner->user_data(), text.c_str());
            };
        }
        auto engine = sesame::Engine::open(std::move(options));
        if (!engine) return fail(engine.status());
        auto handle = std::make_unique<sesame_engine>();
        handle->rep = std::move(*engine);
        *out = handle.release();
        return SESAME_OK;
    });
}

void sesame_engine_free(sesame_engine* engine) {
    // The engine's destructor runs the plug-ins' destroy callbacks; none of them may throw (C).
    delete engine;
}

sesame_status sesame_login_start(sesame_login_started* out, sesame_engine* engine, int64_t portal_id,
                                 const char* identifier, const sesame_request* request) {
    return guard([&]() -> sesame_status {
        if (!out || out->struct_size < kStartedV1) return bad("sesame_login_start: out is NULL or its struct_size is too small: use SESAME_LOGIN_STARTED_INIT");
        if (!engine) return bad("sesame_login_start: engine is NULL");
        if (!identifier) return bad("sesame_login_start: identifier is NULL");
        // A short request would silently turn off the per-IP limits: refuse it (NULL means unknown).
        if (request && request->struct_size < kRequestV1) return bad("sesame_login_start: request's struct_size is too small: use SESAME_REQUEST_INIT");
        auto r = engine->rep->start_login(portal_id, identifier, request_of(request));
        if (!r) return fail(r.status());
        sesame::capi::copy_text(out->challenge_id, r->challenge_id);
        out->channel = r->channel == sesame::Channel::sms ? SESAME_CHANNEL_SMS : SESAME_CHANNEL_EMAIL;
        sesame::capi::copy_text(out->masked_destination, r->masked_destination);
        out->expires_at = r->expires_at;
        out->resend_after = r->resend_after;
        return SESAME_OK;
    });
}

sesame_status sesame_login_verify(sesame_login_verified* out, sesame_engine* engine, int64_t portal_id,
                                  const char* challenge_id, const char* code, const sesame_request* request) {
    return guard([&]() -> sesame_status {
        if (!out || out->struct_size < kVerifiedV1) return bad("sesame_login_verify: out is NULL or its struct_size is too small: use SESAME_LOGIN_VERIFIED_INIT");
        if (!engine) return bad("sesame_login_verify: engine is NULL");
        if (!challenge_id || !code) return bad("sesame_login_verify: challenge_id and code are required");
        if (request && request->struct_size < kRequestV1) return bad("sesame_login_verify: request's struct_size is too small: use SESAME_REQUEST_INIT");
        auto r = engine->rep->verify_login(portal_id, challenge_id, code, request_of(request));
        if (!r) return fail(r.status());
        sesame::capi::copy_text(out->token, r->token);
        sodium_memzero(r->token.data(), r->token.size());
        sesame::capi::copy_text(out->session_id, r->session_id);
        out->client_id = r->client_id.value_or(0);
        out->client_count = r->clients.size();
        for (std::size_t i = 0; i < SESAME_MAX_CLIENT_IDS; ++i)
            out->client_ids[i] = i < r->clients.size() ? r->clients[i].client_id : 0;
        out->expires_at = r->expires_at;
        out->idle_expires_at = r->idle_expires_at;
        sesame::capi::copy_text(out->assurance, r->assurance);
        return SESAME_OK;
    });
}

sesame_status sesame_session_choices(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token) {
    return guard([&]() -> sesame_status {
        if (!out_json) return bad("sesame_session_choices: out_json is NULL");
        if (!engine || !token) return bad("sesame_session_choices: engine and token are required");
        auto r = engine->rep->session_choices(portal_id, token);
        if (!r) return fail(r.status());
        return sesame::capi::give(out_json, sesame::records::write_all(*r).dump());
    });
}

sesame_status sesame_session_select(sesame_session_info* out, sesame_engine* engine, int64_t portal_id,
                                    const char* token, int64_t client_id) {
    return guard([&]() -> sesame_status {
        if (!out || out->struct_size < kSessionV1) return bad("sesame_session_select: out is NULL or its struct_size is too small: use SESAME_SESSION_INFO_INIT");
        if (!engine || !token) return bad("sesame_session_select: engine and token are required");
        auto r = engine->rep->select_client(portal_id, token, client_id);
        if (!r) return fail(r.status());
        fill_session(out, *r);
        return SESAME_OK;
    });
}

sesame_status sesame_session_check(sesame_session_info* out, sesame_engine* engine, int64_t portal_id, const char* token) {
    return guard([&]() -> sesame_status {
        if (!out || out->struct_size < kSessionV1) return bad("sesame_session_check: out is NULL or its struct_size is too small: use SESAME_SESSION_INFO_INIT");
        if (!engine || !token) return bad("sesame_session_check: engine and token are required");
        auto r = engine->rep->check_session(portal_id, token);
        if (!r) return fail(r.status());
        fill_session(out, *r);
        return SESAME_OK;
    });
}

sesame_status sesame_session_logout(sesame_engine* engine, int64_t portal_id, const char* token) {
    return guard([&]() -> sesame_status {
        if (!engine || !token) return bad("sesame_session_logout: engine and token are required");
        auto st = engine->rep->logout(portal_id, token);
        return st.ok() ? SESAME_OK : fail(st);
    });
}

sesame_status sesame_portal_find(sesame_buf* out_json, sesame_engine* engine, const char* slug) {
    return guard([&]() -> sesame_status {
        if (!out_json || !engine || !slug) return bad("sesame_portal_find: out_json, engine and slug are required");
        auto r = engine->rep->find_portal(slug);
        if (!r) return fail(r.status());
        return sesame::capi::give(out_json, sesame::records::write(*r).dump());
    });
}

sesame_status sesame_engine_dispatch(int64_t* out_sent, sesame_engine* engine, size_t limit) {
    return guard([&]() -> sesame_status {
        if (!out_sent || !engine) return bad("sesame_engine_dispatch: out_sent and engine are required");
        auto r = engine->rep->dispatch(limit);
        if (!r) return fail(r.status());
        *out_sent = *r;
        return SESAME_OK;
    });
}

sesame_status sesame_engine_sweep(sesame_buf* out_json, sesame_engine* engine) {
    return guard([&]() -> sesame_status {
        if (!out_json || !engine) return bad("sesame_engine_sweep: out_json and engine are required");
        auto r = engine->rep->sweep();
        if (!r) return fail(r.status());
        return sesame::capi::give(out_json, sesame::records::write(*r).dump());
    });
}

}  // extern "C"
