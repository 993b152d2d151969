#include "exchange.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iostream>
#include <limits>

namespace portal {

namespace http = boost::beast::http;
namespace ip = boost::asio::ip;

namespace {

// "name", "name:port", "[v6]", "[v6]:port" -> the name, lower case; "" when malformed.
std::string host_name(std::string_view host) {
    host = trim(host);
    if (host.empty()) return {};
    if (host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return {};
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return {};
        return lower(host.substr(0, close + 1));
    }
    const auto colon = host.find(':');
    if (colon != std::string_view::npos && host.find(':', colon + 1) != std::string_view::npos) return {};
    return lower(host.substr(0, colon));
}

bool trusted(const ip::address& a, const ExchangeOptions& options) {
    return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), a) != options.trusted_proxies.end();
}

ip::address unmapped(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

}  // namespace

std::vector<std::string> default_hosts(const std::string& listen_address) {
    std::vector<std::string> hosts{"localhost", "127.0.0.1", "[::1]"};
    boost::system::error_code ec;
    const auto a = ip::make_address(listen_address, ec);
    std::string own = lower(listen_address);
    if (!ec && a.is_v6()) own = "[" + lower(a.to_string()) + "]";
    if (std::find(hosts.begin(), hosts.end(), own) == hosts.end()) hosts.push_back(own);
    return hosts;
}

std::string client_key(const ip::address& address) {
    const ip::address a = unmapped(address);
    if (a.is_v4()) return a.to_string();
    auto bytes = a.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
    return ip::address_v6(bytes).to_string() + "/64";
}

ip::address client_address(const BeastRequest& request, const ip::address& peer, const ExchangeOptions& options) {
    ip::address client = unmapped(peer);
    if (!trusted(client, options)) return client;
    // Every X-Forwarded-For header, in order; the right-most entries were added by the nearest proxies.
    std::vector<std::string_view> hops;
    const auto headers = request.equal_range("X-Forwarded-For");
    for (auto it = headers.first; it != headers.second; ++it) {
        std::string_view list(it->value().data(), it->value().size());
        while (!list.empty()) {
            const auto comma = list.find(',');
            hops.push_back(trim(list.substr(0, comma)));
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
    }
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        boost::system::error_code ec;
        const ip::address a = ip::make_address(std::string(*hop), ec);
        if (ec) break;
        client = unmapped(a);
        if (!trusted(client, options)) break;
    }
    return client;
}

void prepare_parser(BeastParser& parser, const ExchangeOptions& options) {
    // No body limit until the route decides it. Not boost::none: Boost 1.74 compares a
    // Content-Length against an empty limit as exceeding it.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit,
                                                                          std::numeric_limits<std::uint32_t>::max())));
}

BodyDecision decide_body(const BeastParser& parser, const ExchangeOptions& options, bool route_decides,
                         const std::optional<std::size_t>& grant) {
    BodyDecision d;
    if (route_decides && !grant) {
        d.kind = BodyDecision::without_body;
        return d;
    }
    d.limit = grant.value_or(options.body_limit);
    if (parser.content_length() && *parser.content_length() > d.limit) {
        d.kind = BodyDecision::too_large;
        d.message = grant && *grant > kUploadFormMargin
                        ? "The file is too large for this portal. Go back and choose a file of at most " +
                              std::to_string((*grant - kUploadFormMargin) / 1024) + " KB.\n"
                        : "The request body is too large.\n";
    }
    return d;
}

Request to_request(const BeastRequest& in, const std::string& ip, bool with_body) {
    Request r;
    r.method = std::string(in.method_string());
    if (r.method == "HEAD") r.method = "GET";
    const std::string target(in.target());
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = parse_form(std::string_view(target).substr(q + 1));
    if (auto it = in.find(http::field::cookie); it != in.end()) r.cookies = parse_cookies(it->value());
    if (auto it = in.find(http::field::user_agent); it != in.end()) r.user_agent = std::string(it->value());
    if (auto it = in.find(http::field::content_type); it != in.end()) {
        const std::string_view type(it->value().data(), it->value().size());
        r.content_type = std::string(type);
        if (with_body) {
            if (type.substr(0, 33) == "application/x-www-form-urlencoded") r.form = parse_form(in.body());
            else if (type.substr(0, 19) == "multipart/form-data") r.body = in.body();
        }
    }
    r.ip = ip;
    return r;
}

namespace {

BeastResponse to_beast(const Response& in, unsigned version, bool keep_alive, bool head) {
    BeastResponse out{static_cast<http::status>(in.status), version};
    out.set(http::field::content_type, in.content_type);
    for (const auto& [name, value] : in.headers) out.insert(name, value);
    out.keep_alive(keep_alive);
    if (head) {
        // What GET would send, without the body itself.
        out.content_length(in.body.size());
    } else {
        out.body() = in.body;
        out.prepare_payload();
    }
    return out;
}

}  // namespace

BeastResponse respond_unchecked(App& app, const BeastRequest& request, const ip::address& peer,
                                const ExchangeOptions& options, bool keep_alive, bool with_body);

BeastResponse plain_response(const App& app, int status, const std::string& text, unsigned version, bool keep_alive) {
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = text;
    if (status == 503) r.header("Retry-After", "5");
    app.add_security_headers(r);
    return to_beast(r, version, keep_alive, false);
}

BeastResponse respond(App& app, const BeastRequest& request, const ip::address& peer, const ExchangeOptions& options,
                      bool keep_alive, bool with_body) {
    try {
        return respond_unchecked(app, request, peer, options, keep_alive, with_body);
    } catch (const std::exception& e) {
        // E.g. a header value Beast cannot hold (64 KiB and more): a 500, never an escaped exception.
        std::cerr << "error: " << request.method_string() << " " << request.target() << ": " << e.what() << "\n";
        return plain_response(app, 500, "Internal server error\n", 11, false);
    }
}

BeastResponse respond_unchecked(App& app, const BeastRequest& request, const ip::address& peer,
                                const ExchangeOptions& options, bool keep_alive, bool with_body) {
    const bool head = request.method() == http::verb::head;
    const unsigned version = request.version() == 10 ? 10 : 11;
    const auto host = request.find(http::field::host);
    if (host == request.end()) {
        auto r = plain_response(app, 400, "A Host header is required.\n", version, false);
        if (head) r.body().clear();
        return r;
    }
    const std::string name = host_name(std::string_view(host->value().data(), host->value().size()));
    if (name.empty() || std::find(options.hosts.begin(), options.hosts.end(), name) == options.hosts.end()) {
        auto r = plain_response(app, 421,
                                "This server does not serve that host name. Use the address the portal's staff gave "
                                "you.\n",
                                version, false);
        if (head) r.body().clear();
        return r;
    }
    const Request in = to_request(request, client_key(client_address(request, peer, options)), with_body);
    return to_beast(app.handle(in), version, keep_alive, head);
}

bool answered_inline(const BeastRequest& request) {
    if (request.method() != http::verb::get && request.method() != http::verb::head) return false;
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    return path == "/static/portal.css" || path == "/static/resend.js";
}

}  // namespace portal
