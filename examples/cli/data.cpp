// `sesame import clients` and `sesame export clients`: an agency's clients as CSV (RFC 4180) or
// JSON, one row per client with its first phone and first email. Export guards against formula
// injection; import reads that guard back, so the two round-trip.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include <date/date.h>

#include "cli.hpp"

namespace cli {
namespace {

using nlohmann::json;
using sesame::Code;
using sesame::Status;

const std::vector<std::string> kColumns = {"first_name", "last_name",        "middle_name", "dob",
                                           "language",   "client_reference", "phone",       "email"};
constexpr std::size_t kMaxText = 200;

std::string known_columns() {
    std::string s;
    for (const auto& c : kColumns) s += (s.empty() ? "" : ",") + c;
    return s;
}

// A column's place in kColumns, which orders the problems reported for one row.
std::size_t column_rank(const std::string& column) {
    return static_cast<std::size_t>(std::find(kColumns.begin(), kColumns.end(), column) - kColumns.begin());
}

// ---- CSV reading (RFC 4180) ---------------------------------------------------------------------

struct Record {
    std::size_t line = 0;  // the line the record starts on, 1-based
    std::vector<std::string> fields;
    std::string error;     // set when the record is malformed; fields are then incomplete
};

// Splits the text into records. Fields are separated by commas and records by CRLF or LF; a field
// in double quotes may hold commas, line breaks and doubled quotes (""). A quote inside an
// unquoted field, text after a closing quote and a quote never closed are errors of that record.
// Lines with nothing on them are skipped.
std::vector<Record> parse_csv(const std::string& text) {
    std::vector<Record> records;
    std::size_t i = 0;
    std::size_t line = 1;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // a UTF-8 byte order mark, as spreadsheets write
    const std::size_t n = text.size();
    auto at_record_end = [&](std::size_t k) { return k >= n || text[k] == '\n' || (text[k] == '\r'); };
    // Moves past the line break at `i` (CRLF, LF or a lone CR), counting the line.
    auto skip_break = [&]() {
        if (i < n && text[i] == '\r') ++i;
        if (i < n && text[i] == '\n') ++i;
        ++line;
    };
    // Skips to the end of the current physical line, after an error.
    auto skip_line = [&]() {
        while (i < n && text[i] != '\n' && text[i] != '\r') ++i;
        if (i < n) skip_break();
    };
    while (i < n) {
        if (text[i] == '\n' || text[i] == '\r') {  // an empty line
            skip_break();
            continue;
        }
        Record rec;
        rec.line = line;
        bool record_done = false;
        while (!record_done) {
            std::string field;
            if (i < n && text[i] == '"') {
                const std::size_t open_line = line;
                ++i;
                bool closed = false;
                while (i < n) {
                    const char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (c == '\n') ++line;
                    if (c == '\r' && !(i + 1 < n && text[i + 1] == '\n')) ++line;
                    field += c;
                    ++i;
                }
                if (!closed) {
                    rec.error = "a quoted field opened on line " + std::to_string(open_line) +
                                " is never closed: add the closing \"";
                    records.push_back(std::move(rec));
                    return records;
                }
                if (!at_record_end(i) && text[i] != ',') {
                    rec.error = "text after the closing quote of field " + std::to_string(rec.fields.size() + 1) +
                                ": a quoted field ends at its closing \" (write \"\" for a quote inside it)";
                    skip_line();
                    break;
                }
            } else {
                while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    if (text[i] == '"') {
                        rec.error = "a \" inside unquoted field " + std::to_string(rec.fields.size() + 1) +
                                    ": put the whole field in double quotes and double the quote (\"\")";
                        break;
                    }
                    field += text[i++];
                }
                if (!rec.error.empty()) {
                    skip_line();
                    break;
                }
            }
            rec.fields.push_back(std::move(field));
            if (i < n && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < n) skip_break();
            record_done = true;
        }
        records.push_back(std::move(rec));
    }
    return records;
}

// ---- CSV writing --------------------------------------------------------------------------------

// A cell a spreadsheet would run as a formula (= + - @, or a tab or carriage return first) gets a
// single quote in front of it.
bool needs_formula_guard(const std::string& v) {
    return !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
}

std::string csv_cell(std::string v) {
    if (needs_formula_guard(v)) v.insert(v.begin(), '\'');
    const bool quote = v.find_first_of(",\"\r\n") != std::string::npos || (!v.empty() && (v.front() == ' ' || v.back() == ' '));
    if (!quote) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// What import reads back: a single quote in front of a guarded character was added by export.
std::string unguard(const std::string& v) {
    if (v.size() >= 2 && v[0] == '\'' && needs_formula_guard(v.substr(1))) return v.substr(1);
    return v;
}

// ---- validation ---------------------------------------------------------------------------------

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// Empty when the text is fine for a client field; else the reason.
std::string text_problem(const std::string& v) {
    if (v.size() > kMaxText)
        return "is " + std::to_string(v.size()) + " bytes long; at most " + std::to_string(kMaxText) + " are kept";
    for (unsigned char c : v)
        if (c < 0x20 || c == 0x7F) return "contains a control character (a line break or tab): remove it";
    if (!valid_utf8(v)) return "is not valid UTF-8 text: save the file as UTF-8";
    return {};
}

bool is_real_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[k] < '0' || s[k] > '9') return false;
    const date::year_month_day ymd{date::year{std::stoi(s.substr(0, 4))},
                                   date::month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                                   date::day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
    return ymd.ok();
}

struct Problem {
    std::size_t line = 0;
    std::string column;  // "-" for the row as a whole
    std::string reason;
};

struct Row {
    std::size_t line = 0;
    sesame::Client client;
    std::optional<std::string> phone;  // as typed; the engine stores it normalised
    std::optional<std::string> email;
};

// Checks every field of a record (the phone number only when `check_phone` or the row has another
// problem); appends each problem found. True when there were none.
bool validate_row(const Record& rec, const std::vector<std::string>& header, const sesame::Agency& agency,
                  bool check_phone, Row& row, std::vector<Problem>& problems) {
    const std::size_t before = problems.size();
    auto problem = [&](const std::string& column, const std::string& reason) {
        problems.push_back({rec.line, column, reason});
    };
    if (!rec.error.empty()) {
        problem("-", rec.error);
        return false;
    }
    if (rec.fields.size() != header.size()) {
        problem("-", "has " + std::to_string(rec.fields.size()) + " fields but the header has " +
                         std::to_string(header.size()) + ": check the commas and quotes");
        return false;
    }
    std::map<std::string, std::string> v;
    for (std::size_t k = 0; k < header.size(); ++k) v[header[k]] = trim(unguard(rec.fields[k]));
    auto get = [&](const std::string& col) { return v.count(col) ? v[col] : std::string(); };

    row.line = rec.line;
    row.client.agency_id = agency.id;
    const std::pair<const char*, std::string*> texts[] = {{"first_name", &row.client.first_name},
                                                          {"last_name", &row.client.last_name},
                                                          {"middle_name", &row.client.middle_name},
                                                          {"client_reference", &row.client.client_reference}};
    for (const auto& [col, target] : texts) {
        *target = get(col);
        if (const std::string why = text_problem(*target); !why.empty()) problem(col, why);
    }
    if (row.client.first_name.empty()) problem("first_name", "is empty: every client needs a first name");
    if (row.client.last_name.empty()) problem("last_name", "is empty: every client needs a last name");

    row.client.dob = get("dob");
    if (!row.client.dob.empty() && !is_real_date(row.client.dob))
        problem("dob", "'" + row.client.dob + "' is not a real date written YYYY-MM-DD");
    const std::string language = get("language");
    row.client.language = language.empty() ? "en" : language;
    if (row.client.language.size() != 2 || !std::islower(static_cast<unsigned char>(row.client.language[0])) ||
        !std::islower(static_cast<unsigned char>(row.client.language[1])))
        problem("language", "'" + language + "' is not a two-letter lower-case ISO 639-1 code such as en or es");

    const std::string email = get("email");
    if (!email.empty()) {
        if (email.find('@') == std::string::npos) {
            problem("email", "'" + email + "' is not an email address: it needs an '@', e.g. name@example.org");
        } else if (auto parsed = sesame::normalize_identifier(email, agency.default_region); !parsed) {
            problem("email", "'" + email + "': " + parsed.status().message());
        } else {
            row.email = email;
        }
    }
    // The engine reads the phone number (libphonenumber's checks cost more than all the others
    // together) and names it when it refuses the row. Here it is read only in a dry run (which
    // calls no engine) or in a row refused already, so that the report names every problem of the
    // row at once.
    const std::string phone = get("phone");
    if (!phone.empty()) {
        if (phone.find('@') != std::string::npos) {
            problem("phone", "'" + phone + "' is an email address: put it in the email column");
        } else if (problems.size() != before || check_phone) {
            if (auto parsed = sesame::normalize_identifier(phone, agency.default_region); !parsed)
                problem("phone", "'" + phone + "': " + parsed.status().message());
            else
                row.phone = phone;
        } else {
            row.phone = phone;
        }
    }
    std::stable_sort(problems.begin() + static_cast<std::ptrdiff_t>(before), problems.end(),
                     [](const Problem& x, const Problem& y) { return column_rank(x.column) < column_rank(y.column); });
    return problems.size() == before;
}

void draw_progress(std::size_t done, std::size_t total) {
    constexpr std::size_t width = 20;
    const std::size_t filled = total == 0 ? width : done * width / total;
    std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done << "/" << total
              << std::flush;
}

Status read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(Code::not_found, "cannot read " + path + ": check the path and its permissions");
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return Status(Code::storage, "reading " + path + " failed");
    return Status::success();
}

Status cmd_import_clients(Context& ctx, const Parsed& p) {
    auto agency = ctx.engine->get_agency(ctx.actor, parse_id(p.get("--agency"), "--agency"));
    if (!agency) return agency.status();
    const bool dry_run = p.has("--dry-run");
    std::string text;
    SESAME_TRY(read_file(p.positionals[0], text));
    std::vector<Record> records = parse_csv(text);
    if (records.empty())
        return Status(Code::invalid_argument, p.positionals[0] + " is empty: the first line names the columns (" +
                                                  known_columns() + ")");
    const Record head = records.front();
    records.erase(records.begin());
    if (!head.error.empty()) return Status(Code::invalid_argument, "the header line: " + head.error);
    std::vector<std::string> header;
    std::set<std::string> seen;
    for (const auto& raw : head.fields) {
        std::string name = trim(raw);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end())
            return Status(Code::invalid_argument, "unknown column '" + raw + "' in the header of " + p.positionals[0] +
                                                      ": the known columns are " + known_columns());
        if (!seen.insert(name).second)
            return Status(Code::invalid_argument, "column '" + name + "' appears twice in the header");
        header.push_back(name);
    }
    for (const char* required : {"first_name", "last_name"})
        if (!seen.count(required))
            return Status(Code::invalid_argument, std::string("the header has no ") + required +
                                                      " column: every client needs a first and last name (columns: " +
                                                      known_columns() + ")");

    // Every row is checked first; the valid ones are written by Engine::import_clients, 1,000 rows
    // per store transaction, each row whole or not at all.
    const bool progress = isatty(STDERR_FILENO) == 1;
    std::vector<Problem> problems;
    json imported_ids = json::array();
    std::size_t imported = 0, skipped = 0;
    std::vector<sesame::ClientImportRow> valid;
    std::vector<std::size_t> lines;
    for (std::size_t k = 0; k < records.size(); ++k) {
        Row row;
        if (!validate_row(records[k], header, *agency, dry_run, row, problems)) {
            ++skipped;
            continue;
        }
        valid.push_back({std::move(row.client), std::move(row.phone), std::move(row.email)});
        lines.push_back(row.line);
    }
    if (dry_run) {
        imported = valid.size();
    } else if (!valid.empty()) {
        auto results = ctx.engine->import_clients(ctx.actor, agency->id, valid, [&](std::size_t done, std::size_t total) {
            if (progress) draw_progress(done, total);
        });
        if (progress) std::cerr << "\n";
        if (!results) return results.status();
        for (std::size_t k = 0; k < results->size(); ++k) {
            const auto& r = (*results)[k];
            if (r.client_id != 0) {
                ++imported;
                imported_ids.push_back(r.client_id);
            } else if (r.status.code() == Code::invalid_argument && column_rank(r.field) < kColumns.size()) {
                // A field the engine refused: the phone number, as the command leaves it to the engine.
                ++skipped;
                const std::string& typed = r.field == "phone" ? *valid[k].phone
                                           : r.field == "email" ? *valid[k].email
                                                                : std::string();
                problems.push_back({lines[k], r.field,
                                    (typed.empty() ? "" : "'" + typed + "': ") + r.status.message()});
            } else {
                ++skipped;
                problems.push_back({lines[k], "-", std::string(sesame::code_name(r.status.code())) + ": " +
                                                       r.status.message() + " (nothing of this row was kept)"});
            }
        }
        std::stable_sort(problems.begin(), problems.end(),
                  [](const Problem& x, const Problem& y) { return x.line < y.line; });
    }

    json report = json::array();
    std::string out;
    for (const auto& pr : problems) {
        report.push_back({{"line", pr.line}, {"column", pr.column == "-" ? json(nullptr) : json(pr.column)},
                          {"reason", pr.reason}});
        out += "line " + std::to_string(pr.line) + (pr.column == "-" ? "" : ", column " + pr.column) + ": " +
               pr.reason + "\n";
    }
    out += std::string(dry_run ? "dry run: would import " : "imported ") + std::to_string(imported) + ", skipped " +
           std::to_string(skipped) + "\n";
    emit(ctx,
         json{{"dry_run", dry_run},
              {"imported", imported},
              {"skipped", skipped},
              {"client_ids", imported_ids},
              {"problems", report}},
         out);
    ctx.exit_code = skipped == 0 ? 0 : 1;
    return Status::success();
}

Status cmd_export_clients(Context& ctx, const Parsed& p) {
    const std::string format = p.get("--format");
    if (format != "csv" && format != "json")
        throw UsageError("--format is csv or json, not '" + format + "'", "see `sesame export clients --help`");
    auto agency = ctx.engine->get_agency(ctx.actor, parse_id(p.get("--agency"), "--agency"));
    if (!agency) return agency.status();
    auto clients = ctx.engine->list_clients(ctx.actor, agency->id);
    if (!clients) return clients.status();

    std::string data;
    json rows = json::array();
    if (format == "csv") {
        for (std::size_t k = 0; k < kColumns.size(); ++k) data += (k ? "," : "") + kColumns[k];
        data += "\r\n";
    }
    std::size_t count = 0;
    for (const auto& c : *clients) {
        if (c.archived) continue;
        auto contacts = ctx.engine->list_contacts(ctx.actor, c.id);
        if (!contacts) return contacts.status();
        std::string phone, email;
        std::size_t phones = 0, emails = 0;
        for (const auto& k : *contacts) {
            auto& slot = k.kind == sesame::ContactKind::phone ? phone : email;
            auto& counter = k.kind == sesame::ContactKind::phone ? phones : emails;
            if (counter++ == 0) slot = k.value;
        }
        if (phones > 1 || emails > 1)
            std::cerr << "sesame: note: client " << c.id << " has " << phones << " phones and " << emails
                      << " emails; the export holds the first of each\n";
        const std::vector<std::string> values = {c.first_name, c.last_name,        c.middle_name, c.dob,
                                                 c.language,   c.client_reference, phone,         email};
        if (format == "csv") {
            for (std::size_t k = 0; k < values.size(); ++k) data += (k ? "," : "") + csv_cell(values[k]);
            data += "\r\n";
        } else {
            json row = json::object();
            for (std::size_t k = 0; k < kColumns.size(); ++k) row[kColumns[k]] = values[k];
            rows.push_back(std::move(row));
        }
        ++count;
    }
    if (format == "json") data = json{{"agency_id", agency->id}, {"clients", rows}}.dump(2, ' ', false,
                                                                                        json::error_handler_t::replace) + "\n";

    if (!p.has("--output")) {
        std::cout << data << std::flush;
        return Status::success();
    }
    const std::string& path = p.get("--output");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Status(Code::storage, "cannot write " + path + ": check the directory exists and is writable");
    out << data;
    out.close();
    if (!out) return Status(Code::storage, "writing " + path + " failed (disk full?)");
    emit(ctx, json{{"exported", count}, {"format", format}, {"output", path}},
         "exported " + std::to_string(count) + " clients of " + agency->name + " to " + path + " (" + format + ")\n");
    return Status::success();
}

}  // namespace

const std::vector<CommandSpec>& data_commands() {
    static const std::vector<CommandSpec> table = {
        {{"import", "clients"},
         "Import clients from a CSV file: each row is checked whole and written whole, or skipped.",
         "The first line names the columns, in any order: first_name, last_name (both required), and any of\n"
         "middle_name, dob (YYYY-MM-DD), language (ISO 639-1, default en), client_reference, phone, email.\n"
         "An unknown column refuses the file. Fields follow RFC 4180: quote a field holding commas, quotes\n"
         "or line breaks, and double the quotes inside it. A row with any problem is skipped and reported\n"
         "with its line, column and reason; nothing of it is written. A single quote in front of = + - @\n"
         "(as `sesame export clients` writes) is removed.\n"
         "Exit code 0 when every row was imported, 1 when any was skipped.",
         {{"FILE", "the CSV file"}},
         {{"--agency", "ID", true, "the agency the clients belong to"},
          {"--dry-run", "", false, "check every row and report, but write nothing"}},
         cmd_import_clients},
        {{"export", "clients"},
         "Export an agency's clients, with the columns of `sesame import clients`.",
         "One row per client that is not archived, with its first phone and first email. In CSV a cell that\n"
         "begins with = + - @, a tab or a carriage return gets a single quote in front, so that a spreadsheet\n"
         "shows it as text instead of running it as a formula (phones in E.164 begin with +).",
         {},
         {{"--agency", "ID", true, "the agency"},
          {"--format", "csv|json", true, "the output format"},
          {"--output", "FILE", false, "write to FILE instead of stdout"}},
         cmd_export_clients},
    };
    return table;
}

}  // namespace cli
