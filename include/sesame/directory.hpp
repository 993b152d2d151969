// Sesame — the Directory interface: where clients, their contacts and what is assigned to them
// (events, cases, documents) come from.
//
// By default they come from the Store's own tables, managed through the Engine's staff operations.
// A court with its own case-management system plugs in a Directory instead: the engine then asks it
// "which clients own this contact" and "who is this client", and keeps only auth state (challenges,
// sessions, messages, throttles, audit) in its store. Implementations must be thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sesame/content.hpp"
#include "sesame/export.hpp"
#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame {

class Store;

// One contact with the client it belongs to.
struct Owner {
    Client client;
    Contact contact;
};

class Directory {
public:
    virtual ~Directory() = default;
    // Every contact of the agency whose normalised value (E.164 or lower-cased email) is `value`,
    // each with its client, whatever their status: the engine decides who may log in.
    virtual Result<std::vector<Owner>> find_owners(Id agency_id, const std::string& value) = 0;
    // NOT_FOUND when the agency has no such client.
    virtual Result<Client> get_client(Id agency_id, Id client_id) = 0;
    virtual Result<std::vector<Contact>> list_contacts(Id agency_id, Id client_id) = 0;

    // ---- content: what the client's dashboard shows -----------------------------------------
    // The client's events, cases and documents. A directory that keeps none answers an empty
    // list, which these defaults do; the engine drops any row that is not the client's own and
    // puts events in date order itself.
    virtual Result<std::vector<Event>> list_events(Id agency_id, Id client_id) {
        (void)agency_id, (void)client_id;
        return std::vector<Event>{};
    }
    virtual Result<std::vector<Case>> list_cases(Id agency_id, Id client_id) {
        (void)agency_id, (void)client_id;
        return std::vector<Case>{};
    }
    virtual Result<std::vector<Document>> list_documents(Id agency_id, Id client_id) {
        (void)agency_id, (void)client_id;
        return std::vector<Document>{};
    }
};

// The default: the store's clients and contacts tables.
SESAME_CXX_API std::shared_ptr<Directory> make_store_directory(std::shared_ptr<Store> store);

}  // namespace sesame
