// rebuild.js: a facility rebuilt from the D1 projection in a fresh core
// (POST /api/realtime/sync): configured with its stored settings, its seq
// carried on past the old one, its blocked periods and member records put
// back, then every booking imported with its own id, version, creation
// time and payment. The host stores the result in place of its log and snapshot. No
// platform API here.
import { Core, encodeCommand } from "./core.js";

const encoder = new TextEncoder();

// `source` is {settings, blocks, members, reservations} (glue/directory.js
// rebuildSource); `actor` the caller, `now` the time, `seqFloor` the least
// seq the rebuilt facility may have (past the old facility's). Returns {core, deadline, steps,
// imported, skipped} with the commands to log ([{command, effects}]) and
// the bookings refused ([{reservationId, error, message}]), or {error:
// {status, reply}} when the settings themselves are refused.
export function rebuild(wasmModule, facilityId, actor, { settings, blocks, members, reservations }, now, seqFloor) {
  const core = new Core(wasmModule);
  const steps = [];
  const run = (op, args, newId) => {
    const command = encodeCommand({ op, now, newId, actor, params: { facilityId } }, encoder.encode(JSON.stringify(args)));
    const output = core.runJson(command);
    if (output.changed) steps.push({ command, effects: output.effects });
    return output;
  };
  const configured = run("configure", settings);
  if (configured.status !== 200) {
    const message = `the stored settings were refused: ${configured.reply.message}`;
    return { error: { status: 409, reply: { ...configured.reply, message } } };
  }
  run("raise_seq", { facilityId, seq: seqFloor });
  for (const { blockId, courtId, startTime, endTime, reason } of blocks) {
    const args = { facilityId, startTime, endTime, reason, ...(courtId === null ? {} : { courtId }) };
    run("block", args, blockId);
  }
  for (const member of members) run("import_member", { facilityId, ...member });
  let deadline = configured.deadline;
  const skipped = [];
  for (const r of reservations) {
    const { reservationId, courtId, memberId, startTime, endTime, partySize, version, createdAt, payment } = r;
    const args = { facilityId, reservationId, courtId, memberId, startTime, endTime, partySize, version, createdAt };
    if (payment !== undefined) args.payment = payment; // so a cancel in time is still refunded
    const output = run("import", args);
    deadline = output.deadline;
    if (output.status !== 200) skipped.push({ reservationId, error: output.reply.error, message: output.reply.message });
  }
  return { core, deadline, steps, imported: reservations.length - skipped.length, skipped };
}
