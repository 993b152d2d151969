// Sidebar items and gated resources: the staff calls over JSON records, and the two calls a host
// makes for a visitor on every page: the sidebar to show, and whether a calendar or form may open.
//
// As in capi/content.cpp, every call checks its arguments and reads its whole record before it
// calls the engine, so a refused record writes nothing, and an update applies the fields present
// onto the stored record, loaded through the engine (NOT_FOUND for anything the actor may not see).
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "capi/internal.hpp"
#include "capi/navigation_records.hpp"
#include "capi/staff_calls.hpp"

using sesame::capi::fail;
using sesame::capi::guard;
using sesame::capi::staff_calls::bad;
using sesame::capi::staff_calls::create_record;
using sesame::capi::staff_calls::emit;
using sesame::capi::staff_calls::staff_call;
using sesame::capi::staff_calls::update_record;

static_assert(SESAME_ACCESS_ALLOWED == static_cast<int>(sesame::Access::allowed));
static_assert(SESAME_ACCESS_LOGIN_REQUIRED == static_cast<int>(sesame::Access::login_required));
static_assert(SESAME_ACCESS_UNAVAILABLE == static_cast<int>(sesame::Access::unavailable));

namespace {

sesame_status done(const sesame::Status& s) { return s.ok() ? sesame::capi::ok() : fail(s); }

// NULL means no token: the visitor is not logged in.
std::optional<std::string> token_of(const char* token) {
    if (!token) return std::nullopt;
    return std::string(token);
}

}  // namespace

extern "C" {

// ---- sidebar items ------------------------------------------------------------------------------

sesame_status sesame_sidebar_item_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                         const char* item_json) {
    return create_record<sesame::SidebarItem>(
        "sesame_sidebar_item_create", out_json, engine, actor, "item_json", item_json, "sidebar_item",
        {"portal_id", "title", "link"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::SidebarItem v) {
            return e.create_sidebar_item(a, std::move(v));
        });
}

sesame_status sesame_sidebar_item_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                         const char* item_json) {
    return update_record<sesame::SidebarItem>(
        "sesame_sidebar_item_update", out_json, engine, actor, "item_json", item_json, "sidebar_item",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_sidebar_item(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::SidebarItem& v) {
            return e.update_sidebar_item(a, v);
        });
}

sesame_status sesame_sidebar_item_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                      int64_t item_id) {
    return staff_call("sesame_sidebar_item_get", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.get_sidebar_item(a, item_id));
    });
}

sesame_status sesame_sidebar_item_delete(sesame_engine* engine, const sesame_actor* actor, int64_t item_id) {
    return staff_call("sesame_sidebar_item_delete", engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return done(e.delete_sidebar_item(a, item_id));
    });
}

sesame_status sesame_sidebar_item_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                       int64_t portal_id) {
    return staff_call("sesame_sidebar_item_list", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.list_sidebar_items(a, portal_id));
    });
}

// ---- gated resources ----------------------------------------------------------------------------

sesame_status sesame_gated_resource_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                           const char* resource_json) {
    return create_record<sesame::GatedResource>(
        "sesame_gated_resource_create", out_json, engine, actor, "resource_json", resource_json, "gated_resource",
        {"portal_id", "kind", "slug", "title"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::GatedResource v) {
            return e.create_gated_resource(a, std::move(v));
        });
}

sesame_status sesame_gated_resource_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                           const char* resource_json) {
    return update_record<sesame::GatedResource>(
        "sesame_gated_resource_update", out_json, engine, actor, "resource_json", resource_json, "gated_resource",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_gated_resource(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::GatedResource& v) {
            return e.update_gated_resource(a, v);
        });
}

sesame_status sesame_gated_resource_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                        int64_t resource_id) {
    return staff_call("sesame_gated_resource_get", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) {
                          return emit(out_json, e.get_gated_resource(a, resource_id));
                      });
}

sesame_status sesame_gated_resource_delete(sesame_engine* engine, const sesame_actor* actor, int64_t resource_id) {
    return staff_call("sesame_gated_resource_delete", engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return done(e.delete_gated_resource(a, resource_id));
    });
}

sesame_status sesame_gated_resource_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                         int64_t portal_id) {
    return staff_call("sesame_gated_resource_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) {
                          return emit(out_json, e.list_gated_resources(a, portal_id));
                      });
}

// ---- what a visitor sees ------------------------------------------------------------------------

sesame_status sesame_sidebar(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token) {
    return guard([&]() -> sesame_status {
        if (!out_json) return bad("sesame_sidebar: out_json is NULL");
        if (!engine || !engine->rep) return bad("sesame_sidebar: engine is NULL");
        return emit(out_json, engine->rep->sidebar(portal_id, token_of(token)));
    });
}

sesame_status sesame_can_access(int32_t* out_access, sesame_engine* engine, int64_t portal_id, const char* token,
                                const char* kind, const char* slug) {
    return guard([&]() -> sesame_status {
        if (!out_access) return bad("sesame_can_access: out_access is NULL");
        if (!engine || !engine->rep) return bad("sesame_can_access: engine is NULL");
        if (!kind) return bad("sesame_can_access: kind is NULL: pass \"calendar\" or \"form\"");
        sesame::ResourceKind k = sesame::ResourceKind::calendar;
        if (!sesame::parse(kind, k)) return bad("sesame_can_access: kind must be \"calendar\" or \"form\"");
        if (!slug) return bad("sesame_can_access: slug is NULL: pass the resource's slug");
        auto access = engine->rep->can_access(portal_id, token_of(token), k, slug);
        if (!access) return fail(access.status());
        *out_access = static_cast<int32_t>(*access);
        return sesame::capi::ok();
    });
}

}  // extern "C"
