// The server over TLS, with a throwaway self-signed certificate made for the test, and the
// graceful stop.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "certificate.hpp"
#include "support.hpp"

using namespace portal;
using namespace portal::test;

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;

// The test certificate (certificate.hpp) in two temporary files.
struct TestCertificate {
    sesame::test::TempDb cert_file{"portal-cert"};
    sesame::test::TempDb key_file{"portal-key"};

    TestCertificate() { write_test_certificate(cert_file.path().string(), key_file.path().string()); }
};

}  // namespace

TEST_CASE("TLS: HTTPS answers with HSTS and __Host- cookies marked Secure") {
    World w;
    TestCertificate cert;
    w.app = std::make_unique<App>(*w.engine, AppOptions{"demo", true, std::nullopt, 100, nullptr});
    ServerOptions s;
    s.port = 0;
    s.threads = 2;
    s.tls_cert = cert.cert_file.path().string();
    s.tls_key = cert.key_file.path().string();
    w.server = std::make_unique<Server>(*w.app, s);
    w.server->start();

    boost::asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_none);  // the test's own self-signed certificate
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).connect({boost::asio::ip::make_address("127.0.0.1"), w.server->port()});
    stream.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::get, "/", 11};
    req.set(http::field::host, "localhost");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    CHECK(res.result_int() == 200);
    CHECK(std::string(res[http::field::strict_transport_security]) == "max-age=31536000; includeSubDomains");
    const std::string cookie(res[http::field::set_cookie]);
    CHECK(std::regex_match(cookie,
                           std::regex("__Host-sesame-login=[A-Za-z0-9_-]+; Path=/; Secure; HttpOnly; SameSite=Lax")));
    CHECK(res.body().find("Phone number or email") != std::string::npos);
    CHECK(w.app->set_cookie(CookieKind::session, "tok") == "__Host-sesame=tok; Path=/; Secure; HttpOnly; SameSite=Lax");
}

TEST_CASE("TLS: unreadable certificate files are refused naming the setting") {
    World w;
    w.app = std::make_unique<App>(*w.engine, AppOptions{"demo", true, std::nullopt, 100, nullptr});
    ServerOptions s;
    s.port = 0;
    s.tls_cert = "/nonexistent/cert.pem";
    s.tls_key = "/nonexistent/key.pem";
    try {
        Server server(*w.app, s);
        FAIL("the server started without its certificate");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("tls_cert \"/nonexistent/cert.pem\" cannot be used") != std::string::npos);
    }
}

TEST_CASE("stop: idle keep-alive connections close at once, and nothing new is accepted") {
    World w;
    const auto port = w.start();
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{http::verb::get, "/", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    CHECK(res.keep_alive());

    // The connection now waits for its next request; stop() closes it instead of waiting for the
    // idle timeout, and wait() returns.
    w.server->stop();
    w.server->wait();
    beast::error_code ec;
    http::response<http::string_body> none;
    http::read(stream, buffer, none, ec);
    CHECK(ec);
    beast::tcp_stream late(ioc);
    late.socket().connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    CHECK(ec);  // refused: the listener is closed
}

TEST_CASE("TLS 1.2: only forward-secret AEAD suites are accepted") {
    World w;
    TestCertificate cert;
    w.app = std::make_unique<App>(*w.engine, AppOptions{"demo", true, std::nullopt, 100, nullptr});
    ServerOptions s;
    s.port = 0;
    s.threads = 2;
    s.tls_cert = cert.cert_file.path().string();
    s.tls_key = cert.key_file.path().string();
    w.server = std::make_unique<Server>(*w.app, s);
    w.server->start();

    // A TLS 1.2 client offering only `ciphers`: true when the handshake succeeds.
    const auto handshake = [&](const char* ciphers) {
        boost::asio::io_context ioc;
        ssl::context ctx(ssl::context::tls_client);
        ctx.set_verify_mode(ssl::verify_none);
        REQUIRE(SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION) == 1);
        REQUIRE(SSL_CTX_set_cipher_list(ctx.native_handle(), ciphers) == 1);
        beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
        beast::get_lowest_layer(stream).connect({boost::asio::ip::make_address("127.0.0.1"), w.server->port()});
        beast::error_code ec;
        stream.handshake(ssl::stream_base::client, ec);
        return !ec;
    };
    // The certificate's key is ECDSA (P-256): these suites could all work with it.
    CHECK(handshake("ECDHE-ECDSA-AES128-GCM-SHA256"));
    CHECK(handshake("ECDHE-ECDSA-AES256-GCM-SHA384"));
    CHECK(handshake("ECDHE-ECDSA-CHACHA20-POLY1305"));
    CHECK_FALSE(handshake("ECDHE-ECDSA-AES128-SHA"));     // CBC, not AEAD
    CHECK_FALSE(handshake("ECDHE-ECDSA-AES256-SHA384"));  // CBC, not AEAD
    CHECK_FALSE(handshake("AES128-GCM-SHA256"));          // no forward secrecy
}
