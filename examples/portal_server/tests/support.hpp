// The portal server under test: a real SQLite file, an engine with a fake clock and a fixed code,
// the server in-process on an ephemeral loopback port, and a small browser over Beast.
#pragma once

#include <doctest/doctest.h>

#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "app.hpp"
#include "http.hpp"
#include "server.hpp"
#include "sesame/engine.hpp"
#include "store/temp_db.hpp"

namespace portal::test {

// Every draw gives 42: with 6 digits the code is "000042".
class FixedRandom final : public sesame::RandomSource {
public:
    std::uint32_t uniform(std::uint32_t upper) override { return 42 < upper ? 42 : upper - 1; }
};

struct Reply {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string> set_cookies;

    std::string header(const std::string& name) const {
        for (const auto& [n, v] : headers)
            if (boost::beast::iequals(n, name)) return v;
        return {};
    }
    // The first Set-Cookie whose name is `name`.
    std::string set_cookie(const std::string& name) const {
        for (const auto& c : set_cookies)
            if (c.rfind(name + "=", 0) == 0) return c;
        return {};
    }
};

// A browser without JavaScript: a cookie jar, a fresh connection per request.
class Browser {
public:
    explicit Browser(std::uint16_t port) : port_(port) {}

    Reply get(const std::string& target) { return send("GET", target, {}); }
    Reply post(const std::string& target, const std::map<std::string, std::string>& form) {
        std::string body;
        for (const auto& [k, v] : form) body += (body.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
        return send("POST", target, body);
    }
    // POST with the csrf token of the form on `page` added.
    Reply submit(const Reply& page, const std::string& target, std::map<std::string, std::string> form) {
        form["csrf"] = csrf(page.body);
        return post(target, form);
    }

    static std::string csrf(const std::string& html) {
        std::smatch m;
        REQUIRE(std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([^\"]+)\"")));
        return m[1];
    }

    std::map<std::string, std::string> jar;

    Reply send(const std::string& method, const std::string& target, const std::string& body,
               const std::string& content_type = "application/x-www-form-urlencoded") {
        namespace beast = boost::beast;
        namespace http = beast::http;
        boost::asio::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::user_agent, "portal-test");
        std::string cookies;
        for (const auto& [k, v] : jar) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
        if (!cookies.empty()) req.set(http::field::cookie, cookies);
        if (method == "POST") {
            req.set(http::field::content_type, content_type);
            req.body() = body;
        }
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        beast::error_code ignored;
        stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);

        Reply reply;
        reply.status = static_cast<int>(res.result_int());
        reply.body = res.body();
        for (const auto& field : res) {
            reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
            if (field.name() == http::field::set_cookie) {
                const std::string c(field.value());
                reply.set_cookies.push_back(c);
                const auto eq = c.find('=');
                const auto semi = c.find(';');
                const std::string name = c.substr(0, eq);
                const std::string value = c.substr(eq + 1, semi - eq - 1);
                if (value.empty() || c.find("Max-Age=0") != std::string::npos) jar.erase(name);
                else jar[name] = value;
            }
        }
        return reply;
    }

private:
    std::uint16_t port_;
};

// The demo world: a staging agency in simulate mode with a registered phone and an email, the
// portal "demo" with one-time-code sign-in, and Ann Lee with a phone.
struct World {
    static constexpr const char* kPhone = "(555) 123-4567";

    sesame::test::TempDb db{"portal"};
    // The engine's blob directory beside the database, removed with everything in it.
    struct BlobDir {
        std::string path;
        ~BlobDir() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    } blobs{db.str() + ".files"};
    std::shared_ptr<sesame::FakeClock> clock = std::make_shared<sesame::FakeClock>();
    std::unique_ptr<sesame::Engine> engine;
    sesame::Actor root{"root", 0, {}, true};
    sesame::Agency agency;
    sesame::Portal portal;
    sesame::Client ann;
    std::unique_ptr<App> app;
    std::unique_ptr<Server> server;

    World() {
        auto store = sesame::open_sqlite_store({db.path().string()});
        REQUIRE_MESSAGE(store.ok(), store.status().message());
        sesame::EngineOptions o;
        o.store = *store;
        o.master_key = std::vector<std::uint8_t>(32, 7);
        o.clock = clock;
        o.random = std::make_shared<FixedRandom>();
        o.blob_dir = blobs.path;
        auto e = sesame::Engine::open(std::move(o));
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        engine = std::move(*e);

        sesame::Agency a;
        a.name = "County Court";
        agency = must(engine->create_agency(root, a));
        (void)must(engine->add_agency_phone(root, agency.id, "+15550000001", sesame::CarrierRegistration::complete));
        (void)must(engine->add_agency_email(root, agency.id, "court@example.gov", "County Court"));
        sesame::Portal p;
        p.agency_id = agency.id;
        p.name = "Court Portal";
        p.slug = "demo";
        p.client_auth = sesame::ClientAuth::one_time_password;
        portal = must(engine->create_portal(root, p));
        ann = make_client("Ann", "Lee");
        add_phone(ann, kPhone);
    }
    ~World() {
        if (server) server->stop();
    }

    template <class T>
    static T must(sesame::Result<T> r) {
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return std::move(*r);
    }

    sesame::Client make_client(const std::string& first, const std::string& last, const std::string& lang = "en") {
        sesame::Client c;
        c.agency_id = agency.id;
        c.first_name = first;
        c.last_name = last;
        c.language = lang;
        return must(engine->create_client(root, c));
    }
    void add_phone(const sesame::Client& c, const std::string& phone) {
        (void)must(engine->add_contact(root, c.id, sesame::ContactKind::phone, phone));
    }
    void settings(const std::function<void(sesame::Portal&)>& adjust) {
        sesame::Portal changed = portal;
        adjust(changed);
        portal = must(engine->update_portal(root, changed));
    }

    // Starts the server on a free loopback port.
    std::uint16_t start(AppOptions options = {}, const std::function<void(ServerOptions&)>& adjust = {}) {
        options.portal_slug = "demo";
        app = std::make_unique<App>(*engine, options);
        ServerOptions s;
        s.address = "127.0.0.1";
        s.port = 0;
        s.threads = 2;
        if (adjust) adjust(s);
        server = std::make_unique<Server>(*app, s);
        server->start();
        return server->port();
    }

    // The newest code in the client's message feed, as staff read it.
    std::string feed_code(const sesame::Client& c) {
        auto feed = must(engine->message_feed(root, c.id, 1));
        REQUIRE_FALSE(feed.empty());
        std::smatch m;
        REQUIRE(std::regex_search(feed.front().content, m, std::regex("\\b([0-9]{6})\\b")));
        return m[1];
    }
};

// Starts a login for `identifier` and returns the verify page.
inline Reply start_login(Browser& b, const std::string& identifier = World::kPhone) {
    const Reply home = b.get("/");
    REQUIRE(home.status == 200);
    const Reply started = b.submit(home, "/login", {{"identifier", identifier}});
    REQUIRE(started.status == 303);
    REQUIRE(started.header("Location") == "/verify");
    const Reply verify = b.get("/verify");
    REQUIRE(verify.status == 200);
    return verify;
}

}  // namespace portal::test
