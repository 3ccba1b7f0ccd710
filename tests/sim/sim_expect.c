/* sim_expect.c: each reply against what the reference model, as it was
 * before the step, says it must be. Where the model cannot know (the club's
 * rules, history the core may already have forgotten) it accepts either. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim_audit.h"
#include "sim_time.h"

static bool ok(const sim_audit *a) { return a->out.status == 200 || a->out.status == 201; }

static bool is_error(const sim_audit *a, const char *code) { return a->out.error != NULL && strcmp(a->out.error, code) == 0; }

static bool expect_status(sim_audit *a, int status, const char *code) {
    if (a->out.status == status && (code == NULL || is_error(a, code))) return true;
    return sim_fail(a, "%s: status %d %s, the model expects %d %s", sim_op_names[a->cmd->op], a->out.status,
                    a->out.error != NULL ? a->out.error : "", status, code != NULL ? code : "");
}

static bool expect_text(sim_audit *a, const char *path, const char *want) {
    const char *got = sim_doc_text(&a->reply, path);
    if (got != NULL && strcmp(got, want) == 0) return true;
    return sim_fail(a, "%s: reply %s is %s, the model expects %s", sim_op_names[a->cmd->op], path, got != NULL ? got : "(absent)", want);
}

static bool expect_ok(sim_audit *a) {
    if (ok(a)) return true;
    return sim_fail(a, "%s: status %d %s, the model expects success", sim_op_names[a->cmd->op], a->out.status,
                    a->out.error != NULL ? a->out.error : "");
}

/* The core may have forgotten it: ended and past its time, or history past an hour. */
static bool may_be_forgotten(const sim_res *r, int64_t now_ms) {
    if (r->end_ms <= now_ms) return true;
    return !sim_status_is_live(r->status) && r->updated_ms + SIM_HOUR <= now_ms;
}

static bool is_foreign(const sim_audit *a, const char *owner) {
    return a->cmd->actor == SIM_ACTOR_MEMBER && strcmp(a->cmd->actor_id, owner) != 0;
}

/* An attempt or a staff booking: the slot's capacity, and a retried key. */
static bool expect_new_reservation(sim_audit *a) {
    const sim_cmd *c = a->cmd;
    sim_model *m = a->model;
    if (c->op == SIM_OP_ATTEMPT && c->key[0] != '\0') {
        const sim_key *k = sim_model_key(m, c->member, c->key);
        if (k != NULL && k->created_ms + 24 * SIM_HOUR > a->now_ms && !is_foreign(a, c->member)) {
            if (k->court != c->court || k->start_ms != c->start_ms || k->end_ms != c->end_ms) {
                return expect_status(a, 409, "idempotency_key_reused");
            }
            if (!expect_ok(a) || !expect_text(a, "reservationId", k->reservation)) return false;
            if (sim_doc_time(&a->reply, "holdExpiry") != k->hold_expiry_ms) return sim_fail(a, "retried attempt: another holdExpiry");
            return true;
        }
    }
    uint32_t capacity = sim_court_capacity(&m->setup, c->court);
    uint32_t used = sim_usage(m, c->court, c->start_ms, c->end_ms, a->now_ms, NULL);
    if (is_error(a, "slot_unavailable") && used + c->party <= capacity) {
        return sim_fail(a, "%s: slot_unavailable, but the model has %u of %u places in use", sim_op_names[c->op], used, capacity);
    }
    if (c->op == SIM_OP_ATTEMPT && is_error(a, "rate_limited")) {
        uint32_t holds = 0;
        for (uint32_t i = 0; i < m->live_count; i++) {
            const sim_res *r = &m->res[m->live[i]];
            holds += sim_effective_status(m, r, a->now_ms) == SIM_HELD && r->entry < 0 && strcmp(r->member, c->member) == 0;
        }
        if (holds < m->setup.max_holds) return sim_fail(a, "attempt: rate_limited with %u holds of %u", holds, m->setup.max_holds);
    }
    if (!ok(a)) return true;
    if (c->op == SIM_OP_BOOK) return expect_text(a, "reservation.reservationId", c->new_id) && expect_text(a, "reservation.status", "confirmed");
    if (!expect_text(a, "reservationId", c->new_id)) return false;
    int64_t expiry = sim_doc_time(&a->reply, "holdExpiry");
    if (expiry != a->now_ms + (int64_t)m->setup.hold_ttl_seconds * 1000) return sim_fail(a, "attempt: holdExpiry is not now + TTL");
    if (c->key[0] == '\0') return true;
    sim_key k = {.court = (uint8_t)c->court, .start_ms = c->start_ms, .end_ms = c->end_ms, .hold_expiry_ms = expiry,
                 .created_ms = a->now_ms};
    snprintf(k.member, sizeof k.member, "%s", c->member);
    snprintf(k.key, sizeof k.key, "%s", c->key);
    snprintf(k.reservation, sizeof k.reservation, "%s", c->new_id);
    return sim_model_add_key(m, &k) || sim_fail(a, "the model's key table is full");
}

/* confirm, release, cancel, checkin, get, reschedule on a known reservation. */
static bool expect_on_reservation(sim_audit *a, sim_res *r) {
    const sim_cmd *c = a->cmd;
    uint8_t s = sim_effective_status(a->model, r, a->now_ms);
    uint32_t version = r->version + (s != r->status);
    if (is_foreign(a, r->member)) return expect_status(a, 403, "forbidden");
    switch (c->op) {
    case SIM_OP_CONFIRM:
        if (s == SIM_HELD || s == SIM_CONFIRMED) return expect_ok(a) && expect_text(a, "reservation.status", "confirmed");
        if (s == SIM_EXPIRED) return expect_status(a, 410, "hold_expired");
        return expect_status(a, 409, "invalid_state");
    case SIM_OP_RELEASE:
        if (s == SIM_HELD) return expect_ok(a) && expect_text(a, "reservation.status", "released");
        if (s == SIM_RELEASED || s == SIM_EXPIRED) return expect_ok(a) && expect_text(a, "reservation.status", sim_status_name(s));
        return expect_status(a, 409, "invalid_state");
    case SIM_OP_CANCEL:
        if (s == SIM_HELD || s == SIM_CONFIRMED || s == SIM_CANCELLED) {
            return expect_ok(a) && expect_text(a, "reservation.status", "cancelled");
        }
        return expect_status(a, 409, "invalid_state");
    case SIM_OP_GET:
        return expect_ok(a) && expect_text(a, "reservation.status", sim_status_name(s));
    case SIM_OP_CHECKIN:
        if (s == SIM_CONFIRMED && a->now_ms >= r->start_ms - SIM_HOUR && a->now_ms < r->end_ms) {
            return expect_ok(a) && (sim_doc_true(&a->reply, "reservation.checkedIn") || sim_fail(a, "checkin: not checked in"));
        }
        return ok(a) ? sim_fail(a, "checkin of %s (%s) succeeded outside its window", r->id, sim_status_name(s)) : true;
    case SIM_OP_RESCHEDULE:
        if (c->expected_version != version) return expect_status(a, 409, "version_conflict");
        if (!sim_status_is_live(s)) return expect_status(a, 409, "invalid_state");
        if (is_error(a, "slot_unavailable")) {
            int court = c->court >= 0 ? c->court : r->court;
            int64_t start = c->start_ms != 0 ? c->start_ms : r->start_ms;
            int64_t end = c->end_ms != 0 ? c->end_ms : start + (r->end_ms - r->start_ms);
            uint32_t used = sim_usage(a->model, court, start, end, a->now_ms, r);
            if (used + r->party <= sim_court_capacity(&a->model->setup, court)) {
                return sim_fail(a, "reschedule: slot_unavailable, but the model has %u places in use", used);
            }
        }
        return true;
    default:
        return true;
    }
}

static bool expect_on_entry(sim_audit *a, sim_entry *e) {
    const sim_cmd *c = a->cmd;
    uint8_t s = e->state;
    if (s == SIM_OFFERED) {
        const sim_res *r = sim_model_res(a->model, e->reservation);
        if (r == NULL || sim_effective_status(a->model, r, a->now_ms) != SIM_HELD) s = SIM_WAITING;
    }
    if (s == SIM_WAITING && e->latest_end_ms <= a->now_ms) s = SIM_ENTRY_EXPIRED;
    bool ended = s != SIM_WAITING && s != SIM_OFFERED;
    if (ended && e->updated_ms + SIM_HOUR <= a->now_ms && is_error(a, "not_found")) return true; /* forgotten */
    if (is_error(a, "not_found")) return sim_fail(a, "%s: entry %s not found, the model has it", sim_op_names[c->op], e->id);
    if (is_foreign(a, e->member)) return expect_status(a, 403, "forbidden");
    switch (c->op) {
    case SIM_OP_ACCEPT:
        if (s == SIM_OFFERED || s == SIM_BOOKED) return expect_ok(a) && expect_text(a, "entry.state", "booked");
        return expect_status(a, 410, "hold_expired");
    case SIM_OP_DECLINE:
        if (s == SIM_OFFERED) return expect_ok(a) && expect_text(a, "entry.state", "waiting");
        return expect_status(a, 409, "invalid_state");
    case SIM_OP_LEAVE:
        if (s == SIM_WAITING || s == SIM_OFFERED || s == SIM_LEFT) return expect_ok(a) && expect_text(a, "entry.state", "left");
        return expect_status(a, 409, "invalid_state");
    default:
        return true;
    }
}

bool sim_expect_reply(sim_audit *a) {
    const sim_cmd *c = a->cmd;
    switch (c->op) {
    case SIM_OP_CONFIGURE:
        return expect_ok(a);
    case SIM_OP_TICK:
        return expect_ok(a) && (sim_doc_int(&a->reply, "seq", -1) == (int64_t)a->out.seq || sim_fail(a, "tick: reply seq"));
    case SIM_OP_ATTEMPT:
    case SIM_OP_BOOK:
        return expect_new_reservation(a);
    case SIM_OP_JOIN:
        return !ok(a) || expect_text(a, "waitlistId", c->new_id);
    case SIM_OP_ACCEPT:
    case SIM_OP_DECLINE:
    case SIM_OP_LEAVE: {
        sim_entry *e = sim_model_entry(a->model, c->target);
        if (e == NULL) return expect_status(a, 404, "not_found");
        return expect_on_entry(a, e);
    }
    default: {
        sim_res *r = sim_model_res(a->model, c->target);
        if (r == NULL) return expect_status(a, 404, "not_found");
        if (may_be_forgotten(r, a->now_ms) && is_error(a, "not_found")) return true;
        if (is_error(a, "not_found")) return sim_fail(a, "%s: %s not found, but the model has it %s", sim_op_names[c->op], r->id, sim_status_name(r->status));
        return expect_on_reservation(a, r);
    }
    }
}
