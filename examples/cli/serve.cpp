// `sesame serve`: the example portal server in this process, over the database of --db.
#include <iostream>

#include "cli.hpp"

#ifdef SESAME_CLI_SERVE
#include "run.hpp"
#endif

namespace cli {
namespace {

using sesame::Status;

Status cmd_serve(Context& ctx, const Parsed& p) {
#ifdef SESAME_CLI_SERVE
    std::vector<std::string> args;
    if (ctx.globals.help) {
        std::cout << "Usage: sesame [--db PATH] [--key-file PATH] [--blob-dir DIR] serve [FLAGS]\n\n"
                  << "Runs the portal server over the database of --db (and its key file), with the flags of\n"
                  << "sesame-portal below. --db, --key-file and --blob-dir are the sesame command's own, as for\n"
                  << "every other command; they override the database and key of a --config file.\n\n";
        args.push_back("--help");
    } else {
        args = {"--db", ctx.globals.db, "--key-file", ctx.globals.key_file};
        if (ctx.globals.blob_dir_given) {
            args.push_back("--blob-dir");
            args.push_back(ctx.globals.blob_dir);
        }
        args.insert(args.end(), p.positionals.begin(), p.positionals.end());
    }
    const int rc = portal::run(args, "sesame serve");
    if (rc == 0) return Status::success();
    // portal::run has said why on stderr already.
    ctx.exit_code = rc;
    return Status::success();
#else
    (void)p;
    if (ctx.globals.help) {
        std::cout << "Usage: sesame serve [FLAGS]\n\nThis sesame was built without the portal server.\n";
        return Status::success();
    }
    return Status(sesame::Code::failed_precondition,
                  "this sesame was built without the portal server (it needs Boost.Beast and OpenSSL): install "
                  "them (scripts/install-deps) and build again, or run build/release/examples/portal_server/"
                  "sesame-portal");
#endif
}

}  // namespace

const std::vector<CommandSpec>& serve_commands() {
    static const std::vector<CommandSpec> table = {
        {{"serve"},
         "Serve the client portal over HTTP from this database (`sesame serve --help` for its flags).",
         "",
         {},
         {},
         cmd_serve,
         DbUse::none,
         true},
    };
    return table;
}

}  // namespace cli
