// Internal: turning what a person typed into a contact value, and masking it for display.
#pragma once

#include <string>
#include <string_view>

#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame::identity {

struct Identifier {
    ContactKind kind = ContactKind::phone;
    std::string value;   // E.164 ("+15551234567") or lower-cased, trimmed email
    std::string region;  // phones: ISO 3166-1 region of the number ("US"); emails: empty
};

// Input with an '@' is an email; anything else is a phone number. INVALID_ARGUMENT, with a message
// a person can act on, when it is neither (empty, > 254 bytes, unparsable, not a possible number).
Result<Identifier> parse_identifier(std::string_view input, std::string_view default_region);

// libphonenumber: parse with the default region ("(555) 123-4567" with "US"), check it is a
// possible number, format E.164. "+44 20 7946 0958" parses whatever the default region.
Result<std::string> normalize_phone(std::string_view input, std::string_view default_region);

// Trims surrounding whitespace and lower-cases; one '@', non-empty local part, a domain with a dot,
// no spaces or control characters, <= 254 bytes.
Result<std::string> normalize_email(std::string_view input);

// The region of an E.164 number ("+15551234567" -> "US"), "ZZ" when unknown.
std::string region_of(std::string_view e164);

// True for a region libphonenumber knows ("US", "GB", ...).
bool is_known_region(std::string_view region);

// For display to the visitor: phones "•••-•••-4567" (last four digits), emails "a•••@example.org"
// (first character of the local part, the domain whole).
std::string mask(ContactKind kind, std::string_view value);

}  // namespace sesame::identity
