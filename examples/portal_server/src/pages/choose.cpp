// GET /choose and POST /choose: when one phone or email belongs to several clients, the person
// says which one they are before anything of theirs is shown.
#include <charconv>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

Response render(App& app, Lang lang, const std::string& token, const std::vector<sesame::ClientChoice>& choices,
                const std::string& error, int status, const std::string& next) {
    std::string body = "<h1>" + escape(tr(lang, "choose_title")) + "</h1>\n";
    body += "<form method=\"post\" action=\"/choose\" novalidate>\n";
    body += hidden_fields(app, CookieKind::session, token, lang);
    if (!next.empty()) body += "<input type=\"hidden\" name=\"next\" value=\"" + escape(next) + "\">\n";
    body += "<fieldset";
    if (!error.empty()) body += " aria-describedby=\"choose-error\"";
    body += ">\n<legend>" + escape(tr(lang, "choose_legend")) + "</legend>\n";
    if (!error.empty()) body += alert_paragraph("choose-error", error);
    for (const auto& choice : choices) {
        const std::string id = "client-" + std::to_string(choice.client_id);
        body += "<label class=\"choice\" for=\"" + id + "\"><input type=\"radio\" name=\"client\" id=\"" + id +
                "\" value=\"" + std::to_string(choice.client_id) + "\"> " + escape(choice.display_name) +
                "</label>\n";
    }
    body += "</fieldset>\n<button type=\"submit\">" + escape(tr(lang, "choose_button")) + "</button>\n</form>\n";
    const std::string switch_href = lang == Lang::es ? "/choose?lang=en" : "/choose?lang=es";
    Response r = app.page(lang, tr(lang, "choose_title"), body, status, switch_href);
    r.no_store = true;
    r.page->logout_csrf = app.csrf_token(CookieKind::session, token);  // "Log out" instead of choosing
    return r;
}

}  // namespace

Response choose_page(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const Lang lang = app.visitor_lang(request, *portal);
    const std::string next = safe_next(request.param("next")) ? request.param("next") : std::string();
    const std::string token = app.cookie(request, CookieKind::session);
    if (token.empty()) return redirect("/");
    if (app.engine().check_session(portal->id, token).ok()) return redirect(next.empty() ? "/dashboard" : next);
    auto choices = app.engine().session_choices(portal->id, token);
    if (!choices.ok()) return signed_out(app);
    return render(app, lang, token, *choices, {}, 200, next);
}

Response choose_submit(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const Lang lang = app.visitor_lang(request, *portal);
    if (!app.csrf_ok(request, CookieKind::session)) return app.forbidden(lang);
    const std::string token = app.cookie(request, CookieKind::session);
    const std::string next = safe_next(request.param("next")) ? request.param("next") : std::string();
    auto choices = app.engine().session_choices(portal->id, token);
    if (!choices.ok()) return signed_out(app);

    const std::string text = request.param("client");
    sesame::Id client_id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), client_id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return render(app, lang, token, *choices, tr(lang, "err_choose_none"), 400, next);

    auto selected = app.engine().select_client(portal->id, token, client_id);
    if (selected.ok() || selected.code() == sesame::Code::failed_precondition)
        return redirect(next.empty() ? "/dashboard" : next);
    if (selected.code() == sesame::Code::session_invalid) return signed_out(app);
    return render(app, lang, token, *choices, tr(lang, "err_choose_none"), 400, next);
}

}  // namespace portal::pages
