/* zone.h: time zones from POSIX TZ rule strings, the form that ends every
 * TZif file ("EST5EDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3",
 * "<+0530>-5:30"). The core cannot read a zone database at run time, so a
 * facility carries its zone's rule; zone_rule_for_name() knows the current
 * rule of every IANA zone from a table generated from tzdata.
 *
 * A rule describes the zone as it is now; instants before the zone's last
 * change of rules get today's rules too. Bookings are in the future, so
 * that is the right trade for a booking core. */
#ifndef CS_ZONE_H
#define CS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    ZONE_RULE_TEXT_MAX = 64,  /* bytes of a POSIX rule string */
    ZONE_NAME_MAX = 64,       /* bytes of an IANA zone name */
};

typedef enum zone_date_kind {
    ZONE_DATE_JULIAN_NO_LEAP = 1, /* Jn: 1-365, February 29 never counted */
    ZONE_DATE_JULIAN_ZERO,        /* n: 0-365, February 29 counted in leap years */
    ZONE_DATE_MONTH_WEEK_DAY,     /* Mm.w.d: month 1-12, week 1-5 (5 = last), weekday 0-6 (0 = Sunday) */
} zone_date_kind;

typedef struct zone_change {
    uint8_t kind;     /* zone_date_kind */
    uint8_t month;
    uint8_t week;
    uint8_t weekday;
    uint16_t day;     /* Jn / n */
    int32_t time_s;   /* local time of the change, seconds after midnight (may be negative or > 24 h, as POSIX.1-2017 extensions allow: -167..167 hours) */
} zone_change;

/* One year's two changes (UTC); daylight time never ends when it lasts a whole year. */
typedef struct zone_year {
    int64_t start_ms;
    int64_t end_ms;
    bool all_daylight;
    bool has_changes;
} zone_year;

enum {
    ZONE_YEARS_FIRST = 1968,  /* the years zone_parse works out ahead: 1968-2135 */
    ZONE_YEARS = 168,
};

typedef struct zone_rule {
    int32_t std_offset_s; /* seconds east of UTC in standard time (POSIX "EST5" -> -18000) */
    int32_t dst_offset_s; /* seconds east of UTC in daylight time */
    bool has_dst;
    zone_change dst_start; /* in local standard time */
    zone_change dst_end;   /* in local daylight time */
    /* Derived from the above by zone_parse, so conversions look them up
     * instead of working them out each time (other years are worked out). */
    bool years_ready;
    int64_t year_starts_ms[ZONE_YEARS + 1]; /* when each year begins, UTC */
    zone_year years[ZONE_YEARS];            /* each year's changes */
    /* The changes of those years in time order, each with whether daylight
     * time holds from it on, so that an instant between them finds its
     * offset by one search (none when some year has no changes). */
    uint32_t transition_count;
    int64_t transition_spacing_ms; /* (last - first) / (count - 1): where to start looking */
    int64_t transitions_ms[2 * ZONE_YEARS];
    bool transition_daylight[2 * ZONE_YEARS];
} zone_rule;

/* Parses a POSIX TZ rule. Returns false if it is not one (or uses a form we
 * do not support, e.g. a rule without transition dates but with DST, which
 * TZif footers never contain). */
bool zone_parse(const char *text, size_t len, zone_rule *rule);

/* Offset from UTC, in seconds east, in effect at `utc_ms`. */
int32_t zone_offset_at(const zone_rule *rule, int64_t utc_ms);

/* The wall-clock reading at `utc_ms`, as local ms. */
int64_t zone_utc_to_local(const zone_rule *rule, int64_t utc_ms);

/* The instant at which the wall clock reads `local_ms`. A reading that does
 * not exist (skipped by a spring-forward) is moved forward by the gap; a
 * reading that happens twice (fall-back) resolves to the earlier instant. */
int64_t zone_local_to_utc(const zone_rule *rule, int64_t local_ms);

/* The current POSIX rule of an IANA zone name ("America/New_York"), or NULL
 * if the name is not in the table. */
const char *zone_rule_for_name(const char *name, size_t len);

/* The name of the table's `index`-th zone (in strcmp order), or NULL past
 * the end, so tests and listings can walk every known zone. */
const char *zone_name_at(size_t index);

#endif
