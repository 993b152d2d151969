// The conformance suite against the SQLite store, each case on a new database file.
#include "sesame/testing/store_conformance.hpp"
#include "temp_db.hpp"

namespace {

struct SqliteStoreFactory {
    std::shared_ptr<sesame::Store> make() {
        // The file outlives the store that uses it and is removed with it.
        struct Owner {
            sesame::test::TempDb file{"conformance"};
            std::shared_ptr<sesame::Store> store;
        };
        auto owner = std::make_shared<Owner>();
        auto opened = sesame::open_sqlite_store({owner->file.str()});
        REQUIRE_MESSAGE(opened.ok(), opened.status().message());
        owner->store = *opened;
        return std::shared_ptr<sesame::Store>(owner, owner->store.get());
    }
};

}  // namespace

TYPE_TO_STRING(SqliteStoreFactory);
SESAME_STORE_CONFORMANCE(SqliteStoreFactory);
