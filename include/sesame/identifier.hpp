// Sesame — what a person types in the login field, as the contact value Sesame stores.
#pragma once

#include <string>
#include <string_view>

#include "sesame/export.hpp"
#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame {

struct ContactValue {
    ContactKind kind = ContactKind::phone;
    std::string value;   // E.164 ("+15551234567") or the trimmed, lower-cased email
    std::string region;  // phones: the number's region ("US"); emails: empty
};

// Input with an '@' is an email; anything else a phone number in any common format, parsed with
// `default_region` ("(555) 123-4567", "555.123.4567" and "+1 555 123 4567" are one number).
// INVALID_ARGUMENT when it is neither. Thread-safe.
SESAME_CXX_API Result<ContactValue> normalize_identifier(std::string_view input, std::string_view default_region);

// For display to a visitor: "•••-•••-4567", "a•••@example.org".
SESAME_CXX_API std::string mask_contact(ContactKind kind, std::string_view value);

}  // namespace sesame
