// Internal: the throttles of SECURITY.md "Sending", on top of Store counters.
#pragma once

#include <string>
#include <string_view>

#include "sesame/model.hpp"
#include "sesame/status.hpp"
#include "sesame/store.hpp"

namespace sesame::throttle {

// Counter keys. <dest> is the normalised contact value.
std::string ip_start_key(std::string_view ip);
std::string ip_verify_key(std::string_view ip);
std::string cooldown_key(Id agency_id, std::string_view dest);
std::string hour_key(Id agency_id, std::string_view dest);
std::string day_key(Id agency_id, std::string_view dest);
std::string failure_key(Id agency_id, std::string_view dest);
std::string sms_hour_key(Id agency_id);

// A refusal: the audit reason and the seconds until a retry can succeed (0: not by waiting).
struct Refusal {
    std::string reason;
    std::int64_t retry_after = 0;
};

// Bumps a fixed-window counter and refuses when it went over `limit`.
Result<std::optional<Refusal>> hit(Store& store, const std::string& key, UnixTime now, std::int64_t window,
                                   std::int64_t limit, std::string_view reason);

// Refuses when the counter, within its live window, already reached `limit` (no bump).
Result<std::optional<Refusal>> full(Store& store, const std::string& key, UnixTime now, std::int64_t window,
                                    std::int64_t limit, std::string_view reason);

// Seconds a contact stays locked after `failures` consecutive failures, with `limit` allowed:
// 0 below the limit, then 1, 2, 4, ... seconds, capped at one hour.
std::int64_t lockout_seconds(std::int64_t failures, std::int64_t limit);

// Refuses ("contact_locked") while the contact is locked out.
Result<std::optional<Refusal>> locked(Store& store, Id agency_id, std::string_view dest, UnixTime now,
                                      std::int64_t limit);

}  // namespace sesame::throttle
