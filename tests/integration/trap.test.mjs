// trap.test.mjs: a trap in a facility's wasm instance costs that one request
// (500 internal) and nothing else: the object rebuilds its core from its log
// and the next request sees the state as it was. The trap endpoint exists
// in development only.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DATE, Stack, assertError, at } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

test("a trap answers 500 once and loses nothing", async () => {
  const facilityId = "trap";
  await stack.configure(facilityId);
  const member = await stack.as("m-1");
  const attempt = await member.post("/api/realtime/attempt", {
    facilityId, courtId: "court-1", startTime: at("10:00"), endTime: at("11:00"), memberId: "m-1",
  });
  const { reservationId } = attempt.body;
  assert.equal((await member.post("/api/realtime/confirm", { facilityId, reservationId })).status, 200);
  const path = `/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`;
  const before = await stack.request(path);

  const trap = await stack.post(`/api/debug/trap?facilityId=${facilityId}`);
  assertError(trap, 500, "internal");
  assert.match(trap.body.message, /restored/);

  const got = await member.get(`/api/reservations/${reservationId}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.reservation.status, "confirmed");
  const afterTrap = await stack.request(path);
  assert.equal(afterTrap.headers.get("ETag"), before.headers.get("ETag"));
  assert.deepEqual(afterTrap.body, before.body);
  const next = await (await stack.as("m-2")).post("/api/realtime/attempt", {
    facilityId, courtId: "court-2", startTime: at("10:00"), endTime: at("11:00"), memberId: "m-2",
  });
  assert.equal(next.status, 200);
});

test("outside development there is no trap endpoint, no dev token and no admin without a token", async () => {
  const production = await Stack.start({ vars: { ENVIRONMENT: "production", ADMIN_TOKEN: "" } });
  try {
    assertError(await production.post("/api/debug/trap?facilityId=trap"), 404, "not_found");
    assertError(await production.post("/api/dev/token", { memberId: "m-1" }), 404, "not_found");
    assertError(await production.post("/api/auth/token", { memberId: "m-1" }, { Authorization: "Bearer " }), 401, "unauthenticated");
    const put = await production.request("/api/facilities/trap", {
      method: "PUT", body: { facilityId: "trap" }, headers: { Authorization: "Bearer " },
    });
    assertError(put, 401, "unauthenticated");
  } finally {
    await production.stop();
  }
});
