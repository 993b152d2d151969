// The commands of `sesame`: the seed's "Log In as a Test Client" steps, one command per step, plus
// the few staff actions a demonstration needs (turning login off, marking a contact opted out).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "cli.hpp"

namespace cli {
namespace {

using nlohmann::json;
using sesame::Code;
using sesame::Status;

constexpr const char* kUserAgent = "sesame-cli";

sesame::RequestInfo request_of(const Parsed& p) {
    return {p.has("--ip") ? p.get("--ip") : std::string("127.0.0.1"), kUserAgent};
}

// "Ann Example (client 3)" when the client can be read, else "client 3".
std::string describe_client(Context& ctx, sesame::Id id) {
    auto c = ctx.engine->get_client(ctx.actor, id);
    if (!c) return "client " + std::to_string(id);
    return client_name(*c) + " (client " + std::to_string(id) + ")";
}

std::string indent(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);) out += line.empty() ? "\n" : prefix + line + "\n";
    return out;
}

std::string session_text(Context& ctx, const sesame::SessionInfo& s) {
    const auto now = ctx.engine->clock().now();
    std::ostringstream out;
    out << "  session:      " << s.session_id << "\n"
        << "  client:       " << (s.client_id ? describe_client(ctx, *s.client_id) : "none chosen yet") << "\n"
        << "  idle expiry:  " << iso_time(s.idle_expires_at) << " (" << relative(s.idle_expires_at, now) << ")\n"
        << "  expires:      " << iso_time(s.absolute_expires_at) << " (" << relative(s.absolute_expires_at, now) << ")\n"
        << "  assurance:    " << s.assurance << "\n";
    return out.str();
}

// ---- init ---------------------------------------------------------------------------------------

Status cmd_init(Context& ctx, const Parsed& p) {
    json j = {{"db", ctx.globals.db},
              {"key_file", ctx.globals.key_file},
              {"schema_version", sesame::sqlite_schema_version()}};
    std::ostringstream text;
    text << "Database: " << ctx.globals.db << " (schema " << sesame::sqlite_schema_version() << ")\n"
         << "Key file: " << ctx.globals.key_file << " (keep it with the database, and private)\n";
    if (p.has("--demo")) {
        auto existing = ctx.engine->find_portal(kDemoSlug);
        if (existing) {
            j["created"] = false;
            j["portal"] = to_json(*existing);
            text << "The demo exists already: portal slug '" << kDemoSlug << "' is taken (portal " << existing->id
                 << ", " << existing->name << "). Nothing was changed.\n";
        } else if (existing.code() != Code::not_found) {
            return existing.status();
        } else {
            SESAME_TRY(create_demo(ctx, j, text));
        }
    }
    emit(ctx, j, text.str());
    return Status::success();
}

// ---- login --------------------------------------------------------------------------------------

Status cmd_login_start(Context& ctx, const Parsed& p) {
    const std::string& slug = p.get("--portal");
    auto portal = ctx.engine->find_portal(slug);
    if (!portal) return portal.status();
    auto started = ctx.engine->start_login(portal->id, p.positionals[0], request_of(p));
    if (!started) return started.status();
    const auto now = ctx.engine->clock().now();
    json j = {{"challenge_id", started->challenge_id},
              {"channel", std::string(sesame::to_string(started->channel))},
              {"masked_destination", started->masked_destination},
              {"expires_at", iso_time(started->expires_at)},
              {"resend_after", iso_time(started->resend_after)}};
    std::ostringstream text;
    text << "Login started: a code goes by " << sesame::to_string(started->channel) << " to "
         << started->masked_destination << ".\n"
         << "  challenge:    " << started->challenge_id << "\n"
         << "  expires:      " << iso_time(started->expires_at) << " (" << relative(started->expires_at, now) << ")\n"
         << "  resend after: " << iso_time(started->resend_after) << " (" << relative(started->resend_after, now)
         << ")\n"
         << "In simulate mode nothing is delivered: read the code with\n"
         << "  sesame feed --portal " << slug << " '" << p.positionals[0] << "'\n"
         << "then: sesame login verify --portal " << slug << " --challenge " << started->challenge_id
         << " --code CODE\n";
    emit(ctx, j, text.str());
    return Status::success();
}

Status cmd_login_verify(Context& ctx, const Parsed& p) {
    const std::string& slug = p.get("--portal");
    auto portal = ctx.engine->find_portal(slug);
    if (!portal) return portal.status();
    auto v = ctx.engine->verify_login(portal->id, p.get("--challenge"), p.get("--code"), request_of(p));
    if (!v) return v.status();
    const auto now = ctx.engine->clock().now();
    constexpr const char* kSecret =
        "the session token is secret: whoever holds it is logged in as this client. It is shown only once.";

    json clients = json::array();
    for (const auto& c : v->clients) clients.push_back({{"client_id", c.client_id}, {"display_name", c.display_name}});
    json j = {{"token", v->token},
              {"session_id", v->session_id},
              {"client_id", v->client_id ? json(*v->client_id) : json(nullptr)},
              {"clients", clients},
              {"expires_at", iso_time(v->expires_at)},
              {"idle_expires_at", iso_time(v->idle_expires_at)},
              {"assurance", v->assurance}};

    std::ostringstream text;
    text << "Logged in.\n"
         << "Token (" << kSecret << "):\n"
         << "  " << v->token << "\n"
         << "  session:      " << v->session_id << "\n";
    if (v->client_id) {
        const auto& only = v->clients.empty() ? std::string() : v->clients.front().display_name;
        text << "  client:       " << *v->client_id << " " << only << "\n";
    } else {
        text << "  clients:      this contact belongs to several clients; choose one:\n";
        for (const auto& c : v->clients) text << "                " << c.client_id << " " << c.display_name << "\n";
    }
    text << "  idle expiry:  " << iso_time(v->idle_expires_at) << " (" << relative(v->idle_expires_at, now) << ")\n"
         << "  expires:      " << iso_time(v->expires_at) << " (" << relative(v->expires_at, now) << ")\n"
         << "  assurance:    " << v->assurance << " (one factor: a code sent to a phone or email)\n";
    if (v->client_id)
        text << "Next: sesame session check --portal " << slug << " --token TOKEN\n";
    else
        text << "Next: sesame session select --portal " << slug << " --token TOKEN --client ID\n";
    // In JSON mode stdout is for the script; the person running it still deserves the warning.
    if (ctx.globals.json) std::cerr << "sesame: warning: " << kSecret << "\n";
    emit(ctx, j, text.str());
    return Status::success();
}

// ---- feed ---------------------------------------------------------------------------------------

Status cmd_feed(Context& ctx, const Parsed& p) {
    const std::size_t limit =
        p.has("--limit") ? static_cast<std::size_t>(parse_positive(p.get("--limit"), "--limit", 1000)) : 20;
    auto portal = ctx.engine->find_portal(p.get("--portal"));
    if (!portal) return portal.status();
    auto agency = ctx.engine->get_agency(ctx.actor, portal->agency_id);
    if (!agency) return agency.status();
    // Several clients may share one phone (a parent and children): the staff view shows them all.
    auto contacts = ctx.engine->find_contacts(ctx.actor, agency->id, p.positionals[0]);
    if (!contacts) return contacts.status();
    std::set<sesame::Id> client_ids;
    for (const auto& c : *contacts) client_ids.insert(c.client_id);
    if (client_ids.empty())
        return Status(Code::contact_not_found, "no client of " + agency->name + " has that phone number or email");

    std::map<sesame::Id, sesame::Message> by_id;
    for (auto id : client_ids) {
        auto feed = ctx.engine->message_feed(ctx.actor, id, limit);
        if (!feed) return feed.status();
        for (auto& m : *feed) by_id.emplace(m.id, std::move(m));
    }
    std::vector<sesame::Message> messages;
    for (auto& [id, m] : by_id) messages.push_back(std::move(m));
    std::sort(messages.begin(), messages.end(), [](const sesame::Message& a, const sesame::Message& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    if (messages.size() > limit) messages.resize(limit);

    // The newest login message decides: an older simulated code has been superseded by it.
    std::string code;
    for (const auto& m : messages) {
        if (m.challenge_id.empty()) continue;
        if (m.status == sesame::MessageStatus::simulated) code = code_in_message(m.content);
        break;
    }

    json list = json::array();
    for (const auto& m : messages) list.push_back(to_json(m));
    json ids = json::array();
    for (auto id : client_ids) ids.push_back(id);
    json j = {{"client_ids", ids}, {"messages", list}, {"code", code.empty() ? json(nullptr) : json(code)}};

    std::ostringstream text;
    text << "Message feed of ";
    bool first = true;
    for (auto id : client_ids) {
        text << (first ? "" : ", ") << describe_client(ctx, id);
        first = false;
    }
    text << ", newest first (" << messages.size() << (messages.size() == 1 ? " message" : " messages") << "):\n";
    for (const auto& m : messages) {
        text << "\n  #" << m.id << "  " << iso_time(m.created_at) << "  " << sesame::to_string(m.direction) << " "
             << sesame::to_string(m.channel) << "  " << sesame::to_string(m.status) << "  to " << m.to << "\n";
        if (!m.subject.empty()) text << "    Subject: " << m.subject << "\n";
        text << indent(m.content, "    ");
        if (!m.error.empty()) text << "    error: " << m.error << "\n";
    }
    if (messages.empty()) text << "  (no messages)\n";
    text << "\n";
    if (!code.empty()) text << "Newest simulated login code: " << code << "\n";
    else text << "No simulated login code in this feed.\n";
    emit(ctx, j, text.str());
    return Status::success();
}

// ---- sessions -----------------------------------------------------------------------------------

std::string token_of(const Parsed& p) { return p.get("--token"); }

Status cmd_session_select(Context& ctx, const Parsed& p) {
    auto portal = ctx.engine->find_portal(p.get("--portal"));
    if (!portal) return portal.status();
    const auto client_id = parse_positive(p.get("--client"), "--client", INT64_MAX);
    auto s = ctx.engine->select_client(portal->id, token_of(p), client_id);
    if (!s) return s.status();
    emit(ctx, to_json(*s), "Client chosen.\n" + session_text(ctx, *s));
    return Status::success();
}

Status cmd_session_check(Context& ctx, const Parsed& p) {
    auto portal = ctx.engine->find_portal(p.get("--portal"));
    if (!portal) return portal.status();
    auto s = ctx.engine->check_session(portal->id, token_of(p));
    if (!s) return s.status();
    emit(ctx, to_json(*s), "The session is live.\n" + session_text(ctx, *s));
    return Status::success();
}

Status cmd_logout(Context& ctx, const Parsed& p) {
    auto portal = ctx.engine->find_portal(p.get("--portal"));
    if (!portal) return portal.status();
    SESAME_TRY(ctx.engine->logout(portal->id, token_of(p)));
    emit(ctx, json{{"logged_out", true}}, "Logged out: the token no longer opens a session.\n");
    return Status::success();
}

// ---- housekeeping and staff helpers -------------------------------------------------------------

Status cmd_check(Context& ctx, const Parsed&) {
    SESAME_TRY(sesame::check_sqlite_store(ctx.globals.db));
    emit(ctx, json{{"database", ctx.globals.db}, {"ok", true}},
         ctx.globals.db + ": every page read, no damage found; it is a Sesame database this build can open.\n");
    return Status::success();
}

Status cmd_sweep(Context& ctx, const Parsed&) {
    auto r = ctx.engine->sweep();
    if (!r) return r.status();
    json j = {{"challenges", r->challenges}, {"sessions", r->sessions}, {"counters", r->counters}};
    std::ostringstream text;
    text << "Removed " << r->challenges << " challenges, " << r->sessions << " sessions and " << r->counters
         << " counters that had run their course.\n";
    emit(ctx, j, text.str());
    return Status::success();
}

Status cmd_portal_set_auth(Context& ctx, const Parsed& p) {
    sesame::ClientAuth mode{};
    if (!sesame::parse(p.positionals[1], mode))
        throw UsageError("client authentication is 'disabled' or 'one-time-password', not '" + p.positionals[1] + "'",
                         "see `sesame portal set-auth --help`");
    auto portal = ctx.engine->find_portal(p.positionals[0]);
    if (!portal) return portal.status();
    sesame::Portal changed = *portal;
    changed.client_auth = mode;
    auto updated = ctx.engine->update_portal(ctx.actor, changed);
    if (!updated) return updated.status();
    std::ostringstream text;
    text << "Portal " << updated->slug << ": client authentication is now " << sesame::to_string(updated->client_auth)
         << ".\n";
    if (mode == sesame::ClientAuth::disabled)
        text << "The login form is gone and the portal's sessions were ended.\n";
    emit(ctx, json{{"portal", to_json(*updated)}}, text.str());
    return Status::success();
}

Status cmd_client_list(Context& ctx, const Parsed& p) {
    std::vector<sesame::Agency> agencies;
    if (p.has("--agency")) {
        auto a = ctx.engine->get_agency(ctx.actor, parse_positive(p.get("--agency"), "--agency", INT64_MAX));
        if (!a) return a.status();
        agencies.push_back(*a);
    } else {
        auto all = ctx.engine->list_agencies(ctx.actor);
        if (!all) return all.status();
        agencies = std::move(*all);
    }
    json list = json::array();
    std::ostringstream text;
    for (const auto& agency : agencies) {
        auto clients = ctx.engine->list_clients(ctx.actor, agency.id);
        if (!clients) return clients.status();
        text << agency.name << " (agency " << agency.id << ")\n";
        if (clients->empty()) text << "  (no clients)\n";
        for (const auto& c : *clients) {
            auto contacts = ctx.engine->list_contacts(ctx.actor, c.id);
            if (!contacts) return contacts.status();
            json entry = to_json(c);
            entry["contacts"] = json::array();
            text << "  client " << c.id << "  " << client_name(c)
                 << (c.client_reference.empty() ? "" : "  " + c.client_reference) << "  language " << c.language
                 << "  " << c.status << (c.archived ? "  archived" : "") << "\n";
            for (const auto& k : *contacts) {
                entry["contacts"].push_back(to_json(k));
                text << "    contact " << k.id << "  " << sesame::to_string(k.kind) << "  " << k.value << "  "
                     << sesame::to_string(k.status) << "\n";
            }
            list.push_back(std::move(entry));
        }
    }
    if (agencies.empty()) text << "No agencies yet: run `sesame init --demo`.\n";
    emit(ctx, json{{"clients", list}}, text.str());
    return Status::success();
}

Status cmd_client_add(Context& ctx, const Parsed& p) {
    if (!p.has("--phone") && !p.has("--email"))
        throw UsageError("give the client at least one contact: --phone or --email", "see `sesame client add --help`");
    sesame::Id agency_id = 0;
    if (p.has("--agency")) {
        agency_id = parse_positive(p.get("--agency"), "--agency", INT64_MAX);
    } else {
        auto all = ctx.engine->list_agencies(ctx.actor);
        if (!all) return all.status();
        if (all->size() != 1)
            throw UsageError(all->empty() ? "there is no agency yet: run `sesame init --demo`"
                                          : "there are several agencies: say which with --agency ID",
                             "see `sesame client add --help`");
        agency_id = all->front().id;
    }
    sesame::Client in;
    in.agency_id = agency_id;
    in.first_name = p.get("--first");
    in.last_name = p.get("--last");
    if (p.has("--reference")) in.client_reference = p.get("--reference");
    if (p.has("--language")) in.language = p.get("--language");
    auto client = ctx.engine->create_client(ctx.actor, in);
    if (!client) return client.status();
    json j = {{"client", to_json(*client)}, {"contacts", json::array()}};
    std::ostringstream text;
    text << "Created client " << client->id << ": " << client_name(*client) << "\n";
    // A contact the engine refuses (an unparsable phone) leaves the client in place, without it:
    // the failure says which, and `sesame client list` shows what was kept.
    const std::pair<const char*, sesame::ContactKind> kinds[] = {{"--phone", sesame::ContactKind::phone},
                                                                 {"--email", sesame::ContactKind::email}};
    for (const auto& [option, kind] : kinds) {
        if (!p.has(option)) continue;
        auto contact = ctx.engine->add_contact(ctx.actor, client->id, kind, p.get(option));
        if (!contact) return contact.status();
        j["contacts"].push_back(to_json(*contact));
        text << "  contact " << contact->id << "  " << sesame::to_string(contact->kind) << "  " << contact->value << "\n";
    }
    emit(ctx, j, text.str());
    return Status::success();
}

Status cmd_contact_set_status(Context& ctx, const Parsed& p) {
    const auto id = parse_positive(p.positionals[0], "CONTACT_ID", INT64_MAX);
    std::string word = p.positionals[1];
    std::replace(word.begin(), word.end(), '-', '_');  // "opted-out" is how people type it
    sesame::ContactStatus status{};
    if (!sesame::parse(word, status))
        throw UsageError("a contact status is valid, opted_out or invalid, not '" + p.positionals[1] + "'",
                         "see `sesame contact set-status --help`");
    // The engine's update takes the value too; it is read back so that only the status changes.
    auto current = ctx.engine->get_contact(ctx.actor, id);
    if (!current) return current.status();
    auto updated = ctx.engine->update_contact(ctx.actor, id, current->value, status);
    if (!updated) return updated.status();
    std::ostringstream text;
    text << "Contact " << updated->id << " (" << updated->value << ") is now " << sesame::to_string(updated->status)
         << ".\n";
    if (status != sesame::ContactStatus::valid) text << "It can no longer be used to log in.\n";
    emit(ctx, json{{"contact", to_json(*updated)}}, text.str());
    return Status::success();
}

Status cmd_audit(Context& ctx, const Parsed& p) {
    const std::size_t limit =
        p.has("--limit") ? static_cast<std::size_t>(parse_positive(p.get("--limit"), "--limit", 10000)) : 20;
    auto events = ctx.engine->audit_log(ctx.actor, 0, limit);
    if (!events) return events.status();
    json list = json::array();
    std::ostringstream text;
    text << "Audit log, newest first:\n";
    for (const auto& e : *events) {
        list.push_back({{"id", e.id},
                        {"agency_id", e.agency_id},
                        {"at", iso_time(e.at)},
                        {"actor", e.actor},
                        {"action", e.action},
                        {"target", e.target},
                        {"outcome", e.outcome},
                        {"reason", e.reason},
                        {"ip", e.ip},
                        {"detail", e.detail}});
        text << "  " << iso_time(e.at) << "  " << e.action << "  " << e.outcome
             << (e.reason.empty() || e.reason == e.outcome ? "" : " (" + e.reason + ")") << "  " << e.target << "  by " << e.actor
             << (e.ip.empty() ? "" : " from " + e.ip) << "\n";
    }
    if (events->empty()) text << "  (empty)\n";
    emit(ctx, json{{"events", list}}, text.str());
    return Status::success();
}

const OptionSpec kPortal{"--portal", "SLUG", true, "the portal, by its slug (the demo's is 'demo')"};
const OptionSpec kToken{"--token", "TOKEN", true, "the session token printed by `sesame login verify`"};
const OptionSpec kIp{"--ip", "IP", false, "the visitor's IP address, for the per-IP limits (default 127.0.0.1)"};

}  // namespace

const std::vector<CommandSpec>& base_commands();

const std::vector<CommandSpec>& commands() {
    static const std::vector<CommandSpec> table = [] {
        std::vector<CommandSpec> all = base_commands();
        for (const auto* extra : {&management_commands(), &data_commands(), &serve_commands()})
            all.insert(all.end(), extra->begin(), extra->end());
        // Listed by group, in the order each group first appears: `portal list` next to `portal set-auth`.
        std::vector<std::string> groups;
        for (const auto& c : all)
            if (std::find(groups.begin(), groups.end(), c.path[0]) == groups.end()) groups.push_back(c.path[0]);
        std::stable_sort(all.begin(), all.end(), [&](const CommandSpec& a, const CommandSpec& b) {
            return std::find(groups.begin(), groups.end(), a.path[0]) < std::find(groups.begin(), groups.end(), b.path[0]);
        });
        return all;
    }();
    return table;
}

const std::vector<CommandSpec>& base_commands() {
    static const std::vector<CommandSpec> table = {
        {{"init"},
         "Create or open the database and its key file; with --demo, add a demo agency, portal and clients.",
         "The demo: agency \"Demo County Court\" (America/Chicago, region US, staging, simulate) with the phone\n"
         "+1 555 555 0100 (carrier registration complete) and the email notices@demo-court.example; portal\n"
         "\"Demo Portal\", slug demo, client authentication one-time-password, host 127.0.0.1; clients Ann\n"
         "Example (DEMO-1, en, ann@example.org) and Ben Example (DEMO-2, es, ben@example.org) who share the\n"
         "phone (555) 123-4567; Ann's \"Pretrial hearing\" in 7 days at 09:30 in Courtroom 3B, Ben's\n"
         "\"Check-in appointment\" in 3 days at 14:00; Ann's case 2026-CR-0142 and her document \"Conditions\n"
         "of release\" with a PDF attached (into --blob-dir); sidebar items Court information (public),\n"
         "Hearing calendar and Check-in form (private); the calendar hearings and the form check-in behind\n"
         "the login; English and Spanish dashboard templates; a profile policy (middle name and language\n"
         "editable) and an upload policy (photos and documents up to 5 MB).\n"
         "Running it again is safe: when the slug demo is taken it says so and changes nothing.",
         {},
         {{"--demo", "", false, "add the demo agency, portal, clients and their content"}},
         cmd_init,
         DbUse::create},
        {{"login", "start"},
         "Start a login: send a one-time code to the phone or email a client entered.",
         "Prints the challenge id to verify against, the channel, the masked destination, when the code\n"
         "expires and when another one may be sent. In simulate mode (or a staging agency) nothing leaves\n"
         "the building: the message waits in the client's feed (`sesame feed`).",
         {{"IDENTIFIER", "a phone number in any common format, or an email address"}},
         {kPortal, kIp},
         cmd_login_start},
        {{"login", "verify"},
         "Check a code and, when it is right, open a session.",
         "Prints the session token once: it is a secret. Every kind of failure (wrong, expired, used,\n"
         "superseded, locked) gives the same SESAME_E_VERIFY_FAILED; `sesame audit` shows the true reason.",
         {},
         {kPortal,
          {"--challenge", "ID", true, "the challenge id printed by `sesame login start`"},
          {"--code", "CODE", true, "the code from the message"},
          kIp},
         cmd_login_verify},
        {{"feed"},
         "Staff view: the message feed of the client(s) owning a phone or email, newest first.",
         "This is where the seed's test procedure reads a simulated code: the newest simulated login code\n"
         "is printed at the end (JSON: \"code\"). Live messages show the code replaced by bullets.",
         {{"IDENTIFIER", "the phone number or email, as the client typed it"}},
         {kPortal, {"--limit", "N", false, "at most N messages (default 20)"}},
         cmd_feed},
        {{"session", "select"},
         "Choose which client a session acts for, when several clients share the login contact.",
         "",
         {},
         {kPortal, kToken, {"--client", "ID", true, "one of the client ids listed by `sesame login verify`"}},
         cmd_session_select},
        {{"session", "check"},
         "Show the session behind a token: client, idle expiry, absolute expiry.",
         "Fails with SESAME_E_SESSION_INVALID once the session has ended (logout, timeout, revocation) and\n"
         "SESAME_E_SELECTION_REQUIRED while no client has been chosen.",
         {},
         {kPortal, kToken},
         cmd_session_check},
        {{"logout"},
         "End a session: the token stops working at once.",
         "",
         {},
         {kPortal, kToken},
         cmd_logout},
        {{"check"},
         "Read every page of the database and report damage, changing nothing.",
         "Runs SQLite's quick_check over the whole file, then checks that it is a Sesame database this build\n"
         "can open. Opening a database does not read every page (so that it takes the same few milliseconds\n"
         "at any size): run this after restoring a backup, and now and then. Safe while a server is running.\n"
         "Fails with SESAME_E_CORRUPT for a damaged, empty or foreign file: restore it from a backup.",
         {},
         {},
         cmd_check,
         DbUse::none},
        {{"sweep"},
         "Delete used, expired and superseded codes, ended sessions and stale throttle counters.",
         "",
         {},
         {},
         cmd_sweep},
        {{"portal", "set-auth"},
         "Set a portal's Client Authentication: disabled or one-time-password.",
         "Turning it to disabled removes the login form and ends the portal's sessions.",
         {{"SLUG", "the portal's slug"}, {"MODE", "disabled | one-time-password"}},
         {},
         cmd_portal_set_auth},
        {{"client", "list"},
         "List clients and their contacts, with each contact's id and status.",
         "",
         {},
         {{"--agency", "ID", false, "only this agency (default: every agency)"}},
         cmd_client_list},
        {{"client", "add"},
         "Add a client with a phone and/or email, e.g. a second client sharing Ann's contact.",
         "One phone or email may belong to several clients (a parent and children): logging in with it\n"
         "then asks which client to act for (`sesame session select`).",
         {},
         {{"--first", "NAME", true, "first name"},
          {"--last", "NAME", true, "last name"},
          {"--phone", "PHONE", false, "a phone number in any common format"},
          {"--email", "EMAIL", false, "an email address"},
          {"--reference", "REF", false, "the agency's client reference"},
          {"--language", "LANG", false, "ISO 639-1 language of messages (default en)"},
          {"--agency", "ID", false, "the agency (default: the only one)"}},
         cmd_client_add},
        {{"contact", "set-status"},
         "Mark a contact valid, opted_out or invalid (as the Opted Out and Invalid badges do).",
         "A contact that is not valid receives nothing and cannot be used to log in; sessions opened with\n"
         "it are ended.",
         {{"CONTACT_ID", "the contact's id (see `sesame client list`)"}, {"STATUS", "valid | opted_out | invalid"}},
         {},
         cmd_contact_set_status},
        {{"audit"},
         "Show the audit log, newest first: every login step with its true reason.",
         "",
         {},
         {{"--limit", "N", false, "at most N events (default 20)"}},
         cmd_audit},
    };
    return table;
}

}  // namespace cli
