// What staff may read about a client's logins: the message feed, the sessions, and the audit log.
#include <algorithm>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/staff.hpp"

namespace sesame {

Result<std::vector<Message>> Engine::message_feed(const Actor& actor, Id client_id, std::size_t limit) {
    Impl& im = *impl_;
    const std::string target = fmt::format("client:{}", client_id);
    SESAME_TRY(portal::require_audited(im, actor, "view_messages", "messages.view", target));
    // The client may live in Sesame's tables or only in the host's directory.
    auto client = im.visible_client(actor, client_id);
    if (!client && client.code() == Code::not_found && !actor.super_admin) {
        auto hosted = im.directory->get_client(actor.agency_id, client_id);
        // Missing everywhere: the same answer as any other missing object.
        if (hosted || hosted.code() != Code::not_found) client = std::move(hosted);
    }
    if (!client) return client.status();
    auto contacts = im.directory->list_contacts(client->agency_id, client->id);
    if (!contacts) return contacts.status();
    std::vector<std::string> values;
    values.reserve(contacts->size());
    for (const auto& c : *contacts) values.push_back(c.value);
    limit = std::min(limit, portal::kMaxListLimit);
    if (values.empty() || limit == 0) return std::vector<Message>{};
    auto messages = im.store->list_messages_to(client->agency_id, values, limit);
    if (!messages) return messages.status();
    // The sealed body is for the transport alone.
    for (auto& m : *messages) std::vector<std::uint8_t>().swap(m.sealed);
    // Simulated messages show their codes, so reading a feed is recorded like a change.
    portal::audit_change(im, actor, client->agency_id, "messages.view", target,
                         fmt::format("{} message{}", messages->size(), messages->size() == 1 ? "" : "s"));
    return messages;
}

Result<std::vector<SessionInfo>> Engine::client_sessions(const Actor& actor, Id client_id) {
    Impl& im = *impl_;
    SESAME_TRY(portal::require_audited(im, actor, "update_clients", "client.sessions", fmt::format("client:{}", client_id)));
    auto client = im.visible_client(actor, client_id);
    if (!client) return client.status();
    auto sessions = im.store->list_client_sessions(client->id);
    if (!sessions) return sessions.status();
    std::vector<SessionInfo> out;
    out.reserve(sessions->size());
    for (const auto& s : *sessions) out.push_back(session_info(s));
    return out;
}

Result<std::int64_t> Engine::revoke_client_sessions(const Actor& actor, Id client_id) {
    Impl& im = *impl_;
    const std::string target = fmt::format("client:{}", client_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_clients", "client.revoke_sessions", target));
    auto client = im.visible_client(actor, client_id);
    if (!client) return client.status();
    auto n = im.revoke_for_client(client->agency_id, client->id, "staff_revoked");
    if (!n) return n;
    portal::audit_change(im, actor, client->agency_id, "client.revoke_sessions", target,
                         fmt::format("{} session{} revoked", *n, *n == 1 ? "" : "s"));
    return n;
}

Result<std::vector<AuditEvent>> Engine::audit_log(const Actor& actor, Id agency_id, std::size_t limit) {
    Impl& im = *impl_;
    const std::string target = agency_id == 0 ? "agency:all" : fmt::format("agency:{}", agency_id);
    if (!actor.super_admin) {
        // Every agency at once is a super admin's view only.
        if (agency_id == 0) SESAME_TRY(portal::require_super_admin_audited(im, actor, "audit.view", target));
        SESAME_TRY(portal::require_audited(im, actor, "view_audit", "audit.view", target));
        auto agency = im.visible_agency(actor, agency_id);
        if (!agency) return agency.status();
    }
    limit = std::min(limit, portal::kMaxListLimit);
    if (limit == 0) return std::vector<AuditEvent>{};
    return im.store->list_audit(agency_id, limit);
}

}  // namespace sesame
