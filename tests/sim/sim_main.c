/* sim_main.c: the simulator's command line.
 *
 *   courtside-sim [--seeds N] [--first S] [--steps K] [--final] [--trace]
 *
 * Runs seeds S..S+N-1 (default 1..100), K commands each (default 500,
 * at most SIM_STEPS_MAX). On the first failing seed it finds the shortest
 * prefix of that seed's commands that still fails (the run is a function
 * of the seed, so a prefix is a shorter run of the same seed, closed by a
 * snapshot and a replay from zero), prints the seed, the step, the reason
 * and the prefix as JSON lines (restarts as '#' comments: a conformance
 * vector once the expected outputs are made), and exits 1. --trace prints
 * the commands of every run as they go; --final closes every run with a
 * snapshot + restore and a replay from zero (shrinking always does). Exit 0: every seed passed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_run.h"

static bool parse_u64(const char *text, uint64_t *value) {
    char *end;
    if (text == NULL || *text == '\0') return false;
    *value = strtoull(text, &end, 10);
    return *end == '\0';
}

static int usage(void) {
    fprintf(stderr, "usage: courtside-sim [--seeds N] [--first S] [--steps K (1-%d)] [--final] [--trace]\n", SIM_STEPS_MAX);
    return 2;
}

static void add(sim_stats *total, const sim_stats *s) {
    total->commands += s->commands;
    total->succeeded += s->succeeded;
    total->refused += s->refused;
    total->slot_unavailable += s->slot_unavailable;
    total->retries += s->retries;
    total->holds_expired += s->holds_expired;
    total->offers += s->offers;
    total->waitlist_bookings += s->waitlist_bookings;
    total->reminders_sent += s->reminders_sent;
    total->no_shows += s->no_shows;
    total->restarts += s->restarts;
    total->replayed += s->replayed;
}

/* Binary search for the shortest failing prefix of `seed`, then prints it. */
static int report_failure(uint64_t seed, const sim_result *first) {
    uint32_t lo = 1, hi = first->step;
    sim_result r;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (!sim_run(seed, mid, true, NULL, &r)) return 3;
        if (r.failed) hi = mid;
        else lo = mid + 1;
    }
    printf("sim: seed %" PRIu64 " failed at step %u: %s\n", seed, first->step, first->why);
    printf("sim: shortest failing prefix: %u commands (courtside-sim --first %" PRIu64 " --seeds 1 --steps %u)\n", hi, seed, hi);
    if (!sim_run(seed, hi, true, stdout, &r)) return 3;
    printf("sim: with that prefix: %s\n", r.failed ? r.why : "(passes when run alone)");
    return 1;
}

int main(int argc, char **argv) {
    uint64_t seeds = 100, first = 1, steps = 500;
    bool trace = false, final = false;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--trace") == 0 || strcmp(argv[i], "--final") == 0) {
            *(argv[i][2] == 't' ? &trace : &final) = true;
            continue;
        }
        uint64_t *target = strcmp(argv[i], "--seeds") == 0 ? &seeds : strcmp(argv[i], "--first") == 0 ? &first
                           : strcmp(argv[i], "--steps") == 0 ? &steps : NULL;
        if (target == NULL || !parse_u64(value, target)) return usage();
        i++;
    }
    if (steps == 0 || steps > SIM_STEPS_MAX) return usage();
    sim_stats total = {0};
    sim_result r;
    for (uint64_t seed = first; seed < first + seeds; seed++) {
        if (!sim_run(seed, (uint32_t)steps, final, trace ? stdout : NULL, &r)) {
            fprintf(stderr, "courtside-sim: out of memory\n");
            return 3;
        }
        add(&total, &r.stats);
        if (r.failed) return report_failure(seed, &r);
    }
    printf("sim: %" PRIu64 " seeds (%" PRIu64 "..%" PRIu64 ") x %" PRIu64 " steps: %" PRIu64 " commands (%" PRIu64
           " succeeded, %" PRIu64 " refused, %" PRIu64 " slot_unavailable, %" PRIu64 " retries), %" PRIu64
           " holds expired, %" PRIu64 " waitlist offers, %" PRIu64 " waitlist bookings, %" PRIu64 " reminders, %" PRIu64
           " no-shows, %" PRIu64 " restarts replaying %" PRIu64 " commands: all checks passed\n",
           seeds, first, first + seeds - 1, steps, total.commands, total.succeeded, total.refused, total.slot_unavailable,
           total.retries, total.holds_expired, total.offers, total.waitlist_bookings, total.reminders_sent, total.no_shows,
           total.restarts, total.replayed);
    return 0;
}
