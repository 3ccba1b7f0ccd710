/* json.h: the strict JSON reader and the JSON writer used at the core's boundary.
 *
 * The reader parses one UTF-8 document into a flat array of nodes, with every
 * string (keys and values) decoded once into an arena owned by the document.
 * It is strict: RFC 8259 grammar only, one top-level value, no trailing bytes
 * other than JSON whitespace, invalid UTF-8 rejected (overlongs, surrogates,
 * code points above U+10FFFF), lone surrogate escapes rejected, duplicate keys
 * in one object rejected (compared after unescaping), and fixed limits on
 * input size, nesting depth, node count and string length.
 *
 * The writer appends to a caller-owned buffer and never writes past its
 * capacity; overflow is sticky and reported once at the end.
 *
 * Neither allocates: all memory is inside the structs below. */
#ifndef CS_JSON_H
#define CS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    JSON_INPUT_MAX = 69632,      /* bytes of one document: a 65536-byte body and its envelope */
    JSON_DEPTH_MAX = 16,         /* nested arrays/objects */
    JSON_NODES_MAX = 4096,       /* values and keys in one document */
    JSON_STRING_MAX = 1024,      /* bytes of one decoded string */
    JSON_ARENA_MAX = JSON_INPUT_MAX + JSON_NODES_MAX, /* decoded strings + NULs */
};

typedef enum json_type {
    JSON_NULL = 1,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_type;

typedef enum json_error_code {
    JSON_OK = 0,
    JSON_ERR_TOO_LARGE,       /* input over JSON_INPUT_MAX */
    JSON_ERR_SYNTAX,          /* not JSON */
    JSON_ERR_UTF8,            /* invalid UTF-8 or a lone surrogate escape */
    JSON_ERR_DEPTH,           /* nesting over JSON_DEPTH_MAX */
    JSON_ERR_NODES,           /* more than JSON_NODES_MAX nodes */
    JSON_ERR_STRING_TOO_LONG, /* a decoded string over JSON_STRING_MAX */
    JSON_ERR_DUPLICATE_KEY,   /* the same key twice in one object */
} json_error_code;

/* A node. Index 0 is the root value. Children of arrays and objects are
 * linked through `next`; an object's children alternate key (a JSON_STRING
 * node), value, key, value... `next` == 0 ends a list (the root is never a
 * child, so 0 is free to mean "none"). */
typedef struct json_node {
    uint8_t type;        /* json_type */
    bool is_integer;     /* JSON_NUMBER: no fraction, no exponent, fits int64 */
    uint16_t depth;      /* 0 for the root */
    uint32_t first;      /* arrays/objects: index of the first child, 0 if empty */
    uint32_t next;       /* next sibling, 0 if last */
    uint32_t count;      /* arrays: elements; objects: members (pairs) */
    uint32_t str;        /* strings: offset of the decoded, NUL-terminated text in the arena */
    uint32_t str_len;    /* strings: decoded length in bytes (may contain U+0000 as a byte 0) */
    int64_t integer;     /* numbers with is_integer */
    uint32_t offset;     /* byte offset of the value in the input */
    uint32_t length;     /* byte length of the value's source text */
} json_node;

typedef struct json_doc {
    uint32_t node_count;
    json_error_code error;
    uint32_t error_offset;       /* byte offset where parsing stopped */
    char error_message[96];      /* human text, e.g. "duplicate key \"now\"" */
    json_node nodes[JSON_NODES_MAX];
    uint32_t arena_len;
    char arena[JSON_ARENA_MAX];
} json_doc;

/* Parses `input` into `doc`. Returns JSON_OK or the first error (also in
 * doc->error, with doc->error_offset and doc->error_message set). */
json_error_code json_parse(json_doc *doc, const uint8_t *input, size_t length);

static inline const json_node *json_at(const json_doc *doc, uint32_t index) {
    return &doc->nodes[index];
}
static inline const char *json_text(const json_doc *doc, uint32_t index) {
    return &doc->arena[doc->nodes[index].str];
}

/* In an object node: the index of the value stored under `key`, or 0 if absent. */
uint32_t json_object_get(const json_doc *doc, uint32_t object, const char *key);

/* True if `text`/`len` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool json_utf8_valid(const uint8_t *text, size_t len);

/* The writer. */
typedef struct json_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow;               /* a write did not fit; output is unusable */
    uint8_t depth;
    bool has_items[JSON_DEPTH_MAX + 1]; /* per open container: something written already */
    bool after_key;              /* the next value follows a key: no comma */
} json_writer;

void json_writer_init(json_writer *w, uint8_t *buf, size_t cap);
void json_object_begin(json_writer *w);
void json_object_end(json_writer *w);
void json_array_begin(json_writer *w);
void json_array_end(json_writer *w);
/* A key written as a string literal (all of the core's), quoted and with
 * its colon when compiled, so writing it is one copy. The literal must
 * need no escape: debug builds check, and json_key_text takes any key. */
#define json_key(w, key) json_key_quoted((w), "\"" key "\":", sizeof "\"" key "\":" - 1)
void json_key_quoted(json_writer *w, const char *quoted, size_t len);
void json_key_text(json_writer *w, const char *key); /* NUL-terminated; escaped if it needs it */
void json_string(json_writer *w, const char *text); /* NUL-terminated UTF-8 */
void json_string_n(json_writer *w, const char *text, size_t len);
void json_int(json_writer *w, int64_t value);
void json_bool(json_writer *w, bool value);
void json_null(json_writer *w);
/* Appends an already encoded JSON value as it is. */
void json_raw(json_writer *w, const char *json, size_t len);
/* The same, encoded in place: room for up to `max` bytes of a value at the
 * end of the output (NULL, and the writer overflowed, if there is none),
 * then json_raw_end with how many were written. */
char *json_raw_begin(json_writer *w, size_t max);
void json_raw_end(json_writer *w, size_t len);

/* Escaping used by json_string, fixed for byte-identical output everywhere:
 * '"' and '\\' escaped with a backslash; \b \f \n \r \t by name; other bytes
 * below 0x20 as \u00xx (lower-case hex); everything else, including DEL and
 * non-ASCII UTF-8, copied as it is. */

#endif
