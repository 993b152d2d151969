// Shared pieces of the staff operations: audited permission checks and input checks.
#include "portal/staff.hpp"

#include <fmt/format.h>

namespace sesame::portal {
namespace {

void audit_refusal(Engine::Impl& im, const Actor& actor, std::string_view action, const std::string& target,
                   const Status& refusal, std::string_view permission) {
    // Recorded in the actor's own agency: the log of the agency being reached for (if any) is not
    // the place to learn that someone tried.
    AuditEvent e;
    e.agency_id = actor.agency_id;
    e.actor = actor_label(actor);
    e.action = std::string(action);
    e.target = target;
    e.outcome = code_name(refusal.code());
    e.reason = fmt::format("missing_permission:{}", permission);
    im.audit(std::move(e));
}

// Length of the UTF-8 sequence starting at s[i], 0 when it is not well formed (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

}  // namespace

Status require_audited(Engine::Impl& im, const Actor& actor, std::string_view permission, std::string_view action,
                       const std::string& target) {
    Status st = Engine::Impl::require(actor, permission);
    if (!st.ok()) audit_refusal(im, actor, action, target, st, permission);
    return st;
}

Status require_super_admin_audited(Engine::Impl& im, const Actor& actor, std::string_view action,
                                   const std::string& target) {
    Status st = Engine::Impl::require_super_admin(actor);
    if (!st.ok()) audit_refusal(im, actor, action, target, st, "super_admin");
    return st;
}

void audit_change(Engine::Impl& im, const Actor& actor, Id agency_id, std::string action, std::string target,
                  std::string detail) {
    AuditEvent e;
    e.agency_id = agency_id;
    e.actor = actor_label(actor);
    e.action = std::move(action);
    e.target = std::move(target);
    e.outcome = "ok";
    e.detail = std::move(detail);
    im.audit(std::move(e));
}

std::string join_fields(const std::vector<std::string>& fields) {
    if (fields.empty()) return "no change";
    return fmt::format("{}", fmt::join(fields, ", "));
}

Status check_text(std::string_view field, std::string_view value, std::size_t max, bool required,
                  bool allow_newlines) {
    if (required && value.empty()) return {Code::invalid_argument, fmt::format("{} must not be empty", field)};
    if (value.size() > max)
        return {Code::invalid_argument, fmt::format("{} must be at most {} bytes (got {})", field, max, value.size())};
    for (std::size_t i = 0; i < value.size();) {
        const auto c = static_cast<unsigned char>(value[i]);
        const bool newline = c == '\n' || c == '\r' || c == '\t';
        if ((c < 0x20 && !(allow_newlines && newline)) || c == 0x7F)
            return {Code::invalid_argument, fmt::format("{} must not contain control characters", field)};
        const std::size_t n = utf8_sequence(value, i);
        if (n == 0) return {Code::invalid_argument, fmt::format("{} must be valid UTF-8 text", field)};
        i += n;
    }
    return {};
}

bool is_language(std::string_view s) {
    return s.size() == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p)
        for (std::size_t k = 0; k < lengths[p]; ++k) {
            const char c = s[starts[p] + k];
            if (c < '0' || c > '9') return false;
            parts[p] = parts[p] * 10 + (c - '0');
        }
    const int year = parts[0], month = parts[1], day = parts[2];
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int last = month == 2 && leap ? 29 : kDays[month - 1];
    return day <= last;
}

bool is_slug(std::string_view s) {
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

Status not_found(std::string_view kind, Id id) {
    return {Code::not_found, fmt::format("no {} with id {}", kind, id)};
}

}  // namespace sesame::portal
