// The Store conformance cases for profile policies and pending contact changes. Included by
// conformance.hpp, whose SESAME_STORE_CONFORMANCE runs them with every other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sesame/store.hpp"

namespace sesame::conformance {

inline ContactChange sample_contact_change(const std::string& challenge_id, Id agency_id, Id portal_id,
                                           Id client_id) {
    ContactChange c;
    c.challenge_id = challenge_id;
    c.agency_id = agency_id;
    c.portal_id = portal_id;
    c.client_id = client_id;
    c.session_id = "session-\u00e9-1";
    c.kind = ContactKind::email;
    c.value = "new.address@example.org";
    c.created_at = 1'700'000'030;
    return c;
}

inline void check_same(const ContactChange& got, const ContactChange& want) {
    CHECK(got.challenge_id == want.challenge_id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.client_id == want.client_id);
    CHECK(got.session_id == want.session_id);
    CHECK(got.kind == want.kind);
    CHECK(got.value == want.value);
    CHECK(got.replaces_contact_id == want.replaces_contact_id);
    CHECK(got.created_at == want.created_at);
}

inline std::vector<std::string> rule_words(const std::vector<ProfileFieldRule>& rules) {
    std::vector<std::string> out;
    for (const auto& r : rules) out.push_back(r.field + "=" + std::string(to_string(r.policy)));
    return out;
}

}  // namespace sesame::conformance

TEST_CASE_TEMPLATE_DEFINE("store: profile policy is replaced whole, read by field, kept per portal", Factory,
                          store_conformance_profile_policy) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");

    CHECK(store->get_profile_policy(w.portal)->empty());

    REQUIRE(store->put_profile_policy(w.portal, {{"phone", FieldPolicy::editable},
                                                 {"dob", FieldPolicy::hidden},
                                                 {"language", FieldPolicy::read_only}})
                .ok());
    REQUIRE(store->put_profile_policy(other.portal, {{"email", FieldPolicy::editable}}).ok());
    CHECK(rule_words(*store->get_profile_policy(w.portal)) ==
          std::vector<std::string>{"dob=hidden", "language=read_only", "phone=editable"});
    CHECK(rule_words(*store->get_profile_policy(other.portal)) == std::vector<std::string>{"email=editable"});

    // Replaced whole: a field left out is no longer stored; a repeated name keeps the last.
    REQUIRE(store->put_profile_policy(w.portal, {{"gender", FieldPolicy::editable},
                                                 {"dob", FieldPolicy::editable},
                                                 {"dob", FieldPolicy::read_only}})
                .ok());
    CHECK(rule_words(*store->get_profile_policy(w.portal)) ==
          std::vector<std::string>{"dob=read_only", "gender=editable"});
    REQUIRE(store->put_profile_policy(w.portal, {}).ok());
    CHECK(store->get_profile_policy(w.portal)->empty());
    CHECK(rule_words(*store->get_profile_policy(other.portal)) == std::vector<std::string>{"email=editable"});

    // A portal that does not exist.
    CHECK(store->put_profile_policy(4242, {{"dob", FieldPolicy::hidden}}).code() == Code::not_found);
    CHECK(store->put_profile_policy(4242, {}).code() == Code::not_found);
    CHECK(store->get_profile_policy(4242).code() == Code::not_found);
}

TEST_CASE_TEMPLATE_DEFINE("store: contact changes round-trip by challenge id, parents checked, swept with their challenge",
                          Factory, store_conformance_contact_changes) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const UnixTime t0 = 1'700'000'000;

    Challenge added_ch = sample_challenge("cc-add", w.portal, "new.address@example.org", t0);
    REQUIRE(store->begin_challenge(added_ch, std::nullopt).ok());
    ContactChange added = sample_contact_change("cc-add", w.agency, w.portal, w.client);
    REQUIRE(store->insert_contact_change(added).ok());
    check_same(*store->get_contact_change("cc-add"), added);

    Challenge replacing_ch = sample_challenge("cc-replace", w.portal, "+15550001111", t0);
    replacing_ch.expires_at = t0 + 10'000;
    REQUIRE(store->begin_challenge(replacing_ch, std::nullopt).ok());
    ContactChange replacing = sample_contact_change("cc-replace", w.agency, w.portal, w.client);
    replacing.kind = ContactKind::phone;
    replacing.value = "+15550001111";
    replacing.replaces_contact_id = 77;
    REQUIRE(store->insert_contact_change(replacing).ok());
    check_same(*store->get_contact_change("cc-replace"), replacing);

    CHECK(store->get_contact_change("cc-unknown").code() == Code::not_found);
    CHECK(store->get_contact_change("").code() == Code::not_found);
    // One change per challenge.
    ContactChange again = replacing;
    again.value = "+15550002222";
    CHECK(store->insert_contact_change(again).code() == Code::already_exists);
    check_same(*store->get_contact_change("cc-replace"), replacing);
    // Parents must exist.
    ContactChange no_portal = sample_contact_change("cc-x", w.agency, 4242, w.client);
    CHECK(store->insert_contact_change(no_portal).code() == Code::not_found);
    ContactChange no_client = sample_contact_change("cc-y", w.agency, w.portal, 4242);
    CHECK(store->insert_contact_change(no_client).code() == Code::not_found);
    CHECK(store->get_contact_change("cc-x").code() == Code::not_found);
    CHECK(store->get_contact_change("cc-y").code() == Code::not_found);

    // The sweeper removes the expired challenge and its change; the live one stays with its change.
    REQUIRE(store->sweep(t0 + 601, 0).ok());
    CHECK(store->get_contact_change("cc-add").code() == Code::not_found);
    check_same(*store->get_contact_change("cc-replace"), replacing);
}

// Runs the cases above; part of SESAME_STORE_CONFORMANCE.
#define SESAME_STORE_PROFILE_CONFORMANCE(...)                                     \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_profile_policy, __VA_ARGS__);     \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_contact_changes, __VA_ARGS__)
