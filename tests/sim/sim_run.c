/* sim_run.c: the live facility, the host's log, restarts and recovery checks. */
#include "sim_run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "courtside.h"
#include "sim_gen.h"
#include "sim_rng.h"
#include "snapshot.h"

/* A logged command: what the host appends when the output said changed. */
typedef struct logged {
    uint32_t offset, length;    /* in the log's text */
    uint64_t output_hash;
} logged;

typedef struct world {
    cs_facility *live, *spare;
    uint8_t *out, *replay_out, *snapshot;
    size_t snapshot_len;        /* the latest checkpoint, 0 before any */
    uint32_t snapshot_at;       /* log entries before it */
    char *text;
    size_t text_len, text_cap;
    logged *log;
    uint32_t log_count;
    sim_model model;
    sim_audit *audit;
    sim_gen gen;
    sim_rng faults;
    FILE *trace;
} world;

/* Sets the reason of a failure (printf format). */
static bool why(sim_result *result, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool why(sim_result *result, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    vsnprintf(result->why, sizeof result->why, format, ap);
    va_end(ap);
    return false;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

static bool world_init(world *w, uint64_t seed, uint32_t steps, FILE *trace) {
    memset(w, 0, sizeof *w);
    w->trace = trace;
    w->live = malloc(sizeof *w->live);
    w->spare = malloc(sizeof *w->spare);
    w->out = malloc(CS_OUTPUT_MAX);
    w->replay_out = malloc(CS_OUTPUT_MAX);
    w->snapshot = malloc(CS_OUTPUT_MAX);
    w->text_cap = (size_t)steps * 512 + 4096;
    w->text = malloc(w->text_cap);
    w->log = malloc(((size_t)steps + 1) * sizeof *w->log);
    w->audit = malloc(sizeof *w->audit);
    if (w->live == NULL || w->spare == NULL || w->out == NULL || w->replay_out == NULL || w->snapshot == NULL ||
        w->text == NULL || w->log == NULL || w->audit == NULL || !sim_model_init(&w->model, steps)) {
        return false;
    }
    cs_facility_init(w->live);
    sim_gen_init(&w->gen, seed);
    sim_rng_seed(&w->faults, seed ^ UINT64_C(0x5eed5eed5eed5eed));
    return true;
}

static void world_free(world *w) {
    free(w->live);
    free(w->spare);
    free(w->out);
    free(w->replay_out);
    free(w->snapshot);
    free(w->text);
    free(w->log);
    free(w->audit);
    sim_model_free(&w->model);
}

static bool log_append(world *w, const char *command, size_t n, uint64_t output_hash) {
    if (w->text_len + n > w->text_cap) {
        size_t cap = w->text_cap * 2 + n;
        char *bigger = realloc(w->text, cap);
        if (bigger == NULL) return false;
        w->text = bigger;
        w->text_cap = cap;
    }
    memcpy(w->text + w->text_len, command, n);
    w->log[w->log_count++] = (logged){(uint32_t)w->text_len, (uint32_t)n, output_hash};
    w->text_len += n;
    return true;
}

/* Replays log entries [from, log_count) into the spare facility; false
 * with the reason when an output differs from the first time. */
static bool replay(world *w, uint32_t from, sim_result *result, const char *how) {
    for (uint32_t i = from; i < w->log_count; i++) {
        const logged *l = &w->log[i];
        size_t n = cs_execute(w->spare, (const uint8_t *)w->text + l->offset, l->length, w->replay_out, CS_OUTPUT_MAX);
        result->stats.replayed++;
        if (hash_bytes(w->replay_out, n) != l->output_hash) {
            why(result, "%s: logged command %u gave another output when replayed: %.300s", how,
                     i + 1, (const char *)w->replay_out);
            return false;
        }
    }
    return true;
}

/* The spare facility must now equal the live one; then it becomes the live one. */
static bool take_over(world *w, sim_result *result, const char *how) {
    uint64_t live = cs_state_hash(w->live), recovered = cs_state_hash(w->spare);
    if (live != recovered) {
        why(result, "%s: state hash %016llx after recovery, %016llx live", how,
                 (unsigned long long)recovered, (unsigned long long)live);
        return false;
    }
    cs_facility *t = w->live;
    w->live = w->spare;
    w->spare = t;
    return true;
}

static bool checkpoint(world *w, sim_result *result) {
    w->snapshot_len = cs_snapshot(w->live, w->snapshot, CS_OUTPUT_MAX);
    w->snapshot_at = w->log_count;
    if (w->snapshot_len == 0) why(result, "snapshot did not fit");
    return w->snapshot_len != 0;
}

/* kind 0: snapshot + restore; 1: the last checkpoint + the log tail; 2: replay from zero. */
static bool restart(world *w, uint32_t kind, sim_result *result) {
    static const char *const names[] = {"snapshot + restore", "snapshot + log tail", "replay from zero"};
    if (w->trace != NULL) fprintf(w->trace, "# restart: %s\n", names[kind]);
    result->stats.restarts++;
    if (kind == 0 || (kind == 1 && w->snapshot_len == 0)) {
        if (!checkpoint(w, result)) return false;
        kind = 1;
    }
    if (kind == 1) {
        if (!cs_restore(w->spare, w->snapshot, w->snapshot_len)) {
            why(result, "%s: the snapshot was refused", names[kind]);
            return false;
        }
        return replay(w, w->snapshot_at, result, names[kind]) && take_over(w, result, names[kind]);
    }
    cs_facility_init(w->spare);
    return replay(w, 0, result, names[kind]) && take_over(w, result, names[kind]);
}

static bool fail(sim_result *result, uint32_t step) {
    result->failed = true;
    result->step = step;
    return true;
}

/* One step: generate, run, audit, log; then maybe a restart. */
static bool step(world *w, uint32_t i, sim_result *result) {
    sim_cmd c;
    char command[SIM_COMMAND_MAX];
    sim_gen_next(&w->gen, &w->model, &c);
    size_t n = sim_cmd_render(&c, command, sizeof command);
    if (n == 0) {
        why(result, "command too long for the simulator");
        return false;
    }
    if (w->trace != NULL) fprintf(w->trace, "%.*s\n", (int)n, command);
    /* Hashing costs about as much as a command: checked on a sample of unchanged ones. */
    bool check_hash = sim_rng_chance(&w->faults, 10);
    uint64_t before = check_hash ? cs_state_hash(w->live) : 0;
    size_t out_len = cs_execute(w->live, (const uint8_t *)command, n, w->out, CS_OUTPUT_MAX);
    if (!sim_audit_step(w->audit, &w->model, &c, i, w->out, out_len)) {
        why(result, "%s\n  command: %.*s\n  output:  %.*s", w->audit->why, (int)n, command,
                 (int)(out_len < 1500 ? out_len : 1500), (const char *)w->out);
        return false;
    }
    sim_gen_deadline(&w->gen, w->audit->out.deadline_ms);
    if (w->audit->out.changed) {
        if (!log_append(w, command, n, hash_bytes(w->out, out_len))) {
            why(result, "out of memory for the log");
            return false;
        }
    } else if (check_hash && cs_state_hash(w->live) != before) {
        why(result, "an output said unchanged but the state hash moved\n  command: %.*s", (int)n,
                 command);
        return false;
    }
    /* Per mille: checkpoints 1.5%, snapshot + restore 0.5%, snapshot + tail 0.5%, from zero 0.3%. */
    uint32_t roll = sim_rng_below(&w->faults, 1000);
    if (roll < 15) return checkpoint(w, result);
    if (roll < 20) return restart(w, 0, result);
    if (roll < 25) return restart(w, 1, result);
    if (roll < 28) return restart(w, 2, result);
    return true;
}

bool sim_run(uint64_t seed, uint32_t steps, bool final_check, FILE *trace, sim_result *result) {
    memset(result, 0, sizeof *result);
    world *w = malloc(sizeof *w);
    if (w == NULL) return false;
    if (steps > SIM_STEPS_MAX) steps = SIM_STEPS_MAX;
    if (!world_init(w, seed, steps, trace)) {
        world_free(w);
        free(w);
        return false;
    }
    bool ok = true;
    for (uint32_t i = 1; i <= steps && ok; i++) {
        ok = step(w, i, result);
        if (!ok) fail(result, i);
    }
    if (ok && final_check) {
        ok = restart(w, 0, result) && restart(w, 2, result);
        if (!ok) fail(result, steps);
    }
    if (ok) result->step = steps;
    sim_stats counted = w->model.stats;
    counted.restarts = result->stats.restarts;
    counted.replayed = result->stats.replayed;
    result->stats = counted;
    world_free(w);
    free(w);
    return true;
}
