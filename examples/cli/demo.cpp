// `sesame init --demo`: the demo agency, its portal, two clients sharing a phone, and what the
// portal pages show them (events, a case, a document with its file, the sidebar, gated calendar and
// form, dashboard templates, profile and upload policies).
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli.hpp"

namespace cli {
namespace {

using nlohmann::json;
using sesame::Status;

// A one-page PDF saying "Conditions of release", with a correct cross-reference table.
std::vector<std::uint8_t> demo_pdf() {
    const std::string stream = "BT /F1 18 Tf 72 720 Td (Conditions of release) Tj ET";
    const std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (auto off : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return {pdf.begin(), pdf.end()};
}

// The portal greets the client and lists their dates and documents itself: the templates add what
// only the agency knows, and lines of which the tag has no value disappear.
// The same file as `a`, or not (either one missing).
bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

// How to run this program again from the current directory: "sesame" when that name on the PATH
// is this very program, else its path (relative when it is below the current directory); then
// --db when the database is not the default one.
std::string self_command(const Globals& g) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    std::string command = "sesame";
    bool on_path = false;
    if (const char* path = std::getenv("PATH"); path && !ec) {
        std::string dirs = path;
        for (std::size_t from = 0; from <= dirs.size();) {
            auto to = dirs.find(':', from);
            if (to == std::string::npos) to = dirs.size();
            const std::string dir = dirs.substr(from, to - from);
            if (!dir.empty() && std::filesystem::exists(dir + "/sesame", ec)) {
                on_path = same_file(dir + "/sesame", self.string());
                break;  // the first one found is the one a shell runs
            }
            from = to + 1;
        }
    }
    if (!on_path && !ec && !self.empty()) {
        const auto here = std::filesystem::current_path(ec);
        const auto relative = self.lexically_relative(here);
        command = !ec && !relative.empty() && *relative.begin() != ".." ? "./" + relative.string() : self.string();
    }
    if (g.db != "./sesame.db" && g.db != "sesame.db") {
        std::string quoted;  // single quotes for a shell, each ' inside as '\''
        for (const char c : g.db) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        command += g.db.find_first_of(" \t'\"$`\\;&|<>()*?") == std::string::npos ? " --db " + g.db : " --db '" + quoted + "'";
    }
    return command;
}

const char* kDashboardEn =
    "Today is [DateToday].\n"
    "[%Case number:% CaseNumber]\n"
    "[%Your next date:% EventDate]\n";

const char* kDashboardEs =
    "Hoy es [DateToday].\n"
    "[%Número de caso:% CaseNumber]\n"
    "[%Su próxima cita:% EventDate]\n";

}  // namespace

Status create_demo(Context& ctx, json& j, std::ostringstream& text) {
    auto& engine = *ctx.engine;
    const auto& actor = ctx.actor;

    sesame::Agency agency_in;
    agency_in.name = "Demo County Court";
    agency_in.time_zone = "America/Chicago";
    agency_in.default_region = "US";
    agency_in.environment = sesame::Environment::staging;
    agency_in.send_mode = sesame::SendMode::simulate;
    auto agency = engine.create_agency(actor, agency_in);
    if (!agency) return agency.status();

    auto phone = engine.add_agency_phone(actor, agency->id, "+15555550100", sesame::CarrierRegistration::complete);
    if (!phone) return phone.status();
    auto email = engine.add_agency_email(actor, agency->id, "notices@demo-court.example", "Demo County Court");
    if (!email) return email.status();

    sesame::Portal portal_in;
    portal_in.agency_id = agency->id;
    portal_in.name = "Demo Portal";
    portal_in.slug = kDemoSlug;
    portal_in.client_auth = sesame::ClientAuth::one_time_password;
    portal_in.settings.host = "127.0.0.1";
    auto portal = engine.create_portal(actor, portal_in);
    if (!portal) return portal.status();

    // Ann and Ben share one phone: a login with it asks which of them to act for.
    struct DemoClient {
        const char* reference;
        const char* first;
        const char* language;
        const char* email;
    };
    const DemoClient people[] = {{"DEMO-1", "Ann", "en", "ann@example.org"}, {"DEMO-2", "Ben", "es", "ben@example.org"}};
    std::vector<sesame::Client> clients;
    json clients_json = json::array();
    json contacts_json = json::array();
    std::ostringstream contact_lines;
    for (const auto& person : people) {
        sesame::Client in;
        in.agency_id = agency->id;
        in.client_reference = person.reference;
        in.first_name = person.first;
        in.last_name = "Example";
        in.language = person.language;
        auto client = engine.create_client(actor, in);
        if (!client) return client.status();
        auto phone_contact = engine.add_contact(actor, client->id, sesame::ContactKind::phone, "(555) 123-4567");
        if (!phone_contact) return phone_contact.status();
        auto email_contact = engine.add_contact(actor, client->id, sesame::ContactKind::email, person.email);
        if (!email_contact) return email_contact.status();
        clients.push_back(*client);
        clients_json.push_back(to_json(*client));
        contacts_json.push_back(to_json(*phone_contact));
        contacts_json.push_back(to_json(*email_contact));
        contact_lines << "  client   " << client->id << "  " << client_name(*client) << " (reference "
                      << client->client_reference << ", language " << client->language << ")\n"
                      << "  contact  " << phone_contact->id << "  (555) 123-4567 -> " << phone_contact->value << "\n"
                      << "  contact  " << email_contact->id << "  " << email_contact->value << "\n";
    }
    const auto& ann = clients[0];
    const auto& ben = clients[1];

    const auto now = engine.clock().now();
    sesame::Event hearing;
    hearing.client_id = ann.id;
    hearing.date = local_date(now, agency->time_zone, 7);
    hearing.time = "09:30";
    hearing.type = "Pretrial hearing";
    hearing.location = "Courtroom 3B";
    hearing.case_number = "2026-CR-0142";
    auto hearing_row = engine.create_event(actor, hearing);
    if (!hearing_row) return hearing_row.status();
    sesame::Event checkin;
    checkin.client_id = ben.id;
    checkin.date = local_date(now, agency->time_zone, 3);
    checkin.time = "14:00";
    checkin.type = "Check-in appointment";
    auto checkin_row = engine.create_event(actor, checkin);
    if (!checkin_row) return checkin_row.status();

    sesame::Case case_in;
    case_in.client_id = ann.id;
    case_in.case_number = "2026-CR-0142";
    case_in.type = "Criminal";
    case_in.status = "open";
    auto case_row = engine.create_case(actor, case_in);
    if (!case_row) return case_row.status();

    sesame::Document doc_in;
    doc_in.client_id = ann.id;
    doc_in.case_id = case_row->id;
    doc_in.type = "Order";
    doc_in.name = "Conditions of release";
    auto doc = engine.create_document(actor, doc_in);
    if (!doc) return doc.status();
    auto file = engine.attach_document_file(actor, doc->id, "conditions-of-release.pdf", demo_pdf());
    if (!file) return file.status();

    struct DemoItem {
        const char* title;
        const char* link;
        sesame::Visibility visibility;
    };
    const DemoItem items[] = {{"Court information", "/", sesame::Visibility::public_},
                              {"Hearing calendar", "/calendars/hearings", sesame::Visibility::private_},
                              {"Check-in form", "/forms/check-in", sesame::Visibility::private_}};
    json items_json = json::array();
    std::int32_t order = 0;
    for (const auto& it : items) {
        sesame::SidebarItem item;
        item.portal_id = portal->id;
        item.title = it.title;
        item.link = it.link;
        item.order = (order += 10);
        item.visibility = it.visibility;
        auto made = engine.create_sidebar_item(actor, item);
        if (!made) return made.status();
        items_json.push_back({{"id", made->id},
                              {"title", made->title},
                              {"link", made->link},
                              {"visibility", std::string(sesame::to_string(made->visibility))}});
    }

    json resources_json = json::array();
    const std::pair<sesame::ResourceKind, std::pair<const char*, const char*>> resources[] = {
        {sesame::ResourceKind::calendar, {"hearings", "Hearing calendar"}},
        {sesame::ResourceKind::form, {"check-in", "Check-in form"}}};
    for (const auto& [kind, names] : resources) {
        sesame::GatedResource r;
        r.portal_id = portal->id;
        r.kind = kind;
        r.slug = names.first;
        r.title = names.second;
        r.requires_login = true;
        auto made = engine.create_gated_resource(actor, r);
        if (!made) return made.status();
        resources_json.push_back({{"id", made->id},
                                  {"kind", std::string(sesame::to_string(made->kind))},
                                  {"slug", made->slug},
                                  {"title", made->title},
                                  {"requires_login", made->requires_login}});
    }

    for (const auto& [language, template_text] : {std::pair{"en", kDashboardEn}, std::pair{"es", kDashboardEs}}) {
        auto t = engine.set_dashboard_template(actor, portal->id, language, template_text);
        if (!t) return t.status();
    }

    const sesame::ProfilePolicy profile = {{"first_name", sesame::FieldPolicy::read_only},
                                           {"middle_name", sesame::FieldPolicy::editable},
                                           {"last_name", sesame::FieldPolicy::read_only},
                                           {"dob", sesame::FieldPolicy::read_only},
                                           {"language", sesame::FieldPolicy::editable},
                                           {"phone", sesame::FieldPolicy::read_only},
                                           {"email", sesame::FieldPolicy::read_only}};
    auto policy = engine.set_profile_policy(actor, portal->id, profile);
    if (!policy) return policy.status();

    sesame::UploadPolicy uploads;
    uploads.portal_id = portal->id;
    uploads.allow_photos = true;
    uploads.allow_documents = true;
    uploads.max_bytes = 5 * 1024 * 1024;
    auto upload_policy = engine.set_upload_policy(actor, uploads);
    if (!upload_policy) return upload_policy.status();

    j["created"] = true;
    j["agency"] = to_json(*agency);
    j["agency_phone"] = {{"id", phone->id},
                         {"number", phone->number},
                         {"registration", std::string(sesame::to_string(phone->registration))}};
    j["agency_email"] = {{"id", email->id}, {"address", email->address}};
    j["portal"] = to_json(*portal);
    j["client"] = to_json(ann);
    j["clients"] = clients_json;
    j["contacts"] = contacts_json;
    j["events"] = json::array({to_json(*hearing_row), to_json(*checkin_row)});
    j["cases"] = json::array({to_json(*case_row)});
    j["documents"] = json::array({to_json(*doc)});
    j["document_file"] = {{"document_id", file->document_id},
                          {"file_name", file->file_name},
                          {"content_type", file->content_type},
                          {"size", file->size}};
    j["sidebar_items"] = items_json;
    j["gated_resources"] = resources_json;
    j["dashboard_languages"] = json::array({"en", "es"});
    j["upload_policy"] = {{"allow_photos", upload_policy->allow_photos},
                          {"allow_documents", upload_policy->allow_documents},
                          {"max_bytes", upload_policy->max_bytes}};

    text << "Created the demo:\n"
         << "  agency   " << agency->id << "  " << agency->name << " (" << agency->time_zone << ", region "
         << agency->default_region << ", " << sesame::to_string(agency->environment) << ", "
         << sesame::to_string(agency->send_mode) << ")\n"
         << "  phone    " << phone->id << "  " << phone->number << " (carrier registration "
         << sesame::to_string(phone->registration) << ")\n"
         << "  email    " << email->id << "  " << email->address << "\n"
         << "  portal   " << portal->id << "  " << portal->name << " (slug " << portal->slug << ", client auth "
         << sesame::to_string(portal->client_auth) << ", host " << portal->settings.host << ")\n"
         << contact_lines.str()
         << "  event    " << hearing_row->id << "  Ann: " << hearing_row->type << " " << hearing_row->date << " "
         << hearing_row->time << " at " << hearing_row->location << "\n"
         << "  event    " << checkin_row->id << "  Ben: " << checkin_row->type << " " << checkin_row->date << " "
         << checkin_row->time << "\n"
         << "  case     " << case_row->id << "  Ann: " << case_row->case_number << "\n"
         << "  document " << doc->id << "  Ann: " << doc->name << " (" << file->content_type << ", " << file->size
         << " bytes, in " << ctx.globals.blob_dir << ")\n"
         << "  sidebar  Court information (public), Hearing calendar and Check-in form (private)\n"
         << "  gated    calendar hearings, form check-in (login required)\n"
         << "  dashboard templates en, es; profile: middle name and language editable; uploads: photos and\n"
         << "           documents (PDF, JPEG, PNG) up to 5 MB\n"
         << "Demo logins: (555) 123-4567 (Ann and Ben share it: a login asks which), ann@example.org,\n"
         << "ben@example.org.\n"
         << "Next: " << self_command(ctx.globals) << " login start --portal " << kDemoSlug << " \"555.123.4567\"\n";
    return Status::success();
}

}  // namespace cli
