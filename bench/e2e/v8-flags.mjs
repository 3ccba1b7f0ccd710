// v8-flags.mjs: adds V8 flags to a workerd configuration. Miniflare hands
// workerd its configuration as a binary Cap'n Proto `Config` message on
// stdin and has no option for the message's `v8Flags` list; this reads such
// a message on stdin and writes it to stdout with that list set to the
// arguments (`node v8-flags.mjs --perf-basic-prof ...`). The list goes in a
// segment of its own at the end, reached from the Config's pointer by a far
// pointer, so nothing already in the message moves. Used through
// workerd-v8-flags.sh by runtime.mjs (run.mjs --perf); see
// https://capnproto.org/encoding.html for the format.
import { readFileSync, writeSync } from "node:fs";

const V8_FLAGS_POINTER = 2; // Config's third pointer field (workerd.capnp: services, sockets, v8Flags)
const ELEMENT_POINTER = 6; // list element sizes (the encoding's table)
const ELEMENT_BYTE = 2;

export function withV8Flags(message, flags) {
  const segmentCount = message.readUInt32LE(0) + 1;
  const sizes = Array.from({ length: segmentCount }, (_, i) => message.readUInt32LE(4 + 4 * i)); // in words
  const headerBytes = headerSize(segmentCount);
  const total = headerBytes + 8 * sizes.reduce((sum, words) => sum + words, 0);
  if (total !== message.length) throw new Error(`the configuration is ${message.length} bytes, its segment table says ${total}`);

  // The root: a struct pointer at word 0 of segment 0.
  const rootLow = message.readUInt32LE(headerBytes);
  const rootHigh = message.readUInt32LE(headerBytes + 4);
  if ((rootLow & 3) !== 0) throw new Error("the configuration's root is not a struct pointer in its first segment");
  const structWord = 1 + (rootLow >> 2); // the offset is signed, from the pointer's end
  const dataWords = rootHigh & 0xffff;
  const pointerWords = rootHigh >>> 16;
  if (pointerWords <= V8_FLAGS_POINTER) throw new Error("the configuration has no v8Flags field");
  const slot = headerBytes + 8 * (structWord + dataWords + V8_FLAGS_POINTER);
  if (message.readBigUInt64LE(slot) !== 0n) throw new Error("the configuration already has v8Flags");

  // The new segment: a landing pad (the list's pointer), the list of text
  // pointers, then each text with its NUL, padded to a word.
  const texts = flags.map((flag) => Buffer.from(`${flag}\0`));
  const textWords = texts.map((text) => Math.ceil(text.length / 8));
  const words = 1 + texts.length + textWords.reduce((sum, n) => sum + n, 0);
  const segment = Buffer.alloc(8 * words);
  listPointer(segment, 0, 1, ELEMENT_POINTER, texts.length);
  let next = 1 + texts.length;
  texts.forEach((text, i) => {
    listPointer(segment, 1 + i, next, ELEMENT_BYTE, text.length);
    text.copy(segment, 8 * next);
    next += textWords[i];
  });

  const header = Buffer.alloc(headerSize(segmentCount + 1));
  header.writeUInt32LE(segmentCount, 0);
  [...sizes, words].forEach((size, i) => header.writeUInt32LE(size, 4 + 4 * i));
  const body = Buffer.from(message.subarray(headerBytes));
  // A far pointer to the landing pad at word 0 of the new segment.
  body.writeUInt32LE(2, slot - headerBytes);
  body.writeUInt32LE(segmentCount, slot - headerBytes + 4);
  return Buffer.concat([header, body, segment]);
}

// The segment table's bytes: the count and each size, padded to a word.
function headerSize(segmentCount) {
  const bytes = 4 * (1 + segmentCount);
  return bytes + (bytes % 8);
}

// A list pointer at word `at` of `segment` to the list at word `target`.
function listPointer(segment, at, target, elementSize, count) {
  segment.writeUInt32LE((((target - at - 1) << 2) | 1) >>> 0, 8 * at);
  segment.writeUInt32LE((elementSize | (count << 3)) >>> 0, 8 * at + 4);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = withV8Flags(readFileSync(0), process.argv.slice(2));
  for (let written = 0; written < out.length; ) written += writeSync(1, out, written);
}
