// Events, cases and documents through the C ABI: strict JSON records for staff, the reads a
// logged-in client makes, and a host's C directory answering them.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capi/internal.hpp"
#include "capi/records.hpp"
#include "capi/store_adapter.hpp"
#include "engine/support.hpp"
#include "capi/c_support.hpp"
#include "sesame/sesame.h"

namespace {

using nlohmann::json;
using sesame::test::MemoryWorld;
using sesame::test::World;

using namespace sesame::test::capi;

int64_t id_of(const json& j) { return j.at("id").get<int64_t>(); }

std::vector<int64_t> ids_of(const json& rows) {
    std::vector<int64_t> out;
    for (const auto& r : rows) out.push_back(id_of(r));
    return out;
}

const std::vector<std::string> kContentPermissions = {"create_events", "update_events",    "create_cases",
                                                      "update_cases",  "create_documents", "update_documents"};

// The engine of the test world (memory store, fake clock, the demo agency with Ann) as a C handle.
std::unique_ptr<sesame_engine> handle_for(World& w, std::shared_ptr<sesame::Directory> directory = nullptr) {
    auto o = w.options();
    o.directory = std::move(directory);
    auto e = sesame::Engine::open(std::move(o));
    REQUIRE_MESSAGE(e.ok(), e.status().message());
    auto h = std::make_unique<sesame_engine>();
    h->rep = std::move(*e);
    return h;
}

struct CWorld : MemoryWorld {
    std::unique_ptr<sesame_engine> handle = handle_for(*this);
    CActor staff{"clerk-1", agency.id, kContentPermissions};
    CActor root_c{"root", 0, {}, true};
    sesame_engine* h() { return handle.get(); }

    json create_event(const json& record) {
        const std::string text = record.dump();
        return ::ok([&](sesame_buf* out) { return sesame_event_create(out, h(), staff.get(), text.c_str()); });
    }
    json create_case(const json& record) {
        const std::string text = record.dump();
        return ::ok([&](sesame_buf* out) { return sesame_case_create(out, h(), staff.get(), text.c_str()); });
    }
    json create_document(const json& record) {
        const std::string text = record.dump();
        return ::ok([&](sesame_buf* out) { return sesame_document_create(out, h(), staff.get(), text.c_str()); });
    }
    std::size_t audit_count() {
        auto logged = store->list_audit(0, 100000);
        REQUIRE(logged.ok());
        return logged->size();
    }
};

}  // namespace

TEST_CASE("capi content: events, cases and documents round-trip as JSON records, updates are partial") {
    CWorld w;
    const json k = w.create_case({{"client_id", w.ann.id},
                                  {"case_number", "CR-7"},
                                  {"type", "felony"},
                                  {"charges", "Count 1\nCount 2"},
                                  {"description", "Filed"}});
    CHECK(k["agency_id"] == w.agency.id);
    CHECK(k["status"] == "open");
    CHECK(k["created_at"] == w.clock->now());
    CHECK(k["charges"] == "Count 1\nCount 2");

    const json e = w.create_event({{"client_id", w.ann.id},
                                   {"agency_id", w.agency.id},
                                   {"case_id", id_of(k)},
                                   {"date", "2026-03-02"},
                                   {"time", "09:15"},
                                   {"type", "hearing"},
                                   {"location", "Room 4"},
                                   {"judge", "Hon. Ada Park"},
                                   {"case_number", "CR-7"},
                                   {"status", "scheduled"},
                                   {"description", "Bring ID"}});
    const json expected = {{"id", id_of(e)},
                           {"agency_id", w.agency.id},
                           {"client_id", w.ann.id},
                           {"case_id", id_of(k)},
                           {"date", "2026-03-02"},
                           {"time", "09:15"},
                           {"type", "hearing"},
                           {"location", "Room 4"},
                           {"judge", "Hon. Ada Park"},
                           {"case_number", "CR-7"},
                           {"status", "scheduled"},
                           {"description", "Bring ID"},
                           {"created_at", w.clock->now()},
                           {"revision", 1}};
    CHECK(e == expected);
    CHECK(ok([&](sesame_buf* out) { return sesame_event_get(out, w.h(), w.staff.get(), id_of(e)); }) == expected);
    const json early = w.create_event({{"client_id", w.ann.id}, {"date", "2026-03-01"}});
    CHECK(early["case_id"].is_null());
    CHECK(early["time"] == "");
    CHECK(ids_of(ok([&](sesame_buf* out) { return sesame_event_list(out, w.h(), w.staff.get(), w.ann.id); })) ==
          std::vector<int64_t>{id_of(early), id_of(e)});

    // A partial update: only what is given changes; null removes the link.
    const std::string change = json{{"id", id_of(e)}, {"status", "cancelled"}, {"case_id", nullptr}}.dump();
    const json after = ok([&](sesame_buf* out) { return sesame_event_update(out, w.h(), w.staff.get(), change.c_str()); });
    json want = expected;
    want["status"] = "cancelled";
    want["case_id"] = nullptr;
    want["revision"] = 2;
    CHECK(after == want);
    CHECK(ok([&](sesame_buf* out) { return sesame_event_get(out, w.h(), w.staff.get(), id_of(e)); }) == want);
    // What a list returns can be sent back as it is, once: its revision is then out of date.
    const std::string again = after.dump();
    want["revision"] = 3;
    CHECK(ok([&](sesame_buf* out) { return sesame_event_update(out, w.h(), w.staff.get(), again.c_str()); }) == want);
    sesame_buf stale{};
    CHECK(sesame_event_update(&stale, w.h(), w.staff.get(), again.c_str()) == SESAME_E_CONFLICT);
    CHECK(stale.data == nullptr);
    CHECK(std::string(sesame_last_error_message()).find("the event " + std::to_string(id_of(e)) + " has changed") !=
          std::string::npos);

    const std::string close = json{{"id", id_of(k)}, {"status", "closed"}}.dump();
    const json closed = ok([&](sesame_buf* out) { return sesame_case_update(out, w.h(), w.staff.get(), close.c_str()); });
    CHECK(closed["status"] == "closed");
    CHECK(closed["charges"] == "Count 1\nCount 2");
    CHECK(ok([&](sesame_buf* out) { return sesame_case_get(out, w.h(), w.staff.get(), id_of(k)); }) == closed);
    CHECK(ids_of(ok([&](sesame_buf* out) { return sesame_case_list(out, w.h(), w.staff.get(), w.ann.id); })) ==
          std::vector<int64_t>{id_of(k)});

    const json d = w.create_document(
        {{"client_id", w.ann.id}, {"name", "Affidavit"}, {"case_id", id_of(k)}, {"event_id", id_of(e)}, {"due_date", "2026-02-20"}});
    CHECK(d["uploaded_by"] == "agency");
    CHECK(d["status"] == "pending");
    CHECK(d["event_id"] == id_of(e));
    CHECK(d["revision"] == 1);
    CHECK(d.size() == 12);
    const std::string returned = json{{"id", id_of(d)}, {"status", "received"}, {"uploaded_by", "client"}}.dump();
    const json got = ok([&](sesame_buf* out) { return sesame_document_update(out, w.h(), w.staff.get(), returned.c_str()); });
    CHECK(got["status"] == "received");
    CHECK(got["uploaded_by"] == "client");
    CHECK(got["name"] == "Affidavit");
    CHECK(ok([&](sesame_buf* out) { return sesame_document_get(out, w.h(), w.staff.get(), id_of(d)); }) == got);
    CHECK(ok([&](sesame_buf* out) { return sesame_document_list(out, w.h(), w.staff.get(), w.ann.id); }) == json::array({got}));
}

TEST_CASE("capi content: a malformed, mistyped or unknown field is INVALID_ARGUMENT naming it, and nothing is written") {
    CWorld w;
    w.create_case({{"client_id", w.ann.id}, {"case_number", "CR-1"}});
    const json e = w.create_event({{"client_id", w.ann.id}, {"date", "2026-03-01"}});
    const std::size_t events = w.audit_count();
    auto stored = [&] {
        return json::array({ok([&](sesame_buf* out) { return sesame_event_list(out, w.h(), w.staff.get(), w.ann.id); }),
                            ok([&](sesame_buf* out) { return sesame_case_list(out, w.h(), w.staff.get(), w.ann.id); }),
                            ok([&](sesame_buf* out) { return sesame_document_list(out, w.h(), w.staff.get(), w.ann.id); })});
    };
    const json before = stored();

    const std::string cid = std::to_string(w.ann.id);
    const std::vector<std::pair<std::string, std::string>> event_creates = {
        {"{", "not valid JSON"},
        {"[]", "must be a JSON object"},
        {R"({"client_id": )" + cid + R"(, "date": 20260301})", "\"event.date\" must be a string"},
        {R"({"client_id": ")" + cid + R"(", "date": "2026-03-01"})", "\"event.client_id\" must be an integer"},
        {R"({"client_id": )" + cid + R"(, "date": "2026-03-01", "case_id": "7"})", "\"event.case_id\" must be an integer"},
        {R"({"client_id": )" + cid + R"(, "date": "2026-03-01", "case_id": 1.5})", "\"event.case_id\""},
        {R"({"id": 9, "client_id": )" + cid + R"(, "date": "2026-03-01"})", "\"event.id\" must not be given"},
        {R"({"client_id": )" + cid + R"(})", "event.date"},
        {R"({"date": "2026-03-01"})", "event.client_id"},
    };
    for (const auto& [text, named] : event_creates) {
        CAPTURE(text);
        Answer a = call([&](sesame_buf* out) { return sesame_event_create(out, w.h(), w.staff.get(), text.c_str()); });
        CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
        CHECK_MESSAGE(has(a.message, named), a.message);
    }
    const std::vector<std::pair<std::string, std::string>> other_records = {
        {R"({"client_id": )" + cid + R"(, "charges": ["a"]})", "\"case.charges\" must be a string"},
        {R"({"client_id": )" + cid + R"(, "name": "A", "event_id": true})", "\"document.event_id\""},
        {R"({"client_id": )" + cid + R"(})", "document.name"},
    };
    for (const auto& [text, named] : other_records) {
        CAPTURE(text);
        const bool is_case = has(named, "case.");
        Answer a = call([&](sesame_buf* out) {
            return is_case ? sesame_case_create(out, w.h(), w.staff.get(), text.c_str())
                           : sesame_document_create(out, w.h(), w.staff.get(), text.c_str());
        });
        CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
        CHECK_MESSAGE(has(a.message, named), a.message);
    }
    // Updates: the id must name the row; the rest is read as strictly.
    const std::vector<std::pair<std::string, std::string>> updates = {
        {R"({"status": "cancelled"})", "\"event.id\""},
        {R"({"id": "1", "status": "cancelled"})", "\"event.id\""},
        {json{{"id", id_of(e)}, {"status", 3}}.dump(), "\"event.status\" must be a string"},
    };
    for (const auto& [text, named] : updates) {
        CAPTURE(text);
        Answer a = call([&](sesame_buf* out) { return sesame_event_update(out, w.h(), w.staff.get(), text.c_str()); });
        CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
        CHECK_MESSAGE(has(a.message, named), a.message);
    }
    Answer null_record = call([&](sesame_buf* out) { return sesame_case_update(out, w.h(), w.staff.get(), nullptr); });
    CHECK(null_record.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(null_record.message, "case_json is NULL"));
    CHECK(stored() == before);
    CHECK(w.audit_count() == events);

    // A field the record does not have is ignored and named in the warnings; the rest applies.
    const std::string venue = json{{"id", id_of(e)}, {"time", "08:00"}, {"venue", "Room 1"}}.dump();
    Answer tolerated = call([&](sesame_buf* out) { return sesame_event_update(out, w.h(), w.staff.get(), venue.c_str()); });
    CHECK(tolerated.status == SESAME_OK);
    CHECK(tolerated.body["time"] == "08:00");
    CHECK_FALSE(tolerated.body.contains("venue"));
    CHECK(json::parse(sesame_last_warnings()) ==
          json::array({"unknown field \"event.venue\" ignored: check its spelling against docs/c-api.md"}));
}

TEST_CASE("capi content: the engine's refusals come back with their codes") {
    CWorld w;
    const json k = w.create_case({{"client_id", w.ann.id}, {"case_number", "CR-1"}});
    const json e = w.create_event({{"client_id", w.ann.id}, {"date", "2026-03-01"}});
    CActor reader("reader", w.agency.id, {});
    const sesame::Agency other = w.make_agency("Other County");
    CActor stranger("stranger", other.id, kContentPermissions);

    const std::string record = json{{"client_id", w.ann.id}, {"date", "2026-03-02"}}.dump();
    Answer denied = call([&](sesame_buf* out) { return sesame_event_create(out, w.h(), reader.get(), record.c_str()); });
    CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
    CHECK(has(denied.message, "create_events"));
    // Reading needs no permission.
    CHECK(ok([&](sesame_buf* out) { return sesame_case_get(out, w.h(), reader.get(), id_of(k)); }) == k);

    Answer hidden = call([&](sesame_buf* out) { return sesame_event_get(out, w.h(), stranger.get(), id_of(e)); });
    CHECK(hidden.status == SESAME_E_NOT_FOUND);
    Answer unused = call([&](sesame_buf* out) { return sesame_event_get(out, w.h(), stranger.get(), 4242); });
    CHECK(unused.status == SESAME_E_NOT_FOUND);
    CHECK(call([&](sesame_buf* out) { return sesame_document_list(out, w.h(), stranger.get(), w.ann.id); }).status ==
          SESAME_E_NOT_FOUND);
    CHECK(call([&](sesame_buf* out) { return sesame_event_create(out, w.h(), stranger.get(), record.c_str()); }).status ==
          SESAME_E_NOT_FOUND);
    const std::string move = json{{"id", id_of(e)}, {"client_id", w.ann.id}, {"time", "7 pm"}}.dump();
    CHECK(call([&](sesame_buf* out) { return sesame_event_update(out, w.h(), stranger.get(), move.c_str()); }).status ==
          SESAME_E_NOT_FOUND);

    Answer bad_time = call([&](sesame_buf* out) { return sesame_event_update(out, w.h(), w.staff.get(), move.c_str()); });
    CHECK(bad_time.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(bad_time.message, "event.time"));
    const std::string rehome = json{{"id", id_of(k)}, {"agency_id", other.id}}.dump();
    Answer moved = call([&](sesame_buf* out) { return sesame_case_update(out, w.h(), w.root_c.get(), rehome.c_str()); });
    CHECK(moved.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(moved.message, "case.agency_id"));
}

TEST_CASE("capi content: misuse of the arguments is INVALID_ARGUMENT naming the argument") {
    CWorld w;
    const std::string record = json{{"client_id", w.ann.id}, {"date", "2026-03-02"}}.dump();
    sesame_buf out{nullptr, 0};
    CHECK(sesame_event_create(nullptr, w.h(), w.staff.get(), record.c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "sesame_event_create: out_json is NULL"));
    CHECK(sesame_case_list(&out, nullptr, w.staff.get(), w.ann.id) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "sesame_case_list: engine is NULL"));
    CHECK(sesame_document_get(&out, w.h(), nullptr, 1) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "actor is NULL"));
    sesame_actor small = *w.staff.get();
    small.struct_size = offsetof(sesame_actor, super_admin);  // misses a first-version field
    CHECK(sesame_event_list(&out, w.h(), &small, w.ann.id) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "actor.struct_size"));
    CHECK(sesame_client_events(&out, w.h(), w.portal.id, nullptr, "2026-01-01") == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "token is NULL"));
    CHECK(sesame_client_events(nullptr, w.h(), w.portal.id, "t", "2026-01-01") == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_client_cases(&out, nullptr, w.portal.id, "t") == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "sesame_client_cases: engine is NULL"));
    CHECK(sesame_client_documents(&out, w.h(), w.portal.id, nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(out.data == nullptr);
    // Nothing was written by any of them.
    CHECK(w.store->list_events(w.ann.id)->empty());
}

TEST_CASE("capi content: a logged-in client reads their own upcoming events, cases and documents as JSON") {
    CWorld w;
    const sesame::Client ben = w.make_client(w.agency, "Ben");
    const json past = w.create_event({{"client_id", w.ann.id}, {"date", "2025-12-01"}});
    const json later = w.create_event({{"client_id", w.ann.id}, {"date", "2026-02-01"}, {"time", "10:00"}});
    const json sooner = w.create_event({{"client_id", w.ann.id}, {"date", "2026-01-15"}});
    w.create_event({{"client_id", ben.id}, {"date", "2026-01-20"}});
    const json k = w.create_case({{"client_id", w.ann.id}, {"case_number", "CR-ANN"}});
    w.create_case({{"client_id", ben.id}, {"case_number", "CR-BEN"}});
    const json d = w.create_document({{"client_id", w.ann.id}, {"name", "Form"}});

    const auto login = w.login();
    const std::string token = login.token;
    const json upcoming =
        ok([&](sesame_buf* out) { return sesame_client_events(out, w.h(), w.portal.id, token.c_str(), "2026-01-01"); });
    CHECK(ids_of(upcoming) == std::vector<int64_t>{id_of(sooner), id_of(later)});
    CHECK(upcoming.at(1) == later);
    CHECK(ids_of(ok([&](sesame_buf* out) {
              return sesame_client_events(out, w.h(), w.portal.id, token.c_str(), "2025-01-01");
          })) == std::vector<int64_t>{id_of(past), id_of(sooner), id_of(later)});
    CHECK(ok([&](sesame_buf* out) { return sesame_client_cases(out, w.h(), w.portal.id, token.c_str()); }) ==
          json::array({k}));
    CHECK(ok([&](sesame_buf* out) { return sesame_client_documents(out, w.h(), w.portal.id, token.c_str()); }) ==
          json::array({d}));

    Answer no_date = call([&](sesame_buf* out) { return sesame_client_events(out, w.h(), w.portal.id, token.c_str(), nullptr); });
    CHECK(no_date.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(no_date.message, "from_date"));
    Answer bad_date = call([&](sesame_buf* out) { return sesame_client_events(out, w.h(), w.portal.id, token.c_str(), "tomorrow"); });
    CHECK(bad_date.status == SESAME_E_INVALID_ARGUMENT);
    Answer forged = call([&](sesame_buf* out) { return sesame_client_cases(out, w.h(), w.portal.id, "not-a-token"); });
    CHECK(forged.status == SESAME_E_SESSION_INVALID);
    REQUIRE(sesame_session_logout(w.h(), w.portal.id, token.c_str()) == SESAME_OK);
    CHECK(call([&](sesame_buf* out) { return sesame_client_documents(out, w.h(), w.portal.id, token.c_str()); }).status ==
          SESAME_E_SESSION_INVALID);

    // A phone shared by two clients: nothing until the person chooses.
    w.add_contact(ben, sesame::ContactKind::phone, World::kPhone);
    w.next_send();
    const auto shared = w.login();
    CHECK(call([&](sesame_buf* out) {
              return sesame_client_events(out, w.h(), w.portal.id, shared.token.c_str(), "2026-01-01");
          }).status == SESAME_E_SELECTION_REQUIRED);
    sesame_session_info info = SESAME_SESSION_INFO_INIT;
    REQUIRE(sesame_session_select(&info, w.h(), w.portal.id, shared.token.c_str(), ben.id) == SESAME_OK);
    const json bens = ok([&](sesame_buf* out) { return sesame_client_cases(out, w.h(), w.portal.id, shared.token.c_str()); });
    REQUIRE(bens.size() == 1);
    CHECK(bens[0]["case_number"] == "CR-BEN");
}

namespace {

// A host's case system behind the C directory vtable: clients and contacts from the store, events,
// cases and documents as JSON text the test sets.
struct HostDirectory {
    std::shared_ptr<sesame::Directory> base;
    std::string events = "[]";
    std::string cases = "[]";
    std::string documents = "[]";
    sesame_status documents_status = SESAME_OK;
    std::vector<int64_t> asked_for;  // the client ids of content calls
    int destroyed = 0;
};

sesame_status write_text(sesame_sink* sink, const std::string& text) { return sesame_sink_write(sink, text.data(), text.size()); }

sesame_status host_find_owners(void* user_data, sesame_sink* out, sesame_sink*, int64_t agency_id, const char* value) {
    auto* host = static_cast<HostDirectory*>(user_data);
    auto owners = host->base->find_owners(agency_id, value);
    json a = json::array();
    for (const auto& o : *owners) a.push_back({{"client", sesame::records::write(o.client)}, {"contact", sesame::records::write(o.contact)}});
    return write_text(out, a.dump());
}

sesame_status host_get_client(void* user_data, sesame_sink* out, sesame_sink*, int64_t agency_id, int64_t client_id) {
    auto* host = static_cast<HostDirectory*>(user_data);
    auto client = host->base->get_client(agency_id, client_id);
    if (!client) return SESAME_E_NOT_FOUND;
    return write_text(out, sesame::records::write(*client).dump());
}

sesame_status host_list_contacts(void* user_data, sesame_sink* out, sesame_sink*, int64_t agency_id, int64_t client_id) {
    auto* host = static_cast<HostDirectory*>(user_data);
    return write_text(out, sesame::records::write_all(*host->base->list_contacts(agency_id, client_id)).dump());
}

sesame_status host_list_events(void* user_data, sesame_sink* out, sesame_sink*, int64_t, int64_t client_id) {
    auto* host = static_cast<HostDirectory*>(user_data);
    host->asked_for.push_back(client_id);
    return write_text(out, host->events);
}

sesame_status host_list_cases(void* user_data, sesame_sink* out, sesame_sink*, int64_t, int64_t client_id) {
    auto* host = static_cast<HostDirectory*>(user_data);
    host->asked_for.push_back(client_id);
    return write_text(out, host->cases);
}

sesame_status host_list_documents(void* user_data, sesame_sink* out, sesame_sink* error, int64_t, int64_t client_id) {
    auto* host = static_cast<HostDirectory*>(user_data);
    host->asked_for.push_back(client_id);
    if (host->documents_status != SESAME_OK) {
        write_text(error, "case system offline");
        return host->documents_status;
    }
    return write_text(out, host->documents);
}

void host_destroy(void* user_data) { ++static_cast<HostDirectory*>(user_data)->destroyed; }

sesame_directory_vtable host_vtable(HostDirectory& host) {
    sesame_directory_vtable v = SESAME_DIRECTORY_VTABLE_INIT;
    v.user_data = &host;
    v.find_owners = host_find_owners;
    v.get_client = host_get_client;
    v.list_contacts = host_list_contacts;
    v.destroy = host_destroy;
    v.list_events = host_list_events;
    v.list_cases = host_list_cases;
    v.list_documents = host_list_documents;
    return v;
}

}  // namespace

TEST_CASE("capi content: a host's C directory answers the client's reads; its strangers' rows are dropped") {
    MemoryWorld w;
    HostDirectory host;
    host.base = sesame::make_store_directory(w.store);
    const sesame::Client stranger = w.make_client(w.agency, "Sam");
    const int64_t a = w.agency.id, ann = w.ann.id;
    host.events = json::array({{{"id", 70}, {"agency_id", a}, {"client_id", ann}, {"date", "2026-04-01"}, {"type", "visit"}},
                               {{"id", 71}, {"agency_id", a}, {"client_id", stranger.id}, {"date", "2026-03-01"}},
                               {{"id", 72}, {"agency_id", a}, {"client_id", ann}, {"date", "2026-02-01"}, {"time", "08:00"}},
                               {{"id", 73}, {"agency_id", a}, {"client_id", ann}, {"date", "2025-02-01"}}})
                      .dump();
    host.cases = json::array({{{"id", 5}, {"agency_id", a}, {"client_id", ann}, {"case_number", "HOST-5"},
                               {"created_at", 1700000000}}})
                     .dump();
    {
        auto handle = handle_for(w, std::make_shared<sesame::capi::DirectoryAdapter>(host_vtable(host)));
        const auto login = w.login();
        const std::string& token = login.token;

        const json events =
            ok([&](sesame_buf* out) { return sesame_client_events(out, handle.get(), w.portal.id, token.c_str(), "2026-01-01"); });
        CHECK(ids_of(events) == std::vector<int64_t>{72, 70});
        CHECK(events[1]["type"] == "visit");
        CHECK(events[0]["time"] == "08:00");
        CHECK(events[0]["status"] == "scheduled");  // absent fields take the record's defaults
        CHECK(w.events->count("client.content", "directory_foreign_rows") == 1);

        const json cases = ok([&](sesame_buf* out) { return sesame_client_cases(out, handle.get(), w.portal.id, token.c_str()); });
        REQUIRE(cases.size() == 1);
        CHECK(cases[0]["case_number"] == "HOST-5");
        CHECK(cases[0]["created_at"] == 1700000000);
        CHECK(ok([&](sesame_buf* out) { return sesame_client_documents(out, handle.get(), w.portal.id, token.c_str()); }) ==
              json::array());
        for (int64_t asked : host.asked_for) CHECK(asked == ann);

        // What a broken host answers is a CALLBACK naming the method, never a partial list.
        host.documents_status = SESAME_E_CALLBACK;
        Answer offline = call([&](sesame_buf* out) { return sesame_client_documents(out, handle.get(), w.portal.id, token.c_str()); });
        CHECK(offline.status == SESAME_E_CALLBACK);
        CHECK(has(offline.message, "case system offline"));
        host.documents_status = SESAME_OK;
        for (const auto& [text, named] : std::vector<std::pair<std::string, std::string>>{
                 {"{\"id\": 1}", "must be a JSON array of documents"},
                 {"not json", "not valid JSON"},
                 {"", "wrote no response"},
                 {json::array({{{"agency_id", a}, {"client_id", ann}, {"name", "X"}}}).dump(), "\"document.id\" is required"},
                 {json::array({{{"id", 1}, {"agency_id", a}, {"client_id", ann}, {"due_date", 5}}}).dump(),
                  "\"document.due_date\" must be a string"},
             }) {
            CAPTURE(text);
            host.documents = text;
            Answer bad = call([&](sesame_buf* out) { return sesame_client_documents(out, handle.get(), w.portal.id, token.c_str()); });
            CHECK(bad.status == SESAME_E_CALLBACK);
            CHECK_MESSAGE(has(bad.message, "list_documents"), bad.message);
            CHECK_MESSAGE(has(bad.message, named), bad.message);
        }
        CHECK(host.destroyed == 0);
    }
    CHECK(host.destroyed == 1);
}

TEST_CASE("capi content: a directory without the content callbacks, or from an older header, has no content") {
    MemoryWorld w;
    HostDirectory host;
    host.base = sesame::make_store_directory(w.store);
    host.events = json::array({{{"id", 70}, {"agency_id", w.agency.id}, {"client_id", w.ann.id}, {"date", "2026-04-01"}}}).dump();
    // The store holds an event of Ann's, but the host's directory is the only source.
    sesame::Event stored;
    stored.client_id = w.ann.id;
    stored.date = "2026-05-01";
    REQUIRE(w.engine->create_event(w.root, stored).ok());

    SUBCASE("NULL callbacks") {
        sesame_directory_vtable v = host_vtable(host);
        v.list_events = nullptr;
        v.list_cases = nullptr;
        v.list_documents = nullptr;
        auto handle = handle_for(w, std::make_shared<sesame::capi::DirectoryAdapter>(v));
        const auto login = w.login();
        CHECK(ok([&](sesame_buf* out) {
                  return sesame_client_events(out, handle.get(), w.portal.id, login.token.c_str(), "2026-01-01");
              }) == json::array());
        CHECK(ok([&](sesame_buf* out) { return sesame_client_cases(out, handle.get(), w.portal.id, login.token.c_str()); }) ==
              json::array());
    }
    SUBCASE("a struct_size that ends before them") {
        sesame_directory_vtable v = host_vtable(host);
        v.struct_size = static_cast<uint32_t>(offsetof(sesame_directory_vtable, list_events));
        auto handle = handle_for(w, std::make_shared<sesame::capi::DirectoryAdapter>(v));
        const auto login = w.login();
        CHECK(ok([&](sesame_buf* out) {
                  return sesame_client_events(out, handle.get(), w.portal.id, login.token.c_str(), "2026-01-01");
              }) == json::array());
        CHECK(host.asked_for.empty());
    }
}

namespace {

enum class Throw { none, runtime, bad_alloc };

// The store's directory, except that its content calls throw.
class ThrowingDirectory final : public sesame::Directory {
public:
    explicit ThrowingDirectory(std::shared_ptr<sesame::Store> store) : inner_(sesame::make_store_directory(std::move(store))) {}
    sesame::Result<std::vector<sesame::Owner>> find_owners(sesame::Id agency_id, const std::string& value) override {
        return inner_->find_owners(agency_id, value);
    }
    sesame::Result<sesame::Client> get_client(sesame::Id agency_id, sesame::Id client_id) override {
        return inner_->get_client(agency_id, client_id);
    }
    sesame::Result<std::vector<sesame::Contact>> list_contacts(sesame::Id agency_id, sesame::Id client_id) override {
        return inner_->list_contacts(agency_id, client_id);
    }
    sesame::Result<std::vector<sesame::Event>> list_events(sesame::Id, sesame::Id) override {
        if (mode == Throw::bad_alloc) throw std::bad_alloc();
        throw std::runtime_error("the case system threw");
    }
    std::atomic<Throw> mode{Throw::runtime};

private:
    std::shared_ptr<sesame::Directory> inner_;
};

}  // namespace

TEST_CASE("capi content: an exception inside the engine never crosses the ABI") {
    MemoryWorld w;
    auto directory = std::make_shared<ThrowingDirectory>(w.store);
    auto handle = handle_for(w, directory);
    const auto login = w.login();
    Answer runtime = call([&](sesame_buf* out) {
        return sesame_client_events(out, handle.get(), w.portal.id, login.token.c_str(), "2026-01-01");
    });
    CHECK(runtime.status == SESAME_E_INTERNAL);
    CHECK(has(runtime.message, "the case system threw"));
    directory->mode = Throw::bad_alloc;
    Answer memory = call([&](sesame_buf* out) {
        return sesame_client_events(out, handle.get(), w.portal.id, login.token.c_str(), "2026-01-01");
    });
    CHECK(memory.status == SESAME_E_NOMEM);
}
