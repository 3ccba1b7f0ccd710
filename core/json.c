/* json.c: owns the strict JSON reader (json_parse, json_object_get,
 * json_utf8_valid) and the JSON writer (json_writer_init and the json_*
 * value functions) declared in json.h.
 *
 * The reader is iterative: an explicit stack of open containers, bounded by
 * JSON_DEPTH_MAX, so no recursion at all. It never reads past `length`. Nodes
 * are created in document order (a parent before its children) and every
 * string is decoded straight into the document's arena. On an error,
 * node_count and arena_len are 0 and node 0 is zeroed, so a caller that
 * forgets to check the result finds nothing rather than half a document.
 *
 * The arena cannot overflow: a decoded string is never longer than its
 * source text (an escape always shrinks or keeps its size), and each
 * string is a node, so decoded bytes <= JSON_INPUT_MAX and terminating
 * NULs <= JSON_NODES_MAX, which is JSON_ARENA_MAX. A string's plain runs
 * are copied a word at a time, up to seven bytes past the run, which
 * stays within the input's length of where the string's text starts.
 *
 * No allocation, no I/O, no floating point, no state outside the caller's
 * structs; only <string.h> from the C library. */
#include "json.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Shared text helpers                                                */
/* ------------------------------------------------------------------ */

static const char hex_digits[] = "0123456789abcdef";

/* Writes `value` in decimal into `out` (room for 20 digits); returns the length. */
static size_t format_decimal(uint64_t value, char *out) {
    char reversed[20];
    size_t n = 0;
    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++) out[i] = reversed[n - 1 - i];
    return n;
}

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static bool is_whitespace(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool is_continuation(uint8_t c) { return (c & 0xC0) == 0x80; }

static int hex_value(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The bytes a string must escape: below 0x20, the quote and the backslash.
 * A table, as the writer asks of every byte of every key (special_bytes
 * below asks the same of eight bytes at once). */
#define ESCAPED_8(base) [base] = 1, [base + 1] = 1, [base + 2] = 1, [base + 3] = 1, \
                        [base + 4] = 1, [base + 5] = 1, [base + 6] = 1, [base + 7] = 1
static const uint8_t escaped_bytes[256] = {ESCAPED_8(0), ESCAPED_8(8), ESCAPED_8(16), ESCAPED_8(24), ['"'] = 1,
                                           ['\\'] = 1};
#undef ESCAPED_8

static bool needs_escape(uint8_t c) { return escaped_bytes[c] != 0; }

/* Eight bytes at a time: the high bit of each byte of the result is set
 * where a byte of `x` is below 0x20, a quote or a backslash. Exact about
 * whether any is; a borrow can also mark bytes above a true one, so only
 * the lowest mark is sure to be right (first_marked_byte). */
static uint64_t special_bytes(uint64_t x) {
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs;
}

/* How many bytes of a word `found` in (not 0) surely precede its first
 * special byte. Little-endian, the lowest marked byte is the first one
 * (borrows only run to higher bytes); otherwise none is sure, and the
 * caller's byte loop finds it. */
static size_t first_marked_byte(uint64_t found) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(found) / 8;
#else
    (void)found;
    return 0;
#endif
}

/* How many bytes from `s` a string takes as they are: none below 0x20, no
 * quote or backslash and, with `ascii_only` (the reader, which checks
 * UTF-8 a character at a time), none above 0x7F. Eight at a time, then
 * one at a time. With `to` (the reader), the run is also copied there as
 * it is scanned: each word whole, so up to seven bytes past the run are
 * written too, which the caller writes over or leaves past its string's
 * end; `to` must have room for `len` bytes. Inlined, so each caller's
 * form has no test of its own. */
static inline size_t plain_run(const uint8_t *s, size_t len, bool ascii_only, char *to) {
    const uint64_t highs = UINT64_C(0x8080808080808080), also = ascii_only ? highs : 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (to != NULL) memcpy(to + i, &x, 8);
        uint64_t found = special_bytes(x) | (x & also);
        if (found != 0) {
            i += first_marked_byte(found);
            break;
        }
    }
    for (; i < len && !needs_escape(s[i]) && !(ascii_only && s[i] >= 0x80); i++) {
        if (to != NULL) to[i] = (char)s[i];
    }
    return i;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                              */
/* ------------------------------------------------------------------ */

/* For a lead byte: the sequence length (0 if it cannot start one) and the
 * allowed range of the second byte, which is what rules out overlongs
 * (E0, F0), surrogates (ED) and code points above U+10FFFF (F4). */
static size_t utf8_lead(uint8_t lead, uint8_t *second_min, uint8_t *second_max) {
    *second_min = 0x80;
    *second_max = 0xBF;
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (lead == 0xE0) *second_min = 0xA0;
        if (lead == 0xED) *second_max = 0x9F;
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (lead == 0xF0) *second_min = 0x90;
        if (lead == 0xF4) *second_max = 0x8F;
        return 4;
    }
    return 0;
}

/* Length (1-4) of the well-formed sequence starting at `s`, of which `avail`
 * (> 0) bytes are readable; 0 if it is not well-formed or is truncated. */
static size_t utf8_sequence_length(const uint8_t *s, size_t avail) {
    uint8_t second_min, second_max;
    size_t need = utf8_lead(s[0], &second_min, &second_max);
    if (need <= 1) return need;
    if (avail < need || s[1] < second_min || s[1] > second_max) return 0;
    for (size_t i = 2; i < need; i++) {
        if (!is_continuation(s[i])) return 0;
    }
    return need;
}

bool json_utf8_valid(const uint8_t *text, size_t len) {
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(text + i, len - i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/* Encodes a code point (<= U+10FFFF, not a surrogate) into `out`; returns the length. */
static size_t utf8_encode(uint32_t cp, uint8_t out[4]) {
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* ------------------------------------------------------------------ */
/* Reader: state and errors                                           */
/* ------------------------------------------------------------------ */

typedef struct parser {
    json_doc *doc;
    const uint8_t *input;
    size_t length;
    size_t pos;
    uint32_t open_count;                 /* containers not closed yet */
    uint32_t open[JSON_DEPTH_MAX];       /* their node indices, outermost first */
    uint32_t last_child[JSON_DEPTH_MAX]; /* the last child linked into each, 0 if none */
} parser;

static void message_append(json_doc *doc, size_t *len, const char *text) {
    size_t room = sizeof doc->error_message - 1 - *len;
    size_t n = strlen(text);
    if (n > room) n = room;
    memcpy(doc->error_message + *len, text, n);
    *len += n;
    doc->error_message[*len] = '\0';
}

/* Records the error (message = a + b + c, truncated to fit); returns false
 * so callers can `return fail(...)`. */
static bool fail_with(parser *p, json_error_code code, size_t offset, const char *a, const char *b, const char *c) {
    size_t len = 0;
    p->doc->error = code;
    p->doc->error_offset = (uint32_t)offset;
    p->doc->error_message[0] = '\0';
    message_append(p->doc, &len, a);
    message_append(p->doc, &len, b);
    message_append(p->doc, &len, c);
    return false;
}

static bool fail(parser *p, json_error_code code, size_t offset, const char *message) {
    return fail_with(p, code, offset, message, "", "");
}

/* "<before><number><after>", for the messages that name a limit. */
static bool fail_limit(parser *p, json_error_code code, size_t offset, const char *before, uint64_t number,
                       const char *after) {
    char digits[21];
    digits[format_decimal(number, digits)] = '\0';
    return fail_with(p, code, offset, before, digits, after);
}

static bool fail_end(parser *p) { return fail(p, JSON_ERR_SYNTAX, p->length, "unexpected end of input"); }

/* At a byte that cannot start what the grammar expects here. Invalid UTF-8
 * is reported as such; raw bytes are only echoed when printable ASCII. */
static bool fail_unexpected(parser *p) {
    if (p->pos >= p->length) return fail_end(p);
    uint8_t c = p->input[p->pos];
    if (utf8_sequence_length(p->input + p->pos, p->length - p->pos) == 0) {
        return fail(p, JSON_ERR_UTF8, p->pos, "invalid UTF-8");
    }
    if (c >= 0x20 && c < 0x7F) {
        char shown[2] = {(char)c, '\0'};
        return fail_with(p, JSON_ERR_SYNTAX, p->pos, "unexpected character '", shown, "'");
    }
    char hex[3] = {hex_digits[c >> 4], hex_digits[c & 0xF], '\0'};
    return fail_with(p, JSON_ERR_SYNTAX, p->pos, "unexpected byte 0x", hex, "");
}

static void skip_whitespace(parser *p) {
    while (p->pos < p->length && is_whitespace(p->input[p->pos])) p->pos++;
}

static bool at_byte(const parser *p, uint8_t c) { return p->pos < p->length && p->input[p->pos] == c; }

/* ------------------------------------------------------------------ */
/* Reader: nodes                                                      */
/* ------------------------------------------------------------------ */

static json_node *node_at(parser *p, uint32_t index) { return &p->doc->nodes[index]; }

static uint32_t innermost_open(const parser *p) { return p->open[p->open_count - 1]; }

/* Links a new child at the end of the innermost open container. */
static void link_child(parser *p, uint32_t child) {
    uint32_t level = p->open_count - 1;
    json_node *parent = node_at(p, p->open[level]);
    if (p->last_child[level] == 0) {
        parent->first = child;
    } else {
        node_at(p, p->last_child[level])->next = child;
    }
    p->last_child[level] = child;
    if (parent->type == JSON_ARRAY) parent->count++;
}

/* Creates a node starting at the current position, linked into the
 * innermost open container (if any). */
static bool add_node(parser *p, json_type type, uint32_t *index) {
    json_doc *doc = p->doc;
    if (doc->node_count >= JSON_NODES_MAX) {
        return fail_limit(p, JSON_ERR_NODES, p->pos, "more than ", JSON_NODES_MAX, " values");
    }
    *index = doc->node_count++;
    json_node *n = node_at(p, *index);
    memset(n, 0, sizeof *n);
    n->type = (uint8_t)type;
    n->depth = (uint16_t)p->open_count;
    n->offset = (uint32_t)p->pos;
    if (p->open_count > 0) link_child(p, *index);
    return true;
}

static void end_node(parser *p, uint32_t index) {
    json_node *n = node_at(p, index);
    n->length = (uint32_t)(p->pos - n->offset);
}

/* ------------------------------------------------------------------ */
/* Reader: strings                                                    */
/* ------------------------------------------------------------------ */

/* A string being decoded into the arena at doc->arena_len. */
typedef struct decoding {
    size_t start; /* offset of the opening quote, where length errors point */
    uint32_t len;
} decoding;

static bool put_decoded(parser *p, decoding *d, const uint8_t *bytes, size_t n) {
    if (d->len + n > JSON_STRING_MAX) {
        return fail_limit(p, JSON_ERR_STRING_TOO_LONG, d->start, "string longer than ", JSON_STRING_MAX, " bytes");
    }
    memcpy(&p->doc->arena[p->doc->arena_len + d->len], bytes, n);
    d->len += (uint32_t)n;
    return true;
}

/* The four hex digits of the \u escape whose backslash is at `at`. */
static bool read_hex4(parser *p, size_t at, uint32_t *unit) {
    uint32_t value = 0;
    for (size_t i = at + 2; i < at + 6; i++) {
        if (i >= p->length) return fail_end(p);
        int digit = hex_value(p->input[i]);
        if (digit < 0) return fail(p, JSON_ERR_SYNTAX, at, "invalid escape sequence");
        value = value * 16 + (uint32_t)digit;
    }
    *unit = value;
    return true;
}

static bool is_high_surrogate(uint32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
static bool is_low_surrogate(uint32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

static bool fail_lone_surrogate(parser *p, size_t at) {
    return fail(p, JSON_ERR_UTF8, at, "unpaired surrogate escape");
}

/* A \uXXXX escape at p->pos, or a surrogate pair \uD83D\uDE00 decoded to one
 * code point. */
static bool decode_unicode_escape(parser *p, decoding *d) {
    size_t at = p->pos;
    uint32_t unit, cp;
    if (!read_hex4(p, at, &unit)) return false;
    p->pos = at + 6;
    cp = unit;
    if (is_low_surrogate(unit)) return fail_lone_surrogate(p, at);
    if (is_high_surrogate(unit)) {
        uint32_t low;
        if (p->pos + 1 >= p->length || p->input[p->pos] != '\\' || p->input[p->pos + 1] != 'u') {
            return fail_lone_surrogate(p, at);
        }
        if (!read_hex4(p, p->pos, &low)) return false;
        if (!is_low_surrogate(low)) return fail_lone_surrogate(p, at);
        p->pos += 6;
        cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    uint8_t bytes[4];
    size_t n = utf8_encode(cp, bytes);
    return put_decoded(p, d, bytes, n);
}

/* The byte a one-letter escape stands for, or 0 if the letter is not one. */
static uint8_t simple_escape(uint8_t letter) {
    switch (letter) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* An escape sequence; p->pos is at its backslash. */
static bool decode_escape(parser *p, decoding *d) {
    if (p->pos + 1 >= p->length) return fail_end(p);
    uint8_t letter = p->input[p->pos + 1];
    if (letter == 'u') return decode_unicode_escape(p, d);
    uint8_t byte = simple_escape(letter);
    if (byte == 0) return fail(p, JSON_ERR_SYNTAX, p->pos, "invalid escape sequence");
    p->pos += 2;
    return put_decoded(p, d, &byte, 1);
}

/* A raw (unescaped) character: one ASCII byte or a whole UTF-8 sequence. */
static bool decode_raw(parser *p, decoding *d) {
    uint8_t c = p->input[p->pos];
    if (c < 0x20) return fail(p, JSON_ERR_SYNTAX, p->pos, "unescaped control character in a string");
    size_t n = utf8_sequence_length(p->input + p->pos, p->length - p->pos);
    if (n == 0) return fail(p, JSON_ERR_UTF8, p->pos, "invalid UTF-8");
    if (!put_decoded(p, d, p->input + p->pos, n)) return false;
    p->pos += n;
    return true;
}

/* Decodes the string at p->pos (its opening quote) into the arena and sets
 * the node's str, str_len and length. Runs of plain ASCII are copied at
 * once; anything else goes a character at a time. */
static bool parse_string(parser *p, uint32_t index) {
    decoding d = {.start = p->pos, .len = 0};
    p->pos++;
    for (;;) {
        /* Room for a copy of all the input left, from where this string's
         * text goes on: what the arena holds came from the input before it
         * (a string's text and NUL from at least its text and two quotes). */
        size_t left = p->length - p->pos;
        size_t run = plain_run(p->input + p->pos, left, true, &p->doc->arena[p->doc->arena_len + d.len]);
        if (d.len + run > JSON_STRING_MAX) {
            return fail_limit(p, JSON_ERR_STRING_TOO_LONG, d.start, "string longer than ", JSON_STRING_MAX, " bytes");
        }
        d.len += (uint32_t)run;
        p->pos += run;
        if (p->pos >= p->length) return fail_end(p);
        uint8_t c = p->input[p->pos];
        if (c == '"') break;
        bool ok = c == '\\' ? decode_escape(p, &d) : decode_raw(p, &d);
        if (!ok) return false;
    }
    p->pos++;
    json_doc *doc = p->doc;
    json_node *n = node_at(p, index);
    n->str = doc->arena_len;
    n->str_len = d.len;
    doc->arena[doc->arena_len + d.len] = '\0';
    doc->arena_len += d.len + 1;
    end_node(p, index);
    return true;
}

/* ------------------------------------------------------------------ */
/* Reader: numbers and literals                                       */
/* ------------------------------------------------------------------ */

/* Skips one or more digits; a number part that must have at least one. */
static bool skip_digits(parser *p) {
    if (p->pos >= p->length) return fail_end(p);
    if (!is_digit(p->input[p->pos])) return fail(p, JSON_ERR_SYNTAX, p->pos, "invalid number");
    while (p->pos < p->length && is_digit(p->input[p->pos])) p->pos++;
    return true;
}

/* The integer part's value, if it fits in `limit`; *fits false otherwise. */
static uint64_t integer_part_value(const parser *p, size_t from, size_t to, uint64_t limit, bool *fits) {
    uint64_t value = 0;
    *fits = true;
    for (size_t i = from; i < to; i++) {
        uint64_t digit = (uint64_t)(p->input[i] - '0');
        if (value > (limit - digit) / 10) {
            *fits = false;
            return 0;
        }
        value = value * 10 + digit;
    }
    return value;
}

/* Sets is_integer/integer from the integer part's digits in [from, to). */
static void set_integer(parser *p, json_node *n, bool negative, size_t from, size_t to) {
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    bool fits;
    uint64_t magnitude = integer_part_value(p, from, to, limit, &fits);
    if (!fits) return;
    n->is_integer = true;
    /* -(magnitude - 1) - 1 reaches INT64_MIN without overflowing. */
    n->integer = negative && magnitude > 0 ? -(int64_t)(magnitude - 1) - 1 : (int64_t)magnitude;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static bool parse_number(parser *p) {
    uint32_t index;
    if (!add_node(p, JSON_NUMBER, &index)) return false;
    bool negative = at_byte(p, '-');
    if (negative) p->pos++;
    size_t digits_from = p->pos;
    if (!skip_digits(p)) return false;
    size_t digits_to = p->pos;
    if (p->input[digits_from] == '0' && digits_to - digits_from > 1) {
        return fail(p, JSON_ERR_SYNTAX, digits_from, "leading zero in a number");
    }
    bool integral = true;
    if (at_byte(p, '.')) {
        p->pos++;
        integral = false;
        if (!skip_digits(p)) return false;
    }
    if (at_byte(p, 'e') || at_byte(p, 'E')) {
        p->pos++;
        integral = false;
        if (at_byte(p, '+') || at_byte(p, '-')) p->pos++;
        if (!skip_digits(p)) return false;
    }
    if (integral) set_integer(p, node_at(p, index), negative, digits_from, digits_to);
    end_node(p, index);
    return true;
}

/* true, false or null, spelled exactly. */
static bool parse_literal(parser *p, json_type type, const char *word) {
    uint32_t index;
    if (!add_node(p, type, &index)) return false;
    for (size_t i = 0; word[i] != '\0'; i++) {
        if (!at_byte(p, (uint8_t)word[i])) return fail_unexpected(p);
        p->pos++;
    }
    end_node(p, index);
    return true;
}

/* ------------------------------------------------------------------ */
/* Reader: structure                                                  */
/* ------------------------------------------------------------------ */

static bool open_container(parser *p, json_type type) {
    if (p->open_count >= JSON_DEPTH_MAX) {
        return fail_limit(p, JSON_ERR_DEPTH, p->pos, "nesting deeper than ", JSON_DEPTH_MAX, "");
    }
    uint32_t index;
    if (!add_node(p, type, &index)) return false;
    p->pos++;
    p->open[p->open_count] = index;
    p->last_child[p->open_count] = 0;
    p->open_count++;
    return true;
}

static void close_container(parser *p) {
    uint32_t index = innermost_open(p);
    p->pos++;
    end_node(p, index);
    p->open_count--;
}

/* One value, starting after optional whitespace. Arrays and objects are
 * only opened here; continue_container reads their contents. */
static bool parse_value(parser *p) {
    uint32_t index;
    skip_whitespace(p);
    if (p->pos >= p->length) return fail_end(p);
    switch (p->input[p->pos]) {
    case '{': return open_container(p, JSON_OBJECT);
    case '[': return open_container(p, JSON_ARRAY);
    case '"': return add_node(p, JSON_STRING, &index) && parse_string(p, index);
    case 't': return parse_literal(p, JSON_TRUE, "true");
    case 'f': return parse_literal(p, JSON_FALSE, "false");
    case 'n': return parse_literal(p, JSON_NULL, "null");
    default: break;
    }
    if (at_byte(p, '-') || is_digit(p->input[p->pos])) return parse_number(p);
    return fail_unexpected(p);
}

static bool same_key(const json_doc *doc, uint32_t a, uint32_t b) {
    const json_node *x = &doc->nodes[a];
    const json_node *y = &doc->nodes[b];
    return x->str_len == y->str_len && memcmp(&doc->arena[x->str], &doc->arena[y->str], x->str_len) == 0;
}

/* Keys are echoed only when short printable ASCII without quotes or
 * backslashes, so the message is always safe to embed anywhere. */
static bool key_is_showable(const json_doc *doc, uint32_t key) {
    const json_node *n = &doc->nodes[key];
    if (n->str_len == 0 || n->str_len > 64) return false;
    for (uint32_t i = 0; i < n->str_len; i++) {
        uint8_t c = (uint8_t)doc->arena[n->str + i];
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return false;
    }
    return true;
}

/* The new `key` (already linked last) against the object's earlier keys. */
static bool check_duplicate_key(parser *p, uint32_t object, uint32_t key) {
    const json_doc *doc = p->doc;
    for (uint32_t k = doc->nodes[object].first; k != key; k = doc->nodes[doc->nodes[k].next].next) {
        if (!same_key(doc, k, key)) continue;
        size_t at = doc->nodes[key].offset;
        if (!key_is_showable(doc, key)) return fail(p, JSON_ERR_DUPLICATE_KEY, at, "duplicate key");
        return fail_with(p, JSON_ERR_DUPLICATE_KEY, at, "duplicate key \"", json_text(doc, key), "\"");
    }
    return true;
}

/* `"key" :` of a member of the innermost open object. */
static bool parse_member_key(parser *p) {
    uint32_t object = innermost_open(p);
    uint32_t key;
    if (!at_byte(p, '"')) return fail_unexpected(p);
    if (!add_node(p, JSON_STRING, &key) || !parse_string(p, key)) return false;
    node_at(p, object)->count++;
    if (!check_duplicate_key(p, object, key)) return false;
    skip_whitespace(p);
    if (!at_byte(p, ':')) return fail_unexpected(p);
    p->pos++;
    return true;
}

/* The next step inside the innermost open container: close it, or read the
 * separator and the next element or member up to the start of its value. */
static bool continue_container(parser *p) {
    uint32_t container = innermost_open(p);
    bool is_object = node_at(p, container)->type == JSON_OBJECT;
    uint8_t close = is_object ? '}' : ']';
    skip_whitespace(p);
    if (at_byte(p, close)) {
        close_container(p);
        return true;
    }
    if (p->last_child[p->open_count - 1] != 0) {
        if (!at_byte(p, ',')) return fail_unexpected(p);
        p->pos++;
        skip_whitespace(p);
        if (at_byte(p, close)) return fail(p, JSON_ERR_SYNTAX, p->pos, "trailing comma");
    }
    if (is_object && !parse_member_key(p)) return false;
    return parse_value(p);
}

static bool parse_document(parser *p) {
    if (!parse_value(p)) return false;
    while (p->open_count > 0) {
        if (!continue_container(p)) return false;
    }
    skip_whitespace(p);
    if (p->pos == p->length) return true;
    if (utf8_sequence_length(p->input + p->pos, p->length - p->pos) == 0) {
        return fail(p, JSON_ERR_UTF8, p->pos, "invalid UTF-8");
    }
    return fail(p, JSON_ERR_SYNTAX, p->pos, "trailing characters after the value");
}

json_error_code json_parse(json_doc *doc, const uint8_t *input, size_t length) {
    parser p = {.doc = doc, .input = input, .length = length, .pos = 0, .open_count = 0};
    doc->node_count = 0;
    doc->arena_len = 0;
    doc->error = JSON_OK;
    doc->error_offset = 0;
    doc->error_message[0] = '\0';
    bool ok;
    if (length > JSON_INPUT_MAX) {
        ok = fail_limit(&p, JSON_ERR_TOO_LARGE, JSON_INPUT_MAX, "document larger than ", JSON_INPUT_MAX, " bytes");
    } else {
        ok = parse_document(&p);
    }
    if (!ok) {
        doc->node_count = 0;
        doc->arena_len = 0;
        memset(&doc->nodes[0], 0, sizeof doc->nodes[0]);
    }
    return doc->error;
}

uint32_t json_object_get(const json_doc *doc, uint32_t object, const char *key) {
    if (object >= doc->node_count || doc->nodes[object].type != JSON_OBJECT) return 0;
    size_t key_len = strlen(key);
    for (uint32_t k = doc->nodes[object].first; k != 0; k = doc->nodes[doc->nodes[k].next].next) {
        const json_node *n = &doc->nodes[k];
        if (n->str_len == key_len && memcmp(&doc->arena[n->str], key, key_len) == 0) return n->next;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Writer                                                             */
/* ------------------------------------------------------------------ */

void json_writer_init(json_writer *w, uint8_t *buf, size_t cap) {
    memset(w, 0, sizeof *w);
    w->buf = buf;
    w->cap = cap;
}

/* All or nothing: a write that does not fit sets the sticky overflow. */
static void put_bytes(json_writer *w, const void *bytes, size_t n) {
    if (w->overflow || n == 0) return;
    if (n > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    memcpy(w->buf + w->len, bytes, n);
    w->len += n;
}

static void put_char(json_writer *w, char c) { put_bytes(w, &c, 1); }

/* A call sequence that cannot produce JSON; the output is unusable. */
static void misuse(json_writer *w) { w->overflow = true; }

/* The comma before a value: none after a key or for a container's first item. */
static void begin_value(json_writer *w) {
    if (w->after_key) {
        w->after_key = false;
    } else if (w->has_items[w->depth]) {
        put_char(w, ',');
    }
    w->has_items[w->depth] = true;
}

/* The name of a one-letter escape for `c`, or 0 if it has none. */
static char escape_letter(uint8_t c) {
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
    }
}

static void put_escape(json_writer *w, uint8_t c) {
    char letter = escape_letter(c);
    if (letter != 0) {
        char named[2] = {'\\', letter};
        put_bytes(w, named, sizeof named);
        return;
    }
    char unicode[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
    put_bytes(w, unicode, sizeof unicode);
}

/* A quoted string: runs of plain bytes copied at once, escapes in between. */
static void put_quoted(json_writer *w, const char *text, size_t len) {
    /* Most strings need no escape: copied and checked in one pass, and
     * kept only if none turned up (else the bytes past w->len are
     * scratch, written again below). */
    if (!w->overflow && len + 2 <= w->cap - w->len) {
        uint8_t *out = w->buf + w->len;
        out[0] = '"';
        memcpy(out + 1, text, len);
        size_t i = plain_run((const uint8_t *)text, len, false, NULL);
        if (i == len) {
            out[len + 1] = '"';
            w->len += len + 2;
            return;
        }
    }
    size_t run = 0;
    put_char(w, '"');
    for (size_t i = 0; i < len; i++) {
        if (!needs_escape((uint8_t)text[i])) continue;
        put_bytes(w, text + run, i - run);
        put_escape(w, (uint8_t)text[i]);
        run = i + 1;
    }
    put_bytes(w, text + run, len - run);
    put_char(w, '"');
}

static void begin_container(json_writer *w, char open) {
    begin_value(w);
    if (w->depth >= JSON_DEPTH_MAX) {
        misuse(w);
        return;
    }
    put_char(w, open);
    w->depth++;
    w->has_items[w->depth] = false;
}

static void end_container(json_writer *w, char close) {
    if (w->depth == 0 || w->after_key) {
        misuse(w);
        return;
    }
    w->depth--;
    put_char(w, close);
}

void json_object_begin(json_writer *w) { begin_container(w, '{'); }
void json_object_end(json_writer *w) { end_container(w, '}'); }
void json_array_begin(json_writer *w) { begin_container(w, '['); }
void json_array_end(json_writer *w) { end_container(w, ']'); }

/* Keys up to this long are copied and checked in one pass. */
enum { KEY_FAST_MAX = 64 };

/* A key that needs no escape is written in one go: copied and checked in
 * one pass, between its comma, quotes and colon. Any other key, or one
 * that does not fit, takes the escaping path (the bytes the first pass
 * wrote past w->len are scratch). */
void json_key_text(json_writer *w, const char *key) {
    if (w->after_key) misuse(w);
    bool comma = w->has_items[w->depth];
    w->has_items[w->depth] = true;
    w->after_key = true;
    if (!w->overflow && w->cap - w->len >= KEY_FAST_MAX + 4) {
        uint8_t *out = w->buf + w->len;
        size_t n = 0, i = 0;
        if (comma) out[n++] = ',';
        out[n++] = '"';
        uint8_t special = 0;
        for (uint8_t c; i < KEY_FAST_MAX && (c = (uint8_t)key[i]) != 0; i++) {
            out[n + i] = c;
            special |= escaped_bytes[c];
        }
        if (special == 0 && key[i] == '\0') {
            n += i;
            out[n++] = '"';
            out[n++] = ':';
            w->len += n;
            return;
        }
    }
    if (comma) put_char(w, ',');
    put_quoted(w, key, strlen(key));
    put_char(w, ':');
}

void json_key_quoted(json_writer *w, const char *quoted, size_t len) {
#ifndef NDEBUG
    /* "key": with nothing inside the quotes to escape. */
    if (len < 3 || quoted[0] != '"' || quoted[len - 2] != '"' || quoted[len - 1] != ':' ||
        plain_run((const uint8_t *)quoted + 1, len - 3, false, NULL) != len - 3)
        misuse(w);
#endif
    if (w->after_key) misuse(w);
    bool comma = w->has_items[w->depth];
    w->has_items[w->depth] = true;
    w->after_key = true;
    if (!w->overflow && len < w->cap - w->len) {
        uint8_t *out = w->buf + w->len;
        out[0] = ',';
        memcpy(out + comma, quoted, len);
        w->len += len + comma;
        return;
    }
    if (comma) put_char(w, ',');
    put_bytes(w, quoted, len);
}

void json_string(json_writer *w, const char *text) { json_string_n(w, text, strlen(text)); }

void json_string_n(json_writer *w, const char *text, size_t len) {
    begin_value(w);
    put_quoted(w, text, len);
}

void json_int(json_writer *w, int64_t value) {
    char text[21];
    size_t n = 0;
    /* 0 - (uint64_t)value is the magnitude even for INT64_MIN. */
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    if (value < 0) text[n++] = '-';
    n += format_decimal(magnitude, text + n);
    begin_value(w);
    put_bytes(w, text, n);
}

void json_bool(json_writer *w, bool value) {
    begin_value(w);
    if (value) {
        put_bytes(w, "true", 4);
    } else {
        put_bytes(w, "false", 5);
    }
}

void json_null(json_writer *w) {
    begin_value(w);
    put_bytes(w, "null", 4);
}

void json_raw(json_writer *w, const char *json, size_t len) {
    begin_value(w);
    put_bytes(w, json, len);
}

char *json_raw_begin(json_writer *w, size_t max) {
    begin_value(w);
    if (w->overflow || max > w->cap - w->len) {
        w->overflow = true;
        return NULL;
    }
    return (char *)w->buf + w->len;
}

void json_raw_end(json_writer *w, size_t len) {
    if (w->overflow) return;
    if (len > w->cap - w->len) { /* more than json_raw_begin's room: a misuse */
        misuse(w);
        return;
    }
    w->len += len;
}
