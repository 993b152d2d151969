// Internal: what every staff operation shares — permission checks that leave a trace, the audit
// record of a change, and the checks on text that staff type in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/engine_impl.hpp"
#include "store/revision.hpp"

namespace sesame::portal {

// The longest free-text field of an agency, portal or client record.
inline constexpr std::size_t kMaxField = 200;
// Upper bound on rows a list call returns, whatever the caller asks for.
inline constexpr std::size_t kMaxListLimit = 1000;

// Impl::require, and when it refuses, an audit record of the refusal in the actor's own agency
// (outcome = the status name, reason "missing_permission:<perm>").
Status require_audited(Engine::Impl& im, const Actor& actor, std::string_view permission, std::string_view action,
                       const std::string& target);
Status require_super_admin_audited(Engine::Impl& im, const Actor& actor, std::string_view action,
                                   const std::string& target);

// The audit record of a successful change.
void audit_change(Engine::Impl& im, const Actor& actor, Id agency_id, std::string action, std::string target,
                  std::string detail);

// "name, slug, settings.code_digits" — or "no change" for an empty list.
std::string join_fields(const std::vector<std::string>& fields);

// INVALID_ARGUMENT unless `value` is valid UTF-8 without control characters and at most `max`
// bytes; when `required`, also unless it is non-empty. `allow_newlines` admits \n, \r and \t
// (message bodies).
Status check_text(std::string_view field, std::string_view value, std::size_t max, bool required,
                  bool allow_newlines = false);

// The checks of a client record (src/portal/clients.cpp): INVALID_ARGUMENT naming the field
// ("client.dob must be ...") and its bound, or OK.
Status validate_client(const Client& c);
// The same, naming in `field` the client field refused ("first_name"; empty for the row as a whole).
Status validate_client(const Client& c, std::string* field);

// Two lowercase ASCII letters (ISO 639-1 shape).
bool is_language(std::string_view s);
// YYYY-MM-DD naming a real day of the Gregorian calendar.
bool is_date(std::string_view s);
// [a-z0-9-], 1..63 characters, not starting or ending with '-'.
bool is_slug(std::string_view s);

// The NOT_FOUND every lookup answers, for missing and invisible objects alike.
Status not_found(std::string_view kind, Id id);

// A row the actor may see, or NOT_FOUND. A store's NOT_FOUND is replaced by ours so that a missing
// row and another agency's row produce byte-identical answers; any other failure passes as it is.
template <class T>
Result<T> visible_row(Result<T> loaded, const Actor& actor, std::string_view kind, Id id) {
    if (!loaded) {
        if (loaded.code() == Code::not_found) return not_found(kind, id);
        return loaded.status();
    }
    if (!Engine::Impl::can_see(actor, loaded->agency_id)) return not_found(kind, id);
    return loaded;
}

// A staff update of one record as one unit of work (Engine::Impl::unit): the record it reads, for
// its checks and the audit diff, is the one it writes over. A refusal inside keeps its audit
// record; a store failure rolls the unit back.
template <class T, class Body>
Result<T> in_unit(Engine::Impl& im, Body&& body) {
    return store_detail::result_of_unit<T>([&](const std::function<Status()>& unit) { return im.unit(unit); },
                                           std::forward<Body>(body));
}

// The revision a staff update applies over (include/sesame/store.hpp, "Revisions"): the caller's
// `given`, which must be `stored` (the one just read; CONFLICT naming the record otherwise), or
// `stored` when the caller gives 0.
inline Result<std::int64_t> update_over(std::string_view what, Id id, std::int64_t stored, std::int64_t given) {
    SESAME_TRY(store_detail::unchanged_since(what, id, stored, given));
    return stored;
}

}  // namespace sesame::portal
