/* day_text.c: the text of court-days as availability last wrote them,
 * each a court's object with its slots. A live board reads the same days
 * over and over, and a change touches one court of one day, so most of a
 * day read again is text written before. Each kept text is stored with
 * everything it is a function of: the day, the configuration (counted by
 * the facility's config_changes: the court's id and capacity, the buffer,
 * the opening hours and grid, the zone), and the court's live
 * reservations, which the place index stands for with a stamp of the
 * periods they may start in (index_place_stamp: it grows whenever one of
 * them joins, leaves or changes). So a kept text is found only when
 * writing it again would give the same bytes, without reading the
 * reservations; debug builds write every court-day anyway and check the
 * kept text against it. (A court-day that a block touches is never asked
 * for: availability keys blocks out.)
 *
 * Fixed sizes: CS_DAY_TEXTS entries, two places per court-day by hash
 * (a court-day written again takes its own place, a new one the older of
 * the two), and their texts in CS_DAY_TEXT_BYTES used as a ring: an entry
 * is good until the ring has come round over its bytes. All of it is
 * derived: never in a snapshot, empty after init or restore, and no output
 * depends on what it holds. */
#include <string.h>

#include "core.h"

_Static_assert((CS_DAY_TEXTS & (CS_DAY_TEXTS - 1)) == 0, "the entries are a power of two");

enum { ENTRY_BYTES_MAX = CS_DAY_TEXT_BYTES / 8 };

/* The first of the court-day's two places; the other is the next. */
static uint32_t place_of(const day_text_key *key) {
    uint64_t h = ((uint64_t)key->local_day << 8 | key->court) * 0x9E3779B97F4A7C15u;
    return (uint32_t)(h >> 40) & (CS_DAY_TEXTS - 2);
}

static bool is_good(const cs_facility *f, const cs_day_text *t) {
    return t->len != 0 && f->day_text_end - t->at <= CS_DAY_TEXT_BYTES; /* not empty, not written over */
}

/* Whether `t` holds a good text of the key's court-day (for any of its states). */
static bool holds(const cs_facility *f, const cs_day_text *t, const day_text_key *key) {
    return is_good(f, t) && t->local_day == key->local_day && t->court == key->court;
}

static bool same_key(const cs_facility *f, const cs_day_text *t, const day_text_key *key) {
    return holds(f, t, key) && t->stamp == key->stamp && t->config_changes == key->config_changes &&
           t->starts_from_ms == key->starts_from_ms && t->starts_to_ms == key->starts_to_ms;
}

const char *day_text_find(const cs_facility *f, const day_text_key *key, size_t *len) {
    const cs_day_text *t = &f->day_texts[place_of(key)];
    if (!same_key(f, t, key) && !same_key(f, ++t, key)) return NULL;
    *len = t->len;
    return &f->day_text_bytes[t->at % CS_DAY_TEXT_BYTES];
}

void day_text_keep(cs_facility *f, const day_text_key *key, const char *text, size_t len) {
    if (len == 0 || len > ENTRY_BYTES_MAX) return;
    uint64_t at = f->day_text_end;
    if (at % CS_DAY_TEXT_BYTES + len > CS_DAY_TEXT_BYTES) at += CS_DAY_TEXT_BYTES - at % CS_DAY_TEXT_BYTES;
    f->day_text_end = at + len;
    memcpy(&f->day_text_bytes[at % CS_DAY_TEXT_BYTES], text, len);
    cs_day_text *t = &f->day_texts[place_of(key)], *other = t + 1;
    /* The court-day's own place, else an empty or written-over one, else the older. */
    if (holds(f, other, key) || (!holds(f, t, key) && (!is_good(f, other) || (is_good(f, t) && other->at < t->at)))) t = other;
    *t = (cs_day_text){.local_day = key->local_day,
                       .court = key->court,
                       .len = (uint32_t)len,
                       .at = at,
                       .config_changes = key->config_changes,
                       .starts_from_ms = key->starts_from_ms,
                       .starts_to_ms = key->starts_to_ms,
                       .stamp = key->stamp};
}
