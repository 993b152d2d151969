#include "server.hpp"

#include "exchange.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <csignal>
#include <iostream>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace portal {

// TLS 1.2 cipher suites: ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305.
const char* const kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

std::string check_listen(const ServerOptions& options) {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options.address, ec);
    if (ec) return "address \"" + options.address + "\" is not an IP address: give one such as 127.0.0.1 or 0.0.0.0";
    if (options.tls_cert.has_value() != options.tls_key.has_value())
        return "tls_cert and tls_key go together: give both files, or neither";
    if (!options.tls_cert && !address.is_loopback())
        return "address " + options.address +
               " is not a loopback address and TLS is off: plain HTTP would send login codes and session cookies "
               "in clear. Give tls_cert and tls_key, or listen on 127.0.0.1";
    return {};
}

namespace {

// What the server's registry knows of a connection: enough to close it on stop.
class Connection {
public:
    virtual ~Connection() = default;
    virtual void stop() = 0;
};

// What the connections share with the server (Server::Impl outlives every connection).
struct Shared {
    App& app;
    ServerOptions options;
    ExchangeOptions exchange;
    net::thread_pool& workers;
    std::atomic<std::size_t> live{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> backoffs{0};
    std::atomic<std::uint64_t> exceptions{0};
    std::atomic<std::uint64_t> queue_timeouts{0};
};

bool is_http_error(const beast::error_code& ec) {
    return ec.category() == beast::error_code(http::error::bad_target).category();
}

template <class Stream>
class HttpConnection final : public Connection, public std::enable_shared_from_this<HttpConnection<Stream>> {
public:
    HttpConnection(Shared& shared, Stream&& stream)
        : shared_(shared),
          options_(shared.options),
          stream_(std::move(stream)),
          buffer_(shared.options.header_limit + shared.options.chunk_line_limit),
          timer_(stream_.get_executor()) {
        shared_.live.fetch_add(1);
    }
    ~HttpConnection() override { shared_.live.fetch_sub(1); }

    void start() {
        net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->handshake(); });
    }

    void stop() override {
        net::post(stream_.get_executor(), [self = this->shared_from_this()] {
            self->stopping_ = true;
            if (self->idle_) beast::get_lowest_layer(self->stream_).cancel();
        });
    }

private:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    void handshake() {
        if constexpr (kTls) {
            beast::get_lowest_layer(stream_).expires_after(options_.timeout);
            stream_.async_handshake(ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (ec) return;  // a failed handshake just closes
                                        self->read();
                                    });
        } else {
            read();
        }
    }

    void read() {
        if (stopping_) return close();
        parser_.emplace();
        prepare_parser(*parser_, shared_.exchange);
        idle_ = true;
        beast::get_lowest_layer(stream_).expires_after(options_.timeout);
        http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](
                                                                 beast::error_code ec, std::size_t) {
            self->on_header(ec);
        });
    }

    // An answer the transport makes itself; the connection closes after it.
    void answer(int status, const std::string& text) {
        linger_ = true;
        write(plain_response(shared_.app, status, text, 11, false));
    }

    void on_header(beast::error_code ec) {
        idle_ = false;
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
            return answer(431, "The request headers are too large.\n");
        if (ec && is_http_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message)
            return answer(400, "The request is malformed.\n");
        if (ec) return close();
        const auto& in = parser_->get();
        const std::string method(in.method_string());
        const std::string target(in.target());
        const std::string path = target.substr(0, target.find('?'));
        if (!App::decides_body_limit(method, path)) return on_decision(decide_body(*parser_, shared_.exchange, false, {}));
        // The route's limit depends on who asks (a signed-in client of a portal that allows
        // uploads): the engine decides, off this thread, before a byte of the body is read.
        const Request head = to_request(in, client_key(peer()), false);
        run_job(
            [&app = shared_.app, head]() -> std::optional<std::size_t> {
                try {
                    return app.body_limit(head);
                } catch (const std::exception& e) {
                    std::cerr << "error: deciding the body limit of " << head.path << ": " << e.what() << "\n";
                    return std::nullopt;  // no body read: the page answers without it
                }
            },
                [self = this->shared_from_this()](std::optional<std::size_t> grant) {
                    self->on_decision(decide_body(*self->parser_, self->shared_.exchange, true, grant));
                });
    }

    void on_decision(const BodyDecision& decision) {
        if (decision.kind == BodyDecision::too_large) return answer(413, decision.message);
        if (decision.kind == BodyDecision::without_body) {
            without_body_ = true;
            linger_ = true;
            return on_read({});
        }
        parser_->body_limit(decision.limit);
        if (parser_->is_done()) return on_read({});  // no body
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code read_ec, std::size_t) { self->on_read(read_ec); });
    }

    boost::asio::ip::address peer() {
        boost::system::error_code ec;
        const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        return ec ? boost::asio::ip::address() : remote.address();
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::body_limit) return answer(413, "The request body is too large.\n");
        if (ec == http::error::buffer_overflow)
            return answer(400, "A chunk line or the trailers of the request are too long.\n");
        if (ec && is_http_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message)
            return answer(400, "The request is malformed.\n");
        if (ec) return close();
        // A request whose body was not read leaves the connection unusable for another request.
        const bool keep_alive = parser_->get().keep_alive() && !stopping_ && !without_body_;
        const bool with_body = !without_body_;
        without_body_ = false;
        auto request = std::make_shared<BeastRequest>(parser_->release());
        const auto from = peer();
        if (answered_inline(*request))
            return write(respond(shared_.app, *request, from, shared_.exchange, keep_alive, with_body));
        run_job(
            [&shared = shared_, request, from, keep_alive, with_body] {
                return respond(shared.app, *request, from, shared.exchange, keep_alive, with_body);
            },
            [self = this->shared_from_this()](BeastResponse response) { self->write(std::move(response)); });
    }

    // Runs `work` on the worker pool and `then` with its result on this connection's strand, unless
    // queue_wait passes first: then the request is answered 503 with Retry-After, and the result,
    // if it ever comes, is dropped. `work` must not throw.
    template <class Work, class Then>
    void run_job(Work work, Then then) {
        const std::uint64_t id = ++job_;
        job_open_ = true;
        auto cancelled = std::make_shared<std::atomic<bool>>(false);
        timer_.expires_after(options_.queue_wait);
        timer_.async_wait([self = this->shared_from_this(), id, cancelled](beast::error_code ec) {
            if (ec || !self->job_open_ || self->job_ != id) return;
            self->job_open_ = false;
            cancelled->store(true);
            self->shared_.queue_timeouts.fetch_add(1);
            self->answer(503, "The server is busy. Try again in a few seconds.\n");
        });
        net::post(shared_.workers, [self = this->shared_from_this(), id, cancelled, work = std::move(work),
                                    then = std::move(then)]() mutable {
            if (cancelled->load()) return;  // answered 503 while it waited
            try {
                auto result = work();
                net::post(self->stream_.get_executor(),
                          [self, id, result = std::move(result), then = std::move(then)]() mutable {
                              if (!self->job_open_ || self->job_ != id) return;
                              self->job_open_ = false;
                              self->timer_.cancel();
                              then(std::move(result));
                          });
            } catch (...) {
                // Out of memory, say: the job gives no answer, and queue_wait answers 503.
                self->shared_.exceptions.fetch_add(1);
            }
        });
    }

    void write(BeastResponse&& response) {
        response_ = std::make_shared<BeastResponse>(std::move(response));
        beast::get_lowest_layer(stream_).expires_after(options_.timeout);
        http::async_write(stream_, *response_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              const bool again = !ec && self->response_->keep_alive();
                              self->response_.reset();
                              if (again) self->read();
                              else if (self->linger_) self->linger();
                              else self->close();
                          });
    }

    // After an answer to a request whose rest was not read: stop sending, and read what the
    // client still sends (at most kLingerBytes, for at most kLingerTime) before closing, so that
    // closing with unread data does not reset the connection before the client has read the answer.
    static constexpr std::size_t kLingerBytes = 1024 * 1024;
    static constexpr std::chrono::seconds kLingerTime{2};
    void linger() {
        if constexpr (kTls) {
            close();
        } else {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            stream_.expires_after(kLingerTime);
            drain();
        }
    }
    void drain() {
        if constexpr (!kTls) {
            stream_.async_read_some(net::buffer(scratch_), [self = this->shared_from_this()](beast::error_code ec,
                                                                                             std::size_t n) {
                self->drained_ += n;
                if (ec || self->drained_ >= kLingerBytes || self->stopping_) return self->close();
                self->drain();
            });
        }
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        if constexpr (kTls) {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream_).socket().close(ignored);
            });
        } else {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            stream_.socket().close(ignored);
        }
    }

    Shared& shared_;
    const ServerOptions& options_;
    Stream stream_;
    beast::flat_buffer buffer_;  // bounded: a header, a chunk line or the trailers must fit in it
    net::steady_timer timer_;    // the queue_wait of the current job
    std::optional<BeastParser> parser_;
    std::shared_ptr<BeastResponse> response_;
    std::uint64_t job_ = 0;
    bool job_open_ = false;
    bool without_body_ = false;
    bool linger_ = false;
    std::size_t drained_ = 0;
    std::array<char, 4096> scratch_{};
    bool idle_ = false;
    bool stopping_ = false;
    bool closed_ = false;
};

unsigned worker_count(const ServerOptions& options) { return options.workers > 0 ? options.workers : 4; }

ExchangeOptions exchange_options(const ServerOptions& options) {
    ExchangeOptions e;
    e.hosts = options.hosts.empty() ? default_hosts(options.address) : options.hosts;
    for (auto& h : e.hosts)
        for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& p : options.trusted_proxies) {
        boost::system::error_code ec;
        const auto a = net::ip::make_address(p, ec);
        if (ec) throw std::runtime_error("trusted_proxies: \"" + p + "\" is not an IP address: give addresses such as 127.0.0.1");
        e.trusted_proxies.push_back(a);
    }
    e.header_limit = options.header_limit;
    e.body_limit = options.body_limit;
    return e;
}

}  // namespace

struct Server::Impl {
    Shared shared;
    net::io_context ioc;
    std::optional<ssl::context> tls;
    tcp::acceptor acceptor;
    net::steady_timer backoff;
    std::chrono::milliseconds backoff_delay{0};
    net::signal_set signals;
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::vector<std::weak_ptr<Connection>> connections;
    bool stopped = false;
    // Last, so destroyed first: a job it still holds releases its connection while the
    // io_context and the shared state are alive.
    net::thread_pool workers;

    Impl(App& a, const ServerOptions& o)
        : shared{a, o, exchange_options(o), workers},
          ioc(static_cast<int>(thread_count())),
          acceptor(net::make_strand(ioc)),
          backoff(acceptor.get_executor()),
          signals(ioc),
          workers(worker_count(o)) {}

    const ServerOptions& options() const { return shared.options; }

    unsigned thread_count() const {
        if (shared.options.threads > 0) return shared.options.threads;
        const unsigned n = std::thread::hardware_concurrency();
        return n > 0 ? n : 1;
    }

    void accept() {
        acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
            if (ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
                ec == net::error::no_buffer_space || ec == net::error::no_memory) {
                // Accepting again at once would fail again at once: wait, longer each time (at
                // most 1 s), so that closing connections can free descriptors.
                shared.backoffs.fetch_add(1);
                backoff_delay = std::min(std::chrono::milliseconds(1000),
                                         backoff_delay.count() == 0 ? std::chrono::milliseconds(10) : backoff_delay * 2);
                if (backoff_delay == std::chrono::milliseconds(1000) || shared.backoffs.load() == 1)
                    std::cerr << "warning: cannot accept connections: " << ec.message() << " (raise the limit of open "
                              << "files, or lower max_connections)\n";
                backoff.expires_after(backoff_delay);
                backoff.async_wait([this](beast::error_code wait_ec) {
                    if (!wait_ec && acceptor.is_open()) accept();
                });
                return;
            }
            backoff_delay = std::chrono::milliseconds(0);
            if (!ec) {
                if (shared.live.load() >= shared.options.max_connections) refuse(std::move(socket));
                else launch(std::move(socket));
            }
            accept();
        });
    }

    // Over max_connections: a short 503 if the socket takes it at once (plain HTTP), then close.
    void refuse(tcp::socket socket) {
        shared.refused.fetch_add(1);
        beast::error_code ignored;
        if (!tls) {
            static const std::string kText = "The server is busy. Try again in a few seconds.\n";
            static const std::string kBusy =
                "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n"
                "Content-Length: " + std::to_string(kText.size()) + "\r\nConnection: close\r\n\r\n" + kText;
            socket.non_blocking(true, ignored);
            socket.write_some(net::buffer(kBusy), ignored);
            socket.shutdown(tcp::socket::shutdown_send, ignored);
        }
        socket.close(ignored);
    }

    void launch(tcp::socket socket) {
        std::shared_ptr<Connection> connection;
        if (tls) {
            auto c = std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(
                shared, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls));
            c->start();
            connection = c;
        } else {
            auto c = std::make_shared<HttpConnection<beast::tcp_stream>>(shared, beast::tcp_stream(std::move(socket)));
            c->start();
            connection = c;
        }
        std::lock_guard lock(mutex);
        if (stopped) {
            connection->stop();
            return;
        }
        std::erase_if(connections, [](const auto& w) { return w.expired(); });
        connections.push_back(connection);
    }

    // A network thread: an exception from a handler ends that handler's connection (its state is
    // released with the handler) and the thread goes on serving the others.
    void run_thread() {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                shared.exceptions.fetch_add(1);
                std::cerr << "error: a connection ended on an exception: " << e.what() << "\n";
            } catch (...) {
                shared.exceptions.fetch_add(1);
                std::cerr << "error: a connection ended on an unknown exception\n";
            }
        }
    }
};

Server::Server(App& app, const ServerOptions& options) : impl_(std::make_unique<Impl>(app, options)) {
    if (const std::string problem = check_listen(options); !problem.empty()) throw std::runtime_error(problem);
    if (options.tls_cert) {
        impl_->tls.emplace(ssl::context::tls_server);
        auto& ctx = *impl_->tls;
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
        // TLS 1.2: forward-secret key exchange and AEAD ciphers only (TLS 1.3's suites all are).
        if (SSL_CTX_set_cipher_list(ctx.native_handle(), kTls12Ciphers) != 1)
            throw std::runtime_error("the TLS library offers none of the forward-secret AEAD cipher suites");
        SSL_CTX_set_options(ctx.native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
        boost::system::error_code ec;
        ctx.use_certificate_chain_file(*options.tls_cert, ec);
        if (ec) throw std::runtime_error("tls_cert \"" + *options.tls_cert + "\" cannot be used: " + ec.message());
        ctx.use_private_key_file(*options.tls_key, ssl::context::pem, ec);
        if (ec) throw std::runtime_error("tls_key \"" + *options.tls_key + "\" cannot be used: " + ec.message());
    } else {
        std::cerr << "WARNING: serving plain HTTP on " << options.address
                  << ": for this computer only. Give tls_cert and tls_key to serve anyone else.\n";
    }
    const tcp::endpoint endpoint(net::ip::make_address(options.address), options.port);
    boost::system::error_code ec;
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
                                 ec.message() + " (change address or port)");
}

Server::~Server() {
    stop();
    wait();
}

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::start() {
    impl_->accept();
    const unsigned n = impl_->thread_count();
    for (unsigned i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->run_thread(); });
}

void Server::stop() {
    std::vector<std::shared_ptr<Connection>> live;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return;
        impl_->stopped = true;
        for (const auto& w : impl_->connections)
            if (auto c = w.lock()) live.push_back(std::move(c));
        impl_->connections.clear();
    }
    net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
        beast::error_code ignored;
        impl->acceptor.close(ignored);
        impl->backoff.cancel();
        impl->signals.cancel(ignored);
    });
    for (auto& c : live) c->stop();
}

void Server::wait() {
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    // A job still running (a lock held elsewhere) finishes; its answer goes nowhere.
    impl_->workers.join();
}

Server::Stats Server::stats() const {
    Stats s;
    s.refused_connections = impl_->shared.refused.load();
    s.accept_backoffs = impl_->shared.backoffs.load();
    s.handler_exceptions = impl_->shared.exceptions.load();
    s.queue_timeouts = impl_->shared.queue_timeouts.load();
    return s;
}

void Server::run_until_signal() {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([this](const beast::error_code& ec, int) {
        if (ec) return;
        std::cerr << "stopping: finishing the requests in progress\n";
        stop();
    });
    start();
    wait();
}

}  // namespace portal
