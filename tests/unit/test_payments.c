/* test_payments.c: prices and payments through the core's one entry point:
 * the price of a hold by court type, duration, peak hours and days and
 * tier; the hold lengthened by checkout and its expiry; payments confirming
 * a hold, arriving late (refunded, or booked when paid in time), twice
 * (once), and refunds on cancel before and after the cutoff; the waitlist
 * offering rather than booking a priced court; a snapshot taken
 * mid-checkout restores the same state. */
#include "check.h"
#include "driver.h"
#include "snapshot.h"

/* Peak 17:00-21:00 on weekdays; "indoor" courts cost more; gold is free. */
static const char *config =
    "{\"facilityId\":\"club\",\"name\":\"Club\",\"timeZone\":\"America/New_York\","
    "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\",\"type\":\"indoor\"},{\"courtId\":\"c2\",\"name\":\"Court 2\"}],"
    "\"openingHours\":{\"mon\":[\"06:00-22:00\"],\"tue\":[\"06:00-22:00\"],\"wed\":[\"06:00-22:00\"],"
    "\"thu\":[\"06:00-22:00\"],\"fri\":[\"06:00-22:00\"],\"sat\":[\"06:00-22:00\"],\"sun\":[\"06:00-22:00\"]},"
    "\"gridMinutes\":30,\"durationsMinutes\":[60,90],\"rules\":{\"cancelCutoffMinutes\":1440},"
    "\"tiers\":[{\"tier\":\"gold\"}],"
    "\"pricing\":{\"currency\":\"eur\",\"prices\":["
    "{\"courtType\":\"indoor\",\"durationMinutes\":60,\"amount\":3000,\"peakAmount\":4500},"
    "{\"durationMinutes\":60,\"amount\":2000},{\"durationMinutes\":90,\"amount\":2800,\"peakAmount\":3900}],"
    "\"peakHours\":\"17:00-21:00\",\"peakDays\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"],\"freeTiers\":[\"gold\"],"
    "\"paymentWindowMinutes\":45}}";

static void configure(cs_facility *f) {
    cs_facility_init(f);
    run(f, "{\"op\":\"configure\",\"now\":%lld,\"args\":%s}", (long long)T0, config);
    CHECK_INT(number("status"), 200);
    CHECK_INT(number("reply.pricing.paymentWindowMinutes"), 45);
}

static void attempt(cs_facility *f, int64_t now, const char *id, const char *member, const char *court,
                    const char *start, const char *end) {
    run(f,
        "{\"op\":\"attempt\",\"now\":%lld,\"newId\":\"%s\",\"actor\":{\"memberId\":\"%s\",\"role\":\"member\"},"
        "\"args\":{\"facilityId\":\"club\",\"courtId\":\"%s\",\"startTime\":\"%s\",\"endTime\":\"%s\",\"memberId\":\"%s\"}}",
        (long long)now, id, member, court, start, end, member);
}

static void by_member(cs_facility *f, const char *op, int64_t now, const char *id, const char *member) {
    run(f,
        "{\"op\":\"%s\",\"now\":%lld,\"actor\":{\"memberId\":\"%s\",\"role\":\"member\"},"
        "\"args\":{\"facilityId\":\"club\",\"reservationId\":\"%s\"}}",
        op, (long long)now, member, id);
}

static void paid(cs_facility *f, int64_t now, const char *id, const char *payment, int64_t amount) {
    run(f,
        "{\"op\":\"payment_completed\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"%s\","
        "\"paymentId\":\"%s\",\"amount\":%lld,\"currency\":\"eur\"}}",
        (long long)now, id, payment, (long long)amount);
}

static int count_effects(const char *type) {
    int n = 0;
    const json_node *effects = json_at(&out_doc, at("effects"));
    for (uint32_t item = effects->first; item != 0; item = json_at(&out_doc, item)->next) {
        uint32_t t = json_object_get(&out_doc, item, "type");
        n += t != 0 && strcmp(json_text(&out_doc, t), type) == 0;
    }
    return n;
}

/* T0 is Tuesday 2026-12-01 00:00Z = Monday 19:00 in New York. */
static void test_prices(cs_facility *f) {
    configure(f);
    /* Wednesday 18:00 local (23:00Z): peak on the indoor court. */
    attempt(f, T0, "p1", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    CHECK_INT(number("reply.payment.amount"), 4500);
    CHECK_STR(text("reply.payment.status"), "due");
    CHECK_STR(text("reply.payment.currency"), "eur");
    /* Wednesday 09:00 local: off-peak. */
    attempt(f, T0, "p2", "m2", "c1", "2026-12-02T14:00:00Z", "2026-12-02T15:00:00Z");
    CHECK_INT(number("reply.payment.amount"), 3000);
    /* Saturday 18:00 local: not a peak day. */
    attempt(f, T0, "p3", "m3", "c1", "2026-12-05T23:00:00Z", "2026-12-06T00:00:00Z");
    CHECK_INT(number("reply.payment.amount"), 3000);
    /* An untyped court takes the row without a type; 90 minutes at peak. */
    attempt(f, T0, "p4", "m4", "c2", "2026-12-02T23:00:00Z", "2026-12-03T00:30:00Z");
    CHECK_INT(number("reply.payment.amount"), 3900);
    /* A 60-minute off-peak row with no peakAmount costs the same at peak. */
    attempt(f, T0, "p5", "m5", "c2", "2026-12-03T22:00:00Z", "2026-12-03T23:00:00Z");
    CHECK_INT(number("reply.payment.amount"), 2000);
    /* Gold is free: no payment at all. */
    run(f, "{\"op\":\"set_member\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"memberId\":\"g1\",\"tier\":\"gold\"}}",
        (long long)T0);
    attempt(f, T0, "p6", "g1", "c1", "2026-12-04T23:00:00Z", "2026-12-05T00:00:00Z");
    CHECK_INT(number("status"), 200);
    CHECK(at("reply.payment") == 0);
    by_member(f, "checkout", T0 + 1000, "p6", "g1");
    CHECK_STR(text("reply.outcome"), "confirmed");
    CHECK_STR(text("reply.reservation.status"), "confirmed");
}

static void test_checkout_window_and_late_payment(cs_facility *f) {
    configure(f);
    attempt(f, T0, "p1", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    CHECK_INT(number("deadline"), T0 + 15000);
    by_member(f, "confirm", T0 + 1000, "p1", "m1");
    CHECK_STR(text("reply.error"), "payment_required");
    CHECK(!changed());
    by_member(f, "checkout", T0 + 1000, "p1", "m1");
    CHECK_STR(text("reply.outcome"), "checkout");
    /* 45 minutes to pay, 5 more before the hold lapses; the alarm follows. */
    int64_t pay_by = T0 + 1000 + 45 * MINUTE, expiry = pay_by + 5 * MINUTE;
    CHECK_INT(number("deadline"), expiry);
    CHECK_STR(text("reply.reservation.payment.payBy"), "2026-12-01T00:45:01Z");
    /* Past the 15-second hold TTL the hold stands. */
    run(f, "{\"op\":\"tick\",\"now\":%lld,\"args\":{}}", (long long)(T0 + 10 * MINUTE));
    by_member(f, "get", T0 + 10 * MINUTE, "p1", "m1");
    CHECK_STR(text("reply.reservation.status"), "held");
    /* At the hold's end it expires; a payment after that is refunded. */
    run(f, "{\"op\":\"tick\",\"now\":%lld,\"args\":{}}", (long long)expiry);
    by_member(f, "get", expiry, "p1", "m1");
    CHECK_STR(text("reply.reservation.status"), "expired");
    paid(f, expiry + 1000, "p1", "pi_late", 4500);
    CHECK_STR(text("reply.outcome"), "refunded");
    CHECK_STR(text("reply.refund.reason"), "hold_lost");
    CHECK_INT(count_effects("refund"), 1);
    CHECK_INT(count_effects("notification"), 1);
    paid(f, expiry + 2000, "p1", "pi_late", 4500);
    CHECK_STR(text("reply.outcome"), "duplicate");
    CHECK(!changed());
    CHECK_INT(count_effects("refund"), 0);
}

static void test_cancel_refunds_before_cutoff(cs_facility *f) {
    configure(f);
    /* Two days ahead: cancelled in time, refunded. */
    attempt(f, T0, "p1", "m1", "c1", "2026-12-03T23:00:00Z", "2026-12-04T00:00:00Z");
    by_member(f, "checkout", T0, "p1", "m1");
    paid(f, T0 + MINUTE, "p1", "pi_1", 4500);
    CHECK_STR(text("reply.reservation.status"), "confirmed");
    CHECK_STR(text("reply.reservation.payment.status"), "paid");
    by_member(f, "cancel", T0 + 2 * MINUTE, "p1", "m1");
    CHECK(number("reply.refunded") == -1 && json_at(&out_doc, at("reply.refunded"))->type == JSON_TRUE);
    CHECK_INT(count_effects("refund"), 1);
    /* Tomorrow 09:00 local, inside the 24-hour cutoff: no refund. */
    attempt(f, T0, "p2", "m2", "c2", "2026-12-01T14:00:00Z", "2026-12-01T15:00:00Z");
    by_member(f, "checkout", T0, "p2", "m2");
    paid(f, T0 + MINUTE, "p2", "pi_2", 2000);
    by_member(f, "cancel", T0 + 2 * MINUTE, "p2", "m2");
    CHECK(json_at(&out_doc, at("reply.refunded"))->type == JSON_FALSE);
    CHECK(json_at(&out_doc, at("reply.lateCancellation"))->type == JSON_TRUE);
    CHECK_INT(count_effects("refund"), 0);
}

static void test_late_news_of_a_timely_payment(cs_facility *f) {
    configure(f);
    attempt(f, T0, "p1", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    by_member(f, "checkout", T0, "p1", "m1");
    int64_t expiry = T0 + 50 * MINUTE; /* 45 minutes' window and 5 of grace */
    run(f, "{\"op\":\"tick\",\"now\":%lld,\"args\":{}}", (long long)expiry);
    /* Paid at 00:44:00Z, before the hold lapsed; the news comes at 00:51. */
    run(f,
        "{\"op\":\"payment_completed\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"p1\","
        "\"paymentId\":\"pi_1\",\"amount\":4500,\"paidAt\":\"2026-12-01T00:44:00Z\"}}",
        (long long)(expiry + MINUTE));
    CHECK_STR(text("reply.outcome"), "confirmed");
    CHECK_STR(text("reply.reservation.status"), "confirmed");
    CHECK_INT(count_effects("refund"), 0);
    CHECK_INT(json_at(&out_doc, at("broadcasts"))->count, 1); /* slot_reserved again */
}

static void test_waitlist_offers_priced_courts(cs_facility *f) {
    configure(f);
    run(f,
        "{\"op\":\"waitlist_join\",\"now\":%lld,\"newId\":\"w1\",\"actor\":{\"memberId\":\"m1\",\"role\":\"member\"},"
        "\"args\":{\"facilityId\":\"club\",\"memberId\":\"m1\",\"courtId\":\"c2\",\"earliestStart\":\"2026-12-02T14:00:00Z\","
        "\"latestEnd\":\"2026-12-02T16:00:00Z\",\"durationMinutes\":60,\"mode\":\"auto_book\"}}",
        (long long)T0);
    CHECK_INT(number("status"), 201);
    CHECK_STR(text("reply.promotion.action"), "offered");
    run(f,
        "{\"op\":\"waitlist_accept\",\"now\":%lld,\"actor\":{\"memberId\":\"m1\",\"role\":\"member\"},"
        "\"args\":{\"facilityId\":\"club\",\"waitlistId\":\"w1\"}}",
        (long long)T0);
    CHECK_STR(text("reply.error"), "payment_required");
    by_member(f, "checkout", T0, "w1-1", "m1");
    CHECK_INT(number("reply.reservation.payment.amount"), 2000);
    paid(f, T0 + MINUTE, "w1-1", "pi_w", 2000);
    CHECK_STR(text("reply.reservation.status"), "confirmed");
}

static void test_snapshot_mid_checkout(cs_facility *f, cs_facility *g) {
    static uint8_t bytes[CS_OUTPUT_MAX];
    configure(f);
    attempt(f, T0, "p1", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    by_member(f, "checkout", T0, "p1", "m1");
    attempt(f, T0, "p2", "m2", "c2", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    by_member(f, "checkout", T0, "p2", "m2");
    paid(f, T0 + MINUTE, "p2", "pi_2", 2000);
    size_t len = cs_snapshot(f, bytes, sizeof bytes);
    CHECK(len > 0);
    CHECK(cs_restore(g, bytes, len));
    CHECK(cs_state_hash(f) == cs_state_hash(g));
    paid(g, T0 + 2 * MINUTE, "p1", "pi_1", 4500);
    CHECK_STR(text("reply.outcome"), "confirmed");
    paid(g, T0 + 2 * MINUTE, "p2", "pi_2", 2000);
    CHECK_STR(text("reply.outcome"), "duplicate");
}

int main(void) {
    cs_facility *f = calloc(1, sizeof *f);
    cs_facility *g = calloc(1, sizeof *g);
    if (f == NULL || g == NULL) return 1;
    test_prices(f);
    test_checkout_window_and_late_payment(f);
    test_cancel_refunds_before_cutoff(f);
    test_late_news_of_a_timely_payment(f);
    test_waitlist_offers_priced_courts(f);
    test_snapshot_mid_checkout(f, g);
    free(f);
    free(g);
    return check_report("test_payments");
}
