// notification-log.js: the notifier's state machine in D1 `notification_log`
// (migrations/0002_projection.sql and 0003_notifications.sql). One row per
// notice, keyed by its dedupe key `{facilityId}/{noticeId}`:
//
//   (none) --queued by the facility's drain--> queued
//   (none) | queued --claim--> claimed --> sent | failed | skipped
//                                 |  ^
//                   transient     v  |  redelivered
//                               retrying
//
// A facility's drain writes `queued` in the same D1 batch as the rest of
// its effects, before the notice goes on the queue; the cron sweep sends a
// `queued` row again when no consumer has claimed it for a while (the
// queue lost it), and the claim keeps that from sending twice.
// A claim is taken in one statement before anything is sent, so of two
// deliveries of the same notice only one sends. A claim older than the
// lease belongs to an attempt that died and may be taken again. Every
// later write names the claim it holds (its `attempts` count), so an
// attempt that outlived its lease cannot overwrite its successor's result.
// Takes the D1 binding; times are ms since the epoch.
import { columns } from "./json-rows.js";

export const STATES = ["queued", "claimed", "retrying", "sent", "failed", "skipped"];

export function dedupeKey(facilityId, noticeId) {
  return `${facilityId}/${noticeId}`;
}

// Claims each of `notices` ({facilityId, noticeId, kind, ...}, queue
// messages) at `nowMs`, in one D1 batch, in order: → for each,
// {claimed: true, claim} when this attempt may send it, with `claim` to
// pass to the writes below, or {claimed: false, state, claimedMs} with the
// row's current state when it is not ours to send (of two deliveries of
// one notice in the same batch, the second finds it claimed).
export async function claimAll(db, notices, nowMs, leaseMs) {
  if (notices.length === 0) return [];
  const statements = notices.flatMap((notice) => {
    const key = dedupeKey(notice.facilityId, notice.noticeId);
    return [
      db
        .prepare(
          `INSERT INTO notification_log (id, notice_id, notification_type, reservation_id, waitlist_id, member_id,
             facility_id, minutes_before, data, state, attempts, claimed_ms, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'claimed', 1, ?10, ?11)
           ON CONFLICT (id) DO UPDATE SET state = 'claimed', attempts = notification_log.attempts + 1,
             claimed_ms = excluded.claimed_ms, updated_at = excluded.updated_at
           WHERE notification_log.state IN ('queued', 'retrying')
              OR (notification_log.state = 'claimed' AND notification_log.claimed_ms <= ?12)
           RETURNING attempts`,
        )
        .bind(
          key, notice.noticeId, notice.kind, notice.reservationId ?? null, notice.waitlistId ?? null,
          notice.memberId ?? null, notice.facilityId, notice.minutesBefore ?? null, JSON.stringify(notice),
          nowMs, iso(nowMs), nowMs - leaseMs,
        ),
      // The row as the claim left it, for a claim not won.
      db.prepare("SELECT state, claimed_ms FROM notification_log WHERE id = ?1").bind(key),
    ];
  });
  const results = await db.batch(statements);
  return notices.map((notice, i) => {
    const [won] = results[2 * i].results;
    if (won !== undefined) return { claimed: true, claim: { key: dedupeKey(notice.facilityId, notice.noticeId), attempts: won.attempts } };
    const [row] = results[2 * i + 1].results;
    return { claimed: false, state: row?.state ?? null, claimedMs: row?.claimed_ms ?? null };
  });
}

// The statement that records each of `notices` ([{notice, atMs}]: the
// queue message and when its command ran) as `queued`, unless its row
// exists; one statement for all of them (their values as one JSON array),
// run in the drain's batch.
export function queuedStatement(db, notices) {
  const values = notices.map(({ notice, atMs }) => [
    dedupeKey(notice.facilityId, notice.noticeId), notice.noticeId, notice.kind, notice.reservationId ?? null,
    notice.waitlistId ?? null, notice.memberId ?? null, notice.facilityId, notice.minutesBefore ?? null,
    JSON.stringify(notice), atMs, iso(atMs),
  ]);
  return db
    .prepare(
      `INSERT INTO notification_log (id, notice_id, notification_type, reservation_id, waitlist_id, member_id,
         facility_id, minutes_before, data, state, attempts, claimed_ms, updated_at)
       SELECT ${columns(9)}, 'queued', 0, ${columns(2, 9)}
       FROM json_each(?1) WHERE true
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(JSON.stringify(values));
}

// Notices `queued` since before `beforeMs` (no consumer has claimed them:
// the queue lost them), oldest first, at most `limit`: their messages, and
// their rows touched at `nowMs` so the next sweep waits again.
export async function takeUnclaimed(db, beforeMs, nowMs, limit) {
  const { results } = await db
    .prepare(
      `UPDATE notification_log SET claimed_ms = ?2, updated_at = ?3
       WHERE id IN (SELECT id FROM notification_log WHERE state = 'queued' AND claimed_ms < ?1
                    ORDER BY claimed_ms LIMIT ?4)
       RETURNING data`,
    )
    .bind(beforeMs, nowMs, iso(nowMs), limit)
    .all();
  return results.map((row) => JSON.parse(row.data));
}

// The notice went out: `providerId` is the provider's id for it.
export function markSent(db, claim, { channel, providerId }, nowMs) {
  return finish(db, claim, "sent", { channel, providerId, sentAt: iso(nowMs) }, nowMs);
}

// The notice will never go out (a permanent error, or out of retries).
export function markFailed(db, claim, { channel, reason }, nowMs) {
  return finish(db, claim, "failed", { channel, reason }, nowMs);
}

// Nothing to send (the member has no channel configured): each of
// `skips` [{claim, reason}], in one D1 batch.
export async function markSkippedAll(db, skips, nowMs) {
  if (skips.length > 0) await db.batch(skips.map(({ claim, reason }) => finishStatement(db, claim, "skipped", { reason }, nowMs)));
}

// A transient failure; the queue delivers the notice again later.
export function markRetrying(db, claim, { channel, reason }, nowMs) {
  return finish(db, claim, "retrying", { channel, reason }, nowMs);
}

// Records a message that cannot be sent because it is malformed; a row
// that already exists for its key is left alone.
export function recordInvalid(db, notice, reason, nowMs) {
  return db
    .prepare(
      `INSERT INTO notification_log (id, notice_id, notification_type, facility_id, member_id, data, state,
         attempts, last_error, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'failed', 0, ?7, ?8)
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(
      dedupeKey(notice.facilityId, notice.noticeId), notice.noticeId, String(notice.kind ?? "unknown"),
      notice.facilityId, typeof notice.memberId === "string" ? notice.memberId : null, JSON.stringify(notice),
      reason, iso(nowMs),
    )
    .run();
}

// Counts of rows by what is happening to them, for one facility or all
// (`facilityId` null): claimed within the lease are `active`, claimed past
// it and queued ones `waiting` (on the queue and not yet taken, or their
// attempt died and the queue redelivers them), `retrying`
// are `delayed`, `sent` `completed`, and `failed` and `skipped` as named.
export async function stats(db, facilityId, nowMs, leaseMs) {
  const { results } = await db
    .prepare(
      `SELECT CASE WHEN state = 'claimed' AND claimed_ms > ?2 THEN 'active'
                   WHEN state IN ('claimed', 'queued') THEN 'waiting'
                   WHEN state = 'retrying' THEN 'delayed'
                   WHEN state = 'sent' THEN 'completed'
                   ELSE state END AS bucket, count(*) AS n
       FROM notification_log WHERE state IS NOT NULL AND (?1 IS NULL OR facility_id = ?1) GROUP BY bucket`,
    )
    .bind(facilityId, nowMs - leaseMs)
    .all();
  const counts = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0, skipped: 0 };
  for (const { bucket, n } of results) if (bucket in counts) counts[bucket] = n;
  return counts;
}

// Rows that should have moved on by now, oldest first, at most `limit`:
// `claimed` since before `claimedBeforeMs` (an attempt died and the queue
// never redelivered it, or it was sent but the log write failed) and
// `retrying` since before `retryingBeforeMs` (its retry never came).
export async function stuck(db, { claimedBeforeMs, retryingBeforeMs }, limit) {
  const { results } = await db
    .prepare(
      `SELECT id, state, attempts, claimed_ms, last_error FROM notification_log
       WHERE (state = 'claimed' AND claimed_ms < ?1) OR (state = 'retrying' AND claimed_ms < ?2)
       ORDER BY claimed_ms LIMIT ?3`,
    )
    .bind(claimedBeforeMs, retryingBeforeMs, limit)
    .all();
  return results.map((row) => ({
    key: row.id, state: row.state, attempts: row.attempts, claimedAt: iso(row.claimed_ms), lastError: row.last_error,
  }));
}

// A facility's rows, newest first, at most `limit` (development view).
export async function rows(db, facilityId, limit) {
  const { results } = await db
    .prepare(
      `SELECT notice_id, notification_type, member_id, reservation_id, channel, state, attempts, last_error,
         provider_id, sent_at, updated_at FROM notification_log WHERE facility_id = ?1
       ORDER BY updated_at DESC, id LIMIT ?2`,
    )
    .bind(facilityId, limit)
    .all();
  return results.map((row) => ({
    noticeId: row.notice_id, kind: row.notification_type, memberId: row.member_id,
    reservationId: row.reservation_id, channel: row.channel, state: row.state, attempts: row.attempts,
    lastError: row.last_error, providerId: row.provider_id, sentAt: row.sent_at, updatedAt: row.updated_at,
  }));
}

// Moves the row out of `claimed` if the claim is still ours; → whether it was.
async function finish(db, claim, state, details, nowMs) {
  const result = await finishStatement(db, claim, state, details, nowMs).run();
  return result.meta.changes === 1;
}

function finishStatement(db, claim, state, { channel = null, reason = null, providerId = null, sentAt = null }, nowMs) {
  return db
    .prepare(
      `UPDATE notification_log SET state = ?3, channel = coalesce(?4, channel), last_error = ?5,
         provider_id = coalesce(?6, provider_id), sent_at = coalesce(?7, sent_at), updated_at = ?8
       WHERE id = ?1 AND state = 'claimed' AND attempts = ?2`,
    )
    .bind(claim.key, claim.attempts, state, channel, reason, providerId, sentAt, iso(nowMs));
}

function iso(ms) {
  return new Date(ms).toISOString();
}
