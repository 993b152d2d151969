// The Store conformance suite: every method and every contract of include/sesame/store.hpp, written
// once and run against each store: Sesame's own (tests/store, tests/capi) and, installed with the
// library, a host's (a C store through sesame/testing/vtable_store.hpp; docs/c-store-directory.md,
// "Checking a store"). It is doctest test cases: the including file needs <doctest/doctest.h>.
//
// A store joins by providing a factory type whose `make()` returns a fresh, empty store on each call,
// naming it for doctest, and invoking the suite:
//
//     struct MyFactory { std::shared_ptr<sesame::Store> make(); };
//     TYPE_TO_STRING(MyFactory);
//     SESAME_STORE_CONFORMANCE(MyFactory);
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sesame/clock.hpp"
#include "sesame/store.hpp"

namespace sesame::conformance {

// ---- sample rows, every field away from its default ---------------------------------------------

inline Agency sample_agency(const std::string& name) {
    Agency a;
    a.id = 999;  // ignored by insert_agency
    a.name = name;
    a.time_zone = "America/Chicago";
    a.environment = Environment::production;
    a.send_mode = SendMode::live;
    a.default_region = "CA";
    a.sms_countries = {"US", "CA", "MX"};
    a.sms_per_hour_limit = 1234;
    a.created_at = 1'700'000'001;
    return a;
}

inline Portal sample_portal(Id agency_id, const std::string& slug) {
    Portal p;
    p.agency_id = agency_id;
    p.name = "Portal " + slug;
    p.slug = slug;
    p.client_auth = ClientAuth::one_time_password;
    PortalSettings& s = p.settings;
    s.code_digits = 8;
    s.code_ttl_seconds = 900;
    s.max_attempts = 3;
    s.contact_failure_limit = 40;
    s.resend_cooldown_seconds = 45;
    s.sends_per_hour = 7;
    s.sends_per_day = 17;
    s.ip_starts_limit = 70;
    s.ip_starts_window_seconds = 700;
    s.ip_verify_limit = 80;
    s.ip_verify_window_seconds = 800;
    s.session_idle_seconds = 1200;
    s.session_absolute_seconds = 7200;
    s.unknown_contact_response = UnknownContactResponse::uniform;
    s.default_language = "es";
    s.host = "portal.example.gov";
    p.created_at = 1'700'000'002;
    return p;
}

inline Client sample_client(Id agency_id, const std::string& reference) {
    Client c;
    c.agency_id = agency_id;
    c.client_reference = reference;
    c.first_name = "Ann";
    c.middle_name = "B.";
    c.last_name = "O'Connor";
    c.dob = "1980-02-29";
    c.gender = "F";
    c.type = "defendant";
    c.group = "docket-7";
    c.language = "es";
    c.status = "inactive";
    c.archived = true;
    c.created_at = 1'700'000'003;
    return c;
}

inline Contact sample_contact(Id agency_id, Id client_id, const std::string& value) {
    Contact c;
    c.agency_id = agency_id;
    c.client_id = client_id;
    c.kind = ContactKind::email;
    c.value = value;
    c.status = ContactStatus::opted_out;
    c.created_at = 1'700'000'004;
    return c;
}

inline Message sample_message(Id agency_id, const std::string& to, UnixTime created_at) {
    Message m;
    m.agency_id = agency_id;
    m.direction = Direction::outbound;
    m.channel = Channel::email;
    m.status = MessageStatus::queued;
    m.to = to;
    m.from = "court@example.gov";
    m.subject = "Your code";
    m.content = "Code \u2022\u2022\u2022\u2022\u2022\u2022, quote \" and comma ,";
    m.sealed = {0x00, 0xff, 0x10, 0x00, 0x7f};
    m.challenge_id = "chal-none";
    m.error = "none yet";
    m.created_at = created_at;
    m.updated_at = created_at + 5;
    return m;
}

inline Challenge sample_challenge(const std::string& id, Id portal_id, const std::string& destination,
                                  UnixTime created_at) {
    Challenge c;
    c.id = id;
    c.agency_id = 1;
    c.portal_id = portal_id;
    c.channel = Channel::sms;
    c.destination = destination;
    c.mac = {0x00, 0x01, 0xfe, 0xff, 0x00};
    c.attempts = 0;
    c.max_attempts = 5;
    c.decoy = false;
    c.created_at = created_at;
    c.expires_at = created_at + 600;
    return c;
}

inline Session sample_session(const std::string& id, std::uint8_t token_byte, UnixTime created_at) {
    Session s;
    s.id = id;
    s.token_hash = std::vector<std::uint8_t>(32, token_byte);
    s.token_hash[0] = 0x00;
    s.agency_id = 1;
    s.portal_id = 1;
    s.destination = "+15551234567";
    s.assurance = "aal1";
    s.ip = "203.0.113.9";
    s.user_agent = "Mozilla/5.0 (test)";
    s.created_at = created_at;
    s.last_seen_at = created_at;
    s.idle_expires_at = created_at + 1800;
    s.absolute_expires_at = created_at + 43200;
    return s;
}

// ---- field-by-field comparisons -------------------------------------------------------------

inline void check_same(const Agency& got, const Agency& want) {
    CHECK(got.id == want.id);
    CHECK(got.name == want.name);
    CHECK(got.time_zone == want.time_zone);
    CHECK(got.environment == want.environment);
    CHECK(got.send_mode == want.send_mode);
    CHECK(got.default_region == want.default_region);
    CHECK(got.sms_countries == want.sms_countries);
    CHECK(got.sms_per_hour_limit == want.sms_per_hour_limit);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const AgencyPhone& got, const AgencyPhone& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.number == want.number);
    CHECK(got.registration == want.registration);
}

inline void check_same(const AgencyEmail& got, const AgencyEmail& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.address == want.address);
    CHECK(got.display_name == want.display_name);
}

inline void check_same(const Portal& got, const Portal& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.name == want.name);
    CHECK(got.slug == want.slug);
    CHECK(got.client_auth == want.client_auth);
    const PortalSettings& g = got.settings;
    const PortalSettings& w = want.settings;
    CHECK(g.code_digits == w.code_digits);
    CHECK(g.code_ttl_seconds == w.code_ttl_seconds);
    CHECK(g.max_attempts == w.max_attempts);
    CHECK(g.contact_failure_limit == w.contact_failure_limit);
    CHECK(g.resend_cooldown_seconds == w.resend_cooldown_seconds);
    CHECK(g.sends_per_hour == w.sends_per_hour);
    CHECK(g.sends_per_day == w.sends_per_day);
    CHECK(g.ip_starts_limit == w.ip_starts_limit);
    CHECK(g.ip_starts_window_seconds == w.ip_starts_window_seconds);
    CHECK(g.ip_verify_limit == w.ip_verify_limit);
    CHECK(g.ip_verify_window_seconds == w.ip_verify_window_seconds);
    CHECK(g.session_idle_seconds == w.session_idle_seconds);
    CHECK(g.session_absolute_seconds == w.session_absolute_seconds);
    CHECK(g.unknown_contact_response == w.unknown_contact_response);
    CHECK(g.default_language == w.default_language);
    CHECK(g.host == w.host);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const Client& got, const Client& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.client_reference == want.client_reference);
    CHECK(got.first_name == want.first_name);
    CHECK(got.middle_name == want.middle_name);
    CHECK(got.last_name == want.last_name);
    CHECK(got.dob == want.dob);
    CHECK(got.gender == want.gender);
    CHECK(got.type == want.type);
    CHECK(got.group == want.group);
    CHECK(got.language == want.language);
    CHECK(got.status == want.status);
    CHECK(got.archived == want.archived);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const Contact& got, const Contact& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.client_id == want.client_id);
    CHECK(got.kind == want.kind);
    CHECK(got.value == want.value);
    CHECK(got.status == want.status);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const Message& got, const Message& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.direction == want.direction);
    CHECK(got.channel == want.channel);
    CHECK(got.status == want.status);
    CHECK(got.to == want.to);
    CHECK(got.from == want.from);
    CHECK(got.subject == want.subject);
    CHECK(got.content == want.content);
    CHECK(got.sealed == want.sealed);
    CHECK(got.challenge_id == want.challenge_id);
    CHECK(got.error == want.error);
    CHECK(got.created_at == want.created_at);
    CHECK(got.updated_at == want.updated_at);
}

inline void check_same(const Challenge& got, const Challenge& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.channel == want.channel);
    CHECK(got.destination == want.destination);
    CHECK(got.mac == want.mac);
    CHECK(got.attempts == want.attempts);
    CHECK(got.max_attempts == want.max_attempts);
    CHECK(got.decoy == want.decoy);
    CHECK(got.created_at == want.created_at);
    CHECK(got.expires_at == want.expires_at);
    CHECK(got.consumed_at == want.consumed_at);
    CHECK(got.superseded_at == want.superseded_at);
}

inline void check_same(const Session& got, const Session& want) {
    CHECK(got.id == want.id);
    CHECK(got.token_hash == want.token_hash);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.destination == want.destination);
    CHECK(got.client_id == want.client_id);
    CHECK(got.assurance == want.assurance);
    CHECK(got.ip == want.ip);
    CHECK(got.user_agent == want.user_agent);
    CHECK(got.created_at == want.created_at);
    CHECK(got.last_seen_at == want.last_seen_at);
    CHECK(got.idle_expires_at == want.idle_expires_at);
    CHECK(got.absolute_expires_at == want.absolute_expires_at);
    CHECK(got.revoked_at == want.revoked_at);
    CHECK(got.revoke_reason == want.revoke_reason);
}

inline void check_same(const AuditEvent& got, const AuditEvent& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.at == want.at);
    CHECK(got.actor == want.actor);
    CHECK(got.action == want.action);
    CHECK(got.target == want.target);
    CHECK(got.outcome == want.outcome);
    CHECK(got.reason == want.reason);
    CHECK(got.ip == want.ip);
    CHECK(got.detail == want.detail);
}

template <class T>
std::vector<Id> ids_of(const std::vector<T>& rows) {
    std::vector<Id> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
}

// An agency with one portal and one client, the parents most rows need.
struct World {
    Id agency = 0;
    Id portal = 0;
    Id client = 0;
};

inline World make_world(Store& store, const std::string& tag = "a") {
    World w;
    auto agency = store.insert_agency(sample_agency("Agency " + tag));
    REQUIRE(agency.ok());
    w.agency = *agency;
    auto portal = store.insert_portal(sample_portal(w.agency, "portal-" + tag));
    REQUIRE(portal.ok());
    w.portal = *portal;
    auto client = store.insert_client(sample_client(w.agency, "ref-" + tag));
    REQUIRE(client.ok());
    w.client = *client;
    return w;
}

}  // namespace sesame::conformance

// ---- the cases ----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE_DEFINE("store: agencies round-trip every field, update, list by id", Factory,
                          store_conformance_agencies) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();

    CHECK(store->list_agencies()->empty());
    Agency a = sample_agency("Demo County");
    auto id1 = store->insert_agency(a);
    REQUIRE(id1.ok());
    CHECK(*id1 == 1);  // ids start at 1; a.id is ignored
    Agency b = sample_agency("Other County");
    b.sms_countries.clear();
    b.environment = Environment::staging;
    b.send_mode = SendMode::simulate;
    auto id2 = store->insert_agency(b);
    REQUIRE(id2.ok());
    CHECK(*id2 > *id1);

    a.id = *id1;
    b.id = *id2;
    auto got = store->get_agency(a.id);
    REQUIRE(got.ok());
    check_same(*got, a);
    got = store->get_agency(b.id);
    REQUIRE(got.ok());
    check_same(*got, b);

    a.name = "Renamed County";
    a.sms_countries = {"US"};
    a.sms_per_hour_limit = 1;
    a.send_mode = SendMode::simulate;
    REQUIRE(store->update_agency(a).ok());
    got = store->get_agency(a.id);
    REQUIRE(got.ok());
    check_same(*got, a);

    auto all = store->list_agencies();
    REQUIRE(all.ok());
    REQUIRE(all->size() == 2);
    check_same((*all)[0], a);
    check_same((*all)[1], b);

    CHECK(store->get_agency(777).code() == Code::not_found);
    Agency ghost = a;
    ghost.id = 777;
    CHECK(store->update_agency(ghost).code() == Code::not_found);
}

TEST_CASE_TEMPLATE_DEFINE("store: agency phones and emails are unique per agency", Factory, store_conformance_senders) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const Id a = *store->insert_agency(sample_agency("A"));
    const Id b = *store->insert_agency(sample_agency("B"));

    AgencyPhone p1{0, a, "+15550000001", CarrierRegistration::pending};
    auto pid1 = store->insert_agency_phone(p1);
    REQUIRE(pid1.ok());
    CHECK(*pid1 == 1);
    p1.id = *pid1;
    AgencyPhone p2{0, a, "+15550000002", CarrierRegistration::complete};
    p2.id = *store->insert_agency_phone(p2);
    CHECK(store->insert_agency_phone({0, a, "+15550000001", CarrierRegistration::complete}).code() ==
          Code::already_exists);
    AgencyPhone other{0, b, "+15550000001", CarrierRegistration::pending};
    auto other_id = store->insert_agency_phone(other);
    REQUIRE(other_id.ok());  // the same number in another agency is fine
    CHECK(store->insert_agency_phone({0, 4242, "+15550000009", CarrierRegistration::pending}).code() ==
          Code::not_found);

    p1.registration = CarrierRegistration::complete;
    REQUIRE(store->update_agency_phone(p1).ok());
    auto phones = store->list_agency_phones(a);
    REQUIRE(phones.ok());
    REQUIRE(phones->size() == 2);
    check_same((*phones)[0], p1);
    check_same((*phones)[1], p2);
    AgencyPhone clash = p2;
    clash.number = p1.number;
    CHECK(store->update_agency_phone(clash).code() == Code::already_exists);
    AgencyPhone ghost = p1;
    ghost.id = 999;
    CHECK(store->update_agency_phone(ghost).code() == Code::not_found);
    CHECK(store->list_agency_phones(b)->size() == 1);
    CHECK(store->list_agency_phones(12345)->empty());

    AgencyEmail e1{0, a, "court@example.gov", "Demo County Court"};
    auto eid = store->insert_agency_email(e1);
    REQUIRE(eid.ok());
    CHECK(*eid == 1);
    e1.id = *eid;
    CHECK(store->insert_agency_email({0, a, "court@example.gov", "Again"}).code() == Code::already_exists);
    REQUIRE(store->insert_agency_email({0, b, "court@example.gov", "B court"}).ok());
    CHECK(store->insert_agency_email({0, 4242, "x@example.gov", ""}).code() == Code::not_found);
    auto emails = store->list_agency_emails(a);
    REQUIRE(emails.ok());
    REQUIRE(emails->size() == 1);
    check_same((*emails)[0], e1);
}

TEST_CASE_TEMPLATE_DEFINE("store: portals round-trip settings, slugs are unique", Factory, store_conformance_portals) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const Id a = *store->insert_agency(sample_agency("A"));
    const Id b = *store->insert_agency(sample_agency("B"));

    Portal p = sample_portal(a, "court");
    auto id = store->insert_portal(p);
    REQUIRE(id.ok());
    CHECK(*id == 1);
    p.id = *id;
    auto got = store->get_portal(p.id);
    REQUIRE(got.ok());
    check_same(*got, p);
    got = store->find_portal_by_slug("court");
    REQUIRE(got.ok());
    check_same(*got, p);

    CHECK(store->insert_portal(sample_portal(b, "court")).code() == Code::already_exists);
    CHECK(store->insert_portal(sample_portal(4242, "nowhere")).code() == Code::not_found);
    Portal q = sample_portal(a, "probation");
    q.settings = PortalSettings{};  // the defaults round-trip too
    q.client_auth = ClientAuth::disabled;
    q.id = *store->insert_portal(q);
    Portal r = sample_portal(b, "jury");
    r.id = *store->insert_portal(r);

    p.name = "Court Portal";
    p.slug = "court-2";
    p.settings.code_digits = 10;
    p.settings.host.clear();
    p.settings.unknown_contact_response = UnknownContactResponse::explain;
    REQUIRE(store->update_portal(p).ok());
    got = store->get_portal(p.id);
    REQUIRE(got.ok());
    check_same(*got, p);
    CHECK(store->find_portal_by_slug("court").code() == Code::not_found);
    CHECK(store->find_portal_by_slug("court-2")->id == p.id);

    Portal clash = p;
    clash.slug = "probation";
    CHECK(store->update_portal(clash).code() == Code::already_exists);
    Portal ghost = p;
    ghost.id = 999;
    ghost.slug = "ghost";
    CHECK(store->update_portal(ghost).code() == Code::not_found);
    CHECK(store->get_portal(999).code() == Code::not_found);

    auto listed = store->list_portals(a);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    check_same((*listed)[0], p);
    check_same((*listed)[1], q);
    CHECK(ids_of(*store->list_portals(b)) == std::vector<Id>{r.id});
}

TEST_CASE_TEMPLATE_DEFINE("store: clients round-trip, update, list per agency", Factory, store_conformance_clients) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const Id a = *store->insert_agency(sample_agency("A"));
    const Id b = *store->insert_agency(sample_agency("B"));

    Client c1 = sample_client(a, "C-1");
    c1.id = *store->insert_client(c1);
    CHECK(c1.id == 1);
    Client c2 = sample_client(b, "C-2");
    c2.id = *store->insert_client(c2);
    Client c3 = sample_client(a, "C-3");
    c3.archived = false;
    c3.middle_name.clear();
    c3.id = *store->insert_client(c3);
    CHECK(c1.id < c2.id);
    CHECK(c2.id < c3.id);

    auto got = store->get_client(c1.id);
    REQUIRE(got.ok());
    check_same(*got, c1);
    c1.status = "active";
    c1.archived = false;
    c1.group = "";
    c1.language = "en";
    REQUIRE(store->update_client(c1).ok());
    got = store->get_client(c1.id);
    REQUIRE(got.ok());
    check_same(*got, c1);

    auto listed = store->list_clients(a);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    check_same((*listed)[0], c1);
    check_same((*listed)[1], c3);
    CHECK(ids_of(*store->list_clients(b)) == std::vector<Id>{c2.id});

    CHECK(store->get_client(999).code() == Code::not_found);
    Client ghost = c1;
    ghost.id = 999;
    CHECK(store->update_client(ghost).code() == Code::not_found);
    CHECK(store->insert_client(sample_client(4242, "X")).code() == Code::not_found);
}

TEST_CASE_TEMPLATE_DEFINE("store: contacts are unique per client and found across clients of one agency", Factory,
                          store_conformance_contacts) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");
    const Id sibling = *store->insert_client(sample_client(w.agency, "sibling"));

    Contact c1 = sample_contact(w.agency, w.client, "+15551234567");
    c1.kind = ContactKind::phone;
    c1.status = ContactStatus::valid;
    c1.id = *store->insert_contact(c1);
    CHECK(c1.id == 1);
    Contact c2 = sample_contact(w.agency, sibling, "+15551234567");  // a shared family phone
    c2.id = *store->insert_contact(c2);
    Contact mail = sample_contact(w.agency, w.client, "ann@example.org");
    mail.id = *store->insert_contact(mail);
    Contact foreign = sample_contact(other.agency, other.client, "+15551234567");
    foreign.id = *store->insert_contact(foreign);

    auto got = store->get_contact(c1.id);
    REQUIRE(got.ok());
    check_same(*got, c1);

    CHECK(store->insert_contact(sample_contact(w.agency, w.client, "+15551234567")).code() == Code::already_exists);
    CHECK(store->insert_contact(sample_contact(w.agency, 4242, "+15559999999")).code() == Code::not_found);

    auto found = store->find_contacts(w.agency, "+15551234567");
    REQUIRE(found.ok());
    REQUIRE(found->size() == 2);  // both owning clients, none of the other agency
    check_same((*found)[0], c1);
    check_same((*found)[1], c2);
    CHECK(ids_of(*store->find_contacts(other.agency, "+15551234567")) == std::vector<Id>{foreign.id});
    CHECK(store->find_contacts(w.agency, "+15550000000")->empty());

    auto listed = store->list_contacts(w.client);
    REQUIRE(listed.ok());
    CHECK(ids_of(*listed) == std::vector<Id>{c1.id, mail.id});

    c1.status = ContactStatus::opted_out;
    REQUIRE(store->update_contact(c1).ok());
    got = store->get_contact(c1.id);
    REQUIRE(got.ok());
    check_same(*got, c1);

    Contact clash = mail;
    clash.value = c1.value;
    CHECK(store->update_contact(clash).code() == Code::already_exists);
    CHECK(store->get_contact(mail.id)->value == "ann@example.org");
    Contact ghost = mail;
    ghost.id = 999;
    ghost.value = "ghost@example.org";
    CHECK(store->update_contact(ghost).code() == Code::not_found);
    CHECK(store->get_contact(999).code() == Code::not_found);
}

TEST_CASE_TEMPLATE_DEFINE("store: messages round-trip, the feed is newest first, the outbox oldest first", Factory,
                          store_conformance_messages) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");
    FakeClock clock;
    const UnixTime t0 = clock.now();

    Message m = sample_message(w.agency, "+15551234567", t0);
    m.id = *store->insert_message(m);
    CHECK(m.id == 1);
    auto got = store->get_message(m.id);
    REQUIRE(got.ok());
    check_same(*got, m);

    m.status = MessageStatus::sent;
    m.sealed.clear();  // erased once sent
    m.error = "";
    m.updated_at = t0 + 60;
    REQUIRE(store->update_message(m).ok());
    got = store->get_message(m.id);
    REQUIRE(got.ok());
    check_same(*got, m);
    CHECK(got->sealed.empty());

    Message ghost = m;
    ghost.id = 999;
    CHECK(store->update_message(ghost).code() == Code::not_found);
    CHECK(store->get_message(999).code() == Code::not_found);

    // The feed: ann's phone and email, newest first; equal created_at falls back to id.
    auto add = [&](Id agency, const std::string& to, UnixTime at, MessageStatus status,
                   Direction direction = Direction::outbound) {
        Message x = sample_message(agency, to, at);
        x.status = status;
        x.direction = direction;
        auto id = store->insert_message(x);
        REQUIRE(id.ok());
        return *id;
    };
    const Id e1 = add(w.agency, "ann@example.org", t0 + 10, MessageStatus::simulated);
    const Id p2 = add(w.agency, "+15551234567", t0 + 20, MessageStatus::delivered);
    const Id e3 = add(w.agency, "ann@example.org", t0 + 20, MessageStatus::received, Direction::inbound);
    const Id stranger = add(w.agency, "+15550000000", t0 + 30, MessageStatus::sent);
    const Id foreign = add(other.agency, "+15551234567", t0 + 40, MessageStatus::sent);
    const std::vector<std::string> ann{"+15551234567", "ann@example.org"};

    auto feed = store->list_messages_to(w.agency, ann, 100);
    REQUIRE(feed.ok());
    CHECK(ids_of(*feed) == std::vector<Id>{e3, p2, e1, m.id});
    CHECK(ids_of(*store->list_messages_to(w.agency, ann, 2)) == std::vector<Id>{e3, p2});
    CHECK(store->list_messages_to(w.agency, ann, 0)->empty());
    CHECK(ids_of(*store->list_messages_to(w.agency, {"ann@example.org"}, 100)) == std::vector<Id>{e3, e1});
    CHECK(store->list_messages_to(w.agency, {}, 100)->empty());
    CHECK(ids_of(*store->list_messages_to(other.agency, ann, 100)) == std::vector<Id>{foreign});
    CHECK(ids_of(*store->list_messages_to(w.agency, {"+15550000000"}, 100)) == std::vector<Id>{stranger});
    // A destination with characters that need quoting matches only itself.
    const Id odd = add(w.agency, "o\"dd,\\name@example.org", t0 + 50, MessageStatus::sent);
    CHECK(ids_of(*store->list_messages_to(w.agency, {"o\"dd,\\name@example.org"}, 100)) == std::vector<Id>{odd});

    // The outbox: outbound queued only, oldest first; equal created_at falls back to id.
    const Id q_late = add(w.agency, "+15551111111", t0 + 300, MessageStatus::queued);
    const Id q_early = add(other.agency, "+15552222222", t0 + 100, MessageStatus::queued);
    const Id q_tie = add(w.agency, "+15553333333", t0 + 100, MessageStatus::queued);
    add(w.agency, "+15554444444", t0 + 1, MessageStatus::queued, Direction::inbound);
    add(w.agency, "+15554444444", t0 + 1, MessageStatus::failed);
    auto queued = store->list_queued_messages(100);
    REQUIRE(queued.ok());
    CHECK(ids_of(*queued) == std::vector<Id>{q_early, q_tie, q_late});
    CHECK(ids_of(*store->list_queued_messages(1)) == std::vector<Id>{q_early});
}

TEST_CASE_TEMPLATE_DEFINE("store: begin_challenge supersedes only live challenges of the same portal and destination",
                          Factory, store_conformance_begin_challenge) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const Id portal2 = *store->insert_portal(sample_portal(w.agency, "second"));
    FakeClock clock;
    const UnixTime t0 = clock.now();
    const std::string ann = "+15551234567";
    const std::string bob = "+15557654321";

    Challenge live = sample_challenge("c-live", w.portal, ann, t0);
    auto no_message = store->begin_challenge(live, std::nullopt);
    REQUIRE(no_message.ok());
    CHECK(*no_message == 0);
    auto got = store->get_challenge("c-live");
    REQUIRE(got.ok());
    check_same(*got, live);

    // A newcomer supersedes the live challenge even when it arrives already consumed.
    Challenge used = sample_challenge("c-used", w.portal, ann, t0 + 1);
    used.consumed_at = t0 + 1;
    used.decoy = true;
    REQUIRE(store->begin_challenge(used, std::nullopt).ok());
    CHECK(store->get_challenge("c-live")->superseded_at == std::optional<UnixTime>(t0 + 1));

    live = sample_challenge("c-live-2", w.portal, ann, t0 + 2);
    REQUIRE(store->begin_challenge(live, std::nullopt).ok());
    Challenge bobs = sample_challenge("c-bob", w.portal, bob, t0 + 3);
    REQUIRE(store->begin_challenge(bobs, std::nullopt).ok());
    Challenge elsewhere = sample_challenge("c-elsewhere", portal2, ann, t0 + 4);
    REQUIRE(store->begin_challenge(elsewhere, std::nullopt).ok());
    CHECK(store->get_challenge("c-live")->superseded_at == std::optional<UnixTime>(t0 + 1));  // not again
    CHECK(store->get_challenge("c-used")->superseded_at == std::optional<UnixTime>());  // consumed: not live
    CHECK(store->get_challenge("c-live-2")->superseded_at == std::optional<UnixTime>());

    clock.advance(30);
    Challenge fresh = sample_challenge("c-fresh", w.portal, ann, clock.now());
    Message m = sample_message(w.agency, ann, clock.now());
    m.challenge_id = "whatever";  // begin_challenge sets it
    auto message_id = store->begin_challenge(fresh, m);
    REQUIRE(message_id.ok());
    CHECK(*message_id >= 1);
    auto stored = store->get_message(*message_id);
    REQUIRE(stored.ok());
    CHECK(stored->challenge_id == "c-fresh");
    CHECK(stored->content == m.content);
    CHECK(stored->sealed == m.sealed);

    CHECK(store->get_challenge("c-live-2")->superseded_at == std::optional<UnixTime>(clock.now()));
    CHECK(store->get_challenge("c-live")->superseded_at == std::optional<UnixTime>(t0 + 1));  // kept its time
    auto u = store->get_challenge("c-used");
    CHECK(u->consumed_at == std::optional<UnixTime>(t0 + 1));
    CHECK(u->superseded_at == std::optional<UnixTime>());
    CHECK(u->decoy);
    CHECK(store->get_challenge("c-bob")->superseded_at == std::optional<UnixTime>());
    CHECK(store->get_challenge("c-elsewhere")->superseded_at == std::optional<UnixTime>());
    got = store->get_challenge("c-fresh");
    REQUIRE(got.ok());
    check_same(*got, fresh);

    // A duplicate id fails as a whole: nothing superseded, no message added.
    clock.advance(30);
    Challenge dup = sample_challenge("c-fresh", w.portal, ann, clock.now());
    const auto before = store->list_messages_to(w.agency, {ann}, 100)->size();
    CHECK(store->begin_challenge(dup, sample_message(w.agency, ann, clock.now())).code() == Code::already_exists);
    CHECK(store->list_messages_to(w.agency, {ann}, 100)->size() == before);
    got = store->get_challenge("c-fresh");
    REQUIRE(got.ok());
    check_same(*got, fresh);

    CHECK(store->get_challenge("nope").code() == Code::not_found);
}

TEST_CASE_TEMPLATE_DEFINE("store: register_attempt counts up to the cap, only on live challenges", Factory,
                          store_conformance_register_attempt) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    FakeClock clock;

    Challenge c = sample_challenge("c1", w.portal, "+15551234567", clock.now());
    c.max_attempts = 3;
    REQUIRE(store->begin_challenge(c, std::nullopt).ok());
    for (int i = 1; i <= 3; ++i) {
        auto r = store->register_attempt("c1");
        REQUIRE(r.ok());
        CHECK(r->attempts == i);  // the challenge as it is after the increment
        CHECK(r->id == "c1");
        CHECK(r->mac == c.mac);
    }
    CHECK(store->register_attempt("c1").code() == Code::not_found);
    CHECK(store->get_challenge("c1")->attempts == 3);
    CHECK(store->register_attempt("unknown").code() == Code::not_found);

    Challenge used = sample_challenge("c-used", w.portal, "+15550000001", clock.now());
    REQUIRE(store->begin_challenge(used, std::nullopt).ok());
    REQUIRE(*store->consume_challenge("c-used", clock.now()));
    CHECK(store->register_attempt("c-used").code() == Code::not_found);
    CHECK(store->get_challenge("c-used")->attempts == 0);

    Challenge old = sample_challenge("c-old", w.portal, "+15550000002", clock.now());
    REQUIRE(store->begin_challenge(old, std::nullopt).ok());
    REQUIRE(store->begin_challenge(sample_challenge("c-new", w.portal, "+15550000002", clock.now()), std::nullopt).ok());
    CHECK(store->register_attempt("c-old").code() == Code::not_found);
    CHECK(store->register_attempt("c-new").ok());
}

TEST_CASE_TEMPLATE_DEFINE("store: consume_challenge succeeds once, before expiry, on a live challenge", Factory,
                          store_conformance_consume) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    FakeClock clock;
    const UnixTime t0 = clock.now();

    REQUIRE(store->begin_challenge(sample_challenge("c1", w.portal, "+15550000001", t0), std::nullopt).ok());
    clock.advance(599);  // one second before expires_at
    auto first = store->consume_challenge("c1", clock.now());
    REQUIRE(first.ok());
    CHECK(*first);
    CHECK(store->get_challenge("c1")->consumed_at == std::optional<UnixTime>(clock.now()));
    auto second = store->consume_challenge("c1", clock.now());
    REQUIRE(second.ok());
    CHECK_FALSE(*second);

    REQUIRE(store->begin_challenge(sample_challenge("c2", w.portal, "+15550000002", t0), std::nullopt).ok());
    CHECK_FALSE(*store->consume_challenge("c2", t0 + 600));  // at expires_at: expired
    CHECK_FALSE(*store->consume_challenge("c2", t0 + 601));
    CHECK(store->get_challenge("c2")->consumed_at == std::optional<UnixTime>());

    REQUIRE(store->begin_challenge(sample_challenge("c3", w.portal, "+15550000003", t0), std::nullopt).ok());
    REQUIRE(store->begin_challenge(sample_challenge("c4", w.portal, "+15550000003", t0 + 1), std::nullopt).ok());
    CHECK_FALSE(*store->consume_challenge("c3", t0 + 2));  // superseded
    CHECK(*store->consume_challenge("c4", t0 + 2));

    auto unknown = store->consume_challenge("nope", t0);
    REQUIRE(unknown.ok());
    CHECK_FALSE(*unknown);
}

TEST_CASE_TEMPLATE_DEFINE("store: sessions round-trip, are found by token hash, bind a client once", Factory,
                          store_conformance_sessions) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    FakeClock clock;
    const UnixTime t0 = clock.now();

    Session s = sample_session("s1", 0xab, t0);
    REQUIRE(store->insert_session(s).ok());
    auto got = store->find_session(s.token_hash);
    REQUIRE(got.ok());
    check_same(*got, s);
    got = store->get_session("s1");
    REQUIRE(got.ok());
    check_same(*got, s);

    Session bound = sample_session("s2", 0xcd, t0 + 1);
    bound.client_id = w.client;
    bound.revoked_at = t0 + 5;
    bound.revoke_reason = "logout";
    bound.assurance = "aal1";
    REQUIRE(store->insert_session(bound).ok());
    got = store->get_session("s2");
    REQUIRE(got.ok());
    check_same(*got, bound);

    CHECK(store->insert_session(sample_session("s1", 0x01, t0)).code() == Code::already_exists);
    CHECK(store->insert_session(sample_session("s3", 0xab, t0)).code() == Code::already_exists);
    CHECK(store->get_session("s3").code() == Code::not_found);
    CHECK(store->find_session(std::vector<std::uint8_t>(32, 0x99)).code() == Code::not_found);
    CHECK(store->get_session("nope").code() == Code::not_found);

    clock.advance(90);
    REQUIRE(store->touch_session("s1", clock.now(), clock.now() + 1800).ok());
    got = store->get_session("s1");
    CHECK(got->last_seen_at == clock.now());
    CHECK(got->idle_expires_at == clock.now() + 1800);
    CHECK(got->created_at == t0);
    CHECK(store->touch_session("nope", clock.now(), clock.now() + 1800).code() == Code::not_found);
    CHECK(store->touch_session("s2", clock.now(), clock.now() + 1800).code() == Code::not_found);  // revoked
    CHECK(store->get_session("s2")->last_seen_at == t0 + 1);

    REQUIRE(store->bind_session_client("s1", w.client).ok());
    CHECK(store->get_session("s1")->client_id == std::optional<Id>(w.client));
    CHECK(store->bind_session_client("s1", w.client + 1).code() == Code::failed_precondition);
    CHECK(store->get_session("s1")->client_id == std::optional<Id>(w.client));
    CHECK(store->bind_session_client("nope", w.client).code() == Code::not_found);

    // Live and revoked, newest first; sessions of other clients are not listed.
    Session later = sample_session("s4", 0xef, t0 + 100);
    later.client_id = w.client;
    REQUIRE(store->insert_session(later).ok());
    Session newest = sample_session("s0", 0x42, t0 + 150);
    newest.client_id = w.client;
    REQUIRE(store->insert_session(newest).ok());
    Session stranger = sample_session("s5", 0x77, t0 + 200);
    stranger.client_id = w.client + 100;
    REQUIRE(store->insert_session(stranger).ok());
    auto listed = store->list_client_sessions(w.client);
    REQUIRE(listed.ok());
    std::vector<std::string> order;
    for (const auto& x : *listed) order.push_back(x.id);
    CHECK(order == std::vector<std::string>{"s0", "s4", "s2", "s1"});
    CHECK(store->list_client_sessions(424242)->empty());
}

TEST_CASE_TEMPLATE_DEFINE("store: each kind of revocation changes only live sessions and counts them", Factory,
                          store_conformance_revocation) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    FakeClock clock;
    const UnixTime t0 = clock.now();
    const UnixTime now = t0 + 100;

    // For each selector: a live match, an already revoked match, an idle-expired match, an
    // absolute-expired match, and a live session that does not match.
    std::uint8_t token = 1;
    auto add = [&](const std::string& id, auto&& shape) {
        Session s = sample_session(id, token++, t0);
        shape(s);
        REQUIRE(store->insert_session(s).ok());
    };
    auto family = [&](const std::string& prefix, auto&& match, auto&& mismatch) {
        add(prefix + "-live", match);
        add(prefix + "-revoked", [&](Session& s) {
            match(s);
            s.revoked_at = t0 + 1;
            s.revoke_reason = "earlier";
        });
        add(prefix + "-idle", [&](Session& s) {
            match(s);
            s.idle_expires_at = now;
        });
        add(prefix + "-absolute", [&](Session& s) {
            match(s);
            s.absolute_expires_at = now;
        });
        add(prefix + "-other", mismatch);
    };
    family("client", [](Session& s) { s.client_id = 7; }, [](Session& s) { s.client_id = 8; });
    family("dest", [](Session& s) { s.agency_id = 2; s.destination = "dest@example.org"; },
           [](Session& s) { s.agency_id = 3; s.destination = "dest@example.org"; });
    family("portal", [](Session& s) { s.portal_id = 5; }, [](Session& s) { s.portal_id = 6; });

    auto check_family = [&](const std::string& prefix, const std::string& reason) {
        auto live = store->get_session(prefix + "-live");
        CHECK(live->revoked_at == std::optional<UnixTime>(now));
        CHECK(live->revoke_reason == reason);
        auto revoked = store->get_session(prefix + "-revoked");
        CHECK(revoked->revoked_at == std::optional<UnixTime>(t0 + 1));
        CHECK(revoked->revoke_reason == "earlier");
        CHECK(store->get_session(prefix + "-idle")->revoked_at == std::optional<UnixTime>());
        CHECK(store->get_session(prefix + "-absolute")->revoked_at == std::optional<UnixTime>());
        CHECK(store->get_session(prefix + "-other")->revoked_at == std::optional<UnixTime>());
    };

    auto n = store->revoke_client_sessions(7, now, "client_disabled");
    REQUIRE(n.ok());
    CHECK(*n == 1);
    check_family("client", "client_disabled");
    CHECK(*store->revoke_client_sessions(7, now, "again") == 0);

    n = store->revoke_destination_sessions(2, "dest@example.org", now, "contact_changed");
    REQUIRE(n.ok());
    CHECK(*n == 1);
    check_family("dest", "contact_changed");

    // Sessions of the other families live on portal 1 too; portal 5 holds only the portal family.
    n = store->revoke_portal_sessions(5, now, "auth_disabled");
    REQUIRE(n.ok());
    CHECK(*n == 1);
    check_family("portal", "auth_disabled");

    n = store->revoke_session("client-other", now, "logout");
    REQUIRE(n.ok());
    CHECK(*n == 1);
    CHECK(store->get_session("client-other")->revoke_reason == "logout");
    CHECK(*store->revoke_session("client-other", now + 1, "logout") == 0);
    CHECK(store->get_session("client-other")->revoked_at == std::optional<UnixTime>(now));
    CHECK(*store->revoke_session("client-idle", now, "logout") == 0);
    // An expired session cannot be touched back to life either.
    CHECK(store->touch_session("client-idle", now, now + 1800).code() == Code::not_found);
    CHECK(store->touch_session("client-absolute", now, now + 1800).code() == Code::not_found);
    CHECK(store->get_session("client-idle")->idle_expires_at == now);
    CHECK(*store->revoke_session("nope", now, "logout") == 0);
}

TEST_CASE_TEMPLATE_DEFINE("store: counters count in fixed windows, window 0 never restarts", Factory,
                          store_conformance_counters) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    FakeClock clock;
    const UnixTime t0 = clock.now();

    auto absent = store->get_counter("ip:203.0.113.9");
    REQUIRE(absent.ok());
    CHECK(absent->count == 0);

    auto c = store->bump_counter("ip:203.0.113.9", t0, 60);
    REQUIRE(c.ok());
    CHECK(c->count == 1);
    CHECK(c->window_start == t0);
    CHECK(c->last_at == t0);
    c = store->bump_counter("ip:203.0.113.9", t0 + 30, 60);
    CHECK(c->count == 2);
    CHECK(c->window_start == t0);
    CHECK(c->last_at == t0 + 30);
    c = store->bump_counter("ip:203.0.113.9", t0 + 59, 60);
    CHECK(c->count == 3);
    c = store->bump_counter("ip:203.0.113.9", t0 + 60, 60);  // the window's end: a new window
    CHECK(c->count == 1);
    CHECK(c->window_start == t0 + 60);
    CHECK(c->last_at == t0 + 60);
    c = store->bump_counter("ip:203.0.113.9", t0 + 500, 60);
    CHECK(c->count == 1);
    CHECK(c->window_start == t0 + 500);

    // get_counter does not apply window expiry.
    auto stored = store->get_counter("ip:203.0.113.9");
    CHECK(stored->count == 1);
    CHECK(stored->window_start == t0 + 500);
    CHECK(stored->last_at == t0 + 500);
    stored = store->get_counter("ip:203.0.113.9");
    CHECK(stored->count == 1);

    for (int i = 0; i < 3; ++i) REQUIRE(store->bump_counter("fail:ann", t0 + i, 0).ok());
    c = store->bump_counter("fail:ann", t0 + 10 * 365 * 86400, 0);
    CHECK(c->count == 4);
    CHECK(c->window_start == t0);
    CHECK(c->last_at == t0 + 10 * 365 * 86400);
    CHECK(store->get_counter("ip:203.0.113.9")->count == 1);  // keys are independent

    REQUIRE(store->reset_counter("fail:ann").ok());
    CHECK(store->get_counter("fail:ann")->count == 0);
    CHECK(store->bump_counter("fail:ann", t0 + 20, 0)->count == 1);
    CHECK(store->reset_counter("never-seen").ok());
}

TEST_CASE_TEMPLATE_DEFINE("store: templates are replaced per agency, channel and language", Factory,
                          store_conformance_templates) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();

    auto none = store->get_template(1, Channel::sms, "en");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    REQUIRE(store->put_template({1, Channel::sms, "en", "", "{agency}: {code}"}).ok());
    REQUIRE(store->put_template({1, Channel::email, "en", "Code for {portal}", "Your code is {code}"}).ok());
    REQUIRE(store->put_template({1, Channel::sms, "es", "", "{agency}: código {code}"}).ok());
    REQUIRE(store->put_template({2, Channel::sms, "en", "", "other agency {code}"}).ok());
    REQUIRE(store->put_template({0, Channel::sms, "en", "", "built-in {code}"}).ok());

    auto t = store->get_template(1, Channel::sms, "en");
    REQUIRE(t.ok());
    REQUIRE(t->has_value());
    CHECK((*t)->agency_id == 1);
    CHECK((*t)->channel == Channel::sms);
    CHECK((*t)->language == "en");
    CHECK((*t)->body == "{agency}: {code}");
    t = store->get_template(1, Channel::email, "en");
    REQUIRE(t->has_value());
    CHECK((*t)->subject == "Code for {portal}");
    CHECK((*t)->body == "Your code is {code}");
    CHECK((*store->get_template(1, Channel::sms, "es"))->body == "{agency}: código {code}");
    CHECK((*store->get_template(2, Channel::sms, "en"))->body == "other agency {code}");
    CHECK((*store->get_template(0, Channel::sms, "en"))->body == "built-in {code}");
    CHECK_FALSE(store->get_template(1, Channel::email, "es")->has_value());

    REQUIRE(store->put_template({1, Channel::email, "en", "New subject", "New body {code}"}).ok());
    t = store->get_template(1, Channel::email, "en");
    REQUIRE(t->has_value());
    CHECK((*t)->subject == "New subject");
    CHECK((*t)->body == "New body {code}");
    CHECK((*store->get_template(1, Channel::sms, "en"))->body == "{agency}: {code}");
}

TEST_CASE_TEMPLATE_DEFINE("store: the audit log lists newest first, per agency or all", Factory,
                          store_conformance_audit) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    FakeClock clock;

    CHECK(store->list_audit(0, 10)->empty());
    std::vector<AuditEvent> events;
    for (int i = 0; i < 6; ++i) {
        AuditEvent e{0,
                     i % 3 == 2 ? 0 : (i % 2 == 0 ? 1 : 2),
                     clock.now() + i,
                     i % 2 ? "visitor" : "staff:9",
                     "login.verify",
                     "challenge:c" + std::to_string(i),
                     i % 2 ? "SESAME_E_VERIFY_FAILED" : "SESAME_OK",
                     i % 2 ? "wrong_code" : "ok",
                     "198.51.100." + std::to_string(i),
                     "attempt " + std::to_string(i)};
        auto id = store->append_audit(e);
        REQUIRE(id.ok());
        e.id = *id;
        if (i == 0) CHECK(e.id == 1);
        if (i > 0) CHECK(e.id > events.back().id);
        events.push_back(e);
    }
    // agencies by index: 0→1, 1→2, 2→0, 3→2, 4→1, 5→0
    auto all = store->list_audit(0, 100);
    REQUIRE(all.ok());
    REQUIRE(all->size() == 6);
    for (std::size_t i = 0; i < 6; ++i) check_same((*all)[i], events[5 - i]);
    CHECK(ids_of(*store->list_audit(0, 2)) == std::vector<Id>{events[5].id, events[4].id});
    CHECK(ids_of(*store->list_audit(1, 100)) == std::vector<Id>{events[4].id, events[0].id});
    CHECK(ids_of(*store->list_audit(2, 100)) == std::vector<Id>{events[3].id, events[1].id});
    CHECK(ids_of(*store->list_audit(2, 1)) == std::vector<Id>{events[3].id});
    CHECK(store->list_audit(3, 100)->empty());
}

TEST_CASE_TEMPLATE_DEFINE("store: sweep deletes exactly the dead challenges, sessions and old counters", Factory,
                          store_conformance_sweep) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    FakeClock clock;
    const UnixTime t0 = clock.now();
    const UnixTime now = t0 + 1000;

    auto challenge = [&](const std::string& id, const std::string& dest, auto&& shape) {
        Challenge c = sample_challenge(id, w.portal, dest, t0);
        c.expires_at = now + 1;
        shape(c);
        REQUIRE(store->begin_challenge(c, std::nullopt).ok());
    };
    challenge("c-consumed", "d1", [&](Challenge& c) { c.consumed_at = t0; });
    challenge("c-superseded", "d2", [&](Challenge& c) { c.superseded_at = t0; });
    challenge("c-expired", "d3", [&](Challenge& c) { c.expires_at = now; });
    challenge("c-live", "d4", [](Challenge&) {});

    std::uint8_t token = 1;
    auto session = [&](const std::string& id, auto&& shape) {
        Session s = sample_session(id, token++, t0);
        s.idle_expires_at = now + 1;
        s.absolute_expires_at = now + 1;
        shape(s);
        REQUIRE(store->insert_session(s).ok());
    };
    session("s-revoked", [&](Session& s) { s.revoked_at = t0; });
    session("s-absolute", [&](Session& s) { s.absolute_expires_at = now; });
    session("s-idle", [&](Session& s) { s.idle_expires_at = now; });
    session("s-live", [](Session&) {});

    const UnixTime cutoff = now - 86400;
    REQUIRE(store->bump_counter("old", cutoff - 10, 0).ok());
    REQUIRE(store->bump_counter("edge", cutoff, 0).ok());
    REQUIRE(store->bump_counter("recent", cutoff + 1, 0).ok());

    auto r = store->sweep(now, cutoff);
    REQUIRE(r.ok());
    CHECK(r->challenges == 3);
    CHECK(r->sessions == 3);
    CHECK(r->counters == 2);

    for (const char* id : {"c-consumed", "c-superseded", "c-expired"})
        CHECK(store->get_challenge(id).code() == Code::not_found);
    CHECK(store->get_challenge("c-live").ok());
    CHECK(*store->consume_challenge("c-live", now));  // still usable
    for (const char* id : {"s-revoked", "s-absolute", "s-idle"})
        CHECK(store->get_session(id).code() == Code::not_found);
    auto live = store->get_session("s-live");
    REQUIRE(live.ok());
    CHECK(store->find_session(live->token_hash).ok());
    CHECK(store->get_counter("old")->count == 0);
    CHECK(store->get_counter("edge")->count == 0);
    CHECK(store->get_counter("recent")->count == 1);

    // The token hash of a swept session is free again.
    Session again = sample_session("s-new", 1, now);
    CHECK(store->insert_session(again).ok());

    r = store->sweep(now, cutoff);
    REQUIRE(r.ok());
    CHECK(r->challenges == 1);  // c-live, consumed above
    CHECK(r->sessions == 0);
    CHECK(r->counters == 0);
}

TEST_CASE_TEMPLATE_DEFINE("store: 16 threads consuming one challenge at once, exactly one wins", Factory,
                          store_conformance_concurrent_consume) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    FakeClock clock;
    REQUIRE(store->begin_challenge(sample_challenge("race", w.portal, "+15551234567", clock.now()), std::nullopt).ok());

    constexpr int kThreads = 16;
    std::latch start(kThreads);
    std::atomic<int> wins{0}, losses{0}, errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            auto r = store->consume_challenge("race", clock.now());
            if (!r)
                ++errors;
            else if (*r)
                ++wins;
            else
                ++losses;
        });
    for (auto& t : threads) t.join();
    CHECK(errors.load() == 0);
    CHECK(wins.load() == 1);
    CHECK(losses.load() == kThreads - 1);
}

TEST_CASE_TEMPLATE_DEFINE("store: 50 threads registering attempts on a 5-attempt challenge, exactly 5 succeed",
                          Factory, store_conformance_concurrent_attempts) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    FakeClock clock;
    Challenge c = sample_challenge("guess", w.portal, "+15551234567", clock.now());
    c.max_attempts = 5;
    REQUIRE(store->begin_challenge(c, std::nullopt).ok());

    constexpr int kThreads = 50;
    std::latch start(kThreads);
    std::atomic<int> granted{0}, refused{0}, errors{0};
    std::vector<int> seen(kThreads, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto r = store->register_attempt("guess");
            if (r) {
                ++granted;
                seen[static_cast<std::size_t>(i)] = r->attempts;
            } else if (r.code() == Code::not_found) {
                ++refused;
            } else {
                ++errors;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(errors.load() == 0);
    CHECK(granted.load() == 5);
    CHECK(refused.load() == kThreads - 5);
    // Each grant saw a different count: 1, 2, 3, 4, 5.
    std::vector<int> counts;
    for (int v : seen)
        if (v) counts.push_back(v);
    std::sort(counts.begin(), counts.end());
    CHECK(counts == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(store->get_challenge("guess")->attempts == 5);
}

TEST_CASE_TEMPLATE_DEFINE("store: concurrent bumps of one counter are all counted", Factory,
                          store_conformance_concurrent_counter) {
    using namespace sesame;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    FakeClock clock;
    constexpr int kThreads = 8;
    constexpr int kBumps = 25;
    std::latch start(kThreads);
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int j = 0; j < kBumps; ++j)
                if (!store->bump_counter("shared", clock.now(), 3600).ok()) ++errors;
        });
    for (auto& t : threads) t.join();
    CHECK(errors.load() == 0);
    CHECK(store->get_counter("shared")->count == kThreads * kBumps);
}

#include "content_conformance.hpp"
#include "dashboard_conformance.hpp"
#include "navigation_conformance.hpp"
#include "profile_conformance.hpp"
#include "uploads_conformance.hpp"
#include "deletion_conformance.hpp"
#include "revision_conformance.hpp"

// Runs every case above, and those of content_conformance.hpp, navigation_conformance.hpp,
// uploads_conformance.hpp, dashboard_conformance.hpp, profile_conformance.hpp,
// deletion_conformance.hpp and revision_conformance.hpp, against one store factory.
#define SESAME_STORE_CONFORMANCE(...)                                              \
    SESAME_STORE_CONTENT_CONFORMANCE(__VA_ARGS__);                                 \
    SESAME_STORE_NAVIGATION_CONFORMANCE(__VA_ARGS__);                              \
    SESAME_STORE_PROFILE_CONFORMANCE(__VA_ARGS__);                                 \
    SESAME_STORE_UPLOADS_CONFORMANCE(__VA_ARGS__);                                 \
    SESAME_STORE_DELETION_CONFORMANCE(__VA_ARGS__);                                \
    SESAME_STORE_DASHBOARD_CONFORMANCE(__VA_ARGS__);                               \
    SESAME_STORE_REVISION_CONFORMANCE(__VA_ARGS__);                                \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_agencies, __VA_ARGS__);            \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_senders, __VA_ARGS__);             \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_portals, __VA_ARGS__);             \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_clients, __VA_ARGS__);             \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_contacts, __VA_ARGS__);            \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_messages, __VA_ARGS__);            \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_begin_challenge, __VA_ARGS__);     \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_register_attempt, __VA_ARGS__);    \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_consume, __VA_ARGS__);             \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_sessions, __VA_ARGS__);            \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_revocation, __VA_ARGS__);          \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_counters, __VA_ARGS__);            \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_templates, __VA_ARGS__);           \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_audit, __VA_ARGS__);               \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_sweep, __VA_ARGS__);               \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_concurrent_consume, __VA_ARGS__);  \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_concurrent_attempts, __VA_ARGS__); \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_concurrent_counter, __VA_ARGS__)
