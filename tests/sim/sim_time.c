/* sim_time.c: days from a civil date and back (Howard Hinnant's algorithm). */
#include "sim_time.h"

#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t sim_time_from_date(int year, int month, int day) { return days_from_civil(year, month, day) * SIM_DAY; }

void sim_time_format(int64_t ms, char out[SIM_TIME_TEXT]) {
    int64_t days = ms / SIM_DAY, rest = ms % SIM_DAY, y, m, d;
    if (rest < 0) {
        rest += SIM_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    int64_t s = rest / 1000, milli = rest % 1000;
    if (milli == 0) {
        snprintf(out, SIM_TIME_TEXT, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d, (int)(s / 3600),
                 (int)(s / 60 % 60), (int)(s % 60));
    } else {
        snprintf(out, SIM_TIME_TEXT, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d, (int)(s / 3600),
                 (int)(s / 60 % 60), (int)(s % 60), (int)milli);
    }
}

static bool digits(const char *t, int n, int *value) {
    *value = 0;
    for (int i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9') return false;
        *value = *value * 10 + (t[i] - '0');
    }
    return true;
}

bool sim_time_parse(const char *t, int64_t *ms) {
    int y, mo, d, h, mi, s, milli = 0;
    size_t n = strlen(t);
    if (n < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return false;
    if (!digits(t, 4, &y) || !digits(t + 5, 2, &mo) || !digits(t + 8, 2, &d) || !digits(t + 11, 2, &h) ||
        !digits(t + 14, 2, &mi) || !digits(t + 17, 2, &s)) {
        return false;
    }
    if (n == 24 && t[19] == '.' && t[23] == 'Z') {
        if (!digits(t + 20, 3, &milli)) return false;
    } else if (n != 20 || t[19] != 'Z') {
        return false;
    }
    *ms = sim_time_from_date(y, mo, d) + (int64_t)h * SIM_HOUR + (int64_t)mi * SIM_MINUTE + s * 1000 + milli;
    return true;
}
