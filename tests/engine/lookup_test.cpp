#include <doctest/doctest.h>

#include "sesame/sesame.hpp"

using namespace sesame;

namespace {

std::unique_ptr<Engine> open_engine() {
    EngineOptions o;
    o.store = make_memory_store();
    o.master_key = std::vector<std::uint8_t>(32, 7);
    o.clock = std::make_shared<FakeClock>();
    auto e = Engine::open(std::move(o));
    REQUIRE(e.ok());
    return std::move(*e);
}

}  // namespace

TEST_CASE("lookup: normalize_identifier reads phones in any common format and emails") {
    for (const char* typed : {"(555) 123-4567", "555.123.4567", "+1 555 123 4567"}) {
        auto v = normalize_identifier(typed, "US");
        REQUIRE(v.ok());
        CHECK(v->kind == ContactKind::phone);
        CHECK(v->value == "+15551234567");
    }
    auto e = normalize_identifier("  Ann@Example.ORG ", "US");
    REQUIRE(e.ok());
    CHECK(e->kind == ContactKind::email);
    CHECK(e->value == "ann@example.org");
    CHECK(normalize_identifier("not a contact", "US").code() == Code::invalid_argument);
    CHECK(mask_contact(ContactKind::phone, "+15551234567") == "\u2022\u2022\u2022-\u2022\u2022\u2022-4567");
}

TEST_CASE("lookup: list_agencies, get_contact and find_contacts respect agency isolation") {
    auto engine = open_engine();
    Actor root{"root", 0, {}, true};
    Agency a;
    a.name = "A";
    Agency b;
    b.name = "B";
    auto agency_a = engine->create_agency(root, a);
    auto agency_b = engine->create_agency(root, b);
    REQUIRE(agency_a.ok());
    REQUIRE(agency_b.ok());
    Client c;
    c.agency_id = agency_a->id;
    c.first_name = "Ann";
    auto client = engine->create_client(root, c);
    REQUIRE(client.ok());
    auto contact = engine->add_contact(root, client->id, ContactKind::phone, "(555) 123-4567");
    REQUIRE(contact.ok());

    auto all = engine->list_agencies(root);
    REQUIRE(all.ok());
    CHECK(all->size() == 2);

    Actor staff_b{"b-staff", agency_b->id, {"update_clients", "view_messages"}, false};
    auto own = engine->list_agencies(staff_b);
    REQUIRE(own.ok());
    REQUIRE(own->size() == 1);
    CHECK(own->front().id == agency_b->id);
    CHECK(engine->get_contact(staff_b, contact->id).code() == Code::not_found);
    CHECK(engine->find_contacts(staff_b, agency_a->id, "555.123.4567").code() == Code::not_found);

    Actor staff_a{"a-staff", agency_a->id, {}, false};
    auto found = engine->find_contacts(staff_a, agency_a->id, "555.123.4567");
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    CHECK(found->front().id == contact->id);
    auto got = engine->get_contact(staff_a, contact->id);
    REQUIRE(got.ok());
    CHECK(got->value == "+15551234567");
    CHECK(engine->find_contacts(staff_a, agency_a->id, "???").code() == Code::invalid_argument);
}
