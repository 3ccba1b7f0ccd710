/* zone.c: POSIX TZ rules (POSIX.1-2017 with the RFC 8536 extensions that
 * TZif footers use): parsing them, and converting between UTC instants and
 * wall-clock readings with them. No allocation, no state, no libc time
 * functions, integer arithmetic only. */
#include "zone.h"

#include <string.h>

#include "civil.h"

enum {
    SECONDS_PER_MINUTE = 60,
    SECONDS_PER_HOUR = 3600,
    SECONDS_PER_DAY = 86400,
    MS_PER_SECOND = 1000,
    NAME_MIN = 3,                  /* POSIX: a zone abbreviation has at least 3 characters */
    OFFSET_HOURS_MAX = 24,         /* POSIX: offsets are 0-24 hours */
    CHANGE_HOURS_MAX = 167,        /* RFC 8536: change times are -167..167 hours */
    DEFAULT_CHANGE_TIME_S = 7200,  /* 02:00:00 */
    DEFAULT_DST_SHIFT_S = 3600,    /* daylight time is one hour ahead unless told */
};

/* zone_offset_at works on instants within these bounds (years -7999 to
 * 17999); instants beyond them get the offset of the nearest bound, which
 * keeps every calculation far from overflow. */
#define ZONE_MS_LOW (-CIVIL_MS_MAX)
#define ZONE_MS_HIGH (2 * CIVIL_MS_MAX)

/* ---- parsing ---------------------------------------------------------- */

/* A cursor over text that is not necessarily NUL-terminated. */
typedef struct reader {
    const char *text;
    size_t len;
    size_t pos;
} reader;

static bool at_end(const reader *r) {
    return r->pos >= r->len;
}

static char peek(const reader *r) {
    return at_end(r) ? '\0' : r->text[r->pos];
}

static bool read_char(reader *r, char expected) {
    if (at_end(r) || r->text[r->pos] != expected) return false;
    r->pos++;
    return true;
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Reads 1 to `max_digits` decimal digits with a value of at most `max`. */
static bool read_number(reader *r, size_t max_digits, int32_t max, int32_t *value) {
    int32_t v = 0;
    size_t digits = 0;
    while (digits < max_digits && is_digit(peek(r))) {
        v = v * 10 + (peek(r) - '0');
        r->pos++;
        digits++;
    }
    if (digits == 0 || v > max) return false;
    *value = v;
    return true;
}

/* An abbreviation: at least three letters, or "<...>" around at least three
 * letters, digits, '+' or '-'. Only its syntax matters to us. */
static bool read_name(reader *r) {
    size_t count = 0;
    if (read_char(r, '<')) {
        while (is_alpha(peek(r)) || is_digit(peek(r)) || peek(r) == '+' || peek(r) == '-') {
            r->pos++;
            count++;
        }
        return count >= NAME_MIN && read_char(r, '>');
    }
    while (is_alpha(peek(r))) {
        r->pos++;
        count++;
    }
    return count >= NAME_MIN;
}

/* "[+-]hh[:mm[:ss]]" as signed seconds, hours at most `hours_max`. */
static bool read_signed_duration(reader *r, int32_t hours_max, int32_t *seconds) {
    int32_t sign = 1, hours, minutes = 0, secs = 0;
    if (read_char(r, '-')) {
        sign = -1;
    } else {
        (void)read_char(r, '+');
    }
    if (!read_number(r, hours_max > 99 ? 3 : 2, hours_max, &hours)) return false;
    if (read_char(r, ':')) {
        if (!read_number(r, 2, 59, &minutes)) return false;
        if (read_char(r, ':') && !read_number(r, 2, 59, &secs)) return false;
    }
    *seconds = sign * (hours * SECONDS_PER_HOUR + minutes * SECONDS_PER_MINUTE + secs);
    return true;
}

/* A POSIX offset is hours *west* of UTC; we store seconds east. */
static bool read_offset(reader *r, int32_t *seconds_east) {
    int32_t west;
    if (!read_signed_duration(r, OFFSET_HOURS_MAX, &west)) return false;
    *seconds_east = -west;
    return true;
}

/* "Jn", "n" or "Mm.w.d". */
static bool read_change_date(reader *r, zone_change *c) {
    int32_t a, b, d;
    if (read_char(r, 'J')) {
        if (!read_number(r, 3, 365, &a) || a < 1) return false;
        c->kind = ZONE_DATE_JULIAN_NO_LEAP;
        c->day = (uint16_t)a;
        return true;
    }
    if (read_char(r, 'M')) {
        if (!read_number(r, 2, 12, &a) || a < 1 || !read_char(r, '.')) return false;
        if (!read_number(r, 1, 5, &b) || b < 1 || !read_char(r, '.')) return false;
        if (!read_number(r, 1, 6, &d)) return false;
        c->kind = ZONE_DATE_MONTH_WEEK_DAY;
        c->month = (uint8_t)a;
        c->week = (uint8_t)b;
        c->weekday = (uint8_t)d;
        return true;
    }
    if (!read_number(r, 3, 365, &a)) return false;
    c->kind = ZONE_DATE_JULIAN_ZERO;
    c->day = (uint16_t)a;
    return true;
}

/* "date[/time]", the time defaulting to 02:00:00. */
static bool read_change(reader *r, zone_change *c) {
    if (!read_change_date(r, c)) return false;
    c->time_s = DEFAULT_CHANGE_TIME_S;
    if (read_char(r, '/')) return read_signed_duration(r, CHANGE_HOURS_MAX, &c->time_s);
    return true;
}

/* "dst[offset],start[/time],end[/time]" after the standard part. */
static bool read_daylight_part(reader *r, zone_rule *rule) {
    if (!read_name(r)) return false;
    rule->has_dst = true;
    rule->dst_offset_s = rule->std_offset_s + DEFAULT_DST_SHIFT_S;
    if (peek(r) != ',' && !read_offset(r, &rule->dst_offset_s)) return false;
    if (!read_char(r, ',') || !read_change(r, &rule->dst_start)) return false;
    return read_char(r, ',') && read_change(r, &rule->dst_end);
}

static void fill_years(zone_rule *rule);

bool zone_parse(const char *text, size_t len, zone_rule *rule) {
    reader r = {text, len, 0};
    zone_rule parsed;
    if (text == NULL || rule == NULL) return false;
    memset(&parsed, 0, sizeof parsed);
    if (!read_name(&r) || !read_offset(&r, &parsed.std_offset_s)) return false;
    parsed.dst_offset_s = parsed.std_offset_s;
    if (!at_end(&r) && !read_daylight_part(&r, &parsed)) return false;
    if (!at_end(&r)) return false;
    if (parsed.has_dst) fill_years(&parsed);
    *rule = parsed;
    return true;
}

/* ---- transitions ------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap_year(int32_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int32_t year_of(int64_t utc_ms) {
    int32_t year;
    uint32_t month, day;
    civil_date_from_days(floor_div(utc_ms, CIVIL_MS_PER_DAY), &year, &month, &day);
    return year;
}

/* The day (since 1970-01-01) of the m-th month's w-th weekday d, w = 5 meaning the last. */
static int64_t month_week_day(int32_t year, const zone_change *c) {
    int64_t first = civil_days_from_date(year, c->month, 1);
    uint32_t to_weekday = (c->weekday + 7 - civil_weekday(first)) % 7;
    uint32_t day_of_month = 1 + to_weekday + 7 * (uint32_t)(c->week - 1);
    uint32_t length = civil_days_in_month(year, c->month);
    while (day_of_month > length) day_of_month -= 7;
    return first + (day_of_month - 1);
}

/* The day (since 1970-01-01) on which a change happens in `year`. */
static int64_t change_day(int32_t year, const zone_change *c) {
    switch (c->kind) {
    case ZONE_DATE_JULIAN_NO_LEAP: /* day 60 is March 1 whether or not there is a February 29 */
        return civil_days_from_date(year, 1, 1) + c->day - 1 + (is_leap_year(year) && c->day >= 60 ? 1 : 0);
    case ZONE_DATE_JULIAN_ZERO:
        return civil_days_from_date(year, 1, 1) + c->day;
    default:
        return month_week_day(year, c);
    }
}

/* The UTC instant of a change in `year`, its time read on a clock at `offset_s`. */
static int64_t change_utc_ms(int32_t year, const zone_change *c, int32_t offset_s) {
    int64_t seconds = change_day(year, c) * SECONDS_PER_DAY + c->time_s - offset_s;
    return seconds * MS_PER_SECOND;
}

static int64_t year_length_ms(int32_t year) {
    return (int64_t)(is_leap_year(year) ? 366 : 365) * CIVIL_MS_PER_DAY;
}

static zone_year compute_year_changes(const zone_rule *rule, int32_t year) {
    zone_year y;
    y.start_ms = change_utc_ms(year, &rule->dst_start, rule->std_offset_s);
    y.end_ms = change_utc_ms(year, &rule->dst_end, rule->dst_offset_s);
    y.all_daylight = y.end_ms - y.start_ms >= year_length_ms(year);
    /* Southern rules (end before start) change twice; so do northern ones
     * unless daylight time is empty or covers the year. */
    y.has_changes = y.end_ms < y.start_ms || (y.start_ms < y.end_ms && !y.all_daylight);
    return y;
}

/* The latest change at or before a moment, over a few years around it. */
typedef struct zone_latest {
    bool found;
    bool daylight;
    int64_t at_ms;
} zone_latest;

static void consider_change(zone_latest *latest, int64_t at_ms, bool daylight, int64_t utc_ms) {
    if (at_ms > utc_ms) return;
    if (latest->found && at_ms <= latest->at_ms) return; /* ties: the later rule year, seen first, wins */
    latest->found = true;
    latest->daylight = daylight;
    latest->at_ms = at_ms;
}

/* A change of rule year y falls less than CHANGE_REACH_MS before y begins
 * or after it ends: its date is within the year (or on the next January 1
 * for "365" in a common year), moved by up to 167 hours of change time and
 * a 25-hour offset. */
#define CHANGE_REACH_MS (INT64_C(9) * CIVIL_MS_PER_DAY)

static int64_t compute_year_start_ms(int32_t year) {
    return civil_days_from_date(year, 1, 1) * CIVIL_MS_PER_DAY;
}

static bool in_table(const zone_rule *rule, int32_t year) {
    return rule->years_ready && year >= ZONE_YEARS_FIRST && year < ZONE_YEARS_FIRST + ZONE_YEARS;
}

static zone_year year_changes(const zone_rule *rule, int32_t year) {
    return in_table(rule, year) ? rule->years[year - ZONE_YEARS_FIRST] : compute_year_changes(rule, year);
}

static int64_t year_start_ms(const zone_rule *rule, int32_t year) {
    return in_table(rule, year) ? rule->year_starts_ms[year - ZONE_YEARS_FIRST] : compute_year_start_ms(year);
}

/* The year of an instant: looked up between the table's year starts, else worked out. */
static int32_t rule_year_of(const zone_rule *rule, int64_t utc_ms) {
    if (!rule->years_ready || utc_ms < rule->year_starts_ms[0] || utc_ms >= rule->year_starts_ms[ZONE_YEARS]) {
        return year_of(utc_ms);
    }
    uint32_t low = 0, high = ZONE_YEARS; /* year_starts_ms[low] <= utc_ms < year_starts_ms[high] */
    while (high - low > 1) {
        uint32_t mid = (low + high) / 2;
        if (rule->year_starts_ms[mid] <= utc_ms) low = mid;
        else high = mid;
    }
    return ZONE_YEARS_FIRST + (int32_t)low;
}

static bool daylight_at(const zone_rule *rule, int64_t utc_ms);
static void fill_transitions(zone_rule *rule);

static void fill_years(zone_rule *rule) {
    for (int32_t i = 0; i <= ZONE_YEARS; i++) rule->year_starts_ms[i] = compute_year_start_ms(ZONE_YEARS_FIRST + i);
    for (int32_t i = 0; i < ZONE_YEARS; i++) rule->years[i] = compute_year_changes(rule, ZONE_YEARS_FIRST + i);
    rule->years_ready = true;
    fill_transitions(rule);
}

/* Whether daylight time is in effect. A change can fall a week outside
 * its rule year, and a southern summer spans New Year, so the latest change
 * is looked for in the rule years around the UTC year, latest first,
 * skipping years whose changes cannot matter. */
static bool daylight_worked_out(const zone_rule *rule, int64_t utc_ms) {
    int32_t year = rule_year_of(rule, utc_ms);
    zone_latest latest = {false, false, 0};
    for (int32_t y = year + 1; y >= year - 2; y--) {
        if (year_start_ms(rule, y) - CHANGE_REACH_MS > utc_ms) continue;            /* all of y's changes are later */
        if (latest.found && year_start_ms(rule, y + 1) + CHANGE_REACH_MS < latest.at_ms) break; /* all earlier than one found */
        zone_year changes = year_changes(rule, y);
        if (!changes.has_changes) continue;
        bool southern = changes.end_ms < changes.start_ms;
        int64_t first_ms = southern ? changes.end_ms : changes.start_ms;
        int64_t second_ms = southern ? changes.start_ms : changes.end_ms;
        consider_change(&latest, first_ms, !southern, utc_ms);
        consider_change(&latest, second_ms, southern, utc_ms);
    }
    if (latest.found) return latest.daylight;
    return year_changes(rule, year).all_daylight; /* no changes at all: permanent daylight time, or none */
}

/* Every change of the table's years, sorted, with daylight_worked_out at
 * each: between two changes nothing changes, so that answer holds until
 * the next one. Only when every year of the table has changes: then the
 * latest change at or before an instant is always one of them, the answer
 * daylight_worked_out gives (a year without changes, daylight time all
 * year, is answered by its year instead). */
static void fill_transitions(zone_rule *rule) {
    rule->transition_count = 0;
    rule->transition_spacing_ms = 0;
    for (int32_t i = 0; i < ZONE_YEARS; i++) {
        if (!rule->years[i].has_changes) return;
    }
    uint32_t n = 0;
    for (int32_t i = 0; i < ZONE_YEARS; i++) {
        int64_t pair[2] = {rule->years[i].start_ms, rule->years[i].end_ms};
        for (int k = 0; k < 2; k++) {
            /* Insertion: the changes come nearly in order already. */
            uint32_t at = n;
            while (at > 0 && rule->transitions_ms[at - 1] > pair[k]) at--;
            if (at > 0 && rule->transitions_ms[at - 1] == pair[k]) continue; /* the same instant twice */
            memmove(&rule->transitions_ms[at + 1], &rule->transitions_ms[at], (n - at) * sizeof rule->transitions_ms[0]);
            rule->transitions_ms[at] = pair[k];
            n++;
        }
    }
    for (uint32_t i = 0; i < n; i++) rule->transition_daylight[i] = daylight_worked_out(rule, rule->transitions_ms[i]);
    rule->transition_count = n;
    rule->transition_spacing_ms = n < 2 ? 0 : (rule->transitions_ms[n - 1] - rule->transitions_ms[0]) / (n - 1);
}

/* Whether daylight time is in effect: looked up between the table's
 * changes, from the second year's end to a change's reach before the
 * table ends (no change outside the table falls there), else worked out. */
static bool daylight_at(const zone_rule *rule, int64_t utc_ms) {
    uint32_t n = rule->transition_count;
    if (n < 2 || utc_ms < rule->year_starts_ms[2] || utc_ms >= rule->year_starts_ms[ZONE_YEARS] - CHANGE_REACH_MS) {
        return daylight_worked_out(rule, utc_ms);
    }
    /* The changes come about twice a year, so where the instant falls
     * between the first and the last says within a few which it follows. */
    const int64_t *at = rule->transitions_ms;
    uint32_t low = 0;
    if (utc_ms >= at[n - 1]) {
        low = n - 1;
    } else if (utc_ms > at[0]) {
        low = (uint32_t)((utc_ms - at[0]) / rule->transition_spacing_ms);
        if (low > n - 2) low = n - 2;
        while (at[low] > utc_ms) low--;
        while (at[low + 1] <= utc_ms) low++;
    }
    bool daylight = rule->transition_daylight[low];
#ifndef NDEBUG
    if (rule->transitions_ms[low] > utc_ms || daylight != daylight_worked_out(rule, utc_ms)) __builtin_trap();
#endif
    return daylight;
}

/* ---- conversions ------------------------------------------------------ */

static int64_t clamp_ms(int64_t ms, int64_t low, int64_t high) {
    return ms < low ? low : ms > high ? high : ms;
}

/* a + offset seconds, saturating instead of overflowing. */
static int64_t add_offset(int64_t ms, int32_t offset_s) {
    int64_t shift = (int64_t)offset_s * MS_PER_SECOND;
    if (shift > 0 && ms > INT64_MAX - shift) return INT64_MAX;
    if (shift < 0 && ms < INT64_MIN - shift) return INT64_MIN;
    return ms + shift;
}

int32_t zone_offset_at(const zone_rule *rule, int64_t utc_ms) {
    if (!rule->has_dst) return rule->std_offset_s;
    bool daylight = daylight_at(rule, clamp_ms(utc_ms, ZONE_MS_LOW, ZONE_MS_HIGH));
    return daylight ? rule->dst_offset_s : rule->std_offset_s;
}

int64_t zone_utc_to_local(const zone_rule *rule, int64_t utc_ms) {
    return add_offset(utc_ms, zone_offset_at(rule, utc_ms));
}

/* Reading `local_ms` as if the clock were at `offset_s`: is that instant's offset really it? */
static bool reading_holds(const zone_rule *rule, int64_t local_ms, int32_t offset_s, int64_t *utc_ms) {
    *utc_ms = add_offset(local_ms, -offset_s);
    return zone_offset_at(rule, *utc_ms) == offset_s;
}

int64_t zone_local_to_utc(const zone_rule *rule, int64_t local_ms) {
    int64_t as_std, as_dst;
    if (!rule->has_dst) return add_offset(local_ms, -rule->std_offset_s);
    bool std_holds = reading_holds(rule, local_ms, rule->std_offset_s, &as_std);
    bool dst_holds = reading_holds(rule, local_ms, rule->dst_offset_s, &as_dst);
    if (std_holds && dst_holds) return as_std < as_dst ? as_std : as_dst; /* fall-back: the earlier */
    if (std_holds) return as_std;
    if (dst_holds) return as_dst;
    /* A skipped reading. The clock jumped from the smaller offset to the
     * larger; reading it with the smaller one (the offset before the gap)
     * lands the gap's length later on the wall clock. */
    int32_t before = rule->std_offset_s < rule->dst_offset_s ? rule->std_offset_s : rule->dst_offset_s;
    return add_offset(local_ms, -before);
}
