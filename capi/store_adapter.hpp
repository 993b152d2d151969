// Internal to capi/: a host's C store and directory vtables as the C++ Store and Directory.
// Every Store method becomes one call(method, request JSON) -> response JSON; docs/c-api.md lists
// them. A callback failure is SESAME_E_CALLBACK with the callback's message.
#pragma once

#include "capi/adapters.hpp"
#include "sesame/directory.hpp"
#include "sesame/store.hpp"

namespace sesame::capi {

class StoreAdapter;      // capi/store_adapter.cpp: public Store
class DirectoryAdapter;  // capi/store_adapter.cpp: public Directory

}  // namespace sesame::capi
