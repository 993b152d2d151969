// A Store that hands every call to another one, for tests that need to see or hold a call as the
// engine makes it: override before() (called with the method's name on the calling thread, before
// the call goes on) or transact(). Every method of include/sesame/store.hpp is here, the optional
// ones (transact, the key check) too: a new pure virtual method in Store stops this header from
// compiling until it is added.
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "sesame/store.hpp"

namespace sesame::test {

class ForwardingStore : public Store {
public:
    explicit ForwardingStore(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {}

    Store& inner() { return *inner_; }

    Status transact(const std::function<Status()>& body) override {
        before("transact");
        return inner_->transact(body);
    }
    Result<Id> insert_agency(const Agency& a) override {
        before("insert_agency");
        return inner_->insert_agency(a);
    }
    Status update_agency(const Agency& a) override {
        before("update_agency");
        return inner_->update_agency(a);
    }
    Result<Agency> get_agency(Id id) override {
        before("get_agency");
        return inner_->get_agency(id);
    }
    Result<std::vector<Agency>> list_agencies() override {
        before("list_agencies");
        return inner_->list_agencies();
    }
    Result<Id> insert_agency_phone(const AgencyPhone& p) override {
        before("insert_agency_phone");
        return inner_->insert_agency_phone(p);
    }
    Status update_agency_phone(const AgencyPhone& p) override {
        before("update_agency_phone");
        return inner_->update_agency_phone(p);
    }
    Result<std::vector<AgencyPhone>> list_agency_phones(Id agency_id) override {
        before("list_agency_phones");
        return inner_->list_agency_phones(agency_id);
    }
    Result<Id> insert_agency_email(const AgencyEmail& e) override {
        before("insert_agency_email");
        return inner_->insert_agency_email(e);
    }
    Result<std::vector<AgencyEmail>> list_agency_emails(Id agency_id) override {
        before("list_agency_emails");
        return inner_->list_agency_emails(agency_id);
    }
    Result<Id> insert_portal(const Portal& p) override {
        before("insert_portal");
        return inner_->insert_portal(p);
    }
    Status update_portal(const Portal& p) override {
        before("update_portal");
        return inner_->update_portal(p);
    }
    Result<Portal> get_portal(Id id) override {
        before("get_portal");
        return inner_->get_portal(id);
    }
    Result<Portal> find_portal_by_slug(const std::string& slug) override {
        before("find_portal_by_slug");
        return inner_->find_portal_by_slug(slug);
    }
    Result<std::vector<Portal>> list_portals(Id agency_id) override {
        before("list_portals");
        return inner_->list_portals(agency_id);
    }
    Result<Id> insert_client(const Client& c) override {
        before("insert_client");
        return inner_->insert_client(c);
    }
    Status update_client(const Client& c) override {
        before("update_client");
        return inner_->update_client(c);
    }
    Result<Client> get_client(Id id) override {
        before("get_client");
        return inner_->get_client(id);
    }
    Result<std::vector<Client>> list_clients(Id agency_id) override {
        before("list_clients");
        return inner_->list_clients(agency_id);
    }
    Status delete_client(Id id) override {
        before("delete_client");
        return inner_->delete_client(id);
    }
    Result<Id> insert_contact(const Contact& c) override {
        before("insert_contact");
        return inner_->insert_contact(c);
    }
    Status update_contact(const Contact& c) override {
        before("update_contact");
        return inner_->update_contact(c);
    }
    Result<Contact> get_contact(Id id) override {
        before("get_contact");
        return inner_->get_contact(id);
    }
    Result<std::vector<Contact>> list_contacts(Id client_id) override {
        before("list_contacts");
        return inner_->list_contacts(client_id);
    }
    Status delete_contact(Id id) override {
        before("delete_contact");
        return inner_->delete_contact(id);
    }
    Result<std::vector<Contact>> find_contacts(Id agency_id, const std::string& value) override {
        before("find_contacts");
        return inner_->find_contacts(agency_id, value);
    }
    Result<Id> insert_message(const Message& m) override {
        before("insert_message");
        return inner_->insert_message(m);
    }
    Status update_message(const Message& m) override {
        before("update_message");
        return inner_->update_message(m);
    }
    Result<Message> get_message(Id id) override {
        before("get_message");
        return inner_->get_message(id);
    }
    Result<std::vector<Message>> list_messages_to(Id agency_id, const std::vector<std::string>& destinations, std::size_t limit) override {
        before("list_messages_to");
        return inner_->list_messages_to(agency_id, destinations, limit);
    }
    Result<std::vector<Message>> list_queued_messages(std::size_t limit) override {
        before("list_queued_messages");
        return inner_->list_queued_messages(limit);
    }
    Result<Id> begin_challenge(const Challenge& c, const std::optional<Message>& message) override {
        before("begin_challenge");
        return inner_->begin_challenge(c, message);
    }
    Result<Challenge> get_challenge(const std::string& id) override {
        before("get_challenge");
        return inner_->get_challenge(id);
    }
    Result<Challenge> register_attempt(const std::string& id) override {
        before("register_attempt");
        return inner_->register_attempt(id);
    }
    Result<bool> consume_challenge(const std::string& id, UnixTime now) override {
        before("consume_challenge");
        return inner_->consume_challenge(id, now);
    }
    Status insert_session(const Session& s) override {
        before("insert_session");
        return inner_->insert_session(s);
    }
    Result<Session> find_session(const std::vector<std::uint8_t>& token_hash) override {
        before("find_session");
        return inner_->find_session(token_hash);
    }
    Result<Session> get_session(const std::string& id) override {
        before("get_session");
        return inner_->get_session(id);
    }
    Status touch_session(const std::string& id, UnixTime now, UnixTime idle_expires_at) override {
        before("touch_session");
        return inner_->touch_session(id, now, idle_expires_at);
    }
    Status bind_session_client(const std::string& id, Id client_id) override {
        before("bind_session_client");
        return inner_->bind_session_client(id, client_id);
    }
    Result<std::int64_t> revoke_session(const std::string& id, UnixTime now, const std::string& reason) override {
        before("revoke_session");
        return inner_->revoke_session(id, now, reason);
    }
    Result<std::int64_t> revoke_client_sessions(Id client_id, UnixTime now, const std::string& reason) override {
        before("revoke_client_sessions");
        return inner_->revoke_client_sessions(client_id, now, reason);
    }
    Result<std::int64_t> revoke_destination_sessions(Id agency_id, const std::string& destination, UnixTime now, const std::string& reason) override {
        before("revoke_destination_sessions");
        return inner_->revoke_destination_sessions(agency_id, destination, now, reason);
    }
    Result<std::int64_t> revoke_portal_sessions(Id portal_id, UnixTime now, const std::string& reason) override {
        before("revoke_portal_sessions");
        return inner_->revoke_portal_sessions(portal_id, now, reason);
    }
    Result<std::vector<Session>> list_client_sessions(Id client_id) override {
        before("list_client_sessions");
        return inner_->list_client_sessions(client_id);
    }
    Result<Counter> bump_counter(const std::string& key, UnixTime now, std::int64_t window_seconds) override {
        before("bump_counter");
        return inner_->bump_counter(key, now, window_seconds);
    }
    Result<Counter> get_counter(const std::string& key) override {
        before("get_counter");
        return inner_->get_counter(key);
    }
    Status reset_counter(const std::string& key) override {
        before("reset_counter");
        return inner_->reset_counter(key);
    }
    Status put_template(const MessageTemplate& t) override {
        before("put_template");
        return inner_->put_template(t);
    }
    Result<std::optional<MessageTemplate>> get_template(Id agency_id, Channel channel, const std::string& language) override {
        before("get_template");
        return inner_->get_template(agency_id, channel, language);
    }
    Result<std::optional<std::string>> get_key_check() override {
        before("get_key_check");
        return inner_->get_key_check();
    }
    Result<std::string> put_key_check(const std::string& value, bool replace) override {
        before("put_key_check");
        return inner_->put_key_check(value, replace);
    }
    Result<Id> append_audit(const AuditEvent& e) override {
        before("append_audit");
        return inner_->append_audit(e);
    }
    Result<std::vector<AuditEvent>> list_audit(Id agency_id, std::size_t limit) override {
        before("list_audit");
        return inner_->list_audit(agency_id, limit);
    }
    Result<SweepResult> sweep(UnixTime now, UnixTime counter_cutoff) override {
        before("sweep");
        return inner_->sweep(now, counter_cutoff);
    }
    Result<Id> insert_event(const Event& e) override {
        before("insert_event");
        return inner_->insert_event(e);
    }
    Status update_event(const Event& e) override {
        before("update_event");
        return inner_->update_event(e);
    }
    Result<Event> get_event(Id id) override {
        before("get_event");
        return inner_->get_event(id);
    }
    Result<std::vector<Event>> list_events(Id client_id) override {
        before("list_events");
        return inner_->list_events(client_id);
    }
    Status delete_event(Id id) override {
        before("delete_event");
        return inner_->delete_event(id);
    }
    Result<Id> insert_case(const Case& c) override {
        before("insert_case");
        return inner_->insert_case(c);
    }
    Status update_case(const Case& c) override {
        before("update_case");
        return inner_->update_case(c);
    }
    Result<Case> get_case(Id id) override {
        before("get_case");
        return inner_->get_case(id);
    }
    Result<std::vector<Case>> list_cases(Id client_id) override {
        before("list_cases");
        return inner_->list_cases(client_id);
    }
    Result<Id> insert_document(const Document& d) override {
        before("insert_document");
        return inner_->insert_document(d);
    }
    Status update_document(const Document& d) override {
        before("update_document");
        return inner_->update_document(d);
    }
    Result<Document> get_document(Id id) override {
        before("get_document");
        return inner_->get_document(id);
    }
    Result<std::vector<Document>> list_documents(Id client_id) override {
        before("list_documents");
        return inner_->list_documents(client_id);
    }
    Status put_dashboard_template(const DashboardTemplate& t) override {
        before("put_dashboard_template");
        return inner_->put_dashboard_template(t);
    }
    Result<std::optional<DashboardTemplate>> get_dashboard_template(Id portal_id, const std::string& language) override {
        before("get_dashboard_template");
        return inner_->get_dashboard_template(portal_id, language);
    }
    Status delete_dashboard_template(Id portal_id, const std::string& language) override {
        before("delete_dashboard_template");
        return inner_->delete_dashboard_template(portal_id, language);
    }
    Result<std::vector<DashboardTemplate>> list_dashboard_templates(Id portal_id) override {
        before("list_dashboard_templates");
        return inner_->list_dashboard_templates(portal_id);
    }
    Status put_upload_policy(const UploadPolicy& p) override {
        before("put_upload_policy");
        return inner_->put_upload_policy(p);
    }
    Result<std::optional<UploadPolicy>> get_upload_policy(Id portal_id) override {
        before("get_upload_policy");
        return inner_->get_upload_policy(portal_id);
    }
    Result<Id> insert_upload(const Upload& u) override {
        before("insert_upload");
        return inner_->insert_upload(u);
    }
    Result<Upload> get_upload(Id id) override {
        before("get_upload");
        return inner_->get_upload(id);
    }
    Result<std::vector<Upload>> list_uploads(Id client_id) override {
        before("list_uploads");
        return inner_->list_uploads(client_id);
    }
    Status delete_upload(Id id) override {
        before("delete_upload");
        return inner_->delete_upload(id);
    }
    Status put_document_file(const DocumentFile& f) override {
        before("put_document_file");
        return inner_->put_document_file(f);
    }
    Result<std::optional<DocumentFile>> get_document_file(Id document_id) override {
        before("get_document_file");
        return inner_->get_document_file(document_id);
    }
    Result<Id> insert_sidebar_item(const SidebarItem& item) override {
        before("insert_sidebar_item");
        return inner_->insert_sidebar_item(item);
    }
    Status update_sidebar_item(const SidebarItem& item) override {
        before("update_sidebar_item");
        return inner_->update_sidebar_item(item);
    }
    Status delete_sidebar_item(Id id) override {
        before("delete_sidebar_item");
        return inner_->delete_sidebar_item(id);
    }
    Result<SidebarItem> get_sidebar_item(Id id) override {
        before("get_sidebar_item");
        return inner_->get_sidebar_item(id);
    }
    Result<std::vector<SidebarItem>> list_sidebar_items(Id portal_id) override {
        before("list_sidebar_items");
        return inner_->list_sidebar_items(portal_id);
    }
    Result<Id> insert_gated_resource(const GatedResource& resource) override {
        before("insert_gated_resource");
        return inner_->insert_gated_resource(resource);
    }
    Status update_gated_resource(const GatedResource& resource) override {
        before("update_gated_resource");
        return inner_->update_gated_resource(resource);
    }
    Status delete_gated_resource(Id id) override {
        before("delete_gated_resource");
        return inner_->delete_gated_resource(id);
    }
    Result<GatedResource> get_gated_resource(Id id) override {
        before("get_gated_resource");
        return inner_->get_gated_resource(id);
    }
    Result<GatedResource> find_gated_resource(Id portal_id, ResourceKind kind, const std::string& slug) override {
        before("find_gated_resource");
        return inner_->find_gated_resource(portal_id, kind, slug);
    }
    Result<std::vector<GatedResource>> list_gated_resources(Id portal_id) override {
        before("list_gated_resources");
        return inner_->list_gated_resources(portal_id);
    }
    Status put_profile_policy(Id portal_id, const std::vector<ProfileFieldRule>& rules) override {
        before("put_profile_policy");
        return inner_->put_profile_policy(portal_id, rules);
    }
    Result<std::vector<ProfileFieldRule>> get_profile_policy(Id portal_id) override {
        before("get_profile_policy");
        return inner_->get_profile_policy(portal_id);
    }
    Status insert_contact_change(const ContactChange& change) override {
        before("insert_contact_change");
        return inner_->insert_contact_change(change);
    }
    Result<ContactChange> get_contact_change(const std::string& challenge_id) override {
        before("get_contact_change");
        return inner_->get_contact_change(challenge_id);
    }

protected:
    // Called first by every method, on the caller's thread.
    virtual void before(std::string_view method) { (void)method; }

private:
    std::shared_ptr<Store> inner_;
};

}  // namespace sesame::test
