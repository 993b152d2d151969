#include "capi/records.hpp"

#include <fmt/format.h>

#include "capi/json_reader.hpp"
#include "capi/json_text.hpp"

namespace sesame::records {

Result<json> parse_object(const char* text, std::string_view what) {
    if (!text) return Status(Code::invalid_argument, fmt::format("the {} JSON is NULL", what));
    json j;
    std::string why;
    if (!capi::parse_json(text, j, why)) return Status(Code::invalid_argument, fmt::format("the {} {}", what, why));
    if (!j.is_object()) return Status(Code::invalid_argument, fmt::format("the {} must be a JSON object", what));
    return j;
}

Result<Id> read_id(const json& j, std::string_view record) {
    auto it = j.find("id");
    if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0)
        return Status(Code::invalid_argument, fmt::format("field \"{}.id\" must be the positive id of the record to update", record));
    return it->get<std::int64_t>();
}

Status read(const json& j, Agency& out) {
    return read_into(j, out, "agency", [](Reader& r, Agency& a) {
        r.text("name", a.name);
        r.text("time_zone", a.time_zone);
        r.word("environment", a.environment, "\"staging\" or \"production\"");
        r.word("send_mode", a.send_mode, "\"live\" or \"simulate\"");
        r.text("default_region", a.default_region);
        r.texts("sms_countries", a.sms_countries);
        r.integer("sms_per_hour_limit", a.sms_per_hour_limit);
    });
}

Status read(const json& j, AgencyPhone& out) {
    return read_into(j, out, "agency_phone", [](Reader& r, AgencyPhone& p) {
        r.integer("agency_id", p.agency_id);
        r.text("number", p.number);
        r.word("registration", p.registration, "\"pending\" or \"complete\"");
    });
}

Status read(const json& j, AgencyEmail& out) {
    return read_into(j, out, "agency_email", [](Reader& r, AgencyEmail& e) {
        r.integer("agency_id", e.agency_id);
        r.text("address", e.address);
        r.text("display_name", e.display_name);
    });
}

Status read(const json& j, Portal& out) {
    return read_into(j, out, "portal", [](Reader& r, Portal& p) {
        r.integer("agency_id", p.agency_id);
        r.text("name", p.name);
        r.text("slug", p.slug);
        r.word("client_auth", p.client_auth, "\"disabled\" or \"one-time-password\"");
        r.object("settings", [&](Reader& s) {
            auto& v = p.settings;
            s.integer("code_digits", v.code_digits);
            s.integer("code_ttl_seconds", v.code_ttl_seconds);
            s.integer("max_attempts", v.max_attempts);
            s.integer("contact_failure_limit", v.contact_failure_limit);
            s.integer("resend_cooldown_seconds", v.resend_cooldown_seconds);
            s.integer("sends_per_hour", v.sends_per_hour);
            s.integer("sends_per_day", v.sends_per_day);
            s.integer("ip_starts_limit", v.ip_starts_limit);
            s.integer("ip_starts_window_seconds", v.ip_starts_window_seconds);
            s.integer("ip_verify_limit", v.ip_verify_limit);
            s.integer("ip_verify_window_seconds", v.ip_verify_window_seconds);
            s.integer("session_idle_seconds", v.session_idle_seconds);
            s.integer("session_absolute_seconds", v.session_absolute_seconds);
            s.word("unknown_contact_response", v.unknown_contact_response, "\"explain\" or \"uniform\"");
            s.text("default_language", v.default_language);
            s.text("host", v.host);
        });
    });
}

Status read(const json& j, Client& out) {
    return read_into(j, out, "client", [](Reader& r, Client& c) {
        r.integer("agency_id", c.agency_id);
        r.text("client_reference", c.client_reference);
        r.text("first_name", c.first_name);
        r.text("middle_name", c.middle_name);
        r.text("last_name", c.last_name);
        r.text("dob", c.dob);
        r.text("gender", c.gender);
        r.text("type", c.type);
        r.text("group", c.group);
        r.text("language", c.language);
        r.text("status", c.status);
        r.boolean("archived", c.archived);
    });
}

Status read(const json& j, Contact& out) {
    return read_into(j, out, "contact", [](Reader& r, Contact& c) {
        r.integer("client_id", c.client_id);
        r.word("kind", c.kind, "\"phone\" or \"email\"");
        r.text("value", c.value);
        r.word("status", c.status, "\"valid\", \"opted_out\" or \"invalid\"");
        r.ignore("agency_id");
    });
}

Status read(const json& j, MessageTemplate& out) {
    return read_into(j, out, "template", [](Reader& r, MessageTemplate& t) {
        r.integer("agency_id", t.agency_id);
        r.word("channel", t.channel, "\"sms\" or \"email\"");
        r.text("language", t.language);
        r.text("subject", t.subject);
        r.text("body", t.body);
    });
}

json write(const Agency& v) {
    return {{"id", v.id},
            {"name", v.name},
            {"time_zone", v.time_zone},
            {"environment", to_string(v.environment)},
            {"send_mode", to_string(v.send_mode)},
            {"default_region", v.default_region},
            {"sms_countries", v.sms_countries},
            {"sms_per_hour_limit", v.sms_per_hour_limit},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const AgencyPhone& v) {
    return {{"id", v.id}, {"agency_id", v.agency_id}, {"number", v.number}, {"registration", to_string(v.registration)}, {"revision", v.revision}};
}

json write(const AgencyEmail& v) {
    return {{"id", v.id}, {"agency_id", v.agency_id}, {"address", v.address}, {"display_name", v.display_name}};
}

json write(const Portal& v) {
    const auto& s = v.settings;
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"name", v.name},
            {"slug", v.slug},
            {"client_auth", to_string(v.client_auth)},
            {"created_at", v.created_at},
            {"revision", v.revision},
            {"settings",
             {{"code_digits", s.code_digits},
              {"code_ttl_seconds", s.code_ttl_seconds},
              {"max_attempts", s.max_attempts},
              {"contact_failure_limit", s.contact_failure_limit},
              {"resend_cooldown_seconds", s.resend_cooldown_seconds},
              {"sends_per_hour", s.sends_per_hour},
              {"sends_per_day", s.sends_per_day},
              {"ip_starts_limit", s.ip_starts_limit},
              {"ip_starts_window_seconds", s.ip_starts_window_seconds},
              {"ip_verify_limit", s.ip_verify_limit},
              {"ip_verify_window_seconds", s.ip_verify_window_seconds},
              {"session_idle_seconds", s.session_idle_seconds},
              {"session_absolute_seconds", s.session_absolute_seconds},
              {"unknown_contact_response", to_string(s.unknown_contact_response)},
              {"default_language", s.default_language},
              {"host", s.host}}}};
}

json write(const Client& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"client_reference", v.client_reference},
            {"first_name", v.first_name},
            {"middle_name", v.middle_name},
            {"last_name", v.last_name},
            {"dob", v.dob},
            {"gender", v.gender},
            {"type", v.type},
            {"group", v.group},
            {"language", v.language},
            {"status", v.status},
            {"archived", v.archived},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const Contact& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"client_id", v.client_id},
            {"kind", to_string(v.kind)},
            {"value", v.value},
            {"status", to_string(v.status)},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const Message& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"direction", to_string(v.direction)},
            {"channel", to_string(v.channel)},
            {"status", to_string(v.status)},
            {"to", v.to},
            {"from", v.from},
            {"subject", v.subject},
            {"content", v.content},
            {"error", v.error},
            {"created_at", v.created_at},
            {"updated_at", v.updated_at}};
}

json write(const AuditEvent& v) {
    return {{"id", v.id},         {"agency_id", v.agency_id}, {"at", v.at},         {"actor", v.actor},
            {"action", v.action}, {"target", v.target},       {"outcome", v.outcome}, {"reason", v.reason},
            {"ip", v.ip},         {"detail", v.detail}};
}

json write(const SessionInfo& v) {
    return {{"session_id", v.session_id},
            {"portal_id", v.portal_id},
            {"agency_id", v.agency_id},
            {"client_id", v.client_id ? json(*v.client_id) : json(nullptr)},
            {"created_at", v.created_at},
            {"last_seen_at", v.last_seen_at},
            {"idle_expires_at", v.idle_expires_at},
            {"absolute_expires_at", v.absolute_expires_at},
            {"assurance", v.assurance},
            {"revoked_at", v.revoked_at ? json(*v.revoked_at) : json(nullptr)},
            {"revoke_reason", v.revoke_reason}};
}

json write(const ClientChoice& v) { return {{"client_id", v.client_id}, {"display_name", v.display_name}}; }

json write(const SweepResult& v) {
    return {{"challenges", v.challenges}, {"sessions", v.sessions}, {"counters", v.counters}};
}

}  // namespace sesame::records

// ---- Requests of the staff calls that are not whole records (used by capi/staff.cpp) ----------
namespace sesame::records {

Status read_phone_change(const json& j, AgencyPhone& out) {
    return read_into(j, out, "agency_phone", [](Reader& r, AgencyPhone& p) {
        r.integer("agency_id", p.agency_id);
        r.word("registration", p.registration, "\"pending\" or \"complete\"");
    });
}

Status read_new_contact(const json& j, Contact& out) {
    // A field of the contact record that adding does not take is refused, not ignored: a contact
    // given as opted out must not be stored as valid.
    if (j.contains("status"))
        return {Code::invalid_argument,
                "field \"contact.status\" cannot be given when adding: a new contact is valid; set its status with "
                "sesame_contact_update"};
    return read_into(j, out, "contact", [](Reader& r, Contact& c) {
        r.integer("client_id", c.client_id);
        r.word("kind", c.kind, "\"phone\" or \"email\"");
        r.text("value", c.value);
        r.ignore("agency_id");  // the client's
    });
}

Status read_contact_change(const json& j, Contact& out) {
    return read_into(j, out, "contact", [](Reader& r, Contact& c) {
        r.integer("agency_id", c.agency_id);
        r.integer("client_id", c.client_id);
        r.word("kind", c.kind, "\"phone\" or \"email\"");
        r.text("value", c.value);
        r.word("status", c.status, "\"valid\", \"opted_out\" or \"invalid\"");
    });
}

}  // namespace sesame::records
