// The Store conformance cases for uploads: upload policies, client uploads and the files attached
// to documents. Included by conformance.hpp, whose SESAME_STORE_CONFORMANCE runs them with every
// other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sesame/store.hpp"

namespace sesame::conformance {

inline Upload sample_upload(const World& w, const std::string& blob_name) {
    Upload u;
    u.id = 777;  // ignored by insert_upload
    u.agency_id = w.agency;
    u.portal_id = w.portal;
    u.client_id = w.client;
    u.kind = UploadKind::document;
    u.file_name = "Pay stub \u00e9t\u00e9.pdf";
    u.content_type = "application/pdf";
    u.size = 12345;
    u.sha256 = std::string(64, 'a');
    u.blob_name = blob_name;
    u.created_at = 1'700'000'020;
    return u;
}

inline void check_same(const Upload& got, const Upload& want) {
    CHECK(got.id == want.id);
    CHECK(got.agency_id == want.agency_id);
    CHECK(got.portal_id == want.portal_id);
    CHECK(got.client_id == want.client_id);
    CHECK(got.kind == want.kind);
    CHECK(got.file_name == want.file_name);
    CHECK(got.content_type == want.content_type);
    CHECK(got.size == want.size);
    CHECK(got.sha256 == want.sha256);
    CHECK(got.blob_name == want.blob_name);
    CHECK(got.created_at == want.created_at);
}

inline void check_same(const DocumentFile& got, const DocumentFile& want) {
    CHECK(got.document_id == want.document_id);
    CHECK(got.file_name == want.file_name);
    CHECK(got.content_type == want.content_type);
    CHECK(got.size == want.size);
    CHECK(got.sha256 == want.sha256);
    CHECK(got.blob_name == want.blob_name);
    CHECK(got.created_at == want.created_at);
}

}  // namespace sesame::conformance

TEST_CASE_TEMPLATE_DEFINE("store: upload policies are stored per portal and replaced", Factory,
                          store_conformance_upload_policies) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");

    auto none = store->get_upload_policy(w.portal);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    UploadPolicy p{w.portal, true, false, 2048};
    REQUIRE(store->put_upload_policy(p).ok());
    auto got = store->get_upload_policy(w.portal);
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    CHECK((*got)->portal_id == w.portal);
    CHECK((*got)->allow_photos);
    CHECK_FALSE((*got)->allow_documents);
    CHECK((*got)->max_bytes == 2048);
    CHECK_FALSE(store->get_upload_policy(other.portal)->has_value());

    p = {w.portal, false, true, 50 * 1024 * 1024};
    REQUIRE(store->put_upload_policy(p).ok());
    got = store->get_upload_policy(w.portal);
    REQUIRE(got->has_value());
    CHECK_FALSE((*got)->allow_photos);
    CHECK((*got)->allow_documents);
    CHECK((*got)->max_bytes == 50 * 1024 * 1024);

    CHECK(store->put_upload_policy(UploadPolicy{4242, true, true, 4096}).code() == Code::not_found);
    CHECK_FALSE(store->get_upload_policy(4242)->has_value());
}

TEST_CASE_TEMPLATE_DEFINE("store: uploads round-trip every field, list per client, delete", Factory,
                          store_conformance_uploads) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const World other = make_world(*store, "b");

    Upload first = sample_upload(w, "0123456789abcdef0123456789abcdef");
    first.id = *store->insert_upload(first);
    CHECK(first.id == 1);
    Upload theirs = sample_upload(other, "ffffffffffffffffffffffffffffffff");
    theirs.id = *store->insert_upload(theirs);
    Upload photo = sample_upload(w, "00000000000000000000000000000001");
    photo.kind = UploadKind::photo;
    photo.content_type = "image/heic";
    photo.file_name = "upload";
    photo.size = 1;
    photo.id = *store->insert_upload(photo);

    auto got = store->get_upload(first.id);
    REQUIRE(got.ok());
    check_same(*got, first);
    got = store->get_upload(photo.id);
    REQUIRE(got.ok());
    check_same(*got, photo);

    auto listed = store->list_uploads(w.client);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    check_same((*listed)[0], first);
    check_same((*listed)[1], photo);
    CHECK(ids_of(*store->list_uploads(other.client)) == std::vector<Id>{theirs.id});
    CHECK(store->list_uploads(4242)->empty());

    CHECK(store->get_upload(999).code() == Code::not_found);
    Upload no_client = sample_upload(w, "22222222222222222222222222222222");
    no_client.client_id = 4242;
    CHECK(store->insert_upload(no_client).code() == Code::not_found);
    Upload no_portal = sample_upload(w, "33333333333333333333333333333333");
    no_portal.portal_id = 4242;
    CHECK(store->insert_upload(no_portal).code() == Code::not_found);
    CHECK(store->insert_upload(sample_upload(w, first.blob_name)).code() == Code::already_exists);
    CHECK(store->list_uploads(w.client)->size() == 2);  // the refused inserts added nothing

    REQUIRE(store->delete_upload(first.id).ok());
    CHECK(store->get_upload(first.id).code() == Code::not_found);
    CHECK(store->delete_upload(first.id).code() == Code::not_found);
    CHECK(ids_of(*store->list_uploads(w.client)) == std::vector<Id>{photo.id});
    CHECK(ids_of(*store->list_uploads(other.client)) == std::vector<Id>{theirs.id});
}

TEST_CASE_TEMPLATE_DEFINE("store: a document's file is stored once per document and replaced", Factory,
                          store_conformance_document_files) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store, "a");
    const Id doc = *store->insert_document(sample_document(w.agency, w.client, "Conditions"));
    const Id bare = *store->insert_document(sample_document(w.agency, w.client, "No file"));

    CHECK_FALSE(store->get_document_file(doc)->has_value());
    DocumentFile f{doc, "Conditions.pdf", "application/pdf", 4321, std::string(64, 'b'),
                   "abcdefabcdefabcdefabcdefabcdefab", 1'700'000'030};
    REQUIRE(store->put_document_file(f).ok());
    auto got = store->get_document_file(doc);
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    check_same(**got, f);
    CHECK_FALSE(store->get_document_file(bare)->has_value());

    DocumentFile replaced{doc, "scan.jpg", "image/jpeg", 99, std::string(64, 'c'), "11111111111111111111111111111111",
                          1'700'000'031};
    REQUIRE(store->put_document_file(replaced).ok());
    got = store->get_document_file(doc);
    REQUIRE(got->has_value());
    check_same(**got, replaced);

    DocumentFile orphan = f;
    orphan.document_id = 4242;
    CHECK(store->put_document_file(orphan).code() == Code::not_found);
    CHECK_FALSE(store->get_document_file(4242)->has_value());
}

// Runs the cases above; part of SESAME_STORE_CONFORMANCE.
#define SESAME_STORE_UPLOADS_CONFORMANCE(...)                                   \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_upload_policies, __VA_ARGS__); \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_uploads, __VA_ARGS__);         \
    TEST_CASE_TEMPLATE_INVOKE(store_conformance_document_files, __VA_ARGS__)
