/* courtside.h: the booking core's public interface. One cs_facility holds
 * the whole state of one facility; cs_execute runs one command (JSON bytes,
 * see docs/PROTOCOL.md) against it and writes one output (JSON bytes). The
 * core is deterministic: it reads no clock, draws no random numbers, does no
 * I/O and keeps no state outside the cs_facility, so the same commands in
 * the same order give the same bytes out on every platform.
 *
 * Every table has a fixed size (below); exceeding one is a clear error,
 * never undefined behaviour. The struct is in this header so hosts can
 * allocate it statically (the wasm ABI does); only the core touches its
 * fields. */
#ifndef CS_COURTSIDE_H
#define CS_COURTSIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "json.h"
#include "zone.h"

enum {
    CS_INPUT_MAX = JSON_INPUT_MAX,          /* bytes of one command */
    CS_OUTPUT_MAX = 3 * 1024 * 1024,        /* bytes of one output (or snapshot): the largest day with a full command's changes */
    CS_ID_MAX = 64,                         /* bytes of an id: [A-Za-z0-9_-]{1,64} */
    CS_FACILITY_ID_MAX = 40,                /* bytes of a facility id: [A-Za-z0-9-]{1,40} */
    CS_NAME_MAX = 100,                      /* bytes of a display name (UTF-8) */
    CS_REASON_MAX = 200,                    /* bytes of a cancellation reason */
    CS_COURTS_MAX = 64,                     /* courts per facility */
    CS_CAPACITY_MAX = 1000,                 /* places on one court */
    CS_RANGES_PER_DAY_MAX = 4,              /* opening ranges per weekday */
    CS_DURATIONS_MAX = 8,                   /* allowed durations */
#ifdef CS_SMALL_TABLES /* fuzzing builds: the same code over small tables, so each run is quick */
    CS_RESERVATIONS_MAX = 256,
    CS_IDEMPOTENCY_KEYS_MAX = 128,
    CS_MEMBERS_MAX = 256,
    CS_WAITLIST_MAX = 64,
    CS_INDEX_SLOTS = 512,                   /* slots of the reservation id index: twice the rows, a power of two */
#else
    CS_RESERVATIONS_MAX = 16384,            /* reservations in memory (live and recent history) */
    CS_IDEMPOTENCY_KEYS_MAX = 8192,         /* idempotency keys remembered */
    CS_MEMBERS_MAX = 16384,                 /* members with a tier or a record (late cancellations) */
    CS_WAITLIST_MAX = 2048,                 /* waitlist entries in memory (waiting and recent history) */
    CS_INDEX_SLOTS = 32768,                 /* slots of the reservation id index: twice the rows, a power of two */
#endif
    CS_TIERS_MAX = 8,                       /* membership tiers with their own rules */
    CS_BLOCKS_MAX = 256,                    /* blocked periods (maintenance, tournaments) */
    CS_BUFFER_MINUTES_MAX = 120,            /* gap between bookings on a court */
    CS_MAX_HOLDS_DEFAULT = 2,               /* holds one member may have at once */
    CS_OFFERED_MAX = 8,                     /* slots one entry remembers being offered */
    CS_WAITLIST_WINDOW_DAYS_MAX = 31,       /* days from a waitlist entry's earliestStart to its latestEnd */
    CS_PROMOTIONS_MAX = 64,                 /* waitlist services one command reports */
    CS_REMINDERS_PER_BOOKING = 16,          /* reminders planned for one booking (the last ones before its start) */
    CS_REMINDER_OFFSETS_MAX = 4,            /* offsets of the offsets policy */
    CS_NOTICES_MAX = 1024,                  /* notifications one command produces; more wait for the next tick */
    CS_MAX_HOLDS_MAX = 20,
    CS_EVENTS_MAX = 1024,                   /* changes one command makes; expiries past them wait for the next tick */
    CS_EVENTS_KEPT_FOR_OPERATIONS = 160,    /* of which the clock's work leaves these to the operation and the waitlist */
    CS_MEMBER_CHANGES_MAX = 256,            /* member records one command changes; no-shows past them wait for the next tick */
    CS_MEMBER_CHANGES_KEPT_FOR_OPERATIONS = 4, /* of which the clock's no-shows leave these to the operation */
    CS_GRID_MINUTES_MIN = 10,
    CS_GRID_MINUTES_MAX = 240,
    CS_HOLD_TTL_SECONDS_DEFAULT = 15,
    CS_HOLD_TTL_SECONDS_MAX = 3600,
    CS_PRICES_MAX = 32,                     /* rows of a facility's price list */
    CS_PRICE_AMOUNT_MAX = 99999999,         /* minor units of one booking's price (Stripe's ceiling) */
    CS_PAYMENT_WINDOW_MINUTES_MIN = 31,     /* Stripe's 30-minute floor for a session, and a minute for the request to get there */
    CS_PAYMENT_WINDOW_MINUTES_MAX = 60,     /* ...and at most this long, here */
    CS_PAYMENT_WINDOW_MINUTES_DEFAULT = 35,
    CS_PAYMENT_GRACE_MINUTES = 5,           /* a hold in checkout outlives its session by this much */
    CS_REFUNDS_MAX = 4,                     /* refunds one command asks for */
    CLOCK_BLOCK_ROWS = 64,                  /* reservation rows per block of the clock's due times */
    CS_DAY_TEXTS = 512,                     /* court-days whose text a facility keeps (day_text.c), two places each */
    CS_DAY_TEXT_BYTES = 512 * 1024,         /* bytes those texts share */
};

#define CS_IDEMPOTENCY_TTL_MS INT64_C(86400000) /* keys are remembered 24 h */
#define CS_HISTORY_TTL_MS INT64_C(3600000)      /* ended holds and cancellations stay 1 h */

typedef enum cs_status {
    CS_HELD = 1,
    CS_CONFIRMED,
    CS_CANCELLED,
    CS_RELEASED,
    CS_EXPIRED,
    CS_NO_SHOW,
} cs_status;

/* Where a reservation's payment stands. */
typedef enum cs_payment_state {
    CS_PAY_NONE = 0,    /* nothing to pay: free, or booked by staff or the waitlist */
    CS_PAY_DUE,         /* a priced hold; checkout not started */
    CS_PAY_CHECKOUT,    /* checkout started: the hold lasts until pay_by_ms + grace */
    CS_PAY_PAID,
    CS_PAY_REFUNDED,    /* a refund was asked for (the host carries it out) */
} cs_payment_state;

typedef struct cs_court {
    char id[CS_ID_MAX + 1];
    char name[CS_NAME_MAX + 1];
    uint16_t capacity;          /* places sold at once on this court */
    char type[CS_ID_MAX + 1];   /* its type for the price list ("" : untyped) */
} cs_court;

typedef struct cs_range {
    int16_t open_minute;        /* local minutes after midnight */
    int16_t close_minute;       /* 1..1440, > open_minute */
} cs_range;

/* The club's booking rules, for everyone or for one membership tier. A
 * zero turns a rule off. Staff bookings are not bound by them. */
typedef struct cs_rules {
    uint16_t window_days;          /* how far ahead a member may book */
    int16_t window_opens_minute;   /* -1: a rolling window (now + days); else the farthest
                                      day opens at this local time each day */
    uint32_t min_notice_minutes;   /* the least time between booking and start */
    uint16_t max_active;           /* held or confirmed upcoming reservations per member */
    uint16_t max_per_day;          /* reservations per member per local day */
    uint32_t cancel_cutoff_minutes;/* cancelling later than this before the start is late */
} cs_rules;

typedef struct cs_tier {
    char name[CS_ID_MAX + 1];
    int32_t priority;              /* higher is served first (waitlists) */
    cs_rules rules;
} cs_tier;

/* A daily stretch of local time, such as quiet hours 22:00-07:00; it may
 * run past midnight. start_minute -1: none. */
typedef struct cs_quiet_hours {
    int16_t start_minute;
    int16_t end_minute;
} cs_quiet_hours;

/* How the waitlist serves members. */
typedef struct cs_waitlist_rules {
    uint32_t offer_minutes;        /* how long an offer is held (never past the slot's start) */
    uint16_t max_per_member;       /* waiting entries per member */
    uint16_t max_per_window;       /* waiting entries with the same court and window */
    cs_quiet_hours quiet;          /* offers wait them out... */
    uint32_t quiet_bypass_minutes; /* ...unless the slot starts within this many minutes */
} cs_waitlist_rules;

typedef enum cs_reminder_policy {
    CS_REMIND_NEVER = 0,
    CS_REMIND_OFFSETS,          /* at fixed times before the start */
    CS_REMIND_INTERVAL,         /* every so often from booking until the start */
} cs_reminder_policy;

/* When members are reminded, and when a booking nobody checked in to is a no-show. */
typedef struct cs_reminder_rules {
    uint8_t policy;             /* cs_reminder_policy */
    uint8_t offset_count;
    uint32_t offsets_minutes[CS_REMINDER_OFFSETS_MAX]; /* decreasing: 1440, 120 */
    uint32_t every_minutes;     /* the interval policy */
    cs_quiet_hours quiet;       /* reminders due in them go out before them */
    uint32_t no_show_grace_minutes; /* 0: no no-show detection */
} cs_reminder_rules;

/* One row of the price list: what a booking of a duration costs on courts
 * of a type, off-peak and in peak hours, in the currency's minor units. */
typedef struct cs_price {
    char court_type[CS_ID_MAX + 1]; /* "": any court without a row of its own type */
    uint16_t duration_minutes;
    uint32_t amount;
    uint32_t peak_amount;
} cs_price;

/* What bookings cost. No rows: every booking is free, no payment step. */
typedef struct cs_pricing {
    uint8_t price_count;
    char currency[4];               /* ISO 4217, lower case: "usd" */
    cs_price prices[CS_PRICES_MAX];
    cs_quiet_hours peak;            /* the daily peak hours (local), start -1: none */
    uint8_t peak_days;              /* a bit per weekday (bit 0 = Sunday) on which they apply */
    uint8_t free_tiers;             /* a bit per tier (index) whose members book free */
    uint16_t payment_window_minutes;/* how long a checkout session lives */
} cs_pricing;

/* The facility's configuration. Two are the same when their encodings
 * (cs_config_encode in snapshot.h) are. */
typedef struct cs_config {
    bool configured;
    char facility_id[CS_FACILITY_ID_MAX + 1];
    char name[CS_NAME_MAX + 1];
    char time_zone[ZONE_NAME_MAX];
    char tz_rule[ZONE_RULE_TEXT_MAX + 1];
    zone_rule zone;
    uint8_t court_count;
    cs_court courts[CS_COURTS_MAX];
    uint8_t range_count[7];     /* per weekday, 0 = Sunday */
    cs_range ranges[7][CS_RANGES_PER_DAY_MAX];
    uint16_t grid_minutes;
    uint8_t duration_count;
    uint16_t durations_minutes[CS_DURATIONS_MAX]; /* strictly increasing */
    uint32_t hold_ttl_ms;
    uint16_t buffer_minutes;    /* required gap between bookings on one court */
    uint16_t max_holds;         /* holds one member may have at once (staff excepted) */
    cs_waitlist_rules waitlist;
    cs_reminder_rules reminders;
    cs_rules rules;             /* for members without a tier */
    uint8_t tier_count;
    cs_tier tiers[CS_TIERS_MAX];
    cs_pricing pricing;
} cs_config;

/* What the facility knows of a member: their tier and their record. Only
 * members with a tier or a record have a row. */
typedef struct cs_member {
    bool in_use;
    uint8_t tier;                  /* 0: none; else index + 1 into config.tiers */
    uint32_t late_cancellations;
    uint32_t no_shows;
    char id[CS_ID_MAX + 1];
} cs_member;

/* A period in which a court (or every court) cannot be booked. */
typedef struct cs_block {
    bool in_use;
    uint8_t court;                 /* index into config.courts, or CS_ALL_COURTS */
    int64_t start_ms;
    int64_t end_ms;
    char id[CS_ID_MAX + 1];
    char reason[CS_REASON_MAX + 1];
} cs_block;

#define CS_ALL_COURTS 255
_Static_assert(CS_COURTS_MAX < CS_ALL_COURTS, "court indices never collide with CS_ALL_COURTS");

typedef struct cs_reservation {
    bool in_use;                /* this row holds a reservation */
    uint8_t status;             /* cs_status */
    uint8_t court;              /* index into config.courts */
    uint16_t party_size;        /* places it uses */
    uint32_t version;           /* 1 on creation, +1 on each change */
    int64_t start_ms;
    int64_t end_ms;
    int64_t hold_expiry_ms;     /* when a hold lapses (kept after confirm for the record) */
    int64_t created_ms;
    int64_t updated_ms;
    uint16_t offer_entry;       /* a waitlist offer: the entry's row + 1 while held, else 0 */
    bool checked_in;            /* the member arrived (no no-show) */
    uint8_t reminders_sent;     /* reminders of the current plan already due */
    uint16_t reminder_first;    /* job numbers of the current plan start after this */
    int64_t planned_ms;         /* when the current reminder plan was made (0: none) */
    cs_reminder_rules plan;     /* the policy it was made with (a later change applies to later plans) */
    int64_t reminder_due_ms;    /* the next reminder of the plan, 0 if none: derived, kept for speed */
    uint8_t payment;            /* cs_payment_state */
    uint32_t amount;            /* the price fixed at the attempt, minor units */
    int64_t pay_by_ms;          /* when its checkout session expires (0: not started) */
    char id[CS_ID_MAX + 1];
    char member_id[CS_ID_MAX + 1];
    char payment_id[CS_ID_MAX + 1]; /* the payment that paid it (a Stripe PaymentIntent id) */
} cs_reservation;

typedef enum cs_entry_state {
    CS_ENTRY_WAITING = 1,
    CS_ENTRY_OFFERED,   /* holding an offer for the member */
    CS_ENTRY_BOOKED,    /* auto-booked, or an offer accepted */
    CS_ENTRY_LEFT,      /* the member (or staff) took it off the list */
    CS_ENTRY_EXPIRED,   /* its window passed unserved */
} cs_entry_state;

typedef enum cs_entry_mode {
    CS_MODE_AUTO_BOOK = 1,
    CS_MODE_OFFER,
} cs_entry_mode;

typedef struct cs_place {
    uint8_t court;
    int64_t start_ms;
} cs_place;

/* A member waiting for a slot inside a window. */
typedef struct cs_entry {
    bool in_use;
    uint8_t state;              /* cs_entry_state */
    uint8_t mode;               /* cs_entry_mode */
    uint8_t court;              /* a court's index, or CS_ALL_COURTS for any */
    uint16_t party_size;
    uint16_t duration_minutes;
    uint16_t served;            /* offers and bookings made for it; names their reservations */
    uint8_t offered_count;      /* slots offered so far, the last CS_OFFERED_MAX kept */
    uint64_t sequence;          /* first come, first served among equals */
    int64_t earliest_start_ms;
    int64_t latest_end_ms;
    int64_t preferred_start_ms; /* the start the member would like best */
    int64_t created_ms;
    int64_t updated_ms;
    cs_place offered[CS_OFFERED_MAX]; /* never offer the same slot twice */
    char id[CS_ID_MAX + 1];
    char member_id[CS_ID_MAX + 1];
    char reservation_id[CS_ID_MAX + 1]; /* the latest offer or booking */
} cs_entry;

/* Conversion counts, for staff. */
typedef struct cs_waitlist_metrics {
    uint32_t joined;
    uint32_t auto_booked;
    uint32_t offered;
    uint32_t accepted;
    uint32_t declined;
    uint32_t offers_expired;
    uint32_t no_match;          /* windows that passed unserved */
} cs_waitlist_metrics;

typedef enum cs_notice_kind {
    CS_NOTICE_CONFIRMATION = 1,
    CS_NOTICE_REMINDER,
    CS_NOTICE_CANCELLATION,
    CS_NOTICE_NO_SHOW,
    CS_NOTICE_WAITLIST_OFFER,
    CS_NOTICE_WAITLIST_BOOKED,
    CS_NOTICE_PAYMENT_REFUNDED,
} cs_notice_kind;

/* Why a payment is refunded. */
typedef enum cs_refund_reason {
    CS_REFUND_CANCELLED = 1,    /* cancelled in time (or by staff) */
    CS_REFUND_HOLD_LOST,        /* paid after the hold ended */
    CS_REFUND_ALREADY_PAID,     /* a second payment for one booking */
    CS_REFUND_AMOUNT_MISMATCH,  /* paid another amount than the price */
    CS_REFUND_UNKNOWN,          /* no such reservation (any more) */
    CS_REFUND_BY_STAFF,
} cs_refund_reason;

/* A refund the running command asks the host to make. */
typedef struct cs_refund {
    uint8_t reason;             /* cs_refund_reason */
    uint32_t amount;
    char reservation_id[CS_ID_MAX + 1];
    char payment_id[CS_ID_MAX + 1];
} cs_refund;

/* A message for a member about one of their reservations. */
typedef struct cs_notice {
    uint8_t kind;               /* cs_notice_kind */
    uint16_t job;               /* reminders: the job's number */
    uint32_t minutes_before;    /* reminders: how long before the start */
    uint16_t entry;             /* waitlist notices: the entry's row + 1 */
    uint8_t refund_reason;      /* payment_refunded: cs_refund_reason */
    cs_reservation reservation; /* as it was then */
} cs_notice;

/* A reservation's reminder plan changed: jobs first..last (numbers) were
 * cancelled, and its current plan (if any) is scheduled. */
typedef struct cs_replan {
    uint32_t row;
    uint16_t cancel_first;
    uint16_t cancel_last;       /* < cancel_first: none */
    char id[CS_ID_MAX + 1];     /* the reservation's id: the clock may forget the row later in the same command */
} cs_replan;

/* A member served from the waitlist by the running command. */
typedef struct cs_promotion {
    uint16_t entry;             /* row */
    uint16_t reservation;       /* row */
    bool offer;
} cs_promotion;

typedef struct cs_idempotency_key {
    bool in_use;
    uint8_t court;
    int64_t created_ms;
    int64_t start_ms;
    int64_t end_ms;
    int64_t hold_expiry_ms;     /* the first answer: reservation id and hold expiry */
    char key[CS_ID_MAX + 1];
    char member_id[CS_ID_MAX + 1];
    char reservation_id[CS_ID_MAX + 1];
} cs_idempotency_key;

typedef enum cs_event_type {
    CS_EVENT_SLOT_PENDING = 1,
    CS_EVENT_SLOT_RESERVED,
    CS_EVENT_SLOT_RELEASED,
    CS_EVENT_FACILITY_UPDATED,
} cs_event_type;

typedef enum cs_action {
    CS_ACTION_NONE = 0, /* a broadcast only */
    CS_ACTION_ATTEMPT,
    CS_ACTION_CONFIRM,
    CS_ACTION_RELEASE,
    CS_ACTION_CANCEL,
    CS_ACTION_EXPIRE,
    CS_ACTION_BOOK,
    CS_ACTION_RESCHEDULE,
    CS_ACTION_IMPORT,
    CS_ACTION_WAITLIST_OFFER,
    CS_ACTION_WAITLIST_BOOK,
    CS_ACTION_WAITLIST_ACCEPT,
    CS_ACTION_WAITLIST_DECLINE,
    CS_ACTION_NO_SHOW,
    CS_ACTION_CHECK_IN,
    CS_ACTION_CHECKOUT,         /* a hold went to checkout (longer hold) */
    CS_ACTION_PAY,              /* its payment arrived */
    CS_ACTION_REFUND,           /* its payment is refunded */
} cs_action;

/* A change made by the running command, in commit order: the broadcast
 * watchers get and, for a reservation, what the projection and the audit
 * log record. */
typedef struct cs_event {
    uint8_t type;               /* cs_event_type */
    uint8_t court;              /* the broadcast's place */
    uint8_t action;             /* cs_action */
    uint8_t from_status;        /* the reservation's status before, 0 if it is new */
    uint8_t from_court;         /* a reschedule's old place */
    uint64_t seq;
    int64_t start_ms;
    int64_t end_ms;
    int64_t from_start_ms;
    int64_t from_end_ms;
    cs_reservation reservation; /* with an action: the reservation after the change */
} cs_event;

/* Where the text of one court-day as availability wrote it (the court's
 * object with its slots) is kept, and what that text is a function of: the
 * day, the configuration (its generation), and the court's live
 * reservations, as the place index's stamp of the periods they start in
 * (day_text.c). */
typedef struct cs_day_text {
    int64_t local_day; /* the court-day */
    uint32_t court;
    uint32_t len; /* of the text; 0: empty */
    uint64_t at;  /* where its text starts in the stream of kept bytes */
    uint64_t config_changes;
    int64_t starts_from_ms; /* index_place_stamp(court, starts_from_ms, starts_to_ms) */
    int64_t starts_to_ms;
    uint64_t stamp;
} cs_day_text;

typedef struct cs_facility {
    /* Durable state: a function of the commands applied so far. */
    cs_config config;
    uint64_t seq;               /* bumped once per visible change */
    int64_t now_ms;             /* the latest `now` seen; time never goes back */
    uint32_t reservation_count; /* rows in use */
    uint32_t reservation_rows_end; /* derived, not stored: every row in use is below it, so scans stop here */
    cs_reservation reservations[CS_RESERVATIONS_MAX];
    /* Derived, not stored: the id index (index.c), rebuilt on restore. */
    uint32_t index_hashes[CS_RESERVATIONS_MAX]; /* each row's id, hashed */
    uint16_t index_slots[CS_INDEX_SLOTS];       /* row + 1; 0: empty */
    uint32_t index_member_hashes[CS_RESERVATIONS_MAX]; /* each row's member id, hashed */
    uint16_t index_member_heads[CS_INDEX_SLOTS / 2];   /* a member bucket's first row + 1; 0: none */
    uint16_t index_member_prev[CS_RESERVATIONS_MAX];   /* row + 1 of the row before in its bucket; 0: none */
    uint16_t index_member_next[CS_RESERVATIONS_MAX];   /* row + 1 of the row after in its bucket; 0: none */
    uint16_t index_place_heads[CS_INDEX_SLOTS / 2];    /* a court-and-day bucket's first row + 1; 0: none */
    uint16_t index_place_bucket[CS_RESERVATIONS_MAX];  /* each row's court-and-day bucket */
    uint16_t index_place_prev[CS_RESERVATIONS_MAX];
    uint16_t index_place_next[CS_RESERVATIONS_MAX];
    int64_t index_longest_ms;   /* no row in use is longer (since the last rebuild) */
    uint64_t index_place_stamps[CS_INDEX_SLOTS / 2];   /* changes to the live rows of each court's periods, ever (index.c) */
    uint16_t index_stamp_bucket[CS_RESERVATIONS_MAX];  /* each live row's counter in index_place_stamps */
    uint32_t idempotency_count;
    uint32_t idempotency_rows_end; /* derived, as reservation_rows_end */
    bool idempotency_due_known;    /* derived, not stored: idempotency_due_ms is kept (idempotency.c) */
    int64_t idempotency_due_ms;    /* when the first key leaves memory; INT64_MAX: no key */
    cs_idempotency_key idempotency[CS_IDEMPOTENCY_KEYS_MAX];
    uint32_t idempotency_hashes[CS_IDEMPOTENCY_KEYS_MAX];      /* derived, not stored: the key index (idempotency.c) */
    uint16_t idempotency_slots[2 * CS_IDEMPOTENCY_KEYS_MAX];   /* row + 1; 0: empty */
    uint32_t member_count;
    uint32_t member_rows_end;   /* derived, as reservation_rows_end */
    cs_member members[CS_MEMBERS_MAX];
    uint32_t block_count;
    cs_block blocks[CS_BLOCKS_MAX];
    uint32_t entry_count;
    uint64_t entry_sequence;    /* entries ever joined */
    int64_t waitlist_retry_ms;  /* when offers held back by quiet hours may go, or 0 */
    cs_entry entries[CS_WAITLIST_MAX];
    cs_waitlist_metrics waitlist_metrics;
    /* Derived, not stored: the deadline the last command reported (clock.c). */
    bool clock_known;           /* false: not computed since init or restore */
    int64_t clock_deadline_ms;  /* -1: nothing is ever due */
    int64_t clock_row_due[CS_RESERVATIONS_MAX]; /* each row's next work (INT64_MAX: none), when clock_known */
    int64_t clock_block_due[CS_RESERVATIONS_MAX / CLOCK_BLOCK_ROWS]; /* the earliest of each block of rows */
    /* Derived, not stored: where reservation_allocate looks (reservation.c). */
    uint32_t reservation_free_from; /* every row below it is in use */
    bool reservation_ended_known;   /* false: reservation_block_ended not computed since init or restore */
    bool reservation_block_stale[CS_RESERVATIONS_MAX / CLOCK_BLOCK_ROWS]; /* a row of the block changed since */
    int64_t reservation_block_ended[CS_RESERVATIONS_MAX / CLOCK_BLOCK_ROWS]; /* oldest updated_ms of its ended rows */
    /* Derived, not stored: court-days as text (day_text.c), and how many
     * configurations were applied since init or restore (what it keys a
     * text's configuration by). */
    uint64_t config_changes;
    cs_day_text day_texts[CS_DAY_TEXTS];
    uint64_t day_text_end; /* bytes ever kept in day_text_bytes, which holds the last CS_DAY_TEXT_BYTES of them */
    char day_text_bytes[CS_DAY_TEXT_BYTES];     /* the entries' texts */

    /* Scratch for the running command; meaningless between commands. */
    bool changed;
    uint32_t rows[CS_RESERVATIONS_MAX]; /* reservation indices being looked at */
    uint32_t event_count;
    cs_event events[CS_EVENTS_MAX];
    uint32_t member_change_count;
    uint32_t member_changes[CS_MEMBER_CHANGES_MAX]; /* rows of members whose record changed */
    bool waitlist_due;           /* something opened: serve the waitlist */
    uint32_t events_matched;     /* events already looked at for openings */
    uint32_t promotion_count;
    cs_promotion promotions[CS_PROMOTIONS_MAX];
    uint32_t entry_change_count;
    uint16_t entry_changes[CS_WAITLIST_MAX]; /* rows of entries that changed */
    uint32_t notice_count;
    cs_notice notices[CS_NOTICES_MAX];
    uint32_t replan_count;
    cs_replan replans[CS_NOTICES_MAX]; /* reminder plans that changed (projection) */
    uint32_t refund_count;
    cs_refund refunds[CS_REFUNDS_MAX]; /* refunds for the host to make */
    uint32_t clock_changed_count;      /* rows whose due time may have moved (clock.c) */
    uint32_t clock_changed_rows[CS_EVENTS_MAX];
    cs_message message;
    json_doc doc;
} cs_facility;

/* Puts `f` in its initial state: no configuration, no reservations, seq 0. */
void cs_facility_init(cs_facility *f);

/* Runs one command. Writes the output (a JSON object, see docs/PROTOCOL.md)
 * to `out` and returns its length; `cap` must be at least CS_OUTPUT_MAX. */
size_t cs_execute(cs_facility *f, const uint8_t *input, size_t length, uint8_t *out, size_t cap);

#endif
