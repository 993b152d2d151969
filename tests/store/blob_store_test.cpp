// The filesystem BlobStore, in a real temporary folder.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "sesame/blob_store.hpp"
#include "temp_db.hpp"

using namespace sesame;
namespace fs = std::filesystem;

namespace {

// A fresh folder path under the test directory, removed with its contents afterwards.
struct TempFolder {
    TempFolder() : db("blobs") { path = db.path().string() + ".d"; }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    test::TempDb db;  // only for its unique name
    std::string path;
};

std::vector<std::string> names_in(const std::string& folder) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(folder)) out.push_back(e.path().filename().string());
    return out;
}

mode_t mode_of(const std::string& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("blob store: put, read and remove under generated names") {
    TempFolder dir;
    auto blobs = make_filesystem_blob_store(dir.path);
    REQUIRE(blobs.ok());
    CHECK(mode_of(dir.path) == 0700);

    const std::vector<std::uint8_t> data{'%', 'P', 'D', 'F', '-', 0, 1, 2, 255};
    auto ref = (*blobs)->put(data);
    REQUIRE(ref.ok());
    CHECK(is_blob_name(ref->name));
    CHECK(ref->size == 9);
    CHECK(ref->sha256 == sha256_hex(data));
    CHECK(ref->sha256.size() == 64);
    CHECK(names_in(dir.path) == std::vector<std::string>{ref->name});  // no temporary file left
    CHECK(mode_of(dir.path + "/" + ref->name) == 0600);

    auto back = (*blobs)->read(ref->name);
    REQUIRE(back.ok());
    CHECK(*back == data);

    auto empty = (*blobs)->put({});
    REQUIRE(empty.ok());
    CHECK(empty->name != ref->name);
    CHECK((*blobs)->read(empty->name)->empty());

    REQUIRE((*blobs)->remove(ref->name).ok());
    CHECK((*blobs)->read(ref->name).code() == Code::not_found);
    CHECK((*blobs)->remove(ref->name).code() == Code::not_found);
    CHECK(names_in(dir.path) == std::vector<std::string>{empty->name});
}

TEST_CASE("blob store: SHA-256 is the standard digest") {
    const std::string abc = "abc";
    CHECK(sha256_hex(std::vector<std::uint8_t>(abc.begin(), abc.end())) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex({}) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("blob store: names that are not generated never reach the filesystem") {
    TempFolder dir;
    auto blobs = make_filesystem_blob_store(dir.path);
    REQUIRE(blobs.ok());
    // A real file beside the folder that a path trick would reach.
    const std::string outside = dir.path + "-victim";
    { std::ofstream(outside) << "keep me"; }
    const std::string parent_trick = "../" + fs::path(outside).filename().string();
    for (const std::string& name :
         {parent_trick, std::string("/etc/passwd"), std::string("a/b"), std::string(""), std::string("..", 2),
          std::string("0123456789abcdef0123456789abcde\0", 32), std::string("0123456789ABCDEF0123456789ABCDEF"),
          std::string("0123456789abcdef0123456789abcdef0"), std::string("0123456789abcdef/123456789abcdef")}) {
        CAPTURE(name);
        CHECK(!is_blob_name(name));
        CHECK((*blobs)->read(name).code() == Code::invalid_argument);
        CHECK((*blobs)->remove(name).code() == Code::invalid_argument);
    }
    CHECK(fs::exists(outside));
    fs::remove(outside);
    CHECK(is_blob_name("0123456789abcdef0123456789abcdef"));
}

TEST_CASE("blob store: the folder is created when absent and must be a folder") {
    TempFolder dir;
    const std::string nested = dir.path;
    CHECK_FALSE(fs::exists(nested));
    REQUIRE(make_filesystem_blob_store(nested).ok());
    CHECK(fs::is_directory(nested));
    REQUIRE(make_filesystem_blob_store(nested).ok());  // an existing folder is reused

    const std::string file = dir.path + "/plain-file";
    { std::ofstream(file) << "x"; }
    CHECK(make_filesystem_blob_store(file).code() == Code::storage);
    CHECK(make_filesystem_blob_store("").code() == Code::invalid_argument);
    CHECK(make_filesystem_blob_store(dir.path + "/missing/parent").code() == Code::storage);
}

TEST_CASE("blob store: concurrent puts each get their own file") {
    TempFolder dir;
    auto blobs = make_filesystem_blob_store(dir.path);
    REQUIRE(blobs.ok());
    constexpr int kThreads = 8;
    std::latch start(kThreads);
    std::vector<std::string> names(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto r = (*blobs)->put(std::vector<std::uint8_t>(1000, static_cast<std::uint8_t>(i)));
            if (r) names[i] = r->name;
        });
    for (auto& t : threads) t.join();
    std::set<std::string> distinct(names.begin(), names.end());
    CHECK(distinct.size() == kThreads);
    for (int i = 0; i < kThreads; ++i) CHECK(*(*blobs)->read(names[i]) == std::vector<std::uint8_t>(1000, static_cast<std::uint8_t>(i)));
}
