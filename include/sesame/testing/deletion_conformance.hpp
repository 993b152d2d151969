// The Store conformance cases for deleting contacts, events and clients. Included by
// conformance.hpp after the content, uploads and profile cases, whose sample rows it uses;
// SESAME_STORE_CONFORMANCE runs them with every other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sesame/store.hpp"

TEST_CASE_TEMPLATE_DEFINE("store: delete_contact removes one contact and keeps the messages sent to it", Factory,
                          store_conformance_delete_contact) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");

    const Id gone = *store->insert_contact(sample_contact(w.agency, w.client, "ann@example.org"));
    const Id kept = *store->insert_contact(sample_contact(w.agency, w.client, "ann.work@example.org"));
    REQUIRE(store->insert_message(sample_message(w.agency, "ann@example.org", 1'700'000'100)).ok());

    REQUIRE(store->delete_contact(gone).ok());
    CHECK(store->get_contact(gone).code() == Code::not_found);
    auto left = store->list_contacts(w.client);
    REQUIRE(left.ok());
    REQUIRE(left->size() == 1);
    CHECK(left->front().id == kept);
    CHECK(store->find_contacts(w.agency, "ann@example.org")->empty());
    auto history = store->list_messages_to(w.agency, {"ann@example.org"}, 10);
    REQUIRE(history.ok());
    CHECK(history->size() == 1);

    CHECK(store->delete_contact(gone).code() == Code::not_found);
    CHECK(store->delete_contact(4242).code() == Code::not_found);
    // The value is free again for the same client.
    CHECK(store->insert_contact(sample_contact(w.agency, w.client, "ann@example.org")).ok());
}

TEST_CASE_TEMPLATE_DEFINE("store: delete_event is refused while a document is linked to it", Factory,
                          store_conformance_delete_event) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");

    const Id linked = *store->insert_event(sample_event(w.agency, w.client, "2024-06-01", "09:00"));
    const Id free_event = *store->insert_event(sample_event(w.agency, w.client, "2024-06-02", ""));
    Document d = sample_document(w.agency, w.client, "Proof of address");
    d.event_id = linked;
    const Id doc = *store->insert_document(d);

    Status refused = store->delete_event(linked);
    CHECK(refused.code() == Code::failed_precondition);
    CHECK(refused.message().find("document " + std::to_string(doc)) != std::string::npos);
    CHECK(store->get_event(linked).ok());

    REQUIRE(store->delete_event(free_event).ok());
    CHECK(store->get_event(free_event).code() == Code::not_found);
    CHECK(store->list_events(w.client)->size() == 1);

    // Unlinked, the event can go.
    d = *store->get_document(doc);
    d.event_id.reset();
    REQUIRE(store->update_document(d).ok());
    REQUIRE(store->delete_event(linked).ok());
    CHECK(store->list_events(w.client)->empty());
    CHECK(store->delete_event(linked).code() == Code::not_found);
    CHECK(store->delete_event(4242).code() == Code::not_found);
}

TEST_CASE_TEMPLATE_DEFINE("store: delete_client takes its contacts along, and is refused while content belongs to it",
                          Factory, store_conformance_delete_client) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");

    // A bare client with two contacts and a pending contact change goes whole.
    const Id bare = *store->insert_client(sample_client(w.agency, "ref-bare"));
    const Id c1 = *store->insert_contact(sample_contact(w.agency, bare, "bare@example.org"));
    const Id c2 = *store->insert_contact(sample_contact(w.agency, bare, "bare2@example.org"));
    const Id neighbour = *store->insert_contact(sample_contact(w.agency, w.client, "bare@example.org"));
    REQUIRE(store->insert_contact_change(sample_contact_change("cc-bare", w.agency, w.portal, bare)).ok());
    REQUIRE(store->delete_client(bare).ok());
    CHECK(store->get_client(bare).code() == Code::not_found);
    CHECK(store->get_contact(c1).code() == Code::not_found);
    CHECK(store->get_contact(c2).code() == Code::not_found);
    CHECK(store->get_contact_change("cc-bare").code() == Code::not_found);
    CHECK(store->get_contact(neighbour).ok());
    auto clients = store->list_clients(w.agency);
    REQUIRE(clients.ok());
    REQUIRE(clients->size() == 1);
    CHECK(clients->front().id == w.client);
    CHECK(store->delete_client(bare).code() == Code::not_found);
    CHECK(store->delete_client(4242).code() == Code::not_found);

    // Each kind of content alone refuses the deletion and leaves the client and its contacts.
    const auto refused_with = [&](const std::string& tag, auto attach) {
        CAPTURE(tag);
        const Id id = *store->insert_client(sample_client(w.agency, "ref-" + tag));
        const Id contact = *store->insert_contact(sample_contact(w.agency, id, tag + "@example.org"));
        attach(id);
        Status st = store->delete_client(id);
        CHECK(st.code() == Code::failed_precondition);
        CHECK(store->get_client(id).ok());
        CHECK(store->get_contact(contact).ok());
    };
    refused_with("event", [&](Id id) { REQUIRE(store->insert_event(sample_event(w.agency, id, "2024-01-01", "")).ok()); });
    refused_with("case", [&](Id id) { REQUIRE(store->insert_case(sample_case(w.agency, id, "CR-9")).ok()); });
    refused_with("document", [&](Id id) { REQUIRE(store->insert_document(sample_document(w.agency, id, "Form")).ok()); });
    refused_with("upload", [&](Id id) {
        Upload u = sample_upload(w, "blob-" + std::to_string(id));
        u.client_id = id;
        REQUIRE(store->insert_upload(u).ok());
    });
    CHECK(store->get_client(other.client).ok());
}

#define SESAME_STORE_DELETION_CONFORMANCE(...)                                    \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_delete_contact, __VA_ARGS__);     \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_delete_event, __VA_ARGS__);       \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_delete_client, __VA_ARGS__)
