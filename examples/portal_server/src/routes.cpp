// Every route of the portal, one line each. A new page is a handler in src/pages/ and a line here.
#include "app.hpp"
#include "pages/pages.hpp"

namespace portal {

void add_routes(Router& router, const AppOptions& options) {
    const bool admin_enabled = options.staff_token.has_value();
    router.add("GET", "/static/portal.css", pages::stylesheet);
    router.add("GET", "/static/resend.js", pages::countdown_script);

    router.add("GET", "/", pages::login_page);
    router.add("POST", "/login", pages::login_submit);
    router.add("GET", "/verify", pages::verify_page);
    router.add("POST", "/verify", pages::verify_submit);
    router.add("POST", "/resend", pages::resend_submit);
    router.add("GET", "/choose", pages::choose_page);
    router.add("POST", "/choose", pages::choose_submit);
    router.add("GET", "/dashboard", pages::dashboard_page);
    router.add("GET", "/documents/*", pages::document_download);
    router.add("POST", "/logout", pages::logout_submit);
    router.add("GET", "/profile", pages::profile_page);
    router.add("POST", "/profile", pages::profile_submit);
    router.add("GET", "/uploads", pages::uploads_page);
    router.add("POST", "/uploads", pages::upload_submit);
    router.add("GET", "/uploads/*", pages::upload_download);
    router.add("GET", "/calendars/*", pages::calendar_page);
    router.add("GET", "/forms/*", pages::form_page);

    // Without a staff token the admin area does not exist: its paths answer 404.
    if (admin_enabled) {
        router.add("GET", "/admin", pages::admin_page);
        router.add("POST", "/admin/login", pages::admin_login);
        router.add("POST", "/admin/logout", pages::admin_logout);
        router.add("POST", "/admin/portal", pages::admin_portal);
        router.add("POST", "/admin/send-mode", pages::admin_send_mode);
        router.add("POST", "/admin/clients", pages::admin_create_client);
        router.add("GET", "/admin/client", pages::admin_client_page);
        router.add("POST", "/admin/contacts", pages::admin_add_contact);
        if (options.test_clock) router.add("POST", "/admin/test-clock", pages::admin_test_clock);
    }
}

}  // namespace portal
