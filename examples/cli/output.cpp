// Output of the `sesame` command: times, JSON records, and how failures are reported.
#include <cctype>
#include <ctime>
#include <iostream>
#include <sstream>

#include "cli.hpp"

namespace cli {
namespace {

using nlohmann::json;

// Invalid UTF-8 in stored text must not turn a listing into an exception.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json optional_id(const std::optional<sesame::Id>& id) { return id ? json(*id) : json(nullptr); }

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!std::isdigit(c)) return false;
    return true;
}

}  // namespace

std::string iso_time(sesame::UnixTime t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (!gmtime_r(&tt, &tm)) return std::to_string(t);
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return std::to_string(t);
    return buf;
}

std::string relative(sesame::UnixTime t, sesame::UnixTime now) {
    const std::int64_t d = t >= now ? t - now : now - t;
    std::string amount;
    if (d < 120) amount = std::to_string(d) + " s";
    else if (d < 2 * 3600) amount = std::to_string(d / 60) + " min";
    else if (d < 2 * 86400) amount = std::to_string(d / 3600) + " h";
    else amount = std::to_string(d / 86400) + " days";
    return t >= now ? "in " + amount : amount + " ago";
}

void emit(const Context& ctx, const json& j, const std::string& text) {
    if (ctx.globals.json) std::cout << dump(j) << "\n";
    else std::cout << text;
    std::cout.flush();
}

void report_failure(const Globals& g, const sesame::Status& status) {
    const char* name = sesame::code_name(status.code());
    std::string line = std::string(name) + ": " + status.message();
    if (status.code() == sesame::Code::rate_limited && status.retry_after() > 0)
        line += " (retry after " + std::to_string(status.retry_after()) + " s)";
    std::cerr << "sesame: " << line << "\n";
    if (g.json) {
        json j = {{"error", name}, {"message", status.message()}};
        if (status.code() == sesame::Code::rate_limited) j["retry_after"] = status.retry_after();
        std::cout << dump(j) << "\n";
    }
}

std::string code_in_message(const std::string& content) {
    // The WebOTP line names the code unambiguously; template text around it may hold other numbers.
    std::istringstream lines(content);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != '@') continue;
        const auto hash = line.rfind(" #");
        if (hash == std::string::npos) continue;
        std::string digits = line.substr(hash + 2);
        while (!digits.empty() && (digits.back() == '\r' || digits.back() == ' ')) digits.pop_back();
        if (all_digits(digits)) return digits;
    }
    std::size_t i = 0;
    while (i < content.size()) {
        if (!std::isdigit(static_cast<unsigned char>(content[i]))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < content.size() && std::isdigit(static_cast<unsigned char>(content[j]))) ++j;
        if (j - i >= 6 && j - i <= 10) return content.substr(i, j - i);
        i = j;
    }
    return {};
}

json to_json(const sesame::Message& m) {
    return {{"id", m.id},
            {"direction", std::string(sesame::to_string(m.direction))},
            {"channel", std::string(sesame::to_string(m.channel))},
            {"status", std::string(sesame::to_string(m.status))},
            {"to", m.to},
            {"from", m.from},
            {"subject", m.subject},
            {"content", m.content},
            {"challenge_id", m.challenge_id.empty() ? json(nullptr) : json(m.challenge_id)},
            {"error", m.error},
            {"created_at", iso_time(m.created_at)},
            {"updated_at", iso_time(m.updated_at)}};
}

json to_json(const sesame::Agency& a) {
    return {{"id", a.id},
            {"name", a.name},
            {"time_zone", a.time_zone},
            {"environment", std::string(sesame::to_string(a.environment))},
            {"send_mode", std::string(sesame::to_string(a.send_mode))},
            {"default_region", a.default_region}};
}

json to_json(const sesame::Portal& p) {
    const auto& s = p.settings;
    return {{"id", p.id},
            {"agency_id", p.agency_id},
            {"name", p.name},
            {"slug", p.slug},
            {"client_auth", std::string(sesame::to_string(p.client_auth))},
            {"settings",
             {{"code_digits", s.code_digits},
              {"code_ttl_seconds", s.code_ttl_seconds},
              {"max_attempts", s.max_attempts},
              {"resend_cooldown_seconds", s.resend_cooldown_seconds},
              {"sends_per_hour", s.sends_per_hour},
              {"sends_per_day", s.sends_per_day},
              {"session_idle_seconds", s.session_idle_seconds},
              {"session_absolute_seconds", s.session_absolute_seconds},
              {"unknown_contact_response", std::string(sesame::to_string(s.unknown_contact_response))},
              {"default_language", s.default_language},
              {"host", s.host}}}};
}

json to_json(const sesame::Client& c) {
    return {{"id", c.id},
            {"agency_id", c.agency_id},
            {"client_reference", c.client_reference},
            {"first_name", c.first_name},
            {"middle_name", c.middle_name},
            {"last_name", c.last_name},
            {"dob", c.dob},
            {"language", c.language},
            {"status", c.status},
            {"archived", c.archived}};
}

json to_json(const sesame::Contact& c) {
    return {{"id", c.id},
            {"client_id", c.client_id},
            {"kind", std::string(sesame::to_string(c.kind))},
            {"value", c.value},
            {"status", std::string(sesame::to_string(c.status))}};
}

json to_json(const sesame::SessionInfo& s) {
    return {{"session_id", s.session_id},
            {"portal_id", s.portal_id},
            {"client_id", optional_id(s.client_id)},
            {"created_at", iso_time(s.created_at)},
            {"idle_expires_at", iso_time(s.idle_expires_at)},
            {"expires_at", iso_time(s.absolute_expires_at)},
            {"assurance", s.assurance}};
}

json to_json(const sesame::Event& e) {
    return {{"id", e.id},
            {"client_id", e.client_id},
            {"case_id", optional_id(e.case_id)},
            {"date", e.date},
            {"time", e.time},
            {"type", e.type},
            {"location", e.location},
            {"judge", e.judge},
            {"case_number", e.case_number},
            {"status", e.status},
            {"description", e.description}};
}

json to_json(const sesame::Case& c) {
    return {{"id", c.id},
            {"client_id", c.client_id},
            {"case_number", c.case_number},
            {"type", c.type},
            {"charges", c.charges},
            {"status", c.status},
            {"description", c.description}};
}

json to_json(const sesame::Document& d) {
    return {{"id", d.id},
            {"client_id", d.client_id},
            {"case_id", optional_id(d.case_id)},
            {"event_id", optional_id(d.event_id)},
            {"type", d.type},
            {"name", d.name},
            {"due_date", d.due_date},
            {"uploaded_by", d.uploaded_by},
            {"status", d.status}};
}

}  // namespace cli
