/* fuzz_json.c: libFuzzer target on the strict JSON reader. Whatever it
 * accepts must be valid UTF-8 and must survive a round trip through the
 * writer: written back and parsed again, it has the same shape. */
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void require(int condition) {
    if (!condition) abort();
}

static json_doc first, second;
static uint8_t written[2 * JSON_INPUT_MAX];
static const uint8_t *source; /* the input being checked */

/* Writes node `i` of `doc` (and its children) with the writer. */
static void write_node(json_writer *w, const json_doc *doc, uint32_t i) {
    const json_node *n = json_at(doc, i);
    switch (n->type) {
    case JSON_NULL: json_null(w); break;
    case JSON_FALSE: json_bool(w, false); break;
    case JSON_TRUE: json_bool(w, true); break;
    case JSON_NUMBER:
        if (n->is_integer) json_int(w, n->integer);
        else json_raw(w, (const char *)source + n->offset, n->length);
        break;
    case JSON_STRING: json_string_n(w, json_text(doc, i), n->str_len); break;
    case JSON_ARRAY:
        json_array_begin(w);
        for (uint32_t c = n->first; c != 0; c = json_at(doc, c)->next) write_node(w, doc, c);
        json_array_end(w);
        break;
    case JSON_OBJECT:
        json_object_begin(w);
        for (uint32_t k = n->first; k != 0; k = json_at(doc, json_at(doc, k)->next)->next) {
            json_key_text(w, json_text(doc, k)); /* a key with a NUL byte is cut there: it may then repeat */
            write_node(w, doc, json_at(doc, k)->next);
        }
        json_object_end(w);
        break;
    default: abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (json_parse(&first, data, size) != JSON_OK) return 0;
    source = data;
    require(json_utf8_valid(data, size));
    json_writer w;
    json_writer_init(&w, written, sizeof written);
    write_node(&w, &first, 0);
    if (w.overflow) return 0; /* deeper than the writer's limit: nothing to compare */
    require(json_parse(&second, written, w.len) == JSON_OK || second.error == JSON_ERR_DUPLICATE_KEY);
    if (second.error == JSON_OK) require(second.node_count == first.node_count);
    return 0;
}
