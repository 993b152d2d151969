// Internal to capi/: reading of one JSON object into a C++ record, shared by the record readers
// (capi/records.cpp, capi/content_records.cpp, capi/navigation_records.cpp). A wrong type is an
// error naming the field; a field the record does not have is a warning.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame::capi {
void warn(std::string text);  // capi/internal.hpp
}

namespace sesame::records {

using nlohmann::json;

// Reads the fields of one JSON object, refusing wrong types; afterwards names any field it was not
// asked about in the thread's warnings. Stops at the first error.
class Reader {
public:
    Reader(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}

    // Fields accepted on input but never written from it (assigned by Sesame).
    void ignore(const char* name) { seen_.insert(name); }

    void text(const char* name, std::string& out) {
        if (const json* v = find(name)) {
            if (!v->is_string()) return wrong(name, "a string");
            out = v->get<std::string>();
        }
    }
    void integer(const char* name, std::int64_t& out) {
        if (const json* v = find(name)) {
            if (!v->is_number_integer()) return wrong(name, "an integer");
            if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return wrong(name, "an integer that fits in 64 bits");
            out = v->get<std::int64_t>();
        }
    }
    void integer(const char* name, std::int32_t& out) {
        std::int64_t wide = out;
        integer(name, wide);
        if (!err_.ok()) return;
        if (wide < std::numeric_limits<std::int32_t>::min() || wide > std::numeric_limits<std::int32_t>::max())
            return wrong(name, "an integer that fits in 32 bits");
        out = static_cast<std::int32_t>(wide);
    }
    // An optional id: null clears it.
    void optional_integer(const char* name, std::optional<std::int64_t>& out) {
        if (const json* v = find(name)) {
            if (v->is_null()) {
                out.reset();
                return;
            }
            if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<std::uint64_t>() >
                                                                           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))
                return wrong(name, "an integer that fits in 64 bits, or null");
            out = v->get<std::int64_t>();
        }
    }
    void boolean(const char* name, bool& out) {
        if (const json* v = find(name)) {
            if (!v->is_boolean()) return wrong(name, "true or false");
            out = v->get<bool>();
        }
    }
    // "revision": the revision an update applies over (compare-and-set; 0: any), as read from the
    // record. Ignored on create.
    void revision(std::int64_t& out) {
        std::int64_t given = out;
        integer("revision", given);
        if (!err_.ok()) return;
        if (given < 0) return wrong("revision", "the record's revision as read (1 or more), or 0 to update over any revision");
        out = given;
    }
    template <class E>
    void word(const char* name, E& out, const char* choices) {
        if (const json* v = find(name)) {
            if (!v->is_string() || !parse(v->get_ref<const std::string&>(), out)) return wrong(name, choices);
        }
    }
    void texts(const char* name, std::vector<std::string>& out) {
        if (const json* v = find(name)) {
            if (!v->is_array()) return wrong(name, "an array of strings");
            std::vector<std::string> items;
            for (const auto& item : *v) {
                if (!item.is_string()) return wrong(name, "an array of strings");
                items.push_back(item.get<std::string>());
            }
            out = std::move(items);
        }
    }
    // An object of strings ({"es": "..."}): replaces `out` whole when present.
    void text_map(const char* name, std::map<std::string, std::string>& out) {
        if (const json* v = find(name)) {
            if (!v->is_object()) return wrong(name, "an object of strings");
            std::map<std::string, std::string> items;
            for (const auto& [key, item] : v->items()) {
                if (!item.is_string()) return wrong(name, "an object of strings");
                items.emplace(key, item.get<std::string>());
            }
            out = std::move(items);
        }
    }
    template <class F>
    void object(const char* name, F&& read_nested) {
        if (const json* v = find(name)) {
            if (!v->is_object()) return wrong(name, "an object");
            Reader nested(*v, prefix_ + name + ".");
            read_nested(nested);
            if (err_.ok()) err_ = nested.finish();
        }
    }

    // The first error; or OK, after naming each field it was not asked about in the thread's
    // warnings (sesame_last_warnings): a field of a later version, or a misspelling.
    Status finish() {
        if (!err_.ok()) return err_;
        for (const auto& [key, value] : j_.items())
            if (!seen_.count(key))
                capi::warn(fmt::format("unknown field \"{}{}\" ignored: check its spelling against docs/c-api.md", prefix_, key));
        return {};
    }

private:
    const json* find(const char* name) {
        seen_.insert(name);
        if (!err_.ok()) return nullptr;
        auto it = j_.find(name);
        return it == j_.end() ? nullptr : &*it;
    }
    void wrong(const char* name, const char* expected) {
        if (err_.ok()) err_ = Status(Code::invalid_argument, fmt::format("field \"{}{}\" must be {}", prefix_, name, expected));
    }

    const json& j_;
    std::string prefix_;
    std::set<std::string> seen_;
    Status err_;
};

// Reads into a copy so that a failure leaves `out` untouched.
template <class T, class F>
Status read_into(const json& j, T& out, const char* record, F&& fields) {
    T copy = out;
    Reader r(j, std::string(record) + ".");
    r.ignore("id");
    r.ignore("created_at");
    if constexpr (requires { copy.revision; }) r.revision(copy.revision);
    fields(r, copy);
    SESAME_TRY(r.finish());
    out = std::move(copy);
    return {};
}

}  // namespace sesame::records
