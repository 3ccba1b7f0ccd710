/* sim_json.c: span cutting over well-formed JSON (the core's output), and
 * path lookups over the core's JSON reader. */
#include "sim_json.h"

#include <stdio.h>
#include <string.h>

#include "sim_time.h"

static size_t skip_space(sim_span s, size_t i) {
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\n' || s.p[i] == '\r' || s.p[i] == '\t')) i++;
    return i;
}

/* The index just past the value starting at i, or 0 on bad input. */
static size_t value_end(sim_span s, size_t i) {
    int depth = 0;
    bool in_string = false;
    for (; i < s.n; i++) {
        char c = s.p[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') {
                in_string = false;
                if (depth == 0) return i + 1;
            }
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0) return i; /* a scalar that ends its container */
            if (--depth == 0) return i + 1;
        } else if (depth == 0 && c == ',') return i;
    }
    return depth == 0 && !in_string ? i : 0;
}

bool sim_json_next(sim_span array, size_t *pos, sim_span *element) {
    size_t i = *pos == 0 ? skip_space(array, 0) + 1 : *pos; /* past '[' or '{' */
    i = skip_space(array, i);
    if (i < array.n && array.p[i] == ',') i = skip_space(array, i + 1);
    if (i >= array.n || array.p[i] == ']' || array.p[i] == '}') return false;
    size_t end = value_end(array, i);
    if (end <= i) return false;
    element->p = array.p + i;
    element->n = end - i;
    *pos = end;
    return true;
}

bool sim_json_field(sim_span object, const char *key, sim_span *value) {
    size_t pos = 0, key_len = strlen(key);
    sim_span k;
    while (sim_json_next(object, &pos, &k)) {
        size_t i = skip_space(object, pos);
        if (i >= object.n || object.p[i] != ':') return false;
        i = skip_space(object, i + 1);
        size_t end = value_end(object, i);
        if (end <= i) return false;
        if (k.n == key_len + 2 && memcmp(k.p + 1, key, key_len) == 0) {
            value->p = object.p + i;
            value->n = end - i;
            return true;
        }
        pos = end;
    }
    return false;
}

bool sim_doc_parse(sim_doc *d, sim_span s) {
    d->ok = json_parse(&d->doc, (const uint8_t *)s.p, s.n) == JSON_OK;
    return d->ok;
}

uint32_t sim_doc_at(const sim_doc *d, const char *path) {
    if (!d->ok) return 0;
    uint32_t node = 0;
    char key[64];
    while (*path != '\0') {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        if (json_at(&d->doc, node)->type != JSON_OBJECT) return 0;
        node = json_object_get(&d->doc, node, key);
        if (node == 0) return 0;
        path += n + (path[n] == '.');
    }
    return node;
}

const char *sim_doc_text(const sim_doc *d, const char *path) {
    uint32_t node = sim_doc_at(d, path);
    if (node == 0 && *path != '\0') return NULL;
    return d->ok && json_at(&d->doc, node)->type == JSON_STRING ? json_text(&d->doc, node) : NULL;
}

int64_t sim_doc_int(const sim_doc *d, const char *path, int64_t fallback) {
    uint32_t node = sim_doc_at(d, path);
    if (node == 0 && *path != '\0') return fallback;
    const json_node *n = json_at(&d->doc, node);
    return d->ok && n->type == JSON_NUMBER && n->is_integer ? n->integer : fallback;
}

bool sim_doc_true(const sim_doc *d, const char *path) {
    uint32_t node = sim_doc_at(d, path);
    if (node == 0 && *path != '\0') return false;
    return d->ok && json_at(&d->doc, node)->type == JSON_TRUE;
}

int64_t sim_doc_time(const sim_doc *d, const char *path) {
    const char *t = sim_doc_text(d, path);
    int64_t ms;
    return t != NULL && sim_time_parse(t, &ms) ? ms : -1;
}
