// The agency's calendar: today's date in its time zone around midnight, and dates and times
// written per language.
#include <doctest/doctest.h>

#include "portal/agency_time.hpp"

using namespace sesame;
using sesame::portal::agency_today;
using sesame::portal::format_date;
using sesame::portal::format_time;

namespace {
// 2026-03-02T00:00:00Z
constexpr UnixTime kMarch2Utc = 1'772'409'600;
}  // namespace

TEST_CASE("agency_today: America/Chicago either side of local midnight") {
    // CST is UTC-6 in early March (DST starts 2026-03-08).
    CHECK(agency_today("America/Chicago", kMarch2Utc) == "2026-03-01");
    CHECK(agency_today("America/Chicago", kMarch2Utc + 6 * 3600 - 1) == "2026-03-01");
    CHECK(agency_today("America/Chicago", kMarch2Utc + 6 * 3600) == "2026-03-02");
    // CDT (UTC-5) in July: 2026-07-15T04:59:59Z is still the 14th, 05:00:00Z the 15th.
    constexpr UnixTime kJuly15Utc = 1'784'073'600;
    CHECK(agency_today("America/Chicago", kJuly15Utc + 5 * 3600 - 1) == "2026-07-14");
    CHECK(agency_today("America/Chicago", kJuly15Utc + 5 * 3600) == "2026-07-15");
}

TEST_CASE("agency_today: Pacific/Auckland is already tomorrow") {
    // NZDT is UTC+13 until 2026-04-05: 11:00Z on the 1st is midnight on the 2nd there.
    CHECK(agency_today("Pacific/Auckland", kMarch2Utc - 13 * 3600 - 1) == "2026-03-01");
    CHECK(agency_today("Pacific/Auckland", kMarch2Utc - 13 * 3600) == "2026-03-02");
    CHECK(agency_today("Pacific/Auckland", kMarch2Utc) == "2026-03-02");
    // NZST (UTC+12) in July.
    constexpr UnixTime kJuly15Utc = 1'784'073'600;
    CHECK(agency_today("Pacific/Auckland", kJuly15Utc - 12 * 3600 - 1) == "2026-07-14");
    CHECK(agency_today("Pacific/Auckland", kJuly15Utc - 12 * 3600) == "2026-07-15");
}

TEST_CASE("agency_today: an unknown zone falls back to UTC") {
    CHECK_FALSE(portal::is_time_zone("Mars/Olympus_Mons"));
    CHECK_FALSE(portal::is_time_zone(""));
    CHECK(portal::is_time_zone("America/Chicago"));
    CHECK(portal::is_time_zone("UTC"));
    CHECK(agency_today("Mars/Olympus_Mons", kMarch2Utc - 1) == "2026-03-01");
    CHECK(agency_today("Mars/Olympus_Mons", kMarch2Utc) == "2026-03-02");
    CHECK(agency_today("", kMarch2Utc) == "2026-03-02");
    CHECK(agency_today("UTC", kMarch2Utc - 1) == "2026-03-01");
}

TEST_CASE("format_date and format_time per language") {
    CHECK(format_date("en", "2026-03-02") == "Monday, March 2, 2026");
    CHECK(format_date("es", "2026-03-02") == "lunes, 2 de marzo de 2026");
    CHECK(format_date("es", "2026-03-04") == "mi\u00e9rcoles, 4 de marzo de 2026");
    CHECK(format_date("en", "2024-02-29") == "Thursday, February 29, 2024");
    CHECK(format_date("fr", "2026-03-02") == "Monday, March 2, 2026");  // English forms
    CHECK(format_date("en", "not a date") == "not a date");
    CHECK(format_time("en", "09:30") == "9:30 AM");
    CHECK(format_time("en", "00:05") == "12:05 AM");
    CHECK(format_time("en", "12:00") == "12:00 PM");
    CHECK(format_time("en", "23:59") == "11:59 PM");
    CHECK(format_time("es", "09:30") == "9:30");
    CHECK(format_time("es", "14:05") == "14:05");
    CHECK(format_time("en", "") == "");
    CHECK(format_time("en", "25:00") == "25:00");
}
