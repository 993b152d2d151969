// A host's case system plugged in through sesame_directory_vtable: what DirectoryAdapter reads from
// it, what it refuses, and that destroy runs exactly once.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>

#include "capi/store_adapter.hpp"
#include "capi/store_codec.hpp"
#include "sesame/clock.hpp"
#include "sesame/engine.hpp"

namespace {

using sesame::Code;

sesame_status write(sesame_sink* sink, const std::string& text) { return sesame_sink_write(sink, text.data(), text.size()); }

// A directory that answers each callback with a fixed status, JSON text and message, and records
// what it was asked.
struct Answer {
    sesame_status status = SESAME_OK;
    std::string json;
    std::string message;
};

struct HostDirectory {
    Answer owners, client, contacts;
    std::int64_t asked_agency = 0;
    std::int64_t asked_client = 0;
    std::string asked_value;
    int destroyed = 0;
};

sesame_status answer(const Answer& a, sesame_sink* out, sesame_sink* error) {
    if (!a.json.empty()) write(out, a.json);
    if (!a.message.empty()) write(error, a.message);
    return a.status;
}

sesame_status host_find_owners(void* user_data, sesame_sink* out, sesame_sink* error, int64_t agency_id, const char* value) {
    auto* d = static_cast<HostDirectory*>(user_data);
    d->asked_agency = agency_id;
    d->asked_value = value;
    return answer(d->owners, out, error);
}

sesame_status host_get_client(void* user_data, sesame_sink* out, sesame_sink* error, int64_t agency_id, int64_t client_id) {
    auto* d = static_cast<HostDirectory*>(user_data);
    d->asked_agency = agency_id;
    d->asked_client = client_id;
    return answer(d->client, out, error);
}

sesame_status host_list_contacts(void* user_data, sesame_sink* out, sesame_sink* error, int64_t agency_id,
                                 int64_t client_id) {
    auto* d = static_cast<HostDirectory*>(user_data);
    d->asked_agency = agency_id;
    d->asked_client = client_id;
    return answer(d->contacts, out, error);
}

void host_destroy(void* user_data) { ++static_cast<HostDirectory*>(user_data)->destroyed; }

sesame_directory_vtable vtable_of(HostDirectory& d) {
    sesame_directory_vtable v = SESAME_DIRECTORY_VTABLE_INIT;
    v.user_data = &d;
    v.find_owners = host_find_owners;
    v.get_client = host_get_client;
    v.list_contacts = host_list_contacts;
    v.destroy = host_destroy;
    return v;
}

// The records as a case system would send them, in the schema of the staff API.
const char* kAnn = R"({"id": 41, "agency_id": 3, "client_reference": "CR-41", "first_name": "Ann",
    "middle_name": "", "last_name": "Lee", "dob": "1980-02-29", "gender": "F", "type": "juror",
    "group": "pool-2", "language": "es", "status": "active", "archived": false, "created_at": 1700000000})";
const char* kBo = R"({"id": 42, "agency_id": 3, "first_name": "Bo"})";
const char* kAnnPhone = R"({"id": 7, "agency_id": 3, "client_id": 41, "kind": "phone", "value": "+15551234567",
    "status": "valid", "created_at": 1700000100})";
const char* kBoPhone = R"({"id": 8, "agency_id": 3, "client_id": 42, "kind": "phone", "value": "+15551234567",
    "status": "opted_out"})";

std::string pair(const char* client, const char* contact) {
    return std::string(R"({"client": )") + client + R"(, "contact": )" + contact + "}";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- for a whole login: a store served through the store protocol, and a case system ---------

sesame_status served_call(void* user_data, sesame_sink* out, sesame_sink* error, const char* method, const char* request) {
    auto& inner = *static_cast<std::shared_ptr<sesame::Store>*>(user_data);
    auto r = sesame::capi::store_codec::serve(*inner, method, nlohmann::json::parse(request, nullptr, false));
    if (!r) {
        write(error, r.status().message());
        return static_cast<sesame_status>(r.code());
    }
    return write(out, sesame::capi::store_codec::dump(*r));
}

// Rosa (501) and Tomas (502) of agency `agency` share one phone; the case system knows them only.
struct CaseSystem {
    std::int64_t agency = 0;
    int destroyed = 0;
    std::string client_json(std::int64_t id) const {
        return "{\"id\": " + std::to_string(id) + ", \"agency_id\": " + std::to_string(agency) +
               (id == 501 ? R"(, "first_name": "Rosa", "last_name": "Diaz", "language": "es"})"
                          : R"(, "first_name": "Tomas", "last_name": "Diaz"})");
    }
    std::string contact_json(std::int64_t id) const {
        return "{\"id\": " + std::to_string(id * 10) + ", \"agency_id\": " + std::to_string(agency) +
               ", \"client_id\": " + std::to_string(id) +
               R"(, "kind": "phone", "value": "+15550001111", "status": "valid"})";
    }
};

sesame_status case_find_owners(void* user_data, sesame_sink* out, sesame_sink*, int64_t agency_id, const char* value) {
    const auto* cs = static_cast<CaseSystem*>(user_data);
    if (agency_id != cs->agency || std::string(value) != "+15550001111") return write(out, "[]");
    return write(out, "[{\"client\": " + cs->client_json(501) + ", \"contact\": " + cs->contact_json(501) +
                          "}, {\"client\": " + cs->client_json(502) + ", \"contact\": " + cs->contact_json(502) + "}]");
}

sesame_status case_get_client(void* user_data, sesame_sink* out, sesame_sink* error, int64_t agency_id, int64_t client_id) {
    const auto* cs = static_cast<CaseSystem*>(user_data);
    if (agency_id != cs->agency || (client_id != 501 && client_id != 502)) {
        write(error, "no such client");
        return SESAME_E_NOT_FOUND;
    }
    return write(out, cs->client_json(client_id));
}

sesame_status case_list_contacts(void* user_data, sesame_sink* out, sesame_sink* error, int64_t agency_id,
                                 int64_t client_id) {
    const auto* cs = static_cast<CaseSystem*>(user_data);
    if (agency_id != cs->agency || (client_id != 501 && client_id != 502)) {
        write(error, "no such client");
        return SESAME_E_NOT_FOUND;
    }
    return write(out, "[" + cs->contact_json(client_id) + "]");
}

class FixedRandom final : public sesame::RandomSource {
public:
    std::uint32_t uniform(std::uint32_t upper) override { return 42 % upper; }
};

}  // namespace

TEST_CASE("directory vtable: owners round-trip every field the host sends, ids included") {
    HostDirectory d;
    d.owners.json = "[" + pair(kAnn, kAnnPhone) + ", " + pair(kBo, kBoPhone) + "]";
    sesame::capi::DirectoryAdapter directory(vtable_of(d));

    auto owners = directory.find_owners(3, "+15551234567");
    REQUIRE(owners.ok());
    CHECK(d.asked_agency == 3);
    CHECK(d.asked_value == "+15551234567");
    REQUIRE(owners->size() == 2);

    const sesame::Client& ann = (*owners)[0].client;
    CHECK(ann.id == 41);
    CHECK(ann.agency_id == 3);
    CHECK(ann.client_reference == "CR-41");
    CHECK(ann.first_name == "Ann");
    CHECK(ann.last_name == "Lee");
    CHECK(ann.dob == "1980-02-29");
    CHECK(ann.gender == "F");
    CHECK(ann.type == "juror");
    CHECK(ann.group == "pool-2");
    CHECK(ann.language == "es");
    CHECK(ann.status == "active");
    CHECK(!ann.archived);
    CHECK(ann.created_at == 1'700'000'000);
    const sesame::Contact& phone = (*owners)[0].contact;
    CHECK(phone.id == 7);
    CHECK(phone.agency_id == 3);
    CHECK(phone.client_id == 41);
    CHECK(phone.kind == sesame::ContactKind::phone);
    CHECK(phone.value == "+15551234567");
    CHECK(phone.status == sesame::ContactStatus::valid);
    CHECK(phone.created_at == 1'700'000'100);

    // Fields a host leaves out take the defaults of a new record.
    const sesame::Client& bo = (*owners)[1].client;
    CHECK(bo.id == 42);
    CHECK(bo.language == "en");
    CHECK(bo.status == "active");
    CHECK(bo.created_at == 0);
    CHECK((*owners)[1].contact.status == sesame::ContactStatus::opted_out);

    // No owner: an empty array, or NOT_FOUND, both mean nobody.
    d.owners.json = "[]";
    CHECK(directory.find_owners(3, "+15550000000")->empty());
    d.owners = {SESAME_E_NOT_FOUND, "", "no such phone"};
    auto nobody = directory.find_owners(3, "+15550000000");
    REQUIRE(nobody.ok());
    CHECK(nobody->empty());
}

TEST_CASE("directory vtable: get_client and list_contacts round-trip, NOT_FOUND keeps its code") {
    HostDirectory d;
    d.client.json = kAnn;
    d.contacts.json = std::string("[") + kAnnPhone + "]";
    sesame::capi::DirectoryAdapter directory(vtable_of(d));

    auto client = directory.get_client(3, 41);
    REQUIRE(client.ok());
    CHECK(d.asked_agency == 3);
    CHECK(d.asked_client == 41);
    CHECK(client->id == 41);
    CHECK(client->first_name == "Ann");

    auto contacts = directory.list_contacts(3, 41);
    REQUIRE(contacts.ok());
    REQUIRE(contacts->size() == 1);
    CHECK(contacts->front().id == 7);
    CHECK(contacts->front().value == "+15551234567");

    d.client = {SESAME_E_NOT_FOUND, "", "no client 99 in agency 3"};
    auto missing = directory.get_client(3, 99);
    CHECK(missing.code() == Code::not_found);
    CHECK(missing.status().message() == "no client 99 in agency 3");
    d.contacts = {SESAME_E_NOT_FOUND, "", ""};
    CHECK(directory.list_contacts(3, 99).code() == Code::not_found);
}

TEST_CASE("directory vtable: a failing callback is CALLBACK with the host's message") {
    HostDirectory d;
    d.owners = {SESAME_E_CALLBACK, "", "case system unreachable"};
    d.client = {SESAME_E_STORAGE, "", "timeout"};
    d.contacts = {SESAME_E_CALLBACK, "", ""};
    sesame::capi::DirectoryAdapter directory(vtable_of(d));

    auto owners = directory.find_owners(3, "+15551234567");
    CHECK(owners.code() == Code::callback);
    CHECK(contains(owners.status().message(), "case system unreachable"));
    CHECK(contains(owners.status().message(), "find_owners"));

    auto client = directory.get_client(3, 41);
    CHECK(client.code() == Code::callback);
    CHECK(contains(client.status().message(), "timeout"));

    auto contacts = directory.list_contacts(3, 41);
    CHECK(contacts.code() == Code::callback);
    CHECK(contains(contacts.status().message(), "list_contacts"));

    // What a host writes is kept within bounds and as UTF-8.
    d.owners = {SESAME_E_CALLBACK, "", std::string(5'000, 'y') + "\xff"};
    owners = directory.find_owners(3, "+15551234567");
    CHECK(owners.code() == Code::callback);
    CHECK(owners.status().message().size() < 1'100);
    d.client = {SESAME_E_NOT_FOUND, "", "no \xff client"};
    CHECK(directory.get_client(3, 41).status().message() == "no \xef\xbf\xbd client");
}

TEST_CASE("directory vtable: garbage is CALLBACK naming the method and the field") {
    HostDirectory d;
    sesame::capi::DirectoryAdapter directory(vtable_of(d));

    d.owners.json = "[{\"client\": ";
    auto owners = directory.find_owners(3, "+15551234567");
    CHECK(owners.code() == Code::callback);
    CHECK(contains(owners.status().message(), "find_owners"));

    d.owners.json = "{}";
    CHECK(directory.find_owners(3, "+15551234567").code() == Code::callback);

    d.owners.json = "";
    CHECK(directory.find_owners(3, "+15551234567").code() == Code::callback);

    // The contact's status is never assumed: an opted-out phone must not pass for a valid one.
    d.owners.json = "[" + pair(kAnn, R"({"id": 7, "agency_id": 3, "client_id": 41, "kind": "phone", "value": "+15551234567"})") + "]";
    owners = directory.find_owners(3, "+15551234567");
    CHECK(owners.code() == Code::callback);
    CHECK(contains(owners.status().message(), "\"contact.status\" is missing"));

    d.owners.json = "[" + pair(R"({"id": 41, "agency_id": 3, "first_name": 12})", kAnnPhone) + "]";
    owners = directory.find_owners(3, "+15551234567");
    CHECK(owners.code() == Code::callback);
    CHECK(contains(owners.status().message(), "\"client.first_name\""));

    // A field of a later version is ignored, and named in the thread's warnings.
    (void)sesame_sink_write(nullptr, nullptr, 0);  // any call that returns a status starts a new list
    d.owners.json = "[" + pair(R"({"id": 41, "agency_id": 3, "nickname": "A"})", kAnnPhone) + "]";
    owners = directory.find_owners(3, "+15551234567");
    CHECK(owners.ok());
    CHECK(contains(sesame_last_warnings(), "client.nickname"));

    d.owners.json = "[" + pair(R"({"id": 0, "agency_id": 3})", kAnnPhone) + "]";
    CHECK(contains(directory.find_owners(3, "+15551234567").status().message(), "\"client.id\""));

    // A pair whose contact belongs to another client.
    d.owners.json = "[" + pair(kBo, kAnnPhone) + "]";
    CHECK(directory.find_owners(3, "+15551234567").code() == Code::callback);

    d.client.json = R"({"id": "41", "agency_id": 3})";
    auto client = directory.get_client(3, 41);
    CHECK(client.code() == Code::callback);
    CHECK(contains(client.status().message(), "get_client"));
    CHECK(contains(client.status().message(), "\"client.id\""));

    d.contacts.json = R"([{"id": 7, "agency_id": 3, "client_id": 41, "kind": "fax", "value": "1", "status": "valid"}])";
    auto contacts = directory.list_contacts(3, 41);
    CHECK(contacts.code() == Code::callback);
    CHECK(contains(contacts.status().message(), "\"contact.kind\""));
}

TEST_CASE("directory vtable: an answer about another client or another agency is refused") {
    HostDirectory d;
    sesame::capi::DirectoryAdapter directory(vtable_of(d));

    d.client.json = kAnn;  // client 41 of agency 3
    CHECK(directory.get_client(3, 42).code() == Code::callback);
    CHECK(directory.get_client(4, 41).code() == Code::callback);
    CHECK(directory.get_client(3, 41).ok());

    d.contacts.json = std::string("[") + kAnnPhone + "]";  // a contact of client 41 in agency 3
    CHECK(directory.list_contacts(3, 42).code() == Code::callback);
    CHECK(directory.list_contacts(4, 41).code() == Code::callback);
    CHECK(directory.list_contacts(3, 41).ok());
}

TEST_CASE("directory vtable: destroy runs exactly once; a missing callback is CALLBACK, not a crash") {
    HostDirectory d;
    {
        auto directory = std::make_shared<sesame::capi::DirectoryAdapter>(vtable_of(d));
        std::shared_ptr<sesame::Directory> copy = directory;
        directory.reset();
        CHECK(d.destroyed == 0);
    }
    CHECK(d.destroyed == 1);

    sesame_directory_vtable v = SESAME_DIRECTORY_VTABLE_INIT;
    v.user_data = &d;
    v.destroy = host_destroy;
    {
        sesame::capi::DirectoryAdapter empty(v);
        CHECK(empty.find_owners(3, "+15551234567").code() == Code::callback);
        CHECK(empty.get_client(3, 41).code() == Code::callback);
        CHECK(empty.list_contacts(3, 41).code() == Code::callback);
    }
    CHECK(d.destroyed == 2);
}

TEST_CASE("directory and store vtables: a whole login, from a C-style case system over a C-style store") {
    auto inner = sesame::make_memory_store();
    sesame::Agency a;
    a.name = "Host Court";
    auto agency_id = inner->insert_agency(a);
    REQUIRE(agency_id.ok());
    REQUIRE(inner->insert_agency_phone({0, *agency_id, "+15559990000", sesame::CarrierRegistration::complete}).ok());
    sesame::Portal p;
    p.agency_id = *agency_id;
    p.name = "Host Portal";
    p.slug = "host";
    p.client_auth = sesame::ClientAuth::one_time_password;
    auto portal_id = inner->insert_portal(p);
    REQUIRE(portal_id.ok());

    sesame_store_vtable sv = SESAME_STORE_VTABLE_INIT;
    sv.user_data = &inner;
    sv.call = served_call;
    CaseSystem cs;
    cs.agency = *agency_id;
    sesame_directory_vtable dv = SESAME_DIRECTORY_VTABLE_INIT;
    dv.user_data = &cs;
    dv.find_owners = case_find_owners;
    dv.get_client = case_get_client;
    dv.list_contacts = case_list_contacts;
    dv.destroy = [](void* user_data) { ++static_cast<CaseSystem*>(user_data)->destroyed; };
    {
        sesame::EngineOptions o;
        o.store = std::make_shared<sesame::capi::StoreAdapter>(sv);
        o.directory = std::make_shared<sesame::capi::DirectoryAdapter>(dv);
        o.master_key = std::vector<std::uint8_t>(32, 3);
        o.clock = std::make_shared<sesame::FakeClock>();
        o.random = std::make_shared<FixedRandom>();
        auto engine = sesame::Engine::open(std::move(o));
        REQUIRE(engine.ok());
        sesame::Engine& e = **engine;

        auto started = e.start_login(*portal_id, "(555) 000-1111", {"10.0.0.1", "test"});
        REQUIRE(started.ok());
        CHECK(inner->list_clients(*agency_id)->empty());  // nothing of the case system was copied

        // The code went out in the first owner's language, and the feed finds it through the directory.
        sesame::Actor staff{"clerk", *agency_id, {"view_messages"}, false};
        auto feed = e.message_feed(staff, 501);
        REQUIRE(feed.ok());
        REQUIRE(feed->size() == 1);
        CHECK(contains(feed->front().content, "000042"));
        CHECK(e.message_feed(staff, 999).code() == Code::not_found);

        CHECK(e.verify_login(*portal_id, started->challenge_id, "000041", {"10.0.0.1", "test"}).code() ==
              Code::verify_failed);
        auto verified = e.verify_login(*portal_id, started->challenge_id, "000042", {"10.0.0.1", "test"});
        REQUIRE(verified.ok());
        CHECK_FALSE(verified->client_id.has_value());
        REQUIRE(verified->clients.size() == 2);
        CHECK(verified->clients[0].display_name == "Rosa D.");
        CHECK(e.check_session(*portal_id, verified->token).code() == Code::selection_required);
        REQUIRE(e.select_client(*portal_id, verified->token, 502).ok());
        auto session = e.check_session(*portal_id, verified->token);
        REQUIRE(session.ok());
        CHECK(session->client_id == 502);
        // The code is single use, through the store's atomic consume.
        CHECK(e.verify_login(*portal_id, started->challenge_id, "000042", {"10.0.0.1", "test"}).code() ==
              Code::verify_failed);
        REQUIRE(e.logout(*portal_id, verified->token).ok());
        CHECK(e.check_session(*portal_id, verified->token).code() == Code::session_invalid);
    }
    CHECK(cs.destroyed == 1);
}
