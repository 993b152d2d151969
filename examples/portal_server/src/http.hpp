// The server's view of an HTTP exchange, independent of Beast: what a page handler reads and
// what it returns. The transport (server.cpp) converts to and from Beast messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "html.hpp"

namespace portal {

struct Request {
    std::string method;                        // "GET", "POST", ...
    std::string path;                          // without the query string
    std::map<std::string, std::string> query;  // decoded
    std::map<std::string, std::string> form;   // decoded application/x-www-form-urlencoded body
    std::map<std::string, std::string> cookies;
    std::string content_type;                  // the Content-Type header, as sent
    std::string body;                          // the raw body of a multipart/form-data request only
    std::string ip;
    std::string user_agent;

    // The value of a query or form field, or "" when absent.
    std::string param(const std::string& name) const;
    std::string cookie(const std::string& name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, Set-Cookie included
    bool no_store = false;  // authenticated content: Cache-Control: no-store
    // A page still to be laid out: App::handle adds the sidebar the request may see and renders
    // it into `body`.
    std::optional<Page> page;

    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

// A 303 See Other to a path of this site.
Response redirect(const std::string& location);

// Percent-decoding with '+' as a space. Invalid escapes are kept as they are.
std::string url_decode(std::string_view s);
std::string url_encode(std::string_view s);
// "a=1&b=2" into a map; the first value of a repeated name wins.
std::map<std::string, std::string> parse_form(std::string_view s);
// A Cookie header ("a=1; b=2") into a map.
std::map<std::string, std::string> parse_cookies(std::string_view s);

}  // namespace portal
