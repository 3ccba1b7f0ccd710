/* args.h: reading an operation's arguments. The arguments are the client's
 * JSON object (`args`) merged with the values the host took from the URL
 * (`params`); a field present in both must agree. Every getter checks the
 * type and range and fails with invalid_field naming the field. */
#ifndef CS_ARGS_H
#define CS_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "courtside.h"

typedef struct cs_args {
    const json_doc *doc;
    uint32_t args;      /* the args object's node */
    uint32_t params;    /* the params object's node, or 0 */
    cs_message *message;
} cs_args;

/* Fails on the first member of args whose name is not in `allowed` (NULL-terminated). */
cs_error args_check_known(const cs_args *a, const char *const *allowed);
/* The same, and in the same pass values[i] = the value node of allowed[i]
 * in args (0 when absent; params are not looked at). `values` has room for
 * `capacity` (asserted: at least one per allowed name). */
cs_error args_collect(const cs_args *a, const char *const *allowed, uint32_t *values, size_t capacity);

/* args_collect, and the params too: values[i] = the value node of allowed[i]
 * in args or params (0 when in neither); one in both must have the same
 * value. The getters below that end in _at read such a node (0: absent). */
cs_error args_gather(const cs_args *a, const char *const *allowed, uint32_t *values, size_t capacity);

/* The field's value node, or 0 when absent from both args and params. */
cs_error args_find(const cs_args *a, const char *name, uint32_t *node);

/* An id: [A-Za-z0-9_-]{1,CS_ID_MAX}. Absent and not required: out[0] = 0. */
cs_error args_id(const cs_args *a, const char *name, bool required, char out[CS_ID_MAX + 1]);
cs_error args_id_at(const cs_args *a, const char *name, uint32_t node, bool required, char out[CS_ID_MAX + 1]);
/* A facility id: [A-Za-z0-9-]{1,CS_FACILITY_ID_MAX}. Always required. */
cs_error args_facility_id(const cs_args *a, char out[CS_FACILITY_ID_MAX + 1]);
cs_error args_facility_id_at(const cs_args *a, uint32_t node, char out[CS_FACILITY_ID_MAX + 1]);
/* An RFC 3339 instant. */
cs_error args_time(const cs_args *a, const char *name, bool required, int64_t *ms, bool *present);
cs_error args_time_at(const cs_args *a, const char *name, uint32_t node, bool required, int64_t *ms, bool *present);
/* An integer in [min, max]. */
cs_error args_int(const cs_args *a, const char *name, bool required, int64_t min, int64_t max,
                  int64_t *value, bool *present);
cs_error args_int_at(const cs_args *a, const char *name, uint32_t node, bool required, int64_t min, int64_t max,
                     int64_t *value, bool *present);
/* Display text: 1..max bytes of UTF-8 without control characters. */
cs_error args_text(const cs_args *a, const char *name, bool required, size_t max, char *out);

/* Helpers on single values, for arrays and nested objects. */
bool args_is_id(const char *text, size_t len, size_t max, bool allow_underscore);
bool args_is_display_text(const char *text, size_t len, size_t max);
/* Sets the message to "<name>: unknown field" or similar for a member key. */
cs_error args_unknown_field(cs_message *m, const json_doc *doc, uint32_t key_node);

#endif
