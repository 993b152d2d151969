// Internal: the login-code message templates and their rendering.
#pragma once

#include <string>
#include <string_view>

#include "sesame/model.hpp"
#include "sesame/status.hpp"
#include "sesame/store.hpp"

namespace sesame::messages {

// The built-in template for a channel and language ("en" and "es"); nullptr-like empty optional
// for other languages.
std::optional<MessageTemplate> builtin(Channel channel, std::string_view language);

// The template to use: the agency's override for `language`, else the built-in one; then the same
// for `fallback_language`; then built-in English.
Result<MessageTemplate> choose(Store& store, Id agency_id, Channel channel, std::string_view language,
                               std::string_view fallback_language);

struct Values {
    std::string code;
    std::string portal;
    std::string agency;
    std::string host;
    std::int64_t minutes = 0;
};

struct Rendered {
    std::string subject;
    std::string body;
};

// Replaces {code} {portal} {agency} {minutes} {host}; SMS bodies get the WebOTP line
// "@<host> #<code>" as their last line when host is not empty. Unknown {words} stay as written.
Rendered render(const MessageTemplate& t, const Values& v);

// The same text with every occurrence of the code replaced by bullets: what the feed keeps of a
// live message.
std::string redact(std::string text, std::string_view code);

}  // namespace sesame::messages
