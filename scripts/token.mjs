// token.mjs (npm run token): mints a session token on the local server that
// `npm start` runs, through its development-only endpoint POST
// /api/dev/token, and prints it alone, so a shell can capture it:
//
//   TOKEN=$(npm run -s token -- member-1)
//   STAFF=$(npm run -s token -- desk-1 staff demo)
//
// Usage: node scripts/token.mjs MEMBER_ID [member|staff|admin] [FACILITY_ID]
// (a staff token acts as staff only at FACILITY_ID). PORT picks the server
// (default 8787).
const [memberId, role = "member", facilityId] = process.argv.slice(2);
if (memberId === undefined || !["member", "staff", "admin"].includes(role)) {
  console.error("usage: npm run -s token -- MEMBER_ID [member|staff|admin] [FACILITY_ID]");
  process.exit(2);
}
const baseUrl = `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const body = { memberId, role };
if (facilityId !== undefined) body.facilities = [facilityId];
let response;
try {
  response = await fetch(`${baseUrl}/api/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
} catch {
  console.error(`token: nothing answers at ${baseUrl}; run \`npm start\` first`);
  process.exit(1);
}
const reply = await response.json().catch(() => null);
if (response.status !== 201) {
  console.error(`token: ${response.status} ${JSON.stringify(reply)}`);
  process.exit(1);
}
console.log(reply.token);
