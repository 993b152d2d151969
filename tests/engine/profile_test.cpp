// A portal's profile policy and the client's own profile: defaults, hidden fields, refusals that
// name the field and write nothing, audit by field name, and the contact change confirmed by a
// code sent to the new value, on both stores.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

Actor editor(Id agency_id, std::set<std::string> permissions = {"update_portals"}) {
    return Actor{"editor-1", agency_id, std::move(permissions), false};
}

template <class T>
T ok(Result<T> r) {
    REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
    return std::move(*r);
}

std::vector<std::string> names(const Profile& p) {
    std::vector<std::string> out;
    for (const auto& f : p.fields) out.push_back(f.name);
    return out;
}

const ProfileField* field(const Profile& p, const std::string& name) {
    for (const auto& f : p.fields)
        if (f.name == name) return &f;
    return nullptr;
}

void same_client(const Client& a, const Client& b) {
    CHECK(a.first_name == b.first_name);
    CHECK(a.middle_name == b.middle_name);
    CHECK(a.last_name == b.last_name);
    CHECK(a.dob == b.dob);
    CHECK(a.gender == b.gender);
    CHECK(a.language == b.language);
    CHECK(a.client_reference == b.client_reference);
    CHECK(a.type == b.type);
    CHECK(a.group == b.group);
    CHECK(a.status == b.status);
}

// The code in the newest simulated message to `destination`.
std::string code_sent_to(World& w, const std::string& destination) {
    auto msgs = w.store->list_messages_to(w.agency.id, {destination}, 5);
    REQUIRE_MESSAGE(msgs.ok(), msgs.status().message());
    REQUIRE_MESSAGE(!msgs->empty(), "no message to ", destination);
    const Message& m = msgs->front();
    REQUIRE(m.status == MessageStatus::simulated);
    std::smatch match;
    const std::regex code("(^|[^0-9])([0-9]{6})([^0-9]|$)");
    REQUIRE_MESSAGE(std::regex_search(m.content, match, code), "no code in: ", m.content);
    return match[2].str();
}

void allow(World& w, std::map<std::string, FieldPolicy> policy) {
    ok(w.engine->set_profile_policy(w.root, w.portal.id, policy));
}

}  // namespace

TEST_CASE_TEMPLATE("profile: defaults, hidden fields left out, contacts shown by policy", W, MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Actor staff = editor(w.agency.id);

    // Nothing set: the documented defaults, for every field.
    const auto policy = ok(w.engine->get_profile_policy(staff, w.portal.id));
    CHECK(policy.size() == profile_fields().size());
    CHECK(policy.at("first_name") == FieldPolicy::read_only);
    CHECK(policy.at("dob") == FieldPolicy::read_only);
    CHECK(policy.at("client_reference") == FieldPolicy::read_only);
    CHECK(policy.at("gender") == FieldPolicy::read_only);
    CHECK(policy.at("language") == FieldPolicy::editable);
    CHECK(policy.at("type") == FieldPolicy::hidden);
    CHECK(policy.at("group") == FieldPolicy::hidden);
    CHECK(policy.at("status") == FieldPolicy::hidden);
    CHECK(policy.at("phone") == FieldPolicy::read_only);
    CHECK(policy.at("email") == FieldPolicy::read_only);

    const auto token = w.login().token;
    auto p = ok(w.engine->profile(w.portal.id, token));
    CHECK(p.client_id == w.ann.id);
    CHECK(names(p) == std::vector<std::string>{"first_name", "middle_name", "last_name", "dob", "gender", "language",
                                               "client_reference"});
    CHECK(field(p, "first_name")->value == "Ann");
    CHECK(field(p, "language")->policy == FieldPolicy::editable);
    CHECK(p.phone == FieldPolicy::read_only);
    CHECK(p.email == FieldPolicy::read_only);
    CHECK(p.contacts.size() == 2);

    // Staff hide the names and the phone: not even the names of the fields are left.
    auto set = ok(w.engine->set_profile_policy(staff, w.portal.id,
                                               {{"first_name", FieldPolicy::hidden}, {"phone", FieldPolicy::hidden},
                                                {"status", FieldPolicy::read_only}}));
    CHECK(set.at("first_name") == FieldPolicy::hidden);
    CHECK(set.at("language") == FieldPolicy::editable);  // left out: its default
    p = ok(w.engine->profile(w.portal.id, token));
    CHECK(field(p, "first_name") == nullptr);
    CHECK(field(p, "status")->value == "active");
    CHECK_FALSE(p.phone.has_value());
    REQUIRE(p.contacts.size() == 1);
    CHECK(p.contacts[0].kind == ContactKind::email);

    // Replaced whole: setting only language brings first_name and phone back to their defaults.
    ok(w.engine->set_profile_policy(staff, w.portal.id, {{"language", FieldPolicy::read_only}}));
    p = ok(w.engine->profile(w.portal.id, token));
    CHECK(field(p, "first_name")->policy == FieldPolicy::read_only);
    CHECK(field(p, "language")->policy == FieldPolicy::read_only);
    CHECK(p.phone == FieldPolicy::read_only);

    // Sessions: dead tokens and the unknown portal.
    CHECK(w.engine->profile(w.portal.id, "nope").code() == Code::session_invalid);
    CHECK(w.engine->profile(999, token).code() == Code::not_found);
}

TEST_CASE_TEMPLATE("profile: staff policy needs update_portals, agency visibility, known fields; audited", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const Actor staff = editor(w.agency.id);
    const Agency rival = w.make_agency("Rival");

    CHECK(w.engine->set_profile_policy(editor(w.agency.id, {"view_audit"}), w.portal.id,
                                       {{"dob", FieldPolicy::hidden}})
              .code() == Code::permission_denied);
    CHECK(w.engine->set_profile_policy(editor(rival.id), w.portal.id, {{"dob", FieldPolicy::hidden}}).code() ==
          Code::not_found);
    CHECK(w.engine->get_profile_policy(editor(rival.id), w.portal.id).code() == Code::not_found);
    CHECK(w.engine->get_profile_policy(staff, 999).code() == Code::not_found);

    ok(w.engine->set_profile_policy(staff, w.portal.id, {{"dob", FieldPolicy::editable}}));
    auto bad = w.engine->set_profile_policy(staff, w.portal.id,
                                            {{"dob", FieldPolicy::hidden}, {"shoe_size", FieldPolicy::editable}});
    CHECK(bad.code() == Code::invalid_argument);
    CHECK(contains(bad.status().message(), "shoe_size"));
    // Nothing written.
    CHECK(ok(w.engine->get_profile_policy(staff, w.portal.id)).at("dob") == FieldPolicy::editable);

    const auto log = w.events->of("profile_policy.set");
    REQUIRE(log.size() == 2);
    CHECK(log.front().outcome == "SESAME_E_PERMISSION_DENIED");
    CHECK(log.back().outcome == "ok");
    CHECK(log.back().detail == "dob=editable");
    CHECK(log.back().actor == "staff:editor-1");
}

TEST_CASE_TEMPLATE("profile: update_profile is all or nothing, names the field, audits names only", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    CAPTURE(W::name);
    allow(w, {{"first_name", FieldPolicy::editable}, {"dob", FieldPolicy::editable},
              {"gender", FieldPolicy::editable}, {"status", FieldPolicy::read_only}});
    const auto token = w.login().token;
    const Client before = *w.store->get_client(w.ann.id);

    auto refused = [&](const std::map<std::string, std::string>& changes, Code code, const std::string& named) {
        CAPTURE(named);
        auto r = w.engine->update_profile(w.portal.id, token, changes);
        CHECK(r.code() == code);
        CHECK(contains(r.status().message(), named));
        same_client(*w.store->get_client(w.ann.id), before);
    };
    refused({{"first_name", "Anne"}, {"last_name", "Smith"}}, Code::permission_denied, "last_name");
    refused({{"first_name", "Anne"}, {"type", "adult"}}, Code::permission_denied, "type");  // hidden
    refused({{"first_name", "Anne"}, {"status", "inactive"}}, Code::permission_denied, "status");
    refused({{"first_name", "Anne"}, {"favourite_colour", "red"}}, Code::invalid_argument, "favourite_colour");
    refused({{"first_name", "Anne"}, {"dob", "2001-02-30"}}, Code::invalid_argument, "dob");
    refused({{"first_name", "Anne"}, {"dob", "yesterday"}}, Code::invalid_argument, "dob");
    refused({{"first_name", "Anne"}, {"language", "spanish"}}, Code::invalid_argument, "language");
    refused({{"first_name", std::string(201, 'a')}}, Code::invalid_argument, "first_name");
    refused({{"first_name", "Ann\x01"}}, Code::invalid_argument, "first_name");
    refused({{"gender", "f\nx"}}, Code::invalid_argument, "gender");
    refused({{"phone", "+15550001111"}}, Code::permission_denied, "phone");
    CHECK(w.engine->update_profile(w.portal.id, "nope", {{"first_name", "X"}}).code() == Code::session_invalid);

    // Script and markup are stored verbatim: the host escapes what it renders.
    const std::string script = "<script>alert(\"x\")</script> & 'Ann'";
    auto p = ok(w.engine->update_profile(w.portal.id, token,
                                         {{"first_name", script}, {"dob", "1990-02-28"}, {"language", "es"}}));
    CHECK(field(p, "first_name")->value == script);
    const Client after = *w.store->get_client(w.ann.id);
    CHECK(after.first_name == script);
    CHECK(after.dob == "1990-02-28");
    CHECK(after.language == "es");
    CHECK(after.last_name == before.last_name);

    const auto log = w.events->of("profile.update");
    REQUIRE(!log.empty());
    CHECK(log.back().outcome == "ok");
    CHECK(log.back().actor == "client:" + std::to_string(w.ann.id));
    CHECK(log.back().detail == "dob, first_name, language");
    for (const auto& e : w.events->all()) {
        CHECK_FALSE(contains(e.detail, "script"));
        CHECK_FALSE(contains(e.detail, "1990-02-28"));
        CHECK_FALSE(contains(e.detail, "2001-02-30"));
    }
    // Refusals are audited with the true reason.
    CHECK(w.events->count("profile.update", "last_name:read_only") == 1);
}

TEST_CASE("profile: a host directory's clients cannot be changed through Sesame") {
    MemoryWorld w;
    allow(w, {{"email", FieldPolicy::editable}});
    struct HostDirectory final : Directory {
        std::shared_ptr<Directory> base;
        Result<std::vector<Owner>> find_owners(Id a, const std::string& v) override { return base->find_owners(a, v); }
        Result<Client> get_client(Id a, Id c) override { return base->get_client(a, c); }
        Result<std::vector<Contact>> list_contacts(Id a, Id c) override { return base->list_contacts(a, c); }
    };
    auto host = std::make_shared<HostDirectory>();
    host->base = make_store_directory(w.store);
    auto o = w.options();
    o.directory = host;
    auto engine = ok(Engine::open(std::move(o)));
    auto started = ok(engine->start_login(w.portal.id, World::kPhone, kRequest));
    const auto token = ok(engine->verify_login(w.portal.id, started.challenge_id, w.expected_code(), kRequest)).token;

    CHECK(ok(engine->profile(w.portal.id, token)).client_id == w.ann.id);  // reading is fine
    auto r = engine->update_profile(w.portal.id, token, {{"language", "es"}});
    CHECK(r.code() == Code::failed_precondition);
    CHECK(contains(r.status().message(), "agency's own system"));
    CHECK(w.store->get_client(w.ann.id)->language == "en");
    CHECK(engine->request_contact_change(w.portal.id, token, ContactKind::email, "new@example.org", std::nullopt,
                                         kRequest)
              .code() == Code::failed_precondition);
}

TEST_CASE_TEMPLATE("profile: a contact change is confirmed by the code sent to the new value; other sessions end", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    CAPTURE(W::name);
    const auto other = w.login();
    w.next_send();
    const auto current = w.login();

    // Not editable by default.
    auto denied = w.engine->request_contact_change(w.portal.id, current.token, ContactKind::email, "new@example.org",
                                                   std::nullopt, kRequest);
    CHECK(denied.code() == Code::permission_denied);
    CHECK(contains(denied.status().message(), "email"));
    allow(w, {{"email", FieldPolicy::editable}, {"phone", FieldPolicy::editable}});

    CHECK(w.engine->request_contact_change(w.portal.id, current.token, ContactKind::email, "not an email",
                                           std::nullopt, kRequest)
              .code() == Code::invalid_argument);
    CHECK(w.engine->request_contact_change(w.portal.id, current.token, ContactKind::email, " ANN@example.org ",
                                           std::nullopt, kRequest)
              .code() == Code::already_exists);
    CHECK(w.engine->request_contact_change(w.portal.id, current.token, ContactKind::email, "new@example.org",
                                           w.ann_phone.id, kRequest)
              .code() == Code::invalid_argument);
    const Client sam = w.make_client(w.agency, "Sam", "Ray");
    const Contact sams = w.add_contact(sam, ContactKind::email, "sam@example.org");
    CHECK(w.engine->request_contact_change(w.portal.id, current.token, ContactKind::email, "new@example.org", sams.id,
                                           kRequest)
              .code() == Code::not_found);
    CHECK(w.store->list_contacts(w.ann.id)->size() == 2);

    // Replace the email: the code goes to the new address, masked in the answer.
    auto started = ok(w.engine->request_contact_change(w.portal.id, current.token, ContactKind::email,
                                                       " New.Address@Example.org", w.ann_email.id, kRequest));
    CHECK(started.channel == Channel::email);
    CHECK(started.masked_destination == "n•••@example.org");
    CHECK(started.expires_at == w.clock->now() + w.portal.settings.code_ttl_seconds);
    const std::string code = code_sent_to(w, "new.address@example.org");
    CHECK(code == "000042");

    // Wrong code: one generic failure, nothing changed, the true reason in the log.
    auto wrong = w.engine->confirm_contact_change(w.portal.id, current.token, started.challenge_id, "123456", kRequest);
    CHECK(wrong.code() == Code::verify_failed);
    CHECK(w.store->get_contact(w.ann_email.id)->value == "ann@example.org");
    CHECK(w.events->last_reason("contact_change.confirm") == "wrong_code");
    // Only the session that asked may confirm.
    CHECK(w.engine->confirm_contact_change(w.portal.id, other.token, started.challenge_id, code, kRequest).code() ==
          Code::verify_failed);
    CHECK(w.events->last_reason("contact_change.confirm") == "other_session");

    auto done = ok(w.engine->confirm_contact_change(w.portal.id, current.token, started.challenge_id, code, kRequest));
    CHECK(done.replaced);
    CHECK(done.contact.id == w.ann_email.id);
    CHECK(done.contact.value == "new.address@example.org");
    CHECK(done.sessions_revoked == 1);
    CHECK(w.store->get_contact(w.ann_email.id)->value == "new.address@example.org");
    CHECK(w.engine->check_session(w.portal.id, other.token).code() == Code::session_invalid);
    CHECK(w.engine->check_session(w.portal.id, current.token).ok());
    // Single use.
    CHECK(w.engine->confirm_contact_change(w.portal.id, current.token, started.challenge_id, code, kRequest).code() ==
          Code::verify_failed);

    // Add a phone: a new contact.
    auto phone = ok(w.engine->request_contact_change(w.portal.id, current.token, ContactKind::phone, "(555) 987-6543",
                                                     std::nullopt, kRequest));
    CHECK(phone.channel == Channel::sms);
    auto added = ok(w.engine->confirm_contact_change(w.portal.id, current.token, phone.challenge_id,
                                                     code_sent_to(w, "+15559876543"), kRequest));
    CHECK_FALSE(added.replaced);
    CHECK(added.contact.value == "+15559876543");
    CHECK(added.contact.client_id == w.ann.id);
    CHECK(w.store->list_contacts(w.ann.id)->size() == 3);

    const auto log = w.events->of("contact_change.confirm");
    CHECK(log.back().outcome == "ok");
    for (const auto& e : w.events->all()) {
        CHECK_FALSE(contains(e.detail, "new.address@example.org"));
        CHECK_FALSE(contains(e.detail, "000042"));
        CHECK_FALSE(contains(e.target, "000042"));
    }
}

TEST_CASE_TEMPLATE("profile: change and login challenges never stand in for each other; codes expire", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    CAPTURE(W::name);
    allow(w, {{"email", FieldPolicy::editable}});
    const auto session = w.login();
    // Bob owns bob@example.org: a change code sent there must never log anyone in as Bob.
    const Client bob = w.make_client(w.agency, "Bob", "Ray");
    w.add_contact(bob, ContactKind::email, "bob@example.org");
    auto change = ok(w.engine->request_contact_change(w.portal.id, session.token, ContactKind::email,
                                                      "bob@example.org", std::nullopt, kRequest));
    const std::string code = code_sent_to(w, "bob@example.org");
    CHECK(w.verify(change.challenge_id, code).code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "contact_change_challenge");

    // A login challenge never confirms a change.
    w.next_send();
    auto login = w.started(World::kEmail);
    CHECK(w.engine->confirm_contact_change(w.portal.id, session.token, login.challenge_id, w.expected_code(), kRequest)
              .code() == Code::verify_failed);
    CHECK(w.events->last_reason("contact_change.confirm") == "not_a_contact_change");
    CHECK(w.store->list_contacts(w.ann.id)->size() == 2);

    // The change's own code still works for the change (nothing above spent it).
    ok(w.engine->confirm_contact_change(w.portal.id, session.token, change.challenge_id, code, kRequest));
    CHECK(w.store->list_contacts(w.ann.id)->size() == 3);

    // Expiry, by the fake clock.
    w.next_send();
    auto late = ok(w.engine->request_contact_change(w.portal.id, session.token, ContactKind::email, "late@example.org",
                                                    std::nullopt, kRequest));
    w.clock->advance(w.portal.settings.code_ttl_seconds);
    CHECK(ok(w.engine->check_session(w.portal.id, session.token)).client_id == w.ann.id);
    CHECK(w.engine->confirm_contact_change(w.portal.id, session.token, late.challenge_id,
                                           code_sent_to(w, "late@example.org"), kRequest)
              .code() == Code::verify_failed);
    CHECK(w.events->last_reason("contact_change.confirm") == "expired");
    CHECK(w.store->list_contacts(w.ann.id)->size() == 3);
}
