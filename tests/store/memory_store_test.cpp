// The conformance suite against the in-memory store.
#include "sesame/testing/store_conformance.hpp"

namespace {

struct MemoryStoreFactory {
    std::shared_ptr<sesame::Store> make() { return sesame::make_memory_store(); }
};

}  // namespace

TYPE_TO_STRING(MemoryStoreFactory);
SESAME_STORE_CONFORMANCE(MemoryStoreFactory);
