// GET /calendars/<slug> and GET /forms/<slug>: the portal's calendars and forms, behind the one
// check Engine::can_access makes. A resource that needs a login sends a visitor without a session
// to the start page with ?next=, and sign-in brings them back here.
#include <cstdio>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

using sesame::Access;
using sesame::ResourceKind;

// The signed-in client's upcoming dates, for a calendar.
std::string dates_table(App& app, Lang lang, sesame::Id portal_id, const std::string& token) {
    auto events = app.engine().client_events(portal_id, token, today(app.now()));
    if (!events.ok() || events->empty()) return "<p>" + escape(tr(lang, "no_events")) + "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : *events)
        rows.push_back({escape(format_date(lang, e.date)), escape(format_time(lang, e.time)), escape(term(lang, e.type)),
                        escape(e.location), escape(term(lang, e.status))});
    return stacked_table("resource-title",
                         {tr(lang, "col_date"), tr(lang, "col_time"), tr(lang, "col_type"), tr(lang, "col_location"),
                          tr(lang, "col_status")},
                         rows);
}

Response gated(App& app, const Request& request, ResourceKind kind, std::string_view prefix) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    Lang lang = app.visitor_lang(request, *portal);
    const std::string slug = path_tail(request, prefix);
    const std::string token = app.cookie(request, CookieKind::session);
    const std::optional<std::string> session = token.empty() ? std::nullopt : std::optional<std::string>(token);

    auto access = app.engine().can_access(portal->id, session, kind, slug);
    if (access.code() == sesame::Code::not_found || access.code() == sesame::Code::invalid_argument)
        return app.not_found(lang);
    if (!access.ok()) {
        std::fprintf(stderr, "error: can_access: %s\n", sesame::code_name(access.code()));
        return app.server_error(lang);
    }
    if (*access == Access::login_required) return redirect(login_with_next(request.path));

    // A signed-in client reads the page in their own language.
    bool signed_in = false;
    if (session) {
        auto checked = app.engine().check_session(portal->id, token);
        if (checked.ok() && checked->client_id) {
            signed_in = true;
            if (auto client = app.engine().get_client(app.staff(), *checked->client_id); client.ok())
                parse_lang(client->language, lang);
        }
    }
    if (*access == Access::unavailable) {
        const std::string body = "<h1>" + escape(tr(lang, "gated_unavailable_title")) + "</h1>\n<p>" +
                                 escape(tr(lang, "gated_unavailable_text")) + "</p>\n";
        Response r = app.page(lang, tr(lang, "gated_unavailable_title"), body, 403);
        r.no_store = true;
        return r;
    }

    std::string title = slug;
    auto resources = app.engine().list_gated_resources(app.staff(), portal->id);
    if (resources.ok())
        for (const auto& res : *resources)
            if (res.kind == kind && res.slug == slug) title = shown_title(lang, res.titles, res.title);

    std::string body = "<h1 id=\"resource-title\">" + escape(title) + "</h1>\n";
    if (kind == ResourceKind::calendar) {
        if (signed_in) body += dates_table(app, lang, portal->id, token);
        else body += "<p><a href=\"" + escape(login_with_next(request.path)) + "\">" +
                     escape(tr(lang, "calendar_sign_in")) + "</a></p>\n";
    } else {
        auto agency = app.engine().get_agency(app.staff(), portal->agency_id);
        body += "<p>" + escape(tr(lang, "form_text", {{"agency", agency.ok() ? agency->name : portal->name}})) +
                "</p>\n";
    }
    Response r = app.page(lang, title, body);
    r.no_store = signed_in;
    if (signed_in) {
        r.page->logout_csrf = app.csrf_token(CookieKind::session, token);
        r.page->client_links = true;
    }
    return r;
}

}  // namespace

Response calendar_page(App& app, const Request& request) {
    return gated(app, request, ResourceKind::calendar, "/calendars/");
}

Response form_page(App& app, const Request& request) { return gated(app, request, ResourceKind::form, "/forms/"); }

}  // namespace portal::pages
