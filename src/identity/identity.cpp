// Contact values from what a person typed: phones through libphonenumber, emails by a few plain rules.
// Messages never repeat the input: they can end up in logs, and the input is a person's contact.
#include "identity/identity.hpp"

#include <set>
#include <string>

#include <fmt/format.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace sesame::identity {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::size_t max_input = 254;  // RFC 5321's limit on a forward path, used for phones too
constexpr std::size_t max_local_part = 64;
constexpr std::string_view unknown_region = "ZZ";
constexpr std::string_view bullets = "\u2022\u2022\u2022";

Status invalid(std::string message) { return Status(Code::invalid_argument, std::move(message)); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool has_control(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) return true;
    }
    return false;
}

// Length of the UTF-8 sequence starting at s[i], 0 when it is malformed (overlong, surrogate,
// beyond U+10FFFF, truncated).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    }
    return len;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string upper_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

const std::set<std::string>& supported_regions() {
    static const std::set<std::string> regions = [] {
        std::set<std::string> r;
        PhoneNumberUtil::GetInstance()->GetSupportedRegions(&r);
        return r;
    }();
    return regions;
}

// libphonenumber names a region only for numbers it considers valid, but demo and newly opened
// ranges (555 numbers in North America) are merely possible. For those, the default region is the
// best answer when it shares the calling code, else the calling code's main region.
std::string region_for(const PhoneNumber& number, const std::string& default_region) {
    const auto* util = PhoneNumberUtil::GetInstance();
    std::string region;
    util->GetRegionCodeForNumber(number, &region);
    if (!region.empty() && region != unknown_region) return region;
    if (!default_region.empty() && supported_regions().count(default_region) != 0 &&
        util->GetCountryCodeForRegion(default_region) == number.country_code())
        return default_region;
    region.clear();
    util->GetRegionCodeForCountryCode(number.country_code(), &region);
    return region.empty() ? std::string(unknown_region) : region;
}

struct ParsedPhone {
    std::string e164;
    std::string region;
};

// The region is looked up only when asked for: naming it tries the number against every region of
// its calling code (about 25 for +1), which costs a third as much again as the parse.
Result<ParsedPhone> parse_phone(std::string_view input, std::string_view default_region, bool with_region) {
    if (input.size() > max_input)
        return invalid(fmt::format("a phone number is at most {} characters; this input is {}", max_input, input.size()));
    const std::string_view t = trim(input);
    if (t.empty()) return invalid("the phone number is empty: enter it with its area code, e.g. (555) 123-4567");
    if (has_control(t))
        return invalid("the phone number contains control characters (tabs, line breaks or similar): type it again");
    if (!valid_utf8(t)) return invalid("the phone number is not valid UTF-8 text");

    const std::string region = upper_ascii(default_region);
    const auto* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    switch (util->Parse(std::string(t), region, &number)) {
        case PhoneNumberUtil::NO_PARSING_ERROR:
            break;
        case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
            if (t.front() == '+')
                return invalid("the country code after '+' is not one in use: check the first digits of the number");
            if (region.empty() || supported_regions().count(region) == 0)
                return invalid(fmt::format("no known default region ('{}') to read a national number in: start the "
                                           "number with '+' and its country code, e.g. +44 20 7946 0958",
                                           region));
            return invalid("the country code is not recognised: check the number, or start it with '+' and its "
                           "country code");
        case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        case PhoneNumberUtil::TOO_SHORT_NSN:
            return invalid("the phone number is too short: enter the whole number with its area code");
        case PhoneNumberUtil::TOO_LONG_NSN:
            return invalid("the phone number is too long: check for extra digits");
        case PhoneNumberUtil::NOT_A_NUMBER:
        default:
            return invalid("this is not a phone number: use digits, e.g. (555) 123-4567 or +44 20 7946 0958");
    }
    // E.164 has no room for an extension, and a text message cannot dial one.
    if (number.has_extension() && !number.extension().empty())
        return invalid("the phone number has an extension: give a number that receives text messages directly");
    switch (util->IsPossibleNumberWithReason(number)) {
        case PhoneNumberUtil::IS_POSSIBLE:
            break;
        // Dialable only inside its own area, so useless as an SMS destination.
        case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
            return invalid("the phone number is missing its area code: enter the whole number");
        case PhoneNumberUtil::INVALID_COUNTRY_CODE:
            return invalid("the country code is not recognised: check the number");
        case PhoneNumberUtil::TOO_SHORT:
            return invalid("the phone number is too short: enter the whole number with its area code");
        case PhoneNumberUtil::TOO_LONG:
            return invalid("the phone number is too long: check for extra digits");
        case PhoneNumberUtil::INVALID_LENGTH:
        default:
            return invalid("the phone number has the wrong number of digits for its country: check it");
    }
    ParsedPhone out;
    util->Format(number, PhoneNumberUtil::E164, &out.e164);
    if (with_region) out.region = region_for(number, region);
    return out;
}

}  // namespace

Result<std::string> normalize_phone(std::string_view input, std::string_view default_region) {
    auto parsed = parse_phone(input, default_region, false);
    if (!parsed) return parsed.status();
    return std::move(parsed->e164);
}

Result<std::string> normalize_email(std::string_view input) {
    const std::string_view t = trim(input);
    if (t.empty()) return invalid("the email address is empty");
    if (t.size() > max_input)
        return invalid(fmt::format("an email address is at most {} characters; this one is {}", max_input, t.size()));
    if (has_control(t))
        return invalid("the email address contains control characters (tabs, line breaks or similar): type it again");
    if (t.find(' ') != std::string_view::npos) return invalid("an email address cannot contain spaces");
    if (!valid_utf8(t)) return invalid("the email address is not valid UTF-8 text");
    const auto at = t.find('@');
    if (at == std::string_view::npos) return invalid("an email address needs an '@', e.g. name@example.org");
    if (t.find('@', at + 1) != std::string_view::npos)
        return invalid("an email address has exactly one '@', e.g. name@example.org");
    const std::string_view local = t.substr(0, at);
    const std::string_view domain = t.substr(at + 1);
    if (local.empty()) return invalid("an email address needs a name before the '@', e.g. name@example.org");
    if (local.size() > max_local_part)
        return invalid(fmt::format("the part of an email address before the '@' is at most {} characters", max_local_part));
    const bool dotted = domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.back() != '.' &&
                        domain.find("..") == std::string_view::npos;
    if (domain.empty() || !dotted)
        return invalid("an email address needs a domain after the '@', e.g. name@example.org");
    std::string out(t);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

Result<Identifier> parse_identifier(std::string_view input, std::string_view default_region) {
    if (input.size() > max_input)
        return invalid(fmt::format("a phone number or email address is at most {} characters; this input is {}",
                                   max_input, input.size()));
    if (trim(input).empty()) return invalid("enter a phone number or an email address");
    Identifier id;
    if (input.find('@') != std::string_view::npos) {
        auto email = normalize_email(input);
        if (!email) return email.status();
        id.kind = ContactKind::email;
        id.value = std::move(*email);
        return id;
    }
    auto phone = parse_phone(input, default_region, true);
    if (!phone) return phone.status();
    id.kind = ContactKind::phone;
    id.value = std::move(phone->e164);
    id.region = std::move(phone->region);
    return id;
}

std::string region_of(std::string_view e164) {
    if (e164.size() > max_input || e164.empty() || e164.front() != '+' || has_control(e164) || !valid_utf8(e164))
        return std::string(unknown_region);
    PhoneNumber number;
    if (PhoneNumberUtil::GetInstance()->Parse(std::string(e164), std::string(unknown_region), &number) !=
        PhoneNumberUtil::NO_PARSING_ERROR)
        return std::string(unknown_region);
    return region_for(number, {});
}

bool is_known_region(std::string_view region) { return supported_regions().count(std::string(region)) != 0; }

std::string mask(ContactKind kind, std::string_view value) {
    std::string out;
    if (kind == ContactKind::phone) {
        std::string digits;
        for (const char c : value)
            if (c >= '0' && c <= '9') digits.push_back(c);
        out = fmt::format("{0}-{0}-", bullets);
        // Four digits of a number that short would be all of it.
        if (digits.size() > 4)
            out += digits.substr(digits.size() - 4);
        else
            out += bullets;
        return out;
    }
    const auto at = value.rfind('@');
    if (at == std::string_view::npos || at == 0) {
        out = bullets;
        if (at != std::string_view::npos) out += value.substr(at);
        return out;
    }
    // The first character, not the first byte: half a UTF-8 sequence would be garbage on screen.
    const std::size_t first = utf8_sequence(value, 0);
    if (first == 0 || first > at) {
        out = bullets;
    } else {
        out = value.substr(0, first);
        out += bullets;
    }
    out += value.substr(at);
    return out;
}

}  // namespace sesame::identity
