// Sidebar items and gated resources: their words and field checks.
#include "sesame/navigation.hpp"

#include <string>

#include <fmt/format.h>

namespace sesame {

namespace {

constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxLink = 2000;
constexpr std::size_t kMaxSlug = 63;
constexpr std::int32_t kMaxOrder = 10000;

bool has_control(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

Status invalid(std::string message) { return Status(Code::invalid_argument, std::move(message)); }

Status check_title(std::string_view title) {
    if (title.empty() || title.size() > kMaxTitle) return invalid("title: 1 to 200 bytes");
    if (has_control(title)) return invalid("title: control characters are not allowed");
    return Status::success();
}

// Well-formed UTF-8: no stray continuation bytes, overlong forms, surrogates or code points past
// U+10FFFF. A title per language travels as JSON, which carries only UTF-8.
bool is_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) len = 1;
        else if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
        }
        i += len;
    }
    return true;
}

bool is_language_code(std::string_view code) {
    return code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z';
}

}  // namespace

std::string_view to_string(Visibility v) { return v == Visibility::private_ ? "private" : "public"; }
std::string_view to_string(ResourceKind k) { return k == ResourceKind::form ? "form" : "calendar"; }
std::string_view to_string(Access a) {
    switch (a) {
        case Access::allowed: return "allowed";
        case Access::login_required: return "login_required";
        case Access::unavailable: return "unavailable";
    }
    return "unavailable";
}

bool parse(std::string_view t, Visibility& out) {
    if (t == "public") out = Visibility::public_;
    else if (t == "private") out = Visibility::private_;
    else return false;
    return true;
}

bool parse(std::string_view t, ResourceKind& out) {
    if (t == "calendar") out = ResourceKind::calendar;
    else if (t == "form") out = ResourceKind::form;
    else return false;
    return true;
}

Status validate_sidebar_link(std::string_view link) {
    if (link.empty() || link.size() > kMaxLink) return invalid("link: 1 to 2000 bytes");
    if (has_control(link)) return invalid("link: control characters are not allowed");
    // Browsers treat a backslash like a slash, so "/\host" would also leave the site.
    if (link.find('\\') != std::string_view::npos) return invalid("link: backslashes are not allowed");
    if (link.find(' ') != std::string_view::npos) return invalid("link: spaces must be percent-encoded");
    if (link[0] == '/') {
        if (link.size() > 1 && link[1] == '/') return invalid("link: must be a path on this site (\"//\" leaves it)");
        return Status::success();
    }
    constexpr std::string_view kHttps = "https://";
    if (link.size() > kHttps.size()) {
        std::string lowered(link.substr(0, kHttps.size()));
        for (char& c : lowered) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        if (lowered == kHttps && link[kHttps.size()] != '/') return Status::success();
    }
    return invalid("link: a path starting with \"/\" or an https:// URL");
}

Status validate_titles(const Titles& titles) {
    if (titles.size() > kMaxTitleLanguages)
        return invalid(fmt::format("titles: at most {} languages", kMaxTitleLanguages));
    for (const auto& [language, title] : titles) {
        if (!is_language_code(language))
            return invalid("titles: each language is an ISO 639-1 code of two lowercase letters, such as \"es\"");
        if (title.empty() || title.size() > kMaxTitle)
            return invalid(fmt::format("titles.{}: 1 to 200 bytes", language));
        if (has_control(title)) return invalid(fmt::format("titles.{}: control characters are not allowed", language));
        if (!is_utf8(title)) return invalid(fmt::format("titles.{}: must be valid UTF-8 text", language));
    }
    return Status::success();
}

Status validate_sidebar_item(const SidebarItem& item) {
    SESAME_TRY(check_title(item.title));
    SESAME_TRY(validate_titles(item.titles));
    SESAME_TRY(validate_sidebar_link(item.link));
    if (item.order < 0 || item.order > kMaxOrder) return invalid("order: 0 to 10000");
    return Status::success();
}

Status validate_gated_resource(const GatedResource& resource) {
    if (resource.slug.empty() || resource.slug.size() > kMaxSlug) return invalid("slug: 1 to 63 characters");
    for (char c : resource.slug) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) return invalid("slug: only a-z, 0-9 and -");
    }
    SESAME_TRY(check_title(resource.title));
    return validate_titles(resource.titles);
}

}  // namespace sesame
