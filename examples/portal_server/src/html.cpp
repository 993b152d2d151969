#include "html.hpp"

namespace portal {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

// The path of an href of this site without its query ("/profile?x" is "/profile"), or "".
std::string_view link_path(std::string_view href) {
    if (href.empty() || href[0] != '/') return {};
    return href.substr(0, href.find_first_of("?#"));
}

std::string nav_list(const Page& page, const std::vector<NavLink>& links, std::string_view label) {
    std::string html = "<nav class=\"sidebar\" aria-label=\"" + escape(label) + "\">\n<ul>\n";
    for (const auto& link : links) {
        const bool current = !page.current_path.empty() && link_path(link.href) == page.current_path;
        html += "<li><a href=\"" + escape(link.href) + "\"" + (current ? " aria-current=\"page\"" : "") + ">" +
                escape(link.title) + "</a></li>\n";
    }
    return html + "</ul>\n</nav>\n";
}

std::string logout_form(std::string_view action, std::string_view csrf, Lang lang, std::string_view label) {
    return "<form class=\"logout\" method=\"post\" action=\"" + escape(action) +
           "\">\n<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) +
           "\">\n<input type=\"hidden\" name=\"lang\" value=\"" + std::string(lang_code(lang)) +
           "\">\n<button type=\"submit\" class=\"secondary\">" + escape(label) + "</button>\n</form>\n";
}

}  // namespace

std::string render_page(const Page& page) {
    std::string html;
    html.reserve(page.body.size() + 2048);
    html += "<!doctype html>\n<html lang=\"";
    html += lang_code(page.lang);
    html += "\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    html += escape(page.title);
    if (page.staff) html += " – Staff";
    if (!page.site_name.empty()) html += " – " + escape(page.site_name);
    html += "</title>\n<link rel=\"stylesheet\" href=\"/static/portal.css\">\n";
    if (page.countdown_script) html += "<script src=\"/static/resend.js\" defer></script>\n";
    html += page.staff ? "</head>\n<body class=\"staff\">\n" : "</head>\n<body>\n";
    html += "<header class=\"site\">\n<p class=\"site-name\">";
    if (page.staff) html += "<span class=\"area\">Staff area</span> ";
    html += escape(page.site_name);
    html += "</p>\n";
    if (page.staff) {
        if (!page.staff_logout_csrf.empty())
            html += logout_form("/admin/logout", page.staff_logout_csrf, Lang::en, "Sign out");
        html += "</header>\n";
        if (!page.staff_logout_csrf.empty())
            html += nav_list(page, {{"Clients and settings", "/admin"}, {"View Portal", "/"}}, "Staff links");
    } else {
        if (!page.switch_href.empty()) {
            const Lang other = page.lang == Lang::es ? Lang::en : Lang::es;
            html += "<a class=\"lang\" lang=\"" + std::string(lang_code(other)) + "\" hreflang=\"" +
                    std::string(lang_code(other)) + "\" href=\"" + escape(page.switch_href) + "\">" +
                    escape(tr(page.lang, "switch_language")) + "</a>\n";
        }
        if (!page.logout_csrf.empty())
            html += logout_form("/logout", page.logout_csrf, page.lang, tr(page.lang, "logout_button"));
        html += "</header>\n";
        if (!page.nav.empty()) html += nav_list(page, page.nav, tr(page.lang, "nav_label"));
    }
    html += "<main id=\"main\">\n";
    html += page.body;
    html += "\n</main>\n</body>\n</html>\n";
    return html;
}

std::string stacked_table(std::string_view labelledby, const std::vector<std::string>& headers,
                          const std::vector<std::vector<std::string>>& rows) {
    std::string html = "<table class=\"stack\" role=\"table\" aria-labelledby=\"" + escape(labelledby) +
                       "\">\n<thead role=\"rowgroup\"><tr role=\"row\">";
    for (const auto& h : headers) html += "<th scope=\"col\" role=\"columnheader\">" + escape(h) + "</th>";
    html += "</tr></thead>\n<tbody role=\"rowgroup\">\n";
    for (const auto& row : rows) {
        html += "<tr role=\"row\">";
        for (std::size_t i = 0; i < row.size(); ++i)
            html += "<td role=\"cell\" data-label=\"" + escape(i < headers.size() ? headers[i] : std::string()) +
                    "\">" + row[i] + "</td>";
        html += "</tr>\n";
    }
    return html + "</tbody></table>\n";
}

std::string alert_paragraph(std::string_view id, std::string_view text) {
    return "<p id=\"" + escape(id) + "\" class=\"error\" role=\"alert\">" + escape(text) + "</p>\n";
}

std::string_view stylesheet() {
    return R"css(:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --accent: #0b4f9c; --error: #a4161a; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.125rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header.site { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: .75rem 1rem; border-bottom: 1px solid #ccc; }
.site-name { margin: 0; font-weight: 600; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
nav.sidebar { max-width: 52rem; margin: 0 auto; padding: .5rem 1rem 0; }
main > p, main > form, main > dl, .dashboard { max-width: 40rem; }
nav.sidebar ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.dashboard { white-space: pre-line; }
h1 { font-size: 1.6rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
label, legend { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
.hint { color: var(--muted); margin: 0 0 .5rem; }
input[type=text], input[type=password], select { width: 100%; max-width: 24rem; font: inherit; padding: .6rem; border: 2px solid #555; border-radius: 4px; }
input[aria-invalid=true] { border-color: var(--error); }
button, .button { display: inline-block; font: inherit; padding: .6rem 1.2rem; margin: 1rem .5rem 0 0; border: 2px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { background: #e6e6e6; border-color: #8a8a8a; color: #444; cursor: not-allowed; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
.error { color: var(--error); font-weight: 600; border-left: 4px solid var(--error); padding-left: .5rem; }
.notice { border-left: 4px solid var(--accent); padding-left: .5rem; }
.badge { display: inline-block; font-size: .85rem; padding: 0 .4rem; border-radius: 3px; background: #fde2e1; color: var(--error); border: 1px solid var(--error); }
fieldset { border: 0; padding: 0; margin: 0; }
.choice { display: flex; align-items: center; gap: .5rem; margin: .5rem 0; font-weight: 400; }
.choice input { width: 1.4rem; height: 1.4rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ddd; vertical-align: top; overflow-wrap: break-word; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: .95rem; }
.code { font: 700 1.25rem/1.2 ui-monospace, "DejaVu Sans Mono", monospace; letter-spacing: .08em; white-space: nowrap; }
header.site .lang { margin-left: auto; }
form.logout button { margin: 0; }
nav.sidebar a[aria-current=page] { font-weight: 700; color: var(--ink); text-decoration: none; border-bottom: 3px solid var(--accent); }
body.staff header.site { background: #1b2a3a; color: #fff; border-bottom: 0; }
body.staff header.site .area { display: inline-block; font-size: .85rem; text-transform: uppercase; letter-spacing: .05em; background: #f9a825; color: #1b1b1b; padding: 0 .4rem; border-radius: 3px; margin-right: .4rem; }
body.staff header.site button { background: #1b2a3a; color: #fff; border-color: #fff; }
body.staff main, body.staff nav.sidebar { max-width: 64rem; }
dd { margin: 0 0 .75rem; }
dt { font-weight: 600; }
.empty-value { color: var(--muted); font-style: italic; }
#resend-wait.hint { margin: 1.25rem 0 0; }
@media (max-width: 40rem) {
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border: 1px solid #bbb; border-radius: 4px; margin: 0 0 .75rem; padding: .25rem .6rem; }
  table.stack td { display: grid; grid-template-columns: minmax(5.5rem, 35%) 1fr; column-gap: .5rem; border: 0; padding: .3rem 0; }
  table.stack td::before { content: attr(data-label); font-weight: 600; grid-column: 1; grid-row: 1 / span 4; }
  table.stack td > * { grid-column: 2; }
  table.stack td:empty { display: none; }
}
@media (max-width: 30rem) { body { font-size: 1rem; } main button { width: 100%; } header.site { flex-wrap: wrap; } }
)css";
}

std::string_view countdown_script() {
    // One countdown: the [data-countdown] number in the page, counted down each second; at 0 the
    // line that holds it is hidden and the resend button enabled.
    return R"js((function () {
  var button = document.querySelector('[data-wait-seconds]');
  if (!button) return;
  var shown = document.querySelector('[data-countdown]');
  var left = parseInt(button.getAttribute('data-wait-seconds'), 10);
  var timer = setInterval(function () {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      button.disabled = false;
      button.removeAttribute('aria-describedby');
      if (shown && shown.parentNode && shown.parentNode.id === 'resend-wait' && !shown.parentNode.classList.contains('notice')) shown.parentNode.hidden = true;
      else if (shown) shown.textContent = '0';
    } else if (shown) {
      shown.textContent = String(left);
    }
  }, 1000);
})();
)js";
}

}  // namespace portal
