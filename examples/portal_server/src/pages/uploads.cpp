// GET /uploads, POST /uploads and GET /uploads/<id>: the signed-in client's own uploads (photos
// and documents), a multipart/form-data form to send one, and the download of each. The engine
// checks the portal's upload policy, the size and the type from the file's first bytes.
#include <cstdio>

#include "multipart.hpp"
#include "pages/pages.hpp"

namespace portal::pages {

namespace {

using sesame::UploadKind;

struct UploadsView {
    std::string error;
    std::string notice;
    int status = 200;
    std::string kind = {};  // the kind chosen in the form, kept after an error
};

std::string kind_text(Lang lang, UploadKind kind) {
    return tr(lang, kind == UploadKind::photo ? "upload_kind_photo" : "upload_kind_document");
}

Response render(App& app, const SignedIn& in, const UploadsView& view) {
    const Lang lang = in.lang;
    auto uploads = app.engine().client_uploads(in.portal.id, in.token);
    auto policy = app.engine().get_upload_policy(app.staff(), in.portal.id);
    if (uploads.code() == sesame::Code::session_invalid) return signed_out(app);
    if (!uploads.ok() || !policy.ok()) {
        std::fprintf(stderr, "error: uploads: %s\n", sesame::code_name(!uploads.ok() ? uploads.code() : policy.code()));
        Response r = app.server_error(lang);
        r.no_store = true;
        return r;
    }

    std::string body = "<h1>" + escape(tr(lang, "uploads_title")) + "</h1>\n";
    if (!view.notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(view.notice) + "</p>\n";

    body += "<h2 id=\"sent\">" + escape(tr(lang, "uploads_sent_heading")) + "</h2>\n";
    if (uploads->empty()) {
        body += "<p>" + escape(tr(lang, "uploads_none")) + "</p>\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& u : *uploads)
            rows.push_back({"<a href=\"/uploads/" + std::to_string(u.id) + "\">" + escape(u.file_name) + "</a>",
                            escape(kind_text(lang, u.kind)), escape(size_text(u.size)),
                            escape(format_date(lang, today(u.created_at)))});
        body += stacked_table("sent", {tr(lang, "col_name"), tr(lang, "col_type"), tr(lang, "col_size"), tr(lang, "col_date")},
                              rows);
    }

    body += "<h2>" + escape(tr(lang, "upload_heading")) + "</h2>\n";
    if (!view.error.empty()) body += alert_paragraph("upload-error", view.error);
    if (!policy->allow_photos && !policy->allow_documents) {
        body += "<p>" + escape(tr(lang, "uploads_off")) + "</p>\n";
    } else {
        std::string types;
        std::string accept;
        if (policy->allow_documents) {
            types = "PDF, JPEG, PNG";
            accept = ".pdf,.jpg,.jpeg,.png,.heic,application/pdf,image/jpeg,image/png,image/heic";
        } else {
            types = "JPEG, PNG";
            accept = ".jpg,.jpeg,.png,.heic,image/jpeg,image/png,image/heic";
        }
        const std::string described = view.error.empty() ? "upload-hint" : "upload-hint upload-error";
        body += "<form method=\"post\" action=\"/uploads\" enctype=\"multipart/form-data\" novalidate>\n" +
                hidden_fields(app, CookieKind::session, in.token, lang) +
                "<label for=\"file\">" + escape(tr(lang, "upload_file_label")) + "</label>\n<p id=\"upload-hint\" "
                "class=\"hint\">" + escape(tr(lang, "upload_hint", {{"types", types}, {"size", size_text(policy->max_bytes)}})) +
                "</p>\n<input type=\"file\" id=\"file\" name=\"file\" accept=\"" + accept +
                "\" required aria-describedby=\"" + described + "\"" +
                (view.error.empty() ? std::string() : std::string(" aria-invalid=\"true\"")) + ">\n<label for=\"kind\">" +
                escape(tr(lang, "upload_kind_label")) + "</label>\n<select id=\"kind\" name=\"kind\">\n";
        if (policy->allow_documents)
            body += "<option value=\"document\"" + std::string(view.kind == "document" ? " selected" : "") + ">" +
                    escape(kind_text(lang, UploadKind::document)) + "</option>\n";
        if (policy->allow_photos)
            body += "<option value=\"photo\"" + std::string(view.kind == "photo" ? " selected" : "") + ">" +
                    escape(kind_text(lang, UploadKind::photo)) + "</option>\n";
        body += "</select>\n<button type=\"submit\">" + escape(tr(lang, "upload_button")) + "</button>\n</form>\n";
    }
    Response r = app.page(lang, tr(lang, "uploads_title"), body, view.status);
    r.no_store = true;
    return signed_in_layout(app, in, r);
}

}  // namespace

Response uploads_page(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    return render(app, in, {});
}

Response upload_submit(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    const Lang lang = in.lang;

    const std::string boundary = multipart_boundary(request.content_type);
    std::vector<MultipartPart> parts;
    const std::string problem =
        boundary.empty() ? "not multipart/form-data with a boundary" : parse_multipart(request.body, boundary, parts);
    if (!problem.empty()) {  // nothing is used of a malformed body: the page again, with what to do
        std::fprintf(stderr, "warning: POST /uploads: %s\n", problem.c_str());
        return render(app, in, {tr(lang, "err_upload_form"), {}, 400});
    }
    // The CSRF token travels in the multipart body: check it before anything else is used.
    Request fields;  // the text fields, and the cookies the CSRF token is keyed from
    fields.cookies = request.cookies;
    for (const auto& part : parts)
        if (!part.file_name) fields.form.emplace(part.name, part.body);
    if (!app.csrf_ok(fields, CookieKind::session)) return app.forbidden(lang);
    const std::string chosen = fields.param("kind");  // shown selected again after an error

    const MultipartPart* file = nullptr;
    for (const auto& part : parts)
        if (part.name == "file" && part.file_name) file = &part;
    if (!file || (file->file_name->empty() && file->body.empty()))
        return render(app, in, {tr(lang, "err_upload_no_file"), {}, 400, chosen});
    if (file->body.empty()) return render(app, in, {tr(lang, "err_upload_empty"), {}, 400, chosen});
    UploadKind kind = UploadKind::document;
    if (!sesame::parse(fields.param("kind"), kind)) return render(app, in, {tr(lang, "err_upload_kind"), {}, 400, chosen});

    auto policy = app.engine().get_upload_policy(app.staff(), in.portal.id);
    const std::vector<std::uint8_t> bytes(file->body.begin(), file->body.end());
    auto uploaded = app.engine().upload(in.portal.id, in.token, kind, *file->file_name, bytes);
    if (uploaded.ok())
        return render(app, in, {{}, tr(lang, "upload_done", {{"name", uploaded->file_name}}), 200, chosen});
    switch (uploaded.code()) {
        case sesame::Code::session_invalid: return signed_out(app);
        case sesame::Code::selection_required: return redirect("/choose");
        case sesame::Code::permission_denied:
            return render(app, in, {tr(lang, "err_upload_kind_off", {{"kind", kind_text(lang, kind)}}), {}, 403, chosen});
        case sesame::Code::invalid_argument: {
            if (policy.ok() && static_cast<std::int64_t>(bytes.size()) > policy->max_bytes)
                return render(app, in, {tr(lang, "err_upload_size", {{"size", size_text(policy->max_bytes)}}), {}, 413, chosen});
            const std::string types = kind == UploadKind::photo ? "JPEG, PNG" : "PDF, JPEG, PNG";
            return render(app, in, {tr(lang, "err_upload_type", {{"types", types}}), {}, 415, chosen});
        }
        default: {
            std::fprintf(stderr, "error: upload: %s: %s\n", sesame::code_name(uploaded.code()),
                         uploaded.status().message().c_str());
            Response r = render(app, in, {tr(lang, "err_generic"), {}, 500, chosen});
            r.status = 500;
            return r;
        }
    }
}

Response upload_download(App& app, const Request& request) {
    SignedIn in;
    if (auto elsewhere = require_client(app, request, in)) return *elsewhere;
    const auto id = parse_id(path_tail(request, "/uploads/"));
    if (!id) return app.not_found(in.lang);
    auto file = app.engine().download_upload(in.portal.id, in.token, *id);
    if (file.ok()) return file_response(*file);
    if (file.code() == sesame::Code::session_invalid) return signed_out(app);
    if (file.code() != sesame::Code::not_found)
        std::fprintf(stderr, "error: download_upload: %s: %s\n", sesame::code_name(file.code()),
                     file.status().message().c_str());
    Response r = file.code() == sesame::Code::not_found ? app.not_found(in.lang) : app.server_error(in.lang);
    r.no_store = true;
    return r;
}

}  // namespace portal::pages
