// Sesame — status codes and Result<T>.
//
// Every fallible call in the C++ API returns a Status or a Result<T>. Expected failures (a wrong
// code, an unknown contact, a rate limit) are values, never exceptions. The numeric values of
// Code are frozen: they are the same numbers the C ABI returns (checked by static_assert in capi/).
// New codes may be added; callers should keep a default branch.
#pragma once

#include "sesame/export.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sesame {

enum class Code : std::int32_t {
    ok = 0,
    invalid_argument = -1,     // bad input; the message names the field and the bound
    not_found = -2,            // no such object (or not visible to this caller)
    already_exists = -3,       // unique key taken (portal slug, contact on the same client)
    permission_denied = -4,    // the actor lacks the permission the operation needs
    auth_disabled = -5,        // the portal's Client Authentication is "disabled"
    rate_limited = -6,         // a throttle refused; Status::retry_after() says when to retry
    contact_not_found = -7,    // no client of this agency has that phone or email
    contact_ineligible = -8,   // contact opted out or invalid, or every owning client archived
    channel_unavailable = -9,  // no agency phone with complete carrier registration / no agency email
    verify_failed = -10,       // one generic answer for wrong/expired/used/superseded/locked/unknown
    session_invalid = -11,     // no live session for that token
    selection_required = -12,  // the session's contact belongs to several clients: call select_client
    storage = -13,             // the store failed (I/O, busy past the timeout)
    corrupt = -14,             // the database file is damaged or not a Sesame database
    version_mismatch = -15,    // the database was written by a newer Sesame
    crypto = -16,              // libsodium could not initialise or a key is unusable
    callback = -17,            // a host-supplied callback reported failure
    no_memory = -18,
    internal = -19,            // a bug in Sesame: please report it
    failed_precondition = -20, // the object is in a state that forbids the operation
    conflict = -21,            // the record changed since it was read: its revision is not the one given
};

// Static text such as "SESAME_E_RATE_LIMITED"; "SESAME_E_UNKNOWN" for values not in the table.
SESAME_CXX_API const char* code_name(Code code) noexcept;

// Which throttle refused, with Code::rate_limited (docs/concepts.md "Throttles"). New reasons may
// be added; callers should keep a default branch.
enum class RateLimitReason : std::int32_t {
    none = 0,      // not a rate limit
    cooldown,      // a code was just sent to this contact: enter it, or wait retry_after for a new one
    hourly_quota,  // the contact's codes per hour are used up
    daily_quota,   // the contact's codes per day are used up
    ip,            // too many calls from this IP address
    locked,        // the contact is locked after consecutive wrong codes
    country,       // text messages to the phone's country are not enabled (waiting does not help)
    sms_paused,    // the agency's text messages are paused (its hourly SMS breaker)
};

// Static text: "cooldown", "hourly_quota", "daily_quota", "ip", "locked", "country",
// "sms_paused"; "" for none or a value not in the table.
SESAME_CXX_API const char* reason_name(RateLimitReason reason) noexcept;

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

    static Status success() { return {}; }

    bool ok() const noexcept { return code_ == Code::ok; }
    explicit operator bool() const noexcept { return ok(); }
    Code code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }

    // Seconds until a retry can succeed; set only with Code::rate_limited.
    std::int64_t retry_after() const noexcept { return retry_after_; }
    Status& with_retry_after(std::int64_t seconds) {
        retry_after_ = seconds;
        return *this;
    }
    // Which throttle refused; RateLimitReason::none except with Code::rate_limited.
    RateLimitReason reason() const noexcept { return reason_; }
    Status& with_reason(RateLimitReason reason) {
        reason_ = reason;
        return *this;
    }

private:
    Code code_ = Code::ok;
    std::string message_;
    std::int64_t retry_after_ = 0;
    RateLimitReason reason_ = RateLimitReason::none;
};

// A value or the Status that explains why there is none. Shaped like std::expected.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {}
    Result(Code code, std::string message) : v_(std::in_place_index<1>, Status(code, std::move(message))) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }

    // The failure; an OK status when a value is present.
    Status status() const { return ok() ? Status{} : std::get<1>(v_); }
    Code code() const noexcept { return ok() ? Code::ok : std::get<1>(v_).code(); }

private:
    std::variant<T, Status> v_;
};

inline Status to_status(const Status& s) { return s; }
template <class T>
Status to_status(const Result<T>& r) { return r.status(); }

}  // namespace sesame

// Return a failed Status or Result's status from the enclosing function.
#define SESAME_TRY(expr)                                        \
    do {                                                        \
        auto&& sesame_try_ = (expr);                            \
        if (!sesame_try_.ok()) return ::sesame::to_status(sesame_try_); \
    } while (0)
