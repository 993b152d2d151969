// The profile through the C ABI: the policy as a JSON object for staff, the client's profile and
// its update as JSON, and the contact change with typed results; misuse refused and nothing written.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "capi/internal.hpp"
#include "engine/support.hpp"
#include "capi/c_support.hpp"
#include "sesame/sesame.h"

namespace {

using nlohmann::json;
using sesame::test::MemoryWorld;

using namespace sesame::test::capi;

struct CWorld : MemoryWorld {
    std::unique_ptr<sesame_engine> handle = [this] {
        auto e = sesame::Engine::open(options());
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        auto h = std::make_unique<sesame_engine>();
        h->rep = std::move(*e);
        return h;
    }();
    CActor staff{"editor-1", agency.id, {"update_portals"}};
    CActor reader{"reader-1", agency.id, {}};
    sesame_engine* h() { return handle.get(); }

    Answer set_policy(const std::string& text, const CActor& who) {
        return call([&](sesame_buf* out) {
            return sesame_profile_policy_set(out, h(), who.get(), portal.id, text.c_str());
        });
    }
    json policy() {
        return ::ok([&](sesame_buf* out) { return sesame_profile_policy_get(out, h(), reader.get(), portal.id); });
    }
    Answer update(const std::string& token, const std::string& text) {
        return call([&](sesame_buf* out) {
            return sesame_profile_update(out, h(), portal.id, token.c_str(), text.c_str());
        });
    }
    std::string code_to(const std::string& destination) {
        auto msgs = store->list_messages_to(agency.id, {destination}, 1);
        REQUIRE(msgs.ok());
        REQUIRE(!msgs->empty());
        std::smatch m;
        REQUIRE(std::regex_search(msgs->front().content, m, std::regex("([0-9]{6})")));
        return m[1].str();
    }
};

}  // namespace

TEST_CASE("capi profile: staff policy as a JSON object; a bad field or word writes nothing") {
    CWorld w;
    json p = w.policy();
    CHECK(p.size() == sesame::profile_fields().size());
    CHECK(p.at("language") == "editable");
    CHECK(p.at("status") == "hidden");

    json set = ::ok([&](sesame_buf* out) {
        return sesame_profile_policy_set(out, w.h(), w.staff.get(), w.portal.id,
                                         R"({"email":"editable","dob":"hidden"})");
    });
    CHECK(set.at("email") == "editable");
    CHECK(set.at("dob") == "hidden");
    CHECK(set.at("first_name") == "read_only");

    Answer a = w.set_policy(R"({"email":"read_only","shoe_size":"editable"})", w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "shoe_size"));
    a = w.set_policy(R"({"email":"visible"})", w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "\"email\""));
    a = w.set_policy(R"({"email":1})", w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    a = w.set_policy("[1,2]", w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    a = w.set_policy(R"({"email":"read_only"})", w.reader);
    CHECK(a.status == SESAME_E_PERMISSION_DENIED);
    CHECK(w.policy().at("email") == "editable");

    CActor outsider{"x", w.agency.id + 100, {"update_portals"}};
    CHECK(w.set_policy("{}", outsider).status == SESAME_E_NOT_FOUND);
    CHECK(sesame_profile_policy_set(nullptr, w.h(), w.staff.get(), w.portal.id, "{}") == SESAME_E_INVALID_ARGUMENT);
    sesame_buf out{nullptr, 0};
    CHECK(sesame_profile_policy_set(&out, w.h(), w.staff.get(), w.portal.id, nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_profile_policy_get(&out, nullptr, w.staff.get(), w.portal.id) == SESAME_E_INVALID_ARGUMENT);
    CHECK(out.data == nullptr);
}

TEST_CASE("capi profile: the visitor's profile and its update over JSON") {
    CWorld w;
    const std::string token = w.login().token;
    json p = ::ok([&](sesame_buf* out) { return sesame_profile_get(out, w.h(), w.portal.id, token.c_str()); });
    CHECK(p.at("client_id") == w.ann.id);
    CHECK(p.at("phone") == "read_only");
    CHECK(p.at("contacts").size() == 2);
    for (const auto& f : p.at("fields")) CHECK(f.at("name") != "status");

    Answer a = w.update(token, R"({"language":"es","first_name":"Anne"})");
    CHECK(a.status == SESAME_E_PERMISSION_DENIED);
    CHECK(has(a.message, "first_name"));
    a = w.update(token, R"({"language":7})");
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "language"));
    a = w.update(token, R"({"language":"Spanish"})");
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(w.store->get_client(w.ann.id)->language == "en");
    CHECK(w.update("dead", R"({"language":"es"})").status == SESAME_E_SESSION_INVALID);

    p = ::ok([&](sesame_buf* out) {
        return sesame_profile_update(out, w.h(), w.portal.id, token.c_str(), R"({"language":"es"})");
    });
    CHECK(w.store->get_client(w.ann.id)->language == "es");
    bool seen = false;
    for (const auto& f : p.at("fields"))
        if (f.at("name") == "language") seen = f.at("value") == "es" && f.at("policy") == "editable";
    CHECK(seen);

    sesame_buf out{nullptr, 0};
    CHECK(sesame_profile_get(&out, w.h(), w.portal.id, nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_profile_update(&out, w.h(), w.portal.id, token.c_str(), "not json") == SESAME_E_INVALID_ARGUMENT);
    CHECK(out.data == nullptr);
}

TEST_CASE("capi profile: a contact change with typed results; misuse refused") {
    CWorld w;
    const auto other = w.login();
    w.next_send();
    const std::string token = w.login().token;
    REQUIRE(w.set_policy(R"({"phone":"editable"})", w.staff).status == SESAME_OK);
    sesame_request request = SESAME_REQUEST_INIT;
    request.ip = "198.51.100.4";

    sesame_contact_change_started started = SESAME_CONTACT_CHANGE_STARTED_INIT;
    CHECK(sesame_contact_change_request(&started, w.h(), w.portal.id, token.c_str(), "fax", "1", 0, &request) ==
          SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_contact_change_request(&started, w.h(), w.portal.id, token.c_str(), "email", "a@example.org", 0,
                                        &request) == SESAME_E_PERMISSION_DENIED);
    sesame_contact_change_started short_out = SESAME_CONTACT_CHANGE_STARTED_INIT;
    short_out.struct_size = 8;
    CHECK(sesame_contact_change_request(&short_out, w.h(), w.portal.id, token.c_str(), "phone", "(555) 987-6543", 0,
                                        &request) == SESAME_E_INVALID_ARGUMENT);
    CHECK(w.store->list_messages_to(w.agency.id, {"+15559876543"}, 5)->empty());

    REQUIRE(sesame_contact_change_request(&started, w.h(), w.portal.id, token.c_str(), "phone", "(555) 987-6543",
                                          w.ann_phone.id, &request) == SESAME_OK);
    CHECK(started.channel == SESAME_CHANNEL_SMS);
    CHECK(std::string(started.masked_destination) == "•••-•••-6543");
    CHECK(started.expires_at > 0);

    sesame_contact_change_confirmed confirmed = SESAME_CONTACT_CHANGE_CONFIRMED_INIT;
    CHECK(sesame_contact_change_confirm(&confirmed, w.h(), w.portal.id, token.c_str(), started.challenge_id, "999999",
                                        &request) == SESAME_E_VERIFY_FAILED);
    CHECK(sesame_contact_change_confirm(&confirmed, w.h(), w.portal.id, token.c_str(), nullptr, "1", &request) ==
          SESAME_E_INVALID_ARGUMENT);
    // The change's code never logs in.
    sesame_login_verified verified = SESAME_LOGIN_VERIFIED_INIT;
    const std::string code = w.code_to("+15559876543");
    CHECK(sesame_login_verify(&verified, w.h(), w.portal.id, started.challenge_id, code.c_str(), &request) ==
          SESAME_E_VERIFY_FAILED);

    REQUIRE(sesame_contact_change_confirm(&confirmed, w.h(), w.portal.id, token.c_str(), started.challenge_id,
                                          code.c_str(), &request) == SESAME_OK);
    CHECK(confirmed.contact_id == w.ann_phone.id);
    CHECK(confirmed.replaced == 1);
    CHECK(confirmed.sessions_revoked == 1);
    CHECK(w.store->get_contact(w.ann_phone.id)->value == "+15559876543");
    sesame_session_info info = SESAME_SESSION_INFO_INIT;
    CHECK(sesame_session_check(&info, w.h(), w.portal.id, other.token.c_str()) == SESAME_E_SESSION_INVALID);
    CHECK(sesame_session_check(&info, w.h(), w.portal.id, token.c_str()) == SESAME_OK);
}
