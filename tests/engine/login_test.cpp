// start_login and verify_login as docs/login semantics state them: where a login can be refused and
// in which order, what a started login returns and sends, and what a verified one yields.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

constexpr const char* kUnknownPhone = "(555) 987-6543";

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The newest login.start event's reason and detail, which together must carry the true reason.
std::string last_start_record(const World& w) {
    auto starts = w.events->of("login.start");
    REQUIRE_FALSE(starts.empty());
    return starts.back().reason + " " + starts.back().detail;
}

// No challenge and no message exist for that destination.
void nothing_queued_for(World& w, const std::string& destination) {
    auto messages = w.store->list_messages_to(w.agency.id, {destination}, 10);
    REQUIRE(messages.ok());
    CHECK(messages->empty());
}

// An agency of its own with a portal and a client who has a phone and an email, and no way to send.
struct Bare {
    Agency agency;
    Portal portal;
    Client client;
    Contact phone;
    Contact email;
};
Bare bare_agency(World& w) {
    Bare b;
    b.agency = w.make_agency("Quiet County Court");
    b.portal = w.make_portal(b.agency, "quiet");
    b.client = w.make_client(b.agency, "Cal", "Ortiz");
    b.phone = w.add_contact(b.client, ContactKind::phone, "(555) 444-1212");
    b.email = w.add_contact(b.client, ContactKind::email, "cal@example.org");
    return b;
}

}  // namespace

// ---- where start_login refuses, one status at a time --------------------------------------------

TEST_CASE("start_login: client authentication off answers AUTH_DISABLED even for a known contact") {
    MemoryWorld w;
    w.set_client_auth(w.portal, ClientAuth::disabled);
    auto r = w.start(World::kPhone);
    CHECK(r.code() == Code::auth_disabled);
    nothing_queued_for(w, World::kPhoneE164);
    CHECK(w.events->last_reason("login.start") == "auth_disabled");
}

TEST_CASE("start_login: an unknown portal is NOT_FOUND") {
    MemoryWorld w;
    CHECK(w.engine->start_login(w.portal.id + 1000, World::kPhone, kRequest).code() == Code::not_found);
}

TEST_CASE("start_login: an IP over its start limit is RATE_LIMITED with the rest of the window as retry_after") {
    MemoryWorld w;
    w.settings([](PortalSettings& s) { s.ip_starts_limit = 2; });
    const UnixTime t0 = w.clock->now();
    REQUIRE(w.start(World::kPhone).ok());
    w.clock->advance(100);
    CHECK(w.start(kUnknownPhone).code() == Code::contact_not_found);  // counts towards the limit too
    w.clock->advance(100);
    auto r = w.start(kUnknownPhone);
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(r.status().retry_after() == t0 + 600 - w.clock->now());
    CHECK(w.events->last_reason("login.start") == "ip_limit");
    // Another address is not held back by this one.
    CHECK(w.start(kUnknownPhone, RequestInfo{"198.51.100.9", "other"}).code() == Code::contact_not_found);
    // The window ends and the address may start again.
    w.clock->set(t0 + 600);
    CHECK(w.start(kUnknownPhone).code() == Code::contact_not_found);
}

TEST_CASE("start_login: an unknown phone or email is CONTACT_NOT_FOUND and nothing is sent") {
    MemoryWorld w;
    w.go_live();
    CHECK(w.start(kUnknownPhone).code() == Code::contact_not_found);
    CHECK(w.events->last_reason("login.start") == "contact_not_found");
    CHECK(w.start("nobody@example.org").code() == Code::contact_not_found);
    CHECK(w.sms->count() == 0);
    CHECK(w.email->count() == 0);
    nothing_queued_for(w, "+15559876543");
}

TEST_CASE("start_login: what is neither a phone number nor an email is INVALID_ARGUMENT") {
    MemoryWorld w;
    for (const char* input : {"", "hello", "@", "12"}) {
        CAPTURE(input);
        CHECK(w.start(input).code() == Code::invalid_argument);
    }
}

TEST_CASE("start_login: an opted-out or invalid contact, or an archived client, is CONTACT_INELIGIBLE") {
    MemoryWorld w;
    SUBCASE("opted out") {
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::opted_out);
        CHECK(w.start(World::kPhone).code() == Code::contact_ineligible);
        CHECK(w.events->last_reason("login.start") == "contact_opted_out");
    }
    SUBCASE("invalid") {
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::invalid);
        CHECK(w.start(World::kPhone).code() == Code::contact_ineligible);
        CHECK(w.events->last_reason("login.start") == "contact_invalid");
    }
    SUBCASE("client archived") {
        w.ann = w.archive(w.ann);
        CHECK(w.start(World::kPhone).code() == Code::contact_ineligible);
        CHECK(w.events->last_reason("login.start") == "client_archived");
        CHECK(w.start(World::kEmail).code() == Code::contact_ineligible);
    }
    SUBCASE("client no longer active") {
        Client c = w.ann;
        c.status = "inactive";
        REQUIRE(w.engine->update_client(w.root, c).ok());
        CHECK(w.start(World::kPhone).code() == Code::contact_ineligible);
    }
    nothing_queued_for(w, World::kPhoneE164);
}

TEST_CASE("start_login: CHANNEL_UNAVAILABLE without an agency phone, with its registration pending, or without an agency email") {
    MemoryWorld w;
    Bare b = bare_agency(w);
    auto start = [&](const std::string& id) { return w.engine->start_login(b.portal.id, id, kRequest); };

    auto r = start("(555) 444-1212");
    CHECK(r.code() == Code::channel_unavailable);
    CHECK(w.events->last_reason("login.start") == "no_agency_phone");
    r = start("cal@example.org");
    CHECK(r.code() == Code::channel_unavailable);
    CHECK(w.events->last_reason("login.start") == "no_agency_email");

    AgencyPhone phone = w.add_agency_phone(b.agency, "+15555550199", CarrierRegistration::pending);
    CHECK(start("(555) 444-1212").code() == Code::channel_unavailable);
    CHECK(w.events->last_reason("login.start") == "carrier_registration_pending");

    REQUIRE(w.engine->set_carrier_registration(w.root, b.agency.id, phone.id, CarrierRegistration::complete).ok());
    auto sms = start("(555) 444-1212");
    REQUIRE(sms.ok());
    CHECK(sms->channel == Channel::sms);

    w.add_agency_email(b.agency, "notices@quiet.example");
    auto mail = start("cal@example.org");
    REQUIRE(mail.ok());
    CHECK(mail->channel == Channel::email);
}

TEST_CASE("start_login: when two refusals apply, the one earlier in the order wins") {
    MemoryWorld w;
    SUBCASE("AUTH_DISABLED before RATE_LIMITED") {
        w.settings([](PortalSettings& s) { s.ip_starts_limit = 1; });
        REQUIRE(w.start(World::kPhone).ok());
        REQUIRE(w.start(World::kPhone).code() == Code::rate_limited);
        w.set_client_auth(w.portal, ClientAuth::disabled);
        CHECK(w.start(World::kPhone).code() == Code::auth_disabled);
    }
    SUBCASE("RATE_LIMITED (IP) before CONTACT_NOT_FOUND") {
        w.settings([](PortalSettings& s) { s.ip_starts_limit = 1; });
        REQUIRE(w.start(World::kPhone).ok());
        CHECK(w.start(kUnknownPhone).code() == Code::rate_limited);
    }
    SUBCASE("RATE_LIMITED (cooldown) before CONTACT_INELIGIBLE") {
        REQUIRE(w.start(World::kPhone).ok());
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::opted_out);
        auto r = w.start(World::kPhone);
        CHECK(r.code() == Code::rate_limited);
        CHECK(w.events->last_reason("login.start") == "cooldown");
        w.next_send();
        CHECK(w.start(World::kPhone).code() == Code::contact_ineligible);
    }
    SUBCASE("CONTACT_NOT_FOUND and CONTACT_INELIGIBLE before CHANNEL_UNAVAILABLE") {
        Bare b = bare_agency(w);
        CHECK(w.engine->start_login(b.portal.id, kUnknownPhone, kRequest).code() == Code::contact_not_found);
        CHECK(w.engine->start_login(b.portal.id, "nobody@example.org", kRequest).code() == Code::contact_not_found);
        w.set_contact(b.phone, "(555) 444-1212", ContactStatus::opted_out);
        CHECK(w.engine->start_login(b.portal.id, "(555) 444-1212", kRequest).code() == Code::contact_ineligible);
        CHECK(w.engine->start_login(b.portal.id, "cal@example.org", kRequest).code() == Code::channel_unavailable);
    }
    SUBCASE("AUTH_DISABLED before CONTACT_NOT_FOUND and CHANNEL_UNAVAILABLE") {
        Bare b = bare_agency(w);
        w.set_client_auth(b.portal, ClientAuth::disabled);
        CHECK(w.engine->start_login(b.portal.id, kUnknownPhone, kRequest).code() == Code::auth_disabled);
        CHECK(w.engine->start_login(b.portal.id, "(555) 444-1212", kRequest).code() == Code::auth_disabled);
    }
}

// ---- what a started login is ------------------------------------------------------------------

TEST_CASE("start_login: (555) 123-4567, 555.123.4567 and +1 555 123 4567 find the same contact") {
    MemoryWorld w;
    w.relax();
    for (const char* form : {"(555) 123-4567", "555.123.4567", "+1 555 123 4567", "5551234567"}) {
        CAPTURE(form);
        auto s = w.start(form);
        REQUIRE_MESSAGE(s.ok(), code_name(s.code()));
        CHECK(s->masked_destination == "•••-•••-4567");
        auto c = w.challenge(s->challenge_id);
        REQUIRE(c.ok());
        CHECK(c->destination == World::kPhoneE164);
        CHECK(w.verify(s->challenge_id, w.expected_code())->client_id == w.ann.id);
        w.next_send();
    }
}

TEST_CASE("start_login: an email is trimmed and lower-cased before it is looked up") {
    MemoryWorld w;
    auto s = w.start("  Ann@Example.ORG \t");
    REQUIRE_MESSAGE(s.ok(), code_name(s.code()));
    CHECK(s->channel == Channel::email);
    CHECK(s->masked_destination == "a•••@example.org");
    auto c = w.challenge(s->challenge_id);
    REQUIRE(c.ok());
    CHECK(c->destination == "ann@example.org");
    CHECK(c->channel == Channel::email);
}

TEST_CASE("start_login: success returns the challenge id, channel, masked destination, expiry and resend time") {
    MemoryWorld w;
    const UnixTime t0 = w.clock->now();
    auto s = w.start(World::kPhone);
    REQUIRE(s.ok());
    CHECK(s->challenge_id.size() == 22);
    CHECK(s->channel == Channel::sms);
    CHECK(s->masked_destination == "•••-•••-4567");
    CHECK(s->expires_at == t0 + 600);
    CHECK(s->resend_after == t0 + 60);

    auto c = w.challenge(s->challenge_id);
    REQUIRE(c.ok());
    CHECK(c->portal_id == w.portal.id);
    CHECK(c->agency_id == w.agency.id);
    CHECK(c->attempts == 0);
    CHECK(c->max_attempts == 5);
    CHECK_FALSE(c->decoy);
    CHECK(c->expires_at == t0 + 600);
    CHECK_FALSE(c->mac.empty());
    CHECK(w.events->last_reason("login.start") == "simulated");

    // The times follow the portal's settings.
    w.settings([](PortalSettings& s2) {
        s2.code_ttl_seconds = 120;
        s2.resend_cooldown_seconds = 45;
    });
    auto mail = w.start(World::kEmail);
    REQUIRE(mail.ok());
    CHECK(mail->expires_at == w.clock->now() + 120);
    CHECK(mail->resend_after == w.clock->now() + 45);
}

TEST_CASE("start_login: in simulate mode the message is in the feed whole, marked simulated, and nothing is sent") {
    MemoryWorld w;
    w.go_live();
    w.agency.send_mode = SendMode::simulate;
    w.update(w.agency);  // production, simulate: simulate overrides everything
    auto s = w.started(World::kPhone);
    auto feed = w.feed(w.ann);
    REQUIRE(feed.size() == 1);
    const Message& m = feed.front();
    CHECK(m.status == MessageStatus::simulated);
    CHECK(m.channel == Channel::sms);
    CHECK(m.direction == Direction::outbound);
    CHECK(m.to == World::kPhoneE164);
    CHECK(m.from == "+15555550100");
    CHECK(m.challenge_id == s.challenge_id);
    CHECK(ends_with(m.content, "@portal.example.gov #000042"));
    CHECK(contains(m.content, "Demo County Court"));
    CHECK(contains(m.content, "10 minutes"));
    CHECK(w.sms->count() == 0);
    CHECK(w.code_from_feed(w.ann) == "000042");
    CHECK(w.verify(s.challenge_id, w.code_from_feed(w.ann)).ok());
}

TEST_CASE("start_login: a staging agency simulates even when its send mode is live") {
    MemoryWorld w;
    w.agency.send_mode = SendMode::live;
    w.update(w.agency);
    REQUIRE(w.agency.environment == Environment::staging);
    w.started(World::kPhone);
    w.started(World::kEmail);
    auto feed = w.feed(w.ann);
    REQUIRE(feed.size() == 2);
    for (const auto& m : feed) CHECK(m.status == MessageStatus::simulated);
    CHECK(w.sms->count() == 0);
    CHECK(w.email->count() == 0);
    CHECK(w.code_from_feed(w.ann) == "000042");
}

TEST_CASE("start_login: the email message has a subject, the code, and no WebOTP line") {
    MemoryWorld w;
    w.started(World::kEmail);
    auto feed = w.feed(w.ann);
    REQUIRE(feed.size() == 1);
    CHECK(feed.front().channel == Channel::email);
    CHECK(feed.front().from == "notices@court.example");
    CHECK(feed.front().to == "ann@example.org");
    CHECK(contains(feed.front().subject, "Client Portal"));
    CHECK(contains(feed.front().content, "000042"));
    CHECK_FALSE(contains(feed.front().content, "#000042"));
}

TEST_CASE("start_login: a portal without a host sends no WebOTP line") {
    MemoryWorld w;
    w.settings([](PortalSettings& s) { s.host.clear(); });
    w.started(World::kPhone);
    auto feed = w.feed(w.ann);
    REQUIRE(feed.size() == 1);
    CHECK(contains(feed.front().content, "000042"));
    CHECK_FALSE(contains(feed.front().content, "#000042"));
    CHECK_FALSE(contains(feed.front().content, "@"));
}

TEST_CASE("start_login: a client whose language is es gets the Spanish template") {
    MemoryWorld w;
    Client bea = w.make_client(w.agency, "Bea", "Ruiz", "es");
    w.add_contact(bea, ContactKind::phone, "(555) 222-3333");
    w.add_contact(bea, ContactKind::email, "bea@example.org");
    w.started("(555) 222-3333");
    w.started("bea@example.org");
    auto feed = w.feed(bea);
    REQUIRE(feed.size() == 2);
    for (const auto& m : feed) {
        CAPTURE(m.content);
        CHECK(contains(m.content, "código"));
        CHECK(contains(m.content, "000042"));
    }
    const Message& sms = feed[0].channel == Channel::sms ? feed[0] : feed[1];
    const Message& mail = feed[0].channel == Channel::sms ? feed[1] : feed[0];
    CHECK(ends_with(sms.content, "@portal.example.gov #000042"));
    CHECK(contains(mail.subject, "código"));
    // An English speaker on the same portal still reads English.
    w.started(World::kPhone);
    CHECK_FALSE(contains(w.feed(w.ann).front().content, "código"));
}

TEST_CASE("start_login: a phone shared by clients of two languages gets the message in the page's language") {
    MemoryWorld w;
    Client ben = w.make_client(w.agency, "Ben", "Lee", "es");
    w.add_contact(ben, ContactKind::phone, World::kPhone);
    // No page language, or one neither speaks: the first owner's (Ann, English).
    REQUIRE(w.start(World::kPhone).ok());
    CHECK_FALSE(contains(w.feed(w.ann).front().content, "código"));
    w.next_send();
    REQUIRE(w.start(World::kPhone, RequestInfo{"203.0.113.7", "doctest", "fr"}).ok());
    CHECK_FALSE(contains(w.feed(w.ann).front().content, "código"));
    w.next_send();
    // A Spanish page: Ben's language, which one of the owners speaks.
    REQUIRE(w.start(World::kPhone, RequestInfo{"203.0.113.7", "doctest", "es"}).ok());
    CHECK(contains(w.feed(ben).front().content, "código"));
    w.next_send();
    // A Spanish page for Ann's own email: Ann reads English, whatever the page.
    REQUIRE(w.start(World::kEmail, RequestInfo{"203.0.113.7", "doctest", "es"}).ok());
    CHECK_FALSE(contains(w.feed(w.ann).front().content, "código"));
}

TEST_CASE("start_login: a language without a template falls back to the portal's default language, then English") {
    MemoryWorld w;
    Client fay = w.make_client(w.agency, "Fay", "Roux", "fr");
    w.add_contact(fay, ContactKind::phone, "(555) 222-4444");
    w.started("(555) 222-4444");
    CHECK_FALSE(contains(w.feed(fay).front().content, "código"));
    CHECK(contains(w.feed(fay).front().content, "000042"));

    w.settings([](PortalSettings& s) { s.default_language = "es"; });
    w.next_send();
    w.started("(555) 222-4444");
    CHECK(contains(w.feed(fay).front().content, "código"));
}

TEST_CASE("start_login: the agency's own template is used instead of the built-in one") {
    MemoryWorld w;
    MessageTemplate t;
    t.agency_id = w.agency.id;
    t.channel = Channel::sms;
    t.language = "en";
    t.body = "{agency}: code {code} for {portal}, good for {minutes} min";
    REQUIRE(w.engine->set_message_template(w.root, t).ok());
    w.started(World::kPhone);
    const std::string content = w.feed(w.ann).front().content;
    CAPTURE(content);
    CHECK(content.rfind("Demo County Court: code 000042 for Client Portal, good for 10 min", 0) == 0);
    CHECK(ends_with(content, "@portal.example.gov #000042"));

    // Another agency keeps the built-in text.
    Agency other = w.make_agency("Other Court");
    w.add_agency_phone(other, "+15555550111");
    Portal p = w.make_portal(other, "other");
    Client c = w.make_client(other, "Gus");
    w.add_contact(c, ContactKind::phone, "(555) 666-7777");
    REQUIRE(w.engine->start_login(p.id, "(555) 666-7777", kRequest).ok());
    CHECK_FALSE(contains(w.feed(c).front().content, "good for"));
}

TEST_CASE("start_login: in live mode the feed shows the code redacted while the transport gets it whole") {
    MemoryWorld w;
    w.go_live();
    auto s = w.started(World::kPhone);
    REQUIRE(w.sms->count() == 1);
    const OutgoingMessage out = w.sms->last();
    CHECK(out.to == World::kPhoneE164);
    CHECK(out.from == "+15555550100");
    CHECK(out.channel == Channel::sms);
    CHECK(ends_with(out.body, "@portal.example.gov #000042"));

    auto feed = w.feed(w.ann);
    REQUIRE(feed.size() == 1);
    CHECK(feed.front().status == MessageStatus::sent);
    CHECK_FALSE(contains(feed.front().content, "000042"));
    CHECK(contains(feed.front().content, "••••••"));
    CHECK(feed.front().sealed.empty());
    auto stored = w.store->get_message(out.message_id);
    REQUIRE(stored.ok());
    CHECK(stored->sealed.empty());  // nothing secret stays once it has left
    // The request queued the code; its delivery is audited on its own, after the commit.
    CHECK(w.events->last_reason("login.start") == "queued");
    CHECK(w.events->last_reason("message.deliver") == "sent");
    CHECK(w.verify(s.challenge_id, "000042").ok());

    // Email goes to its own transport.
    w.started(World::kEmail);
    REQUIRE(w.email->count() == 1);
    CHECK(contains(w.email->last().body, "000042"));
    CHECK(w.sms->count() == 1);
}

TEST_CASE("start_login: a live message with no transport stays queued and sealed until dispatch") {
    MemoryWorld w;
    w.go_live();
    EngineOptions o = w.options();
    o.sms_transport = nullptr;
    auto quiet = Engine::open(std::move(o));
    REQUIRE(quiet.ok());
    auto s = (*quiet)->start_login(w.portal.id, World::kPhone, kRequest);
    REQUIRE(s.ok());
    CHECK(w.events->last_reason("login.start") == "queued");
    auto queued = w.store->list_queued_messages(10);
    REQUIRE(queued.ok());
    REQUIRE(queued->size() == 1);
    CHECK(queued->front().status == MessageStatus::queued);
    CHECK_FALSE(contains(queued->front().content, "000042"));
    CHECK_FALSE(queued->front().sealed.empty());
    CHECK(w.sms->count() == 0);

    auto sent = w.engine->dispatch();
    REQUIRE(sent.ok());
    CHECK(*sent == 1);
    REQUIRE(w.sms->count() == 1);
    CHECK(contains(w.sms->last().body, "000042"));
    auto after = w.store->get_message(queued->front().id);
    REQUIRE(after.ok());
    CHECK(after->status == MessageStatus::sent);
    CHECK(after->sealed.empty());
    CHECK(*w.engine->dispatch() == 0);  // never sent twice
}

TEST_CASE("start_login: uniform mode answers an unknown contact with the same shape, sends nothing, and its challenge verifies nothing") {
    MemoryWorld w;
    w.go_live();
    w.settings([](PortalSettings& s) { s.unknown_contact_response = UnknownContactResponse::uniform; });
    const UnixTime t0 = w.clock->now();
    auto known = w.started(World::kPhone);
    REQUIRE(w.sms->count() == 1);

    auto decoy = w.start(kUnknownPhone);
    REQUIRE_MESSAGE(decoy.ok(), code_name(decoy.code()));
    CHECK(decoy->challenge_id.size() == known.challenge_id.size());
    CHECK(decoy->challenge_id != known.challenge_id);
    CHECK(decoy->channel == known.channel);
    CHECK(decoy->masked_destination == "•••-•••-6543");
    CHECK(decoy->expires_at == t0 + 600);
    CHECK(decoy->resend_after == t0 + 60);
    CHECK(contains(last_start_record(w), "contact_not_found"));

    CHECK(w.sms->count() == 1);
    nothing_queued_for(w, "+15559876543");
    auto queued = w.store->list_queued_messages(10);
    REQUIRE(queued.ok());
    CHECK(queued->empty());

    auto v = w.verify(decoy->challenge_id, w.expected_code());
    CHECK(v.code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "decoy");
    CHECK(w.verify(decoy->challenge_id, "000000").code() == Code::verify_failed);

    SUBCASE("an ineligible contact gets a decoy too, and the log keeps the true reason") {
        w.next_send();
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::opted_out);
        auto d = w.start(World::kPhone);
        REQUIRE(d.ok());
        CHECK(d->masked_destination == "•••-•••-4567");
        CHECK(contains(last_start_record(w), "contact_opted_out"));
        CHECK(w.sms->count() == 1);
        CHECK(w.verify(d->challenge_id, w.expected_code()).code() == Code::verify_failed);
    }
    SUBCASE("an unknown email too") {
        auto d = w.start("nobody@example.org");
        REQUIRE(d.ok());
        CHECK(d->channel == Channel::email);
        CHECK(d->masked_destination == "n•••@example.org");
        CHECK(w.email->count() == 0);
    }
}

// ---- verify_login ------------------------------------------------------------------------------

TEST_CASE("verify_login: the right code gives a 43-character token for the one client, for 12 hours, at aal1") {
    MemoryWorld w;
    auto s = w.started(World::kPhone);
    w.clock->advance(30);
    const UnixTime t = w.clock->now();
    auto v = w.verify(s.challenge_id, w.code_from_feed(w.ann));
    REQUIRE_MESSAGE(v.ok(), code_name(v.code()));
    CHECK(v->token.size() == 43);
    CHECK(v->token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    REQUIRE(v->clients.size() == 1);
    CHECK(v->clients[0].client_id == w.ann.id);
    CHECK(v->clients[0].display_name == "Ann L.");
    CHECK(v->client_id == w.ann.id);
    CHECK(v->expires_at == t + 43200);
    CHECK(v->idle_expires_at == t + 1800);
    CHECK(v->assurance == "aal1");
    CHECK_FALSE(v->session_id.empty());
    CHECK(v->session_id != v->token);
    CHECK(w.events->last_reason("login.verify") == "ok");

    auto c = w.engine->check_session(w.portal.id, v->token);
    REQUIRE(c.ok());
    CHECK(c->session_id == v->session_id);
    CHECK(c->client_id == w.ann.id);
    CHECK(c->destination == World::kPhoneE164);
    CHECK(c->assurance == "aal1");
    auto stored = w.challenge(s.challenge_id);
    REQUIRE(stored.ok());
    CHECK(stored->consumed_at == t);
}

TEST_CASE("verify_login: an unknown portal is NOT_FOUND and a disabled one AUTH_DISABLED") {
    MemoryWorld w;
    auto s = w.started(World::kPhone);
    CHECK(w.engine->verify_login(w.portal.id + 1000, s.challenge_id, "000042", kRequest).code() == Code::not_found);
    w.set_client_auth(w.portal, ClientAuth::disabled);
    CHECK(w.verify(s.challenge_id, "000042").code() == Code::auth_disabled);
}

TEST_CASE("verify_login: a phone shared by two clients offers both and binds neither until the person chooses") {
    MemoryWorld w;
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, "555-123-4567");
    Client cara = w.make_client(w.agency, "Cara");
    w.add_contact(cara, ContactKind::phone, "(555) 765-4321");

    auto v = w.login(World::kPhone);
    REQUIRE(v.clients.size() == 2);
    CHECK(v.clients[0].client_id == w.ann.id);
    CHECK(v.clients[0].display_name == "Ann L.");
    CHECK(v.clients[1].client_id == ben.id);
    CHECK(v.clients[1].display_name == "Ben L.");
    CHECK_FALSE(v.client_id.has_value());
    CHECK(v.assurance == "aal1");
    auto stored = w.session(v.session_id);
    REQUIRE(stored.ok());
    CHECK_FALSE(stored->client_id.has_value());

    CHECK(w.engine->check_session(w.portal.id, v.token).code() == Code::selection_required);
    // A client who does not own the phone is no choice at all.
    CHECK(w.engine->select_client(w.portal.id, v.token, cara.id).code() == Code::not_found);
    CHECK(w.engine->select_client(w.portal.id, v.token, 987654).code() == Code::not_found);
    CHECK(w.engine->check_session(w.portal.id, v.token).code() == Code::selection_required);

    auto chosen = w.engine->select_client(w.portal.id, v.token, ben.id);
    REQUIRE_MESSAGE(chosen.ok(), code_name(chosen.code()));
    CHECK(chosen->client_id == ben.id);
    auto c = w.engine->check_session(w.portal.id, v.token);
    REQUIRE(c.ok());
    CHECK(c->client_id == ben.id);
    CHECK(c->assurance == "aal1");
    // Chosen once: switching needs a new login.
    CHECK(w.engine->select_client(w.portal.id, v.token, w.ann.id).code() == Code::failed_precondition);
    CHECK(w.engine->check_session(w.portal.id, v.token)->client_id == ben.id);
    CHECK(w.events->last_reason("session.select") == "ok");

    CHECK(w.engine->select_client(w.portal.id, std::string(43, 'A'), ben.id).code() == Code::session_invalid);
}

TEST_CASE("verify_login: of a shared phone, only the clients who may still log in are offered") {
    MemoryWorld w;
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, World::kPhone);
    w.archive(ben);
    auto v = w.login(World::kPhone);
    REQUIRE(v.clients.size() == 1);
    CHECK(v.client_id == w.ann.id);
    CHECK(w.engine->check_session(w.portal.id, v.token).ok());
}

// ---- agencies stay apart ------------------------------------------------------------------------

TEST_CASE("agency isolation: another agency's portal knows neither the contact, the challenge nor the token") {
    MemoryWorld w;
    Agency b = w.make_agency("Agency B");
    w.add_agency_phone(b, "+15555550122");
    w.add_agency_email(b, "notices@b.example");
    Portal pb = w.make_portal(b, "agency-b");

    CHECK(w.engine->start_login(pb.id, World::kPhone, kRequest).code() == Code::contact_not_found);
    CHECK(w.engine->start_login(pb.id, World::kEmail, kRequest).code() == Code::contact_not_found);

    auto s = w.started(World::kPhone);
    CHECK(w.engine->verify_login(pb.id, s.challenge_id, "000042", kRequest).code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "unknown_challenge");
    auto c = w.challenge(s.challenge_id);
    REQUIRE(c.ok());
    CHECK(c->attempts == 0);  // the other portal's try did not use one of its attempts

    auto v = w.verify(s.challenge_id, "000042");
    REQUIRE(v.ok());
    CHECK(w.engine->check_session(pb.id, v->token).code() == Code::session_invalid);
    CHECK(w.engine->select_client(pb.id, v->token, w.ann.id).code() == Code::session_invalid);
    CHECK(w.engine->logout(pb.id, v->token).code() == Code::session_invalid);
    CHECK(w.engine->check_session(w.portal.id, v->token).ok());

    // Another portal of the same agency is another portal too.
    Portal a2 = w.make_portal(w.agency, "court-two");
    CHECK(w.engine->check_session(a2.id, v->token).code() == Code::session_invalid);
}

// ---- the core of a login on both stores -----------------------------------------------------------

TEST_CASE_TEMPLATE("core login on each store: start, read the code from the feed, verify, check, log out", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    const UnixTime t0 = w.clock->now();
    auto s = w.started(World::kPhone);
    CHECK(s.expires_at == t0 + 600);
    const std::string code = w.code_from_feed(w.ann);
    CHECK(code == "000042");
    CHECK(w.verify(s.challenge_id, "999999").code() == Code::verify_failed);
    auto v = w.verify(s.challenge_id, code);
    REQUIRE_MESSAGE(v.ok(), code_name(v.code()));
    CHECK(v->token.size() == 43);
    CHECK(v->client_id == w.ann.id);
    CHECK(v->expires_at == t0 + 43200);
    CHECK(v->assurance == "aal1");
    CHECK(w.verify(s.challenge_id, code).code() == Code::verify_failed);  // single use
    CHECK(w.engine->check_session(w.portal.id, v->token)->client_id == w.ann.id);
    CHECK(w.engine->logout(w.portal.id, v->token).ok());
    CHECK(w.engine->check_session(w.portal.id, v->token).code() == Code::session_invalid);
}

TEST_CASE_TEMPLATE("core supersession on each store: a new code replaces the old one", W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.random->set(111111);
    auto first = w.started(World::kPhone);
    w.next_send();
    w.random->set(222222);
    auto second = w.started(World::kPhone);
    CHECK(w.verify(first.challenge_id, "111111").code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "superseded");
    CHECK(w.verify(first.challenge_id, "222222").code() == Code::verify_failed);
    CHECK(w.verify(second.challenge_id, "222222").ok());
}

TEST_CASE_TEMPLATE("core expiry on each store: a code works until its lifetime is over", W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    auto s = w.started(World::kPhone);
    w.clock->advance(600);
    CHECK(w.verify(s.challenge_id, "000042").code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "expired");
    auto mail = w.started(World::kEmail);
    w.clock->advance(599);
    CHECK(w.verify(mail.challenge_id, "000042").ok());
}

TEST_CASE_TEMPLATE("core choice on each store: a shared phone needs select_client", W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, World::kPhone);
    auto v = w.login(World::kPhone);
    CHECK(v.clients.size() == 2);
    CHECK_FALSE(v.client_id.has_value());
    CHECK(w.engine->check_session(w.portal.id, v.token).code() == Code::selection_required);
    REQUIRE(w.engine->select_client(w.portal.id, v.token, w.ann.id).ok());
    CHECK(w.engine->check_session(w.portal.id, v.token)->client_id == w.ann.id);
}
