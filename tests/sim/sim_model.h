/* sim_model.h: the auditor's reference model of one facility, built only
 * from what the core says (reservation, waitlist, reminders and
 * notification effects) and what the simulator configured, never from the
 * core's memory: reservations as plain intervals with a status per court,
 * waitlist entries with every slot they were offered, reminder jobs with
 * their state, every notice id seen, and the answers to idempotency keys.
 * Tables are sized for the run's step count when the model is made. */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_cmd.h"

enum {
    SIM_OFFERS_MAX = 256,       /* slots one entry may be offered over a run */
    SIM_JOB_ID_MAX = SIM_ID_MAX + 24,
};

typedef enum sim_status {
    SIM_NONE = 0,
    SIM_HELD,
    SIM_CONFIRMED,
    SIM_CANCELLED,
    SIM_RELEASED,
    SIM_EXPIRED,
    SIM_NO_SHOW,
} sim_status;

typedef struct sim_res {
    char id[SIM_ID_MAX];
    char member[SIM_ID_MAX];
    uint8_t status;             /* sim_status */
    uint8_t court;
    bool checked_in;
    uint16_t party;
    uint32_t version;
    int64_t start_ms;
    int64_t end_ms;
    int64_t hold_expiry_ms;     /* held: when the hold lapses */
    int64_t updated_ms;
    int32_t entry;              /* a waitlist offer or booking: the entry's index, else -1 */
    bool watched;               /* on the model's live list */
    uint32_t touched_step;      /* the last step whose effects changed it */
    uint8_t status_before;      /* its status before that step */
} sim_res;

typedef enum sim_entry_state {
    SIM_WAITING = 1,
    SIM_OFFERED,
    SIM_BOOKED,
    SIM_LEFT,
    SIM_ENTRY_EXPIRED,
} sim_entry_state;

typedef struct sim_place {
    uint8_t court;
    int64_t start_ms;
} sim_place;

typedef struct sim_entry {
    char id[SIM_ID_MAX];
    char member[SIM_ID_MAX];
    uint8_t state;              /* sim_entry_state */
    int64_t latest_end_ms;      /* its window's end: a waiting entry expires then */
    int64_t updated_ms;
    char reservation[SIM_ID_MAX]; /* the latest offer or booking, "" before any */
    uint32_t offer_count;
    sim_place offers[SIM_OFFERS_MAX]; /* every slot offered to it, in order */
} sim_entry;

typedef enum sim_job_state {
    SIM_JOB_PENDING = 1,
    SIM_JOB_CANCELLED,
    SIM_JOB_SENT,
} sim_job_state;

typedef struct sim_job {
    char id[SIM_JOB_ID_MAX];
    int32_t res;                /* index of its reservation */
    uint8_t state;              /* sim_job_state */
    int64_t at_ms;              /* scheduledFor */
    int64_t start_ms;           /* its booking's start when scheduled: from then on it may lapse unsent */
    bool watched;               /* on the model's pending list */
} sim_job;

typedef struct sim_key {
    char member[SIM_ID_MAX];
    char key[SIM_ID_MAX];
    char reservation[SIM_ID_MAX]; /* the first answer */
    uint8_t court;
    int64_t start_ms, end_ms, hold_expiry_ms, created_ms;
} sim_key;

/* What a run exercised, for the summary line. */
typedef struct sim_stats {
    uint64_t commands;
    uint64_t succeeded;         /* 2xx replies */
    uint64_t refused;           /* 4xx replies */
    uint64_t slot_unavailable;
    uint64_t retries;
    uint64_t holds_expired;
    uint64_t offers;
    uint64_t waitlist_bookings;
    uint64_t reminders_sent;
    uint64_t no_shows;
    uint64_t restarts;          /* snapshot + restore, snapshot + log tail, replay from zero */
    uint64_t replayed;          /* commands replayed during recoveries */
} sim_stats;

/* An open-addressing index from an id's 64-bit hash to a row + 1. */
typedef struct sim_index {
    uint32_t cap;               /* a power of two */
    uint64_t *hashes;
    uint32_t *rows;
} sim_index;

typedef struct sim_model {
    sim_setup setup;
    bool configured;
    int64_t now_ms;             /* the core's clock: the latest `now` of a command that changed state */
    uint64_t seq;
    uint32_t res_count, res_cap;
    sim_res *res;
    sim_index res_index;
    uint32_t entry_count, entry_cap;
    sim_entry *entries;
    sim_index entry_index;
    uint32_t job_count, job_cap;
    sim_job *jobs;
    sim_index job_index;
    uint32_t key_count, key_cap;
    sim_key *keys;
    sim_index notice_index;     /* every noticeId seen (rows unused) */
    uint32_t notice_count, notice_cap;
    /* Rows still worth auditing every step: live reservations and pending jobs. */
    uint32_t live_count;
    uint32_t *live;
    uint32_t pending_count;
    uint32_t *pending;
    sim_stats stats;
} sim_model;

/* Sizes the tables for `steps` commands; false when memory runs out. */
bool sim_model_init(sim_model *m, uint32_t steps);
void sim_model_free(sim_model *m);

uint64_t sim_hash_text(const char *text);
sim_res *sim_model_res(sim_model *m, const char *id);
sim_entry *sim_model_entry(sim_model *m, const char *id);
sim_job *sim_model_job(sim_model *m, const char *id);
const sim_key *sim_model_key(const sim_model *m, const char *member, const char *key);

/* Adds rows; NULL when a table is full (the run is then too long for its sizing). */
sim_res *sim_model_add_res(sim_model *m, const char *id);
sim_entry *sim_model_add_entry(sim_model *m, const char *id);
sim_job *sim_model_add_job(sim_model *m, const char *id, int32_t res);
bool sim_model_add_key(sim_model *m, const sim_key *k);
/* Records a notice id; false if it was seen before. */
bool sim_model_add_notice(sim_model *m, const char *id);
/* Puts a reservation or job on the lists audited every step (once). */
void sim_model_watch_res(sim_model *m, uint32_t row);
void sim_model_watch_job(sim_model *m, uint32_t row);
/* Drops what can no longer break an invariant: ended reservations, settled jobs. */
void sim_model_prune(sim_model *m);

bool sim_status_is_live(uint8_t status);
const char *sim_status_name(uint8_t status);
uint8_t sim_status_from_name(const char *name);
uint8_t sim_entry_state_from_name(const char *name);

#endif
