// directory.js: the facility directory in D1 (table `facilities`, see
// migrations/): the cross-facility list the Worker serves without waking
// any Durable Object. Takes the D1 binding.

export async function listFacilities(db) {
  const { results } = await db
    .prepare("SELECT facility_id, name, time_zone FROM facilities ORDER BY facility_id")
    .all();
  return results.map((row) => ({ facilityId: row.facility_id, name: row.name, timeZone: row.time_zone }));
}

// Records a facility's configuration (the core's `configure` reply) as of
// `updatedAt` (ms); an older write arriving late changes nothing.
export async function upsertFacility(db, { facilityId, name, timeZone }, updatedAt) {
  await db
    .prepare(
      `INSERT INTO facilities (facility_id, name, time_zone, updated_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (facility_id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
         updated_at = excluded.updated_at
       WHERE excluded.updated_at >= facilities.updated_at`,
    )
    .bind(facilityId, name, timeZone, new Date(updatedAt).toISOString())
    .run();
}
