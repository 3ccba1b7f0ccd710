/* sim_gen.h: the command generator. From its seed it picks the facility
 * (time zone, a start near a daylight-saving change or not, hold TTL,
 * buffer, reminder and waitlist policies) and then, one step at a time,
 * a command of every kind from many members: on slots in a few hot hours
 * so they collide, on reservations and waitlist entries the model knows,
 * with clock steps, stalls and jumps (up to days), alarms at the reported
 * deadline, reconfigures, and client retries of recent commands (same
 * idempotency key, fresh host id, sometimes their old `now`, so they
 * arrive reordered). Its choices depend only on its seed and the model. */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stdint.h>

#include "sim_cmd.h"
#include "sim_model.h"
#include "sim_rng.h"

enum { SIM_RECENT = 16 }; /* commands a client may retry */

typedef struct sim_gen {
    sim_rng rng;
    sim_setup setup;
    int64_t now_ms;
    int64_t deadline_ms;        /* the last deadline the core reported, -1: none */
    uint32_t next_id;
    uint32_t recent_count;
    sim_cmd recent[SIM_RECENT];
} sim_gen;

/* Seeds the generator and picks the facility. */
void sim_gen_init(sim_gen *g, uint64_t seed);
/* The next command; the first one configures the facility. */
void sim_gen_next(sim_gen *g, const sim_model *m, sim_cmd *c);
/* The core's deadline after the command (-1: none), for the alarm. */
void sim_gen_deadline(sim_gen *g, int64_t deadline_ms);

#endif
