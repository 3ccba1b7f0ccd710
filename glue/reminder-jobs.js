// reminder-jobs.js: D1 `reminder_jobs` (migrations/0006_reminders.sql), the
// projection of each booking's reminder plan. The drain writes the core's
// `reminders` effects here (through glue/projection.js), the notifier marks
// a job sent or failed when it settles the reminder's notice (its noticeId
// is the job id), and GET /api/bookings/{id}/reminders reads them. Takes
// the D1 binding.

// The statements for one `reminders` effect: new jobs inserted as
// `scheduled` (again: nothing), dropped ones `cancelled` unless already
// settled. Idempotent, so a batch drained twice changes nothing.
export function reminderStatements(db, facilityId, { at, effect }) {
  const updatedAt = new Date(at).toISOString();
  const statements = [];
  if ((effect.scheduled ?? []).length > 0) {
    statements.push(db
      .prepare(
        `INSERT OR IGNORE INTO reminder_jobs (job_id, facility_id, reservation_id, scheduled_for, state, updated_at)
         SELECT json_extract(value, '$.jobId'), ?1, ?2, json_extract(value, '$.scheduledFor'), 'scheduled', ?3
         FROM json_each(?4)`,
      )
      .bind(facilityId, effect.reservationId, updatedAt, JSON.stringify(effect.scheduled)));
  }
  if ((effect.cancelled ?? []).length > 0) {
    statements.push(db
      .prepare(
        `UPDATE reminder_jobs SET state = 'cancelled', updated_at = ?2
         WHERE state = 'scheduled' AND job_id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(effect.cancelled), updatedAt));
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
