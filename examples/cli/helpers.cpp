// Small helpers shared by the commands of `sesame`: numbers, names and local dates.
#include <charconv>
#include <chrono>

#include <date/tz.h>

#include "cli.hpp"

namespace cli {

std::int64_t parse_positive(const std::string& text, const std::string& what, std::int64_t max) {
    std::int64_t v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || v < 1 || v > max)
        throw UsageError(what + " must be a whole number from 1 to " + std::to_string(max) + ", not '" + text + "'",
                         "see `sesame --help`");
    return v;
}

std::string client_name(const sesame::Client& c) {
    std::string name = c.first_name;
    if (!c.last_name.empty()) name += (name.empty() ? "" : " ") + c.last_name;
    return name.empty() ? "client " + std::to_string(c.id) : name;
}

std::string local_date(sesame::UnixTime now, const std::string& zone, int days) {
    using namespace std::chrono;
    const sys_seconds instant{seconds{now}};
    date::local_days today;
    try {
        const auto zoned = date::make_zoned(date::locate_zone(zone), instant);
        today = floor<date::days>(zoned.get_local_time());
    } catch (const std::exception&) {  // a zone the tz database does not know: UTC, as the engine does
        today = date::local_days{floor<date::days>(instant).time_since_epoch()};
    }
    return date::format("%F", today + date::days{days});
}

}  // namespace cli
