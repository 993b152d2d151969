// Clients and their contacts. Every change that could leave someone logged in who should not be
// revokes the affected sessions (SECURITY.md 16).
#include <fmt/format.h>

#include <algorithm>

#include "auth/engine_impl.hpp"
#include "identity/identity.hpp"
#include "portal/row_checks.hpp"
#include "portal/staff.hpp"

namespace sesame {

namespace portal {

Status validate_client(const Client& c, std::string* field) {
    const auto refuse = [&](const char* name, Status why) {
        if (field) *field = name;
        return why;
    };
    const std::pair<const char*, const std::string*> fields[] = {
        {"client_reference", &c.client_reference}, {"first_name", &c.first_name}, {"middle_name", &c.middle_name},
        {"last_name", &c.last_name},               {"gender", &c.gender},         {"type", &c.type},
        {"group", &c.group},
    };
    for (const auto& [name, value] : fields)
        if (Status st = check_text(fmt::format("client.{}", name), *value, portal::kMaxField, false); !st.ok())
            return refuse(name, std::move(st));
    if (Status st = check_text("client.status", c.status, portal::kMaxField, true); !st.ok())
        return refuse("status", std::move(st));
    if (c.first_name.empty() && c.last_name.empty() && c.client_reference.empty())
        return refuse("", {Code::invalid_argument, "a client needs a first_name, a last_name or a client_reference"});
    if (!portal::is_language(c.language))
        return refuse("language", {Code::invalid_argument,
                                   "client.language must be two lowercase letters (an ISO 639-1 code such as \"es\")"});
    if (!c.dob.empty() && !portal::is_date(c.dob))
        return refuse("dob", {Code::invalid_argument, "client.dob must be empty or a date written YYYY-MM-DD"});
    return {};
}

Status validate_client(const Client& c) { return validate_client(c, nullptr); }

}  // namespace portal

namespace {

using portal::check_text;
using portal::validate_client;

// Field names only: a client's name or birth date has no place in the audit log.
std::vector<std::string> client_changes(const Client& before, const Client& after) {
    std::vector<std::string> f;
    const auto diff = [&](const char* name, const std::string& a, const std::string& b) {
        if (a != b) f.push_back(name);
    };
    diff("client_reference", before.client_reference, after.client_reference);
    diff("first_name", before.first_name, after.first_name);
    diff("middle_name", before.middle_name, after.middle_name);
    diff("last_name", before.last_name, after.last_name);
    diff("dob", before.dob, after.dob);
    diff("gender", before.gender, after.gender);
    diff("type", before.type, after.type);
    diff("group", before.group, after.group);
    diff("language", before.language, after.language);
    diff("status", before.status, after.status);
    if (before.archived != after.archived) f.push_back(after.archived ? "archived" : "unarchived");
    return f;
}

// The value as the store keeps it, or INVALID_ARGUMENT naming what kind of value was wrong.
Result<std::string> normalize_contact(ContactKind kind, const std::string& value, const Agency& agency) {
    if (kind == ContactKind::phone) {
        auto phone = identity::normalize_phone(value, agency.default_region);
        if (!phone) return Status(Code::invalid_argument, "the phone number is not valid: " + phone.status().message());
        return phone;
    }
    if (kind == ContactKind::email) {
        auto email = identity::normalize_email(value);
        if (!email) return Status(Code::invalid_argument, "the email address is not valid: " + email.status().message());
        return email;
    }
    return Status(Code::invalid_argument, "contact kind must be phone or email");
}

// Ends what a contact that is no longer usable could still open: the sessions made with its value
// and the sessions of its client.
Status end_contact_sessions(Engine::Impl& im, const Contact& contact, const std::string& reason) {
    auto by_value = im.revoke_for_destination(contact.agency_id, contact.value, reason);
    if (!by_value) return by_value.status();
    auto by_client = im.revoke_for_client(contact.agency_id, contact.client_id, reason);
    if (!by_client) return by_client.status();
    return {};
}

// "1 session, 2 events" for the rows of each kind that keep a client from being deleted.
void count_attached(std::vector<std::string>& parts, const char* what, std::size_t n) {
    if (n > 0) parts.push_back(fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"));
}

Status contact_exists(ContactKind kind) {
    return {Code::already_exists, fmt::format("this client already has that {}",
                                              kind == ContactKind::phone ? "phone number" : "email address")};
}

}  // namespace

Result<Client> Engine::create_client(const Actor& actor, Client client) {
    Impl& im = *impl_;
    SESAME_TRY(portal::require_audited(im, actor, "create_clients", "client.create", "client:new"));
    auto agency = im.visible_agency(actor, client.agency_id);
    if (!agency) return agency.status();
    SESAME_TRY(validate_client(client));
    client.created_at = im.now();
    auto id = im.store->insert_client(client);
    if (!id) return id.status();
    client.id = *id;
    client.revision = 1;
    portal::audit_change(im, actor, client.agency_id, "client.create", fmt::format("client:{}", client.id),
                         portal::join_fields(client_changes(Client{}, client)));
    return client;
}

Result<std::vector<ClientImportResult>> Engine::import_clients(
    const Actor& actor, Id agency_id, const std::vector<ClientImportRow>& rows,
    const std::function<void(std::size_t, std::size_t)>& progress, std::size_t batch) {
    Impl& im = *impl_;
    if (batch < 1 || batch > kImportBatchMax)
        return Status(Code::invalid_argument, fmt::format("batch is {}: give 1..{} rows per transaction", batch,
                                                          kImportBatchMax));
    SESAME_TRY(portal::require_audited(im, actor, "create_clients", "client.create", "client:new"));
    const bool with_contacts =
        std::any_of(rows.begin(), rows.end(), [](const ClientImportRow& r) { return r.phone || r.email; });
    if (with_contacts)
        SESAME_TRY(portal::require_audited(im, actor, "create_contacts", "contact.add", "client:new"));
    auto agency = im.visible_agency(actor, agency_id);
    if (!agency) return agency.status();

    // Everything that needs no store is checked outside any transaction, on worker threads, while
    // the rows already checked are written.
    struct Ready {
        Client client;
        std::vector<std::pair<ContactKind, std::string>> contacts;  // normalised
    };
    std::vector<ClientImportResult> out(rows.size());
    std::vector<std::optional<Ready>> ready(rows.size());
    const auto check_row = [&](std::size_t i) {
        Ready r{rows[i].client, {}};
        r.client.id = 0;
        r.client.agency_id = agency_id;
        r.client.revision = 0;
        if (Status v = validate_client(r.client, &out[i].field); !v.ok()) {
            out[i].status = std::move(v);
            return;
        }
        for (const auto& [value, kind] : {std::pair{&rows[i].phone, ContactKind::phone},
                                          std::pair{&rows[i].email, ContactKind::email}}) {
            if (!*value) continue;
            // The result names the field, so the message is the check's own ("the phone number is
            // too short: ...").
            auto normalized = kind == ContactKind::phone ? identity::normalize_phone(**value, agency->default_region)
                                                         : identity::normalize_email(**value);
            if (!normalized) {
                out[i].status = normalized.status();
                out[i].field = to_string(kind);
                return;
            }
            r.contacts.emplace_back(kind, std::move(*normalized));
        }
        ready[i] = std::move(r);
    };
    // Runs on a worker thread: touches row i's own slots only, and lets nothing escape.
    const auto check = [&](std::size_t i) noexcept {
        try {
            check_row(i);
        } catch (const std::exception& e) {
            ready[i].reset();
            out[i].status = Status(Code::internal, fmt::format("checking the row failed: {}", e.what()));
        }
    };
    portal::RowChecks checks(rows.size(), check);

    // Writes row i: its client and contacts, then one audit event naming both. Any failure is
    // returned, and the unit around it rolls back.
    const auto write = [&](std::size_t i) -> Status {
        Ready& r = *ready[i];
        r.client.created_at = im.now();
        auto id = im.store->insert_client(r.client);
        if (!id) return id.status();
        std::vector<std::string> detail = client_changes(Client{}, r.client);
        for (const auto& [kind, value] : r.contacts) {
            Contact c;
            c.agency_id = agency_id;
            c.client_id = *id;
            c.kind = kind;
            c.value = value;
            c.status = ContactStatus::valid;
            c.created_at = im.now();
            auto cid = im.store->insert_contact(c);
            if (!cid) return cid.code() == Code::already_exists ? contact_exists(kind) : cid.status();
            detail.push_back(fmt::format("contact:{} {} {}", *cid, to_string(kind), identity::mask(kind, value)));
        }
        out[i].client_id = *id;
        portal::audit_change(im, actor, agency_id, "client.create", fmt::format("client:{}", *id),
                             portal::join_fields(detail));
        return {};
    };
    const auto forget = [&](std::size_t from, std::size_t to, const Status& why) {
        for (std::size_t i = from; i < to; ++i)
            if (ready[i]) out[i] = {0, Status(why.code(), fmt::format("not imported: {}", why.message())), ""};
    };

    for (std::size_t start = 0; start < rows.size(); start += batch) {
        const std::size_t end = std::min(rows.size(), start + batch);
        checks.wait_for(end);
        const Status unit = im.unit([&]() -> Status {
            for (std::size_t i = start; i < end; ++i)
                if (ready[i]) SESAME_TRY(write(i));
            return {};
        });
        if (!unit.ok()) {
            // A row the store refused (a constraint, a trigger) or the store itself: the batch is
            // rolled back, and its rows are tried again one transaction each, so that one refused
            // row does not take the others with it. When not one of them can be written, the store
            // is failing: the import ends there.
            forget(start, end, unit);
            std::size_t written = 0, tried = 0;
            for (std::size_t i = start; i < end; ++i) {
                if (!ready[i]) continue;
                ++tried;
                const Status one = im.unit([&] { return write(i); });
                if (one.ok()) {
                    ++written;
                } else {
                    out[i] = {0, one, ""};
                }
            }
            if (written == 0 && tried > 0) {
                // The rows after carry the failure, except those refused by their own checks,
                // which keep their reason: the report then names every row to fix.
                checks.wait_for(rows.size());
                forget(end, rows.size(), unit);
                return out;
            }
        }
        if (progress) progress(end, rows.size());
    }
    return out;
}

Result<Client> Engine::update_client(const Actor& actor, const Client& client) {
    Impl& im = *impl_;
    return portal::in_unit<Client>(im, [&]() -> Result<Client> {
        const std::string target = fmt::format("client:{}", client.id);
        SESAME_TRY(portal::require_audited(im, actor, "update_clients", "client.update", target));
        auto before = im.visible_client(actor, client.id);
        if (!before) return before.status();
        if (client.agency_id != before->agency_id)
            return Status(Code::invalid_argument, "client.agency_id cannot change: a client stays with its agency");
        SESAME_TRY(validate_client(client));
        auto over = portal::update_over("client", client.id, before->revision, client.revision);
        if (!over) return over.status();
        Client after = client;
        after.created_at = before->created_at;
        after.revision = *over;
        SESAME_TRY(im.store->update_client(after));
        after.revision = store_detail::next_revision(*over);
        portal::audit_change(im, actor, after.agency_id, "client.update", target,
                             portal::join_fields(client_changes(*before, after)));
        // One revocation covers both causes; the archive is named when both happen at once.
        const char* reason = nullptr;
        if (!before->archived && after.archived) reason = "client_archived";
        else if (before->status == "active" && after.status != "active") reason = "client_disabled";
        if (reason) {
            auto revoked = im.revoke_for_client(after.agency_id, after.id, reason);
            if (!revoked) return revoked.status();
        }
        return after;
    });
}

Result<Client> Engine::get_client(const Actor& actor, Id client_id) { return impl_->visible_client(actor, client_id); }

Result<std::vector<Client>> Engine::list_clients(const Actor& actor, Id agency_id) {
    auto agency = impl_->visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    return impl_->store->list_clients(agency_id);
}

Result<Contact> Engine::add_contact(const Actor& actor, Id client_id, ContactKind kind, const std::string& value) {
    Impl& im = *impl_;
    SESAME_TRY(portal::require_audited(im, actor, "create_contacts", "contact.add", fmt::format("client:{}", client_id)));
    auto client = im.visible_client(actor, client_id);
    if (!client) return client.status();
    auto agency = im.store->get_agency(client->agency_id);
    if (!agency) return agency.status();
    auto normalized = normalize_contact(kind, value, *agency);
    if (!normalized) return normalized.status();

    Contact contact;
    contact.agency_id = client->agency_id;
    contact.client_id = client->id;
    contact.kind = kind;
    contact.value = std::move(*normalized);
    contact.status = ContactStatus::valid;
    contact.created_at = im.now();
    auto id = im.store->insert_contact(contact);
    if (!id) return id.code() == Code::already_exists ? contact_exists(kind) : id.status();
    contact.id = *id;
    contact.revision = 1;
    portal::audit_change(im, actor, contact.agency_id, "contact.add", fmt::format("contact:{}", contact.id),
                         fmt::format("client:{} {} {}", contact.client_id, to_string(kind),
                                     identity::mask(kind, contact.value)));
    return contact;
}

Result<Contact> Engine::update_contact(const Actor& actor, Id contact_id, const std::string& value,
                                       ContactStatus status) {
    Impl& im = *impl_;
    return portal::in_unit<Contact>(im, [&]() -> Result<Contact> {
        const std::string target = fmt::format("contact:{}", contact_id);
        SESAME_TRY(portal::require_audited(im, actor, "update_contacts", "contact.update", target));
        auto before = im.visible_contact(actor, contact_id);
        if (!before) return before.status();
        if (status != ContactStatus::valid && status != ContactStatus::opted_out && status != ContactStatus::invalid)
            return Status(Code::invalid_argument, "contact status must be valid, opted_out or invalid");
        auto agency = im.store->get_agency(before->agency_id);
        if (!agency) return agency.status();
        auto normalized = normalize_contact(before->kind, value, *agency);
        if (!normalized) return normalized.status();

        Contact after = *before;
        after.value = std::move(*normalized);
        after.status = status;
        const bool value_changed = after.value != before->value;
        const bool now_unusable = status != before->status && status != ContactStatus::valid;
        std::vector<std::string> fields;
        if (value_changed) fields.push_back("value");
        if (status != before->status) fields.push_back(fmt::format("status={}", to_string(status)));
        if (!fields.empty()) {
            if (auto st = im.store->update_contact(after); !st.ok())  // over the revision just read
                return st.code() == Code::already_exists ? contact_exists(after.kind) : st;
            after.revision = store_detail::next_revision(before->revision);
        }
        portal::audit_change(im, actor, after.agency_id, "contact.update", target, portal::join_fields(fields));
        // Whoever logged in with the old value, or as this client, proved control of something that
        // is no longer theirs to use.
        if (value_changed || now_unusable) SESAME_TRY(end_contact_sessions(im, *before, "contact_changed"));
        return after;
    });
}

Status Engine::remove_contact(const Actor& actor, Id contact_id) {
    Impl& im = *impl_;
    const std::string target = fmt::format("contact:{}", contact_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_clients", "contact.remove", target));
    auto contact = im.visible_contact(actor, contact_id);
    if (!contact) return contact.status();
    // Sessions first: should the deletion fail, nobody is left logged in through the contact.
    SESAME_TRY(end_contact_sessions(im, *contact, "contact_removed"));
    SESAME_TRY(im.store->delete_contact(contact_id));
    portal::audit_change(im, actor, contact->agency_id, "contact.remove", target,
                         fmt::format("client:{} {} {}", contact->client_id, to_string(contact->kind),
                                     identity::mask(contact->kind, contact->value)));
    return {};
}

Status Engine::delete_client(const Actor& actor, Id client_id) {
    Impl& im = *impl_;
    const std::string target = fmt::format("client:{}", client_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_clients", "client.delete", target));
    auto client = im.visible_client(actor, client_id);
    if (!client) return client.status();
    auto contacts = im.store->list_contacts(client_id);
    if (!contacts) return contacts.status();
    std::vector<std::string> values;
    for (const Contact& c : *contacts) values.push_back(c.value);
    std::size_t messages = 0;
    if (!values.empty()) {
        auto sent = im.store->list_messages_to(client->agency_id, values, 1);
        if (!sent) return sent.status();
        messages = sent->size();
    }
    auto sessions = im.store->list_client_sessions(client_id);
    if (!sessions) return sessions.status();
    auto events = im.store->list_events(client_id);
    if (!events) return events.status();
    auto cases = im.store->list_cases(client_id);
    if (!cases) return cases.status();
    auto documents = im.store->list_documents(client_id);
    if (!documents) return documents.status();
    auto uploads = im.store->list_uploads(client_id);
    if (!uploads) return uploads.status();
    std::vector<std::string> found;
    if (messages > 0) found.push_back("messages sent to its contacts");
    count_attached(found, "session", sessions->size());
    count_attached(found, "event", events->size());
    count_attached(found, "case", cases->size());
    count_attached(found, "document", documents->size());
    count_attached(found, "upload", uploads->size());
    if (!found.empty())
        return Status(Code::failed_precondition,
                      fmt::format("client {} cannot be deleted: it has {}; archive it instead (archived = true), "
                                  "which ends its sessions and keeps its history",
                                  client_id, portal::join_fields(found)));
    SESAME_TRY(im.store->delete_client(client_id));
    portal::audit_change(im, actor, client->agency_id, "client.delete", target,
                         fmt::format("{} contact{}", contacts->size(), contacts->size() == 1 ? "" : "s"));
    return {};
}

Result<std::vector<Contact>> Engine::list_contacts(const Actor& actor, Id client_id) {
    auto client = impl_->visible_client(actor, client_id);
    if (!client) return client.status();
    return impl_->store->list_contacts(client_id);
}

Result<Contact> Engine::get_contact(const Actor& actor, Id contact_id) { return impl_->visible_contact(actor, contact_id); }

Result<std::vector<Contact>> Engine::find_contacts(const Actor& actor, Id agency_id, const std::string& identifier) {
    auto agency = impl_->visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    auto value = identity::parse_identifier(identifier, agency->default_region);
    if (!value) return value.status();
    return impl_->store->find_contacts(agency_id, value->value);
}

}  // namespace sesame
