// sweep.js: the cron trigger (wrangler.toml `[triggers]`, every 15
// minutes), the notifier's safety net. Reports, on the Worker's log, the
// notification_log counts and every notice that should have moved on by
// now: `claimed` for longer than 15 minutes (its attempt died and was not
// redelivered, e.g. a message dead-lettered after repeated crashes, or it
// was sent but its log write failed) and `retrying` for longer than the
// longest retry delay plus that margin. It changes nothing: the queue owns
// redelivery. Waking facilities whose outbox or deadlines lag is not done
// here; the facility object has no method for it yet (docs/NOTIFICATIONS.md).
import { stats, stuck } from "../glue/notification-log.js";
import { CLAIM_LEASE_MS, RETRIES_MAX, retryDelaySeconds } from "./notifier.js";

const CLAIMED_TOO_LONG_MS = 15 * 60_000;
const REPORT_MAX = 50;

export async function sweepNotifications(controller, env) {
  const now = controller?.scheduledTime ?? Date.now();
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
