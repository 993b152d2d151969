// Sesame — a host's C store as the C++ Store, for running the conformance suite against it.
//
// A store written in C (docs/c-store-directory.md) is checked the way Sesame checks its own: build
// a small C++ test program with doctest that turns a fresh, empty instance of the C store into a
// std::shared_ptr<Store> and hands the factory to SESAME_STORE_CONFORMANCE
// (sesame/testing/store_conformance.hpp). docs/c-store-directory.md, "Checking a store", shows
// the whole program.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sesame/export.hpp"
#include "sesame/sesame.h"
#include "sesame/status.hpp"
#include "sesame/store.hpp"

namespace sesame::testing {

// The Store the engine makes of `vtable` for SESAME_STORE_CUSTOM: each method one call() in the
// JSON protocol, the host's NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION and CONFLICT kept, any
// other failure or malformed answer CALLBACK. Takes ownership of vtable.user_data in every case:
// destroy runs once, when the Store goes (or at once, on a refusal). INVALID_ARGUMENT for a
// struct_size smaller than the first version's or a NULL call.
SESAME_CXX_API Result<std::shared_ptr<Store>> store_from_vtable(const sesame_store_vtable& vtable);

// The other side of the protocol: runs one call (`method`, the request's JSON text) against
// `store` and returns the response's JSON text, for a host that puts a C++ Store behind its own
// sesame_store_vtable, or a test that serves a C store's calls from a known-good store.
// INVALID_ARGUMENT naming the method or field for an unknown method or a malformed request; the
// store's own failures come back unchanged.
SESAME_CXX_API Result<std::string> serve_store_call(Store& store, std::string_view method, std::string_view request_json);

}  // namespace sesame::testing
