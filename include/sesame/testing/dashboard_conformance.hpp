// The Store conformance cases for dashboard templates. Included by conformance.hpp, whose
// SESAME_STORE_CONFORMANCE runs them with every other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sesame/store.hpp"

namespace sesame::conformance {

inline DashboardTemplate sample_dashboard(Id portal_id, const std::string& language, const std::string& text) {
    DashboardTemplate t;
    t.portal_id = portal_id;
    t.language = language;
    t.text = text;
    t.updated_at = 1'700'000'020;
    return t;
}

inline void check_same(const DashboardTemplate& got, const DashboardTemplate& want) {
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.language == want.language);
    CHECK(got.text == want.text);
    CHECK(got.updated_at == want.updated_at);
}

inline std::vector<std::string> languages_of(const std::vector<DashboardTemplate>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.language);
    return out;
}

}  // namespace sesame::conformance

TEST_CASE_TEMPLATE_DEFINE("store: dashboard templates put, replace, get, list by language, delete", Factory,
                          store_conformance_dashboard) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");
    const Id second = *store->insert_portal(sample_portal(w.agency, "second"));

    CHECK(store->list_dashboard_templates(w.portal)->empty());
    auto none = store->get_dashboard_template(w.portal, "en");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    // Inserted out of order: listed by language.
    const DashboardTemplate es = sample_dashboard(w.portal, "es", "Hola [ClientFirstName] \u00a1bienvenido!\n<b>\"x\"</b>");
    const DashboardTemplate en = sample_dashboard(w.portal, "en", "Hello [ClientFirstName]");
    REQUIRE(store->put_dashboard_template(es).ok());
    REQUIRE(store->put_dashboard_template(en).ok());
    REQUIRE(store->put_dashboard_template(sample_dashboard(second, "en", "Second portal")).ok());
    REQUIRE(store->put_dashboard_template(sample_dashboard(other.portal, "en", "Other agency")).ok());

    auto got = store->get_dashboard_template(w.portal, "es");
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    check_same(**got, es);
    auto listed = store->list_dashboard_templates(w.portal);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    check_same((*listed)[0], en);
    check_same((*listed)[1], es);
    CHECK(languages_of(*store->list_dashboard_templates(second)) == std::vector<std::string>{"en"});
    CHECK((*store->list_dashboard_templates(other.portal))[0].text == "Other agency");
    CHECK(store->list_dashboard_templates(4242)->empty());

    // put replaces the same (portal, language), text and time.
    DashboardTemplate changed = en;
    changed.text = "Welcome back, [ClientName]";
    changed.updated_at = 1'700'000'099;
    REQUIRE(store->put_dashboard_template(changed).ok());
    check_same(**store->get_dashboard_template(w.portal, "en"), changed);
    CHECK(store->list_dashboard_templates(w.portal)->size() == 2);
    check_same(**store->get_dashboard_template(second, "en"), sample_dashboard(second, "en", "Second portal"));

    // A missing portal is NOT_FOUND and writes nothing.
    CHECK(store->put_dashboard_template(sample_dashboard(4242, "en", "x")).code() == Code::not_found);
    CHECK(store->list_dashboard_templates(4242)->empty());
    CHECK_FALSE(store->get_dashboard_template(4242, "en")->has_value());

    // delete removes one language of one portal.
    REQUIRE(store->delete_dashboard_template(w.portal, "en").ok());
    CHECK_FALSE(store->get_dashboard_template(w.portal, "en")->has_value());
    CHECK(languages_of(*store->list_dashboard_templates(w.portal)) == std::vector<std::string>{"es"});
    CHECK(store->get_dashboard_template(second, "en")->has_value());
    CHECK(store->delete_dashboard_template(w.portal, "en").code() == Code::not_found);
    CHECK(store->delete_dashboard_template(4242, "es").code() == Code::not_found);
    CHECK(store->delete_dashboard_template(w.portal, "fr").code() == Code::not_found);
    check_same(**store->get_dashboard_template(w.portal, "es"), es);
}

// Runs the case above; part of SESAME_STORE_CONFORMANCE.
#define SESAME_STORE_DASHBOARD_CONFORMANCE(...) TEST_CASE_TEMPLATE_INVOKE(store_conformance_dashboard, __VA_ARGS__)
