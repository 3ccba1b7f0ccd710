/* sim_time.h: UTC instants as RFC 3339 text ("2026-12-02T23:00:00Z") and
 * back, written here rather than taken from the core so the auditor does
 * not share the code it checks. Milliseconds since the Unix epoch. */
#ifndef SIM_TIME_H
#define SIM_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MINUTE INT64_C(60000)
#define SIM_HOUR (60 * SIM_MINUTE)
#define SIM_DAY (24 * SIM_HOUR)

enum { SIM_TIME_TEXT = 32 }; /* bytes for one instant's text with its NUL */

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (".mmmZ" when there are milliseconds). */
void sim_time_format(int64_t ms, char out[SIM_TIME_TEXT]);
/* Reads what the core writes: "YYYY-MM-DDTHH:MM:SS[.mmm]Z". */
bool sim_time_parse(const char *text, int64_t *ms);
/* ms of 00:00 UTC on the date. */
int64_t sim_time_from_date(int year, int month, int day);

#endif
