// The default Directory: clients, contacts, events, cases and documents from the engine's own store.
#include "sesame/directory.hpp"
#include "sesame/store.hpp"

namespace sesame {
namespace {

class StoreDirectory final : public Directory {
public:
    explicit StoreDirectory(std::shared_ptr<Store> store) : store_(std::move(store)) {}

    Result<std::vector<Owner>> find_owners(Id agency_id, const std::string& value) override {
        auto contacts = store_->find_contacts(agency_id, value);
        if (!contacts) return contacts.status();
        std::vector<Owner> out;
        for (auto& contact : *contacts) {
            auto client = get_client(agency_id, contact.client_id);
            if (!client) {
                if (client.code() == Code::not_found) continue;
                return client.status();
            }
            out.push_back({std::move(*client), std::move(contact)});
        }
        return out;
    }

    Result<Client> get_client(Id agency_id, Id client_id) override {
        auto client = store_->get_client(client_id);
        if (client && client->agency_id != agency_id)
            return Status(Code::not_found, "no client with that id in this agency");
        return client;
    }

    Result<std::vector<Contact>> list_contacts(Id agency_id, Id client_id) override {
        auto client = get_client(agency_id, client_id);
        if (!client) return client.status();
        return store_->list_contacts(client_id);
    }

    Result<std::vector<Event>> list_events(Id agency_id, Id client_id) override {
        auto client = get_client(agency_id, client_id);
        if (!client) return client.status();
        return store_->list_events(client_id);
    }

    Result<std::vector<Case>> list_cases(Id agency_id, Id client_id) override {
        auto client = get_client(agency_id, client_id);
        if (!client) return client.status();
        return store_->list_cases(client_id);
    }

    Result<std::vector<Document>> list_documents(Id agency_id, Id client_id) override {
        auto client = get_client(agency_id, client_id);
        if (!client) return client.status();
        return store_->list_documents(client_id);
    }

    const Store* store() const { return store_.get(); }

private:
    std::shared_ptr<Store> store_;
};

}  // namespace

bool is_store_directory(const Directory& directory, const Store& store) {
    const auto* own = dynamic_cast<const StoreDirectory*>(&directory);
    return own && own->store() == &store;
}

std::shared_ptr<Directory> make_store_directory(std::shared_ptr<Store> store) {
    return std::make_shared<StoreDirectory>(std::move(store));
}

}  // namespace sesame
