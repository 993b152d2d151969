#include "app.hpp"

#include <sodium.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>

#include "html.hpp"

namespace portal {

using sesame::UnixTime;

namespace {

constexpr UnixTime kPendingLifetime = 2 * 3600;   // a pending login is forgotten after this
constexpr UnixTime kAdminLifetime = 8 * 3600;     // an admin sign-in lasts a working day

std::string base64url(const unsigned char* data, std::size_t size) {
    std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

std::string_view kind_purpose(CookieKind kind) {
    switch (kind) {
        case CookieKind::session: return "session";
        case CookieKind::login: return "login";
        case CookieKind::admin: return "admin";
    }
    return "unknown";
}

}  // namespace

void Router::add(std::string method, std::string path, Handler handler) {
    routes_[{std::move(method), std::move(path)}] = std::move(handler);
}

namespace {
bool route_matches(const std::string& route, const std::string& path) {
    if (route == path) return true;
    if (route.size() < 2 || route.compare(route.size() - 2, 2, "/*") != 0) return false;
    const std::size_t prefix = route.size() - 1;  // keeps the "/"
    return path.size() > prefix && path.compare(0, prefix, route, 0, prefix) == 0 &&
           path.find('/', prefix) == std::string::npos;
}
}  // namespace

const Handler* Router::find(const std::string& method, const std::string& path, bool& path_known) const {
    path_known = false;
    const Handler* wildcard = nullptr;
    for (const auto& [key, handler] : routes_) {
        if (key.second == path) {
            path_known = true;
            if (key.first == method) return &handler;
        } else if (route_matches(key.second, path)) {
            path_known = true;
            if (key.first == method) wildcard = &handler;
        }
    }
    return wildcard;
}

std::string Router::allowed(const std::string& path) const {
    std::vector<std::string> methods;
    for (const auto& [key, handler] : routes_)
        if (key.second == path || route_matches(key.second, path)) {
            methods.push_back(key.first);
            if (key.first == "GET") methods.push_back("HEAD");
        }
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    std::string out;
    for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
    return out;
}

App::App(sesame::Engine& engine, AppOptions options) : engine_(engine), options_(std::move(options)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
    randombytes_buf(csrf_key_.data(), csrf_key_.size());
    staff_.id = "portal-server";
    staff_.super_admin = true;
    add_routes(router_, options_);
    if (!options_.tls) {
        std::cerr << "WARNING: plain HTTP: cookies are sent without the Secure attribute and without the __Host- "
                     "prefix. Use this only on this computer (loopback); serve real visitors over TLS.\n";
    }
}

sesame::Result<sesame::Portal> App::portal() { return engine_.find_portal(options_.portal_slug); }

// ---- cookies ------------------------------------------------------------------------------------

std::string App::cookie_name(CookieKind kind) const {
    // Browsers refuse a __Host- cookie without Secure, so plain HTTP drops the prefix too.
    std::string name = options_.tls ? "__Host-sesame" : "sesame";
    if (kind == CookieKind::login) name += "-login";
    if (kind == CookieKind::admin) name += "-admin";
    return name;
}

std::string App::set_cookie(CookieKind kind, const std::string& value) const {
    std::string c = cookie_name(kind) + "=" + value + "; Path=/";
    if (options_.tls) c += "; Secure";
    c += "; HttpOnly; SameSite=";
    c += kind == CookieKind::admin ? "Strict" : "Lax";
    return c;
}

std::string App::clear_cookie(CookieKind kind) const {
    std::string c = cookie_name(kind) + "=; Path=/; Max-Age=0";
    if (options_.tls) c += "; Secure";
    c += "; HttpOnly; SameSite=";
    c += kind == CookieKind::admin ? "Strict" : "Lax";
    return c;
}

std::string App::cookie(const Request& request, CookieKind kind) const {
    return request.cookie(cookie_name(kind));
}

// ---- CSRF ---------------------------------------------------------------------------------------

std::string App::csrf_token(CookieKind kind, const std::string& cookie_value) const {
    const std::string message = std::string(kind_purpose(kind)) + ":" + cookie_value;
    std::array<unsigned char, crypto_auth_BYTES> mac{};
    crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                csrf_key_.data());
    return base64url(mac.data(), mac.size());
}

bool App::csrf_ok(const Request& request, CookieKind kind) const {
    const std::string value = cookie(request, kind);
    const std::string token = request.form.count("csrf") ? request.form.at("csrf") : std::string();
    if (value.empty() || token.empty()) return false;
    std::array<unsigned char, crypto_auth_BYTES> mac{};
    std::size_t length = 0;
    if (sodium_base642bin(mac.data(), mac.size(), token.data(), token.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        length != mac.size())
        return false;
    const std::string message = std::string(kind_purpose(kind)) + ":" + value;
    return crypto_auth_verify(mac.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                              csrf_key_.data()) == 0;
}

std::string App::random_id() {
    std::array<unsigned char, 32> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    return base64url(bytes.data(), bytes.size());
}

// ---- pending logins -----------------------------------------------------------------------------

std::string App::add_pending(const PendingLogin& login) {
    const UnixTime t = now();
    std::string id = random_id();
    std::lock_guard lock(mutex_);
    for (auto it = pending_.begin(); it != pending_.end();)
        it = t - it->second.created_at >= kPendingLifetime ? pending_.erase(it) : std::next(it);
    while (!pending_.empty() && pending_.size() >= options_.max_pending_logins) {
        auto oldest = pending_.begin();
        for (auto it = pending_.begin(); it != pending_.end(); ++it)
            if (it->second.created_at < oldest->second.created_at) oldest = it;
        pending_.erase(oldest);
    }
    pending_[id] = login;
    return id;
}

std::optional<PendingLogin> App::pending(const std::string& id) {
    if (id.empty()) return std::nullopt;
    const UnixTime t = now();
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return std::nullopt;
    if (t - it->second.created_at >= kPendingLifetime) {
        pending_.erase(it);
        return std::nullopt;
    }
    return it->second;
}

void App::update_pending(const std::string& id, const PendingLogin& login) {
    std::lock_guard lock(mutex_);
    if (auto it = pending_.find(id); it != pending_.end()) it->second = login;
}

void App::erase_pending(const std::string& id) {
    std::lock_guard lock(mutex_);
    pending_.erase(id);
}

// ---- admin --------------------------------------------------------------------------------------

bool App::staff_token_matches(std::string_view candidate) const {
    if (!options_.staff_token) return false;
    // Compare keyed hashes of equal length, so neither the length nor the content leaks in time.
    std::array<unsigned char, crypto_generichash_BYTES> a{}, b{};
    const std::string& expected = *options_.staff_token;
    crypto_generichash(a.data(), a.size(), reinterpret_cast<const unsigned char*>(candidate.data()),
                       candidate.size(), csrf_key_.data(), csrf_key_.size());
    crypto_generichash(b.data(), b.size(), reinterpret_cast<const unsigned char*>(expected.data()), expected.size(),
                       csrf_key_.data(), csrf_key_.size());
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string App::add_admin_session() {
    const UnixTime t = now();
    std::string id = random_id();
    std::lock_guard lock(mutex_);
    for (auto it = admin_sessions_.begin(); it != admin_sessions_.end();)
        it = it->second <= t ? admin_sessions_.erase(it) : std::next(it);
    admin_sessions_[id] = t + kAdminLifetime;
    return id;
}

bool App::admin_session_ok(const std::string& id) {
    if (id.empty() || !admin_enabled()) return false;
    const UnixTime t = now();
    std::lock_guard lock(mutex_);
    auto it = admin_sessions_.find(id);
    return it != admin_sessions_.end() && t < it->second;
}

void App::erase_admin_session(const std::string& id) {
    std::lock_guard lock(mutex_);
    admin_sessions_.erase(id);
}

// ---- staff sign-in throttle ---------------------------------------------------------------------

UnixTime App::staff_wait(const std::string& ip) {
    const UnixTime t = now();
    std::lock_guard lock(mutex_);
    auto it = staff_failures_.find(ip);
    if (it == staff_failures_.end()) return 0;
    if (t - it->second.first >= kStaffWindow) {
        staff_failures_.erase(it);
        return 0;
    }
    return it->second.count >= kStaffFailures ? it->second.first + kStaffWindow - t : 0;
}

void App::staff_failed(const std::string& ip) {
    const UnixTime t = now();
    std::lock_guard lock(mutex_);
    // Bounded like the pending logins: forget expired windows, then the oldest.
    if (staff_failures_.size() >= options_.max_pending_logins) {
        for (auto it = staff_failures_.begin(); it != staff_failures_.end();)
            it = t - it->second.first >= kStaffWindow ? staff_failures_.erase(it) : std::next(it);
        if (staff_failures_.size() >= options_.max_pending_logins) staff_failures_.erase(staff_failures_.begin());
    }
    auto& f = staff_failures_[ip];
    if (f.count == 0 || t - f.first >= kStaffWindow) f = {0, t};
    ++f.count;
}

void App::staff_succeeded(const std::string& ip) {
    std::lock_guard lock(mutex_);
    staff_failures_.erase(ip);
}

// ---- pages --------------------------------------------------------------------------------------

Lang App::visitor_lang(const Request& request, const sesame::Portal& portal) const {
    Lang lang = Lang::en;
    parse_lang(portal.settings.default_language, lang);
    parse_lang(request.param("lang"), lang);
    return lang;
}

Response App::page(Lang lang, const std::string& title, const std::string& body, int status,
                   const std::string& switch_href, bool countdown) {
    Page p;
    p.lang = lang;
    p.title = title;
    if (auto portal_row = portal(); portal_row.ok()) p.site_name = portal_row->name;
    p.body = body;
    p.switch_href = switch_href;
    p.countdown_script = countdown;
    Response r;
    r.status = status;
    r.page = std::move(p);
    return r;
}

Response App::forbidden(Lang lang) {
    const std::string body = "<h1>" + escape(tr(lang, "forbidden_title")) + "</h1>\n<p>" +
                             escape(tr(lang, "forbidden_text")) + "</p>\n<p><a href=\"/\">" +
                             escape(tr(lang, "home_link")) + "</a></p>";
    return page(lang, tr(lang, "forbidden_title"), body, 403);
}

Response App::not_found(Lang lang) {
    const std::string body = "<h1>" + escape(tr(lang, "not_found_title")) + "</h1>\n<p>" +
                             escape(tr(lang, "not_found_text")) + "</p>\n<p><a href=\"/\">" +
                             escape(tr(lang, "home_link")) + "</a></p>";
    return page(lang, tr(lang, "not_found_title"), body, 404);
}

Response App::server_error(Lang lang) {
    const std::string body = "<h1>" + escape(tr(lang, "err_generic")) + "</h1>\n<p><a href=\"/\">" +
                             escape(tr(lang, "home_link")) + "</a></p>";
    return page(lang, tr(lang, "err_generic"), body, 500);
}

Response App::route(const Request& request) {
    bool path_known = false;
    const Handler* handler = router_.find(request.method, request.path, path_known);
    if (handler) return (*handler)(*this, request);
    Lang lang = Lang::en;
    parse_lang(request.param("lang"), lang);
    if (path_known) {
        Response r = page(lang, tr(lang, "bad_request_title"),
                          "<h1>" + escape(tr(lang, "bad_request_title")) + "</h1>", 405);
        r.header("Allow", router_.allowed(request.path));
        return r;
    }
    Response r = not_found(lang);
    // The page around it shows the signed-in sidebar: no shared cache may keep it.
    if (!cookie(request, CookieKind::session).empty() || !cookie(request, CookieKind::admin).empty()) r.no_store = true;
    return r;
}

void App::add_security_headers(Response& r) const {
    r.header("Content-Security-Policy",
             "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
    r.header("X-Content-Type-Options", "nosniff");
    r.header("Referrer-Policy", "no-referrer");
    if (options_.tls) r.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    if (r.no_store) r.header("Cache-Control", "no-store");
}

Response App::handle(const Request& request) {
    Response r;
    try {
        r = route(request);
        if (r.page) {
            r.page->current_path = request.path;
            if (!r.page->staff) r.page->nav = sidebar(request, r.page->lang, r.page->client_links);
            r.body = render_page(*r.page);
            r.page.reset();
        }
    } catch (const std::exception& e) {
        std::cerr << "error: " << request.method << " " << request.path << ": " << e.what() << "\n";
        r = Response{};
        r.status = 500;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "Internal server error\n";
    }
    add_security_headers(r);
    return r;
}

bool App::decides_body_limit(const std::string& method, const std::string& path) {
    return method == "POST" && path == "/uploads";
}

std::optional<std::size_t> App::body_limit(const Request& head) {
    if (!decides_body_limit(head.method, head.path)) return std::nullopt;
    auto portal_row = portal();
    if (!portal_row.ok()) return std::nullopt;
    const std::string token = cookie(head, CookieKind::session);
    if (token.empty()) return std::nullopt;
    auto session = engine_.check_session(portal_row->id, token);
    if (!session.ok() || !session->client_id) return std::nullopt;
    auto policy = engine_.get_upload_policy(staff_, portal_row->id);
    if (!policy.ok() || (!policy->allow_photos && !policy->allow_documents)) return std::nullopt;
    return static_cast<std::size_t>(policy->max_bytes) + kUploadFormMargin;
}

std::vector<NavLink> App::sidebar(const Request& request, Lang lang, bool signed_in) {
    std::vector<NavLink> links;
    if (signed_in) {
        links.push_back({tr(lang, "dashboard_title"), "/dashboard"});
        links.push_back({tr(lang, "profile_title"), "/profile"});
        links.push_back({tr(lang, "uploads_title"), "/uploads"});
    }
    auto portal_row = portal();
    if (!portal_row.ok()) return links;
    const std::string token = cookie(request, CookieKind::session);
    auto items = engine_.sidebar(portal_row->id, token.empty() ? std::nullopt : std::optional<std::string>(token));
    if (!items.ok()) {
        std::cerr << "error: sidebar: " << sesame::code_name(items.code()) << "\n";
        return links;
    }
    for (const auto& item : *items) links.push_back({shown_title(lang, item.titles, item.title), item.link});
    return links;
}

}  // namespace portal
