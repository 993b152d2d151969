#include "config.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

namespace portal {

namespace {

using nlohmann::json;

constexpr std::size_t kMinStaffToken = 16;
constexpr unsigned kMaxThreads = 256;

std::string read_file(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(what + " \"" + path + "\" cannot be read: check the path and its permissions");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::uint16_t parse_port(const std::string& text, const std::string& name) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535)
        throw ConfigError(name + " must be a port number from 0 to 65535, not \"" + text + "\"");
    return static_cast<std::uint16_t>(value);
}

unsigned parse_threads(const std::string& text, const std::string& name) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxThreads)
        throw ConfigError(name + " must be a whole number from 1 to " + std::to_string(kMaxThreads) + ", not \"" +
                          text + "\"");
    return value;
}

std::string string_key(const json& doc, const std::string& key) {
    const json& v = doc.at(key);
    if (!v.is_string()) throw ConfigError("config key \"" + key + "\" must be a string");
    return v.get<std::string>();
}

std::string trim_line_end(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// A secret read from a file: one line, its line end dropped; an empty file is refused.
std::string read_secret(const std::string& path, const std::string& what) {
    std::string secret = trim_line_end(read_file(path, what));
    if (secret.empty()) throw ConfigError(what + " \"" + path + "\" is empty: write the secret into it");
    for (unsigned char c : secret)
        if (c < 0x20 || c == 0x7f)
            throw ConfigError(what + " \"" + path + "\" holds a line break or a control character: keep the secret "
                              "on one line");
    return secret;
}

long timeout_key(const json& value, const std::string& name) {
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > 600)
        throw ConfigError("config key \"" + name + "\" must be a number of seconds from 1 to 600");
    return static_cast<long>(value.get<std::uint64_t>());
}

std::string object_string(const json& value, const std::string& name) {
    if (!value.is_string()) throw ConfigError("config key \"" + name + "\" must be a string");
    return value.get<std::string>();
}

// A PEM file of certificates to trust: it must be readable now and hold a certificate.
std::string ca_file_key(const json& value, const std::string& name) {
    const std::string path = object_string(value, name);
    if (read_file(path, "config key \"" + name + "\"").find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw ConfigError("config key \"" + name + "\": \"" + path + "\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    return path;
}

// "smtp": {"url", "username", "password_file", "starttls", "timeout_seconds"}
void apply_smtp(Config& config, const json& doc, std::optional<std::string>& starttls) {
    if (!doc.is_object())
        throw ConfigError("config key \"smtp\" must be an object such as {\"url\": \"smtp://mail.example.gov:587\", "
                          "\"username\": \"portal\", \"password_file\": \"/etc/sesame/smtp-password\"}");
    SmtpSettings smtp = config.smtp.value_or(SmtpSettings{});
    for (const auto& [key, value] : doc.items()) {
        const std::string name = "smtp." + key;
        if (key == "url") smtp.url = object_string(value, name);
        else if (key == "username") smtp.username = object_string(value, name);
        else if (key == "password_file") smtp.password = read_secret(object_string(value, name), "config key \"smtp.password_file\"");
        else if (key == "password")
            throw ConfigError("config key \"smtp.password\" is not allowed: keep the password out of the config, in a file "
                              "readable only by the server, and name it with \"smtp.password_file\"");
        else if (key == "starttls") starttls = object_string(value, name);
        else if (key == "ca_file") smtp.ca_file = ca_file_key(value, name);
        else if (key == "timeout_seconds") smtp.timeout_seconds = timeout_key(value, name);
        else
            throw ConfigError("config key \"smtp\": unknown key \"" + key +
                              "\" (known: url, username, password_file, starttls, ca_file, timeout_seconds)");
    }
    config.smtp = smtp;
}

// "sms_webhook": {"url", "token_file", "timeout_seconds"}
void apply_sms_webhook(Config& config, const json& doc) {
    if (!doc.is_object())
        throw ConfigError("config key \"sms_webhook\" must be an object such as {\"url\": \"https://sms.example.gov/send\", "
                          "\"token_file\": \"/etc/sesame/sms-token\"}");
    SmsWebhookSettings hook = config.sms_webhook.value_or(SmsWebhookSettings{});
    for (const auto& [key, value] : doc.items()) {
        const std::string name = "sms_webhook." + key;
        if (key == "url") hook.url = object_string(value, name);
        else if (key == "token_file") hook.token = read_secret(object_string(value, name), "config key \"sms_webhook.token_file\"");
        else if (key == "token")
            throw ConfigError("config key \"sms_webhook.token\" is not allowed: keep the token out of the config, in a file "
                              "readable only by the server, and name it with \"sms_webhook.token_file\"");
        else if (key == "ca_file") hook.ca_file = ca_file_key(value, name);
        else if (key == "timeout_seconds") hook.timeout_seconds = timeout_key(value, name);
        else
            throw ConfigError("config key \"sms_webhook\": unknown key \"" + key + "\" (known: url, token_file, ca_file, timeout_seconds)");
    }
    config.sms_webhook = hook;
}

void apply_file(Config& config, const std::string& path, std::optional<std::string>& starttls) {
    json doc;
    try {
        doc = json::parse(read_file(path, "config file"));
    } catch (const json::parse_error& e) {
        throw ConfigError("config file \"" + path + "\" is not valid JSON: " + e.what());
    }
    if (!doc.is_object()) throw ConfigError("config file \"" + path + "\" must hold one JSON object");
    for (const auto& [key, value] : doc.items()) {
        if (key == "address") {
            config.address = string_key(doc, key);
        } else if (key == "port") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() > 65535)
                throw ConfigError("config key \"port\" must be a number from 0 to 65535");
            config.port = static_cast<std::uint16_t>(value.get<std::uint64_t>());
        } else if (key == "database") {
            config.database = string_key(doc, key);
        } else if (key == "key_file") {
            config.key_file = string_key(doc, key);
        } else if (key == "blob_dir") {
            config.blob_dir = string_key(doc, key);
        } else if (key == "test_clock") {
            if (!value.is_boolean()) throw ConfigError("config key \"test_clock\" must be true or false");
            config.test_clock = value.get<bool>();
        } else if (key == "portal") {
            config.portal = string_key(doc, key);
        } else if (key == "tls_cert") {
            config.tls_cert = string_key(doc, key);
        } else if (key == "tls_key") {
            config.tls_key = string_key(doc, key);
        } else if (key == "staff_token") {
            config.staff_token = string_key(doc, key);
        } else if (key == "staff_token_file") {
            config.staff_token = read_file(string_key(doc, key), "config key \"staff_token_file\"");
        } else if (key == "threads") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > kMaxThreads)
                throw ConfigError("config key \"threads\" must be a number from 1 to " + std::to_string(kMaxThreads));
            config.threads = static_cast<unsigned>(value.get<std::uint64_t>());
        } else if (key == "workers") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > kMaxThreads)
                throw ConfigError("config key \"workers\" must be a number from 1 to " + std::to_string(kMaxThreads));
            config.workers = static_cast<unsigned>(value.get<std::uint64_t>());
        } else if (key == "max_connections") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > 100000)
                throw ConfigError("config key \"max_connections\" must be a number from 1 to 100000");
            config.max_connections = static_cast<std::size_t>(value.get<std::uint64_t>());
        } else if (key == "queue_wait_seconds") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > 600)
                throw ConfigError("config key \"queue_wait_seconds\" must be a number from 1 to 600");
            config.queue_wait_seconds = static_cast<unsigned>(value.get<std::uint64_t>());
        } else if (key == "hosts" || key == "trusted_proxies") {
            std::vector<std::string> list;
            if (value.is_array())
                for (const auto& item : value) {
                    if (!item.is_string() || item.get<std::string>().empty()) {
                        list.clear();
                        break;
                    }
                    list.push_back(item.get<std::string>());
                }
            if (list.empty() || list.size() != value.size())
                throw ConfigError("config key \"" + key + "\" must be a list of non-empty strings, e.g. " +
                                  (key == "hosts" ? "[\"portal.example.gov\"]" : "[\"127.0.0.1\"]"));
            if (key == "trusted_proxies") {
                for (const auto& p : list) {
                    boost::system::error_code ec;
                    boost::asio::ip::make_address(p, ec);
                    if (ec)
                        throw ConfigError("config key \"trusted_proxies\": \"" + p +
                                          "\" is not an IP address: give the proxy's address, such as 127.0.0.1");
                }
                config.trusted_proxies = list;
            } else {
                config.hosts = list;
            }
        } else if (key == "smtp") {
            apply_smtp(config, value, starttls);
        } else if (key == "sms_webhook") {
            apply_sms_webhook(config, value);
        } else {
            throw ConfigError("config file \"" + path + "\": unknown key \"" + key +
                              "\" (known: address, port, database, key_file, blob_dir, test_clock, portal, tls_cert, tls_key, staff_token, "
                              "staff_token_file, threads, workers, max_connections, queue_wait_seconds, hosts, trusted_proxies, smtp, "
                              "sms_webhook)");
        }
    }
}

// Checks the transports once the file and the flags are both in, and settles STARTTLS.
void check_transports(Config& config, const std::optional<std::string>& starttls) {
    if (config.smtp) {
        SmtpSettings& smtp = *config.smtp;
        if (smtp.url.empty())
            throw ConfigError("the SMTP transport needs a URL: set \"smtp.url\" or --smtp-url (e.g. smtp://mail.example.gov:587)");
        UrlParts url;
        try {
            url = split_url(smtp.url);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(std::string("smtp.url: ") + e.what() + ": write smtp://host:port or smtps://host:port");
        }
        if (url.scheme != "smtp" && url.scheme != "smtps")
            throw ConfigError("smtp.url \"" + smtp.url + "\" must start with smtp:// or smtps://");
        if (!smtp.username.empty() && smtp.password.empty())
            throw ConfigError("the SMTP username \"" + smtp.username +
                              "\" needs a password: name a file holding it with \"smtp.password_file\" or --smtp-password-file");
        if (smtp.username.empty() && !smtp.password.empty())
            throw ConfigError("an SMTP password file is given without a username: set \"smtp.username\" or --smtp-username");
        if (!starttls) {
            smtp.starttls = url.scheme == "smtps" || url.loopback ? StartTls::off : StartTls::required;
        } else if (*starttls == "required") {
            if (url.scheme == "smtps")
                throw ConfigError("smtp.starttls \"required\" does not go with an smtps:// URL, which is TLS from the start: "
                                  "drop \"starttls\" or use smtp://");
            smtp.starttls = StartTls::required;
        } else if (*starttls == "off") {
            smtp.starttls = StartTls::off;
        } else {
            throw ConfigError("smtp.starttls must be \"required\" or \"off\", not \"" + *starttls + "\"");
        }
    }
    if (config.sms_webhook) {
        SmsWebhookSettings& hook = *config.sms_webhook;
        if (hook.url.empty())
            throw ConfigError("the SMS webhook needs a URL: set \"sms_webhook.url\" or --sms-webhook-url");
        UrlParts url;
        try {
            url = split_url(hook.url);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(std::string("sms_webhook.url: ") + e.what() + ": write https://host/path");
        }
        if (url.scheme == "http") {
            if (!url.loopback)
                throw ConfigError("sms_webhook.url \"" + hook.url +
                                  "\" is plain http:// to another computer, which would send codes and the token in the "
                                  "clear: use https://, or http:// only to a loopback address (127.0.0.1, localhost)");
        } else if (url.scheme != "https") {
            throw ConfigError("sms_webhook.url \"" + hook.url + "\" must start with https://");
        }
        if (hook.token.empty())
            throw ConfigError("the SMS webhook needs a token: name a file holding it with \"sms_webhook.token_file\" or "
                              "--sms-webhook-token-file");
    }
}

}  // namespace

Config load_config(const std::vector<std::string>& args) {
    Config config;
    std::optional<std::string> starttls;
    // The file first, wherever --config appears, so that flags override it.
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config") {
            if (i + 1 >= args.size()) throw ConfigError("--config needs a file path");
            apply_file(config, args[i + 1], starttls);
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "-h" || flag == "--help") {
            config.help = true;
            continue;
        }
        if (flag == "--test-clock") {
            config.test_clock = true;
            continue;
        }
        static const char* const kWithValue[] = {"--config", "--address", "--port", "--db", "--key-file", "--blob-dir", "--portal",
                                                 "--tls-cert", "--tls-key", "--staff-token-file", "--threads",
                                                 "--smtp-url", "--smtp-username", "--smtp-password-file",
                                                 "--sms-webhook-url", "--sms-webhook-token-file"};
        bool known = false;
        for (const char* k : kWithValue) known = known || flag == k;
        if (!known) throw ConfigError("unknown flag \"" + flag + "\": see --help");
        if (i + 1 >= args.size()) throw ConfigError(flag + " needs a value");
        const std::string& value = args[++i];
        if (flag == "--address") config.address = value;
        else if (flag == "--port") config.port = parse_port(value, "--port");
        else if (flag == "--db") config.database = value;
        else if (flag == "--key-file") config.key_file = value;
        else if (flag == "--blob-dir") config.blob_dir = value;
        else if (flag == "--portal") config.portal = value;
        else if (flag == "--tls-cert") config.tls_cert = value;
        else if (flag == "--tls-key") config.tls_key = value;
        else if (flag == "--staff-token-file") config.staff_token = read_file(value, "--staff-token-file");
        else if (flag == "--threads") config.threads = parse_threads(value, "--threads");
        else if (flag == "--smtp-url") config.smtp.emplace(config.smtp.value_or(SmtpSettings{})).url = value;
        else if (flag == "--smtp-username") config.smtp.emplace(config.smtp.value_or(SmtpSettings{})).username = value;
        else if (flag == "--smtp-password-file")
            config.smtp.emplace(config.smtp.value_or(SmtpSettings{})).password = read_secret(value, "--smtp-password-file");
        else if (flag == "--sms-webhook-url")
            config.sms_webhook.emplace(config.sms_webhook.value_or(SmsWebhookSettings{})).url = value;
        else if (flag == "--sms-webhook-token-file")
            config.sms_webhook.emplace(config.sms_webhook.value_or(SmsWebhookSettings{})).token =
                read_secret(value, "--sms-webhook-token-file");
    }
    check_transports(config, starttls);
    if (config.staff_token) {
        config.staff_token = trim_line_end(*config.staff_token);
        if (config.staff_token->size() < kMinStaffToken)
            throw ConfigError("the staff token must be at least " + std::to_string(kMinStaffToken) +
                              " characters: make a long random one (e.g. `openssl rand -base64 32`)");
    }
    if (config.database.empty()) throw ConfigError("database must be a file path, not empty");
    if (config.key_file.empty())
        config.key_file = config.database + ".key";
    if (config.blob_dir.empty())
        config.blob_dir = config.database + ".files";
    if (config.test_clock) {
        if (!config.staff_token)
            throw ConfigError("--test-clock needs a staff token (--staff-token-file): the clock is moved from /admin");
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(config.address, ec);
        if (ec || !address.is_loopback())
            throw ConfigError("--test-clock is for tests on this computer only: listen on a loopback address such as "
                              "127.0.0.1, or leave --test-clock off");
    }
    return config;
}

std::string help_text() {
    return "Usage: sesame-portal [--config FILE] [flags]\n\n"
           "Serves a Sesame client portal over HTTP/1.1: sign-in with a one-time code, the client's dashboard,\n"
           "and a staff area under /admin when a staff token is configured.\n\n"
           "Flags (each overrides the config file's key of the same name):\n"
           "  --config FILE            JSON file with any of the keys below\n"
           "  --address IP             address        listen address (default 127.0.0.1; others need TLS)\n"
           "  --port N                 port           listen port (default 8080; 0 = any free port)\n"
           "  --db PATH                database       the SQLite database (default sesame.db)\n"
           "  --key-file PATH          key_file       the master key file (default: the database path + .key)\n"
           "  --blob-dir DIR           blob_dir       uploaded and document files (default: the database path + .files)\n"
           "  --portal SLUG            portal         the portal to serve (default: the database's only portal)\n"
           "  --tls-cert PATH          tls_cert       PEM certificate chain; with --tls-key, serve HTTPS\n"
           "  --tls-key PATH           tls_key        PEM private key\n"
           "  --staff-token-file PATH  staff_token_file  a file holding the staff token that opens /admin\n"
           "                           staff_token    the token itself (config file only; at least 16 characters)\n"
           "  --threads N              threads        network threads (default: one per core)\n"
           "                           workers        threads for database work (default 4)\n"
           "                           max_connections  open connections at most (default 1000); more get 503\n"
           "                           queue_wait_seconds  a request waiting longer for a worker gets 503 (default 10)\n"
           "                           hosts          the Host names served, e.g. [\"portal.example.gov\"] (default:\n"
           "                                          the listen address, localhost, 127.0.0.1 and [::1])\n"
           "                           trusted_proxies  addresses of reverse proxies whose X-Forwarded-For is believed\n"
           "  --test-clock             test_clock     tests only: the engine's clock starts at the real time and staff\n"
           "                                          move it forward from /admin (loopback and a staff token only)\n"
           "  --smtp-url URL           smtp.url       email transport: smtp://host:port or smtps://host:port\n"
           "  --smtp-username NAME     smtp.username  SMTP login name\n"
           "  --smtp-password-file PATH  smtp.password_file  a file holding the SMTP password\n"
           "                           smtp.starttls  \"required\" (default) or \"off\" (default off for smtps:// and loopback)\n"
           "                           smtp.ca_file   PEM certificates to trust instead of the system's CA store\n"
           "                           smtp.timeout_seconds  (default 30)\n"
           "  --sms-webhook-url URL    sms_webhook.url  SMS transport: the gateway's https:// webhook\n"
           "  --sms-webhook-token-file PATH  sms_webhook.token_file  a file holding the gateway's bearer token\n"
           "                           sms_webhook.ca_file  PEM certificates to trust instead of the system's CA store\n"
           "                           sms_webhook.timeout_seconds  (default 30)\n"
           "  -h, --help               this help\n\n"
           "Plain HTTP is allowed on a loopback address only. Stop with Ctrl-C (SIGINT) or SIGTERM: requests in\n"
           "progress are answered first.\n";
}

}  // namespace portal
