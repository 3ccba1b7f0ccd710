// cli.mjs: the Node driver of a wasm module, the twin of the native CLI
// (native/cli.c): reads commands from stdin, one per line (blank lines and
// lines starting with '#' are skipped), runs each against one facility and
// writes each output on its own line. Lines stay bytes, so invalid UTF-8
// reaches the core untouched.
//
// Usage: node glue/cli.mjs MODULE.wasm < commands
import { readFileSync } from "node:fs";
import { Core } from "./core.js";

const [modulePath] = process.argv.slice(2);
if (modulePath === undefined) {
  console.error("usage: node glue/cli.mjs MODULE.wasm < commands");
  process.exit(2);
}

const core = new Core(new WebAssembly.Module(readFileSync(modulePath)));
const input = readFileSync(0);
for (let start = 0; start < input.length; ) {
  const newline = input.indexOf(0x0a, start);
  const end = newline === -1 ? input.length : newline;
  if (end > start && input[start] !== 0x23 /* # */) {
    process.stdout.write(`${core.run(input.subarray(start, end))}\n`);
  }
  start = end + 1;
}
