// twilio.js: sends an SMS or a WhatsApp message through Twilio's Messages
// API and says what became of it. POST
// {TWILIO_API_BASE}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded
// To/From/Body, HTTP Basic auth sid:token; WhatsApp addresses both numbers
// as `whatsapp:+E164`. Outcomes (docs/NOTIFICATIONS.md):
// {outcome: "sent", providerId} (the message sid), {outcome: "transient",
// reason} (network, timeout, 429, 5xx, error codes 20429 and 30003: worth
// retrying) or {outcome: "permanent", reason} (every other error).

const API_BASE = "https://api.twilio.com";
const TIMEOUT_MS = 10_000;
const TRANSIENT_CODES = new Set([20429, 30003]);
// Named here so the reason says why; any other 4xx is permanent too.
const PERMANENT_CODES = new Set([20003, 21211, 21608, 21610, 21614, 21635, 30006, 63016]);

// Sends `text` to `to` (E.164) on `channel` ("sms" or "whatsapp").
export async function sendTwilio(env, channel, to, text) {
  const sid = env.TWILIO_ACCOUNT_SID;
  const from = channel === "whatsapp" ? (env.TWILIO_WHATSAPP_FROM || env.TWILIO_FROM_NUMBER) : env.TWILIO_FROM_NUMBER;
  if (!sid || !env.TWILIO_AUTH_TOKEN || !from) {
    const reason = "Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)";
    return { outcome: "permanent", reason };
  }
  const address = (number) => (channel === "whatsapp" ? `whatsapp:${number}` : number);
  const base = (env.TWILIO_API_BASE || API_BASE).replace(/\/+$/, "");
  let response;
  let body;
  try {
    response = await fetch(`${base}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${btoa(`${sid}:${env.TWILIO_AUTH_TOKEN}`)}`,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      },
      body: new URLSearchParams({ To: address(to), From: address(from), Body: text }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    body = await response.text();
  } catch (error) {
    return { outcome: "transient", reason: `twilio: ${error.name === "TimeoutError" ? "timed out" : error.message}` };
  }
  return judge(response.status, parse(body));
}

// What a reply means: the HTTP status, then Twilio's error code in the body.
function judge(status, json) {
  const code = Number(json?.code ?? json?.error_code ?? NaN);
  if (status >= 200 && status < 300 && !["failed", "undelivered"].includes(json?.status)) {
    return { outcome: "sent", providerId: typeof json?.sid === "string" ? json.sid : null };
  }
  const said = json?.message ?? json?.error_message ?? "no message";
  const reason = `twilio ${status}${Number.isNaN(code) ? "" : ` code ${code}`}: ${said}`;
  if (TRANSIENT_CODES.has(code)) return { outcome: "transient", reason };
  if (PERMANENT_CODES.has(code)) return { outcome: "permanent", reason };
  if (status === 429 || status >= 500) return { outcome: "transient", reason };
  return { outcome: "permanent", reason };
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
