/* reminders.c: the reminder planner and no-show detection. A confirmed
 * booking gets a plan of reminder jobs ({reservationId}-reminder-{n}) from
 * the facility's policy (fixed offsets before the start, or every N hours
 * from booking until the start), computed from the booking and the moment
 * it was planned, so the plan is never stored, only how far it has gone.
 * Reminders already past when planned are skipped; one due in quiet hours
 * goes out just before them. A confirmed booking nobody checked in to by
 * start + grace becomes a no-show and frees its place. */
#include <string.h>

#include "civil.h"
#include "core.h"

#define MINUTE CIVIL_MS_PER_MINUTE

static const char *const reminder_fields[] = {"offsetsMinutes", "everyHours", "quietHours", "noShowGraceMinutes", NULL};

static cs_error read_offsets(const cs_args *a, uint32_t node, cs_reminder_rules *rules) {
    const json_node *n = json_at(a->doc, node);
    if (n->type != JSON_ARRAY || n->count > CS_REMINDER_OFFSETS_MAX) {
        return cs_fail_field(a->message, "offsetsMinutes", "must be an array of at most 4 offsets");
    }
    uint32_t count = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(a->doc, item)->next, count++) {
        const json_node *v = json_at(a->doc, item);
        if (v->type != JSON_NUMBER || !v->is_integer || v->integer < 1 || v->integer > 43200 ||
            (count > 0 && v->integer >= rules->offsets_minutes[count - 1])) {
            return cs_fail_field(a->message, "offsetsMinutes", "offsets are 1-43200 minutes, largest first");
        }
        rules->offsets_minutes[count] = (uint32_t)v->integer;
    }
    rules->offset_count = (uint8_t)count;
    rules->policy = count > 0 ? CS_REMIND_OFFSETS : CS_REMIND_NEVER;
    return CS_OK;
}

cs_error reminders_read_rules(const cs_args *a, cs_reminder_rules *rules) {
    *rules = (cs_reminder_rules){.policy = CS_REMIND_OFFSETS, .offset_count = 2, .offsets_minutes = {1440, 120},
                                 .quiet = {-1, -1}, .no_show_grace_minutes = 15};
    if (a == NULL) return CS_OK;
    uint32_t offsets;
    int64_t every, grace = 15;
    bool has_every, present;
    cs_error e = args_check_known(a, reminder_fields);
    if (e == CS_OK) e = args_find(a, "offsetsMinutes", &offsets);
    if (e == CS_OK) e = args_int(a, "everyHours", false, 1, 168, &every, &has_every);
    if (e == CS_OK) e = args_int(a, "noShowGraceMinutes", false, 0, 240, &grace, &present);
    if (e != CS_OK) return e;
    if (offsets != 0 && has_every) return cs_fail_field(a->message, "everyHours", "give offsetsMinutes or everyHours, not both");
    if (offsets != 0) e = read_offsets(a, offsets, rules);
    if (has_every) *rules = (cs_reminder_rules){.policy = CS_REMIND_INTERVAL, .every_minutes = (uint32_t)every * 60};
    rules->no_show_grace_minutes = (uint32_t)grace;
    return e == CS_OK ? calendar_read_quiet_hours(a, "quietHours", &rules->quiet) : e;
}

void reminders_write_rules(json_writer *w, const cs_reminder_rules *rules) {
    json_object_begin(w);
    if (rules->policy == CS_REMIND_INTERVAL) {
        json_key(w, "everyHours");
        json_int(w, rules->every_minutes / 60);
    } else {
        json_key(w, "offsetsMinutes");
        json_array_begin(w);
        for (uint32_t i = 0; i < rules->offset_count; i++) json_int(w, rules->offsets_minutes[i]);
        json_array_end(w);
    }
    json_key(w, "quietHours");
    calendar_write_quiet_hours(w, rules->quiet);
    json_key(w, "noShowGraceMinutes");
    json_int(w, rules->no_show_grace_minutes);
    json_object_end(w);
}

/* A reminder due in quiet hours goes out when they begin instead (earlier). */
static int64_t before_quiet_hours(const cs_config *c, const cs_reminder_rules *rules, int64_t t) {
    int64_t began_ms, ends_ms;
    return calendar_quiet_at(c, rules->quiet, t, &began_ms, &ends_ms) ? began_ms : t;
}

/* Adds t to the ascending plan, unless it is not after `after`, not before
 * the start, or already there; keeps the latest CS_REMINDERS_PER_BOOKING. */
static uint32_t plan_add(int64_t *times, uint32_t count, int64_t t, int64_t after, int64_t start_ms) {
    if (t <= after || t >= start_ms) return count;
    uint32_t at = count;
    while (at > 0 && times[at - 1] >= t) at--;
    if (at < count && times[at] == t) return count;
    if (count == CS_REMINDERS_PER_BOOKING) {
        if (at == 0) return count; /* earlier than all kept: dropped */
        memmove(times, times + 1, (size_t)(at - 1) * sizeof *times);
        times[at - 1] = t;
        return count;
    }
    memmove(times + at + 1, times + at, (size_t)(count - at) * sizeof *times);
    times[at] = t;
    return count + 1;
}

uint32_t reminders_plan(const cs_config *c, const cs_reservation *r, int64_t times[CS_REMINDERS_PER_BOOKING]) {
    const cs_reminder_rules *rules = &r->plan;
    uint32_t count = 0;
    if (r->planned_ms == 0) return 0;
    if (rules->policy == CS_REMIND_OFFSETS) {
        for (uint32_t i = 0; i < rules->offset_count; i++) {
            int64_t t = before_quiet_hours(c, rules, r->start_ms - (int64_t)rules->offsets_minutes[i] * MINUTE);
            count = plan_add(times, count, t, r->planned_ms, r->start_ms);
        }
    } else if (rules->policy == CS_REMIND_INTERVAL) {
        int64_t every_ms = (int64_t)rules->every_minutes * MINUTE;
        /* Only the last CS_REMINDERS_PER_BOOKING intervals can be kept. */
        int64_t steps = (r->start_ms - r->planned_ms) / every_ms;
        int64_t k = steps > CS_REMINDERS_PER_BOOKING ? steps - CS_REMINDERS_PER_BOOKING : 1;
        for (; k <= steps; k++) {
            count = plan_add(times, count, before_quiet_hours(c, rules, r->planned_ms + k * every_ms), r->planned_ms, r->start_ms);
        }
    }
    return count;
}

static void notice(cs_facility *f, cs_notice_kind kind, const cs_reservation *res, uint16_t job, uint32_t minutes) {
    CS_ASSERT(f->notice_count < CS_NOTICES_MAX);
    f->notices[f->notice_count++] = (cs_notice){.kind = (uint8_t)kind, .job = job, .minutes_before = minutes, .reservation = *res};
    f->changed = true;
}

void reminders_notice_waitlist(cs_facility *f, const cs_reservation *res, uint16_t entry_row) {
    notice(f, res->status == CS_HELD ? CS_NOTICE_WAITLIST_OFFER : CS_NOTICE_WAITLIST_BOOKED, res, 0, 0);
    f->notices[f->notice_count - 1].entry = (uint16_t)(entry_row + 1);
}

static void replanned(cs_facility *f, const cs_reservation *res, uint16_t cancel_first, uint16_t cancel_last) {
    uint32_t row = (uint32_t)(res - f->reservations);
    for (uint32_t i = 0; i < f->replan_count; i++) {
        if (f->replans[i].row == row && strcmp(f->replans[i].id, res->id) == 0) { /* a reused row is another reservation */
            if (cancel_last >= cancel_first) {
                if (f->replans[i].cancel_last < f->replans[i].cancel_first) f->replans[i].cancel_first = cancel_first;
                f->replans[i].cancel_last = cancel_last;
            }
            return;
        }
    }
    CS_ASSERT(f->replan_count < CS_NOTICES_MAX);
    cs_replan *p = &f->replans[f->replan_count++];
    *p = (cs_replan){.row = row, .cancel_first = cancel_first, .cancel_last = cancel_last};
    CS_ASSERT(strlen(res->id) < sizeof p->id);
    memcpy(p->id, res->id, strlen(res->id) + 1);
}

/* Due reminders beyond this many in one command wait for the next tick, so
 * the operation and the waitlist always have room for their notices. */
enum { NOTICES_KEPT_FOR_OPERATIONS = 2 * CS_PROMOTIONS_MAX };

static bool advance_has_room(const cs_facility *f) {
    return f->notice_count + NOTICES_KEPT_FOR_OPERATIONS <= CS_NOTICES_MAX &&
           f->replan_count + NOTICES_KEPT_FOR_OPERATIONS <= CS_NOTICES_MAX &&
           f->member_change_count + CS_MEMBER_CHANGES_KEPT_FOR_OPERATIONS <= CS_MEMBER_CHANGES_MAX &&
           cs_clock_has_room(f);
}

void reminders_refresh(const cs_facility *f, cs_reservation *res) {
    int64_t times[CS_REMINDERS_PER_BOOKING];
    uint32_t count = res->status == CS_CONFIRMED ? reminders_plan(&f->config, res, times) : 0;
    res->reminder_due_ms = res->reminders_sent < count ? times[res->reminders_sent] : 0;
}

void reminders_start(cs_facility *f, cs_reservation *res, int64_t now_ms, bool confirm_notice) {
    res->planned_ms = now_ms;
    res->plan = f->config.reminders;
    res->reminders_sent = 0;
    reminders_refresh(f, res);
    replanned(f, res, 1, 0);
    if (confirm_notice) notice(f, CS_NOTICE_CONFIRMATION, res, 0, 0);
}

void reminders_stop(cs_facility *f, cs_reservation *res, bool cancel_notice) {
    int64_t times[CS_REMINDERS_PER_BOOKING];
    uint32_t count = reminders_plan(&f->config, res, times);
    uint16_t first = (uint16_t)(res->reminder_first + res->reminders_sent + 1);
    replanned(f, res, first, (uint16_t)(res->reminder_first + count));
    res->reminder_first = (uint16_t)(res->reminder_first + count);
    res->reminders_sent = 0;
    res->planned_ms = 0;
    res->reminder_due_ms = 0;
    if (cancel_notice) notice(f, CS_NOTICE_CANCELLATION, res, 0, 0);
}

/* No-shows first (they free places), then the reminders that are due. */
void reminders_advance(cs_facility *f, int64_t now_ms) {
    const cs_reminder_rules *rules = &f->config.reminders;
    for (uint32_t i = clock_due_row(f, 0, now_ms); i < f->reservation_rows_end && advance_has_room(f);
         i = clock_due_row(f, i + 1, now_ms)) {
        cs_reservation *res = &f->reservations[i];
        if (!res->in_use || res->status != CS_CONFIRMED) continue;
        if (rules->no_show_grace_minutes != 0 && !res->checked_in &&
            res->start_ms + (int64_t)rules->no_show_grace_minutes * MINUTE <= now_ms) {
            booking_mark_no_show(f, res, now_ms);
            notice(f, CS_NOTICE_NO_SHOW, res, 0, 0);
            continue;
        }
        if (res->reminder_due_ms == 0 || res->reminder_due_ms > now_ms) continue;
        int64_t times[CS_REMINDERS_PER_BOOKING];
        uint32_t count = reminders_plan(&f->config, res, times);
        while (res->reminders_sent < count && times[res->reminders_sent] <= now_ms && advance_has_room(f)) {
            int64_t t = times[res->reminders_sent++];
            uint16_t job = (uint16_t)(res->reminder_first + res->reminders_sent);
            f->changed = true; /* even when none is sent: the host logs the command, so a replay skips it too */
            if (now_ms >= res->start_ms) { /* too late to be of use: not sent, and its job cancelled */
                replanned(f, res, job, job);
                continue;
            }
            notice(f, CS_NOTICE_REMINDER, res, job, (uint32_t)((res->start_ms - t) / MINUTE));
        }
        reminders_refresh(f, res);
        clock_row_changed(f, res);
    }
}

int64_t reminders_due(const cs_facility *f, const cs_reservation *res) {
    const cs_reminder_rules *rules = &f->config.reminders;
    if (!res->in_use || res->status != CS_CONFIRMED) return -1;
    int64_t due = res->reminder_due_ms != 0 ? res->reminder_due_ms : -1;
    if (rules->no_show_grace_minutes != 0 && !res->checked_in) {
        int64_t check = res->start_ms + (int64_t)rules->no_show_grace_minutes * MINUTE;
        if (due < 0 || check < due) due = check;
    }
    return due;
}

/* [{"jobId","scheduledFor"}] of the jobs of the current plan not yet due. */
void reminders_write_jobs(json_writer *w, const cs_facility *f, const cs_reservation *res) {
    int64_t times[CS_REMINDERS_PER_BOOKING];
    uint32_t count = res->status == CS_CONFIRMED ? reminders_plan(&f->config, res, times) : 0;
    json_array_begin(w);
    for (uint32_t i = res->reminders_sent; i < count; i++) {
        json_object_begin(w);
        json_key(w, "jobId");
        reminders_write_job_id(w, res->id, (uint16_t)(res->reminder_first + i + 1));
        json_key(w, "scheduledFor");
        cs_write_time(w, times[i]);
        json_object_end(w);
    }
    json_array_end(w);
}

void reminders_write_job_id(json_writer *w, const char *reservation_id, uint16_t n) {
    char id[CS_ID_MAX + 16];
    size_t len = strlen(reservation_id);
    memcpy(id, reservation_id, len);
    memcpy(id + len, "-reminder-", 10);
    len += 10;
    char digits[6];
    size_t d = 0;
    do {
        digits[d++] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    while (d > 0) id[len++] = digits[--d];
    json_string_n(w, id, len);
}

static const char *const checkin_fields[] = {"facilityId", "reservationId", NULL};

cs_error reminders_check_in(cs_request *r) {
    cs_reservation *res;
    cs_error e = booking_find_own(r, checkin_fields, &res);
    if (e != CS_OK) return e;
    if (res->status != CS_CONFIRMED) return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "only confirmed bookings can be checked in");
    if (r->now_ms < res->start_ms - 60 * MINUTE || r->now_ms >= res->end_ms) {
        return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "check-in opens an hour before the start and closes at the end");
    }
    if (!res->checked_in) {
        res->checked_in = true;
        res->version++;
        res->updated_ms = r->now_ms;
        cs_record_change(r->f, CS_ACTION_CHECK_IN, CS_CONFIRMED, res);
    }
    return booking_write_reservation(r, res);
}
