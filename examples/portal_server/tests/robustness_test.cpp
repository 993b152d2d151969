// The server under hostile and unlucky conditions: malformed and oversized requests, a database
// lock held elsewhere, a failing store, too many connections, brute force on the staff sign-in,
// and the HTTP details (HEAD, Allow, Host, X-Forwarded-For, no-store).
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <thread>

#include "exchange.hpp"
#include "support.hpp"

namespace portal::test {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A client that speaks raw bytes. Reads give up after 20 s (the client's timeout), so that a
// server that never answers fails the test instead of hanging it.
class RawClient {
public:
    explicit RawClient(std::uint16_t port, bool connect_now = true) : socket_(ioc_), port_(port) {
        socket_.open(tcp::v4());
        timeval tv{20, 0};
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect_now) connect();
    }
    void connect() { socket_.connect({net::ip::make_address("127.0.0.1"), port_}); }
    // Sends everything it can; false once the server has closed or reset the connection.
    bool send(const std::string& bytes) {
        boost::system::error_code ec;
        net::write(socket_, net::buffer(bytes), ec);
        return !ec;
    }
    // Everything until the server closes (or the client's timeout).
    std::string read_all() {
        std::string out;
        std::array<char, 4096> chunk{};
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = socket_.read_some(net::buffer(chunk), ec);
            out.append(chunk.data(), n);
            if (ec) break;
        }
        return out;
    }
    // One response (headers, then Content-Length bytes), the connection left open.
    std::string read_response() {
        std::string out;
        std::array<char, 1> c{};
        while (!has(out, "\r\n\r\n")) {
            boost::system::error_code ec;
            if (socket_.read_some(net::buffer(c), ec) == 0 || ec) return out;
            out += c[0];
        }
        std::size_t length = 0;
        const auto at = out.find("Content-Length: ");
        if (at != std::string::npos) length = std::stoul(out.substr(at + 16));
        std::string body(length, '\0');
        boost::system::error_code ec;
        net::read(socket_, net::buffer(body), ec);
        return out + body;
    }
    void close() {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    net::io_context ioc_;
    tcp::socket socket_;
    std::uint16_t port_;
};

int status_of(const std::string& response) {
    if (response.size() < 12 || (response.compare(0, 9, "HTTP/1.1 ") != 0 && response.compare(0, 9, "HTTP/1.0 ") != 0))
        return 0;
    return std::stoi(response.substr(9, 3));
}

// A second connection to the test's database, as another process would hold it.
class Raw {
public:
    explicit Raw(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK); }
    ~Raw() { sqlite3_close(db_); }
    void exec(const std::string& sql) {
        char* error = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
        const std::string message = error ? error : "";
        sqlite3_free(error);
        REQUIRE_MESSAGE(rc == SQLITE_OK, message);
    }

private:
    sqlite3* db_ = nullptr;
};

// The chunked request of about 64 KB, sent by nobody signed in, that once ended the whole process.
std::string chunked_64k(const std::string& target) {
    std::string request = "POST " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 16; ++i) request += "1000\r\n" + std::string(4096, 'a') + "\r\n";
    return request + "0\r\n\r\n";
}

TEST_CASE("robustness: the anonymous 64 KB chunked requests leave the server answering") {
    World w;
    sesame::UploadPolicy policy;  // uploads allowed: the route that may grant a larger body
    policy.portal_id = w.portal.id;
    policy.allow_documents = true;
    policy.max_bytes = 5 * 1024 * 1024;
    REQUIRE(w.engine->set_upload_policy(w.root, policy).ok());
    const auto port = w.start();
    for (const char* target : {"/uploads", "/login", "/", "/verify", "/admin/login"}) {
        RawClient c(port);
        c.send(chunked_64k(target));
        const int status = status_of(c.read_all());
        CAPTURE(target);
        CHECK(status >= 300);
        CHECK(status < 500);
    }
    Browser b(port);
    CHECK(b.get("/").status == 200);
    CHECK(w.server->stats().handler_exceptions == 0);
}

TEST_CASE("robustness: malformed requests get 400 and the server goes on") {
    World w;
    const auto port = w.start();
    const std::vector<std::string> bad = {
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    };
    for (const auto& request : bad) {
        RawClient c(port);
        c.send(request);
        CAPTURE(request);
        CHECK(status_of(c.read_all()) == 400);
    }
    CHECK(Browser(port).get("/").status == 200);
}

TEST_CASE("robustness: every part of a request is bounded") {
    World w;
    const auto port = w.start();
    const std::string head = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n";

    SUBCASE("endless headers: 431 once past the header limit") {
        RawClient c(port);
        c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 64 && c.send("X-Filler: " + std::string(1000, 'h') + "\r\n"); ++i) {
        }
        CHECK(status_of(c.read_all()) == 431);
    }
    SUBCASE("a chunk line with endless extensions: 400 once past the bound, without its end") {
        RawClient c(port);
        c.send(head + "Transfer-Encoding: chunked\r\n\r\n1");
        for (int i = 0; i < 64 && c.send(";ext=" + std::string(1000, 'e')); ++i) {
        }
        CHECK(status_of(c.read_all()) == 400);
    }
    SUBCASE("endless trailers: 400 once past the bound") {
        RawClient c(port);
        c.send(head + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n");
        for (int i = 0; i < 64 && c.send("X-Trailer: " + std::string(1000, 't') + "\r\n"); ++i) {
        }
        CHECK(status_of(c.read_all()) == 400);
    }
    SUBCASE("a chunked body past the body limit: 413") {
        RawClient c(port);
        std::string request = head + "Transfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 8; ++i) request += "1000\r\n" + std::string(4096, 'a') + "\r\n";
        c.send(request + "0\r\n\r\n");
        CHECK(status_of(c.read_all()) == 413);
    }
    SUBCASE("a declared body past the limit: 413 before it is read") {
        RawClient c(port);
        c.send(head + "Content-Length: 100000000\r\n\r\n");
        CHECK(status_of(c.read_all()) == 413);
    }
    CHECK(Browser(port).get("/").status == 200);
}

TEST_CASE("robustness: an anonymous upload's body is never read") {
    World w;
    sesame::UploadPolicy policy;
    policy.portal_id = w.portal.id;
    policy.allow_documents = true;
    policy.allow_photos = true;
    policy.max_bytes = 5 * 1024 * 1024;
    REQUIRE(w.engine->set_upload_policy(w.root, policy).ok());
    const auto port = w.start();
    RawClient c(port);
    // Headers only: the server answers without waiting for the 5 MB it was promised.
    c.send("POST /uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
           "Content-Length: 5000000\r\n\r\n");
    const std::string response = c.read_all();
    CHECK(status_of(response) == 303);
    CHECK(has(response, "Connection: close"));
}

TEST_CASE("robustness: a lock held elsewhere stalls neither the stylesheet nor the answer: 503 with Retry-After") {
    World w;
    const auto port = w.start({}, [](ServerOptions& s) {
        s.workers = 1;
        s.queue_wait = std::chrono::milliseconds(300);
    });
    Browser b(port);
    const Reply home = b.get("/");
    REQUIRE(home.status == 200);
    Raw other(w.db.str());
    other.exec("BEGIN IMMEDIATE; INSERT INTO counters VALUES ('held', 1, 0, 0);");
    // Starting a login writes: it waits for the lock, past the wait limit.
    const Reply stuck = b.submit(home, "/login", {{"identifier", World::kPhone}});
    CHECK(stuck.status == 503);
    CHECK(stuck.header("Retry-After") == "5");
    // The only worker is still waiting for the lock; the stylesheet does not need one.
    const Reply css = b.get("/static/portal.css");
    CHECK(css.status == 200);
    CHECK(has(css.header("Content-Type"), "text/css"));
    // Another page waits behind the stuck one and is answered 503 too.
    CHECK(b.get("/").status == 503);
    other.exec("ROLLBACK;");
    CHECK(w.server->stats().queue_timeouts >= 2);
}

TEST_CASE("robustness: a storage error while touching a session keeps the cookie: 503") {
    World w;
    Browser b(w.start());
    const Reply verify = start_login(b);
    REQUIRE(b.submit(verify, "/verify", {{"code", "000042"}}).status == 303);
    REQUIRE(b.get("/dashboard").status == 200);
    const auto cookie = b.jar;
    Raw other(w.db.str());
    other.exec("CREATE TRIGGER fail_touch BEFORE UPDATE ON sessions BEGIN SELECT RAISE(FAIL, 'disk I/O error'); END;");
    w.clock->advance(120);  // past the touch interval, within the idle timeout
    const Reply failed = b.get("/dashboard");
    CHECK(failed.status == 503);
    CHECK(failed.header("Retry-After") == "5");
    CHECK(failed.set_cookies.empty());
    CHECK(b.jar == cookie);
    other.exec("DROP TRIGGER fail_touch;");
    CHECK(b.get("/dashboard").status == 200);  // still signed in
}

TEST_CASE("robustness: connections beyond max_connections get 503 and the others go on") {
    World w;
    const auto port = w.start({}, [](ServerOptions& s) { s.max_connections = 2; });
    const std::string get = "GET /static/portal.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    RawClient first(port), second(port);
    REQUIRE(first.send(get));
    CHECK(status_of(first.read_response()) == 200);
    REQUIRE(second.send(get));
    CHECK(status_of(second.read_response()) == 200);
    RawClient third(port);
    const std::string refused = third.read_all();
    CHECK(status_of(refused) == 503);
    CHECK(has(refused, "Retry-After: 5"));
    CHECK(w.server->stats().refused_connections == 1);
    REQUIRE(first.send(get));  // the connections within the cap are served as before
    CHECK(status_of(first.read_response()) == 200);
}

TEST_CASE("robustness: out of file descriptors, accept backs off and then serves the waiting client") {
    World w;
    const auto port = w.start();
    rlimit old{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
    // Fill the descriptor table up to a lowered limit, then free one for the client's socket:
    // the server's accept has none left.
    std::vector<int> held;
    RawClient c(port, false);  // its socket made while there are descriptors; connected below
    rlimit low = old;
    low.rlim_cur = static_cast<rlim_t>(::dup(0));
    ::close(static_cast<int>(low.rlim_cur));
    low.rlim_cur += 16;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (int fd; (fd = ::dup(0)) >= 0;) held.push_back(fd);
    REQUIRE(errno == EMFILE);
    c.connect();  // the kernel completes the connection; the server's accept finds no descriptor
    c.send("GET /static/portal.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    // Until the server has met the shortage (the client's timeout bounds the wait).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (w.server->stats().accept_backoffs == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    for (const int fd : held) ::close(fd);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK(w.server->stats().accept_backoffs >= 1);
    CHECK(status_of(c.read_all()) == 200);  // accepted once descriptors were free again
}

TEST_CASE("robustness: staff sign-in is throttled per address, failures audited") {
    World w;
    AppOptions o;
    o.staff_token = "staff-token-0123456789";
    Browser b(w.start(o));
    Reply page = b.get("/admin");
    for (int i = 0; i < App::kStaffFailures; ++i) {
        const Reply r = b.submit(page, "/admin/login", {{"token", "wrong-" + std::to_string(i)}});
        CHECK(r.status == 403);
    }
    // Over the limit even the right token waits.
    const Reply held = b.submit(page, "/admin/login", {{"token", "staff-token-0123456789"}});
    CHECK(held.status == 429);
    CHECK(std::stoi(held.header("Retry-After")) > 0);
    CHECK(b.jar.count("sesame-admin") == 0);
    auto audit = World::must(w.engine->audit_log(w.root, w.agency.id, 100));
    int failures = 0;
    for (const auto& e : audit)
        if (e.action == "staff.sign_in" && e.reason == "wrong_staff_token" && e.ip == "127.0.0.1") ++failures;
    CHECK(failures == App::kStaffFailures);
    w.clock->advance(App::kStaffWindow);
    page = b.get("/admin");
    CHECK(b.submit(page, "/admin/login", {{"token", "staff-token-0123456789"}}).status == 303);
}

TEST_CASE("robustness: X-Forwarded-For counts only from a trusted proxy") {
    World w;
    AppOptions o;
    o.staff_token = "staff-token-0123456789";
    const auto port = w.start(o, [](ServerOptions& s) { s.trusted_proxies = {"127.0.0.1"}; });
    Browser b(port);
    Reply page = b.get("/admin");
    // The raw request: the test's browser sends no X-Forwarded-For.
    const std::string form = "token=wrong&csrf=" + url_encode(Browser::csrf(page.body));
    std::string cookies;
    for (const auto& [k, v] : b.jar) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    RawClient c(port);
    c.send("POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookies +
           "\r\nX-Forwarded-For: 198.51.100.7, 203.0.113.9\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Content-Length: " + std::to_string(form.size()) + "\r\nConnection: close\r\n\r\n" + form);
    CHECK(status_of(c.read_all()) == 403);
    auto audit = World::must(w.engine->audit_log(w.root, w.agency.id, 10));
    REQUIRE_FALSE(audit.empty());
    CHECK(audit.front().ip == "203.0.113.9");
}

TEST_CASE("robustness: X-Forwarded-For from an untrusted peer is ignored") {
    World w;
    AppOptions o;
    o.staff_token = "staff-token-0123456789";
    const auto port = w.start(o);
    Browser b(port);
    Reply page = b.get("/admin");
    const std::string form = "token=wrong&csrf=" + url_encode(Browser::csrf(page.body));
    std::string cookies;
    for (const auto& [k, v] : b.jar) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    RawClient c(port);
    c.send("POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookies +
           "\r\nX-Forwarded-For: 203.0.113.9\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Content-Length: " + std::to_string(form.size()) + "\r\nConnection: close\r\n\r\n" + form);
    CHECK(status_of(c.read_all()) == 403);
    auto audit = World::must(w.engine->audit_log(w.root, w.agency.id, 10));
    REQUIRE_FALSE(audit.empty());
    CHECK(audit.front().ip == "127.0.0.1");
}

TEST_CASE("http: HEAD, Allow, Host and no-store on a 404 with a session") {
    World w;
    const auto port = w.start();
    SUBCASE("HEAD answers GET's headers without the body") {
        RawClient c(port);
        c.send("HEAD /static/portal.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const std::string response = c.read_all();
        CHECK(status_of(response) == 200);
        const auto end = response.find("\r\n\r\n");
        REQUIRE(end != std::string::npos);
        CHECK(response.size() == end + 4);  // no body
        CHECK(std::stoul(response.substr(response.find("Content-Length: ") + 16)) ==
              Browser(port).get("/static/portal.css").body.size());
        RawClient page(port);
        page.send("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const std::string login = page.read_all();
        CHECK(status_of(login) == 200);
        CHECK(login.size() == login.find("\r\n\r\n") + 4);
    }
    SUBCASE("405 lists the methods the path has") {
        Browser b(port);
        Reply r = b.post("/dashboard", {});
        CHECK(r.status == 405);
        CHECK(r.header("Allow") == "GET, HEAD");
        r = b.get("/logout");
        CHECK(r.status == 405);
        CHECK(r.header("Allow") == "POST");
    }
    SUBCASE("Host: another name is refused, the loopback names are served") {
        for (const std::string host : {"evil.example", "evil.example:80", "127.0.0.2", "[::2]", "a:b:c"}) {
            RawClient c(port);
            c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            CAPTURE(host);
            CHECK(status_of(c.read_all()) == 421);
        }
        for (const std::string& host :
             std::vector<std::string>{"localhost", "LOCALHOST:" + std::to_string(port), "127.0.0.1", "[::1]:8080"}) {
            RawClient c(port);
            c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            CAPTURE(host);
            CHECK(status_of(c.read_all()) == 200);
        }
        RawClient none(port);
        none.send("GET / HTTP/1.0\r\n\r\n");
        CHECK(status_of(none.read_all()) == 400);
    }
    SUBCASE("a 404 seen with a session cookie is not stored") {
        Browser b(port);
        CHECK(b.get("/no-such-page").header("Cache-Control").empty());
        b.jar["sesame"] = "anything";
        const Reply r = b.get("/no-such-page");
        CHECK(r.status == 404);
        CHECK(r.header("Cache-Control") == "no-store");
    }
}

TEST_CASE("http: configured host names replace the defaults") {
    World w;
    const auto port = w.start({}, [](ServerOptions& s) { s.hosts = {"Portal.Example.gov"}; });
    RawClient ok(port);
    ok.send("GET / HTTP/1.1\r\nHost: portal.example.gov\r\nConnection: close\r\n\r\n");
    CHECK(status_of(ok.read_all()) == 200);
    RawClient loopback(port);
    loopback.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK(status_of(loopback.read_all()) == 421);
}

TEST_CASE("exchange: client addresses, IPv6 per /64") {
    const auto a = [](const char* s) { return net::ip::make_address(s); };
    CHECK(client_key(a("203.0.113.9")) == "203.0.113.9");
    CHECK(client_key(a("::ffff:203.0.113.9")) == "203.0.113.9");
    CHECK(client_key(a("2001:db8:1:2:aaaa:bbbb:cccc:dddd")) == "2001:db8:1:2::/64");
    CHECK(client_key(a("2001:db8:1:2::1")) == client_key(a("2001:db8:1:2:ffff::9")));
    CHECK(client_key(a("2001:db8:1:3::1")) != client_key(a("2001:db8:1:2::1")));

    ExchangeOptions o;
    BeastRequest r;
    r.set("X-Forwarded-For", "198.51.100.1, 203.0.113.9");
    CHECK(client_address(r, a("127.0.0.1"), o) == a("127.0.0.1"));  // not trusted
    o.trusted_proxies = {a("127.0.0.1"), a("10.0.0.2")};
    CHECK(client_address(r, a("127.0.0.1"), o) == a("203.0.113.9"));
    r.set("X-Forwarded-For", "198.51.100.1, 10.0.0.2");  // through two proxies
    CHECK(client_address(r, a("127.0.0.1"), o) == a("198.51.100.1"));
    r.set("X-Forwarded-For", "junk, 203.0.113.9");
    CHECK(client_address(r, a("127.0.0.1"), o) == a("203.0.113.9"));
    r.set("X-Forwarded-For", "203.0.113.9, junk");
    CHECK(client_address(r, a("127.0.0.1"), o) == a("127.0.0.1"));  // a bad nearest hop: the proxy itself
    CHECK(default_hosts("0.0.0.0").back() == "0.0.0.0");
    CHECK(default_hosts("::").back() == "[::]");
}

}  // namespace
}  // namespace portal::test
