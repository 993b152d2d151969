// Internal: an agency's calendar — today's date in its time zone, and dates and times written the
// way a client reads them in their language.
#pragma once

#include <string>
#include <string_view>

#include "sesame/model.hpp"

namespace sesame::portal {

// True when `name` is a zone the system's tz database knows ("America/Chicago", "UTC").
bool is_time_zone(std::string_view name);

// The calendar date (YYYY-MM-DD) at the instant `now` in the IANA zone `time_zone`. A zone the tz
// database does not know falls back to UTC: agencies are created and updated with checked zones,
// so this only happens to a row written behind the engine's back, and the page still shows a date.
std::string agency_today(std::string_view time_zone, UnixTime now);

// A stored date (YYYY-MM-DD) and time (HH:MM, 24-hour) as a client reads them. One table of
// languages: en "Monday, March 2, 2026" / "9:30 AM", es "lunes, 2 de marzo de 2026" / "9:30".
// Other languages get the English forms. Text that is not a valid date or time is returned as is.
std::string format_date(std::string_view language, std::string_view date);
std::string format_time(std::string_view language, std::string_view time);

}  // namespace sesame::portal
