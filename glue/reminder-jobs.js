// reminder-jobs.js: D1 `reminder_jobs` (migrations/0006_reminders.sql), the
// projection of each booking's reminder plan. The drain writes the core's
// `reminders` effects here (through glue/projection.js), the notifier marks
// a job sent or failed when it settles the reminder's notice (its noticeId
// is the job id), and GET /api/bookings/{id}/reminders reads them. Takes
// the D1 binding.
import { columns } from "./json-rows.js";

// The statements for `reminders` effects [{at, effect}] of `facilityId`,
// in order: every new job inserted as `scheduled` (again: nothing), then
// every dropped one `cancelled` unless already settled; one statement each
// (their values as one JSON array). A job is dropped only after the effect
// that scheduled it, and a job id once cancelled is never scheduled again,
// so inserting all before cancelling any ends where the effects one by one
// would. Idempotent, so a batch drained twice changes nothing.
export function reminderStatements(db, facilityId, rows) {
  const scheduled = [];
  const cancelled = new Map(); // job id → when it was first dropped
  for (const { at, effect } of rows) {
    const updatedAt = new Date(at).toISOString();
    for (const job of effect.scheduled ?? []) scheduled.push([job.jobId, effect.reservationId, job.scheduledFor, updatedAt]);
    for (const jobId of effect.cancelled ?? []) if (!cancelled.has(jobId)) cancelled.set(jobId, updatedAt);
  }
  const statements = [];
  if (scheduled.length > 0) {
    statements.push(db
      .prepare(
        `INSERT OR IGNORE INTO reminder_jobs (job_id, facility_id, reservation_id, scheduled_for, state, updated_at)
         SELECT json_extract(value, '$[0]'), ?1, ${columns(2, 1)}, 'scheduled', json_extract(value, '$[3]')
         FROM json_each(?2)`,
      )
      .bind(facilityId, JSON.stringify(scheduled)));
  }
  if (cancelled.size > 0) {
    statements.push(db
      .prepare(
        `UPDATE reminder_jobs SET state = 'cancelled', updated_at = dropped.at
         FROM (SELECT json_extract(value, '$[0]') AS job_id, json_extract(value, '$[1]') AS at FROM json_each(?1)) AS dropped
         WHERE reminder_jobs.job_id = dropped.job_id AND reminder_jobs.state = 'scheduled'`,
      )
      .bind(JSON.stringify([...cancelled])));
  }
  return statements;
}

// The notifier settled the reminder `jobId`: `state` is 'sent' or 'failed'.
// A cancelled job stays cancelled.
export async function settleReminderJob(db, jobId, state, nowMs) {
  await db
    .prepare("UPDATE reminder_jobs SET state = ?2, updated_at = ?3 WHERE job_id = ?1 AND state IN ('scheduled', 'failed')")
    .bind(jobId, state, new Date(nowMs).toISOString())
    .run();
}

// The reservation's owner in D1 ({facilityId, memberId}), or null.
export async function reservationOwner(db, reservationId) {
  const row = await db
    .prepare("SELECT facility_id, member_id FROM reservations WHERE reservation_id = ?1")
    .bind(reservationId)
    .first();
  return row === null ? null : { facilityId: row.facility_id, memberId: row.member_id };
}

// [{jobId, state, scheduledFor}] of the reservation, by scheduled time.
export async function reminderJobs(db, reservationId) {
  const { results } = await db
    .prepare(
      `SELECT job_id, state, scheduled_for FROM reminder_jobs WHERE reservation_id = ?1
       ORDER BY scheduled_for, job_id`,
    )
    .bind(reservationId)
    .all();
  return results.map((row) => ({ jobId: row.job_id, state: row.state, scheduledFor: row.scheduled_for }));
}
