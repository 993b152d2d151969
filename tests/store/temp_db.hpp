// A database path in the test directory ($SESAME_TEST_TMP, else the system's temporary directory)
// that no other test uses, removed with its WAL and shared-memory files when the object goes away.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace sesame::test {

inline std::filesystem::path test_directory() {
    const char* env = std::getenv("SESAME_TEST_TMP");
    std::filesystem::path dir = env && *env ? std::filesystem::path(env) : std::filesystem::temp_directory_path();
    std::filesystem::create_directories(dir);
    return dir;
}

class TempDb {
public:
    explicit TempDb(const std::string& stem = "store") {
        static std::atomic<unsigned> counter{0};
        std::random_device rd;
        path_ = test_directory() / (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                                    std::to_string(rd()) + ".db");
        remove_all_files();
    }
    ~TempDb() { remove_all_files(); }
    TempDb(const TempDb&) = delete;
    TempDb& operator=(const TempDb&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string str() const { return path_.string(); }

private:
    void remove_all_files() {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path_.string() + suffix, ec);
    }
    std::filesystem::path path_;
};

inline std::vector<char> file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& p, const std::vector<char>& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace sesame::test
