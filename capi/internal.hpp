// Internal to capi/: the handle structs, the thread-local error, and the boundary guard that keeps
// every exception on this side of the ABI.
#pragma once

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "sesame/engine.hpp"
#include "sesame/sesame.h"

// A handle is a thin struct around the C++ object, defined only here.
struct sesame_engine {
    std::unique_ptr<sesame::Engine> rep;
};

// Where callbacks write what they return. Bounded so a runaway callback cannot exhaust memory.
struct sesame_sink {
    std::string data;
    std::size_t limit = 64u << 20;
};

namespace sesame::capi {

// Records a failure for sesame_last_error_message() and returns its code.
sesame_status fail(const Status& status);
sesame_status fail(sesame_status code, std::string message);
// Adds to the thread's warnings (sesame_last_warnings), keeping the first 32, each cut to 300
// bytes (a caller's field name can be of any length).
void warn(std::string text);
// Empties the thread's last error and warnings: every call that returns a status starts with it (in guard), so a
// call that returns SESAME_OK leaves "" behind (conventions, rule 3).
void clear_error() noexcept;
inline sesame_status ok() { return SESAME_OK; }

// Runs `body` (which returns sesame_status) with every exception turned into a status, after
// clearing the last error.
template <class F>
sesame_status guard(F&& body) noexcept {
    clear_error();
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return fail(SESAME_E_NOMEM, "out of memory");
    } catch (const std::exception& e) {
        return fail(SESAME_E_INTERNAL, std::string("internal error: ") + e.what() + " (please report this)");
    } catch (...) {
        return fail(SESAME_E_INTERNAL, "internal error: unknown exception (please report this)");
    }
}

// Checks a caller's struct: non-NULL and struct_size at least the size of its first version.
template <class T>
bool struct_ok(const T* p, std::size_t first_version_size) {
    return p != nullptr && p->struct_size >= first_version_size;
}

// Copies into a fixed-size char array, always NUL-terminated; false when it did not fit.
template <std::size_t N>
bool copy_text(char (&dst)[N], std::string_view src) {
    if (src.size() >= N) return false;
    std::memcpy(dst, src.data(), src.size());
    dst[src.size()] = '\0';
    return true;
}

// Hands text to the caller in a sesame_buf (malloc'd, NUL-terminated; freed by sesame_buf_free).
sesame_status give(sesame_buf* out, std::string_view text);

}  // namespace sesame::capi
