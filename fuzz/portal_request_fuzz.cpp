// The portal server's request handling over raw bytes, in-process and without sockets: the same
// parser limits and body decisions as the server (exchange.hpp), then routing and the pages, on an
// engine over the memory store. Up to four pipelined requests per input.
//
// Any exception, sanitizer report or answer outside 100..599 is a finding.
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "app.hpp"
#include "exchange.hpp"
#include "sesame/clock.hpp"
#include "sesame/engine.hpp"
#include "sesame/store.hpp"

namespace {

namespace http = boost::beast::http;

// What the server's connection buffer holds at most beyond a parsed part (ServerOptions defaults).
constexpr std::size_t kBufferBound = 8 * 1024 + 4 * 1024;

struct Portal {
    std::shared_ptr<sesame::FakeClock> clock = std::make_shared<sesame::FakeClock>(1'700'000'000);
    std::unique_ptr<sesame::Engine> engine;
    std::unique_ptr<portal::App> app;
    portal::ExchangeOptions exchange;

    Portal() {
        sesame::EngineOptions o;
        o.store = sesame::make_memory_store();
        o.master_key = std::vector<std::uint8_t>(32, 7);
        o.clock = clock;
        auto opened = sesame::Engine::open(std::move(o));
        if (!opened.ok()) __builtin_trap();
        engine = std::move(*opened);
        const sesame::Actor root{"fuzz", 0, {}, true};
        sesame::Agency a;
        a.name = "Court";
        a.send_mode = sesame::SendMode::simulate;
        const auto agency = *engine->create_agency(root, a);
        (void)engine->add_agency_phone(root, agency.id, "+15550000001", sesame::CarrierRegistration::complete);
        sesame::Portal p;
        p.agency_id = agency.id;
        p.name = "Portal";
        p.slug = "demo";
        p.client_auth = sesame::ClientAuth::one_time_password;
        (void)engine->create_portal(root, p);
        sesame::Client c;
        c.agency_id = agency.id;
        c.first_name = "Ann";
        c.last_name = "Lee";
        if (auto client = engine->create_client(root, c); client.ok())
            (void)engine->add_contact(root, client->id, sesame::ContactKind::phone, "(555) 123-4567");
        portal::AppOptions options;
        options.portal_slug = "demo";
        options.staff_token = "staff-token-0123456789";
        app = std::make_unique<portal::App>(*engine, options);
        exchange.hosts = portal::default_hosts("127.0.0.1");
        exchange.trusted_proxies = {boost::asio::ip::make_address("127.0.0.1")};
    }
};

void check(const portal::BeastResponse& r) {
    if (r.result_int() < 100 || r.result_int() > 599) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Portal* world = new Portal();  // lives for the whole run
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const auto peer = boost::asio::ip::make_address("127.0.0.1");
    for (int request = 0; request < 4 && !rest.empty(); ++request) {
        portal::BeastParser parser;
        portal::prepare_parser(parser, world->exchange);
        bool decided = false;
        bool with_body = true;
        boost::beast::error_code ec;
        while (!parser.is_done()) {
            const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
            rest.remove_prefix(used);
            // In the body, Beast takes what there is and asks for more by consuming nothing with no
            // error; the server's read loop then reads from the socket (until its deadline), and
            // here the input has ended.
            if (ec == http::error::need_more || (!ec && used == 0)) {
                if (rest.size() > kBufferBound) return 0;  // the server answers 400 / 431 and closes
                parser.put_eof(ec);
                if (ec) return 0;  // an incomplete request: the server closes
                break;
            }
            if (ec) {
                check(portal::plain_response(*world->app, 400, "The request is malformed.\n"));
                return 0;
            }
            if (parser.is_header_done() && !decided) {
                decided = true;
                const auto& in = parser.get();
                const std::string method(in.method_string());
                const std::string target(in.target());
                const std::string path = target.substr(0, target.find('?'));
                const bool route_decides = portal::App::decides_body_limit(method, path);
                std::optional<std::size_t> grant;
                if (route_decides) grant = world->app->body_limit(portal::to_request(in, "127.0.0.1", false));
                const auto decision = portal::decide_body(parser, world->exchange, route_decides, grant);
                if (decision.kind == portal::BodyDecision::too_large) {
                    check(portal::plain_response(*world->app, 413, decision.message));
                    return 0;
                }
                if (decision.kind == portal::BodyDecision::without_body) {
                    with_body = false;
                    break;
                }
                parser.body_limit(decision.limit);
            }
        }
        const portal::BeastRequest message = parser.release();
        const auto response = portal::respond(*world->app, message, peer, world->exchange, true, with_body);
        check(response);
        if (!with_body) return 0;  // the server closes after such an answer
        world->clock->advance(1);
    }
    return 0;
}
