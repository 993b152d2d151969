// Events, cases and documents assigned to clients: the staff calls over JSON records, and the
// reads a logged-in client makes of their own.
//
// As in capi/staff.cpp, every call checks its arguments and reads its whole record before it calls
// the engine, so a refused record writes nothing, and an update applies the fields present onto
// the stored record, loaded through the engine (NOT_FOUND for anything the actor may not see).
#include <string>
#include <utility>

#include <fmt/format.h>

#include "capi/content_records.hpp"
#include "capi/internal.hpp"
#include "capi/staff_calls.hpp"

using sesame::capi::fail;
using sesame::capi::guard;
using sesame::capi::staff_calls::bad;
using sesame::capi::staff_calls::create_record;
using sesame::capi::staff_calls::emit;
using sesame::capi::staff_calls::staff_call;
using sesame::capi::staff_calls::update_record;

namespace {

// The checks a client read starts with, then `body(engine, token)`, inside the boundary guard.
template <class F>
sesame_status client_call(const char* fn, sesame_buf* out_json, sesame_engine* engine, const char* token, F&& body) {
    return guard([&]() -> sesame_status {
        if (!out_json) return bad(fmt::format("{}: out_json is NULL", fn));
        if (!engine || !engine->rep) return bad(fmt::format("{}: engine is NULL", fn));
        if (!token) return bad(fmt::format("{}: token is NULL", fn));
        return body(*engine->rep, std::string(token));
    });
}

}  // namespace

extern "C" {

// ---- events -------------------------------------------------------------------------------------

sesame_status sesame_event_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                  const char* event_json) {
    return create_record<sesame::Event>(
        "sesame_event_create", out_json, engine, actor, "event_json", event_json, "event", {"client_id", "date"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Event v) { return e.create_event(a, std::move(v)); });
}

sesame_status sesame_event_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                  const char* event_json) {
    return update_record<sesame::Event>(
        "sesame_event_update", out_json, engine, actor, "event_json", event_json, "event",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_event(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::Event& v) { return e.update_event(a, v); });
}

sesame_status sesame_event_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                               int64_t event_id) {
    return staff_call("sesame_event_get", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.get_event(a, event_id)); });
}

sesame_status sesame_event_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                int64_t client_id) {
    return staff_call("sesame_event_list", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.list_events(a, client_id));
    });
}

sesame_status sesame_event_delete(sesame_engine* engine, const sesame_actor* actor, int64_t event_id) {
    return staff_call("sesame_event_delete", engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
                          sesame::Status st = e.delete_event(a, event_id);
                          return st.ok() ? sesame::capi::ok() : fail(st);
                      });
}

// ---- cases --------------------------------------------------------------------------------------

sesame_status sesame_case_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                 const char* case_json) {
    return create_record<sesame::Case>(
        "sesame_case_create", out_json, engine, actor, "case_json", case_json, "case", {"client_id"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Case v) { return e.create_case(a, std::move(v)); });
}

sesame_status sesame_case_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                 const char* case_json) {
    return update_record<sesame::Case>(
        "sesame_case_update", out_json, engine, actor, "case_json", case_json, "case",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_case(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::Case& v) { return e.update_case(a, v); });
}

sesame_status sesame_case_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                              int64_t case_id) {
    return staff_call("sesame_case_get", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.get_case(a, case_id)); });
}

sesame_status sesame_case_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                               int64_t client_id) {
    return staff_call("sesame_case_list", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.list_cases(a, client_id));
    });
}

// ---- documents ----------------------------------------------------------------------------------

sesame_status sesame_document_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                     const char* document_json) {
    return create_record<sesame::Document>(
        "sesame_document_create", out_json, engine, actor, "document_json", document_json, "document",
        {"client_id", "name"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Document v) { return e.create_document(a, std::move(v)); });
}

sesame_status sesame_document_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                     const char* document_json) {
    return update_record<sesame::Document>(
        "sesame_document_update", out_json, engine, actor, "document_json", document_json, "document",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_document(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::Document& v) { return e.update_document(a, v); });
}

sesame_status sesame_document_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                  int64_t document_id) {
    return staff_call("sesame_document_get", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.get_document(a, document_id));
    });
}

sesame_status sesame_document_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   int64_t client_id) {
    return staff_call("sesame_document_list", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.list_documents(a, client_id));
    });
}

// ---- what a logged-in client reads --------------------------------------------------------------

sesame_status sesame_client_events(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token,
                                   const char* from_date) {
    const char* fn = "sesame_client_events";
    return client_call(fn, out_json, engine, token, [&](sesame::Engine& e, const std::string& t) -> sesame_status {
        if (!from_date) return bad(fmt::format("{}: from_date is NULL: pass the agency's date today, YYYY-MM-DD", fn));
        return emit(out_json, e.client_events(portal_id, t, from_date));
    });
}

sesame_status sesame_client_cases(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token) {
    return client_call("sesame_client_cases", out_json, engine, token,
                       [&](sesame::Engine& e, const std::string& t) { return emit(out_json, e.client_cases(portal_id, t)); });
}

sesame_status sesame_client_documents(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id,
                                      const char* token) {
    return client_call("sesame_client_documents", out_json, engine, token, [&](sesame::Engine& e, const std::string& t) {
        return emit(out_json, e.client_documents(portal_id, t));
    });
}

}  // extern "C"
