// start_login and verify_login: the two steps of a one-time-code login (docs/concepts.md), and the
// pieces of a one-time code they share with a contact change (auth/codes.hpp).
#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "auth/codes.hpp"
#include "auth/engine_impl.hpp"
#include "auth/messages.hpp"
#include "auth/owners.hpp"
#include "auth/throttle.hpp"
#include "identity/identity.hpp"

namespace sesame {
namespace codes {
namespace {

constexpr const char* kVerifyFailed =
    "that code did not work: enter the most recent code you received, or ask for a new one";

}  // namespace

Status verify_failed() { return {Code::verify_failed, kVerifyFailed}; }

RateLimitReason public_reason(std::string_view audit_reason) {
    if (audit_reason == "cooldown") return RateLimitReason::cooldown;
    if (audit_reason == "hourly_quota") return RateLimitReason::hourly_quota;
    if (audit_reason == "daily_quota") return RateLimitReason::daily_quota;
    if (audit_reason == "ip_limit") return RateLimitReason::ip;
    if (audit_reason == "contact_locked") return RateLimitReason::locked;
    if (audit_reason == "country_not_allowed") return RateLimitReason::country;
    if (audit_reason == "sms_breaker") return RateLimitReason::sms_paused;
    return RateLimitReason::none;
}

Status rate_limited(const throttle::Refusal& r) {
    std::string message;
    if (r.reason == "country_not_allowed")
        message = "text messages to that country are not enabled for this agency: use an email address, or contact the agency";
    else if (r.reason == "sms_breaker")
        message = "text messages are paused for this agency right now: try again later or use an email address";
    else
        message = fmt::format("too many attempts: try again in {} seconds", r.retry_after);
    Status st(Code::rate_limited, std::move(message));
    st.with_retry_after(r.retry_after);
    st.with_reason(public_reason(r.reason));
    return st;
}

Result<Sender> sender_for(Store& store, Id agency_id, Channel channel) {
    Sender s;
    if (channel == Channel::sms) {
        auto phones = store.list_agency_phones(agency_id);
        if (!phones) return phones.status();
        auto it = std::find_if(phones->begin(), phones->end(),
                               [](const AgencyPhone& p) { return p.registration == CarrierRegistration::complete; });
        if (it != phones->end()) s.from = it->number;
        else s.missing_reason = phones->empty() ? "no_agency_phone" : "carrier_registration_pending";
    } else {
        auto emails = store.list_agency_emails(agency_id);
        if (!emails) return emails.status();
        if (!emails->empty()) s.from = emails->front().address;
        else s.missing_reason = "no_agency_email";
    }
    return s;
}

Status channel_unavailable(const std::string& reason) {
    if (reason == "no_agency_email")
        return {Code::channel_unavailable, "this agency cannot send email codes yet: log in with your phone number, or contact the agency"};
    return {Code::channel_unavailable, "this agency cannot send text message codes yet: log in with your email address, or contact the agency"};
}

bool simulated(const Agency& a) { return a.send_mode == SendMode::simulate || a.environment == Environment::staging; }

Result<std::optional<throttle::Refusal>> send_refusal(Engine::Impl& im, const Agency& agency, const PortalSettings& s,
                                                      const identity::Identifier& id, UnixTime now) {
    Store& store = *im.store;
    const std::string& dest = id.value;
    const bool sms = id.kind == ContactKind::phone;
    using Check = std::function<Result<std::optional<throttle::Refusal>>()>;
    const Check checks[] = {
        [&] { return throttle::locked(store, agency.id, dest, now, s.contact_failure_limit); },
        [&] { return throttle::full(store, throttle::cooldown_key(agency.id, dest), now, s.resend_cooldown_seconds, 1, "cooldown"); },
        [&] { return throttle::full(store, throttle::hour_key(agency.id, dest), now, 3600, s.sends_per_hour, "hourly_quota"); },
        [&] { return throttle::full(store, throttle::day_key(agency.id, dest), now, 86400, s.sends_per_day, "daily_quota"); },
        [&]() -> Result<std::optional<throttle::Refusal>> {
            if (!sms) return std::optional<throttle::Refusal>{};
            const auto& allowed = agency.sms_countries;
            const bool ok = allowed.empty() ? id.region == agency.default_region
                                            : std::find(allowed.begin(), allowed.end(), id.region) != allowed.end();
            if (ok) return std::optional<throttle::Refusal>{};
            return std::optional<throttle::Refusal>{throttle::Refusal{"country_not_allowed", 0}};
        },
        [&]() -> Result<std::optional<throttle::Refusal>> {
            if (!sms) return std::optional<throttle::Refusal>{};
            auto r = throttle::full(store, throttle::sms_hour_key(agency.id), now, 3600, agency.sms_per_hour_limit, "sms_breaker");
            if (r && *r) {
                AuditEvent alert{0, agency.id, now, "system", "sms.breaker", fmt::format("agency:{}", agency.id),
                                 "tripped", "sms_breaker", "",
                                 fmt::format("{} text messages in the last hour reached the limit of {}; SMS codes are paused",
                                             agency.sms_per_hour_limit, agency.sms_per_hour_limit)};
                im.audit(alert);
            }
            return r;
        },
    };
    for (const auto& check : checks) {
        auto r = check();
        if (!r) return r.status();
        if (*r) return r;
    }
    return std::optional<throttle::Refusal>{};
}

Status count_send(Store& store, Id agency_id, const std::string& dest, const PortalSettings& s, UnixTime now,
                  bool sms) {
    for (const auto& [key, window] : {std::pair{throttle::cooldown_key(agency_id, dest), std::int64_t{s.resend_cooldown_seconds}},
                                      std::pair{throttle::hour_key(agency_id, dest), std::int64_t{3600}},
                                      std::pair{throttle::day_key(agency_id, dest), std::int64_t{86400}}}) {
        auto b = store.bump_counter(key, now, window);
        if (!b) return b.status();
    }
    if (sms) {
        auto b = store.bump_counter(throttle::sms_hour_key(agency_id), now, 3600);
        if (!b) return b.status();
    }
    return {};
}

Result<SentCode> send_code(Engine::Impl& im, const Portal& portal, const Agency& agency, Challenge& c,
                           std::string_view mac_subject, std::string_view language, const std::string& from) {
    Store& store = *im.store;
    const PortalSettings& s = portal.settings;
    std::string code = crypto::generate_code(*im.random, s.code_digits);
    c.mac = crypto::otp_mac(im.keys, c.id, mac_subject, code);

    auto tmpl = messages::choose(store, agency.id, c.channel, language, s.default_language);
    if (!tmpl) {
        crypto::wipe(code);
        return tmpl.status();
    }
    messages::Rendered text = messages::render(
        *tmpl, {code, portal.name, agency.name, s.host, (s.code_ttl_seconds + 59) / 60});

    Message m;
    m.agency_id = agency.id;
    m.direction = Direction::outbound;
    m.channel = c.channel;
    m.to = c.destination;
    m.from = from;
    m.subject = text.subject;
    m.created_at = m.updated_at = c.created_at;
    const bool simulate = simulated(agency);
    if (simulate) {
        // Kept whole: reading the code from the feed is the documented way to test (SECURITY.md 11).
        m.status = MessageStatus::simulated;
        m.content = text.body;
    } else {
        m.status = MessageStatus::queued;
        m.content = messages::redact(text.body, code);
        m.sealed = crypto::seal(im.keys, text.body);
    }
    crypto::wipe(text.body);
    crypto::wipe(code);

    auto message_id = store.begin_challenge(c, m);
    if (!message_id) return message_id.status();
    SESAME_TRY(count_send(store, agency.id, c.destination, s, c.created_at, c.channel == Channel::sms));

    if (simulate) return SentCode{"simulated", 0};
    return SentCode{"queued", im.options.deliver_immediately ? *message_id : Id{0}};
}

Status deliver_sent(Engine::Impl& im, const SentCode& sent) {
    if (sent.deliver == 0) return {};
    auto delivered = im.deliver(sent.deliver);
    return delivered ? Status{} : delivered.status();
}

std::string contact_change_subject(std::string_view destination) {
    return "contact-change\n" + std::string(destination);
}

Result<std::string> check_code(Engine::Impl& im, const PortalSettings& s, const Challenge& ch, const std::string& code,
                               std::string_view mac_subject, const std::string& audit_target,
                               const RequestInfo& request) {
    Store& store = *im.store;
    const UnixTime now = im.now();

    // The attempt is counted before anything is compared, in the statement that enforces the cap.
    auto attempt = store.register_attempt(ch.id);
    if (!attempt) {
        if (attempt.code() != Code::not_found) return attempt.status();
        auto again = store.get_challenge(ch.id);
        if (!again) return again.code() == Code::not_found ? std::string("unknown_challenge") : Result<std::string>(again.status());
        return std::string(again->consumed_at ? "already_used" : again->superseded_at ? "superseded" : "attempts_exhausted");
    }

    const std::string failure_key = throttle::failure_key(ch.agency_id, ch.destination);
    auto count_failure = [&]() -> Status {
        auto f = store.bump_counter(failure_key, now, 0);
        if (!f) return f.status();
        if (f->count >= s.contact_failure_limit) {
            AuditEvent locked{0, ch.agency_id, now, "system", "login.locked", audit_target, "locked", "contact_locked", request.ip,
                              fmt::format("{} consecutive failures; locked for {} s", f->count,
                                          throttle::lockout_seconds(f->count, s.contact_failure_limit))};
            im.audit(locked);
        }
        return {};
    };

    auto lock = throttle::locked(store, ch.agency_id, ch.destination, now, s.contact_failure_limit);
    if (!lock) return lock.status();
    if (*lock) return std::string("contact_locked");

    auto digits = crypto::normalize_code_input(code, s.code_digits);
    if (!digits) {
        SESAME_TRY(count_failure());
        return std::string("malformed_code");
    }
    if (now >= ch.expires_at) {
        crypto::wipe(*digits);
        return std::string("expired");
    }
    if (ch.decoy) {
        // A guess at a made-up contact counts as a wrong code does, so that the lockout a visitor
        // runs into tells nothing about whether the contact exists (SECURITY.md 13).
        crypto::wipe(*digits);
        SESAME_TRY(count_failure());
        return std::string("decoy");
    }
    const bool match = crypto::otp_verify(im.keys, ch.mac, ch.id, mac_subject, *digits);
    crypto::wipe(*digits);
    if (!match) {
        SESAME_TRY(count_failure());
        return std::string("wrong_code");
    }
    auto consumed = store.consume_challenge(ch.id, now);
    if (!consumed) return consumed.status();
    if (!*consumed) return std::string("already_used");
    SESAME_TRY(store.reset_counter(failure_key));
    return std::string();
}

}  // namespace codes

namespace {

using codes::channel_unavailable;
using codes::rate_limited;
using codes::sender_for;

// One visitor call: its audit event, filled in as the call learns more, and the one way every
// refusal is recorded. The first refusal of both steps is the same: login is off for the portal.
// `answered` is set by a refusal: an answer to the visitor whose counters and audit event are
// committed, unlike a failure of the store, which rolls the call's unit of work back.
struct VisitorCall {
    Engine::Impl& im;
    AuditEvent ev;
    bool answered = false;

    VisitorCall(Engine::Impl& impl, const Portal& portal, const char* action, const RequestInfo& request) : im(impl) {
        ev.agency_id = portal.agency_id;
        ev.actor = "visitor";
        ev.action = action;
        ev.target = fmt::format("portal:{}", portal.id);
        ev.ip = request.ip;
    }

    Status refuse(Status st, std::string reason) {
        ev.outcome = code_name(st.code());
        ev.reason = std::move(reason);
        im.audit(ev);
        answered = true;
        return st;
    }

    Status refuse_if_disabled(const Portal& portal) {
        if (portal.client_auth != ClientAuth::disabled) return {};
        return refuse({Code::auth_disabled, "client login is turned off for this portal"}, "auth_disabled");
    }
};

}  // namespace

namespace {

// start_login inside its unit of work. `call` is set once the portal is known; `sent` says which
// message to hand to its transport after the commit.
Result<LoginStarted> start_steps(Engine::Impl& im, Id portal_id, const std::string& identifier,
                                 const RequestInfo& request, std::optional<VisitorCall>& call_slot,
                                 codes::SentCode& sent) {
    Store& store = *im.store;
    const UnixTime now = im.now();

    auto portal = store.get_portal(portal_id);
    if (!portal) return portal.status();
    const PortalSettings& s = portal->settings;

    VisitorCall& call = call_slot.emplace(im, *portal, "login.start", request);
    AuditEvent& ev = call.ev;
    auto refuse = [&](Status st, std::string reason) { return call.refuse(std::move(st), std::move(reason)); };

    SESAME_TRY(call.refuse_if_disabled(*portal));

    auto ip = throttle::hit(store, throttle::ip_start_key(request.ip), now, s.ip_starts_window_seconds,
                            s.ip_starts_limit, "ip_limit");
    if (!ip) return ip.status();
    if (*ip) return refuse(rate_limited(**ip), (*ip)->reason);

    auto agency = store.get_agency(portal->agency_id);
    if (!agency) return agency.status();
    auto id = identity::parse_identifier(identifier, agency->default_region);
    if (!id) return refuse(id.status(), "bad_identifier");
    const std::string& dest = id->value;
    const Channel channel = id->kind == ContactKind::phone ? Channel::sms : Channel::email;
    ev.detail = fmt::format("{} {}", to_string(channel), identity::mask(id->kind, dest));

    // Throttles before anything is looked up or queued (SECURITY.md 10).
    auto refusal = codes::send_refusal(im, *agency, s, *id, now);
    if (!refusal) return refusal.status();
    if (*refusal) return refuse(rate_limited(**refusal), (*refusal)->reason);

    const bool uniform = s.unknown_contact_response == UnknownContactResponse::uniform;
    auto sender = sender_for(store, agency->id, channel);
    if (!sender) return sender.status();
    // In uniform mode the channel is checked first: it is the same for every visitor, so it tells
    // nothing about the contact, whereas checking it after the lookup would.
    if (uniform && sender->from.empty()) return refuse(channel_unavailable(sender->missing_reason), sender->missing_reason);

    auto owners = owners::find(*im.directory, agency->id, dest);
    if (!owners) return owners.status();

    Challenge c;
    c.id = crypto::new_id();
    c.agency_id = agency->id;
    c.portal_id = portal->id;
    c.channel = channel;
    c.destination = dest;
    c.max_attempts = s.max_attempts;
    c.created_at = now;
    c.expires_at = now + s.code_ttl_seconds;
    LoginStarted started{c.id, channel, identity::mask(id->kind, dest), c.expires_at, now + s.resend_cooldown_seconds};

    if (owners->clients.empty()) {
        const std::string reason = owners->any_contact ? owners->ineligible_reason : "contact_not_found";
        if (!uniform) {
            if (!owners->any_contact)
                return refuse({Code::contact_not_found,
                               "we could not find that phone number or email: check it, or contact the agency"},
                              reason);
            return refuse({Code::contact_ineligible,
                           "that phone number or email cannot be used to log in: contact the agency"},
                          reason);
        }
        // Uniform mode: a decoy challenge with a MAC nobody knows the code of, the same store path,
        // the same counters and the same answer as for a real contact (SECURITY.md 13).
        c.decoy = true;
        const auto noise = crypto::hash_token(im.keys, crypto::new_token());
        c.mac.assign(noise.begin(), noise.end());
        auto begun = store.begin_challenge(c, std::nullopt);
        if (!begun) return begun.status();
        // Counted as a real code is, the agency's SMS limit included (SECURITY.md 13).
        SESAME_TRY(codes::count_send(store, agency->id, dest, s, now, channel == Channel::sms));
        ev.outcome = "ok";
        ev.reason = "decoy:" + reason;
        ev.target += " challenge:" + c.id;
        im.audit(ev);
        return started;
    }
    if (sender->from.empty()) return refuse(channel_unavailable(sender->missing_reason), sender->missing_reason);

    // One owner: their language. Several (a shared phone): the page's language when one of them
    // speaks it, so that the person who asked reads the message.
    std::string language = owners->clients.front().language;
    if (!request.language.empty())
        for (const Client& owner : owners->clients)
            if (owner.language == request.language) language = owner.language;
    auto outcome = codes::send_code(im, *portal, *agency, c, dest, language, sender->from);
    if (!outcome) return outcome.status();
    sent = *outcome;
    ev.reason = outcome->outcome;
    ev.outcome = "ok";
    ev.target += " challenge:" + c.id;
    im.audit(ev);
    return started;
}

// Runs one visitor call's steps as one unit of work. A refusal (call.answered) is committed with
// its counters and audit event; any other failure rolls the unit back and is returned.
template <class T, class Steps>
Result<T> in_unit(Engine::Impl& im, Steps steps) {
    std::optional<VisitorCall> call;
    Result<T> answer = Status(Code::internal, "the request did not run");
    SESAME_TRY(im.unit([&]() -> Status {
        call.reset();
        answer = steps(call);
        return answer.ok() || (call && call->answered) ? Status{} : answer.status();
    }));
    return answer;
}

}  // namespace

Result<LoginStarted> Engine::start_login(Id portal_id, const std::string& identifier, const RequestInfo& request) {
    Impl& im = *impl_;
    codes::SentCode sent;
    // One unit of work (docs/design.md): every throttle checked and bumped, the challenge superseded
    // and stored with its message, the call audited: one write transaction, so that parallel
    // requests, in any number of threads or processes, keep every limit together.
    auto answer = in_unit<LoginStarted>(im, [&](std::optional<VisitorCall>& call) {
        return start_steps(im, portal_id, identifier, request, call, sent);
    });
    if (!answer) return answer;
    // The transport works after the commit: no transaction is held while a message leaves.
    SESAME_TRY(codes::deliver_sent(im, sent));
    return answer;
}

namespace {

// verify_login inside its unit of work.
Result<LoginVerified> verify_steps(Engine::Impl& im, Id portal_id, const std::string& challenge_id,
                                   const std::string& code, const RequestInfo& request,
                                   std::optional<VisitorCall>& call_slot) {
    Store& store = *im.store;
    const UnixTime now = im.now();

    auto portal = store.get_portal(portal_id);
    if (!portal) return portal.status();
    const PortalSettings& s = portal->settings;

    VisitorCall& call = call_slot.emplace(im, *portal, "login.verify", request);
    AuditEvent& ev = call.ev;
    auto refuse = [&](Status st, std::string reason) { return call.refuse(std::move(st), std::move(reason)); };
    auto fail = [&](std::string reason) { return refuse(codes::verify_failed(), std::move(reason)); };

    SESAME_TRY(call.refuse_if_disabled(*portal));
    auto ip = throttle::hit(store, throttle::ip_verify_key(request.ip), now, s.ip_verify_window_seconds,
                            s.ip_verify_limit, "ip_limit");
    if (!ip) return ip.status();
    if (*ip) return refuse(rate_limited(**ip), (*ip)->reason);

    // By id only: a code is never a lookup key (SECURITY.md 4). Ids are bounded before they reach
    // the store so that a 10 KB "id" costs nothing.
    if (challenge_id.empty() || challenge_id.size() > 64) return fail("unknown_challenge");
    auto ch = store.get_challenge(challenge_id);
    if (!ch) return ch.code() == Code::not_found ? fail("unknown_challenge") : ch.status();
    if (ch->portal_id != portal->id) return fail("unknown_challenge");
    ev.target += " challenge:" + ch->id;
    // A code sent to confirm a contact change never logs anyone in.
    auto change = store.get_contact_change(ch->id);
    if (change) return fail("contact_change_challenge");
    if (change.code() != Code::not_found) return change.status();

    auto checked = codes::check_code(im, s, *ch, code, ch->destination, ev.target, request);
    if (!checked) return checked.status();
    if (!checked->empty()) return fail(std::move(*checked));

    auto owners = owners::find(*im.directory, ch->agency_id, ch->destination);
    if (!owners) return owners.status();
    if (owners->clients.empty()) return fail("contact_ineligible");

    Session session;
    std::string token = crypto::new_token();
    session.id = crypto::new_id();
    session.token_hash = crypto::hash_token(im.keys, token);
    session.agency_id = ch->agency_id;
    session.portal_id = portal->id;
    session.destination = ch->destination;
    if (owners->clients.size() == 1) session.client_id = owners->clients.front().id;
    session.ip = request.ip;
    session.user_agent = request.user_agent.substr(0, 512);
    // Cut between UTF-8 characters, never inside one.
    while (!session.user_agent.empty() && session.user_agent.size() < request.user_agent.size() &&
           (static_cast<unsigned char>(request.user_agent[session.user_agent.size()]) & 0xC0) == 0x80)
        session.user_agent.pop_back();
    session.created_at = session.last_seen_at = now;
    session.absolute_expires_at = now + s.session_absolute_seconds;
    session.idle_expires_at = std::min(now + s.session_idle_seconds, session.absolute_expires_at);
    SESAME_TRY(store.insert_session(session));

    LoginVerified out;
    out.token = std::move(token);
    out.session_id = session.id;
    for (const auto& client : owners->clients) out.clients.push_back({client.id, owners::display_name(client)});
    out.client_id = session.client_id;
    out.expires_at = session.absolute_expires_at;
    out.idle_expires_at = session.idle_expires_at;
    out.assurance = "aal1";

    ev.outcome = "ok";
    ev.reason = "ok";
    ev.detail = fmt::format("session:{} clients:{}", session.id, out.clients.size());
    im.audit(ev);
    return out;
}

}  // namespace

Result<LoginVerified> Engine::verify_login(Id portal_id, const std::string& challenge_id, const std::string& code,
                                           const RequestInfo& request) {
    // One unit of work: the attempt counted under the cap, then the failure recorded or the code
    // consumed, the session inserted, the failure counter reset and the call audited together.
    return in_unit<LoginVerified>(*impl_, [&](std::optional<VisitorCall>& call) {
        return verify_steps(*impl_, portal_id, challenge_id, code, request, call);
    });
}

}  // namespace sesame
