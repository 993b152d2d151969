#include "sesame/model.hpp"

#include <array>
#include <utility>

#include "sesame/status.hpp"

namespace sesame {
namespace {

template <class E, std::size_t N>
using Words = std::array<std::pair<E, std::string_view>, N>;

constexpr Words<Environment, 2> kEnvironment{{{Environment::staging, "staging"}, {Environment::production, "production"}}};
constexpr Words<SendMode, 2> kSendMode{{{SendMode::live, "live"}, {SendMode::simulate, "simulate"}}};
constexpr Words<CarrierRegistration, 2> kRegistration{
    {{CarrierRegistration::pending, "pending"}, {CarrierRegistration::complete, "complete"}}};
constexpr Words<ClientAuth, 2> kClientAuth{
    {{ClientAuth::disabled, "disabled"}, {ClientAuth::one_time_password, "one-time-password"}}};
constexpr Words<UnknownContactResponse, 2> kUnknown{
    {{UnknownContactResponse::explain, "explain"}, {UnknownContactResponse::uniform, "uniform"}}};
constexpr Words<ContactKind, 2> kKind{{{ContactKind::phone, "phone"}, {ContactKind::email, "email"}}};
constexpr Words<ContactStatus, 3> kContactStatus{
    {{ContactStatus::valid, "valid"}, {ContactStatus::opted_out, "opted_out"}, {ContactStatus::invalid, "invalid"}}};
constexpr Words<Channel, 2> kChannel{{{Channel::sms, "sms"}, {Channel::email, "email"}}};
constexpr Words<Direction, 2> kDirection{{{Direction::outbound, "outbound"}, {Direction::inbound, "inbound"}}};
constexpr Words<MessageStatus, 6> kMessageStatus{{{MessageStatus::queued, "queued"},
                                                  {MessageStatus::sent, "sent"},
                                                  {MessageStatus::delivered, "delivered"},
                                                  {MessageStatus::failed, "failed"},
                                                  {MessageStatus::simulated, "simulated"},
                                                  {MessageStatus::received, "received"}}};

template <class E, std::size_t N>
std::string_view word(const Words<E, N>& table, E value) {
    for (const auto& [e, w] : table)
        if (e == value) return w;
    return "unknown";
}

template <class E, std::size_t N>
bool lookup(const Words<E, N>& table, std::string_view text, E& out) {
    for (const auto& [e, w] : table)
        if (w == text) {
            out = e;
            return true;
        }
    return false;
}

}  // namespace

std::string_view to_string(Environment v) { return word(kEnvironment, v); }
std::string_view to_string(SendMode v) { return word(kSendMode, v); }
std::string_view to_string(CarrierRegistration v) { return word(kRegistration, v); }
std::string_view to_string(ClientAuth v) { return word(kClientAuth, v); }
std::string_view to_string(UnknownContactResponse v) { return word(kUnknown, v); }
std::string_view to_string(ContactKind v) { return word(kKind, v); }
std::string_view to_string(ContactStatus v) { return word(kContactStatus, v); }
std::string_view to_string(Channel v) { return word(kChannel, v); }
std::string_view to_string(Direction v) { return word(kDirection, v); }
std::string_view to_string(MessageStatus v) { return word(kMessageStatus, v); }

bool parse(std::string_view t, Environment& out) { return lookup(kEnvironment, t, out); }
bool parse(std::string_view t, SendMode& out) { return lookup(kSendMode, t, out); }
bool parse(std::string_view t, CarrierRegistration& out) { return lookup(kRegistration, t, out); }
bool parse(std::string_view t, ClientAuth& out) { return lookup(kClientAuth, t, out); }
bool parse(std::string_view t, UnknownContactResponse& out) { return lookup(kUnknown, t, out); }
bool parse(std::string_view t, ContactKind& out) { return lookup(kKind, t, out); }
bool parse(std::string_view t, ContactStatus& out) { return lookup(kContactStatus, t, out); }
bool parse(std::string_view t, Channel& out) { return lookup(kChannel, t, out); }
bool parse(std::string_view t, Direction& out) { return lookup(kDirection, t, out); }
bool parse(std::string_view t, MessageStatus& out) { return lookup(kMessageStatus, t, out); }

const char* code_name(Code code) noexcept {
    switch (code) {
        case Code::ok: return "SESAME_OK";
        case Code::invalid_argument: return "SESAME_E_INVALID_ARGUMENT";
        case Code::not_found: return "SESAME_E_NOT_FOUND";
        case Code::already_exists: return "SESAME_E_ALREADY_EXISTS";
        case Code::permission_denied: return "SESAME_E_PERMISSION_DENIED";
        case Code::auth_disabled: return "SESAME_E_AUTH_DISABLED";
        case Code::rate_limited: return "SESAME_E_RATE_LIMITED";
        case Code::contact_not_found: return "SESAME_E_CONTACT_NOT_FOUND";
        case Code::contact_ineligible: return "SESAME_E_CONTACT_INELIGIBLE";
        case Code::channel_unavailable: return "SESAME_E_CHANNEL_UNAVAILABLE";
        case Code::verify_failed: return "SESAME_E_VERIFY_FAILED";
        case Code::session_invalid: return "SESAME_E_SESSION_INVALID";
        case Code::selection_required: return "SESAME_E_SELECTION_REQUIRED";
        case Code::storage: return "SESAME_E_STORAGE";
        case Code::corrupt: return "SESAME_E_CORRUPT";
        case Code::version_mismatch: return "SESAME_E_VERSION_MISMATCH";
        case Code::crypto: return "SESAME_E_CRYPTO";
        case Code::callback: return "SESAME_E_CALLBACK";
        case Code::no_memory: return "SESAME_E_NOMEM";
        case Code::internal: return "SESAME_E_INTERNAL";
        case Code::failed_precondition: return "SESAME_E_FAILED_PRECONDITION";
        case Code::conflict: return "SESAME_E_CONFLICT";
    }
    return "SESAME_E_UNKNOWN";
}

const char* reason_name(RateLimitReason reason) noexcept {
    switch (reason) {
        case RateLimitReason::none: return "";
        case RateLimitReason::cooldown: return "cooldown";
        case RateLimitReason::hourly_quota: return "hourly_quota";
        case RateLimitReason::daily_quota: return "daily_quota";
        case RateLimitReason::ip: return "ip";
        case RateLimitReason::locked: return "locked";
        case RateLimitReason::country: return "country";
        case RateLimitReason::sms_paused: return "sms_paused";
    }
    return "";
}

}  // namespace sesame
