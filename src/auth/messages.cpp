#include "auth/messages.hpp"

#include <fmt/format.h>

namespace sesame::messages {
namespace {

struct Builtin {
    Channel channel;
    std::string_view language;
    std::string_view subject;
    std::string_view body;
};

// Short enough for one SMS segment in English; the WebOTP line is appended by render().
constexpr Builtin kBuiltins[] = {
    {Channel::sms, "en", "",
     "{agency}: your {portal} login code is {code}. It expires in {minutes} minutes. Never share it."},
    {Channel::sms, "es", "",
     "{agency}: su código de acceso a {portal} es {code}. Vence en {minutes} minutos. No lo comparta."},
    {Channel::email, "en", "Your {portal} login code",
     "Your login code for {portal} is:\n\n    {code}\n\nIt expires in {minutes} minutes. If you did not try to "
     "log in, you can ignore this message; nobody can log in without the code.\n\n{agency}"},
    {Channel::email, "es", "Su código de acceso a {portal}",
     "Su código de acceso a {portal} es:\n\n    {code}\n\nVence en {minutes} minutos. Si usted no intentó "
     "acceder, puede ignorar este mensaje; nadie puede acceder sin el código.\n\n{agency}"},
};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    if (from.empty()) return;
    std::size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
}

// One pass over the template: substituted values are never scanned again, so a portal or agency
// name that happens to contain "{code}" stays literal text.
std::string fill(std::string_view text, const Values& v) {
    std::string out;
    out.reserve(text.size() + 32);
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '{') {
            const auto close = text.find('}', i);
            if (close != std::string_view::npos) {
                const auto word = text.substr(i + 1, close - i - 1);
                const std::string* value = nullptr;
                std::string minutes;
                if (word == "code") value = &v.code;
                else if (word == "portal") value = &v.portal;
                else if (word == "agency") value = &v.agency;
                else if (word == "host") value = &v.host;
                else if (word == "minutes") value = &(minutes = std::to_string(v.minutes));
                if (value) {
                    out += *value;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
}

}  // namespace

std::optional<MessageTemplate> builtin(Channel channel, std::string_view language) {
    for (const auto& b : kBuiltins)
        if (b.channel == channel && b.language == language)
            return MessageTemplate{0, channel, std::string(language), std::string(b.subject), std::string(b.body)};
    return std::nullopt;
}

Result<MessageTemplate> choose(Store& store, Id agency_id, Channel channel, std::string_view language,
                               std::string_view fallback_language) {
    for (std::string_view lang : {language, fallback_language, std::string_view("en")}) {
        if (lang.empty()) continue;
        auto custom = store.get_template(agency_id, channel, std::string(lang));
        if (!custom) return custom.status();
        if (*custom) return **custom;
        if (auto b = builtin(channel, lang)) return *b;
    }
    return Status(Code::internal, "no built-in English template");
}

Rendered render(const MessageTemplate& t, const Values& v) {
    Rendered r{fill(t.subject, v), fill(t.body, v)};
    if (t.channel == Channel::sms && !v.host.empty()) r.body += fmt::format("\n\n@{} #{}", v.host, v.code);
    return r;
}

std::string redact(std::string text, std::string_view code) {
    std::string bullets;
    for (std::size_t i = 0; i < code.size(); ++i) bullets += "\u2022";
    replace_all(text, code, bullets);
    return text;
}

}  // namespace sesame::messages
