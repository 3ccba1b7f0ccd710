// sendgrid.js: sends an email through SendGrid's v3 Mail Send API and says
// what became of it. POST {SENDGRID_API_BASE}/v3/mail/send, JSON
// {personalizations: [{to: [{email}]}], from: {email}, subject, content:
// [{type: "text/plain", value}]}, `Authorization: Bearer KEY`; 202 means
// accepted (queued by SendGrid). Outcomes as in twilio.js: "sent" with the
// X-Message-Id, "transient" (network, timeout, 429, 5xx) or "permanent"
// (400, 401, 403, 406, 413, 451 and every other error).

const API_BASE = "https://api.sendgrid.com";
const TIMEOUT_MS = 10_000;

// Sends `subject` and `text` to `to`.
export async function sendEmail(env, to, subject, text) {
  if (!env.SENDGRID_API_KEY || !env.SENDGRID_FROM_EMAIL) {
    return { outcome: "permanent", reason: "SendGrid is not configured (SENDGRID_API_KEY, SENDGRID_FROM_EMAIL)" };
  }
  const base = (env.SENDGRID_API_BASE || API_BASE).replace(/\/+$/, "");
  let response;
  let body;
  try {
    response = await fetch(`${base}/v3/mail/send`, {
      method: "POST",
      headers: { Authorization: `Bearer ${env.SENDGRID_API_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        personalizations: [{ to: [{ email: to }] }],
        from: { email: env.SENDGRID_FROM_EMAIL },
        subject,
        content: [{ type: "text/plain", value: text }],
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    body = await response.text();
  } catch (error) {
    return { outcome: "transient", reason: `sendgrid: ${error.name === "TimeoutError" ? "timed out" : error.message}` };
  }
  if (response.status >= 200 && response.status < 300) {
    return { outcome: "sent", providerId: response.headers.get("X-Message-Id") };
  }
  const reason = `sendgrid ${response.status}: ${messages(body)}`;
  const transient = response.status === 429 || response.status >= 500;
  return { outcome: transient ? "transient" : "permanent", reason };
}

// The `errors[].message` of a failure body, or its first bytes.
function messages(text) {
  try {
    const errors = JSON.parse(text).errors;
    if (Array.isArray(errors)) return errors.map((error) => error?.message).join("; ") || "no message";
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || "no message";
}
