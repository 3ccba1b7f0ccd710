/* errors.c: the table from result codes to wire codes and HTTP statuses,
 * and the small message builder. */
#include "errors.h"

#include <string.h>

typedef struct cs_error_info {
    const char *code;
    int status;
} cs_error_info;

static const cs_error_info error_table[] = {
    [CS_OK] = {"ok", 200},
    [CS_ERR_INVALID_JSON] = {"invalid_json", 400},
    [CS_ERR_INVALID_FIELD] = {"invalid_field", 400},
    [CS_ERR_UNAUTHENTICATED] = {"unauthenticated", 401},
    [CS_ERR_FORBIDDEN] = {"forbidden", 403},
    [CS_ERR_NOT_FOUND] = {"not_found", 404},
    [CS_ERR_SLOT_UNAVAILABLE] = {"slot_unavailable", 409},
    [CS_ERR_VERSION_CONFLICT] = {"version_conflict", 409},
    [CS_ERR_RULE_VIOLATION] = {"rule_violation", 409},
    [CS_ERR_INVALID_STATE] = {"invalid_state", 409},
    [CS_ERR_IDEMPOTENCY_KEY_REUSED] = {"idempotency_key_reused", 409},
    [CS_ERR_LIMIT_EXCEEDED] = {"limit_exceeded", 409},
    [CS_ERR_HOLD_EXPIRED] = {"hold_expired", 410},
    [CS_ERR_PAYLOAD_TOO_LARGE] = {"payload_too_large", 413},
    [CS_ERR_RATE_LIMITED] = {"rate_limited", 429},
    [CS_ERR_NOT_MODIFIED] = {"not_modified", 304},
    [CS_ERR_PAYMENT_REQUIRED] = {"payment_required", 402},
};

_Static_assert(sizeof error_table / sizeof error_table[0] == CS_ERR_PAYMENT_REQUIRED + 1,
               "every cs_error has a row");

const char *cs_error_code(cs_error error) { return error_table[error].code; }

int cs_error_status(cs_error error) { return error_table[error].status; }

void cs_message_start(cs_message *m) {
    m->len = 0;
    m->text[0] = '\0';
    m->field = NULL;
    m->rule = NULL;
    m->current_version = 0;
}

void cs_message_text_n(cs_message *m, const char *text, size_t len) {
    size_t room = CS_MESSAGE_MAX - m->len;
    if (len > room) len = room;
    memcpy(m->text + m->len, text, len);
    m->len += len;
    m->text[m->len] = '\0';
}

void cs_message_text(cs_message *m, const char *text) { cs_message_text_n(m, text, strlen(text)); }

void cs_message_int(cs_message *m, int64_t value) {
    char digits[24];
    size_t n = 0;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0) digits[sizeof digits - 1 - n++] = '-';
    cs_message_text_n(m, digits + sizeof digits - n, n);
}

cs_error cs_fail(cs_message *m, cs_error error, const char *text) {
    cs_message_start(m);
    cs_message_text(m, text);
    return error;
}

cs_error cs_fail_field(cs_message *m, const char *field, const char *text) {
    cs_message_start(m);
    cs_message_text(m, field);
    cs_message_text(m, ": ");
    cs_message_text(m, text);
    m->field = field;
    return CS_ERR_INVALID_FIELD;
}

cs_error cs_fail_rule(cs_message *m, const char *rule, const char *text) {
    cs_message_start(m);
    cs_message_text(m, rule);
    cs_message_text(m, ": ");
    cs_message_text(m, text);
    m->rule = rule;
    return CS_ERR_RULE_VIOLATION;
}
