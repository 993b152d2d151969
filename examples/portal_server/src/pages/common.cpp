#include <charconv>
#include <cstdio>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "pages/pages.hpp"

namespace portal::pages {

using sesame::Code;

std::string hidden_fields(const App& app, CookieKind kind, const std::string& cookie_value, Lang lang) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(app.csrf_token(kind, cookie_value)) +
           "\">\n<input type=\"hidden\" name=\"lang\" value=\"" + std::string(lang_code(lang)) + "\">\n";
}

std::string login_error_text(Lang lang, const sesame::Status& status, int& http_status) {
    switch (status.code()) {
        case Code::invalid_argument:
            http_status = 400;
            return tr(lang, "err_identifier_invalid");
        case Code::contact_not_found:
            http_status = 400;
            return tr(lang, "err_contact_unknown");
        case Code::contact_ineligible:
            http_status = 400;
            return tr(lang, "err_contact_ineligible");
        case Code::rate_limited:
            http_status = 429;
            return tr(lang, "err_rate_limited",
                      {{"seconds", std::to_string(status.retry_after() > 0 ? status.retry_after() : 1)}});
        case Code::channel_unavailable:
            http_status = 503;
            return tr(lang, "err_channel_unavailable");
        case Code::auth_disabled:
            http_status = 403;
            return tr(lang, "err_auth_disabled");
        default:
            http_status = 500;
            std::fprintf(stderr, "error: start_login: %s\n", sesame::code_name(status.code()));
            return tr(lang, "err_generic");
    }
}

std::string today(sesame::UnixTime now) {
    // Days since 1970-01-01 to a proleptic Gregorian date (civil calendar arithmetic).
    std::int64_t days = now / 86400;
    if (now % 86400 < 0) --days;
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(year), static_cast<int>(month),
                  static_cast<int>(day));
    return buffer;
}

std::string phone_display(const std::string& number, const std::string& region) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber parsed;
    if (util.Parse(number, region.empty() ? "US" : region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return number;
    // A number of the agency's own country (its calling code: 555 numbers have no region of their
    // own) in its national form; any other one in international form.
    const bool home = parsed.country_code() == util.GetCountryCodeForRegion(region.empty() ? "US" : region);
    std::string out;
    util.Format(parsed, home ? PhoneNumberUtil::NATIONAL : PhoneNumberUtil::INTERNATIONAL, &out);
    return out.empty() ? number : out;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::string size_text(std::int64_t bytes) {
    char buffer[32];
    if (bytes < 1024) std::snprintf(buffer, sizeof buffer, "%lld B", static_cast<long long>(bytes));
    else if (bytes < 1024 * 1024) std::snprintf(buffer, sizeof buffer, "%lld KB", static_cast<long long>((bytes + 1023) / 1024));
    else std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buffer;
}

std::string login_with_next(const std::string& path) {
    if (path == "/dashboard" || !safe_next(path)) return "/";  // the dashboard is where sign-in leads anyway
    std::string encoded;
    for (const char c : path) encoded += c == '/' ? std::string("/") : url_encode(std::string_view(&c, 1));
    return "/?next=" + encoded;
}

Response& signed_in_layout(App& app, const SignedIn& in, Response& page) {
    if (page.page) {
        page.page->logout_csrf = app.csrf_token(CookieKind::session, in.token);
        page.page->client_links = true;
    }
    return page;
}

Response signed_out(App& app) {
    Response r = redirect("/");
    r.header("Set-Cookie", app.clear_cookie(CookieKind::session));
    return r;
}

std::optional<Response> require_client(App& app, const Request& request, SignedIn& out) {
    auto portal = app.portal();
    if (!portal.ok()) return app.server_error(Lang::en);
    const std::string token = app.cookie(request, CookieKind::session);
    const std::string next = request.method == "GET" ? login_with_next(request.path) : std::string("/");
    if (token.empty()) return redirect(next);
    auto session = app.engine().check_session(portal->id, token);
    if (session.code() == Code::selection_required) return redirect("/choose");
    if (!session.ok() && session.code() != Code::session_invalid) {
        // The store failed, not the session: keep the cookie and ask to come back.
        std::fprintf(stderr, "error: checking a session: %s\n", session.status().message().c_str());
        Response r = app.server_error(Lang::en);
        r.status = 503;
        r.header("Retry-After", "5");
        return r;
    }
    if (!session.ok() || !session->client_id) {
        Response r = redirect(next);
        r.header("Set-Cookie", app.clear_cookie(CookieKind::session));
        return r;
    }
    auto client = app.engine().get_client(app.staff(), *session->client_id);
    if (!client.ok()) return signed_out(app);
    out.portal = *portal;
    out.token = token;
    out.client = *client;
    out.lang = Lang::en;
    if (!parse_lang(client->language, out.lang)) parse_lang(portal->settings.default_language, out.lang);
    return std::nullopt;
}

std::string path_tail(const Request& request, std::string_view prefix) {
    if (request.path.size() < prefix.size() || request.path.compare(0, prefix.size(), prefix) != 0) return {};
    return request.path.substr(prefix.size());
}

std::optional<sesame::Id> parse_id(std::string_view text) {
    sesame::Id id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

Response file_response(const sesame::FileDownload& file) {
    Response r;
    r.content_type = file.content_type.empty() ? "application/octet-stream" : file.content_type;
    r.body.assign(file.bytes.begin(), file.bytes.end());
    // An ASCII name for every browser, and the UTF-8 one (RFC 6266) for those that read it.
    std::string ascii;
    for (const char c : file.file_name) {
        const auto u = static_cast<unsigned char>(c);
        ascii += (u < 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == ';') ? '_' : c;
    }
    if (ascii.empty()) ascii = "download";
    r.header("Content-Disposition",
             "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + url_encode(file.file_name));
    r.no_store = true;
    return r;
}

bool safe_next(std::string_view next) {
    if (next.empty() || next.size() > 512 || next[0] != '/') return false;
    if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return false;
    for (const char c : next) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\\' || u <= 0x20 || u == 0x7f) return false;
    }
    return true;
}

}  // namespace portal::pages
