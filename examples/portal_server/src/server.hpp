// The HTTP/1.1 server: Boost.Asio and Beast, one io_context run by a pool of network threads,
// keep-alive, bounds on every part of a request, timeouts, optional TLS, and a graceful stop.
// Engine work runs on a separate worker pool, never on the network threads; an exception ends at
// most its own connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"

namespace portal {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;               // 0: any free port (see Server::port)
    unsigned threads = 0;                    // 0: one per core
    std::optional<std::string> tls_cert;     // PEM certificate chain; with tls_key, serve HTTPS
    std::optional<std::string> tls_key;      // PEM private key
    std::size_t body_limit = 16 * 1024;      // bytes of a request body; larger ones get 413
    std::size_t header_limit = 8 * 1024;     // bytes of a request's headers
    std::chrono::seconds timeout{30};        // reading a request, writing a response, or idling
    // Bytes of one chunk-size line (with its extensions) of a chunked body. A request's trailers
    // count against header_limit.
    std::size_t chunk_line_limit = 4 * 1024;
    std::size_t max_connections = 1000;      // beyond this, new connections get 503 and are closed
    unsigned workers = 0;                    // threads for engine work; 0: 4
    // How long a request may wait for (and in) the worker pool before it is answered 503 with
    // Retry-After.
    std::chrono::milliseconds queue_wait{10000};
    std::vector<std::string> hosts;          // Host names served; empty: default_hosts(address)
    std::vector<std::string> trusted_proxies;  // IP addresses allowed to send X-Forwarded-For
};

// The TLS 1.2 cipher suites offered (OpenSSL names): forward-secret AEAD only.
extern const char* const kTls12Ciphers;

// Checks that the listen address is an IP address and that plain HTTP stays on loopback.
// Returns "" or the reason it is refused, naming the setting to change.
std::string check_listen(const ServerOptions& options);

class Server {
public:
    // Binds and listens. Throws std::runtime_error with a message naming the setting at fault
    // (check_listen, a port in use, unreadable TLS files). The app must outlive the server.
    Server(App& app, const ServerOptions& options);
    ~Server();  // stop() and wait()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const;
    // Starts accepting on the thread pool.
    void start();
    // Graceful stop, from any thread: no new connections; idle keep-alive connections close; a
    // request being answered is answered first. Idempotent.
    void stop();
    // Blocks until every thread has finished.
    void wait();
    // start(), then stop() on SIGINT or SIGTERM, then wait().
    void run_until_signal();

    // Counters, for the operator's log and the tests.
    struct Stats {
        std::uint64_t refused_connections = 0;  // over max_connections
        std::uint64_t accept_backoffs = 0;      // accept failed for lack of descriptors or memory
        std::uint64_t handler_exceptions = 0;   // exceptions that ended a connection
        std::uint64_t queue_timeouts = 0;       // requests answered 503 after queue_wait
    };
    Stats stats() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace portal
