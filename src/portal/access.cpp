// Who may see and change what, and the session revocations that staff changes trigger
// (SECURITY.md 16).
#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "identity/identity.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

void audit_revocation(Engine::Impl& im, Id agency_id, std::string target, const std::string& reason,
                      std::int64_t count) {
    AuditEvent e;
    e.agency_id = agency_id;
    e.actor = "system";
    e.action = "session.revoke";
    e.target = std::move(target);
    e.outcome = "ok";
    e.reason = reason;
    e.detail = fmt::format("{} session{} revoked", count, count == 1 ? "" : "s");
    im.audit(std::move(e));
}

}  // namespace

Status Engine::Impl::require(const Actor& actor, std::string_view permission) {
    if (actor.super_admin || actor.permissions.count(std::string(permission)) != 0) return {};
    return {Code::permission_denied, fmt::format("this needs the {} permission", permission)};
}

Status Engine::Impl::require_super_admin(const Actor& actor) {
    if (actor.super_admin) return {};
    return {Code::permission_denied, "this needs a super admin"};
}

Result<Agency> Engine::Impl::visible_agency(const Actor& actor, Id agency_id) {
    // Checked before the lookup: another agency's id costs no read and tells nothing.
    if (!can_see(actor, agency_id)) return portal::not_found("agency", agency_id);
    auto agency = store->get_agency(agency_id);
    if (!agency && agency.code() == Code::not_found) return portal::not_found("agency", agency_id);
    return agency;
}

Result<Portal> Engine::Impl::visible_portal(const Actor& actor, Id portal_id) {
    return portal::visible_row(store->get_portal(portal_id), actor, "portal", portal_id);
}

Result<Client> Engine::Impl::visible_client(const Actor& actor, Id client_id) {
    return portal::visible_row(store->get_client(client_id), actor, "client", client_id);
}

Result<Contact> Engine::Impl::visible_contact(const Actor& actor, Id contact_id) {
    return portal::visible_row(store->get_contact(contact_id), actor, "contact", contact_id);
}

Result<std::int64_t> Engine::Impl::revoke_for_client(Id agency_id, Id client_id, const std::string& reason) {
    auto n = store->revoke_client_sessions(client_id, now(), reason);
    if (!n) return n;
    audit_revocation(*this, agency_id, fmt::format("client:{}", client_id), reason, *n);
    return n;
}

Result<std::int64_t> Engine::Impl::revoke_for_destination(Id agency_id, const std::string& destination,
                                                          const std::string& reason) {
    auto n = store->revoke_destination_sessions(agency_id, destination, now(), reason);
    if (!n) return n;
    // The audit log names the contact masked, as the visitor saw it: enough to correlate, not to
    // read a client's phone number out of the log.
    const ContactKind kind = destination.find('@') != std::string::npos ? ContactKind::email : ContactKind::phone;
    audit_revocation(*this, agency_id, "destination:" + identity::mask(kind, destination), reason, *n);
    return n;
}

Result<std::int64_t> Engine::Impl::revoke_for_portal(Id agency_id, Id portal_id, const std::string& reason) {
    auto n = store->revoke_portal_sessions(portal_id, now(), reason);
    if (!n) return n;
    audit_revocation(*this, agency_id, fmt::format("portal:{}", portal_id), reason, *n);
    return n;
}

}  // namespace sesame
