// Internal: keys, one-time codes, MACs, tokens and sealing, all on libsodium (SECURITY.md 1-4, 14, 21).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesame/random.hpp"
#include "sesame/status.hpp"

namespace sesame::crypto {

using Bytes = std::vector<std::uint8_t>;

// sodium_init(), checked; idempotent and thread-safe. CRYPTO when libsodium cannot start.
Status ensure_sodium();

// 32 secret bytes, wiped with sodium_memzero when destroyed. Move-only.
class SecretKey {
public:
    static constexpr std::size_t size = 32;
    // INVALID_ARGUMENT unless exactly 32 bytes.
    static Result<SecretKey> from_bytes(const std::uint8_t* data, std::size_t len);
    // Reads a 32-byte key file, or creates one (mode 0600, 32 random bytes) when absent.
    // INVALID_ARGUMENT when the file is not 32 bytes; STORAGE when it cannot be read or created.
    static Result<SecretKey> load_or_create(const std::string& path);

    SecretKey(SecretKey&&) noexcept;
    SecretKey& operator=(SecretKey&&) noexcept;
    SecretKey(const SecretKey&) = delete;
    SecretKey& operator=(const SecretKey&) = delete;
    ~SecretKey();

    const std::uint8_t* data() const { return bytes_; }

private:
    SecretKey();
    std::uint8_t bytes_[size];
};

// Subkeys derived from the master key with crypto_kdf_derive_from_key (context "sesame01"):
// id 1 = one-time-code MAC key, id 2 = token hash key, id 3 = outbox sealing key.
struct Keys {
    SecretKey otp_mac;
    SecretKey token_hash;
    SecretKey seal;
};
Result<Keys> derive_keys(const SecretKey& master);

// The key check value a store keeps to recognise its master key (Engine::open): crypto_auth over
// the fixed label "sesame:key-check:v1" under subkey id 4 of the master key, hex. It discloses
// nothing of the key.
Result<std::string> key_check_value(const SecretKey& master);

// randombytes_uniform; thread-safe.
class SodiumRandom final : public RandomSource {
public:
    std::uint32_t uniform(std::uint32_t upper) override;
};

// A code of `digits` (6..10) decimal digits, zero-padded, drawn uniformly with
// random.uniform(10^k) in chunks of at most 9 digits. Never rand(), never %.
std::string generate_code(RandomSource& random, int digits);

// What the person typed, checked before any crypto: at most 64 bytes in; spaces and dashes removed;
// then exactly `digits` ASCII digits. nullopt otherwise (a rejected attempt, not an error).
std::optional<std::string> normalize_code_input(std::string_view input, int digits);

// crypto_auth over "otp:v1" || challenge_id || 0x00 || destination || 0x00 || code.
Bytes otp_mac(const Keys& keys, std::string_view challenge_id, std::string_view destination, std::string_view code);
// crypto_auth_verify: constant time. False for a MAC of the wrong length.
bool otp_verify(const Keys& keys, const Bytes& mac, std::string_view challenge_id, std::string_view destination,
                std::string_view code);

// 32 bytes from randombytes_buf, base64url without padding: 43 characters.
std::string new_token();
// 16 random bytes, base64url without padding: 22 characters. For challenge and session ids.
std::string new_id();
// Keyed BLAKE2b-256 (crypto_generichash) of the token: what the store keeps.
Bytes hash_token(const Keys& keys, std::string_view token);

// XSalsa20-Poly1305 (crypto_secretbox_easy), random nonce prepended. For outbox bodies at rest.
Bytes seal(const Keys& keys, std::string_view plaintext);
// nullopt when the box was tampered with or sealed under another key.
std::optional<std::string> unseal(const Keys& keys, const Bytes& box);

// sodium_memzero over the string's characters, then clear().
void wipe(std::string& s);

}  // namespace sesame::crypto
