// The page handlers, one file each (or one file per small group of steps), and what they share.
#pragma once

#include <optional>
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
// A stored phone number (E.164) as people of `region` (the agency's, "US") write it: "(555)
// 123-4567"; a number of another country in international form; unparseable text as it is.
std::string phone_display(const std::string& number, const std::string& region);
// Trims spaces and tabs at both ends.
std::string trimmed(const std::string& text);

// The signed-in client behind a request's session cookie.
struct SignedIn {
    sesame::Portal portal;
    std::string token;
    sesame::Client client;
    Lang lang = Lang::en;  // the client's language, else the portal's default
};
// Fills `out` and returns nothing when the request has a live session bound to a client.
// Otherwise the response to send instead: to /choose while a client must be chosen; to "/" (with
// ?next=<the request's path> for a GET, clearing a dead session cookie) without a session; a
// server error when the engine fails.
std::optional<Response> require_client(App& app, const Request& request, SignedIn& out);
// "/?next=<path>" (the path percent-encoded but for its slashes); "/" for the dashboard or a path
// safe_next refuses.
std::string login_with_next(const std::string& path);
// Lays `page` out as a signed-in client's: "Log out" in the header, their own pages in the sidebar.
Response& signed_in_layout(App& app, const SignedIn& in, Response& page);
// The session cookie cleared, back to the start page.
Response signed_out(App& app);

// The part of the path after `prefix` ("/documents/12" after "/documents/" is "12").
std::string path_tail(const Request& request, std::string_view prefix);
// A whole decimal id (no sign, no spaces), or nullopt.
std::optional<sesame::Id> parse_id(std::string_view text);
// "12 KB", "1.5 MB": a file's size as a person reads it.
std::string size_text(std::int64_t bytes);
// A file sent for download: its type, Content-Disposition: attachment with its safe name, no-store.
Response file_response(const sesame::FileDownload& file);

// A return path for after sign-in: a path of this site only ("/" then anything but a second "/"
// or a backslash; no control characters or spaces; at most 512 bytes). Anything else is refused,
// so a link cannot send the visitor to another site.
bool safe_next(std::string_view next);

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
Response document_download(App& app, const Request& request);  // GET /documents/<id>
Response logout_submit(App& app, const Request& request);   // POST /logout

// ---- the client's own profile (profile.cpp) ------------------------------------------------------
Response profile_page(App& app, const Request& request);    // GET /profile
Response profile_submit(App& app, const Request& request);  // POST /profile

// ---- the client's uploads (uploads.cpp) -----------------------------------------------------------
Response uploads_page(App& app, const Request& request);     // GET /uploads
Response upload_submit(App& app, const Request& request);    // POST /uploads (multipart/form-data)
Response upload_download(App& app, const Request& request);  // GET /uploads/<id>

// ---- calendars and forms behind Engine::can_access (gated.cpp) ---------------------------------
Response calendar_page(App& app, const Request& request);  // GET /calendars/<slug>
Response form_page(App& app, const Request& request);      // GET /forms/<slug>

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
