/* core.h: what the core's modules share internally: the running request,
 * the assertion macro, broadcasting, and each module's entry points. Not
 * part of the public interface (that is courtside.h). */
#ifndef CS_CORE_H
#define CS_CORE_H

#include "args.h"
#include "civil.h"
#include "courtside.h"

/* Invariants are checked in every build; a broken one traps, and the host
 * rebuilds the instance from its log. */
#define CS_ASSERT(condition)                   \
    do {                                       \
        if (!(condition)) __builtin_trap();    \
    } while (0)

typedef enum cs_role {
    CS_ROLE_HOST = 0, /* no actor: a trusted host call */
    CS_ROLE_MEMBER,
    CS_ROLE_STAFF,
    CS_ROLE_ADMIN,
} cs_role;

/* The command being run. */
typedef struct cs_request {
    cs_facility *f;
    cs_args args;
    int64_t now_ms;
    const char *new_id;            /* NULL when the command has none */
    uint8_t role;                  /* cs_role */
    char actor_member_id[CS_ID_MAX + 1];
    json_writer *reply;            /* the reply body, written on success */
    int status;                    /* the HTTP status of a success: 200 unless the operation says */
} cs_request;

/* The clock's work in one command (expiring holds, no-shows, reminders)
 * stops here; the rest is due at once, so the next tick does it. */
static inline bool cs_clock_has_room(const cs_facility *f) {
    return f->event_count + CS_EVENTS_KEPT_FOR_OPERATIONS <= CS_EVENTS_MAX;
}

/* clock.c: a reservation row changed in a way that may move its due time. */
void clock_row_changed(cs_facility *f, const cs_reservation *res);

/* Records a visible change: bumps seq and queues the broadcast. */
static inline cs_event *cs_emit(cs_facility *f, cs_event_type type, uint8_t court, int64_t start_ms,
                                int64_t end_ms) {
    CS_ASSERT(f->event_count < CS_EVENTS_MAX);
    f->seq++;
    f->changed = true;
    if (type == CS_EVENT_SLOT_RELEASED || type == CS_EVENT_FACILITY_UPDATED) f->waitlist_due = true;
    cs_event *event = &f->events[f->event_count++];
    event->type = (uint8_t)type;
    event->court = court;
    event->action = CS_ACTION_NONE;
    event->from_status = 0;
    event->seq = f->seq;
    event->start_ms = start_ms;
    event->end_ms = end_ms;
    return event;
}

/* A reservation changed (`from_status` 0: it is new): broadcast at its
 * place, and recorded for the projection and the audit log. */
static inline cs_event *cs_emit_change(cs_facility *f, cs_event_type type, cs_action action, uint8_t from_status,
                                       const cs_reservation *res) {
    cs_event *event = cs_emit(f, type, res->court, res->start_ms, res->end_ms);
    clock_row_changed(f, res);
    event->action = (uint8_t)action;
    event->from_status = from_status;
    event->reservation = *res;
    return event;
}

/* A reservation changed in a way watchers cannot see (no broadcast, no seq):
 * only the projection and the audit log record it. */
static inline void cs_record_change(cs_facility *f, cs_action action, uint8_t from_status, const cs_reservation *res) {
    CS_ASSERT(f->event_count < CS_EVENTS_MAX);
    f->changed = true;
    clock_row_changed(f, res);
    cs_event *event = &f->events[f->event_count++];
    *event = (cs_event){.type = 0, .court = res->court, .action = (uint8_t)action, .from_status = from_status,
                        .seq = f->seq, .start_ms = res->start_ms, .end_ms = res->end_ms, .reservation = *res};
}

/* A member's record changed: the projection gets it. */
static inline void cs_member_changed(cs_facility *f, const cs_member *m) {
    uint32_t row = (uint32_t)(m - f->members);
    f->changed = true;
    for (uint32_t i = 0; i < f->member_change_count; i++) {
        if (f->member_changes[i] == row) return;
    }
    CS_ASSERT(f->member_change_count < CS_MEMBER_CHANGES_MAX);
    f->member_changes[f->member_change_count++] = row;
}

/* Staff and admins act on any reservation; members on their own. */
static inline bool cs_is_staff(const cs_request *r) {
    return r->role == CS_ROLE_HOST || r->role == CS_ROLE_STAFF || r->role == CS_ROLE_ADMIN;
}

/* Staff and admins are not bound by the club's member rules. */
static inline bool cs_bypasses_rules(const cs_request *r) {
    return r->role == CS_ROLE_STAFF || r->role == CS_ROLE_ADMIN;
}

/* facility.c: configuration. */
cs_error facility_configure(cs_request *r);
cs_error facility_describe(cs_request *r);
/* The settings in the shape `configure` takes, inside an object the caller opened. */
void facility_write_settings(json_writer *w, const cs_config *c);
/* Checks the facilityId argument names this (configured) facility. */
cs_error facility_check_id(cs_request *r);
/* The same, for the facilityId's value node found already (args_gather). */
cs_error facility_check_id_at(cs_request *r, uint32_t node);
/* The index of the court with this id, or -1. */
int facility_court_index(const cs_config *c, const char *court_id);

/* calendar.c: the facility's local calendar. */
/* The local day (days since 1970) of an instant. */
int64_t calendar_local_day(const cs_config *c, int64_t utc_ms);
/* The UTC bounds of opening range `i` of the local day `local_day` (days since 1970). */
void calendar_range_utc(const cs_config *c, int64_t local_day, uint32_t i, int64_t *open_ms, int64_t *close_ms);
uint32_t calendar_range_count(const cs_config *c, int64_t local_day);
/* Quiet hours: an optional "HH:MM-HH:MM" field (null or absent: none). */
cs_error calendar_read_quiet_hours(const cs_args *a, const char *field, cs_quiet_hours *quiet);
void calendar_write_quiet_hours(json_writer *w, cs_quiet_hours quiet);
/* Whether `utc_ms` falls in the quiet hours; if so, when they began and when they end. */
bool calendar_quiet_at(const cs_config *c, cs_quiet_hours quiet, int64_t utc_ms, int64_t *began_ms, int64_t *ends_ms);
/* The club's rules for a slot: not past, on the grid, an allowed duration, within opening hours. */
cs_error calendar_check_slot(const cs_config *c, int64_t start_ms, int64_t end_ms, int64_t now_ms, cs_message *m);

/* reservation.c: the table of reservations. */
cs_reservation *reservation_find(cs_facility *f, const char *id);
/* A free row, forgetting the oldest ended reservation if the table is full; NULL if none can go. */
cs_reservation *reservation_allocate(cs_facility *f);
/* The table's derived state built afresh (the indexes, where allocation
 * looks): after a restore or a change of court numbers. */
void reservation_rebuild(cs_facility *f);
bool reservation_status_is_live(uint8_t status);
bool reservation_is_live(const cs_reservation *r);
/* Fills `rows` with the indices of live reservations on `court` that overlap
 * [start, end), except `except`, in no particular order (callers count or
 * sum them); returns how many. */
uint32_t reservation_overlapping(const cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms,
                                 const cs_reservation *except, uint32_t rows[CS_RESERVATIONS_MAX]);
/* Where the live rows that may overlap [start, end) start: in [from, to). */
void reservation_starts_between(const cs_facility *f, int64_t start_ms, int64_t end_ms, int64_t *from_ms,
                                int64_t *to_ms);
/* The most places the reservations in `rows` (or their confirmed ones) use
 * at any instant of [start, end). */
uint32_t reservation_peak(const cs_facility *f, const uint32_t *rows, uint32_t count, int64_t start_ms,
                          int64_t end_ms, bool confirmed_only);
/* A live reservation as a peak sees it, compact: the interval it takes
 * with the buffer, [from, to), its places and whether it is confirmed. */
typedef struct reservation_span {
    int64_t from_ms;
    int64_t to_ms;
    uint32_t places;
    bool confirmed;
} reservation_span;
/* The most spans reservation_span_peaks takes at once (a court's day at
 * availability; a busier one takes reservation_peak per slot). */
enum { RESERVATION_SPANS_MAX = 128 };
/* The spans of the reservations in `rows` (count <= RESERVATION_SPANS_MAX). */
void reservation_spans(const cs_facility *f, const uint32_t *rows, uint32_t count, reservation_span *spans);
/* reservation_peak over spans, both peaks in one pass: of all of them and
 * of the confirmed ones. */
void reservation_span_peaks(const reservation_span *spans, uint32_t count, int64_t start_ms, int64_t end_ms,
                            uint32_t *all, uint32_t *confirmed);
/* The most places in use at any instant of [start, end) on `court`, by live
 * reservations (or confirmed ones only), not counting `except`. */
uint32_t reservation_usage(cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms, bool confirmed_only,
                           const cs_reservation *except);
/* Forgets reservations whose time is over and recent history past its TTL. */
void reservation_forget_due(cs_facility *f, int64_t now_ms);
/* Lowers reservation_rows_end past the free rows at the table's end. */
void reservation_trim_rows(cs_facility *f);
/* When the clock next has work on a row in use: its hold lapses, or it is forgotten. */
int64_t reservation_due(const cs_reservation *r);
void reservation_write(const cs_facility *f, const cs_reservation *r, json_writer *w);
const char *reservation_status_name(uint8_t status);

/* index.c: reservation id -> row. Every row in use is in it; a row is
 * added once its id is set and removed before it is cleared. */
void index_add(cs_facility *f, const cs_reservation *res);
void index_remove(cs_facility *f, const cs_reservation *res);
/* The lowest row in use with this id, or NULL. */
cs_reservation *index_find(cs_facility *f, const char *id);
/* Builds the index afresh from the rows in use (after a restore). */
void index_rebuild(cs_facility *f);
/* A reservation's status changed from `from`: it joins or leaves the
 * member and place chains, which hold live rows only. */
void index_status_changed(cs_facility *f, const cs_reservation *res, uint8_t from);
#ifndef NDEBUG
void index_check(const cs_facility *f);
#endif
/* The live rows (held, confirmed) of a member's reservations, in no particular order:
 * for (row = index_member_first(f, id); row != INDEX_END; row = index_member_next(f, row, id)). */
#define INDEX_END UINT32_MAX
uint32_t index_member_first(const cs_facility *f, const char *member_id);
uint32_t index_member_next(const cs_facility *f, uint32_t row, const char *member_id);
/* The live rows on `court` starting in UTC day `day` (index_day_of),
 * in no particular order, as row + 1 (0: no more):
 * for (link = index_place_first(f, c, d); link != 0; link = index_place_after(f, c, d, link)). */
#define INDEX_DAY_MS INT64_C(86400000)
int64_t index_day_of(int64_t ms);
uint32_t index_place_first(const cs_facility *f, uint8_t court, int64_t day);
uint32_t index_place_after(const cs_facility *f, uint8_t court, int64_t day, uint32_t link);
/* A row's court, start or end changed (a move): it moves in the index (if
 * live), and its place's stamp counts the change. */
void index_moved(cs_facility *f, const cs_reservation *res);
/* At `stamp`, a number that grows whenever a live row on `court` starting
 * in [from, to) joins, leaves, or changes status or place (and sometimes
 * when one elsewhere does: buckets are shared): the same only when none of
 * those rows changed. False when the interval is too long to stamp (more
 * than four days). */
bool index_place_stamp(const cs_facility *f, uint8_t court, int64_t from_ms, int64_t to_ms, uint64_t *stamp);

/* idempotency.c: remembered attempt answers. */
const cs_idempotency_key *idempotency_find(const cs_facility *f, const char *member_id, const char *key);
/* Builds the key index afresh from the keys in use (after a restore or a change of courts). */
void idempotency_rebuild_index(cs_facility *f);
/* False when the table is full of keys younger than 24 h. */
bool idempotency_has_room(const cs_facility *f);
void idempotency_remember(cs_facility *f, const char *member_id, const char *key, const cs_reservation *r,
                          int64_t now_ms);
void idempotency_forget_due(cs_facility *f, int64_t now_ms);
int64_t idempotency_next_deadline(const cs_facility *f, int64_t deadline_ms);

/* clock.c: the clock's work. */
/* Advances the facility to `now` (booking_advance), unless nothing is due yet. */
void clock_advance(cs_facility *f, int64_t now_ms);
/* When the clock next has work, -1 if never: the output's deadline. */
int64_t clock_deadline(cs_facility *f);
/* The first row from `row` on that may have work due at `now` (every row
 * whose work is due is among them), or reservation_rows_end: the clock's
 * walks go for (i = clock_due_row(f, 0, now); i < end; i = clock_due_row(f, i + 1, now)). */
uint32_t clock_due_row(const cs_facility *f, uint32_t row, int64_t now_ms);

/* booking.c: the booking operations. */
void booking_advance(cs_facility *f, int64_t now_ms);
cs_error booking_attempt(cs_request *r);
cs_error booking_confirm(cs_request *r);
cs_error booking_release(cs_request *r);
cs_error booking_cancel(cs_request *r);
cs_error booking_get(cs_request *r);
cs_error booking_book(cs_request *r);
cs_error booking_reschedule(cs_request *r);
cs_error booking_import(cs_request *r);
/* Confirms (accept) or releases (decline) a waitlist offer's hold. */
void booking_settle_offer(cs_request *r, cs_reservation *res, bool accept);
/* A hold becomes a booking; a hold ends (released). */
void booking_confirm_held(cs_request *r, cs_reservation *res);
void booking_release_held(cs_request *r, cs_reservation *res);
/* A lapsed hold whose payment was made before it lapsed (the news came
 * late) becomes a booking, if its place is still free and ahead; false
 * (nothing changed) otherwise. */
bool booking_revive_paid(cs_request *r, cs_reservation *res);
/* Nobody came: the booking frees its place and counts on the member. */
void booking_mark_no_show(cs_facility *f, cs_reservation *res, int64_t now_ms);
/* The reservation the arguments name, if the actor may act on it. `fields`,
 * the operation's (at most 8), starts with facilityId and reservationId. */
cs_error booking_find_own(cs_request *r, const char *const *fields, cs_reservation **found);
/* {success, reservation} */
cs_error booking_write_reservation(cs_request *r, const cs_reservation *res);

/* rules.c: the club's booking rules. */
cs_error rules_read(const cs_args *a, cs_rules *rules);
void rules_write(json_writer *w, const cs_rules *rules);
const cs_rules *rules_for_member(const cs_facility *f, const char *member_id);
/* Window, notice and per-member limits for a booking by `member_id` (not counting `except`). */
cs_error rules_check_booking(const cs_facility *f, const char *member_id, int64_t start_ms, int64_t now_ms,
                             const cs_reservation *except, cs_message *m);
bool rules_cancel_is_late(const cs_facility *f, const cs_reservation *r, int64_t now_ms);

/* members.c: tiers and records. */
const cs_member *member_find(const cs_facility *f, const char *member_id);
/* The member's row, created if needed; NULL when the table is full. */
cs_member *member_record(cs_facility *f, const char *member_id);
bool member_has_room(const cs_facility *f, const char *member_id);
void member_remap_tiers(cs_facility *f, const cs_config *next);
cs_error member_show(cs_request *r);
/* {memberId, tier, lateCancellations, noShows} */
void member_write(json_writer *w, const cs_facility *f, const char *member_id);
cs_error member_set_tier(cs_request *r);
cs_error member_import(cs_request *r);

/* blocks.c: blocked periods. */
bool blocks_overlap(const cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms);
void blocks_forget_ended(cs_facility *f, int64_t now_ms);
int64_t blocks_next_deadline(const cs_facility *f, int64_t deadline_ms);
void blocks_write(json_writer *w, const cs_facility *f);
void blocks_remap_courts(cs_facility *f, const cs_config *next);
cs_error blocks_add(cs_request *r);
cs_error blocks_remove(cs_request *r);

/* waitlist.c: members waiting for a slot. */
cs_error waitlist_join(cs_request *r);
cs_error waitlist_leave(cs_request *r);
cs_error waitlist_accept(cs_request *r);
cs_error waitlist_decline(cs_request *r);
cs_error waitlist_list(cs_request *r);
cs_error waitlist_metrics(cs_request *r);
/* Books or offers `place` to the entry; false when a table is full. */
bool waitlist_serve_entry(cs_request *r, cs_entry *e, cs_place place);
/* The offer `res` stopped being a hold (confirmed, released, cancelled or
 * expired): its entry is booked or waits again, and the counts move. */
void waitlist_offer_ended(cs_facility *f, cs_reservation *res, int64_t now_ms);
void waitlist_changed(cs_facility *f, const cs_entry *e);
/* Windows that passed unserved; history past its TTL. */
void waitlist_advance(cs_facility *f, int64_t now_ms);
int64_t waitlist_next_deadline(const cs_facility *f, int64_t deadline_ms);
void waitlist_write_entry(json_writer *w, const cs_facility *f, const cs_entry *e);
void waitlist_write_promotion(json_writer *w, const cs_facility *f, const cs_promotion *p);
/* The waitlist settings of `configure`; `a` NULL: the defaults. */
cs_error waitlist_read_rules(const cs_args *a, cs_waitlist_rules *w);
void waitlist_write_rules(json_writer *w, const cs_waitlist_rules *rules);
void waitlist_remap_courts(cs_facility *f, const cs_config *next, int64_t now_ms);

/* matcher.c: whom the waitlist serves. */
/* Serves waiting entries while places this command opened (or, after quiet
 * hours, any places) can take them. */
void matcher_run(cs_request *r);
/* The best place free now anywhere in the entry's window. */
bool matcher_place_now(cs_request *r, const cs_entry *e, cs_place *place);

/* reminders.c: the reminder planner and no-shows. */
cs_error reminders_read_rules(const cs_args *a, cs_reminder_rules *rules);
void reminders_write_rules(json_writer *w, const cs_reminder_rules *rules);
/* The reminder times of the reservation's current plan, ascending. */
uint32_t reminders_plan(const cs_config *c, const cs_reservation *r, int64_t times[CS_REMINDERS_PER_BOOKING]);
/* A booking was confirmed (or moved): plan its reminders from now. */
void reminders_start(cs_facility *f, cs_reservation *res, int64_t now_ms, bool confirm_notice);
/* Its pending reminders are cancelled (before a cancel, a move, a no-show). */
void reminders_stop(cs_facility *f, cs_reservation *res, bool cancel_notice);
void reminders_advance(cs_facility *f, int64_t now_ms);
/* Recomputes the cached next reminder time of a reservation. */
void reminders_refresh(const cs_facility *f, cs_reservation *res);
/* When a row's next reminder or no-show check is due, -1 if never. */
int64_t reminders_due(const cs_facility *f, const cs_reservation *res);
void reminders_write_jobs(json_writer *w, const cs_facility *f, const cs_reservation *res);
void reminders_write_job_id(json_writer *w, const char *reservation_id, uint16_t n);
cs_error reminders_check_in(cs_request *r);
/* The member served from entry `entry_row` is told: an offer or a booking. */
void reminders_notice_waitlist(cs_facility *f, const cs_reservation *res, uint16_t entry_row);

/* pricing.c: the price list. */
/* The `pricing` settings of `configure` (after courts, durations and tiers are read). */
cs_error pricing_read(const cs_args *a, cs_config *c);
void pricing_write(json_writer *w, const cs_config *c);
bool pricing_enabled(const cs_config *c);
/* Whether a booking starting then is in the peak hours of a peak day. */
bool pricing_is_peak(const cs_config *c, int64_t start_ms);
/* What a member's booking of [start, end) on `court` costs, in minor units (0: free). */
uint32_t pricing_amount(const cs_facility *f, const char *member_id, uint8_t court, int64_t start_ms, int64_t end_ms);
/* `price`: a quote before the hold. */
cs_error pricing_quote(cs_request *r);

/* payments.c: checkout, payments and refunds. */
/* A new hold gets its price (and owes it, unless it is free). */
void payments_price_hold(cs_facility *f, cs_reservation *res);
/* A move keeps a priced reservation's price honest: a hold not yet in
 * checkout takes the new place's price; one in checkout or paid may move
 * (by a member) only to a place of the same price. Changes `res` only when
 * it returns CS_OK. */
cs_error payments_check_move(cs_request *r, cs_reservation *res, uint8_t court, int64_t start_ms, int64_t end_ms);
/* The optional `payment` of `import` into `into`'s payment fields (only those). */
cs_error payments_read_import(const cs_args *a, cs_reservation *into);
/* Marks a paid reservation refunded and asks the host to refund it. */
void payments_refund(cs_facility *f, cs_reservation *res, cs_refund_reason reason, int64_t now_ms);
/* {status, amount, currency, payBy?, paymentId?} */
void payments_write(json_writer *w, const cs_facility *f, const cs_reservation *res);
/* The effects {type: "refund", refund} of the running command. */
void payments_write_refunds(json_writer *w, const cs_facility *f);
const char *payments_reason_name(uint8_t reason);
cs_error payments_checkout(cs_request *r);
cs_error payments_completed(cs_request *r);
cs_error payments_checkout_expired(cs_request *r);
cs_error payments_staff_refund(cs_request *r);

/* availability.c */
cs_error availability_day(cs_request *r);

/* day_text.c: the text of court-days as availability last wrote them (a
 * court's object with its slots), kept with what it is a function of, so
 * that a day read again copies the courts nothing has changed on. `key`
 * names a court-day and everything its text depends on. */
typedef struct day_text_key {
    int64_t local_day;
    uint8_t court;
    uint64_t config_changes; /* the facility's configuration */
    int64_t starts_from_ms;  /* the court's live reservations: index_place_stamp(court, starts_from, starts_to) */
    int64_t starts_to_ms;
    uint64_t stamp;
} day_text_key;
/* The text kept for `key` (its length at `len`), or NULL. */
const char *day_text_find(const cs_facility *f, const day_text_key *key, size_t *len);
/* Keeps `text` for `key`, in place of what its court-day's entry held
 * (nothing when it takes more than an eighth of CS_DAY_TEXT_BYTES). */
void day_text_keep(cs_facility *f, const day_text_key *key, const char *text, size_t len);

/* Writes an instant as RFC 3339 text. */
void cs_write_time(json_writer *w, int64_t ms);
/* The same, reusing the date of the last time written with `memo` when it is the same day. */
void cs_write_time_memo(json_writer *w, int64_t ms, civil_date_memo *memo);

#endif
