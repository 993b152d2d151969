// Keys, one-time codes, MACs, tokens and sealing on libsodium (SECURITY.md rules 1-4, 14, 21).
#include "crypto/crypto.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sodium.h>

namespace sesame::crypto {

namespace {

static_assert(SecretKey::size == crypto_kdf_KEYBYTES);
static_assert(SecretKey::size == crypto_auth_KEYBYTES);
static_assert(SecretKey::size == crypto_secretbox_KEYBYTES);
static_assert(SecretKey::size >= crypto_generichash_KEYBYTES_MIN && SecretKey::size <= crypto_generichash_KEYBYTES_MAX);
static_assert(crypto_auth_BYTES == 32);

constexpr char kdf_context[] = "sesame01";
static_assert(sizeof kdf_context - 1 == crypto_kdf_CONTEXTBYTES);
constexpr std::uint64_t otp_subkey_id = 1;
constexpr std::uint64_t token_subkey_id = 2;
constexpr std::uint64_t seal_subkey_id = 3;
constexpr std::uint64_t key_check_subkey_id = 4;

constexpr std::size_t hash_bytes = 32;
constexpr std::size_t token_bytes = 32;
constexpr std::size_t id_bytes = 16;
constexpr int min_digits = 6;
constexpr int max_digits = 10;
constexpr std::size_t max_code_input = 64;
constexpr char otp_domain[] = "otp:v1";

std::atomic<bool> sodium_ready{false};

// The calls below have no Status to return: they stay usable only after libsodium has started,
// and a failure to start must stop them rather than let them run on an uninitialised library.
void require_sodium() {
    if (sodium_ready.load(std::memory_order_acquire)) return;
    const Status st = ensure_sodium();
    if (!st.ok()) throw std::runtime_error(st.message());
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string base64url(const std::uint8_t* bytes, std::size_t len) {
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_ENCODED_LEN(len, variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, len, variant);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::string random_base64url(std::size_t len) {
    require_sodium();
    std::array<std::uint8_t, token_bytes> raw{};
    randombytes_buf(raw.data(), len);
    std::string out = base64url(raw.data(), len);
    sodium_memzero(raw.data(), raw.size());
    return out;
}

void update(crypto_auth_hmacsha512256_state& st, std::string_view s) {
    crypto_auth_hmacsha512256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

// Streaming keeps the code out of any intermediate buffer; the result is byte-for-byte what
// crypto_auth gives over the concatenated message.
void compute_otp_mac(const Keys& keys, std::string_view challenge_id, std::string_view destination,
                     std::string_view code, std::uint8_t out[crypto_auth_BYTES]) {
    static constexpr unsigned char zero = 0;
    crypto_auth_hmacsha512256_state st;
    crypto_auth_hmacsha512256_init(&st, keys.otp_mac.data(), SecretKey::size);
    update(st, otp_domain);
    update(st, challenge_id);
    crypto_auth_hmacsha512256_update(&st, &zero, 1);
    update(st, destination);
    crypto_auth_hmacsha512256_update(&st, &zero, 1);
    update(st, code);
    crypto_auth_hmacsha512256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

// Closes on every path; close errors after a completed read change nothing we can act on.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    // For the write path, where a failed close can mean lost data.
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

Result<SecretKey> read_key_file(const std::string& path, int fd_raw) {
    Fd fd(fd_raw);
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0)
        return Status(Code::storage, fmt::format("cannot stat key file {}: {}", path, errno_text(errno)));
    if (!S_ISREG(st.st_mode))
        return Status(Code::invalid_argument, fmt::format("key file {} is not a regular file", path));
    // Group write access would let someone substitute the key as surely as read access leaks it.
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return Status(Code::invalid_argument,
                      fmt::format("key file {} is accessible to other users (mode {:o}): run `chmod 600 {}`", path,
                                  st.st_mode & 07777, path));
    if (st.st_size != static_cast<off_t>(SecretKey::size))
        return Status(Code::invalid_argument,
                      fmt::format("key file {} holds {} bytes; a Sesame key file holds exactly {} bytes", path,
                                  static_cast<long long>(st.st_size), SecretKey::size));
    std::array<std::uint8_t, SecretKey::size> buf{};
    std::size_t got = 0;
    while (got < buf.size()) {
        const ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            sodium_memzero(buf.data(), buf.size());
            return Status(Code::storage, fmt::format("cannot read key file {}: {}", path, errno_text(err)));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got != buf.size()) {
        sodium_memzero(buf.data(), buf.size());
        return Status(Code::invalid_argument,
                      fmt::format("key file {} holds {} bytes; a Sesame key file holds exactly {} bytes", path, got,
                                  SecretKey::size));
    }
    auto key = SecretKey::from_bytes(buf.data(), buf.size());
    sodium_memzero(buf.data(), buf.size());
    return key;
}

std::string parent_dir(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// A new key must survive a crash: losing it would invalidate every code and session issued under it.
Status sync_dir(const std::string& path) {
    const std::string dir = parent_dir(path);
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0)
        return Status(Code::storage, fmt::format("cannot open directory {} to sync the new key file: {}", dir,
                                                 errno_text(errno)));
    // Some file systems cannot sync a directory; the file itself is already synced.
    if (::fsync(fd.get()) != 0 && errno != EINVAL && errno != EROFS)
        return Status(Code::storage, fmt::format("cannot sync directory {}: {}", dir, errno_text(errno)));
    return {};
}

Result<SecretKey> create_key_file(const std::string& path, int fd_raw) {
    Fd fd(fd_raw);
    std::array<std::uint8_t, SecretKey::size> buf{};
    randombytes_buf(buf.data(), buf.size());
    auto fail = [&](const char* what, int err) -> Status {
        sodium_memzero(buf.data(), buf.size());
        // A short key file left behind would fail every later start with a size error.
        ::unlink(path.c_str());
        return Status(Code::storage, fmt::format("cannot {} key file {}: {}", what, path, errno_text(err)));
    };
    std::size_t put = 0;
    while (put < buf.size()) {
        const ssize_t n = ::write(fd.get(), buf.data() + put, buf.size() - put);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("write", errno);
        }
        put += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail("sync", errno);
    if (::close(fd.release()) != 0) return fail("close", errno);
    auto key = SecretKey::from_bytes(buf.data(), buf.size());
    sodium_memzero(buf.data(), buf.size());
    if (Status st = sync_dir(path); !st.ok()) return st;
    return key;
}

}  // namespace

Status ensure_sodium() {
    if (sodium_ready.load(std::memory_order_acquire)) return {};
    // sodium_init is itself thread-safe and idempotent (0 first time, 1 after); only < 0 is failure.
    if (sodium_init() < 0)
        return Status(Code::crypto, "libsodium could not initialise (sodium_init failed): no secure random source?");
    sodium_ready.store(true, std::memory_order_release);
    return {};
}

SecretKey::SecretKey() { sodium_memzero(bytes_, size); }

SecretKey::SecretKey(SecretKey&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, size);
    sodium_memzero(other.bytes_, size);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
    if (this != &other) {
        std::memcpy(bytes_, other.bytes_, size);
        sodium_memzero(other.bytes_, size);
    }
    return *this;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_, size); }

Result<SecretKey> SecretKey::from_bytes(const std::uint8_t* data, std::size_t len) {
    if (len != size || data == nullptr)
        return Status(Code::invalid_argument,
                      fmt::format("a master key must be exactly {} bytes; got {}", size, data == nullptr ? 0 : len));
    SecretKey key;
    std::memcpy(key.bytes_, data, size);
    return key;
}

Result<SecretKey> SecretKey::load_or_create(const std::string& path) {
    if (path.empty()) return Status(Code::invalid_argument, "the key file path is empty");
    if (path.find('\0') != std::string::npos)
        return Status(Code::invalid_argument, "the key file path contains a NUL byte");
    SESAME_TRY(ensure_sodium());
    // Two processes may start at once: O_EXCL makes exactly one the creator, the other reads.
    for (int round = 0; round < 2; ++round) {
        const int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (rfd >= 0) return read_key_file(path, rfd);
        if (errno != ENOENT)
            return Status(Code::storage, fmt::format("cannot open key file {}: {}", path, errno_text(errno)));
        const int wfd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (wfd >= 0) return create_key_file(path, wfd);
        if (errno != EEXIST)
            return Status(Code::storage, fmt::format("cannot create key file {}: {}", path, errno_text(errno)));
    }
    return Status(Code::storage, fmt::format("key file {} keeps appearing and disappearing", path));
}

Result<Keys> derive_keys(const SecretKey& master) {
    SESAME_TRY(ensure_sodium());
    std::array<std::uint8_t, SecretKey::size> sub{};
    auto derive = [&](std::uint64_t id) -> Result<SecretKey> {
        if (crypto_kdf_derive_from_key(sub.data(), sub.size(), id, kdf_context, master.data()) != 0) {
            sodium_memzero(sub.data(), sub.size());
            return Status(Code::crypto, "crypto_kdf_derive_from_key failed");
        }
        auto key = SecretKey::from_bytes(sub.data(), sub.size());
        sodium_memzero(sub.data(), sub.size());
        return key;
    };
    auto otp = derive(otp_subkey_id);
    if (!otp) return otp.status();
    auto token = derive(token_subkey_id);
    if (!token) return token.status();
    auto seal_key = derive(seal_subkey_id);
    if (!seal_key) return seal_key.status();
    return Keys{std::move(*otp), std::move(*token), std::move(*seal_key)};
}

Result<std::string> key_check_value(const SecretKey& master) {
    SESAME_TRY(ensure_sodium());
    static_assert(crypto_auth_KEYBYTES == SecretKey::size);
    std::array<std::uint8_t, SecretKey::size> sub{};
    if (crypto_kdf_derive_from_key(sub.data(), sub.size(), key_check_subkey_id, kdf_context, master.data()) != 0) {
        sodium_memzero(sub.data(), sub.size());
        return Status(Code::crypto, "crypto_kdf_derive_from_key failed");
    }
    static constexpr std::string_view kLabel = "sesame:key-check:v1";
    std::array<std::uint8_t, crypto_auth_BYTES> mac{};
    crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), sub.data());
    sodium_memzero(sub.data(), sub.size());
    std::string hex(mac.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
    hex.pop_back();
    return hex;
}

std::uint32_t SodiumRandom::uniform(std::uint32_t upper) {
    require_sodium();
    return randombytes_uniform(upper);
}

std::string generate_code(RandomSource& random, int digits) {
    if (digits < min_digits || digits > max_digits)
        throw std::invalid_argument(
            fmt::format("one-time codes have {} to {} digits; asked for {}", min_digits, max_digits, digits));
    // Equal chunks (10 digits = 5 + 5) rather than 9 + 1, so every draw spans a wide range.
    const int chunks = (digits + 8) / 9;
    std::string code;
    code.reserve(static_cast<std::size_t>(digits));
    char buf[16];
    int left = digits;
    for (int i = 0; i < chunks; ++i) {
        const int k = left / (chunks - i);
        std::uint32_t upper = 1;
        for (int j = 0; j < k; ++j) upper *= 10;
        const std::uint32_t v = random.uniform(upper);
        // A value out of range would give a code of the wrong length; reducing it would bias it.
        if (v >= upper) {
            sodium_memzero(code.data(), code.size());
            throw std::out_of_range(fmt::format("RandomSource::uniform({}) returned a value out of range", upper));
        }
        const auto end = fmt::format_to_n(buf, sizeof buf, "{:0{}}", v, k).out;
        code.append(buf, end);
        sodium_memzero(buf, sizeof buf);
        left -= k;
    }
    return code;
}

std::optional<std::string> normalize_code_input(std::string_view input, int digits) {
    if (digits < min_digits || digits > max_digits) return std::nullopt;
    if (input.size() > max_code_input) return std::nullopt;
    char buf[max_code_input];
    std::size_t n = 0;
    bool ok = true;
    for (const char c : input) {
        if (c == ' ' || c == '-') continue;
        if (c < '0' || c > '9') {
            ok = false;
            break;
        }
        buf[n++] = c;
    }
    std::optional<std::string> out;
    // At most 10 characters: std::string keeps them inline, so this cannot allocate or throw.
    if (ok && n == static_cast<std::size_t>(digits)) out.emplace(buf, n);
    sodium_memzero(buf, sizeof buf);
    return out;
}

Bytes otp_mac(const Keys& keys, std::string_view challenge_id, std::string_view destination, std::string_view code) {
    Bytes mac(crypto_auth_BYTES);
    compute_otp_mac(keys, challenge_id, destination, code, mac.data());
    return mac;
}

bool otp_verify(const Keys& keys, const Bytes& mac, std::string_view challenge_id, std::string_view destination,
                std::string_view code) {
    if (mac.size() != crypto_auth_BYTES) return false;
    std::uint8_t expected[crypto_auth_BYTES];
    compute_otp_mac(keys, challenge_id, destination, code, expected);
    const bool match = crypto_verify_32(expected, mac.data()) == 0;
    sodium_memzero(expected, sizeof expected);
    return match;
}

std::string new_token() { return random_base64url(token_bytes); }

std::string new_id() { return random_base64url(id_bytes); }

Bytes hash_token(const Keys& keys, std::string_view token) {
    Bytes out(hash_bytes);
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       keys.token_hash.data(), SecretKey::size);
    return out;
}

Bytes seal(const Keys& keys, std::string_view plaintext) {
    require_sodium();
    Bytes box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
    randombytes_buf(box.data(), crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), box.data(),
                          keys.seal.data());
    return box;
}

std::optional<std::string> unseal(const Keys& keys, const Bytes& box) {
    constexpr std::size_t overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    if (box.size() < overhead) return std::nullopt;
    std::string plain(box.size() - overhead, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   box.data() + crypto_secretbox_NONCEBYTES, box.size() - crypto_secretbox_NONCEBYTES,
                                   box.data(), keys.seal.data()) != 0) {
        wipe(plain);
        return std::nullopt;
    }
    return plain;
}

void wipe(std::string& s) {
    if (!s.empty()) sodium_memzero(s.data(), s.size());
    s.clear();
}

}  // namespace sesame::crypto
