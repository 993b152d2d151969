// The dashboard: staff keep one merge-tag template per portal and language, and a logged-in client
// gets it rendered with their own name, events, case and documents.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/agency_time.hpp"
#include "portal/staff.hpp"
#include "sesame/merge_tags.hpp"

namespace sesame {
namespace {

// Plain text with merge tags: every character is escaped when rendered, so the host's page decides
// the layout (e.g. white-space: pre-line).
constexpr const char* kBuiltInEnglish =
    "Hello [ClientFirstName],\n"
    "Welcome to [PortalName] of [AgencyName]. Today is [DateToday].\n"
    "[%Case number:% CaseNumber]\n"
    "Your upcoming events:\n"
    "[UpcomingEvents]\n"
    "Your documents:\n"
    "[AssignedDocuments]\n";

constexpr const char* kBuiltInSpanish =
    "Hola, [ClientFirstName]:\n"
    "Bienvenido a [PortalName] de [AgencyName]. Hoy es [DateToday].\n"
    "[%N\u00famero de caso:% CaseNumber]\n"
    "Sus pr\u00f3ximas citas:\n"
    "[UpcomingEvents]\n"
    "Sus documentos:\n"
    "[AssignedDocuments]\n";

Status check_language(const std::string& language) {
    if (portal::is_language(language)) return {};
    return {Code::invalid_argument,
            "language must be an ISO 639-1 code of two lower-case letters, such as \"en\" or \"es\""};
}

std::string target_of(Id portal_id, const std::string& language) {
    return fmt::format("portal:{} language:{}", portal_id, language);
}

std::string full_name(const Client& c) {
    std::string out;
    for (const std::string* part : {&c.first_name, &c.middle_name, &c.last_name}) {
        if (part->empty()) continue;
        if (!out.empty()) out += ' ';
        out += *part;
    }
    return out;
}

// The values of every tag for one client, with dates and times written in `language`.
MergeValues merge_values(const Agency& agency, const Portal& portal, const Client& client, const std::string& today,
                         const std::vector<Event>& upcoming, const std::vector<Case>& cases,
                         const std::vector<Document>& documents, const std::string& language) {
    MergeValues v;
    auto& m = v.values;
    m["ClientFirstName"] = client.first_name;
    m["ClientLastName"] = client.last_name;
    m["ClientName"] = full_name(client);
    m["ClientReference"] = client.client_reference;
    m["ClientLanguage"] = client.language;
    m["AgencyName"] = agency.name;
    m["PortalName"] = portal.name;
    m["PortalLink"] = portal.settings.host.empty() ? std::string() : fmt::format("https://{}/", portal.settings.host);
    m["DateToday"] = portal::format_date(language, today);
    for (const Event& e : upcoming) {
        std::map<std::string, std::string> item{{"EventDate", portal::format_date(language, e.date)},
                                                {"EventTime", portal::format_time(language, e.time)},
                                                {"EventLocation", e.location},
                                                {"EventType", e.type},
                                                {"EventJudge", e.judge},
                                                {"CaseNumber", e.case_number}};
        if (v.upcoming_events.empty())
            for (const char* key : {"EventDate", "EventTime", "EventLocation", "EventType", "EventJudge"})
                m[key] = item[key];
        v.upcoming_events.push_back(std::move(item));
    }
    auto open = std::find_if(cases.begin(), cases.end(), [](const Case& c) { return c.status == "open"; });
    if (open != cases.end()) {
        m["CaseNumber"] = open->case_number;
        m["CaseType"] = open->type;
        m["CaseStatus"] = open->status;
    }
    for (const Document& d : documents)
        v.documents.push_back(
            {{"name", d.name}, {"type", d.type}, {"due_date", portal::format_date(language, d.due_date)}});
    return v;
}

}  // namespace

std::string Engine::built_in_dashboard_template(const std::string& language) {
    if (language == "en") return kBuiltInEnglish;
    if (language == "es") return kBuiltInSpanish;
    return {};
}

// ---- staff --------------------------------------------------------------------------------------

Result<DashboardTemplate> Engine::set_dashboard_template(const Actor& actor, Id portal_id, const std::string& language,
                                                         const std::string& text) {
    Impl& im = *impl_;
    const std::string target = target_of(portal_id, language);
    SESAME_TRY(portal::require_audited(im, actor, "update_portals", "dashboard.set", target));
    auto portal = im.visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    SESAME_TRY(check_language(language));
    if (text.empty())
        return Status(Code::invalid_argument,
                      "text must not be empty: delete the template to show the built-in dashboard instead");
    auto parsed = parse_merge_template(text);
    if (!parsed)
        return Status(Code::invalid_argument,
                      fmt::format("text: {}; see docs/merge-tags.md for the tags and their syntax",
                                  parsed.status().message()));
    DashboardTemplate t;
    t.portal_id = portal_id;
    t.language = language;
    t.text = text;
    t.updated_at = im.now();
    SESAME_TRY(im.store->put_dashboard_template(t));
    portal::audit_change(im, actor, portal->agency_id, "dashboard.set", target,
                         fmt::format("{} bytes", t.text.size()));
    return t;
}

Result<DashboardTemplate> Engine::get_dashboard_template(const Actor& actor, Id portal_id, const std::string& language) {
    Impl& im = *impl_;
    auto portal = im.visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    SESAME_TRY(check_language(language));
    auto t = im.store->get_dashboard_template(portal_id, language);
    if (!t) return t.status();
    if (!*t)
        return Status(Code::not_found,
                      fmt::format("portal {} has no dashboard template in \"{}\"", portal_id, language));
    return std::move(**t);
}

Result<std::vector<DashboardTemplate>> Engine::list_dashboard_templates(const Actor& actor, Id portal_id) {
    Impl& im = *impl_;
    auto portal = im.visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    return im.store->list_dashboard_templates(portal_id);
}

Status Engine::delete_dashboard_template(const Actor& actor, Id portal_id, const std::string& language) {
    Impl& im = *impl_;
    const std::string target = target_of(portal_id, language);
    SESAME_TRY(portal::require_audited(im, actor, "update_portals", "dashboard.delete", target));
    auto portal = im.visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    SESAME_TRY(check_language(language));
    if (Status st = im.store->delete_dashboard_template(portal_id, language); !st.ok()) {
        if (st.code() == Code::not_found)
            return Status(Code::not_found,
                          fmt::format("portal {} has no dashboard template in \"{}\"", portal_id, language));
        return st;
    }
    portal::audit_change(im, actor, portal->agency_id, "dashboard.delete", target, "deleted");
    return {};
}

// ---- the client's page --------------------------------------------------------------------------

Result<RenderedDashboard> Engine::render_dashboard(Id portal_id, const std::string& token) {
    Impl& im = *impl_;
    auto session = check_session(portal_id, token);
    if (!session) return session.status();
    auto portal = im.store->get_portal(portal_id);
    if (!portal) return portal.status();
    auto agency = im.store->get_agency(session->agency_id);
    if (!agency) return agency.status();
    auto client = im.directory->get_client(session->agency_id, *session->client_id);
    if (!client) return client.status();
    if (client->agency_id != session->agency_id || client->id != *session->client_id)
        return Status(Code::callback, "the directory answered with another client than the one asked for");

    const std::string today = portal::agency_today(agency->time_zone, im.now());
    auto events = client_events(portal_id, token, today);
    if (!events) return events.status();
    std::erase_if(*events, [](const Event& e) { return e.status == "cancelled"; });
    auto cases = client_cases(portal_id, token);
    if (!cases) return cases.status();
    auto documents = client_documents(portal_id, token);
    if (!documents) return documents.status();

    // The stored template in the client's language, then in the portal's; built-in ones after.
    RenderedDashboard out;
    std::string text;
    const std::string languages[] = {client->language, portal->settings.default_language};
    for (const std::string& language : languages) {
        if (!portal::is_language(language)) continue;
        auto stored = im.store->get_dashboard_template(portal_id, language);
        if (!stored) return stored.status();
        if (*stored) {
            text = std::move((*stored)->text);
            out.language = language;
            break;
        }
    }
    if (out.language.empty()) {
        out.built_in = true;
        for (const std::string& language : {languages[0], languages[1], std::string("en")}) {
            text = built_in_dashboard_template(language);
            if (text.empty()) continue;
            out.language = language;
            break;
        }
    }
    auto parsed = parse_merge_template(text);
    // Stored templates were parsed when saved; a row that no longer parses was written behind the
    // engine's back.
    if (!parsed)
        return Status(Code::internal,
                      fmt::format("the stored dashboard template of portal {} in \"{}\" does not parse: {}; save it "
                                  "again",
                                  portal_id, out.language, parsed.status().message()));
    out.html = render(*parsed, merge_values(*agency, *portal, *client, today, *events, *cases, *documents,
                                            out.language));
    return out;
}

}  // namespace sesame
