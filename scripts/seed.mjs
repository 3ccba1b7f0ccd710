// seed.mjs: configures the demo facility (scripts/demo-facility.json) on a
// local server started by scripts/start.sh, once it answers, mints a session
// token for member-1 (the development endpoint), then prints curl lines
// that book a court with it. The admin token comes from .dev.vars.
//
// Usage: node scripts/seed.mjs BASE_URL
import { readFileSync } from "node:fs";
import { localDate, localInstant } from "./local-time.mjs";
import { waitForServer } from "./wait-for-server.mjs";

const baseUrl = process.argv[2];
const root = new URL("..", import.meta.url);
const demo = JSON.parse(readFileSync(new URL("scripts/demo-facility.json", root), "utf8"));
const token = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(new URL(".dev.vars", root), "utf8"))?.[1];

await waitForServer(baseUrl);
const response = await fetch(`${baseUrl}/api/facilities/${demo.facilityId}`, {
  method: "PUT",
  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: JSON.stringify(demo),
});
if (!response.ok) {
  console.error(`seed: configuring ${demo.facilityId} failed: ${response.status} ${await response.text()}`);
  process.exit(1);
}

const minted = await fetch(`${baseUrl}/api/dev/token`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ memberId: "member-1", ttlSeconds: 7 * 86400 }),
});
if (minted.status !== 201) {
  console.error(`seed: minting a token failed: ${minted.status} ${await minted.text()}`);
  process.exit(1);
}
const { token: memberToken } = await minted.json();

const date = localDate(demo.timeZone, 1);
const attempt = JSON.stringify({
  facilityId: demo.facilityId,
  courtId: demo.courts[0].courtId,
  startTime: localInstant(date, "18:00", demo.timeZone),
  endTime: localInstant(date, "19:00", demo.timeZone),
  memberId: "member-1",
});
const json = "-H 'Content-Type: application/json'";
const auth = '-H "Authorization: Bearer $TOKEN"';
console.log(`
Courtside is running at ${baseUrl} with the demo facility "${demo.facilityId}" (${demo.name}).

A session token for member-1 (valid 7 days; \`npm run -s token -- member-1\` mints another):

  TOKEN=${memberToken}

Hold ${demo.courts[0].courtId} tomorrow, ${date}, 18:00-19:00 ${demo.timeZone} time, then confirm the hold (within ${demo.holdTtlSeconds} s):

  id=$(curl -s ${baseUrl}/api/realtime/attempt ${json} ${auth} -d '${attempt}' | sed -E 's/.*"reservationId":"([^"]+)".*/\\1/'); echo "$id"
  curl -s ${baseUrl}/api/realtime/confirm ${json} ${auth} -d "{\\"facilityId\\":\\"${demo.facilityId}\\",\\"reservationId\\":\\"$id\\"}"

The booking, member-1's upcoming reservations, and the day's availability (public):

  curl -s ${baseUrl}/api/reservations/$id ${auth}
  curl -s ${baseUrl}/api/members/me/reservations ${auth}
  curl -s '${baseUrl}/api/realtime/availability?facilityId=${demo.facilityId}&date=${date}'
`);
