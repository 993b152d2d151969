// Sessions after a login: choosing a client, the per-request check, logout, and the sweeper.
#include <algorithm>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "auth/owners.hpp"

namespace sesame {
namespace {

constexpr const char* kSessionInvalid = "your session has ended: log in again";
constexpr std::int64_t kTouchInterval = 60;  // last_seen_at is written at most once a minute
constexpr std::int64_t kCounterRetention = 86400;  // the longest throttle window


// The live session behind a token on this portal, or SESSION_INVALID. One indexed read.
Result<Session> live_session(Engine::Impl& im, Id portal_id, const std::string& token, UnixTime now) {
    // A token is 43 base64url characters; anything else cannot be one and costs no lookup.
    if (token.size() != 43) return Status(Code::session_invalid, kSessionInvalid);
    auto s = im.store->find_session(crypto::hash_token(im.keys, token));
    if (!s) return s.code() == Code::not_found ? Status(Code::session_invalid, kSessionInvalid) : s.status();
    if (s->portal_id != portal_id || s->revoked_at || now >= s->idle_expires_at || now >= s->absolute_expires_at)
        return Status(Code::session_invalid, kSessionInvalid);
    return s;
}

}  // namespace

SessionInfo session_info(const Session& s) {
    SessionInfo i;
    i.session_id = s.id;
    i.portal_id = s.portal_id;
    i.agency_id = s.agency_id;
    i.client_id = s.client_id;
    i.destination = s.destination;
    i.created_at = s.created_at;
    i.last_seen_at = s.last_seen_at;
    i.idle_expires_at = s.idle_expires_at;
    i.absolute_expires_at = s.absolute_expires_at;
    i.assurance = s.assurance;
    i.revoked_at = s.revoked_at;
    i.revoke_reason = s.revoke_reason;
    return i;
}

Result<SessionInfo> Engine::select_client(Id portal_id, const std::string& token, Id client_id) {
    Impl& im = *impl_;
    const UnixTime now = im.now();
    auto s = live_session(im, portal_id, token, now);
    if (!s) return s.status();
    if (s->client_id)
        return Status(Code::failed_precondition, "this session already acts for a client: log in again to choose another");
    auto owners = owners::find(*im.directory, s->agency_id, s->destination);
    if (!owners) return owners.status();
    const bool owns = std::any_of(owners->clients.begin(), owners->clients.end(),
                                  [&](const Client& c) { return c.id == client_id; });
    AuditEvent ev{0, s->agency_id, now, "visitor", "session.select", fmt::format("session:{} client:{}", s->id, client_id),
                  "", "", "", ""};
    if (!owns) {
        ev.outcome = "SESAME_E_NOT_FOUND";
        ev.reason = "client_not_owner";
        im.audit(ev);
        return Status(Code::not_found, "that client is not one of the choices for this login");
    }
    // The binding and its audit event: one unit of work.
    Status bound = im.unit([&]() -> Status {
        if (Status st = im.store->bind_session_client(s->id, client_id); !st.ok()) return st;
        ev.outcome = "ok";
        ev.reason = "ok";
        im.audit(ev);
        return {};
    });
    if (!bound.ok()) return bound;
    s->client_id = client_id;
    return session_info(*s);
}

Result<std::vector<ClientChoice>> Engine::session_choices(Id portal_id, const std::string& token) {
    Impl& im = *impl_;
    auto s = live_session(im, portal_id, token, im.now());
    if (!s) return s.status();
    auto owners = owners::find(*im.directory, s->agency_id, s->destination);
    if (!owners) return owners.status();
    std::vector<ClientChoice> out;
    for (const auto& c : owners->clients) out.push_back({c.id, owners::display_name(c)});
    return out;
}

Result<SessionInfo> Engine::check_session(Id portal_id, const std::string& token) {
    Impl& im = *impl_;
    const UnixTime now = im.now();
    auto s = live_session(im, portal_id, token, now);
    if (!s) return s.status();
    if (now - s->last_seen_at >= kTouchInterval) {
        // The portal's current idle timeout applies from this touch on.
        auto portal = im.store->get_portal(portal_id);
        if (!portal) return portal.status();
        const UnixTime idle = std::min(now + portal->settings.session_idle_seconds, s->absolute_expires_at);
        SESAME_TRY(im.store->touch_session(s->id, now, idle));
        s->last_seen_at = now;
        s->idle_expires_at = idle;
    }
    if (!s->client_id)
        return Status(Code::selection_required, "this phone number or email belongs to several people: choose who you are");
    return session_info(*s);
}

Status Engine::logout(Id portal_id, const std::string& token) {
    Impl& im = *impl_;
    const UnixTime now = im.now();
    auto s = live_session(im, portal_id, token, now);
    if (!s) return s.status();
    // The revocation and its audit event: one unit of work.
    bool revoked = false;
    SESAME_TRY(im.unit([&]() -> Status {
        auto n = im.store->revoke_session(s->id, now, "logout");
        if (!n) return n.status();
        // Another logout of the same token may have won the race since live_session read it.
        if (*n == 0) return {};
        revoked = true;
        im.audit({0, s->agency_id, now, s->client_id ? fmt::format("client:{}", *s->client_id) : "visitor",
                  "session.logout", fmt::format("session:{}", s->id), "ok", "logout", "", ""});
        return {};
    }));
    if (!revoked) return Status(Code::session_invalid, kSessionInvalid);
    return {};
}

Result<SweepResult> Engine::sweep() {
    Impl& im = *impl_;
    const UnixTime now = im.now();
    auto r = im.store->sweep(now, now - kCounterRetention);
    if (!r) return r;
    if (r->challenges || r->sessions || r->counters)
        im.audit({0, 0, now, "system", "sweep", "store", "ok", "housekeeping", "",
                  fmt::format("removed {} challenges, {} sessions, {} counters", r->challenges, r->sessions, r->counters)});
    return r;
}

}  // namespace sesame
