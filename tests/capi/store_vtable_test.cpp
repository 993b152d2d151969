// A host's store plugged in through sesame_store_vtable: the whole Store conformance suite runs
// through StoreAdapter, the JSON protocol and a C-style call() that serves the requests from a
// memory store. Then what a misbehaving host gets: failures, garbage, and destroy exactly once.
#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "capi/store_adapter.hpp"
#include "capi/store_codec.hpp"
#include "sesame/engine.hpp"
#include "sesame/testing/vtable_store.hpp"
#include "sesame/testing/store_conformance.hpp"

namespace {

using nlohmann::json;
using sesame::Code;
namespace codec = sesame::capi::store_codec;

sesame_status write(sesame_sink* sink, const std::string& text) { return sesame_sink_write(sink, text.data(), text.size()); }

// ---- a host store that knows only the C ABI and the protocol --------------------------------

struct ServedStore {
    std::shared_ptr<sesame::Store> inner = sesame::make_memory_store();
    std::atomic<int>* destroyed = nullptr;
};

sesame_status served_call(void* user_data, sesame_sink* out, sesame_sink* error, const char* method, const char* request) {
    auto* host = static_cast<ServedStore*>(user_data);
    // Served through the exported side of the protocol (sesame/testing/vtable_store.hpp).
    auto r = sesame::testing::serve_store_call(*host->inner, method, request);
    if (!r) {
        write(error, r.status().message());
        return static_cast<sesame_status>(r.code());
    }
    return write(out, *r);
}

void served_destroy(void* user_data) {
    auto* host = static_cast<ServedStore*>(user_data);
    if (host->destroyed) ++*host->destroyed;
    delete host;
}

std::shared_ptr<sesame::Store> served_adapter(std::atomic<int>* destroyed = nullptr) {
    sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
    auto* host = new ServedStore;
    host->destroyed = destroyed;
    v.user_data = host;
    v.call = served_call;
    v.destroy = served_destroy;
    auto store = sesame::testing::store_from_vtable(v);  // as a host checking its own store does
    REQUIRE(store.ok());
    return *store;
}

struct VtableStoreFactory {
    std::shared_ptr<sesame::Store> make() { return served_adapter(); }
};

// ---- a scripted host: answers every call with a fixed status, response and message ------------

struct Scripted {
    sesame_status status = SESAME_OK;
    std::string response;
    std::string message;
    std::vector<std::string> methods;
    std::vector<std::string> requests;
    int destroyed = 0;
};

sesame_status scripted_call(void* user_data, sesame_sink* out, sesame_sink* error, const char* method, const char* request) {
    auto* s = static_cast<Scripted*>(user_data);
    s->methods.emplace_back(method);
    s->requests.emplace_back(request);
    if (!s->response.empty()) write(out, s->response);
    if (!s->message.empty()) write(error, s->message);
    return s->status;
}

void scripted_destroy(void* user_data) { ++static_cast<Scripted*>(user_data)->destroyed; }

sesame::capi::StoreAdapter scripted_adapter(Scripted& s) {
    sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
    v.user_data = &s;
    v.call = scripted_call;
    v.destroy = scripted_destroy;
    return sesame::capi::StoreAdapter(v);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TYPE_TO_STRING(VtableStoreFactory);
SESAME_STORE_CONFORMANCE(VtableStoreFactory);

TEST_CASE("store vtable: a call() failing with SESAME_E_CALLBACK is CALLBACK with the host's message") {
    Scripted s;
    s.status = SESAME_E_CALLBACK;
    s.message = "replica lag: try again";
    {
        auto store = scripted_adapter(s);
        auto r = store.get_agency(7);
        CHECK(r.code() == Code::callback);
        CHECK(contains(r.status().message(), "replica lag: try again"));
        CHECK(contains(r.status().message(), "get_agency"));
        auto st = store.update_agency(sesame::Agency{});
        CHECK(st.code() == Code::callback);
        CHECK(contains(st.message(), "replica lag: try again"));
    }
    REQUIRE(s.methods.size() == 2);
    CHECK(s.methods[0] == "get_agency");
    CHECK(json::parse(s.requests[0]) == json{{"id", 7}});
}

TEST_CASE("store vtable: NOT_FOUND, ALREADY_EXISTS and FAILED_PRECONDITION keep their code; other failures are CALLBACK") {
    Scripted s;
    auto store = scripted_adapter(s);

    s.status = SESAME_E_NOT_FOUND;
    s.message = "no such portal";
    auto portal = store.find_portal_by_slug("court");
    CHECK(portal.code() == Code::not_found);
    CHECK(portal.status().message() == "no such portal");

    s.status = SESAME_E_ALREADY_EXISTS;
    s.message = "";
    auto phone = store.insert_agency_phone(sesame::AgencyPhone{});
    CHECK(phone.code() == Code::already_exists);
    CHECK(contains(phone.status().message(), "insert_agency_phone"));  // a message, even when the host wrote none

    s.status = SESAME_E_FAILED_PRECONDITION;
    CHECK(store.bind_session_client("s1", 3).code() == Code::failed_precondition);

    s.status = SESAME_E_STORAGE;
    s.message = "disk full";
    auto challenge = store.register_attempt("c1");
    CHECK(challenge.code() == Code::callback);
    CHECK(contains(challenge.status().message(), "disk full"));

    s.status = SESAME_E_INTERNAL;
    s.message = "";
    auto counter = store.bump_counter("k", 10, 60);
    CHECK(counter.code() == Code::callback);
    CHECK(contains(counter.status().message(), "bump_counter"));
    CHECK(contains(counter.status().message(), "SESAME_E_INTERNAL"));

    s.status = 5;  // not a status at all
    CHECK(store.reset_counter("k").code() == Code::callback);
}

TEST_CASE("store vtable: a host's very long message is cut, not copied whole") {
    Scripted s;
    s.status = SESAME_E_CALLBACK;
    s.message = std::string(100'000, 'x');
    auto store = scripted_adapter(s);
    auto r = store.list_agencies();
    CHECK(r.code() == Code::callback);
    CHECK(r.status().message().size() < 2'000);

    // Cut between characters, and bytes that are not UTF-8 replaced: the message reaches JSON and logs.
    s.message = std::string(1023, 'x') + "\xc3\xa9 and \xff";
    auto cut = store.list_agencies();
    CHECK(contains(cut.status().message(), std::string(1023, 'x') + "..."));
    CHECK(!contains(cut.status().message(), "\xc3"));
    s.status = SESAME_E_NOT_FOUND;
    s.message = "no agency \xff";
    CHECK(store.get_agency(1).status().message() == "no agency \xef\xbf\xbd");
}

TEST_CASE("store vtable: garbage from call() is CALLBACK naming the method, and the field when there is one") {
    Scripted s;
    auto store = scripted_adapter(s);

    s.response = "{not json";
    auto agency = store.get_agency(1);
    CHECK(agency.code() == Code::callback);
    CHECK(contains(agency.status().message(), "get_agency"));

    s.response = "";
    auto id = store.insert_client(sesame::Client{});
    CHECK(id.code() == Code::callback);
    CHECK(contains(id.status().message(), "insert_client"));

    // A whole record but one field.
    sesame::Agency a;
    a.id = 4;
    a.name = "Court";
    json record = codec::encode(a);
    record.erase("time_zone");
    s.response = record.dump();
    agency = store.get_agency(4);
    CHECK(agency.code() == Code::callback);
    CHECK(contains(agency.status().message(), "get_agency"));
    CHECK(contains(agency.status().message(), "\"time_zone\" is missing"));

    // A field of the wrong type, in the third row of a list.
    json rows = json::array({codec::encode(a), codec::encode(a), codec::encode(a)});
    rows[2]["sms_per_hour_limit"] = "many";
    s.response = rows.dump();
    auto list = store.list_agencies();
    CHECK(list.code() == Code::callback);
    CHECK(contains(list.status().message(), "list_agencies"));
    CHECK(contains(list.status().message(), "[2].sms_per_hour_limit"));

    // A field the record does not have is no failure, only a warning (see below).
    record = codec::encode(a);
    record["shard"] = 3;
    s.response = record.dump();
    CHECK(store.get_agency(4).ok());
    CHECK(contains(sesame_last_warnings(), "\\\"shard\\\" ignored"));

    // Bytes that are not base64.
    sesame::Challenge c;
    c.id = "c1";
    json challenge = codec::encode(c);
    challenge["mac"] = "not base64!";
    s.response = challenge.dump();
    auto got = store.get_challenge("c1");
    CHECK(got.code() == Code::callback);
    CHECK(contains(got.status().message(), "\"mac\""));

    // Scalars come wrapped: {"value": x}.
    s.response = R"({"value": "yes"})";
    auto consumed = store.consume_challenge("c1", 100);
    CHECK(consumed.code() == Code::callback);
    CHECK(contains(consumed.status().message(), "consume_challenge"));
    CHECK(contains(consumed.status().message(), "\"value\""));
    s.response = "true";
    CHECK(store.consume_challenge("c1", 100).code() == Code::callback);
    s.response = R"({"value": true})";
    auto ok = store.consume_challenge("c1", 100);
    REQUIRE(ok.ok());
    CHECK(*ok);

    // A Status-only method accepts nothing or an object, and nothing else.
    s.response = "";
    CHECK(store.reset_counter("k").ok());
    s.response = "{}";
    CHECK(store.reset_counter("k").ok());
    s.response = "[1]";
    CHECK(store.reset_counter("k").code() == Code::callback);
}

TEST_CASE("store vtable: requests carry bytes as base64, optionals as null, and every field") {
    Scripted s;
    auto store = scripted_adapter(s);
    s.response = R"({"value": 0})";

    sesame::Challenge c;
    c.id = "chal-1";
    c.portal_id = 2;
    c.destination = "+15551234567";
    c.mac = {0x00, 0x01, 0xfe, 0xff, 0x00};
    c.created_at = 100;
    c.expires_at = 700;
    REQUIRE(store.begin_challenge(c, std::nullopt).ok());
    json q = json::parse(s.requests.back());
    CHECK(s.methods.back() == "begin_challenge");
    CHECK(q["message"].is_null());
    CHECK(q["challenge"]["mac"] == "AAH+/wA=");
    CHECK(q["challenge"]["consumed_at"].is_null());
    CHECK(q["challenge"]["channel"] == "sms");
    CHECK(q["challenge"].size() == 13);

    s.response = codec::encode(sesame::Session{}).dump();
    (void)store.find_session({0xfb, 0xff});
    CHECK(json::parse(s.requests.back()) == json{{"token_hash", "+/8="}});

    s.response = "[]";
    (void)store.list_messages_to(3, {"+15551234567", "a@example.org"}, 20);
    CHECK(json::parse(s.requests.back()) ==
          json{{"agency_id", 3}, {"destinations", {"+15551234567", "a@example.org"}}, {"limit", 20}});

    s.response = "null";
    auto none = store.get_template(3, sesame::Channel::email, "es");
    REQUIRE(none.ok());
    CHECK(!none->has_value());
    CHECK(json::parse(s.requests.back()) == json{{"agency_id", 3}, {"channel", "email"}, {"language", "es"}});
}

TEST_CASE("store vtable: text that is not UTF-8 crosses as U+FFFD instead of failing the call") {
    auto store = served_adapter();
    sesame::AuditEvent e;
    e.action = "login.start";
    e.detail = "agent \xff\xfe cut";
    auto id = store->append_audit(e);
    REQUIRE(id.ok());
    auto events = store->list_audit(0, 10);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 1);
    CHECK(events->front().detail == "agent \xef\xbf\xbd\xef\xbf\xbd cut");
}

TEST_CASE("store vtable: destroy runs exactly once, when the adapter goes away") {
    std::atomic<int> destroyed{0};
    {
        auto store = served_adapter(&destroyed);
        auto copy = store;  // shared: still one owner of user_data
        REQUIRE(store->insert_agency(sesame::conformance::sample_agency("A")).ok());
        store.reset();
        CHECK(destroyed.load() == 0);
        CHECK(copy->list_agencies()->size() == 1);
    }
    CHECK(destroyed.load() == 1);

    Scripted s;
    { auto store = scripted_adapter(s); }
    CHECK(s.destroyed == 1);

    // A NULL destroy is allowed.
    sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
    v.call = scripted_call;
    v.user_data = &s;
    { sesame::capi::StoreAdapter store(v); }
    CHECK(s.destroyed == 1);
}

TEST_CASE("store vtable: a missing call(), or a C++ host that throws, is a Status and never an exception") {
    sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
    sesame::capi::StoreAdapter empty(v);
    CHECK(empty.get_agency(1).code() == Code::callback);

    v.call = [](void*, sesame_sink*, sesame_sink*, const char*, const char*) -> sesame_status {
        throw std::runtime_error("host bug");
    };
    sesame::capi::StoreAdapter throwing(v);
    sesame::Result<sesame::Id> r = sesame::Status{};
    CHECK_NOTHROW(r = throwing.insert_agency(sesame::Agency{}));
    CHECK(!r.ok());
}

TEST_CASE("store protocol: serve() refuses unknown methods and malformed requests, naming the field") {
    auto memory = sesame::make_memory_store();
    auto r = codec::serve(*memory, "drop_everything", json::object());
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "drop_everything"));

    r = codec::serve(*memory, "get_agency", json::object());
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "get_agency"));
    CHECK(contains(r.status().message(), "\"id\" is missing"));

    r = codec::serve(*memory, "get_agency", json{{"id", "one"}});
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "\"id\" must be an integer"));

    r = codec::serve(*memory, "get_agency", json{{"id", 1}, {"with", "extras"}});
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "\"with\""));

    r = codec::serve(*memory, "list_queued_messages", json{{"limit", -1}});
    CHECK(r.code() == Code::invalid_argument);

    r = codec::serve(*memory, "list_agencies", json::array());
    CHECK(r.code() == Code::invalid_argument);

    // Nested fields are named by their path; nothing is written.
    json agency = codec::encode(sesame::conformance::sample_agency("A"));
    agency["environment"] = "moon";
    r = codec::serve(*memory, "insert_agency", json{{"agency", agency}});
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "\"agency.environment\""));
    json portal = codec::encode(sesame::conformance::sample_portal(1, "p"));
    portal["settings"].erase("host");
    r = codec::serve(*memory, "insert_portal", json{{"portal", portal}});
    CHECK(contains(r.status().message(), "\"portal.settings.host\" is missing"));
    CHECK(memory->list_agencies()->empty());

    // The store's own failures come back unchanged.
    r = codec::serve(*memory, "get_agency", json{{"id", 42}});
    CHECK(r.code() == Code::not_found);
}

TEST_CASE("store protocol: every method is served, and each name once") {
    auto memory = sesame::make_memory_store();
    const auto names = codec::methods();
    CHECK(names.size() >= 60);
    for (std::size_t i = 0; i < names.size(); ++i) {
        CAPTURE(names[i]);
        for (std::size_t k = i + 1; k < names.size(); ++k) CHECK(names[i] != names[k]);
        // An empty request reaches the method: its arguments are missing, the method is not unknown.
        auto r = codec::serve(*memory, names[i], json::object());
        if (names[i] == "list_agencies") {
            CHECK(r.ok());
        } else {
            CHECK(r.code() == Code::invalid_argument);
            CHECK(contains(r.status().message(), "is missing"));
        }
    }
}

TEST_CASE("store protocol: bytes are base64 in the original alphabet, padded, and nothing else") {
    CHECK(codec::encode_bytes({}) == "");
    CHECK(codec::encode_bytes({0xfb, 0xff}) == "+/8=");
    std::vector<std::uint8_t> out{9};
    CHECK(codec::decode_bytes("", out));
    CHECK(out.empty());
    CHECK(codec::decode_bytes("AAH+/wA=", out));
    CHECK(out == std::vector<std::uint8_t>{0x00, 0x01, 0xfe, 0xff, 0x00});
    CHECK(!codec::decode_bytes("AAH-_wA=", out));  // URL-safe alphabet
    CHECK(!codec::decode_bytes("AAH+/wA", out));   // padding missing
    CHECK(!codec::decode_bytes("AAH+/wA=x", out));
    CHECK(!codec::decode_bytes("AA H+/wA=", out));
    CHECK(out == std::vector<std::uint8_t>{0x00, 0x01, 0xfe, 0xff, 0x00});  // untouched by failures
}

TEST_CASE("store vtable: a host store that does not send titles per language gives none; a wrong shape is refused") {
    Scripted s;
    auto store = scripted_adapter(s);

    // Requests always carry them.
    sesame::SidebarItem item;
    item.portal_id = 2;
    item.title = "Calendar";
    item.titles = {{"es", "Calendario"}};
    s.response = R"({"value": 7})";
    REQUIRE(store.insert_sidebar_item(item).ok());
    CHECK(json::parse(s.requests.back())["sidebar_item"]["titles"] == json{{"es", "Calendario"}});

    // A host written before titles per language answers without the field.
    json row = codec::encode(item);
    REQUIRE(row.contains("titles"));
    row.erase("titles");
    s.response = row.dump();
    auto got = store.get_sidebar_item(7);
    REQUIRE(got.ok());
    CHECK(got->title == "Calendar");
    CHECK(got->titles.empty());

    sesame::GatedResource resource;
    resource.slug = "hearings";
    resource.title = "Hearings";
    resource.titles = {{"es", "Audiencias"}};
    json resource_row = codec::encode(resource);
    s.response = json::array({resource_row}).dump();
    auto listed = store.list_gated_resources(2);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 1);
    CHECK(listed->front().titles == sesame::Titles{{"es", "Audiencias"}});
    resource_row.erase("titles");
    s.response = resource_row.dump();
    auto found = store.find_gated_resource(2, sesame::ResourceKind::calendar, "hearings");
    REQUIRE(found.ok());
    CHECK(found->titles.empty());

    // Present, it must be an object of strings.
    resource_row["titles"] = json{{"es", 3}};
    s.response = resource_row.dump();
    found = store.find_gated_resource(2, sesame::ResourceKind::calendar, "hearings");
    CHECK(found.code() == Code::callback);
    CHECK(contains(found.status().message(), "\"titles\" must be an object of strings"));
    resource_row["titles"] = json::array({"es"});
    s.response = resource_row.dump();
    CHECK(store.find_gated_resource(2, sesame::ResourceKind::calendar, "hearings").code() == Code::callback);
}

// ---- a host store written before revisions ------------------------------------------------------

namespace {

// Removes every "revision" field, at any depth.
void strip_revisions(json& j) {
    if (j.is_object()) {
        j.erase("revision");
        for (auto& [key, value] : j.items()) strip_revisions(value);
    } else if (j.is_array()) {
        for (auto& item : j) strip_revisions(item);
    }
}

// As served_call, for a host that never heard of revisions: it drops the field from what it is
// asked to store (so every update applies over any revision) and never sends it back.
sesame_status unrevised_call(void* user_data, sesame_sink* out, sesame_sink* error, const char* method, const char* request) {
    auto* host = static_cast<ServedStore*>(user_data);
    json q = json::parse(request, nullptr, /*allow_exceptions=*/false);
    if (q.is_discarded()) {
        write(error, "the request is not JSON");
        return SESAME_E_INVALID_ARGUMENT;
    }
    strip_revisions(q);
    auto r = codec::serve(*host->inner, method, q);
    if (!r) {
        write(error, r.status().message());
        return static_cast<sesame_status>(r.code());
    }
    strip_revisions(*r);
    return write(out, codec::dump(*r));
}

}  // namespace

TEST_CASE("store vtable: a host store written before revisions keeps working; its records read at revision 0") {
    sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
    v.user_data = new ServedStore;
    v.call = unrevised_call;
    v.destroy = served_destroy;
    sesame::EngineOptions o;
    o.store = std::make_shared<sesame::capi::StoreAdapter>(v);
    o.master_key = std::vector<std::uint8_t>(32, 0x42);
    o.clock = std::make_shared<sesame::FakeClock>();
    auto engine = sesame::Engine::open(std::move(o));
    REQUIRE_MESSAGE(engine.ok(), engine.status().message());
    sesame::Engine& e = **engine;
    const sesame::Actor root{"root", 0, {}, true};

    sesame::Agency agency;
    agency.name = "Old Store County";
    auto a = e.create_agency(root, agency);
    REQUIRE(a.ok());
    sesame::Client client;
    client.agency_id = a->id;
    client.first_name = "Ann";
    auto created = e.create_client(root, client);
    REQUIRE(created.ok());

    auto read = e.get_client(root, created->id);
    REQUIRE(read.ok());
    CHECK(read->revision == 0);  // the store keeps none
    // Staff edits go through, each over whatever is stored, as before revisions existed.
    sesame::Client first = *read;
    first.last_name = "Lee";
    auto saved = e.update_client(root, first);
    REQUIRE_MESSAGE(saved.ok(), saved.status().message());
    CHECK(saved->revision == 0);
    sesame::Client second = *read;
    second.middle_name = "B";
    REQUIRE(e.update_client(root, second).ok());
    CHECK(e.get_client(root, created->id)->middle_name == "B");
    // A revision the store cannot have is refused by the engine, not silently ignored.
    sesame::Client named = *read;
    named.revision = 3;
    CHECK(e.update_client(root, named).code() == Code::conflict);
}

TEST_CASE("store vtable: a field the library does not know, in a host's response, is ignored and named in the warnings") {
    Scripted s;
    auto store = scripted_adapter(s);
    sesame::Client client;
    client.id = 4;
    client.agency_id = 2;
    client.first_name = "Ann";
    json row = codec::encode(client);
    row["nickname"] = "Annie";  // a field of a later version of the protocol
    s.response = row.dump();
    (void)sesame_sink_write(nullptr, nullptr, 0);  // any call that returns a status starts a new list
    auto got = store.get_client(4);
    REQUIRE(got.ok());
    CHECK(got->first_name == "Ann");
    const json warnings = json::parse(sesame_last_warnings());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "store get_client: response field \"nickname\" ignored: it is not part of the record in this "
                        "version of Sesame");

    // Only in responses: a request naming a field the record does not have is still refused.
    json request = {{"client", codec::encode(client)}};
    request["client"]["nickname"] = "Annie";
    auto served = codec::serve(*sesame::make_memory_store(), "update_client", request);
    CHECK(served.code() == Code::invalid_argument);
    CHECK(contains(served.status().message(), "\"client.nickname\" is not part of the record"));
}

TEST_CASE("testing: store_from_vtable refuses a vtable without call() or too small, and still destroys it once") {
    std::atomic<int> destroyed{0};
    sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
    auto* host = new ServedStore;
    host->destroyed = &destroyed;
    v.user_data = host;
    v.destroy = served_destroy;
    auto refused = sesame::testing::store_from_vtable(v);  // no call()
    CHECK(refused.code() == Code::invalid_argument);
    CHECK(contains(refused.status().message(), "call()"));
    CHECK(destroyed == 1);

    host = new ServedStore;
    host->destroyed = &destroyed;
    v.user_data = host;
    v.call = served_call;
    v.struct_size = 4;
    refused = sesame::testing::store_from_vtable(v);
    CHECK(refused.code() == Code::invalid_argument);
    CHECK(contains(refused.status().message(), "struct_size"));
    CHECK(destroyed == 2);

    auto served = sesame::testing::serve_store_call(*sesame::make_memory_store(), "get_agency", "{\"id\": 1, \"id\": 2}");
    CHECK(served.code() == Code::invalid_argument);
    CHECK(contains(served.status().message(), "twice"));
    served = sesame::testing::serve_store_call(*sesame::make_memory_store(), "no_such_method", "{}");
    CHECK(served.code() == Code::invalid_argument);
}
