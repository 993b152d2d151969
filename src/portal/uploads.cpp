// Uploads: photos and documents a logged-in client sends, the files an agency attaches to the
// documents it assigns, and the portal policy that allows them (SECURITY.md rule 19).
//
// The bytes go to the engine's BlobStore under a generated name; the type is read from the first
// bytes; the client's file name is kept only as a display name. Nothing a client sends ever becomes
// a path.
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

constexpr const char* kNoBlobs =
    "uploads are not configured: set EngineOptions.blob_dir (a folder for uploaded files) or blob_store";

Result<BlobStore*> blobs_of(Engine::Impl& im) {
    if (!im.options.blob_store) return Status(Code::failed_precondition, kNoBlobs);
    return im.options.blob_store.get();
}

std::string mib(std::int64_t bytes) {
    if (bytes % (1024 * 1024) == 0) return fmt::format("{} MiB", bytes / (1024 * 1024));
    if (bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
    return fmt::format("{} bytes", bytes);
}

Status too_large(std::int64_t cap) {
    return {Code::invalid_argument, fmt::format("the file is larger than the limit of {} ({} bytes): send a smaller file",
                                                mib(cap), cap)};
}

Status wrong_type(UploadKind kind) {
    return {Code::invalid_argument,
            kind == UploadKind::photo
                ? "a photo must be a JPEG, PNG or HEIC image (recognised by its content, not its name)"
                : "a document must be a PDF, or a JPEG, PNG or HEIC photo of the paper (recognised by its content, not "
                  "its name)"};
}

// The portal's stored policy, or the defaults (everything off).
Result<UploadPolicy> policy_of(Engine::Impl& im, Id portal_id) {
    auto p = im.store->get_upload_policy(portal_id);
    if (!p) return p.status();
    if (*p) return **p;
    UploadPolicy d;
    d.portal_id = portal_id;
    return d;
}

// The bytes behind a record, checked against the SHA-256 recorded when they were stored.
Result<std::vector<std::uint8_t>> read_verified(BlobStore& blobs, const std::string& blob_name, const std::string& sha256,
                                                const std::string& what) {
    auto bytes = blobs.read(blob_name);
    if (!bytes) {
        if (bytes.code() == Code::not_found || bytes.code() == Code::invalid_argument)
            return Status(Code::corrupt, fmt::format("the stored file of {} is missing: restore the upload folder from a "
                                                     "backup",
                                                     what));
        return bytes.status();
    }
    if (sha256_hex(*bytes) != sha256)
        return Status(Code::corrupt, fmt::format("the stored file of {} does not match its checksum: it was changed or "
                                                 "damaged on disk; restore it from a backup",
                                                 what));
    return bytes;
}

AuditEvent visitor_event(const SessionInfo& s, std::string action, std::string target) {
    AuditEvent e;
    e.agency_id = s.agency_id;
    e.actor = fmt::format("client:{}", *s.client_id);
    e.action = std::move(action);
    e.target = std::move(target);
    e.outcome = "ok";
    e.reason = "ok";
    return e;
}

Result<SessionInfo> client_session(Engine& engine, Id portal_id, const std::string& token) {
    auto s = engine.check_session(portal_id, token);
    if (!s) return s;
    if (!s->client_id) return Status(Code::internal, "check_session passed a session without a client");
    return s;
}

Status not_found_upload(Id id) { return portal::not_found("upload", id); }

}  // namespace

// ---- the policy ---------------------------------------------------------------------------------

Result<UploadPolicy> Engine::get_upload_policy(const Actor& actor, Id portal_id) {
    Impl& im = *impl_;
    auto portal = im.visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    return policy_of(im, portal_id);
}

Result<UploadPolicy> Engine::set_upload_policy(const Actor& actor, const UploadPolicy& policy) {
    Impl& im = *impl_;
    const std::string target = fmt::format("portal:{}", policy.portal_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_portals", "portal.uploads", target));
    auto portal = im.visible_portal(actor, policy.portal_id);
    if (!portal) return portal.status();
    if (policy.max_bytes < kUploadMaxBytesMin || policy.max_bytes > kUploadMaxBytesLimit)
        return Status(Code::invalid_argument,
                      fmt::format("upload_policy.max_bytes must be between {} ({}) and {} ({})", kUploadMaxBytesMin,
                                  mib(kUploadMaxBytesMin), kUploadMaxBytesLimit, mib(kUploadMaxBytesLimit)));
    auto before = policy_of(im, policy.portal_id);
    if (!before) return before.status();
    SESAME_TRY(im.store->put_upload_policy(policy));
    std::vector<std::string> changed;
    if (before->allow_photos != policy.allow_photos) changed.push_back(fmt::format("allow_photos={}", policy.allow_photos));
    if (before->allow_documents != policy.allow_documents)
        changed.push_back(fmt::format("allow_documents={}", policy.allow_documents));
    if (before->max_bytes != policy.max_bytes) changed.push_back(fmt::format("max_bytes={}", policy.max_bytes));
    portal::audit_change(im, actor, portal->agency_id, "portal.uploads", target, portal::join_fields(changed));
    return policy;
}

// ---- staff --------------------------------------------------------------------------------------

Result<DocumentFile> Engine::attach_document_file(const Actor& actor, Id document_id, const std::string& file_name,
                                                  const std::vector<std::uint8_t>& bytes) {
    Impl& im = *impl_;
    const std::string target = fmt::format("document:{}", document_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_documents", "document.attach", target));
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    if (static_cast<std::int64_t>(bytes.size()) > kUploadMaxBytesLimit) return too_large(kUploadMaxBytesLimit);
    auto doc = portal::visible_row(im.store->get_document(document_id), actor, "document", document_id);
    if (!doc) return doc.status();
    const std::string type = detect_content_type(bytes);
    if (!accepts(UploadKind::document, type)) return wrong_type(UploadKind::document);
    auto earlier = im.store->get_document_file(document_id);
    if (!earlier) return earlier.status();

    auto ref = (*blobs)->put(bytes);
    if (!ref) return ref.status();
    DocumentFile f{document_id, safe_file_name(file_name), type, ref->size, ref->sha256, ref->name, im.now()};
    if (Status s = im.store->put_document_file(f); !s.ok()) {
        (void)(*blobs)->remove(ref->name);
        return s;
    }
    // The replaced file is no longer referenced; failing to delete it leaves an orphan, not a leak.
    if (*earlier) (void)(*blobs)->remove((*earlier)->blob_name);
    portal::audit_change(im, actor, doc->agency_id, "document.attach", target,
                         fmt::format("client:{}: type={}, size={}", doc->client_id, type, f.size));
    return f;
}

Result<std::vector<Upload>> Engine::list_uploads(const Actor& actor, Id client_id) {
    auto client = impl_->visible_client(actor, client_id);
    if (!client) return client.status();
    return impl_->store->list_uploads(client_id);
}

Result<FileDownload> Engine::download_upload(const Actor& actor, Id upload_id) {
    Impl& im = *impl_;
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    auto u = portal::visible_row(im.store->get_upload(upload_id), actor, "upload", upload_id);
    if (!u) return u.status();
    auto bytes = read_verified(**blobs, u->blob_name, u->sha256, fmt::format("upload {}", u->id));
    AuditEvent e;
    e.agency_id = u->agency_id;
    e.actor = actor_label(actor);
    e.action = "upload.download";
    e.target = fmt::format("upload:{}", u->id);
    e.outcome = bytes ? "ok" : code_name(bytes.code());
    e.reason = bytes ? "ok" : "file_unreadable";
    e.detail = fmt::format("client:{}", u->client_id);
    im.audit(std::move(e));
    if (!bytes) return bytes.status();
    return FileDownload{std::move(*bytes), u->content_type, u->file_name};
}

Result<FileDownload> Engine::download_document_file(const Actor& actor, Id document_id) {
    Impl& im = *impl_;
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    auto doc = portal::visible_row(im.store->get_document(document_id), actor, "document", document_id);
    if (!doc) return doc.status();
    auto f = im.store->get_document_file(document_id);
    if (!f) return f.status();
    if (!*f) return Status(Code::not_found, fmt::format("document {} has no file: attach one first", document_id));
    auto bytes = read_verified(**blobs, (*f)->blob_name, (*f)->sha256, fmt::format("document {}", document_id));
    if (!bytes) return bytes.status();
    portal::audit_change(im, actor, doc->agency_id, "document.download", fmt::format("document:{}", document_id),
                         fmt::format("client:{}", doc->client_id));
    return FileDownload{std::move(*bytes), (*f)->content_type, (*f)->file_name};
}

Result<std::optional<DocumentFile>> Engine::document_file(const Actor& actor, Id document_id) {
    Impl& im = *impl_;
    auto doc = portal::visible_row(im.store->get_document(document_id), actor, "document", document_id);
    if (!doc) return doc.status();
    return im.store->get_document_file(document_id);
}

Status Engine::delete_upload(const Actor& actor, Id upload_id) {
    Impl& im = *impl_;
    const std::string target = fmt::format("upload:{}", upload_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_clients", "upload.delete", target));
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    auto u = portal::visible_row(im.store->get_upload(upload_id), actor, "upload", upload_id);
    if (!u) return u.status();
    SESAME_TRY(im.store->delete_upload(upload_id));
    // The record is gone, so the file is unreachable either way; a file already missing is fine.
    Status removed = (*blobs)->remove(u->blob_name);
    if (!removed.ok() && removed.code() != Code::not_found) return removed;
    portal::audit_change(im, actor, u->agency_id, "upload.delete", target, fmt::format("client:{}", u->client_id));
    return {};
}

// ---- what a logged-in client does ---------------------------------------------------------------

Result<Upload> Engine::upload(Id portal_id, const std::string& token, UploadKind kind, const std::string& file_name,
                              const std::vector<std::uint8_t>& bytes) {
    Impl& im = *impl_;
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    const auto size = static_cast<std::int64_t>(bytes.size());
    if (size > kUploadMaxBytesLimit) return too_large(kUploadMaxBytesLimit);
    if (kind != UploadKind::photo && kind != UploadKind::document)
        return Status(Code::invalid_argument, "kind must be photo or document");
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    auto policy = policy_of(im, portal_id);
    if (!policy) return policy.status();

    AuditEvent ev = visitor_event(*s, "upload.create", fmt::format("client:{}", *s->client_id));
    const auto refuse = [&](Status st, const char* reason) {
        ev.outcome = code_name(st.code());
        ev.reason = reason;
        ev.detail = fmt::format("kind={}, size={}", to_string(kind), size);
        im.audit(ev);
        return st;
    };
    if (size > policy->max_bytes) return refuse(too_large(policy->max_bytes), "too_large");
    const bool allowed = kind == UploadKind::photo ? policy->allow_photos : policy->allow_documents;
    if (!allowed)
        return refuse(Status(Code::permission_denied,
                             fmt::format("uploads of {}s are off on this portal: ask the agency how to send it",
                                         to_string(kind))),
                      "kind_off");
    const std::string type = detect_content_type(bytes);
    if (!accepts(kind, type)) return refuse(wrong_type(kind), "type_refused");

    auto ref = (*blobs)->put(bytes);
    if (!ref) return ref.status();
    Upload u;
    u.agency_id = s->agency_id;
    u.portal_id = portal_id;
    u.client_id = *s->client_id;
    u.kind = kind;
    u.file_name = safe_file_name(file_name);
    u.content_type = type;
    u.size = ref->size;
    u.sha256 = ref->sha256;
    u.blob_name = ref->name;
    u.created_at = im.now();
    auto id = im.store->insert_upload(u);
    if (!id) {
        (void)(*blobs)->remove(ref->name);
        return id.status();
    }
    u.id = *id;
    ev.target = fmt::format("upload:{}", u.id);
    ev.detail = fmt::format("client:{}: kind={}, type={}, size={}", u.client_id, to_string(kind), type, u.size);
    im.audit(ev);
    return u;
}

Result<std::vector<Upload>> Engine::client_uploads(Id portal_id, const std::string& token) {
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    return impl_->store->list_uploads(*s->client_id);
}

Result<FileDownload> Engine::download_upload(Id portal_id, const std::string& token, Id upload_id) {
    Impl& im = *impl_;
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    auto u = im.store->get_upload(upload_id);
    if (!u) return u.code() == Code::not_found ? not_found_upload(upload_id) : u.status();
    if (u->client_id != *s->client_id || u->agency_id != s->agency_id) return not_found_upload(upload_id);
    auto bytes = read_verified(**blobs, u->blob_name, u->sha256, fmt::format("upload {}", u->id));
    AuditEvent ev = visitor_event(*s, "upload.download", fmt::format("upload:{}", u->id));
    if (!bytes) {
        ev.outcome = code_name(bytes.code());
        ev.reason = "file_unreadable";
    }
    im.audit(ev);
    if (!bytes) return bytes.status();
    return FileDownload{std::move(*bytes), u->content_type, u->file_name};
}

Result<FileDownload> Engine::download_document(Id portal_id, const std::string& token, Id document_id) {
    Impl& im = *impl_;
    auto blobs = blobs_of(im);
    if (!blobs) return blobs.status();
    auto s = client_session(*this, portal_id, token);
    if (!s) return s.status();
    const Status missing = portal::not_found("document", document_id);
    auto doc = im.store->get_document(document_id);
    if (!doc) return doc.code() == Code::not_found ? missing : doc.status();
    if (doc->client_id != *s->client_id || doc->agency_id != s->agency_id) return missing;
    auto f = im.store->get_document_file(document_id);
    if (!f) return f.status();
    if (!*f) return missing;
    auto bytes = read_verified(**blobs, (*f)->blob_name, (*f)->sha256, fmt::format("document {}", document_id));
    AuditEvent ev = visitor_event(*s, "document.download", fmt::format("document:{}", document_id));
    if (!bytes) {
        ev.outcome = code_name(bytes.code());
        ev.reason = "file_unreadable";
    }
    im.audit(ev);
    if (!bytes) return bytes.status();
    return FileDownload{std::move(*bytes), (*f)->content_type, (*f)->file_name};
}

}  // namespace sesame
