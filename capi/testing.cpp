// sesame/testing/vtable_store.hpp: the store adapter and the protocol's serving side, exported for
// hosts that check their own stores.
#include "sesame/testing/vtable_store.hpp"

#include <cstddef>
#include <string>

#include "capi/json_text.hpp"
#include "capi/store_adapter.hpp"
#include "capi/store_codec.hpp"

namespace sesame::testing {

Result<std::shared_ptr<Store>> store_from_vtable(const sesame_store_vtable& vtable) {
    constexpr std::size_t kFirstVersion = offsetof(sesame_store_vtable, destroy) + sizeof vtable.destroy;
    if (vtable.struct_size < kFirstVersion || !vtable.call) {
        if (vtable.destroy) vtable.destroy(vtable.user_data);
        return Status(Code::invalid_argument, vtable.call ? "store_from_vtable: the vtable's struct_size is too small: use SESAME_STORE_VTABLE_INIT"
                                                          : "store_from_vtable: the vtable has no call()");
    }
    return std::shared_ptr<Store>(std::make_shared<capi::StoreAdapter>(vtable));
}

Result<std::string> serve_store_call(Store& store, std::string_view method, std::string_view request_json) {
    nlohmann::json request;
    std::string why;
    if (!capi::parse_json(request_json, request, why))
        return Status(Code::invalid_argument, "store " + std::string(method) + ": the request " + why);
    auto response = capi::store_codec::serve(store, method, request);
    if (!response) return response.status();
    return capi::store_codec::dump(*response);
}

}  // namespace sesame::testing
