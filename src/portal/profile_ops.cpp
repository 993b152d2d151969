// A portal's profile policy (staff) and the client's own profile (visitor): what a logged-in client
// may see of their record, and the fields they may change themselves.
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "auth/engine_impl.hpp"
#include "portal/profile.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace portal {

Result<ProfilePolicy> effective_profile_policy(Store& store, Id portal_id) {
    auto rules = store.get_profile_policy(portal_id);
    if (!rules) return rules.status();
    ProfilePolicy out;
    for (const auto& field : profile_fields()) out[field] = default_field_policy(field);
    for (const auto& r : *rules)
        if (is_profile_field(r.field)) out[r.field] = r.policy;
    return out;
}

Status require_own_directory(Engine::Impl& im) {
    if (is_store_directory(*im.directory, *im.store)) return {};
    return {Code::failed_precondition,
            "this portal's client records are kept by the agency's own system, which Sesame cannot change: "
            "ask the agency to update them"};
}

Result<Visitor> profile_visitor(Engine& engine, Engine::Impl& im, Id portal_id, const std::string& token) {
    auto portal = im.store->get_portal(portal_id);
    if (!portal) return portal.code() == Code::not_found ? not_found("portal", portal_id) : portal.status();
    auto session = engine.check_session(portal_id, token);
    if (!session) return session.status();
    Visitor v;
    v.portal = std::move(*portal);
    v.session = std::move(*session);
    v.client_id = *v.session.client_id;  // check_session answers SELECTION_REQUIRED without one
    v.actor = fmt::format("client:{}", v.client_id);
    return v;
}

}  // namespace portal

namespace {

// The value of a Client field of the profile; nullptr for "phone", "email" and unknown names.
std::string* client_field(Client& c, std::string_view name) {
    if (name == "first_name") return &c.first_name;
    if (name == "middle_name") return &c.middle_name;
    if (name == "last_name") return &c.last_name;
    if (name == "dob") return &c.dob;
    if (name == "gender") return &c.gender;
    if (name == "language") return &c.language;
    if (name == "client_reference") return &c.client_reference;
    if (name == "type") return &c.type;
    if (name == "group") return &c.group;
    if (name == "status") return &c.status;
    return nullptr;
}

// Field names only: the policy words are not personal, but the audit says what changed as
// everywhere else.
std::string policy_changes(const ProfilePolicy& before, const ProfilePolicy& after) {
    std::vector<std::string> f;
    for (const auto& [field, policy] : after) {
        auto it = before.find(field);
        if (it == before.end() || it->second != policy) f.push_back(fmt::format("{}={}", field, to_string(policy)));
    }
    return portal::join_fields(f);
}

Result<Profile> build_profile(Engine::Impl& im, const portal::Visitor& v) {
    auto policy = portal::effective_profile_policy(*im.store, v.portal.id);
    if (!policy) return policy.status();
    auto client = im.directory->get_client(v.portal.agency_id, v.client_id);
    if (!client) return client.status();
    Profile out;
    out.client_id = client->id;
    for (const auto& name : profile_fields()) {
        const FieldPolicy p = policy->at(name);
        if (p == FieldPolicy::hidden) continue;
        if (name == "phone") out.phone = p;
        else if (name == "email") out.email = p;
        else out.fields.push_back({name, *client_field(*client, name), p});
    }
    if (out.phone || out.email) {
        auto contacts = im.directory->list_contacts(v.portal.agency_id, v.client_id);
        if (!contacts) return contacts.status();
        for (auto& c : *contacts) {
            // A directory's rows for anyone else are dropped, as for content.
            if (c.client_id != v.client_id) continue;
            if ((c.kind == ContactKind::phone && out.phone) || (c.kind == ContactKind::email && out.email))
                out.contacts.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace

Result<ProfilePolicy> Engine::set_profile_policy(const Actor& actor, Id portal_id, const ProfilePolicy& policy) {
    Impl& im = *impl_;
    const std::string target = fmt::format("portal:{}", portal_id);
    SESAME_TRY(portal::require_audited(im, actor, "update_portals", "profile_policy.set", target));
    auto portal = im.visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    std::vector<ProfileFieldRule> rules;
    for (const auto& [field, p] : policy) {
        if (!is_profile_field(field))
            return Status(Code::invalid_argument,
                          fmt::format("profile policy field \"{}\" is not a profile field: use one of first_name, "
                                      "middle_name, last_name, dob, gender, language, client_reference, type, group, "
                                      "status, phone, email",
                                      field.size() > 64 ? field.substr(0, 64) + "..." : field));
        if (p != FieldPolicy::editable && p != FieldPolicy::read_only && p != FieldPolicy::hidden)
            return Status(Code::invalid_argument,
                          fmt::format("profile policy field \"{}\" must be editable, read_only or hidden", field));
        rules.push_back({field, p});
    }
    auto before = portal::effective_profile_policy(*im.store, portal_id);
    if (!before) return before.status();
    SESAME_TRY(im.store->put_profile_policy(portal_id, rules));
    auto after = portal::effective_profile_policy(*im.store, portal_id);
    if (!after) return after.status();
    portal::audit_change(im, actor, portal->agency_id, "profile_policy.set", target, policy_changes(*before, *after));
    return after;
}

Result<ProfilePolicy> Engine::get_profile_policy(const Actor& actor, Id portal_id) {
    auto portal = impl_->visible_portal(actor, portal_id);
    if (!portal) return portal.status();
    return portal::effective_profile_policy(*impl_->store, portal_id);
}

Result<Profile> Engine::profile(Id portal_id, const std::string& token) {
    auto v = portal::profile_visitor(*this, *impl_, portal_id, token);
    if (!v) return v.status();
    return build_profile(*impl_, *v);
}

Result<Profile> Engine::update_profile(Id portal_id, const std::string& token,
                                       const std::map<std::string, std::string>& changes) {
    Impl& im = *impl_;
    auto v = portal::profile_visitor(*this, im, portal_id, token);
    if (!v) return v.status();
    AuditEvent ev{0, v->portal.agency_id, 0, v->actor, "profile.update",
                  fmt::format("portal:{} client:{}", portal_id, v->client_id), "", "", "", ""};
    auto refuse = [&](Status st, std::string reason) {
        ev.outcome = code_name(st.code());
        ev.reason = std::move(reason);
        im.audit(ev);
        return st;
    };

    SESAME_TRY(portal::require_own_directory(im));
    auto policy = portal::effective_profile_policy(*im.store, portal_id);
    if (!policy) return policy.status();

    // Names first, then the policy, then the values: the first refusal names its field.
    for (const auto& [field, value] : changes) {
        if (!is_profile_field(field))
            return refuse({Code::invalid_argument,
                           fmt::format("\"{}\" is not a profile field: change only the fields your profile shows",
                                       field.size() > 64 ? field.substr(0, 64) + "..." : field)},
                          "unknown_field");
    }
    for (const auto& [field, value] : changes) {
        const FieldPolicy p = policy->at(field);
        if (p != FieldPolicy::editable)
            return refuse({Code::permission_denied,
                           fmt::format("{} cannot be changed here: ask the agency to change it", field)},
                          fmt::format("{}:{}", field, to_string(p)));
        if (field == "phone" || field == "email")
            return refuse({Code::invalid_argument,
                           fmt::format("{} is a contact: change it with a contact change, which sends a code to the "
                                       "new {}",
                                       field, field == "phone" ? "number" : "address")},
                          "contact_field");
    }

    auto before = im.store->get_client(v->client_id);
    if (!before) return before.status();
    Client after = *before;
    std::vector<std::string> changed;
    for (const auto& [field, value] : changes) {
        std::string* slot = client_field(after, field);
        if (*slot == value) continue;
        *slot = value;
        changed.push_back(field);
        if (Status st = portal::validate_client(after); !st.ok()) return refuse(std::move(st), "invalid:" + field);
    }
    if (!changed.empty()) {
        SESAME_TRY(im.store->update_client(after));
        ev.outcome = "ok";
        ev.reason = "ok";
        ev.detail = portal::join_fields(changed);
        im.audit(ev);
        // As for a staff update: a client no longer active keeps no session.
        if (before->status == "active" && after.status != "active") {
            auto revoked = im.revoke_for_client(after.agency_id, after.id, "client_disabled");
            if (!revoked) return revoked.status();
        }
    }
    return build_profile(im, *v);
}

}  // namespace sesame
