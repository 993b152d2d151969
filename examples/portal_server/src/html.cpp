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

std::string render_page(const Page& page) {
    std::string html;
    html.reserve(page.body.size() + 1024);
    html += "<!doctype html>\n<html lang=\"";
    html += lang_code(page.lang);
    html += "\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    html += escape(page.title);
    if (!page.site_name.empty()) html += " – " + escape(page.site_name);
    html += "</title>\n<link rel=\"stylesheet\" href=\"/static/portal.css\">\n";
    if (page.countdown_script) html += "<script src=\"/static/resend.js\" defer></script>\n";
    html += "</head>\n<body>\n<header class=\"site\">\n<p class=\"site-name\">";
    html += escape(page.site_name);
    html += "</p>\n";
    if (!page.switch_href.empty()) {
        const Lang other = page.lang == Lang::es ? Lang::en : Lang::es;
        html += "<a class=\"lang\" lang=\"" + std::string(lang_code(other)) + "\" hreflang=\"" +
                std::string(lang_code(other)) + "\" href=\"" + escape(page.switch_href) + "\">" +
                escape(tr(page.lang, "switch_language")) + "</a>\n";
    }
    html += "</header>\n";
    if (!page.nav.empty()) {
        html += "<nav class=\"sidebar\" aria-label=\"" + escape(tr(page.lang, "nav_label")) + "\">\n<ul>\n";
        for (const auto& link : page.nav)
            html += "<li><a href=\"" + escape(link.href) + "\">" + escape(link.title) + "</a></li>\n";
        html += "</ul>\n</nav>\n";
    }
    html += "<main id=\"main\">\n";
    html += page.body;
    html += "\n</main>\n</body>\n</html>\n";
    return html;
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
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
nav.sidebar { max-width: 40rem; margin: 0 auto; padding: .5rem 1rem 0; }
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
th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.table-wrap { overflow-x: auto; }
pre { white-space: pre-wrap; }
@media (max-width: 30rem) { body { font-size: 1rem; } button { width: 100%; } }
)css";
}

std::string_view countdown_script() {
    return R"js((function () {
  var button = document.querySelector('[data-wait-seconds]');
  if (!button) return;
  var left = parseInt(button.getAttribute('data-wait-seconds'), 10);
  var label = button.getAttribute('data-ready-label');
  var template = button.getAttribute('data-wait-label');
  var timer = setInterval(function () {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      button.disabled = false;
      button.textContent = label;
    } else {
      button.textContent = template.replace('{seconds}', String(left));
    }
  }, 1000);
})();
)js";
}

}  // namespace portal
