/* members.c: what the facility knows of its members: a tier (which rules
 * apply, and priority on waitlists) set by staff, and their record (late
 * cancellations). A member without either has no row. Scans stop at
 * member_rows_end: every member in use is below it. */
#include <string.h>

#include "core.h"

const cs_member *member_find(const cs_facility *f, const char *member_id) {
    for (uint32_t i = 0; i < f->member_rows_end; i++) {
        if (f->members[i].in_use && strcmp(f->members[i].id, member_id) == 0) return &f->members[i];
    }
    return NULL;
}

cs_member *member_record(cs_facility *f, const char *member_id) {
    cs_member *found = (cs_member *)member_find(f, member_id);
    if (found != NULL) return found;
    for (uint32_t i = 0; i < CS_MEMBERS_MAX; i++) {
        cs_member *m = &f->members[i];
        if (m->in_use) continue;
        memset(m, 0, sizeof *m);
        m->in_use = true;
        memcpy(m->id, member_id, strlen(member_id) + 1);
        f->member_count++;
        if (i >= f->member_rows_end) f->member_rows_end = i + 1;
        return m;
    }
    return NULL;
}

bool member_has_room(const cs_facility *f, const char *member_id) {
    return f->member_count < CS_MEMBERS_MAX || member_find(f, member_id) != NULL;
}

/* Moves tiers to the new configuration by name; a member whose tier is gone has none. */
void member_remap_tiers(cs_facility *f, const cs_config *next) {
    for (uint32_t i = 0; i < f->member_rows_end; i++) {
        cs_member *m = &f->members[i];
        if (!m->in_use || m->tier == 0) continue;
        const char *name = f->config.tiers[m->tier - 1].name;
        m->tier = 0;
        for (uint8_t t = 0; t < next->tier_count; t++) {
            if (strcmp(next->tiers[t].name, name) == 0) m->tier = (uint8_t)(t + 1);
        }
    }
}

void member_write(json_writer *w, const cs_facility *f, const char *member_id) {
    const cs_member *m = member_find(f, member_id);
    json_object_begin(w);
    json_key(w, "memberId");
    json_string(w, member_id);
    json_key(w, "tier");
    if (m != NULL && m->tier != 0) json_string(w, f->config.tiers[m->tier - 1].name);
    else json_null(w);
    json_key(w, "lateCancellations");
    json_int(w, m != NULL ? m->late_cancellations : 0);
    json_key(w, "noShows");
    json_int(w, m != NULL ? m->no_shows : 0);
    json_object_end(w);
}

/* A tier argument: a configured tier's name (its index + 1), or null (0). */
static cs_error tier_of(cs_request *r, uint32_t node, uint8_t *tier) {
    const json_node *n = node != 0 ? json_at(r->args.doc, node) : NULL;
    *tier = 0;
    if (n == NULL || (n->type != JSON_NULL && n->type != JSON_STRING)) {
        return cs_fail_field(&r->f->message, "tier", "must be a tier name or null");
    }
    for (uint8_t t = 0; n->type == JSON_STRING && t < r->f->config.tier_count; t++) {
        if (strcmp(r->f->config.tiers[t].name, json_text(r->args.doc, node)) == 0) *tier = (uint8_t)(t + 1);
    }
    if (n->type == JSON_STRING && *tier == 0) return cs_fail_field(&r->f->message, "tier", "is not one of the facility's tiers");
    return CS_OK;
}

static void write_member(cs_request *r, const char *member_id) {
    json_object_begin(r->reply);
    json_key(r->reply, "success");
    json_bool(r->reply, true);
    json_key(r->reply, "member");
    member_write(r->reply, r->f, member_id);
    json_object_end(r->reply);
}

static const char *const member_fields[] = {"facilityId", "memberId", NULL};

cs_error member_show(cs_request *r) {
    char member_id[CS_ID_MAX + 1];
    cs_error e = args_check_known(&r->args, member_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "memberId", true, member_id);
    if (e != CS_OK) return e;
    if (!cs_is_staff(r) && strcmp(r->actor_member_id, member_id) != 0) {
        return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "members can only see their own record");
    }
    write_member(r, member_id);
    return CS_OK;
}

static const char *const import_fields[] = {"facilityId", "memberId", "tier", "lateCancellations", "noShows", NULL};

/* Puts back a member's record known elsewhere (the projection) when a
 * facility is rebuilt. Staff or the host. */
cs_error member_import(cs_request *r) {
    char member_id[CS_ID_MAX + 1];
    uint32_t node;
    int64_t late = 0, no_shows = 0;
    bool present;
    if (!cs_is_staff(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can import member records");
    cs_error e = args_check_known(&r->args, import_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "memberId", true, member_id);
    if (e == CS_OK) e = args_int(&r->args, "lateCancellations", false, 0, UINT32_MAX, &late, &present);
    if (e == CS_OK) e = args_int(&r->args, "noShows", false, 0, UINT32_MAX, &no_shows, &present);
    if (e == CS_OK) e = args_find(&r->args, "tier", &node);
    if (e != CS_OK) return e;
    uint8_t tier = 0;
    if (node != 0) e = tier_of(r, node, &tier);
    if (e != CS_OK) return e;
    cs_member *m = member_record(r->f, member_id);
    if (m == NULL) return cs_fail(&r->f->message, CS_ERR_LIMIT_EXCEEDED, "the facility has too many member records");
    m->tier = tier;
    m->late_cancellations = (uint32_t)late;
    m->no_shows = (uint32_t)no_shows;
    cs_member_changed(r->f, m);
    write_member(r, member_id);
    return CS_OK;
}

static const char *const set_fields[] = {"facilityId", "memberId", "tier", NULL};

cs_error member_set_tier(cs_request *r) {
    char member_id[CS_ID_MAX + 1];
    uint32_t node;
    if (!cs_is_staff(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can set a member's tier");
    cs_error e = args_check_known(&r->args, set_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "memberId", true, member_id);
    if (e == CS_OK) e = args_find(&r->args, "tier", &node);
    if (e != CS_OK) return e;
    uint8_t tier = 0;
    e = tier_of(r, node, &tier);
    if (e != CS_OK) return e;
    const cs_member *known = member_find(r->f, member_id);
    if ((known == NULL ? 0 : known->tier) != tier) {
        cs_member *m = member_record(r->f, member_id);
        if (m == NULL) return cs_fail(&r->f->message, CS_ERR_LIMIT_EXCEEDED, "the facility has too many member records");
        m->tier = tier;
        cs_member_changed(r->f, m);
    }
    write_member(r, member_id);
    return CS_OK;
}
