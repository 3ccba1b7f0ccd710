/* payments.c: paying for a booking. A priced hold goes to checkout (its
 * hold lengthened to cover the payment window), is confirmed by its
 * payment, or released when the checkout expires; a payment that arrives
 * after the hold ended, twice, or for another amount is refunded; a paid
 * booking cancelled in time (or by staff) is refunded. The core decides and
 * records; the host talks to the payment provider (docs/PAYMENTS.md). */
#include <string.h>

#include "civil.h"
#include "core.h"

static const char *const payment_names[] = {
    [CS_PAY_NONE] = "none", [CS_PAY_DUE] = "due", [CS_PAY_CHECKOUT] = "checkout",
    [CS_PAY_PAID] = "paid", [CS_PAY_REFUNDED] = "refunded",
};

static const char *const reason_names[] = {
    [CS_REFUND_CANCELLED] = "cancelled",        [CS_REFUND_HOLD_LOST] = "hold_lost",
    [CS_REFUND_ALREADY_PAID] = "already_paid",  [CS_REFUND_AMOUNT_MISMATCH] = "amount_mismatch",
    [CS_REFUND_UNKNOWN] = "unknown_reservation", [CS_REFUND_BY_STAFF] = "staff",
};

const char *payments_reason_name(uint8_t reason) { return reason_names[reason]; }

void payments_write(json_writer *w, const cs_facility *f, const cs_reservation *res) {
    json_object_begin(w);
    json_key(w, "status");
    json_string(w, payment_names[res->payment]);
    json_key(w, "amount");
    json_int(w, res->amount);
    json_key(w, "currency");
    json_string(w, f->config.pricing.currency);
    if (res->pay_by_ms != 0) {
        json_key(w, "payBy");
        cs_write_time(w, res->pay_by_ms);
    }
    if (res->payment_id[0] != '\0') {
        json_key(w, "paymentId");
        json_string(w, res->payment_id);
    }
    json_object_end(w);
}

static void touch(cs_reservation *res, int64_t now_ms) {
    res->version++;
    res->updated_ms = now_ms;
}

/* Asks the host for a refund of `payment_id`. */
static void ask_refund(cs_facility *f, const char *reservation_id, const char *payment_id, uint32_t amount,
                       cs_refund_reason reason) {
    CS_ASSERT(f->refund_count < CS_REFUNDS_MAX);
    cs_refund *refund = &f->refunds[f->refund_count++];
    *refund = (cs_refund){.reason = (uint8_t)reason, .amount = amount};
    memcpy(refund->reservation_id, reservation_id, strlen(reservation_id) + 1);
    memcpy(refund->payment_id, payment_id, strlen(payment_id) + 1);
    f->changed = true;
}

/* The member is told their payment comes back, and why. */
static void notice_refund(cs_facility *f, const cs_reservation *res, cs_refund_reason reason) {
    CS_ASSERT(f->notice_count < CS_NOTICES_MAX);
    f->notices[f->notice_count++] = (cs_notice){.kind = CS_NOTICE_PAYMENT_REFUNDED, .refund_reason = (uint8_t)reason,
                                                .reservation = *res};
}

void payments_refund(cs_facility *f, cs_reservation *res, cs_refund_reason reason, int64_t now_ms) {
    CS_ASSERT(res->payment == CS_PAY_PAID);
    res->payment = CS_PAY_REFUNDED;
    touch(res, now_ms);
    ask_refund(f, res->id, res->payment_id, res->amount, reason);
    if (reason != CS_REFUND_CANCELLED) notice_refund(f, res, reason); /* a cancellation has its own notice */
    cs_record_change(f, CS_ACTION_REFUND, res->status, res);
}

void payments_price_hold(cs_facility *f, cs_reservation *res) {
    res->amount = pricing_amount(f, res->member_id, res->court, res->start_ms, res->end_ms);
    res->payment = res->amount > 0 ? CS_PAY_DUE : CS_PAY_NONE;
}

cs_error payments_check_move(cs_request *r, cs_reservation *res, uint8_t court, int64_t start_ms, int64_t end_ms) {
    if (res->payment == CS_PAY_NONE || res->payment == CS_PAY_REFUNDED) return CS_OK;
    uint32_t price = pricing_amount(r->f, res->member_id, court, start_ms, end_ms);
    if (res->payment == CS_PAY_DUE) {
        res->amount = price;
        res->payment = price > 0 ? CS_PAY_DUE : CS_PAY_NONE;
        return CS_OK;
    }
    if (price == res->amount || cs_bypasses_rules(r)) return CS_OK; /* staff decide what a move costs */
    cs_fail_rule(&r->f->message, "price", "the new time costs ");
    cs_message_int(&r->f->message, price);
    cs_message_text(&r->f->message, " and this booking was paid (or is being paid) at ");
    cs_message_int(&r->f->message, res->amount);
    cs_message_text(&r->f->message, ": cancel it and book the new time instead");
    return CS_ERR_RULE_VIOLATION;
}

static const char *const import_fields[] = {"status", "amount", "currency", "payBy", "paymentId", NULL};

/* An imported booking's `payment` (as reservation_write gives it): due,
 * paid or refunded; paid and refunded name their payment. Absent: none. */
cs_error payments_read_import(const cs_args *outer, cs_reservation *into) {
    uint32_t node;
    cs_message *m = outer->message;
    cs_error e = args_find(outer, "payment", &node);
    if (e != CS_OK || node == 0 || json_at(outer->doc, node)->type == JSON_NULL) return e;
    if (json_at(outer->doc, node)->type != JSON_OBJECT) return cs_fail_field(m, "payment", "must be an object or null");
    cs_args a = {.doc = outer->doc, .args = node, .params = 0, .message = m};
    char status[CS_ID_MAX + 1];
    int64_t amount;
    bool present;
    e = args_check_known(&a, import_fields);
    if (e == CS_OK) e = args_id(&a, "status", true, status);
    if (e == CS_OK) e = args_int(&a, "amount", true, 0, CS_PRICE_AMOUNT_MAX, &amount, &present);
    if (e == CS_OK) e = args_id(&a, "paymentId", false, into->payment_id);
    if (e != CS_OK) return e;
    uint8_t state = strcmp(status, "due") == 0 ? CS_PAY_DUE
                    : strcmp(status, "paid") == 0 ? CS_PAY_PAID
                    : strcmp(status, "refunded") == 0 ? CS_PAY_REFUNDED : CS_PAY_NONE;
    if (state == CS_PAY_NONE) return cs_fail_field(m, "payment", "status must be due, paid or refunded");
    if (state != CS_PAY_DUE && into->payment_id[0] == '\0') return cs_fail_field(m, "payment", "a paid booking needs its paymentId");
    into->payment = state;
    into->amount = (uint32_t)amount;
    return CS_OK;
}

/* One refund, as the reply that asked for it and the outbox's effect show it. */
static void write_refund(json_writer *w, const cs_facility *f, const cs_refund *refund) {
    json_object_begin(w);
    json_key(w, "reservationId");
    json_string(w, refund->reservation_id);
    json_key(w, "paymentId");
    json_string(w, refund->payment_id);
    json_key(w, "amount");
    json_int(w, refund->amount);
    json_key(w, "currency");
    json_string(w, f->config.pricing.currency);
    json_key(w, "reason");
    json_string(w, reason_names[refund->reason]);
    json_object_end(w);
}

static void write_outcome(cs_request *r, const char *outcome, const cs_reservation *res) {
    json_writer *w = r->reply;
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "outcome");
    json_string(w, outcome);
    if (res != NULL) {
        json_key(w, "reservation");
        reservation_write(r->f, res, w);
    }
    if (r->f->refund_count > 0) {
        json_key(w, "refund");
        write_refund(w, r->f, &r->f->refunds[r->f->refund_count - 1]);
    }
    json_object_end(w);
}

static const char *const checkout_fields[] = {"facilityId", "reservationId", NULL};

/* The holder starts paying: a free hold is confirmed at once; a priced one
 * gets its payment window (once: asking again answers the same). */
cs_error payments_checkout(cs_request *r) {
    cs_reservation *res;
    cs_error e = booking_find_own(r, checkout_fields, &res);
    if (e != CS_OK) return e;
    if (res->status == CS_CONFIRMED && res->payment == CS_PAY_NONE) {
        write_outcome(r, "confirmed", res);
        return CS_OK;
    }
    if (res->status != CS_HELD) {
        if (res->status == CS_EXPIRED) return cs_fail(&r->f->message, CS_ERR_HOLD_EXPIRED, "the hold has expired");
        return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "only a held reservation can be paid for");
    }
    if (r->now_ms >= res->hold_expiry_ms) return cs_fail(&r->f->message, CS_ERR_HOLD_EXPIRED, "the hold has expired");
    if (res->payment == CS_PAY_NONE) {
        booking_confirm_held(r, res);
        write_outcome(r, "confirmed", res);
        return CS_OK;
    }
    if (res->payment == CS_PAY_DUE) {
        const cs_pricing *p = &r->f->config.pricing;
        res->payment = CS_PAY_CHECKOUT;
        res->pay_by_ms = r->now_ms + (int64_t)p->payment_window_minutes * CIVIL_MS_PER_MINUTE;
        res->pay_by_ms -= res->pay_by_ms % 1000; /* whole seconds, as the payment provider takes it */
        res->hold_expiry_ms = res->pay_by_ms + (int64_t)CS_PAYMENT_GRACE_MINUTES * CIVIL_MS_PER_MINUTE;
        touch(res, r->now_ms);
        cs_record_change(r->f, CS_ACTION_CHECKOUT, CS_HELD, res);
    }
    write_outcome(r, "checkout", res);
    return CS_OK;
}

static const char *const paid_fields[] = {"facilityId", "reservationId", "paymentId", "amount", "currency", "paidAt", NULL};

typedef struct payment_args {
    char reservation_id[CS_ID_MAX + 1];
    char payment_id[CS_ID_MAX + 1];
    int64_t amount;
    int64_t paid_ms;            /* when the provider says it was paid, 0: not said */
    char currency[CS_ID_MAX + 1];
} payment_args;

static cs_error read_payment(cs_request *r, payment_args *a) {
    bool present;
    cs_error e = args_check_known(&r->args, paid_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "reservationId", true, a->reservation_id);
    if (e == CS_OK) e = args_id(&r->args, "paymentId", true, a->payment_id);
    if (e == CS_OK) e = args_int(&r->args, "amount", true, 0, INT64_C(1) << 40, &a->amount, &present);
    if (e == CS_OK) e = args_id(&r->args, "currency", false, a->currency);
    if (e == CS_OK) e = args_time(&r->args, "paidAt", false, &a->paid_ms, &present);
    if (e == CS_OK && !present) a->paid_ms = 0;
    return e;
}

/* The money goes back without touching the reservation: a second payment,
 * or one of another amount (the reservation still owes its price). */
static const char *refund_payment(cs_request *r, const cs_reservation *res, const payment_args *a,
                                  cs_refund_reason reason) {
    ask_refund(r->f, res->id, a->payment_id, (uint32_t)a->amount, reason);
    cs_notice *n = &r->f->notices[r->f->notice_count];
    notice_refund(r->f, res, reason);
    n->reservation.amount = (uint32_t)a->amount; /* tell them what they paid */
    return "refunded";
}

/* A paid reservation: confirmed when its hold still stands (or staff
 * confirmed it meanwhile); otherwise the money goes back. */
static const char *settle(cs_request *r, cs_reservation *res, const payment_args *a) {
    bool waiting = res->payment == CS_PAY_DUE || res->payment == CS_PAY_CHECKOUT;
    if (strcmp(res->payment_id, a->payment_id) == 0) return "duplicate"; /* a redelivered event */
    if (!waiting) return refund_payment(r, res, a, CS_REFUND_ALREADY_PAID);
    bool right_amount = a->amount == res->amount &&
                        (a->currency[0] == '\0' || strcmp(a->currency, r->f->config.pricing.currency) == 0);
    if (!right_amount) return refund_payment(r, res, a, CS_REFUND_AMOUNT_MISMATCH);
    memcpy(res->payment_id, a->payment_id, strlen(a->payment_id) + 1);
    res->payment = CS_PAY_PAID;
    if (res->status == CS_HELD) {
        booking_confirm_held(r, res); /* touches and records it */
        return "confirmed";
    }
    if (res->status == CS_CONFIRMED) {
        touch(res, r->now_ms);
        cs_record_change(r->f, CS_ACTION_PAY, CS_CONFIRMED, res);
        return "confirmed";
    }
    /* Paid before the hold lapsed, the news late: booked if the place is still free. */
    bool in_time = a->paid_ms != 0 && a->paid_ms < res->hold_expiry_ms;
    if (res->status == CS_EXPIRED && in_time && booking_revive_paid(r, res)) return "confirmed";
    payments_refund(r->f, res, CS_REFUND_HOLD_LOST, r->now_ms);
    return "refunded";
}

/* The host verified the provider's word that a payment completed. */
cs_error payments_completed(cs_request *r) {
    payment_args a;
    if (r->role != CS_ROLE_HOST) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only the host reports payments");
    cs_error e = read_payment(r, &a);
    if (e != CS_OK) return e;
    if (a.amount > UINT32_MAX) return cs_fail_field(&r->f->message, "amount", "is too large");
    cs_reservation *res = reservation_find(r->f, a.reservation_id);
    if (res == NULL) { /* forgotten (or never here): nothing to book, the money goes back */
        ask_refund(r->f, a.reservation_id, a.payment_id, (uint32_t)a.amount, CS_REFUND_UNKNOWN);
        write_outcome(r, "refunded", NULL);
        return CS_OK;
    }
    write_outcome(r, settle(r, res, &a), res);
    return CS_OK;
}

static const char *const expired_fields[] = {"facilityId", "reservationId", NULL};

/* The checkout session expired unpaid: its hold ends now. */
cs_error payments_checkout_expired(cs_request *r) {
    char id[CS_ID_MAX + 1];
    if (r->role != CS_ROLE_HOST) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only the host reports payments");
    cs_error e = args_check_known(&r->args, expired_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "reservationId", true, id);
    if (e != CS_OK) return e;
    cs_reservation *res = reservation_find(r->f, id);
    if (res != NULL && res->status == CS_HELD && res->payment == CS_PAY_CHECKOUT) {
        booking_release_held(r, res);
        write_outcome(r, "released", res);
        return CS_OK;
    }
    write_outcome(r, "ignored", res);
    return CS_OK;
}

static const char *const refund_fields[] = {"facilityId", "reservationId", NULL};

/* Staff give a paid booking's money back; the booking stays as it is. */
cs_error payments_staff_refund(cs_request *r) {
    cs_reservation *res;
    if (!cs_bypasses_rules(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can refund");
    cs_error e = booking_find_own(r, refund_fields, &res);
    if (e != CS_OK) return e;
    if (res->payment == CS_PAY_REFUNDED) {
        write_outcome(r, "refunded", res);
        return CS_OK;
    }
    if (res->payment != CS_PAY_PAID) return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "nothing was paid for this reservation");
    payments_refund(r->f, res, CS_REFUND_BY_STAFF, r->now_ms);
    write_outcome(r, "refunded", res);
    return CS_OK;
}

void payments_write_refunds(json_writer *w, const cs_facility *f) {
    for (uint32_t i = 0; i < f->refund_count; i++) {
        const cs_refund *refund = &f->refunds[i];
        json_object_begin(w);
        json_key(w, "type");
        json_string(w, "refund");
        json_key(w, "refund");
        write_refund(w, f, refund);
        json_object_end(w);
    }
}
