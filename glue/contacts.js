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

// For each of `notices` [{memberId, facilityId, courtId}] → {contact (or
// null), facility ({name, timeZone} or null), courtName (or null)}, in one
// round trip: each member, facility and court is read once.
export async function recipients(db, notices) {
  if (notices.length === 0) return [];
  const members = [...new Set(notices.map((notice) => notice.memberId))];
  const facilities = [...new Set(notices.map((notice) => notice.facilityId))];
  const courts = [...new Map(notices.map(({ facilityId, courtId }) => [courtKey(facilityId, courtId), { facilityId, courtId }])).values()];
  const results = await db.batch([
    ...members.map((memberId) => db.prepare(`${CONTACT} WHERE member_id = ?1`).bind(memberId)),
    ...facilities.map((facilityId) => db.prepare("SELECT name, time_zone FROM facilities WHERE facility_id = ?1").bind(facilityId)),
    ...courts.map(({ facilityId, courtId }) =>
      db.prepare("SELECT name FROM courts WHERE facility_id = ?1 AND court_id = ?2").bind(facilityId, courtId ?? "")),
  ]);
  const rowOf = (index) => results[index].results[0];
  const contactIndex = new Map(members.map((memberId, i) => [memberId, i]));
  const facilityIndex = new Map(facilities.map((facilityId, i) => [facilityId, members.length + i]));
  const courtIndex = new Map(courts.map(({ facilityId, courtId }, i) => [courtKey(facilityId, courtId), members.length + facilities.length + i]));
  return notices.map(({ memberId, facilityId, courtId }) => {
    const contactRow = rowOf(contactIndex.get(memberId));
    const facilityRow = rowOf(facilityIndex.get(facilityId));
    const courtRow = rowOf(courtIndex.get(courtKey(facilityId, courtId)));
    return {
      contact: contactRow === undefined ? null : contactOf(contactRow),
      facility: facilityRow === undefined ? null : { name: facilityRow.name, timeZone: facilityRow.time_zone },
      courtName: courtRow?.name ?? null,
    };
  });
}

function courtKey(facilityId, courtId) {
  return JSON.stringify([facilityId, courtId ?? ""]);
}

const CONTACT = "SELECT member_id, channel, phone, email, language, updated_at FROM member_contacts";

function contactOf(row) {
  return {
    memberId: row.member_id, channel: row.channel, phone: row.phone, email: row.email,
    language: row.language, updatedAt: row.updated_at,
  };
}
