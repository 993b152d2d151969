// The Store conformance cases for events, cases and documents. Included by conformance.hpp, whose
// SESAME_STORE_CONFORMANCE runs them with every other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sesame/store.hpp"

namespace sesame::conformance {

inline Case sample_case(Id agency_id, Id client_id, const std::string& number) {
    Case c;
    c.agency_id = agency_id;
    c.client_id = client_id;
    c.case_number = number;
    c.type = "misdemeanor";
    c.charges = "Count 1: trespass\nCount 2: \"loitering\", 2nd degree";
    c.status = "pending";
    c.description = "Arraignment held; next: pretrial \u00e9t\u00e9";
    c.created_at = 1'700'000'010;
    return c;
}

inline Event sample_event(Id agency_id, Id client_id, const std::string& date, const std::string& time) {
    Event e;
    e.agency_id = agency_id;
    e.client_id = client_id;
    e.date = date;
    e.time = time;
    e.type = "hearing";
    e.location = "Courtroom 4B, 100 Main St.";
    e.judge = "Hon. Ruth O'Neil";
    e.case_number = "CR-2024-0042";
    e.status = "cancelled";
    e.description = "Bring ID.\nArrive 15 minutes early.";
    e.created_at = 1'700'000'011;
    return e;
}

inline Document sample_document(Id agency_id, Id client_id, const std::string& name) {
    Document d;
    d.agency_id = agency_id;
    d.client_id = client_id;
    d.type = "form";
    d.name = name;
    d.due_date = "2024-03-01";
    d.uploaded_by = "client";
    d.status = "received";
    d.created_at = 1'700'000'012;
    return d;
}

inline void check_same(const Event& got, const Event& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.client_id == want.client_id);
    CHECK(got.case_id == want.case_id);
    CHECK(got.date == want.date);
    CHECK(got.time == want.time);
    CHECK(got.type == want.type);
    CHECK(got.location == want.location);
    CHECK(got.judge == want.judge);
    CHECK(got.case_number == want.case_number);
    CHECK(got.status == want.status);
    CHECK(got.description == want.description);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const Case& got, const Case& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.client_id == want.client_id);
    CHECK(got.case_number == want.case_number);
    CHECK(got.type == want.type);
    CHECK(got.charges == want.charges);
    CHECK(got.status == want.status);
    CHECK(got.description == want.description);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const Document& got, const Document& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.client_id == want.client_id);
    CHECK(got.case_id == want.case_id);
    CHECK(got.event_id == want.event_id);
    CHECK(got.type == want.type);
    CHECK(got.name == want.name);
    CHECK(got.due_date == want.due_date);
    CHECK(got.uploaded_by == want.uploaded_by);
    CHECK(got.status == want.status);
    CHECK(got.created_at == want.created_at);
}

}  // namespace sesame::conformance

TEST_CASE_TEMPLATE_DEFINE("store: cases round-trip every field, update, list per client", Factory,
                          store_conformance_cases) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");
    const Id sibling = *store->insert_client(sample_client(w.agency, "sibling"));

    Case c1 = sample_case(w.agency, w.client, "CR-1");
    c1.id = *store->insert_case(c1);
    CHECK(c1.id == 1);
    Case theirs = sample_case(other.agency, other.client, "CR-2");
    theirs.id = *store->insert_case(theirs);
    Case c3 = sample_case(w.agency, w.client, "CR-3");
    c3.charges.clear();
    c3.description.clear();
    c3.id = *store->insert_case(c3);
    Case sib = sample_case(w.agency, sibling, "CR-4");
    sib.id = *store->insert_case(sib);
    CHECK(c1.id < theirs.id);
    CHECK(theirs.id < c3.id);

    auto got = store->get_case(c1.id);
    REQUIRE(got.ok());
    check_same(*got, c1);
    got = store->get_case(c3.id);
    REQUIRE(got.ok());
    check_same(*got, c3);

    c1.case_number = "CR-1-A";
    c1.type = "felony";
    c1.charges = "Count 1 dismissed";
    c1.status = "closed";
    c1.description = "";
    c1.created_at = 1'700'000'099;
    REQUIRE(store->update_case(c1).ok());
    got = store->get_case(c1.id);
    REQUIRE(got.ok());
    check_same(*got, c1);

    auto listed = store->list_cases(w.client);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);  // by id; neither the sibling's nor the other agency's
    check_same((*listed)[0], c1);
    check_same((*listed)[1], c3);
    CHECK(ids_of(*store->list_cases(sibling)) == std::vector<Id>{sib.id});
    CHECK(ids_of(*store->list_cases(other.client)) == std::vector<Id>{theirs.id});
    CHECK(store->list_cases(4242)->empty());

    CHECK(store->get_case(999).code() == Code::not_found);
    Case ghost = c1;
    ghost.id = 999;
    CHECK(store->update_case(ghost).code() == Code::not_found);
    CHECK(store->insert_case(sample_case(w.agency, 4242, "CR-X")).code() == Code::not_found);
    Case orphaned = c3;
    orphaned.client_id = 4242;
    CHECK(store->update_case(orphaned).code() == Code::not_found);
    got = store->get_case(c3.id);
    REQUIRE(got.ok());
    check_same(*got, c3);  // the refused update changed nothing
    CHECK(store->list_cases(w.client)->size() == 2);
}

TEST_CASE_TEMPLATE_DEFINE("store: events round-trip every field, list by date, time and id", Factory,
                          store_conformance_events) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");
    const Id case_id = *store->insert_case(sample_case(w.agency, w.client, "CR-1"));

    // Inserted out of order: the list puts them in calendar order, ties broken by id.
    Event late = sample_event(w.agency, w.client, "2024-06-02", "09:00");
    late.case_id = case_id;
    late.id = *store->insert_event(late);
    CHECK(late.id == 1);
    Event afternoon = sample_event(w.agency, w.client, "2024-06-01", "14:30");
    afternoon.id = *store->insert_event(afternoon);
    Event morning = sample_event(w.agency, w.client, "2024-06-01", "08:15");
    morning.id = *store->insert_event(morning);
    Event untimed = sample_event(w.agency, w.client, "2024-06-01", "");
    untimed.status = "scheduled";
    untimed.location.clear();
    untimed.judge.clear();
    untimed.description.clear();
    untimed.id = *store->insert_event(untimed);
    Event twin = sample_event(w.agency, w.client, "2024-06-01", "08:15");  // same slot, later id
    twin.id = *store->insert_event(twin);
    Event earlier_year = sample_event(w.agency, w.client, "2023-12-31", "23:59");
    earlier_year.id = *store->insert_event(earlier_year);
    Event theirs = sample_event(other.agency, other.client, "2024-06-01", "08:00");
    theirs.id = *store->insert_event(theirs);

    auto got = store->get_event(late.id);
    REQUIRE(got.ok());
    check_same(*got, late);
    REQUIRE(got->case_id.has_value());
    got = store->get_event(untimed.id);
    REQUIRE(got.ok());
    check_same(*got, untimed);
    CHECK_FALSE(got->case_id.has_value());

    auto listed = store->list_events(w.client);
    REQUIRE(listed.ok());
    CHECK(ids_of(*listed) ==
          std::vector<Id>{earlier_year.id, untimed.id, morning.id, twin.id, afternoon.id, late.id});
    REQUIRE(listed->size() == 6);
    check_same((*listed)[2], morning);
    CHECK(ids_of(*store->list_events(other.client)) == std::vector<Id>{theirs.id});
    CHECK(store->list_events(4242)->empty());

    // Every field replaced, the case link removed, then set again.
    late.case_id.reset();
    late.date = "2024-05-30";
    late.time = "10:45";
    late.type = "appointment";
    late.location = "Probation office";
    late.judge = "";
    late.case_number = "CR-9";
    late.status = "completed";
    late.description = "Moved";
    late.created_at = 1'700'000'077;
    REQUIRE(store->update_event(late).ok());
    got = store->get_event(late.id);
    REQUIRE(got.ok());
    check_same(*got, late);
    CHECK(ids_of(*store->list_events(w.client)).at(1) == late.id);  // re-sorted by its new date
    late.case_id = case_id;
    REQUIRE(store->update_event(late).ok());
    check_same(*store->get_event(late.id), late);

    CHECK(store->get_event(999).code() == Code::not_found);
    Event ghost = late;
    ghost.id = 999;
    CHECK(store->update_event(ghost).code() == Code::not_found);
    CHECK(store->insert_event(sample_event(w.agency, 4242, "2024-01-01", "")).code() == Code::not_found);
    Event no_case = sample_event(w.agency, w.client, "2024-01-01", "");
    no_case.case_id = 4242;
    CHECK(store->insert_event(no_case).code() == Code::not_found);
    Event bad_link = late;
    bad_link.case_id = 4242;
    CHECK(store->update_event(bad_link).code() == Code::not_found);
    Event orphaned = late;
    orphaned.client_id = 4242;
    CHECK(store->update_event(orphaned).code() == Code::not_found);
    check_same(*store->get_event(late.id), late);  // the refused updates changed nothing
    CHECK(store->list_events(w.client)->size() == 6);
}

TEST_CASE_TEMPLATE_DEFINE("store: documents round-trip every field and link, list per client", Factory,
                          store_conformance_documents) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");
    const Id case_id = *store->insert_case(sample_case(w.agency, w.client, "CR-1"));
    const Id event_id = *store->insert_event(sample_event(w.agency, w.client, "2024-06-01", "09:00"));

    Document linked = sample_document(w.agency, w.client, "Financial affidavit.pdf");
    linked.case_id = case_id;
    linked.event_id = event_id;
    linked.id = *store->insert_document(linked);
    CHECK(linked.id == 1);
    Document theirs = sample_document(other.agency, other.client, "Theirs");
    theirs.id = *store->insert_document(theirs);
    Document plain = sample_document(w.agency, w.client, "Conditions of release");
    plain.due_date.clear();
    plain.uploaded_by = "agency";
    plain.status = "pending";
    plain.id = *store->insert_document(plain);

    auto got = store->get_document(linked.id);
    REQUIRE(got.ok());
    check_same(*got, linked);
    got = store->get_document(plain.id);
    REQUIRE(got.ok());
    check_same(*got, plain);
    CHECK_FALSE(got->case_id.has_value());
    CHECK_FALSE(got->event_id.has_value());

    auto listed = store->list_documents(w.client);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    check_same((*listed)[0], linked);
    check_same((*listed)[1], plain);
    CHECK(ids_of(*store->list_documents(other.client)) == std::vector<Id>{theirs.id});
    CHECK(store->list_documents(4242)->empty());

    linked.case_id.reset();
    linked.type = "notice";
    linked.name = "Affidavit (signed)";
    linked.due_date = "2024-02-29";
    linked.uploaded_by = "agency";
    linked.status = "accepted";
    linked.created_at = 1'700'000'088;
    REQUIRE(store->update_document(linked).ok());
    check_same(*store->get_document(linked.id), linked);
    plain.event_id = event_id;
    REQUIRE(store->update_document(plain).ok());
    check_same(*store->get_document(plain.id), plain);

    CHECK(store->get_document(999).code() == Code::not_found);
    Document ghost = plain;
    ghost.id = 999;
    CHECK(store->update_document(ghost).code() == Code::not_found);
    CHECK(store->insert_document(sample_document(w.agency, 4242, "X")).code() == Code::not_found);
    Document no_case = sample_document(w.agency, w.client, "X");
    no_case.case_id = 4242;
    CHECK(store->insert_document(no_case).code() == Code::not_found);
    Document no_event = sample_document(w.agency, w.client, "X");
    no_event.event_id = 4242;
    CHECK(store->insert_document(no_event).code() == Code::not_found);
    Document bad_link = plain;
    bad_link.event_id = 4242;
    CHECK(store->update_document(bad_link).code() == Code::not_found);
    Document orphaned = plain;
    orphaned.client_id = 4242;
    CHECK(store->update_document(orphaned).code() == Code::not_found);
    check_same(*store->get_document(plain.id), plain);  // the refused updates changed nothing
    CHECK(store->list_documents(w.client)->size() == 2);
}

// Runs the cases above; part of SESAME_STORE_CONFORMANCE.
#define SESAME_STORE_CONTENT_CONFORMANCE(...)                            \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_cases, __VA_ARGS__);     \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_events, __VA_ARGS__);    \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_documents, __VA_ARGS__)
