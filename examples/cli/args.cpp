// Hand-written argument parsing: global options anywhere, then per-command options from a spec.
#include <algorithm>
#include <sstream>

#include "cli.hpp"

namespace cli {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

const OptionSpec* find_option(const CommandSpec& spec, const std::string& name) {
    for (const auto& o : spec.options)
        if (o.name == name) return &o;
    return nullptr;
}

std::string help_hint(const CommandSpec& spec) {
    return "see `" + command_name(spec) + " --help`";
}

}  // namespace

std::vector<std::string> extract_globals(int argc, char** argv, Globals& out) {
    std::vector<std::string> rest;
    bool options_ended = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (options_ended) {
            rest.push_back(a);
            continue;
        }
        if (a == "--") {
            // Kept so that the command parser also treats what follows as positionals.
            options_ended = true;
            rest.push_back(a);
            continue;
        }
        auto take_value = [&](const std::string& name, std::string& target) {
            if (a == name) {
                if (i + 1 >= argc) throw UsageError(name + " needs a value", "see `sesame --help`");
                target = argv[++i];
                return true;
            }
            if (starts_with(a, name + "=")) {
                target = a.substr(name.size() + 1);
                return true;
            }
            return false;
        };
        if (take_value("--db", out.db) || take_value("--key-file", out.key_file) ||
            take_value("--blob-dir", out.blob_dir))
            continue;
        if (a == "--json") out.json = true;
        else if (a == "--help" || a == "-h") out.help = true;
        else if (a == "--version") out.version = true;
        else rest.push_back(a);
    }
    return rest;
}

Parsed parse_command(const CommandSpec& spec, const std::vector<std::string>& args) {
    Parsed p;
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (options_ended || a == "-" || !starts_with(a, "-")) {
            p.positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            options_ended = true;
            continue;
        }
        std::string name = a;
        std::optional<std::string> inline_value;
        if (const auto eq = a.find('='); starts_with(a, "--") && eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
        }
        const OptionSpec* o = find_option(spec, name);
        if (!o) throw UsageError("unknown option " + name + " for `" + command_name(spec) + "`", help_hint(spec));
        if (p.has(name)) throw UsageError(name + " given twice", help_hint(spec));
        if (o->value_name.empty()) {
            if (inline_value) throw UsageError(name + " takes no value", help_hint(spec));
            p.values[name] = "";
            continue;
        }
        if (inline_value) {
            p.values[name] = *inline_value;
        } else {
            if (i + 1 >= args.size()) throw UsageError(name + " needs a value (" + o->value_name + ")", help_hint(spec));
            p.values[name] = args[++i];
        }
    }
    for (const auto& o : spec.options)
        if (o.required && !p.has(o.name))
            throw UsageError("missing " + o.name + " " + o.value_name, "usage: " + usage_line(spec));
    if (p.positionals.size() != spec.positionals.size()) {
        if (p.positionals.size() < spec.positionals.size())
            throw UsageError("missing " + spec.positionals[p.positionals.size()].name, "usage: " + usage_line(spec));
        throw UsageError("unexpected argument '" + p.positionals[spec.positionals.size()] + "'",
                         "usage: " + usage_line(spec));
    }
    return p;
}

std::string command_name(const CommandSpec& spec) {
    std::string s = "sesame";
    for (const auto& w : spec.path) s += " " + w;
    return s;
}

std::string usage_line(const CommandSpec& spec) {
    std::string s = command_name(spec);
    for (const auto& o : spec.options) {
        std::string piece = o.name + (o.value_name.empty() ? "" : " " + o.value_name);
        s += o.required ? " " + piece : " [" + piece + "]";
    }
    for (const auto& p : spec.positionals) s += " " + p.name;
    return s;
}

std::string command_help(const CommandSpec& spec) {
    std::ostringstream out;
    out << "Usage: " << usage_line(spec) << "\n\n" << spec.summary << "\n";
    if (!spec.details.empty()) out << "\n" << spec.details << "\n";
    std::size_t width = 0;
    for (const auto& p : spec.positionals) width = std::max(width, p.name.size());
    for (const auto& o : spec.options)
        width = std::max(width, o.name.size() + (o.value_name.empty() ? 0 : o.value_name.size() + 1));
    auto row = [&](const std::string& left, const std::string& help) {
        out << "  " << left << std::string(width - left.size() + 2, ' ') << help << "\n";
    };
    if (!spec.positionals.empty()) {
        out << "\nArguments:\n";
        for (const auto& p : spec.positionals) row(p.name, p.help);
    }
    if (!spec.options.empty()) {
        out << "\nOptions:\n";
        for (const auto& o : spec.options)
            row(o.name + (o.value_name.empty() ? "" : " " + o.value_name), o.help + (o.required ? " (required)" : ""));
    }
    out << "\nGlobal options: --db PATH, --key-file PATH, --blob-dir DIR, --json, --help (see `sesame --help`).\n";
    return out.str();
}

}  // namespace cli
