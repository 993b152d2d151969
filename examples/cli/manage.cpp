// Staff management commands of `sesame`: agencies, portals, clients, contacts, events, cases and
// documents. Each prints a readable text form, or one JSON object with --json.
#include <fstream>
#include <iterator>

#include "cli.hpp"

namespace cli {
namespace {

using nlohmann::json;
using sesame::Code;
using sesame::Status;

std::string opt(const Parsed& p, const std::string& name, const std::string& fallback = "") {
    return p.has(name) ? p.get(name) : fallback;
}

json phone_json(const sesame::AgencyPhone& ph) {
    return {{"id", ph.id},
            {"agency_id", ph.agency_id},
            {"number", ph.number},
            {"registration", std::string(sesame::to_string(ph.registration))}};
}

json email_json(const sesame::AgencyEmail& e) {
    return {{"id", e.id}, {"agency_id", e.agency_id}, {"address", e.address}, {"display_name", e.display_name}};
}

std::string agency_line(const sesame::Agency& a) {
    return "agency " + std::to_string(a.id) + "  " + a.name + "  (" + a.time_zone + ", region " + a.default_region +
           ", " + std::string(sesame::to_string(a.environment)) + ", " + std::string(sesame::to_string(a.send_mode)) +
           ")";
}

std::string portal_line(const sesame::Portal& p) {
    return "portal " + std::to_string(p.id) + "  " + p.slug + "  " + p.name + "  (agency " +
           std::to_string(p.agency_id) + ", client auth " + std::string(sesame::to_string(p.client_auth)) + ")";
}

std::string event_line(const sesame::Event& e) {
    std::string s = "event " + std::to_string(e.id) + "  " + e.date + (e.time.empty() ? "" : " " + e.time);
    if (!e.type.empty()) s += "  " + e.type;
    if (!e.location.empty()) s += "  at " + e.location;
    if (!e.case_number.empty()) s += "  case " + e.case_number;
    return s + "  (" + e.status + ")";
}

std::string case_line(const sesame::Case& c) {
    std::string s = "case " + std::to_string(c.id) + "  " + c.case_number;
    if (!c.type.empty()) s += "  " + c.type;
    return s + "  (" + c.status + ")";
}

// The document's attached file record (no download, so nothing to audit).
std::optional<sesame::DocumentFile> file_of(Context& ctx, sesame::Id document_id) {
    auto f = ctx.engine->document_file(ctx.actor, document_id);
    if (!f || !*f) return std::nullopt;
    return **f;
}

json document_json(Context& ctx, const sesame::Document& d) {
    json j = to_json(d);
    if (auto f = file_of(ctx, d.id))
        j["file"] = {{"file_name", f->file_name}, {"content_type", f->content_type}, {"size", f->size},
                     {"sha256", f->sha256}};
    else
        j["file"] = nullptr;
    return j;
}

std::string document_line(Context& ctx, const sesame::Document& d) {
    std::string s = "document " + std::to_string(d.id) + "  " + d.name;
    if (!d.type.empty()) s += "  " + d.type;
    if (!d.due_date.empty()) s += "  due " + d.due_date;
    s += "  (" + d.status + ")";
    if (auto f = file_of(ctx, d.id))
        s += "  file " + f->file_name + " (" + f->content_type + ", " + std::to_string(f->size) + " bytes)";
    return s;
}

sesame::Agency agency_arg(Context& ctx, const std::string& text, const std::string& what, Status& st) {
    auto a = ctx.engine->get_agency(ctx.actor, parse_id(text, what));
    if (!a) {
        st = a.status();
        return {};
    }
    return *a;
}

// ---- agency -------------------------------------------------------------------------------------

Status cmd_agency_list(Context& ctx, const Parsed&) {
    auto all = ctx.engine->list_agencies(ctx.actor);
    if (!all) return all.status();
    json list = json::array();
    std::string text;
    for (const auto& a : *all) {
        list.push_back(to_json(a));
        text += agency_line(a) + "\n";
    }
    if (all->empty()) text = "No agencies yet: run `sesame init --demo` or `sesame agency add`.\n";
    emit(ctx, json{{"agencies", list}}, text);
    return Status::success();
}

Status cmd_agency_add(Context& ctx, const Parsed& p) {
    sesame::Agency in;
    in.name = p.get("--name");
    in.time_zone = opt(p, "--time-zone", "UTC");
    in.default_region = opt(p, "--region", "US");
    if (p.has("--environment") && !sesame::parse(p.get("--environment"), in.environment))
        throw UsageError("--environment is staging or production, not '" + p.get("--environment") + "'",
                         "see `sesame agency add --help`");
    auto a = ctx.engine->create_agency(ctx.actor, in);
    if (!a) return a.status();
    emit(ctx, json{{"agency", to_json(*a)}},
         "Created " + agency_line(*a) + ".\nIt starts in simulate mode: `sesame agency set-send-mode " +
             std::to_string(a->id) + " live` to send for real.\n");
    return Status::success();
}

Status cmd_agency_show(Context& ctx, const Parsed& p) {
    Status st = Status::success();
    const auto a = agency_arg(ctx, p.positionals[0], "AGENCY_ID", st);
    SESAME_TRY(st);
    auto phones = ctx.engine->list_agency_phones(ctx.actor, a.id);
    if (!phones) return phones.status();
    auto emails = ctx.engine->list_agency_emails(ctx.actor, a.id);
    if (!emails) return emails.status();
    auto portals = ctx.engine->list_portals(ctx.actor, a.id);
    if (!portals) return portals.status();
    json j = {{"agency", to_json(a)}, {"phones", json::array()}, {"emails", json::array()}, {"portals", json::array()}};
    std::string text = agency_line(a) + "\n";
    for (const auto& ph : *phones) {
        j["phones"].push_back(phone_json(ph));
        text += "  phone  " + std::to_string(ph.id) + "  " + ph.number + "  (carrier registration " +
                std::string(sesame::to_string(ph.registration)) + ")\n";
    }
    for (const auto& e : *emails) {
        j["emails"].push_back(email_json(e));
        text += "  email  " + std::to_string(e.id) + "  " + e.address +
                (e.display_name.empty() ? "" : "  (" + e.display_name + ")") + "\n";
    }
    for (const auto& po : *portals) {
        j["portals"].push_back(to_json(po));
        text += "  " + portal_line(po) + "\n";
    }
    emit(ctx, j, text);
    return Status::success();
}

Status cmd_agency_set_send_mode(Context& ctx, const Parsed& p) {
    sesame::SendMode mode{};
    if (!sesame::parse(p.positionals[1], mode))
        throw UsageError("the send mode is simulate or live, not '" + p.positionals[1] + "'",
                         "see `sesame agency set-send-mode --help`");
    Status st = Status::success();
    auto a = agency_arg(ctx, p.positionals[0], "AGENCY_ID", st);
    SESAME_TRY(st);
    a.send_mode = mode;
    auto updated = ctx.engine->update_agency(ctx.actor, a);
    if (!updated) return updated.status();
    std::string text = "Agency " + std::to_string(updated->id) + " (" + updated->name + ") now sends in " +
                       std::string(sesame::to_string(updated->send_mode)) + " mode.\n";
    if (mode == sesame::SendMode::live && updated->environment == sesame::Environment::staging)
        text += "It is a staging agency, and staging never sends live: messages still go to the feed only.\n";
    emit(ctx, json{{"agency", to_json(*updated)}}, text);
    return Status::success();
}

Status cmd_agency_add_phone(Context& ctx, const Parsed& p) {
    sesame::CarrierRegistration reg = sesame::CarrierRegistration::pending;
    if (p.has("--registration") && !sesame::parse(p.get("--registration"), reg))
        throw UsageError("--registration is pending or complete, not '" + p.get("--registration") + "'",
                         "see `sesame agency add-phone --help`");
    auto ph = ctx.engine->add_agency_phone(ctx.actor, parse_id(p.positionals[0], "AGENCY_ID"), p.positionals[1], reg);
    if (!ph) return ph.status();
    emit(ctx, json{{"phone", phone_json(*ph)}},
         "Added phone " + std::to_string(ph->id) + " " + ph->number + " to agency " + std::to_string(ph->agency_id) +
             " (carrier registration " + std::string(sesame::to_string(ph->registration)) + ").\n");
    return Status::success();
}

Status cmd_agency_add_email(Context& ctx, const Parsed& p) {
    auto e = ctx.engine->add_agency_email(ctx.actor, parse_id(p.positionals[0], "AGENCY_ID"), p.positionals[1],
                                          opt(p, "--display-name"));
    if (!e) return e.status();
    emit(ctx, json{{"email", email_json(*e)}},
         "Added email " + std::to_string(e->id) + " " + e->address + " to agency " + std::to_string(e->agency_id) +
             ".\n");
    return Status::success();
}

// ---- portal -------------------------------------------------------------------------------------

Status cmd_portal_list(Context& ctx, const Parsed& p) {
    std::vector<sesame::Agency> agencies;
    if (p.has("--agency")) {
        Status st = Status::success();
        agencies.push_back(agency_arg(ctx, p.get("--agency"), "--agency", st));
        SESAME_TRY(st);
    } else {
        auto all = ctx.engine->list_agencies(ctx.actor);
        if (!all) return all.status();
        agencies = std::move(*all);
    }
    json list = json::array();
    std::string text;
    for (const auto& a : agencies) {
        auto portals = ctx.engine->list_portals(ctx.actor, a.id);
        if (!portals) return portals.status();
        for (const auto& po : *portals) {
            list.push_back(to_json(po));
            text += portal_line(po) + "\n";
        }
    }
    if (list.empty()) text = "No portals yet: run `sesame init --demo` or `sesame portal add`.\n";
    emit(ctx, json{{"portals", list}}, text);
    return Status::success();
}

Status cmd_portal_add(Context& ctx, const Parsed& p) {
    sesame::Portal in;
    in.agency_id = parse_id(p.get("--agency"), "--agency");
    in.name = p.get("--name");
    in.slug = p.get("--slug");
    in.client_auth = sesame::ClientAuth::one_time_password;
    if (p.has("--auth") && !sesame::parse(p.get("--auth"), in.client_auth))
        throw UsageError("--auth is disabled or one-time-password, not '" + p.get("--auth") + "'",
                         "see `sesame portal add --help`");
    in.settings.host = opt(p, "--host");
    auto po = ctx.engine->create_portal(ctx.actor, in);
    if (!po) return po.status();
    emit(ctx, json{{"portal", to_json(*po)}}, "Created " + portal_line(*po) + ".\n");
    return Status::success();
}

// "      es: Calendario de audiencias" under a sidebar item or gated resource, one line a language.
std::string titles_lines(const sesame::Titles& titles) {
    std::string out;
    for (const auto& [language, title] : titles) out += "      " + language + ": " + title + "\n";
    return out;
}

// Sets the title of LANG (or removes it, for an empty TITLE) on a row the engine reads with `get`
// and writes with `update`; the engine validates the change.
template <class Row, class Get, class Update>
Status set_title(Context& ctx, const Parsed& p, const char* id_name, const char* words, Get get, Update update) {
    auto row = get(parse_id(p.positionals[0], id_name));
    if (!row) return row.status();
    Row changed = *row;
    const std::string& language = p.positionals[1];
    const std::string& title = p.positionals[2];
    if (title.empty()) changed.titles.erase(language);
    else changed.titles[language] = title;
    auto saved = update(changed);
    if (!saved) return saved.status();
    emit(ctx, json{{"id", saved->id}, {"title", saved->title}, {"titles", saved->titles}},
         (title.empty() ? "Removed the " + language + " title of " : "Set the " + language + " title of ") + words +
             " " + std::to_string(saved->id) + (title.empty() ? "" : " to \"" + title + "\"") + ".\n");
    return Status::success();
}

Status cmd_sidebar_title(Context& ctx, const Parsed& p) {
    return set_title<sesame::SidebarItem>(
        ctx, p, "ITEM_ID", "sidebar item", [&](sesame::Id id) { return ctx.engine->get_sidebar_item(ctx.actor, id); },
        [&](const sesame::SidebarItem& v) { return ctx.engine->update_sidebar_item(ctx.actor, v); });
}

Status cmd_gated_title(Context& ctx, const Parsed& p) {
    return set_title<sesame::GatedResource>(
        ctx, p, "RESOURCE_ID", "gated resource",
        [&](sesame::Id id) { return ctx.engine->get_gated_resource(ctx.actor, id); },
        [&](const sesame::GatedResource& v) { return ctx.engine->update_gated_resource(ctx.actor, v); });
}

Status cmd_portal_show(Context& ctx, const Parsed& p) {
    auto po = ctx.engine->find_portal(p.positionals[0]);
    if (!po) return po.status();
    auto items = ctx.engine->list_sidebar_items(ctx.actor, po->id);
    if (!items) return items.status();
    auto resources = ctx.engine->list_gated_resources(ctx.actor, po->id);
    if (!resources) return resources.status();
    auto templates = ctx.engine->list_dashboard_templates(ctx.actor, po->id);
    if (!templates) return templates.status();
    auto profile = ctx.engine->get_profile_policy(ctx.actor, po->id);
    if (!profile) return profile.status();
    auto uploads = ctx.engine->get_upload_policy(ctx.actor, po->id);
    if (!uploads) return uploads.status();

    json j = {{"portal", to_json(*po)}};
    std::string text = portal_line(*po) + "\n  host: " + (po->settings.host.empty() ? "(none)" : po->settings.host) +
                       "\n  sidebar:\n";
    j["sidebar_items"] = json::array();
    for (const auto& it : *items) {
        j["sidebar_items"].push_back({{"id", it.id},
                                      {"title", it.title},
                                      {"titles", it.titles},
                                      {"link", it.link},
                                      {"order", it.order},
                                      {"visibility", std::string(sesame::to_string(it.visibility))}});
        text += "    " + std::to_string(it.id) + "  " + it.title + "  " + it.link + "  (" +
                std::string(sesame::to_string(it.visibility)) + ")\n" + titles_lines(it.titles);
    }
    if (items->empty()) text += "    (none)\n";
    text += "  gated resources:\n";
    j["gated_resources"] = json::array();
    for (const auto& r : *resources) {
        j["gated_resources"].push_back({{"id", r.id},
                                        {"kind", std::string(sesame::to_string(r.kind))},
                                        {"slug", r.slug},
                                        {"title", r.title},
                                        {"titles", r.titles},
                                        {"requires_login", r.requires_login}});
        text += "    " + std::to_string(r.id) + "  " + std::string(sesame::to_string(r.kind)) + " " + r.slug + "  " +
                r.title + (r.requires_login ? "  (login required)" : "  (open)") + "\n" + titles_lines(r.titles);
    }
    if (resources->empty()) text += "    (none)\n";
    j["dashboard_templates"] = json::array();
    text += "  dashboard templates:";
    for (const auto& t : *templates) {
        j["dashboard_templates"].push_back({{"language", t.language}, {"text", t.text}});
        text += " " + t.language;
    }
    text += templates->empty() ? " (none: the built-in one)\n" : "\n";
    j["profile_policy"] = json::object();
    text += "  profile policy:";
    for (const auto& [field, policy] : *profile) {
        j["profile_policy"][field] = std::string(sesame::to_string(policy));
        text += " " + field + "=" + std::string(sesame::to_string(policy));
    }
    j["upload_policy"] = {{"allow_photos", uploads->allow_photos},
                          {"allow_documents", uploads->allow_documents},
                          {"max_bytes", uploads->max_bytes}};
    text += "\n  uploads: photos " + std::string(uploads->allow_photos ? "allowed" : "refused") + ", documents " +
            (uploads->allow_documents ? "allowed" : "refused") + ", up to " + std::to_string(uploads->max_bytes) +
            " bytes\n";
    emit(ctx, j, text);
    return Status::success();
}

// ---- client -------------------------------------------------------------------------------------

Status cmd_client_show(Context& ctx, const Parsed& p) {
    auto c = ctx.engine->get_client(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!c) return c.status();
    auto contacts = ctx.engine->list_contacts(ctx.actor, c->id);
    if (!contacts) return contacts.status();
    auto events = ctx.engine->list_events(ctx.actor, c->id);
    if (!events) return events.status();
    auto cases = ctx.engine->list_cases(ctx.actor, c->id);
    if (!cases) return cases.status();
    auto docs = ctx.engine->list_documents(ctx.actor, c->id);
    if (!docs) return docs.status();
    json j = {{"client", to_json(*c)},
              {"contacts", json::array()},
              {"events", json::array()},
              {"cases", json::array()},
              {"documents", json::array()}};
    std::string text = "client " + std::to_string(c->id) + "  " + client_name(*c) + "  (agency " +
                       std::to_string(c->agency_id) + ")\n";
    const std::pair<const char*, const std::string*> fields[] = {
        {"reference", &c->client_reference}, {"middle name", &c->middle_name}, {"date of birth", &c->dob},
        {"language", &c->language},          {"status", &c->status}};
    for (const auto& [label, value] : fields)
        if (!value->empty()) text += "  " + std::string(label) + ": " + *value + "\n";
    if (c->archived) text += "  archived\n";
    for (const auto& k : *contacts) {
        j["contacts"].push_back(to_json(k));
        text += "  contact " + std::to_string(k.id) + "  " + std::string(sesame::to_string(k.kind)) + "  " + k.value +
                "  " + std::string(sesame::to_string(k.status)) + "\n";
    }
    for (const auto& e : *events) {
        j["events"].push_back(to_json(e));
        text += "  " + event_line(e) + "\n";
    }
    for (const auto& cs : *cases) {
        j["cases"].push_back(to_json(cs));
        text += "  " + case_line(cs) + "\n";
    }
    for (const auto& d : *docs) {
        j["documents"].push_back(document_json(ctx, d));
        text += "  " + document_line(ctx, d) + "\n";
    }
    emit(ctx, j, text);
    return Status::success();
}

Status cmd_client_update(Context& ctx, const Parsed& p) {
    auto c = ctx.engine->get_client(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!c) return c.status();
    const std::pair<const char*, std::string*> fields[] = {
        {"--first", &c->first_name},     {"--middle", &c->middle_name}, {"--last", &c->last_name},
        {"--dob", &c->dob},              {"--language", &c->language},  {"--reference", &c->client_reference},
        {"--status", &c->status}};
    bool any = false;
    for (const auto& [name, target] : fields)
        if (p.has(name)) {
            *target = p.get(name);
            any = true;
        }
    if (p.has("--archived")) {
        const std::string& v = p.get("--archived");
        if (v != "yes" && v != "no")
            throw UsageError("--archived is yes or no, not '" + v + "'", "see `sesame client update --help`");
        c->archived = v == "yes";
        any = true;
    }
    if (!any)
        throw UsageError("nothing to change: give at least one of --first, --middle, --last, --dob, --language, "
                         "--reference, --status, --archived",
                         "see `sesame client update --help`");
    auto updated = ctx.engine->update_client(ctx.actor, *c);
    if (!updated) return updated.status();
    emit(ctx, json{{"client", to_json(*updated)}},
         "Updated client " + std::to_string(updated->id) + ": " + client_name(*updated) + " (language " +
             updated->language + (updated->dob.empty() ? "" : ", born " + updated->dob) + ", " + updated->status +
             (updated->archived ? ", archived" : "") + ").\n");
    return Status::success();
}

Status cmd_client_delete(Context& ctx, const Parsed& p) {
    auto c = ctx.engine->get_client(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!c) return c.status();
    auto contacts = ctx.engine->list_contacts(ctx.actor, c->id);
    if (!contacts) return contacts.status();
    SESAME_TRY(ctx.engine->delete_client(ctx.actor, c->id));
    emit(ctx, json{{"deleted", to_json(*c)}, {"contacts_deleted", contacts->size()}},
         "Deleted client " + std::to_string(c->id) + " (" + client_name(*c) + ") and " +
             std::to_string(contacts->size()) + (contacts->size() == 1 ? " contact" : " contacts") + ".\n");
    return Status::success();
}

// ---- contact ------------------------------------------------------------------------------------

Status cmd_contact_add(Context& ctx, const Parsed& p) {
    const std::string& value = p.positionals[1];
    const auto kind = value.find('@') != std::string::npos ? sesame::ContactKind::email : sesame::ContactKind::phone;
    auto k = ctx.engine->add_contact(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"), kind, value);
    if (!k) return k.status();
    emit(ctx, json{{"contact", to_json(*k)}},
         "Added contact " + std::to_string(k->id) + " (" + std::string(sesame::to_string(k->kind)) + " " + k->value +
             ") to client " + std::to_string(k->client_id) + ".\n");
    return Status::success();
}

Status cmd_contact_list(Context& ctx, const Parsed& p) {
    auto contacts = ctx.engine->list_contacts(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!contacts) return contacts.status();
    json list = json::array();
    std::string text;
    for (const auto& k : *contacts) {
        list.push_back(to_json(k));
        text += "contact " + std::to_string(k.id) + "  " + std::string(sesame::to_string(k.kind)) + "  " + k.value +
                "  " + std::string(sesame::to_string(k.status)) + "\n";
    }
    if (contacts->empty()) text = "No contacts: add one with `sesame contact add " + p.positionals[0] + " VALUE`.\n";
    emit(ctx, json{{"contacts", list}}, text);
    return Status::success();
}

Status cmd_contact_remove(Context& ctx, const Parsed& p) {
    auto k = ctx.engine->get_contact(ctx.actor, parse_id(p.positionals[0], "CONTACT_ID"));
    if (!k) return k.status();
    SESAME_TRY(ctx.engine->remove_contact(ctx.actor, k->id));
    emit(ctx, json{{"removed", to_json(*k)}},
         "Removed contact " + std::to_string(k->id) + " (" + k->value + ") of client " + std::to_string(k->client_id) +
             "; sessions opened with it were ended.\n");
    return Status::success();
}

// ---- event, case, document ----------------------------------------------------------------------

Status cmd_event_add(Context& ctx, const Parsed& p) {
    sesame::Event e;
    e.client_id = parse_id(p.get("--client"), "--client");
    e.date = p.get("--date");
    e.time = opt(p, "--time");
    e.type = opt(p, "--type");
    e.location = opt(p, "--location");
    e.judge = opt(p, "--judge");
    e.case_number = opt(p, "--case-number");
    e.status = opt(p, "--status", "scheduled");
    e.description = opt(p, "--description");
    if (p.has("--case")) e.case_id = parse_id(p.get("--case"), "--case");
    auto made = ctx.engine->create_event(ctx.actor, e);
    if (!made) return made.status();
    emit(ctx, json{{"event", to_json(*made)}},
         "Added " + event_line(*made) + " for client " + std::to_string(made->client_id) + ".\n");
    return Status::success();
}

Status cmd_event_list(Context& ctx, const Parsed& p) {
    auto events = ctx.engine->list_events(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!events) return events.status();
    json list = json::array();
    std::string text;
    for (const auto& e : *events) {
        list.push_back(to_json(e));
        text += event_line(e) + "\n";
    }
    if (events->empty()) text = "No events.\n";
    emit(ctx, json{{"events", list}}, text);
    return Status::success();
}

Status cmd_event_delete(Context& ctx, const Parsed& p) {
    auto e = ctx.engine->get_event(ctx.actor, parse_id(p.positionals[0], "EVENT_ID"));
    if (!e) return e.status();
    SESAME_TRY(ctx.engine->delete_event(ctx.actor, e->id));
    emit(ctx, json{{"deleted", to_json(*e)}}, "Deleted " + event_line(*e) + ".\n");
    return Status::success();
}

Status cmd_case_add(Context& ctx, const Parsed& p) {
    sesame::Case c;
    c.client_id = parse_id(p.get("--client"), "--client");
    c.case_number = p.get("--number");
    c.type = opt(p, "--type");
    c.charges = opt(p, "--charges");
    c.status = opt(p, "--status", "open");
    c.description = opt(p, "--description");
    auto made = ctx.engine->create_case(ctx.actor, c);
    if (!made) return made.status();
    emit(ctx, json{{"case", to_json(*made)}},
         "Added " + case_line(*made) + " for client " + std::to_string(made->client_id) + ".\n");
    return Status::success();
}

Status cmd_case_list(Context& ctx, const Parsed& p) {
    auto cases = ctx.engine->list_cases(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!cases) return cases.status();
    json list = json::array();
    std::string text;
    for (const auto& c : *cases) {
        list.push_back(to_json(c));
        text += case_line(c) + "\n";
    }
    if (cases->empty()) text = "No cases.\n";
    emit(ctx, json{{"cases", list}}, text);
    return Status::success();
}

Status cmd_document_add(Context& ctx, const Parsed& p) {
    // The file is read before anything is written, so a wrong path leaves no document behind.
    std::vector<std::uint8_t> bytes;
    std::string file_name;
    if (p.has("--file")) {
        const std::string& path = p.get("--file");
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return Status(Code::not_found, "cannot read --file " + path + ": check the path and its permissions");
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (in.bad()) return Status(Code::storage, "reading --file " + path + " failed");
        if (bytes.size() > static_cast<std::size_t>(sesame::kUploadMaxBytesLimit))
            return Status(Code::invalid_argument, "--file " + path + " is larger than " +
                                                      std::to_string(sesame::kUploadMaxBytesLimit) + " bytes");
        if (sesame::detect_content_type(bytes).empty())
            return Status(Code::invalid_argument,
                          "--file " + path + " is not a PDF, JPEG, PNG or HEIC file (going by its first bytes, not its name)");
        const auto slash = path.find_last_of('/');
        file_name = slash == std::string::npos ? path : path.substr(slash + 1);
    }
    sesame::Document d;
    d.client_id = parse_id(p.get("--client"), "--client");
    d.name = p.get("--name");
    d.type = opt(p, "--type");
    d.due_date = opt(p, "--due");
    d.status = opt(p, "--status", "pending");
    if (p.has("--case")) d.case_id = parse_id(p.get("--case"), "--case");
    if (p.has("--event")) d.event_id = parse_id(p.get("--event"), "--event");
    auto made = ctx.engine->create_document(ctx.actor, d);
    if (!made) return made.status();
    if (p.has("--file")) {
        auto f = ctx.engine->attach_document_file(ctx.actor, made->id, file_name, bytes);
        if (!f)
            return Status(f.code(), "document " + std::to_string(made->id) + " was created but its file was not "
                                    "attached: " + f.status().message());
    }
    emit(ctx, json{{"document", document_json(ctx, *made)}},
         "Added " + document_line(ctx, *made) + " for client " + std::to_string(made->client_id) + ".\n");
    return Status::success();
}

Status cmd_document_list(Context& ctx, const Parsed& p) {
    auto docs = ctx.engine->list_documents(ctx.actor, parse_id(p.positionals[0], "CLIENT_ID"));
    if (!docs) return docs.status();
    json list = json::array();
    std::string text;
    for (const auto& d : *docs) {
        list.push_back(document_json(ctx, d));
        text += document_line(ctx, d) + "\n";
    }
    if (docs->empty()) text = "No documents.\n";
    emit(ctx, json{{"documents", list}}, text);
    return Status::success();
}

const PositionalSpec kAgencyId{"AGENCY_ID", "the agency's id (see `sesame agency list`)"};
const PositionalSpec kClientId{"CLIENT_ID", "the client's id (see `sesame client list`)"};
const OptionSpec kClientOpt{"--client", "ID", true, "the client's id (see `sesame client list`)"};

}  // namespace

const std::vector<CommandSpec>& management_commands() {
    static const std::vector<CommandSpec> table = {
        {{"agency", "list"}, "List the agencies.", "", {}, {}, cmd_agency_list},
        {{"agency", "add"},
         "Add an agency. It starts in staging and simulate mode: no message leaves the building.",
         "",
         {},
         {{"--name", "NAME", true, "the agency's name, as messages sign it"},
          {"--time-zone", "ZONE", false, "IANA time zone, e.g. America/Chicago (default UTC)"},
          {"--region", "CC", false, "ISO 3166-1 region for national phone numbers (default US)"},
          {"--environment", "ENV", false, "staging or production (default staging)"}},
         cmd_agency_add},
        {{"agency", "show"},
         "Show an agency with its phones, emails and portals.",
         "",
         {kAgencyId},
         {},
         cmd_agency_show},
        {{"agency", "set-send-mode"},
         "Set an agency's send mode: simulate (messages only in the feed) or live.",
         "A staging agency never sends live whatever its send mode; only production does.",
         {kAgencyId, {"MODE", "simulate | live"}},
         {},
         cmd_agency_set_send_mode},
        {{"agency", "add-phone"},
         "Add a phone number the agency sends SMS from.",
         "",
         {kAgencyId, {"NUMBER", "the number in E.164 or the agency region's format"}},
         {{"--registration", "STATE", false, "carrier registration: pending or complete (default pending)"}},
         cmd_agency_add_phone},
        {{"agency", "add-email"},
         "Add an email address the agency sends from.",
         "",
         {kAgencyId, {"ADDRESS", "the sender address"}},
         {{"--display-name", "NAME", false, "the sender name shown to clients"}},
         cmd_agency_add_email},
        {{"portal", "list"},
         "List portals.",
         "",
         {},
         {{"--agency", "ID", false, "only this agency's (default: every agency's)"}},
         cmd_portal_list},
        {{"portal", "add"},
         "Add a portal to an agency, with one-time-code login turned on.",
         "",
         {},
         {{"--agency", "ID", true, "the agency"},
          {"--name", "NAME", true, "the portal's name"},
          {"--slug", "SLUG", true, "its address name: a-z, 0-9 and '-', at most 63 (unique)"},
          {"--auth", "MODE", false, "client authentication: one-time-password (default) or disabled"},
          {"--host", "HOST", false, "the host name the portal is served at (for the WebOTP line)"}},
         cmd_portal_add},
        {{"portal", "show"},
         "Show a portal: settings, sidebar, gated resources, dashboard templates, profile and upload policy.",
         "",
         {{"SLUG", "the portal's slug"}},
         {},
         cmd_portal_show},
        {{"sidebar", "title"},
         "Give a sidebar item its title in one language (an empty TITLE removes it).",
         "Clients whose language is LANG read this title; the others read the item's default title.\n"
         "At most 8 languages an item; each title 1 to 200 bytes.",
         {{"ITEM_ID", "the sidebar item's id (see `sesame portal show`)"},
          {"LANG", "ISO 639-1 code, two lowercase letters, e.g. es"},
          {"TITLE", "the title in that language"}},
         {},
         cmd_sidebar_title},
        {{"gated", "title"},
         "Give a gated calendar or form its title in one language (an empty TITLE removes it).",
         "Clients whose language is LANG read this title; the others read the resource's default title.\n"
         "At most 8 languages a resource; each title 1 to 200 bytes.",
         {{"RESOURCE_ID", "the gated resource's id (see `sesame portal show`)"},
          {"LANG", "ISO 639-1 code, two lowercase letters, e.g. es"},
          {"TITLE", "the title in that language"}},
         {},
         cmd_gated_title},
        {{"client", "show"},
         "Show a client with contacts, events, cases and documents.",
         "",
         {kClientId},
         {},
         cmd_client_show},
        {{"client", "update"},
         "Change a client's fields; the fields not given stay as they are.",
         "Archiving a client (--archived yes) ends its sessions.",
         {kClientId},
         {{"--first", "NAME", false, "first name"},
          {"--middle", "NAME", false, "middle name"},
          {"--last", "NAME", false, "last name"},
          {"--dob", "DATE", false, "date of birth, YYYY-MM-DD (empty to clear)"},
          {"--language", "LANG", false, "ISO 639-1 language of messages and pages"},
          {"--reference", "REF", false, "the agency's client reference"},
          {"--status", "WORD", false, "the client's status (active, ...)"},
          {"--archived", "yes|no", false, "archive or restore the client"}},
         cmd_client_update},
        {{"client", "delete"},
         "Delete a client that has nothing but contacts (e.g. an import row taken back), with its contacts.",
         "Refused while the client has messages, sessions, events, cases, documents or uploads:\n"
         "archive such a client instead (`sesame client update ID --archived yes`).",
         {kClientId},
         {},
         cmd_client_delete},
        {{"contact", "add"},
         "Add a phone or email to a client (a value with '@' is an email).",
         "Phones in any common format are read with the agency's region and stored as E.164.",
         {kClientId, {"VALUE", "a phone number or an email address"}},
         {},
         cmd_contact_add},
        {{"contact", "list"}, "List a client's contacts with their ids and status.", "", {kClientId}, {}, cmd_contact_list},
        {{"contact", "remove"},
         "Remove a contact: sessions opened with it end, and it can no longer be used to log in.",
         "",
         {{"CONTACT_ID", "the contact's id (see `sesame contact list`)"}},
         {},
         cmd_contact_remove},
        {{"event", "add"},
         "Add an event (hearing, appointment) for a client.",
         "Dates and times are the agency's local calendar labels.",
         {},
         {kClientOpt,
          {"--date", "YYYY-MM-DD", true, "the day"},
          {"--time", "HH:MM", false, "24-hour time"},
          {"--type", "TEXT", false, "e.g. \"Pretrial hearing\""},
          {"--location", "TEXT", false, "e.g. \"Courtroom 3B\""},
          {"--judge", "TEXT", false, "the judge"},
          {"--case-number", "TEXT", false, "the case number shown with the event"},
          {"--case", "ID", false, "link to one of the client's cases"},
          {"--status", "WORD", false, "scheduled (default), cancelled, completed, ..."},
          {"--description", "TEXT", false, "free text"}},
         cmd_event_add},
        {{"event", "list"}, "List a client's events by date and time.", "", {kClientId}, {}, cmd_event_list},
        {{"event", "delete"},
         "Delete an event (refused while a document is linked to it).",
         "",
         {{"EVENT_ID", "the event's id (see `sesame event list`)"}},
         {},
         cmd_event_delete},
        {{"case", "add"},
         "Add a case for a client.",
         "",
         {},
         {kClientOpt,
          {"--number", "NUMBER", true, "the case number, e.g. 2026-CR-0142"},
          {"--type", "TEXT", false, "e.g. Criminal"},
          {"--charges", "TEXT", false, "the charges"},
          {"--status", "WORD", false, "open (default), closed, ..."},
          {"--description", "TEXT", false, "free text"}},
         cmd_case_add},
        {{"case", "list"}, "List a client's cases.", "", {kClientId}, {}, cmd_case_list},
        {{"document", "add"},
         "Assign a document to a client, optionally with its file.",
         "The file's type comes from its first bytes: PDF, JPEG, PNG or HEIC; it is stored in the blob\n"
         "directory (--blob-dir) and the client downloads it from the portal's dashboard.",
         {},
         {kClientOpt,
          {"--name", "TITLE", true, "the document's title"},
          {"--type", "TEXT", false, "e.g. Order, Form"},
          {"--due", "YYYY-MM-DD", false, "when it is due"},
          {"--status", "WORD", false, "pending (default), ..."},
          {"--case", "ID", false, "link to one of the client's cases"},
          {"--event", "ID", false, "link to one of the client's events"},
          {"--file", "PATH", false, "a PDF, JPEG, PNG or HEIC file to attach"}},
         cmd_document_add},
        {{"document", "list"}, "List a client's documents, with their files.", "", {kClientId}, {}, cmd_document_list},
    };
    return table;
}

}  // namespace cli
