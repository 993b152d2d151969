// The HTTP/1.1 server: Boost.Asio and Beast, one io_context run by a pool of threads, keep-alive,
// a request size limit, timeouts, optional TLS, and a graceful stop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

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
};

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

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace portal
