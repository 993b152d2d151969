// Reading a phone number or email the way the engine stores it, so that the staff feed can find the
// clients behind what the visitor typed. The public API has no normalisation call, so this follows
// the engine's documented rule: '@' means an email (trimmed, lower-cased), anything else a phone
// parsed with the agency's region and written in E.164.
#include <algorithm>
#include <cctype>

#include <phonenumbers/phonenumberutil.h>

#include "cli.hpp"

namespace cli {

sesame::Result<std::string> normalize_identifier(const std::string& input, const std::string& default_region) {
    using sesame::Code;
    auto first = input.find_first_not_of(" \t\r\n");
    auto last = input.find_last_not_of(" \t\r\n");
    if (first == std::string::npos)
        return sesame::Status(Code::invalid_argument, "enter a phone number or an email address");
    std::string s = input.substr(first, last - first + 1);
    if (s.size() > 254) return sesame::Status(Code::invalid_argument, "that is too long for a phone number or email (254 bytes at most)");

    if (s.find('@') != std::string::npos) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto at = s.find('@');
        if (at == 0 || at + 1 >= s.size() || s.find('@', at + 1) != std::string::npos)
            return sesame::Status(Code::invalid_argument, "that email address is not complete: expected name@domain");
        return s;
    }

    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(s, default_region, &number) != PhoneNumberUtil::NO_PARSING_ERROR || !util->IsPossibleNumber(number))
        return sesame::Status(Code::invalid_argument,
                              "that is neither an email address nor a phone number: check the digits");
    std::string e164;
    util->Format(number, PhoneNumberUtil::E164, &e164);
    return e164;
}

}  // namespace cli
