// GET /verify, POST /verify and POST /resend: the one-time code.
//
// The engine answers every failed code with one VERIFY_FAILED, on purpose. The page tells a person
// what happened from what the server already knows of its own pending login: the code's expiry
// from start_login, the portal's max_attempts and its own count of wrong tries.
#include <cstdio>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

constexpr std::size_t kCodeMax = 16;

struct VerifyView {
    std::string error;   // shown on the code field
    std::string notice;  // "we sent a new code"
    int status = 200;
    bool again = false;  // a second sign-in inside the resend wait came back here
};

// `text` escaped, with "{countdown}" as the one element the countdown script updates.
std::string with_countdown(const std::string& text, std::int64_t seconds) {
    std::string html = escape(text);
    const std::string mark = "{countdown}";
    if (auto pos = html.find(mark); pos != std::string::npos)
        html.replace(pos, mark.size(), "<span data-countdown>" + std::to_string(seconds) + "</span>");
    return html;
}

Response render(App& app, const std::string& login_cookie, const PendingLogin& login, const VerifyView& view) {
    const Lang lang = login.lang;
    const sesame::UnixTime now = app.now();
    const std::int64_t wait = login.resend_after > now ? login.resend_after - now : 0;

    std::string body = "<h1>" + escape(tr(lang, "verify_title")) + "</h1>\n";
    // The one place the wait is counted down: the notice of a second sign-in, else the line above
    // the resend button. The script counts the same number down and enables the button at 0.
    const bool again = view.again && wait > 0;
    if (again) {
        body += "<p class=\"notice\" role=\"status\" id=\"resend-wait\">" +
                with_countdown(tr(lang, "just_sent", {{"destination", login.masked_destination}}), wait) + "</p>\n";
    } else {
        body += "<p class=\"notice\">" +
                escape(view.notice.empty() ? tr(lang, "verify_sent", {{"destination", login.masked_destination}})
                                           : view.notice) +
                "</p>\n";
    }
    // When the code stops working, in minutes from now (rounded up).
    const std::int64_t left = login.expires_at - now;
    if (left <= 0) body += "<p class=\"hint\" id=\"code-expiry\">" + escape(tr(lang, "code_expired_now")) + "</p>\n";
    else if (left <= 60) body += "<p class=\"hint\" id=\"code-expiry\">" + escape(tr(lang, "code_expires_minute")) + "</p>\n";
    else
        body += "<p class=\"hint\" id=\"code-expiry\">" +
                escape(tr(lang, "code_expires_minutes", {{"minutes", std::to_string((left + 59) / 60)}})) + "</p>\n";
    std::string described = "code-hint";
    body += "<form method=\"post\" action=\"/verify\" novalidate>\n";
    body += hidden_fields(app, CookieKind::login, login_cookie, lang);
    body += "<label for=\"code\">" + escape(tr(lang, "code_label")) + "</label>\n";
    body += "<p id=\"code-hint\" class=\"hint\">" + escape(tr(lang, "code_hint")) + "</p>\n";
    if (!view.error.empty()) {
        body += alert_paragraph("code-error", view.error);
        described += " code-error";
    }
    body += "<input type=\"text\" id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" "
            "pattern=\"[0-9]*\" maxlength=\"" + std::to_string(kCodeMax) + "\" required aria-describedby=\"" +
            described + "\"";
    if (!view.error.empty()) body += " aria-invalid=\"true\"";
    body += ">\n<button type=\"submit\">" + escape(tr(lang, "verify_button")) + "</button>\n</form>\n";

    body += "<form method=\"post\" action=\"/resend\">\n";
    body += hidden_fields(app, CookieKind::login, login_cookie, lang);
    if (wait > 0) {
        if (!again)
            body += "<p id=\"resend-wait\" class=\"hint\">" + with_countdown(tr(lang, "resend_in"), wait) + "</p>\n";
        body += "<button type=\"submit\" class=\"secondary\" disabled aria-describedby=\"resend-wait\" "
                "data-wait-seconds=\"" + std::to_string(wait) + "\">" + escape(tr(lang, "resend_button")) +
                "</button>\n";
    } else {
        body += "<button type=\"submit\" class=\"secondary\">" + escape(tr(lang, "resend_button")) + "</button>\n";
    }
    body += "</form>\n";
    body += "<p><a href=\"/?lang=" + std::string(lang_code(lang)) + "\">" + escape(tr(lang, "start_over")) +
            "</a></p>\n";
    std::string switch_href = lang == Lang::es ? "/verify?lang=en" : "/verify?lang=es";
    if (again) switch_href += "&again=1";
    Response r = app.page(lang, tr(lang, "verify_title"), body, view.status, switch_href, wait > 0);
    r.no_store = true;
    return r;
}

// The pending login behind the request's cookie, its language updated from ?lang= / the form.
std::optional<PendingLogin> current(App& app, const Request& request, const std::string& login_cookie) {
    auto login = app.pending(login_cookie);
    if (!login) return std::nullopt;
    Lang lang = login->lang;
    if (parse_lang(request.param("lang"), lang) && lang != login->lang) {
        login->lang = lang;
        app.update_pending(login_cookie, *login);
    }
    return login;
}

// Back to the start, saying why, when the pending login is gone (timed out or never made).
Response start_again(App& app, const Request& request) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const Lang lang = app.visitor_lang(request, *portal);
    const std::string body = "<h1>" + escape(tr(lang, "sign_in_title")) + "</h1>\n" +
                             alert_paragraph("login-expired", tr(lang, "login_expired")) + "<p><a href=\"/?lang=" +
                             std::string(lang_code(lang)) + "\">" + escape(tr(lang, "home_link")) + "</a></p>\n";
    return app.page(lang, tr(lang, "sign_in_title"), body, 400);
}

}  // namespace

Response verify_page(App& app, const Request& request) {
    const std::string login_cookie = app.cookie(request, CookieKind::login);
    auto login = current(app, request, login_cookie);
    if (!login) return redirect("/");
    VerifyView view;
    view.again = request.param("again") == "1";
    return render(app, login_cookie, *login, view);
}

Response verify_submit(App& app, const Request& request) {
    const std::string login_cookie = app.cookie(request, CookieKind::login);
    if (!app.csrf_ok(request, CookieKind::login)) {
        auto login = app.pending(login_cookie);
        return app.forbidden(login ? login->lang : Lang::en);
    }
    auto login = current(app, request, login_cookie);
    if (!login) return start_again(app, request);
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(login->lang);
    const Lang lang = login->lang;

    std::string code;
    for (const char c : request.param("code"))
        if (c != ' ' && c != '-' && c != '\t') code += c;
    if (code.empty()) return render(app, login_cookie, *login, {tr(lang, "err_code_empty"), {}, 400});
    if (login->wrong_tries >= login->max_attempts)
        return render(app, login_cookie, *login, {tr(lang, "err_code_locked"), {}, 400});
    if (app.now() >= login->expires_at)
        return render(app, login_cookie, *login, {tr(lang, "err_code_expired"), {}, 400});
    if (code.size() > kCodeMax) code.resize(kCodeMax);  // a wrong code all the same

    auto verified = app.engine().verify_login(portal->id, login->challenge_id, code, {request.ip, request.user_agent});
    if (verified.ok()) {
        app.erase_pending(login_cookie);
        const std::string next = safe_next(login->next) ? login->next : std::string();
        // The chooser speaks the language of the page the person signed in on.
        std::string to = verified->client_id ? (next.empty() ? std::string("/dashboard") : next)
                                             : "/choose?lang=" + std::string(lang_code(lang));
        if (!verified->client_id && !next.empty()) to += "&next=" + url_encode(next);
        Response r = redirect(to);
        r.header("Set-Cookie", app.set_cookie(CookieKind::session, verified->token));
        r.header("Set-Cookie", app.clear_cookie(CookieKind::login));
        return r;
    }
    switch (verified.code()) {
        case sesame::Code::verify_failed: {
            if (app.now() >= login->expires_at)
                return render(app, login_cookie, *login, {tr(lang, "err_code_expired"), {}, 400});
            login->wrong_tries += 1;
            app.update_pending(login_cookie, *login);
            const std::int32_t left = login->max_attempts - login->wrong_tries;
            if (left <= 0) return render(app, login_cookie, *login, {tr(lang, "err_code_locked"), {}, 400});
            const std::string text = left == 1 ? tr(lang, "err_code_wrong_one")
                                               : tr(lang, "err_code_wrong", {{"tries", std::to_string(left)}});
            return render(app, login_cookie, *login, {text, {}, 400});
        }
        case sesame::Code::rate_limited: {
            const auto seconds = verified.status().retry_after() > 0 ? verified.status().retry_after() : 1;
            return render(app, login_cookie, *login,
                          {tr(lang, "err_rate_limited", {{"seconds", std::to_string(seconds)}}), {}, 429});
        }
        case sesame::Code::auth_disabled:
            return render(app, login_cookie, *login, {tr(lang, "err_auth_disabled"), {}, 403});
        default:
            std::fprintf(stderr, "error: verify_login: %s\n", sesame::code_name(verified.code()));
            return render(app, login_cookie, *login, {tr(lang, "err_generic"), {}, 500});
    }
}

Response resend_submit(App& app, const Request& request) {
    const std::string login_cookie = app.cookie(request, CookieKind::login);
    if (!app.csrf_ok(request, CookieKind::login)) {
        auto login = app.pending(login_cookie);
        return app.forbidden(login ? login->lang : Lang::en);
    }
    auto login = current(app, request, login_cookie);
    if (!login) return start_again(app, request);
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(login->lang);
    const Lang lang = login->lang;

    const sesame::UnixTime now = app.now();
    if (now < login->resend_after)
        return render(app, login_cookie, *login, {{}, {}, 429, true});
    auto started = app.engine().start_login(portal->id, login->identifier,
                                             {request.ip, request.user_agent, std::string(lang_code(lang))});
    if (!started.ok()) {
        int status = 400;
        const std::string error = login_error_text(lang, started.status(), status);
        return render(app, login_cookie, *login, {error, {}, status});
    }
    login->challenge_id = started->challenge_id;
    login->masked_destination = started->masked_destination;
    login->expires_at = started->expires_at;
    login->resend_after = started->resend_after;
    login->max_attempts = portal->settings.max_attempts;
    login->wrong_tries = 0;
    app.update_pending(login_cookie, *login);
    return render(app, login_cookie, *login,
                  {{}, tr(lang, "resent", {{"destination", started->masked_destination}}), 200});
}

}  // namespace portal::pages
