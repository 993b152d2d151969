// Engine::validate_settings: every portal knob inside the bounds of settings_bounds.hpp.
#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/settings_bounds.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// A DNS name, optionally with ":port". The host is printed into the WebOTP line of every SMS, so
// anything that is not a plain name (spaces, '@', '#', a path) is refused rather than escaped.
bool is_host(std::string_view host) {
    std::string_view name = host;
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        name = host.substr(0, colon);
        const std::string_view port = host.substr(colon + 1);
        if (port.empty() || port.size() > 5) return false;
        long value = 0;
        for (char c : port) {
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) return false;
    }
    if (name.empty() || name.size() > portal::kMaxHostLength) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (!is_host_char(c)) return false;
        if (c == '.') {
            if (label == 0 || name[i - 1] == '-') return false;
            label = 0;
            continue;
        }
        if (c == '-' && label == 0) return false;
        if (++label > 63) return false;
    }
    return label > 0 && name.back() != '-';
}

}  // namespace

Status Engine::validate_settings(const PortalSettings& s) {
    for (const auto& b : portal::kSettingBounds) {
        const std::int32_t v = s.*b.member;
        if (v < b.min || v > b.max)
            return {Code::invalid_argument,
                    fmt::format("settings.{} must be between {} and {} (got {})", b.name, b.min, b.max, v)};
    }
    for (const auto& o : portal::kSettingOrder) {
        if (s.*o.member < s.*o.other)
            return {Code::invalid_argument,
                    fmt::format("settings.{} must be at least settings.{} (got {} < {})", o.name, o.other_name,
                                s.*o.member, s.*o.other)};
    }
    if (s.unknown_contact_response != UnknownContactResponse::explain &&
        s.unknown_contact_response != UnknownContactResponse::uniform)
        return {Code::invalid_argument, "settings.unknown_contact_response must be explain or uniform"};
    if (!portal::is_language(s.default_language))
        return {Code::invalid_argument,
                "settings.default_language must be two lowercase letters (an ISO 639-1 code such as \"en\")"};
    if (!s.host.empty() && !is_host(s.host))
        return {Code::invalid_argument,
                fmt::format("settings.host must be empty or a host name such as \"portal.example.gov\" "
                            "(letters, digits, '-' and '.', at most {} characters, optionally \":port\")",
                            portal::kMaxHostLength)};
    return {};
}

}  // namespace sesame
