// Sidebar items and gated resources: the staff operations that manage them in the store, and the
// two visitor calls a host makes on every page: which sidebar items to show, and whether a
// calendar or form may be opened.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

constexpr const char* kPermission = "update_portals";

// Field names only, as for content: the audit log says what changed, not to what.
std::vector<std::string> changes(const SidebarItem& a, const SidebarItem& b) {
    std::vector<std::string> f;
    if (a.title != b.title) f.push_back("title");
    if (a.titles != b.titles) f.push_back("titles");
    if (a.link != b.link) f.push_back("link");
    if (a.order != b.order) f.push_back("order");
    if (a.visibility != b.visibility) f.push_back("visibility");
    return f;
}

std::vector<std::string> changes(const GatedResource& a, const GatedResource& b) {
    std::vector<std::string> f;
    if (a.kind != b.kind) f.push_back("kind");
    if (a.slug != b.slug) f.push_back("slug");
    if (a.title != b.title) f.push_back("title");
    if (a.titles != b.titles) f.push_back("titles");
    if (a.requires_login != b.requires_login) f.push_back("requires_login");
    return f;
}

// What differs between the two kinds of row, for the operations they share.
template <class T>
struct Kind;

template <>
struct Kind<SidebarItem> {
    static constexpr const char* name = "sidebar_item";
    static constexpr const char* words = "sidebar item";
    static Status validate(const SidebarItem& v) { return validate_sidebar_item(v); }
    static Result<Id> insert(Store& s, const SidebarItem& v) { return s.insert_sidebar_item(v); }
    static Status update(Store& s, const SidebarItem& v) { return s.update_sidebar_item(v); }
    static Status remove(Store& s, Id id) { return s.delete_sidebar_item(id); }
    static Result<SidebarItem> get(Store& s, Id id) { return s.get_sidebar_item(id); }
    static Status taken(const SidebarItem&, Status s) { return s; }  // no unique key: the store's words
};

template <>
struct Kind<GatedResource> {
    static constexpr const char* name = "gated_resource";
    static constexpr const char* words = "gated resource";
    static Status validate(const GatedResource& v) { return validate_gated_resource(v); }
    static Result<Id> insert(Store& s, const GatedResource& v) { return s.insert_gated_resource(v); }
    static Status update(Store& s, const GatedResource& v) { return s.update_gated_resource(v); }
    static Status remove(Store& s, Id id) { return s.delete_gated_resource(id); }
    static Result<GatedResource> get(Store& s, Id id) { return s.get_gated_resource(id); }
    static Status taken(const GatedResource& v, const Status&) {
        return Status(Code::already_exists,
                      fmt::format("slug: this portal already has a {} \"{}\": choose another slug", to_string(v.kind),
                                  v.slug));
    }
};

template <class T>
Status stored(Status s, const T& row) {
    if (s.code() == Code::already_exists) return Kind<T>::taken(row, s);
    return s;
}

template <class T>
Result<T> visible(Engine::Impl& im, const Actor& actor, Id id) {
    return portal::visible_row<T>(Kind<T>::get(*im.store, id), actor, Kind<T>::words, id);
}

template <class T>
Result<T> create(Engine::Impl& im, const Actor& actor, T row) {
    using K = Kind<T>;
    const std::string action = fmt::format("{}.create", K::name);
    SESAME_TRY(portal::require_audited(im, actor, kPermission, action, fmt::format("{}:new", K::name)));
    auto portal = im.visible_portal(actor, row.portal_id);
    if (!portal) return portal.status();
    row.agency_id = portal->agency_id;
    SESAME_TRY(K::validate(row));
    row.created_at = im.now();
    auto id = K::insert(*im.store, row);
    if (!id) return stored(id.status(), row);
    row.id = *id;
    row.revision = 1;
    portal::audit_change(im, actor, row.agency_id, action, fmt::format("{}:{}", K::name, row.id),
                         fmt::format("portal:{}: {}", row.portal_id, portal::join_fields(changes(T{}, row))));
    return row;
}

template <class T>
Result<T> update(Engine::Impl& im, const Actor& actor, const T& row) {
    return portal::in_unit<T>(im, [&]() -> Result<T> {
        using K = Kind<T>;
        const std::string action = fmt::format("{}.update", K::name);
        const std::string target = fmt::format("{}:{}", K::name, row.id);
        SESAME_TRY(portal::require_audited(im, actor, kPermission, action, target));
        auto before = visible<T>(im, actor, row.id);
        if (!before) return before.status();
        if (row.portal_id != before->portal_id)
            return Status(Code::invalid_argument,
                          fmt::format("portal_id cannot change: a {0} stays on its portal; create one on the other portal",
                                      K::words));
        auto over = portal::update_over(K::words, row.id, before->revision, row.revision);
        if (!over) return over.status();
        T after = row;
        after.agency_id = before->agency_id;
        after.created_at = before->created_at;
        after.revision = *over;
        SESAME_TRY(K::validate(after));
        SESAME_TRY(stored(K::update(*im.store, after), after));
        after.revision = store_detail::next_revision(*over);
        portal::audit_change(im, actor, after.agency_id, action, target,
                             fmt::format("portal:{}: {}", after.portal_id, portal::join_fields(changes(*before, after))));
        return after;
    });
}

template <class T>
Status remove(Engine::Impl& im, const Actor& actor, Id id) {
    using K = Kind<T>;
    const std::string action = fmt::format("{}.delete", K::name);
    const std::string target = fmt::format("{}:{}", K::name, id);
    SESAME_TRY(portal::require_audited(im, actor, kPermission, action, target));
    auto before = visible<T>(im, actor, id);
    if (!before) return before.status();
    if (Status s = K::remove(*im.store, id); !s.ok())
        return s.code() == Code::not_found ? portal::not_found(K::words, id) : s;
    portal::audit_change(im, actor, before->agency_id, action, target, fmt::format("portal:{}", before->portal_id));
    return {};
}

// The portal a visitor asks about. Every failure to find it reads the same.
Result<Portal> visitor_portal(Engine::Impl& im, Id portal_id) {
    auto p = im.store->get_portal(portal_id);
    if (!p && p.code() == Code::not_found) return portal::not_found("portal", portal_id);
    return p;
}

// True when the token is a live session of the portal bound to a client. A dead, unknown or
// unbound token is no session; a failure of the store is passed on.
Result<bool> has_session(Engine& engine, Id portal_id, const std::optional<std::string>& token) {
    if (!token) return false;
    auto s = engine.check_session(portal_id, *token);
    if (s) return s->client_id.has_value();
    if (s.code() == Code::session_invalid || s.code() == Code::selection_required) return false;
    return s.status();
}

}  // namespace

// ---- sidebar items ------------------------------------------------------------------------------

Result<SidebarItem> Engine::create_sidebar_item(const Actor& actor, SidebarItem item) {
    return create(*impl_, actor, std::move(item));
}
Result<SidebarItem> Engine::update_sidebar_item(const Actor& actor, const SidebarItem& item) {
    return update(*impl_, actor, item);
}
Status Engine::delete_sidebar_item(const Actor& actor, Id item_id) {
    return remove<SidebarItem>(*impl_, actor, item_id);
}

Result<SidebarItem> Engine::get_sidebar_item(const Actor& actor, Id item_id) {
    return visible<SidebarItem>(*impl_, actor, item_id);
}

Result<std::vector<SidebarItem>> Engine::list_sidebar_items(const Actor& actor, Id portal_id) {
    auto portal = impl_->visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    return impl_->store->list_sidebar_items(portal_id);
}

// ---- gated resources ----------------------------------------------------------------------------

Result<GatedResource> Engine::create_gated_resource(const Actor& actor, GatedResource resource) {
    return create(*impl_, actor, std::move(resource));
}
Result<GatedResource> Engine::update_gated_resource(const Actor& actor, const GatedResource& resource) {
    return update(*impl_, actor, resource);
}
Status Engine::delete_gated_resource(const Actor& actor, Id resource_id) {
    return remove<GatedResource>(*impl_, actor, resource_id);
}

Result<GatedResource> Engine::get_gated_resource(const Actor& actor, Id resource_id) {
    return visible<GatedResource>(*impl_, actor, resource_id);
}

Result<std::vector<GatedResource>> Engine::list_gated_resources(const Actor& actor, Id portal_id) {
    auto portal = impl_->visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    return impl_->store->list_gated_resources(portal_id);
}

// ---- what a visitor sees ------------------------------------------------------------------------

Result<std::vector<SidebarItem>> Engine::sidebar(Id portal_id, const std::optional<std::string>& token) {
    auto portal = visitor_portal(*impl_, portal_id);
    if (!portal) return portal.status();
    auto items = impl_->store->list_sidebar_items(portal_id);
    if (!items) return items.status();
    // With Client Authentication disabled nobody is logged in, whatever an old token says.
    bool show_private = false;
    if (portal->client_auth != ClientAuth::disabled) {
        auto session = has_session(*this, portal_id, token);
        if (!session) return session.status();
        show_private = *session;
    }
    if (!show_private)
        std::erase_if(*items, [](const SidebarItem& i) { return i.visibility == Visibility::private_; });
    return items;
}

Result<Access> Engine::can_access(Id portal_id, const std::optional<std::string>& token, ResourceKind kind,
                                  const std::string& slug) {
    auto portal = visitor_portal(*impl_, portal_id);
    if (!portal) return portal.status();
    const Status missing(Code::not_found, fmt::format("this portal has no {} with that slug", to_string(kind)));
    auto resource = impl_->store->find_gated_resource(portal_id, kind, slug);
    if (!resource) return resource.code() == Code::not_found ? missing : resource.status();
    if (!resource->requires_login) return Access::allowed;
    if (portal->client_auth == ClientAuth::disabled) return Access::unavailable;
    auto session = has_session(*this, portal_id, token);
    if (!session) return session.status();
    return *session ? Access::allowed : Access::login_required;
}

}  // namespace sesame
