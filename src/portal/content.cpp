// Events, cases and documents assigned to clients: the staff operations that manage them in the
// store, and the reads a logged-in client makes of their own through the Directory.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

using portal::check_text;

// Descriptions and charges are paragraphs; every other field is a label.
constexpr std::size_t kMaxLongText = 2000;

// HH:MM on a 24-hour clock.
bool is_time(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return false;
    for (std::size_t i : {0u, 1u, 3u, 4u})
        if (s[i] < '0' || s[i] > '9') return false;
    const int hours = (s[0] - '0') * 10 + (s[1] - '0');
    const int minutes = (s[3] - '0') * 10 + (s[4] - '0');
    return hours < 24 && minutes < 60;
}

Status check_labels(std::initializer_list<std::pair<const char*, const std::string*>> fields) {
    for (const auto& [name, value] : fields) SESAME_TRY(check_text(name, *value, portal::kMaxField, false));
    return {};
}

Status validate(const Event& e) {
    if (!portal::is_date(e.date))
        return {Code::invalid_argument, "event.date must be a date written YYYY-MM-DD"};
    if (!e.time.empty() && !is_time(e.time))
        return {Code::invalid_argument, "event.time must be empty or a time written HH:MM (00:00 to 23:59)"};
    SESAME_TRY(check_labels({{"event.type", &e.type},
                             {"event.location", &e.location},
                             {"event.judge", &e.judge},
                             {"event.case_number", &e.case_number}}));
    SESAME_TRY(check_text("event.status", e.status, portal::kMaxField, true));
    return check_text("event.description", e.description, kMaxLongText, false, true);
}

Status validate(const Case& c) {
    SESAME_TRY(check_labels({{"case.case_number", &c.case_number}, {"case.type", &c.type}}));
    SESAME_TRY(check_text("case.charges", c.charges, kMaxLongText, false, true));
    SESAME_TRY(check_text("case.status", c.status, portal::kMaxField, true));
    return check_text("case.description", c.description, kMaxLongText, false, true);
}

Status validate(const Document& d) {
    SESAME_TRY(check_text("document.type", d.type, portal::kMaxField, false));
    SESAME_TRY(check_text("document.name", d.name, portal::kMaxField, true));
    if (!d.due_date.empty() && !portal::is_date(d.due_date))
        return {Code::invalid_argument, "document.due_date must be empty or a date written YYYY-MM-DD"};
    if (d.uploaded_by != "agency" && d.uploaded_by != "client")
        return {Code::invalid_argument, "document.uploaded_by must be \"agency\" or \"client\""};
    return check_text("document.status", d.status, portal::kMaxField, true);
}

// A link must name a row of the same client. Missing rows and other clients' rows get one answer,
// so that a link cannot be used to probe for ids.
template <class T>
Status check_link(const std::optional<Id>& link, Id client_id, const char* field, const char* kind,
                  Result<T> (Store::*get)(Id), Store& store) {
    if (!link) return {};
    const Status refused(Code::invalid_argument, fmt::format("{} must name a {} of the same client", field, kind));
    if (*link <= 0) return refused;
    auto row = (store.*get)(*link);
    if (!row) return row.code() == Code::not_found ? refused : row.status();
    return row->client_id == client_id ? Status{} : refused;
}

Status check_links(Store& store, const Event& e) {
    return check_link(e.case_id, e.client_id, "event.case_id", "case", &Store::get_case, store);
}
Status check_links(Store&, const Case&) { return {}; }
Status check_links(Store& store, const Document& d) {
    SESAME_TRY(check_link(d.case_id, d.client_id, "document.case_id", "case", &Store::get_case, store));
    return check_link(d.event_id, d.client_id, "document.event_id", "event", &Store::get_event, store);
}

// Field names only: what a hearing is about, or what a client is charged with, stays out of the log.
struct Changes {
    std::vector<std::string> fields;
    template <class V>
    void diff(const char* name, const V& before, const V& after) {
        if (before != after) fields.push_back(name);
    }
};

std::vector<std::string> changes(const Event& a, const Event& b) {
    Changes c;
    c.diff("case_id", a.case_id, b.case_id);
    c.diff("date", a.date, b.date);
    c.diff("time", a.time, b.time);
    c.diff("type", a.type, b.type);
    c.diff("location", a.location, b.location);
    c.diff("judge", a.judge, b.judge);
    c.diff("case_number", a.case_number, b.case_number);
    c.diff("status", a.status, b.status);
    c.diff("description", a.description, b.description);
    return c.fields;
}

std::vector<std::string> changes(const Case& a, const Case& b) {
    Changes c;
    c.diff("case_number", a.case_number, b.case_number);
    c.diff("type", a.type, b.type);
    c.diff("charges", a.charges, b.charges);
    c.diff("status", a.status, b.status);
    c.diff("description", a.description, b.description);
    return c.fields;
}

std::vector<std::string> changes(const Document& a, const Document& b) {
    Changes c;
    c.diff("case_id", a.case_id, b.case_id);
    c.diff("event_id", a.event_id, b.event_id);
    c.diff("type", a.type, b.type);
    c.diff("name", a.name, b.name);
    c.diff("due_date", a.due_date, b.due_date);
    c.diff("uploaded_by", a.uploaded_by, b.uploaded_by);
    c.diff("status", a.status, b.status);
    return c.fields;
}

// What differs between the three kinds of row, for the operations they share.
template <class T>
struct Kind;

template <>
struct Kind<Event> {
    static constexpr const char* name = "event";
    static constexpr const char* create_permission = "create_events";
    static constexpr const char* update_permission = "update_events";
    static Result<Id> insert(Store& s, const Event& v) { return s.insert_event(v); }
    static Status update(Store& s, const Event& v) { return s.update_event(v); }
    static Result<Event> get(Store& s, Id id) { return s.get_event(id); }
};

template <>
struct Kind<Case> {
    static constexpr const char* name = "case";
    static constexpr const char* create_permission = "create_cases";
    static constexpr const char* update_permission = "update_cases";
    static Result<Id> insert(Store& s, const Case& v) { return s.insert_case(v); }
    static Status update(Store& s, const Case& v) { return s.update_case(v); }
    static Result<Case> get(Store& s, Id id) { return s.get_case(id); }
};

template <>
struct Kind<Document> {
    static constexpr const char* name = "document";
    static constexpr const char* create_permission = "create_documents";
    static constexpr const char* update_permission = "update_documents";
    static Result<Id> insert(Store& s, const Document& v) { return s.insert_document(v); }
    static Status update(Store& s, const Document& v) { return s.update_document(v); }
    static Result<Document> get(Store& s, Id id) { return s.get_document(id); }
};

template <class T>
Result<T> visible(Engine::Impl& im, const Actor& actor, Id id) {
    return portal::visible_row<T>(Kind<T>::get(*im.store, id), actor, Kind<T>::name, id);
}

template <class T>
Result<T> create(Engine::Impl& im, const Actor& actor, T row) {
    using K = Kind<T>;
    const std::string action = fmt::format("{}.create", K::name);
    SESAME_TRY(portal::require_audited(im, actor, K::create_permission, action, fmt::format("{}:new", K::name)));
    auto client = im.visible_client(actor, row.client_id);
    if (!client) return client.status();
    if (row.agency_id == 0) row.agency_id = client->agency_id;
    if (row.agency_id != client->agency_id)
        return Status(Code::invalid_argument,
                      fmt::format("{}.agency_id must be the agency of client {} (or 0)", K::name, client->id));
    SESAME_TRY(validate(row));
    SESAME_TRY(check_links(*im.store, row));
    row.created_at = im.now();
    auto id = K::insert(*im.store, row);
    if (!id) return id.status();
    row.id = *id;
    row.revision = 1;
    portal::audit_change(im, actor, row.agency_id, action, fmt::format("{}:{}", K::name, row.id),
                         fmt::format("client:{}: {}", row.client_id, portal::join_fields(changes(T{}, row))));
    return row;
}

template <class T>
Result<T> update(Engine::Impl& im, const Actor& actor, const T& row) {
    return portal::in_unit<T>(im, [&]() -> Result<T> {
        using K = Kind<T>;
        const std::string action = fmt::format("{}.update", K::name);
        const std::string target = fmt::format("{}:{}", K::name, row.id);
        SESAME_TRY(portal::require_audited(im, actor, K::update_permission, action, target));
        auto before = visible<T>(im, actor, row.id);
        if (!before) return before.status();
        if (row.agency_id != before->agency_id)
            return Status(Code::invalid_argument, fmt::format("{0}.agency_id cannot change: a {0} stays with its agency", K::name));
        if (row.client_id != before->client_id)
            return Status(Code::invalid_argument,
                          fmt::format("{0}.client_id cannot change: a {0} stays with its client; create one for the other client",
                                      K::name));
        SESAME_TRY(validate(row));
        SESAME_TRY(check_links(*im.store, row));
        auto over = portal::update_over(K::name, row.id, before->revision, row.revision);
        if (!over) return over.status();
        T after = row;
        after.created_at = before->created_at;
        after.revision = *over;
        SESAME_TRY(K::update(*im.store, after));
        after.revision = store_detail::next_revision(*over);
        portal::audit_change(im, actor, after.agency_id, action, target,
                             fmt::format("client:{}: {}", after.client_id, portal::join_fields(changes(*before, after))));
        return after;
    });
}

// The session's client, checked the way every client request is checked.
Result<SessionInfo> client_session(Engine& engine, Id portal_id, const std::string& token) {
    auto s = engine.check_session(portal_id, token);
    if (!s) return s;
    if (!s->client_id) return Status(Code::internal, "check_session passed a session without a client");
    return s;
}

// Keeps the rows of the session's own client. Anything else in a directory's answer is a bug in
// that directory; it is dropped, and recorded so that the host can find it.
template <class T>
void keep_own(Engine::Impl& im, const SessionInfo& s, std::vector<T>& rows, const char* kind) {
    const auto foreign = std::erase_if(
        rows, [&](const T& r) { return r.agency_id != s.agency_id || r.client_id != *s.client_id; });
    if (foreign == 0) return;
    AuditEvent e;
    e.agency_id = s.agency_id;
    e.actor = fmt::format("client:{}", *s.client_id);
    e.action = "client.content";
    e.target = fmt::format("client:{}", *s.client_id);
    e.outcome = "ok";
    e.reason = "directory_foreign_rows";
    e.detail = fmt::format("the directory returned {} {} row{} of another client: not shown", foreign, kind,
                           foreign == 1 ? "" : "s");
    im.audit(std::move(e));
}

}  // namespace

// ---- events -------------------------------------------------------------------------------------

Result<Event> Engine::create_event(const Actor& actor, Event event) { return create(*impl_, actor, std::move(event)); }
Result<Event> Engine::update_event(const Actor& actor, const Event& event) { return update(*impl_, actor, event); }
Result<Event> Engine::get_event(const Actor& actor, Id event_id) { return visible<Event>(*impl_, actor, event_id); }

Result<std::vector<Event>> Engine::list_events(const Actor& actor, Id client_id) {
    auto client = impl_->visible_client(actor, client_id);
    if (!client) return client.status();
    return impl_->store->list_events(client_id);
}

Status Engine::delete_event(const Actor& actor, Id event_id) {
    Impl& im = *impl_;
    const std::string target = fmt::format("event:{}", event_id);
    SESAME_TRY(portal::require_audited(im, actor, Kind<Event>::update_permission, "event.delete", target));
    auto event = portal::visible_row(im.store->get_event(event_id), actor, "event", event_id);
    if (!event) return event.status();
    auto documents = im.store->list_documents(event->client_id);
    if (!documents) return documents.status();
    for (const Document& d : *documents)
        if (d.event_id == event_id)
            return Status(Code::failed_precondition,
                          fmt::format("event {} cannot be deleted: document {} is linked to it; update the document "
                                      "without an event_id first",
                                      event_id, d.id));
    SESAME_TRY(im.store->delete_event(event_id));
    portal::audit_change(im, actor, event->agency_id, "event.delete", target, fmt::format("client:{}", event->client_id));
    return {};
}

// ---- cases --------------------------------------------------------------------------------------

Result<Case> Engine::create_case(const Actor& actor, Case c) { return create(*impl_, actor, std::move(c)); }
Result<Case> Engine::update_case(const Actor& actor, const Case& c) { return update(*impl_, actor, c); }
Result<Case> Engine::get_case(const Actor& actor, Id case_id) { return visible<Case>(*impl_, actor, case_id); }

Result<std::vector<Case>> Engine::list_cases(const Actor& actor, Id client_id) {
    auto client = impl_->visible_client(actor, client_id);
    if (!client) return client.status();
    return impl_->store->list_cases(client_id);
}

// ---- documents ----------------------------------------------------------------------------------

Result<Document> Engine::create_document(const Actor& actor, Document document) {
    return create(*impl_, actor, std::move(document));
}
Result<Document> Engine::update_document(const Actor& actor, const Document& document) {
    return update(*impl_, actor, document);
}
Result<Document> Engine::get_document(const Actor& actor, Id document_id) {
    return visible<Document>(*impl_, actor, document_id);
}

Result<std::vector<Document>> Engine::list_documents(const Actor& actor, Id client_id) {
    auto client = impl_->visible_client(actor, client_id);
    if (!client) return client.status();
    return impl_->store->list_documents(client_id);
}

// ---- what a logged-in client reads --------------------------------------------------------------

Result<std::vector<Event>> Engine::client_events(Id portal_id, const std::string& token, const std::string& from_date) {
    if (!portal::is_date(from_date))
        return Status(Code::invalid_argument, "from_date must be a date written YYYY-MM-DD");
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    auto rows = impl_->directory->list_events(s->agency_id, *s->client_id);
    if (!rows) return rows.status();
    keep_own(*impl_, *s, *rows, "event");
    std::erase_if(*rows, [&](const Event& e) { return e.date < from_date; });
    // A host's directory may answer in any order.
    std::sort(rows->begin(), rows->end(), [](const Event& a, const Event& b) {
        return std::tie(a.date, a.time, a.id) < std::tie(b.date, b.time, b.id);
    });
    return rows;
}

Result<std::vector<Case>> Engine::client_cases(Id portal_id, const std::string& token) {
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    auto rows = impl_->directory->list_cases(s->agency_id, *s->client_id);
    if (!rows) return rows.status();
    keep_own(*impl_, *s, *rows, "case");
    return rows;
}

Result<std::vector<Document>> Engine::client_documents(Id portal_id, const std::string& token) {
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    auto rows = impl_->directory->list_documents(s->agency_id, *s->client_id);
    if (!rows) return rows.status();
    keep_own(*impl_, *s, *rows, "document");
    return rows;
}

Result<std::vector<DocumentFile>> Engine::client_document_files(Id portal_id, const std::string& token) {
    auto documents = client_documents(portal_id, token);
    if (!documents) return documents.status();
    std::vector<DocumentFile> files;
    for (const Document& d : *documents) {
        auto f = impl_->store->get_document_file(d.id);
        if (!f) return f.status();
        if (*f) files.push_back(std::move(**f));
    }
    std::sort(files.begin(), files.end(),
              [](const DocumentFile& a, const DocumentFile& b) { return a.document_id < b.document_id; });
    return files;
}

Result<std::size_t> Engine::client_session_count(Id portal_id, const std::string& token) {
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    auto sessions = impl_->store->list_client_sessions(*s->client_id);
    if (!sessions) return sessions.status();
    return sessions->size();
}

}  // namespace sesame
