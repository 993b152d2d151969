// The Store conformance cases for sidebar items and gated resources. Included by conformance.hpp,
// whose SESAME_STORE_CONFORMANCE runs them with every other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sesame/store.hpp"

namespace sesame::conformance {

inline SidebarItem sample_sidebar_item(Id agency_id, Id portal_id, const std::string& title, std::int32_t order) {
    SidebarItem i;
    i.agency_id = agency_id;
    i.portal_id = portal_id;
    i.title = title;
    i.link = "/court/calendar?week=next&lang=\u00e9";
    i.order = order;
    i.visibility = Visibility::private_;
    i.titles = {{"es", "Calendario de audiencias \u00e1 <b>\"4\"</b>"}, {"vi", "L\u1ecbch"}};
    i.created_at = 1'700'000'020;
    return i;
}

inline GatedResource sample_gated_resource(Id agency_id, Id portal_id, ResourceKind kind, const std::string& slug) {
    GatedResource r;
    r.agency_id = agency_id;
    r.portal_id = portal_id;
    r.kind = kind;
    r.slug = slug;
    r.title = "Hearing calendar <b>\"Room 4\"</b>";
    r.requires_login = true;
    r.titles = {{"es", "Calendario \"Sala 4\" \\ {}"}};
    r.created_at = 1'700'000'021;
    return r;
}

inline void check_same(const SidebarItem& got, const SidebarItem& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.title == want.title);
    CHECK(got.titles == want.titles);
    CHECK(got.link == want.link);
    CHECK(got.order == want.order);
    CHECK(got.visibility == want.visibility);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const GatedResource& got, const GatedResource& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.kind == want.kind);
    CHECK(got.slug == want.slug);
    CHECK(got.title == want.title);
    CHECK(got.titles == want.titles);
    CHECK(got.requires_login == want.requires_login);
    CHECK(got.created_at == want.created_at);
}

}  // namespace sesame::conformance

TEST_CASE_TEMPLATE_DEFINE("store: sidebar items round-trip, update, delete, list by order then id", Factory,
                          store_conformance_sidebar_items) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");

    SidebarItem third = sample_sidebar_item(w.agency, w.portal, "Forms", 30);
    third.id = *store->insert_sidebar_item(third);
    CHECK(third.id == 1);
    SidebarItem first = sample_sidebar_item(w.agency, w.portal, "Home", 10);
    first.visibility = Visibility::public_;
    first.link = "https://example.org/help";
    first.titles.clear();  // no title per language: reads back as none
    first.id = *store->insert_sidebar_item(first);
    SidebarItem theirs = sample_sidebar_item(other.agency, other.portal, "Theirs", 0);
    theirs.id = *store->insert_sidebar_item(theirs);
    SidebarItem tied = sample_sidebar_item(w.agency, w.portal, "<script>alert(1)</script>", 10);  // same order, later id
    tied.id = *store->insert_sidebar_item(tied);
    CHECK(first.id < theirs.id);
    CHECK(theirs.id < tied.id);

    auto got = store->get_sidebar_item(third.id);
    REQUIRE(got.ok());
    check_same(*got, third);
    got = store->get_sidebar_item(tied.id);
    REQUIRE(got.ok());
    check_same(*got, tied);

    auto listed = store->list_sidebar_items(w.portal);
    REQUIRE(listed.ok());
    CHECK(ids_of(*listed) == std::vector<Id>{first.id, tied.id, third.id});
    REQUIRE(listed->size() == 3);
    check_same((*listed)[0], first);
    CHECK(ids_of(*store->list_sidebar_items(other.portal)) == std::vector<Id>{theirs.id});
    CHECK(store->list_sidebar_items(4242)->empty());

    third.title = "Forms and notices";
    third.titles = {{"es", "Formularios"}, {"fr", "Formulaires"}};
    third.link = "/forms";
    third.order = 0;
    third.visibility = Visibility::public_;
    third.created_at = 1'700'000'099;
    REQUIRE(store->update_sidebar_item(third).ok());
    check_same(*store->get_sidebar_item(third.id), third);
    CHECK(ids_of(*store->list_sidebar_items(w.portal)) == std::vector<Id>{third.id, first.id, tied.id});

    CHECK(store->get_sidebar_item(999).code() == Code::not_found);
    SidebarItem ghost = third;
    ghost.id = 999;
    CHECK(store->update_sidebar_item(ghost).code() == Code::not_found);
    CHECK(store->insert_sidebar_item(sample_sidebar_item(w.agency, 4242, "X", 1)).code() == Code::not_found);
    SidebarItem orphaned = third;
    orphaned.portal_id = 4242;
    CHECK(store->update_sidebar_item(orphaned).code() == Code::not_found);
    check_same(*store->get_sidebar_item(third.id), third);  // the refused updates changed nothing
    CHECK(store->list_sidebar_items(w.portal)->size() == 3);

    REQUIRE(store->delete_sidebar_item(first.id).ok());
    CHECK(store->get_sidebar_item(first.id).code() == Code::not_found);
    CHECK(store->delete_sidebar_item(first.id).code() == Code::not_found);
    CHECK(store->delete_sidebar_item(999).code() == Code::not_found);
    CHECK(ids_of(*store->list_sidebar_items(w.portal)) == std::vector<Id>{third.id, tied.id});
    CHECK(ids_of(*store->list_sidebar_items(other.portal)) == std::vector<Id>{theirs.id});
}

TEST_CASE_TEMPLATE_DEFINE("store: gated resources round-trip, unique per portal, kind and slug", Factory,
                          store_conformance_gated_resources) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");

    GatedResource intake = sample_gated_resource(w.agency, w.portal, ResourceKind::form, "intake");
    intake.id = *store->insert_gated_resource(intake);
    CHECK(intake.id == 1);
    GatedResource hearings = sample_gated_resource(w.agency, w.portal, ResourceKind::calendar, "hearings");
    hearings.requires_login = false;
    hearings.titles.clear();
    hearings.id = *store->insert_gated_resource(hearings);
    GatedResource appts = sample_gated_resource(w.agency, w.portal, ResourceKind::calendar, "appointments");
    appts.id = *store->insert_gated_resource(appts);
    // The same slug under the other kind, and on another portal, are other resources.
    GatedResource intake_cal = sample_gated_resource(w.agency, w.portal, ResourceKind::calendar, "intake");
    intake_cal.id = *store->insert_gated_resource(intake_cal);
    GatedResource theirs = sample_gated_resource(other.agency, other.portal, ResourceKind::form, "intake");
    theirs.id = *store->insert_gated_resource(theirs);

    auto got = store->get_gated_resource(intake.id);
    REQUIRE(got.ok());
    check_same(*got, intake);
    got = store->get_gated_resource(hearings.id);
    REQUIRE(got.ok());
    check_same(*got, hearings);

    got = store->find_gated_resource(w.portal, ResourceKind::form, "intake");
    REQUIRE(got.ok());
    check_same(*got, intake);
    got = store->find_gated_resource(w.portal, ResourceKind::calendar, "intake");
    REQUIRE(got.ok());
    check_same(*got, intake_cal);
    got = store->find_gated_resource(other.portal, ResourceKind::form, "intake");
    REQUIRE(got.ok());
    check_same(*got, theirs);
    CHECK(store->find_gated_resource(w.portal, ResourceKind::form, "hearings").code() == Code::not_found);
    CHECK(store->find_gated_resource(w.portal, ResourceKind::form, "INTAKE").code() == Code::not_found);
    CHECK(store->find_gated_resource(4242, ResourceKind::form, "intake").code() == Code::not_found);

    auto listed = store->list_gated_resources(w.portal);
    REQUIRE(listed.ok());
    CHECK(ids_of(*listed) == std::vector<Id>{appts.id, hearings.id, intake_cal.id, intake.id});
    REQUIRE(listed->size() == 4);
    check_same((*listed)[3], intake);
    CHECK(ids_of(*store->list_gated_resources(other.portal)) == std::vector<Id>{theirs.id});
    CHECK(store->list_gated_resources(4242)->empty());

    // Taken keys: on insert, and on an update onto another row's key.
    CHECK(store->insert_gated_resource(sample_gated_resource(w.agency, w.portal, ResourceKind::form, "intake")).code() ==
          Code::already_exists);
    GatedResource clash = hearings;
    clash.slug = "appointments";
    CHECK(store->update_gated_resource(clash).code() == Code::already_exists);
    check_same(*store->get_gated_resource(hearings.id), hearings);

    hearings.title = "Hearings";
    hearings.titles = {{"es", "Audiencias"}};
    hearings.slug = "court-hearings";
    hearings.kind = ResourceKind::form;
    hearings.requires_login = true;
    hearings.created_at = 1'700'000'098;
    REQUIRE(store->update_gated_resource(hearings).ok());  // its own key may stay or change
    check_same(*store->get_gated_resource(hearings.id), hearings);
    hearings.titles.clear();  // removing every title per language
    REQUIRE(store->update_gated_resource(hearings).ok());
    check_same(*store->get_gated_resource(hearings.id), hearings);
    CHECK(ids_of(*store->list_gated_resources(w.portal)) ==
          std::vector<Id>{appts.id, intake_cal.id, hearings.id, intake.id});
    CHECK(store->find_gated_resource(w.portal, ResourceKind::calendar, "hearings").code() == Code::not_found);

    CHECK(store->get_gated_resource(999).code() == Code::not_found);
    GatedResource ghost = hearings;
    ghost.id = 999;
    ghost.slug = "ghost";
    CHECK(store->update_gated_resource(ghost).code() == Code::not_found);
    CHECK(store->insert_gated_resource(sample_gated_resource(w.agency, 4242, ResourceKind::form, "x")).code() ==
          Code::not_found);
    GatedResource orphaned = hearings;
    orphaned.portal_id = 4242;
    CHECK(store->update_gated_resource(orphaned).code() == Code::not_found);
    check_same(*store->get_gated_resource(hearings.id), hearings);
    CHECK(store->list_gated_resources(w.portal)->size() == 4);

    REQUIRE(store->delete_gated_resource(intake.id).ok());
    CHECK(store->get_gated_resource(intake.id).code() == Code::not_found);
    CHECK(store->find_gated_resource(w.portal, ResourceKind::form, "intake").code() == Code::not_found);
    CHECK(store->delete_gated_resource(intake.id).code() == Code::not_found);
    // The freed key may be used again.
    GatedResource again = sample_gated_resource(w.agency, w.portal, ResourceKind::form, "intake");
    again.id = *store->insert_gated_resource(again);
    check_same(*store->find_gated_resource(w.portal, ResourceKind::form, "intake"), again);
}

// Runs the cases above; part of SESAME_STORE_CONFORMANCE.
#define SESAME_STORE_NAVIGATION_CONFORMANCE(...)                                 \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_sidebar_items, __VA_ARGS__);     \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_gated_resources, __VA_ARGS__)
