/* test_snapshot.c: snapshots and the state hash. For every conformance
 * vector file given on the command line, runs its commands and checks, at
 * every step, that (a) snapshot + restore gives a state with the same hash
 * that answers the next commands byte for byte like the live one, and (b)
 * replaying only the commands that changed the state gives the same hash.
 * Malformed snapshots are refused and leave a new facility. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "courtside.h"
#include "snapshot.h"

static uint8_t out_live[CS_OUTPUT_MAX];
static uint8_t out_other[CS_OUTPUT_MAX];
static uint8_t snapshot[CS_OUTPUT_MAX];

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (data != NULL && fread(data, 1, (size_t)size, file) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *length = (size_t)size;
    return data;
}

static bool output_changed(const uint8_t *out, size_t n) {
    static json_doc doc;
    if (json_parse(&doc, out, n) != JSON_OK) return false;
    return json_at(&doc, json_object_get(&doc, 0, "changed"))->type == JSON_TRUE;
}

/* Runs every command of one vector file against live, restored and replayed facilities. */
static void check_file(const char *path, cs_facility *live, cs_facility *restored, cs_facility *replayed) {
    size_t length;
    char *text = read_file(path, &length);
    CHECK(text != NULL);
    if (text == NULL) return;
    cs_facility_init(live);
    cs_facility_init(replayed);
    int steps = 0;
    for (size_t start = 0; start < length;) {
        char *newline = memchr(text + start, '\n', length - start);
        size_t end = newline != NULL ? (size_t)(newline - text) : length;
        const uint8_t *command = (const uint8_t *)text + start;
        size_t n = end - start;
        start = end + 1;
        if (n == 0 || command[0] == '#') continue;

        size_t snapshot_len = cs_snapshot(live, snapshot, sizeof snapshot);
        CHECK(snapshot_len > 0);
        CHECK(cs_restore(restored, snapshot, snapshot_len));
        CHECK(cs_state_hash(restored) == cs_state_hash(live));

        size_t live_len = cs_execute(live, command, n, out_live, sizeof out_live);
        size_t other_len = cs_execute(restored, command, n, out_other, sizeof out_other);
        bool same = live_len == other_len && memcmp(out_live, out_other, live_len) == 0;
        CHECK(same);
        if (!same) {
            fprintf(stderr, "%s, command %d:\n  live:     %.*s\n  restored: %.*s\n", path, steps, (int)live_len,
                    (const char *)out_live, (int)other_len, (const char *)out_other);
        }
        if (output_changed(out_live, live_len)) cs_execute(replayed, command, n, out_other, sizeof out_other);
        CHECK(cs_state_hash(replayed) == cs_state_hash(live));
        steps++;
    }
    CHECK(steps > 5);
    free(text);
}

static void check_malformed(cs_facility *live, cs_facility *restored) {
    size_t n = cs_snapshot(live, snapshot, sizeof snapshot);
    uint64_t fresh;
    cs_facility_init(restored);
    fresh = cs_state_hash(restored);
    /* Every truncation is refused. */
    for (size_t cut = 0; cut < n; cut += 1 + cut / 16) {
        CHECK(!cs_restore(restored, snapshot, cut));
        CHECK(cs_state_hash(restored) == fresh);
    }
    /* A wrong magic or version, trailing bytes. */
    snapshot[0] = 'X';
    CHECK(!cs_restore(restored, snapshot, n));
    snapshot[0] = 'C';
    snapshot[4] = 99;
    CHECK(!cs_restore(restored, snapshot, n));
    snapshot[4] = CS_SNAPSHOT_VERSION;
    CHECK(!cs_restore(restored, snapshot, n + 1));
    CHECK(cs_restore(restored, snapshot, n));
    CHECK(cs_state_hash(restored) == cs_state_hash(live));
    CHECK(cs_state_hash(restored) != fresh);
}

int main(int argc, char **argv) {
    cs_facility *live = malloc(sizeof *live);
    cs_facility *restored = malloc(sizeof *restored);
    cs_facility *replayed = malloc(sizeof *replayed);
    if (live == NULL || restored == NULL || replayed == NULL) return 1;
    CHECK(argc > 1);
    for (int i = 1; i < argc; i++) {
        check_file(argv[i], live, restored, replayed);
        check_malformed(live, restored);
    }
    free(live);
    free(restored);
    free(replayed);
    return check_report("test_snapshot");
}
