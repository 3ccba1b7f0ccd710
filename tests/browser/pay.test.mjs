// pay.test.mjs: the page's Pay step in Debian's Chromium, against the real
// local runtime with a fake Stripe (tests/fakes/stripe.mjs). A member of a
// facility with prices sees each length's price before holding (asked of
// the core), holds a slot, sees the price the core fixed, presses
// Pay and lands on the Checkout URL (answered here by a stub page); Stripe's
// signed webhook then books the court, and the board shows it as the
// member's, live; coming back with ?payment=success says what happens next
// and shows the reservation as the facility has it, even before the shared
// projection does.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import Stripe from "stripe";
import { startFakeStripe } from "../fakes/stripe.mjs";
import { DATE, Stack, at } from "../integration/harness.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WAIT_MS = 20_000;
const SECRET_KEY = "sk_test_courtside_page";
const WEBHOOK_SECRET = "whsec_test_courtside_page";
const stripe = new Stripe(SECRET_KEY);

let fake;
let stack;
let browser;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}`);
  fake = await startFakeStripe({ secretKey: SECRET_KEY });
  [stack, browser] = await Promise.all([
    Stack.start({ vars: { STRIPE_API_BASE: fake.url, STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } }),
    chromium.launch({ executablePath: CHROMIUM }),
  ]);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  await fake?.close();
});

test("Pay: the price shown is the amount charged; the webhook books the court", async () => {
  const facilityId = "paypage";
  await stack.configure(facilityId, {
    pricing: { currency: "usd", prices: [{ durationMinutes: 60, amount: 2500, peakAmount: 4000 }, { durationMinutes: 90, amount: 3500 }, { durationMinutes: 120, amount: 4500 }], peakHours: "17:00-21:00" },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.route("https://checkout.stripe.test/**", (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<title>Stripe Checkout (stub)</title><p>Pay here</p>" }));
  await page.goto(`${stack.url}/f/${facilityId}?date=${DATE}`);
  await page.waitForSelector('#connection[data-state="live"]', { timeout: WAIT_MS });
  await page.getByLabel("Member id").fill("member-pay");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector("#signed-in:not([hidden])", { timeout: WAIT_MS });

  const start = at("18:00");
  const slot = `button.slot[data-court="court-1"][data-start="${start}"]`;
  await page.locator(slot).click();
  await page.getByLabel("Length").selectOption("90");
  await page.waitForFunction(() => document.querySelector('[data-testid="quote"]')?.textContent === "Price: $35.00 (peak time).", null, { timeout: WAIT_MS });
  await page.getByLabel("Length").selectOption("60");
  await page.waitForFunction(() => document.querySelector('[data-testid="quote"]')?.textContent === "Price: $40.00 (peak time).", null, { timeout: WAIT_MS });
  await page.getByRole("button", { name: "Hold this slot" }).click();
  await page.waitForSelector(`${slot}[data-state="your-hold"]`, { timeout: WAIT_MS });
  assert.equal(await page.locator(".payment legend").textContent(), "Payment");
  await page.getByRole("button", { name: "Pay $40.00" }).waitFor({ timeout: WAIT_MS });
  assert.match(await page.getByTestId("price").textContent(), /\$40\.00/);

  await page.getByRole("button", { name: "Pay $40.00" }).click();
  await page.waitForURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/, { timeout: WAIT_MS });
  const sessionId = page.url().split("/").pop();
  const session = fake.sessions.get(sessionId);
  assert.equal(session.amount_total, 4000, "Stripe was asked for the amount shown");

  const payload = JSON.stringify(fake.completedEvent(sessionId, { paymentIntent: "pi_page_1" }));
  const delivered = await stack.request("/api/stripe/webhook", {
    method: "POST",
    body: payload,
    headers: { "Content-Type": "application/json", "Stripe-Signature": stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
  });
  assert.equal(delivered.body.outcome, "confirmed");

  await page.goto(`${stack.url}/f/${facilityId}?date=${DATE}&payment=success&reservationId=${session.client_reference_id}`);
  await page.waitForSelector(`${slot}[data-state="yours"]`, { timeout: WAIT_MS });
  assert.match(await page.locator("#alert-text").textContent(), /Payment received/);
  assert.deepEqual(fake.problems, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("Back from Checkout: the paid reservation shows as the member's before the shared projection has it", async () => {
  // Here D1 never hears of it (OUTBOX_DRAIN=off, development only), so My
  // bookings cannot show it: only the facility's own answer can.
  const lagging = await Stack.start({ vars: { OUTBOX_DRAIN: "off" } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const facilityId = "paylag";
    await lagging.configure(facilityId);
    const member = await lagging.as("member-lag");
    const times = { courtId: "court-1", startTime: at("18:00"), endTime: at("19:00") };
    const held = await member.post("/api/realtime/attempt", { facilityId, ...times, memberId: "member-lag" });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    const { reservationId } = held.body;
    const confirmed = await member.post("/api/realtime/confirm", { facilityId, reservationId });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));

    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${lagging.url}/f/${facilityId}?date=${DATE}`);
    await page.getByLabel("Member id").fill("member-lag");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForSelector("#signed-in:not([hidden])", { timeout: WAIT_MS });
    const slot = `button.slot[data-court="court-1"][data-start="${times.startTime}"]`;
    await page.waitForSelector(`${slot}[data-state="booked"]`, { timeout: WAIT_MS }); // not known as the member's yet

    await page.goto(`${lagging.url}/f/${facilityId}?date=${DATE}&payment=success&reservationId=${reservationId}`);
    await page.waitForSelector(`${slot}[data-state="yours"]`, { timeout: WAIT_MS });
    assert.match(await page.locator("#alert-text").textContent(), /Payment received/);
    // A link to someone else's reservation changes nothing and raises no error.
    const other = await lagging.as("member-other");
    const theirs = await other.post("/api/realtime/attempt", { facilityId, ...times, courtId: "court-2", memberId: "member-other" });
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
    await page.goto(`${lagging.url}/f/${facilityId}?date=${DATE}&payment=success&reservationId=${theirs.body.reservationId}`);
    await page.waitForSelector(`button.slot[data-court="court-2"][data-start="${times.startTime}"][data-state="held"]`, { timeout: WAIT_MS });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await lagging.stop();
  }
});
