// GET / and POST /login: the one field a person types their phone number or email into.
#include <algorithm>
#include <cctype>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

constexpr std::size_t kIdentifierMax = 320;  // the longest email address there can be

// Whether two typed identifiers name the same contact, as far as the page can tell without the
// engine: the same digits for phone numbers, the same text without regard to case otherwise.
bool same_contact(const std::string& a, const std::string& b) {
    const bool email = a.find('@') != std::string::npos;
    if (email != (b.find('@') != std::string::npos)) return false;
    std::string x;
    std::string y;
    for (const char c : a)
        if (!email ? (c >= '0' && c <= '9') : c != ' ') x += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char c : b)
        if (!email ? (c >= '0' && c <= '9') : c != ' ') y += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // A leading country code 1 typed once and not the other time.
    if (!email && x.size() == 11 && x[0] == '1' && y.size() == 10) x.erase(0, 1);
    if (!email && y.size() == 11 && y[0] == '1' && x.size() == 10) y.erase(0, 1);
    return !x.empty() && x == y;
}

// The other language's link, keeping where sign-in should lead.
std::string switch_href(Lang lang, const std::string& next) {
    std::string href = lang == Lang::es ? "/?lang=en" : "/?lang=es";
    if (!next.empty()) href += "&next=" + url_encode(next);
    return href;
}

Response render(App& app, Lang lang, const sesame::Portal& portal, const std::string& login_cookie,
                const std::string& identifier, const std::string& error, int status, const std::string& next,
                const std::string& notice = {}) {
    std::string body = "<h1>" + escape(tr(lang, "sign_in_title")) + "</h1>\n";
    if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(notice) + "</p>\n";
    if (portal.client_auth == sesame::ClientAuth::disabled) {
        body += "<p>" + escape(tr(lang, "auth_disabled")) + "</p>\n";
        return app.page(lang, tr(lang, "sign_in_title"), body, status, switch_href(lang, next));
    }
    std::string described = "identifier-hint";
    body += "<form method=\"post\" action=\"/login\" novalidate>\n";
    body += hidden_fields(app, CookieKind::login, login_cookie, lang);
    if (!next.empty()) body += "<input type=\"hidden\" name=\"next\" value=\"" + escape(next) + "\">\n";
    body += "<label for=\"identifier\">" + escape(tr(lang, "identifier_label")) + "</label>\n";
    body += "<p id=\"identifier-hint\" class=\"hint\">" + escape(tr(lang, "identifier_hint")) + "</p>\n";
    if (!error.empty()) {
        body += alert_paragraph("identifier-error", error);
        described += " identifier-error";
    }
    body += "<input type=\"text\" id=\"identifier\" name=\"identifier\" autocomplete=\"username\" required "
            "maxlength=\"" + std::to_string(kIdentifierMax) + "\" aria-describedby=\"" + described + "\"";
    if (!error.empty()) body += " aria-invalid=\"true\"";
    body += " value=\"" + escape(identifier) + "\">\n";
    body += "<button type=\"submit\">" + escape(tr(lang, "login_button")) + "</button>\n</form>\n";
    return app.page(lang, tr(lang, "sign_in_title"), body, status, switch_href(lang, next));
}

}  // namespace

Response login_page(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const Lang lang = app.visitor_lang(request, *portal);
    const std::string next = safe_next(request.param("next")) ? request.param("next") : std::string();

    // Someone already signed in goes straight on.
    if (const std::string token = app.cookie(request, CookieKind::session); !token.empty()) {
        auto session = app.engine().check_session(portal->id, token);
        if (session.ok()) return redirect(next.empty() ? "/dashboard" : next);
        if (session.code() == sesame::Code::selection_required) return redirect("/choose");
    }

    std::string login_cookie = app.cookie(request, CookieKind::login);
    const bool fresh = login_cookie.empty();
    if (fresh) login_cookie = App::random_id();
    // Why the visitor is here: they just signed out, or a page of theirs asked for sign-in first.
    std::string notice;
    if (request.param("notice") == "signed_out") notice = tr(lang, "notice_signed_out");
    else if (!next.empty()) notice = tr(lang, "notice_sign_in_first");
    Response r = render(app, lang, *portal, login_cookie, {}, {}, 200, next, notice);
    if (fresh) r.header("Set-Cookie", app.set_cookie(CookieKind::login, login_cookie));
    return r;
}

Response login_submit(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const Lang lang = app.visitor_lang(request, *portal);
    if (!app.csrf_ok(request, CookieKind::login)) return app.forbidden(lang);
    const std::string login_cookie = app.cookie(request, CookieKind::login);
    const std::string next = safe_next(request.param("next")) ? request.param("next") : std::string();
    if (portal->client_auth == sesame::ClientAuth::disabled)
        return render(app, lang, *portal, login_cookie, {}, {}, 403, next);

    const std::string identifier = trimmed(request.param("identifier"));
    if (identifier.empty())
        return render(app, lang, *portal, login_cookie, identifier, tr(lang, "err_identifier_empty"), 400, next);
    if (identifier.size() > kIdentifierMax)
        return render(app, lang, *portal, login_cookie, {}, tr(lang, "err_identifier_invalid"), 400, next);

    auto started = app.engine().start_login(portal->id, identifier,
                                             {request.ip, request.user_agent, std::string(lang_code(lang))});
    if (started.code() == sesame::Code::rate_limited && started.status().reason() == sesame::RateLimitReason::cooldown) {
        // A code went to this contact moments ago. When it was this browser that asked for it,
        // back to that code's page; otherwise say so, with the wait.
        if (auto pending = app.pending(login_cookie); pending && same_contact(pending->identifier, identifier)) {
            pending->lang = lang;
            app.update_pending(login_cookie, *pending);
            return redirect("/verify?again=1");
        }
        const std::string error =
            tr(lang, "just_sent_elsewhere", {{"seconds", std::to_string(std::max<std::int64_t>(1, started.status().retry_after()))}});
        return render(app, lang, *portal, login_cookie, identifier, error, 429, next);
    }
    if (!started.ok()) {
        int status = 400;
        const std::string error = login_error_text(lang, started.status(), status);
        return render(app, lang, *portal, login_cookie, identifier, error, status, next);
    }

    PendingLogin login;
    login.challenge_id = started->challenge_id;
    login.identifier = identifier;
    login.masked_destination = started->masked_destination;
    login.lang = lang;
    login.created_at = app.now();
    login.expires_at = started->expires_at;
    login.resend_after = started->resend_after;
    login.max_attempts = portal->settings.max_attempts;
    login.next = next;
    // A new cookie value for the pending login: a value known before sign-in never names one.
    const std::string id = app.add_pending(login);
    app.erase_pending(login_cookie);
    Response r = redirect("/verify");
    r.header("Set-Cookie", app.set_cookie(CookieKind::login, id));
    return r;
}

}  // namespace portal::pages
