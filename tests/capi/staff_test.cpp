// The staff functions of the C ABI: JSON records in and out, permissions, agency isolation, strict
// reading that writes nothing on a refusal, and no exception crossing the boundary.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capi/internal.hpp"
#include "capi/c_support.hpp"
#include "sesame/sesame.h"

namespace {

using nlohmann::json;

using namespace sesame::test::capi;

// Throws from the inside of the engine while `mode` is set.
enum class Throw { none, runtime, bad_alloc };

void maybe_throw(const std::atomic<Throw>& mode) {
    switch (mode.load()) {
        case Throw::none: return;
        case Throw::runtime: throw std::runtime_error("the clock fell off the wall");
        case Throw::bad_alloc: throw std::bad_alloc();
    }
}

class ThrowingClock final : public sesame::Clock {
public:
    sesame::UnixTime now() const override {
        maybe_throw(mode);
        return inner.now();
    }
    sesame::FakeClock inner;
    std::atomic<Throw> mode{Throw::none};
};

// The store's own directory, except that it throws while `mode` is set.
class ThrowingDirectory final : public sesame::Directory {
public:
    explicit ThrowingDirectory(std::shared_ptr<sesame::Store> store) : inner_(sesame::make_store_directory(std::move(store))) {}
    sesame::Result<std::vector<sesame::Owner>> find_owners(sesame::Id agency_id, const std::string& value) override {
        maybe_throw(mode);
        return inner_->find_owners(agency_id, value);
    }
    sesame::Result<sesame::Client> get_client(sesame::Id agency_id, sesame::Id client_id) override {
        maybe_throw(mode);
        return inner_->get_client(agency_id, client_id);
    }
    sesame::Result<std::vector<sesame::Contact>> list_contacts(sesame::Id agency_id, sesame::Id client_id) override {
        maybe_throw(mode);
        return inner_->list_contacts(agency_id, client_id);
    }
    std::atomic<Throw> mode{Throw::none};

private:
    std::shared_ptr<sesame::Directory> inner_;
};

// A C-API engine handle over the memory store, and two agencies made through the C API: A, with a
// portal, a client and a phone contact, and B, with the same.
struct World {
    std::shared_ptr<sesame::Store> store = sesame::make_memory_store();
    std::shared_ptr<ThrowingClock> clock = std::make_shared<ThrowingClock>();
    std::shared_ptr<ThrowingDirectory> directory = std::make_shared<ThrowingDirectory>(store);
    std::unique_ptr<sesame_engine> handle;
    CActor root{"root", 0, {}, true};
    json a, b, portal_a, portal_b, client_a, client_b, contact_a, contact_b;

    World() {
        sesame::EngineOptions o;
        o.store = store;
        o.directory = directory;
        o.master_key = std::vector<std::uint8_t>(32, 0x5a);
        o.clock = clock;
        auto e = sesame::Engine::open(std::move(o));
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        handle = std::make_unique<sesame_engine>();
        handle->rep = std::move(*e);

        a = agency("Agency A");
        b = agency("Agency B");
        portal_a = portal(a, "portal-a");
        portal_b = portal(b, "portal-b");
        client_a = client(a, "Ann");
        client_b = client(b, "Ben");
        contact_a = contact(client_a, "phone", "(555) 123-4567");
        contact_b = contact(client_b, "phone", "(555) 123-4567");
    }

    sesame_engine* engine() { return handle.get(); }

    json agency(const std::string& name) {
        const std::string record = json{{"name", name}, {"time_zone", "America/Chicago"}}.dump();
        return ok([&](sesame_buf* out) { return sesame_agency_create(out, engine(), root.get(), record.c_str()); });
    }
    json portal(const json& agency, const std::string& slug) {
        const std::string record =
            json{{"agency_id", agency["id"]}, {"name", "Portal " + slug}, {"slug", slug}, {"client_auth", "one-time-password"}}
                .dump();
        return ok([&](sesame_buf* out) { return sesame_portal_create(out, engine(), root.get(), record.c_str()); });
    }
    json client(const json& agency, const std::string& first) {
        const std::string record = json{{"agency_id", agency["id"]}, {"first_name", first}, {"last_name", "Lee"}}.dump();
        return ok([&](sesame_buf* out) { return sesame_client_create(out, engine(), root.get(), record.c_str()); });
    }
    json contact(const json& client, const std::string& kind, const std::string& value) {
        const std::string record = json{{"client_id", client["id"]}, {"kind", kind}, {"value", value}}.dump();
        return ok([&](sesame_buf* out) { return sesame_contact_add(out, engine(), root.get(), record.c_str()); });
    }

    // Every audit event of every agency: a refusal before the engine leaves this unchanged.
    std::size_t audit_count() {
        auto events = store->list_audit(0, 100000);
        REQUIRE(events.ok());
        return events->size();
    }
};

int64_t id_of(const json& j) { return j.at("id").get<int64_t>(); }

// The checks every JSON-record call shares. `run(record)` makes the call with that record text;
// `stored()` reads the record back as it is stored. Each refusal must leave it, and the audit log,
// unchanged; each message must name what was wrong.
template <class Run, class Stored>
void refuses_bad_records(World& w, const std::string& record, Run&& run, Stored&& stored) {
    const json before = stored();
    const std::size_t events = w.audit_count();
    struct Case {
        std::string text;
        std::string named;
    };
    const std::vector<Case> cases = {
        {"{", "not valid JSON"},
        {R"({"colour": "red", "colour": "blue"})", "\"colour\" twice"},
        {"[1, 2]", "must be a JSON object"},
        {"\"text\"", "must be a JSON object"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        Answer ans = call([&](sesame_buf* out) { return run(out, c.text.c_str()); });
        CHECK(ans.status == SESAME_E_INVALID_ARGUMENT);
        CHECK_MESSAGE(has(ans.message, c.named), ans.message);
    }
    // A field the record does not have is no refusal but a warning (capi_test.c, test_bad_json);
    // in a record refused before it is read (here: a field named twice) it is not even that.
    std::string twice = json::parse(record).dump();
    twice.pop_back();
    twice += std::string(twice.size() > 1 ? "," : "") + R"("colour": 1, "colour": 2})";
    Answer refused = call([&](sesame_buf* out) { return run(out, twice.c_str()); });
    CHECK(refused.status == SESAME_E_INVALID_ARGUMENT);
    CHECK_MESSAGE(has(refused.message, "twice"), refused.message);
    CHECK(std::string(sesame_last_warnings()) == "[]");
    CHECK(stored() == before);
    CHECK(w.audit_count() == events);
}

}  // namespace

TEST_CASE("capi staff: misuse of the arguments is INVALID_ARGUMENT naming the argument") {
    World w;
    const std::string record = R"({"agency_id": 1, "first_name": "Cy"})";
    sesame_buf out{nullptr, 0};

    CHECK(sesame_client_create(nullptr, w.engine(), w.root.get(), record.c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "sesame_client_create: out_json is NULL"));
    CHECK(sesame_client_create(&out, nullptr, w.root.get(), record.c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "engine is NULL"));
    CHECK(sesame_client_create(&out, w.engine(), nullptr, record.c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "actor is NULL"));
    CHECK(sesame_client_create(&out, w.engine(), w.root.get(), nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "client_json is NULL"));
    CHECK(sesame_template_set(w.engine(), w.root.get(), nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "template_json is NULL"));
    int64_t count = -1;
    CHECK(sesame_client_sessions_revoke(nullptr, w.engine(), w.root.get(), 1) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "out_count is NULL"));
    CHECK(sesame_client_sessions_revoke(&count, nullptr, w.root.get(), 1) == SESAME_E_INVALID_ARGUMENT);
    CHECK(count == -1);

    SUBCASE("an actor struct from a future or broken caller") {
        sesame_actor small = *w.root.get();
        small.struct_size = offsetof(sesame_actor, super_admin);  // misses a first-version field
        CHECK(sesame_agency_get(&out, w.engine(), &small, id_of(w.a)) == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(sesame_last_error_message(), "actor.struct_size"));

        sesame_actor no_id = *w.root.get();
        no_id.id = nullptr;
        CHECK(sesame_agency_get(&out, w.engine(), &no_id, id_of(w.a)) == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(sesame_last_error_message(), "actor.id is NULL"));

        const char* perms[] = {"view_messages", nullptr};
        sesame_actor holes = SESAME_ACTOR_INIT;
        holes.id = "ann";
        holes.agency_id = id_of(w.a);
        holes.permissions = perms;
        holes.permission_count = 2;
        CHECK(sesame_agency_get(&out, w.engine(), &holes, id_of(w.a)) == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(sesame_last_error_message(), "actor.permissions[1] is NULL"));

        holes.permissions = nullptr;
        CHECK(sesame_agency_get(&out, w.engine(), &holes, id_of(w.a)) == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(sesame_last_error_message(), "actor.permissions is NULL"));
    }
    CHECK(out.data == nullptr);
}

TEST_CASE("capi staff: agencies") {
    World w;
    CActor staff_a("ann", id_of(w.a), {"create_portals", "update_portals", "view_audit"});
    const int64_t a = id_of(w.a);
    auto stored = [&] { return ok([&](sesame_buf* out) { return sesame_agency_get(out, w.engine(), w.root.get(), a); }); };

    SUBCASE("create and read back") {
        CHECK(w.a["name"] == "Agency A");
        CHECK(w.a["time_zone"] == "America/Chicago");
        CHECK(w.a["send_mode"] == "simulate");
        CHECK(a > 0);
        CHECK(w.a["created_at"].get<int64_t>() == w.clock->inner.now());
        CHECK(stored() == w.a);
        // Staff see their own agency, and another agency's does not exist for them.
        CHECK(ok([&](sesame_buf* out) { return sesame_agency_get(out, w.engine(), staff_a.get(), a); }) == w.a);
        Answer other = call([&](sesame_buf* out) { return sesame_agency_get(out, w.engine(), staff_a.get(), id_of(w.b)); });
        CHECK(other.status == SESAME_E_NOT_FOUND);
    }
    SUBCASE("create refusals") {
        const std::string named = R"({"name": "Agency C"})";
        Answer denied = call([&](sesame_buf* out) { return sesame_agency_create(out, w.engine(), staff_a.get(), named.c_str()); });
        CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
        Answer with_id = call([&](sesame_buf* out) {
            return sesame_agency_create(out, w.engine(), w.root.get(), R"({"id": 7, "name": "Agency C"})");
        });
        CHECK(with_id.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(with_id.message, "\"agency.id\""));
        Answer wrong = call([&](sesame_buf* out) { return sesame_agency_create(out, w.engine(), w.root.get(), R"({"name": 5})"); });
        CHECK(wrong.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(wrong.message, "\"agency.name\" must be a string"));
        Answer missing = call([&](sesame_buf* out) { return sesame_agency_create(out, w.engine(), w.root.get(), "{}"); });
        CHECK(missing.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(missing.message, "agency.name"));
        auto agencies = [&] {
            auto all = w.store->list_agencies();
            REQUIRE(all.ok());
            json names = json::array();
            for (const auto& x : *all) names.push_back(x.name);
            return names;
        };
        CHECK(agencies() == json({"Agency A", "Agency B"}));
        refuses_bad_records(w, named,
                            [&](sesame_buf* out, const char* text) { return sesame_agency_create(out, w.engine(), w.root.get(), text); },
                            agencies);
        CHECK(agencies() == json({"Agency A", "Agency B"}));
    }
    SUBCASE("a partial update changes only the fields given") {
        const std::string change = json{{"id", a}, {"time_zone", "America/Denver"}, {"sms_countries", {"US", "CA"}}}.dump();
        json after = ok([&](sesame_buf* out) { return sesame_agency_update(out, w.engine(), w.root.get(), change.c_str()); });
        CHECK(after["time_zone"] == "America/Denver");
        CHECK(after["sms_countries"] == json({"US", "CA"}));
        CHECK(after["name"] == "Agency A");
        CHECK(after["created_at"] == w.a["created_at"]);
        CHECK(stored() == after);
    }
    SUBCASE("update refusals write nothing") {
        const std::string change = json{{"id", a}, {"name", "Renamed"}}.dump();
        const std::size_t events = w.audit_count();
        Answer denied = call([&](sesame_buf* out) { return sesame_agency_update(out, w.engine(), staff_a.get(), change.c_str()); });
        CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
        CHECK(stored() == w.a);
        CHECK(w.audit_count() == events + 1);  // the engine records a refused permission

        Answer missing = call([&](sesame_buf* out) {
            return sesame_agency_update(out, w.engine(), w.root.get(), R"({"id": 999, "name": "Nobody"})");
        });
        CHECK(missing.status == SESAME_E_NOT_FOUND);
        Answer no_id = call([&](sesame_buf* out) { return sesame_agency_update(out, w.engine(), w.root.get(), R"({"name": "X"})"); });
        CHECK(no_id.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(no_id.message, "\"agency.id\""));
        // A wrong type in the middle of good fields: not even the good ones are written.
        const std::string mixed = json{{"id", a}, {"name", "Renamed"}, {"sms_per_hour_limit", "many"}}.dump();
        Answer wrong = call([&](sesame_buf* out) { return sesame_agency_update(out, w.engine(), w.root.get(), mixed.c_str()); });
        CHECK(wrong.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(wrong.message, "\"agency.sms_per_hour_limit\" must be an integer"));
        // The engine's own validation, after the record was read: also nothing written.
        const std::string invalid = json{{"id", a}, {"name", "Renamed"}, {"default_region", "Narnia"}}.dump();
        Answer bad_region = call([&](sesame_buf* out) { return sesame_agency_update(out, w.engine(), w.root.get(), invalid.c_str()); });
        CHECK(bad_region.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(bad_region.message, "agency.default_region"));
        refuses_bad_records(w, change,
                            [&](sesame_buf* out, const char* text) { return sesame_agency_update(out, w.engine(), w.root.get(), text); },
                            stored);
        CHECK(stored() == w.a);
    }
}

TEST_CASE("capi staff: agency phones, addresses and templates") {
    World w;
    const int64_t a = id_of(w.a);
    CActor staff_a("ann", a, {"update_portals"});
    CActor staff_b("bob", id_of(w.b), {"update_portals"});
    auto phones = [&](const CActor& who, int64_t agency) {
        return call([&](sesame_buf* out) { return sesame_agency_phone_list(out, w.engine(), who.get(), agency); });
    };

    SUBCASE("phones") {
        const std::string record = json{{"agency_id", a}, {"number", "(555) 010-9999"}, {"registration", "pending"}}.dump();
        json phone = ok([&](sesame_buf* out) { return sesame_agency_phone_add(out, w.engine(), w.root.get(), record.c_str()); });
        CHECK(phone["number"] == "+15550109999");
        CHECK(phone["registration"] == "pending");
        CHECK(phone["agency_id"] == a);
        Answer listed = phones(staff_a, a);
        REQUIRE(listed.status == SESAME_OK);
        CHECK(listed.body == json::array({phone}));
        CHECK(phones(staff_b, a).status == SESAME_E_NOT_FOUND);

        Answer denied = call([&](sesame_buf* out) { return sesame_agency_phone_add(out, w.engine(), staff_a.get(), record.c_str()); });
        CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
        Answer twice = call([&](sesame_buf* out) { return sesame_agency_phone_add(out, w.engine(), w.root.get(), record.c_str()); });
        CHECK(twice.status == SESAME_E_ALREADY_EXISTS);
        Answer wrong = call([&](sesame_buf* out) {
            return sesame_agency_phone_add(out, w.engine(), w.root.get(), R"({"agency_id": "one", "number": "+15550109998"})");
        });
        CHECK(wrong.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(wrong.message, "\"agency_phone.agency_id\" must be an integer"));
        Answer bad_word = call([&](sesame_buf* out) {
            return sesame_agency_phone_add(out, w.engine(), w.root.get(),
                                           json{{"agency_id", a}, {"number", "+15550109998"}, {"registration", "done"}}.dump().c_str());
        });
        CHECK(bad_word.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(bad_word.message, "\"agency_phone.registration\" must be \"pending\" or \"complete\""));
        auto list_all = [&] { return ok([&](sesame_buf* out) { return sesame_agency_phone_list(out, w.engine(), w.root.get(), a); }); };
        refuses_bad_records(w, json{{"agency_id", a}, {"number", "+15550109998"}}.dump(),
                            [&](sesame_buf* out, const char* text) { return sesame_agency_phone_add(out, w.engine(), w.root.get(), text); },
                            list_all);

        // The carrier registration: the only thing about a phone that changes.
        const std::string done = json{{"id", phone["id"]}, {"agency_id", a}, {"registration", "complete"}}.dump();
        Answer update_denied = call([&](sesame_buf* out) { return sesame_agency_phone_update(out, w.engine(), staff_a.get(), done.c_str()); });
        CHECK(update_denied.status == SESAME_E_PERMISSION_DENIED);
        const std::string elsewhere = json{{"id", phone["id"]}, {"agency_id", id_of(w.b)}, {"registration", "complete"}}.dump();
        Answer wrong_agency = call([&](sesame_buf* out) { return sesame_agency_phone_update(out, w.engine(), w.root.get(), elsewhere.c_str()); });
        CHECK(wrong_agency.status == SESAME_E_NOT_FOUND);
        const std::string renumber = json{{"id", phone["id"]}, {"agency_id", a}, {"number", "+15550109998"}, {"registration", "complete"}}.dump();
        Answer number = call([&](sesame_buf* out) { return sesame_agency_phone_update(out, w.engine(), w.root.get(), renumber.c_str()); });
        CHECK(number.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(number.message, "\"agency_phone.number\""));
        Answer no_registration = call([&](sesame_buf* out) {
            return sesame_agency_phone_update(out, w.engine(), w.root.get(), json{{"id", phone["id"]}, {"agency_id", a}}.dump().c_str());
        });
        CHECK(no_registration.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(no_registration.message, "\"agency_phone.registration\" is required"));
        refuses_bad_records(w, done,
                            [&](sesame_buf* out, const char* text) { return sesame_agency_phone_update(out, w.engine(), w.root.get(), text); },
                            list_all);
        CHECK(list_all() == json::array({phone}));

        json registered = ok([&](sesame_buf* out) { return sesame_agency_phone_update(out, w.engine(), w.root.get(), done.c_str()); });
        CHECK(registered["registration"] == "complete");
        CHECK(registered["number"] == "+15550109999");
        CHECK(list_all() == json::array({registered}));
    }
    SUBCASE("addresses") {
        const std::string record = json{{"agency_id", a}, {"address", "Clerk@Court.Example.gov"}, {"display_name", "The Clerk"}}.dump();
        json email = ok([&](sesame_buf* out) { return sesame_agency_email_add(out, w.engine(), w.root.get(), record.c_str()); });
        CHECK(email["address"] == "clerk@court.example.gov");
        CHECK(email["display_name"] == "The Clerk");
        CHECK(ok([&](sesame_buf* out) { return sesame_agency_email_list(out, w.engine(), staff_a.get(), a); }) == json::array({email}));
        Answer other = call([&](sesame_buf* out) { return sesame_agency_email_list(out, w.engine(), staff_b.get(), a); });
        CHECK(other.status == SESAME_E_NOT_FOUND);
        Answer denied = call([&](sesame_buf* out) { return sesame_agency_email_add(out, w.engine(), staff_a.get(), record.c_str()); });
        CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
        Answer wrong = call([&](sesame_buf* out) {
            return sesame_agency_email_add(out, w.engine(), w.root.get(), json{{"agency_id", a}, {"address", true}}.dump().c_str());
        });
        CHECK(wrong.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(wrong.message, "\"agency_email.address\" must be a string"));
        refuses_bad_records(w, record,
                            [&](sesame_buf* out, const char* text) { return sesame_agency_email_add(out, w.engine(), w.root.get(), text); },
                            [&] { return ok([&](sesame_buf* out) { return sesame_agency_email_list(out, w.engine(), w.root.get(), a); }); });
    }
    SUBCASE("templates") {
        const std::string record =
            json{{"agency_id", a}, {"channel", "sms"}, {"language", "es"}, {"body", "Su código es {code}"}}.dump();
        CHECK(sesame_template_set(w.engine(), staff_a.get(), record.c_str()) == SESAME_OK);
        auto stored = w.store->get_template(a, sesame::Channel::sms, "es");
        REQUIRE(stored.ok());
        REQUIRE(stored->has_value());
        CHECK((*stored)->body == "Su código es {code}");

        const std::string other = json{{"agency_id", id_of(w.b)}, {"channel", "sms"}, {"language", "fr"}, {"body", "{code}"}}.dump();
        CHECK(sesame_template_set(w.engine(), staff_a.get(), other.c_str()) == SESAME_E_NOT_FOUND);
        CActor reader("rita", a, {"view_messages"});
        CHECK(sesame_template_set(w.engine(), reader.get(), record.c_str()) == SESAME_E_PERMISSION_DENIED);

        const std::size_t events = w.audit_count();
        struct Bad {
            std::string text;
            std::string named;
        };
        const std::vector<Bad> bad = {
            {"{", "not valid JSON"},
            {json{{"agency_id", a}, {"channel", "pigeon"}, {"language", "fr"}, {"body", "{code}"}}.dump(), "\"template.channel\""},
            {json{{"agency_id", a}, {"channel", "sms"}, {"language", "fr"}, {"body", 42}}.dump(), "\"template.body\" must be a string"},
            {json{{"agency_id", a}, {"channel", "sms"}, {"language", "fr"}, {"body", "{code}"}, {"id", 1}}.dump(), "\"template.id\""},
            {json{{"agency_id", a}, {"language", "fr"}, {"body", "{code}"}}.dump(), "\"template.channel\" is required"},
        };
        for (const auto& b : bad) {
            CAPTURE(b.text);
            CHECK(sesame_template_set(w.engine(), staff_a.get(), b.text.c_str()) == SESAME_E_INVALID_ARGUMENT);
            CHECK_MESSAGE(has(sesame_last_error_message(), b.named), sesame_last_error_message());
        }
        CHECK(w.audit_count() == events);
        auto fr = w.store->get_template(a, sesame::Channel::sms, "fr");
        REQUIRE(fr.ok());
        CHECK_FALSE(fr->has_value());
    }
}

TEST_CASE("capi staff: portals") {
    World w;
    const int64_t a = id_of(w.a);
    const int64_t p = id_of(w.portal_a);
    CActor staff_a("ann", a, {"create_portals", "update_portals"});
    CActor reader_a("rita", a, {"view_messages"});
    auto stored = [&] { return ok([&](sesame_buf* out) { return sesame_portal_get(out, w.engine(), w.root.get(), p); }); };

    SUBCASE("create, read back and list") {
        CHECK(w.portal_a["slug"] == "portal-a");
        CHECK(w.portal_a["client_auth"] == "one-time-password");
        CHECK(w.portal_a["settings"]["code_digits"] == 6);
        const std::string record = json{{"agency_id", a},
                                        {"name", "Jury"},
                                        {"slug", "jury-a"},
                                        {"settings", {{"code_digits", 8}, {"unknown_contact_response", "uniform"}}}}
                                       .dump();
        json jury = ok([&](sesame_buf* out) { return sesame_portal_create(out, w.engine(), staff_a.get(), record.c_str()); });
        CHECK(jury["settings"]["code_digits"] == 8);
        CHECK(jury["settings"]["unknown_contact_response"] == "uniform");
        CHECK(jury["settings"]["code_ttl_seconds"] == 600);
        CHECK(jury["client_auth"] == "disabled");
        CHECK(ok([&](sesame_buf* out) { return sesame_portal_get(out, w.engine(), reader_a.get(), id_of(jury)); }) == jury);
        CHECK(ok([&](sesame_buf* out) { return sesame_portal_list(out, w.engine(), reader_a.get(), a); }) ==
              json::array({w.portal_a, jury}));
        CHECK(call([&](sesame_buf* out) { return sesame_portal_get(out, w.engine(), staff_a.get(), id_of(w.portal_b)); }).status ==
              SESAME_E_NOT_FOUND);
        CHECK(call([&](sesame_buf* out) { return sesame_portal_list(out, w.engine(), staff_a.get(), id_of(w.b)); }).status ==
              SESAME_E_NOT_FOUND);
    }
    SUBCASE("create refusals") {
        const std::string record = json{{"agency_id", a}, {"name", "Jury"}, {"slug", "jury-a"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_portal_create(out, w.engine(), reader_a.get(), record.c_str()); }).status ==
              SESAME_E_PERMISSION_DENIED);
        const std::string into_b = json{{"agency_id", id_of(w.b)}, {"name", "Jury"}, {"slug", "jury-b"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_portal_create(out, w.engine(), staff_a.get(), into_b.c_str()); }).status ==
              SESAME_E_NOT_FOUND);
        Answer nested = call([&](sesame_buf* out) {
            return sesame_portal_create(out, w.engine(), staff_a.get(),
                                        json{{"agency_id", a}, {"name", "J"}, {"slug", "j"}, {"settings", {{"code_digitz", 8}}}}.dump().c_str());
        });
        // A misspelt setting is no refusal: it is ignored and named in the warnings.
        CHECK(nested.status == SESAME_OK);
        CHECK(has(sesame_last_warnings(), "portal.settings.code_digitz"));
        CHECK(nested.body["settings"]["code_digits"] == 6);
        Answer no_agency = call([&](sesame_buf* out) {
            return sesame_portal_create(out, w.engine(), staff_a.get(), R"({"name": "J", "slug": "j"})");
        });
        CHECK(no_agency.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(no_agency.message, "\"portal.agency_id\" is required"));
        refuses_bad_records(w, record,
                            [&](sesame_buf* out, const char* text) { return sesame_portal_create(out, w.engine(), staff_a.get(), text); },
                            [&] { return ok([&](sesame_buf* out) { return sesame_portal_list(out, w.engine(), w.root.get(), a); }); });
    }
    SUBCASE("a partial update, nested settings included") {
        const std::string change = json{{"id", p}, {"settings", {{"max_attempts", 3}}}}.dump();
        json after = ok([&](sesame_buf* out) { return sesame_portal_update(out, w.engine(), staff_a.get(), change.c_str()); });
        CHECK(after["settings"]["max_attempts"] == 3);
        CHECK(after["settings"]["code_digits"] == 6);
        CHECK(after["slug"] == "portal-a");
        CHECK(after["name"] == w.portal_a["name"]);
        CHECK(stored() == after);
    }
    SUBCASE("update refusals write nothing") {
        const std::string change = json{{"id", p}, {"name", "Renamed"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_portal_update(out, w.engine(), reader_a.get(), change.c_str()); }).status ==
              SESAME_E_PERMISSION_DENIED);
        const std::string other = json{{"id", id_of(w.portal_b)}, {"name", "Renamed"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_portal_update(out, w.engine(), staff_a.get(), other.c_str()); }).status ==
              SESAME_E_NOT_FOUND);
        const std::string out_of_bounds = json{{"id", p}, {"name", "Renamed"}, {"settings", {{"code_digits", 5}}}}.dump();
        Answer bounds = call([&](sesame_buf* out) { return sesame_portal_update(out, w.engine(), staff_a.get(), out_of_bounds.c_str()); });
        CHECK(bounds.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(bounds.message, "code_digits"));
        const std::string wrong = json{{"id", p}, {"name", "Renamed"}, {"settings", {{"max_attempts", 2.5}}}}.dump();
        Answer typed = call([&](sesame_buf* out) { return sesame_portal_update(out, w.engine(), staff_a.get(), wrong.c_str()); });
        CHECK(typed.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(typed.message, "\"portal.settings.max_attempts\" must be an integer"));
        refuses_bad_records(w, change,
                            [&](sesame_buf* out, const char* text) { return sesame_portal_update(out, w.engine(), staff_a.get(), text); },
                            stored);
        CHECK(stored() == w.portal_a);
        CHECK(ok([&](sesame_buf* out) { return sesame_portal_get(out, w.engine(), w.root.get(), id_of(w.portal_b)); })["name"] ==
              w.portal_b["name"]);
    }
}

TEST_CASE("capi staff: clients and contacts") {
    World w;
    const int64_t a = id_of(w.a);
    const int64_t c = id_of(w.client_a);
    CActor staff_a("ann", a, {"create_clients", "update_clients", "create_contacts", "update_contacts"});
    CActor reader_a("rita", a, {"view_messages"});
    auto stored = [&] { return ok([&](sesame_buf* out) { return sesame_client_get(out, w.engine(), w.root.get(), c); }); };
    auto contacts = [&] { return ok([&](sesame_buf* out) { return sesame_contact_list(out, w.engine(), w.root.get(), c); }); };

    SUBCASE("clients: create, read, list, partial update") {
        CHECK(w.client_a["first_name"] == "Ann");
        CHECK(w.client_a["language"] == "en");
        CHECK(w.client_a["archived"] == false);
        const std::string record = json{{"agency_id", a}, {"first_name", "Cy"}, {"last_name", "Moss"}, {"dob", "1990-02-28"},
                                        {"group", "jurors"}}
                                       .dump();
        json cy = ok([&](sesame_buf* out) { return sesame_client_create(out, w.engine(), staff_a.get(), record.c_str()); });
        CHECK(cy["group"] == "jurors");
        CHECK(ok([&](sesame_buf* out) { return sesame_client_get(out, w.engine(), reader_a.get(), id_of(cy)); }) == cy);
        CHECK(ok([&](sesame_buf* out) { return sesame_client_list(out, w.engine(), reader_a.get(), a); }) ==
              json::array({w.client_a, cy}));
        CHECK(call([&](sesame_buf* out) { return sesame_client_list(out, w.engine(), reader_a.get(), id_of(w.b)); }).status ==
              SESAME_E_NOT_FOUND);
        CHECK(call([&](sesame_buf* out) { return sesame_client_get(out, w.engine(), staff_a.get(), id_of(w.client_b)); }).status ==
              SESAME_E_NOT_FOUND);

        const std::string change = json{{"id", c}, {"language", "es"}}.dump();
        json after = ok([&](sesame_buf* out) { return sesame_client_update(out, w.engine(), staff_a.get(), change.c_str()); });
        CHECK(after["language"] == "es");
        CHECK(after["first_name"] == "Ann");
        CHECK(stored() == after);
    }
    SUBCASE("clients: refusals write nothing") {
        const std::string record = json{{"agency_id", a}, {"first_name", "Cy"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_client_create(out, w.engine(), reader_a.get(), record.c_str()); }).status ==
              SESAME_E_PERMISSION_DENIED);
        Answer archived = call([&](sesame_buf* out) {
            return sesame_client_create(out, w.engine(), staff_a.get(), json{{"agency_id", a}, {"archived", "no"}}.dump().c_str());
        });
        CHECK(archived.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(archived.message, "\"client.archived\" must be true or false"));
        Answer with_id = call([&](sesame_buf* out) {
            return sesame_client_create(out, w.engine(), staff_a.get(), json{{"agency_id", a}, {"id", c}}.dump().c_str());
        });
        CHECK(with_id.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(with_id.message, "\"client.id\""));
        refuses_bad_records(w, record,
                            [&](sesame_buf* out, const char* text) { return sesame_client_create(out, w.engine(), staff_a.get(), text); },
                            [&] { return ok([&](sesame_buf* out) { return sesame_client_list(out, w.engine(), w.root.get(), a); }); });

        const std::string change = json{{"id", c}, {"first_name", "Anne"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_client_update(out, w.engine(), reader_a.get(), change.c_str()); }).status ==
              SESAME_E_PERMISSION_DENIED);
        const std::string other = json{{"id", id_of(w.client_b)}, {"first_name", "Anne"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_client_update(out, w.engine(), staff_a.get(), other.c_str()); }).status ==
              SESAME_E_NOT_FOUND);
        const std::string move = json{{"id", c}, {"agency_id", id_of(w.b)}}.dump();
        Answer moved = call([&](sesame_buf* out) { return sesame_client_update(out, w.engine(), w.root.get(), move.c_str()); });
        CHECK(moved.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(moved.message, "client.agency_id"));
        const std::string bad_dob = json{{"id", c}, {"first_name", "Anne"}, {"dob", "1990-02-30"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_client_update(out, w.engine(), staff_a.get(), bad_dob.c_str()); }).status ==
              SESAME_E_INVALID_ARGUMENT);
        refuses_bad_records(w, change,
                            [&](sesame_buf* out, const char* text) { return sesame_client_update(out, w.engine(), staff_a.get(), text); },
                            stored);
        CHECK(stored() == w.client_a);
        CHECK(ok([&](sesame_buf* out) { return sesame_client_get(out, w.engine(), w.root.get(), id_of(w.client_b)); }) == w.client_b);
    }
    SUBCASE("contacts: add, list, update") {
        CHECK(w.contact_a["value"] == "+15551234567");
        CHECK(w.contact_a["kind"] == "phone");
        CHECK(w.contact_a["status"] == "valid");
        CHECK(w.contact_a["client_id"] == c);
        const std::string record = json{{"client_id", c}, {"kind", "email"}, {"value", "Ann@Example.org"}}.dump();
        json email = ok([&](sesame_buf* out) { return sesame_contact_add(out, w.engine(), staff_a.get(), record.c_str()); });
        CHECK(email["value"] == "ann@example.org");
        CHECK(ok([&](sesame_buf* out) { return sesame_contact_list(out, w.engine(), reader_a.get(), c); }) ==
              json::array({w.contact_a, email}));
        CHECK(call([&](sesame_buf* out) { return sesame_contact_list(out, w.engine(), reader_a.get(), id_of(w.client_b)); }).status ==
              SESAME_E_NOT_FOUND);

        // Only the status: the value stays.
        const std::string opt_out = json{{"id", id_of(email)}, {"status", "opted_out"}}.dump();
        json after = ok([&](sesame_buf* out) { return sesame_contact_update(out, w.engine(), staff_a.get(), opt_out.c_str()); });
        CHECK(after["status"] == "opted_out");
        CHECK(after["value"] == "ann@example.org");
        // Only the value: the status stays.
        const std::string moved = json{{"id", id_of(email)}, {"value", "ANN@example.net"}}.dump();
        after = ok([&](sesame_buf* out) { return sesame_contact_update(out, w.engine(), staff_a.get(), moved.c_str()); });
        CHECK(after["value"] == "ann@example.net");
        CHECK(after["status"] == "opted_out");
        // A record read back may be sent again whole.
        json whole = after;
        whole["status"] = "valid";
        after = ok([&](sesame_buf* out) { return sesame_contact_update(out, w.engine(), staff_a.get(), whole.dump().c_str()); });
        whole["revision"] = whole["revision"].get<int>() + 1;  // it names the revision it was read at, and moves it on
        CHECK(after == whole);
        CHECK(contacts() == json::array({w.contact_a, whole}));
    }
    SUBCASE("contacts: refusals write nothing") {
        const std::string record = json{{"client_id", c}, {"kind", "email"}, {"value", "ann@example.org"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_contact_add(out, w.engine(), reader_a.get(), record.c_str()); }).status ==
              SESAME_E_PERMISSION_DENIED);
        const std::string to_b = json{{"client_id", id_of(w.client_b)}, {"kind", "email"}, {"value", "x@example.org"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_contact_add(out, w.engine(), staff_a.get(), to_b.c_str()); }).status ==
              SESAME_E_NOT_FOUND);
        Answer kind = call([&](sesame_buf* out) {
            return sesame_contact_add(out, w.engine(), staff_a.get(),
                                      json{{"client_id", c}, {"kind", "fax"}, {"value", "x"}}.dump().c_str());
        });
        CHECK(kind.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(kind.message, "\"contact.kind\" must be \"phone\" or \"email\""));
        Answer status = call([&](sesame_buf* out) {
            return sesame_contact_add(out, w.engine(), staff_a.get(),
                                      json{{"client_id", c}, {"kind", "email"}, {"value", "x@example.org"}, {"status", "valid"}}.dump().c_str());
        });
        CHECK(status.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(status.message, "\"contact.status\""));
        Answer no_value = call([&](sesame_buf* out) {
            return sesame_contact_add(out, w.engine(), staff_a.get(), json{{"client_id", c}, {"kind", "email"}}.dump().c_str());
        });
        CHECK(no_value.status == SESAME_E_INVALID_ARGUMENT);
        CHECK(has(no_value.message, "\"contact.value\" is required"));
        refuses_bad_records(w, record,
                            [&](sesame_buf* out, const char* text) { return sesame_contact_add(out, w.engine(), staff_a.get(), text); },
                            contacts);

        const int64_t k = id_of(w.contact_a);
        const std::string change = json{{"id", k}, {"status", "invalid"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_contact_update(out, w.engine(), reader_a.get(), change.c_str()); }).status ==
              SESAME_E_PERMISSION_DENIED);
        const std::string other = json{{"id", id_of(w.contact_b)}, {"status", "invalid"}}.dump();
        CHECK(call([&](sesame_buf* out) { return sesame_contact_update(out, w.engine(), staff_a.get(), other.c_str()); }).status ==
              SESAME_E_NOT_FOUND);
        for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
                 {"kind", "email"}, {"client_id", id_of(w.client_b)}, {"agency_id", id_of(w.b)}}) {
            CAPTURE(field);
            json fixed = {{"id", k}, {"status", "invalid"}, {field, value}};
            Answer refused = call([&](sesame_buf* out) { return sesame_contact_update(out, w.engine(), w.root.get(), fixed.dump().c_str()); });
            CHECK(refused.status == SESAME_E_INVALID_ARGUMENT);
            CHECK(has(refused.message, "\"contact." + field + "\" cannot change"));
        }
        Answer bad_phone = call([&](sesame_buf* out) {
            return sesame_contact_update(out, w.engine(), staff_a.get(), json{{"id", k}, {"value", "not a phone"}}.dump().c_str());
        });
        CHECK(bad_phone.status == SESAME_E_INVALID_ARGUMENT);
        refuses_bad_records(w, change,
                            [&](sesame_buf* out, const char* text) { return sesame_contact_update(out, w.engine(), staff_a.get(), text); },
                            contacts);
        CHECK(contacts() == json::array({w.contact_a}));
    }
}

TEST_CASE("capi staff: message feed, sessions and the audit log") {
    World w;
    const int64_t a = id_of(w.a);
    const int64_t c = id_of(w.client_a);
    CActor viewer("vic", a, {"view_messages"});
    CActor manager("max", a, {"update_clients"});
    CActor auditor("ada", a, {"view_audit"});
    CActor nobody("nat", a, {});
    sesame::Engine& engine = *w.engine()->rep;

    const std::string phone = json{{"agency_id", a}, {"number", "+15555550100"}, {"registration", "complete"}}.dump();
    ok([&](sesame_buf* out) { return sesame_agency_phone_add(out, w.engine(), w.root.get(), phone.c_str()); });
    // A login in simulate mode: the code is in the feed, whole (the seed's test procedure).
    auto started = engine.start_login(id_of(w.portal_a), "(555) 123-4567", {"203.0.113.7", "doctest"});
    REQUIRE_MESSAGE(started.ok(), started.status().message());
    json feed = ok([&](sesame_buf* out) { return sesame_message_feed(out, w.engine(), viewer.get(), c, 10); });
    REQUIRE(feed.size() == 1);
    CHECK(feed[0]["status"] == "simulated");
    CHECK(feed[0]["to"] == "+15551234567");
    CHECK_FALSE(feed[0].contains("sealed"));
    const std::string content = feed[0]["content"].get<std::string>();
    const auto digits = content.find_first_of("0123456789");
    REQUIRE(digits != std::string::npos);
    const std::string code = content.substr(digits, 6);
    CHECK(ok([&](sesame_buf* out) { return sesame_message_feed(out, w.engine(), viewer.get(), c, 0); }) == json::array());
    CHECK(call([&](sesame_buf* out) { return sesame_message_feed(out, w.engine(), nobody.get(), c, 10); }).status ==
          SESAME_E_PERMISSION_DENIED);
    CHECK(call([&](sesame_buf* out) { return sesame_message_feed(out, w.engine(), viewer.get(), id_of(w.client_b), 10); }).status ==
          SESAME_E_NOT_FOUND);

    auto verified = engine.verify_login(id_of(w.portal_a), started->challenge_id, code, {"203.0.113.7", "doctest"});
    REQUIRE_MESSAGE(verified.ok(), verified.status().message());

    json sessions = ok([&](sesame_buf* out) { return sesame_client_sessions(out, w.engine(), manager.get(), c); });
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0]["session_id"] == verified->session_id);
    CHECK(sessions[0]["client_id"] == c);
    CHECK(sessions[0]["assurance"] == "aal1");
    CHECK_FALSE(has(sessions.dump(), verified->token));
    CHECK(call([&](sesame_buf* out) { return sesame_client_sessions(out, w.engine(), viewer.get(), c); }).status ==
          SESAME_E_PERMISSION_DENIED);
    CHECK(call([&](sesame_buf* out) { return sesame_client_sessions(out, w.engine(), manager.get(), id_of(w.client_b)); }).status ==
          SESAME_E_NOT_FOUND);

    int64_t revoked = -1;
    CHECK(sesame_client_sessions_revoke(&revoked, w.engine(), viewer.get(), c) == SESAME_E_PERMISSION_DENIED);
    CHECK(revoked == -1);
    CHECK(sesame_client_sessions_revoke(&revoked, w.engine(), manager.get(), id_of(w.client_b)) == SESAME_E_NOT_FOUND);
    CHECK(revoked == -1);
    REQUIRE(sesame_client_sessions_revoke(&revoked, w.engine(), manager.get(), c) == SESAME_OK);
    CHECK(revoked == 1);
    CHECK(engine.check_session(id_of(w.portal_a), verified->token).code() == sesame::Code::session_invalid);
    REQUIRE(sesame_client_sessions_revoke(&revoked, w.engine(), manager.get(), c) == SESAME_OK);
    CHECK(revoked == 0);

    json log = ok([&](sesame_buf* out) { return sesame_audit_log(out, w.engine(), auditor.get(), a, 1000); });
    REQUIRE(log.is_array());
    REQUIRE_FALSE(log.empty());
    bool saw_verify = false;
    for (const auto& e : log) {
        CHECK(e["agency_id"] == a);
        if (e["action"] == "login.verify" && e["outcome"] == "ok") saw_verify = true;
    }
    CHECK(saw_verify);
    CHECK(log.front()["id"].get<int64_t>() > log.back()["id"].get<int64_t>());  // newest first
    CHECK_FALSE(has(log.dump(), code));
    CHECK(ok([&](sesame_buf* out) { return sesame_audit_log(out, w.engine(), auditor.get(), a, 2); }).size() == 2);
    CHECK(call([&](sesame_buf* out) { return sesame_audit_log(out, w.engine(), viewer.get(), a, 10); }).status ==
          SESAME_E_PERMISSION_DENIED);
    CHECK(call([&](sesame_buf* out) { return sesame_audit_log(out, w.engine(), auditor.get(), id_of(w.b), 10); }).status ==
          SESAME_E_NOT_FOUND);
}

TEST_CASE("capi staff: no exception crosses the ABI") {
    World w;
    const int64_t a = id_of(w.a);
    const std::string record = json{{"agency_id", a}, {"first_name", "Cy"}}.dump();
    auto clients = [&] { return ok([&](sesame_buf* out) { return sesame_client_list(out, w.engine(), w.root.get(), a); }); };
    const json before = clients();

    SUBCASE("std::runtime_error is SESAME_E_INTERNAL with its text") {
        w.clock->mode = Throw::runtime;
        Answer ans = call([&](sesame_buf* out) { return sesame_client_create(out, w.engine(), w.root.get(), record.c_str()); });
        w.clock->mode = Throw::none;
        CHECK(ans.status == SESAME_E_INTERNAL);
        CHECK(has(ans.message, "the clock fell off the wall"));
        CHECK(has(ans.message, "please report"));

        w.directory->mode = Throw::runtime;
        Answer feed = call([&](sesame_buf* out) { return sesame_message_feed(out, w.engine(), w.root.get(), id_of(w.client_a), 10); });
        w.directory->mode = Throw::none;
        CHECK(feed.status == SESAME_E_INTERNAL);
        CHECK(has(feed.message, "the clock fell off the wall"));
    }
    SUBCASE("std::bad_alloc is SESAME_E_NOMEM") {
        w.clock->mode = Throw::bad_alloc;
        Answer ans = call([&](sesame_buf* out) { return sesame_client_create(out, w.engine(), w.root.get(), record.c_str()); });
        CHECK(ans.status == SESAME_E_NOMEM);
        CHECK(has(ans.message, "out of memory"));
        CHECK(sesame_template_set(w.engine(), w.root.get(),
                                  json{{"agency_id", a}, {"channel", "sms"}, {"language", "es"}, {"body", "{code}"}}.dump().c_str()) ==
              SESAME_E_NOMEM);
        w.clock->mode = Throw::none;

        w.directory->mode = Throw::bad_alloc;
        Answer feed = call([&](sesame_buf* out) { return sesame_message_feed(out, w.engine(), w.root.get(), id_of(w.client_a), 10); });
        w.directory->mode = Throw::none;
        CHECK(feed.status == SESAME_E_NOMEM);
    }
    // The engine is still whole afterwards, and the failed call made nothing.
    CHECK(std::string(sesame_last_error_message()).size() > 0);
    CHECK(clients() == before);
    json cy = ok([&](sesame_buf* out) { return sesame_client_create(out, w.engine(), w.root.get(), record.c_str()); });
    CHECK(cy["first_name"] == "Cy");
    // A success clears the last error (sesame.h, convention 3).
    CHECK(std::string(sesame_last_error_message()).empty());
}

TEST_CASE("capi staff: a very long unknown field name is cut in the warnings, and at most 32 are kept") {
    World w;
    json record = {{"agency_id", id_of(w.a)}, {"first_name", "Ann"}};
    record["a" + std::string(100000, 'x')] = 1;  // read first: object members are read in name order
    for (int i = 0; i < 40; ++i) record["extra" + std::to_string(i)] = i;
    Answer made = call([&](sesame_buf* out) { return sesame_client_create(out, w.engine(), w.root.get(), record.dump().c_str()); });
    REQUIRE(made.status == SESAME_OK);
    const json warnings = json::parse(sesame_last_warnings());
    REQUIRE(warnings.size() == 32);
    for (const auto& warning : warnings) CHECK(warning.get<std::string>().size() <= 303);
    CHECK(warnings[0].get<std::string>().ends_with("..."));
    CHECK(has(warnings[0].get<std::string>(), "client.axxx"));
    CHECK(has(warnings[1].get<std::string>(), "client.extra0"));
}
