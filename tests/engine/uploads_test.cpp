// Uploads end to end: the portal policy, a client's uploads and downloads, files attached to
// assigned documents, and the SECURITY.md rule 19 guarantees (size cap checked first, type from the
// magic bytes, generated names only, checksums verified on read), on both stores.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;
namespace fs = std::filesystem;

namespace {

template <class T>
T ok(Result<T> r) {
    REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
    return std::move(*r);
}

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

const std::vector<std::uint8_t> kJpeg = bytes("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 a small jpeg");
const std::vector<std::uint8_t> kPng = bytes("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR a small png");
const std::vector<std::uint8_t> kHeic = bytes(std::string("\x00\x00\x00\x18" "ftypheic\x00\x00\x00\x00mif1heic", 24) + "mdat");
const std::vector<std::uint8_t> kPdf = bytes("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n");

// The folder for the engine's files, removed afterwards.
struct BlobFolder {
    TempDb unique{"uploads"};
    std::string path = unique.str() + ".d";
    ~BlobFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        if (!fs::exists(path)) return out;
        for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
        return out;
    }
};

// A world whose engine keeps files in a real temporary folder, with a second client, Ben, who can
// log in on his own phone.
template <class W>
struct UploadWorld : BlobFolder, W {
    static constexpr const char* kBenPhone = "(555) 123-9999";
    std::unique_ptr<Engine> up;
    Client ben;

    UploadWorld() {
        EngineOptions o = this->options();
        o.blob_dir = path;
        up = ok(Engine::open(std::move(o)));
        ben = this->make_client(this->agency, "Ben", "Ortiz");
        this->add_contact(ben, ContactKind::phone, kBenPhone);
    }
    void allow(bool photos, bool documents, std::int64_t max_bytes = kUploadMaxBytesDefault) {
        ok(up->set_upload_policy(this->root, UploadPolicy{this->portal.id, photos, documents, max_bytes}));
    }
    std::string ann_token() { return this->login().token; }
    std::string ben_token() { return this->login(kBenPhone).token; }
    Result<Upload> send(const std::string& token, UploadKind kind, const std::string& file_name,
                        const std::vector<std::uint8_t>& data) {
        return up->upload(this->portal.id, token, kind, file_name, data);
    }
};

#define UPLOAD_WORLDS UploadWorld<MemoryWorld>, UploadWorld<SqliteWorld>

}  // namespace

TEST_CASE_TEMPLATE("uploads: each accepted type is recognised by its magic bytes, whatever its name", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    const std::string token = w.ann_token();
    struct Sample {
        UploadKind kind;
        const char* name;
        const std::vector<std::uint8_t>* data;
        const char* type;
    };
    for (const Sample& s : {Sample{UploadKind::photo, "me.jpg", &kJpeg, "image/jpeg"},
                            Sample{UploadKind::photo, "me.png", &kPng, "image/png"},
                            Sample{UploadKind::photo, "IMG_0001.HEIC", &kHeic, "image/heic"},
                            Sample{UploadKind::document, "stub.pdf", &kPdf, "application/pdf"},
                            Sample{UploadKind::document, "scan of paper.png", &kPng, "image/png"},
                            Sample{UploadKind::document, "photo.jpg", &kPdf, "application/pdf"}}) {
        CAPTURE(s.name);
        Upload u = ok(w.send(token, s.kind, s.name, *s.data));
        CHECK(u.content_type == s.type);
        CHECK(u.kind == s.kind);
        CHECK(u.file_name == s.name);
        CHECK(u.size == static_cast<std::int64_t>(s.data->size()));
        CHECK(u.sha256 == sha256_hex(*s.data));
        CHECK(u.client_id == w.ann.id);
        CHECK(is_blob_name(u.blob_name));
        FileDownload d = ok(w.up->download_upload(w.portal.id, token, u.id));
        CHECK(d.bytes == *s.data);
        CHECK(d.content_type == s.type);
        CHECK(d.file_name == s.name);
    }
    CHECK(w.files().size() == 6);
    CHECK(ok(w.up->client_uploads(w.portal.id, token)).size() == 6);
    // The audit trail records each upload without its file name.
    for (const auto& e : w.events->of("upload.create")) {
        CHECK(e.outcome == "ok");
        CHECK_FALSE(contains(e.detail, ".jpg"));
        CHECK_FALSE(contains(e.detail, "stub"));
    }
}

TEST_CASE_TEMPLATE("uploads: bodies that are not an accepted type are refused and nothing is stored", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    const std::string token = w.ann_token();
    for (const auto& body : {bytes("\x7F" "ELF\x02\x01\x01\x00 binary"), bytes("<html><script>alert(1)</script></html>"),
                             bytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"/>"),
                             bytes("PK\x03\x04 a zip archive"), std::vector<std::uint8_t>{}}) {
        auto r = w.send(token, UploadKind::document, "form.pdf", body);
        CHECK(r.code() == Code::invalid_argument);
        CHECK(contains(r.status().message(), "PDF"));
    }
    // A PDF is a document, not a photo.
    auto r = w.send(token, UploadKind::photo, "me.jpg", kPdf);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "JPEG, PNG or HEIC"));
    CHECK(w.files().empty());
    CHECK(ok(w.up->client_uploads(w.portal.id, token)).empty());
    CHECK(w.events->count("upload.create", "type_refused") == 6);
}

TEST_CASE_TEMPLATE("uploads: an oversized file is refused before anything is written", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true, 2048);
    const std::string token = w.ann_token();
    std::vector<std::uint8_t> big = kPdf;
    big.resize(2049, ' ');
    auto r = w.send(token, UploadKind::document, "big.pdf", big);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "2 KiB"));
    CHECK(w.files().empty());
    CHECK(w.events->count("upload.create", "too_large") == 1);
    // Over the hard cap: refused even before the session is read (a dead token is not even asked about).
    std::vector<std::uint8_t> huge(static_cast<std::size_t>(kUploadMaxBytesLimit) + 1, 0xFF);
    r = w.send("not-a-token", UploadKind::photo, "huge.jpg", huge);
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "50 MiB"));
    big.resize(2048);
    CHECK(ok(w.send(token, UploadKind::document, "fits.pdf", big)).size == 2048);
    CHECK(w.files().size() == 1);
}

TEST_CASE_TEMPLATE("uploads: path tricks in names become safe display names, never paths", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    const std::string token = w.ann_token();
    const std::vector<std::pair<std::string, std::string>> names{{"../../etc/passwd", "passwd"},
                                                                 {"C:\\x\\y.pdf", "y.pdf"},
                                                                 {"a\nb.pdf", "ab.pdf"},
                                                                 {"<script>.pdf", "script.pdf"},
                                                                 {"/", "upload"},
                                                                 {"..", "upload"}};
    for (const auto& [given, shown] : names) {
        CAPTURE(given);
        Upload u = ok(w.send(token, UploadKind::document, given, kPdf));
        CHECK(u.file_name == shown);
        CHECK(ok(w.up->download_upload(w.portal.id, token, u.id)).file_name == shown);
    }
    // Only generated names in the folder, and nothing written outside it.
    const auto files = w.files();
    CHECK(files.size() == names.size());
    for (const auto& f : files) CHECK(is_blob_name(f));
    CHECK_FALSE(fs::exists(fs::path(w.path).parent_path() / "passwd"));
    CHECK_FALSE(fs::exists(fs::path(w.path) / "y.pdf"));
}

TEST_CASE_TEMPLATE("uploads: a client sees only their own uploads and documents", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    const std::string ann = w.ann_token();
    const Upload mine = ok(w.send(ann, UploadKind::photo, "me.jpg", kJpeg));
    const std::string ben = w.ben_token();
    const Upload his = ok(w.send(ben, UploadKind::photo, "ben.png", kPng));

    auto listed = ok(w.up->client_uploads(w.portal.id, ann));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].id == mine.id);
    auto theirs = w.up->download_upload(w.portal.id, ann, his.id);
    CHECK(theirs.code() == Code::not_found);
    auto missing = w.up->download_upload(w.portal.id, ann, 999);
    CHECK(missing.code() == Code::not_found);
    CHECK(theirs.status().message() == std::string("no upload with id ") + std::to_string(his.id));
    CHECK(ok(w.up->download_upload(w.portal.id, ben, his.id)).bytes == kPng);

    // Documents: only an assigned document of this client that carries a file.
    Document d;
    d.client_id = w.ann.id;
    d.name = "Conditions of release";
    d = ok(w.engine->create_document(w.root, d));
    Document bens;
    bens.client_id = w.ben.id;
    bens.name = "Ben's notice";
    bens = ok(w.engine->create_document(w.root, bens));
    CHECK(w.up->download_document(w.portal.id, ann, d.id).code() == Code::not_found);  // no file yet
    const Actor viewer{"viewer", w.agency.id, {}, false};
    const Actor outsider{"other", w.agency.id + 100, {"update_documents"}, false};
    CHECK_FALSE(ok(w.up->document_file(viewer, d.id)).has_value());
    const auto audited = w.events->all().size();
    DocumentFile f = ok(w.up->attach_document_file(w.root, d.id, "../conditions.pdf", kPdf));
    CHECK(f.file_name == "conditions.pdf");
    CHECK(f.content_type == "application/pdf");
    // The record without the bytes: agency visibility, nothing read, so nothing audited.
    const auto record = ok(w.up->document_file(viewer, d.id));
    REQUIRE(record.has_value());
    CHECK(record->file_name == "conditions.pdf");
    CHECK(record->sha256 == f.sha256);
    CHECK(w.events->all().size() == audited + 1);  // the attach only
    CHECK(w.up->document_file(outsider, d.id).code() == Code::not_found);
    CHECK(w.up->document_file(viewer, 999).code() == Code::not_found);
    ok(w.up->attach_document_file(w.root, bens.id, "notice.pdf", kPdf));
    // The files of the client's own documents: Ann's only, not Ben's.
    const auto files = ok(w.up->client_document_files(w.portal.id, ann));
    REQUIRE(files.size() == 1);
    CHECK(files[0].document_id == d.id);
    CHECK(files[0].file_name == "conditions.pdf");
    CHECK(w.up->client_document_files(w.portal.id, "not-a-token").code() == Code::session_invalid);
    FileDownload got = ok(w.up->download_document(w.portal.id, ann, d.id));
    CHECK(got.bytes == kPdf);
    CHECK(got.file_name == "conditions.pdf");
    CHECK(w.up->download_document(w.portal.id, ann, bens.id).code() == Code::not_found);
    CHECK(w.up->download_document(w.portal.id, ann, 999).code() == Code::not_found);

    // A replaced attachment removes the old file.
    const auto before = w.files().size();
    ok(w.up->attach_document_file(w.root, d.id, "scan.jpg", kJpeg));
    CHECK(w.files().size() == before);
    CHECK(ok(w.up->download_document(w.portal.id, ann, d.id)).content_type == "image/jpeg");
    CHECK(w.up->attach_document_file(w.root, d.id, "x.pdf", bytes("<html>")).code() == Code::invalid_argument);
}

TEST_CASE_TEMPLATE("uploads: a file changed on disk is CORRUPT when read", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    const std::string token = w.ann_token();
    const Upload u = ok(w.send(token, UploadKind::document, "stub.pdf", kPdf));
    {
        std::ofstream out(fs::path(w.path) / u.blob_name, std::ios::binary | std::ios::trunc);
        out << "%PDF-1.7 something else";
    }
    auto r = w.up->download_upload(w.portal.id, token, u.id);
    CHECK(r.code() == Code::corrupt);
    CHECK(contains(r.status().message(), "checksum"));
    CHECK(w.up->download_upload(w.root, u.id).code() == Code::corrupt);
    fs::remove(fs::path(w.path) / u.blob_name);
    CHECK(w.up->download_upload(w.portal.id, token, u.id).code() == Code::corrupt);
}

TEST_CASE_TEMPLATE("uploads: the portal policy is off by default, bounded, and needs update_portals", W, UPLOAD_WORLDS) {
    W w;
    const std::string token = w.ann_token();
    UploadPolicy p = ok(w.up->get_upload_policy(w.root, w.portal.id));
    CHECK_FALSE(p.allow_photos);
    CHECK_FALSE(p.allow_documents);
    CHECK(p.max_bytes == 10 * 1024 * 1024);
    auto off = w.send(token, UploadKind::photo, "me.jpg", kJpeg);
    CHECK(off.code() == Code::permission_denied);
    CHECK(contains(off.status().message(), "photos are off"));

    w.allow(true, false);
    ok(w.send(token, UploadKind::photo, "me.jpg", kJpeg));
    off = w.send(token, UploadKind::document, "a.pdf", kPdf);
    CHECK(off.code() == Code::permission_denied);
    CHECK(contains(off.status().message(), "documents are off"));
    CHECK(w.events->count("upload.create", "kind_off") == 2);

    for (std::int64_t bad : {std::int64_t{0}, kUploadMaxBytesMin - 1, kUploadMaxBytesLimit + 1}) {
        auto r = w.up->set_upload_policy(w.root, UploadPolicy{w.portal.id, true, true, bad});
        CHECK(r.code() == Code::invalid_argument);
        CHECK(contains(r.status().message(), "max_bytes must be between 1024"));
    }
    CHECK(ok(w.up->get_upload_policy(w.root, w.portal.id)).max_bytes == kUploadMaxBytesDefault);  // unchanged

    const Actor clerk{"clerk", w.agency.id, {"view_messages"}, false};
    CHECK(w.up->set_upload_policy(clerk, UploadPolicy{w.portal.id, true, true, 4096}).code() == Code::permission_denied);
    const Actor outsider{"other", w.agency.id + 100, {"update_portals"}, false};
    CHECK(w.up->set_upload_policy(outsider, UploadPolicy{w.portal.id, true, true, 4096}).code() == Code::not_found);
    CHECK(w.up->get_upload_policy(outsider, w.portal.id).code() == Code::not_found);
    const Actor admin{"admin", w.agency.id, {"update_portals"}, false};
    ok(w.up->set_upload_policy(admin, UploadPolicy{w.portal.id, false, true, 4096}));
    CHECK_FALSE(w.events->of("portal.uploads").empty());
    CHECK(contains(w.events->of("portal.uploads").back().detail, "max_bytes=4096"));
}

TEST_CASE_TEMPLATE("uploads: staff list, download and delete with agency visibility", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    const std::string token = w.ann_token();
    const Upload u = ok(w.send(token, UploadKind::photo, "me.jpg", kJpeg));
    const Actor viewer{"viewer", w.agency.id, {}, false};
    const Actor outsider{"other", w.agency.id + 100, {"update_clients"}, false};
    CHECK(ok(w.up->list_uploads(viewer, w.ann.id)).size() == 1);
    CHECK(ok(w.up->download_upload(viewer, u.id)).bytes == kJpeg);
    CHECK(w.events->of("upload.download").back().actor == "staff:viewer");
    CHECK(w.up->list_uploads(outsider, w.ann.id).code() == Code::not_found);
    CHECK(w.up->download_upload(outsider, u.id).code() == Code::not_found);
    CHECK(w.up->delete_upload(viewer, u.id).code() == Code::permission_denied);
    CHECK(w.up->delete_upload(outsider, u.id).code() == Code::not_found);
    CHECK(w.files().size() == 1);
    const Actor editor{"editor", w.agency.id, {"update_clients"}, false};
    REQUIRE(w.up->delete_upload(editor, u.id).ok());
    CHECK(w.files().empty());
    CHECK(ok(w.up->list_uploads(viewer, w.ann.id)).empty());
    CHECK(w.up->download_upload(w.portal.id, token, u.id).code() == Code::not_found);
}

TEST_CASE_TEMPLATE("uploads: sessions are checked, and an engine without a blob folder says how to configure one", W,
                   UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    CHECK(w.send(std::string(43, 'A'), UploadKind::photo, "me.jpg", kJpeg).code() == Code::session_invalid);
    CHECK(w.up->client_uploads(w.portal.id, "nope").code() == Code::session_invalid);
    const std::string token = w.ann_token();
    REQUIRE(w.engine->logout(w.portal.id, token).ok());
    CHECK(w.send(token, UploadKind::photo, "me.jpg", kJpeg).code() == Code::session_invalid);
    CHECK(w.files().empty());

    // The world's own engine has no blob folder.
    w.next_send();
    auto r = w.engine->upload(w.portal.id, w.ann_token(), UploadKind::photo, "me.jpg", kJpeg);
    CHECK(r.code() == Code::failed_precondition);
    CHECK(contains(r.status().message(), "blob_dir"));
    CHECK(w.engine->download_upload(w.root, 1).code() == Code::failed_precondition);

    EngineOptions both = w.options();
    both.blob_dir = w.path;
    both.blob_store = ok(make_filesystem_blob_store(w.path));
    CHECK(Engine::open(std::move(both)).code() == Code::invalid_argument);
}

TEST_CASE_TEMPLATE("uploads: a record that cannot be stored leaves no file behind", W, UPLOAD_WORLDS) {
    W w;
    w.allow(true, true);
    // A live session whose client row does not exist: the session passes, the upload record is
    // refused by the store (NOT_FOUND) after the file was written.
    const std::string token = w.ann_token();
    Session s = ok(w.session_by_token(token));
    const std::string ghost_token(43, 'G');
    const auto master_bytes = test_key();
    auto keys = ok(crypto::derive_keys(ok(crypto::SecretKey::from_bytes(master_bytes.data(), master_bytes.size()))));
    s.id = "ghost-session";
    s.token_hash = crypto::hash_token(keys, ghost_token);
    s.client_id = 4242;
    REQUIRE(w.store->insert_session(s).ok());
    auto r = w.send(ghost_token, UploadKind::photo, "me.jpg", kJpeg);
    CHECK(r.code() == Code::not_found);
    CHECK(w.files().empty());
}
