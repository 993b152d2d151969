// Built against the installed package, as docs/c-store-directory.md ("Checking a store") tells a
// host to do: the store conformance suite run against a store plugged in through
// sesame_store_vtable. The "host" here answers each call from Sesame's own memory store through
// sesame::testing::serve_store_call, so every case must pass; a host puts its C store's vtable
// in HostStoreFactory::make instead.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include <sesame/testing/store_conformance.hpp>
#include <sesame/testing/vtable_store.hpp>

namespace {

struct Host {
    std::shared_ptr<sesame::Store> inner = sesame::make_memory_store();
};

extern "C" sesame_status host_call(void* user_data, sesame_sink* out, sesame_sink* error, const char* method,
                                   const char* request) {
    auto* host = static_cast<Host*>(user_data);
    auto response = sesame::testing::serve_store_call(*host->inner, method, request);
    if (!response) {
        const std::string message = response.status().message();
        sesame_sink_write(error, message.data(), message.size());
        return static_cast<sesame_status>(response.code());
    }
    return sesame_sink_write(out, response->data(), response->size());
}

extern "C" void host_destroy(void* user_data) { delete static_cast<Host*>(user_data); }

// A fresh, empty store for each case.
struct HostStoreFactory {
    std::shared_ptr<sesame::Store> make() {
        sesame_store_vtable v = SESAME_STORE_VTABLE_INIT;
        v.user_data = new Host;
        v.call = host_call;
        v.destroy = host_destroy;
        auto store = sesame::testing::store_from_vtable(v);
        REQUIRE_MESSAGE(store.ok(), store.status().message());
        return *store;
    }
};

}  // namespace

TYPE_TO_STRING(HostStoreFactory);
SESAME_STORE_CONFORMANCE(HostStoreFactory);
