// projection.js: writes a facility's outbox rows (effects, see
// docs/PROTOCOL.md) to the D1 projection (migrations/0002_projection.sql).
// Every write is idempotent and ordered, so a batch applied twice (a crash
// after D1 committed but before the outbox forgot it) or late changes
// nothing: reservations by `version`, members and waitlist entries by
// (log seq, index), facilities and their courts by log seq, audit rows by
// their primary key (facility, log seq, index); a waitlist entry's
// reservations (offers, bookings) reach the audit log as reservation
// effects; reminder plans go to reminder_jobs (glue/reminder-jobs.js);
// each notification becomes a `queued` row of notification_log
// (glue/notification-log.js) in the same batch, so D1 knows of every notice
// before glue/producer.js puts it on the queue, and the cron sweep can send
// one again if the queue lost it. Takes the D1 binding.
import { columns } from "./json-rows.js";
import { queuedStatement } from "./notification-log.js";
import { reminderStatements } from "./reminder-jobs.js";

// The statements for outbox rows [{logSeq, idx, at, effect}] of
// `facilityId`. The reservations, reminder plans and notices of all the
// rows go in one or two statements per table (their values as one JSON
// array); each other row has statements of its own, in order. Order
// between tables does not matter, and within each every write is ordered
// by itself (see above).
export function statementsFor(db, facilityId, rows) {
  const statements = [];
  const reservations = rows.filter((row) => row.effect.type === "reservation");
  if (reservations.length > 0) statements.push(...reservationStatements(db, facilityId, reservations));
  const plans = rows.filter((row) => row.effect.type === "reminders");
  if (plans.length > 0) statements.push(...reminderStatements(db, facilityId, plans));
  const notices = rows.filter((row) => row.effect.type === "notification");
  if (notices.length > 0) {
    statements.push(queuedStatement(db, notices.map(({ at, effect }) => ({ notice: { facilityId, ...effect.notification }, atMs: at }))));
  }
  for (const row of rows) statements.push(...(WRITERS[row.effect.type]?.(db, facilityId, row) ?? []));
  return statements;
}

// Writes the rows in one D1 batch (a transaction: all or nothing).
export async function writeRows(db, facilityId, rows) {
  const statements = statementsFor(db, facilityId, rows);
  if (statements.length > 0) await db.batch(statements);
}

// The statements a batch holds for its reservation, reminder plan and
// notice rows, however many rows those are (at most 2 + 2 + 1).
export const SHARED_STATEMENTS = 5;
const SHARED = new Set(["reservation", "reminders", "notification"]);

// How many statements of its own one row needs (a facility: its courts,
// two more for the row and the old courts); callers size batches with it
// and SHARED_STATEMENTS.
export function statementCount(row) {
  if (SHARED.has(row.effect.type)) return 0;
  return row.effect.type === "facility" ? 3 : 1;
}

// Reservation rows: each reservation upserted when newer (`version`; of
// several versions of one reservation the newest stays, whatever the
// order), and an audit row for each.
function reservationStatements(db, facilityId, rows) {
  const reservations = rows.map(({ effect: { reservation: r } }) => [
    r.reservationId, r.courtId, r.memberId, r.startTime, r.endTime, Date.parse(r.startTime), Date.parse(r.endTime),
    r.partySize, r.status, r.version, r.holdExpiry ?? null, r.createdAt, r.updatedAt,
    r.payment === undefined ? null : JSON.stringify(r.payment),
  ]);
  const audits = rows.map(({ logSeq, idx, effect: { action, actor, fromStatus, previous, reservation: r } }) => [
    logSeq, idx, r.reservationId, action, actor?.memberId ?? null, actor?.role ?? null, r.updatedAt,
    fromStatus ?? null, previous?.courtId ?? null, previous?.startTime ?? null, previous?.endTime ?? null,
    r.status, r.courtId, r.startTime, r.endTime,
  ]);
  return [
    db
      .prepare(
        `INSERT INTO reservations (reservation_id, facility_id, court_id, member_id, start_time, end_time,
           start_ms, end_ms, party_size, status, version, hold_expiry, created_at, updated_at, payment)
         SELECT ${columns(1)}, ?1, ${columns(13, 1)}
         FROM json_each(?2) WHERE true
         ON CONFLICT (reservation_id) DO UPDATE SET court_id = excluded.court_id,
           start_time = excluded.start_time, end_time = excluded.end_time, start_ms = excluded.start_ms,
           end_ms = excluded.end_ms, party_size = excluded.party_size, status = excluded.status,
           version = excluded.version, hold_expiry = excluded.hold_expiry, updated_at = excluded.updated_at,
           payment = excluded.payment
         WHERE excluded.version > reservations.version`,
      )
      .bind(facilityId, JSON.stringify(reservations)),
    db
      .prepare(
        `INSERT OR IGNORE INTO audit_log (facility_id, log_seq, idx, reservation_id, action, actor_member_id,
           actor_role, at, from_status, from_court_id, from_start_time, from_end_time, to_status, court_id,
           start_time, end_time)
         SELECT ?1, ${columns(15)}
         FROM json_each(?2)`,
      )
      .bind(facilityId, JSON.stringify(audits)),
  ];
}

// The writers of the other effects, a row at a time.
const WRITERS = {
  // The courts are replaced only when this facility row is newer than the
  // stored one (the facility row itself is written last in the batch).
  facility: (db, facilityId, { logSeq, at, effect }) => {
    const settings = effect.facility;
    const newer = "NOT EXISTS (SELECT 1 FROM facilities WHERE facility_id = ?1 AND log_seq >= ?2)";
    return [
      db.prepare(`DELETE FROM courts WHERE facility_id = ?1 AND ${newer}`).bind(facilityId, logSeq),
      db
        .prepare(
          `INSERT INTO courts (facility_id, court_id, name, capacity, position)
           SELECT ?1, json_extract(value, '$.courtId'), json_extract(value, '$.name'),
             json_extract(value, '$.capacity'), key
           FROM json_each(?3) WHERE ${newer}`,
        )
        .bind(facilityId, logSeq, JSON.stringify(settings.courts)),
      db
        .prepare(
          `INSERT INTO facilities (facility_id, name, time_zone, settings, blocks, updated_at, log_seq)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
           ON CONFLICT (facility_id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
             settings = excluded.settings, blocks = excluded.blocks, updated_at = excluded.updated_at,
             log_seq = excluded.log_seq
           WHERE excluded.log_seq > facilities.log_seq`,
        )
        .bind(
          facilityId, settings.name, settings.timeZone, JSON.stringify(settings), JSON.stringify(effect.blocks),
          new Date(at).toISOString(), logSeq,
        ),
    ];
  },

  member: (db, facilityId, { logSeq, idx, effect }) => [
    db
      .prepare(
        `INSERT INTO members (facility_id, member_id, tier, late_cancellations, no_shows, log_seq, idx)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (facility_id, member_id) DO UPDATE SET tier = excluded.tier,
           late_cancellations = excluded.late_cancellations, no_shows = excluded.no_shows,
           log_seq = excluded.log_seq, idx = excluded.idx
         WHERE (excluded.log_seq, excluded.idx) > (members.log_seq, members.idx)`,
      )
      .bind(
        facilityId, effect.member.memberId, effect.member.tier ?? null, effect.member.lateCancellations,
        effect.member.noShows, logSeq, idx,
      ),
  ],

  waitlist: (db, facilityId, { logSeq, idx, effect: { entry: e } }) => [
    db
      .prepare(
        `INSERT INTO waitlist_entries (waitlist_id, facility_id, member_id, court_id, earliest_start, latest_end,
           preferred_start, earliest_start_ms, latest_end_ms, duration_minutes, party_size, mode, state,
           reservation_id, created_at, updated_at, created_ms, log_seq, idx)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
         ON CONFLICT (waitlist_id) DO UPDATE SET court_id = excluded.court_id, state = excluded.state,
           reservation_id = excluded.reservation_id, updated_at = excluded.updated_at,
           log_seq = excluded.log_seq, idx = excluded.idx
         WHERE (excluded.log_seq, excluded.idx) > (waitlist_entries.log_seq, waitlist_entries.idx)`,
      )
      .bind(
        e.waitlistId, facilityId, e.memberId, e.courtId ?? null, e.earliestStart, e.latestEnd,
        e.preferredStart ?? null, Date.parse(e.earliestStart), Date.parse(e.latestEnd), e.durationMinutes,
        e.partySize, e.mode, e.state, e.reservationId ?? null, e.createdAt, e.updatedAt, Date.parse(e.createdAt),
        logSeq, idx,
      ),
  ],
};
