// sweep.test.mjs: the cron sweep's nudge, against the real local runtime.
// The runtime runs with ALARMS=off (development only: no facility ever sets
// its alarm, as if every alarm were lost), so an expired hold stays `held`
// in D1 until the sweep (the scheduled handler, fired through the local
// runtime's /cdn-cgi/handler/scheduled with a `time` 6 minutes ahead) sees
// it overdue and nudges its facility, whose tick expires it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Stack, at, eventually } from "./harness.mjs";

let stack;

before(async () => {
  stack = await Stack.start({ vars: { ALARMS: "off" } });
});
after(async () => {
  await stack?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The reservation's status in the D1 projection, as staff see it.
async function projected(staff, facilityId, reservationId) {
  const reply = await staff.get(`/api/facilities/${facilityId}/reservations`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.reservations.find((r) => r.reservationId === reservationId)?.status;
}

async function hold(client, facilityId, start, end) {
  const reply = await client.post("/api/realtime/attempt", {
    facilityId, memberId: "sam", courtId: "court-1", startTime: at(start), endTime: at(end),
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.reservationId;
}

function sweep(atMs) {
  return fetch(`${stack.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}&time=${atMs}`);
}

test("a hold whose alarm never fires is expired by the cron sweep's nudge; a facility with nothing due is left alone", async () => {
  await stack.configure("sweep-a", { holdTtlSeconds: 2 });
  await stack.configure("sweep-b", { holdTtlSeconds: 3600 });
  const staff = await stack.as("desk", { role: "staff", facilities: ["sweep-a", "sweep-b"] });
  const sam = await stack.as("sam");
  const lapsing = await hold(sam, "sweep-a", "10:00", "11:00");
  const lasting = await hold(sam, "sweep-b", "10:00", "11:00");
  for (const [facilityId, id] of [["sweep-a", lapsing], ["sweep-b", lasting]]) {
    await eventually(async () => ((await projected(staff, facilityId, id)) === "held" ? true : undefined), {
      what: `the hold in ${facilityId} reaching D1`,
    });
  }

  await sleep(4000); // the 2-s hold is over, and no alarm came to expire it
  assert.equal(await projected(staff, "sweep-a", lapsing), "held");

  const fired = await sweep(Date.now() + 6 * 60_000);
  assert.equal(fired.status, 200, await fired.text());
  await eventually(async () => ((await projected(staff, "sweep-a", lapsing)) === "expired" ? true : undefined), {
    what: "the nudged facility expiring the hold in D1",
  });
  // The sweep logs once its nudge answered, which may be after D1 shows it.
  await eventually(() => (/sweep: nudged sweep-a: 200/.test(stack.output) ? true : undefined), { what: "the sweep's log line" });
  assert.doesNotMatch(stack.output, /sweep: nudged sweep-b/);
  assert.equal(await projected(staff, "sweep-b", lasting), "held");
});
