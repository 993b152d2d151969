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
};

// A whole document: doctype, <html lang>, viewport meta, the stylesheet, a skip link, the header
// with the site name and the language switch, the sidebar (<nav>), then the body in <main>.
std::string render_page(const Page& page);

// <p id="id" class="error" role="alert">text</p>, for an input's aria-describedby.
std::string alert_paragraph(std::string_view id, std::string_view text);

// The stylesheet and the countdown script, served from memory.
std::string_view stylesheet();
std::string_view countdown_script();

}  // namespace portal
