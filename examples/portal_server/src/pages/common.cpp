#include <cstdio>

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

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace portal::pages
