/* sim_rng.h: the simulator's only source of randomness, a xoshiro256**
 * generator seeded through splitmix64 from the seed on the command line.
 * No rand(), no clock: the same seed gives the same run on every machine. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sim_rng {
    uint64_t s[4];
} sim_rng;

void sim_rng_seed(sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(sim_rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t sim_rng_below(sim_rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int64_t sim_rng_range(sim_rng *r, int64_t lo, int64_t hi);
/* True with probability percent / 100. */
bool sim_rng_chance(sim_rng *r, uint32_t percent);

#endif
