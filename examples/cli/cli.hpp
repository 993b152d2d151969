// The `sesame` command: shared types of the argument parser, the output helpers and the commands.
#pragma once

#include <map>
#include <memory>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sesame/sesame.hpp"

namespace cli {

// Options that every command accepts, before or after the command words.
struct Globals {
    std::string db;
    std::string key_file;
    std::string blob_dir;  // uploaded and attached files; default: the database path + ".files"
    bool blob_dir_given = false;  // --blob-dir or $SESAME_BLOB_DIR was set, not the default
    bool json = false;
    bool help = false;
    bool version = false;
};

// A mistake in how the command was typed: exit code 2, with a hint naming the help to read.
class UsageError : public std::runtime_error {
public:
    UsageError(const std::string& message, std::string hint)
        : std::runtime_error(message), hint_(std::move(hint)) {}
    const std::string& hint() const noexcept { return hint_; }

private:
    std::string hint_;
};

struct OptionSpec {
    std::string name;        // "--portal"
    std::string value_name;  // "SLUG"; empty for a flag
    bool required = false;
    std::string help;
};

struct PositionalSpec {
    std::string name;  // "IDENTIFIER"
    std::string help;
};

// The options and positionals of one command invocation, checked against its spec.
struct Parsed {
    std::map<std::string, std::string> values;  // "--portal" -> "demo"; flags map to ""
    std::vector<std::string> positionals;

    bool has(const std::string& name) const { return values.count(name) != 0; }
    const std::string& get(const std::string& name) const { return values.at(name); }
};

// What a command works with once the database and key file are open.
struct Context {
    Globals globals;
    std::unique_ptr<sesame::Engine> engine;
    sesame::Actor actor;  // the super-admin actor "cli": a local operator owns the database file
    int exit_code = 0;    // set by a command that succeeds in part (import with skipped rows)
};

using Handler = sesame::Status (*)(Context&, const Parsed&);

enum class DbUse {
    none,      // needs no database (help, version)
    create,    // may create the database and key file (init)
    existing,  // refuses to run without an initialised database and its key file
};

struct CommandSpec {
    std::vector<std::string> path;  // {"login", "start"}
    std::string summary;            // one line for the command list
    std::string details;            // paragraph(s) for --help
    std::vector<PositionalSpec> positionals;
    std::vector<OptionSpec> options;
    Handler handler = nullptr;
    DbUse db = DbUse::existing;
    // Every argument after the command words goes to the handler unparsed, as positionals (serve
    // hands them to the portal server); --help reaches the handler as Globals::help.
    bool passthrough = false;
};

// ---- args.cpp -----------------------------------------------------------------------------------

// Splits argv into the global options and the rest (command words, their options, positionals),
// in order. Throws UsageError for a global option without its value.
std::vector<std::string> extract_globals(int argc, char** argv, Globals& out);

// Parses the arguments after the command words against the command's spec. Throws UsageError for
// an unknown option, a missing value, a missing required option, or the wrong number of positionals.
Parsed parse_command(const CommandSpec& spec, const std::vector<std::string>& args);

// "sesame login start"
std::string command_name(const CommandSpec& spec);
std::string usage_line(const CommandSpec& spec);
std::string command_help(const CommandSpec& spec);

// ---- output.cpp ---------------------------------------------------------------------------------

// ISO 8601 in UTC: "2026-01-01T00:00:00Z".
std::string iso_time(sesame::UnixTime t);
// "in 10 min", "3 s ago": a reading aid next to an ISO time in text output.
std::string relative(sesame::UnixTime t, sesame::UnixTime now);

// Prints `j` on one line in --json mode, `text` otherwise. Always to stdout.
void emit(const Context& ctx, const nlohmann::json& j, const std::string& text);

// The failure of a command: "SESAME_E_X: message" on stderr (and, in --json mode, an error object on
// stdout, so that a script reading stdout always gets one object per command).
void report_failure(const Globals& g, const sesame::Status& status);

// The digits of the code in a simulated login message: the WebOTP line "@host #123456" when there is
// one, else the first run of 6 to 10 digits. Empty when there is none.
std::string code_in_message(const std::string& content);

nlohmann::json to_json(const sesame::Message& m);
nlohmann::json to_json(const sesame::Portal& p);
nlohmann::json to_json(const sesame::Agency& a);
nlohmann::json to_json(const sesame::Client& c);
nlohmann::json to_json(const sesame::Contact& c);
nlohmann::json to_json(const sesame::SessionInfo& s);

nlohmann::json to_json(const sesame::Event& e);
nlohmann::json to_json(const sesame::Case& c);
nlohmann::json to_json(const sesame::Document& d);

// ---- helpers.cpp --------------------------------------------------------------------------------

// A whole number from 1 to `max`; UsageError naming `what` (an option or argument) otherwise.
std::int64_t parse_positive(const std::string& text, const std::string& what, std::int64_t max);
// An object id given as an option or argument.
inline sesame::Id parse_id(const std::string& text, const std::string& what) {
    return parse_positive(text, what, INT64_MAX);
}
// "Ann Example", or "client 3" when the client has no name.
std::string client_name(const sesame::Client& c);
// The date `days` days after today in the IANA time zone `zone` (UTC when the zone is unknown),
// as YYYY-MM-DD.
std::string local_date(sesame::UnixTime now, const std::string& zone, int days);

// ---- manage.cpp, data.cpp, serve.cpp ------------------------------------------------------------

const std::vector<CommandSpec>& management_commands();
const std::vector<CommandSpec>& data_commands();
const std::vector<CommandSpec>& serve_commands();

// ---- demo.cpp -----------------------------------------------------------------------------------

inline constexpr const char* kDemoSlug = "demo";

// Creates the demo agency, portal, clients and their content (docs/cli.md, `init --demo`), filling
// `j` and `text` with what was made.
sesame::Status create_demo(Context& ctx, nlohmann::json& j, std::ostringstream& text);

// ---- commands.cpp -------------------------------------------------------------------------------

const std::vector<CommandSpec>& commands();

}  // namespace cli
