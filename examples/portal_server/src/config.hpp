// The server's configuration: a JSON file (--config) and command-line flags that override it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "transports.hpp"

namespace portal {

struct Config {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string database = "sesame.db";
    std::string key_file;                    // default: the database path + ".key"
    std::string blob_dir;                    // default: the database path + ".files"
    std::string portal;                      // slug; default: the database's only portal
    std::optional<std::string> tls_cert;
    std::optional<std::string> tls_key;
    std::optional<std::string> staff_token;  // the /admin area is off without one
    unsigned threads = 0;                    // network threads; 0: one per core
    unsigned workers = 0;                    // threads for engine work; 0: 4
    std::size_t max_connections = 1000;
    unsigned queue_wait_seconds = 10;        // a request waiting longer for a worker gets 503
    std::vector<std::string> hosts;          // Host names served; empty: the listen address and loopback names
    std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
    // The engine runs on a FakeClock that staff move forward from /admin (tests of expiry).
    // Loopback with a staff token only.
    bool test_clock = false;
    // Live messages leave through these; without one, that channel's live messages stay queued.
    std::optional<SmtpSettings> smtp;
    std::optional<SmsWebhookSettings> sms_webhook;
    bool help = false;
};

// A configuration the server cannot start with; the message names the key or flag and the fix.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads `--config FILE` (if given) and then the other flags over it; fills the key file's
// default. Throws ConfigError for unknown keys or flags, wrong types and out-of-range values.
Config load_config(const std::vector<std::string>& args);

std::string help_text();

}  // namespace portal
