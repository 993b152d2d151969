// SECURITY.md rules 1-4, 14 and 21: codes, code input, MACs, tokens, key files, sealing, wiping.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.hpp"

using namespace sesame;
using namespace sesame::crypto;

namespace {

// Returns one fixed value and records what it was asked for.
class FixedRandom final : public RandomSource {
public:
    explicit FixedRandom(std::uint32_t v) : value_(v) {}
    std::uint32_t uniform(std::uint32_t upper) override {
        uppers.push_back(upper);
        return value_;
    }
    std::vector<std::uint32_t> uppers;

private:
    std::uint32_t value_;
};

SecretKey key_of(std::uint8_t fill) {
    std::array<std::uint8_t, 32> b{};
    b.fill(fill);
    auto k = SecretKey::from_bytes(b.data(), b.size());
    REQUIRE(k.ok());
    return std::move(*k);
}

Keys keys_of(std::uint8_t fill) {
    auto master = key_of(fill);
    auto k = derive_keys(master);
    REQUIRE(k.ok());
    return std::move(*k);
}

bool all_zero(const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] != 0) return false;
    return true;
}

// A fresh directory per test, under the build tree when ctest runs us.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("SESAME_TEST_TMP");
        std::string root = base && *base ? base : "/tmp";
        ::mkdir(root.c_str(), 0700);
        std::string tmpl = root + "/crypto-XXXXXX";
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        for (const auto& f : files_) ::unlink(f.c_str());
        ::rmdir(path_.c_str());
    }
    std::string file(const std::string& name) {
        files_.push_back(path_ + "/" + name);
        return files_.back();
    }

private:
    std::string path_;
    std::vector<std::string> files_;
};

void write_file(const std::string& path, std::size_t bytes, mode_t mode) {
    {
        std::ofstream out(path, std::ios::binary);
        std::string data(bytes, '\x5a');
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        REQUIRE(out.good());
    }
    REQUIRE(::chmod(path.c_str(), mode) == 0);
}

double chi_square(const std::array<long, 10>& counts, double expected) {
    double chi = 0;
    for (long c : counts) chi += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
    return chi;
}

}  // namespace

TEST_CASE("ensure_sodium succeeds, repeatedly and from many threads") {
    CHECK(ensure_sodium().ok());
    CHECK(ensure_sodium().ok());
    std::vector<std::thread> threads;
    std::array<bool, 8> ok{};
    for (std::size_t i = 0; i < ok.size(); ++i) threads.emplace_back([&ok, i] { ok[i] = ensure_sodium().ok(); });
    for (auto& t : threads) t.join();
    for (bool b : ok) CHECK(b);
}

TEST_CASE("rule 1: a code is a zero-padded uniform draw from the random source") {
    FixedRandom r(42);
    CHECK(generate_code(r, 6) == "000042");
    REQUIRE(r.uppers.size() == 1);
    CHECK(r.uppers[0] == 1'000'000u);

    FixedRandom r9(42);
    CHECK(generate_code(r9, 9) == "000000042");
    CHECK(r9.uppers == std::vector<std::uint32_t>{1'000'000'000u});

    SUBCASE("10 digits take two draws, each zero padded") {
        FixedRandom r10(42);
        const std::string code = generate_code(r10, 10);
        CHECK(code == "0004200042");
        CHECK(r10.uppers == std::vector<std::uint32_t>{100'000u, 100'000u});
    }
    SUBCASE("the largest value fills every digit") {
        FixedRandom top(99'999);
        CHECK(generate_code(top, 10) == "9999999999");
        FixedRandom top6(999'999);
        CHECK(generate_code(top6, 6) == "999999");
        FixedRandom zero(0);
        CHECK(generate_code(zero, 8) == "00000000");
    }
    SUBCASE("every length from 6 to 10 comes out that long, in ASCII digits") {
        SodiumRandom sr;
        for (int d = 6; d <= 10; ++d) {
            for (int i = 0; i < 200; ++i) {
                const std::string c = generate_code(sr, d);
                REQUIRE(c.size() == static_cast<std::size_t>(d));
                for (char ch : c) REQUIRE((ch >= '0' && ch <= '9'));
            }
        }
    }
    SUBCASE("lengths outside 6..10 and out-of-range draws are refused, never bent into shape") {
        FixedRandom small(1);
        CHECK_THROWS_AS((void)generate_code(small, 5), std::invalid_argument);
        CHECK_THROWS_AS((void)generate_code(small, 11), std::invalid_argument);
        FixedRandom big(1'000'000);
        CHECK_THROWS_AS((void)generate_code(big, 6), std::out_of_range);
    }
}

TEST_CASE("rule 1: chi-square of generated codes against uniform (p = 0.001, df = 9: 27.88)") {
    SodiumRandom r;
    constexpr int draws = 100'000;
    std::array<long, 10> first{}, last{};
    for (int i = 0; i < draws; ++i) {
        const std::string c = generate_code(r, 6);
        ++first[static_cast<std::size_t>(c.front() - '0')];
        ++last[static_cast<std::size_t>(c.back() - '0')];
    }
    const double expected = draws / 10.0;
    const double chi_first = chi_square(first, expected);
    const double chi_last = chi_square(last, expected);
    INFO("first digit chi2 = " << chi_first << ", last digit chi2 = " << chi_last);
    CHECK(chi_first < 27.88);
    CHECK(chi_last < 27.88);
}

TEST_CASE("the chi-square check above can fail: a biased source is caught") {
    // Draws skewed toward small values, as `random() % 10^6` on a small range would be.
    class Skewed final : public RandomSource {
    public:
        std::uint32_t uniform(std::uint32_t upper) override { return randombytes_uniform(upper / 2 + upper / 4); }
    } skewed;
    std::array<long, 10> first{};
    for (int i = 0; i < 20'000; ++i) ++first[static_cast<std::size_t>(generate_code(skewed, 6).front() - '0')];
    CHECK(chi_square(first, 2'000.0) > 27.88);
}

TEST_CASE("rule 2: code input is checked before any crypto") {
    CHECK(normalize_code_input("123456", 6) == std::optional<std::string>("123456"));
    CHECK(normalize_code_input("123 456", 6) == std::optional<std::string>("123456"));
    CHECK(normalize_code_input("123-456", 6) == std::optional<std::string>("123456"));
    CHECK(normalize_code_input(" 12-34 56 ", 6) == std::optional<std::string>("123456"));
    CHECK(normalize_code_input("0000000000", 10) == std::optional<std::string>("0000000000"));

    CHECK_FALSE(normalize_code_input("", 6));
    CHECK_FALSE(normalize_code_input("      ", 6));
    CHECK_FALSE(normalize_code_input("12345", 6));
    CHECK_FALSE(normalize_code_input("1234567", 6));
    CHECK_FALSE(normalize_code_input("123456", 8));
    CHECK_FALSE(normalize_code_input("12345a", 6));
    CHECK_FALSE(normalize_code_input("abcdef", 6));
    CHECK_FALSE(normalize_code_input("123456\n", 6));
    CHECK_FALSE(normalize_code_input("123\t456", 6));
    CHECK_FALSE(normalize_code_input(std::string_view("123\0456", 7), 6));
    CHECK_FALSE(normalize_code_input("+123456", 6));
    // Arabic-Indic and fullwidth digits are digits to Unicode, not to us.
    CHECK_FALSE(normalize_code_input("\u0661\u0662\u0663\u0664\u0665\u0666", 6));
    CHECK_FALSE(normalize_code_input("\uff11\uff12\uff13\uff14\uff15\uff16", 6));
    CHECK_FALSE(normalize_code_input(std::string(10 * 1024, '1'), 6));
    CHECK_FALSE(normalize_code_input("123456", 5));
    CHECK_FALSE(normalize_code_input("12345678901", 11));

    // The 64-byte bound applies to what was typed, padding included.
    std::string padded = "123456" + std::string(58, ' ');
    REQUIRE(padded.size() == 64);
    CHECK(normalize_code_input(padded, 6) == std::optional<std::string>("123456"));
    padded += ' ';
    CHECK_FALSE(normalize_code_input(padded, 6));
}

TEST_CASE("derive_keys: three distinct subkeys, exactly crypto_kdf with context sesame01 and ids 1, 2, 3") {
    auto master = key_of(7);
    auto keys = derive_keys(master);
    REQUIRE(keys.ok());
    std::uint8_t expect[32];
    const std::uint8_t* got[] = {keys->otp_mac.data(), keys->token_hash.data(), keys->seal.data()};
    for (std::uint64_t id = 1; id <= 3; ++id) {
        REQUIRE(crypto_kdf_derive_from_key(expect, sizeof expect, id, "sesame01", master.data()) == 0);
        CHECK(std::memcmp(expect, got[id - 1], 32) == 0);
    }
    CHECK(std::memcmp(got[0], got[1], 32) != 0);
    CHECK(std::memcmp(got[1], got[2], 32) != 0);
    CHECK(std::memcmp(got[0], master.data(), 32) != 0);
}

TEST_CASE("rule 3: the code is kept as a MAC bound to the challenge and the destination") {
    const Keys keys = keys_of(1);
    const Bytes mac = otp_mac(keys, "chal-1", "+15551234567", "123456");
    REQUIRE(mac.size() == 32);

    SUBCASE("it is crypto_auth over otp:v1 || id || 0 || destination || 0 || code") {
        const std::string msg = std::string("otp:v1") + "chal-1" + '\0' + "+15551234567" + '\0' + "123456";
        std::uint8_t expect[crypto_auth_BYTES];
        crypto_auth(expect, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), keys.otp_mac.data());
        CHECK(std::memcmp(expect, mac.data(), sizeof expect) == 0);
    }
    CHECK(otp_verify(keys, mac, "chal-1", "+15551234567", "123456"));
    CHECK_FALSE(otp_verify(keys, mac, "chal-1", "+15551234567", "123457"));
    CHECK_FALSE(otp_verify(keys, mac, "chal-2", "+15551234567", "123456"));
    CHECK_FALSE(otp_verify(keys, mac, "chal-1", "+15551234568", "123456"));
    // The separators keep field boundaries: moving a character across one changes the MAC.
    CHECK_FALSE(otp_verify(keys, mac, "chal-1+", "15551234567", "123456"));
    CHECK_FALSE(otp_verify(keys_of(2), mac, "chal-1", "+15551234567", "123456"));

    Bytes short_mac(mac.begin(), mac.end() - 1);
    CHECK_FALSE(otp_verify(keys, short_mac, "chal-1", "+15551234567", "123456"));
    Bytes long_mac = mac;
    long_mac.push_back(0);
    CHECK_FALSE(otp_verify(keys, long_mac, "chal-1", "+15551234567", "123456"));
    CHECK_FALSE(otp_verify(keys, Bytes{}, "chal-1", "+15551234567", "123456"));
    Bytes flipped = mac;
    flipped[31] ^= 1;
    CHECK_FALSE(otp_verify(keys, flipped, "chal-1", "+15551234567", "123456"));
}

TEST_CASE("rule 14: tokens and ids are random base64url, and only a keyed hash is kept") {
    auto is_b64url = [](const std::string& s) {
        for (char c : s)
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
                return false;
        return true;
    };
    const std::string t = new_token();
    CHECK(t.size() == 43);
    CHECK(is_b64url(t));
    const std::string id = new_id();
    CHECK(id.size() == 22);
    CHECK(is_b64url(id));

    std::unordered_set<std::string> seen;
    seen.reserve(100'000);
    bool all_ok = true;
    for (int i = 0; i < 100'000; ++i) {
        std::string tok = new_token();
        all_ok = all_ok && tok.size() == 43 && is_b64url(tok);
        seen.insert(std::move(tok));
    }
    CHECK(all_ok);
    CHECK(seen.size() == 100'000);

    std::set<std::string> ids;
    for (int i = 0; i < 10'000; ++i) ids.insert(new_id());
    CHECK(ids.size() == 10'000);

    const Keys a = keys_of(1);
    const Keys b = keys_of(2);
    const Bytes h = hash_token(a, t);
    CHECK(h.size() == 32);
    CHECK(hash_token(a, t) == h);
    CHECK(hash_token(b, t) != h);
    CHECK(hash_token(a, new_token()) != h);
    std::uint8_t expect[32];
    crypto_generichash(expect, sizeof expect, reinterpret_cast<const unsigned char*>(t.data()), t.size(),
                       a.token_hash.data(), 32);
    CHECK(std::memcmp(expect, h.data(), 32) == 0);
}

TEST_CASE("SecretKey: exactly 32 bytes, wiped when moved from") {
    std::array<std::uint8_t, 33> b{};
    b.fill(0xab);
    auto short_key = SecretKey::from_bytes(b.data(), 31);
    REQUIRE_FALSE(short_key.ok());
    CHECK(short_key.code() == Code::invalid_argument);
    CHECK(short_key.status().message().find("exactly 32 bytes") != std::string::npos);
    CHECK(SecretKey::from_bytes(b.data(), 33).code() == Code::invalid_argument);
    CHECK(SecretKey::from_bytes(b.data(), 0).code() == Code::invalid_argument);
    CHECK(SecretKey::from_bytes(nullptr, 32).code() == Code::invalid_argument);

    auto k = SecretKey::from_bytes(b.data(), 32);
    REQUIRE(k.ok());
    SecretKey moved(std::move(*k));
    CHECK(std::memcmp(moved.data(), b.data(), 32) == 0);
    CHECK(all_zero(k->data(), 32));

    SecretKey assigned = key_of(1);
    assigned = std::move(moved);
    CHECK(std::memcmp(assigned.data(), b.data(), 32) == 0);
    CHECK(all_zero(moved.data(), 32));
}

TEST_CASE("key file: created 0600 with fresh random bytes, reloaded equal") {
    TempDir dir;
    const std::string path = dir.file("master.key");
    auto created = SecretKey::load_or_create(path);
    REQUIRE(created.ok());
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(st.st_size == 32);
    CHECK_FALSE(all_zero(created->data(), 32));

    auto again = SecretKey::load_or_create(path);
    REQUIRE(again.ok());
    CHECK(std::memcmp(created->data(), again->data(), 32) == 0);
    auto k1 = derive_keys(*created);
    auto k2 = derive_keys(*again);
    REQUIRE((k1.ok() && k2.ok()));
    const Bytes mac = otp_mac(*k1, "c", "d", "123456");
    CHECK(otp_verify(*k2, mac, "c", "d", "123456"));

    // A second, separate file gets its own key.
    auto other = SecretKey::load_or_create(dir.file("other.key"));
    REQUIRE(other.ok());
    CHECK(std::memcmp(other->data(), created->data(), 32) != 0);
}

TEST_CASE("key file: wrong size, loose permissions and unreadable paths are refused") {
    TempDir dir;
    SUBCASE("wrong size names the file and the size") {
        const std::string path = dir.file("short.key");
        write_file(path, 31, 0600);
        auto k = SecretKey::load_or_create(path);
        REQUIRE_FALSE(k.ok());
        CHECK(k.code() == Code::invalid_argument);
        CHECK(k.status().message().find(path) != std::string::npos);
        CHECK(k.status().message().find("31") != std::string::npos);
        const std::string empty = dir.file("empty.key");
        write_file(empty, 0, 0600);
        CHECK(SecretKey::load_or_create(empty).code() == Code::invalid_argument);
        const std::string big = dir.file("big.key");
        write_file(big, 64, 0600);
        CHECK(SecretKey::load_or_create(big).code() == Code::invalid_argument);
    }
    SUBCASE("group- or world-accessible key files are refused with the fix") {
        for (mode_t mode : {mode_t{0640}, mode_t{0604}, mode_t{0620}, mode_t{0644}}) {
            const std::string path = dir.file("loose.key");
            ::unlink(path.c_str());
            write_file(path, 32, mode);
            auto k = SecretKey::load_or_create(path);
            REQUIRE_FALSE(k.ok());
            CHECK(k.code() == Code::invalid_argument);
            CHECK(k.status().message().find("chmod 600") != std::string::npos);
        }
        const std::string ok_path = dir.file("tight.key");
        write_file(ok_path, 32, 0400);
        CHECK(SecretKey::load_or_create(ok_path).ok());
    }
    SUBCASE("a path that cannot be created is a storage error with the reason") {
        auto k = SecretKey::load_or_create(dir.file("no-such-dir") + "/master.key");
        REQUIRE_FALSE(k.ok());
        CHECK(k.code() == Code::storage);
        CHECK(k.status().message().find("No such file or directory") != std::string::npos);
    }
    SUBCASE("a directory is not a key file") {
        const std::string sub = dir.file("subdir");
        REQUIRE(::mkdir(sub.c_str(), 0700) == 0);
        auto k = SecretKey::load_or_create(sub);
        ::rmdir(sub.c_str());
        REQUIRE_FALSE(k.ok());
        CHECK(k.code() == Code::invalid_argument);
    }
    CHECK(SecretKey::load_or_create("").code() == Code::invalid_argument);
}

TEST_CASE("seal / unseal: round trip; tampering and other keys give nothing") {
    const Keys keys = keys_of(3);
    const std::string body = "Your court code is 123456. It expires in 10 minutes.";
    const Bytes box = seal(keys, body);
    CHECK(box.size() == body.size() + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES);
    CHECK(std::search(box.begin(), box.end(), body.begin(), body.end()) == box.end());
    CHECK(unseal(keys, box) == std::optional<std::string>(body));
    // A fresh nonce each time: the same body never seals to the same bytes.
    CHECK(seal(keys, body) != box);

    for (std::size_t i : {std::size_t{0}, std::size_t{23}, std::size_t{24}, std::size_t{40}, box.size() - 1}) {
        Bytes t = box;
        t[i] ^= 0x01;
        CHECK_FALSE(unseal(keys, t));
    }
    CHECK_FALSE(unseal(keys_of(4), box));
    CHECK_FALSE(unseal(keys, Bytes(box.begin(), box.end() - 1)));
    CHECK_FALSE(unseal(keys, Bytes{}));
    CHECK_FALSE(unseal(keys, Bytes(39, 0)));

    const Bytes empty_box = seal(keys, "");
    CHECK(unseal(keys, empty_box) == std::optional<std::string>(""));
}

TEST_CASE("wipe zeroes the characters before clearing") {
    std::string s(100, 'x');
    const std::size_t cap = s.capacity();
    const char* p = s.data();
    wipe(s);
    CHECK(s.empty());
    REQUIRE(s.capacity() == cap);  // same buffer, so its old contents can be inspected
    REQUIRE(s.data() == p);
    CHECK(all_zero(reinterpret_cast<const std::uint8_t*>(p), 100));

    std::string empty;
    wipe(empty);
    CHECK(empty.empty());
}
