// Sidebar items and gated resources: the staff operations (permission, agency isolation,
// validation, audit) and the two visitor calls, sidebar() and can_access(), against every state a
// visitor's session can be in.
#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

Actor editor(Id agency_id, std::set<std::string> permissions = {"update_portals"}) {
    return Actor{"editor-1", agency_id, std::move(permissions), false};
}

SidebarItem item_on(const Portal& p, const std::string& title, std::int32_t order, Visibility v) {
    SidebarItem i;
    i.portal_id = p.id;
    i.title = title;
    i.link = "/" + std::to_string(order);
    i.order = order;
    i.visibility = v;
    return i;
}

GatedResource resource_on(const Portal& p, ResourceKind kind, const std::string& slug, bool requires_login) {
    GatedResource r;
    r.portal_id = p.id;
    r.kind = kind;
    r.slug = slug;
    r.title = "Resource " + slug;
    r.requires_login = requires_login;
    return r;
}

template <class T>
T ok(Result<T> r) {
    REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
    return std::move(*r);
}

std::vector<std::string> titles(const std::vector<SidebarItem>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.title);
    return out;
}

template <class T>
std::vector<Id> ids_of(const std::vector<T>& rows) {
    std::vector<Id> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
}

template <class T>
std::string refusal(const Result<T>& r) {
    REQUIRE_FALSE(r.ok());
    return std::string(code_name(r.code())) + ": " + r.status().message();
}

// A public "Home" and "Help" and a private "My hearings", and a login-only calendar and a public form.
struct Navigation {
    SidebarItem home, hearings, help;
    GatedResource calendar, form;
};

Navigation furnish(World& w) {
    const Actor staff = editor(w.agency.id);
    Navigation n;
    n.help = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "Help", 90, Visibility::public_)));
    n.hearings = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "My hearings", 20, Visibility::private_)));
    n.home = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "Home", 10, Visibility::public_)));
    n.calendar = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::calendar, "hearings", true)));
    n.form = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "contact-us", false)));
    return n;
}

const std::vector<std::string> kPublic{"Home", "Help"};
const std::vector<std::string> kAll{"Home", "My hearings", "Help"};

std::vector<std::string> shown(World& w, const std::optional<std::string>& token) {
    return titles(ok(w.engine->sidebar(w.portal.id, token)));
}

Access access(World& w, const std::optional<std::string>& token, const std::string& slug = "hearings") {
    return ok(w.engine->can_access(w.portal.id, token, ResourceKind::calendar, slug));
}

}  // namespace

namespace doctest {
template <>
struct StringMaker<Access> {
    static String convert(Access a) { return std::string(to_string(a)).c_str(); }
};
}  // namespace doctest

// ---- staff operations ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("navigation: staff create, update, list and delete sidebar items and gated resources on each store",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Actor staff = editor(w.agency.id);
    const UnixTime created = w.clock->now();

    SidebarItem later = item_on(w.portal, "Forms", 30, Visibility::public_);
    later.agency_id = 777;  // ignored: the portal's agency
    later = ok(w.engine->create_sidebar_item(staff, later));
    CHECK(later.id > 0);
    CHECK(later.agency_id == w.agency.id);
    CHECK(later.created_at == created);
    SidebarItem first = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "Home", 10, Visibility::public_)));
    SidebarItem tied = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "News", 10, Visibility::private_)));
    CHECK(ids_of(ok(w.engine->list_sidebar_items(staff, w.portal.id))) == std::vector<Id>{first.id, tied.id, later.id});

    w.clock->advance(100);
    SidebarItem moved = later;
    moved.order = 5;
    moved.title = "Forms & notices";
    moved.link = "https://forms.example.gov/county";
    moved.visibility = Visibility::private_;
    moved.created_at = 1;  // ignored
    moved.agency_id = 0;   // ignored
    SidebarItem after = ok(w.engine->update_sidebar_item(staff, moved));
    CHECK(after.created_at == created);
    CHECK(after.agency_id == w.agency.id);
    auto listed = ok(w.engine->list_sidebar_items(staff, w.portal.id));
    CHECK(ids_of(listed) == std::vector<Id>{later.id, first.id, tied.id});
    CHECK(listed[0].title == "Forms & notices");
    CHECK(listed[0].link == "https://forms.example.gov/county");
    CHECK(listed[0].visibility == Visibility::private_);

    auto updates = w.events->of("sidebar_item.update");
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].outcome == "ok");
    CHECK(updates[0].target == "sidebar_item:" + std::to_string(later.id));
    CHECK(contains(updates[0].detail, "title, link, order, visibility"));
    CHECK_FALSE(contains(updates[0].detail, "Forms & notices"));  // field names only
    CHECK(w.events->of("sidebar_item.create").size() == 3);

    REQUIRE(w.engine->delete_sidebar_item(staff, first.id).ok());
    CHECK(ids_of(ok(w.engine->list_sidebar_items(staff, w.portal.id))) == std::vector<Id>{later.id, tied.id});
    CHECK(w.engine->delete_sidebar_item(staff, first.id).code() == Code::not_found);
    CHECK(w.events->of("sidebar_item.delete").size() == 1);

    GatedResource form = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "intake", true)));
    GatedResource cal = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::calendar, "intake", false)));
    GatedResource early = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "appeal", false)));
    CHECK(form.agency_id == w.agency.id);
    CHECK(ids_of(ok(w.engine->list_gated_resources(staff, w.portal.id))) == std::vector<Id>{cal.id, early.id, form.id});

    auto dup = w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "intake", false));
    CHECK(dup.code() == Code::already_exists);
    CHECK(contains(dup.status().message(), "slug"));
    CHECK(contains(dup.status().message(), "choose another slug"));
    GatedResource clash = early;
    clash.slug = "intake";
    CHECK(w.engine->update_gated_resource(staff, clash).code() == Code::already_exists);
    CHECK(ok(w.engine->list_gated_resources(staff, w.portal.id)).size() == 3);

    GatedResource renamed = early;
    renamed.slug = "appeals";
    renamed.requires_login = true;
    renamed = ok(w.engine->update_gated_resource(staff, renamed));
    CHECK(renamed.slug == "appeals");
    CHECK(w.events->of("gated_resource.update").back().detail.find("slug, requires_login") != std::string::npos);
    REQUIRE(w.engine->delete_gated_resource(staff, cal.id).ok());
    CHECK(ids_of(ok(w.engine->list_gated_resources(staff, w.portal.id))) == std::vector<Id>{renamed.id, form.id});
    CHECK(w.engine->can_access(w.portal.id, std::nullopt, ResourceKind::calendar, "intake").code() == Code::not_found);

    // A row stays on its portal.
    Portal other = w.make_portal(w.agency, "other");
    SidebarItem hop = tied;
    hop.portal_id = other.id;
    auto refused = w.engine->update_sidebar_item(staff, hop);
    CHECK(refused.code() == Code::invalid_argument);
    CHECK(contains(refused.status().message(), "portal_id"));
    GatedResource hop2 = form;
    hop2.portal_id = other.id;
    CHECK(w.engine->update_gated_resource(staff, hop2).code() == Code::invalid_argument);
    CHECK(ok(w.engine->list_sidebar_items(staff, other.id)).empty());
    CHECK(ok(w.engine->list_gated_resources(staff, other.id)).empty());
}

TEST_CASE("navigation: changes need update_portals; every refusal is audited and writes nothing") {
    MemoryWorld w;
    const Actor reader = editor(w.agency.id, {"view_audit"});
    const Actor staff = editor(w.agency.id);
    SidebarItem item = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "Home", 1, Visibility::public_)));
    GatedResource res = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "f", true)));
    w.events->clear();

    CHECK(w.engine->create_sidebar_item(reader, item_on(w.portal, "X", 1, Visibility::public_)).code() ==
          Code::permission_denied);
    SidebarItem changed = item;
    changed.title = "Changed";
    CHECK(w.engine->update_sidebar_item(reader, changed).code() == Code::permission_denied);
    CHECK(w.engine->delete_sidebar_item(reader, item.id).code() == Code::permission_denied);
    CHECK(w.engine->create_gated_resource(reader, resource_on(w.portal, ResourceKind::form, "g", true)).code() ==
          Code::permission_denied);
    GatedResource open = res;
    open.requires_login = false;
    CHECK(w.engine->update_gated_resource(reader, open).code() == Code::permission_denied);
    CHECK(w.engine->delete_gated_resource(reader, res.id).code() == Code::permission_denied);

    for (const char* action : {"sidebar_item.create", "sidebar_item.update", "sidebar_item.delete",
                               "gated_resource.create", "gated_resource.update", "gated_resource.delete"}) {
        CAPTURE(action);
        auto refusals = w.events->of(action);
        REQUIRE(refusals.size() == 1);
        CHECK(refusals[0].outcome == "SESAME_E_PERMISSION_DENIED");
        CHECK(refusals[0].reason == "missing_permission:update_portals");
        CHECK(refusals[0].agency_id == w.agency.id);
    }

    // Reads need no permission, only the agency.
    CHECK(ok(w.engine->get_sidebar_item(reader, item.id)).title == "Home");
    CHECK(ok(w.engine->get_gated_resource(reader, res.id)).slug == "f");
    CHECK(titles(ok(w.engine->list_sidebar_items(reader, w.portal.id))) == std::vector<std::string>{"Home"});
    CHECK(ids_of(ok(w.engine->list_gated_resources(reader, w.portal.id))) == std::vector<Id>{res.id});
    CHECK(w.store->get_sidebar_item(item.id)->title == "Home");
    CHECK(w.store->get_gated_resource(res.id)->requires_login);
}

TEST_CASE("navigation: another agency's portal, items and resources are NOT_FOUND, like missing ones") {
    MemoryWorld w;
    const Actor staff = editor(w.agency.id);
    Agency rival = w.make_agency("Rival County");
    Portal theirs = w.make_portal(rival, "rival");
    const Actor outsider = editor(rival.id);
    SidebarItem item = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "Home", 1, Visibility::public_)));
    GatedResource res = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "f", true)));

    auto foreign_list = w.engine->list_sidebar_items(outsider, w.portal.id);
    auto missing_list = w.engine->list_sidebar_items(outsider, 9999);
    CHECK(foreign_list.code() == Code::not_found);
    CHECK(refusal(foreign_list) == "SESAME_E_NOT_FOUND: no portal with id " + std::to_string(w.portal.id));
    CHECK(missing_list.code() == Code::not_found);
    CHECK(w.engine->list_gated_resources(outsider, w.portal.id).code() == Code::not_found);
    CHECK(w.engine->create_sidebar_item(outsider, item_on(w.portal, "Theirs", 1, Visibility::public_)).code() ==
          Code::not_found);
    CHECK(w.engine->create_gated_resource(outsider, resource_on(w.portal, ResourceKind::form, "g", false)).code() ==
          Code::not_found);

    SidebarItem hijack = item;
    hijack.title = "Pay here";
    auto foreign = w.engine->update_sidebar_item(outsider, hijack);
    SidebarItem ghost = hijack;
    ghost.id = 9999;
    auto missing = w.engine->update_sidebar_item(outsider, ghost);
    CHECK(foreign.code() == Code::not_found);
    CHECK(refusal(foreign) == "SESAME_E_NOT_FOUND: no sidebar item with id " + std::to_string(item.id));
    CHECK(refusal(missing) == "SESAME_E_NOT_FOUND: no sidebar item with id 9999");
    CHECK(w.engine->delete_sidebar_item(outsider, item.id).code() == Code::not_found);
    CHECK(refusal(w.engine->get_sidebar_item(outsider, item.id)) ==
          "SESAME_E_NOT_FOUND: no sidebar item with id " + std::to_string(item.id));
    CHECK(refusal(w.engine->get_gated_resource(outsider, res.id)) ==
          "SESAME_E_NOT_FOUND: no gated resource with id " + std::to_string(res.id));
    CHECK(w.engine->get_gated_resource(outsider, 9999).code() == Code::not_found);
    GatedResource open = res;
    open.requires_login = false;
    CHECK(w.engine->update_gated_resource(outsider, open).code() == Code::not_found);
    CHECK(w.engine->delete_gated_resource(outsider, res.id).code() == Code::not_found);

    CHECK(w.store->get_sidebar_item(item.id)->title == "Home");
    CHECK(w.store->get_gated_resource(res.id)->requires_login);
    CHECK(w.store->list_sidebar_items(w.portal.id)->size() == 1);
    CHECK(w.store->list_sidebar_items(theirs.id)->empty());
    // A super admin sees every agency.
    CHECK(ok(w.engine->list_sidebar_items(w.root, w.portal.id)).size() == 1);
}

TEST_CASE_TEMPLATE("navigation: invalid fields are refused, naming the field, and write nothing", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Actor staff = editor(w.agency.id);
    SidebarItem good = ok(w.engine->create_sidebar_item(staff, item_on(w.portal, "Home", 1, Visibility::public_)));
    GatedResource res = ok(w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::form, "f", true)));

    struct Bad {
        const char* link;
        const char* field;
    };
    for (const Bad& b : {Bad{"javascript:alert(1)", "link"}, Bad{"JavaScript:alert(1)", "link"},
                         Bad{"data:text/html,<script>alert(1)</script>", "link"}, Bad{"//evil.example", "link"},
                         Bad{"http://plain.example", "link"}, Bad{"/\\evil.example", "link"}, Bad{"", "link"}}) {
        CAPTURE(b.link);
        SidebarItem i = item_on(w.portal, "X", 1, Visibility::public_);
        i.link = b.link;
        auto r = w.engine->create_sidebar_item(staff, i);
        CHECK(r.code() == Code::invalid_argument);
        CHECK(contains(r.status().message(), b.field));
        SidebarItem u = good;
        u.link = b.link;
        CHECK(w.engine->update_sidebar_item(staff, u).code() == Code::invalid_argument);
    }
    SidebarItem long_title = item_on(w.portal, std::string(201, 'x'), 1, Visibility::public_);
    CHECK(contains(w.engine->create_sidebar_item(staff, long_title).status().message(), "title: 1 to 200 bytes"));
    SidebarItem control = item_on(w.portal, "Line\nbreak", 1, Visibility::public_);
    CHECK(w.engine->create_sidebar_item(staff, control).code() == Code::invalid_argument);
    SidebarItem big = item_on(w.portal, "X", 10001, Visibility::public_);
    CHECK(contains(w.engine->create_sidebar_item(staff, big).status().message(), "order: 0 to 10000"));
    SidebarItem negative = good;
    negative.order = -1;
    CHECK(w.engine->update_sidebar_item(staff, negative).code() == Code::invalid_argument);

    for (const char* slug : {"", "Upper", "with space", "under_score", "<script>"}) {
        CAPTURE(slug);
        auto r = w.engine->create_gated_resource(staff, resource_on(w.portal, ResourceKind::calendar, slug, true));
        CHECK(r.code() == Code::invalid_argument);
        CHECK(contains(r.status().message(), "slug"));
    }
    GatedResource untitled = res;
    untitled.title.clear();
    CHECK(contains(w.engine->update_gated_resource(staff, untitled).status().message(), "title"));

    CHECK(titles(*w.store->list_sidebar_items(w.portal.id)) == std::vector<std::string>{"Home"});
    CHECK(w.store->get_sidebar_item(good.id)->link == good.link);
    CHECK(w.store->get_sidebar_item(good.id)->order == good.order);
    CHECK(w.store->list_gated_resources(w.portal.id)->size() == 1);
    CHECK(w.store->get_gated_resource(res.id)->title == res.title);
    CHECK(w.events->of("sidebar_item.update").empty());
    CHECK(w.events->of("gated_resource.update").empty());
}

TEST_CASE("navigation: markup in titles is stored and returned verbatim; links stay https or on-site") {
    MemoryWorld w;
    const Actor staff = editor(w.agency.id);
    const std::string script = "<script>alert('x')</script> & \"Hearings\"";
    SidebarItem i = item_on(w.portal, script, 1, Visibility::public_);
    i.link = "/calendar?a=1&b=<2>";
    SidebarItem saved = ok(w.engine->create_sidebar_item(staff, i));
    CHECK(saved.title == script);
    auto visible = ok(w.engine->sidebar(w.portal.id, std::nullopt));
    REQUIRE(visible.size() == 1);
    CHECK(visible[0].title == script);
    CHECK(visible[0].link == "/calendar?a=1&b=<2>");
    GatedResource r = resource_on(w.portal, ResourceKind::form, "x", false);
    r.title = script;
    CHECK(ok(w.engine->create_gated_resource(staff, r)).title == script);
    CHECK(w.store->list_gated_resources(w.portal.id)->at(0).title == script);
}

TEST_CASE_TEMPLATE("navigation: titles per language are validated, stored, audited by name and shown to visitors", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Actor staff = editor(w.agency.id);
    SidebarItem i = item_on(w.portal, "Hearing calendar", 1, Visibility::public_);
    i.titles = {{"es", "Calendario de audiencias"}};
    SidebarItem item = ok(w.engine->create_sidebar_item(staff, i));
    CHECK(item.titles == Titles{{"es", "Calendario de audiencias"}});
    GatedResource r = resource_on(w.portal, ResourceKind::form, "check-in", false);
    r.titles = {{"es", "Formulario de registro"}};
    GatedResource form = ok(w.engine->create_gated_resource(staff, r));

    // Refused, naming the field; nothing written, nothing audited as a change.
    SidebarItem bad = item;
    bad.titles = {{"ES", "Calendario"}};
    auto refused = w.engine->update_sidebar_item(staff, bad);
    CHECK(refused.code() == Code::invalid_argument);
    CHECK(contains(refused.status().message(), "titles"));
    bad.titles = {{"es", std::string(201, 'x')}};
    CHECK(contains(w.engine->update_sidebar_item(staff, bad).status().message(), "titles.es: 1 to 200 bytes"));
    GatedResource bad_form = form;
    bad_form.titles = {{"es", ""}};
    CHECK(contains(w.engine->update_gated_resource(staff, bad_form).status().message(), "titles.es"));
    SidebarItem bad_new = i;
    bad_new.titles = {{"e", "x"}};
    CHECK(w.engine->create_sidebar_item(staff, bad_new).code() == Code::invalid_argument);
    CHECK(w.store->list_sidebar_items(w.portal.id)->size() == 1);
    CHECK(w.store->get_sidebar_item(item.id)->titles == item.titles);
    CHECK(w.store->get_gated_resource(form.id)->titles == form.titles);
    CHECK(w.events->of("sidebar_item.update").empty());

    // A change of titles only is a change, audited by the field's name and not its words.
    SidebarItem changed = item;
    changed.titles["fr"] = "Calendrier des audiences";
    CHECK(ok(w.engine->update_sidebar_item(staff, changed)).titles == changed.titles);
    auto updates = w.events->of("sidebar_item.update");
    REQUIRE(updates.size() == 1);
    CHECK(contains(updates[0].detail, "titles"));
    CHECK_FALSE(contains(updates[0].detail, "Calendrier"));
    GatedResource changed_form = form;
    changed_form.titles.clear();
    CHECK(ok(w.engine->update_gated_resource(staff, changed_form)).titles.empty());
    auto form_updates = w.events->of("gated_resource.update");
    REQUIRE(form_updates.size() == 1);
    CHECK(contains(form_updates[0].detail, "titles"));

    // Visitors' reads carry them, for the host to pick the visitor's language.
    auto visible = ok(w.engine->sidebar(w.portal.id, std::nullopt));
    REQUIRE(visible.size() == 1);
    CHECK(visible[0].title == "Hearing calendar");
    CHECK(visible[0].titles == changed.titles);
}

// ---- what visitors see --------------------------------------------------------------------------

TEST_CASE_TEMPLATE("navigation: private items and login-only resources follow the visitor's session on each store",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    furnish(w);

    SUBCASE("no token, and tokens that are no session") {
        CHECK(shown(w, std::nullopt) == kPublic);
        CHECK(shown(w, std::string()) == kPublic);
        CHECK(shown(w, std::string(43, 'A')) == kPublic);  // well-formed, unknown
        CHECK(shown(w, std::string("not a token")) == kPublic);
        CHECK(access(w, std::nullopt) == Access::login_required);
        CHECK(access(w, std::string(43, 'A')) == Access::login_required);
        CHECK(ok(w.engine->can_access(w.portal.id, std::nullopt, ResourceKind::form, "contact-us")) == Access::allowed);
    }
    SUBCASE("a bound session sees everything; after logout, the public part") {
        auto v = w.login();
        REQUIRE(v.client_id.has_value());
        CHECK(shown(w, v.token) == kAll);
        CHECK(access(w, v.token) == Access::allowed);
        REQUIRE(w.engine->logout(w.portal.id, v.token).ok());
        CHECK(shown(w, v.token) == kPublic);
        CHECK(access(w, v.token) == Access::login_required);
    }
    SUBCASE("an expired session is no session") {
        auto v = w.login();
        CHECK(shown(w, v.token) == kAll);
        w.clock->advance(w.portal.settings.session_idle_seconds);
        CHECK(shown(w, v.token) == kPublic);
        CHECK(access(w, v.token) == Access::login_required);
    }
    SUBCASE("the visitor's calls count as activity, as check_session does") {
        auto v = w.login();
        for (int i = 0; i < 3; ++i) {
            w.clock->advance(w.portal.settings.session_idle_seconds - 60);
            CHECK(shown(w, v.token) == kAll);
        }
        w.clock->advance(w.portal.settings.session_idle_seconds - 60);
        CHECK(access(w, v.token) == Access::allowed);
    }
    SUBCASE("a session still choosing its client is no session, until it chooses") {
        Client ben = w.make_client(w.agency, "Ben");
        w.add_contact(ben, ContactKind::phone, World::kPhone);
        auto v = w.login();
        REQUIRE_FALSE(v.client_id.has_value());
        CHECK(shown(w, v.token) == kPublic);
        CHECK(access(w, v.token) == Access::login_required);
        REQUIRE(w.engine->select_client(w.portal.id, v.token, ben.id).ok());
        CHECK(shown(w, v.token) == kAll);
        CHECK(access(w, v.token) == Access::allowed);
    }
    SUBCASE("a session of another portal is no session here") {
        Portal other = w.make_portal(w.agency, "other");
        auto s = w.engine->start_login(other.id, World::kPhone, kRequest);
        REQUIRE(s.ok());
        auto v = w.engine->verify_login(other.id, s->challenge_id, w.expected_code(other), kRequest);
        REQUIRE(v.ok());
        CHECK(shown(w, v->token) == kPublic);
        CHECK(access(w, v->token) == Access::login_required);
    }
}

TEST_CASE_TEMPLATE("navigation: disabling Client Authentication hides private items and closes the gates for good",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    furnish(w);
    auto v = w.login();
    REQUIRE(shown(w, v.token) == kAll);
    REQUIRE(access(w, v.token) == Access::allowed);

    w.set_client_auth(w.portal, ClientAuth::disabled);
    CHECK(shown(w, v.token) == kPublic);
    CHECK(shown(w, std::nullopt) == kPublic);
    CHECK(access(w, v.token) == Access::unavailable);
    CHECK(access(w, std::nullopt) == Access::unavailable);
    // What needs no login stays open.
    CHECK(ok(w.engine->can_access(w.portal.id, v.token, ResourceKind::form, "contact-us")) == Access::allowed);
    CHECK(w.session(v.session_id)->revoked_at.has_value());

    // Turned back on, the old session stays dead: a new login is needed.
    w.set_client_auth(w.portal, ClientAuth::one_time_password);
    CHECK(shown(w, v.token) == kPublic);
    CHECK(access(w, v.token) == Access::login_required);
    CHECK(w.engine->check_session(w.portal.id, v.token).code() == Code::session_invalid);
    w.next_send();
    auto again = w.login();
    CHECK(shown(w, again.token) == kAll);
    CHECK(access(w, again.token) == Access::allowed);
}

TEST_CASE("navigation: unknown portals and resources are NOT_FOUND for visitors") {
    MemoryWorld w;
    furnish(w);
    CHECK(w.engine->sidebar(9999, std::nullopt).code() == Code::not_found);
    CHECK(w.engine->can_access(9999, std::nullopt, ResourceKind::calendar, "hearings").code() == Code::not_found);
    auto r = w.engine->can_access(w.portal.id, std::nullopt, ResourceKind::form, "hearings");  // a calendar, not a form
    CHECK(r.code() == Code::not_found);
    CHECK(contains(r.status().message(), "no form with that slug"));
    CHECK(w.engine->can_access(w.portal.id, std::nullopt, ResourceKind::calendar, "HEARINGS").code() == Code::not_found);
    CHECK(w.engine->can_access(w.portal.id, std::nullopt, ResourceKind::calendar, "").code() == Code::not_found);
    // Another portal's resources are not this portal's.
    Portal other = w.make_portal(w.agency, "other");
    CHECK(w.engine->can_access(other.id, std::nullopt, ResourceKind::calendar, "hearings").code() == Code::not_found);
    CHECK(ok(w.engine->sidebar(other.id, std::nullopt)).empty());
}
