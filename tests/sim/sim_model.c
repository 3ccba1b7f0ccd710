/* sim_model.c: the reference model's tables and lookups. */
#include "sim_model.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

uint64_t sim_hash_text(const char *text) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *text != '\0'; text++) h = (h ^ (uint8_t)*text) * UINT64_C(0x100000001b3);
    return h == 0 ? 1 : h;
}

static bool index_init(sim_index *x, uint32_t items) {
    x->cap = 64;
    while (x->cap < 2 * items) x->cap *= 2;
    x->hashes = calloc(x->cap, sizeof *x->hashes);
    x->rows = calloc(x->cap, sizeof *x->rows);
    return x->hashes != NULL && x->rows != NULL;
}

static void index_free(sim_index *x) {
    free(x->hashes);
    free(x->rows);
}

/* The slot of `h`, or the empty slot where it would go. Tables stay at most
 * half full (the caller checks its count), so the probe ends. */
static uint32_t index_slot(const sim_index *x, uint64_t h) {
    uint32_t i = (uint32_t)h & (x->cap - 1);
    while (x->hashes[i] != 0 && x->hashes[i] != h) i = (i + 1) & (x->cap - 1);
    return i;
}

static uint32_t index_get(const sim_index *x, const char *id) {
    uint64_t h = sim_hash_text(id);
    uint32_t i = index_slot(x, h);
    return x->hashes[i] == h ? x->rows[i] : 0;
}

static void index_put(sim_index *x, const char *id, uint32_t row) {
    uint64_t h = sim_hash_text(id);
    uint32_t i = index_slot(x, h);
    x->hashes[i] = h;
    x->rows[i] = row;
}

bool sim_model_init(sim_model *m, uint32_t steps) {
    memset(m, 0, sizeof *m);
    /* A step makes at most a few reservations (waitlist cascades), each at
     * most a few plans of up to 16 reminders. */
    m->res_cap = 8 * steps + 256;
    m->entry_cap = steps + 64;
    m->job_cap = 64 * steps + 1024;
    m->key_cap = steps + 64;
    m->notice_cap = 32 * steps + 1024;
    m->res = calloc(m->res_cap, sizeof *m->res);
    m->entries = calloc(m->entry_cap, sizeof *m->entries);
    m->jobs = calloc(m->job_cap, sizeof *m->jobs);
    m->keys = calloc(m->key_cap, sizeof *m->keys);
    m->live = calloc(m->res_cap, sizeof *m->live);
    m->pending = calloc(m->job_cap, sizeof *m->pending);
    return m->res != NULL && m->entries != NULL && m->jobs != NULL && m->keys != NULL && m->live != NULL &&
           m->pending != NULL && index_init(&m->res_index, m->res_cap) && index_init(&m->entry_index, m->entry_cap) &&
           index_init(&m->job_index, m->job_cap) && index_init(&m->notice_index, m->notice_cap);
}

void sim_model_free(sim_model *m) {
    free(m->res);
    free(m->entries);
    free(m->jobs);
    free(m->keys);
    free(m->live);
    free(m->pending);
    index_free(&m->res_index);
    index_free(&m->entry_index);
    index_free(&m->job_index);
    index_free(&m->notice_index);
}

sim_res *sim_model_res(sim_model *m, const char *id) {
    uint32_t row = index_get(&m->res_index, id);
    return row == 0 || strcmp(m->res[row - 1].id, id) != 0 ? NULL : &m->res[row - 1];
}

sim_entry *sim_model_entry(sim_model *m, const char *id) {
    uint32_t row = index_get(&m->entry_index, id);
    return row == 0 || strcmp(m->entries[row - 1].id, id) != 0 ? NULL : &m->entries[row - 1];
}

sim_job *sim_model_job(sim_model *m, const char *id) {
    uint32_t row = index_get(&m->job_index, id);
    return row == 0 || strcmp(m->jobs[row - 1].id, id) != 0 ? NULL : &m->jobs[row - 1];
}

const sim_key *sim_model_key(const sim_model *m, const char *member, const char *key) {
    for (uint32_t i = m->key_count; i-- > 0;) {
        if (strcmp(m->keys[i].key, key) == 0 && strcmp(m->keys[i].member, member) == 0) return &m->keys[i];
    }
    return NULL;
}

static void copy_id(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

sim_res *sim_model_add_res(sim_model *m, const char *id) {
    if (m->res_count >= m->res_cap) return NULL;
    sim_res *r = &m->res[m->res_count++];
    memset(r, 0, sizeof *r);
    copy_id(r->id, sizeof r->id, id);
    r->entry = -1;
    index_put(&m->res_index, r->id, m->res_count);
    return r;
}

sim_entry *sim_model_add_entry(sim_model *m, const char *id) {
    if (m->entry_count >= m->entry_cap) return NULL;
    sim_entry *e = &m->entries[m->entry_count++];
    memset(e, 0, sizeof *e);
    copy_id(e->id, sizeof e->id, id);
    index_put(&m->entry_index, e->id, m->entry_count);
    return e;
}

sim_job *sim_model_add_job(sim_model *m, const char *id, int32_t res) {
    if (m->job_count >= m->job_cap) return NULL;
    sim_job *j = &m->jobs[m->job_count++];
    memset(j, 0, sizeof *j);
    copy_id(j->id, sizeof j->id, id);
    j->res = res;
    index_put(&m->job_index, j->id, m->job_count);
    return j;
}

bool sim_model_add_key(sim_model *m, const sim_key *k) {
    if (m->key_count >= m->key_cap) return false;
    m->keys[m->key_count++] = *k;
    return true;
}

bool sim_model_add_notice(sim_model *m, const char *id) {
    uint64_t h = sim_hash_text(id);
    uint32_t i = index_slot(&m->notice_index, h);
    if (m->notice_index.hashes[i] == h) return false;
    assert(m->notice_count < m->notice_cap);
    m->notice_index.hashes[i] = h;
    m->notice_count++;
    return true;
}

void sim_model_watch_res(sim_model *m, uint32_t row) {
    if (m->res[row].watched) return;
    m->res[row].watched = true;
    m->live[m->live_count++] = row;
}

void sim_model_watch_job(sim_model *m, uint32_t row) {
    if (m->jobs[row].watched) return;
    m->jobs[row].watched = true;
    m->pending[m->pending_count++] = row;
}

void sim_model_prune(sim_model *m) {
    int64_t buffer_ms = (int64_t)m->setup.buffer_minutes * 60000;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < m->live_count; i++) {
        sim_res *r = &m->res[m->live[i]];
        if (sim_status_is_live(r->status) && r->end_ms + buffer_ms > m->now_ms) m->live[kept++] = m->live[i];
        else r->watched = false;
    }
    m->live_count = kept;
    kept = 0;
    for (uint32_t i = 0; i < m->pending_count; i++) {
        sim_job *j = &m->jobs[m->pending[i]];
        if (j->state == SIM_JOB_PENDING && j->start_ms > m->now_ms) m->pending[kept++] = m->pending[i];
        else j->watched = false;
    }
    m->pending_count = kept;
}

bool sim_status_is_live(uint8_t status) { return status == SIM_HELD || status == SIM_CONFIRMED; }

static const char *const status_names[] = {"(new)", "held", "confirmed", "cancelled", "released", "expired", "no_show"};

const char *sim_status_name(uint8_t status) { return status <= SIM_NO_SHOW ? status_names[status] : "?"; }

uint8_t sim_status_from_name(const char *name) {
    for (uint8_t s = SIM_HELD; s <= SIM_NO_SHOW; s++) {
        if (name != NULL && strcmp(name, status_names[s]) == 0) return s;
    }
    return SIM_NONE;
}

uint8_t sim_entry_state_from_name(const char *name) {
    static const char *const names[] = {"", "waiting", "offered", "booked", "left", "expired"};
    for (uint8_t s = SIM_WAITING; s <= SIM_ENTRY_EXPIRED; s++) {
        if (name != NULL && strcmp(name, names[s]) == 0) return s;
    }
    return 0;
}
