/* civil.c: the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil / civil_from_days), weekdays, month lengths, and strict
 * parsing and formatting of RFC 3339 date-times, dates and "HH:MM" times.
 * Integer arithmetic only, no stdio, no libc time functions. */
#include <string.h>

#include "civil.h"

enum {
    MS_PER_SECOND = 1000,
    SECONDS_PER_MINUTE = 60,
    MINUTES_PER_HOUR = 60,
    MS_PER_HOUR = 3600000,
    DAYS_PER_ERA = 146097, /* 400 Gregorian years */
    EPOCH_SHIFT_DAYS = 719468, /* 0000-03-01 to 1970-01-01 */
    YEAR_MIN = 1970,
    YEAR_MAX = 9999,
};

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b) {
    return a - floor_div(a, b) * b;
}

static bool is_leap_year(int32_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int64_t civil_days_from_date(int32_t year, uint32_t month, uint32_t day) {
    int64_t y = (int64_t)year - (month <= 2 ? 1 : 0);
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                                  /* 0-399 */
    int64_t month_from_march = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9; /* 0-11 */
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + (int64_t)day - 1; /* 0-365 */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT_DAYS;
}

/* Neri and Schneider's form of the same calendar ("Euclidean affine
 * functions and their application to calendar algorithms", 2022): unsigned
 * 32-bit arithmetic whose divisions by constants are multiplications. It
 * counts from a March 1 SHIFT_ERAS eras before 0000-03-01, and holds while
 * 4 * n + 3 fits 32 bits: days from FAST_DAYS_MIN to FAST_DAYS_MAX. */
enum { SHIFT_ERAS = 82, SHIFT_DAYS = EPOCH_SHIFT_DAYS + DAYS_PER_ERA * SHIFT_ERAS };
#define FAST_DAYS_MIN (-(int64_t)SHIFT_DAYS)
#define FAST_DAYS_MAX ((int64_t)(UINT32_MAX / 4 - 1) - SHIFT_DAYS)

static void date_from_days_fast(int64_t days, int32_t *year, uint32_t *month, uint32_t *day) {
    uint32_t n = (uint32_t)(days + SHIFT_DAYS);
    uint32_t n1 = 4 * n + 3;
    uint32_t century = n1 / DAYS_PER_ERA;
    uint32_t n2 = n1 % DAYS_PER_ERA / 4 * 4 + 3; /* the day of the century, times 4, plus 3 */
    uint64_t p2 = UINT64_C(2939745) * n2;
    uint32_t year_of_century = (uint32_t)(p2 >> 32);
    uint32_t day_of_year = (uint32_t)p2 / 2939745 / 4; /* from March 1 */
    uint32_t n3 = 2141 * day_of_year + 197913;
    uint32_t m = n3 >> 16, d = (n3 & 0xFFFF) / 2141; /* month from March as 3-14, day from 0 */
    bool january_or_february = day_of_year >= 306;
    *year = (int32_t)(100 * century + year_of_century) - 400 * SHIFT_ERAS + january_or_february;
    *month = january_or_february ? m - 12 : m;
    *day = d + 1;
}

void civil_date_from_days(int64_t days, int32_t *year, uint32_t *month, uint32_t *day) {
    if (days >= FAST_DAYS_MIN && days <= FAST_DAYS_MAX) {
        date_from_days_fast(days, year, month, day);
        return;
    }
    int64_t z = days + EPOCH_SHIFT_DAYS;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t day_of_era = z - era * DAYS_PER_ERA;                          /* 0-146096 */
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;               /* 0-11 */
    uint32_t m = (uint32_t)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    *day = (uint32_t)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    *month = m;
    *year = (int32_t)(year_of_era + era * 400 + (m <= 2 ? 1 : 0));
}

uint32_t civil_weekday(int64_t days) {
    return (uint32_t)floor_mod(days + 4, 7); /* 1970-01-01 was a Thursday */
}

uint32_t civil_days_in_month(int32_t year, uint32_t month) {
    static const uint8_t lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    if (month == 2 && is_leap_year(year)) return 29;
    return lengths[month - 1];
}

/* ---- parsing ---------------------------------------------------------- */

/* A cursor over text that is not necessarily NUL-terminated. */
typedef struct reader {
    const char *text;
    size_t len;
    size_t pos;
} reader;

static bool read_char(reader *r, char expected) {
    if (r->pos >= r->len || r->text[r->pos] != expected) return false;
    r->pos++;
    return true;
}

static bool read_either(reader *r, char upper, char lower) {
    return read_char(r, upper) || read_char(r, lower);
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Reads exactly `count` decimal digits. */
static bool read_digits(reader *r, size_t count, int32_t *value) {
    int32_t v = 0;
    if (r->len - r->pos < count) return false;
    for (size_t i = 0; i < count; i++) {
        char c = r->text[r->pos + i];
        if (!is_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    r->pos += count;
    *value = v;
    return true;
}

static bool read_bounded(reader *r, size_t count, int32_t min, int32_t max, int32_t *value) {
    return read_digits(r, count, value) && *value >= min && *value <= max;
}

/* "YYYY-MM-DD" with the day checked against the month; any 4-digit year. */
static bool read_date(reader *r, int64_t *days, int32_t *year) {
    int32_t month, day;
    if (!read_digits(r, 4, year) || !read_char(r, '-')) return false;
    if (!read_bounded(r, 2, 1, 12, &month) || !read_char(r, '-')) return false;
    if (!read_digits(r, 2, &day)) return false;
    if (day < 1 || (uint32_t)day > civil_days_in_month(*year, (uint32_t)month)) return false;
    *days = civil_days_from_date(*year, (uint32_t)month, (uint32_t)day);
    return true;
}

/* "HH:MM:SS" as ms after midnight; no leap seconds. */
static bool read_time_of_day(reader *r, int64_t *ms) {
    int32_t hour, minute, second;
    if (!read_bounded(r, 2, 0, 23, &hour) || !read_char(r, ':')) return false;
    if (!read_bounded(r, 2, 0, 59, &minute) || !read_char(r, ':')) return false;
    if (!read_bounded(r, 2, 0, 59, &second)) return false;
    *ms = (int64_t)hour * MS_PER_HOUR + (int64_t)minute * CIVIL_MS_PER_MINUTE + (int64_t)second * MS_PER_SECOND;
    return true;
}

/* Optional ".d..." of 1-9 digits; digits past the third must be zero. */
static bool read_fraction(reader *r, int64_t *ms) {
    size_t digits = 0;
    *ms = 0;
    if (!read_char(r, '.')) return true;
    while (r->pos < r->len && is_digit(r->text[r->pos])) {
        int32_t d = r->text[r->pos] - '0';
        if (digits < 3) {
            *ms = *ms * 10 + d;
        } else if (d != 0) {
            return false;
        }
        digits++;
        r->pos++;
    }
    if (digits < 1 || digits > 9) return false;
    for (size_t i = digits; i < 3; i++) *ms *= 10;
    return true;
}

/* "Z" or "+HH:MM" / "-HH:MM", as ms east of UTC. */
static bool read_offset(reader *r, int64_t *offset_ms) {
    int32_t hours, minutes;
    int64_t sign;
    if (read_either(r, 'Z', 'z')) {
        *offset_ms = 0;
        return true;
    }
    if (read_char(r, '+')) {
        sign = 1;
    } else if (read_char(r, '-')) {
        sign = -1;
    } else {
        return false;
    }
    if (!read_bounded(r, 2, 0, 23, &hours) || !read_char(r, ':')) return false;
    if (!read_bounded(r, 2, 0, 59, &minutes)) return false;
    *offset_ms = sign * ((int64_t)hours * MS_PER_HOUR + (int64_t)minutes * CIVIL_MS_PER_MINUTE);
    return true;
}

bool civil_parse_rfc3339(const char *text, size_t len, int64_t *utc_ms) {
    reader r = {text, len, 0};
    int64_t days, time_ms, fraction_ms, offset_ms;
    int32_t year;
    if (text == NULL) return false;
    if (!read_date(&r, &days, &year) || !read_either(&r, 'T', 't')) return false;
    if (!read_time_of_day(&r, &time_ms) || !read_fraction(&r, &fraction_ms)) return false;
    if (!read_offset(&r, &offset_ms) || r.pos != r.len) return false;
    int64_t result = days * CIVIL_MS_PER_DAY + time_ms + fraction_ms - offset_ms;
    if (result < CIVIL_MS_MIN || result > CIVIL_MS_MAX) return false;
    *utc_ms = result;
    return true;
}

bool civil_parse_date(const char *text, size_t len, int64_t *days) {
    reader r = {text, len, 0};
    int32_t year;
    int64_t d;
    if (text == NULL) return false;
    if (!read_date(&r, &d, &year) || r.pos != r.len) return false;
    if (year < YEAR_MIN || year > YEAR_MAX) return false;
    *days = d;
    return true;
}

bool civil_parse_hhmm(const char *text, size_t len, int32_t *minutes) {
    reader r = {text, len, 0};
    int32_t hour, minute;
    if (text == NULL) return false;
    if (!read_bounded(&r, 2, 0, 24, &hour) || !read_char(&r, ':')) return false;
    if (!read_bounded(&r, 2, 0, 59, &minute) || r.pos != r.len) return false;
    if (hour == 24 && minute != 0) return false;
    *minutes = hour * MINUTES_PER_HOUR + minute;
    return true;
}

/* ---- formatting ------------------------------------------------------- */

static const char two_digits[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";

/* Two digits of `value` (< 100) at `out`. */
static void put_pair(char *out, uint32_t value) { memcpy(out, &two_digits[2 * value], 2); }

/* Writes `value` (>= 0) as exactly `width` digits at out[pos]; returns the new position. */
static size_t write_digits(char *out, size_t pos, int64_t value, size_t width) {
    for (size_t i = width; i > 0; i--) {
        out[pos + i - 1] = (char)('0' + value % 10);
        value /= 10;
    }
    return pos + width;
}

/* Years 0-9999 as four digits; others (outside the supported range) with
 * as many digits as they need and a sign if negative, never truncated: an
 * int64 of ms spans at most nine year digits, so CIVIL_RFC3339_MAX holds it. */
static size_t write_year(char *out, size_t pos, int32_t year) {
    if (year >= 0 && year < 10000) { /* the supported years: two table lookups */
        put_pair(out + pos, (uint32_t)year / 100);
        put_pair(out + pos + 2, (uint32_t)year % 100);
        return pos + 4;
    }
    int64_t y = year;
    size_t width = 4;
    if (y < 0) {
        out[pos++] = '-';
        y = -y;
    }
    for (int64_t limit = 10000; y >= limit; limit *= 10) width++;
    return write_digits(out, pos, y, width);
}

static size_t write_date(char *out, size_t pos, int64_t days) {
    int32_t year;
    uint32_t month, day;
    civil_date_from_days(days, &year, &month, &day);
    pos = write_year(out, pos, year);
    out[pos] = '-';
    put_pair(out + pos + 1, month);
    out[pos + 3] = '-';
    put_pair(out + pos + 4, day);
    return pos + 6;
}

/* Days outside years 0000-9999 are clamped to them, so the text always
 * fits CIVIL_DATE_MAX (callers stay within 1970-9999 anyway). */
size_t civil_format_date(int64_t days, char out[CIVIL_DATE_MAX]) {
    int64_t first = civil_days_from_date(0, 1, 1), last = civil_days_from_date(YEAR_MAX, 12, 31);
    size_t pos = write_date(out, 0, days < first ? first : days > last ? last : days);
    out[pos] = '\0';
    return pos;
}

/* "THH:MM:SS[.mmm]Z" and a NUL for `ms_of_day` (under a day) at `pos`;
 * returns the length. Unsigned 32-bit arithmetic: every division is by a
 * constant, a multiplication. */
static size_t write_time_of_day(char *out, size_t pos, uint32_t ms_of_day) {
    uint32_t seconds = ms_of_day / MS_PER_SECOND, millis = ms_of_day % MS_PER_SECOND;
    uint32_t minutes = seconds / SECONDS_PER_MINUTE;
    out[pos] = 'T';
    put_pair(out + pos + 1, minutes / MINUTES_PER_HOUR);
    out[pos + 3] = ':';
    put_pair(out + pos + 4, minutes % MINUTES_PER_HOUR);
    out[pos + 6] = ':';
    put_pair(out + pos + 7, seconds % SECONDS_PER_MINUTE);
    pos += 9;
    if (millis != 0) {
        out[pos] = '.';
        out[pos + 1] = (char)('0' + millis / 100);
        put_pair(out + pos + 2, millis % 100);
        pos += 4;
    }
    out[pos] = 'Z';
    out[pos + 1] = '\0';
    return pos + 1;
}

/* The day of an instant, for the instant's text: an unsigned division for
 * the usual ones, which needs no rounding down. */
static int64_t day_of(int64_t utc_ms) {
    return utc_ms >= 0 ? (int64_t)((uint64_t)utc_ms / CIVIL_MS_PER_DAY) : floor_div(utc_ms, CIVIL_MS_PER_DAY);
}

size_t civil_format_rfc3339(int64_t utc_ms, char out[CIVIL_RFC3339_MAX]) {
    int64_t days = day_of(utc_ms);
    return write_time_of_day(out, write_date(out, 0, days), (uint32_t)(utc_ms - days * CIVIL_MS_PER_DAY));
}

size_t civil_format_rfc3339_memo(int64_t utc_ms, char out[CIVIL_RFC3339_MAX], civil_date_memo *memo) {
    int64_t days = day_of(utc_ms);
    if (!memo->known || memo->days != days) {
        memo->len = write_date(memo->text, 0, days);
        memo->days = days;
        memo->known = true;
    }
    memcpy(out, memo->text, sizeof memo->text); /* a fixed size copies faster; the rest is written over */
    return write_time_of_day(out, memo->len, (uint32_t)(utc_ms - days * CIVIL_MS_PER_DAY));
}

void civil_format_hhmm(int32_t minutes, char out[6]) {
    out[0] = (char)('0' + minutes / 600);
    out[1] = (char)('0' + minutes / 60 % 10);
    out[2] = ':';
    out[3] = (char)('0' + minutes % 60 / 10);
    out[4] = (char)('0' + minutes % 10);
    out[5] = '\0';
}
