#include "pages/pages.hpp"

namespace portal::pages {

Response stylesheet(App&, const Request&) {
    Response r;
    r.content_type = "text/css; charset=utf-8";
    r.body = std::string(portal::stylesheet());
    r.header("Cache-Control", "public, max-age=3600");
    return r;
}

Response countdown_script(App&, const Request&) {
    Response r;
    r.content_type = "text/javascript; charset=utf-8";
    r.body = std::string(portal::countdown_script());
    r.header("Cache-Control", "public, max-age=3600");
    return r;
}

}  // namespace portal::pages
