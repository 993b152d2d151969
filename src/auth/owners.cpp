#include "auth/owners.hpp"

#include <algorithm>

namespace sesame::owners {

Result<Owners> find(Directory& directory, Id agency_id, const std::string& value) {
    auto found = directory.find_owners(agency_id, value);
    if (!found) return found.status();
    Owners out;
    out.any_contact = !found->empty();
    bool opted_out = false, invalid = false, archived = false;
    for (auto& [client, contact] : *found) {
        // A host directory is trusted to answer for the agency asked, but not blindly.
        if (client.agency_id != agency_id || contact.value != value) continue;
        if (contact.status == ContactStatus::opted_out) {
            opted_out = true;
            continue;
        }
        if (contact.status == ContactStatus::invalid) {
            invalid = true;
            continue;
        }
        if (client.archived || client.status != "active") {
            archived = true;
            continue;
        }
        const Id id = client.id;
        if (std::none_of(out.clients.begin(), out.clients.end(), [&](const Client& c) { return c.id == id; }))
            out.clients.push_back(std::move(client));
    }
    std::sort(out.clients.begin(), out.clients.end(), [](const Client& a, const Client& b) { return a.id < b.id; });
    if (out.clients.empty() && out.any_contact)
        out.ineligible_reason = opted_out ? "contact_opted_out" : invalid ? "contact_invalid"
                                : archived ? "client_archived" : "contact_not_found";
    return out;
}

std::string display_name(const Client& c) {
    std::string name = c.first_name;
    if (!c.last_name.empty()) {
        if (!name.empty()) name += ' ';
        // The first UTF-8 sequence of the last name, not its first byte.
        std::size_t n = 1;
        while (n < c.last_name.size() && (static_cast<unsigned char>(c.last_name[n]) & 0xC0) == 0x80) ++n;
        name += c.last_name.substr(0, n) + ".";
    }
    return name.empty() ? c.client_reference : name;
}

}  // namespace sesame::owners
