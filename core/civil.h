/* civil.h: the proleptic Gregorian calendar and RFC 3339 text, in integer
 * arithmetic only. Instants are milliseconds since 1970-01-01T00:00:00Z
 * ("utc ms"); a wall-clock reading in some zone is expressed the same way as
 * if that wall clock were UTC ("local ms"). Supported range: years 1970-9999. */
#ifndef CS_CIVIL_H
#define CS_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CIVIL_MS_PER_MINUTE = 60000,
    CIVIL_MS_PER_DAY = 86400000,
    CIVIL_RFC3339_MAX = 32,  /* buffer for civil_format_rfc3339, with NUL */
    CIVIL_DATE_MAX = 11,     /* "YYYY-MM-DD" + NUL */
};

#define CIVIL_MS_MIN INT64_C(0)                /* 1970-01-01T00:00:00.000Z */
#define CIVIL_MS_MAX INT64_C(253402300799999)  /* 9999-12-31T23:59:59.999Z */

/* Days since 1970-01-01 of a valid date (month 1-12, day 1-31 checked by the caller). */
int64_t civil_days_from_date(int32_t year, uint32_t month, uint32_t day);
void civil_date_from_days(int64_t days, int32_t *year, uint32_t *month, uint32_t *day);
/* 0 = Sunday ... 6 = Saturday. */
uint32_t civil_weekday(int64_t days);
uint32_t civil_days_in_month(int32_t year, uint32_t month);

/* Parses RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)".
 * 'T' and 'Z' may be lower case. The fraction may have 1-9 digits but must
 * be a whole number of milliseconds. Leap seconds (:60) are rejected.
 * Returns false on any deviation or an instant outside the range. */
bool civil_parse_rfc3339(const char *text, size_t len, int64_t *utc_ms);

/* Writes "YYYY-MM-DDTHH:MM:SSZ", or "...SS.mmmZ" when ms % 1000 != 0.
 * Returns the length written (without the NUL). */
size_t civil_format_rfc3339(int64_t utc_ms, char out[CIVIL_RFC3339_MAX]);

/* The date part of the last time a caller formatted, so a run of times on
 * one day works the date out once. Start with {0}. */
typedef struct civil_date_memo {
    bool known;
    int64_t days;
    size_t len;
    char text[CIVIL_RFC3339_MAX];
} civil_date_memo;

/* civil_format_rfc3339, the same text, reusing the memo's date when the day matches. */
size_t civil_format_rfc3339_memo(int64_t utc_ms, char out[CIVIL_RFC3339_MAX], civil_date_memo *memo);

/* Parses "YYYY-MM-DD" into days since 1970-01-01. */
bool civil_parse_date(const char *text, size_t len, int64_t *days);
size_t civil_format_date(int64_t days, char out[CIVIL_DATE_MAX]);

/* Parses "HH:MM" (00:00-23:59, and "24:00") into minutes after midnight. */
bool civil_parse_hhmm(const char *text, size_t len, int32_t *minutes);
/* Writes minutes after midnight (0-1440) as "HH:MM" and a NUL. */
void civil_format_hhmm(int32_t minutes, char out[6]);

#endif
