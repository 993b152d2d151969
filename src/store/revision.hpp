// Internal: the compare-and-set on a record's revision (include/sesame/store.hpp, "Revisions"), as
// the stores, the engine and the C ABI say it, and which failures undo a unit of work.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <string_view>

#include <fmt/format.h>

#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame::store_detail {

// The CONFLICT of an update that names revision `given` of a record now at `stored`.
inline Status revision_conflict(std::string_view what, Id id, std::int64_t stored, std::int64_t given) {
    return Status(Code::conflict, fmt::format("the {} {} has changed since it was read (it is at revision {}, the update "
                                              "names revision {}): read it again and apply the change to what it holds now",
                                              what, id, stored, given));
}

// OK when an update naming revision `given` (0: any) may apply over revision `stored`.
inline Status unchanged_since(std::string_view what, Id id, std::int64_t stored, std::int64_t given) {
    if (given == 0 || given == stored) return {};
    return revision_conflict(what, id, stored, given);
}

// True for a failure of the store or of Sesame itself, after which a unit of work is rolled back;
// false for a refusal of the caller's request (CONFLICT among them), whose audit record stays.
inline bool store_failure(const Status& st) {
    switch (st.code()) {
        case Code::storage:
        case Code::corrupt:
        case Code::version_mismatch:
        case Code::crypto:
        case Code::callback:
        case Code::no_memory:
        case Code::internal:
            return true;
        default:
            return false;
    }
}

// Runs `body` (returning Result<T>) through `unit`, a function that runs a Status-returning body as
// one unit of work (Engine::transact, Engine::Impl::unit), and hands back the body's result after
// the unit ends. A refusal inside commits, keeping its audit record; a store failure rolls back.
template <class T, class Unit, class Body>
Result<T> result_of_unit(Unit&& unit, Body&& body) {
    std::optional<Result<T>> answer;
    const Status st = unit([&]() -> Status {
        answer.emplace(body());
        return answer->ok() || !store_failure(answer->status()) ? Status() : answer->status();
    });
    if (!st.ok()) return st;
    return std::move(*answer);
}

// The revision an update stores when it applies over revision `over` (0: a store that keeps none).
inline std::int64_t next_revision(std::int64_t over) { return over > 0 ? over + 1 : 0; }

}  // namespace sesame::store_detail
