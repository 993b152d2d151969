// Internal: the pieces of a one-time code that login and a contact change share — the send
// throttles, the sender, sending a code through the challenge and message pipeline, and checking
// a code (src/auth/login.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/engine_impl.hpp"
#include "auth/throttle.hpp"
#include "identity/identity.hpp"

namespace sesame::codes {

// The RATE_LIMITED a visitor sees for a throttle's refusal.
Status rate_limited(const throttle::Refusal& r);

// True when the agency's messages are simulated (simulate mode, or staging).
bool simulated(const Agency& a);

// Where a code for this channel comes from, or the reason there is none.
struct Sender {
    std::string from;
    std::string missing_reason;
};
Result<Sender> sender_for(Store& store, Id agency_id, Channel channel);
// CHANNEL_UNAVAILABLE for a sender's missing_reason.
Status channel_unavailable(const std::string& reason);

// The throttles on sending a code to `id`, in order: the destination's lockout, the resend
// cooldown, the hourly and daily quotas, the SMS country allowlist and the agency's SMS breaker
// (audited when it trips). The first refusal, or none.
Result<std::optional<throttle::Refusal>> send_refusal(Engine::Impl& im, const Agency& agency, const PortalSettings& s,
                                                      const identity::Identifier& id, UnixTime now);

// Counts one code sent to `destination` (cooldown, hour, day; with `sms`, the agency's SMS hour).
Status count_send(Store& store, Id agency_id, const std::string& destination, const PortalSettings& s, UnixTime now,
                  bool sms);

// What send_code did: the outcome for the audit ("simulated" or "queued") and the live message to
// hand to its transport once the caller's unit of work has committed (0: none, because the message
// is simulated or the host dispatches).
struct SentCode {
    std::string outcome;
    Id deliver = 0;
};

// Generates a code, keeps only its MAC (bound to c.id and `mac_subject`), renders the template of
// `language` (then the portal's default language), and stores the challenge with its message:
// whole in simulate mode, redacted and sealed otherwise. c.mac is filled in. Called inside the
// request's unit of work; the transport is called afterwards, by deliver_sent.
Result<SentCode> send_code(Engine::Impl& im, const Portal& portal, const Agency& agency, Challenge& c,
                           std::string_view mac_subject, std::string_view language, const std::string& from);

// Hands the message send_code queued to its transport, when there is one to hand. Called after the
// unit of work committed: no transaction or lock is held while a transport works.
Status deliver_sent(Engine::Impl& im, const SentCode& sent);

// What a contact change's code MAC is bound to besides the challenge id: never a login's subject,
// so that neither kind of code can pass for the other.
std::string contact_change_subject(std::string_view destination);

// The checks every code goes through, in order: the attempt counted before anything is compared
// (within the challenge's cap), the destination's lockout, the code's shape, expiry, decoy, the
// keyed MAC compared in constant time (bound to `mac_subject`), single use. A wrong or malformed
// code counts towards the destination's lockout; a right one resets it. Returns "" when the code
// was right and the challenge is now consumed, otherwise the true reason of the failure.
Result<std::string> check_code(Engine::Impl& im, const PortalSettings& s, const Challenge& ch, const std::string& code,
                               std::string_view mac_subject, const std::string& audit_target,
                               const RequestInfo& request);

// The VERIFY_FAILED every failed code check answers.
Status verify_failed();

}  // namespace sesame::codes
