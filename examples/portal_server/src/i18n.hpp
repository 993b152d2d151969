// Every word a visitor reads, in English and Spanish, in one table (i18n.cpp).
#pragma once

#include <initializer_list>
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

// Every key of the table, for the test that checks that each has both languages.
std::size_t text_count();
bool text_complete(std::size_t index);

}  // namespace portal
