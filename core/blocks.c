/* blocks.c: blocked periods: staff close a court (or every court) for a
 * time, e.g. for maintenance or a tournament. Nothing can be booked in a
 * block, and a block cannot be laid over live reservations: those are
 * cancelled or moved first. A block leaves memory when it has ended.
 * Scans stop once they have seen block_count blocks in use: most
 * facilities have none, and the table has CS_BLOCKS_MAX rows. */
#include <string.h>

#include "core.h"

bool blocks_overlap(const cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms) {
    for (uint32_t i = 0, seen = 0; i < CS_BLOCKS_MAX && seen < f->block_count; i++) {
        const cs_block *b = &f->blocks[i];
        seen += b->in_use;
        if (b->in_use && (b->court == CS_ALL_COURTS || b->court == court) && b->start_ms < end_ms &&
            start_ms < b->end_ms) {
            return true;
        }
    }
    return false;
}

static cs_block *block_find(cs_facility *f, const char *id) {
    for (uint32_t i = 0, seen = 0; i < CS_BLOCKS_MAX && seen < f->block_count; i++) {
        seen += f->blocks[i].in_use;
        if (f->blocks[i].in_use && strcmp(f->blocks[i].id, id) == 0) return &f->blocks[i];
    }
    return NULL;
}

void blocks_forget_ended(cs_facility *f, int64_t now_ms) {
    for (uint32_t i = 0, seen = 0; i < CS_BLOCKS_MAX && seen < f->block_count; i++) {
        cs_block *b = &f->blocks[i];
        if (!b->in_use) continue;
        if (b->end_ms > now_ms) {
            seen++;
        } else {
            memset(b, 0, sizeof *b);
            f->block_count--;
            f->changed = true;
        }
    }
}

int64_t blocks_next_deadline(const cs_facility *f, int64_t deadline_ms) {
    for (uint32_t i = 0, seen = 0; i < CS_BLOCKS_MAX && seen < f->block_count; i++) {
        const cs_block *b = &f->blocks[i];
        seen += b->in_use;
        if (b->in_use && (deadline_ms < 0 || b->end_ms < deadline_ms)) deadline_ms = b->end_ms;
    }
    return deadline_ms;
}

/* Blocks change what can be booked on their courts, as a configuration does. */
static void announce(cs_facility *f) { cs_emit(f, CS_EVENT_FACILITY_UPDATED, 0, 0, 0); }

static bool live_reservation_within(cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms) {
    for (uint8_t c = 0; c < f->config.court_count; c++) {
        if (court != CS_ALL_COURTS && c != court) continue;
        if (reservation_overlapping(f, c, start_ms, end_ms, NULL, f->rows) > 0) return true;
    }
    return false;
}

void blocks_write(json_writer *w, const cs_facility *f) {
    json_array_begin(w);
    for (uint32_t i = 0, seen = 0; i < CS_BLOCKS_MAX && seen < f->block_count; i++) {
        const cs_block *b = &f->blocks[i];
        if (!b->in_use) continue;
        seen++;
        json_object_begin(w);
        json_key(w, "blockId");
        json_string(w, b->id);
        json_key(w, "courtId");
        if (b->court == CS_ALL_COURTS) json_null(w);
        else json_string(w, f->config.courts[b->court].id);
        json_key(w, "startTime");
        cs_write_time(w, b->start_ms);
        json_key(w, "endTime");
        cs_write_time(w, b->end_ms);
        json_key(w, "reason");
        json_string(w, b->reason);
        json_object_end(w);
    }
    json_array_end(w);
}

static const char *const block_fields[] = {"facilityId", "courtId", "startTime", "endTime", "reason", NULL};

cs_error blocks_add(cs_request *r) {
    cs_block b = {.in_use = true, .court = CS_ALL_COURTS};
    char court_id[CS_ID_MAX + 1];
    bool has_start, has_end;
    cs_message *m = &r->f->message;
    if (!cs_is_staff(r)) return cs_fail(m, CS_ERR_FORBIDDEN, "only staff can block courts");
    cs_error e = args_check_known(&r->args, block_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "courtId", false, court_id);
    if (e == CS_OK) e = args_time(&r->args, "startTime", true, &b.start_ms, &has_start);
    if (e == CS_OK) e = args_time(&r->args, "endTime", true, &b.end_ms, &has_end);
    if (e == CS_OK) e = args_text(&r->args, "reason", true, CS_REASON_MAX, b.reason);
    if (e != CS_OK) return e;
    if (b.end_ms <= b.start_ms) return cs_fail_field(m, "endTime", "must be after startTime");
    if (court_id[0] != '\0') {
        int court = facility_court_index(&r->f->config, court_id);
        if (court < 0) return cs_fail(m, CS_ERR_NOT_FOUND, "no such court");
        b.court = (uint8_t)court;
    }
    if (b.end_ms <= r->now_ms) return cs_fail_field(m, "endTime", "is in the past");
    if (live_reservation_within(r->f, b.court, b.start_ms, b.end_ms)) {
        return cs_fail(m, CS_ERR_INVALID_STATE, "live reservations fall in that period: cancel or move them first");
    }
    if (r->new_id == NULL) return cs_fail_field(m, "newId", "the host must supply a fresh id");
    if (block_find(r->f, r->new_id) != NULL) return cs_fail_field(m, "newId", "is already in use");
    if (r->f->block_count >= CS_BLOCKS_MAX) return cs_fail(m, CS_ERR_LIMIT_EXCEEDED, "too many blocked periods");
    memcpy(b.id, r->new_id, strlen(r->new_id) + 1);
    for (uint32_t i = 0; i < CS_BLOCKS_MAX; i++) {
        if (r->f->blocks[i].in_use) continue;
        r->f->blocks[i] = b;
        r->f->block_count++;
        break;
    }
    announce(r->f);
    return facility_describe(r);
}

static const char *const unblock_fields[] = {"facilityId", "blockId", NULL};

cs_error blocks_remove(cs_request *r) {
    char id[CS_ID_MAX + 1];
    if (!cs_is_staff(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can unblock courts");
    cs_error e = args_check_known(&r->args, unblock_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "blockId", true, id);
    if (e != CS_OK) return e;
    cs_block *b = block_find(r->f, id);
    if (b == NULL) return cs_fail(&r->f->message, CS_ERR_NOT_FOUND, "no such blocked period");
    memset(b, 0, sizeof *b);
    r->f->block_count--;
    announce(r->f);
    return facility_describe(r);
}

/* A reconfigure may remove courts: their blocks go with them. */
void blocks_remap_courts(cs_facility *f, const cs_config *next) {
    for (uint32_t i = 0; i < CS_BLOCKS_MAX; i++) {
        cs_block *b = &f->blocks[i];
        if (!b->in_use || b->court == CS_ALL_COURTS) continue;
        int court = facility_court_index(next, f->config.courts[b->court].id);
        if (court >= 0) {
            b->court = (uint8_t)court;
        } else {
            memset(b, 0, sizeof *b);
            f->block_count--;
        }
    }
}
