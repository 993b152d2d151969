// A host's own case system as the Directory: Sesame keeps only auth state.
#include <doctest/doctest.h>

#include <mutex>

#include "sesame/sesame.hpp"

using namespace sesame;

namespace {

class FixedRandom final : public RandomSource {
public:
    std::uint32_t uniform(std::uint32_t upper) override { return 42 % upper; }
};

// Two clients sharing one phone, known only to the host.
class HostDirectory final : public Directory {
public:
    explicit HostDirectory(Id agency) : agency_(agency) {
        for (Id id : {501, 502}) {
            Client c;
            c.id = id;
            c.agency_id = agency;
            c.first_name = id == 501 ? "Rosa" : "Tomas";
            c.last_name = "Diaz";
            c.language = id == 501 ? "es" : "en";
            clients_.push_back(c);
            Contact k;
            k.id = id * 10;
            k.agency_id = agency;
            k.client_id = id;
            k.kind = ContactKind::phone;
            k.value = "+15550001111";
            contacts_.push_back(k);
        }
    }
    Result<std::vector<Owner>> find_owners(Id agency_id, const std::string& value) override {
        std::lock_guard lock(mu_);
        ++calls;
        std::vector<Owner> out;
        for (std::size_t i = 0; i < clients_.size(); ++i)
            if (agency_id == agency_ && contacts_[i].value == value) out.push_back({clients_[i], contacts_[i]});
        return out;
    }
    Result<Client> get_client(Id agency_id, Id client_id) override {
        for (const auto& c : clients_)
            if (c.id == client_id && agency_id == agency_) return c;
        return Status(Code::not_found, "no such client");
    }
    Result<std::vector<Contact>> list_contacts(Id agency_id, Id client_id) override {
        std::vector<Contact> out;
        for (const auto& k : contacts_)
            if (k.client_id == client_id && agency_id == agency_) out.push_back(k);
        return out;
    }
    int calls = 0;

private:
    std::mutex mu_;
    Id agency_;
    std::vector<Client> clients_;
    std::vector<Contact> contacts_;
};

}  // namespace

TEST_CASE("directory: a host directory answers who owns a contact; Sesame stores no client") {
    auto store = make_memory_store();
    Agency a;
    a.name = "Host Court";
    auto agency_id = store->insert_agency(a);
    REQUIRE(agency_id.ok());
    REQUIRE(store->insert_agency_phone({0, *agency_id, "+15559990000", CarrierRegistration::complete}).ok());
    Portal p;
    p.agency_id = *agency_id;
    p.name = "Host Portal";
    p.slug = "host";
    p.client_auth = ClientAuth::one_time_password;
    auto portal_id = store->insert_portal(p);
    REQUIRE(portal_id.ok());

    auto directory = std::make_shared<HostDirectory>(*agency_id);
    EngineOptions o;
    o.store = store;
    o.directory = directory;
    o.master_key = std::vector<std::uint8_t>(32, 3);
    o.clock = std::make_shared<FakeClock>();
    o.random = std::make_shared<FixedRandom>();
    auto engine = Engine::open(std::move(o));
    REQUIRE(engine.ok());
    Engine& e = **engine;

    auto started = e.start_login(*portal_id, "(555) 000-1111", {"10.0.0.1", "test"});
    REQUIRE(started.ok());
    CHECK(directory->calls == 1);
    auto clients = store->list_clients(*agency_id);
    REQUIRE(clients.ok());
    CHECK(clients->empty());  // nothing of the host's clients was copied

    // The message went out in the first owner's language.
    Actor staff{"clerk", *agency_id, {"view_messages"}, false};
    auto feed = e.message_feed(staff, 501);
    REQUIRE(feed.ok());
    REQUIRE(feed->size() == 1);
    CHECK(feed->front().content.find("su c\xC3\xB3" "digo") != std::string::npos);

    auto verified = e.verify_login(*portal_id, started->challenge_id, "000042", {"10.0.0.1", "test"});
    REQUIRE(verified.ok());
    CHECK_FALSE(verified->client_id.has_value());
    REQUIRE(verified->clients.size() == 2);
    CHECK(verified->clients[0].display_name == "Rosa D.");
    auto choices = e.session_choices(*portal_id, verified->token);
    REQUIRE(choices.ok());
    REQUIRE(choices->size() == 2);
    CHECK(choices->at(1).client_id == 502);
    CHECK(e.check_session(*portal_id, verified->token).code() == Code::selection_required);
    REQUIRE(e.select_client(*portal_id, verified->token, 502).ok());
    auto session = e.check_session(*portal_id, verified->token);
    REQUIRE(session.ok());
    CHECK(session->client_id == 502);
    CHECK(e.session_choices(*portal_id, "x").code() == Code::session_invalid);
}
