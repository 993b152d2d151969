// Events, cases and documents assigned to clients: the staff operations (permissions, agency
// isolation, validation, audit) and what a logged-in client reads of their own, from the store's
// directory or a host's.
#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

const std::set<std::string> kContentPermissions = {"create_events", "update_events",    "create_cases",
                                                   "update_cases",  "create_documents", "update_documents"};

Actor clerk(Id agency_id, std::set<std::string> permissions = kContentPermissions) {
    return Actor{"clerk-1", agency_id, std::move(permissions), false};
}

Event event_for(const Client& c, const std::string& date, const std::string& time = "09:30") {
    Event e;
    e.client_id = c.id;
    e.date = date;
    e.time = time;
    e.type = "hearing";
    e.location = "Courtroom 2";
    e.judge = "Hon. Ada Park";
    e.case_number = "CR-100";
    e.description = "Pretrial conference";
    return e;
}

Case case_for(const Client& c, const std::string& number) {
    Case k;
    k.client_id = c.id;
    k.case_number = number;
    k.type = "misdemeanor";
    k.charges = "Count 1: driving with a suspended license";
    k.description = "Filed by the county attorney";
    return k;
}

Document document_for(const Client& c, const std::string& name) {
    Document d;
    d.client_id = c.id;
    d.type = "form";
    d.name = name;
    d.due_date = "2026-02-01";
    return d;
}

template <class T>
T ok(Result<T> r) {
    REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
    return std::move(*r);
}

template <class T>
std::vector<Id> ids_of(const std::vector<T>& rows) {
    std::vector<Id> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
}

// The message of a refusal, for checks that two refusals cannot be told apart.
template <class T>
std::string refusal(const Result<T>& r) {
    REQUIRE_FALSE(r.ok());
    return std::string(code_name(r.code())) + ": " + r.status().message();
}

bool audit_mentions(const World& w, const std::string& text) {
    for (const auto& e : w.events->all())
        if (contains(e.target + " " + e.reason + " " + e.detail, text)) return true;
    return false;
}

}  // namespace

// ---- staff operations ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("content: staff create, read, update and list events, cases and documents on each store", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    const Actor staff = clerk(w.agency.id);

    const UnixTime created = w.clock->now();
    Case k = ok(w.engine->create_case(staff, case_for(w.ann, "CR-100")));
    CHECK(k.id > 0);
    CHECK(k.agency_id == w.agency.id);  // 0 in the request: the client's agency
    CHECK(k.created_at == created);
    CHECK(k.status == "open");

    Event later = event_for(w.ann, "2026-03-10", "");
    later.case_id = k.id;
    later = ok(w.engine->create_event(staff, later));
    Event sooner = ok(w.engine->create_event(staff, event_for(w.ann, "2026-02-01", "13:00")));
    Event morning = ok(w.engine->create_event(staff, event_for(w.ann, "2026-02-01", "08:45")));
    CHECK(later.status == "scheduled");
    CHECK(later.case_id == k.id);
    CHECK(ids_of(ok(w.engine->list_events(staff, w.ann.id))) == std::vector<Id>{morning.id, sooner.id, later.id});

    Document d = document_for(w.ann, "Financial affidavit");
    d.case_id = k.id;
    d.event_id = sooner.id;
    d = ok(w.engine->create_document(staff, d));
    CHECK(d.uploaded_by == "agency");
    CHECK(d.status == "pending");
    CHECK(d.event_id == sooner.id);

    // Reads need no permission, only the agency.
    const Actor reader = clerk(w.agency.id, {});
    CHECK(ok(w.engine->get_event(reader, later.id)).description == "Pretrial conference");
    CHECK(ok(w.engine->get_case(reader, k.id)).charges == k.charges);
    CHECK(ok(w.engine->get_document(reader, d.id)).name == "Financial affidavit");
    CHECK(ids_of(ok(w.engine->list_cases(reader, w.ann.id))) == std::vector<Id>{k.id});
    CHECK(ids_of(ok(w.engine->list_documents(reader, w.ann.id))) == std::vector<Id>{d.id});

    // An update replaces every field but the id and the creation time.
    w.clock->advance(3600);
    Event moved = later;
    moved.date = "2026-01-20";
    moved.time = "10:00";
    moved.status = "cancelled";
    moved.case_id.reset();
    moved.created_at = 1;
    moved = ok(w.engine->update_event(staff, moved));
    CHECK(moved.created_at == created);
    auto stored = ok(w.engine->get_event(staff, later.id));
    CHECK(stored.date == "2026-01-20");
    CHECK(stored.time == "10:00");
    CHECK(stored.status == "cancelled");
    CHECK_FALSE(stored.case_id.has_value());
    CHECK(stored.created_at == created);
    CHECK(ids_of(ok(w.engine->list_events(staff, w.ann.id))) == std::vector<Id>{later.id, morning.id, sooner.id});

    Case closed = k;
    closed.status = "closed";
    closed.charges = "Dismissed";
    CHECK(ok(w.engine->update_case(staff, closed)).status == "closed");
    CHECK(ok(w.engine->get_case(staff, k.id)).charges == "Dismissed");

    Document returned = d;
    returned.status = "received";
    returned.uploaded_by = "client";
    returned.event_id.reset();
    returned = ok(w.engine->update_document(staff, returned));
    auto doc = ok(w.engine->get_document(staff, d.id));
    CHECK(doc.status == "received");
    CHECK(doc.uploaded_by == "client");
    CHECK_FALSE(doc.event_id.has_value());
    CHECK(doc.case_id == k.id);
}

TEST_CASE("content: each change needs its permission, and a refusal is audited and writes nothing") {
    MemoryWorld w;
    const Actor full = clerk(w.agency.id);
    const Event e = ok(w.engine->create_event(full, event_for(w.ann, "2026-02-01")));
    const Case k = ok(w.engine->create_case(full, case_for(w.ann, "CR-1")));
    const Document d = ok(w.engine->create_document(full, document_for(w.ann, "Form A")));

    struct Attempt {
        const char* permission;
        const char* action;
        std::function<Code(const Actor&)> call;
    };
    const std::vector<Attempt> attempts = {
        {"create_events", "event.create",
         [&](const Actor& a) { return w.engine->create_event(a, event_for(w.ann, "2026-02-02")).code(); }},
        {"update_events", "event.update", [&](const Actor& a) { return w.engine->update_event(a, e).code(); }},
        {"create_cases", "case.create",
         [&](const Actor& a) { return w.engine->create_case(a, case_for(w.ann, "CR-2")).code(); }},
        {"update_cases", "case.update", [&](const Actor& a) { return w.engine->update_case(a, k).code(); }},
        {"create_documents", "document.create",
         [&](const Actor& a) { return w.engine->create_document(a, document_for(w.ann, "Form B")).code(); }},
        {"update_documents", "document.update", [&](const Actor& a) { return w.engine->update_document(a, d).code(); }},
    };
    for (const auto& attempt : attempts) {
        CAPTURE(attempt.permission);
        std::set<std::string> others = kContentPermissions;
        others.erase(attempt.permission);
        const auto before = w.events->of(attempt.action).size();
        CHECK(attempt.call(clerk(w.agency.id, others)) == Code::permission_denied);
        auto logged = w.events->of(attempt.action);
        REQUIRE(logged.size() == before + 1);
        CHECK(logged.back().outcome == "SESAME_E_PERMISSION_DENIED");
        CHECK(logged.back().reason == std::string("missing_permission:") + attempt.permission);
        CHECK(attempt.call(clerk(w.agency.id, {attempt.permission})) == Code::ok);
    }
    CHECK(ok(w.engine->list_events(full, w.ann.id)).size() == 2);
    CHECK(ok(w.engine->list_cases(full, w.ann.id)).size() == 2);
    CHECK(ok(w.engine->list_documents(full, w.ann.id)).size() == 2);
}

TEST_CASE("content: another agency's rows, clients, cases and events answer exactly as missing ones") {
    MemoryWorld w;
    const Actor ours = clerk(w.agency.id);
    const Event e = ok(w.engine->create_event(ours, event_for(w.ann, "2026-02-01")));
    const Case k = ok(w.engine->create_case(ours, case_for(w.ann, "CR-1")));
    const Document d = ok(w.engine->create_document(ours, document_for(w.ann, "Form A")));

    const Agency other = w.make_agency("Other County");
    const Client theirs = w.make_client(other, "Tess", "Ng");
    const Actor stranger = clerk(other.id);
    const Id missing = 4242;

    // Ids are probed one kind at a time: a foreign id and an unused one read the same.
    auto same = [](std::string a, std::string b, Id foreign, Id unused) {
        // Each message names the id it was asked about; with that swapped, they must match.
        const auto swap = [](std::string s, Id from, Id to) {
            const std::string f = std::to_string(from);
            const auto at = s.find(f);
            if (at != std::string::npos) s.replace(at, f.size(), std::to_string(to));
            return s;
        };
        CHECK(swap(a, foreign, unused) == b);
    };
    same(refusal(w.engine->get_event(stranger, e.id)), refusal(w.engine->get_event(stranger, missing)), e.id, missing);
    same(refusal(w.engine->get_case(stranger, k.id)), refusal(w.engine->get_case(stranger, missing)), k.id, missing);
    same(refusal(w.engine->get_document(stranger, d.id)), refusal(w.engine->get_document(stranger, missing)), d.id,
         missing);
    CHECK(w.engine->get_event(stranger, e.id).code() == Code::not_found);
    CHECK(w.engine->list_events(stranger, w.ann.id).code() == Code::not_found);
    CHECK(w.engine->list_cases(stranger, w.ann.id).code() == Code::not_found);
    CHECK(w.engine->list_documents(stranger, w.ann.id).code() == Code::not_found);
    CHECK(w.engine->update_event(stranger, e).code() == Code::not_found);
    CHECK(w.engine->update_case(stranger, k).code() == Code::not_found);
    CHECK(w.engine->update_document(stranger, d).code() == Code::not_found);
    CHECK(w.engine->create_event(stranger, event_for(w.ann, "2026-02-01")).code() == Code::not_found);
    CHECK(w.engine->create_case(stranger, case_for(w.ann, "X")).code() == Code::not_found);
    CHECK(w.engine->create_document(stranger, document_for(w.ann, "X")).code() == Code::not_found);

    // A link to another agency's case or event is refused in the words used for a missing one.
    Event linked = event_for(theirs, "2026-02-01");
    linked.case_id = k.id;
    const std::string foreign_case = refusal(w.engine->create_event(stranger, linked));
    linked.case_id = missing;
    CHECK(refusal(w.engine->create_event(stranger, linked)) == foreign_case);
    CHECK(contains(foreign_case, "SESAME_E_INVALID_ARGUMENT"));
    Document doc = document_for(theirs, "X");
    doc.event_id = e.id;
    const std::string foreign_event = refusal(w.engine->create_document(stranger, doc));
    doc.event_id = missing;
    CHECK(refusal(w.engine->create_document(stranger, doc)) == foreign_event);

    // A super admin may file for any agency, but the row belongs to the client's agency.
    Event wrong_agency = event_for(theirs, "2026-02-01");
    wrong_agency.agency_id = w.agency.id;
    auto r = w.engine->create_event(w.root, wrong_agency);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "event.agency_id"));
    wrong_agency.agency_id = other.id;
    CHECK(ok(w.engine->create_event(w.root, wrong_agency)).agency_id == other.id);

    CHECK(ok(w.engine->list_events(ours, w.ann.id)).size() == 1);
    CHECK(ok(w.engine->list_events(stranger, theirs.id)).size() == 1);
}

TEST_CASE("content: dates, times, lengths, text, statuses and links are validated, naming the field") {
    MemoryWorld w;
    const Actor staff = clerk(w.agency.id);
    const Client ben = w.make_client(w.agency, "Ben");
    const Case bens_case = ok(w.engine->create_case(staff, case_for(ben, "CR-B")));
    const Event bens_event = ok(w.engine->create_event(staff, event_for(ben, "2026-02-01")));

    auto event_refused = [&](const std::function<void(Event&)>& change, const std::string& field) {
        Event e = event_for(w.ann, "2026-02-01");
        change(e);
        auto r = w.engine->create_event(staff, e);
        CHECK_MESSAGE(r.code() == Code::invalid_argument, field);
        CHECK_MESSAGE(contains(r.status().message(), field), r.status().message());
    };
    auto event_accepted = [&](const std::function<void(Event&)>& change) {
        Event e = event_for(w.ann, "2026-02-01");
        change(e);
        auto r = w.engine->create_event(staff, e);
        CHECK_MESSAGE(r.ok(), r.status().message());
    };
    for (const char* bad : {"", "2026-2-01", "2026-02-30", "2025-02-29", "2026/02/01", "2026-13-01", "02-01-2026",
                            "2026-02-01 ", "２０２６-02-01"}) {
        CAPTURE(bad);
        event_refused([&](Event& e) { e.date = bad; }, "event.date");
    }
    event_accepted([](Event& e) { e.date = "2028-02-29"; });
    for (const char* bad : {"24:00", "12:60", "9:30", "09:3", "09-30", "09:30:00", "ab:cd", " 9:30"}) {
        CAPTURE(bad);
        event_refused([&](Event& e) { e.time = bad; }, "event.time");
    }
    event_accepted([](Event& e) { e.time = "00:00"; });
    event_accepted([](Event& e) { e.time = "23:59"; });
    event_accepted([](Event& e) { e.time = ""; });
    event_refused([](Event& e) { e.location = std::string(201, 'x'); }, "event.location");
    event_accepted([](Event& e) { e.location = std::string(200, 'x'); });
    event_refused([](Event& e) { e.judge = "Hon.\nPark"; }, "event.judge");
    event_refused([](Event& e) { e.type = "hear\x01ing"; }, "event.type");
    event_refused([](Event& e) { e.case_number = "\xff\xfe"; }, "event.case_number");
    event_refused([](Event& e) { e.status = ""; }, "event.status");
    event_refused([](Event& e) { e.description = std::string(2001, 'x'); }, "event.description");
    event_accepted([](Event& e) { e.description = std::string(1990, 'x') + "\nline two"; });
    event_refused([&](Event& e) { e.case_id = bens_case.id; }, "event.case_id");
    event_refused([&](Event& e) { e.case_id = 0; }, "event.case_id");

    auto case_refused = [&](const std::function<void(Case&)>& change, const std::string& field) {
        Case k = case_for(w.ann, "CR-1");
        change(k);
        auto r = w.engine->create_case(staff, k);
        CHECK_MESSAGE(r.code() == Code::invalid_argument, field);
        CHECK_MESSAGE(contains(r.status().message(), field), r.status().message());
    };
    case_refused([](Case& k) { k.case_number = std::string(201, '7'); }, "case.case_number");
    case_refused([](Case& k) { k.type = "\x7f"; }, "case.type");
    case_refused([](Case& k) { k.charges = std::string(2001, 'c'); }, "case.charges");
    case_refused([](Case& k) { k.status = ""; }, "case.status");
    case_refused([](Case& k) { k.description = "bad \x1b[31m escape"; }, "case.description");
    Case long_charges = case_for(w.ann, "CR-1");
    long_charges.charges = std::string(1000, 'c') + "\r\n\t" + std::string(997, 'c');
    CHECK(w.engine->create_case(staff, long_charges).ok());

    auto document_refused = [&](const std::function<void(Document&)>& change, const std::string& field) {
        Document d = document_for(w.ann, "Form");
        change(d);
        auto r = w.engine->create_document(staff, d);
        CHECK_MESSAGE(r.code() == Code::invalid_argument, field);
        CHECK_MESSAGE(contains(r.status().message(), field), r.status().message());
    };
    document_refused([](Document& d) { d.name = ""; }, "document.name");
    document_refused([](Document& d) { d.name = std::string(201, 'n'); }, "document.name");
    document_refused([](Document& d) { d.type = "a\nb"; }, "document.type");
    document_refused([](Document& d) { d.due_date = "2026-02-31"; }, "document.due_date");
    document_refused([](Document& d) { d.uploaded_by = "staff"; }, "document.uploaded_by");
    document_refused([](Document& d) { d.uploaded_by = ""; }, "document.uploaded_by");
    document_refused([](Document& d) { d.status = ""; }, "document.status");
    document_refused([&](Document& d) { d.case_id = bens_case.id; }, "document.case_id");
    document_refused([&](Document& d) { d.event_id = bens_event.id; }, "document.event_id");
    document_refused([&](Document& d) { d.event_id = -3; }, "document.event_id");

    // Refused records left nothing behind.
    CHECK(ok(w.engine->list_events(staff, w.ann.id)).size() == 6);
    CHECK(ok(w.engine->list_cases(staff, w.ann.id)).size() == 1);
    CHECK(ok(w.engine->list_documents(staff, w.ann.id)).empty());
}

TEST_CASE("content: an update cannot move a row to another client or agency, and checks what it keeps") {
    MemoryWorld w;
    const Actor staff = clerk(w.agency.id);
    const Client ben = w.make_client(w.agency, "Ben");
    const Event e = ok(w.engine->create_event(staff, event_for(w.ann, "2026-02-01")));
    const Case k = ok(w.engine->create_case(staff, case_for(w.ann, "CR-1")));
    const Document d = ok(w.engine->create_document(staff, document_for(w.ann, "Form")));

    Event moved = e;
    moved.client_id = ben.id;
    auto r = w.engine->update_event(staff, moved);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "event.client_id"));
    Case rehomed = k;
    rehomed.agency_id = 0;
    auto rc = w.engine->update_case(staff, rehomed);
    CHECK(rc.code() == Code::invalid_argument);
    CHECK(contains(rc.status().message(), "case.agency_id"));
    Document handed = d;
    handed.client_id = ben.id;
    CHECK(w.engine->update_document(staff, handed).code() == Code::invalid_argument);
    Event bad_time = e;
    bad_time.time = "25:00";
    CHECK(w.engine->update_event(staff, bad_time).code() == Code::invalid_argument);
    Event ghost = e;
    ghost.id = 999;
    CHECK(w.engine->update_event(staff, ghost).code() == Code::not_found);

    CHECK(ok(w.engine->get_event(staff, e.id)).time == "09:30");
    CHECK(ok(w.engine->get_event(staff, e.id)).client_id == w.ann.id);
    CHECK(ok(w.engine->list_events(staff, ben.id)).empty());
    CHECK(ok(w.engine->get_case(staff, k.id)).agency_id == w.agency.id);
    CHECK(ok(w.engine->get_document(staff, d.id)).client_id == w.ann.id);
}

TEST_CASE("content: changes are audited by field name, never by what a field says") {
    MemoryWorld w;
    const Actor staff = clerk(w.agency.id);
    Event e = event_for(w.ann, "2026-02-01");
    e.description = "Bring the restraining order paperwork";
    e = ok(w.engine->create_event(staff, e));
    Case k = case_for(w.ann, "CR-1");
    k.charges = "Assault in the fourth degree";
    k = ok(w.engine->create_case(staff, k));
    ok(w.engine->create_document(staff, document_for(w.ann, "Victim impact statement")));

    auto created = w.events->of("event.create");
    REQUIRE(created.size() == 1);
    CHECK(created.back().outcome == "ok");
    CHECK(created.back().actor == "staff:clerk-1");
    CHECK(created.back().agency_id == w.agency.id);
    CHECK(created.back().target == "event:" + std::to_string(e.id));
    CHECK(contains(created.back().detail, "client:" + std::to_string(w.ann.id)));
    CHECK(contains(created.back().detail, "description"));
    REQUIRE(w.events->of("case.create").size() == 1);
    CHECK(contains(w.events->of("case.create").back().detail, "charges"));
    REQUIRE(w.events->of("document.create").size() == 1);

    e.status = "completed";
    e.description = "Order served";
    e = ok(w.engine->update_event(staff, e));
    auto updated = w.events->of("event.update");
    REQUIRE(updated.size() == 1);
    CHECK(contains(updated.back().detail, "status"));
    CHECK(contains(updated.back().detail, "description"));
    CHECK_FALSE(contains(updated.back().detail, "date"));
    ok(w.engine->update_event(staff, e));
    CHECK(contains(w.events->of("event.update").back().detail, "no change"));

    for (const char* secret : {"restraining", "Order served", "Assault", "Victim impact", "Courtroom", "Ada Park"}) {
        CAPTURE(secret);
        CHECK_FALSE(audit_mentions(w, secret));
    }
    // The store's log holds the same events the sink saw.
    CHECK(w.audit_log().size() >= 5);
}

// ---- what a logged-in client reads --------------------------------------------------------------

TEST_CASE_TEMPLATE("content: a logged-in client reads their own upcoming events, cases and documents on each store",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    const Actor staff = clerk(w.agency.id);
    const Client ben = w.make_client(w.agency, "Ben");
    const Case k = ok(w.engine->create_case(staff, case_for(w.ann, "CR-ANN")));
    const Event past = ok(w.engine->create_event(staff, event_for(w.ann, "2025-12-31", "09:00")));
    const Event today_late = ok(w.engine->create_event(staff, event_for(w.ann, "2026-01-01", "16:00")));
    const Event today_untimed = ok(w.engine->create_event(staff, event_for(w.ann, "2026-01-01", "")));
    const Event next_month = ok(w.engine->create_event(staff, event_for(w.ann, "2026-02-03", "08:00")));
    const Document form = ok(w.engine->create_document(staff, document_for(w.ann, "Form A")));
    ok(w.engine->create_event(staff, event_for(ben, "2026-01-05")));
    ok(w.engine->create_case(staff, case_for(ben, "CR-BEN")));
    ok(w.engine->create_document(staff, document_for(ben, "Ben's form")));

    const auto login = w.login();
    const std::string& token = login.token;
    CHECK(ids_of(ok(w.engine->client_events(w.portal.id, token, "2026-01-01"))) ==
          std::vector<Id>{today_untimed.id, today_late.id, next_month.id});
    CHECK(ids_of(ok(w.engine->client_events(w.portal.id, token, "2025-01-01"))) ==
          std::vector<Id>{past.id, today_untimed.id, today_late.id, next_month.id});
    CHECK(ok(w.engine->client_events(w.portal.id, token, "2026-02-04")).empty());
    const auto cases = ok(w.engine->client_cases(w.portal.id, token));
    REQUIRE(cases.size() == 1);
    CHECK(cases[0].case_number == "CR-ANN");
    CHECK(cases[0].id == k.id);
    CHECK(ids_of(ok(w.engine->client_documents(w.portal.id, token))) == std::vector<Id>{form.id});

    // A change by staff shows at once.
    Event cancelled = next_month;
    cancelled.status = "cancelled";
    ok(w.engine->update_event(staff, cancelled));
    CHECK(ok(w.engine->client_events(w.portal.id, token, "2026-02-01")).at(0).status == "cancelled");

    CHECK(w.engine->client_events(w.portal.id, token, "2026-1-1").code() == Code::invalid_argument);
    CHECK(w.engine->client_events(w.portal.id, token, "").code() == Code::invalid_argument);

    // A dead session, a forged token or another portal reads nothing.
    const Portal second = w.make_portal(w.agency, "second");
    CHECK(w.engine->client_cases(second.id, token).code() == Code::session_invalid);
    CHECK(w.engine->client_documents(w.portal.id, std::string(43, 'A')).code() == Code::session_invalid);
    REQUIRE(w.engine->logout(w.portal.id, token).ok());
    CHECK(w.engine->client_events(w.portal.id, token, "2026-01-01").code() == Code::session_invalid);
    CHECK(w.engine->client_cases(w.portal.id, token).code() == Code::session_invalid);
    CHECK(w.engine->client_documents(w.portal.id, token).code() == Code::session_invalid);
}

TEST_CASE("content: a client read counts as activity and ends with the session's idle timeout") {
    MemoryWorld w;
    const auto login = w.login();
    const auto idle = w.portal.settings.session_idle_seconds;
    w.clock->advance(idle - 10);
    CHECK(w.engine->client_cases(w.portal.id, login.token).ok());  // touches the session
    w.clock->advance(idle - 10);
    CHECK(w.engine->client_documents(w.portal.id, login.token).ok());
    w.clock->advance(idle);
    CHECK(w.engine->client_events(w.portal.id, login.token, "2026-01-01").code() == Code::session_invalid);
}

TEST_CASE("content: with a shared phone nothing is read until the person chooses, then only the chosen client's") {
    MemoryWorld w;
    const Actor staff = clerk(w.agency.id);
    const Client kid = w.make_client(w.agency, "Kim");
    w.add_contact(kid, ContactKind::phone, World::kPhone);
    ok(w.engine->create_event(staff, event_for(w.ann, "2026-03-01")));
    const Event kims = ok(w.engine->create_event(staff, event_for(kid, "2026-03-02")));
    const Document kims_doc = ok(w.engine->create_document(staff, document_for(kid, "School letter")));

    const auto login = w.login();
    CHECK_FALSE(login.client_id.has_value());
    CHECK(w.engine->client_events(w.portal.id, login.token, "2026-01-01").code() == Code::selection_required);
    CHECK(w.engine->client_cases(w.portal.id, login.token).code() == Code::selection_required);
    CHECK(w.engine->client_documents(w.portal.id, login.token).code() == Code::selection_required);

    REQUIRE(w.engine->select_client(w.portal.id, login.token, kid.id).ok());
    CHECK(ids_of(ok(w.engine->client_events(w.portal.id, login.token, "2026-01-01"))) == std::vector<Id>{kims.id});
    CHECK(ids_of(ok(w.engine->client_documents(w.portal.id, login.token))) == std::vector<Id>{kims_doc.id});
    CHECK(ok(w.engine->client_cases(w.portal.id, login.token)).empty());
}

namespace {

// A host's case system: clients and contacts from the store, content of its own. It answers in
// its own order and, as a buggy one might, with a row of someone else.
class HostContent final : public Directory {
public:
    HostContent(std::shared_ptr<Store> store, Id agency_id, Id client_id, Id stranger_id)
        : base_(make_store_directory(std::move(store))) {
        for (const char* date : {"2026-05-01", "2025-06-01", "2026-04-01"}) {
            Event e;
            e.id = next_++;
            e.agency_id = agency_id;
            e.client_id = client_id;
            e.date = date;
            e.type = "appointment";
            events_.push_back(e);
        }
        Event foreign = events_.front();
        foreign.id = next_++;
        foreign.client_id = stranger_id;
        foreign.date = "2026-04-15";
        events_.push_back(foreign);
        Case mine;
        mine.id = next_++;
        mine.agency_id = agency_id;
        mine.client_id = client_id;
        mine.case_number = "HOST-1";
        cases_.push_back(mine);
        Case other_agency = mine;
        other_agency.id = next_++;
        other_agency.agency_id = agency_id + 100;
        cases_.push_back(other_agency);
    }
    Result<std::vector<Owner>> find_owners(Id agency_id, const std::string& value) override {
        return base_->find_owners(agency_id, value);
    }
    Result<Client> get_client(Id agency_id, Id client_id) override { return base_->get_client(agency_id, client_id); }
    Result<std::vector<Contact>> list_contacts(Id agency_id, Id client_id) override {
        return base_->list_contacts(agency_id, client_id);
    }
    Result<std::vector<Event>> list_events(Id, Id) override { return events_; }
    Result<std::vector<Case>> list_cases(Id, Id) override { return cases_; }
    Result<std::vector<Document>> list_documents(Id, Id) override {
        return Status(Code::callback, "the case system is down");
    }
    const std::vector<Event>& events() const { return events_; }
    const std::vector<Case>& cases() const { return cases_; }

private:
    std::shared_ptr<Directory> base_;
    Id next_ = 9001;
    std::vector<Event> events_;
    std::vector<Case> cases_;
};

// Only what a Directory must answer: the content defaults apply.
class ContactsOnly final : public Directory {
public:
    explicit ContactsOnly(std::shared_ptr<Store> store) : base_(make_store_directory(std::move(store))) {}
    Result<std::vector<Owner>> find_owners(Id agency_id, const std::string& value) override {
        return base_->find_owners(agency_id, value);
    }
    Result<Client> get_client(Id agency_id, Id client_id) override { return base_->get_client(agency_id, client_id); }
    Result<std::vector<Contact>> list_contacts(Id agency_id, Id client_id) override {
        return base_->list_contacts(agency_id, client_id);
    }

private:
    std::shared_ptr<Directory> base_;
};

std::unique_ptr<Engine> engine_with(World& w, std::shared_ptr<Directory> directory) {
    auto o = w.options();
    o.directory = std::move(directory);
    auto e = Engine::open(std::move(o));
    REQUIRE_MESSAGE(e.ok(), e.status().message());
    return std::move(*e);
}

std::string login_with(World& w, Engine& engine) {
    auto started = engine.start_login(w.portal.id, World::kPhone, kRequest);
    REQUIRE_MESSAGE(started.ok(), started.status().message());
    auto verified = engine.verify_login(w.portal.id, started->challenge_id, w.expected_code(), kRequest);
    REQUIRE_MESSAGE(verified.ok(), verified.status().message());
    return verified->token;
}

}  // namespace

TEST_CASE("content: a host directory answers the client's reads; Sesame orders them and drops other clients' rows") {
    MemoryWorld w;
    const Client stranger = w.make_client(w.agency, "Sam");
    auto host = std::make_shared<HostContent>(w.store, w.agency.id, w.ann.id, stranger.id);
    auto engine = engine_with(w, host);
    // The store has none of this: the host's rows are the only source.
    ok(w.engine->create_event(clerk(w.agency.id), event_for(w.ann, "2026-01-10")));
    const std::string token = login_with(w, *engine);

    w.events->clear();
    const auto events = ok(engine->client_events(w.portal.id, token, "2026-01-01"));
    REQUIRE(events.size() == 2);
    CHECK(events[0].date == "2026-04-01");
    CHECK(events[1].date == "2026-05-01");
    for (const auto& e : events) CHECK(e.client_id == w.ann.id);
    auto dropped = w.events->of("client.content");
    REQUIRE(dropped.size() == 1);
    CHECK(dropped.back().reason == "directory_foreign_rows");
    CHECK(dropped.back().agency_id == w.agency.id);
    CHECK(contains(dropped.back().detail, "1 event row"));

    const auto cases = ok(engine->client_cases(w.portal.id, token));
    REQUIRE(cases.size() == 1);
    CHECK(cases[0].case_number == "HOST-1");
    CHECK(cases[0].agency_id == w.agency.id);
    CHECK(w.events->of("client.content").size() == 2);

    auto documents = engine->client_documents(w.portal.id, token);
    CHECK(documents.code() == Code::callback);
    CHECK(contains(documents.status().message(), "the case system is down"));
}

TEST_CASE("content: a host directory that keeps no content gives empty lists, not errors") {
    MemoryWorld w;
    ok(w.engine->create_event(clerk(w.agency.id), event_for(w.ann, "2026-01-10")));
    auto engine = engine_with(w, std::make_shared<ContactsOnly>(w.store));
    const std::string token = login_with(w, *engine);
    CHECK(ok(engine->client_events(w.portal.id, token, "2026-01-01")).empty());
    CHECK(ok(engine->client_cases(w.portal.id, token)).empty());
    CHECK(ok(engine->client_documents(w.portal.id, token)).empty());
    // The default engine, on the store's directory, sees the stored event.
    w.next_send();
    const auto own = w.login();
    CHECK(ok(w.engine->client_events(w.portal.id, own.token, "2026-01-01")).size() == 1);
}

TEST_CASE("content: the store directory answers only for a client of the agency asked about") {
    MemoryWorld w;
    ok(w.engine->create_event(clerk(w.agency.id), event_for(w.ann, "2026-01-10")));
    ok(w.engine->create_case(clerk(w.agency.id), case_for(w.ann, "CR-1")));
    ok(w.engine->create_document(clerk(w.agency.id), document_for(w.ann, "Form")));
    auto directory = make_store_directory(w.store);
    CHECK(ok(directory->list_events(w.agency.id, w.ann.id)).size() == 1);
    CHECK(ok(directory->list_cases(w.agency.id, w.ann.id)).size() == 1);
    CHECK(ok(directory->list_documents(w.agency.id, w.ann.id)).size() == 1);
    const Agency other = w.make_agency("Other County");
    CHECK(directory->list_events(other.id, w.ann.id).code() == Code::not_found);
    CHECK(directory->list_cases(other.id, w.ann.id).code() == Code::not_found);
    CHECK(directory->list_documents(other.id, w.ann.id).code() == Code::not_found);
    CHECK(directory->list_events(w.agency.id, 4242).code() == Code::not_found);
}
