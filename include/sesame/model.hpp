// Sesame — the value types of the domain (see docs/concepts.md).
//
// Plain structs with no behaviour. Times are Unix seconds (UTC). Ids of staff-managed objects are
// 64-bit integers assigned by the store; challenge and session ids are random strings so that they
// cannot be guessed.
#pragma once

#include "sesame/export.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sesame {

using Id = std::int64_t;
using UnixTime = std::int64_t;  // seconds since 1970-01-01T00:00:00Z

enum class Environment { staging, production };
enum class SendMode { live, simulate };
enum class CarrierRegistration { pending, complete };
enum class ClientAuth { disabled, one_time_password };
enum class UnknownContactResponse { explain, uniform };
enum class ContactKind { phone, email };
enum class ContactStatus { valid, opted_out, invalid };
enum class Channel { sms, email };
enum class Direction { outbound, inbound };
enum class MessageStatus { queued, sent, delivered, failed, simulated, received };

// Text forms used in JSON, SQL and the CLI ("one-time-password", "opted_out", ...).
SESAME_CXX_API std::string_view to_string(Environment);
SESAME_CXX_API std::string_view to_string(SendMode);
SESAME_CXX_API std::string_view to_string(CarrierRegistration);
SESAME_CXX_API std::string_view to_string(ClientAuth);
SESAME_CXX_API std::string_view to_string(UnknownContactResponse);
SESAME_CXX_API std::string_view to_string(ContactKind);
SESAME_CXX_API std::string_view to_string(ContactStatus);
SESAME_CXX_API std::string_view to_string(Channel);
SESAME_CXX_API std::string_view to_string(Direction);
SESAME_CXX_API std::string_view to_string(MessageStatus);
// Parsers return false and leave `out` untouched on an unknown word.
SESAME_CXX_API bool parse(std::string_view, Environment& out);
SESAME_CXX_API bool parse(std::string_view, SendMode& out);
SESAME_CXX_API bool parse(std::string_view, CarrierRegistration& out);
SESAME_CXX_API bool parse(std::string_view, ClientAuth& out);
SESAME_CXX_API bool parse(std::string_view, UnknownContactResponse& out);
SESAME_CXX_API bool parse(std::string_view, ContactKind& out);
SESAME_CXX_API bool parse(std::string_view, ContactStatus& out);
SESAME_CXX_API bool parse(std::string_view, Channel& out);
SESAME_CXX_API bool parse(std::string_view, Direction& out);
SESAME_CXX_API bool parse(std::string_view, MessageStatus& out);

// The tenant. Nothing of one agency is reachable through another agency's portal.
struct Agency {
    Id id = 0;
    std::string name;
    std::string time_zone = "UTC";                 // IANA name, e.g. "America/Chicago"
    Environment environment = Environment::staging;
    SendMode send_mode = SendMode::simulate;       // a new agency starts in simulate
    std::string default_region = "US";             // ISO 3166-1 alpha-2, for national phone numbers
    std::vector<std::string> sms_countries;        // SMS allowlist (regions); empty = default_region only
    std::int32_t sms_per_hour_limit = 500;         // agency-wide SMS spend breaker
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

struct AgencyPhone {
    Id id = 0;
    Id agency_id = 0;
    std::string number;  // E.164
    CarrierRegistration registration = CarrierRegistration::pending;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

struct AgencyEmail {
    Id id = 0;
    Id agency_id = 0;
    std::string address;  // lower-cased
    std::string display_name;
};

// Every code, session and throttle knob of a portal. Bounds are in docs/configuration.md and are
// enforced by Engine::create_portal / update_portal (INVALID_ARGUMENT naming the field).
struct PortalSettings {
    std::int32_t code_digits = 6;                 // 6..10
    std::int32_t code_ttl_seconds = 600;          // 60..1800
    std::int32_t max_attempts = 5;                // 1..10 wrong guesses per code
    std::int32_t contact_failure_limit = 20;      // 1..100 consecutive failures before lockout
    std::int32_t resend_cooldown_seconds = 60;    // 30..3600
    std::int32_t sends_per_hour = 5;              // 1..100 per contact
    std::int32_t sends_per_day = 10;              // 1..1000 per contact
    std::int32_t ip_starts_limit = 20;            // 1..100000 login starts per IP per window
    std::int32_t ip_starts_window_seconds = 600;  // 1..86400
    std::int32_t ip_verify_limit = 30;            // 1..100000 verify attempts per IP per window
    std::int32_t ip_verify_window_seconds = 300;  // 1..86400
    std::int32_t session_idle_seconds = 1800;     // 60..43200
    std::int32_t session_absolute_seconds = 43200;  // 300..2592000, and >= idle
    UnknownContactResponse unknown_contact_response = UnknownContactResponse::explain;
    std::string default_language = "en";          // ISO 639-1
    std::string host;                             // e.g. "portal.example.gov"; the WebOTP line uses it
};

struct Portal {
    Id id = 0;
    Id agency_id = 0;
    std::string name;
    std::string slug;  // [a-z0-9-]{1,63}, unique across the store
    ClientAuth client_auth = ClientAuth::disabled;
    PortalSettings settings;
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

struct Client {
    Id id = 0;
    Id agency_id = 0;
    std::string client_reference;
    std::string first_name;
    std::string middle_name;
    std::string last_name;
    std::string dob;       // YYYY-MM-DD or empty
    std::string gender;
    std::string type;
    std::string group;
    std::string language = "en";  // ISO 639-1
    std::string status = "active";
    bool archived = false;
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

struct Contact {
    Id id = 0;
    Id agency_id = 0;
    Id client_id = 0;
    ContactKind kind = ContactKind::phone;
    std::string value;  // normalised: E.164 or lower-cased email
    ContactStatus status = ContactStatus::valid;
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

// A message of the outbox / feed. Messages go to contacts, not clients: a client's feed is every
// message of its agency whose `to` is one of that client's contact values.
struct Message {
    Id id = 0;
    Id agency_id = 0;
    Direction direction = Direction::outbound;
    Channel channel = Channel::sms;
    MessageStatus status = MessageStatus::queued;
    std::string to;       // normalised destination
    std::string from;     // agency phone or email
    std::string subject;  // <= 255 bytes (email)
    std::string content;  // <= 2000 bytes; live messages: the code redacted
    std::vector<std::uint8_t> sealed;  // live queued messages: the whole body, encrypted; erased once sent
    std::string challenge_id;
    std::string error;
    UnixTime created_at = 0;
    UnixTime updated_at = 0;
};

// A one-time-code challenge. Only a keyed MAC of the code is stored.
struct Challenge {
    std::string id;  // random, 22 chars base64url
    Id agency_id = 0;
    Id portal_id = 0;
    Channel channel = Channel::sms;
    std::string destination;  // normalised contact value
    std::vector<std::uint8_t> mac;
    std::int32_t attempts = 0;
    std::int32_t max_attempts = 5;
    bool decoy = false;  // uniform mode's stand-in for an unknown contact: verifies nothing
    UnixTime created_at = 0;
    UnixTime expires_at = 0;
    std::optional<UnixTime> consumed_at;
    std::optional<UnixTime> superseded_at;
};

// A logged-in visitor. Only a keyed BLAKE2b hash of the token is stored.
struct Session {
    std::string id;  // random public id (for listing and revocation); never the token
    std::vector<std::uint8_t> token_hash;
    Id agency_id = 0;
    Id portal_id = 0;
    std::string destination;     // the contact value used to log in
    std::optional<Id> client_id; // unset until the person chooses when several clients share it
    std::string assurance = "aal1";
    std::string ip;
    std::string user_agent;
    UnixTime created_at = 0;
    UnixTime last_seen_at = 0;       // written at most once a minute
    UnixTime idle_expires_at = 0;    // last_seen_at + the portal's idle timeout
    UnixTime absolute_expires_at = 0;
    std::optional<UnixTime> revoked_at;
    std::string revoke_reason;
};

// Who did what, when, with what outcome and the true reason. Never a code, token or key.
struct AuditEvent {
    Id id = 0;
    Id agency_id = 0;  // 0 for store-wide events
    UnixTime at = 0;
    std::string actor;    // staff actor id, "client:<id>", "visitor" or "system"
    std::string action;   // e.g. "login.start", "login.verify", "portal.update"
    std::string target;   // e.g. "portal:3", "client:7", "challenge:<id>"
    std::string outcome;  // "ok" or a status name
    std::string reason;   // the true reason (e.g. "contact_opted_out", "code_superseded")
    std::string ip;
    std::string detail;   // free text, never secret
};

// Channel-by-language message template. `{code}`, `{portal}`, `{agency}`, `{minutes}` and `{host}`
// are replaced when rendering.
struct MessageTemplate {
    Id agency_id = 0;  // 0 = built-in
    Channel channel = Channel::sms;
    std::string language;
    std::string subject;  // email only
    std::string body;
};

}  // namespace sesame
