/* args.c: typed, validated access to an operation's arguments (args merged
 * with the host's params). */
#include "args.h"

#include <string.h>

#include "civil.h"
#include "core.h"

static bool is_id_char(char c, bool allow_underscore) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           (allow_underscore && c == '_');
}

bool args_is_id(const char *text, size_t len, size_t max, bool allow_underscore) {
    if (len == 0 || len > max) return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_id_char(text[i], allow_underscore)) return false;
    }
    return true;
}

bool args_is_display_text(const char *text, size_t len, size_t max) {
    if (len == 0 || len > max) return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f) return false;
    }
    return true;
}

cs_error args_unknown_field(cs_message *m, const json_doc *doc, uint32_t key_node) {
    const json_node *key = json_at(doc, key_node);
    const char *name = json_text(doc, key_node);
    cs_message_start(m);
    if (args_is_id(name, key->str_len, 40, true)) {
        cs_message_text(m, name);
        cs_message_text(m, ": unknown field");
    } else {
        cs_message_text(m, "unknown field");
    }
    m->field = "unknown";
    return CS_ERR_INVALID_FIELD;
}

cs_error args_check_known(const cs_args *a, const char *const *allowed) { return args_collect(a, allowed, NULL, 0); }

cs_error args_collect(const cs_args *a, const char *const *allowed, uint32_t *values, size_t capacity) {
    if (values != NULL) {
        for (size_t i = 0; allowed[i] != NULL; i++) {
            CS_ASSERT(i < capacity);
            values[i] = 0;
        }
    }
    const json_node *object = json_at(a->doc, a->args);
    for (uint32_t key = object->first; key != 0; key = json_at(a->doc, json_at(a->doc, key)->next)->next) {
        const json_node *k = json_at(a->doc, key);
        const char *text = json_text(a->doc, key);
        size_t i = 0;
        /* The first byte first: most names differ there (an empty key matches no name). */
        while (allowed[i] != NULL &&
               !(allowed[i][0] == text[0] && strlen(allowed[i]) == k->str_len && memcmp(allowed[i], text, k->str_len) == 0)) {
            i++;
        }
        if (allowed[i] == NULL) return args_unknown_field(a->message, a->doc, key);
        if (values != NULL) values[i] = k->next;
    }
    return CS_OK;
}

static bool same_value(const json_doc *doc, uint32_t x, uint32_t y) {
    const json_node *a = json_at(doc, x);
    const json_node *b = json_at(doc, y);
    if (a->type != b->type) return false;
    if (a->type == JSON_STRING) {
        return a->str_len == b->str_len && memcmp(json_text(doc, x), json_text(doc, y), a->str_len) == 0;
    }
    if (a->type == JSON_NUMBER && a->is_integer && b->is_integer) return a->integer == b->integer;
    return false;
}

cs_error args_find(const cs_args *a, const char *name, uint32_t *node) {
    uint32_t from_args = json_object_get(a->doc, a->args, name);
    uint32_t from_params = a->params != 0 ? json_object_get(a->doc, a->params, name) : 0;
    if (from_args != 0 && from_params != 0 && !same_value(a->doc, from_args, from_params)) {
        *node = 0;
        return cs_fail_field(a->message, name, "differs from the value in the URL");
    }
    *node = from_args != 0 ? from_args : from_params;
    return CS_OK;
}

cs_error args_gather(const cs_args *a, const char *const *allowed, uint32_t *values, size_t capacity) {
    cs_error e = args_collect(a, allowed, values, capacity);
    if (e != CS_OK || a->params == 0) return e;
    const json_node *object = json_at(a->doc, a->params);
    for (uint32_t key = object->first; key != 0; key = json_at(a->doc, json_at(a->doc, key)->next)->next) {
        const json_node *k = json_at(a->doc, key);
        const char *text = json_text(a->doc, key);
        for (size_t i = 0; allowed[i] != NULL; i++) {
            if (strlen(allowed[i]) != k->str_len || memcmp(allowed[i], text, k->str_len) != 0) continue;
            if (values[i] == 0) {
                values[i] = k->next;
            } else if (!same_value(a->doc, values[i], k->next)) {
                return cs_fail_field(a->message, allowed[i], "differs from the value in the URL");
            }
            break;
        }
    }
    return CS_OK;
}

/* Checks a string field's node; absent (0) fails only when required. */
static cs_error check_string(const cs_args *a, const char *name, uint32_t node, bool required) {
    if (node == 0) return required ? cs_fail_field(a->message, name, "is required") : CS_OK;
    if (json_at(a->doc, node)->type != JSON_STRING) return cs_fail_field(a->message, name, "must be a string");
    return CS_OK;
}

/* Finds a string field; *node is 0 when it is absent and not required. */
static cs_error find_string(const cs_args *a, const char *name, bool required, uint32_t *node) {
    cs_error e = args_find(a, name, node);
    return e != CS_OK ? e : check_string(a, name, *node, required);
}

cs_error args_id_at(const cs_args *a, const char *name, uint32_t node, bool required, char out[CS_ID_MAX + 1]) {
    out[0] = '\0';
    cs_error e = check_string(a, name, node, required);
    if (e != CS_OK || node == 0) return e;
    const json_node *n = json_at(a->doc, node);
    if (!args_is_id(json_text(a->doc, node), n->str_len, CS_ID_MAX, true)) {
        return cs_fail_field(a->message, name, "must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
    memcpy(out, json_text(a->doc, node), n->str_len + 1);
    return CS_OK;
}

cs_error args_id(const cs_args *a, const char *name, bool required, char out[CS_ID_MAX + 1]) {
    uint32_t node;
    out[0] = '\0';
    cs_error e = args_find(a, name, &node);
    return e != CS_OK ? e : args_id_at(a, name, node, required, out);
}

cs_error args_facility_id_at(const cs_args *a, uint32_t node, char out[CS_FACILITY_ID_MAX + 1]) {
    out[0] = '\0';
    cs_error e = check_string(a, "facilityId", node, true);
    if (e != CS_OK) return e;
    const json_node *n = json_at(a->doc, node);
    if (!args_is_id(json_text(a->doc, node), n->str_len, CS_FACILITY_ID_MAX, false)) {
        return cs_fail_field(a->message, "facilityId", "must be 1-40 characters of A-Z, a-z, 0-9 and '-'");
    }
    memcpy(out, json_text(a->doc, node), n->str_len + 1);
    return CS_OK;
}

cs_error args_facility_id(const cs_args *a, char out[CS_FACILITY_ID_MAX + 1]) {
    uint32_t node;
    out[0] = '\0';
    cs_error e = args_find(a, "facilityId", &node);
    return e != CS_OK ? e : args_facility_id_at(a, node, out);
}

cs_error args_time_at(const cs_args *a, const char *name, uint32_t node, bool required, int64_t *ms, bool *present) {
    *present = false;
    cs_error e = check_string(a, name, node, required);
    if (e != CS_OK || node == 0) return e;
    const json_node *n = json_at(a->doc, node);
    if (!civil_parse_rfc3339(json_text(a->doc, node), n->str_len, ms)) {
        return cs_fail_field(a->message, name, "must be an RFC 3339 time such as 2026-12-30T18:00:00Z");
    }
    *present = true;
    return CS_OK;
}

cs_error args_time(const cs_args *a, const char *name, bool required, int64_t *ms, bool *present) {
    uint32_t node;
    *present = false;
    cs_error e = args_find(a, name, &node);
    return e != CS_OK ? e : args_time_at(a, name, node, required, ms, present);
}

cs_error args_int_at(const cs_args *a, const char *name, uint32_t node, bool required, int64_t min, int64_t max,
                     int64_t *value, bool *present) {
    *present = false;
    if (node == 0) return required ? cs_fail_field(a->message, name, "is required") : CS_OK;
    const json_node *n = json_at(a->doc, node);
    if (n->type != JSON_NUMBER || !n->is_integer || n->integer < min || n->integer > max) {
        cs_fail_field(a->message, name, "must be an integer from ");
        cs_message_int(a->message, min);
        cs_message_text(a->message, " to ");
        cs_message_int(a->message, max);
        return CS_ERR_INVALID_FIELD;
    }
    *value = n->integer;
    *present = true;
    return CS_OK;
}

cs_error args_int(const cs_args *a, const char *name, bool required, int64_t min, int64_t max,
                  int64_t *value, bool *present) {
    uint32_t node;
    *present = false;
    cs_error e = args_find(a, name, &node);
    return e != CS_OK ? e : args_int_at(a, name, node, required, min, max, value, present);
}

cs_error args_text(const cs_args *a, const char *name, bool required, size_t max, char *out) {
    uint32_t node;
    out[0] = '\0';
    cs_error e = find_string(a, name, required, &node);
    if (e != CS_OK || node == 0) return e;
    const json_node *n = json_at(a->doc, node);
    if (!args_is_display_text(json_text(a->doc, node), n->str_len, max)) {
        cs_fail_field(a->message, name, "must be 1 to ");
        cs_message_int(a->message, (int64_t)max);
        cs_message_text(a->message, " bytes of text without control characters");
        return CS_ERR_INVALID_FIELD;
    }
    memcpy(out, json_text(a->doc, node), n->str_len + 1);
    return CS_OK;
}
