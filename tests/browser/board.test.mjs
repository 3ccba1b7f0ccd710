// board.test.mjs: the member's page end to end, in Debian's Chromium driven
// by playwright-core, against the real local runtime (wrangler dev, as
// tests/integration/harness.mjs starts it). Two browser contexts on one
// facility see each other's hold, booking and cancellation live; a hold
// left alone expires on every board; a slot taken meanwhile is explained in
// plain words and the waitlist offer can be accepted; "Add to calendar"
// downloads an .ics that an independent parser reads; the page works by
// keyboard at 375 px. A screenshot of the board is kept in build/artefacts/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import ICAL from "ical.js";
import { chromium } from "playwright-core";
import { DATE, ROOT, Stack, at, eventually } from "../integration/harness.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"; // Debian's package (scripts/setup.sh)
const ARTEFACTS = join(ROOT, "build/artefacts");
const WAIT_MS = 20_000; // generous: the machine may be busy

let stack;
let browser;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM} (scripts/setup.sh installs Debian's chromium)`);
  mkdirSync(ARTEFACTS, { recursive: true });
  [stack, browser] = await Promise.all([Stack.start(), chromium.launch({ executablePath: CHROMIUM })]);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

// A browser context (its own storage, so its own member) on the facility's
// page for DATE, signed in as `memberId`, with the board live.
// `beforeLoad(page)` runs before the page is opened (to route its socket).
async function openBoard(facilityId, memberId, { width = 1280, height = 900, beforeLoad } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  // Chromium logs every 4xx answer as a console error; those the tests
  // provoke are expected, so only script errors and 5xx answers count.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(message.text());
  });
  page.on("response", (response) => response.status() >= 500 && problems.push(`${response.status()} ${response.url()}`));
  await beforeLoad?.(page);
  await page.goto(`${stack.url}/f/${facilityId}?date=${DATE}`);
  await page.waitForSelector('#connection[data-state="live"]', { timeout: WAIT_MS });
  await page.waitForSelector("button.slot", { timeout: WAIT_MS });
  if (memberId !== undefined) {
    await page.getByLabel("Member id").fill(memberId);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForSelector("#signed-in:not([hidden])", { timeout: WAIT_MS });
    assert.equal(await page.textContent("#member-name"), memberId);
  }
  return { context, page, problems };
}

function cell(page, courtId, startTime) {
  return page.locator(`button.slot[data-court="${courtId}"][data-start="${startTime}"]`);
}

async function stateOf(page, courtId, startTime) {
  return cell(page, courtId, startTime).getAttribute("data-state");
}

async function waitForState(page, courtId, startTime, state) {
  await page.waitForSelector(`button.slot[data-court="${courtId}"][data-start="${startTime}"][data-state="${state}"]`, {
    timeout: WAIT_MS,
  });
}

// Records, inside the page, the moment (Date.now()) the cell first shows
// each state from now on; read with seenAt().
async function watchCell(page, courtId, startTime) {
  await page.evaluate(
    ({ courtId, startTime }) => {
      window.seen = {};
      const record = () => {
        const button = document.querySelector(`button.slot[data-court="${courtId}"][data-start="${startTime}"]`);
        const state = button?.dataset.state;
        if (state !== undefined && !(state in window.seen)) window.seen[state] = Date.now();
      };
      new MutationObserver(record).observe(document.getElementById("board"), {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ["data-state"],
      });
      record();
    },
    { courtId, startTime },
  );
}

function seenAt(page, state) {
  return page.waitForFunction((state) => window.seen?.[state], state, { timeout: WAIT_MS }).then((handle) => handle.jsonValue());
}

// When the page received the answer to its last request to `path`, as an
// epoch time in ms on the same clock as Date.now().
function answeredAt(page, path) {
  return page.evaluate((path) => {
    const entries = performance.getEntriesByType("resource").filter((entry) => new URL(entry.name).pathname === path);
    const last = entries.at(-1);
    return performance.timeOrigin + last.responseEnd;
  }, path);
}

test("the Worker serves the page at / and /f/{facilityId}, and only there", async () => {
  for (const path of ["/", "/f/demo"]) {
    const response = await fetch(`${stack.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get("Content-Type"), /^text\/html/, path);
    assert.match(await response.text(), /<script type="module" src="\/app\.js">/, path);
  }
  for (const file of ["/app.js", "/styles.css"]) assert.equal((await fetch(`${stack.url}${file}`)).status, 200, file);
  const malformed = await stack.request("/f/not%20an%20id");
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error, "invalid_field");
  const unknown = await stack.request("/nothing-here");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error, "not_found");
});

test("two members: A's hold, booking and cancellation reach B's board live", async () => {
  const facilityId = "page-live";
  await stack.configure(facilityId);
  const a = await openBoard(facilityId, "member-a");
  const b = await openBoard(facilityId, "member-b");
  const start = at("18:00");
  assert.equal(await stateOf(a.page, "court-1", start), "available");
  assert.equal(await stateOf(b.page, "court-1", start), "available");

  // A holds an hour: B sees both half-hour cells turn held within a second.
  await watchCell(b.page, "court-1", start);
  await cell(a.page, "court-1", start).click();
  await a.page.getByLabel("Length").selectOption("60");
  await a.page.getByRole("button", { name: "Hold this slot" }).click();
  await waitForState(a.page, "court-1", start, "your-hold");
  const heldDelayMs = (await seenAt(b.page, "held")) - (await answeredAt(a.page, "/api/realtime/attempt"));
  console.log(`B saw the hold ${heldDelayMs} ms after A's hold reply`);
  assert.ok(heldDelayMs < 1000, `B saw the hold ${heldDelayMs} ms after A's reply`);
  await waitForState(b.page, "court-1", at("18:30"), "held");
  assert.match(await a.page.getByTestId("countdown").textContent(), /^\d+ s$/);
  assert.match(await a.page.locator(".payment legend").textContent(), /placeholder/i);

  // A confirms: booked for B, "Yours" for A.
  await a.page.getByRole("button", { name: "Confirm booking" }).click();
  await waitForState(a.page, "court-1", start, "yours");
  await waitForState(b.page, "court-1", start, "booked");
  const bookedDelayMs = (await seenAt(b.page, "booked")) - (await answeredAt(a.page, "/api/realtime/confirm"));
  console.log(`B saw the booking ${bookedDelayMs} ms after A's confirm reply`);
  assert.equal(await cell(b.page, "court-1", start).textContent(), "Booked");
  assert.match(await cell(a.page, "court-1", start).getAttribute("aria-label"), /^Court 1, 18:00 to 18:30: Yours$/);

  // A's list has it; "Add to calendar" downloads an .ics for it.
  const item = a.page.locator("#my-bookings li[data-status=confirmed]");
  await item.waitFor({ timeout: WAIT_MS });
  const reservationId = await item.getAttribute("data-reservation");
  const [download] = await Promise.all([a.page.waitForEvent("download"), item.getByRole("button", { name: "Add to calendar" }).click()]);
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(readFileSync(await download.path(), "utf8"))).getFirstSubcomponent("vevent"));
  assert.equal(event.uid, `${reservationId}@courtside`);
  assert.equal(event.component.getFirstPropertyValue("status"), "CONFIRMED");

  const screenshot = join(ARTEFACTS, "board.png");
  await cell(b.page, "court-1", at("20:00")).scrollIntoViewIfNeeded(); // A's booking (18:00) in view
  await b.page.locator("main").screenshot({ path: screenshot });
  const png = readFileSync(screenshot);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG signature");
  assert.ok(png.readUInt32BE(16) >= 600 && png.readUInt32BE(20) >= 300, "the board's width and height");
  assert.ok(statSync(screenshot).size > 10_000, "not a blank image");

  // A cancels from My bookings: free again for B.
  await watchCell(b.page, "court-1", start);
  await item.getByRole("button", { name: "Cancel booking" }).click();
  await waitForState(b.page, "court-1", start, "available");
  await waitForState(a.page, "court-1", start, "available");
  const freedDelayMs = (await seenAt(b.page, "available")) - (await answeredAt(a.page, `/api/reservations/${reservationId}`));
  console.log(`B saw the cancellation ${freedDelayMs} ms after A's cancel reply`);
  await eventually(async () => ((await a.page.locator("#my-bookings li.empty").count()) === 1 ? true : undefined), {
    what: "A's list empty",
  });
  assert.deepEqual([...a.problems, ...b.problems], []);
  await Promise.all([a.context.close(), b.context.close()]);
});

test("a hold left alone expires and every board frees it", async () => {
  const facilityId = "page-expiry";
  await stack.configure(facilityId, { holdTtlSeconds: 4 });
  const a = await openBoard(facilityId, "member-a");
  const b = await openBoard(facilityId, "member-b");
  const start = at("09:00");
  await cell(a.page, "court-2", start).click();
  await a.page.getByRole("button", { name: "Hold this slot" }).click();
  await waitForState(b.page, "court-2", start, "held");
  await waitForState(a.page, "court-2", start, "your-hold");
  await a.page.getByText("Your hold expired").waitFor({ timeout: WAIT_MS });
  assert.equal(await a.page.getByRole("button", { name: "Confirm booking" }).isDisabled(), true);
  await waitForState(b.page, "court-2", start, "available");
  await waitForState(a.page, "court-2", start, "available");
  const reservations = await (await stack.as("member-a")).get(`/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`);
  const slot = reservations.body.courts.find((c) => c.courtId === "court-2").slots.find((s) => s.startTime === start);
  assert.equal(slot.status, "available", "the server agrees");
  assert.deepEqual([...a.problems, ...b.problems], []);
  await Promise.all([a.context.close(), b.context.close()]);
});

test("a slot taken meanwhile is explained in plain words; the waitlist offer can be accepted", async () => {
  const facilityId = "page-waitlist";
  await stack.configure(facilityId);
  const b = await openBoard(facilityId, "member-b");
  const alice = await stack.as("member-a");
  const start = at("10:00");
  await cell(b.page, "court-3", start).click();
  const held = await alice.post("/api/realtime/attempt", {
    facilityId, courtId: "court-3", startTime: start, endTime: at("11:00"), memberId: "member-a",
  });
  assert.equal(held.status, 200);
  await waitForState(b.page, "court-3", start, "held");
  await b.page.getByRole("button", { name: "Hold this slot" }).click(); // the panel was open before A took it
  const alert = b.page.getByRole("alert");
  await alert.waitFor({ timeout: WAIT_MS });
  const words = await alert.textContent();
  assert.match(words, /someone else just took that slot/);
  assert.doesNotMatch(words, /[{}"]|slot_unavailable|409/);

  // B joins the waitlist for it; when A lets it go it is offered to B.
  await b.page.getByRole("button", { name: "Dismiss" }).click();
  await cell(b.page, "court-3", start).click();
  await b.page.getByRole("button", { name: "Join the waitlist" }).click();
  await b.page.locator("#my-waitlist li[data-state=waiting]").waitFor({ timeout: WAIT_MS });
  assert.equal((await alice.post("/api/realtime/release", { facilityId, reservationId: held.body.reservationId })).status, 200);
  const offer = b.page.locator("#my-waitlist li[data-state=offered]");
  await offer.waitFor({ timeout: WAIT_MS });
  await offer.getByRole("button", { name: "Accept" }).click();
  await waitForState(b.page, "court-3", start, "yours");
  await b.page.locator("#my-bookings li[data-status=confirmed]").waitFor({ timeout: WAIT_MS });

  // A rule broken is named: the club is closed at 05:00.
  const early = await alice.post("/api/realtime/attempt", {
    facilityId, courtId: "court-1", startTime: at("05:00"), endTime: at("06:00"), memberId: "member-a",
  });
  assert.equal(early.body.rule, "opening_hours");
  const explained = await b.page.evaluate(async (error) => {
    const { explain } = await import("/wording.js");
    return explain({ code: error.error, rule: error.rule, message: error.message });
  }, early.body);
  assert.equal(explained, "This booking breaks a club rule: the club is closed for part of that time.");
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test("a missed change (a gap in seq) and a dropped connection make the board re-sync", async () => {
  const facilityId = "page-gaps";
  await stack.configure(facilityId);
  const alice = await stack.as("member-a");
  // B's socket passes through a relay that can drop one server message and
  // cut the connection, and notes what the page sends.
  const relay = { dropNext: null, sent: [], sockets: [] };
  const b = await openBoard(facilityId, undefined, {
    beforeLoad: (page) =>
      page.routeWebSocket(/\/api\/realtime\/websocket/, (ws) => {
        const server = ws.connectToServer();
        relay.sockets.push(ws);
        ws.onMessage((message) => {
          relay.sent.push(JSON.parse(message));
          server.send(message);
        });
        server.onMessage((message) => {
          if (relay.dropNext !== null && JSON.parse(message).type === relay.dropNext) {
            relay.dropNext = null;
            return;
          }
          ws.send(message);
        });
      }),
  });
  const hold = (courtId, time, endTime) =>
    alice.post("/api/realtime/attempt", { facilityId, courtId, startTime: at(time), endTime: at(endTime), memberId: "member-a" });

  relay.dropNext = "slot_pending";
  assert.equal((await hold("court-1", "12:00", "13:00")).status, 200); // B never hears of this one
  assert.equal((await hold("court-2", "12:00", "13:00")).status, 200); // its seq skips ahead for B
  await waitForState(b.page, "court-1", at("12:00"), "held"); // known only through a re-sync
  await waitForState(b.page, "court-2", at("12:00"), "held");
  assert.ok(relay.sent.some((message) => message.type === "sync" && message.date === DATE), JSON.stringify(relay.sent));

  // The connection drops: the indicator says so, the page reconnects on
  // its own and the new socket's state shows what changed meanwhile.
  relay.sockets.at(-1).close({ code: 1011, reason: "test" });
  await b.page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: WAIT_MS });
  const missed = await (await stack.as("member-c")).post("/api/realtime/attempt", {
    facilityId, courtId: "court-3", startTime: at("12:00"), endTime: at("13:00"), memberId: "member-c",
  });
  assert.equal(missed.status, 200);
  await b.page.waitForSelector('#connection[data-state="live"]', { timeout: WAIT_MS });
  await waitForState(b.page, "court-3", at("12:00"), "held");
  assert.equal(relay.sockets.length, 2, "one reconnect");
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test("at 375 px the board turns, fits the screen and works by keyboard", async () => {
  const facilityId = "page-phone";
  await stack.configure(facilityId);
  const phone = await openBoard(facilityId, "member-p", { width: 375, height: 740 });
  const { page } = phone;
  assert.equal(await page.locator("table.board-table.narrow").count(), 1, "courts as rows on a phone");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  const unlabelled = await page.$$eval("button, input, select", (elements) =>
    elements.filter((e) => !e.hidden && e.offsetParent !== null).filter((e) => {
      const name = e.getAttribute("aria-label") ?? e.labels?.[0]?.textContent ?? e.textContent;
      return name.trim() === "";
    }).length,
  );
  assert.equal(unlabelled, 0, "every control has a name");

  const start = at("07:00");
  await cell(page, "court-4", start).focus();
  await page.keyboard.press("Enter"); // opens the panel, focus on its first field
  assert.equal(await page.evaluate(() => document.activeElement.id), "hold-length");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Hold this slot");
  await page.keyboard.press("Enter");
  await waitForState(page, "court-4", start, "your-hold");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Confirm booking", "focus moves to Confirm");
  await page.keyboard.press("Enter");
  await waitForState(page, "court-4", start, "yours");
  await page.evaluate(() => document.getElementById("board").scrollTo(0, 0));
  await page.screenshot({ path: join(ARTEFACTS, "board-phone.png"), fullPage: true });
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});
