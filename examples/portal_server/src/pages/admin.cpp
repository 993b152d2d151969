// The staff area under /admin, present only when a staff token is configured. Staff sign in with
// the token, then get an HttpOnly admin cookie; every form carries a CSRF token keyed from it.
// The server acts as a super admin of its own database (App::staff), limited here to the agency
// of the portal it serves. Staff pages are in English.
#include <cctype>
#include <charconv>
#include <cstdio>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

using sesame::Code;

constexpr std::int64_t kMaxClockStep = 366 * 86400;  // one move of the test clock, at most

struct AdminView {
    std::string notice;
    std::string error;
    int status = 200;
};

std::string time_text(sesame::UnixTime t) {
    const std::int64_t seconds = ((t % 86400) + 86400) % 86400;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, " %02d:%02d UTC", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60));
    return today(t) + buffer;
}

std::string messages_html(const AdminView& view) {
    std::string s;
    if (!view.notice.empty()) s += "<p class=\"notice\" role=\"status\">" + escape(view.notice) + "</p>\n";
    if (!view.error.empty()) s += alert_paragraph("form-error", view.error);
    return s;
}

std::string badges(const sesame::Contact& contact) {
    switch (contact.status) {
        case sesame::ContactStatus::opted_out: return " <span class=\"badge\">Opted-Out</span>";
        case sesame::ContactStatus::invalid: return " <span class=\"badge\">Invalid</span>";
        case sesame::ContactStatus::valid: break;
    }
    return {};
}

std::string hidden(const App& app, const std::string& admin_cookie) {
    return hidden_fields(app, CookieKind::admin, admin_cookie, Lang::en);
}

// A page in the staff layout; `admin_cookie` (signed in) adds the staff links and "Sign out".
Response admin_response(App& app, const std::string& title, const std::string& body, int status,
                        const std::string& admin_cookie = {}) {
    Response r = app.page(Lang::en, title, body, status);
    r.no_store = true;
    r.page->staff = true;
    if (!admin_cookie.empty()) r.page->staff_logout_csrf = app.csrf_token(CookieKind::admin, admin_cookie);
    return r;
}

// The login code in a simulated message's text: the WebOTP line's "#123456", else the first run
// of 6 to 10 digits standing alone; "" when there is none.
std::string code_in(const std::string& text) {
    auto digits_at = [&](std::size_t i) {
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        return j - i;
    };
    for (std::size_t i = text.find('#'); i != std::string::npos; i = text.find('#', i + 1)) {
        const std::size_t n = digits_at(i + 1);
        if (n >= 6 && n <= 10) return text.substr(i + 1, n);
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9' || (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1])))) continue;
        const std::size_t n = digits_at(i);
        const bool alone = i + n == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + n]));
        if (n >= 6 && n <= 10 && alone) return text.substr(i, n);
        i += n;
    }
    return {};
}

std::string contact_text(const sesame::Contact& contact, const std::string& region) {
    return contact.kind == sesame::ContactKind::phone ? phone_display(contact.value, region) : contact.value;
}

Response sign_in_page(App& app, const Request& request, const std::string& error, int status) {
    std::string login_cookie = app.cookie(request, CookieKind::login);
    const bool fresh = login_cookie.empty();
    if (fresh) login_cookie = App::random_id();
    std::string body = "<h1>Staff sign-in</h1>\n<form method=\"post\" action=\"/admin/login\" novalidate>\n";
    body += hidden_fields(app, CookieKind::login, login_cookie, Lang::en);
    body += "<label for=\"token\">Staff token</label>\n";
    std::string described;
    if (!error.empty()) {
        body += alert_paragraph("token-error", error);
        described = " aria-describedby=\"token-error\" aria-invalid=\"true\"";
    }
    body += "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required" +
            described + ">\n<button type=\"submit\">Sign in</button>\n</form>\n";
    Response r = admin_response(app, "Staff sign-in", body, status);
    if (fresh) r.header("Set-Cookie", app.set_cookie(CookieKind::login, login_cookie));
    return r;
}

// The admin cookie of a signed-in staff member, or "".
std::string signed_in(App& app, const Request& request) {
    const std::string id = app.cookie(request, CookieKind::admin);
    return app.admin_session_ok(id) ? id : std::string();
}

Response overview(App& app, const std::string& admin_cookie, const AdminView& view) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    auto agency = app.engine().get_agency(app.staff(), portal->agency_id);
    auto clients = app.engine().list_clients(app.staff(), portal->agency_id);
    if (!agency.ok() || !clients.ok()) return app.server_error(Lang::en);

    std::string body = "<h1>Portal administration: " + escape(portal->name) + "</h1>\n";
    body += messages_html(view);

    const bool enabled = portal->client_auth != sesame::ClientAuth::disabled;
    body += "<h2>Client Authentication</h2>\n<form method=\"post\" action=\"/admin/portal\">\n" +
            hidden(app, admin_cookie) + "<label for=\"client_auth\">Client sign-in with a one-time code</label>\n"
            "<select id=\"client_auth\" name=\"client_auth\">\n<option value=\"enabled\"" +
            std::string(enabled ? " selected" : "") + ">Enabled</option>\n<option value=\"disabled\"" +
            std::string(enabled ? "" : " selected") + ">Disabled</option>\n</select>\n"
            "<button type=\"submit\">Save</button>\n</form>\n";

    const bool live = agency->send_mode == sesame::SendMode::live;
    body += "<h2>Send mode</h2>\n<p>Agency: " + escape(agency->name) + " (environment: " +
            escape(sesame::to_string(agency->environment)) + ").</p>\n";
    body += "<form method=\"post\" action=\"/admin/send-mode\">\n" + hidden(app, admin_cookie) +
            "<label for=\"send_mode\">Messages</label>\n<select id=\"send_mode\" name=\"send_mode\">\n"
            "<option value=\"simulate\"" + std::string(live ? "" : " selected") +
            ">Simulate: codes appear in the message feed only</option>\n<option value=\"live\"" +
            std::string(live ? " selected" : "") + ">Live: codes are sent by SMS and email</option>\n</select>\n"
            "<button type=\"submit\">Save</button>\n</form>\n";

    if (sesame::FakeClock* clock = app.test_clock()) {
        body += "<h2>Test clock</h2>\n<p>The engine runs on a test clock (--test-clock). It reads " +
                escape(time_text(clock->now())) + ".</p>\n<form method=\"post\" action=\"/admin/test-clock\" "
                "novalidate>\n" + hidden(app, admin_cookie) +
                "<label for=\"advance\">Move forward by (seconds)</label>\n"
                "<input type=\"text\" id=\"advance\" name=\"advance\" inputmode=\"numeric\" required "
                "autocomplete=\"off\">\n<button type=\"submit\">Move the clock</button>\n</form>\n";
    }

    body += "<h2>Create a client</h2>\n<form method=\"post\" action=\"/admin/clients\" novalidate>\n" +
            hidden(app, admin_cookie) +
            "<label for=\"first_name\">First name</label>\n"
            "<input type=\"text\" id=\"first_name\" name=\"first_name\" required autocomplete=\"off\">\n"
            "<label for=\"last_name\">Last name</label>\n"
            "<input type=\"text\" id=\"last_name\" name=\"last_name\" required autocomplete=\"off\">\n"
            "<label for=\"language\">Language</label>\n<select id=\"language\" name=\"language\">\n"
            "<option value=\"en\">English</option>\n<option value=\"es\">Spanish</option>\n</select>\n"
            "<button type=\"submit\">Create client</button>\n</form>\n";

    body += "<h2 id=\"clients\">Clients</h2>\n";
    if (clients->empty()) {
        body += "<p>No clients yet.</p>\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : *clients) {
            auto contacts = app.engine().list_contacts(app.staff(), c.id);
            std::string contact_cells;
            if (contacts.ok())
                for (const auto& k : *contacts)
                    contact_cells += (contact_cells.empty() ? "" : "<br>") + escape(contact_text(k, agency->default_region)) +
                                     badges(k);
            rows.push_back({"<a href=\"/admin/client?id=" + std::to_string(c.id) + "\">" +
                                escape(c.first_name + " " + c.last_name) + "</a>" +
                                (c.archived ? std::string(" <span class=\"badge\">Archived</span>") : std::string()),
                            escape(c.language), contact_cells});
        }
        body += stacked_table("clients", {"Name", "Language", "Contacts"}, rows);
    }
    return admin_response(app, "Portal administration", body, view.status, admin_cookie);
}

// The client of the served portal's agency named by `text`, or NOT_FOUND.
sesame::Result<sesame::Client> portal_client(App& app, const std::string& text) {
    sesame::Id id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return sesame::Status(Code::not_found, "no such client");
    auto portal = app.portal();
    if (!portal.ok()) return portal.status();
    auto client = app.engine().get_client(app.staff(), id);
    if (client.ok() && client->agency_id != portal->agency_id) return sesame::Status(Code::not_found, "no such client");
    return client;
}

Response client_view(App& app, const std::string& admin_cookie, const sesame::Client& client, const AdminView& view) {
    auto contacts = app.engine().list_contacts(app.staff(), client.id);
    auto feed = app.engine().message_feed(app.staff(), client.id, 50);
    if (!contacts.ok() || !feed.ok()) return app.server_error(Lang::en);
    const std::string name = client.first_name + " " + client.last_name;
    auto portal = app.portal();
    auto agency = portal.ok() ? app.engine().get_agency(app.staff(), portal->agency_id)
                              : sesame::Result<sesame::Agency>(portal.status());
    const std::string region = agency.ok() ? agency->default_region : std::string("US");

    std::string body = "<h1>Client: " + escape(name) + "</h1>\n" + messages_html(view);
    body += "<p><a href=\"/admin\">Back to the client list</a></p>\n<h2>Contacts</h2>\n";
    if (contacts->empty()) {
        body += "<p>No contacts yet.</p>\n";
    } else {
        body += "<ul>\n";
        for (const auto& k : *contacts)
            body += "<li>" + escape(sesame::to_string(k.kind)) + ": " + escape(contact_text(k, region)) + badges(k) + "</li>\n";
        body += "</ul>\n";
    }
    body += "<h2>Add a contact</h2>\n<form method=\"post\" action=\"/admin/contacts\" novalidate>\n" +
            hidden(app, admin_cookie) + "<input type=\"hidden\" name=\"client\" value=\"" +
            std::to_string(client.id) +
            "\">\n<label for=\"kind\">Kind</label>\n<select id=\"kind\" name=\"kind\">\n"
            "<option value=\"phone\">Phone</option>\n<option value=\"email\">Email</option>\n</select>\n"
            "<label for=\"value\">Phone number or email</label>\n"
            "<input type=\"text\" id=\"value\" name=\"value\" required autocomplete=\"off\">\n"
            "<button type=\"submit\">Add contact</button>\n</form>\n";

    body += "<h2 id=\"feed\">Message feed</h2>\n<p class=\"hint\">Simulated messages are shown whole, with their "
            "code apart; live ones with the code hidden.</p>\n";
    if (feed->empty()) {
        body += "<p>No messages yet.</p>\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& m : *feed) {
            const std::string code = m.status == sesame::MessageStatus::simulated ? code_in(m.content) : std::string();
            const std::string to = m.channel == sesame::Channel::sms ? phone_display(m.to, region) : m.to;
            rows.push_back({code.empty() ? std::string() : "<strong class=\"code\">" + escape(code) + "</strong>",
                            escape(time_text(m.created_at)), escape(sesame::to_string(m.channel)), escape(to),
                            escape(sesame::to_string(m.status)), "<pre>" + escape(m.content) + "</pre>"});
        }
        body += stacked_table("feed", {"Code", "Time", "Channel", "To", "Status", "Message"}, rows);
    }
    return admin_response(app, "Client " + name, body, view.status, admin_cookie);
}

}  // namespace

Response admin_page(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return sign_in_page(app, request, {}, 200);
    return overview(app, admin_cookie, {});
}

Response admin_login(App& app, const Request& request) {
    if (!app.csrf_ok(request, CookieKind::login)) return app.forbidden(Lang::en);
    if (const sesame::UnixTime wait = app.staff_wait(request.ip); wait > 0) {
        Response r = sign_in_page(app, request,
                                  "Too many wrong staff tokens from this address. Try again in " +
                                      std::to_string((wait + 59) / 60) + " minutes.",
                                  429);
        r.header("Retry-After", std::to_string(wait));
        return r;
    }
    if (!app.staff_token_matches(request.param("token"))) {
        app.staff_failed(request.ip);
        std::fprintf(stderr, "warning: wrong staff token from %s\n", request.ip.c_str());
        sesame::AuditEvent event;
        event.actor = "visitor";
        event.action = "staff.sign_in";
        event.target = "portal-server";
        event.outcome = "SESAME_E_PERMISSION_DENIED";
        event.reason = "wrong_staff_token";
        event.ip = request.ip;
        if (auto portal = app.portal(); portal.ok()) event.agency_id = portal->agency_id;
        (void)app.engine().record_audit(event);  // a failure to store it is reported by the engine's sink
        return sign_in_page(app, request, "That staff token is not right. Check the server's configuration.", 403);
    }
    app.staff_succeeded(request.ip);
    Response r = redirect("/admin");
    r.header("Set-Cookie", app.set_cookie(CookieKind::admin, app.add_admin_session()));
    return r;
}

Response admin_logout(App& app, const Request& request) {
    if (!app.csrf_ok(request, CookieKind::admin)) return app.forbidden(Lang::en);
    app.erase_admin_session(app.cookie(request, CookieKind::admin));
    Response r = redirect("/admin");
    r.header("Set-Cookie", app.clear_cookie(CookieKind::admin));
    return r;
}

Response admin_portal(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return redirect("/admin");
    if (!app.csrf_ok(request, CookieKind::admin)) return app.forbidden(Lang::en);
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const std::string choice = request.param("client_auth");
    if (choice != "enabled" && choice != "disabled")
        return overview(app, admin_cookie, {{}, "client_auth must be \"enabled\" or \"disabled\".", 400});
    sesame::Portal changed = *portal;
    changed.client_auth = choice == "enabled" ? sesame::ClientAuth::one_time_password : sesame::ClientAuth::disabled;
    auto updated = app.engine().update_portal(app.staff(), changed);
    if (!updated.ok()) return overview(app, admin_cookie, {{}, updated.status().message(), 400});
    return overview(app, admin_cookie,
                    {choice == "enabled" ? "Client Authentication is enabled."
                                         : "Client Authentication is disabled; signed-in clients were signed out.",
                     {}, 200});
}

Response admin_send_mode(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return redirect("/admin");
    if (!app.csrf_ok(request, CookieKind::admin)) return app.forbidden(Lang::en);
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    sesame::SendMode mode = sesame::SendMode::simulate;
    if (!sesame::parse(request.param("send_mode"), mode))
        return overview(app, admin_cookie, {{}, "send_mode must be \"simulate\" or \"live\".", 400});
    auto agency = app.engine().get_agency(app.staff(), portal->agency_id);
    if (!agency.ok()) return app.server_error(Lang::en);
    sesame::Agency changed = *agency;
    changed.send_mode = mode;
    auto updated = app.engine().update_agency(app.staff(), changed);
    if (!updated.ok()) return overview(app, admin_cookie, {{}, updated.status().message(), 400});
    std::string notice = "Send mode is " + std::string(sesame::to_string(mode)) + ".";
    if (mode == sesame::SendMode::live && updated->environment == sesame::Environment::staging)
        notice += " The agency is in staging, which never sends live: messages stay simulated.";
    return overview(app, admin_cookie, {notice, {}, 200});
}

Response admin_create_client(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return redirect("/admin");
    if (!app.csrf_ok(request, CookieKind::admin)) return app.forbidden(Lang::en);
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    sesame::Client client;
    client.agency_id = portal->agency_id;
    client.first_name = trimmed(request.param("first_name"));
    client.last_name = trimmed(request.param("last_name"));
    client.language = request.param("language") == "es" ? "es" : "en";
    if (client.first_name.empty() || client.last_name.empty())
        return overview(app, admin_cookie, {{}, "first_name and last_name are required: enter both names.", 400});
    auto created = app.engine().create_client(app.staff(), client);
    if (!created.ok()) return overview(app, admin_cookie, {{}, created.status().message(), 400});
    return client_view(app, admin_cookie, *created, {"Client created. Add a phone number or email next.", {}, 200});
}

Response admin_test_clock(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return redirect("/admin");
    if (!app.csrf_ok(request, CookieKind::admin)) return app.forbidden(Lang::en);
    sesame::FakeClock* clock = app.test_clock();
    if (!clock) return app.not_found(Lang::en);
    const std::string text = trimmed(request.param("advance"));
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || seconds < 1 ||
        seconds > kMaxClockStep)
        return overview(app, admin_cookie,
                        {{}, "advance must be a whole number of seconds from 1 to " + std::to_string(kMaxClockStep) +
                                 " (one year); the clock only moves forward.", 400});
    clock->advance(seconds);
    return overview(app, admin_cookie,
                    {"The test clock moved forward " + std::to_string(seconds) + " seconds.", {}, 200});
}

Response admin_client_page(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return redirect("/admin");
    auto client = portal_client(app, request.param("id"));
    if (client.code() == Code::not_found) return app.not_found(Lang::en);
    if (!client.ok()) return app.server_error(Lang::en);
    return client_view(app, admin_cookie, *client, {});
}

Response admin_add_contact(App& app, const Request& request) {
    const std::string admin_cookie = signed_in(app, request);
    if (admin_cookie.empty()) return redirect("/admin");
    if (!app.csrf_ok(request, CookieKind::admin)) return app.forbidden(Lang::en);
    auto client = portal_client(app, request.param("client"));
    if (client.code() == Code::not_found) return app.not_found(Lang::en);
    if (!client.ok()) return app.server_error(Lang::en);
    sesame::ContactKind kind = sesame::ContactKind::phone;
    if (!sesame::parse(request.param("kind"), kind))
        return client_view(app, admin_cookie, *client, {{}, "kind must be \"phone\" or \"email\".", 400});
    const std::string value = trimmed(request.param("value"));
    if (value.empty())
        return client_view(app, admin_cookie, *client, {{}, "value is required: enter a phone number or email.", 400});
    auto added = app.engine().add_contact(app.staff(), client->id, kind, value);
    if (!added.ok()) return client_view(app, admin_cookie, *client, {{}, added.status().message(), 400});
    return client_view(app, admin_cookie, *client, {"Contact added: " + added->value + ".", {}, 200});
}

}  // namespace portal::pages
