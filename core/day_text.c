/* day_text.c: the text of court-days' slots as availability last wrote
 * them. A live board reads the same days over and over, and a change
 * touches one court of one day, so most of a day read again is text
 * written before. Each kept text is stored with everything it is a
 * function of (the day's grid, the court's capacity, and the spans of the
 * reservations on it, compared exactly), so a kept text is found only
 * when writing it again would give the same bytes: nothing has to tell
 * this file that a reservation, a block or the configuration changed. (A
 * court-day that a block touches is never asked for: availability keys
 * blocks out.)
 *
 * Fixed sizes: CS_DAY_TEXTS entries, two places per court-day by hash
 * (a court-day written again takes its own place, a new one the older of
 * the two), and their spans and texts
 * in CS_DAY_TEXT_BYTES used as a ring: an entry is good until the ring has
 * come round over its bytes. All of it is derived: never in a snapshot,
 * empty after init or restore, and no output depends on what it holds. */
#include <string.h>

#include "core.h"

_Static_assert((CS_DAY_TEXTS & (CS_DAY_TEXTS - 1)) == 0, "the entries are a power of two");

enum { SPAN_WORDS = 3, ENTRY_BYTES_MAX = CS_DAY_TEXT_BYTES / 8 };
_Static_assert(CS_DAY_TEXT_BYTES % 8 == 0, "the ring is whole words");

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

/* A span as the ring keeps it, in words: from, to, and places with confirmed. */
static void put_span(uint64_t *out, const reservation_span *s) {
    out[0] = (uint64_t)s->from_ms;
    out[1] = (uint64_t)s->to_ms;
    out[2] = (uint64_t)s->places << 1 | s->confirmed;
}

static bool same_span(const uint64_t *kept, const reservation_span *s) {
    return kept[0] == (uint64_t)s->from_ms && kept[1] == (uint64_t)s->to_ms &&
           kept[2] == ((uint64_t)s->places << 1 | s->confirmed);
}

/* The first word of what the entry keeps. */
static const uint64_t *kept_words(const cs_facility *f, const cs_day_text *t) {
    return &f->day_text_words[t->at % CS_DAY_TEXT_BYTES / 8];
}

static bool same_key(const cs_facility *f, const cs_day_text *t, const day_text_key *key) {
    if (!holds(f, t, key)) return false;
    if (t->capacity != key->capacity || t->range_count != key->range_count || t->step_ms != key->step_ms ||
        t->span_count != key->span_count)
        return false;
    for (uint32_t i = 0; i < key->range_count; i++) {
        if (t->open_ms[i] != key->open_ms[i] || t->range_slots[i] != key->range_slots[i]) return false;
    }
    const uint64_t *kept = kept_words(f, t);
    for (uint32_t i = 0; i < key->span_count; i++) {
        if (!same_span(kept + (size_t)i * SPAN_WORDS, &key->spans[i])) return false;
    }
    return true;
}

const char *day_text_find(const cs_facility *f, const day_text_key *key, size_t *len) {
    const cs_day_text *t = &f->day_texts[place_of(key)];
    if (!same_key(f, t, key) && !same_key(f, ++t, key)) return NULL;
    *len = t->len;
    return (const char *)(kept_words(f, t) + (size_t)t->span_count * SPAN_WORDS);
}

void day_text_keep(cs_facility *f, const day_text_key *key, const char *text, size_t len) {
    CS_ASSERT(key->range_count <= CS_RANGES_PER_DAY_MAX);
    size_t size = ((size_t)key->span_count * SPAN_WORDS * 8 + len + 7) & ~(size_t)7;
    if (len == 0 || size > ENTRY_BYTES_MAX) return;
    uint64_t at = f->day_text_end;
    if (at % CS_DAY_TEXT_BYTES + size > CS_DAY_TEXT_BYTES) at += CS_DAY_TEXT_BYTES - at % CS_DAY_TEXT_BYTES;
    f->day_text_end = at + size;
    uint64_t *out = &f->day_text_words[at % CS_DAY_TEXT_BYTES / 8];
    for (uint32_t i = 0; i < key->span_count; i++) put_span(out + (size_t)i * SPAN_WORDS, &key->spans[i]);
    memcpy(out + (size_t)key->span_count * SPAN_WORDS, text, len);
    cs_day_text *t = &f->day_texts[place_of(key)], *other = t + 1;
    /* The court-day's own place, else an empty or written-over one, else the older. */
    if (holds(f, other, key) || (!holds(f, t, key) && (!is_good(f, other) || (is_good(f, t) && other->at < t->at)))) t = other;
    *t = (cs_day_text){.local_day = key->local_day,
                       .court = key->court,
                       .at = at,
                       .len = (uint32_t)len,
                       .span_count = key->span_count,
                       .capacity = key->capacity,
                       .range_count = key->range_count,
                       .step_ms = key->step_ms};
    for (uint32_t i = 0; i < key->range_count; i++) {
        t->open_ms[i] = key->open_ms[i];
        t->range_slots[i] = key->range_slots[i];
    }
}
