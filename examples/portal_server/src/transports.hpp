// The portal server's real transports: email over SMTP and SMS through the agency gateway's
// HTTPS webhook, both over libcurl. The engine calls send() from the thread that delivers (a
// request's worker thread with deliver_immediately); each call makes its own connection.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "sesame/clock.hpp"
#include "sesame/transport.hpp"

namespace portal {

enum class StartTls { required, off };

struct SmtpSettings {
    std::string url;       // smtp://host:port or smtps://host:port
    std::string username;  // empty: no authentication
    std::string password;  // read from password_file at start; never in the config itself
    StartTls starttls = StartTls::required;
    std::string ca_file;   // PEM certificates to trust instead of the system's CA store
    long timeout_seconds = 30;
};

struct SmsWebhookSettings {
    std::string url;    // https://..., or http:// to a loopback address
    std::string token;  // read from token_file at start; sent as Authorization: Bearer
    std::string ca_file;  // PEM certificates to trust instead of the system's CA store
    long timeout_seconds = 30;
};

// A URL split by libcurl's parser. Throws std::invalid_argument when it is not a URL.
struct UrlParts {
    std::string scheme;  // lower case
    std::string host;    // without IPv6 brackets
    bool loopback = false;  // localhost or a loopback IP address
};
UrlParts split_url(const std::string& url);

// The whole RFC 5322 message (CRLF line ends, base64 body) for `message`, dated `now` (Unix
// seconds, written in UTC) and identified by `message_id` (without angle brackets).
// Throws std::invalid_argument when a header value holds a line break or another control
// character: such a value is refused, never folded into the headers.
std::string format_email(const sesame::OutgoingMessage& message, sesame::UnixTime now,
                         const std::string& message_id);

class SmtpTransport final : public sesame::Transport {
public:
    SmtpTransport(SmtpSettings settings, std::shared_ptr<sesame::Clock> clock);
    sesame::DeliveryResult send(const sesame::OutgoingMessage& message) override;

private:
    SmtpSettings settings_;
    std::shared_ptr<sesame::Clock> clock_;
    std::string domain_;  // the host of the SMTP URL, for Message-IDs when From has no domain
};

class SmsWebhookTransport final : public sesame::Transport {
public:
    explicit SmsWebhookTransport(SmsWebhookSettings settings);
    sesame::DeliveryResult send(const sesame::OutgoingMessage& message) override;

private:
    SmsWebhookSettings settings_;
};

}  // namespace portal
