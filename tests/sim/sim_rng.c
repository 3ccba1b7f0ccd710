/* sim_rng.c: splitmix64 seeding and xoshiro256** (Blackman and Vigna). */
#include "sim_rng.h"

#include <assert.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void sim_rng_seed(sim_rng *r, uint64_t seed) {
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t sim_rng_next(sim_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t sim_rng_below(sim_rng *r, uint32_t n) {
    assert(n > 0);
    /* Multiply-shift: bias below 2^-32, irrelevant for a simulator. */
    return (uint32_t)(((sim_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t sim_rng_range(sim_rng *r, int64_t lo, int64_t hi) {
    assert(hi >= lo);
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(span == 0 ? sim_rng_next(r) : sim_rng_next(r) % span);
}

bool sim_rng_chance(sim_rng *r, uint32_t percent) { return sim_rng_below(r, 100) < percent; }
