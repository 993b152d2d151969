// The transports against real peers on loopback: an aiosmtpd SMTP server and an HTTP gateway,
// both small Python programs under tests/peers that record what they receive into a directory
// before they answer, so a file is there as soon as send() returns.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "certificate.hpp"
#include "config.hpp"
#include "sesame/engine.hpp"
#include "sesame/random.hpp"
#include "store/temp_db.hpp"
#include "transports.hpp"

extern char** environ;

using namespace portal;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path fresh_dir(const std::string& name) {
    const char* base = std::getenv("SESAME_TEST_TMP");
    fs::path dir = fs::path(base ? base : fs::temp_directory_path().string()) /
                   ("transports-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// A peer program: started with its output directory, it prints its port on stdout once it
// listens. Stopped (SIGTERM, then reaped) when the test ends.
class Peer {
public:
    Peer(const std::string& script, std::vector<std::string> args) {
        std::vector<std::string> argv{PORTAL_TEST_PYTHON, std::string(PORTAL_TEST_PEERS) + "/" + script};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);  // only the dup2'd stdout reaches the peer
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        const int rc = ::posix_spawn(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (rc != 0) {
            pid_ = 0;
            ::close(fds[0]);
            FAIL("cannot start " << PORTAL_TEST_PYTHON << ": install python3 (scripts/install-deps)");
        }
        // The first line is the port; a peer that dies first (e.g. python3-aiosmtpd missing)
        // closes the pipe. Bounded: 20 s.
        std::string line;
        pollfd p{fds[0], POLLIN, 0};
        while (line.find('\n') == std::string::npos && ::poll(&p, 1, 20'000) == 1) {
            char buf[64];
            const ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<std::size_t>(n));
        }
        ::close(fds[0]);
        if (line.find('\n') == std::string::npos) {
            stop();
            FAIL(script << " did not start (see its error above): install python3-aiosmtpd with scripts/install-deps");
        }
        port_ = std::stoi(line);
    }
    ~Peer() { stop(); }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    int port() const { return port_; }

private:
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = 0;
        }
    }

    pid_t pid_ = 0;
    int port_ = 0;
};

json read_record(const fs::path& dir, int n) {
    const fs::path file = dir / (std::to_string(n) + ".json");
    REQUIRE_MESSAGE(fs::exists(file), "the peer recorded no request " << n);
    std::ifstream in(file);
    return json::parse(in);
}

std::size_t record_count(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") ++n;
    return n;
}

sesame::OutgoingMessage email_message() {
    sesame::OutgoingMessage m;
    m.message_id = 77;
    m.agency_id = 3;
    m.channel = sesame::Channel::email;
    m.to = "client@example.org";
    m.from = "Springfield Court <noreply@court.example.gov>";
    m.subject = "Su código de acceso";
    m.body = "Your code is 123456.\n.\nIt expires in 10 minutes. ¡Gracias!\n";
    return m;
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

}  // namespace

TEST_CASE("SMTP transport: a real SMTP server receives the headers and the body") {
    const fs::path dir = fresh_dir("smtp");
    Peer sink("smtp_sink.py", {dir.string(), "--auth", "portal", "s3cret pass"});
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    settings.username = "portal";
    settings.password = "s3cret pass";
    settings.starttls = StartTls::off;
    settings.timeout_seconds = 20;
    auto clock = std::make_shared<sesame::FakeClock>(1'767'225'600 + 3600 * 13 + 62);  // 2026-01-01 13:01:02 UTC
    SmtpTransport transport(settings, clock);

    const auto result = transport.send(email_message());
    REQUIRE_MESSAGE(result.outcome == sesame::DeliveryOutcome::sent, result.error);
    const json r = read_record(dir, 1);
    CHECK(r["mail_from"] == "noreply@court.example.gov");
    CHECK(r["rcpt_tos"] == json::array({"client@example.org"}));
    CHECK(r["login"] == "portal");
    const json& h = r["headers"];
    CHECK(h["From"] == "Springfield Court <noreply@court.example.gov>");  // as Python reads the quoted name
    CHECK(h["To"] == "client@example.org");
    CHECK(h["Subject"] == "Su código de acceso");
    CHECK(h["Date"] == "Thu, 01 Jan 2026 13:01:02 +0000");
    CHECK(h["MIME-Version"] == "1.0");
    CHECK(h["Content-Type"] == "text/plain; charset=\"utf-8\"");
    CHECK(h["Content-Transfer-Encoding"] == "base64");
    const std::string id = h["Message-ID"];
    CHECK(id.rfind("<sesame.77.", 0) == 0);
    CHECK(id.find("@court.example.gov>") != std::string::npos);
    CHECK(r["body"] == email_message().body);
    // The subject went out as an encoded word: the raw header block is plain ASCII.
    const std::string raw = r["raw_headers"];
    CHECK(raw.find("Subject: =?UTF-8?B?") != std::string::npos);
    for (unsigned char c : raw) CHECK(c < 0x80);

    // A second message gets its own Message-ID.
    REQUIRE(transport.send(email_message()).outcome == sesame::DeliveryOutcome::sent);
    CHECK(read_record(dir, 2)["headers"]["Message-ID"] != id);
}

TEST_CASE("SMTP transport: failures come back as failed with the reason, never the body") {
    const fs::path dir = fresh_dir("smtp-fail");
    Peer sink("smtp_sink.py", {dir.string(), "--auth", "portal", "right"});
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    settings.starttls = StartTls::off;
    settings.timeout_seconds = 20;
    auto clock = std::make_shared<sesame::FakeClock>();

    SUBCASE("a wrong password") {
        settings.username = "portal";
        settings.password = "wrong";
        const auto result = SmtpTransport(settings, clock).send(email_message());
        CHECK(result.outcome == sesame::DeliveryOutcome::failed);
        CHECK(result.error.find("SMTP smtp://127.0.0.1:") == 0);
        CHECK(result.error.find("123456") == std::string::npos);
    }
    SUBCASE("STARTTLS required but the server offers none") {
        settings.username = "portal";
        settings.password = "right";
        settings.starttls = StartTls::required;
        const auto result = SmtpTransport(settings, clock).send(email_message());
        CHECK(result.outcome == sesame::DeliveryOutcome::failed);
        CHECK(result.error.find("123456") == std::string::npos);
    }
    SUBCASE("a subject with a line break is refused before anything is sent") {
        settings.username = "portal";
        settings.password = "right";
        auto m = email_message();
        m.subject = "Your code\r\nBcc: attacker@example.net";
        const auto result = SmtpTransport(settings, clock).send(m);
        CHECK(result.outcome == sesame::DeliveryOutcome::failed);
        CHECK(result.error == "the subject holds a line break: refused");
    }
    SUBCASE("a recipient with a line break is refused") {
        settings.username = "portal";
        settings.password = "right";
        auto m = email_message();
        m.to = "client@example.org\nRCPT TO:<other@example.net>";
        const auto result = SmtpTransport(settings, clock).send(m);
        CHECK(result.outcome == sesame::DeliveryOutcome::failed);
        CHECK(result.error == "the recipient (To) holds a line break: refused");
    }
    CHECK(record_count(dir) == 0);
}

TEST_CASE("format_email: headers are checked and the body is base64 in 76-character lines") {
    auto m = email_message();
    m.body = std::string(200, 'x');
    const std::string text = format_email(m, 0, "id.1@court.example.gov");
    CHECK(text.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
    CHECK(text.find("Message-ID: <id.1@court.example.gov>\r\n") != std::string::npos);
    const auto body_start = text.find("\r\n\r\n");
    REQUIRE(body_start != std::string::npos);
    std::istringstream lines(text.substr(body_start + 4));
    std::string line;
    std::size_t total = 0;
    while (std::getline(lines, line)) {
        CHECK(line.size() <= 77);  // 76 and the CR
        total += line.size() - 1;
    }
    CHECK(total == 268);  // base64 of 200 bytes
    // Display names: quoted when they hold specials, encoded when they are not ASCII.
    m.from = "County Court, Springfield <noreply@court.example.gov>";
    CHECK(format_email(m, 0, "x@y").find("From: \"County Court, Springfield\" <noreply@court.example.gov>\r\n") !=
          std::string::npos);
    m.from = "\"Court \\\"North\\\" \\\\ East\" <noreply@court.example.gov>";  // already quoted
    CHECK(format_email(m, 0, "x@y").find("From: \"Court \\\"North\\\" \\\\ East\" <noreply@court.example.gov>\r\n") !=
          std::string::npos);
    m.from = "Juzgado del Condado <noreply@court.example.gov>";
    CHECK(format_email(m, 0, "x@y").find("From: \"Juzgado del Condado\" <noreply@court.example.gov>\r\n") != std::string::npos);
    m.from = "Juzgado de Familia — Condado <noreply@court.example.gov>";
    CHECK(format_email(m, 0, "x@y").find("From: =?UTF-8?B?") != std::string::npos);
    m.from = "noreply@court.example.gov";
    CHECK(format_email(m, 0, "x@y").find("From: noreply@court.example.gov\r\n") != std::string::npos);
    m.subject = "line\rbreak";
    CHECK_THROWS_WITH_AS(format_email(m, 0, "x@y"), "the subject holds a line break: refused", std::invalid_argument);
    m.subject = "ok";
    m.from = "Court <noreply@court.example.gov";
    CHECK_THROWS_AS(format_email(m, 0, "x@y"), std::invalid_argument);
    m.from = "noreply@court.example.gov";
    m.to = "not an address";
    CHECK_THROWS_AS(format_email(m, 0, "x@y"), std::invalid_argument);
}

TEST_CASE("SMS webhook transport: a real HTTP gateway gets the token and the JSON body") {
    const fs::path dir = fresh_dir("webhook");
    Peer gateway("webhook_peer.py", {dir.string(), "tok-123"});
    SmsWebhookSettings settings;
    settings.url = "http://127.0.0.1:" + std::to_string(gateway.port()) + "/send";
    settings.token = "tok-123";
    settings.timeout_seconds = 20;
    SmsWebhookTransport transport(settings);
    sesame::OutgoingMessage m;
    m.message_id = 9;
    m.channel = sesame::Channel::sms;
    m.from = "+15550001000";
    m.to = "+15550000001";
    m.body = "Springfield Court: your code is 654321";

    const auto sent = transport.send(m);
    CHECK_MESSAGE(sent.outcome == sesame::DeliveryOutcome::sent, sent.error);
    const json r = read_record(dir, 1);
    CHECK(r["path"] == "/send");
    CHECK(r["authorization"] == "Bearer tok-123");
    CHECK(r["content_type"] == "application/json");
    CHECK(r["body"] == json{{"to", "+15550000001"}, {"from", "+15550001000"}, {"body", m.body}, {"message_id", 9}});

    m.to = "+15551230009";
    CHECK(transport.send(m).outcome == sesame::DeliveryOutcome::opted_out);

    m.to = "+15551230500";
    const auto failed = transport.send(m);
    CHECK(failed.outcome == sesame::DeliveryOutcome::failed);
    CHECK(failed.error == "SMS gateway " + settings.url + " answered HTTP 500");

    settings.token = "wrong";
    m.to = "+15550000001";
    const auto refused = SmsWebhookTransport(settings).send(m);
    CHECK(refused.outcome == sesame::DeliveryOutcome::failed);
    CHECK(refused.error.find("answered HTTP 401") != std::string::npos);
    CHECK(record_count(dir) == 4);
}

TEST_CASE("SMS webhook transport: no gateway listening is a failure with curl's reason") {
    // A port that was free a moment ago: bind, learn it, close.
    const fs::path dir = fresh_dir("webhook-gone");
    int port = 0;
    {
        Peer gateway("webhook_peer.py", {dir.string(), "t"});
        port = gateway.port();
    }
    SmsWebhookSettings settings;
    settings.url = "http://127.0.0.1:" + std::to_string(port) + "/send";
    settings.token = "t";
    settings.timeout_seconds = 20;
    sesame::OutgoingMessage m;
    m.to = "+15550000001";
    m.body = "code 111111";
    const auto result = SmsWebhookTransport(settings).send(m);
    CHECK(result.outcome == sesame::DeliveryOutcome::failed);
    CHECK(result.error.find("SMS gateway http://127.0.0.1:") == 0);
    CHECK(result.error.find("111111") == std::string::npos);
}

TEST_CASE("split_url: scheme, host and loopback") {
    CHECK(split_url("smtp://127.0.0.1:25").loopback);
    CHECK(split_url("http://localhost:8000/x").loopback);
    CHECK(split_url("http://[::1]:8000/x").host == "::1");
    CHECK(split_url("http://[::1]:8000/x").loopback);
    CHECK_FALSE(split_url("HTTPS://sms.example.gov/send").loopback);
    CHECK(split_url("HTTPS://sms.example.gov/send").scheme == "https");
    CHECK_THROWS_AS(split_url("not a url"), std::invalid_argument);
}

TEST_CASE("config: smtp and sms_webhook from the file and the flags") {
    const fs::path dir = fresh_dir("config");
    write_file(dir / "smtp-password", "pa ss\n");
    write_file(dir / "sms-token", "tok\n");
    write_file(dir / "empty", "");
    const std::string pw = (dir / "smtp-password").string();
    const std::string tok = (dir / "sms-token").string();
    auto with = [&](const json& doc, std::vector<std::string> flags = {}) {
        write_file(dir / "c.json", doc.dump());
        flags.insert(flags.begin(), {"--config", (dir / "c.json").string()});
        return load_config(flags);
    };

    Config c = with({{"smtp", {{"url", "smtp://mail.example.gov:587"}, {"username", "portal"}, {"password_file", pw}}},
                     {"sms_webhook", {{"url", "https://sms.example.gov/send"}, {"token_file", tok}, {"timeout_seconds", 5}}}});
    REQUIRE(c.smtp);
    CHECK(c.smtp->password == "pa ss");
    CHECK(c.smtp->starttls == StartTls::required);
    CHECK(c.smtp->timeout_seconds == 30);
    REQUIRE(c.sms_webhook);
    CHECK(c.sms_webhook->token == "tok");
    CHECK(c.sms_webhook->timeout_seconds == 5);

    // STARTTLS defaults off for smtps:// (TLS from the start) and for a loopback relay.
    CHECK(with({{"smtp", {{"url", "smtps://mail.example.gov"}}}}).smtp->starttls == StartTls::off);
    CHECK(with({{"smtp", {{"url", "smtp://127.0.0.1:25"}}}}).smtp->starttls == StartTls::off);
    CHECK(with({{"smtp", {{"url", "smtp://127.0.0.1:25"}, {"starttls", "required"}}}}).smtp->starttls == StartTls::required);
    CHECK(with({{"smtp", {{"url", "smtp://relay.internal:25"}, {"starttls", "off"}}}}).smtp->starttls == StartTls::off);

    // Flags alone, and flags over the file.
    c = load_config({"--smtp-url", "smtp://mail.example.gov:587", "--smtp-username", "u", "--smtp-password-file", pw,
                     "--sms-webhook-url", "http://127.0.0.1:9000/", "--sms-webhook-token-file", tok});
    CHECK(c.smtp->url == "smtp://mail.example.gov:587");
    CHECK(c.smtp->username == "u");
    CHECK(c.sms_webhook->url == "http://127.0.0.1:9000/");
    c = with({{"smtp", {{"url", "smtp://a.example.gov"}}}}, {"--smtp-url", "smtp://b.example.gov"});
    CHECK(c.smtp->url == "smtp://b.example.gov");
    CHECK_FALSE(load_config({}).smtp);
    CHECK_FALSE(load_config({}).sms_webhook);

    auto refused = [&](const json& doc) -> std::string {
        try {
            with(doc);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(accepted)";
    };
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"password", "x"}}}}).find("smtp.password_file") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "http://m.example.gov"}}}}).find("smtp:// or smtps://") != std::string::npos);
    CHECK(refused({{"smtp", {{"username", "u"}, {"password_file", pw}}}}).find("--smtp-url") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"username", "u"}}}}).find("password") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"starttls", "maybe"}}}}).find("\"required\" or \"off\"") !=
          std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtps://m.example.gov"}, {"starttls", "required"}}}}).find("smtps://") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"timeout_seconds", 0}}}}).find("1 to 600") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"tls", true}}}}).find("unknown key \"tls\"") != std::string::npos);
    CHECK(refused({{"smtp", "smtp://m.example.gov"}}).find("must be an object") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"username", "u"}, {"password_file", (dir / "empty").string()}}}})
              .find("is empty") != std::string::npos);
    CHECK(refused({{"smtp", {{"url", "smtp://m.example.gov"}, {"username", "u"}, {"password_file", (dir / "none").string()}}}})
              .find("cannot be read") != std::string::npos);

    CHECK(refused({{"sms_webhook", {{"url", "http://sms.example.gov/send"}, {"token_file", tok}}}})
              .find("loopback") != std::string::npos);
    CHECK(refused({{"sms_webhook", {{"url", "ftp://sms.example.gov/"}, {"token_file", tok}}}}).find("https://") != std::string::npos);
    CHECK(refused({{"sms_webhook", {{"url", "https://sms.example.gov/send"}}}}).find("token_file") != std::string::npos);
    CHECK(refused({{"sms_webhook", {{"url", "https://sms.example.gov/send"}, {"token", "t"}}}}).find("not allowed") !=
          std::string::npos);
    CHECK(refused({{"sms_webhook", {{"token_file", tok}}}}).find("--sms-webhook-url") != std::string::npos);
    CHECK(refused({{"sms_webhook", {{"url", "https://sms.example.gov/send"}, {"token_file", tok}}}}) == "(accepted)");
}

namespace {

// Every draw gives 42: with 6 digits the code is "000042".
class FixedRandom final : public sesame::RandomSource {
public:
    std::uint32_t uniform(std::uint32_t upper) override { return 42 < upper ? 42 : upper - 1; }
};

template <class T>
T must(sesame::Result<T> r) {
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return std::move(*r);
}

}  // namespace

TEST_CASE("engine with both transports: a live agency's codes reach the SMTP server and the gateway") {
    const fs::path smtp_dir = fresh_dir("e2e-smtp");
    const fs::path hook_dir = fresh_dir("e2e-hook");
    Peer sink("smtp_sink.py", {smtp_dir.string()});
    Peer gateway("webhook_peer.py", {hook_dir.string(), "tok-e2e"});
    auto clock = std::make_shared<sesame::FakeClock>();

    sesame::test::TempDb db("transports");
    struct RemoveBlobs {
        std::string path;
        ~RemoveBlobs() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } blobs{db.str() + ".files"};
    auto store = sesame::open_sqlite_store({db.path().string()});
    REQUIRE_MESSAGE(store.ok(), store.status().message());
    sesame::EngineOptions o;
    o.store = *store;
    o.master_key = std::vector<std::uint8_t>(32, 7);
    o.clock = clock;
    o.random = std::make_shared<FixedRandom>();
    o.blob_dir = blobs.path;
    SmtpSettings smtp;
    smtp.url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    smtp.starttls = StartTls::off;
    smtp.timeout_seconds = 20;
    o.email_transport = std::make_shared<SmtpTransport>(smtp, clock);
    SmsWebhookSettings hook;
    hook.url = "http://127.0.0.1:" + std::to_string(gateway.port()) + "/send";
    hook.token = "tok-e2e";
    hook.timeout_seconds = 20;
    o.sms_transport = std::make_shared<SmsWebhookTransport>(hook);
    auto engine = must(sesame::Engine::open(std::move(o)));

    const sesame::Actor root{"root", 0, {}, true};
    sesame::Agency a;
    a.name = "County Court";
    a.environment = sesame::Environment::production;
    a.send_mode = sesame::SendMode::live;
    auto agency = must(engine->create_agency(root, a));  // a new agency starts in simulate
    agency.environment = sesame::Environment::production;
    agency.send_mode = sesame::SendMode::live;
    agency = must(engine->update_agency(root, agency));
    REQUIRE(must(engine->get_agency(root, agency.id)).send_mode == sesame::SendMode::live);
    (void)must(engine->add_agency_phone(root, agency.id, "+15550000001", sesame::CarrierRegistration::complete));
    (void)must(engine->add_agency_email(root, agency.id, "court@example.gov", "County Court"));
    sesame::Portal p;
    p.agency_id = agency.id;
    p.name = "Court Portal";
    p.slug = "demo";
    p.client_auth = sesame::ClientAuth::one_time_password;
    const auto portal = must(engine->create_portal(root, p));
    sesame::Client c;
    c.agency_id = agency.id;
    c.first_name = "Ann";
    c.last_name = "Lee";
    c.language = "en";
    const auto ann = must(engine->create_client(root, c));
    (void)must(engine->add_contact(root, ann.id, sesame::ContactKind::phone, "+15551230001"));
    (void)must(engine->add_contact(root, ann.id, sesame::ContactKind::email, "ann@example.org"));
    c.first_name = "Bo";
    const auto bo = must(engine->create_client(root, c));
    const auto bo_phone = must(engine->add_contact(root, bo.id, sesame::ContactKind::phone, "+15551230009"));

    (void)must(engine->start_login(portal.id, "+15551230001", {"127.0.0.1", "test"}));
    const json sms = read_record(hook_dir, 1);
    CHECK(sms["authorization"] == "Bearer tok-e2e");
    CHECK(sms["body"]["to"] == "+15551230001");
    CHECK(sms["body"]["from"] == "+15550000001");
    CHECK(sms["body"]["body"].get<std::string>().find("000042") != std::string::npos);

    (void)must(engine->start_login(portal.id, "ann@example.org", {"127.0.0.2", "test"}));
    const json mail = read_record(smtp_dir, 1);
    CHECK(mail["mail_from"] == "court@example.gov");
    CHECK(mail["rcpt_tos"] == json::array({"ann@example.org"}));
    CHECK(mail["headers"]["To"] == "ann@example.org");
    CHECK(mail["headers"]["Subject"].get<std::string>().size() > 0);
    CHECK(mail["body"].get<std::string>().find("000042") != std::string::npos);

    // The gateway says Bo opted out: his contact becomes Opted-Out.
    (void)engine->start_login(portal.id, "+15551230009", {"127.0.0.3", "test"});
    CHECK(read_record(hook_dir, 2)["body"]["to"] == "+15551230009");
    CHECK(must(engine->get_contact(root, bo_phone.id)).status == sesame::ContactStatus::opted_out);
}

namespace {

// The test certificate (certificate.hpp) as PEM files in `dir`: it doubles as the CA file the
// transports are told to trust.
struct LocalCertificate {
    std::string cert;
    std::string key;

    explicit LocalCertificate(const fs::path& dir) : cert((dir / "cert.pem").string()), key((dir / "key.pem").string()) {
        portal::test::write_test_certificate(cert, key);
    }
};

}  // namespace

TEST_CASE("SMTP transport: STARTTLS required upgrades the session, and the certificate is checked") {
    const fs::path dir = fresh_dir("smtp-tls");
    const LocalCertificate cert(dir);
    Peer sink("smtp_sink.py", {dir.string(), "--starttls", cert.cert, cert.key, "--auth", "portal", "pw"});
    SmtpSettings settings;
    settings.url = "smtp://localhost:" + std::to_string(sink.port());
    settings.username = "portal";
    settings.password = "pw";
    settings.starttls = StartTls::required;
    settings.timeout_seconds = 20;
    auto clock = std::make_shared<sesame::FakeClock>();

    SUBCASE("trusting the certificate: sent under TLS") {
        settings.ca_file = cert.cert;
        const auto result = SmtpTransport(settings, clock).send(email_message());
        REQUIRE_MESSAGE(result.outcome == sesame::DeliveryOutcome::sent, result.error);
        const json r = read_record(dir, 1);
        CHECK(r["tls"] == true);
        CHECK(r["login"] == "portal");
        CHECK(r["body"] == email_message().body);
    }
    SUBCASE("the system's CA store does not know it: failed, nothing sent") {
        const auto result = SmtpTransport(settings, clock).send(email_message());
        CHECK(result.outcome == sesame::DeliveryOutcome::failed);
        CHECK(result.error.find("certificate") != std::string::npos);
        CHECK(record_count(dir) == 0);
    }
    SUBCASE("STARTTLS off against a server that requires it: refused by the server") {
        settings.ca_file = cert.cert;
        settings.starttls = StartTls::off;
        const auto result = SmtpTransport(settings, clock).send(email_message());
        CHECK(result.outcome == sesame::DeliveryOutcome::failed);
        CHECK(record_count(dir) == 0);
    }
}

TEST_CASE("SMS webhook transport: HTTPS with the gateway's certificate checked") {
    const fs::path dir = fresh_dir("webhook-tls");
    const LocalCertificate cert(dir);
    Peer gateway("webhook_peer.py", {dir.string(), "tok", cert.cert, cert.key});
    SmsWebhookSettings settings;
    settings.url = "https://localhost:" + std::to_string(gateway.port()) + "/send";
    settings.token = "tok";
    settings.timeout_seconds = 20;
    sesame::OutgoingMessage m;
    m.to = "+15551230001";
    m.from = "+15550000001";
    m.body = "code 222222";

    const auto untrusted = SmsWebhookTransport(settings).send(m);
    CHECK(untrusted.outcome == sesame::DeliveryOutcome::failed);
    CHECK(untrusted.error.find("certificate") != std::string::npos);
    CHECK(record_count(dir) == 0);

    settings.ca_file = cert.cert;
    const auto sent = SmsWebhookTransport(settings).send(m);
    CHECK_MESSAGE(sent.outcome == sesame::DeliveryOutcome::sent, sent.error);
    CHECK(read_record(dir, 1)["authorization"] == "Bearer tok");
}

TEST_CASE("config: ca_file must be a readable PEM certificate file") {
    const fs::path dir = fresh_dir("config-ca");
    const LocalCertificate cert(dir);
    write_file(dir / "tok", "t\n");
    write_file(dir / "c.json", json{{"smtp", {{"url", "smtp://mail.example.gov:587"}, {"ca_file", cert.cert}}},
                                    {"sms_webhook", {{"url", "https://sms.example.gov/send"},
                                                     {"token_file", (dir / "tok").string()},
                                                     {"ca_file", cert.cert}}}}
                                   .dump());
    const Config c = load_config({"--config", (dir / "c.json").string()});
    CHECK(c.smtp->ca_file == cert.cert);
    CHECK(c.sms_webhook->ca_file == cert.cert);

    write_file(dir / "c.json", json{{"smtp", {{"url", "smtp://mail.example.gov:587"}, {"ca_file", cert.key}}}}.dump());
    CHECK_THROWS_WITH_AS(load_config({"--config", (dir / "c.json").string()}),
                         doctest::Contains("holds no PEM certificate"), ConfigError);
    write_file(dir / "c.json", json{{"smtp", {{"url", "smtp://mail.example.gov:587"}, {"ca_file", (dir / "none.pem").string()}}}}.dump());
    CHECK_THROWS_WITH_AS(load_config({"--config", (dir / "c.json").string()}), doctest::Contains("cannot be read"), ConfigError);
}
