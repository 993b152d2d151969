// Opening an engine, and the audit trail every operation writes to.
#include <utility>
#include <vector>

#include <sodium.h>

#include "auth/engine_impl.hpp"

namespace sesame {

namespace {

// The store's key check value against the master key's (SECURITY.md 1): a database opened with
// another key would start and then fail every code and session. A store without one (made before
// the check existed) gets it now, so the first key to open it after an upgrade is the one kept.
Status check_key(Store& store, const crypto::SecretKey& master, bool replace) {
    auto mine = crypto::key_check_value(master);
    if (!mine) return mine.status();
    auto stored = store.get_key_check();
    if (!stored) return stored.code() == Code::failed_precondition ? Status() : stored.status();
    std::string theirs;
    if (*stored && !replace) {
        theirs = **stored;
    } else {
        auto kept = store.put_key_check(*mine, replace);
        if (!kept) return kept.status();
        theirs = *kept;
    }
    if (theirs.size() != mine->size() || sodium_memcmp(theirs.data(), mine->data(), mine->size()) != 0)
        return Status(Code::crypto,
                      "the master key is not this database's key: give the key (or key file) the database was made "
                      "with; nothing was changed");
    return {};
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::open(EngineOptions options) {
    if (!options.store)
        return Status(Code::invalid_argument, "EngineOptions.store is required: pass make_memory_store() or open_sqlite_store(...)");
    const bool has_key = options.master_key.has_value();
    const bool has_file = !options.key_file.empty();
    if (has_key == has_file)
        return Status(Code::invalid_argument,
                      "give exactly one of EngineOptions.master_key (32 bytes) and EngineOptions.key_file");
    SESAME_TRY(crypto::ensure_sodium());

    auto master = has_key ? crypto::SecretKey::from_bytes(options.master_key->data(), options.master_key->size())
                          : crypto::SecretKey::load_or_create(options.key_file);
    if (has_key) {
        // The host's copy is the host's business; ours is not kept beyond the derived subkeys.
        sodium_memzero(options.master_key->data(), options.master_key->size());
        options.master_key.reset();
    }
    if (!master) return master.status();
    auto keys = crypto::derive_keys(*master);
    if (!keys) return keys.status();
    SESAME_TRY(check_key(*options.store, *master, options.replace_key_check));

    if (options.blob_store && !options.blob_dir.empty())
        return Status(Code::invalid_argument, "give at most one of EngineOptions.blob_store and EngineOptions.blob_dir");
    if (!options.blob_dir.empty()) {
        auto blobs = make_filesystem_blob_store(options.blob_dir);
        if (!blobs) return blobs.status();
        options.blob_store = std::move(*blobs);
    }
    if (!options.directory) options.directory = make_store_directory(options.store);
    if (!options.clock) options.clock = std::make_shared<SystemClock>();
    if (!options.random) options.random = std::make_shared<crypto::SodiumRandom>();
    auto impl = std::make_unique<Impl>(std::move(options), std::move(*keys));
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Clock& Engine::clock() { return *impl_->clock; }

namespace {

// The audit events a unit of work on this thread has stored and not yet handed to the sink: they
// reach it once the unit commits, and never when it rolls back (the rows are gone then too).
struct PendingAudit {
    const Engine::Impl* engine;
    std::vector<AuditEvent> events;
};
thread_local PendingAudit* t_pending_audit = nullptr;

}  // namespace

Status Engine::Impl::store_audit(AuditEvent e) {
    if (e.at == 0) e.at = now();
    auto id = store->append_audit(e);
    if (id) {
        e.id = *id;
    } else {
        audit_failures.fetch_add(1, std::memory_order_relaxed);
        if (options.audit_failure_sink) {
            try {
                options.audit_failure_sink(e, id.status());
            } catch (...) {
            }
        }
    }
    if (options.audit_sink) {
        if (t_pending_audit && t_pending_audit->engine == this)
            t_pending_audit->events.push_back(e);  // handed over when the unit commits
        else
            to_sink(e);
    }
    return id ? Status() : id.status();
}

void Engine::Impl::to_sink(const AuditEvent& e) {
    // A throwing sink must not turn a completed operation into a failure.
    try {
        options.audit_sink(e);
    } catch (...) {
    }
}

Status Engine::Impl::unit(const std::function<Status()>& body) {
    if (t_pending_audit && t_pending_audit->engine == this) return store->transact(body);  // joins the open unit
    PendingAudit pending{this, {}};
    PendingAudit* outer = t_pending_audit;
    t_pending_audit = &pending;
    Status st;
    try {
        st = store->transact(body);
    } catch (...) {
        t_pending_audit = outer;
        throw;
    }
    t_pending_audit = outer;
    if (st.ok())
        for (const auto& e : pending.events) to_sink(e);
    return st;
}

Status Engine::record_audit(AuditEvent event) { return impl_->store_audit(std::move(event)); }

Status Engine::transact(const std::function<Status()>& body) { return impl_->unit(body); }

bool Engine::Impl::in_unit() const { return t_pending_audit && t_pending_audit->engine == this; }

std::uint64_t Engine::audit_failures() const { return impl_->audit_failures.load(std::memory_order_relaxed); }

std::string actor_label(const Actor& actor) {
    return (actor.super_admin ? "superadmin:" : "staff:") + actor.id;
}

}  // namespace sesame
