/**
 * `npm run bench`, figure 5: runs the CLI exactly as dist/cli/bin.js does (same V8 flag) and
 * then reports the process's peak resident set size on stderr as `peak-rss-kb <n>`.
 */
import { setFlagsFromString } from 'node:v8';
import { runCli } from '../cli/main.js';

setFlagsFromString('--heap-growing-percent=50');
const sink = { write: () => true, isTTY: false };
const code = await runCli(process.argv.slice(2), { stdout: sink, stderr: process.stderr, env: { ...process.env, NO_COLOR: '1' }, cwd: process.cwd() });
process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
