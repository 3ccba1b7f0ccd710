/* booking.c: the booking state machine. A reservation is held (attempt),
 * then confirmed, released or left to expire; a confirmed one can be
 * cancelled. Every operation validates everything before it changes
 * anything, so a failure changes nothing. */
#include <string.h>

#include "civil.h"
#include "core.h"

static void touch(cs_reservation *res, int64_t now_ms) {
    res->version++;
    res->updated_ms = now_ms;
}

/* Changes a reservation's status and tells everyone. */
static void transition(cs_facility *f, cs_reservation *res, cs_status status, cs_action action, cs_event_type type,
                       int64_t now_ms) {
    uint8_t from = res->status;
    if (from == CS_CONFIRMED) reminders_stop(f, res, status == CS_CANCELLED);
    res->status = (uint8_t)status;
    index_status_changed(f, res, from);
    touch(res, now_ms);
    if (status == CS_CONFIRMED) reminders_start(f, res, now_ms, true);
    if (res->offer_entry != 0) {
        waitlist_offer_ended(f, res, now_ms);
        if (action == CS_ACTION_CONFIRM) action = CS_ACTION_WAITLIST_ACCEPT;
        if (action == CS_ACTION_RELEASE) action = CS_ACTION_WAITLIST_DECLINE;
    }
    cs_emit_change(f, type, action, from, res);
}

void booking_settle_offer(cs_request *r, cs_reservation *res, bool accept) {
    CS_ASSERT(res->status == CS_HELD && res->offer_entry != 0);
    if (accept) transition(r->f, res, CS_CONFIRMED, CS_ACTION_CONFIRM, CS_EVENT_SLOT_RESERVED, r->now_ms);
    else transition(r->f, res, CS_RELEASED, CS_ACTION_RELEASE, CS_EVENT_SLOT_RELEASED, r->now_ms);
}

void booking_confirm_held(cs_request *r, cs_reservation *res) {
    CS_ASSERT(res->status == CS_HELD);
    transition(r->f, res, CS_CONFIRMED, CS_ACTION_CONFIRM, CS_EVENT_SLOT_RESERVED, r->now_ms);
}

void booking_release_held(cs_request *r, cs_reservation *res) {
    CS_ASSERT(res->status == CS_HELD);
    transition(r->f, res, CS_RELEASED, CS_ACTION_RELEASE, CS_EVENT_SLOT_RELEASED, r->now_ms);
}

bool booking_revive_paid(cs_request *r, cs_reservation *res) {
    CS_ASSERT(res->status == CS_EXPIRED);
    cs_facility *f = r->f;
    if (res->start_ms <= r->now_ms || blocks_overlap(f, res->court, res->start_ms, res->end_ms)) return false;
    uint32_t used = reservation_usage(f, res->court, res->start_ms, res->end_ms, false, res);
    if (used + res->party_size > f->config.courts[res->court].capacity) return false;
    transition(f, res, CS_CONFIRMED, CS_ACTION_PAY, CS_EVENT_SLOT_RESERVED, r->now_ms);
    return true;
}

void booking_mark_no_show(cs_facility *f, cs_reservation *res, int64_t now_ms) {
    cs_member *m = member_record(f, res->member_id);
    if (m != NULL) {
        m->no_shows++;
        cs_member_changed(f, m);
    }
    transition(f, res, CS_NO_SHOW, CS_ACTION_NO_SHOW, CS_EVENT_SLOT_RELEASED, now_ms);
}

void booking_advance(cs_facility *f, int64_t now_ms) {
    for (uint32_t i = clock_due_row(f, 0, now_ms); i < f->reservation_rows_end && cs_clock_has_room(f);
         i = clock_due_row(f, i + 1, now_ms)) {
        cs_reservation *res = &f->reservations[i];
        if (res->in_use && res->status == CS_HELD && res->hold_expiry_ms <= now_ms) {
            transition(f, res, CS_EXPIRED, CS_ACTION_EXPIRE, CS_EVENT_SLOT_RELEASED, now_ms);
        }
    }
    reminders_advance(f, now_ms);
    reservation_forget_due(f, now_ms);
    idempotency_forget_due(f, now_ms);
    blocks_forget_ended(f, now_ms);
    waitlist_advance(f, now_ms);
}

/* {success, reservationId, holdExpiry, payment?}: what the hold costs, when it has a price. */
static void write_hold(cs_request *r, const char *reservation_id, int64_t hold_expiry_ms) {
    json_writer *w = r->reply;
    const cs_reservation *res = reservation_find(r->f, reservation_id);
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "reservationId");
    json_string(w, reservation_id);
    json_key(w, "holdExpiry");
    cs_write_time(w, hold_expiry_ms);
    if (res != NULL && res->payment != CS_PAY_NONE) {
        json_key(w, "payment");
        payments_write(w, r->f, res);
    }
    json_object_end(w);
}

cs_error booking_write_reservation(cs_request *r, const cs_reservation *res) {
    json_object_begin(r->reply);
    json_key(r->reply, "success");
    json_bool(r->reply, true);
    json_key(r->reply, "reservation");
    reservation_write(r->f, res, r->reply);
    json_object_end(r->reply);
    return CS_OK;
}

/* The attempt's arguments, validated. */
typedef struct attempt_args {
    char court_id[CS_ID_MAX + 1];
    char member_id[CS_ID_MAX + 1];
    char key[CS_ID_MAX + 1];
    int64_t start_ms;
    int64_t end_ms;
    int64_t party_size;
    int court;
} attempt_args;

/* The attempt's fields, in the order of the values args_gather finds. */
enum { ATTEMPT_FACILITY, ATTEMPT_COURT, ATTEMPT_START, ATTEMPT_END, ATTEMPT_MEMBER, ATTEMPT_DURATION, ATTEMPT_PARTY,
       ATTEMPT_KEY, ATTEMPT_FIELDS };
static const char *const attempt_fields[ATTEMPT_FIELDS + 1] = {
    [ATTEMPT_FACILITY] = "facilityId", [ATTEMPT_COURT] = "courtId",           [ATTEMPT_START] = "startTime",
    [ATTEMPT_END] = "endTime",         [ATTEMPT_MEMBER] = "memberId",         [ATTEMPT_DURATION] = "durationMinutes",
    [ATTEMPT_PARTY] = "partySize",     [ATTEMPT_KEY] = "idempotencyKey",      [ATTEMPT_FIELDS] = NULL};

static cs_error read_attempt(cs_request *r, attempt_args *a) {
    int64_t duration = 0;
    bool has_start, has_end, has_duration, has_party;
    cs_message *m = &r->f->message;
    const cs_args *args = &r->args;
    uint32_t v[ATTEMPT_FIELDS];
    a->party_size = 1;
    cs_error e = args_gather(args, attempt_fields, v, ATTEMPT_FIELDS);
    if (e == CS_OK) e = facility_check_id_at(r, v[ATTEMPT_FACILITY]);
    if (e == CS_OK) e = args_id_at(args, "courtId", v[ATTEMPT_COURT], true, a->court_id);
    if (e == CS_OK) e = args_time_at(args, "startTime", v[ATTEMPT_START], true, &a->start_ms, &has_start);
    if (e == CS_OK) e = args_time_at(args, "endTime", v[ATTEMPT_END], true, &a->end_ms, &has_end);
    if (e == CS_OK) e = args_id_at(args, "memberId", v[ATTEMPT_MEMBER], true, a->member_id);
    if (e == CS_OK) e = args_int_at(args, "durationMinutes", v[ATTEMPT_DURATION], false, 1, 1440, &duration, &has_duration);
    if (e == CS_OK) e = args_int_at(args, "partySize", v[ATTEMPT_PARTY], false, 1, CS_CAPACITY_MAX, &a->party_size, &has_party);
    if (e == CS_OK) e = args_id_at(args, "idempotencyKey", v[ATTEMPT_KEY], false, a->key);
    if (e != CS_OK) return e;
    if (a->end_ms <= a->start_ms) return cs_fail_field(m, "endTime", "must be after startTime");
    if (has_duration && duration * CIVIL_MS_PER_MINUTE != a->end_ms - a->start_ms) {
        return cs_fail_field(m, "durationMinutes", "must equal the minutes from startTime to endTime");
    }
    if (r->role == CS_ROLE_MEMBER && strcmp(r->actor_member_id, a->member_id) != 0) {
        return cs_fail(m, CS_ERR_FORBIDDEN, "members can only book for themselves");
    }
    a->court = facility_court_index(&r->f->config, a->court_id);
    if (a->court < 0) {
        cs_message_start(m);
        cs_message_text(m, "court ");
        cs_message_text(m, a->court_id);
        cs_message_text(m, " not found");
        return CS_ERR_NOT_FOUND;
    }
    return CS_OK;
}

/* A retried attempt: the first answer again, if it asked for the same thing. */
static cs_error replay_attempt(cs_request *r, const attempt_args *a, const cs_idempotency_key *k) {
    if (k->court != a->court || k->start_ms != a->start_ms || k->end_ms != a->end_ms) {
        return cs_fail(&r->f->message, CS_ERR_IDEMPOTENCY_KEY_REUSED,
                       "this idempotencyKey was used for a different court or time");
    }
    write_hold(r, k->reservation_id, k->hold_expiry_ms);
    return CS_OK;
}

/* Whether `court` can take [start, end) for `party` places: the calendar,
 * blocked periods, the member's rules (not for staff) and capacity.
 * `except` is a reservation being moved, which does not count. */
static cs_error check_slot(cs_request *r, const char *member_id, int court, int64_t start_ms, int64_t end_ms,
                           int64_t party, const cs_reservation *except) {
    cs_facility *f = r->f;
    const cs_court *c = &f->config.courts[court];
    if (party > c->capacity) {
        cs_fail_rule(&f->message, "party_size", "the court takes at most ");
        cs_message_int(&f->message, c->capacity);
        return CS_ERR_RULE_VIOLATION;
    }
    cs_error e = calendar_check_slot(&f->config, start_ms, end_ms, r->now_ms, &f->message);
    if (e != CS_OK) return e;
    if (blocks_overlap(f, (uint8_t)court, start_ms, end_ms)) {
        return cs_fail_rule(&f->message, "blocked_period", "the court is blocked for part of that time");
    }
    if (!cs_bypasses_rules(r)) {
        e = rules_check_booking(f, member_id, start_ms, r->now_ms, except, &f->message);
        if (e != CS_OK) return e;
    }
    uint32_t used = reservation_usage(f, (uint8_t)court, start_ms, end_ms, false, except);
    if (used + (uint32_t)party > c->capacity) {
        return cs_fail(&f->message, CS_ERR_SLOT_UNAVAILABLE, "the court is already taken for part of that time");
    }
    return CS_OK;
}

/* Nobody hoards courts with holds: a member has at most max_holds at once. */
static cs_error check_holds(cs_request *r, const char *member_id) {
    uint32_t holds = 0;
    for (uint32_t i = index_member_first(r->f, member_id); i != INDEX_END; i = index_member_next(r->f, i, member_id)) {
        const cs_reservation *res = &r->f->reservations[i];
        holds += res->status == CS_HELD && res->offer_entry == 0;
    }
    if (cs_bypasses_rules(r) || holds < r->f->config.max_holds) return CS_OK;
    cs_fail(&r->f->message, CS_ERR_RATE_LIMITED, "a member may hold at most ");
    cs_message_int(&r->f->message, r->f->config.max_holds);
    cs_message_text(&r->f->message, " slots at once: confirm or release one first");
    return CS_ERR_RATE_LIMITED;
}

/* The new reservation's id must be fresh. */
static cs_error check_new_id(cs_request *r) {
    if (r->new_id == NULL) return cs_fail_field(&r->f->message, "newId", "the host must supply a fresh id");
    if (reservation_find(r->f, r->new_id) != NULL) return cs_fail_field(&r->f->message, "newId", "is already in use");
    return CS_OK;
}

/* Adds a reservation for validated arguments. */
static cs_reservation *create(cs_request *r, const attempt_args *a, cs_status status) {
    cs_reservation *res = reservation_allocate(r->f);
    if (res == NULL) return NULL;
    *res = (cs_reservation){.in_use = true,
                            .status = (uint8_t)status,
                            .court = (uint8_t)a->court,
                            .party_size = (uint16_t)a->party_size,
                            .version = 1,
                            .start_ms = a->start_ms,
                            .end_ms = a->end_ms,
                            .hold_expiry_ms = r->now_ms + r->f->config.hold_ttl_ms,
                            .created_ms = r->now_ms,
                            .updated_ms = r->now_ms};
    memcpy(res->id, r->new_id, strlen(r->new_id) + 1);
    memcpy(res->member_id, a->member_id, strlen(a->member_id) + 1);
    r->f->reservation_count++;
    index_add(r->f, res);
    if (status == CS_HELD) payments_price_hold(r->f, res);
    if (status == CS_CONFIRMED) reminders_start(r->f, res, r->now_ms, true);
    cs_emit_change(r->f, status == CS_HELD ? CS_EVENT_SLOT_PENDING : CS_EVENT_SLOT_RESERVED,
                   status == CS_HELD ? CS_ACTION_ATTEMPT : CS_ACTION_BOOK, 0, res);
    return res;
}

cs_error booking_attempt(cs_request *r) {
    cs_facility *f = r->f;
    attempt_args a;
    cs_error e = read_attempt(r, &a);
    if (e != CS_OK) return e;
    if (a.key[0] != '\0') {
        const cs_idempotency_key *k = idempotency_find(f, a.member_id, a.key);
        if (k != NULL) return replay_attempt(r, &a, k);
    }
    e = check_holds(r, a.member_id);
    if (e == CS_OK) e = check_slot(r, a.member_id, a.court, a.start_ms, a.end_ms, a.party_size, NULL);
    if (e == CS_OK && a.key[0] != '\0' && !idempotency_has_room(f)) {
        e = cs_fail(&f->message, CS_ERR_RATE_LIMITED, "too many idempotency keys in the last 24 hours");
    }
    if (e == CS_OK) e = check_new_id(r);
    if (e != CS_OK) return e;
    cs_reservation *res = create(r, &a, CS_HELD);
    if (res == NULL) return cs_fail(&f->message, CS_ERR_LIMIT_EXCEEDED, "the facility has too many live reservations");
    if (a.key[0] != '\0') idempotency_remember(f, a.member_id, a.key, res, r->now_ms);
    write_hold(r, res->id, res->hold_expiry_ms);
    return CS_OK;
}

/* Staff book directly: no hold, no member rules, but capacity all the same. */
cs_error booking_book(cs_request *r) {
    attempt_args a;
    if (!cs_bypasses_rules(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can book without a hold");
    cs_error e = read_attempt(r, &a);
    if (e == CS_OK && a.key[0] != '\0') e = cs_fail_field(&r->f->message, "idempotencyKey", "is for holds only");
    if (e == CS_OK) e = check_slot(r, a.member_id, a.court, a.start_ms, a.end_ms, a.party_size, NULL);
    if (e == CS_OK) e = check_new_id(r);
    if (e != CS_OK) return e;
    cs_reservation *res = create(r, &a, CS_CONFIRMED);
    if (res == NULL) return cs_fail(&r->f->message, CS_ERR_LIMIT_EXCEEDED, "the facility has too many live reservations");
    r->status = 201;
    booking_write_reservation(r, res);
    return CS_OK;
}

/* Finds the reservation named by the arguments and checks the actor may act
 * on it. `fields` starts with facilityId and reservationId. */
enum { FIND_OWN_FIELDS_MAX = 8 };

cs_error booking_find_own(cs_request *r, const char *const *fields, cs_reservation **found) {
    char id[CS_ID_MAX + 1];
    cs_message *m = &r->f->message;
    uint32_t v[FIND_OWN_FIELDS_MAX];
#ifndef NDEBUG
    CS_ASSERT(fields[0] != NULL && strcmp(fields[0], "facilityId") == 0 && fields[1] != NULL &&
              strcmp(fields[1], "reservationId") == 0);
#endif
    cs_error e = args_gather(&r->args, fields, v, FIND_OWN_FIELDS_MAX);
    if (e == CS_OK) e = facility_check_id_at(r, v[0]);
    if (e == CS_OK) e = args_id_at(&r->args, "reservationId", v[1], true, id);
    if (e != CS_OK) return e;
    *found = reservation_find(r->f, id);
    if (*found == NULL) {
        cs_message_start(m);
        cs_message_text(m, "reservation ");
        cs_message_text(m, id);
        cs_message_text(m, " not found");
        return CS_ERR_NOT_FOUND;
    }
    if (!cs_is_staff(r) && strcmp(r->actor_member_id, (*found)->member_id) != 0) {
        return cs_fail(m, CS_ERR_FORBIDDEN, "this reservation belongs to another member");
    }
    return CS_OK;
}

static const char *const confirm_fields[] = {"facilityId", "reservationId", "courtId", "startTime", NULL};

/* confirm may repeat the court and start it expects; they must match. */
static cs_error check_expected(cs_request *r, const cs_reservation *res) {
    char court_id[CS_ID_MAX + 1];
    int64_t start_ms;
    bool has_start;
    cs_error e = args_id(&r->args, "courtId", false, court_id);
    if (e == CS_OK) e = args_time(&r->args, "startTime", false, &start_ms, &has_start);
    if (e != CS_OK) return e;
    if (court_id[0] != '\0' && strcmp(court_id, r->f->config.courts[res->court].id) != 0) {
        return cs_fail_field(&r->f->message, "courtId", "does not match the reservation");
    }
    if (has_start && start_ms != res->start_ms) {
        return cs_fail_field(&r->f->message, "startTime", "does not match the reservation");
    }
    return CS_OK;
}

static cs_error fail_hold_expired(cs_message *m, const cs_reservation *res) {
    char when[CIVIL_RFC3339_MAX];
    civil_format_rfc3339(res->hold_expiry_ms, when);
    cs_message_start(m);
    cs_message_text(m, "the hold expired at ");
    cs_message_text(m, when);
    return CS_ERR_HOLD_EXPIRED;
}

cs_error booking_confirm(cs_request *r) {
    cs_reservation *res;
    cs_error e = booking_find_own(r, confirm_fields, &res);
    if (e == CS_OK) e = check_expected(r, res);
    if (e != CS_OK) return e;
    if (res->status == CS_HELD && r->now_ms >= res->hold_expiry_ms) {
        return fail_hold_expired(&r->f->message, res); /* lapsed; the next tick records it (see CS_EVENTS_MAX) */
    }
    bool unpaid = res->payment != CS_PAY_NONE && res->payment != CS_PAY_PAID;
    if (res->status == CS_HELD && unpaid && !cs_bypasses_rules(r)) { /* staff may waive it */
        return cs_fail(&r->f->message, CS_ERR_PAYMENT_REQUIRED,
                       "this booking has a price: pay for it (POST /api/stripe/checkout) and the payment confirms it");
    }
    switch (res->status) {
    case CS_HELD:
        transition(r->f, res, CS_CONFIRMED, CS_ACTION_CONFIRM, CS_EVENT_SLOT_RESERVED, r->now_ms);
        break;
    case CS_CONFIRMED:
        break;
    case CS_EXPIRED:
        return fail_hold_expired(&r->f->message, res);
    default:
        return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "the reservation was released or cancelled");
    }
    booking_write_reservation(r, res);
    return CS_OK;
}

static const char *const release_fields[] = {"facilityId", "reservationId", NULL};

cs_error booking_release(cs_request *r) {
    cs_reservation *res;
    cs_error e = booking_find_own(r, release_fields, &res);
    if (e != CS_OK) return e;
    switch (res->status) {
    case CS_HELD:
        transition(r->f, res, CS_RELEASED, CS_ACTION_RELEASE, CS_EVENT_SLOT_RELEASED, r->now_ms);
        break;
    case CS_RELEASED:
    case CS_EXPIRED:
        break;
    case CS_CONFIRMED:
        return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "the reservation is confirmed: cancel it instead");
    default:
        return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "the reservation was cancelled");
    }
    booking_write_reservation(r, res);
    return CS_OK;
}

/* Serves the waitlist now and returns who (if anyone) got the place `res` freed. */
static const cs_promotion *promotion_into(cs_request *r, const cs_reservation *res) {
    uint32_t before = r->f->promotion_count;
    matcher_run(r);
    for (uint32_t i = before; i < r->f->promotion_count; i++) {
        const cs_reservation *got = &r->f->reservations[r->f->promotions[i].reservation];
        if (got->court == res->court && got->start_ms < res->end_ms && res->start_ms < got->end_ms) {
            return &r->f->promotions[i];
        }
    }
    return NULL;
}

static const char *const cancel_fields[] = {"facilityId", "reservationId", "reason", NULL};

cs_error booking_cancel(cs_request *r) {
    cs_reservation *res;
    char reason[CS_REASON_MAX + 1];
    cs_error e = booking_find_own(r, cancel_fields, &res);
    if (e == CS_OK) e = args_text(&r->args, "reason", false, CS_REASON_MAX, reason);
    if (e != CS_OK) return e;
    bool late = false;
    switch (res->status) {
    case CS_HELD:
    case CS_CONFIRMED:
        /* A member cancelling inside the cutoff keeps the place free for
         * others all the same; it goes on their record. */
        late = !cs_bypasses_rules(r) && rules_cancel_is_late(r->f, res, r->now_ms);
        if (late && !member_has_room(r->f, res->member_id)) {
            return cs_fail(&r->f->message, CS_ERR_LIMIT_EXCEEDED, "the facility has too many member records");
        }
        if (late) {
            cs_member *m = member_record(r->f, res->member_id);
            m->late_cancellations++;
            cs_member_changed(r->f, m);
        }
        transition(r->f, res, CS_CANCELLED, CS_ACTION_CANCEL, CS_EVENT_SLOT_RELEASED, r->now_ms);
        /* Paid and cancelled in time (or by staff): the money goes back; late: the club keeps it. */
        if (res->payment == CS_PAY_PAID && !late) payments_refund(r->f, res, CS_REFUND_CANCELLED, r->now_ms);
        break;
    case CS_CANCELLED:
        break;
    default:
        return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "the hold already ended: nothing to cancel");
    }
    json_object_begin(r->reply);
    json_key(r->reply, "success");
    json_bool(r->reply, true);
    json_key(r->reply, "reservation");
    reservation_write(r->f, res, r->reply);
    json_key(r->reply, "lateCancellation");
    json_bool(r->reply, late);
    if (res->payment == CS_PAY_PAID || res->payment == CS_PAY_REFUNDED) {
        json_key(r->reply, "refunded");
        json_bool(r->reply, res->payment == CS_PAY_REFUNDED);
    }
    const cs_promotion *promotion = promotion_into(r, res);
    if (promotion != NULL) {
        json_key(r->reply, "waitlistPromotion");
        waitlist_write_promotion(r->reply, r->f, promotion);
    }
    json_object_end(r->reply);
    return CS_OK;
}

cs_error booking_get(cs_request *r) {
    cs_reservation *res;
    cs_error e = booking_find_own(r, release_fields, &res);
    if (e != CS_OK) return e;
    booking_write_reservation(r, res);
    return CS_OK;
}

static const char *const reschedule_fields[] = {"facilityId", "reservationId", "courtId", "startTime", "endTime",
                                                "expectedVersion", NULL};

/* Where the reservation is to go: the arguments, defaulting to where it is. */
static cs_error read_target(cs_request *r, const cs_reservation *res, int *court, int64_t *start_ms, int64_t *end_ms) {
    char court_id[CS_ID_MAX + 1];
    bool has_start, has_end;
    cs_error e = args_id(&r->args, "courtId", false, court_id);
    if (e == CS_OK) e = args_time(&r->args, "startTime", false, start_ms, &has_start);
    if (e == CS_OK) e = args_time(&r->args, "endTime", false, end_ms, &has_end);
    if (e != CS_OK) return e;
    *court = court_id[0] == '\0' ? res->court : facility_court_index(&r->f->config, court_id);
    if (*court < 0) return cs_fail(&r->f->message, CS_ERR_NOT_FOUND, "no such court");
    if (!has_start) *start_ms = res->start_ms;
    if (!has_end) *end_ms = *start_ms + (res->end_ms - res->start_ms);
    if (*end_ms <= *start_ms) return cs_fail_field(&r->f->message, "endTime", "must be after startTime");
    return CS_OK;
}

/* Moves a held or confirmed reservation in one step: the old place stays
 * taken until the new one is secured, and a stale expectedVersion fails. */
cs_error booking_reschedule(cs_request *r) {
    cs_reservation *res;
    int64_t expected, start_ms, end_ms;
    bool present;
    int court;
    cs_error e = booking_find_own(r, reschedule_fields, &res);
    if (e == CS_OK) e = args_int(&r->args, "expectedVersion", true, 1, UINT32_MAX, &expected, &present);
    if (e != CS_OK) return e;
    if (expected != res->version) {
        cs_fail(&r->f->message, CS_ERR_VERSION_CONFLICT, "the reservation has changed since version ");
        cs_message_int(&r->f->message, expected);
        r->f->message.current_version = res->version;
        return CS_ERR_VERSION_CONFLICT;
    }
    if (!reservation_is_live(res)) return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "only live reservations can be moved");
    e = read_target(r, res, &court, &start_ms, &end_ms);
    if (e == CS_OK && (court != res->court || start_ms != res->start_ms || end_ms != res->end_ms)) {
        e = check_slot(r, res->member_id, court, start_ms, end_ms, res->party_size, res);
        if (e == CS_OK) e = payments_check_move(r, res, (uint8_t)court, start_ms, end_ms);
        if (e != CS_OK) return e;
        cs_emit(r->f, CS_EVENT_SLOT_RELEASED, res->court, res->start_ms, res->end_ms);
        bool confirmed = res->status == CS_CONFIRMED;
        if (confirmed) reminders_stop(r->f, res, false);
        uint8_t from_court = res->court;
        int64_t from_start_ms = res->start_ms, from_end_ms = res->end_ms;
        res->court = (uint8_t)court;
        res->start_ms = start_ms;
        res->end_ms = end_ms;
        index_moved(r->f, res);
        touch(res, r->now_ms);
        if (confirmed) reminders_start(r->f, res, r->now_ms, true);
        cs_event *moved = cs_emit_change(r->f, res->status == CS_HELD ? CS_EVENT_SLOT_PENDING : CS_EVENT_SLOT_RESERVED,
                                         CS_ACTION_RESCHEDULE, res->status, res);
        moved->from_court = from_court;
        moved->from_start_ms = from_start_ms;
        moved->from_end_ms = from_end_ms;
    }
    if (e != CS_OK) return e;
    booking_write_reservation(r, res);
    return CS_OK;
}

static const char *const import_fields[] = {"facilityId", "reservationId", "courtId",   "memberId", "startTime",
                                            "endTime",    "partySize",     "version",   "createdAt", "payment", NULL};

/* Puts back a confirmed booking known elsewhere (the projection), with its
 * id, version and creation time, when a facility is rebuilt. Capacity
 * holds; the club's calendar and rules may have changed since, so they do
 * not apply. */
cs_error booking_import(cs_request *r) {
    attempt_args a = {.party_size = 1};
    char id[CS_ID_MAX + 1];
    int64_t version, created_ms;
    bool present, has_start, has_end;
    cs_message *m = &r->f->message;
    if (!cs_bypasses_rules(r) && r->role != CS_ROLE_HOST) return cs_fail(m, CS_ERR_FORBIDDEN, "only staff can import bookings");
    cs_error e = args_check_known(&r->args, import_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "reservationId", true, id);
    if (e == CS_OK) e = args_id(&r->args, "courtId", true, a.court_id);
    if (e == CS_OK) e = args_id(&r->args, "memberId", true, a.member_id);
    if (e == CS_OK) e = args_time(&r->args, "startTime", true, &a.start_ms, &has_start);
    if (e == CS_OK) e = args_time(&r->args, "endTime", true, &a.end_ms, &has_end);
    if (e == CS_OK) e = args_int(&r->args, "partySize", false, 1, CS_CAPACITY_MAX, &a.party_size, &present);
    if (e == CS_OK) e = args_int(&r->args, "version", true, 1, UINT32_MAX - 1, &version, &present);
    if (e == CS_OK) e = args_time(&r->args, "createdAt", true, &created_ms, &present);
    cs_reservation paid = {0}; /* its payment, if it had one */
    if (e == CS_OK) e = payments_read_import(&r->args, &paid);
    if (e != CS_OK) return e;
    if (a.end_ms <= a.start_ms) return cs_fail_field(m, "endTime", "must be after startTime");
    a.court = facility_court_index(&r->f->config, a.court_id);
    if (a.court < 0) return cs_fail(m, CS_ERR_NOT_FOUND, "no such court");
    if (a.end_ms <= r->now_ms) return cs_fail(m, CS_ERR_INVALID_STATE, "the booking has already ended");
    if (reservation_find(r->f, id) != NULL) return cs_fail_field(m, "reservationId", "is already in use");
    uint32_t used = reservation_usage(r->f, (uint8_t)a.court, a.start_ms, a.end_ms, false, NULL);
    if (used + (uint32_t)a.party_size > r->f->config.courts[a.court].capacity) {
        return cs_fail(m, CS_ERR_SLOT_UNAVAILABLE, "the court is already taken for part of that time");
    }
    cs_reservation *res = reservation_allocate(r->f);
    if (res == NULL) return cs_fail(m, CS_ERR_LIMIT_EXCEEDED, "the facility has too many live reservations");
    *res = (cs_reservation){.in_use = true, .status = CS_CONFIRMED, .court = (uint8_t)a.court,
                            .party_size = (uint16_t)a.party_size, .version = (uint32_t)version,
                            .start_ms = a.start_ms, .end_ms = a.end_ms, .hold_expiry_ms = created_ms,
                            .created_ms = created_ms, .updated_ms = r->now_ms};
    memcpy(res->id, id, strlen(id) + 1);
    memcpy(res->member_id, a.member_id, strlen(a.member_id) + 1);
    res->payment = paid.payment;
    res->amount = paid.amount;
    memcpy(res->payment_id, paid.payment_id, sizeof res->payment_id);
    r->f->reservation_count++;
    index_add(r->f, res);
    reminders_start(r->f, res, r->now_ms, false);
    cs_emit_change(r->f, CS_EVENT_SLOT_RESERVED, CS_ACTION_IMPORT, 0, res);
    booking_write_reservation(r, res);
    return CS_OK;
}
