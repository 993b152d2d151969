// Every word a visitor reads, in English and Spanish, in one table (i18n.cpp).
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace portal {

enum class Lang { en, es };

// "en" / "es".
std::string_view lang_code(Lang lang);
// "es" (or "es-MX", any case) is Spanish, "en" English; anything else leaves `out` untouched and
// returns false.
bool parse_lang(std::string_view text, Lang& out);

// The text of `key` in `lang` with each "{name}" replaced by its value. Plain text: escape it
// when writing HTML. An unknown key is a bug in the server and throws std::out_of_range.
std::string tr(Lang lang, std::string_view key,
               std::initializer_list<std::pair<std::string_view, std::string>> values = {});

// A status or type from the agency's records ("scheduled", "Pretrial hearing") in `lang` when the
// portal's glossary knows it, else as written.
std::string term(Lang lang, std::string_view value);
// The title of a sidebar item or gated resource in `lang`: the one staff gave for that language,
// else the glossary's word for the default title, else the default title as written.
std::string shown_title(Lang lang, const std::map<std::string, std::string>& titles, const std::string& title);
// "2026-12-10" as "Thursday, December 10, 2026" / "jueves, 10 de diciembre de 2026"; anything that
// is not such a date as it is.
std::string format_date(Lang lang, std::string_view iso);
// "14:00" as "2:00 PM" (English) / "14:00" (Spanish); anything else as it is.
std::string format_time(Lang lang, std::string_view hhmm);

// Every key of the table, for the test that checks that each has both languages.
std::size_t text_count();
bool text_complete(std::size_t index);

}  // namespace portal
