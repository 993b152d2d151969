#include "server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <csignal>
#include <iostream>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace portal {

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

Request to_request(const http::request<http::string_body>& in, const std::string& ip) {
    Request r;
    r.method = std::string(in.method_string());
    const std::string target(in.target());
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = parse_form(std::string_view(target).substr(q + 1));
    if (auto it = in.find(http::field::cookie); it != in.end()) r.cookies = parse_cookies(it->value());
    if (auto it = in.find(http::field::user_agent); it != in.end()) r.user_agent = std::string(it->value());
    if (auto it = in.find(http::field::content_type); it != in.end()) {
        const std::string_view type(it->value().data(), it->value().size());
        r.content_type = std::string(type);
        if (type.substr(0, 33) == "application/x-www-form-urlencoded") r.form = parse_form(in.body());
        else if (type.substr(0, 19) == "multipart/form-data") r.body = in.body();
    }
    r.ip = ip;
    return r;
}

http::response<http::string_body> to_beast(const Response& in, unsigned version, bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(in.status), version};
    out.set(http::field::content_type, in.content_type);
    for (const auto& [name, value] : in.headers) out.insert(name, value);
    out.body() = in.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
}

template <class Stream>
class HttpConnection final : public Connection, public std::enable_shared_from_this<HttpConnection<Stream>> {
public:
    HttpConnection(App& app, const ServerOptions& options, Stream&& stream)
        : app_(app), options_(options), stream_(std::move(stream)) {}

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
        // The header first, with no body limit yet: the route decides it (on_header). Not
        // boost::none: Boost 1.74 compares a Content-Length against an empty limit as exceeding it.
        parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
        idle_ = true;
        beast::get_lowest_layer(stream_).expires_after(options_.timeout);
        http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](
                                                                 beast::error_code ec, std::size_t) {
            self->on_header(ec);
        });
    }

    void too_large(bool body, const std::string& text = {}) {
        Response r;
        r.status = body ? 413 : 431;
        r.content_type = "text/plain; charset=utf-8";
        r.body = !text.empty() ? text : body ? "The request body is too large.\n" : "The request headers are too large.\n";
        app_.add_security_headers(r);
        write(to_beast(r, 11, false));
    }

    void on_header(beast::error_code ec) {
        idle_ = false;
        if (ec == http::error::header_limit) return too_large(false);
        if (ec) return close();
        const auto& in = parser_->get();
        const std::string target(in.target());
        const auto route_limit = app_.body_limit(std::string(in.method_string()), target.substr(0, target.find('?')));
        const std::size_t limit = route_limit.value_or(options_.body_limit);
        if (parser_->content_length() && *parser_->content_length() > limit)
            return too_large(true, route_limit ? "The file is too large for this portal. Go back and choose a file of at most " +
                                                     std::to_string((limit - kUploadFormMargin) / 1024) + " KB.\n"
                                               : std::string());
        parser_->body_limit(limit);
        if (parser_->is_done()) return on_read({});  // no body
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code read_ec, std::size_t) { self->on_read(read_ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::body_limit) return too_large(true);
        if (ec) return close();
        const auto& in = parser_->get();
        boost::system::error_code endpoint_ec;
        const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(endpoint_ec);
        const Request request = to_request(in, endpoint_ec ? std::string() : remote.address().to_string());
        const Response response = app_.handle(request);
        write(to_beast(response, in.version(), in.keep_alive() && !stopping_));
    }

    void write(http::response<http::string_body>&& response) {
        response_ = std::make_shared<http::response<http::string_body>>(std::move(response));
        beast::get_lowest_layer(stream_).expires_after(options_.timeout);
        http::async_write(stream_, *response_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              const bool again = !ec && self->response_->keep_alive();
                              self->response_.reset();
                              if (again) self->read();
                              else self->close();
                          });
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

    App& app_;
    const ServerOptions& options_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<http::response<http::string_body>> response_;
    bool idle_ = false;
    bool stopping_ = false;
    bool closed_ = false;
};

}  // namespace

struct Server::Impl {
    App& app;
    ServerOptions options;
    net::io_context ioc;
    std::optional<ssl::context> tls;
    tcp::acceptor acceptor;
    net::signal_set signals;
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::vector<std::weak_ptr<Connection>> connections;
    bool stopped = false;

    Impl(App& a, const ServerOptions& o)
        : app(a), options(o), ioc(static_cast<int>(thread_count())), acceptor(net::make_strand(ioc)), signals(ioc) {}

    unsigned thread_count() const {
        if (options.threads > 0) return options.threads;
        const unsigned n = std::thread::hardware_concurrency();
        return n > 0 ? n : 1;
    }

    void accept() {
        acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
            if (!ec) launch(std::move(socket));
            accept();
        });
    }

    void launch(tcp::socket socket) {
        std::shared_ptr<Connection> connection;
        if (tls) {
            auto c = std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(
                app, options, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls));
            c->start();
            connection = c;
        } else {
            auto c = std::make_shared<HttpConnection<beast::tcp_stream>>(app, options,
                                                                         beast::tcp_stream(std::move(socket)));
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
};

Server::Server(App& app, const ServerOptions& options) : impl_(std::make_unique<Impl>(app, options)) {
    if (const std::string problem = check_listen(options); !problem.empty()) throw std::runtime_error(problem);
    if (options.tls_cert) {
        impl_->tls.emplace(ssl::context::tls_server);
        auto& ctx = *impl_->tls;
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
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
    for (unsigned i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
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
        impl->signals.cancel(ignored);
    });
    for (auto& c : live) c->stop();
}

void Server::wait() {
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
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
