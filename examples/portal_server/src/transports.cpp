#include "transports.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

namespace portal {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl cannot be initialised");
    });
}

struct EasyDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist append(Slist list, const std::string& item) {
    curl_slist* raw = curl_slist_append(list.get(), item.c_str());
    if (!raw) throw std::bad_alloc();
    (void)list.release();
    return Slist(raw);
}

Easy make_easy() {
    global_init();
    Easy easy(curl_easy_init());
    if (!easy) throw std::runtime_error("libcurl cannot make a handle");
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    return easy;
}

// A header value or an address that may not break out of its line.
void check_header_value(const std::string& value, const char* what) {
    for (unsigned char c : value) {
        if (c == '\r' || c == '\n') throw std::invalid_argument(std::string(what) + " holds a line break: refused");
        if (c < 0x20 && c != '\t') throw std::invalid_argument(std::string(what) + " holds a control character: refused");
        if (c == 0x7f) throw std::invalid_argument(std::string(what) + " holds a control character: refused");
    }
}

// The address in "Name <addr>" or a bare "addr"; refuses what SMTP commands cannot carry.
std::string mailbox_address(const std::string& value, const char* what) {
    check_header_value(value, what);
    std::string address = value;
    const auto open = value.rfind('<');
    if (open != std::string::npos) {
        const auto close = value.find('>', open);
        if (close == std::string::npos || close != value.size() - 1)
            throw std::invalid_argument(std::string(what) + " has an unclosed <address>");
        address = value.substr(open + 1, close - open - 1);
    }
    if (address.empty() || address.find('@') == std::string::npos)
        throw std::invalid_argument(std::string(what) + " is not an email address");
    for (unsigned char c : address)
        if (c == ' ' || c == '\t' || c == '<' || c == '>')
            throw std::invalid_argument(std::string(what) + " is not an email address");
    return address;
}

bool is_ascii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

std::string base64(const std::string& data) {
    if (data.empty()) return {};
    std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

// RFC 2047 encoded words for a non-ASCII header value, folded so no line grows past 76
// characters. Words are cut on UTF-8 character boundaries.
std::string encode_header_text(const std::string& value) {
    if (is_ascii(value)) return value;
    constexpr std::size_t kChunk = 45;  // 60 base64 characters per word
    std::string out;
    std::size_t i = 0;
    while (i < value.size()) {
        std::size_t end = std::min(value.size(), i + kChunk);
        while (end < value.size() && end > i && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(value.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

// The From header's value: a bare address as it is; "Name <addr>" with the name always quoted
// (a comma would otherwise make two mailboxes), or encoded when it is not ASCII.
std::string format_mailbox(const std::string& value, const std::string& address) {
    const auto open = value.rfind('<');
    if (open == std::string::npos) return address;
    std::string name = value.substr(0, open);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.erase(0, 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {  // already quoted: take its text
        std::string text;
        for (std::size_t i = 1; i + 1 < name.size(); ++i) {
            if (name[i] == '\\' && i + 2 < name.size()) ++i;
            text += name[i];
        }
        name = text;
    }
    if (name.empty()) return address;
    if (!is_ascii(name)) return encode_header_text(name) + " <" + address + ">";
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" <" + address + ">";
}

std::string rfc5322_date(sesame::UnixTime t) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (!gmtime_r(&tt, &tm)) throw std::invalid_argument("the clock's time cannot be written as a date");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays.at(static_cast<std::size_t>(tm.tm_wday)),
                  tm.tm_mday, kMonths.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    hex.pop_back();
    return hex;
}

std::string curl_error(CURLcode code, const char* buffer) {
    std::string text = curl_easy_strerror(code);
    if (buffer[0] != '\0') text += std::string(": ") + buffer;
    return text;
}

struct Upload {
    const std::string* data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* dest, std::size_t size, std::size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, up->data->size() - up->offset);
    std::copy_n(up->data->data() + up->offset, n, dest);
    up->offset += n;
    return n;
}

constexpr std::size_t kMaxAnswer = 64 * 1024;

std::size_t write_answer(char* data, std::size_t size, std::size_t count, void* user) {
    auto* answer = static_cast<std::string*>(user);
    const std::size_t n = size * count;
    if (answer->size() + n > kMaxAnswer) return 0;  // a gateway's answer is small: stop a flood
    answer->append(data, n);
    return n;
}

}  // namespace

UrlParts split_url(const std::string& url) {
    global_init();
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (!u) throw std::bad_alloc();
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        throw std::invalid_argument("\"" + url + "\" is not a URL");
    UrlParts parts;
    for (auto [part, target] : {std::pair{CURLUPART_SCHEME, &parts.scheme}, std::pair{CURLUPART_HOST, &parts.host}}) {
        char* text = nullptr;
        if (curl_url_get(u.get(), part, &text, 0) != CURLUE_OK || !text)
            throw std::invalid_argument("\"" + url + "\" has no " + (part == CURLUPART_SCHEME ? "scheme" : "host"));
        *target = text;
        curl_free(text);
    }
    for (char& c : parts.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']')
        parts.host = parts.host.substr(1, parts.host.size() - 2);
    if (parts.host == "localhost") {
        parts.loopback = true;
    } else {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(parts.host, ec);
        parts.loopback = !ec && address.is_loopback();
    }
    return parts;
}

std::string format_email(const sesame::OutgoingMessage& message, sesame::UnixTime now, const std::string& message_id) {
    const std::string from = mailbox_address(message.from, "the sender (From)");
    const std::string to = mailbox_address(message.to, "the recipient (To)");
    check_header_value(message.subject, "the subject");
    check_header_value(message_id, "the Message-ID");
    std::string out;
    out += "From: " + format_mailbox(message.from, from) + "\r\n";
    out += "To: " + to + "\r\n";
    out += "Subject: " + encode_header_text(message.subject) + "\r\n";
    out += "Date: " + rfc5322_date(now) + "\r\n";
    out += "Message-ID: <" + message_id + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "\r\n";
    std::string body = base64(message.body);
    out.reserve(out.size() + body.size() + 2 * (body.size() / 76 + 1));  // no reallocation leaves copies behind
    for (std::size_t i = 0; i < body.size(); i += 76) out.append(body, i, std::min<std::size_t>(76, body.size() - i)).append("\r\n");
    sodium_memzero(body.data(), body.size());
    return out;
}

SmtpTransport::SmtpTransport(SmtpSettings settings, std::shared_ptr<sesame::Clock> clock)
    : settings_(std::move(settings)), clock_(std::move(clock)) {
    if (!clock_) throw std::invalid_argument("SmtpTransport needs a clock");
    domain_ = split_url(settings_.url).host;
}

sesame::DeliveryResult SmtpTransport::send(const sesame::OutgoingMessage& message) {
    std::string from;
    std::string to;
    std::string payload;
    try {
        from = mailbox_address(message.from, "the sender (From)");
        to = mailbox_address(message.to, "the recipient (To)");
        const std::string domain = from.substr(from.rfind('@') + 1);
        const std::string id = "sesame." + std::to_string(message.message_id) + "." + random_hex(8) + "@" +
                               (domain.empty() ? domain_ : domain);
        payload = format_email(message, clock_->now(), id);
    } catch (const std::invalid_argument& e) {
        return {sesame::DeliveryOutcome::failed, e.what()};
    }

    Easy easy = make_easy();
    CURL* c = easy.get();
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, settings_.starttls == StartTls::required ? CURLUSESSL_ALL : CURLUSESSL_NONE);
    if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_seconds);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, settings_.timeout_seconds);
    const std::string mail_from = "<" + from + ">";
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    Slist rcpt = append(nullptr, "<" + to + ">");
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    Upload upload{&payload};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    const CURLcode rc = curl_easy_perform(c);
    sodium_memzero(payload.data(), payload.size());
    if (rc != CURLE_OK) {
        long reply = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
        std::string error = "SMTP " + settings_.url + ": " + curl_error(rc, errbuf);
        if (reply != 0) error += " (server reply " + std::to_string(reply) + ")";
        return {sesame::DeliveryOutcome::failed, error};
    }
    return {sesame::DeliveryOutcome::sent, {}};
}

SmsWebhookTransport::SmsWebhookTransport(SmsWebhookSettings settings) : settings_(std::move(settings)) {}

sesame::DeliveryResult SmsWebhookTransport::send(const sesame::OutgoingMessage& message) {
    nlohmann::json fields{{"to", message.to}, {"from", message.from}, {"body", message.body}, {"message_id", message.message_id}};
    std::string request = fields.dump();
    auto& body_copy = fields["body"].get_ref<std::string&>();
    sodium_memzero(body_copy.data(), body_copy.size());
    Easy easy = make_easy();
    CURL* c = easy.get();
    char errbuf[CURL_ERROR_SIZE] = {};
    std::string answer;
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_seconds);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, settings_.timeout_seconds);
    Slist headers = append(nullptr, "Content-Type: application/json");
    headers = append(std::move(headers), "Accept: application/json");
    if (!settings_.token.empty()) headers = append(std::move(headers), "Authorization: Bearer " + settings_.token);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.size()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
    const CURLcode rc = curl_easy_perform(c);
    sodium_memzero(request.data(), request.size());
    if (rc != CURLE_OK)
        return {sesame::DeliveryOutcome::failed, "SMS gateway " + settings_.url + ": " + curl_error(rc, errbuf)};
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    const auto json = nlohmann::json::parse(answer, nullptr, false);
    if (json.is_object() && json.contains("opted_out") && json["opted_out"] == true)
        return {sesame::DeliveryOutcome::opted_out, {}};
    if (status >= 200 && status < 300) return {sesame::DeliveryOutcome::sent, {}};
    return {sesame::DeliveryOutcome::failed, "SMS gateway " + settings_.url + " answered HTTP " + std::to_string(status)};
}

}  // namespace portal
