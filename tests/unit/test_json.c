/* test_json.c: the strict JSON reader and the writer: tables of valid and
 * invalid documents (every rule and limit, with the error code and offset),
 * the node tree, string decoding (escapes, surrogate pairs, U+0000),
 * integers at the int64 edges, duplicate keys, UTF-8 validation, writer
 * output, escaping, round trips, overflow and misuse. Every parsed input is
 * copied into a heap buffer of its exact length, so AddressSanitizer catches
 * any read past `length`. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"

static json_doc doc;

/* Parses exactly `len` bytes from a heap copy of `text`. */
static json_error_code parse_n(const char *text, size_t len) {
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) abort();
    memcpy(copy, text, len);
    json_error_code result = json_parse(&doc, copy, len);
    free(copy);
    return result;
}

static json_error_code parse(const char *text) { return parse_n(text, strlen(text)); }

/* ---------------------------------------------------------------- */
/* Tables                                                           */
/* ---------------------------------------------------------------- */

static const char *const valid_docs[] = {
    "null", "true", "false", "0", "-0", "1", "-1", "123", "0.5", "-0.5", "1.25e10", "1E+2", "1e-2", "0e0",
    "-0.0e-0", "12345678901234567890123", "1.7976931348623157e309", "\"\"", "\"abc\"", "[]", "{}", "[[]]",
    "[{}]", "{\"a\":[]}", " \t\r\n 1 \t\r\n ", "[1,2,3]", "[ 1 , 2 ]", "{ \"a\" : 1 , \"b\" : 2 }",
    "{\"a\":{\"a\":1}}",           /* the same key in different objects */
    "[{\"a\":1},{\"a\":2}]",       /* and in sibling objects */
    "{\"a\":1,\"A\":2,\"a \":3}", /* keys differing by case or a space */
    "{\"a\":1,\"a\\u0000\":2}",    /* a key and its prefix plus U+0000 */
    "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u0000\"", "\"\\uD83D\\uDE00\"", "\"\\ud83d\\ude00\"",
    "\"\\uFFFF\"", "\"\\uD7FF\\uE000\"", "\"\\uDBFF\\uDFFF\"", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
    "\"\xf4\x8f\xbf\xbf\"", "\"\x7f\"", "[null,true,false,0,\"\",[],{}]",
    "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]", /* 16 levels with a scalar inside */
};

typedef struct invalid_doc {
    const char *text;
    size_t len; /* 0: strlen(text) */
    json_error_code error;
    uint32_t offset;
} invalid_doc;

static const invalid_doc invalid_docs[] = {
    /* Nothing, or not exactly one value. */
    {"", 0, JSON_ERR_SYNTAX, 0},
    {"   ", 0, JSON_ERR_SYNTAX, 3},
    {"1 2", 0, JSON_ERR_SYNTAX, 2},
    {"{} {}", 0, JSON_ERR_SYNTAX, 3},
    {"[]]", 0, JSON_ERR_SYNTAX, 2},
    {"null x", 0, JSON_ERR_SYNTAX, 5},
    {"1\0", 2, JSON_ERR_SYNTAX, 1},
    {"\xef\xbb\xbf{}", 0, JSON_ERR_SYNTAX, 0}, /* a byte order mark */
    /* Structure. */
    {"[", 0, JSON_ERR_SYNTAX, 1},
    {"[1", 0, JSON_ERR_SYNTAX, 2},
    {"[1,", 0, JSON_ERR_SYNTAX, 3},
    {"{", 0, JSON_ERR_SYNTAX, 1},
    {"{\"a\"", 0, JSON_ERR_SYNTAX, 4},
    {"{\"a\":", 0, JSON_ERR_SYNTAX, 5},
    {"{\"a\":1", 0, JSON_ERR_SYNTAX, 6},
    {"]", 0, JSON_ERR_SYNTAX, 0},
    {"}", 0, JSON_ERR_SYNTAX, 0},
    {"[1,]", 0, JSON_ERR_SYNTAX, 3},
    {"[1 , ]", 0, JSON_ERR_SYNTAX, 5},
    {"{\"a\":1,}", 0, JSON_ERR_SYNTAX, 7},
    {"[,1]", 0, JSON_ERR_SYNTAX, 1},
    {"[1,,2]", 0, JSON_ERR_SYNTAX, 3},
    {"[1 2]", 0, JSON_ERR_SYNTAX, 3},
    {"{\"a\" 1}", 0, JSON_ERR_SYNTAX, 5},
    {"{\"a\":1 \"b\":2}", 0, JSON_ERR_SYNTAX, 7},
    {"{\"a\"::1}", 0, JSON_ERR_SYNTAX, 5},
    {"{1:1}", 0, JSON_ERR_SYNTAX, 1},
    {"{a:1}", 0, JSON_ERR_SYNTAX, 1},
    {"{'a':1}", 0, JSON_ERR_SYNTAX, 1},
    {"{\"a\":1]", 0, JSON_ERR_SYNTAX, 6},
    {"[1}", 0, JSON_ERR_SYNTAX, 2},
    {"[1] // comment", 0, JSON_ERR_SYNTAX, 4},
    {"/* c */ 1", 0, JSON_ERR_SYNTAX, 0},
    {"[1,/*c*/2]", 0, JSON_ERR_SYNTAX, 3},
    {"\f1", 0, JSON_ERR_SYNTAX, 0}, /* form feed is not JSON whitespace */
    {"\v1", 0, JSON_ERR_SYNTAX, 0},
    /* Literals. */
    {"nul", 0, JSON_ERR_SYNTAX, 3},
    {"nulL", 0, JSON_ERR_SYNTAX, 3},
    {"nulll", 0, JSON_ERR_SYNTAX, 4},
    {"True", 0, JSON_ERR_SYNTAX, 0},
    {"tru", 0, JSON_ERR_SYNTAX, 3},
    {"fals", 0, JSON_ERR_SYNTAX, 4},
    {"undefined", 0, JSON_ERR_SYNTAX, 0},
    {"NaN", 0, JSON_ERR_SYNTAX, 0},
    {"Infinity", 0, JSON_ERR_SYNTAX, 0},
    {"-Infinity", 0, JSON_ERR_SYNTAX, 1},
    /* Numbers. */
    {"01", 0, JSON_ERR_SYNTAX, 0},
    {"-01", 0, JSON_ERR_SYNTAX, 1},
    {"00", 0, JSON_ERR_SYNTAX, 0},
    {"[01]", 0, JSON_ERR_SYNTAX, 1},
    {"+1", 0, JSON_ERR_SYNTAX, 0},
    {".5", 0, JSON_ERR_SYNTAX, 0},
    {"1.", 0, JSON_ERR_SYNTAX, 2},
    {"1.e5", 0, JSON_ERR_SYNTAX, 2},
    {"[1.]", 0, JSON_ERR_SYNTAX, 3},
    {"-", 0, JSON_ERR_SYNTAX, 1},
    {"-.5", 0, JSON_ERR_SYNTAX, 1},
    {"--1", 0, JSON_ERR_SYNTAX, 1},
    {"1e", 0, JSON_ERR_SYNTAX, 2},
    {"1e+", 0, JSON_ERR_SYNTAX, 3},
    {"1e-x", 0, JSON_ERR_SYNTAX, 3},
    {"1E+-1", 0, JSON_ERR_SYNTAX, 3},
    {"0x10", 0, JSON_ERR_SYNTAX, 1},
    {"1_000", 0, JSON_ERR_SYNTAX, 1},
    {"1.5.5", 0, JSON_ERR_SYNTAX, 3},
    /* Strings. */
    {"\"abc", 0, JSON_ERR_SYNTAX, 4},
    {"\"abc\\", 0, JSON_ERR_SYNTAX, 5},
    {"'abc'", 0, JSON_ERR_SYNTAX, 0},
    {"\"a\x01\"", 0, JSON_ERR_SYNTAX, 2},
    {"\"a\x1f\"", 0, JSON_ERR_SYNTAX, 2},
    {"\"a\nb\"", 0, JSON_ERR_SYNTAX, 2},
    {"\"a\tb\"", 0, JSON_ERR_SYNTAX, 2},
    {"\"a\0b\"", 5, JSON_ERR_SYNTAX, 2},
    {"\"\\x41\"", 0, JSON_ERR_SYNTAX, 1},
    {"\"\\a\"", 0, JSON_ERR_SYNTAX, 1},
    {"\"\\'\"", 0, JSON_ERR_SYNTAX, 1},
    {"\"\\U0041\"", 0, JSON_ERR_SYNTAX, 1},
    {"\"\\u41\"", 0, JSON_ERR_SYNTAX, 1},
    {"\"\\u004G\"", 0, JSON_ERR_SYNTAX, 1},
    {"\"\\u00", 0, JSON_ERR_SYNTAX, 5},
    {"\"\\", 0, JSON_ERR_SYNTAX, 2},
    /* Lone surrogate escapes. */
    {"\"\\uD800\"", 0, JSON_ERR_UTF8, 1},
    {"\"\\uDBFF\"", 0, JSON_ERR_UTF8, 1},
    {"\"\\uDC00\"", 0, JSON_ERR_UTF8, 1},
    {"\"\\uDFFF\"", 0, JSON_ERR_UTF8, 1},
    {"\"\\uDE00\\uD83D\"", 0, JSON_ERR_UTF8, 1}, /* a pair in the wrong order */
    {"\"\\uD83D\\uD83D\"", 0, JSON_ERR_UTF8, 1}, /* two high surrogates */
    {"\"\\uD83Dx\"", 0, JSON_ERR_UTF8, 1},
    {"\"\\uD83D\\n\"", 0, JSON_ERR_UTF8, 1},
    {"\"x\\uD83D\\u0041\"", 0, JSON_ERR_UTF8, 2},
    {"\"\\uD83D", 0, JSON_ERR_UTF8, 1},
    {"\"\\uD83D\\uDE0", 0, JSON_ERR_SYNTAX, 12},
    {"\"\\uD83D\\uDE0x\"", 0, JSON_ERR_SYNTAX, 7},
    /* Invalid UTF-8 in the raw input, inside strings and out. */
    {"\"\x80\"", 0, JSON_ERR_UTF8, 1},         /* a lone continuation byte */
    {"\"\xbf\"", 0, JSON_ERR_UTF8, 1},
    {"\"\xc0\xaf\"", 0, JSON_ERR_UTF8, 1},     /* overlong '/' */
    {"\"\xc1\xbf\"", 0, JSON_ERR_UTF8, 1},     /* overlong */
    {"\"\xe0\x80\xaf\"", 0, JSON_ERR_UTF8, 1}, /* overlong, 3 bytes */
    {"\"\xe0\x9f\xbf\"", 0, JSON_ERR_UTF8, 1}, /* overlong U+07FF */
    {"\"\xf0\x80\x80\xaf\"", 0, JSON_ERR_UTF8, 1},
    {"\"\xf0\x8f\xbf\xbf\"", 0, JSON_ERR_UTF8, 1}, /* overlong U+FFFF */
    {"\"\xed\xa0\x80\"", 0, JSON_ERR_UTF8, 1},     /* U+D800 encoded */
    {"\"\xed\xbf\xbf\"", 0, JSON_ERR_UTF8, 1},     /* U+DFFF encoded */
    {"\"\xed\xa0\xbd\xed\xb8\x80\"", 0, JSON_ERR_UTF8, 1}, /* CESU-8 pair */
    {"\"\xf4\x90\x80\x80\"", 0, JSON_ERR_UTF8, 1},         /* U+110000 */
    {"\"\xf5\x80\x80\x80\"", 0, JSON_ERR_UTF8, 1},
    {"\"\xf8\x88\x80\x80\x80\"", 0, JSON_ERR_UTF8, 1},
    {"\"\xfe\"", 0, JSON_ERR_UTF8, 1},
    {"\"\xff\"", 0, JSON_ERR_UTF8, 1},
    {"\"ab\xc3\"", 0, JSON_ERR_UTF8, 3},         /* truncated before the quote */
    {"\"ab\xe2\x82\"", 0, JSON_ERR_UTF8, 3},
    {"\"ab\xf0\x9f\x98\"", 0, JSON_ERR_UTF8, 3},
    {"\"ab\xe2\x82", 0, JSON_ERR_UTF8, 3},       /* truncated by the end of input */
    {"\"\xc3\x28\"", 0, JSON_ERR_UTF8, 1},       /* a continuation that is not one */
    {"{\"\xff\":1}", 0, JSON_ERR_UTF8, 2},       /* in a key */
    {"\xff", 0, JSON_ERR_UTF8, 0},               /* outside strings */
    {"[1,\xc0\x80]", 0, JSON_ERR_UTF8, 3},
    {"1 \xed\xa0\x80", 0, JSON_ERR_UTF8, 2},
    {"\"ok\" \xe2\x82", 0, JSON_ERR_UTF8, 5},
    {"\xc3\xa9", 0, JSON_ERR_SYNTAX, 0}, /* valid UTF-8, but not JSON */
    /* Duplicate keys. */
    {"{\"a\":1,\"a\":2}", 0, JSON_ERR_DUPLICATE_KEY, 7},
    {"{\"a\":1,\"b\":2,\"a\":3}", 0, JSON_ERR_DUPLICATE_KEY, 13},
    {"{\"a\":1,\"\\u0061\":2}", 0, JSON_ERR_DUPLICATE_KEY, 7},
    {"{\"\\u00e9\":1,\"\xc3\xa9\":2}", 0, JSON_ERR_DUPLICATE_KEY, 12},
    {"{\"\":1,\"\":2}", 0, JSON_ERR_DUPLICATE_KEY, 6},
    {"{\"a\\u0000\":1,\"a\\u0000\":2}", 0, JSON_ERR_DUPLICATE_KEY, 13},
    {"[{\"x\":{\"y\":1,\"y\":2}}]", 0, JSON_ERR_DUPLICATE_KEY, 13},
    {"{\"a\":{},\"a\":[]}", 0, JSON_ERR_DUPLICATE_KEY, 8},
    /* Depth: 17 nested arrays or objects. */
    {"[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]", 0, JSON_ERR_DEPTH, 16},
    {"[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]", 0, JSON_ERR_DEPTH, 16},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 0, JSON_ERR_DEPTH, 16},
};

static void test_valid_table(void) {
    for (size_t i = 0; i < sizeof valid_docs / sizeof valid_docs[0]; i++) {
        json_error_code result = parse(valid_docs[i]);
        if (result != JSON_OK) fprintf(stderr, "valid doc %zu rejected: %s\n", i, doc.error_message);
        CHECK_INT(result, JSON_OK);
        CHECK_INT(doc.error, JSON_OK);
        CHECK_STR(doc.error_message, "");
        CHECK(doc.node_count >= 1);
        CHECK_INT(json_at(&doc, 0)->offset + json_at(&doc, 0)->length <= strlen(valid_docs[i]), 1);
    }
}

static void test_invalid_table(void) {
    for (size_t i = 0; i < sizeof invalid_docs / sizeof invalid_docs[0]; i++) {
        const invalid_doc *t = &invalid_docs[i];
        json_error_code result = parse_n(t->text, t->len != 0 ? t->len : strlen(t->text));
        if (result != t->error || doc.error_offset != t->offset) {
            fprintf(stderr, "invalid doc %zu: got error %d at %u (%s)\n", i, (int)result, doc.error_offset,
                    doc.error_message);
        }
        CHECK_INT(result, t->error);
        CHECK_INT(doc.error, t->error);
        CHECK_INT(doc.error_offset, t->offset);
        CHECK(doc.error_message[0] != '\0');
        CHECK_INT(doc.node_count, 0);
        CHECK_INT(json_object_get(&doc, 0, "a"), 0);
    }
}

/* ---------------------------------------------------------------- */
/* Messages                                                         */
/* ---------------------------------------------------------------- */

static void check_message(const char *text, size_t len, const char *expected) {
    parse_n(text, len != 0 ? len : strlen(text));
    CHECK_STR(doc.error_message, expected);
}

static void test_messages(void) {
    check_message("[x]", 0, "unexpected character 'x'");
    check_message("[", 0, "unexpected end of input");
    check_message("1 1", 0, "trailing characters after the value");
    check_message("[1,]", 0, "trailing comma");
    check_message("01", 0, "leading zero in a number");
    check_message("1.", 0, "unexpected end of input");
    check_message("1.x", 0, "invalid number");
    check_message("\"\xff\"", 0, "invalid UTF-8");
    check_message("\xff", 0, "invalid UTF-8");
    check_message("[\x01]", 0, "unexpected byte 0x01");
    check_message("\xc3\xa9", 0, "unexpected byte 0xc3");
    check_message("\"\x01\"", 0, "unescaped control character in a string");
    check_message("\"\\q\"", 0, "invalid escape sequence");
    check_message("\"\\uD800\"", 0, "unpaired surrogate escape");
    check_message("[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]", 0, "nesting deeper than 16");
    check_message("{\"now\":1,\"now\":2}", 0, "duplicate key \"now\"");
    check_message("{\"a\":1,\"\\u0061\":2}", 0, "duplicate key \"a\"");
    /* Keys that are not short printable ASCII are not echoed. */
    check_message("{\"\\n\":1,\"\\n\":2}", 0, "duplicate key");
    check_message("{\"\\\"\":1,\"\\\"\":2}", 0, "duplicate key");
    check_message("{\"\\\\\":1,\"\\\\\":2}", 0, "duplicate key");
    check_message("{\"\xc3\xa9\":1,\"\xc3\xa9\":2}", 0, "duplicate key");
    check_message("{\"a\\u0000\":1,\"a\\u0000\":2}", 0, "duplicate key");
    check_message("{\"\":1,\"\":2}", 0, "duplicate key");
}

/* ---------------------------------------------------------------- */
/* The node tree                                                    */
/* ---------------------------------------------------------------- */

static void test_tree(void) {
    const char *text = "{\"a\": [1, \"x\", null], \"b\": {}, \"c\": true}";
    CHECK_INT(parse(text), JSON_OK);
    CHECK_INT(doc.node_count, 10);
    const json_node *root = json_at(&doc, 0);
    CHECK_INT(root->type, JSON_OBJECT);
    CHECK_INT(root->depth, 0);
    CHECK_INT(root->count, 3);
    CHECK_INT(root->first, 1);
    CHECK_INT(root->next, 0);
    CHECK_INT(root->offset, 0);
    CHECK_INT(root->length, strlen(text));

    /* Members alternate key, value. */
    const json_node *key_a = json_at(&doc, 1);
    CHECK_INT(key_a->type, JSON_STRING);
    CHECK_STR(json_text(&doc, 1), "a");
    CHECK_INT(key_a->str_len, 1);
    CHECK_INT(key_a->depth, 1);
    CHECK_INT(key_a->offset, 1);
    CHECK_INT(key_a->length, 3);
    CHECK_INT(key_a->next, 2);

    const json_node *array = json_at(&doc, 2);
    CHECK_INT(array->type, JSON_ARRAY);
    CHECK_INT(array->depth, 1);
    CHECK_INT(array->count, 3);
    CHECK_INT(array->first, 3);
    CHECK_INT(array->offset, 6);
    CHECK_INT(array->length, 14);
    CHECK_INT(array->next, 6);

    CHECK_INT(json_at(&doc, 3)->type, JSON_NUMBER);
    CHECK_INT(json_at(&doc, 3)->depth, 2);
    CHECK(json_at(&doc, 3)->is_integer);
    CHECK_INT(json_at(&doc, 3)->integer, 1);
    CHECK_INT(json_at(&doc, 3)->next, 4);
    CHECK_INT(json_at(&doc, 4)->type, JSON_STRING);
    CHECK_STR(json_text(&doc, 4), "x");
    CHECK_INT(json_at(&doc, 4)->offset, 10);
    CHECK_INT(json_at(&doc, 4)->length, 3);
    CHECK_INT(json_at(&doc, 4)->next, 5);
    CHECK_INT(json_at(&doc, 5)->type, JSON_NULL);
    CHECK_INT(json_at(&doc, 5)->offset, 15);
    CHECK_INT(json_at(&doc, 5)->length, 4);
    CHECK_INT(json_at(&doc, 5)->next, 0);

    CHECK_STR(json_text(&doc, 6), "b");
    CHECK_INT(json_at(&doc, 6)->next, 7);
    CHECK_INT(json_at(&doc, 7)->type, JSON_OBJECT);
    CHECK_INT(json_at(&doc, 7)->count, 0);
    CHECK_INT(json_at(&doc, 7)->first, 0);
    CHECK_INT(json_at(&doc, 7)->length, 2);
    CHECK_INT(json_at(&doc, 7)->next, 8);
    CHECK_STR(json_text(&doc, 8), "c");
    CHECK_INT(json_at(&doc, 9)->type, JSON_TRUE);
    CHECK_INT(json_at(&doc, 9)->next, 0);
}

static void test_tree_counts(void) {
    CHECK_INT(parse("[[], [[]], {\"k\": [false]}]"), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->count, 3);
    CHECK_INT(json_at(&doc, 1)->count, 0);
    CHECK_INT(json_at(&doc, 2)->count, 1);
    CHECK_INT(json_at(&doc, 3)->depth, 2);
    CHECK_INT(json_at(&doc, 4)->count, 1);
    CHECK_INT(json_at(&doc, 7)->type, JSON_FALSE);
    CHECK_INT(json_at(&doc, 7)->depth, 3);
    CHECK_INT(parse("  \"s\"  "), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->offset, 2);
    CHECK_INT(json_at(&doc, 0)->length, 3);
    CHECK_INT(json_at(&doc, 0)->next, 0);
}

static void test_object_get(void) {
    CHECK_INT(parse("{\"a\":1,\"b\":{\"c\":2},\"a\\u0000b\":3,\"\":4,\"\xc3\xa9\":5}"), JSON_OK);
    uint32_t b = json_object_get(&doc, 0, "b");
    CHECK_INT(json_at(&doc, json_object_get(&doc, 0, "a"))->integer, 1);
    CHECK_INT(json_at(&doc, b)->type, JSON_OBJECT);
    CHECK_INT(json_at(&doc, json_object_get(&doc, b, "c"))->integer, 2);
    CHECK_INT(json_object_get(&doc, 0, "c"), 0);  /* not searched recursively */
    CHECK_INT(json_object_get(&doc, 0, "A"), 0);
    CHECK_INT(json_object_get(&doc, 0, "ab"), 0); /* "a\0b" never matches a C string */
    CHECK_INT(json_at(&doc, json_object_get(&doc, 0, ""))->integer, 4);
    CHECK_INT(json_at(&doc, json_object_get(&doc, 0, "\xc3\xa9"))->integer, 5);
    CHECK_INT(json_object_get(&doc, json_object_get(&doc, 0, "a"), "a"), 0); /* not an object */
    CHECK_INT(json_object_get(&doc, 9999, "a"), 0);                         /* out of range */
    CHECK_INT(parse("[\"a\", 1]"), JSON_OK);
    CHECK_INT(json_object_get(&doc, 0, "a"), 0);
}

/* ---------------------------------------------------------------- */
/* Strings                                                          */
/* ---------------------------------------------------------------- */

static void check_decoded(const char *json, const char *expected, size_t expected_len) {
    CHECK_INT(parse(json), JSON_OK);
    const json_node *n = json_at(&doc, 0);
    CHECK_INT(n->type, JSON_STRING);
    CHECK_INT(n->str_len, expected_len);
    CHECK(memcmp(json_text(&doc, 0), expected, expected_len) == 0);
    CHECK_INT(json_text(&doc, 0)[expected_len], '\0');
}

static void test_strings(void) {
    check_decoded("\"\"", "", 0);
    check_decoded("\"abc\"", "abc", 3);
    check_decoded("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    check_decoded("\"\\u0041\\u00e9\\u00E9\\u20ac\"", "A\xc3\xa9\xc3\xa9\xe2\x82\xac", 8);
    check_decoded("\"\\u0000\"", "\0", 1);
    check_decoded("\"a\\u0000b\"", "a\0b", 3);
    check_decoded("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"", "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 11);
    /* Surrogate pairs become one 4-byte sequence. */
    check_decoded("\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80", 4);
    check_decoded("\"\\ud800\\udc00\"", "\xf0\x90\x80\x80", 4);
    check_decoded("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4);
    check_decoded("\"x\\uD83D\\uDE00y\"", "x\xf0\x9f\x98\x80y", 6);
    /* Raw UTF-8 is copied as it is. */
    check_decoded("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xf0\x9f\x98\x80", 10);
    /* Keys are decoded too. */
    CHECK_INT(parse("{\"\\u0041\\n\":\"\\t\"}"), JSON_OK);
    CHECK_INT(json_at(&doc, 1)->str_len, 2);
    CHECK_STR(json_text(&doc, 1), "A\n");
    CHECK_STR(json_text(&doc, 2), "\t");
    CHECK_INT(json_at(&doc, 2)->offset, 12);
    CHECK_INT(json_at(&doc, 2)->length, 4);
}

/* Plain text is read eight bytes at a time: a special byte (an escape,
 * raw UTF-8, a control character, the closing quote) at every place in a
 * word, and so at every distance from the string's start, is still found
 * exactly where it is. */
static void test_string_words(void) {
    static const struct {
        const char *source;  /* the special text, as written */
        const char *decoded; /* what it decodes to */
    } specials[] = {{"\\\"", "\""}, {"\\n", "\n"}, {"\xc3\xa9", "\xc3\xa9"}, {"\xe2\x82\xac", "\xe2\x82\xac"}};
    char text[64], expected[64];
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        for (size_t at = 0; at < 20; at++) {
            size_t n = 0, e = 0;
            text[n++] = '"';
            for (size_t i = 0; i < at; i++) text[n++] = expected[e++] = (char)('a' + i % 26);
            n += (size_t)sprintf(text + n, "%s", specials[k].source);
            e += (size_t)sprintf(expected + e, "%s", specials[k].decoded);
            for (size_t i = 0; i < 9; i++) text[n++] = expected[e++] = 'z';
            text[n++] = '"';
            CHECK_INT(parse_n(text, n), JSON_OK);
            CHECK_INT(json_at(&doc, 0)->str_len, e);
            CHECK(memcmp(json_text(&doc, 0), expected, e) == 0);
            CHECK_INT(json_at(&doc, 0)->length, n);
        }
    }
    /* A control character or a bad UTF-8 byte at every place: the error is at it. */
    static const char bad[] = {'\x01', '\x1f', '\xff', '\x80'};
    for (size_t k = 0; k < sizeof bad; k++) {
        for (size_t at = 0; at < 20; at++) {
            size_t n = 0;
            text[n++] = '"';
            for (size_t i = 0; i < at; i++) text[n++] = 'a';
            text[n++] = bad[k];
            for (size_t i = 0; i < 9; i++) text[n++] = 'z';
            text[n++] = '"';
            CHECK(parse_n(text, n) != JSON_OK);
            CHECK_INT(doc.error_offset, at + 1);
        }
    }
}

/* A document holding one string of `copies` copies of the source text `unit`. */
static size_t build_string(char *out, const char *unit, size_t copies) {
    size_t len = 0, unit_len = strlen(unit);
    out[len++] = '"';
    for (size_t i = 0; i < copies; i++, len += unit_len) memcpy(out + len, unit, unit_len);
    out[len++] = '"';
    return len;
}

static void test_string_limit(void) {
    static char text[16384];
    size_t len = build_string(text, "a", JSON_STRING_MAX);
    CHECK_INT(parse_n(text, len), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->str_len, JSON_STRING_MAX);
    len = build_string(text, "a", JSON_STRING_MAX + 1);
    CHECK_INT(parse_n(text, len), JSON_ERR_STRING_TOO_LONG);
    CHECK_INT(doc.error_offset, 0);
    CHECK_STR(doc.error_message, "string longer than 1024 bytes");
    /* The limit is on decoded bytes, not source bytes. */
    len = build_string(text, "\\n", JSON_STRING_MAX);
    CHECK_INT(parse_n(text, len), JSON_OK);
    len = build_string(text, "\\n", JSON_STRING_MAX + 1);
    CHECK_INT(parse_n(text, len), JSON_ERR_STRING_TOO_LONG);
    len = build_string(text, "\\uD83D\\uDE00", JSON_STRING_MAX / 4);
    CHECK_INT(parse_n(text, len), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->str_len, JSON_STRING_MAX);
    len = build_string(text, "\xc3\xa9", JSON_STRING_MAX / 2);
    CHECK_INT(parse_n(text, len), JSON_OK);
    /* 1023 bytes then a 2-byte character: 1025. */
    len = build_string(text, "a", JSON_STRING_MAX - 1);
    memcpy(text + len - 1, "\xc3\xa9\"", 3);
    CHECK_INT(parse_n(text, len + 2), JSON_ERR_STRING_TOO_LONG);
    /* Keys have the same limit; the offset is the key's. */
    memcpy(text, "{\"k\":1,", 7);
    len = 7 + build_string(text + 7, "b", JSON_STRING_MAX + 1);
    memcpy(text + len, ":1}", 3);
    CHECK_INT(parse_n(text, len + 3), JSON_ERR_STRING_TOO_LONG);
    CHECK_INT(doc.error_offset, 7);
}

/* ---------------------------------------------------------------- */
/* Numbers                                                          */
/* ---------------------------------------------------------------- */

static void check_integer(const char *json, int64_t expected) {
    CHECK_INT(parse(json), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->type, JSON_NUMBER);
    CHECK(json_at(&doc, 0)->is_integer);
    CHECK(json_at(&doc, 0)->integer == expected);
    CHECK_INT(json_at(&doc, 0)->length, strlen(json));
}

static void check_not_integer(const char *json) {
    CHECK_INT(parse(json), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->type, JSON_NUMBER);
    CHECK(!json_at(&doc, 0)->is_integer);
    CHECK_INT(json_at(&doc, 0)->length, strlen(json));
}

static void test_numbers(void) {
    check_integer("0", 0);
    check_integer("-0", 0);
    check_integer("7", 7);
    check_integer("-42", -42);
    check_integer("1764547200000", INT64_C(1764547200000));
    check_integer("9223372036854775807", INT64_MAX);
    check_integer("-9223372036854775807", -INT64_MAX);
    check_integer("-9223372036854775808", INT64_MIN);
    check_not_integer("9223372036854775808");
    check_not_integer("-9223372036854775809");
    check_not_integer("18446744073709551615");
    check_not_integer("18446744073709551616");
    check_not_integer("99999999999999999999999999999999999999");
    check_not_integer("1.0");
    check_not_integer("1.5");
    check_not_integer("-0.0");
    check_not_integer("1e2");
    check_not_integer("1E0");
    check_not_integer("0e0");
    check_not_integer("10e-1");
    check_not_integer("1e999999999999999999999");
    /* A number ends where the grammar does. */
    CHECK_INT(parse("[-12.5e+3,7]"), JSON_OK);
    CHECK_INT(json_at(&doc, 1)->offset, 1);
    CHECK_INT(json_at(&doc, 1)->length, 8);
    CHECK_INT(json_at(&doc, 2)->integer, 7);
}

/* ---------------------------------------------------------------- */
/* Limits                                                           */
/* ---------------------------------------------------------------- */

/* `levels` arrays (or objects with key "k") nested; returns the length. */
static size_t build_nested(char *out, int levels, bool objects) {
    size_t len = 0;
    for (int i = 0; i < levels; i++) {
        const char *open = objects ? "{\"k\":" : "[";
        memcpy(out + len, open, strlen(open));
        len += strlen(open);
    }
    out[len++] = '0';
    for (int i = 0; i < levels; i++) out[len++] = objects ? '}' : ']';
    return len;
}

static void test_depth(void) {
    static char text[256];
    for (int objects = 0; objects <= 1; objects++) {
        size_t len = build_nested(text, JSON_DEPTH_MAX, objects);
        CHECK_INT(parse_n(text, len), JSON_OK);
        CHECK_INT(json_at(&doc, doc.node_count - 1)->depth, JSON_DEPTH_MAX);
        len = build_nested(text, JSON_DEPTH_MAX + 1, objects);
        CHECK_INT(parse_n(text, len), JSON_ERR_DEPTH);
        CHECK_INT(doc.error_offset, JSON_DEPTH_MAX * (objects ? 5 : 1));
        CHECK_STR(doc.error_message, "nesting deeper than 16");
    }
    /* Depth is nesting, not the number of containers: two 16-deep branches. */
    size_t len = 0;
    text[len++] = '[';
    len += build_nested(text + len, JSON_DEPTH_MAX - 1, false);
    text[len++] = ',';
    len += build_nested(text + len, JSON_DEPTH_MAX - 1, true);
    text[len++] = ']';
    CHECK_INT(parse_n(text, len), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->count, 2);
}

/* An array of `count` zeros; returns the length. */
static size_t build_array(char *out, size_t count) {
    size_t len = 0;
    out[len++] = '[';
    for (size_t i = 0; i < count; i++) {
        if (i > 0) out[len++] = ',';
        out[len++] = '0';
    }
    out[len++] = ']';
    return len;
}

/* An object of `count` members "kN":0; returns the length. */
static size_t build_object(char *out, size_t count) {
    size_t len = 0;
    out[len++] = '{';
    for (size_t i = 0; i < count; i++) {
        len += (size_t)snprintf(out + len, 32, "%s\"k%zu\":0", i > 0 ? "," : "", i);
    }
    out[len++] = '}';
    return len;
}

static void test_nodes_limit(void) {
    static char text[65536];
    size_t len = build_array(text, JSON_NODES_MAX - 1);
    CHECK_INT(parse_n(text, len), JSON_OK);
    CHECK_INT(doc.node_count, JSON_NODES_MAX);
    CHECK_INT(json_at(&doc, 0)->count, JSON_NODES_MAX - 1);
    len = build_array(text, JSON_NODES_MAX);
    CHECK_INT(parse_n(text, len), JSON_ERR_NODES);
    CHECK_INT(doc.error_offset, len - 2);
    CHECK_STR(doc.error_message, "more than 4096 values");
    /* Keys count: 1 + 2 * 2047 = 4095 nodes, then 1 + 2 * 2048 = 4097. */
    len = build_object(text, (JSON_NODES_MAX - 1) / 2);
    CHECK_INT(parse_n(text, len), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->count, (JSON_NODES_MAX - 1) / 2);
    CHECK_INT(json_at(&doc, json_object_get(&doc, 0, "k2046"))->type, JSON_NUMBER);
    len = build_object(text, (JSON_NODES_MAX + 1) / 2);
    CHECK_INT(parse_n(text, len), JSON_ERR_NODES);
}

static void test_input_limit(void) {
    static char text[JSON_INPUT_MAX + 1];
    memset(text, ' ', sizeof text);
    memcpy(text, "[]", 2);
    CHECK_INT(parse_n(text, JSON_INPUT_MAX), JSON_OK);
    CHECK_INT(parse_n(text, JSON_INPUT_MAX + 1), JSON_ERR_TOO_LARGE);
    CHECK_INT(doc.error_offset, JSON_INPUT_MAX);
    CHECK_STR(doc.error_message, "document larger than 69632 bytes");
    /* A document of long plain strings filling the input fits in the arena. */
    size_t len = 0;
    text[len++] = '[';
    while (len + JSON_STRING_MAX + 4 < JSON_INPUT_MAX) {
        len += build_string(text + len, "s", JSON_STRING_MAX);
        text[len++] = ',';
    }
    text[len++] = '0';
    text[len++] = ']';
    CHECK_INT(parse_n(text, len), JSON_OK);
    CHECK_INT(json_at(&doc, 1)->str_len, JSON_STRING_MAX);
    CHECK_INT(json_text(&doc, doc.node_count - 2)[JSON_STRING_MAX - 1], 's');
}

static void test_short_length(void) {
    /* Only `length` bytes are the document, whatever follows in memory. */
    CHECK_INT(parse_n("[1,2]", 3), JSON_ERR_SYNTAX);
    CHECK_INT(doc.error_offset, 3);
    CHECK_INT(parse_n("123", 2), JSON_OK);
    CHECK_INT(json_at(&doc, 0)->integer, 12);
    CHECK_INT(parse_n("\"ab\"", 3), JSON_ERR_SYNTAX);
    CHECK_INT(parse_n("true", 3), JSON_ERR_SYNTAX);
    CHECK_INT(json_parse(&doc, NULL, 0), JSON_ERR_SYNTAX);
    /* A failed parse leaves nothing behind; a good one after it works. */
    CHECK_INT(parse("{\"a\":1}"), JSON_OK);
    CHECK_INT(parse("{\"a\":1,}"), JSON_ERR_SYNTAX);
    CHECK_INT(doc.node_count, 0);
    CHECK_INT(json_at(&doc, 0)->type, 0);
    CHECK_INT(parse("{\"a\":2}"), JSON_OK);
    CHECK_INT(doc.error, JSON_OK);
    CHECK_STR(doc.error_message, "");
    CHECK_INT(json_at(&doc, json_object_get(&doc, 0, "a"))->integer, 2);
}

/* ---------------------------------------------------------------- */
/* UTF-8                                                            */
/* ---------------------------------------------------------------- */

static bool utf8_valid(const char *text) { return json_utf8_valid((const uint8_t *)text, strlen(text)); }

static void test_utf8(void) {
    CHECK(json_utf8_valid(NULL, 0));
    CHECK(utf8_valid("plain ASCII \x7f"));
    CHECK(json_utf8_valid((const uint8_t *)"a\0b", 3));
    CHECK(utf8_valid("\xc2\x80 \xdf\xbf"));                  /* U+0080, U+07FF */
    CHECK(utf8_valid("\xe0\xa0\x80 \xef\xbf\xbf"));          /* U+0800, U+FFFF */
    CHECK(utf8_valid("\xed\x9f\xbf \xee\x80\x80"));          /* U+D7FF, U+E000 */
    CHECK(utf8_valid("\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf")); /* U+10000, U+10FFFF */
    CHECK(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK(!utf8_valid("\x80"));
    CHECK(!utf8_valid("a\xbf"));
    CHECK(!utf8_valid("\xc0\x80"));
    CHECK(!utf8_valid("\xc1\xbf"));
    CHECK(!utf8_valid("\xe0\x80\x80"));
    CHECK(!utf8_valid("\xe0\x9f\xbf"));
    CHECK(!utf8_valid("\xf0\x80\x80\x80"));
    CHECK(!utf8_valid("\xf0\x8f\xbf\xbf"));
    CHECK(!utf8_valid("\xed\xa0\x80"));
    CHECK(!utf8_valid("\xed\xbf\xbf"));
    CHECK(!utf8_valid("\xf4\x90\x80\x80"));
    CHECK(!utf8_valid("\xf5\x80\x80\x80"));
    CHECK(!utf8_valid("\xff"));
    CHECK(!utf8_valid("\xc3"));
    CHECK(!utf8_valid("\xe2\x82"));
    CHECK(!utf8_valid("\xf0\x9f\x98"));
    CHECK(!utf8_valid("\xc3\x28"));
    CHECK(!utf8_valid("\xe2\x28\xa1"));
    CHECK(!utf8_valid("\xf0\x9f\x28\x80"));
    CHECK(!utf8_valid("ok\xe2\x82\xac\xe2\x82"));
}

/* ---------------------------------------------------------------- */
/* Writer                                                           */
/* ---------------------------------------------------------------- */

static uint8_t out[4096];
static char out_text[4097];

static const char *written(const json_writer *w) {
    memcpy(out_text, w->buf, w->len);
    out_text[w->len] = '\0';
    return out_text;
}

static void test_writer_values(void) {
    json_writer w;
    json_writer_init(&w, out, sizeof out);
    json_object_begin(&w);
    json_key(&w, "a");
    json_int(&w, 1);
    json_key(&w, "list");
    json_array_begin(&w);
    json_int(&w, -2);
    json_string(&w, "x");
    json_bool(&w, true);
    json_bool(&w, false);
    json_null(&w);
    json_array_begin(&w);
    json_array_end(&w);
    json_object_begin(&w);
    json_object_end(&w);
    json_raw(&w, "{\"r\":[1]}", 9);
    json_array_end(&w);
    json_key(&w, "empty");
    json_string_n(&w, "", 0);
    json_key(&w, "raw");
    json_raw(&w, "3.5", 3);
    json_object_end(&w);
    CHECK(!w.overflow);
    CHECK_INT(w.depth, 0);
    CHECK_STR(written(&w), "{\"a\":1,\"list\":[-2,\"x\",true,false,null,[],{},{\"r\":[1]}],"
                           "\"empty\":\"\",\"raw\":3.5}");

    json_writer_init(&w, out, sizeof out);
    json_array_begin(&w);
    json_int(&w, INT64_MIN);
    json_int(&w, INT64_MAX);
    json_int(&w, 0);
    json_int(&w, -1);
    json_int(&w, INT64_C(1764547200000));
    json_array_end(&w);
    CHECK_STR(written(&w), "[-9223372036854775808,9223372036854775807,0,-1,1764547200000]");

    json_writer_init(&w, out, sizeof out);
    json_int(&w, INT64_MIN);
    CHECK_STR(written(&w), "-9223372036854775808");
    json_writer_init(&w, out, sizeof out);
    json_raw(&w, "[]", 2);
    CHECK_STR(written(&w), "[]");
}

static void test_writer_escaping(void) {
    json_writer w;
    json_writer_init(&w, out, sizeof out);
    json_string(&w, "\"\\/\b\f\n\r\t\x01\x1f\x7f caf\xc3\xa9");
    CHECK_STR(written(&w), "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f caf\xc3\xa9\"");
    json_writer_init(&w, out, sizeof out);
    json_string_n(&w, "a\0b\x0b\x1a", 5);
    CHECK_STR(written(&w), "\"a\\u0000b\\u000b\\u001a\"");
    json_writer_init(&w, out, sizeof out);
    json_object_begin(&w);
    json_key_text(&w, "k\"");
    json_null(&w);
    json_object_end(&w);
    CHECK_STR(written(&w), "{\"k\\\"\":null}");
#ifndef NDEBUG
    /* A literal key is copied as it is: one that needs an escape is a misuse, which debug builds catch. */
    json_writer_init(&w, out, sizeof out);
    json_object_begin(&w);
    json_key(&w, "k\"");
    CHECK(w.overflow);
#endif
}

/* Every byte 0x01-0xFF as a string (the high half as valid UTF-8), written,
 * parsed and compared. */
static void test_writer_round_trip(void) {
    char text[512];
    size_t len = 0;
    for (int c = 0; c < 0x80; c++) text[len++] = (char)c;
    for (int c = 0x80; c < 0x100; c++) {
        text[len++] = (char)(0xC0 | (c >> 6));
        text[len++] = (char)(0x80 | (c & 0x3F));
    }
    memcpy(text + len, "\xe2\x82\xac\xf0\x9f\x98\x80", 7);
    len += 7;
    CHECK(json_utf8_valid((const uint8_t *)text, len));

    json_writer w;
    json_writer_init(&w, out, sizeof out);
    json_object_begin(&w);
    json_key(&w, "text");
    json_string_n(&w, text, len);
    json_key(&w, "numbers");
    json_array_begin(&w);
    json_int(&w, INT64_MIN);
    json_int(&w, INT64_MAX);
    json_int(&w, -7);
    json_array_end(&w);
    json_key(&w, "flags");
    json_object_begin(&w);
    json_key(&w, "t");
    json_bool(&w, true);
    json_key(&w, "n");
    json_null(&w);
    json_object_end(&w);
    json_object_end(&w);
    CHECK(!w.overflow);

    CHECK_INT(json_parse(&doc, out, w.len), JSON_OK);
    uint32_t s = json_object_get(&doc, 0, "text");
    CHECK_INT(json_at(&doc, s)->str_len, len);
    CHECK(memcmp(json_text(&doc, s), text, len) == 0);
    uint32_t numbers = json_object_get(&doc, 0, "numbers");
    uint32_t first = json_at(&doc, numbers)->first;
    CHECK(json_at(&doc, first)->integer == INT64_MIN);
    CHECK(json_at(&doc, json_at(&doc, first)->next)->integer == INT64_MAX);
    CHECK_INT(json_at(&doc, json_at(&doc, json_at(&doc, first)->next)->next)->integer, -7);
    uint32_t flags = json_object_get(&doc, 0, "flags");
    CHECK_INT(json_at(&doc, json_object_get(&doc, flags, "t"))->type, JSON_TRUE);
    CHECK_INT(json_at(&doc, json_object_get(&doc, flags, "n"))->type, JSON_NULL);
}

/* Writes a fixed document into `buf` with capacity `cap`. */
static void write_sample(json_writer *w, uint8_t *buf, size_t cap) {
    json_writer_init(w, buf, cap);
    json_object_begin(w);
    json_key(w, "key");
    json_string(w, "value\n");
    json_key(w, "n");
    json_int(w, INT64_MIN);
    json_key(w, "list");
    json_array_begin(w);
    json_bool(w, false);
    json_raw(w, "{}", 2);
    json_null(w);
    json_array_end(w);
    json_object_end(w);
}

static void test_writer_overflow(void) {
    static const char expected[] = "{\"key\":\"value\\n\",\"n\":-9223372036854775808,\"list\":[false,{},null]}";
    const size_t full = sizeof expected - 1;
    uint8_t buf[128];
    json_writer w;
    write_sample(&w, buf, full);
    CHECK(!w.overflow);
    CHECK_STR(written(&w), expected);
    /* Every smaller capacity overflows, never writes past it, and keeps a
     * prefix of the output. */
    for (size_t cap = 0; cap < full; cap++) {
        memset(buf, '#', sizeof buf);
        write_sample(&w, buf, cap);
        CHECK(w.overflow);
        CHECK(w.len <= cap);
        CHECK(memcmp(buf, expected, w.len) == 0);
        CHECK_INT(buf[cap], '#');
    }
    /* Sticky: once overflowed, a later write that would fit does nothing. */
    json_writer_init(&w, buf, 4);
    json_string(&w, "toolong");
    CHECK(w.overflow);
    CHECK_INT(w.len, 1); /* the opening quote fitted */
    json_int(&w, 1);
    CHECK(w.overflow);
    CHECK_INT(w.len, 1);
    json_writer_init(&w, NULL, 0);
    json_null(&w);
    CHECK(w.overflow);
    CHECK_INT(w.len, 0);
}

/* json_raw_begin/_end: values encoded in place, with commas as json_raw's;
 * room short of `max` overflows without writing. */
static void test_writer_raw_in_place(void) {
    uint8_t buf[32];
    json_writer w;
    json_writer_init(&w, buf, sizeof buf);
    json_array_begin(&w);
    for (int i = 1; i <= 2; i++) {
        char *at = json_raw_begin(&w, 8);
        CHECK(at != NULL);
        at[0] = (char)('0' + i);
        at[1] = '0';
        json_raw_end(&w, 2);
    }
    json_array_end(&w);
    CHECK(!w.overflow);
    CHECK_STR(written(&w), "[10,20]");

    memset(buf, '#', sizeof buf);
    json_writer_init(&w, buf, 6);
    json_array_begin(&w);
    CHECK(json_raw_begin(&w, 6) == NULL); /* 5 bytes left */
    CHECK(w.overflow);
    CHECK_INT(w.len, 1);
    CHECK_INT(buf[1], '#');

    json_writer_init(&w, buf, 6);
    CHECK(json_raw_begin(&w, 4) != NULL);
    json_raw_end(&w, 7); /* more than there is room for: unusable */
    CHECK(w.overflow);
    CHECK_INT(w.len, 0);
}

static void test_writer_misuse(void) {
    json_writer w;
    json_writer_init(&w, out, sizeof out);
    for (int i = 0; i < JSON_DEPTH_MAX; i++) json_array_begin(&w);
    for (int i = 0; i < JSON_DEPTH_MAX; i++) json_array_end(&w);
    CHECK(!w.overflow);
    CHECK_INT(json_parse(&doc, out, w.len), JSON_OK);
    json_writer_init(&w, out, sizeof out);
    for (int i = 0; i <= JSON_DEPTH_MAX; i++) json_object_begin(&w);
    CHECK(w.overflow);
    json_writer_init(&w, out, sizeof out);
    json_array_end(&w); /* nothing open */
    CHECK(w.overflow);
    json_writer_init(&w, out, sizeof out);
    json_object_begin(&w);
    json_key(&w, "a");
    json_object_end(&w); /* a key without a value */
    CHECK(w.overflow);
    json_writer_init(&w, out, sizeof out);
    json_object_begin(&w);
    json_key(&w, "a");
    json_key(&w, "b");
    CHECK(w.overflow);
}

int main(void) {
    test_valid_table();
    test_invalid_table();
    test_messages();
    test_tree();
    test_tree_counts();
    test_object_get();
    test_strings();
    test_string_words();
    test_string_limit();
    test_numbers();
    test_depth();
    test_nodes_limit();
    test_input_limit();
    test_short_length();
    test_utf8();
    test_writer_values();
    test_writer_escaping();
    test_writer_round_trip();
    test_writer_overflow();
    test_writer_raw_in_place();
    test_writer_misuse();
    return check_report("test_json");
}
