// `sesame`: the seed's "Log In as a Test Client" steps from a terminal, over a local SQLite database.
//
// Exit codes: 0 success; 1 the operation failed (status name and message on stderr); 2 the command
// line was wrong (with a hint).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.hpp"

#ifndef SESAME_CLI_VERSION
#define SESAME_CLI_VERSION "unknown"
#endif

namespace {

using cli::CommandSpec;
using cli::Globals;
using cli::UsageError;

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::string top_help() {
    std::ostringstream out;
    out << "Usage: sesame [--db PATH] [--key-file PATH] [--blob-dir DIR] [--json] COMMAND [ARGS...]\n\n"
        << "Log a test client in to a Sesame portal from a terminal: start a login, read the simulated code\n"
        << "from the client's message feed, verify it, and check or end the session. Manage agencies, portals,\n"
        << "clients and what is assigned to them, import and export clients as CSV, and serve the portal.\n"
        << "Every command with an example: docs/cli.md.\n\nCommands:\n";
    std::size_t width = 0;
    for (const auto& c : cli::commands()) width = std::max(width, cli::command_name(c).size() - 7);
    for (const auto& c : cli::commands()) {
        const std::string name = cli::command_name(c).substr(7);
        out << "  " << name << std::string(width - name.size() + 2, ' ') << c.summary << "\n";
    }
    out << "\nGlobal options (before or after the command):\n"
        << "  --db PATH        the SQLite database (default ./sesame.db, or $SESAME_DB)\n"
        << "  --key-file PATH  the master key file (default: the database path + \".key\", or $SESAME_KEY_FILE)\n"
        << "  --blob-dir DIR   uploaded and attached files (default: the database path + \".files\", or\n"
        << "                   $SESAME_BLOB_DIR)\n"
        << "  --json           print one JSON object per command, on one line, on stdout\n"
        << "  -h, --help       this help, or a command's help (`sesame login start --help`)\n"
        << "  --version        print the version\n\n"
        << "Exit codes: 0 success; 1 the operation failed (status name and message on stderr);\n"
        << "2 the command line was wrong.\n\n"
        << "A first session:\n"
        << "  sesame init --demo\n"
        << "  sesame login start --portal demo 555.123.4567\n"
        << "  sesame feed --portal demo 555.123.4567\n"
        << "  sesame login verify --portal demo --challenge ID --code CODE\n"
        << "  sesame session check --portal demo --token TOKEN\n";
    return out.str();
}

std::string group_help(const std::string& group) {
    std::ostringstream out;
    out << "Usage: sesame " << group << " SUBCOMMAND ...\n\nSubcommands:\n";
    for (const auto& c : cli::commands())
        if (c.path.size() > 1 && c.path[0] == group)
            out << "  " << c.path[1] << std::string(c.path[1].size() < 12 ? 12 - c.path[1].size() : 1, ' ')
                << c.summary << "\n";
    out << "\nSee `sesame " << group << " SUBCOMMAND --help` for each one's options.\n";
    return out.str();
}

std::string subcommand_list(const std::string& group) {
    std::string s;
    for (const auto& c : cli::commands())
        if (c.path.size() > 1 && c.path[0] == group) s += (s.empty() ? "" : ", ") + c.path[1];
    return s;
}

// Finds the command named by the leading words of `rest` and removes those words. nullptr with
// `group` set: the words name a group but no subcommand.
const CommandSpec* resolve(std::vector<std::string>& rest, std::string& group) {
    if (rest.empty()) return nullptr;
    const std::string first = rest[0];
    bool known = false;
    for (const auto& c : cli::commands()) {
        if (c.path[0] != first) continue;
        known = true;
        if (c.path.size() == 1) {
            rest.erase(rest.begin());
            return &c;
        }
    }
    if (!known) throw UsageError("unknown command '" + first + "'", "see `sesame --help` for the commands");
    group = first;
    if (rest.size() < 2 || rest[1].empty() || rest[1][0] == '-') return nullptr;
    for (const auto& c : cli::commands()) {
        if (c.path.size() == 2 && c.path[0] == first && c.path[1] == rest[1]) {
            rest.erase(rest.begin(), rest.begin() + 2);
            return &c;
        }
    }
    throw UsageError("unknown subcommand '" + first + " " + rest[1] + "'",
                     "`sesame " + first + "` has: " + subcommand_list(first));
}

int fail(const Globals& g, sesame::Code code, const std::string& message) {
    cli::report_failure(g, sesame::Status(code, message));
    return 1;
}

int run(int argc, char** argv) {
    Globals g;
    std::vector<std::string> rest = cli::extract_globals(argc, argv, g);
    g.db = !g.db.empty() ? g.db : env_or("SESAME_DB", "./sesame.db");
    g.key_file = !g.key_file.empty() ? g.key_file : env_or("SESAME_KEY_FILE", g.db + ".key");
    if (g.blob_dir.empty()) g.blob_dir = env_or("SESAME_BLOB_DIR", "");
    g.blob_dir_given = !g.blob_dir.empty();
    if (!g.blob_dir_given) g.blob_dir = g.db + ".files";

    if (!rest.empty() && rest[0] == "help") {
        rest.erase(rest.begin());
        g.help = true;
    }
    if (g.version && rest.empty()) {
        if (g.json)
            std::cout << nlohmann::json{{"version", SESAME_CLI_VERSION}, {"schema_version", sesame::sqlite_schema_version()}}.dump()
                      << "\n";
        else
            std::cout << "sesame " << SESAME_CLI_VERSION << " (database schema " << sesame::sqlite_schema_version() << ")\n";
        return 0;
    }
    if (rest.empty()) {
        if (g.help) {
            std::cout << top_help();
            return 0;
        }
        std::cerr << top_help();
        return 2;
    }

    std::string group;
    const CommandSpec* spec = resolve(rest, group);
    if (!spec) {
        if (g.help) {
            std::cout << group_help(group);
            return 0;
        }
        throw UsageError("`sesame " + group + "` needs a subcommand: " + subcommand_list(group),
                         "see `sesame " + group + " --help`");
    }
    if (g.help && !spec->passthrough) {
        std::cout << cli::command_help(*spec);
        return 0;
    }
    if (g.version) throw UsageError("--version takes no command", "run `sesame --version` alone");
    cli::Parsed parsed;
    if (spec->passthrough) {
        parsed.positionals = rest;
        if (!parsed.positionals.empty() && parsed.positionals.front() == "--") parsed.positionals.erase(parsed.positionals.begin());
    } else {
        parsed = cli::parse_command(*spec, rest);
    }
    if (spec->db == cli::DbUse::none) {
        cli::Context ctx;
        ctx.globals = g;
        const sesame::Status st = spec->handler(ctx, parsed);
        if (!st.ok()) {
            cli::report_failure(g, st);
            return 1;
        }
        return ctx.exit_code;
    }

    namespace fs = std::filesystem;
    std::error_code ec;
    const bool db_exists = fs::exists(g.db, ec);
    const bool key_exists = fs::exists(g.key_file, ec);
    if (spec->db == cli::DbUse::existing) {
        if (!db_exists)
            return fail(g, sesame::Code::not_found,
                        "no database at " + g.db + ": run `sesame init --demo` first, or pass --db PATH");
        if (!key_exists)
            return fail(g, sesame::Code::not_found,
                        "no key file at " + g.key_file +
                            ": pass --key-file with the key this database was made with (a new key would make its "
                            "codes and sessions unusable)");
    } else if (db_exists && !key_exists) {
        std::cerr << "sesame: warning: " << g.db << " exists but " << g.key_file
                  << " does not: a new key is made, and codes and sessions made with the old one stop working\n";
    }

    sesame::SqliteOptions store_options;
    store_options.path = g.db;
    auto store = sesame::open_sqlite_store(store_options);
    if (!store) {
        cli::report_failure(g, store.status());
        return 1;
    }
    sesame::EngineOptions options;
    options.store = *store;
    options.key_file = g.key_file;
    options.blob_dir = g.blob_dir;
    // A new key for an existing database (the old key file is gone): the database learns this key.
    options.replace_key_check = spec->db != cli::DbUse::existing && db_exists && !key_exists;
    auto engine = sesame::Engine::open(std::move(options));
    if (!engine) {
        cli::report_failure(g, engine.status());
        return 1;
    }

    cli::Context ctx;
    ctx.globals = g;
    ctx.engine = std::move(*engine);
    ctx.actor.id = "cli";
    ctx.actor.super_admin = true;
    const sesame::Status st = spec->handler(ctx, parsed);
    if (!st.ok()) {
        cli::report_failure(g, st);
        return 1;
    }
    return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "sesame: " << e.what() << "\n" << e.hint() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sesame: SESAME_E_INTERNAL: " << e.what() << "\n";
        return 1;
    } catch (...) {
        std::cerr << "sesame: SESAME_E_INTERNAL: an unexpected error\n";
        return 1;
    }
}
