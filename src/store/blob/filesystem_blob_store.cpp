// The filesystem BlobStore: one file per blob in one folder, named by the store, written whole
// through a temporary file, fsync and rename.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <sodium.h>

#include "sesame/blob_store.hpp"

namespace sesame {
namespace {

constexpr std::size_t kNameBytes = 16;  // 32 hex digits

Status io_failure(const std::string& doing, int err) {
    return Status(Code::storage, fmt::format("{}: {}", doing, std::strerror(err)));
}

Status bad_name() {
    return Status(Code::invalid_argument, "a blob name is exactly 32 lowercase hex digits, as BlobStore::put returned it");
}

// Closes the descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

Status write_all(int fd, std::span<const std::uint8_t> bytes, const std::string& path) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_failure("writing " + path, errno);
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

class FilesystemBlobStore final : public BlobStore {
public:
    explicit FilesystemBlobStore(std::string folder) : folder_(std::move(folder)) {}

    Result<BlobRef> put(std::span<const std::uint8_t> bytes) override {
        std::uint8_t random[kNameBytes];
        randombytes_buf(random, sizeof random);
        char hex[kNameBytes * 2 + 1];
        sodium_bin2hex(hex, sizeof hex, random, sizeof random);
        BlobRef ref{hex, static_cast<std::int64_t>(bytes.size()), sha256_hex(bytes)};
        const std::string final_path = path_of(ref.name);
        const std::string temp_path = folder_ + "/.tmp-" + ref.name;

        Status s = [&]() -> Status {
            Fd f{::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
            if (f.fd < 0) return io_failure("creating " + temp_path, errno);
            SESAME_TRY(write_all(f.fd, bytes, temp_path));
            if (::fsync(f.fd) != 0) return io_failure("flushing " + temp_path, errno);
            if (::close(f.fd) != 0) {
                f.fd = -1;
                return io_failure("closing " + temp_path, errno);
            }
            f.fd = -1;
            // 128 random bits make a name collision as unlikely as a guessed key.
            if (::rename(temp_path.c_str(), final_path.c_str()) != 0) return io_failure("storing " + final_path, errno);
            return {};
        }();
        if (!s.ok()) {
            ::unlink(temp_path.c_str());
            return s;
        }
        sync_folder();
        return ref;
    }

    Result<std::vector<std::uint8_t>> read(const std::string& name) override {
        if (!is_blob_name(name)) return bad_name();
        const std::string path = path_of(name);
        Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
        if (f.fd < 0) {
            if (errno == ENOENT) return Status(Code::not_found, "no such blob: " + name);
            return io_failure("opening " + path, errno);
        }
        std::vector<std::uint8_t> out;
        std::uint8_t buf[65536];
        for (;;) {
            const ssize_t n = ::read(f.fd, buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR) continue;
                return io_failure("reading " + path, errno);
            }
            if (n == 0) break;
            out.insert(out.end(), buf, buf + n);
        }
        return out;
    }

    Status remove(const std::string& name) override {
        if (!is_blob_name(name)) return bad_name();
        const std::string path = path_of(name);
        if (::unlink(path.c_str()) != 0) {
            if (errno == ENOENT) return Status(Code::not_found, "no such blob: " + name);
            return io_failure("removing " + path, errno);
        }
        sync_folder();
        return {};
    }

private:
    std::string path_of(const std::string& name) const { return folder_ + "/" + name; }

    // Makes a rename or unlink durable. A failure here loses nothing already written.
    void sync_folder() const {
        Fd d{::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (d.fd >= 0) ::fsync(d.fd);
    }

    const std::string folder_;
};

}  // namespace

bool is_blob_name(std::string_view name) {
    if (name.size() != kNameBytes * 2) return false;
    for (char c : name)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes.data(), bytes.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

Result<std::shared_ptr<BlobStore>> make_filesystem_blob_store(const std::string& folder) {
    if (folder.empty())
        return Status(Code::invalid_argument, "the blob folder is empty: give the path of a folder for uploaded files");
    if (folder.find('\0') != std::string::npos)
        return Status(Code::invalid_argument, "the blob folder name contains a NUL byte");
    if (sodium_init() < 0) return Status(Code::crypto, "libsodium could not be initialised");
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
        return io_failure("creating the blob folder " + folder, errno);
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0) return io_failure("reading the blob folder " + folder, errno);
    if (!S_ISDIR(st.st_mode))
        return Status(Code::storage, fmt::format("the blob folder {} exists but is not a folder: choose another path", folder));
    return std::shared_ptr<BlobStore>(std::make_shared<FilesystemBlobStore>(folder));
}

}  // namespace sesame
