// Internal: what the profile calls (src/portal/profile_ops.cpp) and the contact change
// (src/portal/contact_change.cpp) share.
#pragma once

#include <string>

#include "auth/engine_impl.hpp"
#include "sesame/profile.hpp"

namespace sesame::portal {

// Every profile field with its policy: the portal's stored rules over the defaults. A stored name
// that is not a profile field is ignored. NOT_FOUND for an unknown portal.
Result<ProfilePolicy> effective_profile_policy(Store& store, Id portal_id);

// FAILED_PRECONDITION unless the engine's Directory is the default one over its own store: a
// host's case system owns its client records, and Sesame must not change them behind its back.
Status require_own_directory(Engine::Impl& im);

// The visitor of a profile call: the portal (NOT_FOUND when unknown) and the session behind the
// token, checked by check_session (SESSION_INVALID, SELECTION_REQUIRED; counts as activity).
struct Visitor {
    Portal portal;
    SessionInfo session;
    Id client_id = 0;
    std::string actor;  // "client:<id>", for the audit log
};
Result<Visitor> profile_visitor(Engine& engine, Engine::Impl& im, Id portal_id, const std::string& token);

// The field name a contact kind has in the profile policy: "phone" or "email".
inline std::string contact_field(ContactKind kind) { return kind == ContactKind::phone ? "phone" : "email"; }

}  // namespace sesame::portal
