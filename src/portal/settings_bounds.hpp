// Internal: the bounds of every numeric portal setting, in one table.
//
// Engine::validate_settings enforces exactly these rows, and the configuration reference and the
// C ABI list them from here, so that what the documents promise and what the code checks cannot
// drift apart. Adding a numeric field to PortalSettings means adding a row here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sesame/model.hpp"

namespace sesame::portal {

struct SettingBound {
    std::string_view name;  // the field's name in PortalSettings, JSON and the docs
    std::int32_t PortalSettings::*member;
    std::int32_t min;
    std::int32_t max;
};

inline constexpr std::array<SettingBound, 13> kSettingBounds{{
    {"code_digits", &PortalSettings::code_digits, 6, 10},
    {"code_ttl_seconds", &PortalSettings::code_ttl_seconds, 60, 1800},
    {"max_attempts", &PortalSettings::max_attempts, 1, 10},
    {"contact_failure_limit", &PortalSettings::contact_failure_limit, 1, 100},
    {"resend_cooldown_seconds", &PortalSettings::resend_cooldown_seconds, 30, 3600},
    {"sends_per_hour", &PortalSettings::sends_per_hour, 1, 100},
    {"sends_per_day", &PortalSettings::sends_per_day, 1, 1000},
    {"ip_starts_limit", &PortalSettings::ip_starts_limit, 1, 100000},
    {"ip_starts_window_seconds", &PortalSettings::ip_starts_window_seconds, 1, 86400},
    {"ip_verify_limit", &PortalSettings::ip_verify_limit, 1, 100000},
    {"ip_verify_window_seconds", &PortalSettings::ip_verify_window_seconds, 1, 86400},
    {"session_idle_seconds", &PortalSettings::session_idle_seconds, 60, 43200},
    {"session_absolute_seconds", &PortalSettings::session_absolute_seconds, 300, 2592000},
}};

// Pairs where one setting may not be smaller than another: a daily quota below the hourly one, or
// an absolute session lifetime below the idle timeout, would make the smaller knob meaningless.
struct SettingAtLeast {
    std::string_view name;
    std::int32_t PortalSettings::*member;
    std::string_view other_name;
    std::int32_t PortalSettings::*other;
};

inline constexpr std::array<SettingAtLeast, 2> kSettingOrder{{
    {"sends_per_day", &PortalSettings::sends_per_day, "sends_per_hour", &PortalSettings::sends_per_hour},
    {"session_absolute_seconds", &PortalSettings::session_absolute_seconds, "session_idle_seconds",
     &PortalSettings::session_idle_seconds},
}};

// The longest host accepted in settings.host (a DNS name is at most 253 characters).
inline constexpr std::size_t kMaxHostLength = 253;

}  // namespace sesame::portal
