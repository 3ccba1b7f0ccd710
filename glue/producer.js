// producer.js: the NOTIFICATION_QUEUE producer. The drain (glue/drain.js,
// through the facility object) hands it each batch of outbox rows after D1
// has them and before the rows are removed; every `notification` effect
// goes on the queue as `{facilityId, ...notification}` (docs/NOTIFICATIONS.md).
// A failure rejects, so the rows stay and the whole batch is retried: the
// queue may see a notice twice, and the consumer's claim on its noticeId
// sends it once. The cron sweep (edge/sweep.js) sends again, through
// sendMessages, the notices D1 has `queued` that no consumer claimed. Takes
// the queue binding (undefined when not bound).
const QUEUE_BATCH = 100; // messages per sendBatch (the Queues limit)

// Sends the notices among outbox rows [{logSeq, idx, at, effect}].
export function sendNotices(queue, facilityId, rows) {
  const notices = rows
    .filter((row) => row.effect.type === "notification")
    .map((row) => ({ facilityId, ...row.effect.notification }));
  return sendMessages(queue, notices);
}

// Sends queue messages (notices with their facilityId), in batches.
export async function sendMessages(queue, notices) {
  if (notices.length === 0) return;
  if (queue === undefined) throw new Error("NOTIFICATION_QUEUE is not bound; the notices stay in the outbox");
  const messages = notices.map((body) => ({ body, contentType: "json" }));
  for (let start = 0; start < messages.length; start += QUEUE_BATCH) {
    await queue.sendBatch(messages.slice(start, start + QUEUE_BATCH));
  }
}
