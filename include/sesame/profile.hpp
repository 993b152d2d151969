// Sesame — a client's own profile on a portal: which of the client's fields a logged-in person may
// see and change (the portal's profile policy), and the pending change of a contact that waits for
// a one-time code sent to the new value. Plain structs like model.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesame/export.hpp"
#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame {

// What a logged-in client may do with one field of their profile: change it; only read it; or
// not even know it is there.
enum class FieldPolicy { editable, read_only, hidden };

// "editable" / "read_only" / "hidden".
SESAME_CXX_API std::string_view to_string(FieldPolicy);
// Returns false and leaves `out` untouched on an unknown word.
SESAME_CXX_API bool parse(std::string_view, FieldPolicy& out);

// The profile fields, in the order a profile lists them: the Client fields a person could see
// ("first_name", "middle_name", "last_name", "dob", "gender", "language", "client_reference",
// "type", "group", "status"), then the contact kinds "phone" and "email".
SESAME_CXX_API const std::vector<std::string>& profile_fields();
SESAME_CXX_API bool is_profile_field(std::string_view field);

// The policy of a field the portal's staff have not set:
//   first_name, middle_name, last_name, dob, client_reference, gender  read_only
//   language                                                         editable
//   type, group, status                                              hidden
//   phone, email                                                     read_only
// hidden for a name that is not a profile field.
SESAME_CXX_API FieldPolicy default_field_policy(std::string_view field);

// A portal's policy, field name -> policy. Staff set the whole of it at once; a field it leaves
// out has its default.
using ProfilePolicy = std::map<std::string, FieldPolicy>;

// One stored entry of a portal's policy.
struct ProfileFieldRule {
    std::string field;
    FieldPolicy policy = FieldPolicy::read_only;
};

// One field of a client's profile as the client sees it.
struct ProfileField {
    std::string name;   // a name of profile_fields() other than "phone" and "email"
    std::string value;  // as stored: the host escapes it when it renders HTML
    FieldPolicy policy = FieldPolicy::read_only;  // never hidden: hidden fields are left out
};

// What profile() answers: the fields that are not hidden, in profile_fields() order, and the
// client's contacts of each kind whose policy is not hidden.
struct Profile {
    Id client_id = 0;
    std::vector<ProfileField> fields;
    std::optional<FieldPolicy> phone;  // unset when phone is hidden
    std::optional<FieldPolicy> email;  // unset when email is hidden
    std::vector<Contact> contacts;     // of the kinds that are not hidden, by id
};

// A contact change waiting for its code, keyed by the challenge whose code was sent to the new
// value. Once the code is verified, the contact `replaces_contact_id` names gets the new value, or
// a new contact is added when it is unset.
struct ContactChange {
    std::string challenge_id;
    Id agency_id = 0;
    Id portal_id = 0;
    Id client_id = 0;
    std::string session_id;  // the session that asked: it stays when the others are revoked
    ContactKind kind = ContactKind::phone;
    std::string value;       // normalised: E.164 or lower-cased email
    std::optional<Id> replaces_contact_id;
    UnixTime created_at = 0;
};

// Where the code of a contact change went.
struct ContactChangeStarted {
    std::string challenge_id;
    Channel channel = Channel::sms;
    std::string masked_destination;  // "•••-•••-4567", "a•••@example.org"
    UnixTime expires_at = 0;
    UnixTime resend_after = 0;       // the earliest time another code can be sent to that value
};

// The outcome of a confirmed contact change.
struct ContactChangeConfirmed {
    Contact contact;                    // as stored now
    bool replaced = false;              // true: an existing contact got the new value
    std::int64_t sessions_revoked = 0;  // the client's other sessions, ended
};

}  // namespace sesame
