#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { runCli } from './main.js';

// A run holds a large, long-lived world (100k accounts) and allocates fast around it; V8's
// default lets the heap grow to several times what is live between full collections. Growing
// by 50% instead keeps a 100k-user run near its live size at no measurable cost in time
// (docs/decisions/005-memory.md). V8 reads this flag each time it recomputes heap limits.
setFlagsFromString('--heap-growing-percent=50');

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
