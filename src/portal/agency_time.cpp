#include "portal/agency_time.hpp"

#include <array>
#include <chrono>
#include <exception>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include "portal/staff.hpp"

namespace sesame::portal {
namespace {

const date::time_zone* find_zone(std::string_view name) {
    if (name.empty()) return nullptr;
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;  // unknown name, or no tz database on this system
    }
}

// The words of a language's calendar, and how it arranges them.
struct Calendar {
    std::string_view language;
    std::array<std::string_view, 7> weekdays;  // Sunday first
    std::array<std::string_view, 12> months;
    bool twelve_hour;
};

constexpr std::array<Calendar, 2> kCalendars{{
    {"en",
     {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
     {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December"},
     true},
    {"es",
     {"domingo", "lunes", "martes", "mi\u00e9rcoles", "jueves", "viernes", "s\u00e1bado"},
     {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
      "noviembre", "diciembre"},
     false},
}};

const Calendar& calendar_for(std::string_view language) {
    for (const auto& c : kCalendars)
        if (c.language == language) return c;
    return kCalendars[0];
}

int digits(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

bool is_time_zone(std::string_view name) { return find_zone(name) != nullptr; }

std::string agency_today(std::string_view time_zone, UnixTime now) {
    const date::sys_seconds instant{std::chrono::seconds{now}};
    date::local_seconds local{instant.time_since_epoch()};
    if (const date::time_zone* zone = find_zone(time_zone)) local = zone->to_local(instant);
    const date::year_month_day day{date::floor<date::days>(local)};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                       static_cast<unsigned>(day.day()));
}

std::string format_date(std::string_view language, std::string_view text) {
    if (!is_date(text)) return std::string(text);
    const date::year_month_day day{date::year{digits(text.substr(0, 4))},
                                   date::month{static_cast<unsigned>(digits(text.substr(5, 2)))},
                                   date::day{static_cast<unsigned>(digits(text.substr(8, 2)))}};
    const Calendar& cal = calendar_for(language);
    const auto weekday = cal.weekdays[date::weekday{date::sys_days{day}}.c_encoding()];
    const auto month = cal.months[static_cast<unsigned>(day.month()) - 1];
    const unsigned d = static_cast<unsigned>(day.day());
    const int y = static_cast<int>(day.year());
    if (cal.language == "es") return fmt::format("{}, {} de {} de {}", weekday, d, month, y);
    return fmt::format("{}, {} {}, {}", weekday, month, d, y);
}

std::string format_time(std::string_view language, std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::string(text);
    for (std::size_t i : {0u, 1u, 3u, 4u})
        if (text[i] < '0' || text[i] > '9') return std::string(text);
    const int hours = digits(text.substr(0, 2));
    const int minutes = digits(text.substr(3, 2));
    if (hours > 23 || minutes > 59) return std::string(text);
    if (!calendar_for(language).twelve_hour) return fmt::format("{}:{:02}", hours, minutes);
    const int h12 = hours % 12 == 0 ? 12 : hours % 12;
    return fmt::format("{}:{:02} {}", h12, minutes, hours < 12 ? "AM" : "PM");
}

}  // namespace sesame::portal
