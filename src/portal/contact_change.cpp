// A client's own change of phone or email: a one-time code goes to the NEW value through the
// login's challenge and message pipeline, and only the right code adds the contact (or gives the
// replaced one its new value). A change's challenge never logs anyone in, and a login's challenge
// never confirms a change: the change is keyed by its challenge id, verify_login refuses any
// challenge that has one, and the code's MAC is bound to a subject no login uses.
#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "auth/codes.hpp"
#include "auth/engine_impl.hpp"
#include "auth/throttle.hpp"
#include "identity/identity.hpp"
#include "portal/profile.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

// The audit record of one visitor call, and the one way each refusal is recorded.
struct ChangeCall {
    Engine::Impl& im;
    AuditEvent ev;

    ChangeCall(Engine::Impl& impl, const portal::Visitor& v, const char* action, const RequestInfo& request)
        : im(impl) {
        ev.agency_id = v.portal.agency_id;
        ev.actor = v.actor;
        ev.action = action;
        ev.target = fmt::format("portal:{} client:{}", v.portal.id, v.client_id);
        ev.ip = request.ip;
    }

    Status refuse(Status st, std::string reason) {
        ev.outcome = code_name(st.code());
        ev.reason = std::move(reason);
        im.audit(ev);
        return st;
    }

    void ok(std::string reason) {
        ev.outcome = "ok";
        ev.reason = std::move(reason);
        im.audit(ev);
    }
};

// PERMISSION_DENIED unless the portal lets clients change contacts of this kind.
Result<bool> kind_editable(Engine::Impl& im, Id portal_id, ContactKind kind) {
    auto policy = portal::effective_profile_policy(*im.store, portal_id);
    if (!policy) return policy.status();
    return policy->at(portal::contact_field(kind)) == FieldPolicy::editable;
}

Status not_editable(ContactKind kind) {
    return {Code::permission_denied,
            fmt::format("{0} cannot be changed here: ask the agency to change your {1}", portal::contact_field(kind),
                        kind == ContactKind::phone ? "phone number" : "email address")};
}

Status already_yours(ContactKind kind) {
    return {Code::already_exists, fmt::format("value: that {} is already one of your contacts",
                                              kind == ContactKind::phone ? "phone number" : "email address")};
}

// The value as the store keeps it, read as start_login reads it.
Result<identity::Identifier> read_value(ContactKind kind, const std::string& value, const Agency& agency) {
    identity::Identifier id;
    id.kind = kind;
    if (kind == ContactKind::phone) {
        auto phone = identity::normalize_phone(value, agency.default_region);
        if (!phone) return Status(Code::invalid_argument, "value: the phone number is not valid: " + phone.status().message());
        id.value = std::move(*phone);
        id.region = identity::region_of(id.value);
    } else {
        auto email = identity::normalize_email(value);
        if (!email) return Status(Code::invalid_argument, "value: the email address is not valid: " + email.status().message());
        id.value = std::move(*email);
    }
    return id;
}

}  // namespace

Result<ContactChangeStarted> Engine::request_contact_change(Id portal_id, const std::string& token, ContactKind kind,
                                                            const std::string& value,
                                                            std::optional<Id> replaces_contact_id,
                                                            const RequestInfo& request) {
    Impl& im = *impl_;
    Store& store = *im.store;
    const UnixTime now = im.now();
    if (kind != ContactKind::phone && kind != ContactKind::email)
        return Status(Code::invalid_argument, "kind must be phone or email");
    auto v = portal::profile_visitor(*this, im, portal_id, token);
    if (!v) return v.status();
    const PortalSettings& s = v->portal.settings;
    ChangeCall call(im, *v, "contact_change.request", request);
    auto refuse = [&](Status st, std::string reason) { return call.refuse(std::move(st), std::move(reason)); };

    SESAME_TRY(portal::require_own_directory(im));
    auto editable = kind_editable(im, portal_id, kind);
    if (!editable) return editable.status();
    if (!*editable) return refuse(not_editable(kind), portal::contact_field(kind) + ":not_editable");

    auto ip = throttle::hit(store, throttle::ip_start_key(request.ip), now, s.ip_starts_window_seconds,
                            s.ip_starts_limit, "ip_limit");
    if (!ip) return ip.status();
    if (*ip) return refuse(codes::rate_limited(**ip), (*ip)->reason);

    auto agency = store.get_agency(v->portal.agency_id);
    if (!agency) return agency.status();
    auto id = read_value(kind, value, *agency);
    if (!id) return refuse(id.status(), "bad_value");
    const std::string& dest = id->value;
    const Channel channel = kind == ContactKind::phone ? Channel::sms : Channel::email;
    call.ev.detail = fmt::format("{} {}", to_string(channel), identity::mask(kind, dest));

    auto contacts = store.list_contacts(v->client_id);
    if (!contacts) return contacts.status();
    if (std::any_of(contacts->begin(), contacts->end(),
                    [&](const Contact& c) { return c.kind == kind && c.value == dest; }))
        return refuse(already_yours(kind), "already_a_contact");
    if (replaces_contact_id) {
        auto it = std::find_if(contacts->begin(), contacts->end(),
                               [&](const Contact& c) { return c.id == *replaces_contact_id; });
        if (it == contacts->end())
            return refuse({Code::not_found, "replaces_contact_id: that is not one of your contacts"},
                          "replaced_contact_not_found");
        if (it->kind != kind)
            return refuse({Code::invalid_argument,
                           fmt::format("replaces_contact_id names your {}: a {} can only replace a {}",
                                       to_string(it->kind), to_string(kind), to_string(kind))},
                          "replaced_contact_kind");
    }

    auto refusal = codes::send_refusal(im, *agency, s, *id, now);
    if (!refusal) return refusal.status();
    if (*refusal) return refuse(codes::rate_limited(**refusal), (*refusal)->reason);
    auto sender = codes::sender_for(store, agency->id, channel);
    if (!sender) return sender.status();
    if (sender->from.empty()) return refuse(codes::channel_unavailable(sender->missing_reason), sender->missing_reason);
    auto client = store.get_client(v->client_id);
    if (!client) return client.status();

    Challenge c;
    c.id = crypto::new_id();
    c.agency_id = agency->id;
    c.portal_id = portal_id;
    c.channel = channel;
    c.destination = dest;
    c.max_attempts = s.max_attempts;
    c.created_at = now;
    c.expires_at = now + s.code_ttl_seconds;

    // The change is stored before its challenge, so that no challenge for it ever exists without
    // the mark that keeps verify_login away from it.
    ContactChange change;
    change.challenge_id = c.id;
    change.agency_id = agency->id;
    change.portal_id = portal_id;
    change.client_id = v->client_id;
    change.session_id = v->session.session_id;
    change.kind = kind;
    change.value = dest;
    change.replaces_contact_id = replaces_contact_id;
    change.created_at = now;
    SESAME_TRY(store.insert_contact_change(change));

    auto outcome = codes::send_code(im, v->portal, *agency, c, codes::contact_change_subject(dest), client->language,
                                    sender->from);
    if (!outcome) return outcome.status();
    call.ev.target += " challenge:" + c.id;
    call.ok(outcome->outcome);
    SESAME_TRY(codes::deliver_sent(im, *outcome));
    return ContactChangeStarted{c.id, channel, identity::mask(kind, dest), c.expires_at,
                                now + s.resend_cooldown_seconds};
}

Result<ContactChangeConfirmed> Engine::confirm_contact_change(Id portal_id, const std::string& token,
                                                              const std::string& challenge_id, const std::string& code,
                                                              const RequestInfo& request) {
    Impl& im = *impl_;
    Store& store = *im.store;
    const UnixTime now = im.now();
    auto v = portal::profile_visitor(*this, im, portal_id, token);
    if (!v) return v.status();
    const PortalSettings& s = v->portal.settings;
    ChangeCall call(im, *v, "contact_change.confirm", request);
    auto refuse = [&](Status st, std::string reason) { return call.refuse(std::move(st), std::move(reason)); };
    auto fail = [&](std::string reason) { return refuse(codes::verify_failed(), std::move(reason)); };

    SESAME_TRY(portal::require_own_directory(im));
    auto ip = throttle::hit(store, throttle::ip_verify_key(request.ip), now, s.ip_verify_window_seconds,
                            s.ip_verify_limit, "ip_limit");
    if (!ip) return ip.status();
    if (*ip) return refuse(codes::rate_limited(**ip), (*ip)->reason);

    // By id only, bounded before the store sees it, as in verify_login.
    if (challenge_id.empty() || challenge_id.size() > 64) return fail("unknown_challenge");
    auto change = store.get_contact_change(challenge_id);
    if (!change) return change.code() == Code::not_found ? fail("not_a_contact_change") : change.status();
    call.ev.target += " challenge:" + challenge_id;
    // Only the session that asked may confirm.
    if (change->portal_id != portal_id || change->client_id != v->client_id || change->session_id != v->session.session_id)
        return fail("other_session");
    auto ch = store.get_challenge(challenge_id);
    if (!ch) return ch.code() == Code::not_found ? fail("unknown_challenge") : ch.status();
    if (ch->portal_id != portal_id || ch->destination != change->value) return fail("unknown_challenge");

    auto editable = kind_editable(im, portal_id, change->kind);
    if (!editable) return editable.status();
    if (!*editable) return refuse(not_editable(change->kind), portal::contact_field(change->kind) + ":not_editable");

    auto checked = codes::check_code(im, s, *ch, code, codes::contact_change_subject(ch->destination),
                                     call.ev.target, request);
    if (!checked) return checked.status();
    if (!checked->empty()) return fail(std::move(*checked));

    ContactChangeConfirmed out;
    Contact contact;
    if (change->replaces_contact_id) {
        auto before = store.get_contact(*change->replaces_contact_id);
        if (!before || before->client_id != v->client_id)
            return refuse({Code::not_found, "replaces_contact_id: that contact is no longer one of yours"},
                          "replaced_contact_gone");
        contact = *before;
        contact.value = change->value;
        contact.status = ContactStatus::valid;
        if (Status st = store.update_contact(contact); !st.ok())
            return st.code() == Code::already_exists ? refuse(already_yours(contact.kind), "already_a_contact") : st;
        out.replaced = true;
    } else {
        contact.agency_id = change->agency_id;
        contact.client_id = v->client_id;
        contact.kind = change->kind;
        contact.value = change->value;
        contact.status = ContactStatus::valid;
        contact.created_at = now;
        auto id = store.insert_contact(contact);
        if (!id) {
            if (id.code() == Code::already_exists) return refuse(already_yours(contact.kind), "already_a_contact");
            return id.status();
        }
        contact.id = *id;
    }

    // Every other session of the client ends; the one that proved the new value stays.
    auto sessions = store.list_client_sessions(v->client_id);
    if (!sessions) return sessions.status();
    for (const auto& other : *sessions) {
        if (other.id == v->session.session_id || other.revoked_at) continue;
        auto n = store.revoke_session(other.id, now, "contact_changed");
        if (!n) return n.status();
        out.sessions_revoked += *n;
    }
    call.ev.detail = fmt::format("{} {} contact:{}; other sessions revoked: {}", out.replaced ? "replaced" : "added",
                                 to_string(contact.kind), contact.id, out.sessions_revoked);
    call.ok("ok");
    out.contact = std::move(contact);
    return out;
}

}  // namespace sesame
