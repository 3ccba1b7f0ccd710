// directory.js: reads of the D1 projection (migrations/): the facility
// directory, a member's upcoming reservations across facilities, a
// facility's reservations, waitlist and audit log for its staff, and what
// a facility rebuild needs (its settings and live bookings). The Worker
// serves these without waking any Durable Object. Takes the D1 binding.

export async function listFacilities(db) {
  const { results } = await db
    .prepare("SELECT facility_id, name, time_zone FROM facilities ORDER BY facility_id")
    .all();
  return results.map((row) => ({ facilityId: row.facility_id, name: row.name, timeZone: row.time_zone }));
}

const UPCOMING_MAX = 500;

// A member's held and confirmed reservations that have not ended at `nowMs`,
// in every facility, soonest first.
export async function upcomingReservations(db, memberId, nowMs) {
  const { results } = await db
    .prepare(
      `SELECT * FROM reservations WHERE member_id = ?1 AND end_ms > ?2 AND status IN ('held', 'confirmed')
       ORDER BY start_ms, reservation_id LIMIT ${UPCOMING_MAX}`,
    )
    .bind(memberId, nowMs)
    .all();
  return results.map(reservationOf);
}

const PAGE_MAX = 1000;

// A facility's reservations in every status that end after `fromMs`, by
// start time, at most PAGE_MAX.
export async function facilityReservations(db, facilityId, fromMs) {
  const { results } = await db
    .prepare(
      `SELECT * FROM reservations WHERE facility_id = ?1 AND end_ms > ?2
       ORDER BY start_ms, reservation_id LIMIT ${PAGE_MAX}`,
    )
    .bind(facilityId, fromMs)
    .all();
  return results.map(reservationOf);
}

// A facility's audit log in log order, up to PAGE_MAX entries after the
// position `after` ({logSeq, idx}, or null for the start). Returns
// {entries, next}: `next` is the position to continue from, or null.
export async function auditLog(db, facilityId, after) {
  const { logSeq = 0, idx = -1 } = after ?? {};
  const { results } = await db
    .prepare(
      `SELECT * FROM audit_log WHERE facility_id = ?1 AND (log_seq > ?2 OR (log_seq = ?2 AND idx > ?3))
       ORDER BY log_seq, idx LIMIT ${PAGE_MAX}`,
    )
    .bind(facilityId, logSeq, idx)
    .all();
  const entries = results.map((row) => ({
    logSeq: row.log_seq,
    idx: row.idx,
    reservationId: row.reservation_id,
    action: row.action,
    actor: row.actor_role === null ? null : { memberId: row.actor_member_id, role: row.actor_role },
    at: row.at,
    from: row.from_status === null && row.from_court_id === null ? null : {
      status: row.from_status,
      ...(row.from_court_id === null ? {} : {
        courtId: row.from_court_id, startTime: row.from_start_time, endTime: row.from_end_time,
      }),
    },
    to: { status: row.to_status, courtId: row.court_id, startTime: row.start_time, endTime: row.end_time },
  }));
  const last = entries.at(-1);
  return { entries, next: entries.length === PAGE_MAX ? { logSeq: last.logSeq, idx: last.idx } : null };
}

// A facility's waitlist entries whose window ends after `fromMs`, in any
// state, first joined first, at most PAGE_MAX.
export async function facilityWaitlist(db, facilityId, fromMs) {
  const { results } = await db
    .prepare(
      `SELECT * FROM waitlist_entries WHERE facility_id = ?1 AND latest_end_ms > ?2
       ORDER BY created_ms, waitlist_id LIMIT ${PAGE_MAX}`,
    )
    .bind(facilityId, fromMs)
    .all();
  return results.map((row) => ({
    waitlistId: row.waitlist_id,
    facilityId: row.facility_id,
    memberId: row.member_id,
    courtId: row.court_id,
    earliestStart: row.earliest_start,
    latestEnd: row.latest_end,
    preferredStart: row.preferred_start,
    durationMinutes: row.duration_minutes,
    partySize: row.party_size,
    mode: row.mode,
    state: row.state,
    reservationId: row.reservation_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

// What a rebuild of `facilityId` starts from: its settings (the shape
// `configure` takes) or null, and its confirmed reservations that have not
// ended at `nowMs`, oldest first.
export async function rebuildSource(db, facilityId, nowMs) {
  const [facility, members, reservations] = await db.batch([
    db.prepare("SELECT settings, blocks FROM facilities WHERE facility_id = ?1").bind(facilityId),
    db
      .prepare(
        `SELECT member_id, tier, late_cancellations, no_shows FROM members WHERE facility_id = ?1
         ORDER BY member_id`,
      )
      .bind(facilityId),
    db
      .prepare(
        `SELECT * FROM reservations WHERE facility_id = ?1 AND status = 'confirmed' AND end_ms > ?2
         ORDER BY created_at, reservation_id`,
      )
      .bind(facilityId, nowMs),
  ]);
  const row = facility.results[0];
  return {
    settings: row?.settings == null ? null : JSON.parse(row.settings),
    blocks: row === undefined ? [] : JSON.parse(row.blocks),
    members: members.results.map((m) => ({
      memberId: m.member_id,
      tier: m.tier,
      lateCancellations: m.late_cancellations,
      noShows: m.no_shows,
    })),
    reservations: reservations.results.map(reservationOf),
  };
}

function reservationOf(row) {
  const reservation = {
    reservationId: row.reservation_id,
    facilityId: row.facility_id,
    courtId: row.court_id,
    memberId: row.member_id,
    startTime: row.start_time,
    endTime: row.end_time,
    partySize: row.party_size,
    status: row.status,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.hold_expiry !== null) reservation.holdExpiry = row.hold_expiry;
  if (typeof row.payment === "string") reservation.payment = JSON.parse(row.payment);
  return reservation;
}

// Facilities whose projection shows work past due by more than `marginMs`
// at `nowMs`, as if their alarm had been lost (the cron sweep nudges them):
// a reminder still `scheduled`, a hold or offer still `held` after its
// expiry, a booking still `confirmed` past its start plus `graceMs` but not
// yet over (its no-show check; a checked-in one looks the same and costs
// the facility one idle tick). At most `limit` ids, sorted.
export async function overdueFacilities(db, nowMs, { marginMs, graceMs, limit }) {
  const before = rfc3339(nowMs - marginMs);
  const { results } = await db
    .prepare(
      `SELECT facility_id FROM reminder_jobs WHERE state = 'scheduled' AND scheduled_for < ?1
       UNION SELECT facility_id FROM reservations WHERE status = 'held' AND hold_expiry < ?1
       UNION SELECT facility_id FROM reservations
         WHERE status = 'confirmed' AND start_ms < ?2 AND end_ms > ?3
       ORDER BY facility_id LIMIT ?4`,
    )
    .bind(before, nowMs - marginMs - graceMs, nowMs, limit)
    .all();
  return results.map((row) => row.facility_id);
}

// RFC 3339 UTC to the second, as the core writes instants.
function rfc3339(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
