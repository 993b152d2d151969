// Uploads over the C ABI: a client's uploads and downloads, and the staff calls for the upload
// policy, document files and a client's uploads. Bytes cross as pointer + size in, sesame_buf out.
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "capi/internal.hpp"
#include "capi/json_text.hpp"
#include "capi/staff_calls.hpp"

using sesame::capi::fail;
using sesame::capi::give;
using sesame::capi::guard;
using sesame::capi::staff_calls::bad;
using sesame::capi::staff_calls::emit;
using sesame::capi::staff_calls::staff_call;
using nlohmann::json;

namespace {

json write(const sesame::Upload& u) {
    return {{"id", u.id},
            {"agency_id", u.agency_id},
            {"portal_id", u.portal_id},
            {"client_id", u.client_id},
            {"kind", std::string(sesame::to_string(u.kind))},
            {"file_name", u.file_name},
            {"content_type", u.content_type},
            {"size", u.size},
            {"sha256", u.sha256},
            {"created_at", u.created_at}};
}

json write(const std::vector<sesame::Upload>& v) {
    json a = json::array();
    for (const auto& u : v) a.push_back(write(u));
    return a;
}

json write(const sesame::UploadPolicy& p) {
    return {{"portal_id", p.portal_id},
            {"allow_photos", p.allow_photos},
            {"allow_documents", p.allow_documents},
            {"max_bytes", p.max_bytes}};
}

json write(const sesame::DocumentFile& f) {
    return {{"document_id", f.document_id}, {"file_name", f.file_name}, {"content_type", f.content_type},
            {"size", f.size},               {"sha256", f.sha256},       {"created_at", f.created_at}};
}

template <class T>
sesame_status answer(sesame_buf* out_json, const sesame::Result<T>& r) {
    if (!r) return fail(r.status());
    return emit(out_json, write(*r));
}

// Bytes in *out_bytes and what describes them in *out_json; both or neither.
sesame_status answer_file(sesame_buf* out_bytes, sesame_buf* out_json, const sesame::Result<sesame::FileDownload>& r) {
    if (!r) return fail(r.status());
    const json meta = {{"content_type", r->content_type},
                       {"file_name", r->file_name},
                       {"size", static_cast<std::int64_t>(r->bytes.size())}};
    const std::string_view data(reinterpret_cast<const char*>(r->bytes.data()), r->bytes.size());
    if (sesame_status st = give(out_bytes, data); st != SESAME_OK) return st;
    if (sesame_status st = emit(out_json, meta); st != SESAME_OK) {
        sesame_buf_free(out_bytes);
        return st;
    }
    return SESAME_OK;
}

sesame::Result<std::vector<std::uint8_t>> bytes_of(const char* fn, const uint8_t* bytes, size_t size) {
    if (!bytes && size > 0)
        return sesame::Status(sesame::Code::invalid_argument, fmt::format("{}: bytes is NULL but size is {}", fn, size));
    if (size > static_cast<size_t>(sesame::kUploadMaxBytesLimit))
        return sesame::Status(sesame::Code::invalid_argument,
                              fmt::format("{}: the file is larger than the limit of 50 MiB ({} bytes): send a smaller file",
                                          fn, sesame::kUploadMaxBytesLimit));
    if (size == 0) return std::vector<std::uint8_t>{};
    return std::vector<std::uint8_t>(bytes, bytes + size);
}

template <class F>
sesame_status client_call(const char* fn, sesame_engine* engine, const char* token, F&& body) {
    return guard([&]() -> sesame_status {
        if (!engine || !engine->rep) return bad(fmt::format("{}: engine is NULL", fn));
        if (!token) return bad(fmt::format("{}: token is NULL", fn));
        return body(*engine->rep, std::string(token));
    });
}

bool read_bool(const json& j, const char* name, bool& out, std::string& error) {
    auto it = j.find(name);
    if (it == j.end()) return true;
    if (!it->is_boolean()) {
        error = fmt::format("field \"policy.{}\" must be true or false", name);
        return false;
    }
    out = it->get<bool>();
    return true;
}

}  // namespace

extern "C" {

sesame_status sesame_upload(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token,
                            int32_t kind, const char* file_name, const uint8_t* bytes, size_t size) {
    constexpr const char* fn = "sesame_upload";
    return client_call(fn, engine, token, [&](sesame::Engine& e, const std::string& t) -> sesame_status {
        if (!out_json) return bad(fmt::format("{}: out_json is NULL", fn));
        if (kind != SESAME_UPLOAD_PHOTO && kind != SESAME_UPLOAD_DOCUMENT)
            return bad(fmt::format("{}: kind must be SESAME_UPLOAD_PHOTO or SESAME_UPLOAD_DOCUMENT", fn));
        auto data = bytes_of(fn, bytes, size);
        if (!data) return fail(data.status());
        const auto k = kind == SESAME_UPLOAD_PHOTO ? sesame::UploadKind::photo : sesame::UploadKind::document;
        return answer(out_json, e.upload(portal_id, t, k, file_name ? file_name : "", *data));
    });
}

sesame_status sesame_uploads_list(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token) {
    return client_call("sesame_uploads_list", engine, token, [&](sesame::Engine& e, const std::string& t) -> sesame_status {
        if (!out_json) return bad("sesame_uploads_list: out_json is NULL");
        return answer(out_json, e.client_uploads(portal_id, t));
    });
}

sesame_status sesame_upload_download(sesame_buf* out_bytes, sesame_buf* out_json, sesame_engine* engine,
                                     int64_t portal_id, const char* token, int64_t upload_id) {
    return client_call("sesame_upload_download", engine, token, [&](sesame::Engine& e, const std::string& t) -> sesame_status {
        if (!out_bytes || !out_json) return bad("sesame_upload_download: out_bytes or out_json is NULL");
        return answer_file(out_bytes, out_json, e.download_upload(portal_id, t, upload_id));
    });
}

sesame_status sesame_document_download(sesame_buf* out_bytes, sesame_buf* out_json, sesame_engine* engine,
                                       int64_t portal_id, const char* token, int64_t document_id) {
    return client_call("sesame_document_download", engine, token, [&](sesame::Engine& e, const std::string& t) -> sesame_status {
        if (!out_bytes || !out_json) return bad("sesame_document_download: out_bytes or out_json is NULL");
        return answer_file(out_bytes, out_json, e.download_document(portal_id, t, document_id));
    });
}

sesame_status sesame_upload_policy_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                       int64_t portal_id) {
    return staff_call("sesame_upload_policy_get", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return answer(out_json, e.get_upload_policy(a, portal_id));
    });
}

sesame_status sesame_upload_policy_set(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                       const char* policy_json) {
    constexpr const char* fn = "sesame_upload_policy_set";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        if (!policy_json) return bad(fmt::format("{}: policy_json is NULL", fn));
        json j;
        std::string why;
        if (!sesame::capi::parse_json(policy_json, j, why)) return bad(fmt::format("{}: policy_json {}", fn, why));
        if (!j.is_object()) return bad(fmt::format("{}: policy_json must be a JSON object", fn));
        for (const auto& [key, value] : j.items())
            if (key != "portal_id" && key != "allow_photos" && key != "allow_documents" && key != "max_bytes")
                return bad(fmt::format("{}: the policy has no field \"{}\"", fn, key));
        auto id = j.find("portal_id");
        if (id == j.end() || !id->is_number_integer())
            return bad(fmt::format("{}: field \"policy.portal_id\" is required and must be an integer", fn));
        auto current = e.get_upload_policy(a, id->get<std::int64_t>());
        if (!current) return fail(current.status());
        sesame::UploadPolicy p = *current;
        std::string error;
        if (!read_bool(j, "allow_photos", p.allow_photos, error) || !read_bool(j, "allow_documents", p.allow_documents, error))
            return bad(fmt::format("{}: {}", fn, error));
        if (auto m = j.find("max_bytes"); m != j.end()) {
            if (!m->is_number_integer()) return bad(fmt::format("{}: field \"policy.max_bytes\" must be an integer", fn));
            p.max_bytes = m->get<std::int64_t>();
        }
        return answer(out_json, e.set_upload_policy(a, p));
    });
}

sesame_status sesame_document_attach(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                     int64_t document_id, const char* file_name, const uint8_t* bytes, size_t size) {
    constexpr const char* fn = "sesame_document_attach";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto data = bytes_of(fn, bytes, size);
        if (!data) return fail(data.status());
        return answer(out_json, e.attach_document_file(a, document_id, file_name ? file_name : "", *data));
    });
}

sesame_status sesame_upload_staff_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                       int64_t client_id) {
    return staff_call("sesame_upload_staff_list", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return answer(out_json, e.list_uploads(a, client_id));
    });
}

sesame_status sesame_upload_staff_download(sesame_buf* out_bytes, sesame_buf* out_json, sesame_engine* engine,
                                           const sesame_actor* actor, int64_t upload_id) {
    constexpr const char* fn = "sesame_upload_staff_download";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        if (!out_bytes) return bad(fmt::format("{}: out_bytes is NULL", fn));
        return answer_file(out_bytes, out_json, e.download_upload(a, upload_id));
    });
}

sesame_status sesame_upload_delete(sesame_engine* engine, const sesame_actor* actor, int64_t upload_id) {
    return staff_call("sesame_upload_delete", engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        sesame::Status s = e.delete_upload(a, upload_id);
        return s.ok() ? SESAME_OK : fail(s);
    });
}

}  // extern "C"
