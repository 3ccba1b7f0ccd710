// sweep.js: the cron trigger (wrangler.toml `[triggers]`, every 15
// minutes), the notifier's safety net. First it nudges every facility whose
// D1 projection shows work more than 5 minutes past due (a reminder still
// scheduled, a hold or offer still held, a no-show check not made: see
// glue/directory.js overdueFacilities), as if its alarm had been lost: the
// facility ticks, drains its outbox and re-arms. Next it puts back on the
// queue every notice D1 has had `queued` for more than 5 minutes without a
// consumer claiming it (the queue lost it; the claim keeps a late original
// from sending twice). Then it reports, on the
// Worker's log, the notification_log counts and every notice that should
// have moved on by now: `claimed` for longer than 15 minutes (its attempt
// died and was not redelivered, e.g. a message dead-lettered after repeated
// crashes, or it was sent but its log write failed) and `retrying` for
// longer than the longest retry delay plus that margin. Those it only
// reports: the queue owns redelivery.
import { overdueFacilities } from "../glue/directory.js";
import { stats, stuck, takeUnclaimed } from "../glue/notification-log.js";
import { sendMessages } from "../glue/producer.js";
import { CLAIM_LEASE_MS, RETRIES_MAX, retryDelaySeconds } from "./notifier.js";

const CLAIMED_TOO_LONG_MS = 15 * 60_000;
const REPORT_MAX = 50;
const OVERDUE_MARGIN_MS = 5 * 60_000; // an alarm this late is taken as lost
const NO_SHOW_GRACE_MS = 15 * 60_000; // the default grace; a longer one costs an idle tick
const NUDGES_MAX = 100; // facilities per sweep; the rest wait for the next one
const REQUEUE_MAX = 500; // notices put back on the queue per sweep

export async function sweepNotifications(controller, env) {
  const now = controller?.scheduledTime ?? Date.now();
  await nudgeOverdue(env, now);
  await requeueUnclaimed(env, now);
  const longestRetryMs = retryDelaySeconds(env, RETRIES_MAX) * 1000;
  const [counts, late] = await Promise.all([
    stats(env.DB, null, now, CLAIM_LEASE_MS),
    stuck(env.DB, {
      claimedBeforeMs: now - CLAIMED_TOO_LONG_MS,
      retryingBeforeMs: now - longestRetryMs - CLAIMED_TOO_LONG_MS,
    }, REPORT_MAX),
  ]);
  console.log(`notifier sweep: ${JSON.stringify(counts)}`);
  if (late.length === 0) return;
  console.warn(`notifier sweep: ${late.length}${late.length === REPORT_MAX ? "+" : ""} notices stuck`);
  for (const row of late) console.warn(`notifier sweep: stuck ${JSON.stringify(row)}`);
}

// Nudges the facilities with overdue work, one at a time; a failure is
// logged and the sweep goes on.
async function nudgeOverdue(env, now) {
  const facilityIds = await overdueFacilities(env.DB, now, {
    marginMs: OVERDUE_MARGIN_MS, graceMs: NO_SHOW_GRACE_MS, limit: NUDGES_MAX,
  });
  for (const facilityId of facilityIds) {
    try {
      const { status, reply } = await env.FACILITY.get(env.FACILITY.idFromName(facilityId)).nudge(facilityId);
      console.log(`sweep: nudged ${facilityId}: ${status} ${JSON.stringify(reply)}`);
    } catch (error) {
      console.error(`sweep: nudging ${facilityId} failed`, error);
    }
  }
}

// Puts the notices the queue lost back on it.
async function requeueUnclaimed(env, now) {
  const notices = await takeUnclaimed(env.DB, now - OVERDUE_MARGIN_MS, now, REQUEUE_MAX);
  if (notices.length === 0) return;
  await sendMessages(env.NOTIFICATION_QUEUE, notices);
  console.warn(`sweep: ${notices.length} unclaimed notices put back on the queue`);
}
