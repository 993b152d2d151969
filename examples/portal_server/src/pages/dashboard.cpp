// GET /dashboard, GET /documents/<id> and POST /logout: what a signed-in client sees of their own
// (the portal's merge-tag dashboard, upcoming events, cases, documents and their files), and the
// way out.
#include <algorithm>
#include <cstdio>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

std::string events_section(Lang lang, const std::vector<sesame::Event>& events) {
    std::string s = "<h2 id=\"events\">" + escape(tr(lang, "events_heading")) + "</h2>\n";
    if (events.empty()) return s + "<p>" + escape(tr(lang, "no_events")) + "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : events)
        rows.push_back({escape(format_date(lang, e.date)), escape(format_time(lang, e.time)), escape(term(lang, e.type)),
                        escape(e.location), escape(e.judge), escape(e.case_number), escape(term(lang, e.status))});
    return s + stacked_table("events",
                             {tr(lang, "col_date"), tr(lang, "col_time"), tr(lang, "col_type"), tr(lang, "col_location"),
                              tr(lang, "col_judge"), tr(lang, "col_case_number"), tr(lang, "col_status")},
                             rows);
}

std::string cases_section(Lang lang, const std::vector<sesame::Case>& cases) {
    std::string s = "<h2 id=\"cases\">" + escape(tr(lang, "cases_heading")) + "</h2>\n";
    if (cases.empty()) return s + "<p>" + escape(tr(lang, "no_cases")) + "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : cases)
        rows.push_back({escape(c.case_number), escape(term(lang, c.type)), escape(c.charges), escape(term(lang, c.status))});
    return s + stacked_table("cases",
                             {tr(lang, "col_case_number"), tr(lang, "col_type"), tr(lang, "col_charges"),
                              tr(lang, "col_status")},
                             rows);
}

// The documents of this client that have a file attached: their names link to the download.
std::string documents_section(Lang lang, const std::vector<sesame::Document>& documents,
                              const std::vector<sesame::DocumentFile>& files) {
    std::string s = "<h2 id=\"documents\">" + escape(tr(lang, "documents_heading")) + "</h2>\n";
    if (documents.empty()) return s + "<p>" + escape(tr(lang, "no_documents")) + "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : documents) {
        // Only to decide on the link: the download itself goes through the engine's checks.
        const auto file = std::find_if(files.begin(), files.end(),
                                       [&](const sesame::DocumentFile& f) { return f.document_id == d.id; });
        std::string name = escape(term(lang, d.name));
        if (file != files.end())
            name = "<a href=\"/documents/" + std::to_string(d.id) + "\">" + name + "</a> <span class=\"hint\">(" +
                   escape(tr(lang, "download_hint", {{"size", size_text(file->size)}})) + ")</span>";
        rows.push_back({name, escape(term(lang, d.type)), escape(format_date(lang, d.due_date)), escape(term(lang, d.status))});
    }
    return s + stacked_table("documents",
                             {tr(lang, "col_name"), tr(lang, "col_type"), tr(lang, "col_due"), tr(lang, "col_status")},
                             rows);
}

// The client's first sign-in: this session is the only one the store has for them.
bool first_sign_in(App& app, sesame::Id portal_id, const std::string& token) {
    auto sessions = app.engine().client_session_count(portal_id, token);
    return sessions.ok() && *sessions <= 1;
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
    auto files = app.engine().client_document_files(portal->id, token);
    if (events.code() == sesame::Code::session_invalid || cases.code() == sesame::Code::session_invalid ||
        documents.code() == sesame::Code::session_invalid || dashboard.code() == sesame::Code::session_invalid ||
        files.code() == sesame::Code::session_invalid)
        return signed_out(app);
    if (!events.ok() || !cases.ok() || !documents.ok() || !dashboard.ok() || !files.ok()) {
        std::fprintf(stderr, "error: dashboard: %s\n",
                     sesame::code_name(!dashboard.ok() ? dashboard.code() : !events.ok() ? events.code()
                                       : !cases.ok() ? cases.code() : !documents.ok() ? documents.code()
                                                                                       : files.code()));
        Response r = app.server_error(lang);
        r.no_store = true;
        return r;
    }

    const std::string name = in.client.first_name.empty() ? in.client.last_name : in.client.first_name;
    std::string body = "<h1>" + escape(tr(lang, first_sign_in(app, portal->id, token) ? "welcome_first" : "welcome_back",
                                          {{"name", name}})) + "</h1>\n";
    // render_dashboard answers HTML in which every value is already escaped. Lines the template
    // left empty (a tag with no value) are dropped.
    std::string text;
    std::size_t from = 0;
    while (from <= dashboard->html.size()) {
        auto to = dashboard->html.find('\n', from);
        if (to == std::string::npos) to = dashboard->html.size();
        const std::string line = dashboard->html.substr(from, to - from);
        if (!trimmed(line).empty()) text += (text.empty() ? "" : "\n") + line;
        from = to + 1;
    }
    if (!text.empty())
        body += "<div class=\"dashboard\" lang=\"" + escape(dashboard->language) + "\">" + text + "</div>\n";
    // A list the template already shows is not shown a second time.
    std::string source;
    if (dashboard->built_in) {
        source = sesame::Engine::built_in_dashboard_template(dashboard->language);
    } else if (auto t = app.engine().get_dashboard_template(app.staff(), portal->id, dashboard->language); t.ok()) {
        source = t->text;
    }
    if (source.find("[UpcomingEvents]") == std::string::npos) body += events_section(lang, *events);
    body += cases_section(lang, *cases);
    if (source.find("[AssignedDocuments]") == std::string::npos) body += documents_section(lang, *documents, *files);
    Response r = app.page(lang, tr(lang, "dashboard_title"), body);
    r.no_store = true;
    return signed_in_layout(app, in, r);
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
    // A dead session is as good as logged out: the answer is the same either way. The start page
    // says so, in the language of the page the client left.
    (void)app.engine().logout(portal->id, token);
    Response r = redirect("/?lang=" + std::string(lang_code(app.visitor_lang(request, *portal))) + "&notice=signed_out");
    r.header("Set-Cookie", app.clear_cookie(CookieKind::session));
    return r;
}

}  // namespace portal::pages
