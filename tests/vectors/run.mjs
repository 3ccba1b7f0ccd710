// run.mjs: the conformance runner. Runs PROGRAM once per tests/vectors/*.in
// file, with the file on stdin, and compares its stdout byte for byte with
// the matching .out file (--update writes the .out files instead). Any
// stdin-to-stdout driver works: the native CLI, or glue/cli.mjs with either
// wasm module.
//
// Usage: node tests/vectors/run.mjs [--update] -- PROGRAM [ARGS...]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const VECTORS = dirname(fileURLToPath(import.meta.url));
const CONTEXT = 60; // characters shown either side of the first difference

const args = process.argv.slice(2);
const separator = args.indexOf("--");
const options = separator === -1 ? [] : args.slice(0, separator);
const [program, ...programArgs] = separator === -1 ? [] : args.slice(separator + 1);
const update = options.includes("--update");
if (program === undefined || options.some((option) => option !== "--update")) {
  console.error("usage: node tests/vectors/run.mjs [--update] -- PROGRAM [ARGS...]");
  process.exit(2);
}

// The 1-based input line of each command (lines that are neither blank nor
// comments), so an output line can be traced to the command that made it.
function commandLines(input) {
  const lines = [];
  input.split("\n").forEach((line, index) => {
    if (line.length > 0 && !line.startsWith("#")) lines.push(index + 1);
  });
  return lines;
}

function excerpt(line, column) {
  const from = Math.max(0, column - CONTEXT);
  return `${from > 0 ? "…" : ""}${line.slice(from, column + CONTEXT)}${column + CONTEXT < line.length ? "…" : ""}`;
}

// Describes the first difference between two outputs.
function difference(name, input, expected, got) {
  const expectedLines = expected.split("\n");
  const gotLines = got.split("\n");
  let index = 0;
  while (expectedLines[index] === gotLines[index]) index++;
  const want = expectedLines[index] ?? "(end of output)";
  const have = gotLines[index] ?? "(end of output)";
  let column = 0;
  while (want[column] === have[column]) column++;
  const source = commandLines(input)[index];
  return [
    `FAIL ${name}: output line ${index + 1}${source ? ` (the command on line ${source})` : ""}, column ${column + 1}`,
    `  expected: ${excerpt(want, column)}`,
    `  got:      ${excerpt(have, column)}`,
  ].join("\n");
}

// Runs one vector file; returns null when it passes, else what went wrong.
function check(inPath) {
  const name = basename(inPath);
  const outPath = inPath.replace(/\.in$/, ".out");
  const input = readFileSync(inPath);
  const run = spawnSync(program, programArgs, { input, maxBuffer: 1 << 30 });
  if (run.status === null && run.signal === null) return `FAIL ${name}: ${run.error.message}`;
  if (run.status !== 0) {
    const stderr = run.stderr.toString().trimEnd();
    return `FAIL ${name}: ${program} exited with ${run.status ?? run.signal}${stderr ? `\n${stderr}` : ""}`;
  }
  if (update) {
    writeFileSync(outPath, run.stdout);
    return null;
  }
  if (!existsSync(outPath)) return `FAIL ${name}: ${basename(outPath)} is missing (run with --update)`;
  const expected = readFileSync(outPath);
  if (expected.equals(run.stdout)) return null;
  // latin1 maps each byte to one character: columns are byte offsets and
  // any two different byte strings stay different.
  return difference(name, input.toString("latin1"), expected.toString("latin1"), run.stdout.toString("latin1"));
}

const files = readdirSync(VECTORS).filter((file) => file.endsWith(".in")).sort();
let passed = 0;
let failed = 0;
for (const file of files) {
  const failure = check(join(VECTORS, file));
  if (failure === null) {
    passed++;
    console.log(`${update ? "wrote" : "ok"} ${file}`);
  } else {
    failed++;
    console.log(failure);
  }
}
if (files.length === 0) console.log(`no vector files in ${VECTORS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
