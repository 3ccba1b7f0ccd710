// contacts.js: members' contact preferences in D1 `member_contacts`
// (migrations/0003_notifications.sql), and what the notifier reads to
// address one notice: the member's contact, the facility's name and time
// zone and the court's name (the projection's `facilities` and `courts`),
// in one round trip. Takes the D1 binding.

// Replaces `memberId`'s contact with {channel, phone, email, language}
// (each may be null) at `nowMs`; → the stored contact.
export async function putContact(db, memberId, { channel, phone, email, language }, nowMs) {
  const updatedAt = new Date(nowMs).toISOString();
  await db
    .prepare(
      `INSERT INTO member_contacts (member_id, channel, phone, email, language, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (member_id) DO UPDATE SET channel = excluded.channel, phone = excluded.phone,
         email = excluded.email, language = excluded.language, updated_at = excluded.updated_at`,
    )
    .bind(memberId, channel, phone, email, language, updatedAt)
    .run();
  return { memberId, channel, phone, email, language, updatedAt };
}

// `memberId`'s contact, or null when none was ever set.
export async function getContact(db, memberId) {
  const row = await db.prepare(`${CONTACT} WHERE member_id = ?1`).bind(memberId).first();
  return row === null ? null : contactOf(row);
}

// → {contact (or null), facility ({name, timeZone} or null), courtName
// (or null)} for a notice to `memberId` about `courtId` at `facilityId`.
export async function recipient(db, memberId, facilityId, courtId) {
  const [contact, facility, court] = await db.batch([
    db.prepare(`${CONTACT} WHERE member_id = ?1`).bind(memberId),
    db.prepare("SELECT name, time_zone FROM facilities WHERE facility_id = ?1").bind(facilityId),
    db.prepare("SELECT name FROM courts WHERE facility_id = ?1 AND court_id = ?2").bind(facilityId, courtId ?? ""),
  ]);
  const [contactRow] = contact.results;
  const [facilityRow] = facility.results;
  const [courtRow] = court.results;
  return {
    contact: contactRow === undefined ? null : contactOf(contactRow),
    facility: facilityRow === undefined ? null : { name: facilityRow.name, timeZone: facilityRow.time_zone },
    courtName: courtRow?.name ?? null,
  };
}

const CONTACT = "SELECT member_id, channel, phone, email, language, updated_at FROM member_contacts";

function contactOf(row) {
  return {
    memberId: row.member_id, channel: row.channel, phone: row.phone, email: row.email,
    language: row.language, updatedAt: row.updated_at,
  };
}
