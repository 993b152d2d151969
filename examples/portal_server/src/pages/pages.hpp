// The page handlers, one file each (or one file per small group of steps), and what they share.
#pragma once

#include <string>

#include "app.hpp"
#include "html.hpp"

namespace portal::pages {

// ---- shared by the visitor pages (common.cpp) -----------------------------------------------
// The hidden csrf and lang fields of a form whose CSRF token is keyed from `cookie_value`.
std::string hidden_fields(const App& app, CookieKind kind, const std::string& cookie_value, Lang lang);
// A start_login failure as a person understands it; sets `http_status`.
std::string login_error_text(Lang lang, const sesame::Status& status, int& http_status);
// "Today" for the dashboard's upcoming events: the UTC date of `now` (YYYY-MM-DD).
std::string today(sesame::UnixTime now);
// Trims spaces and tabs at both ends.
std::string trimmed(const std::string& text);

// ---- static files (static_files.cpp) ----------------------------------------------------------
Response stylesheet(App& app, const Request& request);         // GET /static/portal.css
Response countdown_script(App& app, const Request& request);   // GET /static/resend.js

// ---- sign in (login.cpp) ----------------------------------------------------------------------
Response login_page(App& app, const Request& request);    // GET /
Response login_submit(App& app, const Request& request);  // POST /login

// ---- the code (verify.cpp) ----------------------------------------------------------------------
Response verify_page(App& app, const Request& request);    // GET /verify
Response verify_submit(App& app, const Request& request);  // POST /verify
Response resend_submit(App& app, const Request& request);  // POST /resend

// ---- several clients behind one contact (choose.cpp) --------------------------------------------
Response choose_page(App& app, const Request& request);    // GET /choose
Response choose_submit(App& app, const Request& request);  // POST /choose

// ---- signed in (dashboard.cpp) ------------------------------------------------------------------
Response dashboard_page(App& app, const Request& request);  // GET /dashboard
Response logout_submit(App& app, const Request& request);   // POST /logout

// ---- staff (admin.cpp) --------------------------------------------------------------------------
Response admin_page(App& app, const Request& request);          // GET /admin
Response admin_login(App& app, const Request& request);         // POST /admin/login
Response admin_logout(App& app, const Request& request);        // POST /admin/logout
Response admin_portal(App& app, const Request& request);        // POST /admin/portal
Response admin_send_mode(App& app, const Request& request);     // POST /admin/send-mode
Response admin_create_client(App& app, const Request& request); // POST /admin/clients
Response admin_client_page(App& app, const Request& request);   // GET /admin/client?id=N
Response admin_add_contact(App& app, const Request& request);   // POST /admin/contacts
Response admin_test_clock(App& app, const Request& request);    // POST /admin/test-clock (--test-clock)

}  // namespace portal::pages
