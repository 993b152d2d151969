#include "sesame/merge_tags.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto tmpl = sesame::parse_merge_template(text);
    if (!tmpl.ok()) return 0;
    sesame::MergeValues values;
    // Values are the input itself so escaping is exercised on hostile bytes too.
    for (const auto& info : sesame::merge_tag_table()) values.values[std::string(info.name)] = std::string(text.substr(0, 64));
    values.upcoming_events.push_back({{"EventDate", std::string(text.substr(0, 16))}});
    values.documents.push_back({{"name", "<x>&\"'"}});
    std::string out = sesame::render(*tmpl, values);
    // Escaped output never carries a raw angle bracket from anywhere but the block markup.
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '<' && out.compare(i, 4, "<ul>") != 0 && out.compare(i, 4, "<li>") != 0 &&
            out.compare(i, 5, "</ul>") != 0 && out.compare(i, 5, "</li>") != 0)
            __builtin_trap();
    }
    return 0;
}
