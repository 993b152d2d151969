// Starting the portal server from a command line: shared by `sesame-portal` and `sesame serve`.
#include "run.hpp"

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "app.hpp"
#include "config.hpp"
#include "server.hpp"
#include "transports.hpp"

namespace {

// The slug to serve: the configured one, or the database's only portal.
std::string resolve_portal(sesame::Engine& engine, const std::string& configured) {
    if (!configured.empty()) {
        auto portal = engine.find_portal(configured);
        if (!portal.ok())
            throw std::runtime_error("portal \"" + configured + "\" is not in the database: check --portal");
        return configured;
    }
    sesame::Actor root{"portal-server", 0, {}, true};
    auto agencies = engine.list_agencies(root);
    if (!agencies.ok()) throw std::runtime_error("cannot list the agencies: " + agencies.status().message());
    std::vector<std::string> slugs;
    for (const auto& a : *agencies) {
        auto portals = engine.list_portals(root, a.id);
        if (!portals.ok()) throw std::runtime_error("cannot list the portals: " + portals.status().message());
        for (const auto& p : *portals) slugs.push_back(p.slug);
    }
    if (slugs.empty())
        throw std::runtime_error("the database has no portal: create one first (e.g. `sesame init --demo`)");
    if (slugs.size() > 1) {
        std::string list;
        for (const auto& s : slugs) list += (list.empty() ? "" : ", ") + s;
        throw std::runtime_error("the database has several portals: choose one with --portal (" + list + ")");
    }
    return slugs.front();
}

}  // namespace

namespace portal {

int run(const std::vector<std::string>& args, const std::string& program) {
    portal::Config config;
    try {
        config = portal::load_config(args);
    } catch (const portal::ConfigError& e) {
        std::cerr << program << ": " << e.what() << "\n";
        return 2;
    }
    if (config.help) {
        std::cout << portal::help_text();
        return 0;
    }
    portal::ServerOptions server_options;
    server_options.address = config.address;
    server_options.port = config.port;
    server_options.threads = config.threads;
    server_options.workers = config.workers;
    server_options.max_connections = config.max_connections;
    server_options.queue_wait = std::chrono::seconds(config.queue_wait_seconds);
    server_options.hosts = config.hosts;
    server_options.trusted_proxies = config.trusted_proxies;
    server_options.tls_cert = config.tls_cert;
    server_options.tls_key = config.tls_key;
    if (const std::string problem = portal::check_listen(server_options); !problem.empty()) {
        std::cerr << program << ": " << problem << "\n";
        return 2;
    }
    // The server never creates a database or a key: an empty database has no portal to serve, and
    // a new key beside an existing database would make its codes, sessions and contacts unusable.
    std::error_code ec;
    if (!std::filesystem::exists(config.database, ec)) {
        std::cerr << program << ": no database at " << config.database
                  << ": create one with `sesame --db " << config.database << " init --demo`, or pass --db PATH\n";
        return 1;
    }
    // An empty file is not a database the server may fill: SQLite would take it for a new one.
    if (std::filesystem::is_regular_file(config.database, ec) && std::filesystem::file_size(config.database, ec) == 0 &&
        !ec) {
        std::cerr << program << ": the database " << config.database
                  << " is an empty file, not a Sesame database: pass --db with the right path, or remove the file and "
                     "create the database with `sesame --db "
                  << config.database << " init --demo`\n";
        return 1;
    }
    if (!std::filesystem::exists(config.key_file, ec)) {
        std::cerr << program << ": no key file at " << config.key_file
                  << ": pass --key-file with the key this database was made with\n";
        return 1;
    }
    try {
        auto store = sesame::open_sqlite_store({config.database});
        if (!store.ok()) {
            std::cerr << program << ": database \"" << config.database << "\": " << store.status().message() << "\n";
            return 1;
        }
        sesame::EngineOptions engine_options;
        engine_options.store = *store;
        engine_options.key_file = config.key_file;
        engine_options.blob_dir = config.blob_dir;
        // An audit event the database could not keep (a full disk) is said here, never lost silently.
        engine_options.audit_failure_sink = [](const sesame::AuditEvent& e, const sesame::Status& status) {
            std::cerr << "error: the audit event " << e.action << " (" << e.target << ", outcome " << e.outcome
                      << ") could not be written: " << status.message() << "\n";
        };
        std::shared_ptr<sesame::FakeClock> test_clock;
        if (config.test_clock) {
            test_clock = std::make_shared<sesame::FakeClock>(sesame::SystemClock().now());
            engine_options.clock = test_clock;
        }
        std::shared_ptr<sesame::Clock> message_clock = test_clock;
        if (!message_clock) message_clock = std::make_shared<sesame::SystemClock>();
        if (config.smtp) engine_options.email_transport = std::make_shared<portal::SmtpTransport>(*config.smtp, message_clock);
        if (config.sms_webhook) engine_options.sms_transport = std::make_shared<portal::SmsWebhookTransport>(*config.sms_webhook);
        auto engine = sesame::Engine::open(std::move(engine_options));
        if (!engine.ok()) {
            std::cerr << program << ": " << engine.status().message() << "\n";
            return 1;
        }
        portal::AppOptions app_options;
        app_options.portal_slug = resolve_portal(**engine, config.portal);
        app_options.tls = config.tls_cert.has_value();
        app_options.staff_token = config.staff_token;
        app_options.test_clock = test_clock;
        portal::App app(**engine, app_options);
        portal::Server server(app, server_options);
        if (test_clock)
            std::cerr << "WARNING: --test-clock: the engine's clock is moved from /admin; never use this for real "
                         "visitors.\n";
        // Without a transport a live agency's messages stay queued. An agency in simulate mode sends
        // nothing anyway, so it gets a note rather than warnings (staff can still switch it to live).
        bool simulate = false;
        if (auto served = (*engine)->find_portal(app_options.portal_slug); served.ok()) {
            sesame::Actor root{"portal-server", 0, {}, true};
            if (auto agency = (*engine)->get_agency(root, served->agency_id); agency.ok())
                simulate = agency->send_mode == sesame::SendMode::simulate;
        }
        const char* level = simulate ? "note" : "WARNING";
        if (!config.sms_webhook)
            std::cerr << level << ": no SMS transport (config key \"sms_webhook\" or --sms-webhook-url): live SMS "
                         "messages stay queued and are not sent.\n";
        if (!config.smtp)
            std::cerr << level << ": no email transport (config key \"smtp\" or --smtp-url): live email messages "
                         "stay queued and are not sent.\n";
        if (simulate && (!config.sms_webhook || !config.smtp))
            std::cerr << "note: the agency is in simulate mode: codes go to the client's message feed and no "
                         "message leaves this machine.\n";
        if (config.smtp && config.smtp->starttls == portal::StartTls::off && config.smtp->url.rfind("smtps", 0) != 0 &&
            !portal::split_url(config.smtp->url).loopback)
            std::cerr << "WARNING: smtp.starttls is \"off\" for " << config.smtp->url
                      << ": codes and the SMTP password cross the network in the clear.\n";
        std::cerr << "serving portal \"" << app_options.portal_slug << "\" on " << (app_options.tls ? "https" : "http")
                  << "://" << config.address << ":" << server.port() << "/"
                  << (config.staff_token ? " (staff area at /admin)" : "") << "\n";
        server.run_until_signal();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace portal
