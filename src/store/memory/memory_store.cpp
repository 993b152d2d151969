// The in-memory store: every table a std::map behind one (recursive) mutex, which a unit of work
// (transact) holds from its beginning to its end. It keeps the same contracts as the
// SQLite store (unique keys, parents that must exist, atomic operations), so that login rules tested
// against it behave the same on disk.
#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>

#include "sesame/store.hpp"
#include "store/guard.hpp"
#include "store/revision.hpp"

namespace sesame {
namespace {

using store_detail::guarded;

Status missing(const char* what) { return Status(Code::not_found, std::string("no such ") + what); }
Status taken(const char* what) { return Status(Code::already_exists, std::string(what) + " already exists"); }

// CONFLICT unless `given` is 0 (any revision) or the stored record's revision.
template <class T>
Status unchanged_since(const T& stored, std::int64_t given, const char* what) {
    return store_detail::unchanged_since(what, stored.id, stored.revision, given);
}

// A session may be touched or revoked only while it could still be used.
bool session_live(const Session& s, UnixTime now) {
    return !s.revoked_at && s.idle_expires_at > now && s.absolute_expires_at > now;
}

bool challenge_live(const Challenge& c) { return !c.consumed_at && !c.superseded_at; }

class MemoryStore final : public Store {
public:
    Status transact(const std::function<Status()>& body) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            return body();
        });
    }

    // ---- agencies -------------------------------------------------------------------------
    Result<Id> insert_agency(const Agency& a) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            Agency row = a;
            row.id = last_agency_ + 1;
            row.revision = 1;
            agencies_.emplace(row.id, row);
            return last_agency_ = row.id;
        });
    }

    Status update_agency(const Agency& a) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = agencies_.find(a.id);
            if (it == agencies_.end()) return missing("agency");
            SESAME_TRY(unchanged_since(it->second, a.revision, "agency"));
            auto row = a;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<Agency> get_agency(Id id) override {
        return guarded([&]() -> Result<Agency> {
            std::lock_guard lock(mu_);
            auto it = agencies_.find(id);
            if (it == agencies_.end()) return missing("agency");
            return it->second;
        });
    }

    Result<std::vector<Agency>> list_agencies() override {
        return guarded([&]() -> Result<std::vector<Agency>> {
            std::lock_guard lock(mu_);
            std::vector<Agency> out;
            for (const auto& [id, a] : agencies_) out.push_back(a);
            return out;
        });
    }

    Result<Id> insert_agency_phone(const AgencyPhone& p) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!agencies_.count(p.agency_id)) return missing("agency");
            for (const auto& [id, other] : phones_)
                if (other.agency_id == p.agency_id && other.number == p.number) return taken("that agency phone");
            AgencyPhone row = p;
            row.id = last_phone_ + 1;
            row.revision = 1;
            phones_.emplace(row.id, row);
            return last_phone_ = row.id;
        });
    }

    Status update_agency_phone(const AgencyPhone& p) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = phones_.find(p.id);
            if (it == phones_.end()) return missing("agency phone");
            SESAME_TRY(unchanged_since(it->second, p.revision, "agency phone"));
            if (!agencies_.count(p.agency_id)) return missing("agency");
            for (const auto& [id, other] : phones_)
                if (id != p.id && other.agency_id == p.agency_id && other.number == p.number)
                    return taken("that agency phone");
            auto row = p;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<std::vector<AgencyPhone>> list_agency_phones(Id agency_id) override {
        return guarded([&]() -> Result<std::vector<AgencyPhone>> {
            std::lock_guard lock(mu_);
            std::vector<AgencyPhone> out;
            for (const auto& [id, p] : phones_)
                if (p.agency_id == agency_id) out.push_back(p);
            return out;
        });
    }

    Result<Id> insert_agency_email(const AgencyEmail& e) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!agencies_.count(e.agency_id)) return missing("agency");
            for (const auto& [id, other] : emails_)
                if (other.agency_id == e.agency_id && other.address == e.address) return taken("that agency email");
            AgencyEmail row = e;
            row.id = last_email_ + 1;
            emails_.emplace(row.id, row);
            return last_email_ = row.id;
        });
    }

    Result<std::vector<AgencyEmail>> list_agency_emails(Id agency_id) override {
        return guarded([&]() -> Result<std::vector<AgencyEmail>> {
            std::lock_guard lock(mu_);
            std::vector<AgencyEmail> out;
            for (const auto& [id, e] : emails_)
                if (e.agency_id == agency_id) out.push_back(e);
            return out;
        });
    }

    // ---- portals --------------------------------------------------------------------------
    Result<Id> insert_portal(const Portal& p) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!agencies_.count(p.agency_id)) return missing("agency");
            for (const auto& [id, other] : portals_)
                if (other.slug == p.slug) return taken("a portal with that slug");
            Portal row = p;
            row.id = last_portal_ + 1;
            row.revision = 1;
            portals_.emplace(row.id, row);
            return last_portal_ = row.id;
        });
    }

    Status update_portal(const Portal& p) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = portals_.find(p.id);
            if (it == portals_.end()) return missing("portal");
            SESAME_TRY(unchanged_since(it->second, p.revision, "portal"));
            if (!agencies_.count(p.agency_id)) return missing("agency");
            for (const auto& [id, other] : portals_)
                if (id != p.id && other.slug == p.slug) return taken("a portal with that slug");
            auto row = p;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<Portal> get_portal(Id id) override {
        return guarded([&]() -> Result<Portal> {
            std::lock_guard lock(mu_);
            auto it = portals_.find(id);
            if (it == portals_.end()) return missing("portal");
            return it->second;
        });
    }

    Result<Portal> find_portal_by_slug(const std::string& slug) override {
        return guarded([&]() -> Result<Portal> {
            std::lock_guard lock(mu_);
            for (const auto& [id, p] : portals_)
                if (p.slug == slug) return p;
            return missing("portal");
        });
    }

    Result<std::vector<Portal>> list_portals(Id agency_id) override {
        return guarded([&]() -> Result<std::vector<Portal>> {
            std::lock_guard lock(mu_);
            std::vector<Portal> out;
            for (const auto& [id, p] : portals_)
                if (p.agency_id == agency_id) out.push_back(p);
            return out;
        });
    }

    // ---- clients and contacts -------------------------------------------------------------
    Result<Id> insert_client(const Client& c) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!agencies_.count(c.agency_id)) return missing("agency");
            Client row = c;
            row.id = last_client_ + 1;
            row.revision = 1;
            clients_.emplace(row.id, row);
            return last_client_ = row.id;
        });
    }

    Status update_client(const Client& c) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = clients_.find(c.id);
            if (it == clients_.end()) return missing("client");
            SESAME_TRY(unchanged_since(it->second, c.revision, "client"));
            if (!agencies_.count(c.agency_id)) return missing("agency");
            auto row = c;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<Client> get_client(Id id) override {
        return guarded([&]() -> Result<Client> {
            std::lock_guard lock(mu_);
            auto it = clients_.find(id);
            if (it == clients_.end()) return missing("client");
            return it->second;
        });
    }

    Result<std::vector<Client>> list_clients(Id agency_id) override {
        return guarded([&]() -> Result<std::vector<Client>> {
            std::lock_guard lock(mu_);
            std::vector<Client> out;
            for (const auto& [id, c] : clients_)
                if (c.agency_id == agency_id) out.push_back(c);
            return out;
        });
    }

    Result<Id> insert_contact(const Contact& c) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!clients_.count(c.client_id)) return missing("client");
            if (client_has_value(c.client_id, c.value, 0)) return taken("that contact on this client");
            Contact row = c;
            row.id = last_contact_ + 1;
            row.revision = 1;
            auto [it, added] = contacts_.emplace(row.id, row);
            try {
                index_contact(it->second);
            } catch (...) {
                unindex_contact(it->second);
                contacts_.erase(it);
                throw;
            }
            return last_contact_ = row.id;
        });
    }

    Status update_contact(const Contact& c) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = contacts_.find(c.id);
            if (it == contacts_.end()) return missing("contact");
            SESAME_TRY(unchanged_since(it->second, c.revision, "contact"));
            if (!clients_.count(c.client_id)) return missing("client");
            if (client_has_value(c.client_id, c.value, c.id)) return taken("that contact on this client");
            auto row = c;
            const Contact& before = it->second;
            // New index entries first (they may fail, and are then taken back); old ones go after.
            const bool value_moves = before.agency_id != row.agency_id || before.value != row.value;
            const bool client_moves = before.client_id != row.client_id;
            bool value_added = false;
            try {
                if (value_moves) value_added = contacts_by_value_[ContactKey{row.agency_id, row.value}].insert(row.id).second;
                if (client_moves) contacts_by_client_[row.client_id].insert(row.id);
            } catch (...) {
                if (value_added) drop(contacts_by_value_, ContactKey{row.agency_id, row.value}, row.id);
                throw;
            }
            if (value_moves) drop(contacts_by_value_, ContactKey{before.agency_id, before.value}, row.id);
            if (client_moves) drop(contacts_by_client_, before.client_id, row.id);
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Status delete_contact(Id id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = contacts_.find(id);
            if (it == contacts_.end()) return missing("contact");
            unindex_contact(it->second);
            contacts_.erase(it);
            return {};
        });
    }

    Status delete_client(Id id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!clients_.count(id)) return missing("client");
            const auto owned = [id](const auto& rows) {
                return std::any_of(rows.begin(), rows.end(), [id](const auto& kv) { return kv.second.client_id == id; });
            };
            if (owned(events_) || owned(cases_) || owned(documents_) || owned(uploads_))
                return Status(Code::failed_precondition,
                              "the client still has events, cases, documents or uploads: they must go first");
            for (auto it = contacts_.begin(); it != contacts_.end();) {
                if (it->second.client_id == id) {
                    unindex_contact(it->second);
                    it = contacts_.erase(it);
                } else {
                    ++it;
                }
            }
            std::erase_if(contact_changes_, [id](const auto& kv) { return kv.second.client_id == id; });
            clients_.erase(id);
            return {};
        });
    }

    Result<Contact> get_contact(Id id) override {
        return guarded([&]() -> Result<Contact> {
            std::lock_guard lock(mu_);
            auto it = contacts_.find(id);
            if (it == contacts_.end()) return missing("contact");
            return it->second;
        });
    }

    Result<std::vector<Contact>> list_contacts(Id client_id) override {
        return guarded([&]() -> Result<std::vector<Contact>> {
            std::lock_guard lock(mu_);
            std::vector<Contact> out;
            auto ids = contacts_by_client_.find(client_id);
            if (ids != contacts_by_client_.end())
                for (Id id : ids->second) out.push_back(contacts_.at(id));
            return out;
        });
    }

    Result<std::vector<Contact>> find_contacts(Id agency_id, const std::string& value) override {
        return guarded([&]() -> Result<std::vector<Contact>> {
            std::lock_guard lock(mu_);
            std::vector<Contact> out;
            auto ids = contacts_by_value_.find(ContactKey{agency_id, value});
            if (ids != contacts_by_value_.end())
                for (Id id : ids->second) out.push_back(contacts_.at(id));
            return out;
        });
    }

    // ---- messages -------------------------------------------------------------------------
    Result<Id> insert_message(const Message& m) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            return add_message(m);
        });
    }

    Status update_message(const Message& m) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = messages_.find(m.id);
            if (it == messages_.end()) return missing("message");
            auto row = m;
            if (row.agency_id != it->second.agency_id || row.to != it->second.to) {
                messages_by_to_[ContactKey{row.agency_id, row.to}].insert(row.id);
                unindex_message(it->second);
            }
            it->second = std::move(row);
            return {};
        });
    }

    Result<Message> get_message(Id id) override {
        return guarded([&]() -> Result<Message> {
            std::lock_guard lock(mu_);
            auto it = messages_.find(id);
            if (it == messages_.end()) return missing("message");
            return it->second;
        });
    }

    Result<std::vector<Message>> list_messages_to(Id agency_id, const std::vector<std::string>& destinations,
                                                  std::size_t limit) override {
        return guarded([&]() -> Result<std::vector<Message>> {
            std::lock_guard lock(mu_);
            std::vector<const Message*> hits;
            std::set<std::string> seen;
            for (const auto& to : destinations) {
                if (!seen.insert(to).second) continue;
                auto ids = messages_by_to_.find(ContactKey{agency_id, to});
                if (ids != messages_by_to_.end())
                    for (Id id : ids->second) hits.push_back(&messages_.at(id));
            }
            std::sort(hits.begin(), hits.end(), [](const Message* a, const Message* b) {
                return std::tie(a->created_at, a->id) > std::tie(b->created_at, b->id);
            });
            std::vector<Message> out;
            for (std::size_t i = 0; i < hits.size() && i < limit; ++i) out.push_back(*hits[i]);
            return out;
        });
    }

    Result<std::vector<Message>> list_queued_messages(std::size_t limit) override {
        return guarded([&]() -> Result<std::vector<Message>> {
            std::lock_guard lock(mu_);
            std::vector<const Message*> hits;
            for (const auto& [id, m] : messages_)
                if (m.direction == Direction::outbound && m.status == MessageStatus::queued) hits.push_back(&m);
            std::sort(hits.begin(), hits.end(), [](const Message* a, const Message* b) {
                return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
            });
            std::vector<Message> out;
            for (std::size_t i = 0; i < hits.size() && i < limit; ++i) out.push_back(*hits[i]);
            return out;
        });
    }

    // ---- challenges -----------------------------------------------------------------------
    Result<Id> begin_challenge(const Challenge& c, const std::optional<Message>& message) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            // Everything that can fail happens before the first change to an existing row, and is
            // undone when it fails, so a failure changes nothing.
            if (challenges_.count(c.id)) return taken("a challenge with that id");
            auto [added, inserted] = challenges_.emplace(c.id, c);
            Id message_id = 0;
            std::set<std::string>* live = nullptr;
            try {
                if (message) {
                    Message m = *message;
                    m.challenge_id = c.id;
                    message_id = add_message(m);
                }
                live = &live_challenges_[LiveKey{c.portal_id, c.destination}];
                live->insert(c.id);
            } catch (...) {
                if (message_id) remove_message(message_id);
                challenges_.erase(added);
                throw;
            }
            // Nothing below can fail. Only the live challenges of (portal, destination) are
            // looked at: the index holds them.
            for (auto id = live->begin(); id != live->end();) {
                if (*id == c.id) {
                    ++id;
                    continue;
                }
                auto other = challenges_.find(*id);
                if (other != challenges_.end() && challenge_live(other->second)) other->second.superseded_at = c.created_at;
                id = live->erase(id);
            }
            if (!challenge_live(c)) live->erase(c.id);
            return message_id;
        });
    }

    Result<Challenge> get_challenge(const std::string& id) override {
        return guarded([&]() -> Result<Challenge> {
            std::lock_guard lock(mu_);
            auto it = challenges_.find(id);
            if (it == challenges_.end()) return missing("challenge");
            return it->second;
        });
    }

    Result<Challenge> register_attempt(const std::string& id) override {
        return guarded([&]() -> Result<Challenge> {
            std::lock_guard lock(mu_);
            auto it = challenges_.find(id);
            if (it == challenges_.end() || !challenge_live(it->second) ||
                it->second.attempts >= it->second.max_attempts)
                return Status(Code::not_found, "no challenge open to another attempt");
            ++it->second.attempts;
            return it->second;
        });
    }

    Result<bool> consume_challenge(const std::string& id, UnixTime now) override {
        return guarded([&]() -> Result<bool> {
            std::lock_guard lock(mu_);
            auto it = challenges_.find(id);
            if (it == challenges_.end() || !challenge_live(it->second) || it->second.expires_at <= now) return false;
            it->second.consumed_at = now;
            drop(live_challenges_, LiveKey{it->second.portal_id, it->second.destination}, id);
            return true;
        });
    }

    // ---- sessions -------------------------------------------------------------------------
    Status insert_session(const Session& s) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (sessions_.count(s.id) || by_token_.count(s.token_hash)) return taken("a session with that id or token");
            auto [it, added] = sessions_.emplace(s.id, SessionRow{s, session_seq_ + 1});
            try {
                by_token_.emplace(s.token_hash, s.id);
            } catch (...) {
                sessions_.erase(it);
                throw;
            }
            ++session_seq_;
            return {};
        });
    }

    Result<Session> find_session(const std::vector<std::uint8_t>& token_hash) override {
        return guarded([&]() -> Result<Session> {
            std::lock_guard lock(mu_);
            auto t = by_token_.find(token_hash);
            if (t == by_token_.end()) return missing("session");
            return sessions_.at(t->second).session;
        });
    }

    Result<Session> get_session(const std::string& id) override {
        return guarded([&]() -> Result<Session> {
            std::lock_guard lock(mu_);
            auto it = sessions_.find(id);
            if (it == sessions_.end()) return missing("session");
            return it->second.session;
        });
    }

    Status touch_session(const std::string& id, UnixTime now, UnixTime idle_expires_at) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = sessions_.find(id);
            if (it == sessions_.end() || !session_live(it->second.session, now)) return missing("live session");
            it->second.session.last_seen_at = now;
            it->second.session.idle_expires_at = idle_expires_at;
            return {};
        });
    }

    Status bind_session_client(const std::string& id, Id client_id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = sessions_.find(id);
            if (it == sessions_.end()) return missing("session");
            if (it->second.session.client_id)
                return Status(Code::failed_precondition, "the session already acts for a client");
            it->second.session.client_id = client_id;
            return {};
        });
    }

    Result<std::int64_t> revoke_session(const std::string& id, UnixTime now, const std::string& reason) override {
        return guarded([&]() -> Result<std::int64_t> {
            std::lock_guard lock(mu_);
            auto it = sessions_.find(id);  // by its key: a logout does not scan every session
            if (it == sessions_.end() || !session_live(it->second.session, now)) return std::int64_t{0};
            std::string copy = reason;  // may throw: before the change
            it->second.session.revoked_at = now;
            it->second.session.revoke_reason.swap(copy);
            return std::int64_t{1};
        });
    }

    Result<std::int64_t> revoke_client_sessions(Id client_id, UnixTime now, const std::string& reason) override {
        return revoke_where([&](const Session& s) { return s.client_id == client_id; }, now, reason);
    }

    Result<std::int64_t> revoke_destination_sessions(Id agency_id, const std::string& destination, UnixTime now,
                                                     const std::string& reason) override {
        return revoke_where(
            [&](const Session& s) { return s.agency_id == agency_id && s.destination == destination; }, now, reason);
    }

    Result<std::int64_t> revoke_portal_sessions(Id portal_id, UnixTime now, const std::string& reason) override {
        return revoke_where([&](const Session& s) { return s.portal_id == portal_id; }, now, reason);
    }

    Result<std::vector<Session>> list_client_sessions(Id client_id) override {
        return guarded([&]() -> Result<std::vector<Session>> {
            std::lock_guard lock(mu_);
            std::vector<const SessionRow*> hits;
            for (const auto& [id, row] : sessions_)
                if (row.session.client_id == client_id) hits.push_back(&row);
            std::sort(hits.begin(), hits.end(), [](const SessionRow* a, const SessionRow* b) {
                return std::tie(a->session.created_at, a->seq) > std::tie(b->session.created_at, b->seq);
            });
            std::vector<Session> out;
            for (const SessionRow* row : hits) out.push_back(row->session);
            return out;
        });
    }

    // ---- throttles ------------------------------------------------------------------------
    Result<Counter> bump_counter(const std::string& key, UnixTime now, std::int64_t window_seconds) override {
        return guarded([&]() -> Result<Counter> {
            std::lock_guard lock(mu_);
            auto [it, fresh] = counters_.try_emplace(key);
            Counter& c = it->second;
            if (fresh || (window_seconds > 0 && now >= c.window_start + window_seconds)) {
                c.count = 1;
                c.window_start = now;
            } else {
                ++c.count;
            }
            c.last_at = now;
            return c;
        });
    }

    Result<Counter> get_counter(const std::string& key) override {
        return guarded([&]() -> Result<Counter> {
            std::lock_guard lock(mu_);
            auto it = counters_.find(key);
            return it == counters_.end() ? Counter{} : it->second;
        });
    }

    Status reset_counter(const std::string& key) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            counters_.erase(key);
            return {};
        });
    }

    // ---- templates ------------------------------------------------------------------------
    Status put_template(const MessageTemplate& t) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            MessageTemplate row = t;
            TemplateKey key{t.agency_id, t.channel, t.language};
            auto it = templates_.find(key);
            if (it != templates_.end())
                it->second = std::move(row);
            else
                templates_.emplace(std::move(key), std::move(row));
            return {};
        });
    }

    Result<std::optional<MessageTemplate>> get_template(Id agency_id, Channel channel,
                                                        const std::string& language) override {
        return guarded([&]() -> Result<std::optional<MessageTemplate>> {
            std::lock_guard lock(mu_);
            auto it = templates_.find(TemplateKey{agency_id, channel, language});
            if (it == templates_.end()) return std::optional<MessageTemplate>{};
            return std::optional<MessageTemplate>{it->second};
        });
    }

    // ---- key check -------------------------------------------------------------------------
    Result<std::optional<std::string>> get_key_check() override {
        return guarded([&]() -> Result<std::optional<std::string>> {
            std::lock_guard lock(mu_);
            return key_check_;
        });
    }

    Result<std::string> put_key_check(const std::string& value, bool replace) override {
        return guarded([&]() -> Result<std::string> {
            std::lock_guard lock(mu_);
            if (!key_check_ || replace) key_check_ = value;
            return *key_check_;
        });
    }

    // ---- audit ----------------------------------------------------------------------------
    Result<Id> append_audit(const AuditEvent& e) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            AuditEvent row = e;
            row.id = static_cast<Id>(audit_.size()) + 1;
            audit_.push_back(std::move(row));
            return audit_.back().id;
        });
    }

    Result<std::vector<AuditEvent>> list_audit(Id agency_id, std::size_t limit) override {
        return guarded([&]() -> Result<std::vector<AuditEvent>> {
            std::lock_guard lock(mu_);
            std::vector<AuditEvent> out;
            for (auto it = audit_.rbegin(); it != audit_.rend() && out.size() < limit; ++it)
                if (agency_id == 0 || it->agency_id == agency_id) out.push_back(*it);
            return out;
        });
    }

    // ---- housekeeping ---------------------------------------------------------------------
    Result<SweepResult> sweep(UnixTime now, UnixTime counter_cutoff) override {
        return guarded([&]() -> Result<SweepResult> {
            std::lock_guard lock(mu_);
            SweepResult r;
            r.challenges = static_cast<std::int64_t>(std::erase_if(challenges_, [&](const auto& kv) {
                const Challenge& c = kv.second;
                const bool gone = c.consumed_at || c.superseded_at || c.expires_at <= now;
                if (gone) drop(live_challenges_, LiveKey{c.portal_id, c.destination}, c.id);
                return gone;
            }));
            for (auto it = sessions_.begin(); it != sessions_.end();) {
                const Session& s = it->second.session;
                if (s.revoked_at || s.absolute_expires_at <= now || s.idle_expires_at <= now) {
                    by_token_.erase(s.token_hash);
                    it = sessions_.erase(it);
                    ++r.sessions;
                } else {
                    ++it;
                }
            }
            r.counters = static_cast<std::int64_t>(
                std::erase_if(counters_, [&](const auto& kv) { return kv.second.last_at <= counter_cutoff; }));
            std::erase_if(contact_changes_, [&](const auto& kv) { return !challenges_.count(kv.first); });
            return r;
        });
    }

    // ---- content: events, cases and documents ---------------------------------------------
    Result<Id> insert_event(const Event& e) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            SESAME_TRY(event_parents(e));
            Event row = e;
            row.id = last_event_ + 1;
            row.revision = 1;
            events_.emplace(row.id, row);
            return last_event_ = row.id;
        });
    }

    Status update_event(const Event& e) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = events_.find(e.id);
            if (it == events_.end()) return missing("event");
            SESAME_TRY(unchanged_since(it->second, e.revision, "event"));
            SESAME_TRY(event_parents(e));
            auto row = e;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<Event> get_event(Id id) override {
        return guarded([&]() -> Result<Event> {
            std::lock_guard lock(mu_);
            auto it = events_.find(id);
            if (it == events_.end()) return missing("event");
            return it->second;
        });
    }

    Result<std::vector<Event>> list_events(Id client_id) override {
        return guarded([&]() -> Result<std::vector<Event>> {
            std::lock_guard lock(mu_);
            std::vector<const Event*> hits;
            for (const auto& [id, e] : events_)
                if (e.client_id == client_id) hits.push_back(&e);
            std::sort(hits.begin(), hits.end(), [](const Event* a, const Event* b) {
                return std::tie(a->date, a->time, a->id) < std::tie(b->date, b->time, b->id);
            });
            std::vector<Event> out;
            for (const Event* e : hits) out.push_back(*e);
            return out;
        });
    }

    Status delete_event(Id id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!events_.count(id)) return missing("event");
            for (const auto& [doc_id, d] : documents_)
                if (d.event_id == id)
                    return Status(Code::failed_precondition, "document " + std::to_string(doc_id) +
                                                                 " is linked to the event: unlink it first");
            events_.erase(id);
            return {};
        });
    }

    Result<Id> insert_case(const Case& c) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!clients_.count(c.client_id)) return missing("client");
            Case row = c;
            row.id = last_case_ + 1;
            row.revision = 1;
            cases_.emplace(row.id, row);
            return last_case_ = row.id;
        });
    }

    Status update_case(const Case& c) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = cases_.find(c.id);
            if (it == cases_.end()) return missing("case");
            SESAME_TRY(unchanged_since(it->second, c.revision, "case"));
            if (!clients_.count(c.client_id)) return missing("client");
            auto row = c;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<Case> get_case(Id id) override {
        return guarded([&]() -> Result<Case> {
            std::lock_guard lock(mu_);
            auto it = cases_.find(id);
            if (it == cases_.end()) return missing("case");
            return it->second;
        });
    }

    Result<std::vector<Case>> list_cases(Id client_id) override {
        return guarded([&]() -> Result<std::vector<Case>> {
            std::lock_guard lock(mu_);
            std::vector<Case> out;
            for (const auto& [id, c] : cases_)
                if (c.client_id == client_id) out.push_back(c);
            return out;
        });
    }

    Result<Id> insert_document(const Document& d) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            SESAME_TRY(document_parents(d));
            Document row = d;
            row.id = last_document_ + 1;
            row.revision = 1;
            documents_.emplace(row.id, row);
            return last_document_ = row.id;
        });
    }

    Status update_document(const Document& d) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = documents_.find(d.id);
            if (it == documents_.end()) return missing("document");
            SESAME_TRY(unchanged_since(it->second, d.revision, "document"));
            SESAME_TRY(document_parents(d));
            auto row = d;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Result<Document> get_document(Id id) override {
        return guarded([&]() -> Result<Document> {
            std::lock_guard lock(mu_);
            auto it = documents_.find(id);
            if (it == documents_.end()) return missing("document");
            return it->second;
        });
    }

    Result<std::vector<Document>> list_documents(Id client_id) override {
        return guarded([&]() -> Result<std::vector<Document>> {
            std::lock_guard lock(mu_);
            std::vector<Document> out;
            for (const auto& [id, d] : documents_)
                if (d.client_id == client_id) out.push_back(d);
            return out;
        });
    }

    // ---- navigation: sidebar items and gated resources --------------------------------------
    Result<Id> insert_sidebar_item(const SidebarItem& item) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!portals_.count(item.portal_id)) return missing("portal");
            SidebarItem row = item;
            row.id = last_sidebar_item_ + 1;
            row.revision = 1;
            sidebar_items_.emplace(row.id, row);
            return last_sidebar_item_ = row.id;
        });
    }

    Status update_sidebar_item(const SidebarItem& item) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = sidebar_items_.find(item.id);
            if (it == sidebar_items_.end()) return missing("sidebar item");
            SESAME_TRY(unchanged_since(it->second, item.revision, "sidebar item"));
            if (!portals_.count(item.portal_id)) return missing("portal");
            auto row = item;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Status delete_sidebar_item(Id id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (sidebar_items_.erase(id) == 0) return missing("sidebar item");
            return {};
        });
    }

    Result<SidebarItem> get_sidebar_item(Id id) override {
        return guarded([&]() -> Result<SidebarItem> {
            std::lock_guard lock(mu_);
            auto it = sidebar_items_.find(id);
            if (it == sidebar_items_.end()) return missing("sidebar item");
            return it->second;
        });
    }

    Result<std::vector<SidebarItem>> list_sidebar_items(Id portal_id) override {
        return guarded([&]() -> Result<std::vector<SidebarItem>> {
            std::lock_guard lock(mu_);
            std::vector<SidebarItem> out;
            for (const auto& [id, item] : sidebar_items_)
                if (item.portal_id == portal_id) out.push_back(item);
            std::stable_sort(out.begin(), out.end(),
                             [](const SidebarItem& a, const SidebarItem& b) { return a.order < b.order; });
            return out;
        });
    }

    Result<Id> insert_gated_resource(const GatedResource& resource) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!portals_.count(resource.portal_id)) return missing("portal");
            SESAME_TRY(resource_key_free(resource));
            GatedResource row = resource;
            row.id = last_gated_resource_ + 1;
            row.revision = 1;
            gated_resources_.emplace(row.id, row);
            return last_gated_resource_ = row.id;
        });
    }

    Status update_gated_resource(const GatedResource& resource) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            auto it = gated_resources_.find(resource.id);
            if (it == gated_resources_.end()) return missing("gated resource");
            SESAME_TRY(unchanged_since(it->second, resource.revision, "gated resource"));
            if (!portals_.count(resource.portal_id)) return missing("portal");
            SESAME_TRY(resource_key_free(resource));
            auto row = resource;
            row.revision = it->second.revision + 1;
            it->second = std::move(row);
            return {};
        });
    }

    Status delete_gated_resource(Id id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (gated_resources_.erase(id) == 0) return missing("gated resource");
            return {};
        });
    }

    Result<GatedResource> get_gated_resource(Id id) override {
        return guarded([&]() -> Result<GatedResource> {
            std::lock_guard lock(mu_);
            auto it = gated_resources_.find(id);
            if (it == gated_resources_.end()) return missing("gated resource");
            return it->second;
        });
    }

    Result<GatedResource> find_gated_resource(Id portal_id, ResourceKind kind, const std::string& slug) override {
        return guarded([&]() -> Result<GatedResource> {
            std::lock_guard lock(mu_);
            for (const auto& [id, r] : gated_resources_)
                if (r.portal_id == portal_id && r.kind == kind && r.slug == slug) return r;
            return missing("gated resource");
        });
    }

    Result<std::vector<GatedResource>> list_gated_resources(Id portal_id) override {
        return guarded([&]() -> Result<std::vector<GatedResource>> {
            std::lock_guard lock(mu_);
            std::vector<GatedResource> out;
            for (const auto& [id, r] : gated_resources_)
                if (r.portal_id == portal_id) out.push_back(r);
            std::sort(out.begin(), out.end(), [](const GatedResource& a, const GatedResource& b) {
                return std::tie(a.kind, a.slug, a.id) < std::tie(b.kind, b.slug, b.id);
            });
            return out;
        });
    }

    // ---- uploads ---------------------------------------------------------------------------
    Status put_upload_policy(const UploadPolicy& p) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!portals_.count(p.portal_id)) return missing("portal");
            upload_policies_.insert_or_assign(p.portal_id, p);
            return {};
        });
    }

    Result<std::optional<UploadPolicy>> get_upload_policy(Id portal_id) override {
        return guarded([&]() -> Result<std::optional<UploadPolicy>> {
            std::lock_guard lock(mu_);
            auto it = upload_policies_.find(portal_id);
            if (it == upload_policies_.end()) return std::optional<UploadPolicy>();
            return std::optional<UploadPolicy>(it->second);
        });
    }

    Result<Id> insert_upload(const Upload& u) override {
        return guarded([&]() -> Result<Id> {
            std::lock_guard lock(mu_);
            if (!portals_.count(u.portal_id)) return missing("portal");
            if (!clients_.count(u.client_id)) return missing("client");
            for (const auto& [id, row] : uploads_)
                if (row.blob_name == u.blob_name) return taken("an upload with that blob name");
            Upload row = u;
            row.id = last_upload_ + 1;
            uploads_.emplace(row.id, row);
            return last_upload_ = row.id;
        });
    }

    Result<Upload> get_upload(Id id) override {
        return guarded([&]() -> Result<Upload> {
            std::lock_guard lock(mu_);
            auto it = uploads_.find(id);
            if (it == uploads_.end()) return missing("upload");
            return it->second;
        });
    }

    Result<std::vector<Upload>> list_uploads(Id client_id) override {
        return guarded([&]() -> Result<std::vector<Upload>> {
            std::lock_guard lock(mu_);
            std::vector<Upload> out;
            for (const auto& [id, u] : uploads_)
                if (u.client_id == client_id) out.push_back(u);
            return out;
        });
    }

    Status delete_upload(Id id) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (uploads_.erase(id) == 0) return missing("upload");
            return {};
        });
    }

    Status put_document_file(const DocumentFile& f) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!documents_.count(f.document_id)) return missing("document");
            document_files_.insert_or_assign(f.document_id, f);
            return {};
        });
    }

    Result<std::optional<DocumentFile>> get_document_file(Id document_id) override {
        return guarded([&]() -> Result<std::optional<DocumentFile>> {
            std::lock_guard lock(mu_);
            auto it = document_files_.find(document_id);
            if (it == document_files_.end()) return std::optional<DocumentFile>();
            return std::optional<DocumentFile>(it->second);
        });
    }

    // ---- dashboard ------------------------------------------------------------------------
    Status put_dashboard_template(const DashboardTemplate& t) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!portals_.count(t.portal_id)) return missing("portal");
            dashboards_.insert_or_assign(DashboardKey{t.portal_id, t.language}, t);
            return {};
        });
    }

    Result<std::optional<DashboardTemplate>> get_dashboard_template(Id portal_id, const std::string& language) override {
        return guarded([&]() -> Result<std::optional<DashboardTemplate>> {
            std::lock_guard lock(mu_);
            auto it = dashboards_.find(DashboardKey{portal_id, language});
            if (it == dashboards_.end()) return std::optional<DashboardTemplate>{};
            return std::optional<DashboardTemplate>{it->second};
        });
    }

    Status delete_dashboard_template(Id portal_id, const std::string& language) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (dashboards_.erase(DashboardKey{portal_id, language}) == 0) return missing("dashboard template");
            return {};
        });
    }

    Result<std::vector<DashboardTemplate>> list_dashboard_templates(Id portal_id) override {
        return guarded([&]() -> Result<std::vector<DashboardTemplate>> {
            std::lock_guard lock(mu_);
            std::vector<DashboardTemplate> out;
            // The map's order is (portal, language): one portal's rows are adjacent, by language.
            for (auto it = dashboards_.lower_bound(DashboardKey{portal_id, ""});
                 it != dashboards_.end() && it->first.first == portal_id; ++it)
                out.push_back(it->second);
            return out;
        });
    }

    // ---- profile: policy rules and pending contact changes ------------------------------------
    Status put_profile_policy(Id portal_id, const std::vector<ProfileFieldRule>& rules) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!portals_.count(portal_id)) return missing("portal");
            std::map<std::string, FieldPolicy> replacement;
            for (const auto& r : rules) replacement[r.field] = r.policy;
            profile_policies_[portal_id] = std::move(replacement);
            return {};
        });
    }

    Result<std::vector<ProfileFieldRule>> get_profile_policy(Id portal_id) override {
        return guarded([&]() -> Result<std::vector<ProfileFieldRule>> {
            std::lock_guard lock(mu_);
            if (!portals_.count(portal_id)) return missing("portal");
            std::vector<ProfileFieldRule> out;
            auto it = profile_policies_.find(portal_id);
            if (it != profile_policies_.end())
                for (const auto& [field, policy] : it->second) out.push_back({field, policy});
            return out;
        });
    }

    Status insert_contact_change(const ContactChange& change) override {
        return guarded([&]() -> Status {
            std::lock_guard lock(mu_);
            if (!portals_.count(change.portal_id)) return missing("portal");
            if (!clients_.count(change.client_id)) return missing("client");
            if (contact_changes_.count(change.challenge_id)) return taken("a contact change for that challenge");
            contact_changes_.emplace(change.challenge_id, change);
            return {};
        });
    }

    Result<ContactChange> get_contact_change(const std::string& challenge_id) override {
        return guarded([&]() -> Result<ContactChange> {
            std::lock_guard lock(mu_);
            auto it = contact_changes_.find(challenge_id);
            if (it == contact_changes_.end()) return missing("contact change");
            return it->second;
        });
    }

private:
    // Caller holds mu_. (portal, kind, slug) names one resource: free unless another row holds it.
    Status resource_key_free(const GatedResource& r) const {
        for (const auto& [id, other] : gated_resources_)
            if (id != r.id && other.portal_id == r.portal_id && other.kind == r.kind && other.slug == r.slug)
                return taken("a gated resource with that portal, kind and slug");
        return {};
    }

    // Caller holds mu_. The rows an event or document refers to must exist, as SQLite's foreign
    // keys require.
    Status event_parents(const Event& e) const {
        if (!clients_.count(e.client_id)) return missing("client");
        if (e.case_id && !cases_.count(*e.case_id)) return missing("case");
        return {};
    }
    Status document_parents(const Document& d) const {
        if (!clients_.count(d.client_id)) return missing("client");
        if (d.case_id && !cases_.count(*d.case_id)) return missing("case");
        if (d.event_id && !events_.count(*d.event_id)) return missing("event");
        return {};
    }

    // Caller holds mu_. True when another contact of the client (not `except`) has that value.
    bool client_has_value(Id client_id, const std::string& value, Id except) const {
        auto ids = contacts_by_client_.find(client_id);
        if (ids == contacts_by_client_.end()) return false;
        return std::any_of(ids->second.begin(), ids->second.end(),
                           [&](Id id) { return id != except && contacts_.at(id).value == value; });
    }
    // Caller holds mu_. The two contact indexes: by (agency, value), as start_login looks contacts
    // up, and by client. unindex_contact cannot fail.
    void index_contact(const Contact& c) {
        contacts_by_value_[ContactKey{c.agency_id, c.value}].insert(c.id);
        contacts_by_client_[c.client_id].insert(c.id);
    }
    void unindex_contact(const Contact& c) noexcept {
        drop(contacts_by_value_, ContactKey{c.agency_id, c.value}, c.id);
        drop(contacts_by_client_, c.client_id, c.id);
    }
    // Removes one entry from an index of sets, and the set when it empties. Cannot fail.
    template <class Index, class Key, class Value>
    static void drop(Index& index, const Key& key, const Value& value) noexcept {
        auto it = index.find(key);
        if (it == index.end()) return;
        it->second.erase(value);
        if (it->second.empty()) index.erase(it);
    }

    struct SessionRow {
        Session session;
        std::uint64_t seq;  // insertion order: the tie-break when two sessions share created_at
    };
    using TemplateKey = std::tuple<Id, Channel, std::string>;
    using DashboardKey = std::pair<Id, std::string>;

    // Caller holds mu_.
    Id add_message(const Message& m) {
        Message row = m;
        row.id = last_message_ + 1;
        auto [it, added] = messages_.emplace(row.id, row);
        try {
            messages_by_to_[ContactKey{row.agency_id, row.to}].insert(row.id);
        } catch (...) {
            messages_.erase(it);
            throw;
        }
        return last_message_ = row.id;
    }
    // Caller holds mu_. Cannot fail.
    void unindex_message(const Message& m) noexcept { drop(messages_by_to_, ContactKey{m.agency_id, m.to}, m.id); }
    void remove_message(Id id) noexcept {
        auto it = messages_.find(id);
        if (it == messages_.end()) return;
        unindex_message(it->second);
        messages_.erase(it);
    }

    template <class Pred>
    Result<std::int64_t> revoke_where(Pred matches, UnixTime now, const std::string& reason) {
        return guarded([&]() -> Result<std::int64_t> {
            std::lock_guard lock(mu_);
            // Copy first: assigning the reason may throw, and a revoke applies whole or not at all.
            std::vector<SessionRow*> hits;
            for (auto& [id, row] : sessions_)
                if (matches(row.session) && session_live(row.session, now)) hits.push_back(&row);
            std::vector<std::string> reasons(hits.size(), reason);
            for (std::size_t i = 0; i < hits.size(); ++i) {
                hits[i]->session.revoked_at = now;
                hits[i]->session.revoke_reason.swap(reasons[i]);
            }
            return static_cast<std::int64_t>(hits.size());
        });
    }

    // Recursive, so that the calls a unit of work makes on its own thread take it again.
    std::recursive_mutex mu_;
    Id last_agency_ = 0, last_phone_ = 0, last_email_ = 0, last_portal_ = 0, last_client_ = 0, last_contact_ = 0,
       last_message_ = 0, last_event_ = 0, last_case_ = 0, last_document_ = 0,
       last_sidebar_item_ = 0, last_gated_resource_ = 0;
    std::uint64_t session_seq_ = 0;
    std::map<Id, Agency> agencies_;
    std::map<Id, AgencyPhone> phones_;
    std::map<Id, AgencyEmail> emails_;
    std::map<Id, Portal> portals_;
    std::map<Id, Client> clients_;
    std::map<Id, Contact> contacts_;
    // Indexes, as the SQLite schema has them: what a login looks up is found without a scan.
    using ContactKey = std::pair<Id, std::string>;  // (agency, value)
    std::map<ContactKey, std::set<Id>> contacts_by_value_;
    std::map<Id, std::set<Id>> contacts_by_client_;
    std::map<Id, Message> messages_;
    std::map<ContactKey, std::set<Id>> messages_by_to_;  // (agency, to)
    std::map<std::string, Challenge> challenges_;
    using LiveKey = std::pair<Id, std::string>;  // (portal, destination)
    std::map<LiveKey, std::set<std::string>> live_challenges_;  // not consumed, not superseded
    std::map<std::string, SessionRow> sessions_;
    std::map<std::vector<std::uint8_t>, std::string> by_token_;
    std::map<std::string, Counter> counters_;
    std::map<TemplateKey, MessageTemplate> templates_;
    std::vector<AuditEvent> audit_;
    std::optional<std::string> key_check_;
    std::map<Id, Event> events_;
    std::map<Id, Case> cases_;
    std::map<Id, Document> documents_;
    std::map<DashboardKey, DashboardTemplate> dashboards_;
    Id last_upload_ = 0;
    std::map<Id, UploadPolicy> upload_policies_;
    std::map<Id, Upload> uploads_;
    std::map<Id, DocumentFile> document_files_;
    std::map<Id, SidebarItem> sidebar_items_;
    std::map<Id, GatedResource> gated_resources_;
    std::map<Id, std::map<std::string, FieldPolicy>> profile_policies_;
    std::map<std::string, ContactChange> contact_changes_;
};

}  // namespace

std::shared_ptr<Store> make_memory_store() { return std::make_shared<MemoryStore>(); }

}  // namespace sesame
