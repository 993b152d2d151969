// Internal to capi/: the frame of a staff call over JSON records — the argument checks every call
// starts with, reading the caller's record, and handing the answer back as JSON. The same steps,
// in the same order, for capi/staff.cpp, capi/content.cpp and capi/navigation.cpp.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capi/content_records.hpp"
#include "capi/internal.hpp"
#include "capi/navigation_records.hpp"
#include "capi/records.hpp"
#include "store/revision.hpp"

namespace sesame::capi::staff_calls {

using nlohmann::json;

// The size of the first published sesame_actor: what a caller must provide at least.
inline constexpr std::size_t kActorV1 = offsetof(sesame_actor, super_admin) + sizeof(int32_t);
// Far more than any role has; a larger count is a corrupt struct, not a staff member.
inline constexpr std::size_t kMaxPermissions = 1024;
inline constexpr const char* kAssigned = "Sesame assigns it";

inline sesame_status bad(std::string message) { return fail(SESAME_E_INVALID_ARGUMENT, std::move(message)); }

inline Result<Actor> actor_of(const char* fn, const sesame_actor* a) {
    if (!a) return Status(Code::invalid_argument, fmt::format("{}: actor is NULL", fn));
    if (a->struct_size < kActorV1)
        return Status(Code::invalid_argument,
                      fmt::format("{}: actor.struct_size is too small: fill the actor with SESAME_ACTOR_INIT", fn));
    if (!a->id) return Status(Code::invalid_argument, fmt::format("{}: actor.id is NULL: the audit log records who acted", fn));
    if (a->permission_count > kMaxPermissions)
        return Status(Code::invalid_argument, fmt::format("{}: actor.permission_count is {}, more than the {} allowed", fn,
                                                          a->permission_count, kMaxPermissions));
    if (a->permission_count > 0 && !a->permissions)
        return Status(Code::invalid_argument,
                      fmt::format("{}: actor.permissions is NULL but permission_count is {}", fn, a->permission_count));
    Actor actor;
    actor.id = a->id;
    actor.agency_id = a->agency_id;
    actor.super_admin = a->super_admin != 0;
    for (std::size_t i = 0; i < a->permission_count; ++i) {
        if (!a->permissions[i]) return Status(Code::invalid_argument, fmt::format("{}: actor.permissions[{}] is NULL", fn, i));
        actor.permissions.insert(a->permissions[i]);
    }
    return actor;
}

// The checks every staff call starts with, then `body(engine, actor)`, inside the boundary guard.
template <class F>
sesame_status staff_call(const char* fn, sesame_engine* engine, const sesame_actor* actor, F&& body) {
    return guard([&]() -> sesame_status {
        if (!engine || !engine->rep) return bad(fmt::format("{}: engine is NULL", fn));
        auto a = actor_of(fn, actor);
        if (!a) return fail(a.status());
        return body(*engine->rep, *a);
    });
}

// The same, for a call that answers with JSON in *out_json.
template <class F>
sesame_status staff_call(const char* fn, sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                         F&& body) {
    return guard([&]() -> sesame_status {
        if (!out_json) return bad(fmt::format("{}: out_json is NULL", fn));
        if (!engine || !engine->rep) return bad(fmt::format("{}: engine is NULL", fn));
        auto a = actor_of(fn, actor);
        if (!a) return fail(a.status());
        return body(*engine->rep, *a);
    });
}

// Stored text is checked on the way in, but a host's directory or store may hand back bytes that
// are not UTF-8: they are replaced rather than failing the whole answer.
inline sesame_status emit(sesame_buf* out, const json& j) {
    return give(out, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

template <class T>
sesame_status emit(sesame_buf* out, const Result<T>& r) {
    if (!r) return fail(r.status());
    if constexpr (requires { records::write(*r); })
        return emit(out, records::write(*r));
    else
        return emit(out, records::write_all(*r));
}

// Parses the caller's record: NULL, malformed JSON or a non-object is INVALID_ARGUMENT.
inline Result<json> parse(const char* fn, const char* arg, const char* text, std::string_view record) {
    if (!text) return Status(Code::invalid_argument, fmt::format("{}: {} is NULL", fn, arg));
    return records::parse_object(text, record);
}

// A record for a create call may not carry fields Sesame assigns.
inline Status refuse(const json& j, std::string_view record, std::initializer_list<const char*> fields,
                     std::string_view why) {
    for (const char* f : fields)
        if (j.contains(f))
            return {Code::invalid_argument, fmt::format("field \"{}.{}\" must not be given: {}", record, f, why)};
    return {};
}

inline Status require(const json& j, std::string_view record, std::initializer_list<const char*> fields) {
    for (const char* f : fields)
        if (!j.contains(f)) return {Code::invalid_argument, fmt::format("field \"{}.{}\" is required", record, f)};
    return {};
}

// Checks, reads and creates one record: `create(engine, actor, record)` returns the stored one.
template <class T, class Create>
sesame_status create_record(const char* fn, sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                            const char* arg, const char* text, std::string_view record,
                            std::initializer_list<const char*> required, Create&& create) {
    return staff_call(fn, out_json, engine, actor, [&](Engine& e, const Actor& a) -> sesame_status {
        auto j = parse(fn, arg, text, record);
        if (!j) return fail(j.status());
        if (auto st = refuse(*j, record, {"id"}, kAssigned); !st) return fail(st);
        T value;
        if (auto st = records::read(*j, value); !st) return fail(st);
        if (auto st = require(*j, record, required); !st) return fail(st);
        return emit(out_json, create(e, a, std::move(value)));
    });
}

// Runs a read-modify-write of one record as one unit of work (Engine::transact): `body` returns
// the call's result, which is handed back after the unit ends. A refusal inside keeps its audit
// record; a store failure rolls the whole unit back.
template <class T, class Body>
Result<T> in_one_unit(Engine& e, Body&& body) {
    return store_detail::result_of_unit<T>([&](const std::function<Status()>& unit) { return e.transact(unit); },
                                           std::forward<Body>(body));
}

// Checks, loads, applies and stores one partial update: the load and the store are one unit of
// work, so a concurrent update of the same record (another thread or process) waits and then
// applies its fields onto this one's result; neither is lost. A "revision" in the JSON (as read
// from the record) makes the update compare-and-set: CONFLICT, changing nothing, when the record
// has changed since.
template <class T, class Get, class Update>
sesame_status update_record(const char* fn, sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                            const char* arg, const char* text, std::string_view record, Get&& get, Update&& update) {
    return staff_call(fn, out_json, engine, actor, [&](Engine& e, const Actor& a) -> sesame_status {
        auto j = parse(fn, arg, text, record);
        if (!j) return fail(j.status());
        auto id = records::read_id(*j, record);
        if (!id) return fail(id.status());
        auto updated = in_one_unit<T>(e, [&]() -> Result<T> {
            Result<T> current = get(e, a, *id);
            if (!current) return current.status();
            T next = *current;
            SESAME_TRY(records::read(*j, next));
            return update(e, a, next);
        });
        return emit(out_json, std::move(updated));
    });
}

}  // namespace sesame::capi::staff_calls
