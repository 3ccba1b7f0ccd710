/* sim_json.h: reading the core's outputs. An output can be far larger than
 * the core's own JSON reader takes at once (JSON_INPUT_MAX bytes,
 * JSON_NODES_MAX nodes), so it is cut into spans here (the envelope's
 * fields, an array's elements) and each span is parsed on its own with that
 * reader into a sim_doc. */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

typedef struct sim_span {
    const char *p;
    size_t n;
} sim_span;

/* The value under `key` in the object `object` (top level only). */
bool sim_json_field(sim_span object, const char *key, sim_span *value);
/* Steps through an array: *pos starts at 0; false at the end (or on bad input). */
bool sim_json_next(sim_span array, size_t *pos, sim_span *element);

/* A parsed span with lookups by dotted path ("reservation.status"). */
typedef struct sim_doc {
    json_doc doc;
    bool ok;
} sim_doc;

bool sim_doc_parse(sim_doc *d, sim_span s);
/* The node at the path, 0 if absent. */
uint32_t sim_doc_at(const sim_doc *d, const char *path);
/* The string at the path, or NULL (absent, or not a string). */
const char *sim_doc_text(const sim_doc *d, const char *path);
/* The integer at the path, or `fallback`. */
int64_t sim_doc_int(const sim_doc *d, const char *path, int64_t fallback);
/* The boolean at the path; false if absent. */
bool sim_doc_true(const sim_doc *d, const char *path);
/* An instant (RFC 3339 text) at the path, or -1. */
int64_t sim_doc_time(const sim_doc *d, const char *path);

#endif
