// Internal to capi/: a host's C store and directory vtables as the C++ Store and Directory.
//
// Every Store method becomes one call(method, request JSON) -> response JSON, in the protocol of
// capi/store_codec.hpp (docs/c-store-directory.md). A callback's NOT_FOUND, ALREADY_EXISTS and
// FAILED_PRECONDITION keep their code; any other failure, and any response that does not follow the
// protocol, is CALLBACK with a message naming the method. Neither adapter throws: host garbage
// becomes a Status. Both are as thread-safe as the host's callbacks, and call them on the caller's
// thread. Each owns its vtable's user_data and calls destroy once, when it is destroyed.
#pragma once

#include "capi/adapters.hpp"
#include "sesame/directory.hpp"
#include "sesame/store.hpp"

namespace sesame::capi {

class StoreAdapter final : public Store {
public:
    // Copies the vtable. A NULL call() makes every method fail with CALLBACK.
    explicit StoreAdapter(const sesame_store_vtable& v);

    Result<Id> insert_agency(const Agency& a) override;
    Status update_agency(const Agency& a) override;
    Result<Agency> get_agency(Id id) override;
    Result<std::vector<Agency>> list_agencies() override;

    Result<Id> insert_agency_phone(const AgencyPhone& p) override;
    Status update_agency_phone(const AgencyPhone& p) override;
    Result<std::vector<AgencyPhone>> list_agency_phones(Id agency_id) override;
    Result<Id> insert_agency_email(const AgencyEmail& e) override;
    Result<std::vector<AgencyEmail>> list_agency_emails(Id agency_id) override;

    Result<Id> insert_portal(const Portal& p) override;
    Status update_portal(const Portal& p) override;
    Result<Portal> get_portal(Id id) override;
    Result<Portal> find_portal_by_slug(const std::string& slug) override;
    Result<std::vector<Portal>> list_portals(Id agency_id) override;

    Result<Id> insert_client(const Client& c) override;
    Status update_client(const Client& c) override;
    Result<Client> get_client(Id id) override;
    Result<std::vector<Client>> list_clients(Id agency_id) override;
    Status delete_client(Id id) override;

    Result<Id> insert_contact(const Contact& c) override;
    Status update_contact(const Contact& c) override;
    Result<Contact> get_contact(Id id) override;
    Result<std::vector<Contact>> list_contacts(Id client_id) override;
    Status delete_contact(Id id) override;
    Result<std::vector<Contact>> find_contacts(Id agency_id, const std::string& value) override;

    Result<Id> insert_message(const Message& m) override;
    Status update_message(const Message& m) override;
    Result<Message> get_message(Id id) override;
    Result<std::vector<Message>> list_messages_to(Id agency_id, const std::vector<std::string>& destinations,
                                                  std::size_t limit) override;
    Result<std::vector<Message>> list_queued_messages(std::size_t limit) override;

    Result<Id> begin_challenge(const Challenge& c, const std::optional<Message>& message) override;
    Result<Challenge> get_challenge(const std::string& id) override;
    Result<Challenge> register_attempt(const std::string& id) override;
    Result<bool> consume_challenge(const std::string& id, UnixTime now) override;

    Status insert_session(const Session& s) override;
    Result<Session> find_session(const std::vector<std::uint8_t>& token_hash) override;
    Result<Session> get_session(const std::string& id) override;
    Status touch_session(const std::string& id, UnixTime now, UnixTime idle_expires_at) override;
    Status bind_session_client(const std::string& id, Id client_id) override;
    Result<std::int64_t> revoke_session(const std::string& id, UnixTime now, const std::string& reason) override;
    Result<std::int64_t> revoke_client_sessions(Id client_id, UnixTime now, const std::string& reason) override;
    Result<std::int64_t> revoke_destination_sessions(Id agency_id, const std::string& destination, UnixTime now,
                                                     const std::string& reason) override;
    Result<std::int64_t> revoke_portal_sessions(Id portal_id, UnixTime now, const std::string& reason) override;
    Result<std::vector<Session>> list_client_sessions(Id client_id) override;

    Result<Counter> bump_counter(const std::string& key, UnixTime now, std::int64_t window_seconds) override;
    Result<Counter> get_counter(const std::string& key) override;
    Status reset_counter(const std::string& key) override;

    Status put_template(const MessageTemplate& t) override;
    Result<std::optional<MessageTemplate>> get_template(Id agency_id, Channel channel,
                                                        const std::string& language) override;

    Result<Id> append_audit(const AuditEvent& e) override;
    Result<std::vector<AuditEvent>> list_audit(Id agency_id, std::size_t limit) override;

    Result<SweepResult> sweep(UnixTime now, UnixTime counter_cutoff) override;

    Result<Id> insert_event(const Event& e) override;
    Status update_event(const Event& e) override;
    Result<Event> get_event(Id id) override;
    Result<std::vector<Event>> list_events(Id client_id) override;
    Status delete_event(Id id) override;
    Result<Id> insert_case(const Case& c) override;
    Status update_case(const Case& c) override;
    Result<Case> get_case(Id id) override;
    Result<std::vector<Case>> list_cases(Id client_id) override;
    Result<Id> insert_document(const Document& d) override;
    Status update_document(const Document& d) override;
    Result<Document> get_document(Id id) override;
    Result<std::vector<Document>> list_documents(Id client_id) override;

    Result<Id> insert_sidebar_item(const SidebarItem& item) override;
    Status update_sidebar_item(const SidebarItem& item) override;
    Status delete_sidebar_item(Id id) override;
    Result<SidebarItem> get_sidebar_item(Id id) override;
    Result<std::vector<SidebarItem>> list_sidebar_items(Id portal_id) override;
    Result<Id> insert_gated_resource(const GatedResource& resource) override;
    Status update_gated_resource(const GatedResource& resource) override;
    Status delete_gated_resource(Id id) override;
    Result<GatedResource> get_gated_resource(Id id) override;
    Result<GatedResource> find_gated_resource(Id portal_id, ResourceKind kind, const std::string& slug) override;
    Result<std::vector<GatedResource>> list_gated_resources(Id portal_id) override;

    Status put_upload_policy(const UploadPolicy& p) override;
    Result<std::optional<UploadPolicy>> get_upload_policy(Id portal_id) override;
    Result<Id> insert_upload(const Upload& u) override;
    Result<Upload> get_upload(Id id) override;
    Result<std::vector<Upload>> list_uploads(Id client_id) override;
    Status delete_upload(Id id) override;
    Status put_document_file(const DocumentFile& f) override;
    Result<std::optional<DocumentFile>> get_document_file(Id document_id) override;

    Status put_dashboard_template(const DashboardTemplate& t) override;
    Result<std::optional<DashboardTemplate>> get_dashboard_template(Id portal_id, const std::string& language) override;
    Status delete_dashboard_template(Id portal_id, const std::string& language) override;
    Result<std::vector<DashboardTemplate>> list_dashboard_templates(Id portal_id) override;

    Status put_profile_policy(Id portal_id, const std::vector<ProfileFieldRule>& rules) override;
    Result<std::vector<ProfileFieldRule>> get_profile_policy(Id portal_id) override;
    Status insert_contact_change(const ContactChange& change) override;
    Result<ContactChange> get_contact_change(const std::string& challenge_id) override;

    using CallFn = sesame_status (*)(void*, sesame_sink*, sesame_sink*, const char*, const char*);

private:
    Owned owned_;
    CallFn call_;
};

class DirectoryAdapter final : public Directory {
public:
    // Copies the vtable. A NULL method makes its Directory method fail with CALLBACK.
    explicit DirectoryAdapter(const sesame_directory_vtable& v);

    Result<std::vector<Owner>> find_owners(Id agency_id, const std::string& value) override;
    Result<Client> get_client(Id agency_id, Id client_id) override;
    Result<std::vector<Contact>> list_contacts(Id agency_id, Id client_id) override;
    // Optional callbacks: absent (NULL, or beyond the caller's struct_size), the list is empty.
    Result<std::vector<Event>> list_events(Id agency_id, Id client_id) override;
    Result<std::vector<Case>> list_cases(Id agency_id, Id client_id) override;
    Result<std::vector<Document>> list_documents(Id agency_id, Id client_id) override;

    using FindOwnersFn = sesame_status (*)(void*, sesame_sink*, sesame_sink*, int64_t, const char*);
    using ByClientFn = sesame_status (*)(void*, sesame_sink*, sesame_sink*, int64_t, int64_t);

private:
    Owned owned_;
    FindOwnersFn find_owners_;
    ByClientFn get_client_;
    ByClientFn list_contacts_;
    ByClientFn list_events_ = nullptr;
    ByClientFn list_cases_ = nullptr;
    ByClientFn list_documents_ = nullptr;
};

}  // namespace sesame::capi
