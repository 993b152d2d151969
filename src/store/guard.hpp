// Sesame — the boundary every Store method runs behind.
//
// The Store interface promises values, never exceptions. Implementations build strings and vectors,
// so std::bad_alloc can still appear; `guarded` turns it (and anything unexpected) into a Status.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "sesame/status.hpp"

namespace sesame::store_detail {

// Short enough for the small-string buffer, so building it cannot itself run out of memory.
inline Status out_of_memory() noexcept { return Status(Code::no_memory, "out of memory"); }

template <class F>
auto guarded(F&& body) noexcept -> decltype(body()) {
    try {
        return std::forward<F>(body)();
    } catch (const std::bad_alloc&) {
        return out_of_memory();
    } catch (const std::exception& e) {
        try {
            return Status(Code::internal, std::string("unexpected error in the store: ") + e.what());
        } catch (...) {
            return out_of_memory();
        }
    } catch (...) {
        try {
            return Status(Code::internal, "unexpected error in the store");
        } catch (...) {
            return out_of_memory();
        }
    }
}

}  // namespace sesame::store_detail
