#include "auth/throttle.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sesame::throttle {

std::string ip_start_key(std::string_view ip) { return fmt::format("ip-start:{}", ip); }
std::string ip_verify_key(std::string_view ip) { return fmt::format("ip-verify:{}", ip); }
std::string cooldown_key(Id agency_id, std::string_view dest) { return fmt::format("cooldown:{}:{}", agency_id, dest); }
std::string hour_key(Id agency_id, std::string_view dest) { return fmt::format("hour:{}:{}", agency_id, dest); }
std::string day_key(Id agency_id, std::string_view dest) { return fmt::format("day:{}:{}", agency_id, dest); }
std::string failure_key(Id agency_id, std::string_view dest) { return fmt::format("fail:{}:{}", agency_id, dest); }
std::string sms_hour_key(Id agency_id) { return fmt::format("sms-hour:{}", agency_id); }

Result<std::optional<Refusal>> hit(Store& store, const std::string& key, UnixTime now, std::int64_t window,
                                   std::int64_t limit, std::string_view reason) {
    auto c = store.bump_counter(key, now, window);
    if (!c) return c.status();
    if (c->count <= limit) return std::optional<Refusal>{};
    return std::optional<Refusal>{Refusal{std::string(reason), std::max<std::int64_t>(1, c->window_start + window - now)}};
}

Result<std::optional<Refusal>> full(Store& store, const std::string& key, UnixTime now, std::int64_t window,
                                    std::int64_t limit, std::string_view reason) {
    auto c = store.get_counter(key);
    if (!c) return c.status();
    const bool live = c->count > 0 && now < c->window_start + window;
    if (!live || c->count < limit) return std::optional<Refusal>{};
    return std::optional<Refusal>{Refusal{std::string(reason), c->window_start + window - now}};
}

std::int64_t lockout_seconds(std::int64_t failures, std::int64_t limit) {
    if (failures < limit) return 0;
    const std::int64_t doublings = failures - limit;
    return doublings >= 12 ? 3600 : std::min<std::int64_t>(3600, std::int64_t{1} << doublings);
}

Result<std::optional<Refusal>> locked(Store& store, Id agency_id, std::string_view dest, UnixTime now,
                                      std::int64_t limit) {
    auto c = store.get_counter(failure_key(agency_id, dest));
    if (!c) return c.status();
    const auto until = c->last_at + lockout_seconds(c->count, limit);
    if (c->count < limit || now >= until) return std::optional<Refusal>{};
    return std::optional<Refusal>{Refusal{"contact_locked", until - now}};
}

}  // namespace sesame::throttle
