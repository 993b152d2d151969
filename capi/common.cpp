// Status names, the thread-local error, versions, buffers and sinks.
#include <cstdlib>

#include <sodium.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capi/internal.hpp"

namespace {

// The C numbers and the C++ enum are one table: a change to either breaks the build.
using sesame::Code;
static_assert(SESAME_OK == static_cast<int32_t>(Code::ok));
static_assert(SESAME_E_INVALID_ARGUMENT == static_cast<int32_t>(Code::invalid_argument));
static_assert(SESAME_E_NOT_FOUND == static_cast<int32_t>(Code::not_found));
static_assert(SESAME_E_ALREADY_EXISTS == static_cast<int32_t>(Code::already_exists));
static_assert(SESAME_E_PERMISSION_DENIED == static_cast<int32_t>(Code::permission_denied));
static_assert(SESAME_E_AUTH_DISABLED == static_cast<int32_t>(Code::auth_disabled));
static_assert(SESAME_E_RATE_LIMITED == static_cast<int32_t>(Code::rate_limited));
static_assert(SESAME_E_CONTACT_NOT_FOUND == static_cast<int32_t>(Code::contact_not_found));
static_assert(SESAME_E_CONTACT_INELIGIBLE == static_cast<int32_t>(Code::contact_ineligible));
static_assert(SESAME_E_CHANNEL_UNAVAILABLE == static_cast<int32_t>(Code::channel_unavailable));
static_assert(SESAME_E_VERIFY_FAILED == static_cast<int32_t>(Code::verify_failed));
static_assert(SESAME_E_SESSION_INVALID == static_cast<int32_t>(Code::session_invalid));
static_assert(SESAME_E_SELECTION_REQUIRED == static_cast<int32_t>(Code::selection_required));
static_assert(SESAME_E_STORAGE == static_cast<int32_t>(Code::storage));
static_assert(SESAME_E_CORRUPT == static_cast<int32_t>(Code::corrupt));
static_assert(SESAME_E_VERSION_MISMATCH == static_cast<int32_t>(Code::version_mismatch));
static_assert(SESAME_E_CRYPTO == static_cast<int32_t>(Code::crypto));
static_assert(SESAME_E_CALLBACK == static_cast<int32_t>(Code::callback));
static_assert(SESAME_E_NOMEM == static_cast<int32_t>(Code::no_memory));
static_assert(SESAME_E_INTERNAL == static_cast<int32_t>(Code::internal));
static_assert(SESAME_E_FAILED_PRECONDITION == static_cast<int32_t>(Code::failed_precondition));
static_assert(SESAME_E_CONFLICT == static_cast<int32_t>(Code::conflict));

struct LastError {
    std::string message;
    int64_t retry_after = 0;
    const char* reason = "";  // static text: sesame::reason_name
};
thread_local LastError last_error;

// What the current call ignored, and its JSON text, made when first asked for.
struct Warnings {
    static constexpr std::size_t kMax = 32;
    std::vector<std::string> items;
    std::string text = "[]";
    bool text_current = true;
};
thread_local Warnings warnings;

}  // namespace

namespace sesame::capi {

sesame_status fail(const Status& status) {
    try {
        last_error.message = status.message();
    } catch (...) {
        last_error.message.clear();
    }
    last_error.retry_after = status.code() == Code::rate_limited ? status.retry_after() : 0;
    last_error.reason = status.code() == Code::rate_limited ? sesame::reason_name(status.reason()) : "";
    return static_cast<sesame_status>(status.code());
}

void warn(std::string text) {
    if (warnings.items.size() >= Warnings::kMax) return;
    constexpr std::size_t kLongest = 300;
    if (text.size() > kLongest) {
        text.resize(kLongest);  // a cut character becomes U+FFFD in the JSON text
        text += "...";
    }
    warnings.items.push_back(std::move(text));
    warnings.text_current = false;
}

void clear_error() noexcept {
    if (!warnings.items.empty()) {
        warnings.items.clear();
        warnings.text = "[]";  // fits the small-string buffer: cannot throw
        warnings.text_current = true;
    }
    last_error.message.clear();
    last_error.retry_after = 0;
    last_error.reason = "";
}

sesame_status fail(sesame_status code, std::string message) {
    last_error.message = std::move(message);
    last_error.retry_after = 0;
    last_error.reason = "";
    return code;
}

sesame_status give(sesame_buf* out, std::string_view text) {
    if (!out) return fail(SESAME_E_INVALID_ARGUMENT, "the output sesame_buf pointer is NULL");
    char* p = static_cast<char*>(std::malloc(text.size() + 1));
    if (!p) return fail(SESAME_E_NOMEM, "out of memory");
    std::memcpy(p, text.data(), text.size());
    p[text.size()] = '\0';
    out->data = p;
    out->size = text.size();
    return SESAME_OK;
}

}  // namespace sesame::capi

extern "C" {

const char* sesame_status_name(sesame_status status) { return sesame::code_name(static_cast<sesame::Code>(status)); }

const char* sesame_last_error_message(void) { return last_error.message.c_str(); }

int64_t sesame_last_error_retry_after(void) { return last_error.retry_after; }

const char* sesame_last_error_reason(void) { return last_error.reason; }

const char* sesame_last_warnings(void) {
    if (!warnings.text_current) {
        try {
            warnings.text = nlohmann::json(warnings.items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } catch (...) {
            warnings.text = "[]";
        }
        warnings.text_current = true;
    }
    return warnings.text.c_str();
}

int32_t sesame_version_number(void) { return SESAME_VERSION_NUMBER; }

const char* sesame_version_string(void) { return SESAME_VERSION_STRING; }

void sesame_buf_free(sesame_buf* buf) {
    if (!buf) return;
    if (buf->data) {
        // Buffers may hold tokens or simulated codes: leave nothing behind in freed memory.
        sodium_memzero(buf->data, buf->size);
        std::free(buf->data);
    }
    buf->data = nullptr;
    buf->size = 0;
}

sesame_status sesame_sink_write(sesame_sink* sink, const char* data, size_t size) {
    return sesame::capi::guard([&]() -> sesame_status {
        if (!sink) return sesame::capi::fail(SESAME_E_INVALID_ARGUMENT, "sesame_sink_write: the sink is NULL");
        if (!data && size > 0) return sesame::capi::fail(SESAME_E_INVALID_ARGUMENT, "sesame_sink_write: data is NULL");
        if (sink->data.size() + size > sink->limit)
            return sesame::capi::fail(SESAME_E_INVALID_ARGUMENT, "sesame_sink_write: more than 64 MiB written to one sink");
        sink->data.append(data, size);
        return SESAME_OK;
    });
}

}  // extern "C"
