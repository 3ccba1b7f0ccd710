/* sim_audit.c: the auditor's step: the output's envelope, the effects
 * applied to the reference model one by one, the invariants after them. */
#include "sim_audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_time.h"

bool sim_fail(sim_audit *a, const char *format, ...) {
    if (a->failed) return false;
    a->failed = true;
    va_list ap;
    va_start(ap, format);
    vsnprintf(a->why, sizeof a->why, format, ap);
    va_end(ap);
    return false;
}

static const char *when(int64_t ms, char buf[SIM_TIME_TEXT]) {
    sim_time_format(ms, buf);
    return buf;
}

static int court_index(const char *id) {
    for (int i = 0; i < SIM_COURTS; i++) {
        if (id != NULL && strcmp(id, sim_court_ids[i]) == 0) return i;
    }
    return -1;
}

static int64_t grace_ms(const sim_model *m) { return (int64_t)m->setup.no_show_grace_minutes * SIM_MINUTE; }

uint8_t sim_effective_status(const sim_model *m, const sim_res *r, int64_t now_ms) {
    if (r->status == SIM_HELD && r->hold_expiry_ms <= now_ms) return SIM_EXPIRED;
    if (r->status == SIM_CONFIRMED && m->setup.no_show_grace_minutes != 0 && !r->checked_in &&
        r->start_ms + grace_ms(m) <= now_ms) {
        return SIM_NO_SHOW;
    }
    return r->status;
}

static bool counted(const sim_model *m, const sim_res *r, int64_t now_ms) {
    return sim_status_is_live(sim_effective_status(m, r, now_ms));
}

uint32_t sim_usage(const sim_model *m, int court, int64_t start_ms, int64_t end_ms, int64_t now_ms,
                   const sim_res *except) {
    int64_t buffer_ms = (int64_t)m->setup.buffer_minutes * SIM_MINUTE;
    uint32_t peak = 0;
    for (uint32_t i = 0; i <= m->live_count; i++) {
        /* Candidate instants: the start, and where another reservation (with its buffer) begins inside. */
        int64_t t = start_ms;
        if (i < m->live_count) {
            t = m->res[m->live[i]].start_ms - buffer_ms;
            if (t <= start_ms || t >= end_ms) continue;
        }
        uint32_t used = 0;
        for (uint32_t j = 0; j < m->live_count; j++) {
            const sim_res *r = &m->res[m->live[j]];
            if (r == except || r->court != court || !counted(m, r, now_ms)) continue;
            if (r->start_ms - buffer_ms <= t && t < r->end_ms + buffer_ms) used += r->party;
        }
        if (used > peak) peak = used;
    }
    return peak;
}

/* ---- The envelope ---- */

static bool read_output(sim_audit *a, const uint8_t *out, size_t n) {
    sim_span all = {(const char *)out, n}, v;
    sim_output *o = &a->out;
    memset(o, 0, sizeof *o);
    if (!sim_json_field(all, "status", &v)) return sim_fail(a, "output has no status: %.200s", all.p);
    o->status = atoi(v.p);
    if (!sim_json_field(all, "changed", &v)) return sim_fail(a, "output has no changed");
    o->changed = v.p[0] == 't';
    if (!sim_json_field(all, "seq", &v)) return sim_fail(a, "output has no seq");
    o->seq = strtoull(v.p, NULL, 10);
    if (!sim_json_field(all, "deadline", &v)) return sim_fail(a, "output has no deadline");
    o->deadline_ms = v.p[0] == 'n' ? -1 : strtoll(v.p, NULL, 10);
    if (!sim_json_field(all, "reply", &o->reply) || !sim_json_field(all, "broadcasts", &o->broadcasts) ||
        !sim_json_field(all, "effects", &o->effects)) {
        return sim_fail(a, "output lacks reply, broadcasts or effects");
    }
    if (!sim_doc_parse(&a->reply, o->reply)) return sim_fail(a, "reply is not JSON the reader takes (%zu bytes)", o->reply.n);
    if (o->status >= 400) o->error = sim_doc_text(&a->reply, "error");
    if (o->status >= 400 && o->error == NULL) return sim_fail(a, "status %d without an error code", o->status);
    return true;
}

static bool check_envelope(sim_audit *a) {
    const sim_output *o = &a->out;
    uint64_t expected = a->model->seq;
    size_t pos = 0;
    sim_span b;
    while (sim_json_next(o->broadcasts, &pos, &b)) {
        if (!sim_doc_parse(&a->item, b)) return sim_fail(a, "a broadcast is not JSON");
        int64_t seq = sim_doc_int(&a->item, "seq", -1);
        if (seq != (int64_t)++expected) return sim_fail(a, "broadcast seq %" PRId64 ", expected %" PRIu64, seq, expected);
        if (sim_doc_text(&a->item, "memberId") != NULL) return sim_fail(a, "a broadcast carries a memberId");
    }
    if (o->seq != expected) return sim_fail(a, "seq %" PRIu64 " after %" PRIu64 " broadcasts from %" PRIu64, o->seq,
                                            expected - a->model->seq, a->model->seq);
    if (!o->changed && (o->effects.n != 2 || expected != a->model->seq)) {
        return sim_fail(a, "an unchanged output has broadcasts or effects");
    }
    /* A configure runs after the clock's work: what it makes due (a no-show
     * grace turned on) is due at once. */
    if (o->deadline_ms >= 0 && o->deadline_ms <= a->now_ms && a->cmd->op != SIM_OP_CONFIGURE) {
        char t[SIM_TIME_TEXT];
        return sim_fail(a, "deadline %s is not after now", when(o->deadline_ms, t));
    }
    return true;
}

/* ---- Effects ---- */

static bool transition_allowed(uint8_t from, uint8_t to, const char *action) {
    bool move = strcmp(action, "reschedule") == 0 || strcmp(action, "checkin") == 0;
    switch (from) {
    case SIM_NONE:
        return to == SIM_HELD || to == SIM_CONFIRMED;
    case SIM_HELD:
        return to == SIM_CONFIRMED || to == SIM_RELEASED || to == SIM_CANCELLED || to == SIM_EXPIRED ||
               (to == SIM_HELD && move);
    case SIM_CONFIRMED:
        return to == SIM_CANCELLED || to == SIM_NO_SHOW || (to == SIM_CONFIRMED && move);
    default:
        return false;
    }
}

/* A waitlist offer or booking "{waitlistId}-{n}": its entry, made if new. */
static sim_entry *entry_of_reservation(sim_audit *a, const char *res_id) {
    char id[SIM_ID_MAX];
    const char *dash = strrchr(res_id, '-');
    size_t n = dash == NULL ? 0 : (size_t)(dash - res_id);
    if (n == 0 || n >= sizeof id) return NULL;
    memcpy(id, res_id, n);
    id[n] = '\0';
    sim_entry *e = sim_model_entry(a->model, id);
    return e != NULL ? e : sim_model_add_entry(a->model, id);
}

static bool offered(sim_audit *a, sim_res *r) {
    char t[SIM_TIME_TEXT];
    sim_entry *e = entry_of_reservation(a, r->id);
    if (e == NULL) return sim_fail(a, "waitlist offer %s names no entry (or the model is full)", r->id);
    r->entry = (int32_t)(e - a->model->entries);
    for (uint32_t i = 0; i < e->offer_count && i < SIM_OFFERS_MAX; i++) {
        if (e->offers[i].court == r->court && e->offers[i].start_ms == r->start_ms) {
            return sim_fail(a, "waitlist entry %s offered %s at %s a second time (offer %u, as %s)", e->id,
                            sim_court_ids[r->court], when(r->start_ms, t), i + 1, r->id);
        }
    }
    if (e->offer_count < SIM_OFFERS_MAX) e->offers[e->offer_count] = (sim_place){r->court, r->start_ms};
    e->offer_count++;
    if (r->hold_expiry_ms > r->start_ms) return sim_fail(a, "offer %s lasts past its slot's start", r->id);
    return true;
}

static bool apply_reservation(sim_audit *a) {
    sim_model *m = a->model;
    const sim_doc *d = &a->item;
    char t1[SIM_TIME_TEXT], t2[SIM_TIME_TEXT];
    const char *action = sim_doc_text(d, "action"), *id = sim_doc_text(d, "reservation.reservationId");
    const char *from_name = sim_doc_text(d, "fromStatus");
    uint8_t to = sim_status_from_name(sim_doc_text(d, "reservation.status"));
    int court = court_index(sim_doc_text(d, "reservation.courtId"));
    if (action == NULL || id == NULL || to == SIM_NONE || court < 0) return sim_fail(a, "malformed reservation effect");
    sim_res *r = sim_model_res(m, id);
    uint8_t from = from_name == NULL ? SIM_NONE : sim_status_from_name(from_name);
    if (r == NULL && from != SIM_NONE) return sim_fail(a, "effect on %s from %s: the model never saw it", id, from_name);
    if (r != NULL && from == SIM_NONE) return sim_fail(a, "%s created again (%s)", id, action);
    if (r != NULL && r->status != from) {
        return sim_fail(a, "%s %s from %s, but the model has it %s", id, action, from_name, sim_status_name(r->status));
    }
    if (!transition_allowed(from, to, action)) {
        return sim_fail(a, "%s went %s -> %s by %s", id, sim_status_name(from), sim_status_name(to), action);
    }
    uint32_t version = (uint32_t)sim_doc_int(d, "reservation.version", 0);
    if (r != NULL && version <= r->version) return sim_fail(a, "%s version %u after %u", id, version, r->version);
    if (r == NULL && (r = sim_model_add_res(m, id)) == NULL) return sim_fail(a, "the model's reservation table is full");
    if (r->touched_step != a->step) {
        r->touched_step = a->step;
        r->status_before = r->status;
    }
    if (to == SIM_EXPIRED && r->hold_expiry_ms > a->now_ms) {
        return sim_fail(a, "%s expired at %s before its expiry %s", id, when(a->now_ms, t1), when(r->hold_expiry_ms, t2));
    }
    if (to == SIM_NO_SHOW && (r->checked_in || r->start_ms + grace_ms(m) > a->now_ms || m->setup.no_show_grace_minutes == 0)) {
        return sim_fail(a, "%s marked a no-show at %s (start %s, checked in %d)", id, when(a->now_ms, t1),
                        when(r->start_ms, t2), r->checked_in);
    }
    const char *member = sim_doc_text(d, "reservation.memberId");
    snprintf(r->member, sizeof r->member, "%s", member != NULL ? member : "");
    r->status = to;
    r->court = (uint8_t)court;
    r->version = version;
    r->party = (uint16_t)sim_doc_int(d, "reservation.partySize", 1);
    r->checked_in = sim_doc_true(d, "reservation.checkedIn");
    r->start_ms = sim_doc_time(d, "reservation.startTime");
    r->end_ms = sim_doc_time(d, "reservation.endTime");
    r->updated_ms = sim_doc_time(d, "reservation.updatedAt");
    if (to == SIM_HELD) r->hold_expiry_ms = sim_doc_time(d, "reservation.holdExpiry");
    if (r->start_ms < 0 || r->end_ms <= r->start_ms || (to == SIM_HELD && r->hold_expiry_ms < 0)) {
        return sim_fail(a, "%s has bad times", id);
    }
    if (sim_status_is_live(to)) sim_model_watch_res(m, (uint32_t)(r - m->res));
    m->stats.holds_expired += to == SIM_EXPIRED;
    m->stats.no_shows += to == SIM_NO_SHOW;
    m->stats.offers += strcmp(action, "waitlist_offer") == 0;
    m->stats.waitlist_bookings += strcmp(action, "waitlist_book") == 0;
    if (strcmp(action, "waitlist_offer") == 0) return offered(a, r);
    if (strcmp(action, "waitlist_book") == 0) {
        sim_entry *e = entry_of_reservation(a, id);
        if (e == NULL) return sim_fail(a, "waitlist booking %s names no entry", id);
        r->entry = (int32_t)(e - m->entries);
    }
    return true;
}

static bool apply_waitlist(sim_audit *a) {
    const sim_doc *d = &a->item;
    const char *id = sim_doc_text(d, "entry.waitlistId");
    uint8_t state = sim_entry_state_from_name(sim_doc_text(d, "entry.state"));
    if (id == NULL || state == 0) return sim_fail(a, "malformed waitlist effect");
    sim_entry *e = sim_model_entry(a->model, id);
    if (e == NULL && (e = sim_model_add_entry(a->model, id)) == NULL) return sim_fail(a, "the model's entry table is full");
    const char *member = sim_doc_text(d, "entry.memberId"), *res = sim_doc_text(d, "entry.reservationId");
    snprintf(e->member, sizeof e->member, "%s", member != NULL ? member : "");
    snprintf(e->reservation, sizeof e->reservation, "%s", res != NULL ? res : "");
    e->state = state;
    e->latest_end_ms = sim_doc_time(d, "entry.latestEnd");
    e->updated_ms = sim_doc_time(d, "entry.updatedAt");
    if (state == SIM_OFFERED) {
        sim_res *r = sim_model_res(a->model, e->reservation);
        if (r == NULL || r->status != SIM_HELD) return sim_fail(a, "entry %s offered %s, which is not a hold", id, e->reservation);
    }
    return true;
}

static bool apply_notification(sim_audit *a) {
    const sim_doc *d = &a->item;
    char t1[SIM_TIME_TEXT], t2[SIM_TIME_TEXT];
    const char *kind = sim_doc_text(d, "notification.kind"), *id = sim_doc_text(d, "notification.noticeId");
    const char *res_id = sim_doc_text(d, "notification.reservationId");
    if (kind == NULL || id == NULL || res_id == NULL) return sim_fail(a, "malformed notification effect");
    if (!sim_model_add_notice(a->model, id)) return sim_fail(a, "notice id %s sent twice", id);
    sim_res *r = sim_model_res(a->model, res_id);
    if (r == NULL) return sim_fail(a, "notice %s about %s, which the model never saw", id, res_id);
    if (strcmp(kind, "cancellation") == 0 && r->status != SIM_CANCELLED) {
        return sim_fail(a, "cancellation notice %s for %s, which is %s", id, res_id, sim_status_name(r->status));
    }
    if (strcmp(kind, "reminder") != 0) return true;
    sim_job *j = sim_model_job(a->model, id);
    if (j == NULL) return sim_fail(a, "reminder %s was never scheduled", id);
    if (strcmp(a->model->res[j->res].id, res_id) != 0) return sim_fail(a, "reminder %s sent for %s", id, res_id);
    if (j->state != SIM_JOB_PENDING) return sim_fail(a, "reminder %s sent when %s", id, j->state == SIM_JOB_SENT ? "already sent" : "cancelled");
    bool was_confirmed = r->status == SIM_CONFIRMED || (r->touched_step == a->step && r->status_before == SIM_CONFIRMED);
    if (!was_confirmed) return sim_fail(a, "reminder %s sent for a booking that is %s", id, sim_status_name(r->status));
    if (a->now_ms < j->at_ms || a->now_ms >= r->start_ms) {
        return sim_fail(a, "reminder %s sent at %s, scheduled for %s, start %s", id, when(a->now_ms, t1), when(j->at_ms, t2),
                        when(r->start_ms, t1));
    }
    j->state = SIM_JOB_SENT;
    a->model->stats.reminders_sent++;
    return true;
}

static bool apply_reminders(sim_audit *a) {
    sim_model *m = a->model;
    char t1[SIM_TIME_TEXT], t2[SIM_TIME_TEXT];
    const char *res_id = sim_doc_text(&a->item, "reservationId");
    sim_res *r = res_id == NULL ? NULL : sim_model_res(m, res_id);
    if (r == NULL) return sim_fail(a, "reminders for %s, which the model never saw", res_id != NULL ? res_id : "?");
    int32_t row = (int32_t)(r - m->res);
    const json_doc *d = &a->item.doc;
    for (uint32_t n = json_at(d, sim_doc_at(&a->item, "cancelled"))->first; n != 0; n = json_at(d, n)->next) {
        sim_job *j = sim_model_job(m, json_text(d, n));
        if (j == NULL || j->res != row) return sim_fail(a, "%s cancels reminder %s it never had", res_id, json_text(d, n));
        if (j->state != SIM_JOB_PENDING) return sim_fail(a, "reminder %s cancelled when not pending", j->id);
        j->state = SIM_JOB_CANCELLED;
    }
    for (uint32_t n = json_at(d, sim_doc_at(&a->item, "scheduled"))->first; n != 0; n = json_at(d, n)->next) {
        uint32_t id_node = json_object_get(d, n, "jobId"), at_node = json_object_get(d, n, "scheduledFor");
        int64_t at_ms;
        if (id_node == 0 || at_node == 0 || !sim_time_parse(json_text(d, at_node), &at_ms)) return sim_fail(a, "malformed job");
        const char *id = json_text(d, id_node);
        sim_job *j = sim_model_job(m, id);
        if (j != NULL && (j->res != row || j->state != SIM_JOB_PENDING || j->at_ms != at_ms)) {
            return sim_fail(a, "reminder job id %s scheduled again (for %s at %s; before %s)", id, res_id, when(at_ms, t1),
                            j->state == SIM_JOB_SENT ? "sent" : j->state == SIM_JOB_CANCELLED ? "cancelled" : when(j->at_ms, t2));
        }
        if (j == NULL && (j = sim_model_add_job(m, id, row)) == NULL) return sim_fail(a, "the model's job table is full");
        j->state = SIM_JOB_PENDING;
        j->at_ms = at_ms;
        j->start_ms = r->start_ms;
        if (at_ms < a->now_ms || at_ms >= r->start_ms) {
            return sim_fail(a, "reminder %s scheduled for %s: now %s, start %s", id, when(at_ms, t1), when(a->now_ms, t2),
                            when(r->start_ms, t2));
        }
        sim_model_watch_job(m, (uint32_t)(j - m->jobs));
    }
    return true;
}

static bool apply_effects(sim_audit *a) {
    size_t pos = 0;
    sim_span e;
    while (!a->failed && sim_json_next(a->out.effects, &pos, &e)) {
        if (!sim_doc_parse(&a->item, e)) return sim_fail(a, "an effect is not JSON the reader takes (%zu bytes)", e.n);
        const char *type = sim_doc_text(&a->item, "type");
        if (type == NULL) return sim_fail(a, "an effect has no type");
        if (strcmp(type, "reservation") == 0) apply_reservation(a);
        else if (strcmp(type, "waitlist") == 0) apply_waitlist(a);
        else if (strcmp(type, "notification") == 0) apply_notification(a);
        else if (strcmp(type, "reminders") == 0) apply_reminders(a);
    }
    return !a->failed;
}

/* ---- Invariants over the model ---- */

static bool check_capacity(sim_audit *a) {
    const sim_model *m = a->model;
    int64_t buffer_ms = (int64_t)m->setup.buffer_minutes * SIM_MINUTE;
    char t[SIM_TIME_TEXT];
    /* One-sided widening: the core keeps a gap of the buffer between two
     * bookings, so [start, end + buffer) of any two never share more places
     * than the court has. Peaks are at some reservation's start. */
    for (uint32_t i = 0; i < m->live_count; i++) {
        const sim_res *p = &m->res[m->live[i]];
        if (!counted(m, p, a->now_ms)) continue;
        uint32_t used = 0;
        for (uint32_t j = 0; j < m->live_count; j++) {
            const sim_res *r = &m->res[m->live[j]];
            if (r->court == p->court && counted(m, r, a->now_ms) && r->start_ms <= p->start_ms &&
                p->start_ms < r->end_ms + buffer_ms) {
                used += r->party;
            }
        }
        uint32_t capacity = sim_court_capacity(&m->setup, p->court);
        if (used > capacity) {
            return sim_fail(a, "court %s has %u places in use at %s (capacity %u, buffer %u min), with %s", sim_court_ids[p->court],
                            used, when(p->start_ms, t), capacity, (unsigned)m->setup.buffer_minutes, p->id);
        }
    }
    return true;
}

static bool check_deadlines(sim_audit *a) {
    const sim_model *m = a->model;
    int64_t deadline = a->out.deadline_ms;
    char t1[SIM_TIME_TEXT], t2[SIM_TIME_TEXT];
    for (uint32_t i = 0; i < m->live_count; i++) {
        const sim_res *r = &m->res[m->live[i]];
        int64_t due = -1;
        if (r->end_ms <= a->now_ms) continue; /* over: the core may have forgotten it */
        if (r->status == SIM_HELD) {
            if (r->hold_expiry_ms <= a->now_ms) {
                return sim_fail(a, "%s %s still held at %s, past its expiry %s", r->entry >= 0 ? "offer" : "hold", r->id,
                                when(a->now_ms, t1), when(r->hold_expiry_ms, t2));
            }
            due = r->hold_expiry_ms;
        } else if (r->status == SIM_CONFIRMED && m->setup.no_show_grace_minutes != 0 && !r->checked_in) {
            due = r->start_ms + grace_ms(m);
            if (due <= a->now_ms && a->cmd->op != SIM_OP_CONFIGURE) {
                return sim_fail(a, "%s not marked a no-show by %s", r->id, when(a->now_ms, t1));
            }
        }
        if (due >= 0 && (deadline < 0 || deadline > due)) {
            return sim_fail(a, "deadline %s is after %s's %s", deadline < 0 ? "null" : when(deadline, t1), r->id, when(due, t2));
        }
    }
    for (uint32_t i = 0; i < m->pending_count; i++) {
        const sim_job *j = &m->jobs[m->pending[i]];
        const sim_res *r = &m->res[j->res];
        /* A reminder still due when its booking starts lapses unsent (and,
         * today, without a "cancelled" in any effect: see docs/RELIABILITY.md). */
        if (j->state != SIM_JOB_PENDING || j->start_ms <= a->now_ms || r->start_ms <= a->now_ms) continue;
        if (r->status != SIM_CONFIRMED) {
            return sim_fail(a, "reminder %s still pending for %s, which is %s", j->id, r->id, sim_status_name(r->status));
        }
        if (j->at_ms >= r->start_ms) return sim_fail(a, "reminder %s at %s is not before its start", j->id, when(j->at_ms, t1));
        if (j->at_ms <= a->now_ms) return sim_fail(a, "reminder %s due %s not sent by %s", j->id, when(j->at_ms, t1), when(a->now_ms, t2));
        if (deadline < 0 || deadline > j->at_ms) {
            return sim_fail(a, "deadline %s is after reminder %s at %s", deadline < 0 ? "null" : when(deadline, t1), j->id,
                            when(j->at_ms, t2));
        }
    }
    return true;
}

bool sim_audit_step(sim_audit *a, sim_model *m, const sim_cmd *c, uint32_t step, const uint8_t *out, size_t n) {
    a->model = m;
    a->cmd = c;
    a->step = step;
    a->failed = false;
    a->why[0] = '\0';
    a->now_ms = c->now_ms > m->now_ms ? c->now_ms : m->now_ms;
    if (!read_output(a, out, n) || !check_envelope(a) || !sim_expect_reply(a)) return false;
    if (c->op == SIM_OP_CONFIGURE && a->out.status == 200) {
        m->setup = c->setup;
        m->configured = true;
    }
    if (!apply_effects(a) || !check_capacity(a) || !check_deadlines(a)) return false;
    m->stats.commands++;
    m->stats.succeeded += a->out.status < 300;
    m->stats.refused += a->out.status >= 400;
    m->stats.slot_unavailable += a->out.error != NULL && strcmp(a->out.error, "slot_unavailable") == 0;
    m->stats.retries += c->retry;
    m->seq = a->out.seq;
    if (a->out.changed) m->now_ms = a->now_ms;
    sim_model_prune(m);
    return true;
}
