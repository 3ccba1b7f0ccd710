/* errors.h: the result codes every operation returns, with the HTTP status
 * and the stable snake_case code each maps to, and the human message that
 * goes with a failure. Errors are values: an operation returns a cs_error
 * and leaves its message in a cs_message. The values are stable; new codes
 * are added at the end. */
#ifndef CS_ERRORS_H
#define CS_ERRORS_H

#include <stddef.h>
#include <stdint.h>

typedef enum cs_error {
    CS_OK = 0,
    CS_ERR_INVALID_JSON = 1,
    CS_ERR_INVALID_FIELD = 2,
    CS_ERR_UNAUTHENTICATED = 3,
    CS_ERR_FORBIDDEN = 4,
    CS_ERR_NOT_FOUND = 5,
    CS_ERR_SLOT_UNAVAILABLE = 6,
    CS_ERR_VERSION_CONFLICT = 7,
    CS_ERR_RULE_VIOLATION = 8,
    CS_ERR_INVALID_STATE = 9,
    CS_ERR_IDEMPOTENCY_KEY_REUSED = 10,
    CS_ERR_LIMIT_EXCEEDED = 11,
    CS_ERR_HOLD_EXPIRED = 12,
    CS_ERR_PAYLOAD_TOO_LARGE = 13,
    CS_ERR_RATE_LIMITED = 14,
    CS_ERR_NOT_MODIFIED = 15, /* not a failure: a conditional read found nothing new (304) */
    CS_ERR_PAYMENT_REQUIRED = 16, /* a priced hold is confirmed by its payment, not by confirm */
} cs_error;

enum { CS_MESSAGE_MAX = 240 };

/* A failure's details: the text, and which field or rule it is about. */
typedef struct cs_message {
    char text[CS_MESSAGE_MAX + 1];
    size_t len;
    const char *field; /* for invalid_field: the field's name, or NULL */
    const char *rule;  /* for rule_violation: the rule's name, or NULL */
    int64_t current_version; /* for version_conflict: the reservation's version, else 0 */
} cs_message;

const char *cs_error_code(cs_error error);
int cs_error_status(cs_error error);

/* Building a message without printf: start it, then append pieces. Text
 * that does not fit is cut, never overflows. */
void cs_message_start(cs_message *m);
void cs_message_text(cs_message *m, const char *text);
void cs_message_text_n(cs_message *m, const char *text, size_t len);
void cs_message_int(cs_message *m, int64_t value);

/* Shorthands: set the message to `text` (and the field or rule) and return `error`. */
cs_error cs_fail(cs_message *m, cs_error error, const char *text);
cs_error cs_fail_field(cs_message *m, const char *field, const char *text);
cs_error cs_fail_rule(cs_message *m, const char *rule, const char *text);

#endif
