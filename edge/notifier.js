// notifier.js: the consumer of NOTIFICATION_QUEUE. Each message is one
// notice from a facility's outbox, `{facilityId, ...notification}` (the
// core's `notification` effect, docs/PROTOCOL.md). For a batch: claim each
// notice's dedupe key in D1 (glue/notification-log.js), look up the
// members' contacts and the facilities (one D1 batch each, for the whole
// batch), record the notices with no channel as skipped; then, one after
// another, render the words (templates.js), send them on the member's
// channel (channels/), record the outcome, and ack or retry the message.
// The queue delivers at least once; the claim makes the send happen once.
// docs/NOTIFICATIONS.md has the whole story.
import { isFacilityId, isId } from "../glue/ids.js";
import { recipients } from "../glue/contacts.js";
import { claimAll, markFailed, markRetrying, markSent, markSkippedAll, recordInvalid } from "../glue/notification-log.js";
import { settleReminderJob } from "../glue/reminder-jobs.js";
import { sendEmail } from "./channels/sendgrid.js";
import { sendTwilio } from "./channels/twilio.js";
import { KINDS, render } from "./templates.js";

// Retries after the first delivery; must equal the consumer's
// `max_retries` in wrangler.toml (a test checks), so the last retry's
// failure is both logged `failed` here and dead-lettered by the queue.
export const RETRIES_MAX = 5;
const RETRY_BASE_SECONDS = 5; // retry n waits base * 5^(n-1): 5, 25, 125, 625, 3125 s
const RETRY_DELAY_MAX_SECONDS = 43_200; // the queue's ceiling (12 h)
export const CLAIM_LEASE_MS = 60_000; // a claim older than this belongs to a dead attempt
const SEND_INTERVAL_MS = 1_000; // at most one send per second per channel per invocation
const NOTICE_ID_MAX = 200;

// queue(batch, env): settles each message (ack or retry) explicitly;
// never throws. A D1 failure in a step shared by the batch retries the
// messages that step was for.
export async function consumeNotifications(batch, env) {
  const valid = [];
  for (const message of batch.messages) {
    try {
      if (await dropInvalid(message, env)) continue;
      valid.push(message);
    } catch (error) {
      retryAfterError(env, message, error);
    }
  }
  let claimed;
  try {
    claimed = await claimBatch(valid, env);
  } catch (error) {
    for (const message of valid) retryAfterError(env, message, error);
    return;
  }
  const pacer = new Pacer(SEND_INTERVAL_MS);
  for (const { message, claim, prepared } of await prepareBatch(claimed, env)) {
    try {
      await deliver(message, env, pacer, claim, prepared);
    } catch (error) {
      retryAfterError(env, message, error);
    }
  }
}

function retryAfterError(env, message, error) {
  console.error(`notifier: message ${message.id} (attempt ${message.attempts}) failed unexpectedly`, error);
  message.retry({ delaySeconds: retryDelaySeconds(env, message.attempts) });
}

// Retrying a malformed message cannot help: logged when it has a key,
// acked; → whether it was malformed.
async function dropInvalid(message, env) {
  const notice = message.body;
  const problem = invalid(notice);
  if (problem === null) return false;
  console.error(`notifier: message ${message.id} is malformed (${problem}); dropped`);
  if (isFacilityId(notice?.facilityId) && isNoticeId(notice?.noticeId)) {
    await recordInvalid(env.DB, notice, `malformed message: ${problem}`, Date.now());
  }
  message.ack();
  return true;
}

// Claims the messages' notices; settles those not ours to send. → the
// claimed [{message, claim}]: from here every one records an outcome.
async function claimBatch(messages, env) {
  const taken = await claimAll(env.DB, messages.map((message) => message.body), Date.now(), CLAIM_LEASE_MS);
  const claimed = [];
  messages.forEach((message, i) => {
    if (taken[i].claimed) claimed.push({ message, claim: taken[i].claim });
    else settleUnclaimed(message, taken[i]);
  });
  return claimed;
}

// Addresses the claimed notices and records those with no channel as
// skipped (acked). → the rest, each with `prepared` (see prepare) or, when
// the lookup failed, `prepared.failure` (a transient outcome).
async function prepareBatch(claimed, env) {
  let found;
  try {
    found = await recipients(env.DB, claimed.map(({ message }) => message.body));
  } catch (error) {
    const failure = { outcome: "transient", reason: `notifier: ${error.message}` };
    return claimed.map((entry) => ({ ...entry, prepared: { failure } }));
  }
  const prepared = claimed.map((entry, i) => {
    try {
      return { ...entry, prepared: prepare(entry.message.body, found[i], env) };
    } catch (error) {
      return { ...entry, prepared: { failure: { outcome: "transient", reason: `notifier: ${error.message}` } } };
    }
  });
  const skipped = prepared.filter((entry) => entry.prepared.skip !== undefined);
  try {
    await markSkippedAll(env.DB, skipped.map(({ claim, prepared: { skip } }) => ({ claim, reason: skip })), Date.now());
    for (const { message } of skipped) message.ack();
  } catch (error) {
    for (const { message } of skipped) retryAfterError(env, message, error);
  }
  return prepared.filter((entry) => entry.prepared.skip === undefined);
}

// Sends one prepared notice and settles its message.
async function deliver(message, env, pacer, claim, prepared) {
  let outcome;
  let channel = null;
  if (prepared.failure !== undefined) {
    outcome = prepared.failure;
  } else {
    try {
      channel = prepared.channel;
      await pacer.wait(channel);
      outcome = await send(env, prepared);
    } catch (error) {
      outcome = { outcome: "transient", reason: `notifier: ${error.message}` };
    }
  }
  await settle(message, env, claim, channel, outcome);
}

// A delivery of a notice this attempt did not claim: already finished
// (acked: nothing to send twice), or being sent by another attempt right
// now (retried once that attempt's lease has run out, in case it dies).
function settleUnclaimed(message, { state, claimedMs }) {
  if (state === "claimed") {
    const leftMs = claimedMs + CLAIM_LEASE_MS - Date.now();
    message.retry({ delaySeconds: Math.max(1, Math.ceil(leftMs / 1000)) });
  } else {
    message.ack();
  }
}

// → {channel, to, subject, text}, {skip: reason} when the member has no
// channel, or {failure} (transient) when the facility is not in D1 yet:
// the directory follows the facility's outbox, so it may lag. `found` is
// the notice's recipient (glue/contacts.js).
function prepare(notice, { contact, facility, courtName }, env) {
  if (contact === null || contact.channel === null) return { skip: `member ${notice.memberId} has no channel configured` };
  const to = contact.channel === "email" ? contact.email : contact.phone;
  if (!to) {
    const address = contact.channel === "email" ? "email" : "phone";
    return { skip: `member ${notice.memberId} has no ${address} for ${contact.channel}` };
  }
  if (facility === null) {
    return { failure: { outcome: "transient", reason: `notifier: facility ${notice.facilityId} is not in the directory yet` } };
  }
  const words = render(notice, {
    facilityName: facility.name,
    timeZone: facility.timeZone,
    courtName,
    language: contact.language,
    baseUrl: env.PUBLIC_BASE_URL,
  });
  return { channel: contact.channel, to, ...words };
}

function send(env, { channel, to, subject, text }) {
  return channel === "email" ? sendEmail(env, to, subject, text) : sendTwilio(env, channel, to, text);
}

// Records `outcome` under the claim, then acks or retries the message. A
// transient failure on the last allowed delivery is logged `failed` and
// retried once more, which moves it to the dead-letter queue.
async function settle(message, env, held, channel, { outcome, reason, providerId }) {
  const now = Date.now();
  if (outcome === "sent") {
    // The member has the message: acked even if the log write fails (the
    // row then stays `claimed` and the cron sweep reports it).
    try {
      await markSent(env.DB, held, { channel, providerId }, now);
      await settleReminder(env, message.body, "sent", now);
    } catch (error) {
      console.error(`notifier: ${held.key} was sent but could not be logged`, error);
    }
    message.ack();
  } else if (outcome === "permanent") {
    await markFailed(env.DB, held, { channel, reason }, now);
    await settleReminder(env, message.body, "failed", now);
    message.ack();
  } else if (message.attempts > RETRIES_MAX) {
    await markFailed(env.DB, held, { channel, reason: `gave up after ${message.attempts} attempts: ${reason}` }, now);
    await settleReminder(env, message.body, "failed", now);
    message.retry(); // past max_retries: to the dead-letter queue
  } else {
    await markRetrying(env.DB, held, { channel, reason }, now);
    message.retry({ delaySeconds: retryDelaySeconds(env, message.attempts) });
  }
}

// A reminder's job (D1 reminder_jobs, keyed by its noticeId) follows its
// notice: sent, or failed for good.
async function settleReminder(env, notice, state, now) {
  if (notice.kind === "reminder") await settleReminderJob(env.DB, notice.noticeId, state, now);
}

// The delay before retry number `attempts` (the delivery that just failed
// was attempt `attempts`): base * 5^(attempts-1) seconds. RETRY_BASE_SECONDS
// (a var) shortens it in tests.
export function retryDelaySeconds(env, attempts) {
  const given = env.RETRY_BASE_SECONDS === undefined || env.RETRY_BASE_SECONDS === "" ? NaN : Number(env.RETRY_BASE_SECONDS);
  const base = Number.isFinite(given) && given >= 0 ? given : RETRY_BASE_SECONDS;
  const seconds = base * 5 ** Math.max(0, attempts - 1);
  return Math.min(RETRY_DELAY_MAX_SECONDS, Math.round(seconds));
}

// Why `notice` cannot be a notice, or null.
function invalid(notice) {
  if (notice === null || typeof notice !== "object" || Array.isArray(notice)) return "the body is not an object";
  if (!isFacilityId(notice.facilityId)) return "facilityId";
  if (!isNoticeId(notice.noticeId)) return "noticeId";
  if (!KINDS.includes(notice.kind)) return `kind ${JSON.stringify(notice.kind)}`;
  for (const field of ["memberId", "reservationId", "courtId"]) if (!isId(notice[field])) return field;
  for (const field of ["startTime", "endTime"]) if (!isInstant(notice[field])) return field;
  if (notice.kind === "waitlist_offer" && !isInstant(notice.offerExpiry)) return "offerExpiry";
  if (notice.minutesBefore !== undefined && !(Number.isInteger(notice.minutesBefore) && notice.minutesBefore >= 0)) {
    return "minutesBefore";
  }
  return null;
}

function isNoticeId(value) {
  return typeof value === "string" && value.length > 0 && value.length <= NOTICE_ID_MAX && /^[A-Za-z0-9_-]+$/.test(value);
}

function isInstant(value) {
  const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;
  return typeof value === "string" && rfc3339.test(value) && !Number.isNaN(Date.parse(value));
}

// Spaces sends on one channel at least `intervalMs` apart within one
// invocation (the per-sender rate limit).
class Pacer {
  #intervalMs;
  #last = new Map(); // channel → when its last send started (ms)

  constructor(intervalMs) {
    this.#intervalMs = intervalMs;
  }

  async wait(channel) {
    const last = this.#last.get(channel);
    const waitMs = last === undefined ? 0 : last + this.#intervalMs - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    this.#last.set(channel, Date.now());
  }
}
