// Portals: the client-facing sites of an agency and their login settings.
#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/settings_bounds.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

Status validate_portal(const Portal& p) {
    if (!portal::is_slug(p.slug))
        return {Code::invalid_argument,
                "portal.slug must be 1 to 63 characters of a-z, 0-9 and '-', not starting or ending with '-'"};
    SESAME_TRY(portal::check_text("portal.name", p.name, portal::kMaxField, true));
    if (p.client_auth != ClientAuth::disabled && p.client_auth != ClientAuth::one_time_password)
        return {Code::invalid_argument, "portal.client_auth must be disabled or one-time-password"};
    return Engine::validate_settings(p.settings);
}

Status slug_taken(const std::string& slug) {
    return {Code::already_exists, fmt::format("the portal address \"{}\" is taken: choose another slug", slug)};
}

std::vector<std::string> portal_changes(const Portal& before, const Portal& after) {
    std::vector<std::string> f;
    if (before.name != after.name) f.push_back("name");
    if (before.slug != after.slug) f.push_back(fmt::format("slug={}", after.slug));
    if (before.client_auth != after.client_auth) f.push_back(fmt::format("client_auth={}", to_string(after.client_auth)));
    const PortalSettings& a = before.settings;
    const PortalSettings& b = after.settings;
    for (const auto& bound : portal::kSettingBounds)
        if (a.*bound.member != b.*bound.member) f.push_back(fmt::format("settings.{}={}", bound.name, b.*bound.member));
    if (a.unknown_contact_response != b.unknown_contact_response)
        f.push_back(fmt::format("settings.unknown_contact_response={}", to_string(b.unknown_contact_response)));
    if (a.default_language != b.default_language) f.push_back(fmt::format("settings.default_language={}", b.default_language));
    if (a.host != b.host) f.push_back(fmt::format("settings.host={}", b.host));
    return f;
}

}  // namespace

Result<Portal> Engine::create_portal(const Actor& actor, Portal portal) {
    Impl& im = *impl_;
    SESAME_TRY(portal::require_audited(im, actor, "create_portals", "portal.create", "portal:new"));
    auto agency = im.visible_agency(actor, portal.agency_id);
    if (!agency) return agency.status();
    SESAME_TRY(validate_portal(portal));
    portal.created_at = im.now();
    auto id = im.store->insert_portal(portal);
    if (!id) return id.code() == Code::already_exists ? slug_taken(portal.slug) : id.status();
    portal.id = *id;
    portal.revision = 1;
    portal::audit_change(im, actor, portal.agency_id, "portal.create", fmt::format("portal:{}", portal.id),
                         fmt::format("slug={}, client_auth={}", portal.slug, to_string(portal.client_auth)));
    return portal;
}

Result<Portal> Engine::update_portal(const Actor& actor, const Portal& portal) {
    Impl& im = *impl_;
    return portal::in_unit<Portal>(im, [&]() -> Result<Portal> {
        const std::string target = fmt::format("portal:{}", portal.id);
        SESAME_TRY(portal::require_audited(im, actor, "update_portals", "portal.update", target));
        auto before = im.visible_portal(actor, portal.id);
        if (!before) return before.status();
        if (portal.agency_id != before->agency_id)
            return Status(Code::invalid_argument, "portal.agency_id cannot change: a portal stays with its agency");
        SESAME_TRY(validate_portal(portal));
        auto over = portal::update_over("portal", portal.id, before->revision, portal.revision);
        if (!over) return over.status();
        Portal after = portal;
        after.created_at = before->created_at;
        after.revision = *over;
        if (auto st = im.store->update_portal(after); !st.ok())
            return st.code() == Code::already_exists ? slug_taken(after.slug) : st;
        after.revision = store_detail::next_revision(*over);
        portal::audit_change(im, actor, after.agency_id, "portal.update", target,
                             portal::join_fields(portal_changes(*before, after)));
        // With the login form gone, nobody may stay logged in through it (SECURITY.md 16).
        if (before->client_auth == ClientAuth::one_time_password && after.client_auth == ClientAuth::disabled) {
            auto revoked = im.revoke_for_portal(after.agency_id, after.id, "client_auth_disabled");
            if (!revoked) return revoked.status();
        }
        return after;
    });
}

Result<Portal> Engine::get_portal(const Actor& actor, Id portal_id) { return impl_->visible_portal(actor, portal_id); }

Result<std::vector<Portal>> Engine::list_portals(const Actor& actor, Id agency_id) {
    auto agency = impl_->visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    return impl_->store->list_portals(agency_id);
}

Result<Portal> Engine::find_portal(const std::string& slug) {
    // Anything that cannot be a slug is answered without a lookup, in the same words.
    const Status missing(Code::not_found, "no portal has that address");
    if (!portal::is_slug(slug)) return missing;
    auto p = impl_->store->find_portal_by_slug(slug);
    if (!p && p.code() == Code::not_found) return missing;
    return p;
}

}  // namespace sesame
