// GET /profile and POST /profile: the signed-in client's own profile as the portal's profile
// policy allows (Engine::profile / update_profile). Editable fields are inputs of one form,
// read-only ones text; a POST that tries to change a read-only field is refused whole (422).
#include <cstdio>

#include "pages/pages.hpp"

namespace portal::pages {

namespace {

using sesame::FieldPolicy;

constexpr std::size_t kValueMax = 200;  // the engine's bound on a client field

std::string label(Lang lang, const std::string& field) { return tr(lang, "field_" + field); }

struct ProfileView {
    std::map<std::string, std::string> values;  // what the form shows, by field (submitted ones on error)
    std::string error;
    std::string notice;
    int status = 200;
};

// A read-only value as a <dd>: dates and languages as people read them, "Not on file" when empty.
std::string shown_value(Lang lang, const std::string& field, const std::string& value) {
    if (trimmed(value).empty()) return "<dd class=\"empty-value\">" + escape(tr(lang, "not_on_file")) + "</dd>";
    std::string text = value;
    Lang named = lang;
    if (field == "dob") text = format_date(lang, value);
    else if (field == "language" && parse_lang(value, named)) text = tr(lang, "language_" + std::string(lang_code(named)));
    else if (field == "status" || field == "type" || field == "gender") text = term(lang, value);
    return "<dd>" + escape(text) + "</dd>";
}

Response render(App& app, const SignedIn& in, const sesame::Profile& profile, const ProfileView& view) {
    const Lang lang = in.lang;
    auto agency = app.engine().get_agency(app.staff(), in.portal.agency_id);
    const std::string region = agency.ok() ? agency->default_region : std::string("US");
    std::string body = "<h1>" + escape(tr(lang, "profile_title")) + "</h1>\n";
    if (!view.notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(view.notice) + "</p>\n";
    if (!view.error.empty()) body += alert_paragraph("profile-error", view.error);

    std::string fixed;
    std::string inputs;
    for (const auto& f : profile.fields) {
        const auto shown = view.values.find(f.name);
        const std::string value = shown != view.values.end() ? shown->second : f.value;
        if (f.policy == FieldPolicy::editable && f.name == "language") {
            // A choice of the languages the portal speaks, each named in itself too.
            Lang chosen = lang;
            parse_lang(value, chosen);
            inputs += "<label for=\"language\">" + escape(label(lang, f.name)) + "</label>\n<p id=\"language-hint\" "
                      "class=\"hint\">" + escape(tr(lang, "language_choice_hint")) + "</p>\n<select id=\"language\" "
                      "name=\"language\" aria-describedby=\"language-hint" +
                      std::string(view.error.empty() ? "" : " profile-error") + "\">\n";
            for (const Lang option : {Lang::en, Lang::es}) {
                const std::string code(lang_code(option));
                inputs += "<option value=\"" + code + "\"" + (option == chosen ? " selected" : "") + ">" +
                          escape(tr(lang, "language_" + code)) + "</option>\n";
            }
            inputs += "</select>\n";
        } else if (f.policy == FieldPolicy::editable) {
            const std::string type = f.name == "dob" ? "date" : "text";
            inputs += "<label for=\"" + escape(f.name) + "\">" + escape(label(lang, f.name)) + "</label>\n<input type=\"" +
                      type + "\" id=\"" + escape(f.name) + "\" name=\"" + escape(f.name) + "\" value=\"" +
                      escape(value) + "\" maxlength=\"" + std::to_string(kValueMax) + "\"";
            if (!view.error.empty()) inputs += " aria-describedby=\"profile-error\"";
            inputs += ">\n";
        } else {
            fixed += "<dt>" + escape(label(lang, f.name)) + "</dt>" + shown_value(lang, f.name, f.value) + "\n";
        }
    }
    for (const auto& c : profile.contacts) {
        const std::string kind(sesame::to_string(c.kind));
        const std::string value = c.kind == sesame::ContactKind::phone ? phone_display(c.value, region) : c.value;
        fixed += "<dt>" + escape(label(lang, kind)) + "</dt><dd>" + escape(value) + "</dd>\n";
    }
    if (!fixed.empty()) {
        body += "<h2>" + escape(tr(lang, "profile_fixed_heading")) + "</h2>\n<p class=\"hint\">" +
                escape(tr(lang, "profile_fixed_hint")) + "</p>\n<dl>\n" + fixed + "</dl>\n";
    }
    if (!inputs.empty()) {
        body += "<h2>" + escape(tr(lang, "profile_edit_heading")) + "</h2>\n<form method=\"post\" action=\"/profile\" "
                "novalidate>\n" + hidden_fields(app, CookieKind::session, in.token, lang) + inputs +
                "<button type=\"submit\">" + escape(tr(lang, "save_button")) + "</button>\n</form>\n";
    }
    Response r = app.page(lang, tr(lang, "profile_title"), body, view.status);
    r.no_store = true;
    return signed_in_layout(app, in, r);
}

// An engine failure of a signed-in page: out when the session died, else a server error.
Response failure(App& app, const SignedIn& in, const sesame::Status& status, const char* what) {
    if (status.code() == sesame::Code::session_invalid) return signed_out(app);
    if (status.code() == sesame::Code::selection_required) return redirect("/choose");
    std::fprintf(stderr, "error: %s: %s: %s\n", what, sesame::code_name(status.code()), status.message().c_str());
    Response r = app.server_error(in.lang);
    r.no_store = true;
    return r;
}

}  // namespace

Response profile_page(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    auto profile = app.engine().profile(in.portal.id, in.token);
    if (!profile.ok()) return failure(app, in, profile.status(), "profile");
    return render(app, in, *profile, {});
}

Response profile_submit(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    if (!app.csrf_ok(request, CookieKind::session)) return app.forbidden(in.lang);
    auto profile = app.engine().profile(in.portal.id, in.token);
    if (!profile.ok()) return failure(app, in, profile.status(), "profile");

    ProfileView view;
    std::map<std::string, std::string> changes;
    std::string refused;  // the first field the client may not change here
    for (const auto& [name, raw] : request.form) {
        if (!sesame::is_profile_field(name)) continue;  // csrf, lang, and anything else
        const std::string value = trimmed(raw);
        view.values[name] = value;
        const sesame::ProfileField* field = nullptr;
        for (const auto& f : profile->fields)
            if (f.name == name) field = &f;
        const bool contact = name == "phone" || name == "email";
        if (contact || !field || field->policy != FieldPolicy::editable) {
            // Sending a read-only field back unchanged is harmless; any change of it is refused.
            if (contact || !field || field->value != value) {
                if (refused.empty()) refused = name;
            }
            continue;
        }
        if (value != field->value) changes[name] = value;
    }
    if (!refused.empty()) {
        view.error = tr(in.lang, "err_profile_read_only", {{"field", label(in.lang, refused)}});
        view.status = 422;
        return render(app, in, *profile, view);
    }
    for (const auto& [name, value] : changes) {
        if (value.size() > kValueMax) {
            view.error = tr(in.lang, "err_profile_invalid", {{"field", label(in.lang, name)}});
            view.status = 400;
            return render(app, in, *profile, view);
        }
    }
    if (changes.empty()) return render(app, in, *profile, {{}, {}, tr(in.lang, "saved"), 200});

    auto updated = app.engine().update_profile(in.portal.id, in.token, changes);
    if (!updated.ok()) {
        if (updated.code() == sesame::Code::invalid_argument || updated.code() == sesame::Code::permission_denied) {
            // The engine names the field at fault in its message.
            std::string field = changes.begin()->first;
            for (const auto& [name, value] : changes)
                if (updated.status().message().find(name) != std::string::npos) field = name;
            view.error = updated.code() == sesame::Code::permission_denied
                             ? tr(in.lang, "err_profile_read_only", {{"field", label(in.lang, field)}})
                             : tr(in.lang, "err_profile_invalid", {{"field", label(in.lang, field)}});
            view.status = updated.code() == sesame::Code::permission_denied ? 422 : 400;
            return render(app, in, *profile, view);
        }
        return failure(app, in, updated.status(), "update_profile");
    }
    // The language may have changed: the page answers in the new one.
    if (auto it = changes.find("language"); it != changes.end()) parse_lang(it->second, in.lang);
    return render(app, in, *updated, {{}, {}, tr(in.lang, "saved"), 200});
}

}  // namespace portal::pages
