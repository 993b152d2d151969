// Internal: the state behind an Engine, shared by src/auth (login, sessions, outbox) and
// src/portal (staff operations).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "crypto/crypto.hpp"
#include "sesame/engine.hpp"

namespace sesame {

struct Engine::Impl {
    Impl(EngineOptions o, crypto::Keys k)
        : options(std::move(o)), store(options.store), directory(options.directory), clock(options.clock),
          random(options.random), keys(std::move(k)) {}

    EngineOptions options;
    std::shared_ptr<Store> store;
    std::shared_ptr<Directory> directory;  // clients and contacts for logins and feeds
    std::shared_ptr<Clock> clock;
    std::shared_ptr<RandomSource> random;
    crypto::Keys keys;

    UnixTime now() const { return clock->now(); }

    // Stores the event (at = now() when 0) and hands it to the audit sink: at once, or, inside a
    // unit of work, when the unit commits. An audit failure never changes the outcome of the
    // operation it records: it is counted and handed to the audit failure sink at once.
    void audit(AuditEvent e) { (void)store_audit(std::move(e)); }
    // The same, returning the store's status.
    Status store_audit(AuditEvent e);
    void to_sink(const AuditEvent& e);
    std::atomic<std::uint64_t> audit_failures{0};

    // Runs `body` as one unit of work on the store (Store::transact): one write transaction for
    // every check and write a request makes. Audit events recorded inside reach the audit sink
    // after the unit commits. A unit inside a unit joins it. Never call a Transport inside one.
    Status unit(const std::function<Status()>& body);
    // True on a thread inside one of this engine's units (its own, or a host's Engine::transact).
    bool in_unit() const;

    // PERMISSION_DENIED naming the permission unless the actor is a super admin or holds it.
    static Status require(const Actor& actor, std::string_view permission);
    // PERMISSION_DENIED unless super admin.
    static Status require_super_admin(const Actor& actor);
    // True when the actor may see objects of that agency (its own, or any for a super admin).
    static bool can_see(const Actor& actor, Id agency_id) { return actor.super_admin || actor.agency_id == agency_id; }

    // Loads and returns the object when the actor may see it; NOT_FOUND otherwise, with the same
    // message as a missing object, so that other agencies' ids are not disclosed.
    Result<Agency> visible_agency(const Actor& actor, Id agency_id);
    Result<Portal> visible_portal(const Actor& actor, Id portal_id);
    Result<Client> visible_client(const Actor& actor, Id client_id);
    Result<Contact> visible_contact(const Actor& actor, Id contact_id);

    // Hands one queued live message to its channel's transport and records the outcome
    // (src/auth/outbox.cpp). Returns the message's new status; `queued` when the channel has no
    // transport. Serialised by outbox_mutex so that no message is sent twice.
    Result<MessageStatus> deliver(Id message_id);
    // What a transport's answer changes: the message's status, the contacts and sessions of an
    // opted-out recipient, the audit event. Inside deliver's unit of work.
    Status record_delivery(Message& message, const DeliveryResult& result);
    std::mutex outbox_mutex;

    // Revocations of SECURITY.md 16, each audited with `reason`.
    Result<std::int64_t> revoke_for_client(Id agency_id, Id client_id, const std::string& reason);
    Result<std::int64_t> revoke_for_destination(Id agency_id, const std::string& destination, const std::string& reason);
    Result<std::int64_t> revoke_for_portal(Id agency_id, Id portal_id, const std::string& reason);
};

// True when `directory` is the default one over `store` (make_store_directory): the engine's own
// client and contact tables, which the engine may change (src/auth/store_directory.cpp).
bool is_store_directory(const Directory& directory, const Store& store);

// The public view of a stored session (src/auth/sessions.cpp).
SessionInfo session_info(const Session& s);

// "staff:<id>" or "superadmin:<id>", for audit records.
std::string actor_label(const Actor& actor);

}  // namespace sesame
