// The public face of src/identity (include/sesame/identifier.hpp).
#include "identity/identity.hpp"
#include "sesame/identifier.hpp"

namespace sesame {

Result<ContactValue> normalize_identifier(std::string_view input, std::string_view default_region) {
    auto id = identity::parse_identifier(input, default_region);
    if (!id) return id.status();
    return ContactValue{id->kind, std::move(id->value), std::move(id->region)};
}

std::string mask_contact(ContactKind kind, std::string_view value) { return identity::mask(kind, value); }

}  // namespace sesame
