/* snapshot.c: writing and reading the facility's durable state in the
 * explicit little-endian format of snapshot.h, and its FNV-1a hash. */
#include "snapshot.h"

#include <string.h>

#include "core.h"

#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)

/* Appends bytes to `buf` (when not NULL and they fit) and folds them into
 * the hash; `len` counts them all, so len > cap means it did not fit. */
typedef struct snap_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    uint64_t hash;
} snap_writer;

static void put_bytes(snap_writer *w, const void *data, size_t n) {
    const uint8_t *bytes = data;
    for (size_t i = 0; i < n; i++) w->hash = (w->hash ^ bytes[i]) * FNV_PRIME;
    if (w->buf != NULL && w->len <= w->cap && n <= w->cap - w->len) memcpy(w->buf + w->len, bytes, n);
    w->len += n;
}

static void put_uint(snap_writer *w, uint64_t value, size_t width) {
    uint8_t bytes[8];
    for (size_t i = 0; i < width; i++) bytes[i] = (uint8_t)(value >> (8 * i));
    put_bytes(w, bytes, width);
}

static void put_u8(snap_writer *w, uint8_t v) { put_uint(w, v, 1); }
static void put_u16(snap_writer *w, uint16_t v) { put_uint(w, v, 2); }
static void put_u32(snap_writer *w, uint32_t v) { put_uint(w, v, 4); }
static void put_i64(snap_writer *w, int64_t v) { put_uint(w, (uint64_t)v, 8); }

static void put_str(snap_writer *w, const char *text) {
    size_t n = strlen(text);
    CS_ASSERT(n <= 255);
    put_u8(w, (uint8_t)n);
    put_bytes(w, text, n);
}

static void put_rules(snap_writer *w, const cs_rules *r) {
    put_u16(w, r->window_days);
    put_u16(w, (uint16_t)r->window_opens_minute);
    put_u32(w, r->min_notice_minutes);
    put_u16(w, r->max_active);
    put_u16(w, r->max_per_day);
    put_u32(w, r->cancel_cutoff_minutes);
}

static void put_reminder_rules(snap_writer *w, const cs_reminder_rules *rules) {
    put_u8(w, rules->policy);
    put_u8(w, rules->offset_count);
    for (uint32_t i = 0; i < CS_REMINDER_OFFSETS_MAX; i++) put_u32(w, rules->offsets_minutes[i]);
    put_u32(w, rules->every_minutes);
    put_u16(w, (uint16_t)rules->quiet.start_minute);
    put_u16(w, (uint16_t)rules->quiet.end_minute);
    put_u32(w, rules->no_show_grace_minutes);
}

static void put_pricing(snap_writer *w, const cs_pricing *p) {
    put_u8(w, p->price_count);
    put_str(w, p->currency);
    for (uint32_t i = 0; i < p->price_count; i++) {
        put_str(w, p->prices[i].court_type);
        put_u16(w, p->prices[i].duration_minutes);
        put_u32(w, p->prices[i].amount);
        put_u32(w, p->prices[i].peak_amount);
    }
    put_u16(w, (uint16_t)p->peak.start_minute);
    put_u16(w, (uint16_t)p->peak.end_minute);
    put_u8(w, p->peak_days);
    put_u8(w, p->free_tiers);
    put_u16(w, p->payment_window_minutes);
}

static void put_config(snap_writer *w, const cs_config *c) {
    put_u8(w, c->configured);
    put_str(w, c->facility_id);
    put_str(w, c->name);
    put_str(w, c->time_zone);
    put_str(w, c->tz_rule);
    put_u8(w, c->court_count);
    for (uint32_t i = 0; i < c->court_count; i++) {
        put_str(w, c->courts[i].id);
        put_str(w, c->courts[i].name);
        put_u16(w, c->courts[i].capacity);
        put_str(w, c->courts[i].type);
    }
    for (uint32_t day = 0; day < 7; day++) {
        put_u8(w, c->range_count[day]);
        for (uint32_t i = 0; i < c->range_count[day]; i++) {
            put_u16(w, (uint16_t)c->ranges[day][i].open_minute);
            put_u16(w, (uint16_t)c->ranges[day][i].close_minute);
        }
    }
    put_u16(w, c->grid_minutes);
    put_u8(w, c->duration_count);
    for (uint32_t i = 0; i < c->duration_count; i++) put_u16(w, c->durations_minutes[i]);
    put_u32(w, c->hold_ttl_ms);
    put_u16(w, c->buffer_minutes);
    put_u16(w, c->max_holds);
    put_u32(w, c->waitlist.offer_minutes);
    put_u16(w, c->waitlist.max_per_member);
    put_u16(w, c->waitlist.max_per_window);
    put_u16(w, (uint16_t)c->waitlist.quiet.start_minute);
    put_u16(w, (uint16_t)c->waitlist.quiet.end_minute);
    put_u32(w, c->waitlist.quiet_bypass_minutes);
    put_reminder_rules(w, &c->reminders);
    put_rules(w, &c->rules);
    put_u8(w, c->tier_count);
    for (uint32_t i = 0; i < c->tier_count; i++) {
        put_str(w, c->tiers[i].name);
        put_u32(w, (uint32_t)c->tiers[i].priority);
        put_rules(w, &c->tiers[i].rules);
    }
    put_pricing(w, &c->pricing);
}

static void put_tables(snap_writer *w, const cs_facility *f) {
    put_u32(w, f->reservation_count);
    for (uint32_t i = 0; i < CS_RESERVATIONS_MAX; i++) {
        const cs_reservation *r = &f->reservations[i];
        if (!r->in_use) continue;
        put_u32(w, i);
        put_u8(w, r->status);
        put_u8(w, r->court);
        put_u16(w, r->party_size);
        put_u32(w, r->version);
        put_i64(w, r->start_ms);
        put_i64(w, r->end_ms);
        put_i64(w, r->hold_expiry_ms);
        put_i64(w, r->created_ms);
        put_i64(w, r->updated_ms);
        put_u16(w, r->offer_entry);
        put_u8(w, r->checked_in);
        put_u8(w, r->reminders_sent);
        put_u16(w, r->reminder_first);
        put_i64(w, r->planned_ms);
        put_reminder_rules(w, &r->plan);
        put_u8(w, r->payment);
        put_u32(w, r->amount);
        put_i64(w, r->pay_by_ms);
        put_str(w, r->id);
        put_str(w, r->member_id);
        put_str(w, r->payment_id);
    }
    put_u32(w, f->idempotency_count);
    for (uint32_t i = 0; i < CS_IDEMPOTENCY_KEYS_MAX; i++) {
        const cs_idempotency_key *k = &f->idempotency[i];
        if (!k->in_use) continue;
        put_u32(w, i);
        put_u8(w, k->court);
        put_i64(w, k->created_ms);
        put_i64(w, k->start_ms);
        put_i64(w, k->end_ms);
        put_i64(w, k->hold_expiry_ms);
        put_str(w, k->key);
        put_str(w, k->member_id);
        put_str(w, k->reservation_id);
    }
    put_u32(w, f->member_count);
    for (uint32_t i = 0; i < CS_MEMBERS_MAX; i++) {
        const cs_member *m = &f->members[i];
        if (!m->in_use) continue;
        put_u32(w, i);
        put_u8(w, m->tier);
        put_u32(w, m->late_cancellations);
        put_u32(w, m->no_shows);
        put_str(w, m->id);
    }
    put_u32(w, f->block_count);
    for (uint32_t i = 0; i < CS_BLOCKS_MAX; i++) {
        const cs_block *b = &f->blocks[i];
        if (!b->in_use) continue;
        put_u32(w, i);
        put_u8(w, b->court);
        put_i64(w, b->start_ms);
        put_i64(w, b->end_ms);
        put_str(w, b->id);
        put_str(w, b->reason);
    }
}

static void put_entries(snap_writer *w, const cs_facility *f) {
    const cs_waitlist_metrics *m = &f->waitlist_metrics;
    uint32_t counts[] = {m->joined, m->auto_booked, m->offered, m->accepted, m->declined, m->offers_expired, m->no_match};
    for (uint32_t i = 0; i < sizeof counts / sizeof counts[0]; i++) put_u32(w, counts[i]);
    put_uint(w, f->entry_sequence, 8);
    put_i64(w, f->waitlist_retry_ms);
    put_u32(w, f->entry_count);
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) {
        const cs_entry *e = &f->entries[i];
        if (!e->in_use) continue;
        put_u32(w, i);
        put_u8(w, e->state);
        put_u8(w, e->mode);
        put_u8(w, e->court);
        put_u16(w, e->party_size);
        put_u16(w, e->duration_minutes);
        put_u16(w, e->served);
        put_u8(w, e->offered_count);
        put_uint(w, e->sequence, 8);
        put_i64(w, e->earliest_start_ms);
        put_i64(w, e->latest_end_ms);
        put_i64(w, e->preferred_start_ms);
        put_i64(w, e->created_ms);
        put_i64(w, e->updated_ms);
        for (uint32_t k = 0; k < CS_OFFERED_MAX; k++) {
            put_u8(w, e->offered[k].court);
            put_i64(w, e->offered[k].start_ms);
        }
        put_str(w, e->id);
        put_str(w, e->member_id);
        put_str(w, e->reservation_id);
    }
}

static void put_state(snap_writer *w, const cs_facility *f) {
    put_bytes(w, "CSNP", 4);
    put_u32(w, CS_SNAPSHOT_VERSION);
    put_uint(w, f->seq, 8);
    put_i64(w, f->now_ms);
    put_config(w, &f->config);
    put_tables(w, f);
    put_entries(w, f);
}

size_t cs_config_encode(const cs_config *c, uint8_t *out, size_t cap) {
    CS_ASSERT(cap >= CS_SNAPSHOT_CONFIG_MAX);
    snap_writer w = {.buf = out, .cap = cap, .hash = FNV_OFFSET};
    put_config(&w, c);
    CS_ASSERT(w.len <= cap); /* 64 courts, 8 tiers: far below */
    return w.len;
}

size_t cs_snapshot(const cs_facility *f, uint8_t *out, size_t cap) {
    CS_ASSERT(cap >= CS_SNAPSHOT_CONFIG_MAX);
    snap_writer w = {.buf = out, .cap = cap, .hash = FNV_OFFSET};
    put_state(&w, f);
    return w.len <= cap ? w.len : 0;
}

uint64_t cs_state_hash(const cs_facility *f) {
    snap_writer w = {.buf = NULL, .hash = FNV_OFFSET};
    put_state(&w, f);
    return w.hash;
}

/* Reading: every read checks the bounds; the first failure sticks. */
typedef struct snap_reader {
    const uint8_t *in;
    size_t len;
    size_t at;
    bool ok;
} snap_reader;

static uint64_t get_uint(snap_reader *r, size_t width) {
    uint64_t value = 0;
    if (!r->ok || r->len - r->at < width) {
        r->ok = false;
        return 0;
    }
    for (size_t i = 0; i < width; i++) value |= (uint64_t)r->in[r->at + i] << (8 * i);
    r->at += width;
    return value;
}

static uint8_t get_u8(snap_reader *r) { return (uint8_t)get_uint(r, 1); }
static uint16_t get_u16(snap_reader *r) { return (uint16_t)get_uint(r, 2); }
static uint32_t get_u32(snap_reader *r) { return (uint32_t)get_uint(r, 4); }
static int64_t get_i64(snap_reader *r) { return (int64_t)get_uint(r, 8); }

/* A string of at most `max` bytes into `out` (max + 1 bytes). */
static void get_str(snap_reader *r, char *out, size_t max) {
    size_t n = get_u8(r);
    if (!r->ok || n > max || r->len - r->at < n || memchr(r->in + r->at, 0, n) != NULL) {
        r->ok = false;
        out[0] = '\0';
        return;
    }
    memcpy(out, r->in + r->at, n);
    out[n] = '\0';
    r->at += n;
}

static void check(snap_reader *r, bool condition) { r->ok = r->ok && condition; }

static void get_rules(snap_reader *r, cs_rules *rules) {
    rules->window_days = get_u16(r);
    rules->window_opens_minute = (int16_t)get_u16(r);
    rules->min_notice_minutes = get_u32(r);
    rules->max_active = get_u16(r);
    rules->max_per_day = get_u16(r);
    rules->cancel_cutoff_minutes = get_u32(r);
}

static void get_reminder_rules(snap_reader *r, cs_reminder_rules *rules) {
    rules->policy = get_u8(r);
    rules->offset_count = get_u8(r);
    check(r, rules->policy <= CS_REMIND_INTERVAL && rules->offset_count <= CS_REMINDER_OFFSETS_MAX);
    for (uint32_t i = 0; i < CS_REMINDER_OFFSETS_MAX; i++) rules->offsets_minutes[i] = get_u32(r);
    rules->every_minutes = get_u32(r);
    rules->quiet.start_minute = (int16_t)get_u16(r);
    rules->quiet.end_minute = (int16_t)get_u16(r);
    rules->no_show_grace_minutes = get_u32(r);
    check(r, rules->policy != CS_REMIND_INTERVAL || rules->every_minutes > 0);
}

static void get_pricing(snap_reader *r, cs_pricing *p) {
    p->price_count = get_u8(r);
    check(r, p->price_count <= CS_PRICES_MAX);
    get_str(r, p->currency, 3);
    for (uint32_t i = 0; r->ok && i < p->price_count; i++) {
        get_str(r, p->prices[i].court_type, CS_ID_MAX);
        p->prices[i].duration_minutes = get_u16(r);
        p->prices[i].amount = get_u32(r);
        p->prices[i].peak_amount = get_u32(r);
    }
    p->peak.start_minute = (int16_t)get_u16(r);
    p->peak.end_minute = (int16_t)get_u16(r);
    p->peak_days = get_u8(r);
    p->free_tiers = get_u8(r);
    p->payment_window_minutes = get_u16(r);
}

static void get_config(snap_reader *r, cs_config *c) {
    c->configured = get_u8(r) != 0;
    get_str(r, c->facility_id, CS_FACILITY_ID_MAX);
    get_str(r, c->name, CS_NAME_MAX);
    get_str(r, c->time_zone, ZONE_NAME_MAX - 1);
    get_str(r, c->tz_rule, ZONE_RULE_TEXT_MAX);
    if (c->configured) check(r, zone_parse(c->tz_rule, strlen(c->tz_rule), &c->zone));
    c->court_count = get_u8(r);
    check(r, c->court_count <= CS_COURTS_MAX);
    for (uint32_t i = 0; r->ok && i < c->court_count; i++) {
        get_str(r, c->courts[i].id, CS_ID_MAX);
        get_str(r, c->courts[i].name, CS_NAME_MAX);
        c->courts[i].capacity = get_u16(r);
        get_str(r, c->courts[i].type, CS_ID_MAX);
    }
    for (uint32_t day = 0; r->ok && day < 7; day++) {
        c->range_count[day] = get_u8(r);
        check(r, c->range_count[day] <= CS_RANGES_PER_DAY_MAX);
        for (uint32_t i = 0; r->ok && i < c->range_count[day]; i++) {
            c->ranges[day][i].open_minute = (int16_t)get_u16(r);
            c->ranges[day][i].close_minute = (int16_t)get_u16(r);
        }
    }
    c->grid_minutes = get_u16(r);
    check(r, !c->configured || (c->grid_minutes >= CS_GRID_MINUTES_MIN && c->grid_minutes <= CS_GRID_MINUTES_MAX));
    c->duration_count = get_u8(r);
    check(r, c->duration_count <= CS_DURATIONS_MAX);
    for (uint32_t i = 0; r->ok && i < c->duration_count; i++) c->durations_minutes[i] = get_u16(r);
    c->hold_ttl_ms = get_u32(r);
    c->buffer_minutes = get_u16(r);
    c->max_holds = get_u16(r);
    c->waitlist.offer_minutes = get_u32(r);
    c->waitlist.max_per_member = get_u16(r);
    c->waitlist.max_per_window = get_u16(r);
    c->waitlist.quiet.start_minute = (int16_t)get_u16(r);
    c->waitlist.quiet.end_minute = (int16_t)get_u16(r);
    c->waitlist.quiet_bypass_minutes = get_u32(r);
    get_reminder_rules(r, &c->reminders);
    get_rules(r, &c->rules);
    c->tier_count = get_u8(r);
    check(r, c->tier_count <= CS_TIERS_MAX);
    for (uint32_t i = 0; r->ok && i < c->tier_count; i++) {
        get_str(r, c->tiers[i].name, CS_ID_MAX);
        c->tiers[i].priority = (int32_t)get_u32(r);
        get_rules(r, &c->tiers[i].rules);
    }
    get_pricing(r, &c->pricing);
}

static void get_reservations(snap_reader *r, cs_facility *f) {
    f->reservation_count = get_u32(r);
    check(r, f->reservation_count <= CS_RESERVATIONS_MAX);
    for (uint32_t n = 0; r->ok && n < f->reservation_count; n++) {
        uint32_t row = get_u32(r);
        check(r, row < CS_RESERVATIONS_MAX && !f->reservations[row % CS_RESERVATIONS_MAX].in_use);
        if (!r->ok) return;
        cs_reservation *res = &f->reservations[row];
        res->in_use = true;
        if (row >= f->reservation_rows_end) f->reservation_rows_end = row + 1;
        res->status = get_u8(r);
        res->court = get_u8(r);
        res->party_size = get_u16(r);
        res->version = get_u32(r);
        res->start_ms = get_i64(r);
        res->end_ms = get_i64(r);
        res->hold_expiry_ms = get_i64(r);
        res->created_ms = get_i64(r);
        res->updated_ms = get_i64(r);
        res->offer_entry = get_u16(r);
        res->checked_in = get_u8(r) != 0;
        res->reminders_sent = get_u8(r);
        res->reminder_first = get_u16(r);
        res->planned_ms = get_i64(r);
        get_reminder_rules(r, &res->plan);
        res->payment = get_u8(r);
        res->amount = get_u32(r);
        res->pay_by_ms = get_i64(r);
        get_str(r, res->id, CS_ID_MAX);
        get_str(r, res->member_id, CS_ID_MAX);
        get_str(r, res->payment_id, CS_ID_MAX);
        check(r, res->status >= CS_HELD && res->status <= CS_NO_SHOW && res->court < f->config.court_count &&
                     res->start_ms < res->end_ms && res->payment <= CS_PAY_REFUNDED);
    }
}

static void get_keys(snap_reader *r, cs_facility *f) {
    f->idempotency_count = get_u32(r);
    check(r, f->idempotency_count <= CS_IDEMPOTENCY_KEYS_MAX);
    for (uint32_t n = 0; r->ok && n < f->idempotency_count; n++) {
        uint32_t row = get_u32(r);
        check(r, row < CS_IDEMPOTENCY_KEYS_MAX && !f->idempotency[row % CS_IDEMPOTENCY_KEYS_MAX].in_use);
        if (!r->ok) return;
        cs_idempotency_key *k = &f->idempotency[row];
        k->in_use = true;
        if (row >= f->idempotency_rows_end) f->idempotency_rows_end = row + 1;
        k->court = get_u8(r);
        k->created_ms = get_i64(r);
        k->start_ms = get_i64(r);
        k->end_ms = get_i64(r);
        k->hold_expiry_ms = get_i64(r);
        get_str(r, k->key, CS_ID_MAX);
        get_str(r, k->member_id, CS_ID_MAX);
        get_str(r, k->reservation_id, CS_ID_MAX);
        check(r, k->court < f->config.court_count);
    }
}

static void get_members(snap_reader *r, cs_facility *f) {
    f->member_count = get_u32(r);
    check(r, f->member_count <= CS_MEMBERS_MAX);
    for (uint32_t n = 0; r->ok && n < f->member_count; n++) {
        uint32_t row = get_u32(r);
        check(r, row < CS_MEMBERS_MAX && !f->members[row % CS_MEMBERS_MAX].in_use);
        if (!r->ok) return;
        cs_member *m = &f->members[row];
        m->in_use = true;
        if (row >= f->member_rows_end) f->member_rows_end = row + 1;
        m->tier = get_u8(r);
        m->late_cancellations = get_u32(r);
        m->no_shows = get_u32(r);
        get_str(r, m->id, CS_ID_MAX);
        check(r, m->tier <= f->config.tier_count);
    }
}

static void get_blocks(snap_reader *r, cs_facility *f) {
    f->block_count = get_u32(r);
    check(r, f->block_count <= CS_BLOCKS_MAX);
    for (uint32_t n = 0; r->ok && n < f->block_count; n++) {
        uint32_t row = get_u32(r);
        check(r, row < CS_BLOCKS_MAX && !f->blocks[row % CS_BLOCKS_MAX].in_use);
        if (!r->ok) return;
        cs_block *b = &f->blocks[row];
        b->in_use = true;
        b->court = get_u8(r);
        b->start_ms = get_i64(r);
        b->end_ms = get_i64(r);
        get_str(r, b->id, CS_ID_MAX);
        get_str(r, b->reason, CS_REASON_MAX);
        check(r, (b->court < f->config.court_count || b->court == CS_ALL_COURTS) && b->start_ms < b->end_ms);
    }
}

static void get_entries(snap_reader *r, cs_facility *f) {
    cs_waitlist_metrics *m = &f->waitlist_metrics;
    uint32_t *counts[] = {&m->joined, &m->auto_booked, &m->offered, &m->accepted, &m->declined, &m->offers_expired, &m->no_match};
    for (uint32_t i = 0; i < sizeof counts / sizeof counts[0]; i++) *counts[i] = get_u32(r);
    f->entry_sequence = get_uint(r, 8);
    f->waitlist_retry_ms = get_i64(r);
    f->entry_count = get_u32(r);
    check(r, f->entry_count <= CS_WAITLIST_MAX);
    for (uint32_t n = 0; r->ok && n < f->entry_count; n++) {
        uint32_t row = get_u32(r);
        check(r, row < CS_WAITLIST_MAX && !f->entries[row % CS_WAITLIST_MAX].in_use);
        if (!r->ok) return;
        cs_entry *e = &f->entries[row];
        e->in_use = true;
        e->state = get_u8(r);
        e->mode = get_u8(r);
        e->court = get_u8(r);
        e->party_size = get_u16(r);
        e->duration_minutes = get_u16(r);
        e->served = get_u16(r);
        e->offered_count = get_u8(r);
        e->sequence = get_uint(r, 8);
        e->earliest_start_ms = get_i64(r);
        e->latest_end_ms = get_i64(r);
        e->preferred_start_ms = get_i64(r);
        e->created_ms = get_i64(r);
        e->updated_ms = get_i64(r);
        for (uint32_t k = 0; k < CS_OFFERED_MAX; k++) {
            e->offered[k].court = get_u8(r);
            e->offered[k].start_ms = get_i64(r);
        }
        get_str(r, e->id, CS_ID_MAX);
        get_str(r, e->member_id, CS_ID_MAX);
        get_str(r, e->reservation_id, CS_ID_MAX);
        check(r, e->state >= CS_ENTRY_WAITING && e->state <= CS_ENTRY_EXPIRED && e->mode >= CS_MODE_AUTO_BOOK &&
                     e->mode <= CS_MODE_OFFER && (e->court < f->config.court_count || e->court == CS_ALL_COURTS));
    }
}

bool cs_restore(cs_facility *f, const uint8_t *in, size_t length) {
    snap_reader r = {.in = in, .len = length, .at = 0, .ok = true};
    cs_facility_init(f);
    check(&r, length >= 8 && memcmp(in, "CSNP", 4) == 0);
    r.at = 4;
    check(&r, get_u32(&r) == CS_SNAPSHOT_VERSION);
    f->seq = get_uint(&r, 8);
    f->now_ms = get_i64(&r);
    get_config(&r, &f->config);
    get_reservations(&r, f);
    get_keys(&r, f);
    get_members(&r, f);
    get_blocks(&r, f);
    get_entries(&r, f);
    for (uint32_t i = 0; r.ok && i < CS_RESERVATIONS_MAX; i++) {
        const cs_reservation *res = &f->reservations[i];
        check(&r, !res->in_use || res->offer_entry == 0 ||
                      (res->offer_entry <= CS_WAITLIST_MAX && f->entries[res->offer_entry - 1].in_use));
    }
    check(&r, r.at == length);
    for (uint32_t i = 0; r.ok && i < CS_RESERVATIONS_MAX; i++) {
        if (f->reservations[i].in_use) reminders_refresh(f, &f->reservations[i]); /* derived, not stored */
    }
    if (r.ok) reservation_rebuild(f); /* derived, not stored */
    if (r.ok) idempotency_rebuild_index(f);
    if (!r.ok) cs_facility_init(f);
    return r.ok;
}
