/* sim_run.h: one simulated run: a seed's commands through the core's one
 * entry point (cs_execute), each output audited (sim_audit.h), with
 * restarts at random points, chosen by a second random stream so the
 * commands do not depend on them:
 *   - snapshot + restore: the live facility is written and read back;
 *   - snapshot + log tail: an older snapshot restored and the commands
 *     logged after it replayed;
 *   - replay from zero: every logged command into a fresh facility.
 * The host logs exactly the commands whose output said `changed`; a
 * recovery must give the live state hash and, for every replayed command,
 * the same output bytes it gave the first time. A command that did not
 * change the state must leave its hash as it was. The recovered facility
 * then runs on as the live one. */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_audit.h"
#include "sim_model.h"

enum {
    SIM_STEPS_MAX = 200000,     /* commands in one run */
};

typedef struct sim_result {
    bool failed;
    uint32_t step;              /* the failing step (1-based) or the steps run */
    char why[4 * SIM_WHY_MAX];
    sim_stats stats;
} sim_result;

/* Runs `steps` commands of `seed`; with `final_check` a last snapshot and
 * replay from zero close the run. With `trace`, writes the commands as JSON
 * lines (and the restarts as '#' comments) to it. False only when memory
 * runs out. */
bool sim_run(uint64_t seed, uint32_t steps, bool final_check, FILE *trace, sim_result *result);

#endif
