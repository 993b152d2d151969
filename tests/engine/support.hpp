// What the login, session, security and concurrency tests share: an Engine over the memory store
// or a real SQLite file, with time, the code and the outgoing messages under the test's control,
// and a demo agency whose client can log in.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "crypto/crypto.hpp"
#include "sesame/engine.hpp"
#include "store/temp_db.hpp"

namespace sesame::test {

// The code seam: every draw returns the value the test set, so the code is known in advance
// (42 with 6 digits is "000042"). A value too large for the range gives the range's top.
class FixedRandom final : public RandomSource {
public:
    explicit FixedRandom(std::uint32_t value = 42) : value_(value) {}
    std::uint32_t uniform(std::uint32_t upper) override {
        calls_.fetch_add(1);
        const std::uint32_t v = value_.load();
        return v < upper ? v : upper - 1;
    }
    void set(std::uint32_t value) { value_.store(value); }
    std::uint32_t value() const { return value_.load(); }
    int calls() const { return calls_.load(); }

private:
    std::atomic<std::uint32_t> value_;
    std::atomic<int> calls_{0};
};

// Records every message a live channel hands over, and answers with the outcome the test chose.
class CapturingTransport final : public Transport {
public:
    DeliveryResult send(const OutgoingMessage& message) override {
        std::function<void()> hook;
        DeliveryResult result;
        {
            std::lock_guard lock(mutex_);
            sent_.push_back(message);
            hook = hook_;
            result = result_;
        }
        if (hook) hook();
        return result;
    }
    // Runs `hook` inside every send, after the message is recorded: what a transport sees of the
    // world while it works.
    void on_send(std::function<void()> hook) {
        std::lock_guard lock(mutex_);
        hook_ = std::move(hook);
    }
    std::size_t count() const {
        std::lock_guard lock(mutex_);
        return sent_.size();
    }
    std::vector<OutgoingMessage> sent() const {
        std::lock_guard lock(mutex_);
        return sent_;
    }
    OutgoingMessage last() const {
        std::lock_guard lock(mutex_);
        REQUIRE_FALSE(sent_.empty());
        return sent_.back();
    }
    void answer(DeliveryResult r) {
        std::lock_guard lock(mutex_);
        result_ = std::move(r);
    }

private:
    mutable std::mutex mutex_;
    std::vector<OutgoingMessage> sent_;
    DeliveryResult result_;
    std::function<void()> hook_;
};

// Every audit event the engine hands to its sink, in order, from any thread.
class AuditCapture {
public:
    void add(const AuditEvent& e) {
        std::lock_guard lock(mutex_);
        events_.push_back(e);
    }
    std::vector<AuditEvent> all() const {
        std::lock_guard lock(mutex_);
        return events_;
    }
    std::vector<AuditEvent> of(const std::string& action) const {
        std::vector<AuditEvent> out;
        for (const auto& e : all())
            if (e.action == action) out.push_back(e);
        return out;
    }
    std::size_t count(const std::string& action, const std::string& reason) const {
        auto events = of(action);
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(), [&](const AuditEvent& e) { return e.reason == reason; }));
    }
    // The reason of the newest event of that action ("" when there is none).
    std::string last_reason(const std::string& action) const {
        auto events = of(action);
        return events.empty() ? std::string() : events.back().reason;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        events_.clear();
    }

private:
    mutable std::mutex mutex_;
    std::vector<AuditEvent> events_;
};

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

inline std::vector<std::uint8_t> test_key(std::uint8_t fill = 0x5a) { return std::vector<std::uint8_t>(32, fill); }

inline const RequestInfo kRequest{"203.0.113.7", "doctest"};

// Wiring shared by both stores. Construct through MemoryWorld or SqliteWorld.
class World {
public:
    static constexpr const char* kPhone = "(555) 123-4567";
    static constexpr const char* kPhoneE164 = "+15551234567";
    static constexpr const char* kEmail = "ann@example.org";
    static constexpr const char* kHost = "portal.example.gov";

    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::shared_ptr<FixedRandom> random = std::make_shared<FixedRandom>(42);
    std::shared_ptr<CapturingTransport> sms = std::make_shared<CapturingTransport>();
    std::shared_ptr<CapturingTransport> email = std::make_shared<CapturingTransport>();
    std::shared_ptr<AuditCapture> events = std::make_shared<AuditCapture>();
    std::shared_ptr<Store> store;
    std::unique_ptr<Engine> engine;
    Actor root{"root", 0, {}, true};

    // The demo: an agency in staging/simulate with a registered phone and an email address, a
    // portal with one-time-password login, and Ann Lee with a phone and an email contact.
    Agency agency;
    AgencyPhone agency_phone;
    AgencyEmail agency_email;
    Portal portal;
    Client ann;
    Contact ann_phone;
    Contact ann_email;

    World(const World&) = delete;
    World& operator=(const World&) = delete;
    virtual ~World() = default;

    // Options for another engine over the same store and clock (a second key, a key file...).
    EngineOptions options() const {
        EngineOptions o;
        o.store = store;
        o.master_key = test_key();
        o.clock = clock;
        o.random = random;
        o.sms_transport = sms;
        o.email_transport = email;
        auto sink = events;
        o.audit_sink = [sink](const AuditEvent& e) { sink->add(e); };
        return o;
    }

    // ---- the demo's objects --------------------------------------------------------------

    Agency make_agency(const std::string& name, const std::string& region = "US") {
        Agency a;
        a.name = name;
        a.time_zone = "America/Chicago";
        a.default_region = region;
        auto r = engine->create_agency(root, a);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    // Production + live, as only a super admin may set it.
    void go_live(Agency& a) {
        a.environment = Environment::production;
        a.send_mode = SendMode::live;
        auto r = engine->update_agency(root, a);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        a = *r;
    }
    void go_live() { go_live(agency); }
    void update(Agency& a) {
        auto r = engine->update_agency(root, a);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        a = *r;
    }
    AgencyPhone add_agency_phone(const Agency& a, const std::string& number,
                                 CarrierRegistration reg = CarrierRegistration::complete) {
        auto r = engine->add_agency_phone(root, a.id, number, reg);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    AgencyEmail add_agency_email(const Agency& a, const std::string& address) {
        auto r = engine->add_agency_email(root, a.id, address, a.name);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    Portal make_portal(const Agency& a, const std::string& slug,
                       const std::function<void(PortalSettings&)>& adjust = {}) {
        Portal p;
        p.agency_id = a.id;
        p.name = "Client Portal";
        p.slug = slug;
        p.client_auth = ClientAuth::one_time_password;
        p.settings.host = kHost;
        if (adjust) adjust(p.settings);
        auto r = engine->create_portal(root, p);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    // Changes the demo portal's settings (or another portal's) through the staff API.
    void settings(const std::function<void(PortalSettings&)>& adjust) { settings(portal, adjust); }
    void settings(Portal& p, const std::function<void(PortalSettings&)>& adjust) {
        Portal changed = p;
        adjust(changed.settings);
        auto r = engine->update_portal(root, changed);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        p = *r;
    }
    void set_client_auth(Portal& p, ClientAuth auth) {
        Portal changed = p;
        changed.client_auth = auth;
        auto r = engine->update_portal(root, changed);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        p = *r;
    }
    // Quotas and per-IP limits out of the way, for tests that send many codes on purpose.
    void relax() { relax(portal); }
    void relax(Portal& p) {
        settings(p, [](PortalSettings& s) {
            s.sends_per_hour = 100;
            s.sends_per_day = 1000;
            s.ip_starts_limit = 100000;
            s.ip_verify_limit = 100000;
        });
    }
    Client make_client(const Agency& a, const std::string& first, const std::string& last = "Lee",
                       const std::string& language = "en") {
        Client c;
        c.agency_id = a.id;
        c.first_name = first;
        c.last_name = last;
        c.language = language;
        auto r = engine->create_client(root, c);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    Contact add_contact(const Client& c, ContactKind kind, const std::string& value) {
        auto r = engine->add_contact(root, c.id, kind, value);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    Contact set_contact(const Contact& c, const std::string& value, ContactStatus status) {
        auto r = engine->update_contact(root, c.id, value, status);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    Client archive(Client c) {
        c.archived = true;
        auto r = engine->update_client(root, c);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }

    // ---- login steps -----------------------------------------------------------------------

    Result<LoginStarted> start(const std::string& identifier = kPhone, const RequestInfo& request = kRequest) {
        return engine->start_login(portal.id, identifier, request);
    }
    Result<LoginVerified> verify(const std::string& challenge_id, const std::string& code,
                                 const RequestInfo& request = kRequest) {
        return engine->verify_login(portal.id, challenge_id, code, request);
    }
    // The code the seam gives with the portal's digit count ("000042"). Up to 9 digits a code is
    // one draw, so the seam's value zero-padded is the whole code.
    std::string expected_code() const { return expected_code(portal); }
    std::string expected_code(const Portal& p) const {
        const auto width = static_cast<std::size_t>(p.settings.code_digits);
        std::string digits = std::to_string(random->value());
        REQUIRE(width <= 9);
        REQUIRE(digits.size() <= width);
        return std::string(width - digits.size(), '0') + digits;
    }
    // Moves the clock past the resend cooldown, so that another code may be sent.
    void next_send() { clock->advance(portal.settings.resend_cooldown_seconds); }

    LoginStarted started(const std::string& identifier = kPhone) {
        auto r = start(identifier);
        REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
        return *r;
    }
    // A whole login with the seam's code: start, then verify.
    LoginVerified login(const std::string& identifier = kPhone) {
        auto s = started(identifier);
        auto v = verify(s.challenge_id, expected_code());
        REQUIRE_MESSAGE(v.ok(), code_name(v.code()), ": ", v.status().message());
        return *v;
    }

    // The seed's test procedure: open the client's message feed as staff, take the newest login
    // message, which in simulate mode holds the code whole, and read the code out of it.
    std::string code_from_feed(const Client& c) {
        auto feed = engine->message_feed(root, c.id, 20);
        REQUIRE_MESSAGE(feed.ok(), feed.status().message());
        auto it = std::find_if(feed->begin(), feed->end(), [](const Message& m) { return !m.challenge_id.empty(); });
        REQUIRE_MESSAGE(it != feed->end(), "no login message in the feed");
        REQUIRE_MESSAGE(it->status == MessageStatus::simulated, "the newest login message is not simulated");
        const std::string digits = std::to_string(portal.settings.code_digits);
        std::smatch m;
        const std::regex code("(^|[^0-9])([0-9]{" + digits + "})([^0-9]|$)");
        REQUIRE_MESSAGE(std::regex_search(it->content, m, code), "no code in: ", it->content);
        return m[2].str();
    }
    std::vector<Message> feed(const Client& c) {
        auto f = engine->message_feed(root, c.id, 50);
        REQUIRE_MESSAGE(f.ok(), f.status().message());
        return *f;
    }
    std::vector<AuditEvent> audit_log(Id agency_id = 0) {
        auto r = engine->audit_log(root, agency_id == 0 ? agency.id : agency_id, 1000);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return *r;
    }
    // The stored challenge and session, as the store sees them.
    Result<Challenge> challenge(const std::string& id) { return store->get_challenge(id); }
    Result<Session> session(const std::string& id) { return store->get_session(id); }
    // The stored session found the way the engine finds it: by the keyed hash of the token, under
    // the world's master key.
    Result<Session> session_by_token(const std::string& token) {
        const auto master_bytes = test_key();
        auto master = crypto::SecretKey::from_bytes(master_bytes.data(), master_bytes.size());
        REQUIRE(master.ok());
        auto keys = crypto::derive_keys(*master);
        REQUIRE(keys.ok());
        return store->find_session(crypto::hash_token(*keys, token));
    }

protected:
    explicit World(std::shared_ptr<Store> s) : store(std::move(s)) {
        auto e = Engine::open(options());
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        engine = std::move(*e);
        agency = make_agency("Demo County Court");
        agency_phone = add_agency_phone(agency, "+15555550100");
        agency_email = add_agency_email(agency, "notices@court.example");
        portal = make_portal(agency, "court");
        ann = make_client(agency, "Ann");
        ann_phone = add_contact(ann, ContactKind::phone, kPhone);
        ann_email = add_contact(ann, ContactKind::email, kEmail);
    }
};

inline std::shared_ptr<Store> open_memory() { return make_memory_store(); }

inline std::shared_ptr<Store> open_sqlite(const TempDb& db) {
    SqliteOptions o;
    o.path = db.str();
    auto s = open_sqlite_store(o);
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    return *s;
}

class MemoryWorld : public World {
public:
    MemoryWorld() : World(open_memory()) {}
    static constexpr const char* name = "memory";
};

struct TempDbHolder {
    TempDb db{"engine"};
};

// The database file lives as long as the world: TempDbHolder is a base listed before World, so
// the file exists before the store opens it and goes only after the engine and store are closed.
class SqliteWorld : private TempDbHolder, public World {
public:
    SqliteWorld() : TempDbHolder(), World(open_sqlite(db)) {}
    const TempDb& database() const { return db; }
    static constexpr const char* name = "sqlite";
};

}  // namespace sesame::test

// Failed checks print names ("SESAME_E_VERIFY_FAILED", "simulated") rather than "{?}".
namespace doctest {
template <>
struct StringMaker<sesame::Code> {
    static String convert(sesame::Code c) { return sesame::code_name(c); }
};
template <>
struct StringMaker<sesame::MessageStatus> {
    static String convert(sesame::MessageStatus s) { return std::string(sesame::to_string(s)).c_str(); }
};
template <>
struct StringMaker<sesame::Channel> {
    static String convert(sesame::Channel c) { return std::string(sesame::to_string(c)).c_str(); }
};
}  // namespace doctest
