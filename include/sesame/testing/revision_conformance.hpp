// The Store conformance case for revisions (include/sesame/store.hpp, "Revisions"): every record
// kind that carries one goes through the same steps. Included by conformance.hpp, whose
// SESAME_STORE_CONFORMANCE runs it with every other case against each store.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sesame/store.hpp"

namespace sesame::conformance {

// One kind of record: how the store keeps it, and one text field the steps change.
template <class T>
struct Revised;

template <>
struct Revised<Agency> {
    static Result<Id> insert(Store& s, const Agency& v) { return s.insert_agency(v); }
    static Status update(Store& s, const Agency& v) { return s.update_agency(v); }
    static Result<Agency> get(Store& s, Id id) { return s.get_agency(id); }
    static Result<std::vector<Agency>> list(Store& s, const Agency&) { return s.list_agencies(); }
    static std::string& field(Agency& v) { return v.name; }
};

template <>
struct Revised<AgencyPhone> {
    static Result<Id> insert(Store& s, const AgencyPhone& v) { return s.insert_agency_phone(v); }
    static Status update(Store& s, const AgencyPhone& v) { return s.update_agency_phone(v); }
    static Result<AgencyPhone> get(Store& s, Id id) {
        // Phones are read through their agency's list; any agency id of the test store will do.
        for (Id agency = 1; agency <= 4; ++agency) {
            auto phones = s.list_agency_phones(agency);
            if (!phones) return phones.status();
            for (const auto& p : *phones)
                if (p.id == id) return p;
        }
        return Status(Code::not_found, "no such agency phone");
    }
    static Result<std::vector<AgencyPhone>> list(Store& s, const AgencyPhone& v) { return s.list_agency_phones(v.agency_id); }
    static std::string& field(AgencyPhone& v) { return v.number; }
};

template <>
struct Revised<Portal> {
    static Result<Id> insert(Store& s, const Portal& v) { return s.insert_portal(v); }
    static Status update(Store& s, const Portal& v) { return s.update_portal(v); }
    static Result<Portal> get(Store& s, Id id) { return s.get_portal(id); }
    static Result<std::vector<Portal>> list(Store& s, const Portal& v) { return s.list_portals(v.agency_id); }
    static std::string& field(Portal& v) { return v.name; }
};

template <>
struct Revised<Client> {
    static Result<Id> insert(Store& s, const Client& v) { return s.insert_client(v); }
    static Status update(Store& s, const Client& v) { return s.update_client(v); }
    static Result<Client> get(Store& s, Id id) { return s.get_client(id); }
    static Result<std::vector<Client>> list(Store& s, const Client& v) { return s.list_clients(v.agency_id); }
    static std::string& field(Client& v) { return v.first_name; }
};

template <>
struct Revised<Contact> {
    static Result<Id> insert(Store& s, const Contact& v) { return s.insert_contact(v); }
    static Status update(Store& s, const Contact& v) { return s.update_contact(v); }
    static Result<Contact> get(Store& s, Id id) { return s.get_contact(id); }
    static Result<std::vector<Contact>> list(Store& s, const Contact& v) { return s.list_contacts(v.client_id); }
    static std::string& field(Contact& v) { return v.value; }
};

template <>
struct Revised<Event> {
    static Result<Id> insert(Store& s, const Event& v) { return s.insert_event(v); }
    static Status update(Store& s, const Event& v) { return s.update_event(v); }
    static Result<Event> get(Store& s, Id id) { return s.get_event(id); }
    static Result<std::vector<Event>> list(Store& s, const Event& v) { return s.list_events(v.client_id); }
    static std::string& field(Event& v) { return v.location; }
};

template <>
struct Revised<Case> {
    static Result<Id> insert(Store& s, const Case& v) { return s.insert_case(v); }
    static Status update(Store& s, const Case& v) { return s.update_case(v); }
    static Result<Case> get(Store& s, Id id) { return s.get_case(id); }
    static Result<std::vector<Case>> list(Store& s, const Case& v) { return s.list_cases(v.client_id); }
    static std::string& field(Case& v) { return v.description; }
};

template <>
struct Revised<Document> {
    static Result<Id> insert(Store& s, const Document& v) { return s.insert_document(v); }
    static Status update(Store& s, const Document& v) { return s.update_document(v); }
    static Result<Document> get(Store& s, Id id) { return s.get_document(id); }
    static Result<std::vector<Document>> list(Store& s, const Document& v) { return s.list_documents(v.client_id); }
    static std::string& field(Document& v) { return v.name; }
};

template <>
struct Revised<SidebarItem> {
    static Result<Id> insert(Store& s, const SidebarItem& v) { return s.insert_sidebar_item(v); }
    static Status update(Store& s, const SidebarItem& v) { return s.update_sidebar_item(v); }
    static Result<SidebarItem> get(Store& s, Id id) { return s.get_sidebar_item(id); }
    static Result<std::vector<SidebarItem>> list(Store& s, const SidebarItem& v) { return s.list_sidebar_items(v.portal_id); }
    static std::string& field(SidebarItem& v) { return v.title; }
};

template <>
struct Revised<GatedResource> {
    static Result<Id> insert(Store& s, const GatedResource& v) { return s.insert_gated_resource(v); }
    static Status update(Store& s, const GatedResource& v) { return s.update_gated_resource(v); }
    static Result<GatedResource> get(Store& s, Id id) { return s.get_gated_resource(id); }
    static Result<std::vector<GatedResource>> list(Store& s, const GatedResource& v) { return s.list_gated_resources(v.portal_id); }
    static std::string& field(GatedResource& v) { return v.title; }
};

// The revision the store lists for row `id`, or -1 when the list lacks it.
template <class T>
std::int64_t listed_revision(Store& store, const T& row) {
    auto rows = Revised<T>::list(store, row);
    REQUIRE(rows.ok());
    auto it = std::find_if(rows->begin(), rows->end(), [&](const T& r) { return r.id == row.id; });
    return it == rows->end() ? -1 : it->revision;
}

// `value(n)` gives the text field a value of its own for each step.
template <class T, class Value>
void check_revisions(Store& store, T row, Value&& value) {
    using K = Revised<T>;
    CAPTURE(K::field(row));
    row.revision = 77;  // insert stores revision 1 whatever the record says
    auto id = K::insert(store, row);
    REQUIRE(id.ok());
    auto got = K::get(store, *id);
    REQUIRE(got.ok());
    CHECK(got->revision == 1);
    CHECK(listed_revision(store, *got) == 1);

    // An update naming the revision it read applies, and the stored revision moves on by one.
    T first = *got;
    K::field(first) = value(1);
    REQUIRE(K::update(store, first).ok());
    got = K::get(store, *id);
    REQUIRE(got.ok());
    CHECK(got->revision == 2);
    CHECK(K::field(*got) == value(1));
    CHECK(listed_revision(store, *got) == 2);

    // A second update from the same read (a form left open) is refused, and changes nothing.
    T stale = first;  // still names revision 1
    K::field(stale) = value(2);
    const Status refused = K::update(store, stale);
    CHECK(refused.code() == Code::conflict);
    CHECK(refused.message().find("revision 2") != std::string::npos);
    got = K::get(store, *id);
    REQUIRE(got.ok());
    CHECK(got->revision == 2);
    CHECK(K::field(*got) == value(1));

    // A revision the record never had yet is no better.
    T ahead = *got;
    ahead.revision = 3;
    CHECK(K::update(store, ahead).code() == Code::conflict);

    // Revision 0 applies over whatever is stored.
    T any = *got;
    any.revision = 0;
    K::field(any) = value(3);
    REQUIRE(K::update(store, any).ok());
    got = K::get(store, *id);
    REQUIRE(got.ok());
    CHECK(got->revision == 3);
    CHECK(K::field(*got) == value(3));

    // A missing row is NOT_FOUND, whatever revision the update names.
    T ghost = *got;
    ghost.id = 424242;
    CHECK(K::update(store, ghost).code() == Code::not_found);
    ghost.revision = 0;
    CHECK(K::update(store, ghost).code() == Code::not_found);
}

}  // namespace sesame::conformance

TEST_CASE_TEMPLATE_DEFINE("store: every update is compare-and-set on the record's revision", Factory,
                          store_conformance_revisions) {
    using namespace sesame;
    using namespace sesame::conformance;
    Factory factory;
    std::shared_ptr<Store> store = factory.make();
    const World w = make_world(*store);
    auto named = [](const char* what) { return [what](int n) { return std::string(what) + " " + std::to_string(n); }; };

    check_revisions(*store, sample_agency("Revised County"), named("County"));
    check_revisions(*store, AgencyPhone{0, w.agency, "+15550001000", CarrierRegistration::pending},
                    [](int n) { return "+1555000100" + std::to_string(n); });
    check_revisions(*store, sample_portal(w.agency, "revised"), named("Portal"));
    check_revisions(*store, sample_client(w.agency, "ref-revised"), named("Name"));
    Contact contact;
    contact.agency_id = w.agency;
    contact.client_id = w.client;
    contact.kind = ContactKind::email;
    contact.value = "revised@example.org";
    contact.created_at = 1'700'000'003;
    check_revisions(*store, contact, [](int n) { return "revised" + std::to_string(n) + "@example.org"; });
    check_revisions(*store, sample_event(w.agency, w.client, "2027-01-02", "09:30"), named("Room"));
    check_revisions(*store, sample_case(w.agency, w.client, "CR-REV-1"), named("Description"));
    check_revisions(*store, sample_document(w.agency, w.client, "Revised form"), named("Form"));
    check_revisions(*store, sample_sidebar_item(w.agency, w.portal, "Revised link", 1), named("Link"));
    check_revisions(*store, sample_gated_resource(w.agency, w.portal, ResourceKind::form, "revised"), named("Form"));
}

#define SESAME_STORE_REVISION_CONFORMANCE(...) TEST_CASE_TEMPLATE_INVOKE(store_conformance_revisions, __VA_ARGS__)
