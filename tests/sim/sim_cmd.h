/* sim_cmd.h: one command of a simulated run, as the generator chose it and
 * the auditor reads it, and its JSON text (docs/PROTOCOL.md). Also the
 * facility a run configures, which the reference model needs to know. */
#ifndef SIM_CMD_H
#define SIM_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SIM_ID_MAX = 48,          /* bytes of any id the simulator makes, with its NUL */
    SIM_COURTS = 3,           /* c1 and c2 (one place each) and a lane */
    SIM_MEMBERS = 12,         /* members m0..m11 */
    SIM_COMMAND_MAX = 4096,   /* bytes of one command's text */
};

typedef enum sim_op {
    SIM_OP_CONFIGURE = 0,
    SIM_OP_ATTEMPT,
    SIM_OP_CONFIRM,
    SIM_OP_RELEASE,
    SIM_OP_CANCEL,
    SIM_OP_RESCHEDULE,
    SIM_OP_BOOK,
    SIM_OP_GET,
    SIM_OP_JOIN,
    SIM_OP_ACCEPT,
    SIM_OP_DECLINE,
    SIM_OP_LEAVE,
    SIM_OP_CHECKIN,
    SIM_OP_TICK,
    SIM_OP_COUNT,
} sim_op;

typedef enum sim_actor {
    SIM_ACTOR_HOST = 0, /* no actor: a trusted host call */
    SIM_ACTOR_MEMBER,
    SIM_ACTOR_STAFF,
} sim_actor;

/* The facility of one run: fixed by the seed, a few settings changed by reconfigures. */
typedef struct sim_setup {
    bool new_york;              /* America/New_York, else UTC */
    int64_t day0_ms;            /* 00:00 UTC of the first day */
    uint16_t lane_capacity;
    uint32_t hold_ttl_seconds;
    uint32_t buffer_minutes;
    uint32_t max_holds;
    uint32_t offer_minutes;
    bool waitlist_quiet;        /* quiet hours 22:00-07:00 for offers */
    bool remind_every;          /* every 2 hours, else 1440 and 120 minutes before */
    bool remind_quiet;
    uint32_t no_show_grace_minutes;
    uint32_t max_active;        /* rules: 0 = off */
    uint32_t cancel_cutoff_minutes;
} sim_setup;

typedef struct sim_cmd {
    uint8_t op;                 /* sim_op */
    uint8_t actor;              /* sim_actor */
    bool retry;                 /* a client's retry of an earlier command */
    int64_t now_ms;
    char new_id[SIM_ID_MAX];    /* "" when the op takes none */
    char actor_id[SIM_ID_MAX];  /* the member or staff id */
    char member[SIM_ID_MAX];    /* attempt, book, join: for whom */
    char target[SIM_ID_MAX];    /* the reservation or waitlist entry acted on */
    char key[SIM_ID_MAX];       /* attempt: the idempotency key, "" for none */
    int court;                  /* -1: none (reschedule keeps it, join takes any) */
    int64_t start_ms;           /* 0: none (reschedule keeps it) */
    int64_t end_ms;             /* 0: none */
    uint32_t party;
    uint32_t expected_version;  /* reschedule */
    uint32_t duration_minutes;  /* join */
    bool offer_mode;            /* join: offer, else auto_book */
    sim_setup setup;            /* configure */
} sim_cmd;

extern const char *const sim_court_ids[SIM_COURTS];
extern const char *const sim_op_names[SIM_OP_COUNT];

/* Writes the command's JSON text; returns its length (< cap), 0 if it does not fit. */
size_t sim_cmd_render(const sim_cmd *c, char *out, size_t cap);
/* The capacity of court `court` under `setup`. */
uint32_t sim_court_capacity(const sim_setup *setup, int court);

#endif
