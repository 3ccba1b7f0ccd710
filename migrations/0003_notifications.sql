-- The notifier (edge/notifier.js, docs/NOTIFICATIONS.md): members' contact
-- preferences, and the columns notification_log needs to send each notice
-- exactly once on top of the queue's at-least-once delivery.

-- How a member wants to be told: one channel, its address, a language.
-- Written by PUT /api/members/me/contact; `channel` null means "do not
-- notify me" (the notifier logs such notices as skipped).
CREATE TABLE member_contacts (
  member_id TEXT PRIMARY KEY,
  channel TEXT CHECK (channel IN ('sms', 'whatsapp', 'email')),
  phone TEXT, -- E.164, for sms and whatsapp
  email TEXT,
  language TEXT, -- a language tag (en, es, es-MX); null: English
  updated_at TEXT NOT NULL -- RFC 3339, UTC
);

-- One row per notice (the table is 0002's). Its `id` is the dedupe key
-- `{facilityId}/{noticeId}`: the primary key makes the claim atomic.
-- state: claimed (an attempt is sending it) -> sent | failed | skipped, or
-- retrying (a transient failure; the queue redelivers it) -> claimed.
ALTER TABLE notification_log ADD COLUMN notice_id TEXT;
ALTER TABLE notification_log ADD COLUMN state TEXT;
ALTER TABLE notification_log ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0; -- claims so far
ALTER TABLE notification_log ADD COLUMN claimed_ms INTEGER; -- when the latest claim was taken
ALTER TABLE notification_log ADD COLUMN last_error TEXT; -- why it failed, was skipped or is retrying
ALTER TABLE notification_log ADD COLUMN provider_id TEXT; -- Twilio's message sid, SendGrid's X-Message-Id
ALTER TABLE notification_log ADD COLUMN updated_at TEXT; -- RFC 3339, UTC

CREATE INDEX notification_log_by_state ON notification_log (facility_id, state);
