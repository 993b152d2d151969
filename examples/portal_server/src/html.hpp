// HTML output: the one escaping helper every page writes text through, and the page layout.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "i18n.hpp"

namespace portal {

// Escapes & < > " ' so that text is safe in element content and in quoted attribute values.
std::string escape(std::string_view text);

// One link of the portal's sidebar: plain text and a link the engine has checked (a "/path" of
// this site or an https:// URL).
struct NavLink {
    std::string title;
    std::string href;
};

struct Page {
    Lang lang = Lang::en;
    std::string title;        // plain text: the <title>, after the site name
    std::string site_name;    // plain text: the portal's name in the header
    std::string body;         // HTML, built with escape(); holds the page's one <h1>
    std::string switch_href;  // the other language's link ("/?lang=es"), or "" for none
    bool countdown_script = false;  // the optional resend countdown (/static/resend.js)
    std::vector<NavLink> nav;  // the sidebar; no <nav> when empty
    std::string current_path;  // the request's path: its sidebar link gets aria-current="page"
    // A page with a session: the CSRF token of the header's "Log out" form, else "".
    std::string logout_csrf;
    bool client_links = false;  // a client is signed in: their own pages lead the sidebar
    // A staff page: the staff layout (its own header and links, no client sidebar); the admin
    // sign-out form's CSRF token when staff are signed in, else "".
    bool staff = false;
    std::string staff_logout_csrf;
};

// A whole document: doctype, <html lang>, viewport meta, the stylesheet, the header with the site
// name, the language switch and (signed in) "Log out", the sidebar (<nav>) with the current page
// marked, then the body in <main>. Staff pages get the staff header and links instead.
std::string render_page(const Page& page);

// A table that is a table on wide screens and one card per row on a phone: each cell carries its
// column's name (data-label) for the stylesheet to show beside it, and explicit table roles keep
// the rows and headers for screen readers once the layout is no longer a grid. `headers` are
// plain text; each row's cells are HTML (built with escape()), one per header; an empty cell is
// left out of the card.
std::string stacked_table(std::string_view labelledby, const std::vector<std::string>& headers,
                          const std::vector<std::vector<std::string>>& rows);

// <p id="id" class="error" role="alert">text</p>, for an input's aria-describedby.
std::string alert_paragraph(std::string_view id, std::string_view text);

// The stylesheet and the countdown script, served from memory.
std::string_view stylesheet();
std::string_view countdown_script();

}  // namespace portal
