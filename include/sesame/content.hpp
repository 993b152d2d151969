// Sesame — what an agency assigns to a client: events (hearings, appointments), cases and
// documents. The dashboard shows a logged-in client their upcoming events, their cases and the
// documents assigned to them.
//
// Plain structs with no behaviour, like model.hpp. Each row belongs to one client of one agency;
// the optional links (an event's case, a document's case or event) always point at rows of that
// same client. Dates are "YYYY-MM-DD" and times "HH:MM" (24-hour), both in the agency's time zone,
// as the agency announces them: they are calendar labels, not instants.
#pragma once

#include <optional>
#include <string>

#include "sesame/model.hpp"

namespace sesame {

// A hearing, appointment or other date a client must keep.
struct Event {
    Id id = 0;
    Id agency_id = 0;
    Id client_id = 0;
    std::optional<Id> case_id;      // a case of the same client
    std::string date;               // YYYY-MM-DD, required
    std::string time;               // HH:MM, or empty for an event without a set time
    std::string type;               // "hearing", "appointment", ...
    std::string location;
    std::string judge;
    std::string case_number;
    std::string status = "scheduled";  // "scheduled", "cancelled", "completed", or the agency's own word
    std::string description;        // up to 2000 bytes, may span lines
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

struct Case {
    Id id = 0;
    Id agency_id = 0;
    Id client_id = 0;
    std::string case_number;
    std::string type;
    std::string charges;            // up to 2000 bytes, may span lines
    std::string status = "open";
    std::string description;        // up to 2000 bytes, may span lines
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

// A document assigned to a client: a form to return, a notice to read. Only its description for
// now; the file itself arrives with uploads.
struct Document {
    Id id = 0;
    Id agency_id = 0;
    Id client_id = 0;
    std::optional<Id> case_id;      // a case of the same client
    std::optional<Id> event_id;     // an event of the same client
    std::string type;
    std::string name;               // required
    std::string due_date;           // YYYY-MM-DD or empty
    std::string uploaded_by = "agency";  // "agency" or "client"
    std::string status = "pending";
    UnixTime created_at = 0;
    std::int64_t revision = 0;  // 1 when stored, +1 per update; an update naming it is compare-and-set (Store)
};

}  // namespace sesame
