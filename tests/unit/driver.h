/* driver.h: running commands against a facility in the C unit tests and
 * reading their outputs: run() takes a printf format, at()/number()/text()
 * read the last output by dotted path. Commands that changed the state are
 * kept in changed_log for replay tests. */
#ifndef CS_DRIVER_H
#define CS_DRIVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "courtside.h"

/* 2026-12-01T00:00:00Z; the tests book days after it. */
#define T0 INT64_C(1796083200000)
#define MINUTE INT64_C(60000)

static uint8_t output[CS_OUTPUT_MAX];
static size_t output_len;
static json_doc out_doc;

/* Commands whose output said changed, for the replay test. */
static char changed_log[512][2048];
static int changed_count;

/* Runs a command built from a printf format; parses the output into out_doc. */
static inline void run(cs_facility *f, const char *format, ...) {
    char command[8192];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(command, sizeof command, format, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof command) abort();
    output_len = cs_execute(f, (const uint8_t *)command, (size_t)n, output, sizeof output);
    if (json_parse(&out_doc, output, output_len) != JSON_OK) {
        fprintf(stderr, "output is not JSON (or over the test's parse limit): %.300s\n", (const char *)output);
        abort();
    }
    uint32_t changed = json_object_get(&out_doc, 0, "changed");
    if (json_at(&out_doc, changed)->type == JSON_TRUE && changed_count < 512 && (size_t)n < 2048) {
        memcpy(changed_log[changed_count++], command, (size_t)n + 1);
    }
}

/* The node at a dotted path in the last output ("reply.reservation.status"), or 0. */
static inline uint32_t at(const char *path) {
    uint32_t node = 0;
    char key[64];
    while (*path != '\0') {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        node = json_object_get(&out_doc, node, key);
        if (node == 0) return 0;
        path += n + (path[n] == '.');
    }
    return node;
}

static inline int64_t number(const char *path) {
    uint32_t node = at(path);
    return node != 0 && json_at(&out_doc, node)->is_integer ? json_at(&out_doc, node)->integer : -1;
}

static inline const char *text(const char *path) {
    uint32_t node = at(path);
    return node != 0 && json_at(&out_doc, node)->type == JSON_STRING ? json_text(&out_doc, node) : "(absent)";
}

static inline bool changed(void) { return json_at(&out_doc, at("changed"))->type == JSON_TRUE; }

#endif
