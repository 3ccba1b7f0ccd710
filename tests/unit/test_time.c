/* test_time.c: unit tests of civil.c (calendar, RFC 3339, dates, "HH:MM")
 * and zone.c / zone_table.c (POSIX TZ rules), ending with a comparison of
 * every built-in zone against the system's zoneinfo through the C library. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "zone.h"

enum { HOUR_MS = 3600000, SECOND_MS = 1000 };

#define SYSTEM_ZONEINFO "/usr/share/zoneinfo"

static int64_t ms_at(int32_t year, uint32_t month, uint32_t day, int32_t hour, int32_t minute, int32_t second) {
    return civil_days_from_date(year, month, day) * CIVIL_MS_PER_DAY + (int64_t)hour * HOUR_MS +
           (int64_t)minute * CIVIL_MS_PER_MINUTE + (int64_t)second * SECOND_MS;
}

static bool parse_rfc3339(const char *text, int64_t *ms) {
    return civil_parse_rfc3339(text, strlen(text), ms);
}

static zone_rule rule_of(const char *text) {
    zone_rule rule;
    memset(&rule, 0, sizeof rule);
    bool ok = zone_parse(text, strlen(text), &rule);
    if (!ok) fprintf(stderr, "rule did not parse: %s\n", text);
    CHECK(ok);
    return rule;
}

static zone_rule rule_named(const char *name) {
    const char *text = zone_rule_for_name(name, strlen(name));
    if (text == NULL) {
        fprintf(stderr, "zone not in the table: %s\n", name);
        CHECK(text != NULL);
        return rule_of("UTC0");
    }
    return rule_of(text);
}

/* ---- calendar --------------------------------------------------------- */

static void test_known_days(void) {
    CHECK_INT(civil_days_from_date(1970, 1, 1), 0);
    CHECK_INT(civil_days_from_date(2000, 3, 1), 11017);
    CHECK_INT(civil_days_from_date(2026, 3, 8), 20520);
    CHECK_INT(civil_days_from_date(2026, 12, 30), 20817);
    CHECK_INT(civil_days_from_date(9999, 12, 31), 2932896);
    CHECK_INT(civil_days_from_date(1969, 12, 31), -1);
}

/* Every day from `from` to `to` converts both ways and follows its
 * predecessor; returns how many do not. */
static int round_trips(int64_t from, int64_t to, int32_t *last_year) {
    int32_t prev_year;
    uint32_t prev_month, prev_day;
    civil_date_from_days(from - 1, &prev_year, &prev_month, &prev_day);
    int failures = 0;
    for (int64_t days = from; days <= to; days++) {
        int32_t year;
        uint32_t month, day;
        civil_date_from_days(days, &year, &month, &day);
        bool next_day = year == prev_year && month == prev_month && day == prev_day + 1;
        bool next_month = year == prev_year && month == prev_month + 1 && day == 1 &&
                          prev_day == civil_days_in_month(prev_year, prev_month);
        bool next_year = year == prev_year + 1 && month == 1 && day == 1 && prev_month == 12 && prev_day == 31;
        bool ok = (next_day || next_month || next_year) && civil_days_from_date(year, month, day) == days;
        if (!ok && failures++ < 5) fprintf(stderr, "day %lld: %d-%u-%u\n", (long long)days, year, month, day);
        prev_year = year;
        prev_month = month;
        prev_day = day;
    }
    *last_year = prev_year;
    return failures;
}

/* Every day from 1970-01-01 to 9999-12-31, and from the year -40000 on,
 * across where the 32-bit form of the conversion begins (3 March -32800);
 * and the days around where it ends (2.9 million years on). */
static void test_day_round_trips(void) {
    int32_t last_year;
    CHECK_INT(round_trips(0, 2932896, &last_year), 0);
    CHECK_INT(last_year, 9999);
    CHECK_INT(round_trips(civil_days_from_date(-40000, 1, 1), 0, &last_year), 0);
    CHECK_INT(round_trips(INT64_C(1061042401) - 1000, INT64_C(1061042401) + 1000, &last_year), 0);
    CHECK(last_year > 2900000);
}

static void test_leap_years(void) {
    CHECK_INT(civil_days_in_month(2000, 2), 29);
    CHECK_INT(civil_days_in_month(2024, 2), 29);
    CHECK_INT(civil_days_in_month(2026, 2), 28);
    CHECK_INT(civil_days_in_month(2100, 2), 28);
    CHECK_INT(civil_days_in_month(2400, 2), 29);
    CHECK_INT(civil_days_in_month(2026, 4), 30);
    CHECK_INT(civil_days_in_month(2026, 12), 31);
    CHECK_INT(civil_days_from_date(2100, 3, 1) - civil_days_from_date(2100, 2, 28), 1);
    CHECK_INT(civil_days_from_date(2400, 3, 1) - civil_days_from_date(2400, 2, 28), 2);
    CHECK_INT(civil_days_from_date(2001, 1, 1) - civil_days_from_date(2000, 1, 1), 366);
}

static void test_weekdays(void) {
    CHECK_INT(civil_weekday(0), 4);                                   /* Thursday */
    CHECK_INT(civil_weekday(civil_days_from_date(2000, 1, 1)), 6);    /* Saturday */
    CHECK_INT(civil_weekday(civil_days_from_date(2026, 3, 8)), 0);    /* Sunday */
    CHECK_INT(civil_weekday(civil_days_from_date(2026, 12, 30)), 3);  /* Wednesday */
    CHECK_INT(civil_weekday(civil_days_from_date(9999, 12, 31)), 5);  /* Friday */
    CHECK_INT(civil_weekday(-1), 3);                                  /* Wednesday */
}

/* ---- RFC 3339 --------------------------------------------------------- */

typedef struct valid_case {
    const char *text;
    int64_t ms;
} valid_case;

static void test_rfc3339_valid(void) {
    static const valid_case cases[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"2026-12-30T18:00:00Z", INT64_C(1798653600000)},
        {"2026-12-30t18:00:00z", INT64_C(1798653600000)},
        {"2026-12-30T13:00:00-05:00", INT64_C(1798653600000)},
        {"2026-12-31T03:30:00+09:30", INT64_C(1798653600000)},
        {"2026-12-30T18:00:00+00:00", INT64_C(1798653600000)},
        {"2026-12-30T18:00:00-00:00", INT64_C(1798653600000)},
        {"2024-02-29T12:34:56.789Z", INT64_C(1709210096789)},
        {"2024-02-29T12:34:56.7Z", INT64_C(1709210096700)},
        {"2024-02-29T12:34:56.78Z", INT64_C(1709210096780)},
        {"2024-02-29T12:34:56.789000000Z", INT64_C(1709210096789)},
        {"2026-03-08T07:00:00Z", INT64_C(1772953200000)},
        {"1969-12-31T19:00:00-05:00", 0},
        {"9999-12-31T23:59:59.999Z", CIVIL_MS_MAX},
        {"9999-12-31T23:59:59.999+23:59", CIVIL_MS_MAX - (23 * 60 + 59) * INT64_C(60000)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ms = -1;
        bool ok = parse_rfc3339(cases[i].text, &ms);
        if (!ok || ms != cases[i].ms) fprintf(stderr, "rfc3339 case: %s\n", cases[i].text);
        CHECK(ok);
        CHECK_INT(ms, cases[i].ms);
    }
}

static void test_rfc3339_invalid(void) {
    static const char *const cases[] = {
        "",
        "2026-12-30",
        "2026-12-30T18:00:00",       /* no offset */
        "2026-12-30T18:00Z",         /* no seconds */
        "2026-12-30 18:00:00Z",      /* space instead of T */
        "2026-12-30X18:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-12-00T00:00:00Z",
        "2026-12-32T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-02-29T00:00:00Z",      /* not a leap year */
        "2100-02-29T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-12-30T24:00:00Z",
        "2026-12-30T23:60:00Z",
        "2026-12-30T23:59:60Z",      /* leap second */
        "2026-12-30T18:00:00.Z",
        "2026-12-30T18:00:00.1234Z", /* not whole milliseconds */
        "2026-12-30T18:00:00.0000000001Z",
        "2026-12-30T18:00:00+24:00",
        "2026-12-30T18:00:00+05:60",
        "2026-12-30T18:00:00+0500",
        "2026-12-30T18:00:00+5:00",
        "2026-12-30T18:00:00Zjunk",
        "2026-12-30T18:00:00ZZ",
        "26-12-30T18:00:00Z",
        "+2026-12-30T18:00:00Z",
        "2026-1-30T18:00:00Z",
        "2026-12-30T8:00:00Z",
        "1969-12-31T23:59:59.999Z",  /* before the range */
        "1970-01-01T00:00:00+00:01",
        "9999-12-31T23:59:59.999-00:01", /* after the range */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ms = 42;
        bool ok = parse_rfc3339(cases[i], &ms);
        if (ok) fprintf(stderr, "rfc3339 accepted: \"%s\"\n", cases[i]);
        CHECK(!ok);
        CHECK_INT(ms, 42);
    }
    int64_t ms;
    CHECK(!civil_parse_rfc3339("2026-12-30T18:00:00Z", 19, &ms)); /* length counts */
    CHECK(civil_parse_rfc3339("2026-12-30T18:00:00Zxyz", 20, &ms));
}

static void check_format(int64_t ms, const char *expected) {
    char out[CIVIL_RFC3339_MAX];
    size_t len = civil_format_rfc3339(ms, out);
    CHECK_STR(out, expected);
    CHECK_INT(len, strlen(expected));
    int64_t back = -1;
    CHECK(civil_parse_rfc3339(out, len, &back));
    CHECK_INT(back, ms);
}

static void test_rfc3339_format(void) {
    check_format(0, "1970-01-01T00:00:00Z");
    check_format(INT64_C(1798653600000), "2026-12-30T18:00:00Z");
    check_format(INT64_C(1709210096789), "2024-02-29T12:34:56.789Z");
    check_format(INT64_C(1709210096700), "2024-02-29T12:34:56.700Z");
    check_format(INT64_C(1709210096001), "2024-02-29T12:34:56.001Z");
    check_format(CIVIL_MS_MAX, "9999-12-31T23:59:59.999Z");
    check_format(CIVIL_MS_MAX - 999, "9999-12-31T23:59:59Z");
    for (int64_t ms = 0; ms < CIVIL_MS_MAX; ms += INT64_C(987654321987)) {
        char out[CIVIL_RFC3339_MAX];
        int64_t back = -1;
        CHECK(civil_parse_rfc3339(out, civil_format_rfc3339(ms, out), &back) && back == ms);
    }
}

/* ---- dates and HH:MM -------------------------------------------------- */

static void test_dates(void) {
    int64_t days = -1;
    char out[CIVIL_DATE_MAX];
    CHECK(civil_parse_date("2026-03-08", 10, &days));
    CHECK_INT(days, 20520);
    CHECK(civil_parse_date("2024-02-29", 10, &days));
    CHECK(civil_parse_date("1970-01-01", 10, &days) && days == 0);
    CHECK(civil_parse_date("9999-12-31", 10, &days) && days == 2932896);
    days = 7;
    CHECK(!civil_parse_date("2026-02-29", 10, &days));
    CHECK(!civil_parse_date("2026-02-30", 10, &days));
    CHECK(!civil_parse_date("2026-13-01", 10, &days));
    CHECK(!civil_parse_date("2026-3-08", 9, &days));
    CHECK(!civil_parse_date("2026-03-08T", 11, &days));
    CHECK(!civil_parse_date("2026/03/08", 10, &days));
    CHECK(!civil_parse_date("1969-12-31", 10, &days));
    CHECK(!civil_parse_date("2026-03-0", 9, &days));
    CHECK_INT(days, 7);
    CHECK_INT(civil_format_date(20520, out), 10);
    CHECK_STR(out, "2026-03-08");
    civil_format_date(0, out);
    CHECK_STR(out, "1970-01-01");
    civil_format_date(2932896, out);
    CHECK_STR(out, "9999-12-31");
}

static void test_hhmm(void) {
    int32_t minutes = -1;
    CHECK(civil_parse_hhmm("00:00", 5, &minutes) && minutes == 0);
    CHECK(civil_parse_hhmm("06:30", 5, &minutes) && minutes == 390);
    CHECK(civil_parse_hhmm("23:59", 5, &minutes) && minutes == 1439);
    CHECK(civil_parse_hhmm("24:00", 5, &minutes) && minutes == 1440);
    minutes = -1;
    CHECK(!civil_parse_hhmm("24:01", 5, &minutes));
    CHECK(!civil_parse_hhmm("25:00", 5, &minutes));
    CHECK(!civil_parse_hhmm("12:60", 5, &minutes));
    CHECK(!civil_parse_hhmm("6:30", 4, &minutes));
    CHECK(!civil_parse_hhmm("06:3", 4, &minutes));
    CHECK(!civil_parse_hhmm("06-30", 5, &minutes));
    CHECK(!civil_parse_hhmm("06:30 ", 6, &minutes));
    CHECK(!civil_parse_hhmm("", 0, &minutes));
    CHECK_INT(minutes, -1);
}

/* ---- rule parsing ----------------------------------------------------- */

static void test_parse_fields(void) {
    zone_rule r = rule_of("EST5EDT,M3.2.0,M11.1.0");
    CHECK_INT(r.std_offset_s, -18000);
    CHECK_INT(r.dst_offset_s, -14400);
    CHECK(r.has_dst);
    CHECK_INT(r.dst_start.kind, ZONE_DATE_MONTH_WEEK_DAY);
    CHECK_INT(r.dst_start.month, 3);
    CHECK_INT(r.dst_start.week, 2);
    CHECK_INT(r.dst_start.weekday, 0);
    CHECK_INT(r.dst_start.time_s, 7200);
    CHECK_INT(r.dst_end.month, 11);
    CHECK_INT(r.dst_end.week, 1);

    r = rule_of("<+0530>-5:30");
    CHECK_INT(r.std_offset_s, 19800);
    CHECK(!r.has_dst);

    r = rule_of("EST5EDT4:30:15,J60/1:30:15,300/-2");
    CHECK_INT(r.dst_offset_s, -(4 * 3600 + 30 * 60 + 15));
    CHECK_INT(r.dst_start.kind, ZONE_DATE_JULIAN_NO_LEAP);
    CHECK_INT(r.dst_start.day, 60);
    CHECK_INT(r.dst_start.time_s, 5415);
    CHECK_INT(r.dst_end.kind, ZONE_DATE_JULIAN_ZERO);
    CHECK_INT(r.dst_end.day, 300);
    CHECK_INT(r.dst_end.time_s, -7200);

    r = rule_of("<-02>+2<-01>,M3.5.0/-1,M10.5.0/0");
    CHECK_INT(r.std_offset_s, -7200);
    CHECK_INT(r.dst_offset_s, -3600);
    CHECK_INT(r.dst_start.time_s, -3600);

    r = rule_of("AAA-24BBB+24,M1.1.6/167,M12.5.6/-167");
    CHECK_INT(r.std_offset_s, 86400);
    CHECK_INT(r.dst_offset_s, -86400);
    CHECK_INT(r.dst_start.time_s, 167 * 3600);
    CHECK_INT(r.dst_end.time_s, -167 * 3600);
}

static void test_parse_invalid(void) {
    static const char *const cases[] = {
        "", "EST", "ES5", "E5", "5", "EST5EDT", "EST5EDT4", "EST25", "EST5:60", "EST5:30:60",
        "EST-", "EST5EDT,M3.2.0", "EST5EDT,M3.2.0,", "EST5EDT,,M11.1.0",
        "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M0.1.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
        "EST5EDT,M3.0.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,M3.2,M11.1.0",
        "EST5EDT,J0,J365", "EST5EDT,J366,J1", "EST5EDT,366,J1", "EST5EDT,M3.2.0/168,M11.1.0",
        "EST5EDT,M3.2.0/-168,M11.1.0", "EST5EDT,M3.2.0/2:60,M11.1.0", "EST5EDT,M3.2.0,M11.1.0x",
        "EST5EDT,M3.2.0,M11.1.0,", "EST5 ", " EST5", "<+05>", "<+0>5", "<+05-5", "<+0 5>5",
        "EST5<>", "EST5ED,M3.2.0,M11.1.0", ":America/New_York", "EST5EDT;M3.2.0,M11.1.0",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zone_rule r;
        bool ok = zone_parse(cases[i], strlen(cases[i]), &r);
        if (ok) fprintf(stderr, "zone_parse accepted: \"%s\"\n", cases[i]);
        CHECK(!ok);
    }
    zone_rule r;
    CHECK(!zone_parse("EST5EDT,M3.2.0,M11.1.0", 9, &r)); /* "EST5EDT,M": length counts */
    CHECK(zone_parse("EST5EDT,M3.2.0,M11.1.0junk", 22, &r));
}

/* ---- zones ------------------------------------------------------------ */

static void check_local_to_utc(const zone_rule *r, int64_t local, int64_t expected_utc) {
    int64_t utc = zone_local_to_utc(r, local);
    if (utc != expected_utc) {
        char a[CIVIL_RFC3339_MAX], b[CIVIL_RFC3339_MAX], c[CIVIL_RFC3339_MAX];
        civil_format_rfc3339(local, a);
        civil_format_rfc3339(utc, b);
        civil_format_rfc3339(expected_utc, c);
        fprintf(stderr, "local %s -> %s, expected %s\n", a, b, c);
    }
    CHECK_INT(utc, expected_utc);
}

static void test_new_york(void) {
    zone_rule r = rule_named("America/New_York");
    CHECK_STR(zone_rule_for_name("America/New_York", 16), "EST5EDT,M3.2.0,M11.1.0");
    /* Spring forward, 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z. */
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 3, 8, 7, 0, 0) - 1), -18000);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 3, 8, 7, 0, 0)), -14400);
    check_local_to_utc(&r, ms_at(2026, 3, 8, 1, 59, 0), ms_at(2026, 3, 8, 6, 59, 0));
    check_local_to_utc(&r, ms_at(2026, 3, 8, 2, 0, 0), ms_at(2026, 3, 8, 7, 0, 0));
    check_local_to_utc(&r, ms_at(2026, 3, 8, 2, 30, 0), ms_at(2026, 3, 8, 7, 30, 0));
    check_local_to_utc(&r, ms_at(2026, 3, 8, 3, 0, 0), ms_at(2026, 3, 8, 7, 0, 0));
    check_local_to_utc(&r, ms_at(2026, 3, 8, 0, 0, 0), ms_at(2026, 3, 8, 5, 0, 0));
    check_local_to_utc(&r, ms_at(2026, 3, 9, 0, 0, 0), ms_at(2026, 3, 9, 4, 0, 0));
    CHECK_INT(zone_utc_to_local(&r, ms_at(2026, 3, 8, 7, 30, 0)), ms_at(2026, 3, 8, 3, 30, 0));
    /* Fall back, 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z. */
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 11, 1, 6, 0, 0) - 1), -14400);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 11, 1, 6, 0, 0)), -18000);
    check_local_to_utc(&r, ms_at(2026, 11, 1, 0, 59, 0), ms_at(2026, 11, 1, 4, 59, 0));
    check_local_to_utc(&r, ms_at(2026, 11, 1, 1, 0, 0), ms_at(2026, 11, 1, 5, 0, 0));
    check_local_to_utc(&r, ms_at(2026, 11, 1, 1, 30, 0), ms_at(2026, 11, 1, 5, 30, 0));
    check_local_to_utc(&r, ms_at(2026, 11, 1, 1, 59, 59), ms_at(2026, 11, 1, 5, 59, 59));
    check_local_to_utc(&r, ms_at(2026, 11, 1, 2, 0, 0), ms_at(2026, 11, 1, 7, 0, 0));
    CHECK_INT(zone_utc_to_local(&r, ms_at(2026, 11, 1, 5, 30, 0)), ms_at(2026, 11, 1, 1, 30, 0));
    CHECK_INT(zone_utc_to_local(&r, ms_at(2026, 11, 1, 6, 30, 0)), ms_at(2026, 11, 1, 1, 30, 0));
    /* The vectors' days: 2027-03-14 is 23 hours long, 2027-11-07 is 25. */
    CHECK_INT(zone_local_to_utc(&r, ms_at(2027, 3, 15, 0, 0, 0)) - zone_local_to_utc(&r, ms_at(2027, 3, 14, 0, 0, 0)),
              23 * HOUR_MS);
    CHECK_INT(zone_local_to_utc(&r, ms_at(2027, 11, 8, 0, 0, 0)) - zone_local_to_utc(&r, ms_at(2027, 11, 7, 0, 0, 0)),
              25 * HOUR_MS);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 1, 1, 0, 0, 0)), -18000);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 7, 1, 0, 0, 0)), -14400);
}

static void test_sydney(void) {
    zone_rule r = rule_named("Australia/Sydney");
    /* Daylight time ends 2026-04-05 03:00 AEDT (04-04 16:00Z), starts 2026-10-04 02:00 AEST (10-03 16:00Z). */
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 1, 15, 0, 0, 0)), 39600);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 4, 4, 16, 0, 0) - 1), 39600);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 4, 4, 16, 0, 0)), 36000);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 7, 1, 0, 0, 0)), 36000);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 10, 3, 16, 0, 0) - 1), 36000);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 10, 3, 16, 0, 0)), 39600);
    CHECK_INT(zone_offset_at(&r, ms_at(2026, 12, 31, 13, 0, 0)), 39600); /* New Year, local */
    CHECK_INT(zone_offset_at(&r, ms_at(2027, 1, 1, 0, 0, 0)), 39600);
    check_local_to_utc(&r, ms_at(2026, 10, 4, 2, 30, 0), ms_at(2026, 10, 3, 16, 30, 0)); /* skipped */
    check_local_to_utc(&r, ms_at(2026, 4, 5, 2, 30, 0), ms_at(2026, 4, 4, 15, 30, 0));   /* twice: AEDT */
    check_local_to_utc(&r, ms_at(2027, 1, 1, 0, 0, 0), ms_at(2026, 12, 31, 13, 0, 0));
}

static void test_fixed_offsets(void) {
    zone_rule kolkata = rule_named("Asia/Kolkata");
    CHECK_STR(zone_rule_for_name("Asia/Kolkata", 12), "IST-5:30");
    CHECK_INT(zone_offset_at(&kolkata, ms_at(2026, 7, 1, 0, 0, 0)), 19800);
    check_local_to_utc(&kolkata, ms_at(2026, 1, 1, 0, 0, 0), ms_at(2025, 12, 31, 18, 30, 0));

    zone_rule kathmandu = rule_named("Asia/Kathmandu");
    CHECK_STR(zone_rule_for_name("Asia/Kathmandu", 14), "<+0545>-5:45");
    CHECK_INT(zone_offset_at(&kathmandu, ms_at(2026, 7, 1, 0, 0, 0)), 20700);
    CHECK_INT(zone_utc_to_local(&kathmandu, 0), 20700 * INT64_C(1000));

    zone_rule sao_paulo = rule_named("America/Sao_Paulo");
    CHECK_STR(zone_rule_for_name("America/Sao_Paulo", 17), "<-03>3");
    CHECK_INT(zone_offset_at(&sao_paulo, ms_at(2026, 1, 1, 0, 0, 0)), -10800);
    CHECK_INT(zone_offset_at(&sao_paulo, ms_at(2026, 7, 1, 0, 0, 0)), -10800);
    check_local_to_utc(&sao_paulo, ms_at(2026, 11, 1, 0, 0, 0), ms_at(2026, 11, 1, 3, 0, 0));
}

static void test_london_and_dublin(void) {
    zone_rule london = rule_named("Europe/London");
    /* BST from 2026-03-29 01:00Z to 2026-10-25 01:00Z. */
    CHECK_INT(zone_offset_at(&london, ms_at(2026, 3, 29, 1, 0, 0) - 1), 0);
    CHECK_INT(zone_offset_at(&london, ms_at(2026, 3, 29, 1, 0, 0)), 3600);
    CHECK_INT(zone_offset_at(&london, ms_at(2026, 10, 25, 1, 0, 0) - 1), 3600);
    CHECK_INT(zone_offset_at(&london, ms_at(2026, 10, 25, 1, 0, 0)), 0);
    check_local_to_utc(&london, ms_at(2026, 3, 29, 1, 30, 0), ms_at(2026, 3, 29, 1, 30, 0));
    check_local_to_utc(&london, ms_at(2026, 10, 25, 1, 30, 0), ms_at(2026, 10, 25, 0, 30, 0));

    /* Dublin's "daylight" time is winter time, an hour behind standard time. */
    zone_rule dublin = rule_named("Europe/Dublin");
    CHECK_INT(dublin.std_offset_s, 3600);
    CHECK_INT(dublin.dst_offset_s, 0);
    CHECK_INT(zone_offset_at(&dublin, ms_at(2026, 1, 15, 0, 0, 0)), 0);
    CHECK_INT(zone_offset_at(&dublin, ms_at(2026, 7, 15, 0, 0, 0)), 3600);
    CHECK_INT(zone_offset_at(&dublin, ms_at(2026, 3, 29, 1, 0, 0) - 1), 0);
    CHECK_INT(zone_offset_at(&dublin, ms_at(2026, 3, 29, 1, 0, 0)), 3600);
    CHECK_INT(zone_offset_at(&dublin, ms_at(2026, 10, 25, 1, 0, 0) - 1), 3600);
    CHECK_INT(zone_offset_at(&dublin, ms_at(2026, 10, 25, 1, 0, 0)), 0);
    check_local_to_utc(&dublin, ms_at(2026, 3, 29, 1, 30, 0), ms_at(2026, 3, 29, 1, 30, 0));
    check_local_to_utc(&dublin, ms_at(2026, 10, 25, 1, 30, 0), ms_at(2026, 10, 25, 0, 30, 0));
}

/* "DST all year" as TZif footers write it: from Jan 1 00:00 standard time
 * to Dec 31 25:00 daylight time, which is the next year's start. */
static void test_all_year_daylight(void) {
    static const char *const rules[] = {"EST5EDT,0/0,J365/25", "<-03>3<-02>,0/0,J365/25"};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        zone_rule r = rule_of(rules[i]);
        int64_t samples[] = {
            ms_at(2026, 1, 1, 0, 0, 0), ms_at(2026, 1, 1, 4, 59, 59), ms_at(2026, 1, 1, 5, 0, 0),
            ms_at(2026, 6, 30, 12, 0, 0), ms_at(2026, 12, 31, 23, 59, 59), ms_at(2028, 2, 29, 12, 0, 0),
            ms_at(2028, 12, 31, 12, 0, 0), ms_at(2029, 1, 1, 4, 0, 0), 0, CIVIL_MS_MAX,
        };
        for (size_t j = 0; j < sizeof samples / sizeof samples[0]; j++) {
            CHECK_INT(zone_offset_at(&r, samples[j]), r.dst_offset_s);
        }
        check_local_to_utc(&r, ms_at(2026, 1, 1, 0, 0, 0), ms_at(2026, 1, 1, 0, 0, 0) - r.dst_offset_s * INT64_C(1000));
    }
}

static void test_odd_rules(void) {
    /* Change times beyond a day and negative ones (Gaza and Nuuk style). */
    zone_rule gaza = rule_of("EET-2EEST,M3.4.4/50,M10.4.4/50");
    /* 2026: the fourth Thursday of March is the 26th; 50 h later is Sat 28th 02:00 EET = 00:00Z. */
    CHECK_INT(zone_offset_at(&gaza, ms_at(2026, 3, 28, 0, 0, 0) - 1), 7200);
    CHECK_INT(zone_offset_at(&gaza, ms_at(2026, 3, 28, 0, 0, 0)), 10800);
    zone_rule nuuk = rule_of("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    /* 2026-03-29 -01:00 local standard = 2026-03-28 23:00 -02 = 2026-03-29 01:00Z. */
    CHECK_INT(zone_offset_at(&nuuk, ms_at(2026, 3, 29, 1, 0, 0) - 1), -7200);
    CHECK_INT(zone_offset_at(&nuuk, ms_at(2026, 3, 29, 1, 0, 0)), -3600);
    /* Changes that cross New Year: daylight time from Dec 31 + 48 h (Jan 2) to Jan 1 + 100 h (Jan 5, 04:00). */
    zone_rule wrap = rule_of("AAA0BBB,J365/48,J1/100");
    CHECK_INT(zone_offset_at(&wrap, ms_at(2027, 1, 2, 0, 0, 0) - 1), 0);
    CHECK_INT(zone_offset_at(&wrap, ms_at(2027, 1, 2, 0, 0, 0)), 3600);
    CHECK_INT(zone_offset_at(&wrap, ms_at(2027, 1, 5, 3, 0, 0) - 1), 3600);
    CHECK_INT(zone_offset_at(&wrap, ms_at(2027, 1, 5, 3, 0, 0)), 0);
    CHECK_INT(zone_offset_at(&wrap, ms_at(2027, 6, 1, 0, 0, 0)), 0);
    /* Jn never counts February 29; n does. */
    zone_rule julian = rule_of("AAA0BBB,J60/0,61/0");
    CHECK_INT(zone_offset_at(&julian, ms_at(2028, 3, 1, 0, 0, 0) - 1), 0);    /* J60: March 1 */
    CHECK_INT(zone_offset_at(&julian, ms_at(2028, 3, 1, 0, 0, 0)), 3600);
    CHECK_INT(zone_offset_at(&julian, ms_at(2028, 3, 1, 23, 0, 0) - 1), 3600); /* 61: March 2 in leap years */
    CHECK_INT(zone_offset_at(&julian, ms_at(2028, 3, 1, 23, 0, 0)), 0);
    CHECK_INT(zone_offset_at(&julian, ms_at(2027, 3, 1, 0, 0, 0)), 3600);     /* J60: March 1 */
    CHECK_INT(zone_offset_at(&julian, ms_at(2027, 3, 2, 23, 0, 0) - 1), 3600); /* 61: March 3 otherwise */
    CHECK_INT(zone_offset_at(&julian, ms_at(2027, 3, 2, 23, 0, 0)), 0);
    /* Instants far outside the range do not overflow. */
    zone_rule ny = rule_named("America/New_York");
    CHECK_INT(zone_offset_at(&ny, INT64_MAX), -18000);
    CHECK_INT(zone_offset_at(&ny, INT64_MIN), -18000);
    CHECK(zone_local_to_utc(&ny, INT64_MIN) == INT64_MIN + 5 * HOUR_MS);
    CHECK(zone_local_to_utc(&ny, INT64_MAX) == INT64_MAX);
}

static void test_table(void) {
    size_t count = 0;
    int unparsed = 0, unordered = 0;
    const char *prev = NULL;
    for (const char *name; (name = zone_name_at(count)) != NULL; count++) {
        const char *text = zone_rule_for_name(name, strlen(name));
        zone_rule r;
        if (text == NULL || strlen(text) > ZONE_RULE_TEXT_MAX || !zone_parse(text, strlen(text), &r)) {
            fprintf(stderr, "table zone %s: rule %s\n", name, text ? text : "(not found)");
            unparsed++;
        }
        if (prev != NULL && strcmp(prev, name) >= 0) unordered++;
        if (strlen(name) >= ZONE_NAME_MAX) unordered++;
        prev = name;
    }
    CHECK(count > 400);
    CHECK_INT(unparsed, 0);
    CHECK_INT(unordered, 0);
    CHECK(zone_rule_for_name("America/New_Yor", 15) == NULL);
    CHECK(zone_rule_for_name("America/New_YorkX", 17) == NULL);
    CHECK(zone_rule_for_name("America/New_YorkX", 16) != NULL);
    CHECK(zone_rule_for_name("america/new_york", 16) == NULL);
    CHECK(zone_rule_for_name("", 0) == NULL);
    CHECK(zone_rule_for_name(NULL, 3) == NULL);
    CHECK(zone_rule_for_name("Nowhere/Zone", 12) == NULL);
    CHECK_STR(zone_rule_for_name("UTC", 3), "UTC0");
    CHECK_STR(zone_rule_for_name("Europe/Berlin", 13), "CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(zone_rule_for_name(zone_name_at(0), strlen(zone_name_at(0))) != NULL);
    CHECK(zone_rule_for_name(zone_name_at(count - 1), strlen(zone_name_at(count - 1))) != NULL);
}

/* ---- against the system's zoneinfo ------------------------------------ */

static bool system_offset(int64_t utc_ms, int32_t *offset_s) {
    time_t t = (time_t)(utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000));
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL) return false;
    *offset_s = (int32_t)tm.tm_gmtoff;
    return true;
}

static void use_system_zone(const char *name) {
    setenv("TZ", name, 1);
    tzset();
}

typedef struct zone_comparison {
    int64_t first_mismatch_ms; /* -1: none */
    int32_t ours_s;
    int32_t system_s;
} zone_comparison;

/* Compares at one instant whose offset by our rule is `ours_s`; keeps the first mismatch. */
static void compare_instant(int64_t utc_ms, int32_t ours_s, zone_comparison *c) {
    int32_t system_s = 0;
    if (c->first_mismatch_ms >= 0) return;
    if (!system_offset(utc_ms, &system_s) || system_s != ours_s) {
        c->first_mismatch_ms = utc_ms;
        c->ours_s = ours_s;
        c->system_s = system_s;
    }
}

/* The first whole second after `before_ms` at which our offset differs from `before_s`. */
static int64_t find_change(const zone_rule *r, int64_t before_ms, int32_t before_s, int64_t after_ms) {
    while (after_ms - before_ms > SECOND_MS) {
        int64_t mid = before_ms + (after_ms - before_ms) / 2 / SECOND_MS * SECOND_MS;
        if (zone_offset_at(r, mid) == before_s) {
            before_ms = mid;
        } else {
            after_ms = mid;
        }
    }
    return after_ms;
}

/* Samples every 6 hours from 2025 to 2035, plus one second either side of each of our changes. */
static zone_comparison compare_zone(const zone_rule *r) {
    zone_comparison c = {-1, 0, 0};
    const int64_t step = 6 * HOUR_MS;
    int64_t first = ms_at(2025, 1, 1, 0, 0, 0), last = ms_at(2035, 12, 31, 23, 0, 0);
    int32_t prev_s = zone_offset_at(r, first);
    compare_instant(first, prev_s, &c);
    for (int64_t t = first + step; t <= last && c.first_mismatch_ms < 0; t += step) {
        int32_t ours_s = zone_offset_at(r, t);
        if (ours_s != prev_s) {
            int64_t change = find_change(r, t - step, prev_s, t);
            compare_instant(change - SECOND_MS, zone_offset_at(r, change - SECOND_MS), &c);
            compare_instant(change, zone_offset_at(r, change), &c);
            compare_instant(change + SECOND_MS, zone_offset_at(r, change + SECOND_MS), &c);
        }
        compare_instant(t, ours_s, &c);
        prev_s = ours_s;
    }
    return c;
}

static bool zone_file_exists(const char *name) {
    char path[sizeof SYSTEM_ZONEINFO + ZONE_NAME_MAX + 1];
    snprintf(path, sizeof path, "%s/%s", SYSTEM_ZONEINFO, name);
    return access(path, R_OK) == 0;
}

static bool is_required_zone(const char *name) {
    static const char *const required[] = {
        "America/New_York", "Europe/London", "Australia/Sydney",
        "Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo",
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (strcmp(name, required[i]) == 0) return true;
    }
    return false;
}

static void report_mismatch(const char *name, const char *label, const zone_comparison *c) {
    char when[CIVIL_RFC3339_MAX];
    civil_format_rfc3339(c->first_mismatch_ms, when);
    fprintf(stderr, "  %s %s: at %s ours %d s, system %d s\n", label, name, when, c->ours_s, c->system_s);
}

static void test_against_system_zoneinfo(void) {
    if (!zone_file_exists("America/New_York")) {
        fprintf(stderr, "FAIL: no tzdata in " SYSTEM_ZONEINFO " (America/New_York is missing); "
                        "install the tzdata package to compare zones against the system\n");
        CHECK(!"system tzdata present");
        return;
    }
    const int64_t rules_settled_ms = ms_at(2027, 1, 1, 0, 0, 0);
    int total = 0, equal = 0, skipped = 0, differing = 0, missing = 0, required_equal = 0;
    for (size_t i = 0; zone_name_at(i) != NULL; i++) {
        const char *name = zone_name_at(i);
        if (!zone_file_exists(name)) {
            missing++;
            continue;
        }
        zone_rule r = rule_named(name);
        use_system_zone(name);
        zone_comparison c = compare_zone(&r);
        total++;
        if (c.first_mismatch_ms < 0) {
            equal++;
            if (is_required_zone(name)) required_equal++;
        } else if (c.first_mismatch_ms < rules_settled_ms) {
            skipped++; /* history still governs, or the rule changed recently */
            report_mismatch(name, "skipped", &c);
        } else {
            differing++;
            report_mismatch(name, "DIFFERS", &c);
        }
    }
    printf("system zoneinfo: %d zones, %d fully equal 2025-2035, %d skipped (rules not settled before 2027), "
           "%d differing, %d not on this system\n", total, equal, skipped, differing, missing);
    CHECK(total > 400);
    CHECK(equal * 100 >= total * 95);
    CHECK_INT(required_equal, 6);
}

/* mktime with tm_isdst = -1 agrees with zone_local_to_utc on New York readings that exist once. */
static void test_local_to_utc_against_mktime(void) {
    if (!zone_file_exists("America/New_York")) {
        fprintf(stderr, "FAIL: no tzdata in " SYSTEM_ZONEINFO "; cannot compare with mktime\n");
        CHECK(!"system tzdata present");
        return;
    }
    zone_rule r = rule_named("America/New_York");
    use_system_zone("America/New_York");
    int compared = 0, mismatches = 0;
    for (int64_t local = ms_at(2025, 1, 1, 0, 0, 0); local < ms_at(2036, 1, 1, 0, 0, 0); local += 61 * CIVIL_MS_PER_MINUTE) {
        int64_t utc = zone_local_to_utc(&r, local);
        if (zone_offset_at(&r, utc - 3 * HOUR_MS) != zone_offset_at(&r, utc + 3 * HOUR_MS)) continue;
        int32_t year;
        uint32_t month, day;
        int64_t days = local / CIVIL_MS_PER_DAY, of_day = local % CIVIL_MS_PER_DAY;
        civil_date_from_days(days, &year, &month, &day);
        struct tm tm = {0};
        tm.tm_year = year - 1900;
        tm.tm_mon = (int)month - 1;
        tm.tm_mday = (int)day;
        tm.tm_hour = (int)(of_day / HOUR_MS);
        tm.tm_min = (int)(of_day % HOUR_MS / CIVIL_MS_PER_MINUTE);
        tm.tm_isdst = -1;
        time_t t = mktime(&tm);
        compared++;
        if ((int64_t)t * 1000 != utc && mismatches++ < 5) {
            fprintf(stderr, "mktime disagrees at local %lld: %lld vs %lld\n", (long long)local, (long long)t, (long long)utc);
        }
    }
    CHECK(compared > 90000);
    CHECK_INT(mismatches, 0);
}

int main(void) {
    test_known_days();
    test_day_round_trips();
    test_leap_years();
    test_weekdays();
    test_rfc3339_valid();
    test_rfc3339_invalid();
    test_rfc3339_format();
    test_dates();
    test_hhmm();
    test_parse_fields();
    test_parse_invalid();
    test_new_york();
    test_sydney();
    test_fixed_offsets();
    test_london_and_dublin();
    test_all_year_daylight();
    test_odd_rules();
    test_table();
    test_against_system_zoneinfo();
    test_local_to_utc_against_mktime();
    return check_report("test_time");
}
