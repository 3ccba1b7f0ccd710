/* sim_gen.c: choosing each command of a run. */
#include "sim_gen.h"

#include <stdio.h>
#include <string.h>

#include "sim_time.h"

#define GRID_MS (30 * SIM_MINUTE)

static void random_policies(sim_gen *g, sim_setup *s) {
    static const uint32_t ttls[] = {15, 60, 300};
    static const uint32_t offers[] = {5, 30, 90};
    s->hold_ttl_seconds = ttls[sim_rng_below(&g->rng, 3)];
    s->offer_minutes = offers[sim_rng_below(&g->rng, 3)];
    s->waitlist_quiet = sim_rng_chance(&g->rng, 30);
    s->remind_every = sim_rng_chance(&g->rng, 40);
    s->remind_quiet = sim_rng_chance(&g->rng, 40);
    s->no_show_grace_minutes = sim_rng_chance(&g->rng, 70) ? 15 : 0;
}

void sim_gen_init(sim_gen *g, uint64_t seed) {
    memset(g, 0, sizeof *g);
    sim_rng_seed(&g->rng, seed);
    sim_setup *s = &g->setup;
    s->new_york = sim_rng_chance(&g->rng, 50);
    /* An ordinary week, or the days before spring forward (8 March) and fall back (1 November). */
    static const int days[][3] = {{2026, 12, 1}, {2026, 3, 6}, {2026, 10, 30}};
    const int *day = days[sim_rng_below(&g->rng, 3)];
    s->day0_ms = sim_time_from_date(day[0], day[1], day[2]);
    s->lane_capacity = (uint16_t)sim_rng_range(&g->rng, 2, 3);
    s->buffer_minutes = sim_rng_chance(&g->rng, 25) ? 10 : 0;
    s->max_holds = (uint32_t)sim_rng_range(&g->rng, 1, 3);
    s->max_active = sim_rng_chance(&g->rng, 20) ? 4 : 0;
    s->cancel_cutoff_minutes = sim_rng_chance(&g->rng, 30) ? 120 : 0;
    random_policies(g, s);
    g->now_ms = s->day0_ms + 12 * SIM_HOUR;
    g->deadline_ms = -1;
}

void sim_gen_deadline(sim_gen *g, int64_t deadline_ms) { g->deadline_ms = deadline_ms; }

static void fresh_id(sim_gen *g, char *out, char prefix) { snprintf(out, SIM_ID_MAX, "%c%u", prefix, ++g->next_id); }

static void member_id(sim_gen *g, char *out) { snprintf(out, SIM_ID_MAX, "m%u", sim_rng_below(&g->rng, SIM_MEMBERS)); }

/* A start on the grid in the next day, mostly in a few hot hours so
 * members collide; starts the club has closed move to the next morning
 * (local hours taken as UTC-5 for New York: a bias, not a rule). */
static int64_t pick_start(sim_gen *g) {
    int64_t offset_ms = g->setup.new_york ? -5 * SIM_HOUR : 0;
    int64_t base = (g->now_ms / GRID_MS + 1) * GRID_MS;
    int64_t local_hour = ((base + offset_ms) % SIM_DAY + SIM_DAY) % SIM_DAY / SIM_HOUR;
    if ((local_hour < 7 || local_hour >= 20) && sim_rng_chance(&g->rng, 80)) {
        int64_t local_day = ((base + offset_ms) / SIM_DAY + (local_hour >= 20)) * SIM_DAY;
        base = local_day + 8 * SIM_HOUR - offset_ms;
    }
    uint32_t slots = sim_rng_chance(&g->rng, 70) ? 8 : 48;
    return base + GRID_MS * (int64_t)sim_rng_below(&g->rng, slots);
}

static int64_t pick_length(sim_gen *g) {
    static const int64_t minutes[] = {60, 60, 60, 30, 90, 120};
    return minutes[sim_rng_below(&g->rng, 6)] * SIM_MINUTE;
}

/* Who acts on something `owner` has: mostly the owner, else staff, the host or someone else. */
static void pick_actor(sim_gen *g, sim_cmd *c, const char *owner) {
    uint32_t roll = sim_rng_below(&g->rng, 100);
    if (roll < 75) {
        c->actor = SIM_ACTOR_MEMBER;
        snprintf(c->actor_id, sizeof c->actor_id, "%s", owner);
    } else if (roll < 87) {
        c->actor = SIM_ACTOR_STAFF;
        snprintf(c->actor_id, sizeof c->actor_id, "desk");
    } else if (roll < 93) {
        c->actor = SIM_ACTOR_HOST;
    } else {
        c->actor = SIM_ACTOR_MEMBER;
        member_id(g, c->actor_id);
    }
}

/* A reservation the model knows: a live one mostly (holds first when asked), else a recent one. */
static const sim_res *pick_reservation(sim_gen *g, const sim_model *m, bool prefer_held) {
    if (m->res_count == 0) return NULL;
    if (m->live_count > 0 && sim_rng_chance(&g->rng, 80)) {
        uint32_t start = sim_rng_below(&g->rng, m->live_count);
        for (uint32_t i = 0; prefer_held && i < m->live_count; i++) {
            const sim_res *r = &m->res[m->live[(start + i) % m->live_count]];
            if (r->status == SIM_HELD) return r;
        }
        return &m->res[m->live[start]];
    }
    uint32_t back = m->res_count < 40 ? m->res_count : 40;
    return &m->res[m->res_count - 1 - sim_rng_below(&g->rng, back)];
}

static const sim_entry *pick_entry(sim_gen *g, const sim_model *m) {
    if (m->entry_count == 0) return NULL;
    uint32_t back = m->entry_count < 30 ? m->entry_count : 30;
    uint32_t start = sim_rng_below(&g->rng, back);
    for (uint32_t i = 0; sim_rng_chance(&g->rng, 70) && i < back; i++) {
        const sim_entry *e = &m->entries[m->entry_count - 1 - (start + i) % back];
        if (e->state == SIM_OFFERED) return e;
    }
    return &m->entries[m->entry_count - 1 - start];
}

static void gen_new_reservation(sim_gen *g, sim_cmd *c, bool staff) {
    c->op = staff ? SIM_OP_BOOK : SIM_OP_ATTEMPT;
    fresh_id(g, c->new_id, 'r');
    member_id(g, c->member);
    c->court = (int)sim_rng_below(&g->rng, SIM_COURTS);
    c->start_ms = pick_start(g);
    c->end_ms = c->start_ms + pick_length(g);
    c->party = c->court == 2 && sim_rng_chance(&g->rng, 30) ? 2 : 1;
    if (staff) {
        c->actor = sim_rng_chance(&g->rng, 95) ? SIM_ACTOR_STAFF : SIM_ACTOR_HOST;
        snprintf(c->actor_id, sizeof c->actor_id, "desk");
        return;
    }
    uint32_t roll = sim_rng_below(&g->rng, 100);
    c->actor = roll < 85 ? SIM_ACTOR_MEMBER : roll < 95 ? SIM_ACTOR_STAFF : SIM_ACTOR_HOST;
    snprintf(c->actor_id, sizeof c->actor_id, "%s", c->actor == SIM_ACTOR_STAFF ? "desk" : c->member);
    if (sim_rng_chance(&g->rng, 70)) fresh_id(g, c->key, 'k');
}

static void gen_join(sim_gen *g, sim_cmd *c) {
    c->op = SIM_OP_JOIN;
    fresh_id(g, c->new_id, 'w');
    member_id(g, c->member);
    pick_actor(g, c, c->member);
    c->court = sim_rng_chance(&g->rng, 70) ? (int)sim_rng_below(&g->rng, SIM_COURTS) : -1;
    c->start_ms = pick_start(g);
    c->duration_minutes = sim_rng_chance(&g->rng, 75) ? 60 : 30;
    c->end_ms = c->start_ms + SIM_HOUR * (int64_t)sim_rng_range(&g->rng, 1, 4);
    c->party = c->court == 2 && sim_rng_chance(&g->rng, 20) ? 2 : 1;
    c->offer_mode = sim_rng_chance(&g->rng, 50);
}

static void gen_on_reservation(sim_gen *g, const sim_model *m, sim_cmd *c, uint8_t op) {
    const sim_res *r = pick_reservation(g, m, op == SIM_OP_CONFIRM || op == SIM_OP_RELEASE);
    c->op = op;
    if (r == NULL || sim_rng_chance(&g->rng, 2)) {
        fresh_id(g, c->target, 'x'); /* an id nobody has */
        pick_actor(g, c, "m0");
        return;
    }
    snprintf(c->target, sizeof c->target, "%s", r->id);
    pick_actor(g, c, r->member);
    if (op != SIM_OP_RESCHEDULE) return;
    c->expected_version = r->version + (sim_rng_chance(&g->rng, 85) ? 0 : (uint32_t)sim_rng_range(&g->rng, 0, 2) - 1);
    if (c->expected_version == 0) c->expected_version = 1;
    c->court = sim_rng_chance(&g->rng, 30) ? (int)sim_rng_below(&g->rng, SIM_COURTS) : -1;
    c->start_ms = sim_rng_chance(&g->rng, 80) ? r->start_ms + GRID_MS * sim_rng_range(&g->rng, -4, 4) : 0;
    c->end_ms = c->start_ms != 0 && sim_rng_chance(&g->rng, 30) ? c->start_ms + pick_length(g) : 0;
}

static void gen_on_entry(sim_gen *g, const sim_model *m, sim_cmd *c, uint8_t op) {
    const sim_entry *e = pick_entry(g, m);
    c->op = op;
    if (e == NULL) {
        fresh_id(g, c->target, 'x');
        pick_actor(g, c, "m0");
        return;
    }
    snprintf(c->target, sizeof c->target, "%s", e->id);
    pick_actor(g, c, e->member);
}

/* A retry of a recent command: the host gives it a fresh id, the client
 * keeps its idempotency key; it may carry its old `now` (it arrives late). */
static bool gen_retry(sim_gen *g, sim_cmd *c) {
    if (g->recent_count == 0) return false;
    uint32_t n = g->recent_count < SIM_RECENT ? g->recent_count : SIM_RECENT;
    *c = g->recent[(g->recent_count - 1 - sim_rng_below(&g->rng, n)) % SIM_RECENT];
    c->retry = true;
    if (c->new_id[0] != '\0') fresh_id(g, c->new_id, c->op == SIM_OP_JOIN ? 'w' : 'r');
    return true;
}

static void advance_clock(sim_gen *g) {
    uint32_t roll = sim_rng_below(&g->rng, 100);
    if (roll < 60) g->now_ms += sim_rng_range(&g->rng, 1, 3000);
    else if (roll < 75) return; /* a stall: the same instant again */
    else if (roll < 94) g->now_ms += sim_rng_range(&g->rng, 1, 20) * SIM_MINUTE + sim_rng_range(&g->rng, 0, 999);
    else if (roll < 99) g->now_ms += sim_rng_range(&g->rng, 1, 6) * SIM_HOUR;
    else g->now_ms += sim_rng_range(&g->rng, 1, 2) * SIM_DAY;
}

void sim_gen_next(sim_gen *g, const sim_model *m, sim_cmd *c) {
    memset(c, 0, sizeof *c);
    c->court = -1;
    c->party = 1;
    if (!m->configured || sim_rng_chance(&g->rng, 1)) {
        if (m->configured) random_policies(g, &g->setup);
        c->op = SIM_OP_CONFIGURE;
        c->setup = g->setup;
        c->actor = sim_rng_chance(&g->rng, 50) ? SIM_ACTOR_STAFF : SIM_ACTOR_HOST;
        snprintf(c->actor_id, sizeof c->actor_id, "desk");
        c->now_ms = g->now_ms;
        return;
    }
    if (g->deadline_ms > g->now_ms && sim_rng_chance(&g->rng, 6)) {
        /* The alarm fires at the deadline, on time or a little late. */
        g->now_ms = g->deadline_ms + (sim_rng_chance(&g->rng, 50) ? 0 : sim_rng_range(&g->rng, 1, 5000));
        c->op = SIM_OP_TICK;
        c->now_ms = g->now_ms;
        return;
    }
    advance_clock(g);
    uint32_t roll = sim_rng_below(&g->rng, 100);
    if (roll < 10 && gen_retry(g, c)) {
        if (sim_rng_chance(&g->rng, 50)) c->now_ms = g->now_ms;
        return;
    }
    c->now_ms = g->now_ms;
    if (roll < 35) gen_new_reservation(g, c, false);
    else if (roll < 49) gen_on_reservation(g, m, c, SIM_OP_CONFIRM);
    else if (roll < 53) gen_on_reservation(g, m, c, SIM_OP_RELEASE);
    else if (roll < 60) gen_on_reservation(g, m, c, SIM_OP_CANCEL);
    else if (roll < 65) gen_on_reservation(g, m, c, SIM_OP_RESCHEDULE);
    else if (roll < 71) gen_new_reservation(g, c, true);
    else if (roll < 73) gen_on_reservation(g, m, c, SIM_OP_GET);
    else if (roll < 80) gen_join(g, c);
    else if (roll < 84) gen_on_entry(g, m, c, SIM_OP_ACCEPT);
    else if (roll < 87) gen_on_entry(g, m, c, SIM_OP_DECLINE);
    else if (roll < 89) gen_on_entry(g, m, c, SIM_OP_LEAVE);
    else if (roll < 94) gen_on_reservation(g, m, c, SIM_OP_CHECKIN);
    else c->op = SIM_OP_TICK;
    if (c->op != SIM_OP_TICK && c->op != SIM_OP_GET) g->recent[g->recent_count++ % SIM_RECENT] = *c;
}
