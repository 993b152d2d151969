// Uploads through the C ABI: blob_dir in the engine options (read only when struct_size covers
// it), a client's upload, list and downloads as bytes in a sesame_buf, and the staff calls.
#include <doctest/doctest.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capi/c_support.hpp"
#include "capi/internal.hpp"
#include "engine/support.hpp"
#include "sesame/sesame.h"

namespace {

using nlohmann::json;
using sesame::test::MemoryWorld;
using namespace sesame::test::capi;
namespace fs = std::filesystem;

const std::string kPdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";
const std::string kJpeg = "\xFF\xD8\xFF\xE0 jpeg body";

const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

struct Folder {
    sesame::test::TempDb name{"capi-uploads"};
    std::string path = name.str() + ".d";
    ~Folder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct CUploadWorld : Folder, MemoryWorld {
    std::unique_ptr<sesame_engine> handle;
    CActor admin{"admin", agency.id, {"update_portals", "update_documents", "update_clients"}};
    CActor viewer{"viewer", agency.id, {}};
    CUploadWorld() {
        auto o = options();
        o.blob_dir = path;
        auto e = sesame::Engine::open(std::move(o));
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        handle = std::make_unique<sesame_engine>();
        handle->rep = std::move(*e);
    }
    sesame_engine* h() { return handle.get(); }
};

// A download: the bytes and the JSON that describes them.
struct Download {
    sesame_status status = SESAME_E_INTERNAL;
    std::string bytes;
    json meta;
};

template <class F>
Download download(F&& f) {
    sesame_buf bytes{nullptr, 0};
    sesame_buf meta{nullptr, 0};
    Download d;
    d.status = f(&bytes, &meta);
    if (d.status == SESAME_OK) {
        REQUIRE(bytes.data != nullptr);
        d.bytes.assign(bytes.data, bytes.size);
        d.meta = json::parse(meta.data, meta.data + meta.size);
    } else {
        CHECK(bytes.data == nullptr);
        CHECK(meta.data == nullptr);
    }
    sesame_buf_free(&bytes);
    sesame_buf_free(&meta);
    return d;
}

}  // namespace

TEST_CASE("C uploads: policy, upload, list and download for the client, list and download for staff") {
    CUploadWorld w;
    const std::string token = w.login().token;
    const int64_t portal = w.portal.id;

    // Off by default: the kind is refused.
    Answer off = call([&](sesame_buf* out) {
        return sesame_upload(out, w.h(), portal, token.c_str(), SESAME_UPLOAD_DOCUMENT, "a.pdf", u8(kPdf), kPdf.size());
    });
    CHECK(off.status == SESAME_E_PERMISSION_DENIED);
    CHECK(has(off.message, "documents are off"));

    json policy = ok([&](sesame_buf* out) { return sesame_upload_policy_get(out, w.h(), w.viewer.get(), portal); });
    CHECK(policy == json{{"portal_id", portal}, {"allow_photos", false}, {"allow_documents", false}, {"max_bytes", 10485760}});
    const std::string set = json{{"portal_id", portal}, {"allow_documents", true}, {"max_bytes", 4096}}.dump();
    Answer denied = call([&](sesame_buf* out) { return sesame_upload_policy_set(out, w.h(), w.viewer.get(), set.c_str()); });
    CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
    policy = ok([&](sesame_buf* out) { return sesame_upload_policy_set(out, w.h(), w.admin.get(), set.c_str()); });
    CHECK(policy["allow_documents"] == true);
    CHECK(policy["allow_photos"] == false);
    CHECK(policy["max_bytes"] == 4096);
    for (const char* bad : {R"({"portal_id": 1, "max_bytes": 10})", R"({"allow_photos": true})",
                            R"({"portal_id": 1, "allow_photos": "yes"})", R"({"portal_id": 1, "color": 1})", "[]"}) {
        CAPTURE(bad);
        std::string text = bad;
        if (text.find("\"portal_id\": 1") != std::string::npos) text.replace(text.find("1"), 1, std::to_string(portal));
        Answer a = call([&](sesame_buf* out) { return sesame_upload_policy_set(out, w.h(), w.admin.get(), text.c_str()); });
        CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    }

    json up = ok([&](sesame_buf* out) {
        return sesame_upload(out, w.h(), portal, token.c_str(), SESAME_UPLOAD_DOCUMENT, "../../etc/x.jpg", u8(kPdf),
                             kPdf.size());
    });
    CHECK(up["content_type"] == "application/pdf");
    CHECK(up["file_name"] == "x.jpg");
    CHECK(up["kind"] == "document");
    CHECK(up["size"] == kPdf.size());
    CHECK_FALSE(up.contains("blob_name"));
    const int64_t id = up["id"].get<int64_t>();

    Answer html = call([&](sesame_buf* out) {
        const std::string body = "<html></html>";
        return sesame_upload(out, w.h(), portal, token.c_str(), SESAME_UPLOAD_DOCUMENT, "a.pdf", u8(body), body.size());
    });
    CHECK(html.status == SESAME_E_INVALID_ARGUMENT);
    Answer kind = call([&](sesame_buf* out) {
        return sesame_upload(out, w.h(), portal, token.c_str(), 7, "a.pdf", u8(kPdf), kPdf.size());
    });
    CHECK(kind.status == SESAME_E_INVALID_ARGUMENT);
    Answer null_bytes = call([&](sesame_buf* out) {
        return sesame_upload(out, w.h(), portal, token.c_str(), SESAME_UPLOAD_DOCUMENT, "a.pdf", nullptr, 10);
    });
    CHECK(null_bytes.status == SESAME_E_INVALID_ARGUMENT);

    json listed = ok([&](sesame_buf* out) { return sesame_uploads_list(out, w.h(), portal, token.c_str()); });
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["id"] == id);

    Download d = download([&](sesame_buf* b, sesame_buf* m) {
        return sesame_upload_download(b, m, w.h(), portal, token.c_str(), id);
    });
    REQUIRE(d.status == SESAME_OK);
    CHECK(d.bytes == kPdf);
    CHECK(d.meta == json{{"content_type", "application/pdf"}, {"file_name", "x.jpg"}, {"size", kPdf.size()}});
    CHECK(download([&](sesame_buf* b, sesame_buf* m) {
              return sesame_upload_download(b, m, w.h(), portal, token.c_str(), id + 100);
          }).status == SESAME_E_NOT_FOUND);

    // Staff.
    json staff_list = ok([&](sesame_buf* out) { return sesame_upload_staff_list(out, w.h(), w.viewer.get(), w.ann.id); });
    CHECK(staff_list.size() == 1);
    d = download([&](sesame_buf* b, sesame_buf* m) { return sesame_upload_staff_download(b, m, w.h(), w.viewer.get(), id); });
    CHECK(d.bytes == kPdf);
    CHECK(sesame_upload_delete(w.h(), w.viewer.get(), id) == SESAME_E_PERMISSION_DENIED);
    CHECK(sesame_upload_delete(w.h(), w.admin.get(), id) == SESAME_OK);
    CHECK(ok([&](sesame_buf* out) { return sesame_uploads_list(out, w.h(), portal, token.c_str()); }).empty());
}

TEST_CASE("C uploads: a document's file is attached by staff and downloaded by its client") {
    CUploadWorld w;
    sesame::Document doc;
    doc.client_id = w.ann.id;
    doc.name = "Notice";
    doc = *w.engine->create_document(w.root, doc);
    const std::string token = w.login().token;

    CHECK(download([&](sesame_buf* b, sesame_buf* m) {
              return sesame_document_download(b, m, w.h(), w.portal.id, token.c_str(), doc.id);
          }).status == SESAME_E_NOT_FOUND);
    Answer denied = call([&](sesame_buf* out) {
        return sesame_document_attach(out, w.h(), w.viewer.get(), doc.id, "n.pdf", u8(kPdf), kPdf.size());
    });
    CHECK(denied.status == SESAME_E_PERMISSION_DENIED);
    json f = ok([&](sesame_buf* out) {
        return sesame_document_attach(out, w.h(), w.admin.get(), doc.id, "C:\\scans\\n.jpg", u8(kJpeg), kJpeg.size());
    });
    CHECK(f["document_id"] == doc.id);
    CHECK(f["file_name"] == "n.jpg");
    CHECK(f["content_type"] == "image/jpeg");
    Download d = download([&](sesame_buf* b, sesame_buf* m) {
        return sesame_document_download(b, m, w.h(), w.portal.id, token.c_str(), doc.id);
    });
    REQUIRE(d.status == SESAME_OK);
    CHECK(d.bytes == kJpeg);
    CHECK(d.meta["content_type"] == "image/jpeg");
}

TEST_CASE("C uploads: blob_dir is read only when struct_size covers it; without it uploads are off") {
    Folder folder;
    const std::vector<uint8_t> key(32, 7);
    sesame_engine_options o;
    sesame_engine_options_init(&o);
    o.store_kind = SESAME_STORE_MEMORY;
    o.master_key = key.data();
    o.master_key_size = key.size();
    o.blob_dir = folder.path.c_str();

    // A caller built against the first version: the field is not there and is not read.
    o.struct_size = static_cast<uint32_t>(offsetof(sesame_engine_options, blob_dir));
    sesame_engine* e = nullptr;
    REQUIRE(sesame_engine_open(&e, &o) == SESAME_OK);
    CHECK_FALSE(fs::exists(folder.path));
    CActor root("root", 0, {}, true);
    Download d = download([&](sesame_buf* b, sesame_buf* m) { return sesame_upload_staff_download(b, m, e, root.get(), 1); });
    CHECK(d.status == SESAME_E_FAILED_PRECONDITION);
    CHECK(has(sesame_last_error_message(), "blob_dir"));
    sesame_engine_free(e);

    o.struct_size = sizeof o;
    e = nullptr;
    REQUIRE(sesame_engine_open(&e, &o) == SESAME_OK);
    CHECK(fs::is_directory(folder.path));
    d = download([&](sesame_buf* b, sesame_buf* m) { return sesame_upload_staff_download(b, m, e, root.get(), 1); });
    CHECK(d.status == SESAME_E_NOT_FOUND);
    sesame_engine_free(e);
}
