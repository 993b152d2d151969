// Sesame — the Directory interface: where clients and their contacts come from.
//
// By default they come from the Store's own tables, managed through the Engine's staff operations.
// A court with its own case-management system plugs in a Directory instead: the engine then asks it
// "which clients own this contact" and "who is this client", and keeps only auth state (challenges,
// sessions, messages, throttles, audit) in its store. Implementations must be thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

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
};

// The default: the store's clients and contacts tables.
SESAME_CXX_API std::shared_ptr<Directory> make_store_directory(std::shared_ptr<Store> store);

}  // namespace sesame
