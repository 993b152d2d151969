// GET /dashboard, GET /documents/<id> and POST /logout: what a signed-in client sees of their own
// (the portal's merge-tag dashboard, upcoming events, cases, documents and their files), and the
// way out.
#include <cstdio>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

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

// The documents of this client that have a file attached: their names link to the download.
std::string documents_section(App& app, Lang lang, const std::vector<sesame::Document>& documents) {
    std::string s = "<h2 id=\"documents\">" + escape(tr(lang, "documents_heading")) + "</h2>\n";
    if (documents.empty()) return s + "<p>" + escape(tr(lang, "no_documents")) + "</p>\n";
    s += "<div class=\"table-wrap\"><table aria-labelledby=\"documents\">\n<thead><tr>" + head(lang, "col_name") +
         head(lang, "col_type") + head(lang, "col_due") + head(lang, "col_status") + "</tr></thead>\n<tbody>\n";
    for (const auto& d : documents) {
        // Read only to decide on the link: the download itself goes through the engine's checks.
        auto file = app.engine().store().get_document_file(d.id);
        std::string name = escape(d.name);
        if (file.ok() && file->has_value())
            name = "<a href=\"/documents/" + std::to_string(d.id) + "\">" + name + "</a> <span class=\"hint\">(" +
                   escape(tr(lang, "download_hint", {{"size", size_text((*file)->size)}})) + ")</span>";
        s += "<tr><td>" + name + "</td>" + cell(d.type) + cell(d.due_date) + cell(d.status) + "</tr>\n";
    }
    return s + "</tbody></table></div>\n";
}

}  // namespace

Response dashboard_page(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    const auto* portal = &in.portal;
    const std::string& token = in.token;
    const Lang lang = in.lang;

    auto dashboard = app.engine().render_dashboard(portal->id, token);
    if (dashboard.code() == sesame::Code::selection_required) return redirect("/choose");
    auto events = app.engine().client_events(portal->id, token, today(app.now()));
    auto cases = app.engine().client_cases(portal->id, token);
    auto documents = app.engine().client_documents(portal->id, token);
    if (events.code() == sesame::Code::session_invalid || cases.code() == sesame::Code::session_invalid ||
        documents.code() == sesame::Code::session_invalid || dashboard.code() == sesame::Code::session_invalid)
        return signed_out(app);
    if (!events.ok() || !cases.ok() || !documents.ok() || !dashboard.ok()) {
        std::fprintf(stderr, "error: dashboard: %s\n",
                     sesame::code_name(!dashboard.ok() ? dashboard.code() : !events.ok() ? events.code()
                                       : !cases.ok() ? cases.code() : documents.code()));
        Response r = app.server_error(lang);
        r.no_store = true;
        return r;
    }

    std::string body = "<h1>" + escape(tr(lang, "dashboard_title")) + "</h1>\n";
    body += "<p><a href=\"/profile\">" + escape(tr(lang, "profile_title")) + "</a> · <a href=\"/uploads\">" +
            escape(tr(lang, "uploads_title")) + "</a></p>\n";
    // render_dashboard answers HTML in which every value is already escaped.
    body += "<div class=\"dashboard\" lang=\"" + escape(dashboard->language) + "\">" + dashboard->html + "</div>\n";
    body += events_section(lang, *events);
    body += cases_section(lang, *cases);
    body += documents_section(app, lang, *documents);
    body += "<form method=\"post\" action=\"/logout\">\n" + hidden_fields(app, CookieKind::session, token, lang) +
            "<button type=\"submit\" class=\"secondary\">" + escape(tr(lang, "logout_button")) + "</button>\n</form>\n";
    Response r = app.page(lang, tr(lang, "dashboard_title"), body);
    r.no_store = true;
    return r;
}

Response document_download(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    const auto id = parse_id(path_tail(request, "/documents/"));
    if (!id) return app.not_found(in.lang);
    auto file = app.engine().download_document(in.portal.id, in.token, *id);
    if (file.ok()) return file_response(*file);
    switch (file.code()) {
        case sesame::Code::not_found: {
            Response r = app.not_found(in.lang);
            r.no_store = true;
            return r;
        }
        case sesame::Code::session_invalid: return signed_out(app);
        case sesame::Code::selection_required: return redirect("/choose");
        default: {
            std::fprintf(stderr, "error: download_document: %s: %s\n", sesame::code_name(file.code()),
                         file.status().message().c_str());
            Response r = app.server_error(in.lang);
            r.no_store = true;
            return r;
        }
    }
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
