// The portal application: what every page handler shares. The engine, the portal it serves, the
// staff actor the server acts as, cookies, CSRF tokens, pending logins and admin sign-ins.
//
// Thread-safety: App::handle may be called from any number of threads at once; the pending-login
// and admin tables are guarded by a mutex, the engine is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.hpp"
#include "i18n.hpp"
#include "sesame/clock.hpp"
#include "sesame/engine.hpp"

namespace portal {

class App;
using Handler = std::function<Response(App&, const Request&)>;

// Path and method to handler. A known path with another method answers 405, an unknown one 404.
// A path ending in "/*" ("/documents/*") matches that prefix followed by one non-empty segment
// without a further "/"; exact paths win over it.
class Router {
public:
    void add(std::string method, std::string path, Handler handler);
    // nullptr: no route. `path_known` says whether the path exists with another method.
    const Handler* find(const std::string& method, const std::string& path, bool& path_known) const;
    // The methods the path answers, for Allow: "GET, HEAD, POST" (HEAD wherever GET is).
    std::string allowed(const std::string& path) const;

private:
    std::map<std::pair<std::string, std::string>, Handler> routes_;
};

struct AppOptions {
    std::string portal_slug;                 // the portal this server serves
    bool tls = false;                        // Secure cookies, __Host- names and HSTS
    std::optional<std::string> staff_token;  // the /admin area is off without one
    std::size_t max_pending_logins = 10000;  // the oldest are dropped beyond this
    // --test-clock: the engine's clock, which POST /admin/test-clock moves forward. Needs a staff
    // token (the route exists only in the admin area).
    std::shared_ptr<sesame::FakeClock> test_clock;
};

// A login between start_login and verify_login, kept on the server under a random cookie. It
// never holds the code.
struct PendingLogin {
    std::string challenge_id;
    std::string identifier;  // what the person typed, for "send a new code"
    std::string masked_destination;
    Lang lang = Lang::en;
    sesame::UnixTime created_at = 0;
    sesame::UnixTime expires_at = 0;    // of the current code
    sesame::UnixTime resend_after = 0;
    std::int32_t max_attempts = 5;      // the portal's, when the code was sent
    std::int32_t wrong_tries = 0;       // wrong codes entered for the current code
    std::string next;                   // where to go after sign-in (checked by pages::safe_next), or ""
};

enum class CookieKind { session, login, admin };

class App {
public:
    // The engine must outlive the App. Registers every route (routes.cpp).
    App(sesame::Engine& engine, AppOptions options);

    // Routes the request and adds the security headers. Never throws.
    Response handle(const Request& request);

    sesame::Engine& engine() { return engine_; }
    const AppOptions& options() const { return options_; }
    // A super admin of the server's own database, recorded as "portal-server" in the audit log.
    const sesame::Actor& staff() const { return staff_; }
    sesame::UnixTime now() { return engine_.clock().now(); }

    // The served portal, read afresh so that staff changes apply at once.
    sesame::Result<sesame::Portal> portal();

    // ---- cookies ------------------------------------------------------------------------------
    std::string cookie_name(CookieKind kind) const;
    std::string set_cookie(CookieKind kind, const std::string& value) const;  // a Set-Cookie value
    std::string clear_cookie(CookieKind kind) const;
    std::string cookie(const Request& request, CookieKind kind) const;

    // ---- CSRF: HMAC (crypto_auth) of a cookie's value under a key made at start -------------
    std::string csrf_token(CookieKind kind, const std::string& cookie_value) const;
    // The form's "csrf" field against the request's cookie of `kind`, in constant time.
    bool csrf_ok(const Request& request, CookieKind kind) const;

    // 32 random bytes, base64url.
    static std::string random_id();

    // ---- pending logins -----------------------------------------------------------------------
    std::string add_pending(const PendingLogin& login);  // returns its new id
    std::optional<PendingLogin> pending(const std::string& id);
    void update_pending(const std::string& id, const PendingLogin& login);
    void erase_pending(const std::string& id);

    // ---- the admin area -----------------------------------------------------------------------
    bool admin_enabled() const { return options_.staff_token.has_value(); }
    // The clock that /admin/test-clock moves, or nullptr without --test-clock.
    sesame::FakeClock* test_clock() const { return admin_enabled() ? options_.test_clock.get() : nullptr; }
    bool staff_token_matches(std::string_view candidate) const;  // constant time (sodium_memcmp)
    std::string add_admin_session();
    bool admin_session_ok(const std::string& id);
    void erase_admin_session(const std::string& id);

    // ---- page helpers -------------------------------------------------------------------------
    // The sidebar items this request may see (Engine::sidebar with its session cookie, if any),
    // after the portal's own pages (dashboard, profile, uploads) when `signed_in`.
    std::vector<NavLink> sidebar(const Request& request, Lang lang, bool signed_in);
    // The visitor's language before login: ?lang= or the form's lang, else the portal's default.
    Lang visitor_lang(const Request& request, const sesame::Portal& portal) const;
    // A page laid out by handle(), which adds the sidebar.
    Response page(Lang lang, const std::string& title, const std::string& body, int status = 200,
                  const std::string& switch_href = {}, bool countdown = false);
    Response forbidden(Lang lang);
    Response not_found(Lang lang);
    Response server_error(Lang lang);

    // Whether the route decides its own body limit (POST /uploads): the transport then asks
    // body_limit before reading the body.
    static bool decides_body_limit(const std::string& method, const std::string& path);
    // The body limit of such a route for this request (its headers only): the portal's upload bound
    // plus room for the form around the file, granted only to a signed-in client of a portal that
    // allows uploads. nullopt: the body is not read at all, and the route answers without it.
    // Touches the engine: call it off the network threads.
    std::optional<std::size_t> body_limit(const Request& head);

    // ---- staff sign-in throttle ----------------------------------------------------------------
    // Wrong staff tokens per client address: after kStaffFailures within kStaffWindow, that
    // address is refused until the window has passed. Returns the seconds to wait, or 0.
    sesame::UnixTime staff_wait(const std::string& ip);
    void staff_failed(const std::string& ip);
    void staff_succeeded(const std::string& ip);
    static constexpr int kStaffFailures = 5;
    static constexpr sesame::UnixTime kStaffWindow = 15 * 60;

    // The headers every response carries (CSP, nosniff, Referrer-Policy, HSTS over TLS, and
    // Cache-Control: no-store when response.no_store). handle() adds them; the transport adds
    // them to the answers it makes itself (413, 431).
    void add_security_headers(Response& response) const;

private:
    Response route(const Request& request);

    sesame::Engine& engine_;
    AppOptions options_;
    sesame::Actor staff_;
    Router router_;
    std::array<unsigned char, 32> csrf_key_{};
    std::mutex mutex_;
    std::map<std::string, PendingLogin> pending_;
    std::map<std::string, sesame::UnixTime> admin_sessions_;  // id -> expiry
    struct StaffFailures {
        int count = 0;
        sesame::UnixTime first = 0;
    };
    std::map<std::string, StaffFailures> staff_failures_;  // by client address (client_key)
};

// Room for the form around an uploaded file (other fields, part headers, boundaries).
inline constexpr std::size_t kUploadFormMargin = 64 * 1024;

// Registers every page (routes.cpp): one line per route.
void add_routes(Router& router, const AppOptions& options);

}  // namespace portal
