// Engine::remove_contact, Engine::delete_event and Engine::delete_client: permissions, agency
// isolation, the refusals, the sessions they end and the audit records they leave, on both stores.
#include <doctest/doctest.h>

#include <string>

#include "support.hpp"

namespace {

using namespace sesame;
using namespace sesame::test;

Actor staff_of(Id agency_id, std::set<std::string> permissions, std::string id = "staff") {
    return Actor{std::move(id), agency_id, std::move(permissions), false};
}

Code check(World& w, const std::string& token) { return w.engine->check_session(w.portal.id, token).code(); }

std::size_t audited(World& w, const std::string& action, const std::string& target, const std::string& outcome) {
    std::size_t n = 0;
    for (const AuditEvent& e : w.audit_log())
        if (e.action == action && e.target == target && e.outcome == outcome) ++n;
    return n;
}

Event event_for(World& w, const Client& c, const std::string& date) {
    Event e;
    e.client_id = c.id;
    e.date = date;
    e.status = "scheduled";
    auto r = w.engine->create_event(w.root, e);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return *r;
}

Client bare_client(World& w, const std::string& first) {
    Client c;
    c.agency_id = w.agency.id;
    c.first_name = first;
    auto r = w.engine->create_client(w.root, c);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return *r;
}

}  // namespace

TEST_CASE_TEMPLATE("remove_contact ends the sessions made with it, deletes it, keeps its messages, and is audited", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    auto session = w.login(World::kPhone);
    REQUIRE(check(w, session.token) == Code::ok);
    const std::string target = "contact:" + std::to_string(w.ann_phone.id);

    // Without the permission, and from another agency, nothing happens.
    CHECK(w.engine->remove_contact(staff_of(w.agency.id, {"update_contacts", "create_contacts"}), w.ann_phone.id).code() ==
          Code::permission_denied);
    const Agency other = w.make_agency("Other Agency");
    const Actor outsider = staff_of(other.id, {"update_clients"}, "outsider");
    Status hidden = w.engine->remove_contact(outsider, w.ann_phone.id);
    Status missing = w.engine->remove_contact(outsider, 987654);
    CHECK(hidden.code() == Code::not_found);
    CHECK(hidden.message() == "no contact with id " + std::to_string(w.ann_phone.id));
    CHECK(missing.message() == "no contact with id 987654");
    CHECK(w.store->get_contact(w.ann_phone.id).ok());
    CHECK(check(w, session.token) == Code::ok);

    REQUIRE(w.engine->remove_contact(staff_of(w.agency.id, {"update_clients"}), w.ann_phone.id).ok());
    CHECK(w.store->get_contact(w.ann_phone.id).code() == Code::not_found);
    CHECK(w.store->get_contact(w.ann_email.id).ok());
    CHECK(check(w, session.token) == Code::session_invalid);
    auto stored = w.session(session.session_id);
    REQUIRE(stored.ok());
    CHECK(stored->revoke_reason == "contact_removed");
    // The login message sent to the phone stays in the store.
    auto history = w.store->list_messages_to(w.agency.id, {World::kPhoneE164}, 10);
    REQUIRE(history.ok());
    CHECK(history->size() == 1);
    CHECK(audited(w, "contact.remove", target, "ok") == 1);
    CHECK(audited(w, "contact.remove", target, code_name(Code::permission_denied)) == 1);
    // The value no longer logs in.
    w.next_send();
    CHECK(w.start(World::kPhone).code() == Code::contact_not_found);
    CHECK(w.engine->remove_contact(w.root, w.ann_phone.id).code() == Code::not_found);
}

TEST_CASE_TEMPLATE("delete_event is refused while a document is linked to it, and audited", W, MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Event linked = event_for(w, w.ann, "2030-01-15");
    const Event free_event = event_for(w, w.ann, "2030-01-10");
    Document d;
    d.client_id = w.ann.id;
    d.name = "Terms";
    d.status = "pending";
    d.uploaded_by = "agency";
    d.event_id = linked.id;
    auto doc = w.engine->create_document(w.root, d);
    REQUIRE_MESSAGE(doc.ok(), doc.status().message());

    const Actor editor = staff_of(w.agency.id, {"update_events"});
    CHECK(w.engine->delete_event(staff_of(w.agency.id, {"create_events", "update_clients"}), free_event.id).code() ==
          Code::permission_denied);
    const Agency other = w.make_agency("Other Agency");
    Status hidden = w.engine->delete_event(staff_of(other.id, {"update_events"}), free_event.id);
    CHECK(hidden.code() == Code::not_found);
    CHECK(hidden.message() == "no event with id " + std::to_string(free_event.id));

    Status refused = w.engine->delete_event(editor, linked.id);
    CHECK(refused.code() == Code::failed_precondition);
    CHECK(contains(refused.message(), "document " + std::to_string(doc->id)));
    CHECK(w.engine->get_event(w.root, linked.id).ok());

    REQUIRE(w.engine->delete_event(editor, free_event.id).ok());
    CHECK(w.engine->get_event(w.root, free_event.id).code() == Code::not_found);
    CHECK(audited(w, "event.delete", "event:" + std::to_string(free_event.id), "ok") == 1);

    Document unlinked = *doc;
    unlinked.event_id.reset();
    REQUIRE(w.engine->update_document(w.root, unlinked).ok());
    REQUIRE(w.engine->delete_event(editor, linked.id).ok());
    CHECK(w.engine->list_events(w.root, w.ann.id)->empty());
    CHECK(w.engine->delete_event(editor, linked.id).code() == Code::not_found);
}

TEST_CASE_TEMPLATE("delete_client deletes a client with nothing but contacts, and names what else would be lost", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Actor clerk = staff_of(w.agency.id, {"update_clients"});

    // A client with contacts only goes with them.
    const Client bare = bare_client(w, "Bo");
    const Contact phone = w.add_contact(bare, ContactKind::phone, "555 400 0004");
    const Contact email = w.add_contact(bare, ContactKind::email, "bo@example.org");
    CHECK(w.engine->delete_client(staff_of(w.agency.id, {"create_clients", "update_contacts"}), bare.id).code() ==
          Code::permission_denied);
    const Agency other = w.make_agency("Other Agency");
    Status hidden = w.engine->delete_client(staff_of(other.id, {"update_clients"}), bare.id);
    CHECK(hidden.code() == Code::not_found);
    CHECK(hidden.message() == "no client with id " + std::to_string(bare.id));
    CHECK(w.engine->get_client(w.root, bare.id).ok());

    REQUIRE(w.engine->delete_client(clerk, bare.id).ok());
    CHECK(w.engine->get_client(w.root, bare.id).code() == Code::not_found);
    CHECK(w.store->get_contact(phone.id).code() == Code::not_found);
    CHECK(w.store->get_contact(email.id).code() == Code::not_found);
    CHECK(audited(w, "client.delete", "client:" + std::to_string(bare.id), "ok") == 1);
    CHECK(w.engine->delete_client(clerk, bare.id).code() == Code::not_found);

    // Ann has logged in: her messages and session keep her.
    auto session = w.login(World::kPhone);
    Status refused = w.engine->delete_client(clerk, w.ann.id);
    CHECK(refused.code() == Code::failed_precondition);
    CHECK(contains(refused.message(), "messages sent to its contacts, 1 session"));
    CHECK(contains(refused.message(), "archive it instead"));
    CHECK(w.engine->get_client(w.root, w.ann.id).ok());
    CHECK(w.store->get_contact(w.ann_phone.id).ok());
    CHECK(check(w, session.token) == Code::ok);

    // Each kind of content alone is named.
    const Client with_event = bare_client(w, "Eve");
    event_for(w, with_event, "2030-02-02");
    Status by_event = w.engine->delete_client(clerk, with_event.id);
    CHECK(by_event.code() == Code::failed_precondition);
    CHECK(contains(by_event.message(), "it has 1 event;"));

    const Client with_case = bare_client(w, "Cas");
    Case c;
    c.client_id = with_case.id;
    c.status = "open";
    REQUIRE(w.engine->create_case(w.root, c).ok());
    REQUIRE(w.engine->create_case(w.root, c).ok());
    CHECK(contains(w.engine->delete_client(clerk, with_case.id).message(), "it has 2 cases;"));

    const Client with_document = bare_client(w, "Doc");
    Document d;
    d.client_id = with_document.id;
    d.name = "Form";
    d.status = "pending";
    d.uploaded_by = "agency";
    REQUIRE(w.engine->create_document(w.root, d).ok());
    CHECK(contains(w.engine->delete_client(clerk, with_document.id).message(), "it has 1 document;"));

    // An upload, written as the upload call writes it (the store row; the bytes live elsewhere).
    const Client with_upload = bare_client(w, "Upl");
    Upload u;
    u.agency_id = w.agency.id;
    u.portal_id = w.portal.id;
    u.client_id = with_upload.id;
    u.kind = UploadKind::photo;
    u.file_name = "id.jpg";
    u.content_type = "image/jpeg";
    u.size = 10;
    u.sha256 = std::string(64, 'b');
    u.blob_name = "blob-upl";
    u.created_at = w.clock->now();
    REQUIRE(w.store->insert_upload(u).ok());
    Status by_upload = w.engine->delete_client(clerk, with_upload.id);
    CHECK(by_upload.code() == Code::failed_precondition);
    CHECK(contains(by_upload.message(), "it has 1 upload;"));
    CHECK(w.engine->get_client(w.root, with_upload.id).ok());
}
