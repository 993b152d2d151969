// One HTTP exchange without a socket: the checks on a parsed request (Host, the client's
// address), HEAD, and the conversion between Beast messages and the App's Request/Response. The
// server (server.cpp) runs it for every request; the fuzz target (fuzz/portal_request_fuzz.cpp)
// runs it, with the same parser limits, over raw bytes.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "http.hpp"

namespace portal {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;
using BeastParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

struct ExchangeOptions {
    // The names a Host header may carry (without the port, lower case; IPv6 in brackets). A request
    // naming another host is refused (421): a DNS name rebound onto this address gets nothing.
    std::vector<std::string> hosts;
    // Peers allowed to say who the client is with X-Forwarded-For (a reverse proxy on this machine).
    std::vector<boost::asio::ip::address> trusted_proxies;
    // Bytes of a request's headers; bytes of a body where the route grants no more.
    std::size_t header_limit = 8 * 1024;
    std::size_t body_limit = 16 * 1024;
};

// The Host names accepted when none are configured: the listen address, localhost, 127.0.0.1
// and [::1].
std::vector<std::string> default_hosts(const std::string& listen_address);

// The key the per-address limits count under: an IPv4 address as it is (also when IPv4-mapped),
// an IPv6 address as its /64 ("2001:db8:1:2::/64"), since one subscriber usually holds a whole /64.
std::string client_key(const boost::asio::ip::address& address);

// The client's address: the peer's; when the peer is a trusted proxy, the right-most
// X-Forwarded-For entry that is not itself a trusted proxy (entries that are not IP addresses end
// the walk, and the last good one is used).
boost::asio::ip::address client_address(const BeastRequest& request, const boost::asio::ip::address& peer,
                                        const ExchangeOptions& options);

// Sets the parser's limits for a new request: the header limit, and no body limit until the
// route decides one (limit_body).
void prepare_parser(BeastParser& parser, const ExchangeOptions& options);

// What the transport does once the header is in.
struct BodyDecision {
    enum Kind {
        read,          // read the body, at most `limit` bytes
        too_large,     // answer `answer` (413) without reading the body, and close
        without_body,  // answer the request as if it had no body, without reading it, and close
    } kind = read;
    std::size_t limit = 0;
    std::string message;  // for too_large
};
// `grant`: App::body_limit for routes that decide their own (nullopt: the route refuses a body).
BodyDecision decide_body(const BeastParser& parser, const ExchangeOptions& options, bool route_decides,
                         const std::optional<std::size_t>& grant);

Request to_request(const BeastRequest& in, const std::string& ip, bool with_body = true);

// A response the transport makes itself (400, 413, 421, 431, 503): plain text, with the headers
// every response carries.
BeastResponse plain_response(const App& app, int status, const std::string& text, unsigned version = 11,
                             bool keep_alive = false);

// The whole exchange after parsing: the Host check, the client's address, HEAD answered as GET
// without the body, App::handle. Never throws for any request (App::handle does not).
BeastResponse respond(App& app, const BeastRequest& request, const boost::asio::ip::address& peer,
                      const ExchangeOptions& options, bool keep_alive, bool with_body = true);

// Requests answered on the network thread because they never touch the engine (the stylesheet
// and the script); every other request goes to the worker pool.
bool answered_inline(const BeastRequest& request);

}  // namespace portal
