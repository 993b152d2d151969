// Sesame — BlobStore: where the bytes of uploaded and attached files live.
//
// A BlobStore must be safe to call from any number of threads at once. It names every file itself
// (32 lowercase hex digits from libsodium's randombytes_buf); no name a client or caller chose ever
// becomes a path.
#pragma once

#include "sesame/export.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sesame/status.hpp"

namespace sesame {

// A stored file: its generated name, size and SHA-256 (64 lowercase hex digits).
struct BlobRef {
    std::string name;
    std::int64_t size = 0;
    std::string sha256;
};

class SESAME_CXX_API BlobStore {
public:
    virtual ~BlobStore() = default;
    // Stores a copy of `bytes` under a new generated name. STORAGE on I/O failure (nothing is left behind).
    virtual Result<BlobRef> put(std::span<const std::uint8_t> bytes) = 0;
    // The bytes stored under `name`. INVALID_ARGUMENT for a name that is not a generated one;
    // NOT_FOUND when no such file exists; STORAGE on I/O failure.
    virtual Result<std::vector<std::uint8_t>> read(const std::string& name) = 0;
    // Deletes the file. INVALID_ARGUMENT as for read; NOT_FOUND when absent; STORAGE on I/O failure.
    virtual Status remove(const std::string& name) = 0;
};

// True for a name BlobStore generates: exactly 32 characters of [0-9a-f].
SESAME_CXX_API bool is_blob_name(std::string_view name);

// SHA-256 of `bytes` (libsodium crypto_hash_sha256) as 64 lowercase hex digits.
SESAME_CXX_API std::string sha256_hex(std::span<const std::uint8_t> bytes);

// Files in one folder, created (mode 0700) when absent. Each file is written with mode 0600 to a
// temporary name, flushed with fsync and renamed into place, so a reader never sees half a file.
// INVALID_ARGUMENT for an empty folder name; STORAGE when the folder cannot be created or is not
// a folder; CRYPTO when libsodium cannot start.
SESAME_CXX_API Result<std::shared_ptr<BlobStore>> make_filesystem_blob_store(const std::string& folder);

}  // namespace sesame
