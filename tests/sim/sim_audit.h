/* sim_audit.h: the auditor. After every step it reads the core's output,
 * checks the reply against the reference model (sim_expect.c), applies the
 * effects to the model checking each transition, then checks the
 * invariants over the whole model:
 *   - no court ever has more places in use (holds and confirmed bookings,
 *     each widened by the buffer) than its capacity;
 *   - every hold and every waitlist offer has ended by its expiry, never
 *     before it, and the reported deadline is no later than any of them;
 *   - no waitlist entry is offered the same slot (court, start) twice, and
 *     no offer runs past its slot's start;
 *   - reminder job ids are unique, each is sent at most once, when due and
 *     before the start, and none is pending or sent for a booking that is
 *     not confirmed (cancelled, moved away, a no-show); every notice id is
 *     unique;
 *   - seq moves by exactly one per broadcast; an unchanged output has none.
 * Recovery (hash equality after snapshot or replay) is checked by sim_run. */
#ifndef SIM_AUDIT_H
#define SIM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_cmd.h"
#include "sim_json.h"
#include "sim_model.h"

enum { SIM_WHY_MAX = 1024 };

/* What one step's output says, read once. */
typedef struct sim_output {
    int status;
    bool changed;
    uint64_t seq;
    int64_t deadline_ms;        /* -1: null */
    sim_span reply;
    sim_span broadcasts;
    sim_span effects;
    const char *error;          /* the error code of a failure, else NULL */
} sim_output;

typedef struct sim_audit {
    sim_model *model;
    const sim_cmd *cmd;
    uint32_t step;
    int64_t now_ms;             /* the instant the core ran the command at */
    sim_output out;
    sim_doc reply;              /* the reply, parsed */
    sim_doc item;               /* scratch: one effect or broadcast */
    bool failed;
    char why[SIM_WHY_MAX];
} sim_audit;

/* Audits step `step` (1-based): `c` was sent, `out`/`n` came back. False
 * with a->why filled when a check failed. */
bool sim_audit_step(sim_audit *a, sim_model *m, const sim_cmd *c, uint32_t step, const uint8_t *out, size_t n);

/* Records the first failure (printf format); always returns false. */
bool sim_fail(sim_audit *a, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* sim_expect.c: the reply of the command, predicted from the model as it
 * was before the step. */
bool sim_expect_reply(sim_audit *a);

/* Places in use on `court` at some instant of [start, end) by the model's
 * counted reservations (live holds, confirmed bookings) other than `except`,
 * the way the core's capacity check counts them. */
uint32_t sim_usage(const sim_model *m, int court, int64_t start_ms, int64_t end_ms, int64_t now_ms,
                   const sim_res *except);
/* The status `r` has once the core advanced to `now` (holds expire, no-shows). */
uint8_t sim_effective_status(const sim_model *m, const sim_res *r, int64_t now_ms);

#endif
