#include "capi/content_records.hpp"

#include <fmt/format.h>

#include "capi/json_reader.hpp"

namespace sesame::records {
namespace {

void event_fields(Reader& r, Event& e) {
    r.integer("agency_id", e.agency_id);
    r.integer("client_id", e.client_id);
    r.optional_integer("case_id", e.case_id);
    r.text("date", e.date);
    r.text("time", e.time);
    r.text("type", e.type);
    r.text("location", e.location);
    r.text("judge", e.judge);
    r.text("case_number", e.case_number);
    r.text("status", e.status);
    r.text("description", e.description);
}

void case_fields(Reader& r, Case& c) {
    r.integer("agency_id", c.agency_id);
    r.integer("client_id", c.client_id);
    r.text("case_number", c.case_number);
    r.text("type", c.type);
    r.text("charges", c.charges);
    r.text("status", c.status);
    r.text("description", c.description);
}

void document_fields(Reader& r, Document& d) {
    r.integer("agency_id", d.agency_id);
    r.integer("client_id", d.client_id);
    r.optional_integer("case_id", d.case_id);
    r.optional_integer("event_id", d.event_id);
    r.text("type", d.type);
    r.text("name", d.name);
    r.text("due_date", d.due_date);
    r.text("uploaded_by", d.uploaded_by);
    r.text("status", d.status);
}

// A row as a directory lists it: its identity must be there, the rest falls back to the defaults.
template <class T, class F>
Status read_whole(const json& j, T& out, const char* record, F&& fields) {
    if (!j.is_object()) return {Code::invalid_argument, fmt::format("a {} must be a JSON object", record)};
    for (const char* required : {"id", "agency_id", "client_id"})
        if (!j.contains(required))
            return {Code::invalid_argument, fmt::format("field \"{}.{}\" is required", record, required)};
    T copy;
    Reader r(j, std::string(record) + ".");
    r.integer("id", copy.id);
    r.integer("created_at", copy.created_at);
    r.revision(copy.revision);
    fields(r, copy);
    SESAME_TRY(r.finish());
    out = std::move(copy);
    return {};
}

json id_or_null(const std::optional<Id>& id) { return id ? json(*id) : json(nullptr); }

template <class T>
json write_list(const std::vector<T>& rows) {
    json a = json::array();
    for (const auto& row : rows) a.push_back(write(row));
    return a;
}

}  // namespace

Status read(const json& j, Event& out) { return read_into(j, out, "event", event_fields); }
Status read(const json& j, Case& out) { return read_into(j, out, "case", case_fields); }
Status read(const json& j, Document& out) { return read_into(j, out, "document", document_fields); }

Status read_listed(const json& j, Event& out) { return read_whole(j, out, "event", event_fields); }
Status read_listed(const json& j, Case& out) { return read_whole(j, out, "case", case_fields); }
Status read_listed(const json& j, Document& out) { return read_whole(j, out, "document", document_fields); }

json write(const Event& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"client_id", v.client_id},
            {"case_id", id_or_null(v.case_id)},
            {"date", v.date},
            {"time", v.time},
            {"type", v.type},
            {"location", v.location},
            {"judge", v.judge},
            {"case_number", v.case_number},
            {"status", v.status},
            {"description", v.description},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const Case& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"client_id", v.client_id},
            {"case_number", v.case_number},
            {"type", v.type},
            {"charges", v.charges},
            {"status", v.status},
            {"description", v.description},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const Document& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"client_id", v.client_id},
            {"case_id", id_or_null(v.case_id)},
            {"event_id", id_or_null(v.event_id)},
            {"type", v.type},
            {"name", v.name},
            {"due_date", v.due_date},
            {"uploaded_by", v.uploaded_by},
            {"status", v.status},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const std::vector<Event>& v) { return write_list(v); }
json write(const std::vector<Case>& v) { return write_list(v); }
json write(const std::vector<Document>& v) { return write_list(v); }

}  // namespace sesame::records
