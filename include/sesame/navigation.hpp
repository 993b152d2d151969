// Sesame — what a portal links to: sidebar navigation items and the calendars and forms a host
// may put behind a login. Plain structs like model.hpp, with the checks a staff change must pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sesame/export.hpp"
#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame {

// A private item is shown only to a visitor with a live session bound to a client.
enum class Visibility { public_, private_ };
// A title per language, keyed by ISO 639-1 code ("es"): two lowercase letters, at most
// kMaxTitleLanguages entries, each title bounded like `title`. A visitor whose language has no entry
// reads `title`, the default.
using Titles = std::map<std::string, std::string>;
inline constexpr std::size_t kMaxTitleLanguages = 8;

// A resource's slug is unique per portal and kind.
enum class ResourceKind { calendar, form };
// What a visitor may do with a gated resource: open it; log in first; or nothing, since the
// portal's Client Authentication is disabled and nobody can log in.
enum class Access { allowed, login_required, unavailable };

// "public" / "private"; "calendar" / "form".
SESAME_CXX_API std::string_view to_string(Visibility);
SESAME_CXX_API std::string_view to_string(ResourceKind);
// "allowed" / "login_required" / "unavailable".
SESAME_CXX_API std::string_view to_string(Access);
// Return false and leave `out` untouched on an unknown word.
SESAME_CXX_API bool parse(std::string_view, Visibility& out);
SESAME_CXX_API bool parse(std::string_view, ResourceKind& out);

struct SidebarItem {
    Id id = 0;
    Id agency_id = 0;
    Id portal_id = 0;
    std::string title;   // 1..200 bytes; the default
    Titles titles;       // per language, e.g. {"es": "Calendario de audiencias"}
    std::string link;    // "/path" on the portal's own site, or an https:// URL
    std::int32_t order = 0;  // 0..10000; shown by order, then id
    Visibility visibility = Visibility::public_;
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

struct GatedResource {
    Id id = 0;
    Id agency_id = 0;
    Id portal_id = 0;
    ResourceKind kind = ResourceKind::calendar;
    std::string slug;    // [a-z0-9-]{1,63}
    std::string title;   // 1..200 bytes; the default
    Titles titles;       // per language, as for SidebarItem
    bool requires_login = false;
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

// The field checks of a staff change, naming the field and its bound on failure. A link is
// refused unless it is a path starting with one "/" or an https:// URL: "//host" would leave the
// site, and javascript:, data: and other schemes would run or carry content in the visitor's
// browser. Control characters are refused everywhere.
SESAME_CXX_API Status validate_sidebar_link(std::string_view link);
// The per-language titles: "titles: ..." naming the language on failure.
SESAME_CXX_API Status validate_titles(const Titles& titles);

SESAME_CXX_API Status validate_sidebar_item(const SidebarItem& item);
SESAME_CXX_API Status validate_gated_resource(const GatedResource& resource);

}  // namespace sesame
