// Staff operations: permissions, agency isolation, validation, revocations and the audit trail.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "portal/settings_bounds.hpp"
#include "sesame/engine.hpp"

using namespace sesame;

namespace {

struct World {
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    // The engine's store, kept by the test to plant and inspect rows (the engine offers none).
    std::shared_ptr<Store> store = make_memory_store();
    std::unique_ptr<Engine> engine;
    Actor root{"root", 0, {}, true};
    Agency a;
    Agency b;

    World() {
        EngineOptions o;
        o.store = store;
        o.master_key = std::vector<std::uint8_t>(32, 0x5a);
        o.clock = clock;
        auto e = Engine::open(std::move(o));
        REQUIRE(e.ok());
        engine = std::move(*e);
        a = agency("Agency A");
        b = agency("Agency B");
    }

    Agency agency(const std::string& name) {
        Agency x;
        x.name = name;
        x.time_zone = "America/Chicago";
        auto r = engine->create_agency(root, x);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }

    static Actor staff(Id agency_id, std::set<std::string> perms, std::string id = "ann") {
        return Actor{std::move(id), agency_id, std::move(perms), false};
    }
    static Actor all_perms(Id agency_id) {
        return staff(agency_id, {"create_portals", "update_portals", "create_clients", "update_clients",
                                 "create_contacts", "update_contacts", "view_messages", "view_audit"});
    }

    Portal portal(Id agency_id, const std::string& slug, ClientAuth auth = ClientAuth::one_time_password) {
        Portal p;
        p.agency_id = agency_id;
        p.name = "Portal " + slug;
        p.slug = slug;
        p.client_auth = auth;
        auto r = engine->create_portal(root, p);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }

    Client client(Id agency_id, const std::string& first) {
        Client c;
        c.agency_id = agency_id;
        c.first_name = first;
        c.last_name = "Lee";
        auto r = engine->create_client(root, c);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }

    Contact contact(Id client_id, ContactKind kind, const std::string& value) {
        auto r = engine->add_contact(root, client_id, kind, value);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }

    // A session as verify_login would leave it, written straight to the store.
    Session session(const std::string& id, Id agency_id, Id portal_id, const std::string& destination,
                    std::optional<Id> client_id) {
        Session s;
        s.id = id;
        s.token_hash.assign(32, 0);
        for (std::size_t i = 0; i < id.size() && i < 32; ++i) s.token_hash[i] = static_cast<std::uint8_t>(id[i]);
        s.agency_id = agency_id;
        s.portal_id = portal_id;
        s.destination = destination;
        s.client_id = client_id;
        s.created_at = s.last_seen_at = clock->now();
        s.idle_expires_at = clock->now() + 1800;
        s.absolute_expires_at = clock->now() + 43200;
        REQUIRE(store->insert_session(s).ok());
        return s;
    }

    bool revoked(const std::string& session_id, const std::string& reason) {
        auto s = store->get_session(session_id);
        REQUIRE(s.ok());
        return s->revoked_at.has_value() && s->revoke_reason == reason;
    }
    bool live(const std::string& session_id) {
        auto s = store->get_session(session_id);
        REQUIRE(s.ok());
        return !s->revoked_at.has_value();
    }

    std::vector<AuditEvent> audit(Id agency_id) {
        auto r = engine->audit_log(root, agency_id, 1000);
        REQUIRE(r.ok());
        return *r;
    }
    bool has_event(Id agency_id, const std::function<bool(const AuditEvent&)>& match) {
        auto events = audit(agency_id);
        return std::any_of(events.begin(), events.end(), match);
    }
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Settings with `field` set to `value` and the fields tied to it by kSettingOrder moved out of the
// way, so that only the bound of `field` itself decides.
PortalSettings with_value(const portal::SettingBound& field, std::int32_t value) {
    PortalSettings s;
    s.*field.member = value;
    for (const auto& o : portal::kSettingOrder) {
        if (o.member == field.member) s.*o.other = std::min(value, s.*o.other);
        if (o.other == field.member) s.*o.member = std::max(value, s.*o.member);
    }
    for (const auto& b : portal::kSettingBounds) {
        // The adjustments above stay inside every other field's own bounds.
        if (b.member == field.member) continue;
        if (s.*b.member < b.min) s.*b.member = b.min;
        if (s.*b.member > b.max) s.*b.member = b.max;
    }
    return s;
}

}  // namespace

TEST_CASE("admin: the default settings are inside every bound") {
    CHECK(Engine::validate_settings(PortalSettings{}).ok());
    for (const auto& b : portal::kSettingBounds) {
        CHECK(b.min <= b.max);
        const std::int32_t v = PortalSettings{}.*b.member;
        CHECK_MESSAGE((v >= b.min && v <= b.max), std::string(b.name));
    }
}

TEST_CASE("admin: the bounds table keeps the limits SECURITY.md promises") {
    auto bound = [](std::string_view name) -> const portal::SettingBound& {
        auto it = std::find_if(portal::kSettingBounds.begin(), portal::kSettingBounds.end(),
                               [&](const portal::SettingBound& b) { return b.name == name; });
        REQUIRE(it != portal::kSettingBounds.end());
        return *it;
    };
    CHECK(bound("code_digits").min == 6);
    CHECK(bound("code_digits").max == 10);
    CHECK(bound("code_ttl_seconds").min == 60);
    CHECK(bound("code_ttl_seconds").max == 1800);
    CHECK(bound("max_attempts").min == 1);
    CHECK(bound("max_attempts").max == 10);
    CHECK(bound("contact_failure_limit").max == 100);
    CHECK(bound("resend_cooldown_seconds").min == 30);
    CHECK(bound("session_idle_seconds").max == 12 * 3600);
    CHECK(bound("session_absolute_seconds").max == 30 * 86400);
    // One row per field: a duplicated or missing name would let docs and checks disagree.
    for (std::size_t i = 0; i < portal::kSettingBounds.size(); ++i)
        for (std::size_t j = i + 1; j < portal::kSettingBounds.size(); ++j) {
            CHECK(portal::kSettingBounds[i].name != portal::kSettingBounds[j].name);
            CHECK(portal::kSettingBounds[i].member != portal::kSettingBounds[j].member);
        }
}

TEST_CASE("admin: every settings bound is enforced at min-1, min, max and max+1") {
    for (const auto& b : portal::kSettingBounds) {
        CAPTURE(b.name);
        for (std::int32_t v : {b.min, b.max}) {
            auto st = Engine::validate_settings(with_value(b, v));
            CHECK_MESSAGE(st.ok(), st.message());
        }
        for (std::int32_t v : {b.min - 1, b.max + 1}) {
            auto st = Engine::validate_settings(with_value(b, v));
            CHECK(st.code() == Code::invalid_argument);
            const std::string expected = "settings." + std::string(b.name) + " must be between " +
                                         std::to_string(b.min) + " and " + std::to_string(b.max) + " (got " +
                                         std::to_string(v) + ")";
            CHECK(st.message() == expected);
        }
    }
}

TEST_CASE("admin: create_portal and update_portal refuse out-of-bound settings") {
    World w;
    Portal p;
    p.agency_id = w.a.id;
    p.name = "Court";
    p.slug = "court";
    p.settings.code_digits = 4;
    auto r = w.engine->create_portal(w.root, p);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(r.status().message() == "settings.code_digits must be between 6 and 10 (got 4)");
    CHECK(w.engine->find_portal("court").code() == Code::not_found);

    p.settings.code_digits = 8;
    auto created = w.engine->create_portal(w.root, p);
    REQUIRE(created.ok());
    Portal changed = *created;
    changed.settings.session_absolute_seconds = 2592001;
    CHECK(w.engine->update_portal(w.root, changed).code() == Code::invalid_argument);
    auto stored = w.engine->get_portal(w.root, created->id);
    REQUIRE(stored.ok());
    CHECK(stored->settings.session_absolute_seconds == 43200);
    CHECK(stored->settings.code_digits == 8);
}

TEST_CASE("admin: settings that depend on each other, the language and the host") {
    PortalSettings s;
    s.sends_per_hour = 20;
    s.sends_per_day = 19;
    auto st = Engine::validate_settings(s);
    CHECK(st.code() == Code::invalid_argument);
    CHECK(contains(st.message(), "settings.sends_per_day must be at least settings.sends_per_hour"));
    s.sends_per_day = 20;
    CHECK(Engine::validate_settings(s).ok());

    s = PortalSettings{};
    s.session_idle_seconds = 3600;
    s.session_absolute_seconds = 3599;
    st = Engine::validate_settings(s);
    CHECK(st.code() == Code::invalid_argument);
    CHECK(contains(st.message(), "settings.session_absolute_seconds"));
    s.session_absolute_seconds = 3600;
    CHECK(Engine::validate_settings(s).ok());

    for (const char* lang : {"", "e", "EN", "eng", "e1", "es"}) {
        s = PortalSettings{};
        s.default_language = lang;
        CAPTURE(lang);
        CHECK(Engine::validate_settings(s).ok() == (std::string(lang) == "es"));
    }

    const std::vector<std::pair<std::string, bool>> hosts = {
        {"", true},
        {"portal.example.gov", true},
        {"Portal.Example.gov", true},
        {"localhost:8080", true},
        {"a-b.example.org:443", true},
        {"portal.example.gov/login", false},
        {"portal example.gov", false},
        {"portal.example.gov:", false},
        {"portal.example.gov:99999", false},
        {"portal.example.gov:http", false},
        {"@portal.example.gov", false},
        {"portal..example.gov", false},
        {".example.gov", false},
        {"-portal.example.gov", false},
        {std::string(253, 'a'), false},  // a single label over 63 characters
        {std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd'), true},
        {std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(62, 'd'), false},
    };
    for (const auto& [host, ok] : hosts) {
        s = PortalSettings{};
        s.host = host;
        CAPTURE(host);
        st = Engine::validate_settings(s);
        CHECK(st.ok() == ok);
        if (!ok) CHECK(contains(st.message(), "settings.host"));
    }
}

TEST_CASE("admin: portal slugs") {
    World w;
    Portal p;
    p.agency_id = w.a.id;
    p.name = "Court";
    for (const std::string& slug : std::vector<std::string>{"a", "court-1", "9", std::string(63, 'z')}) {
        p.slug = slug;
        auto r = w.engine->create_portal(w.root, p);
        CHECK_MESSAGE(r.ok(), slug);
    }
    for (const std::string& slug :
         std::vector<std::string>{"", "-a", "a-", "-", "Court", "a_b", "a b", "a.b", "caf\xc3\xa9", std::string(64, 'z')}) {
        p.slug = slug;
        auto r = w.engine->create_portal(w.root, p);
        CHECK_MESSAGE(r.code() == Code::invalid_argument, slug);
        CHECK(contains(r.status().message(), "portal.slug"));
    }

    // Taken is taken, in any agency, on create and on rename.
    p.slug = "court-1";
    CHECK(w.engine->create_portal(w.root, p).code() == Code::already_exists);
    p.agency_id = w.b.id;
    CHECK(w.engine->create_portal(w.root, p).code() == Code::already_exists);
    p.slug = "other";
    auto other = w.engine->create_portal(w.root, p);
    REQUIRE(other.ok());
    Portal renamed = *other;
    renamed.slug = "court-1";
    CHECK(w.engine->update_portal(w.root, renamed).code() == Code::already_exists);

    auto found = w.engine->find_portal("court-1");
    REQUIRE(found.ok());
    CHECK(found->agency_id == w.a.id);
    CHECK(found->name == "Court");
    auto missing = w.engine->find_portal("nowhere");
    CHECK(missing.code() == Code::not_found);
    auto bad = w.engine->find_portal("../etc");
    CHECK(bad.code() == Code::not_found);
    CHECK(bad.status().message() == missing.status().message());
}

TEST_CASE("admin: names and other portal fields are checked") {
    World w;
    Portal p;
    p.agency_id = w.a.id;
    p.slug = "court";
    p.name = "";
    CHECK(w.engine->create_portal(w.root, p).code() == Code::invalid_argument);
    p.name = std::string(201, 'x');
    CHECK(w.engine->create_portal(w.root, p).code() == Code::invalid_argument);
    p.name = "bad\xff utf8";
    CHECK(w.engine->create_portal(w.root, p).code() == Code::invalid_argument);
    p.name = std::string(200, 'x');
    auto created = w.engine->create_portal(w.root, p);
    REQUIRE(created.ok());
    CHECK(created->created_at == w.clock->now());

    Portal moved = *created;
    moved.agency_id = w.b.id;
    auto r = w.engine->update_portal(w.root, moved);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "agency_id"));

    w.clock->advance(100);
    Portal renamed = *created;
    renamed.name = "Court of Appeals";
    renamed.created_at = 0;
    auto updated = w.engine->update_portal(w.root, renamed);
    REQUIRE(updated.ok());
    CHECK(updated->created_at == created->created_at);
    CHECK(w.engine->get_portal(w.root, created->id)->name == "Court of Appeals");
}

TEST_CASE("admin: agency operations need a super admin; reading needs only visibility") {
    World w;
    Actor staff = World::all_perms(w.a.id);
    Agency x;
    x.name = "Rogue";
    auto denied = w.engine->create_agency(staff, x);
    CHECK(denied.code() == Code::permission_denied);
    CHECK(denied.status().message() == "this needs a super admin");

    Agency changed = w.a;
    changed.send_mode = SendMode::live;
    CHECK(w.engine->update_agency(staff, changed).code() == Code::permission_denied);
    CHECK(w.engine->add_agency_phone(staff, w.a.id, "+15550001111", CarrierRegistration::complete).code() ==
          Code::permission_denied);
    CHECK(w.engine->add_agency_email(staff, w.a.id, "court@example.gov", "Court").code() == Code::permission_denied);
    CHECK(w.engine->get_agency(w.root, w.a.id)->send_mode == SendMode::simulate);

    // Staff read their own agency, and nothing of another.
    Actor reader = World::staff(w.a.id, {});
    CHECK(w.engine->get_agency(reader, w.a.id).ok());
    CHECK(w.engine->list_agency_phones(reader, w.a.id).ok());
    CHECK(w.engine->list_agency_emails(reader, w.a.id).ok());
    auto other = w.engine->get_agency(reader, w.b.id);
    auto absent = w.engine->get_agency(reader, 987654);
    CHECK(other.code() == Code::not_found);
    CHECK(w.engine->list_agency_phones(reader, w.b.id).code() == Code::not_found);
    CHECK(w.engine->list_agency_emails(reader, w.b.id).code() == Code::not_found);

    CHECK(w.has_event(w.a.id, [](const AuditEvent& e) {
        return e.action == "agency.create" && e.actor == "staff:ann" && e.outcome == "SESAME_E_PERMISSION_DENIED" &&
               e.reason == "missing_permission:super_admin";
    }));
}

TEST_CASE("admin: a new agency starts simulated and its fields are checked") {
    World w;
    Agency x;
    x.name = "Eager";
    x.send_mode = SendMode::live;
    x.environment = Environment::production;
    auto r = w.engine->create_agency(w.root, x);
    REQUIRE(r.ok());
    CHECK(r->send_mode == SendMode::simulate);
    CHECK(r->environment == Environment::production);
    CHECK(r->created_at == w.clock->now());
    auto stored = w.engine->get_agency(w.root, r->id);
    REQUIRE(stored.ok());
    CHECK(stored->send_mode == SendMode::simulate);
    CHECK(w.engine->get_agency(w.root, w.a.id)->environment == Environment::staging);

    // Going live is a separate update by a super admin.
    Agency live = *stored;
    live.send_mode = SendMode::live;
    auto updated = w.engine->update_agency(w.root, live);
    REQUIRE(updated.ok());
    CHECK(w.engine->get_agency(w.root, r->id)->send_mode == SendMode::live);
    CHECK(w.has_event(r->id, [](const AuditEvent& e) {
        return e.action == "agency.update" && e.outcome == "ok" && contains(e.detail, "send_mode=live");
    }));

    auto bad = [&](const std::function<void(Agency&)>& change) {
        Agency y;
        y.name = "Checked";
        change(y);
        return w.engine->create_agency(w.root, y).code();
    };
    CHECK(bad([](Agency&) {}) == Code::ok);
    CHECK(bad([](Agency& y) { y.name = ""; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.name = std::string(201, 'n'); }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.default_region = "XX"; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.default_region = "GB"; }) == Code::ok);
    CHECK(bad([](Agency& y) { y.sms_countries = {"US", "QQ"}; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.sms_countries = {"US", "CA"}; }) == Code::ok);
    CHECK(bad([](Agency& y) { y.time_zone = ""; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.time_zone = "Mars/Olympus_Mons"; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.time_zone = "america/chicago "; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.time_zone = "Pacific/Auckland"; }) == Code::ok);
    CHECK(bad([](Agency& y) { y.time_zone = "UTC"; }) == Code::ok);
    {
        Agency y = *stored;
        y.name = "Zoneless";
        y.time_zone = "Nowhere/Special";
        auto refused = w.engine->create_agency(w.root, y);
        CHECK(refused.code() == Code::invalid_argument);
        CHECK(refused.status().message().find("agency.time_zone") != std::string::npos);
        y = *stored;
        y.time_zone = "Nowhere/Special";
        CHECK(w.engine->update_agency(w.root, y).code() == Code::invalid_argument);
        CHECK(w.engine->get_agency(w.root, stored->id)->time_zone == stored->time_zone);
    }
    CHECK(bad([](Agency& y) { y.sms_per_hour_limit = 0; }) == Code::invalid_argument);
    CHECK(bad([](Agency& y) { y.sms_per_hour_limit = 1; }) == Code::ok);
    CHECK(bad([](Agency& y) { y.sms_per_hour_limit = 100000; }) == Code::ok);
    CHECK(bad([](Agency& y) { y.sms_per_hour_limit = 100001; }) == Code::invalid_argument);

    Agency missing = *stored;
    missing.id = 987654;
    CHECK(w.engine->update_agency(w.root, missing).code() == Code::not_found);
}

TEST_CASE("admin: agency phones and emails are stored normalised") {
    World w;
    auto phone = w.engine->add_agency_phone(w.root, w.a.id, "(555) 010-9999", CarrierRegistration::pending);
    REQUIRE_MESSAGE(phone.ok(), phone.status().message());
    CHECK(phone->number == "+15550109999");
    CHECK(phone->agency_id == w.a.id);
    CHECK(w.engine->add_agency_phone(w.root, w.a.id, "+1 555 010 9999", CarrierRegistration::pending).code() ==
          Code::already_exists);
    CHECK(w.engine->add_agency_phone(w.root, w.a.id, "not a number", CarrierRegistration::pending).code() ==
          Code::invalid_argument);
    CHECK(w.engine->add_agency_phone(w.root, 987654, "+15550109999", CarrierRegistration::pending).code() ==
          Code::not_found);

    auto done = w.engine->set_carrier_registration(w.root, w.a.id, phone->id, CarrierRegistration::complete);
    REQUIRE(done.ok());
    CHECK(done->registration == CarrierRegistration::complete);
    auto phones = w.engine->list_agency_phones(w.root, w.a.id);
    REQUIRE(phones.ok());
    REQUIRE(phones->size() == 1);
    CHECK(phones->front().registration == CarrierRegistration::complete);
    // A phone is reached only through its own agency.
    CHECK(w.engine->set_carrier_registration(w.root, w.b.id, phone->id, CarrierRegistration::pending).code() ==
          Code::not_found);
    CHECK(w.engine->set_carrier_registration(w.root, w.a.id, phone->id + 1000, CarrierRegistration::pending).code() ==
          Code::not_found);

    auto email = w.engine->add_agency_email(w.root, w.a.id, "  Clerk@Court.Example.GOV ", "Clerk of Court");
    REQUIRE_MESSAGE(email.ok(), email.status().message());
    CHECK(email->address == "clerk@court.example.gov");
    CHECK(w.engine->add_agency_email(w.root, w.a.id, "nobody", "").code() == Code::invalid_argument);
    CHECK(w.engine->add_agency_email(w.root, w.a.id, "x@example.gov", "Court\r\nBcc: all@example.org").code() ==
          Code::invalid_argument);
    auto emails = w.engine->list_agency_emails(w.root, w.a.id);
    REQUIRE(emails.ok());
    REQUIRE(emails->size() == 1);
    CHECK(emails->front().display_name == "Clerk of Court");
}

TEST_CASE("admin: each staff operation needs its permission") {
    World w;
    const Portal portal = w.portal(w.a.id, "court");
    const Client client = w.client(w.a.id, "Ann");
    const Contact contact = w.contact(client.id, ContactKind::email, "ann@example.org");

    struct Op {
        std::string permission;
        std::function<Code(const Actor&)> run;
    };
    int serial = 0;
    const std::vector<Op> ops = {
        {"create_portals",
         [&](const Actor& actor) {
             Portal p;
             p.agency_id = w.a.id;
             p.name = "New";
             p.slug = "new-" + std::to_string(++serial);
             return w.engine->create_portal(actor, p).code();
         }},
        {"update_portals",
         [&](const Actor& actor) {
             Portal p = *w.engine->get_portal(w.root, portal.id);  // as it is now: each run saves a change
             p.name = "Renamed " + std::to_string(++serial);
             return w.engine->update_portal(actor, p).code();
         }},
        {"update_portals",
         [&](const Actor& actor) {
             return w.engine->set_message_template(actor, {w.a.id, Channel::sms, "es", "", "Código: {code}"}).code();
         }},
        {"create_clients",
         [&](const Actor& actor) {
             Client c;
             c.agency_id = w.a.id;
             c.client_reference = "REF-" + std::to_string(++serial);
             return w.engine->create_client(actor, c).code();
         }},
        {"update_clients",
         [&](const Actor& actor) {
             Client c = *w.engine->get_client(w.root, client.id);  // as it is now: each run saves a change
             c.group = "group " + std::to_string(++serial);
             return w.engine->update_client(actor, c).code();
         }},
        {"update_clients", [&](const Actor& actor) { return w.engine->client_sessions(actor, client.id).code(); }},
        {"update_clients", [&](const Actor& actor) { return w.engine->revoke_client_sessions(actor, client.id).code(); }},
        {"create_contacts",
         [&](const Actor& actor) {
             return w.engine->add_contact(actor, client.id, ContactKind::email,
                                          "ann" + std::to_string(++serial) + "@example.org")
                 .code();
         }},
        {"update_contacts",
         [&](const Actor& actor) {
             return w.engine->update_contact(actor, contact.id, "ann@example.org", ContactStatus::valid).code();
         }},
        {"view_messages", [&](const Actor& actor) { return w.engine->message_feed(actor, client.id).code(); }},
        {"view_audit", [&](const Actor& actor) { return w.engine->audit_log(actor, w.a.id).code(); }},
    };

    for (const auto& op : ops) {
        CAPTURE(op.permission);
        // Every permission but the one needed.
        Actor without = World::all_perms(w.a.id);
        without.id = "without";
        without.permissions.erase(op.permission);
        CHECK(op.run(without) == Code::permission_denied);
        CHECK(op.run(World::staff(w.a.id, {op.permission}, "with")) == Code::ok);
        CHECK(op.run(w.root) == Code::ok);
    }

    Actor none = World::staff(w.a.id, {}, "nobody");
    Portal p = portal;
    auto r = w.engine->update_portal(none, p);
    CHECK(r.status().message() == "this needs the update_portals permission");

    // Every refusal left a record in the actor's agency, naming the permission.
    auto events = w.audit(w.a.id);
    for (const auto& op : ops) {
        CAPTURE(op.permission);
        CHECK(std::any_of(events.begin(), events.end(), [&](const AuditEvent& e) {
            return e.actor == "staff:without" && e.outcome == "SESAME_E_PERMISSION_DENIED" &&
                   e.reason == "missing_permission:" + op.permission;
        }));
    }
}

TEST_CASE("admin: an actor of one agency sees nothing of another") {
    World w;
    const Portal pb = w.portal(w.b.id, "b-court");
    const Client cb = w.client(w.b.id, "Bea");
    const Contact kb = w.contact(cb.id, ContactKind::phone, "+15552223333");
    const Portal pa = w.portal(w.a.id, "a-court");
    const Client ca = w.client(w.a.id, "Ann");
    const Actor actor = World::all_perms(w.a.id);

    // The answer for another agency's object is the answer for an object that does not exist.
    auto same_as_missing = [&](const auto& theirs, const auto& missing) {
        CHECK(theirs.code() == Code::not_found);
        CHECK(missing.code() == Code::not_found);
        const std::string t = theirs.status().message(), m = missing.status().message();
        CHECK(t.substr(0, t.rfind(' ')) == m.substr(0, m.rfind(' ')));
    };
    same_as_missing(w.engine->get_portal(actor, pb.id), w.engine->get_portal(actor, 987654));
    same_as_missing(w.engine->get_client(actor, cb.id), w.engine->get_client(actor, 987654));
    same_as_missing(w.engine->list_contacts(actor, cb.id), w.engine->list_contacts(actor, 987654));
    same_as_missing(w.engine->message_feed(actor, cb.id), w.engine->message_feed(actor, 987654));
    same_as_missing(w.engine->client_sessions(actor, cb.id), w.engine->client_sessions(actor, 987654));
    same_as_missing(w.engine->update_contact(actor, kb.id, "+15552223333", ContactStatus::opted_out),
                    w.engine->update_contact(actor, 987654, "+15552223333", ContactStatus::opted_out));
    CHECK(w.engine->get_portal(actor, pb.id).status().message() == "no portal with id " + std::to_string(pb.id));

    Portal p = pb;
    p.client_auth = ClientAuth::disabled;
    CHECK(w.engine->update_portal(actor, p).code() == Code::not_found);
    Client c = cb;
    c.archived = true;
    CHECK(w.engine->update_client(actor, c).code() == Code::not_found);
    CHECK(w.engine->add_contact(actor, cb.id, ContactKind::email, "x@example.org").code() == Code::not_found);
    CHECK(w.engine->revoke_client_sessions(actor, cb.id).code() == Code::not_found);
    CHECK(w.engine->list_portals(actor, w.b.id).code() == Code::not_found);
    CHECK(w.engine->list_clients(actor, w.b.id).code() == Code::not_found);
    CHECK(w.engine->audit_log(actor, w.b.id).code() == Code::not_found);
    CHECK(w.engine->set_message_template(actor, {w.b.id, Channel::sms, "en", "", "{code}"}).code() == Code::not_found);

    // Creating in another agency: that agency does not exist for this actor.
    Portal np;
    np.agency_id = w.b.id;
    np.name = "Sneaky";
    np.slug = "sneaky";
    auto created = w.engine->create_portal(actor, np);
    CHECK(created.code() == Code::not_found);
    CHECK(contains(created.status().message(), "agency"));
    Client nc;
    nc.agency_id = w.b.id;
    nc.first_name = "Sneaky";
    CHECK(w.engine->create_client(actor, nc).code() == Code::not_found);

    // B's records are untouched.
    CHECK(w.engine->get_portal(w.root, pb.id)->client_auth == ClientAuth::one_time_password);
    CHECK_FALSE(w.engine->get_client(w.root, cb.id)->archived);
    CHECK(w.engine->list_contacts(w.root, cb.id)->front().status == ContactStatus::valid);

    // Their own agency works; a super admin sees both.
    CHECK(w.engine->get_portal(actor, pa.id).ok());
    CHECK(w.engine->get_client(actor, ca.id).ok());
    auto mine = w.engine->list_portals(actor, w.a.id);
    REQUIRE(mine.ok());
    CHECK(mine->size() == 1);
    CHECK(w.engine->get_portal(w.root, pa.id).ok());
    CHECK(w.engine->get_portal(w.root, pb.id).ok());
    CHECK(w.engine->get_client(w.root, cb.id).ok());
    CHECK(w.engine->message_feed(w.root, cb.id).ok());
    CHECK(w.engine->list_clients(w.root, w.b.id)->size() == 1);
}

TEST_CASE("admin: clients are validated") {
    World w;
    auto make = [&](const std::function<void(Client&)>& change) {
        Client c;
        c.agency_id = w.a.id;
        c.first_name = "Ann";
        change(c);
        return w.engine->create_client(w.root, c);
    };
    CHECK(make([](Client&) {}).ok());
    CHECK(make([](Client& c) { c.first_name.clear(); }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.first_name.clear(); c.last_name = "Lee"; }).ok());
    CHECK(make([](Client& c) { c.first_name.clear(); c.client_reference = "2026-CR-001"; }).ok());
    CHECK(make([](Client& c) { c.language = "es"; }).ok());
    CHECK(make([](Client& c) { c.language = "ES"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.language = "spa"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.dob = "1990-02-28"; }).ok());
    CHECK(make([](Client& c) { c.dob = "2000-02-29"; }).ok());
    CHECK(make([](Client& c) { c.dob = "1900-02-29"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.dob = "1990-13-01"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.dob = "1990-04-31"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.dob = "02/28/1990"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.last_name = std::string(200, 'l'); }).ok());
    CHECK(make([](Client& c) { c.last_name = std::string(201, 'l'); }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.group = std::string(201, 'g'); }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.first_name = "Ann\nLee"; }).code() == Code::invalid_argument);
    CHECK(make([](Client& c) { c.first_name = "Zo\xc3\xab"; }).ok());

    auto created = make([](Client&) {});
    REQUIRE(created.ok());
    CHECK(created->created_at == w.clock->now());
    Client moved = *created;
    moved.agency_id = w.b.id;
    CHECK(w.engine->update_client(w.root, moved).code() == Code::invalid_argument);
}

TEST_CASE("admin: contacts are normalised, unique per client, shareable across clients") {
    World w;
    const Client ann = w.client(w.a.id, "Ann");
    const Client ben = w.client(w.a.id, "Ben");

    auto phone = w.engine->add_contact(w.root, ann.id, ContactKind::phone, "(555) 123-4567");
    REQUIRE_MESSAGE(phone.ok(), phone.status().message());
    CHECK(phone->value == "+15551234567");
    CHECK(phone->status == ContactStatus::valid);
    CHECK(phone->agency_id == w.a.id);
    CHECK(phone->client_id == ann.id);
    CHECK(phone->created_at == w.clock->now());

    auto email = w.engine->add_contact(w.root, ann.id, ContactKind::email, " Ann.Lee@Example.ORG ");
    REQUIRE(email.ok());
    CHECK(email->value == "ann.lee@example.org");

    auto again = w.engine->add_contact(w.root, ann.id, ContactKind::phone, "+1 555 123 4567");
    CHECK(again.code() == Code::already_exists);

    // A parent's phone on two children's records.
    auto shared = w.engine->add_contact(w.root, ben.id, ContactKind::phone, "555.123.4567");
    REQUIRE(shared.ok());
    CHECK(shared->value == "+15551234567");
    auto owners = w.store->find_contacts(w.a.id, "+15551234567");
    REQUIRE(owners.ok());
    CHECK(owners->size() == 2);

    auto bad_phone = w.engine->add_contact(w.root, ann.id, ContactKind::phone, "call me maybe");
    CHECK(bad_phone.code() == Code::invalid_argument);
    CHECK(contains(bad_phone.status().message(), "phone number"));
    auto bad_email = w.engine->add_contact(w.root, ann.id, ContactKind::email, "ann at example");
    CHECK(bad_email.code() == Code::invalid_argument);
    CHECK(contains(bad_email.status().message(), "email address"));

    auto listed = w.engine->list_contacts(w.root, ann.id);
    REQUIRE(listed.ok());
    CHECK(listed->size() == 2);

    // Changing to a value the client already has.
    auto clash = w.engine->update_contact(w.root, email->id, "(555) 123-4567", ContactStatus::valid);
    CHECK(clash.code() == Code::invalid_argument);  // an email contact keeps being an email
    auto second = w.engine->add_contact(w.root, ann.id, ContactKind::phone, "555 765 4321");
    REQUIRE(second.ok());
    CHECK(w.engine->update_contact(w.root, second->id, "5551234567", ContactStatus::valid).code() ==
          Code::already_exists);
    auto updated = w.engine->update_contact(w.root, second->id, "(555) 765-0000", ContactStatus::valid);
    REQUIRE(updated.ok());
    CHECK(updated->value == "+15557650000");
    CHECK(w.store->get_contact(second->id)->value == "+15557650000");
}

TEST_CASE("admin: archiving or disabling a client revokes its sessions") {
    World w;
    const Portal portal = w.portal(w.a.id, "court");
    const Client ann = w.client(w.a.id, "Ann");
    const Client ben = w.client(w.a.id, "Ben");
    w.session("ann-1", w.a.id, portal.id, "+15551234567", ann.id);
    w.session("ann-2", w.a.id, portal.id, "ann@example.org", ann.id);
    w.session("ben-1", w.a.id, portal.id, "+15559876543", ben.id);

    w.clock->advance(60);
    Client renamed = ann;
    renamed.middle_name = "Q";
    auto saved = w.engine->update_client(w.root, renamed);
    REQUIRE(saved.ok());
    CHECK(w.live("ann-1"));

    Client archived = *saved;  // the update's answer carries the revision it stored
    archived.archived = true;
    auto r = w.engine->update_client(w.root, archived);
    REQUIRE(r.ok());
    CHECK(r->archived);
    CHECK(w.revoked("ann-1", "client_archived"));
    CHECK(w.revoked("ann-2", "client_archived"));
    CHECK(w.store->get_session("ann-1")->revoked_at == w.clock->now());
    CHECK(w.live("ben-1"));
    CHECK(w.has_event(w.a.id, [&](const AuditEvent& e) {
        return e.action == "session.revoke" && e.reason == "client_archived" &&
               e.target == "client:" + std::to_string(ann.id) && contains(e.detail, "2 sessions");
    }));

    Client disabled = ben;
    disabled.status = "inactive";
    REQUIRE(w.engine->update_client(w.root, disabled).ok());
    CHECK(w.revoked("ben-1", "client_disabled"));
}

TEST_CASE("admin: changing or opting out a contact revokes the sessions made with it") {
    World w;
    const Portal portal = w.portal(w.a.id, "court");
    const Client ann = w.client(w.a.id, "Ann");
    const Client ben = w.client(w.a.id, "Ben");
    const Client cal = w.client(w.a.id, "Cal");
    const Contact phone = w.contact(ann.id, ContactKind::phone, "+15551234567");
    w.contact(ben.id, ContactKind::phone, "+15551234567");
    const Contact cal_email = w.contact(cal.id, ContactKind::email, "cal@example.org");
    w.session("by-phone-ann", w.a.id, portal.id, "+15551234567", ann.id);
    w.session("by-phone-unbound", w.a.id, portal.id, "+15551234567", std::nullopt);
    w.session("ann-email", w.a.id, portal.id, "ann@example.org", ann.id);
    w.session("cal", w.a.id, portal.id, "cal@example.org", cal.id);

    // Same value, same status: nothing to revoke.
    REQUIRE(w.engine->update_contact(w.root, phone.id, "(555) 123-4567", ContactStatus::valid).ok());
    CHECK(w.live("by-phone-ann"));
    CHECK(w.live("ann-email"));

    auto changed = w.engine->update_contact(w.root, phone.id, "+15550000001", ContactStatus::valid);
    REQUIRE(changed.ok());
    CHECK(w.revoked("by-phone-ann", "contact_changed"));
    CHECK(w.revoked("by-phone-unbound", "contact_changed"));
    CHECK(w.revoked("ann-email", "contact_changed"));
    CHECK(w.live("cal"));

    REQUIRE(w.engine->update_contact(w.root, cal_email.id, "cal@example.org", ContactStatus::opted_out).ok());
    CHECK(w.revoked("cal", "contact_changed"));
    CHECK(w.store->get_contact(cal_email.id)->status == ContactStatus::opted_out);

    w.session("cal-2", w.a.id, portal.id, "cal@example.org", cal.id);
    REQUIRE(w.engine->update_contact(w.root, cal_email.id, "cal@example.org", ContactStatus::invalid).ok());
    CHECK(w.revoked("cal-2", "contact_changed"));
    w.session("cal-3", w.a.id, portal.id, "cal@example.org", cal.id);
    REQUIRE(w.engine->update_contact(w.root, cal_email.id, "cal@example.org", ContactStatus::valid).ok());
    CHECK(w.live("cal-3"));

    CHECK(w.has_event(w.a.id, [](const AuditEvent& e) {
        return e.action == "contact.update" && e.outcome == "ok" && e.detail == "status=opted_out";
    }));
    // The log names the old value masked, never whole.
    for (const auto& e : w.audit(w.a.id)) {
        CHECK_FALSE(contains(e.target + e.detail, "5551234567"));
        CHECK_FALSE(contains(e.target + e.detail, "cal@example.org"));
    }
}

TEST_CASE("admin: turning client authentication off revokes the portal's sessions") {
    World w;
    const Portal court = w.portal(w.a.id, "court");
    const Portal jury = w.portal(w.a.id, "jury");
    const Client ann = w.client(w.a.id, "Ann");
    w.session("court-1", w.a.id, court.id, "+15551234567", ann.id);
    w.session("jury-1", w.a.id, jury.id, "+15551234567", ann.id);

    Portal renamed = court;
    renamed.name = "Court Portal";
    auto saved = w.engine->update_portal(w.root, renamed);
    REQUIRE(saved.ok());
    CHECK(w.live("court-1"));

    Portal off = *saved;  // the update's answer carries the revision it stored
    off.client_auth = ClientAuth::disabled;
    REQUIRE(w.engine->update_portal(w.root, off).ok());
    CHECK(w.revoked("court-1", "client_auth_disabled"));
    CHECK(w.live("jury-1"));
    CHECK(w.has_event(w.a.id, [&](const AuditEvent& e) {
        return e.action == "session.revoke" && e.reason == "client_auth_disabled" &&
               e.target == "portal:" + std::to_string(court.id);
    }));
    CHECK(w.has_event(w.a.id, [&](const AuditEvent& e) {
        return e.action == "portal.update" && e.actor == "superadmin:root" && contains(e.detail, "client_auth=disabled");
    }));
}

TEST_CASE("admin: staff list and revoke a client's sessions") {
    World w;
    const Portal portal = w.portal(w.a.id, "court");
    const Client ann = w.client(w.a.id, "Ann");
    const Session s1 = w.session("s-one", w.a.id, portal.id, "+15551234567", ann.id);
    w.clock->advance(10);
    w.session("s-two", w.a.id, portal.id, "ann@example.org", ann.id);
    const Actor staff = World::staff(w.a.id, {"update_clients"});

    auto listed = w.engine->client_sessions(staff, ann.id);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    auto it = std::find_if(listed->begin(), listed->end(), [](const SessionInfo& i) { return i.session_id == "s-one"; });
    REQUIRE(it != listed->end());
    CHECK(it->portal_id == portal.id);
    CHECK(it->agency_id == w.a.id);
    CHECK(it->client_id == ann.id);
    CHECK(it->destination == "+15551234567");
    CHECK(it->created_at == s1.created_at);
    CHECK(it->idle_expires_at == s1.idle_expires_at);
    CHECK(it->absolute_expires_at == s1.absolute_expires_at);
    CHECK(it->assurance == "aal1");

    auto n = w.engine->revoke_client_sessions(staff, ann.id);
    REQUIRE(n.ok());
    CHECK(*n == 2);
    CHECK(w.revoked("s-one", "staff_revoked"));
    CHECK(w.revoked("s-two", "staff_revoked"));
    auto twice = w.engine->revoke_client_sessions(staff, ann.id);
    REQUIRE(twice.ok());
    CHECK(*twice == 0);
    CHECK(w.has_event(w.a.id, [](const AuditEvent& e) {
        return e.action == "client.revoke_sessions" && e.actor == "staff:ann" && e.outcome == "ok" &&
               contains(e.detail, "2 sessions");
    }));
}

TEST_CASE("admin: the message feed shows the client's messages and never the sealed body") {
    World w;
    const Client ann = w.client(w.a.id, "Ann");
    const Client ben = w.client(w.a.id, "Ben");
    w.contact(ann.id, ContactKind::phone, "+15551234567");
    w.contact(ann.id, ContactKind::email, "ann@example.org");
    w.contact(ben.id, ContactKind::phone, "+15559876543");
    const Client bea = w.client(w.b.id, "Bea");
    w.contact(bea.id, ContactKind::phone, "+15551234567");

    auto put = [&](Id agency_id, const std::string& to, MessageStatus status, const std::string& content) {
        Message m;
        m.agency_id = agency_id;
        m.channel = contains(to, "@") ? Channel::email : Channel::sms;
        m.status = status;
        m.to = to;
        m.from = "+15550109999";
        m.content = content;
        if (status == MessageStatus::queued) m.sealed = {1, 2, 3, 4};
        m.created_at = m.updated_at = w.clock->now();
        w.clock->advance(1);
        auto id = w.store->insert_message(m);
        REQUIRE(id.ok());
        return *id;
    };
    const Id simulated = put(w.a.id, "+15551234567", MessageStatus::simulated, "Your code is 123456");
    const Id queued = put(w.a.id, "ann@example.org", MessageStatus::queued, "Your code is \u2022\u2022\u2022\u2022\u2022\u2022");
    put(w.a.id, "+15559876543", MessageStatus::simulated, "Ben's code is 654321");
    put(w.b.id, "+15551234567", MessageStatus::simulated, "Agency B code 111111");

    const Actor viewer = World::staff(w.a.id, {"view_messages"});
    auto feed = w.engine->message_feed(viewer, ann.id);
    REQUIRE(feed.ok());
    REQUIRE(feed->size() == 2);
    CHECK((*feed)[0].id == queued);  // newest first
    CHECK((*feed)[1].id == simulated);
    CHECK((*feed)[1].content == "Your code is 123456");
    for (const auto& m : *feed) {
        CHECK(m.sealed.empty());
        CHECK(m.agency_id == w.a.id);
    }
    auto limited = w.engine->message_feed(viewer, ann.id, 1);
    REQUIRE(limited.ok());
    REQUIRE(limited->size() == 1);
    CHECK(limited->front().id == queued);
    CHECK(w.engine->message_feed(viewer, ann.id, 0)->empty());

    const Client nobody = w.client(w.a.id, "Nobody");
    auto empty = w.engine->message_feed(viewer, nobody.id);
    REQUIRE(empty.ok());
    CHECK(empty->empty());

    CHECK(w.has_event(w.a.id, [&](const AuditEvent& e) {
        return e.action == "messages.view" && e.target == "client:" + std::to_string(ann.id) && e.outcome == "ok";
    }));
}

TEST_CASE("admin: the audit log is a super admin's, or the actor's own agency with view_audit") {
    World w;
    w.portal(w.a.id, "court-a");
    w.portal(w.b.id, "court-b");
    const Actor auditor = World::staff(w.a.id, {"view_audit"});

    auto own = w.engine->audit_log(auditor, w.a.id);
    REQUIRE(own.ok());
    CHECK_FALSE(own->empty());
    for (const auto& e : *own) CHECK(e.agency_id == w.a.id);
    CHECK(w.engine->audit_log(auditor, w.b.id).code() == Code::not_found);
    CHECK(w.engine->audit_log(auditor, 0).code() == Code::permission_denied);
    CHECK(w.engine->audit_log(World::staff(w.a.id, {}), w.a.id).code() == Code::permission_denied);

    auto all = w.engine->audit_log(w.root, 0);
    REQUIRE(all.ok());
    const bool has_a = std::any_of(all->begin(), all->end(), [&](const AuditEvent& e) { return e.agency_id == w.a.id; });
    const bool has_b = std::any_of(all->begin(), all->end(), [&](const AuditEvent& e) { return e.agency_id == w.b.id; });
    CHECK(has_a);
    CHECK(has_b);
    auto one = w.engine->audit_log(w.root, 0, 1);
    REQUIRE(one.ok());
    CHECK(one->size() == 1);
}

TEST_CASE("admin: changes are audited with the actor, the target and the changed fields") {
    World w;
    const Actor staff = World::all_perms(w.a.id);
    Portal p;
    p.agency_id = w.a.id;
    p.name = "Court";
    p.slug = "court";
    auto created = w.engine->create_portal(staff, p);
    REQUIRE(created.ok());
    Portal changed = *created;
    changed.settings.code_ttl_seconds = 300;
    changed.settings.host = "portal.example.gov";
    REQUIRE(w.engine->update_portal(staff, changed).ok());

    Client c;
    c.agency_id = w.a.id;
    c.first_name = "Ann";
    c.dob = "1990-01-02";
    auto client = w.engine->create_client(staff, c);
    REQUIRE(client.ok());
    Client renamed = *client;
    renamed.last_name = "Secretname";
    REQUIRE(w.engine->update_client(staff, renamed).ok());
    REQUIRE(w.engine->add_contact(staff, client->id, ContactKind::phone, "(555) 123-4567").ok());

    const std::string portal_target = "portal:" + std::to_string(created->id);
    const std::string client_target = "client:" + std::to_string(client->id);
    auto events = w.audit(w.a.id);
    auto find = [&](const std::string& action, const std::string& target) -> const AuditEvent* {
        auto it = std::find_if(events.begin(), events.end(),
                               [&](const AuditEvent& e) { return e.action == action && e.target == target; });
        return it == events.end() ? nullptr : &*it;
    };
    const AuditEvent* pc = find("portal.create", portal_target);
    REQUIRE(pc != nullptr);
    CHECK(pc->actor == "staff:ann");
    CHECK(pc->outcome == "ok");
    CHECK(pc->agency_id == w.a.id);
    CHECK(pc->at == w.clock->now());
    const AuditEvent* pu = find("portal.update", portal_target);
    REQUIRE(pu != nullptr);
    CHECK(pu->detail == "settings.code_ttl_seconds=300, settings.host=portal.example.gov");
    const AuditEvent* cu = find("client.update", client_target);
    REQUIRE(cu != nullptr);
    CHECK(cu->detail == "last_name");
    const AuditEvent* cc = find("client.create", client_target);
    REQUIRE(cc != nullptr);
    CHECK(contains(cc->detail, "dob"));
    CHECK(std::any_of(events.begin(), events.end(), [](const AuditEvent& e) { return e.action == "contact.add"; }));
    // Field names, never a client's values.
    for (const auto& e : events) {
        CHECK_FALSE(contains(e.detail, "Secretname"));
        CHECK_FALSE(contains(e.detail, "1990-01-02"));
        CHECK_FALSE(contains(e.detail, "5551234567"));
    }
}

TEST_CASE("admin: message templates") {
    World w;
    const Actor staff = World::staff(w.a.id, {"update_portals"});
    CHECK(w.engine->set_message_template(staff, {w.a.id, Channel::sms, "es", "", "Su código: {code}"}).ok());
    auto stored = w.store->get_template(w.a.id, Channel::sms, "es");
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    CHECK((*stored)->body == "Su código: {code}");

    CHECK(w.engine->set_message_template(staff, {w.a.id, Channel::email, "en", "Your code", "Code:\n{code}\n"}).ok());
    auto code_of = [&](const MessageTemplate& t) { return w.engine->set_message_template(staff, t).code(); };
    CHECK(code_of({0, Channel::sms, "en", "", "{code}"}) == Code::invalid_argument);
    CHECK(code_of({w.a.id, Channel::sms, "en", "", "no placeholder"}) == Code::invalid_argument);
    CHECK(code_of({w.a.id, Channel::email, "en", "", "{code}"}) == Code::invalid_argument);
    CHECK(code_of({w.a.id, Channel::email, "en", "Line\r\nBcc: x@example.org", "{code}"}) == Code::invalid_argument);
    CHECK(code_of({w.a.id, Channel::sms, "EN", "", "{code}"}) == Code::invalid_argument);
    CHECK(code_of({w.a.id, Channel::sms, "", "", "{code}"}) == Code::invalid_argument);
    CHECK(code_of({w.a.id, Channel::sms, "en", "", "{code}" + std::string(1994, 'x')}) == Code::ok);
    CHECK(code_of({w.a.id, Channel::sms, "en", "", "{code}" + std::string(1995, 'x')}) == Code::invalid_argument);
    CHECK(code_of({987654, Channel::sms, "en", "", "{code}"}) == Code::not_found);
}

TEST_CASE("admin: a staff update applies over the revision it names; a stale one is CONFLICT and changes nothing") {
    World w;
    Client created = w.client(w.a.id, "Ana");
    CHECK(created.revision == 1);
    auto read = w.engine->get_client(w.root, created.id);
    REQUIRE(read.ok());
    CHECK(read->revision == 1);

    // Two staff open the same client; the first saves.
    Client form_a = *read;
    Client form_b = *read;
    form_a.last_name = "Lopez";
    auto saved = w.engine->update_client(w.root, form_a);
    REQUIRE_MESSAGE(saved.ok(), saved.status().message());
    CHECK(saved->revision == 2);
    CHECK(w.engine->get_client(w.root, created.id)->revision == 2);

    // The second would overwrite the first's change: refused, naming the record and what to do.
    form_b.middle_name = "Maria";
    auto stale = w.engine->update_client(w.root, form_b);
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.code() == Code::conflict);
    CHECK(contains(stale.status().message(), "client " + std::to_string(created.id)));
    CHECK(contains(stale.status().message(), "read it again"));
    auto now = w.engine->get_client(w.root, created.id);
    REQUIRE(now.ok());
    CHECK(now->last_name == "Lopez");
    CHECK(now->middle_name.empty());
    CHECK(now->revision == 2);
    auto updates = w.audit(w.a.id);
    CHECK(std::count_if(updates.begin(), updates.end(), [&](const AuditEvent& e) {
              return e.action == "client.update" && e.target == "client:" + std::to_string(created.id) && e.outcome == "ok";
          }) == 1);

    // Read again, the same change goes through; revision 0 applies over whatever is stored.
    form_b = *now;
    form_b.middle_name = "Maria";
    REQUIRE(w.engine->update_client(w.root, form_b).ok());
    Client blind = *w.engine->get_client(w.root, created.id);
    blind.revision = 0;
    blind.group = "docket-9";
    auto over_any = w.engine->update_client(w.root, blind);
    REQUIRE(over_any.ok());
    CHECK(over_any->revision == 4);
    CHECK(w.engine->get_client(w.root, created.id)->middle_name == "Maria");

    // The same for the other kinds staff edit.
    Portal portal = w.portal(w.a.id, "rev");
    CHECK(portal.revision == 1);
    Portal portal_form = portal;
    portal.name = "First";
    REQUIRE(w.engine->update_portal(w.root, portal).ok());
    portal_form.name = "Second";
    CHECK(w.engine->update_portal(w.root, portal_form).code() == Code::conflict);
    CHECK(w.engine->get_portal(w.root, portal.id)->name == "First");

    Agency agency_form = *w.engine->get_agency(w.root, w.b.id);
    Agency agency_now = agency_form;
    agency_now.name = "Agency B, renamed";
    REQUIRE(w.engine->update_agency(w.root, agency_now).ok());
    agency_form.time_zone = "UTC";
    CHECK(w.engine->update_agency(w.root, agency_form).code() == Code::conflict);
    CHECK(w.engine->get_agency(w.root, w.b.id)->time_zone == "America/Chicago");

    SidebarItem item;
    item.portal_id = portal.id;
    item.title = "Forms";
    item.link = "https://example.gov/forms";
    auto made = w.engine->create_sidebar_item(w.root, item);
    REQUIRE_MESSAGE(made.ok(), made.status().message());
    CHECK(made->revision == 1);
    SidebarItem item_form = *made;
    made->title = "Court forms";
    auto item_saved = w.engine->update_sidebar_item(w.root, *made);
    REQUIRE(item_saved.ok());
    CHECK(item_saved->revision == 2);
    item_form.order = 5;
    CHECK(w.engine->update_sidebar_item(w.root, item_form).code() == Code::conflict);

    // A contact is changed field by field (its value and status); each change moves its revision.
    Contact contact = w.contact(created.id, ContactKind::email, "ana@example.org");
    CHECK(contact.revision == 1);
    auto changed = w.engine->update_contact(w.root, contact.id, "ana.lopez@example.org", ContactStatus::valid);
    REQUIRE(changed.ok());
    CHECK(changed->revision == 2);
    CHECK(w.engine->get_contact(w.root, contact.id)->revision == 2);
}
