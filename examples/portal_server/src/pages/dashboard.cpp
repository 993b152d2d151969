// GET /dashboard and POST /logout: what a signed-in client sees of their own (upcoming events,
// cases, documents), and the way out.
#include "pages/pages.hpp"

namespace portal::pages {

namespace {

Response signed_out(App& app) {
    Response r = redirect("/");
    r.header("Set-Cookie", app.clear_cookie(CookieKind::session));
    return r;
}

std::string cell(const std::string& text) { return "<td>" + escape(text) + "</td>"; }
std::string head(Lang lang, const char* key) { return "<th scope=\"col\">" + escape(tr(lang, key)) + "</th>"; }

std::string events_section(Lang lang, const std::vector<sesame::Event>& events) {
    std::string s = "<h2 id=\"events\">" + escape(tr(lang, "events_heading")) + "</h2>\n";
    if (events.empty()) return s + "<p>" + escape(tr(lang, "no_events")) + "</p>\n";
    s += "<div class=\"table-wrap\"><table aria-labelledby=\"events\">\n<thead><tr>" + head(lang, "col_date") +
         head(lang, "col_time") + head(lang, "col_type") + head(lang, "col_location") + head(lang, "col_judge") +
         head(lang, "col_case_number") + head(lang, "col_status") + "</tr></thead>\n<tbody>\n";
    for (const auto& e : events)
        s += "<tr>" + cell(e.date) + cell(e.time) + cell(e.type) + cell(e.location) + cell(e.judge) +
             cell(e.case_number) + cell(e.status) + "</tr>\n";
    return s + "</tbody></table></div>\n";
}

std::string cases_section(Lang lang, const std::vector<sesame::Case>& cases) {
    std::string s = "<h2 id=\"cases\">" + escape(tr(lang, "cases_heading")) + "</h2>\n";
    if (cases.empty()) return s + "<p>" + escape(tr(lang, "no_cases")) + "</p>\n";
    s += "<div class=\"table-wrap\"><table aria-labelledby=\"cases\">\n<thead><tr>" + head(lang, "col_case_number") +
         head(lang, "col_type") + head(lang, "col_charges") + head(lang, "col_status") + "</tr></thead>\n<tbody>\n";
    for (const auto& c : cases)
        s += "<tr>" + cell(c.case_number) + cell(c.type) + cell(c.charges) + cell(c.status) + "</tr>\n";
    return s + "</tbody></table></div>\n";
}

std::string documents_section(Lang lang, const std::vector<sesame::Document>& documents) {
    std::string s = "<h2 id=\"documents\">" + escape(tr(lang, "documents_heading")) + "</h2>\n";
    if (documents.empty()) return s + "<p>" + escape(tr(lang, "no_documents")) + "</p>\n";
    s += "<div class=\"table-wrap\"><table aria-labelledby=\"documents\">\n<thead><tr>" + head(lang, "col_name") +
         head(lang, "col_type") + head(lang, "col_due") + head(lang, "col_status") + "</tr></thead>\n<tbody>\n";
    for (const auto& d : documents)
        s += "<tr>" + cell(d.name) + cell(d.type) + cell(d.due_date) + cell(d.status) + "</tr>\n";
    return s + "</tbody></table></div>\n";
}

}  // namespace

Response dashboard_page(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const std::string token = app.cookie(request, CookieKind::session);
    if (token.empty()) return redirect("/");
    auto session = app.engine().check_session(portal->id, token);
    if (session.code() == sesame::Code::selection_required) return redirect("/choose");
    if (!session.ok() || !session->client_id) return signed_out(app);

    auto client = app.engine().get_client(app.staff(), *session->client_id);
    if (!client.ok()) return signed_out(app);
    Lang lang = Lang::en;
    if (!parse_lang(client->language, lang)) parse_lang(portal->settings.default_language, lang);

    auto events = app.engine().client_events(portal->id, token, today(app.now()));
    auto cases = app.engine().client_cases(portal->id, token);
    auto documents = app.engine().client_documents(portal->id, token);
    if (events.code() == sesame::Code::session_invalid || cases.code() == sesame::Code::session_invalid ||
        documents.code() == sesame::Code::session_invalid)
        return signed_out(app);
    if (!events.ok() || !cases.ok() || !documents.ok()) {
        Response r = app.server_error(lang);
        r.no_store = true;
        return r;
    }

    std::string body = "<h1>" + escape(tr(lang, "dashboard_title")) + "</h1>\n";
    body += "<p>" + escape(tr(lang, "welcome", {{"name", client->first_name}})) + "</p>\n";
    body += events_section(lang, *events);
    body += cases_section(lang, *cases);
    body += documents_section(lang, *documents);
    body += "<form method=\"post\" action=\"/logout\">\n" + hidden_fields(app, CookieKind::session, token, lang) +
            "<button type=\"submit\" class=\"secondary\">" + escape(tr(lang, "logout_button")) + "</button>\n</form>\n";
    Response r = app.page(lang, tr(lang, "dashboard_title"), body);
    r.no_store = true;
    return r;
}

Response logout_submit(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    if (!app.csrf_ok(request, CookieKind::session)) return app.forbidden(app.visitor_lang(request, *portal));
    const std::string token = app.cookie(request, CookieKind::session);
    // A dead session is as good as logged out: the answer is the same either way.
    (void)app.engine().logout(portal->id, token);
    return signed_out(app);
}

}  // namespace portal::pages
