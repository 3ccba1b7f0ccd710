/* bench_core.c: the native core benchmark. Runs one workload file (written
 * by bench/core/generate.mjs: commands one a line, exactly the bytes the
 * facility's Durable Object hands the core, and the directives #reset,
 * #setup, #measure) through cs_execute, several times over, timing only the
 * #measure commands, and prints one JSON object: the median ns per timed
 * command over the runs, commands per second, every run's figure, the
 * statuses the timed commands got, reminders sent, and the memory figures
 * (the facility's fixed size, its live reservations and snapshot bytes at
 * the end) and how long restoring that snapshot takes (the median of 5).
 *
 * Usage: bench_core WORKLOAD_FILE [RUNS]   (default 5 runs) */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "courtside.h"
#include "snapshot.h"

enum { RUNS_MAX = 50, STATUS_MAX = 600 };

typedef struct line {
    const uint8_t *bytes;
    size_t length;
} line;

/* What one run found out. */
typedef struct result {
    double ns;                  /* timed commands' total */
    size_t timed;               /* timed commands */
    size_t statuses[STATUS_MAX];/* statuses of the timed commands */
    size_t reminders;           /* reminder notices the timed commands produced */
} result;

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *data = size < 0 ? NULL : malloc((size_t)size + 1);
    if (data != NULL && fread(data, 1, (size_t)size, file) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *length = data == NULL ? 0 : (size_t)size;
    return data;
}

/* Splits `data` into lines (in place); returns how many. */
static size_t split(char *data, size_t length, line *lines) {
    size_t count = 0;
    for (size_t start = 0; start < length;) {
        char *newline = memchr(data + start, '\n', length - start);
        size_t end = newline != NULL ? (size_t)(newline - data) : length;
        if (end > start) lines[count++] = (line){(const uint8_t *)data + start, end - start};
        start = end + 1;
    }
    return count;
}

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static bool is_directive(const line *l, const char *name) {
    size_t n = strlen(name);
    return l->length == n && memcmp(l->bytes, name, n) == 0;
}

static size_t count_of(const uint8_t *text, size_t length, const char *needle) {
    size_t n = strlen(needle), count = 0;
    for (size_t i = 0; i + n <= length; i++) {
        if (text[i] == (uint8_t)needle[0] && memcmp(text + i, needle, n) == 0) count++;
    }
    return count;
}

/* One run over every line; `tally` also counts statuses and reminders
 * (outside the timed stretches). */
static void run(cs_facility *f, uint8_t *out, const line *lines, size_t count, bool tally, result *r) {
    cs_facility_init(f);
    bool measuring = false;
    double started = 0;
    for (size_t i = 0; i < count; i++) {
        const line *l = &lines[i];
        if (l->bytes[0] == '#') {
            if (measuring) r->ns += (seconds_now() - started) * 1e9;
            measuring = is_directive(l, "#measure");
            if (is_directive(l, "#reset")) cs_facility_init(f);
            if (measuring) started = seconds_now();
            continue;
        }
        cs_execute(f, l->bytes, l->length, out, CS_OUTPUT_MAX);
        if (measuring) r->timed++;
    }
    if (measuring) r->ns += (seconds_now() - started) * 1e9;
    if (!tally) return;
    /* The tally pass: the same commands again, untimed, reading each output. */
    cs_facility_init(f);
    measuring = false;
    for (size_t i = 0; i < count; i++) {
        const line *l = &lines[i];
        if (l->bytes[0] == '#') {
            measuring = is_directive(l, "#measure");
            if (is_directive(l, "#reset")) cs_facility_init(f);
            continue;
        }
        size_t n = cs_execute(f, l->bytes, l->length, out, CS_OUTPUT_MAX);
        if (!measuring) continue;
        int status = n > 10 ? atoi((const char *)out + 10) : 0; /* {"status":NNN */
        if (status > 0 && status < STATUS_MAX) r->statuses[status]++;
        r->reminders += count_of(out, n, "\"kind\":\"reminder\"");
    }
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_core WORKLOAD_FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > RUNS_MAX) runs = 5;
    size_t length;
    char *data = read_file(argv[1], &length);
    line *lines = data == NULL ? NULL : malloc(sizeof *lines * (length / 2 + 1));
    cs_facility *f = malloc(sizeof *f);
    uint8_t *out = malloc(CS_OUTPUT_MAX);
    result *results = calloc((size_t)runs, sizeof *results);
    if (lines == NULL || f == NULL || out == NULL || results == NULL) {
        fprintf(stderr, "bench_core: cannot read %s or allocate memory\n", argv[1]);
        return 1;
    }
    size_t count = split(data, length, lines);
    double per_command[RUNS_MAX];
    for (int i = 0; i < runs; i++) {
        run(f, out, lines, count, i == 0, &results[i]);
        per_command[i] = results[i].timed == 0 ? 0 : results[i].ns / (double)results[i].timed;
    }
    double sorted[RUNS_MAX];
    memcpy(sorted, per_command, sizeof per_command);
    qsort(sorted, (size_t)runs, sizeof sorted[0], compare_doubles);
    double median = runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
    size_t snapshot_bytes = cs_snapshot(f, out, CS_OUTPUT_MAX);
    double restore_ns[5];
    for (int i = 0; i < 5; i++) {
        double started = seconds_now();
        bool restored = cs_restore(f, out, snapshot_bytes);
        restore_ns[i] = restored ? (seconds_now() - started) * 1e9 : -1;
    }
    qsort(restore_ns, 5, sizeof restore_ns[0], compare_doubles);

    printf("{\"runtime\":\"native\",\"runs\":%d,\"timedCommands\":%zu,\"nsPerCommand\":%.1f,\"commandsPerSecond\":%.0f,\"runsNsPerCommand\":[",
           runs, results[0].timed, median, median > 0 ? 1e9 / median : 0.0);
    for (int i = 0; i < runs; i++) printf("%s%.1f", i ? "," : "", per_command[i]);
    printf("],\"statuses\":{");
    bool first = true;
    for (int s = 0; s < STATUS_MAX; s++) {
        if (results[0].statuses[s] == 0) continue;
        printf("%s\"%d\":%zu", first ? "" : ",", s, results[0].statuses[s]);
        first = false;
    }
    printf("},\"reminders\":%zu,\"facilityBytes\":%zu,\"reservationBytes\":%zu,\"reservationsInMemory\":%u,\"snapshotBytes\":%zu,"
           "\"restoreNs\":%.0f}\n",
           results[0].reminders, sizeof *f, sizeof f->reservations[0], f->reservation_count, snapshot_bytes, restore_ns[2]);
    free(results);
    free(out);
    free(f);
    free(lines);
    free(data);
    return 0;
}
