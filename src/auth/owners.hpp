// Internal: who may log in with a contact value.
#pragma once

#include <string>
#include <vector>

#include "sesame/model.hpp"
#include "sesame/status.hpp"
#include "sesame/directory.hpp"

namespace sesame::owners {

struct Owners {
    bool any_contact = false;     // some client of the agency has this value at all
    std::vector<Client> clients;  // clients with a valid contact of this value, active, not archived; by id
    std::string ineligible_reason;  // when clients is empty but any_contact: why
};

// The clients that may log in with `value` in the agency.
Result<Owners> find(Directory& directory, Id agency_id, const std::string& value);

// "Ann E.": enough for a person to choose between the clients of one phone, no more.
std::string display_name(const Client& c);

}  // namespace sesame::owners
